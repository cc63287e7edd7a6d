"""Meetings: the list by phase, a meeting's page, its agenda and its attendance.

Readings (uploads and downloads) are in test_meetings_readings.py.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from engagements.models import AgendaItem, Attendance, Meeting
from engagements.services import meetings as services
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    PhaseFactory,
    ReadingFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]
NOT_FACILITATOR = ["core_team", "plan_team", "board", "superintendent"]
HTMX = {"HX-Request": "true"}
# 18:30 in Chicago on 14 April 2027 (daylight time, UTC-5).
EVENING = datetime(2027, 4, 14, 23, 30, tzinfo=UTC)


def url(name, *args):
    return reverse(f"engagements:{name}", args=args)


def meeting_url(meeting, name="meeting"):
    return url(name, meeting.engagement_id, meeting.pk)


def item_url(item, name):
    return url(name, item.meeting.engagement_id, item.meeting_id, item.pk)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def phase(cast):
    return PhaseFactory(
        engagement=cast.engagement,
        name="Orientation",
        guiding_question="Who are we and what are we being asked to do?",
        position=1,
    )


@pytest.fixture
def meeting(phase):
    return MeetingFactory(
        phase=phase,
        title="Orientation evening",
        kind=Meeting.Kind.ORIENTATION,
        starts_at=EVENING,
        duration_minutes=120,
        place="Board room, 100 Main Street",
    )


def agenda_titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def meeting_data(phase, **changes):
    data = {
        "title": "Data retreat",
        "kind": "retreat",
        "phase": str(phase.pk),
        "starts_at": "2027-05-01T09:00",
        "duration_minutes": "360",
        "place": "High school library",
        "link": "https://meet.example.org/riverside",
        "notes": "Lunch is provided.",
    }
    return {**data, **changes}


# --- the meetings page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_meetings_grouped_by_phase(client, cast, meeting, role):
    AgendaItemFactory.create_batch(3, meeting=meeting)
    later = PhaseFactory(engagement=cast.engagement, name="Data retreat phase", position=2)
    client.force_login(cast.member(role))
    response = client.get(url("meetings", cast.engagement.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Orientation" in page
    assert "“Who are we and what are we being asked to do?”" in page
    assert "Orientation evening" in page
    assert "Wed, Apr 14, 2027, 6:30 p.m. CDT" in page  # the site's time zone
    assert "2 hours" in page
    assert "Board room, 100 Main Street" in page
    assert "3 items" in page
    assert later.name in page and "No meetings in this phase." in page
    assert ("Plan a meeting" in page) == (role == "facilitator")


def test_the_engagement_page_links_to_the_meetings(client, cast):
    client.force_login(cast.board)
    page = client.get(url("detail", cast.engagement.pk)).content.decode()
    assert f'href="{url("meetings", cast.engagement.pk)}"' in page


def test_an_empty_meetings_page_tells_the_facilitator_what_to_do(client, cast, phase):
    client.force_login(cast.facilitator)
    page = client.get(url("meetings", cast.engagement.pk)).content.decode()
    assert "No meetings planned yet" in page
    assert "Plan the first meeting" in page


def test_an_empty_meetings_page_tells_others_who_plans_them(client, cast, phase):
    client.force_login(cast.plan_team)
    page = client.get(url("meetings", cast.engagement.pk)).content.decode()
    assert "When the facilitator plans a meeting" in page
    assert "Plan the first meeting" not in page


def test_without_phases_the_page_explains_that_meetings_need_them(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(url("meetings", cast.engagement.pk)).content.decode()
    assert "No phases yet" in page


def test_meetings_of_another_engagement_are_not_listed(client, cast, meeting):
    MeetingFactory(phase__engagement=cast.foreign_engagement, title="Lakeview retreat")
    client.force_login(cast.facilitator)
    page = client.get(url("meetings", cast.engagement.pk)).content.decode()
    assert "Orientation evening" in page
    assert "Lakeview retreat" not in page


def test_the_meetings_page_keeps_a_constant_number_of_queries(
    client, cast, phase, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            extra = PhaseFactory(engagement=cast.engagement)
            meeting = MeetingFactory(phase=extra)
            AgendaItemFactory.create_batch(2, meeting=meeting)

    add(1)
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(8) as small:
        client.get(url("meetings", cast.engagement.pk))
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("meetings", cast.engagement.pk))
    assert response.content.decode().count('class="card"') == 21


# --- planning, changing and deleting a meeting ---------------------------------------------------


def test_the_facilitator_plans_a_meeting_in_the_site_time_zone(client, cast, phase):
    client.force_login(cast.facilitator)
    response = client.post(url("meeting-new", cast.engagement.pk), meeting_data(phase))
    meeting = Meeting.objects.get(title="Data retreat")
    assert response.status_code == 302
    assert response.url == meeting_url(meeting)
    assert meeting.engagement == cast.engagement and meeting.phase == phase
    assert meeting.starts_at == datetime(2027, 5, 1, 14, 0, tzinfo=UTC)  # 9:00 in Chicago
    assert (meeting.duration_minutes, meeting.place) == (360, "High school library")
    page = client.get(response.url).content.decode()
    assert "is planned. Now add its agenda." in page
    assert "Saturday, May 1, 2027, 9:00 a.m. CDT" in page
    assert 'href="https://meet.example.org/riverside"' in page


def test_the_form_offers_only_this_engagements_phases(client, cast, phase):
    foreign_phase = PhaseFactory(engagement=cast.foreign_engagement, name="Lakeview phase")
    client.force_login(cast.facilitator)
    page = client.get(url("meeting-new", cast.engagement.pk)).content.decode()
    assert f'value="{phase.pk}"' in page
    assert foreign_phase.name not in page


def test_a_phase_of_another_engagement_is_refused(client, cast, phase):
    foreign_phase = PhaseFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    response = client.post(
        url("meeting-new", cast.engagement.pk), meeting_data(foreign_phase, title="Sneaky")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of this engagement’s phases." in page
    assert 'value="Sneaky"' in page
    assert not Meeting.objects.filter(title="Sneaky").exists()


def test_the_service_refuses_a_phase_of_another_engagement(cast):
    with pytest.raises(ValidationError):
        services.meeting_create(
            engagement=cast.engagement,
            phase=PhaseFactory(engagement=cast.foreign_engagement),
            title="Sneaky",
            kind="other",
            starts_at=EVENING,
            duration_minutes=60,
        )


def test_the_phase_can_be_chosen_from_the_meetings_page(client, cast, phase):
    client.force_login(cast.facilitator)
    page = client.get(url("meeting-new", cast.engagement.pk) + f"?phase={phase.pk}").content
    assert f'<option value="{phase.pk}" selected>' in page.decode()


def test_bad_meeting_input_is_explained_and_kept(client, cast, phase):
    client.force_login(cast.facilitator)
    data = meeting_data(phase, starts_at="next tuesday", duration_minutes="2", link="not a link")
    response = client.post(url("meeting-new", cast.engagement.pk), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the date and time like 2027-03-14 18:30." in page
    assert "A meeting lasts at least 5 minutes." in page
    assert "Give the whole link, starting with https://" in page
    assert 'value="Data retreat"' in page and 'value="next tuesday"' in page
    assert "Lunch is provided." in page
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("role", NOT_FACILITATOR)
def test_only_the_facilitator_plans_changes_and_deletes_meetings(client, cast, meeting, role):
    client.force_login(cast.member(role))
    for path in (
        url("meeting-new", cast.engagement.pk),
        meeting_url(meeting, "meeting-edit"),
        meeting_url(meeting, "meeting-delete"),
    ):
        assert client.get(path).status_code == 403
        response = client.post(path, meeting_data(meeting.phase, title="Hijacked"))
        assert response.status_code == 403
        assert "does not allow you to manage the engagement" in response.content.decode()
    assert list(Meeting.objects.values_list("title", flat=True)) == ["Orientation evening"]


def test_the_facilitator_changes_a_meeting(client, cast, meeting):
    client.force_login(cast.facilitator)
    page = client.get(meeting_url(meeting, "meeting-edit")).content.decode()
    assert 'value="2027-04-14T18:30"' in page  # shown in the site's time zone
    data = meeting_data(meeting.phase, title="Orientation, moved", starts_at="2027-04-15T18:00")
    response = client.post(meeting_url(meeting, "meeting-edit"), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Orientation, moved"
    assert meeting.starts_at == datetime(2027, 4, 15, 23, 0, tzinfo=UTC)


def test_deleting_a_meeting_asks_first(client, cast, meeting):
    AgendaItemFactory.create_batch(2, meeting=meeting)
    client.force_login(cast.facilitator)
    response = client.get(meeting_url(meeting, "meeting-delete"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Delete “Orientation evening”?" in page
    assert "2 agenda items will be deleted with it" in page
    assert Meeting.objects.filter(pk=meeting.pk).exists()

    response = client.post(meeting_url(meeting, "meeting-delete"), follow=True)
    assert response.redirect_chain[-1][0] == url("meetings", cast.engagement.pk)
    assert "“Orientation evening” is deleted." in response.content.decode()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not AgendaItem.objects.exists()


# --- the meeting page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_a_meeting_with_its_agenda(client, cast, meeting, role):
    AgendaItemFactory(meeting=meeting, position=0, title="Welcome", minutes=15, lead="Dana")
    AgendaItemFactory(meeting=meeting, position=1, title="Why a strategic plan?", minutes=45)
    client.force_login(cast.member(role))
    response = client.get(meeting_url(meeting))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Orientation evening</h1>" in page
    assert "Wednesday, April 14, 2027, 6:30 p.m. CDT" in page
    assert "2 hours, until 8:30 p.m." in page
    assert "Board room, 100 Main Street" in page
    assert page.index("Welcome") < page.index("Why a strategic plan?")
    assert "led by Dana" in page
    assert "15 minutes" in page and "45 minutes" in page
    assert ">6:30</time>–<time" in page and ">6:45 p.m.</time>" in page  # clock times
    assert "2 items: 1 hour planned for a meeting of 2 hours, 1 hour to spare." in page
    assert "longer than the meeting" not in page
    may_edit = role in ("facilitator", "core_team")
    assert ("Add an agenda item" in page) == may_edit
    assert ("Move up" in page) == may_edit
    assert ("Edit the meeting" in page) == (role == "facilitator")
    assert ("Take attendance" in page) == (role == "facilitator")


def test_the_meeting_page_warns_when_the_agenda_is_longer_than_the_meeting(client, cast, meeting):
    AgendaItemFactory(meeting=meeting, minutes=90)
    AgendaItemFactory(meeting=meeting, minutes=75)
    client.force_login(cast.board)
    page = client.get(meeting_url(meeting)).content.decode()
    assert "2 items: 2 hours 45 minutes planned for a meeting of 2 hours." in page
    assert "The agenda is 45 minutes longer than the meeting." in page
    assert page.count("After the meeting ends") == 1  # the second item, 6:30 + 165 minutes
    assert "make the meeting longer" not in page  # only the facilitator can


def test_the_facilitator_is_told_the_meeting_could_be_longer(client, cast, meeting):
    AgendaItemFactory(meeting=meeting, minutes=150)
    client.force_login(cast.facilitator)
    response = client.post(
        meeting_url(meeting, "agenda-item-new"),
        {"new-title": "More", "new-minutes": "5"},
        headers=HTMX,
    )
    assert "or make the meeting longer" in response.content.decode()


def test_an_empty_agenda_says_who_writes_it(client, cast, meeting):
    client.force_login(cast.plan_team)
    page = client.get(meeting_url(meeting)).content.decode()
    assert "No agenda yet. The facilitator or the core team will write it." in page
    assert "No readings for this meeting." in page
    assert "Attendance has not been taken" in page


def test_an_outsider_gets_not_found_for_every_meeting_page(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting)
    reading = ReadingFactory(meeting=meeting)
    e, m = cast.engagement.pk, meeting.pk
    client.force_login(cast.outsider)
    paths = [
        url("meetings", e),
        url("meeting-new", e),
        url("meeting", e, m),
        url("meeting-edit", e, m),
        url("meeting-delete", e, m),
        url("agenda-item-new", e, m),
        url("agenda-item-edit", e, m, item.pk),
        url("agenda-item-delete", e, m, item.pk),
        url("agenda-item-move", e, m, item.pk),
        url("reading-new", e, m),
        url("reading", e, m, reading.pk),
        url("reading-delete", e, m, reading.pk),
        url("attendance", e, m),
    ]
    for path in paths:
        for method in ("get", "post"):
            response = getattr(client, method)(path, {"direction": "up"})
            assert response.status_code in (404, 405), f"{method} {path}"
            assert "Orientation evening" not in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_meeting_of_another_engagement_is_not_found_under_mine(client, cast):
    foreign = MeetingFactory(phase__engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    assert client.get(url("meeting", cast.engagement.pk, foreign.pk)).status_code == 404
    assert client.get(url("meeting", cast.engagement.pk, uuid.uuid4())).status_code == 404


def test_user_text_on_the_meeting_page_is_escaped(client, cast, meeting):
    AgendaItemFactory(meeting=meeting, title="<script>alert(1)</script>")
    client.force_login(cast.facilitator)
    page = client.get(meeting_url(meeting)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_meeting_page_keeps_a_constant_number_of_queries(
    client, cast, meeting, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            AgendaItemFactory(meeting=meeting)
            ReadingFactory(meeting=meeting)
            member = MembershipFactory(engagement=cast.engagement)
            AttendanceFactory(meeting=meeting, membership=member)

    add(1)
    client.force_login(cast.core_team)
    with django_assert_max_num_queries(12) as small:
        client.get(meeting_url(meeting))
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(meeting_url(meeting))
    page = response.content.decode()
    assert page.count('class="agenda-item"') == 26
    assert page.count('class="reading"') == 26
    assert "26 of 31 team members attended (5 not recorded)." in page


# --- the agenda --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["facilitator", "core_team"])
def test_the_facilitator_and_the_core_team_add_agenda_items(client, cast, meeting, role):
    client.force_login(cast.member(role))
    data = {"new-title": "Welcome", "new-minutes": "15", "new-lead": "Dana", "new-notes": ""}
    response = client.post(meeting_url(meeting, "agenda-item-new"), data, follow=True)
    assert response.redirect_chain[-1][0] == meeting_url(meeting) + "#agenda"
    assert "“Welcome” is added to the agenda." in response.content.decode()
    client.post(
        meeting_url(meeting, "agenda-item-new"), {"new-title": "Hopes", "new-minutes": "30"}
    )
    assert agenda_titles(meeting) == ["Welcome", "Hopes"]


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_other_roles_may_not_change_the_agenda(client, cast, meeting, role):
    item = AgendaItemFactory(meeting=meeting, title="Welcome")
    AgendaItemFactory(meeting=meeting, title="Hopes")
    client.force_login(cast.member(role))
    data = {"new-title": "Mine", "new-minutes": "5", "edit-title": "Mine", "edit-minutes": "5"}
    for path in (
        meeting_url(meeting, "agenda-item-new"),
        item_url(item, "agenda-item-edit"),
        item_url(item, "agenda-item-delete"),
    ):
        assert client.get(path).status_code == 403
        assert client.get(path, headers=HTMX).status_code == 403
        response = client.post(path, data)
        assert response.status_code == 403
        assert "does not allow you to edit meeting agendas" in response.content.decode()
    move = client.post(item_url(item, "agenda-item-move"), {"direction": "down"}, headers=HTMX)
    assert move.status_code == 403
    assert agenda_titles(meeting) == ["Welcome", "Hopes"]


def test_adding_with_htmx_returns_only_the_agenda(client, cast, meeting):
    client.force_login(cast.core_team)
    response = client.post(
        meeting_url(meeting, "agenda-item-new"),
        {"new-title": "Welcome", "new-minutes": "20"},
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "site-header" not in page
    assert page.count('<section id="agenda"') == 1
    assert "Welcome" in page and "20 minutes" in page
    assert 'hx-swap-oob="innerHTML:#agenda-status">“Welcome” is added to the agenda.' in page
    assert 'name="new-title"' in page and 'value="Welcome"' not in page  # a fresh form
    assert "autofocus" in page
    assert "HX-Request" in response["Vary"]
    assert agenda_titles(meeting) == ["Welcome"]
    plain = client.post(
        meeting_url(meeting, "agenda-item-new"), {"new-title": "B", "new-minutes": "5"}
    )
    assert plain.status_code == 302 and "HX-Request" in plain["Vary"]


def test_bad_agenda_input_is_explained_and_kept_with_htmx(client, cast, meeting):
    client.force_login(cast.core_team)
    response = client.post(
        meeting_url(meeting, "agenda-item-new"),
        {"new-title": "Long talk", "new-minutes": "zero"},
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Give the time box as a whole number of minutes" in page
    assert 'value="Long talk"' in page
    assert not AgendaItem.objects.exists()


def test_bad_agenda_input_is_explained_and_kept_without_htmx(client, cast, meeting):
    client.force_login(cast.core_team)
    response = client.post(meeting_url(meeting, "agenda-item-new"), {"new-minutes": "15"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Add an agenda item</h1>" in page
    assert "Say what happens in this part" in page
    assert 'value="15"' in page
    assert not AgendaItem.objects.exists()


def test_the_add_form_also_works_as_a_page(client, cast, meeting):
    client.force_login(cast.core_team)
    response = client.get(meeting_url(meeting, "agenda-item-new"))
    assert response.status_code == 200
    assert "<h1>Add an agenda item</h1>" in response.content.decode()


def test_an_item_is_changed_in_place_with_htmx(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Welcome", minutes=15)
    client.force_login(cast.core_team)
    form = client.get(item_url(item, "agenda-item-edit"), headers=HTMX).content.decode()
    assert "<html" not in form and '<section id="agenda"' in form
    assert 'name="edit-title"' in form and 'value="Welcome"' in form
    assert "autofocus" in form

    response = client.post(
        item_url(item, "agenda-item-edit"),
        {"edit-title": "Welcome and coffee", "edit-minutes": "25", "edit-lead": "Marcus"},
        headers=HTMX,
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Welcome and coffee" in page and "led by Marcus" in page
    assert f'id="edit-{item.pk}" href' in page and "autofocus" in page
    item.refresh_from_db()
    assert (item.title, item.minutes, item.lead) == ("Welcome and coffee", 25, "Marcus")


def test_an_item_is_changed_on_its_own_page_without_htmx(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Welcome", minutes=15)
    client.force_login(cast.facilitator)
    page = client.get(item_url(item, "agenda-item-edit")).content.decode()
    assert "<h1>Change an agenda item</h1>" in page and 'value="Welcome"' in page
    bad = client.post(item_url(item, "agenda-item-edit"), {"edit-title": "Hi", "edit-minutes": ""})
    assert "Give the time box in minutes." in bad.content.decode()
    assert 'value="Hi"' in bad.content.decode()
    response = client.post(
        item_url(item, "agenda-item-edit"), {"edit-title": "Hello", "edit-minutes": "10"}
    )
    assert response.status_code == 302
    assert response.url == meeting_url(meeting) + f"#item-{item.pk}"
    item.refresh_from_db()
    assert (item.title, item.minutes) == ("Hello", 10)


def test_removing_an_item_asks_first(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Welcome")
    client.force_login(cast.core_team)
    page = client.get(item_url(item, "agenda-item-delete")).content.decode()
    assert "Remove “Welcome” from the agenda?" in page
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    response = client.post(item_url(item, "agenda-item-delete"), follow=True)
    assert "“Welcome” is removed from the agenda." in response.content.decode()
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_items_move_up_and_down(client, cast, meeting):
    first = AgendaItemFactory(meeting=meeting, title="Welcome", position=0)
    AgendaItemFactory(meeting=meeting, title="Hopes", position=1)
    last = AgendaItemFactory(meeting=meeting, title="Next steps", position=2)
    client.force_login(cast.core_team)
    response = client.post(item_url(last, "agenda-item-move"), {"direction": "up"}, follow=True)
    assert "“Next steps” moved to place 2." in response.content.decode()
    assert agenda_titles(meeting) == ["Welcome", "Next steps", "Hopes"]
    client.post(item_url(first, "agenda-item-move"), {"direction": "down"})
    assert agenda_titles(meeting) == ["Next steps", "Welcome", "Hopes"]


def test_moving_with_htmx_returns_the_agenda_and_keeps_the_button_to_refocus(client, cast, meeting):
    AgendaItemFactory(meeting=meeting, title="Welcome", position=0)
    item = AgendaItemFactory(meeting=meeting, title="Hopes", position=1)
    client.force_login(cast.core_team)
    response = client.post(item_url(item, "agenda-item-move"), {"direction": "up"}, headers=HTMX)
    page = response.content.decode()
    assert "<html" not in page
    assert page.index("Hopes") < page.index("Welcome")
    # htmx puts focus back on the element with the id the focused button had.
    assert f'id="move-up-{item.pk}"' in page
    assert "“Hopes” moved to place 1." in page
    assert agenda_titles(meeting) == ["Hopes", "Welcome"]


def test_the_first_item_does_not_move_further_up(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Welcome", position=0)
    AgendaItemFactory(meeting=meeting, title="Hopes", position=1)
    client.force_login(cast.core_team)
    page = client.get(meeting_url(meeting)).content.decode()
    assert f'id="move-up-{item.pk}" class="button" aria-disabled="true"' in page
    response = client.post(item_url(item, "agenda-item-move"), {"direction": "up"}, headers=HTMX)
    assert "“Welcome” is already first." in response.content.decode()
    assert agenda_titles(meeting) == ["Welcome", "Hopes"]


def test_moving_needs_a_post_and_a_direction(client, cast, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(cast.core_team)
    assert client.get(item_url(item, "agenda-item-move")).status_code == 405
    assert (
        client.post(item_url(item, "agenda-item-move"), {"direction": "sideways"}).status_code
        == 400
    )


def test_moving_renumbers_items_that_share_a_position(meeting):
    items = [AgendaItemFactory(meeting=meeting, title=t, position=0) for t in "ABC"]
    assert services.agenda_item_move(item=items[2], direction="up")
    assert agenda_titles(meeting) == ["A", "C", "B"]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
    ]
    assert not services.agenda_item_move(item=items[1], direction="down")  # B is last


def test_an_item_is_only_found_under_its_own_meeting(client, cast, meeting):
    other = MeetingFactory(phase=meeting.phase)
    item = AgendaItemFactory(meeting=other)
    client.force_login(cast.facilitator)
    path = url("agenda-item-edit", cast.engagement.pk, meeting.pk, item.pk)
    assert client.get(path).status_code == 404


def test_an_item_of_another_engagement_is_not_found_under_mine(client, cast, meeting):
    foreign_item = AgendaItemFactory(meeting__phase__engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    for path in (
        url("agenda-item-edit", cast.engagement.pk, meeting.pk, foreign_item.pk),
        url("agenda-item-edit", cast.engagement.pk, foreign_item.meeting_id, foreign_item.pk),
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, {"edit-title": "Mine", "edit-minutes": "5"}).status_code == 404
    foreign_item.refresh_from_db()
    assert foreign_item.title != "Mine"


# --- attendance --------------------------------------------------------------------------------


def attendance_data(statuses):
    return {f"member-{membership.pk}": status for membership, status in statuses.items()}


def membership_of(cast, role):
    return cast.engagement.memberships.get(user=cast.member(role))


def test_the_facilitator_takes_attendance_for_every_member(client, cast, meeting):
    client.force_login(cast.facilitator)
    page = client.get(meeting_url(meeting, "attendance")).content.decode()
    for role in ROLES:
        assert f"<legend>{cast.member(role).full_name}" in page
    data = attendance_data(
        {
            membership_of(cast, "facilitator"): "present",
            membership_of(cast, "core_team"): "present",
            membership_of(cast, "plan_team"): "absent",
            membership_of(cast, "board"): "excused",
            membership_of(cast, "superintendent"): "",
        }
    )
    response = client.post(meeting_url(meeting, "attendance"), data, follow=True)
    assert response.redirect_chain[-1][0] == meeting_url(meeting) + "#attendance"
    page = response.content.decode()
    assert "Attendance is saved." in page
    assert "2 of 5 team members attended (1 absent, 1 excused, 1 not recorded)." in page
    assert f"<li>{cast.core_team.full_name}</li>" in page
    assert f"<li>{cast.plan_team.full_name}</li>" not in page
    recorded = dict(meeting.attendance.values_list("membership__user__full_name", "status"))
    assert recorded == {
        cast.facilitator.full_name: "present",
        cast.core_team.full_name: "present",
        cast.plan_team.full_name: "absent",
        cast.board.full_name: "excused",
    }
    assert set(meeting.attendance.values_list("recorded_by", flat=True)) == {cast.facilitator.pk}


def test_attendance_can_be_changed_and_cleared(client, cast, meeting):
    board = membership_of(cast, "board")
    plan = membership_of(cast, "plan_team")
    AttendanceFactory(meeting=meeting, membership=board, status="absent")
    AttendanceFactory(meeting=meeting, membership=plan, status="present")
    client.force_login(cast.facilitator)
    page = client.get(meeting_url(meeting, "attendance")).content.decode()
    assert f'value="absent" id="id_member-{board.pk}_1" checked' in page
    client.post(meeting_url(meeting, "attendance"), attendance_data({board: "present", plan: ""}))
    assert dict(meeting.attendance.values_list("membership", "status")) == {board.pk: "present"}


@pytest.mark.parametrize("role", NOT_FACILITATOR)
def test_only_the_facilitator_takes_attendance(client, cast, meeting, role):
    AttendanceFactory(meeting=meeting, membership=membership_of(cast, "board"))
    client.force_login(cast.member(role))
    assert client.get(meeting_url(meeting, "attendance")).status_code == 403
    data = attendance_data({membership_of(cast, role): "present"})
    assert client.post(meeting_url(meeting, "attendance"), data).status_code == 403
    assert meeting.attendance.count() == 1
    page = client.get(meeting_url(meeting)).content.decode()
    assert "1 of 5 team members attended (4 not recorded)." in page
    assert f"<li>{cast.board.full_name}</li>" in page
    assert "Take attendance" not in page and "Change attendance" not in page


def test_an_unknown_attendance_answer_is_refused(client, cast, meeting):
    client.force_login(cast.facilitator)
    data = attendance_data({membership_of(cast, "board"): "asleep"})
    response = client.post(meeting_url(meeting, "attendance"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_is_only_taken_for_members_of_the_engagement(cast, meeting):
    stranger = MembershipFactory(engagement=cast.foreign_engagement)
    with pytest.raises(ValidationError):
        services.attendance_record(
            meeting=meeting, statuses={stranger.pk: "present"}, recorded_by=None
        )
    assert not Attendance.objects.exists()


def test_the_attendance_page_keeps_a_constant_number_of_queries(
    client, cast, meeting, django_assert_max_num_queries
):
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(10) as small:
        client.get(meeting_url(meeting, "attendance"))
    for _ in range(30):
        AttendanceFactory(meeting=meeting, membership=MembershipFactory(engagement=cast.engagement))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(meeting_url(meeting, "attendance"))
    assert response.content.decode().count("<legend>") == 35
    statuses = {m.pk: "absent" for m in cast.engagement.memberships.all()}
    with django_assert_max_num_queries(12):
        services.attendance_record(meeting=meeting, statuses=statuses, recorded_by=None)
    assert meeting.attendance.filter(status="absent").count() == 35
