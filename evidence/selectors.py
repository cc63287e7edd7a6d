"""Reads of the environmental scan: indicators with their values, a chart's lines, data packs."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.safestring import SafeString

from engagements.models import Engagement

from . import charts
from .models import DataPack, DataPackItem, Indicator, IndicatorValue


def indicators_for(engagement: Engagement) -> list[Indicator]:
    """The engagement's indicators, each with its values (two queries whatever their number)."""
    return list(
        Indicator.objects.filter(engagement=engagement).prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("breakdown", "year"))
        )
    )


def series_of(indicator: Indicator) -> list[charts.Series]:
    """The indicator's lines: all students first, then each group or school by name. Reads the
    prefetched values when there are."""
    lines: dict[str, list] = {}
    labels: dict[str, str] = {}
    for value in sorted(indicator.values.all(), key=lambda v: (v.breakdown.lower(), v.year)):
        key = value.breakdown.lower()
        labels.setdefault(key, value.breakdown)
        lines.setdefault(key, []).append((value.year, value.value))
    return [
        charts.Series(labels[key], tuple(points))
        for key, points in sorted(lines.items(), key=lambda item: (item[0] != "", item[0]))
    ]


def latest_all_students(indicator: Indicator) -> tuple[int, Decimal] | None:
    """The newest value for all students: a measure's baseline."""
    values = [v for v in indicator.values.all() if not v.breakdown]
    if not values:
        return None
    newest = max(values, key=lambda v: v.year)
    return newest.year, newest.value


@dataclass(frozen=True)
class IndicatorView:
    """An indicator as a page shows it: its chart, its numbers and its sentence in words."""

    indicator: Indicator
    series: list
    summary: str
    chart: SafeString
    table: dict
    latest: tuple[int, Decimal] | None


def indicator_view(indicator: Indicator, *, key: str = "") -> IndicatorView:
    series = series_of(indicator)
    summary = charts.summary(
        indicator.name, indicator.unit, indicator.get_direction_display(), series
    )
    chart = charts.svg(
        key=key or f"chart-{indicator.pk}",
        title=indicator.name + (f" ({indicator.unit})" if indicator.unit else ""),
        description=summary,
        unit=indicator.unit,
        series=series,
    )
    return IndicatorView(
        indicator=indicator,
        series=series,
        summary=summary,
        chart=chart,
        table=charts.table(series),
        latest=latest_all_students(indicator),
    )


def indicator_with_values(indicator_id, engagement: Engagement) -> Indicator | None:
    return (
        Indicator.objects.filter(pk=indicator_id, engagement=engagement)
        .prefetch_related("values")
        .first()
    )


def packs_for(engagement: Engagement) -> list[DataPack]:
    return list(
        DataPack.objects.filter(engagement=engagement)
        .select_related("meeting")
        .prefetch_related(Prefetch("items", queryset=DataPackItem.objects.only("id", "pack_id")))
    )


def pack_items(pack: DataPack) -> list[DataPackItem]:
    """A pack's items in order, each with its indicator and the indicator's values."""
    return list(
        pack.items.select_related("indicator").prefetch_related(
            Prefetch(
                "indicator__values", queryset=IndicatorValue.objects.order_by("breakdown", "year")
            )
        )
    )


def packs_for_meeting(meeting) -> list[DataPack]:
    return list(DataPack.objects.filter(meeting=meeting).order_by("created_at"))
