"""Riverside's environmental scan in the demo (evidence/demo.py), built by load_demo."""

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from engagements.models import Engagement
from evidence.demo import CARD_EVIDENCE, PACK, PACK_TITLE, YEARS
from evidence.models import DataPack, Indicator, IndicatorValue
from retreats.models import Activity, Card

pytestmark = pytest.mark.django_db


def riverside() -> Engagement:
    return Engagement.objects.get(name="Strategic Plan 2027–2032")


def snapshot() -> str:
    models = [m for m in apps.get_models() if m._meta.app_label in {"evidence", "retreats"}]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_the_demo_has_twelve_indicators_over_five_years_with_groups_and_schools():
    call_command("load_demo")
    indicators = list(Indicator.objects.filter(engagement=riverside()))
    assert len(indicators) == 12
    assert len({i.position for i in indicators}) == 12
    for indicator in indicators:
        years = set(indicator.values.filter(breakdown="").values_list("year", flat=True))
        assert years == set(YEARS), indicator.name
        assert indicator.unit and indicator.source and indicator.note
    reading = Indicator.objects.get(name="3rd-grade reading proficiency")
    groups = set(reading.values.values_list("breakdown", flat=True))
    assert {"English learners", "Students with disabilities", "Economically disadvantaged"} < groups
    assert "Eastside Elementary" in groups
    absence = Indicator.objects.get(name="Chronic absence rate")
    assert absence.direction == Indicator.Direction.DOWN
    assert Indicator.objects.get(name="Staff turnover").direction == Indicator.Direction.DOWN
    assert Indicator.objects.get(name="Family satisfaction").direction == Indicator.Direction.UP
    # The other engagements have none.
    assert not Indicator.objects.exclude(engagement=riverside()).exists()


def test_the_data_pack_is_read_before_the_data_retreat_in_order_with_commentary():
    call_command("load_demo")
    pack = DataPack.objects.get(engagement=riverside(), title=PACK_TITLE)
    assert pack.meeting.title == "Data retreat"
    items = list(pack.items.select_related("indicator"))
    assert 6 <= len(items) <= 8
    assert [item.indicator.name for item in items] == [name for name, _ in PACK]
    assert all(item.commentary for item in items)


def test_swot_cards_cite_indicators_and_nothing_is_on_the_projector():
    call_command("load_demo")
    swot = Activity.objects.get(
        retreat__engagement=riverside(), retreat__title="Data retreat: SWOT analysis"
    )
    cited = {c.text: c.evidence.name for c in swot.cards.filter(evidence__isnull=False)}
    assert cited == CARD_EVIDENCE
    assert cited["Chronic absenteeism rose after 2020"] == "Chronic absence rate"
    assert not Activity.objects.filter(shown_indicator__isnull=False).exists()


def test_running_the_demo_twice_changes_nothing_and_keeps_peoples_changes():
    call_command("load_demo")
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    # A card whose evidence someone removed stays without it; an edited value stays edited.
    card = Card.objects.get(text="Chronic absenteeism rose after 2020")
    card.evidence = None
    card.save()
    value = IndicatorValue.objects.get(
        indicator__name="Four-year graduation rate", year=2025, breakdown=""
    )
    value.value = 90
    value.save()
    call_command("load_demo")
    card.refresh_from_db()
    value.refresh_from_db()
    assert card.evidence is None
    assert value.value == 90


def test_the_environmental_scan_pages_open_for_dana(client):
    call_command("load_demo")
    engagement = riverside()
    client.force_login(User.objects.get(email="facilitator@riverside.example"))
    page = client.get(reverse("evidence:indicators", args=[engagement.pk])).content.decode()
    assert "Chronic absence rate" in page and "Riverside’s data picture" in page
    pack = DataPack.objects.get(title=PACK_TITLE)
    page = client.get(reverse("evidence:pack", args=[engagement.pk, pack.pk])).content.decode()
    assert "Chronic absence rate" in page
    meeting = pack.meeting
    page = client.get(
        reverse("engagements:meeting", args=[engagement.pk, meeting.pk])
    ).content.decode()
    assert "Riverside’s data picture" in page
    indicator = Indicator.objects.get(name="3rd-grade reading proficiency")
    url = reverse("evidence:indicator", args=[engagement.pk, indicator.pk])
    assert "Eastside Elementary" in client.get(url).content.decode()
