"""Data packs: made, filled and ordered with the keyboard, read by the plan team, listed among a
meeting's readings."""

import pytest
from django.urls import reverse

from evidence.models import DataPack, DataPackItem
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(f"evidence:{name}", args=[cast.engagement.pk, *args])


def test_a_pack_is_made_then_filled_in_order(client, cast):
    meeting = MeetingFactory(engagement=cast.engagement, title="Data retreat")
    first = IndicatorFactory(engagement=cast.engagement, name="Graduation rate")
    second = IndicatorFactory(engagement=cast.engagement, name="Trust survey")
    client.force_login(cast.core_team)
    response = client.post(
        url("pack-new", cast),
        {
            "title": "Where are we now?",
            "introduction": "Paint a data picture.",
            "meeting": meeting.pk,
        },
    )
    pack = DataPack.objects.get()
    assert response["Location"] == url("pack-edit", cast, pack.pk)
    assert pack.meeting == meeting
    for indicator, words in [(second, "Trust fell."), (first, "Graduation rose.")]:
        client.post(
            url("pack-edit", cast, pack.pk), {"indicator": indicator.pk, "commentary": words}
        )
    assert [i.indicator for i in pack.items.all()] == [second, first]
    moved = pack.items.get(indicator=first)
    client.post(
        reverse("evidence:item-move", args=[cast.engagement.pk, moved.pk]), {"direction": "up"}
    )
    assert [i.indicator for i in pack.items.all()] == [first, second]
    page = client.get(url("pack", cast, pack.pk)).text
    assert page.index("1. Graduation rate") < page.index("2. Trust survey")
    assert "Graduation rose." in page and "Paint a data picture." in page


def test_the_edit_page_offers_up_and_down_buttons_not_drag_only(client, cast):
    pack = DataPackFactory(engagement=cast.engagement)
    items = [DataPackItemFactory(pack=pack) for _ in range(3)]
    client.force_login(cast.facilitator)
    page = client.get(url("pack-edit", cast, pack.pk)).text
    assert page.count('name="direction" value="up"') == 2
    assert page.count('name="direction" value="down"') == 2
    assert reverse("evidence:item-move", args=[cast.engagement.pk, items[0].pk]) in page


def test_an_indicator_goes_in_a_pack_once_and_a_foreign_one_not_at_all(client, cast):
    pack = DataPackFactory(engagement=cast.engagement)
    item = DataPackItemFactory(pack=pack)
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    for indicator in (item.indicator, foreign):
        response = client.post(url("pack-edit", cast, pack.pk), {"indicator": indicator.pk})
        assert response.status_code == 400
        assert "that is not in the pack yet." in response.text
    assert pack.items.count() == 1


def test_a_meeting_of_another_engagement_is_refused(client, cast):
    foreign = MeetingFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    response = client.post(url("pack-new", cast), {"title": "Pack", "meeting": foreign.pk})
    assert response.status_code == 400
    assert not DataPack.objects.exists()


def test_the_pack_is_listed_among_its_meetings_readings(client, cast):
    meeting = MeetingFactory(engagement=cast.engagement)
    pack = DataPackFactory(engagement=cast.engagement, meeting=meeting, title="<b>Our data</b>")
    client.force_login(cast.plan_team)
    page = client.get(reverse("engagements:meeting", args=[cast.engagement.pk, meeting.pk])).text
    assert url("pack", cast, pack.pk) in page
    assert "&lt;b&gt;Our data&lt;/b&gt;" in page
    assert 'Readings to prepare <span class="count">(1)</span>' in page


def test_commentary_is_edited_and_an_item_removed_after_a_confirmation(client, cast):
    item = DataPackItemFactory(pack__engagement=cast.engagement)
    client.force_login(cast.facilitator)
    edit = reverse("evidence:item-edit", args=[cast.engagement.pk, item.pk])
    assert client.post(edit, {"commentary": "New words"}).status_code == 302
    item.refresh_from_db()
    assert item.commentary == "New words"
    remove = reverse("evidence:item-remove", args=[cast.engagement.pk, item.pk])
    assert "the indicator itself stays" in client.get(remove).text
    client.post(remove)
    assert not DataPackItem.objects.exists()


def test_deleting_a_pack_asks_first(client, cast):
    pack = DataPackFactory(engagement=cast.engagement)
    client.force_login(cast.facilitator)
    assert "This cannot be undone." in client.get(url("pack-delete", cast, pack.pk)).text
    client.post(url("pack-delete", cast, pack.pk))
    assert not DataPack.objects.exists()


@pytest.mark.parametrize(
    "role", ["facilitator", "core_team", "plan_team", "board", "superintendent"]
)
def test_every_member_reads_and_only_keepers_edit(client, cast, role):
    item = DataPackItemFactory(pack__engagement=cast.engagement)
    client.force_login(cast.member(role))
    assert client.get(url("pack", cast, item.pack.pk)).status_code == 200
    expected = 200 if role in ("facilitator", "core_team") else 403
    assert client.get(url("pack-edit", cast, item.pack.pk)).status_code == expected
    move = reverse("evidence:item-move", args=[cast.engagement.pk, item.pk])
    assert client.post(move, {"direction": "up"}).status_code == (302 if expected == 200 else 403)


def test_foreign_packs_and_items_are_404(client, cast):
    foreign = DataPackItemFactory(pack__engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    assert client.get(url("pack", cast, foreign.pack.pk)).status_code == 404
    edit = reverse("evidence:item-edit", args=[cast.engagement.pk, foreign.pk])
    assert client.get(edit).status_code == 404
    client.force_login(cast.outsider)
    own = DataPackFactory(engagement=cast.engagement)
    assert client.get(url("pack", cast, own.pk)).status_code == 404


def test_the_pack_page_takes_constant_queries(client, cast, django_assert_max_num_queries):
    pack = DataPackFactory(engagement=cast.engagement)

    def fill(count):
        for _ in range(count):
            item = DataPackItemFactory(pack=pack)
            for year in range(2018, 2026):
                IndicatorValueFactory(indicator=item.indicator, year=year)
                IndicatorValueFactory(indicator=item.indicator, year=year, breakdown="School A")

    fill(2)
    client.force_login(cast.plan_team)
    with django_assert_max_num_queries(12) as few:
        client.get(url("pack", cast, pack.pk))
    fill(12)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("pack", cast, pack.pk))
    assert response.text.count("<svg") >= 14
