"""The lived plan's measures: the list with each status and why, a measure's page (add a
reading, its readings, yearly targets, target changes with their log, a status override), and
importing readings from CSV."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagements.access import Access, Can, access_engagement, members_only

from ..forms.measures import (
    OverrideForm,
    ReadingForm,
    ReadingsCsvForm,
    TargetsForm,
    YearlyTargetForm,
)
from ..selectors.measures import LivedMeasure, lived_measure, lived_measures, may_report
from ..services import measures as services


def _thresholds() -> dict:
    return {
        "on_track": round(settings.MONITORING_ON_TRACK * 100),
        "behind": round(settings.MONITORING_BEHIND * 100),
    }


def _plain(value):
    """70.00 → 70 in the form, as people write it."""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else value


def _school_year(day: date) -> int:
    """The school year a day falls in, by the calendar year it ends in."""
    month, end = settings.MONITORING_SCHOOL_YEAR_ENDS
    return day.year + (1 if (day.month, day.day) > (month, end) else 0)


def _years(measure: LivedMeasure, today: date) -> list[int]:
    row = measure.monitored
    first = _school_year(row.baseline_date or today)
    last = _school_year(row.target_date) if row.target_date else first + 4
    return list(range(first, max(first, last) + 1))[:30]


def _measure(request: HttpRequest, engagement_id: UUID, measure_id: UUID, need: Can = Can.VIEW):
    access = access_engagement(request, engagement_id, need=need)
    measure = lived_measure(access.engagement, measure_id, today=timezone.localdate())
    if measure is None:
        raise Http404("The approved plan has no such measure.")
    return access, measure


def _page(request, access: Access, measure: LivedMeasure, status: int = 200, **forms):
    today = timezone.localdate()
    row = measure.monitored
    initial = {
        name: _plain(getattr(row, name)) for name in TargetsForm.base_fields if name != "reason"
    }
    context = {
        "engagement": access.engagement,
        "measure": measure,
        "may_report": may_report(access, request.user.email, measure.element),
        "may_change_targets": access.can(Can.CHANGE_TARGETS),
        "reading_form": ReadingForm(today=today, unit=measure.unit, initial={"taken_on": today}),
        "targets_form": TargetsForm(initial=initial),
        "yearly_form": YearlyTargetForm(years=_years(measure, today)),
        "override_form": OverrideForm(),
        "thresholds": _thresholds(),
        **forms,
    }
    return TemplateResponse(request, "monitoring/measures/measure.html", context, status=status)


def _require_reporter(request: HttpRequest, access: Access, measure: LivedMeasure) -> None:
    if not may_report(access, request.user.email, measure.element):
        raise PermissionDenied(
            "Only the measure's owner, the facilitator and the core team report on it."
        )


@members_only
@require_GET
def measure_list(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    lived = lived_measures(access.engagement, today=timezone.localdate())
    context = {
        "engagement": access.engagement,
        "lived": lived,
        "may_import": lived is not None and access.can(Can.UPDATE_PROGRESS),
        "thresholds": _thresholds(),
    }
    return TemplateResponse(request, "monitoring/measures/list.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def measure_detail(request: HttpRequest, engagement_id: UUID, measure_id: UUID) -> HttpResponse:
    access, measure = _measure(request, engagement_id, measure_id)
    if request.method != "POST":
        return _page(request, access, measure)
    _require_reporter(request, access, measure)
    form = ReadingForm(request.POST, today=timezone.localdate(), unit=measure.unit)
    if not form.is_valid():
        return _page(request, access, measure, status=400, reading_form=form)
    services.reading_add(measure=measure.monitored, by=request.user, **form.cleaned_data)
    messages.success(request, "Reading added. The status below takes it into account.")
    return redirect("monitoring:measure", engagement_id=engagement_id, measure_id=measure_id)


@members_only
@require_POST
def measure_targets(request: HttpRequest, engagement_id: UUID, measure_id: UUID) -> HttpResponse:
    access, measure = _measure(request, engagement_id, measure_id, need=Can.CHANGE_TARGETS)
    form = TargetsForm(request.POST)
    if not form.is_valid():
        return _page(request, access, measure, status=400, targets_form=form)
    count = services.targets_change(
        measure=measure.monitored,
        by=request.user,
        reason=form.cleaned_data["reason"],
        **form.values(),
    )
    if count:
        plural = "s" if count != 1 else ""
        messages.success(request, f"{count} value{plural} changed, with the reason.")
    else:
        messages.info(request, "Nothing changed: these are the values already set.")
    return redirect("monitoring:measure", engagement_id=engagement_id, measure_id=measure_id)


@members_only
@require_POST
def measure_yearly_target(
    request: HttpRequest, engagement_id: UUID, measure_id: UUID
) -> HttpResponse:
    access, measure = _measure(request, engagement_id, measure_id, need=Can.CHANGE_TARGETS)
    form = YearlyTargetForm(request.POST, years=_years(measure, timezone.localdate()))
    if not form.is_valid():
        return _page(request, access, measure, status=400, yearly_form=form)
    services.yearly_target_set(measure=measure.monitored, by=request.user, **form.cleaned_data)
    messages.success(request, "Yearly target saved, with the reason.")
    return redirect("monitoring:measure", engagement_id=engagement_id, measure_id=measure_id)


@members_only
@require_POST
def measure_override(request: HttpRequest, engagement_id: UUID, measure_id: UUID) -> HttpResponse:
    access, measure = _measure(request, engagement_id, measure_id, need=Can.UPDATE_PROGRESS)
    _require_reporter(request, access, measure)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _page(request, access, measure, status=400, override_form=form)
    services.status_override(measure=measure.monitored, by=request.user, **form.cleaned_data)
    messages.success(request, "Status set, with the reason. The next reading replaces it.")
    return redirect("monitoring:measure", engagement_id=engagement_id, measure_id=measure_id)


@members_only
@require_http_methods(["GET", "POST"])
def readings_import(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.UPDATE_PROGRESS)
    today = timezone.localdate()
    lived = lived_measures(access.engagement, today=today)
    if lived is None:  # nothing to report on yet: the list says so plainly
        return redirect("monitoring:measures", engagement_id=engagement_id)
    mine = [m for m in lived.measures if may_report(access, request.user.email, m.element)]
    by_name = {**{m.indicator.lower(): m.monitored for m in mine}}
    by_name.update({str(m.id): m.monitored for m in mine})
    form = ReadingsCsvForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, problems = services.readings_csv_check(
                data=form.cleaned_data["file"].read(), measures=by_name, today=today
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not problems:
                count = services.readings_csv_import(rows=rows, by=request.user)
                messages.success(request, f"Added {count} reading{'s' if count != 1 else ''}.")
                return redirect("monitoring:measures", engagement_id=engagement_id)
    context = {"engagement": access.engagement, "form": form, "problems": problems, "mine": mine}
    status = 400 if problems or form.errors else 200
    return TemplateResponse(request, "monitoring/measures/import.html", context, status=status)
