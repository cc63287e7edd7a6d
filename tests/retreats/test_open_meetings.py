"""Open meetings: a retreat marked a public meeting has an observer link that shows the board the
room is on, read-only, to anyone holding it (no sign-in, no names, no hidden card, no control, no
join code), live like the projector; the facilitator turns it off or renews it after a
confirmation; and the retreat's record for the minutes downloads as CSV (staff, and the public
while the meeting is public), with hidden cards left out and small groups not shown."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retreats import services
from retreats.models import Activity, Card, Retreat
from retreats.record import SPLIT_HIDDEN, record_for
from tests.factories import (
    ActivityFactory,
    AgendaItemFactory,
    CardFactory,
    MeetingFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = " https://example.org/a?b=1&c=<2>"
# A card of the most characters a card may have (500), accented, ending in a pasted link.
LONG = ("Élèves à l’école: plus d’art, de musique et de sport " * 12)[: 500 - len(LINK)] + LINK
SCRIPT = "<script>alert('x')</script> & “quotes”"


@pytest.fixture
def meeting(cast):
    """A public meeting with a board whose cards everyone sees, an author shown by name, and a
    card the facilitator hid."""
    phase = PhaseFactory(engagement=cast.engagement)
    agenda_meeting = MeetingFactory(phase=phase, engagement=cast.engagement, title="Board retreat")
    AgendaItemFactory(
        meeting=agenda_meeting, title="Welcome and norms", minutes=15, position=0, lead="Ana Ortiz"
    )
    AgendaItemFactory(meeting=agenda_meeting, title="SWOT in groups", minutes=60, position=1)
    retreat = RetreatFactory(phase=phase, meeting=agenda_meeting, title="Data retreat")
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    activity = ActivityFactory(retreat=retreat, title="Our future", prompt="Our future?")
    services.activity_update(activity=activity, private_until_revealed=False, show_authors=True)
    author = ParticipantFactory(retreat=retreat, display_name="Zelda Quincey")
    CardFactory(activity=activity, author=author, text="More arts and music")
    CardFactory(activity=activity, author=author, text="Rude remark about a teacher", hidden=True)
    activity.refresh_from_db()
    retreat.refresh_from_db()
    return retreat, activity


def watch_url(retreat: Retreat, name: str = "observer", *args) -> str:
    return reverse(f"retreats:{name}", args=[retreat.observer_token, *args])


def live_url(retreat: Retreat, activity: Activity, version=None) -> str:
    url = reverse("retreats:observer-live", args=[retreat.observer_token, activity.pk])
    return f"{url}?v={activity.version if version is None else version}"


HTMX = {"HX-Request": "true"}


# --- the observer link ------------------------------------------------------------------------


def test_anyone_with_the_link_watches_without_signing_in(client, meeting):
    retreat, _ = meeting
    response = client.get(watch_url(retreat))
    assert response.status_code == 200
    page = response.content.decode()
    assert "More arts and music" in page
    assert "Public meeting" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "public" in response["Cache-Control"]


def test_the_observer_sees_no_names_no_hidden_card_no_control_and_no_join_code(client, meeting):
    retreat, _ = meeting
    page = client.get(watch_url(retreat)).content.decode()
    assert "Zelda" not in page and "Quincey" not in page
    assert "Rude remark" not in page
    for control in ("<form", "<input", "<button", "<select", "<textarea", "csrfmiddlewaretoken"):
        assert control not in page, control
    assert retreat.join_code not in page
    assert "join-qr" not in page and "<svg" not in page
    assert reverse("retreats:join") not in page


def test_a_long_card_is_shown_whole_and_escaped(client, meeting):
    retreat, activity = meeting
    CardFactory(activity=activity, text=LONG)
    CardFactory(activity=activity, text=SCRIPT)
    page = client.get(watch_url(retreat)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; “quotes”" in page
    assert "<script>alert" not in page
    assert "Élèves à l’école" in page
    assert "https://example.org/a?b=1&amp;c=&lt;2&gt;" in page
    assert '<a href="https://example.org' not in page  # a pasted link stays text


def test_the_link_works_only_while_the_meeting_is_public(client, cast, meeting):
    retreat, activity = meeting
    token = retreat.observer_token
    services.retreat_set_public_meeting(retreat=retreat, public=False)
    assert client.get(reverse("retreats:observer", args=[token])).status_code == 404
    url = reverse("retreats:observer-live", args=[token, activity.pk]) + "?v=0"
    assert client.get(url).status_code == 404
    csv_url = reverse("retreats:observer-record-csv", args=[token])
    assert client.get(csv_url).status_code == 404
    # A watching page reloads into the 404 instead of polling into it.
    assert client.get(url, headers=HTMX)["HX-Refresh"] == "true"
    # Public again: a new link, the old one stays dead.
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    retreat.refresh_from_db()
    assert retreat.observer_token != token
    assert client.get(reverse("retreats:observer", args=[token])).status_code == 404
    assert client.get(watch_url(retreat)).status_code == 200


def test_a_stray_token_on_a_retreat_that_is_not_public_opens_nothing(client, meeting):
    retreat, _ = meeting
    Retreat.objects.filter(pk=retreat.pk).update(is_public_meeting=False)
    assert client.get(watch_url(retreat)).status_code == 404


def test_a_new_link_retires_the_old_one(client, meeting):
    retreat, _ = meeting
    old = retreat.observer_token
    new = services.observer_link_new(retreat=retreat)
    assert new != old and len(new) >= 32
    assert client.get(reverse("retreats:observer", args=[old])).status_code == 404
    assert client.get(reverse("retreats:observer", args=[new])).status_code == 200


def test_the_token_of_another_retreat_shows_only_that_retreat(client, cast, meeting):
    retreat, activity = meeting
    other = RetreatFactory(phase=retreat.phase, title="Another retreat")
    services.retreat_set_public_meeting(retreat=other, public=True)
    other_board = ActivityFactory(retreat=other)
    services.activity_update(activity=other_board, private_until_revealed=False)
    CardFactory(activity=other_board, text="Only in the other retreat")
    # The other retreat's token with this retreat's board in the address: the other's board.
    url = reverse("retreats:observer-live", args=[other.observer_token, activity.pk]) + "?v=0"
    answer = client.get(url, headers=HTMX).content.decode()
    assert "Only in the other retreat" in answer and "More arts and music" not in answer
    assert client.get(reverse("retreats:observer", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("retreats:observer", args=["x" * 200])).status_code == 404


def test_the_poll_says_nothing_changed_until_a_card_arrives(client, meeting):
    retreat, activity = meeting
    response = client.get(live_url(retreat, activity), headers=HTMX)
    assert response.status_code == 204
    services.card_add(
        activity=activity, participant=ParticipantFactory(retreat=retreat), text="A new idea"
    )
    response = client.get(live_url(retreat, activity), headers=HTMX)
    assert response.status_code == 200
    assert "A new idea" in response.content.decode()
    activity.refresh_from_db()
    assert f"?v={activity.version}" in response.content.decode()
    assert client.get(live_url(retreat, activity), headers=HTMX).status_code == 204


def test_the_poll_follows_the_room_to_the_next_board(client, meeting):
    retreat, activity = meeting
    second = ActivityFactory(retreat=retreat, title="Second board", position=activity.position + 1)
    services.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    activity.refresh_from_db()
    answer = client.get(live_url(retreat, activity), headers=HTMX).content.decode()
    assert "Second board" in answer
    assert reverse("retreats:observer-live", args=[retreat.observer_token, second.pk]) in answer


def test_a_plain_request_for_the_poll_goes_to_the_page(client, meeting):
    retreat, activity = meeting
    response = client.get(live_url(retreat, activity))
    assert response.status_code == 302 and response.url == watch_url(retreat)


def test_a_meeting_without_boards_says_so_and_keeps_watching(client, cast):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    page = client.get(watch_url(retreat)).content.decode()
    assert "no board yet" in page
    empty = reverse("retreats:observer-live-empty", args=[retreat.observer_token])
    assert client.get(empty, headers=HTMX).status_code == 204
    ActivityFactory(retreat=retreat, title="First board")
    assert "First board" in client.get(empty, headers=HTMX).content.decode()


def test_private_cards_stay_hidden_from_observers_until_revealed(client, meeting):
    retreat, activity = meeting
    services.activity_update(activity=activity, private_until_revealed=True)
    page = client.get(watch_url(retreat)).content.decode()
    assert "More arts and music" not in page
    assert "1 card so far" in page


def test_the_observer_page_and_poll_take_the_same_queries_whatever_the_board(
    client, meeting, django_assert_max_num_queries
):
    retreat, activity = meeting

    def cost() -> tuple[int, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as page:
            client.get(watch_url(retreat))
        activity.refresh_from_db()
        with CaptureQueriesContext(connection) as poll:
            client.get(live_url(retreat, activity), headers=HTMX)
        return len(page), len(poll)

    small = cost()
    CardFactory.create_batch(60, activity=activity)
    assert cost() == small
    with django_assert_max_num_queries(2):  # the link and the board: nothing else per second
        client.get(live_url(retreat, activity), headers=HTMX)


def test_the_rendered_board_is_shared_by_every_observer(client, meeting, monkeypatch):
    retreat, activity = meeting
    client.get(watch_url(retreat))
    renders = []
    from retreats.views import observer

    monkeypatch.setattr(observer, "projector_board", lambda a: renders.append(a) or {})
    client.get(live_url(retreat, activity, version=0), headers=HTMX)
    client.get(watch_url(retreat))
    assert renders == []  # both from the cached region


# --- the facilitator's switches ---------------------------------------------------------------


def setup_url(retreat):
    return reverse("retreats:setup", args=[retreat.pk])


def switch_url(retreat, action=""):
    url = reverse("retreats:public-meeting", args=[retreat.pk])
    return f"{url}?action={action}" if action else url


def test_the_facilitator_makes_a_retreat_public_after_confirming(client, cast):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    client.force_login(cast.facilitator)
    setup = client.get(setup_url(retreat)).content.decode()
    assert "Make it a public meeting" in setup
    confirm = client.get(switch_url(retreat, "public"))
    assert "Make “" in confirm.content.decode() and retreat.observer_token is None
    retreat.refresh_from_db()
    assert not retreat.is_public_meeting  # asking is not doing
    response = client.post(switch_url(retreat, "public"))
    assert response.status_code == 302
    retreat.refresh_from_db()
    assert retreat.observer_link_works
    setup = client.get(setup_url(retreat)).content.decode()
    assert retreat.observer_token in setup and "Turn off the observer link" in setup


def test_the_facilitator_renews_and_turns_off_the_link(client, cast, meeting):
    retreat, _ = meeting
    client.force_login(cast.facilitator)
    old = retreat.observer_token
    assert "stops working at once" in client.get(switch_url(retreat, "new-link")).content.decode()
    client.post(switch_url(retreat, "new-link"))
    retreat.refresh_from_db()
    assert retreat.observer_token not in (None, old)
    client.post(switch_url(retreat, "off"))
    retreat.refresh_from_db()
    assert not retreat.is_public_meeting and retreat.observer_token is None


def test_an_unknown_switch_is_refused_plainly(client, cast, meeting):
    retreat, _ = meeting
    client.force_login(cast.facilitator)
    assert client.post(switch_url(retreat, "explode")).status_code == 400
    assert client.get(switch_url(retreat)).status_code == 302


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_only_the_facilitator_changes_the_link(client, cast, meeting, role):
    retreat, _ = meeting
    client.force_login(cast.member(role))
    assert client.get(switch_url(retreat, "off")).status_code == 403
    assert client.post(switch_url(retreat, "off")).status_code == 403
    retreat.refresh_from_db()
    assert retreat.observer_link_works


def test_an_outsider_gets_not_found_on_the_staff_pages(client, cast, meeting):
    retreat, _ = meeting
    client.force_login(cast.outsider)
    assert client.post(switch_url(retreat, "off")).status_code == 404
    assert client.get(reverse("retreats:record-csv", args=[retreat.pk])).status_code == 404


def test_a_retreat_can_be_planned_as_a_public_meeting(client, cast):
    phase = PhaseFactory(engagement=cast.engagement)
    client.force_login(cast.facilitator)
    url = reverse("retreats:retreat-new", args=[cast.engagement.pk])
    assert "This retreat is a public meeting" in client.get(url).content.decode()
    client.post(url, {"title": "Town hall", "phase": phase.pk, "is_public_meeting": "on"})
    retreat = Retreat.objects.get(title="Town hall")
    assert retreat.observer_link_works


# --- the record for the minutes ------------------------------------------------------------------


@pytest.fixture
def voted(cast, meeting):
    """Votes on cards: 5 parents, 2 staff (fewer than 5: not shown, and as the overall result
    minus the parents' would give the staff's away, the split by group is not shown at all)."""
    retreat, activity = meeting
    services.activity_update(activity=activity, votes_live=False)
    arts = Card.objects.get(activity=activity, text="More arts and music")
    sports = CardFactory(activity=activity, text='=HYPERLINK("http://evil")')
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", position=0)
    staff = StakeholderGroupFactory(engagement=cast.engagement, name="Staff", position=1)
    for _ in range(5):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=parents)
        services.vote_add(activity=activity, participant=voter, card=arts)
    for _ in range(2):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=staff)
        services.vote_add(activity=activity, participant=voter, card=sports)
    services.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    return retreat, activity


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("role", ["facilitator", "core_team"])
def test_staff_download_the_record_as_csv(client, cast, voted, role):
    retreat, _ = voted
    client.force_login(cast.member(role))
    response = client.get(reverse("retreats:record-csv", args=[retreat.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="data-retreat-record.csv"'
    rows = csv_rows(response)
    assert rows[0][:5] == ["part", "board", "quadrant", "theme", "text"]
    assert rows[1][:5] == ["Agenda", "", "", "", "Welcome and norms"]
    assert rows[1][-1] == "15 minutes; led by Ana Ortiz"  # staff see who leads
    texts = [row[4] for row in rows]
    assert "More arts and music" in texts
    assert not any("Rude remark" in text for text in texts)
    assert not any("Zelda" in cell for row in rows for cell in row)
    # A formula in a card stays text in a spreadsheet.
    assert '\'=HYPERLINK("http://evil")' in texts
    result = next(row for row in rows if row[0] == "Result" and row[4] == "More arts and music")
    assert result[5:8] == ["5", "5", "1"]
    # Overall 7 people; Parents' 5 shown would leave the 2 staff's dots to subtraction.
    by_group = [row for row in rows if row[0] == "Result by group"]
    assert by_group == [["Result by group", "Our future", "", "", "", "", "", "", "", SPLIT_HIDDEN]]
    assert SPLIT_HIDDEN.startswith("Results by group are not shown: some groups had fewer than 5")


def test_the_split_by_group_is_shown_when_the_small_groups_together_are_5_or_more(
    client, cast, voted
):
    retreat, activity = voted
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    students = StakeholderGroupFactory(engagement=cast.engagement, name="Students", position=2)
    card = Card.objects.get(activity=activity, text="More arts and music")
    for _ in range(3):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=students)
        services.vote_add(activity=activity, participant=voter, card=card)
    services.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    rows = csv_rows(client.get(watch_url(retreat, "observer-record-csv")))
    by_group = [row for row in rows if row[0] == "Result by group"]
    assert any(row[8] == "Parents" and row[5] == "5" for row in by_group)
    small = {row[8]: row for row in by_group if row[8] in ("Staff", "Students")}
    assert set(small) == {"Staff", "Students"}  # 2 + 3 = 5 together: no one count shows
    assert all(
        row[5] == "" and row[9] == "fewer than 5 people voted: not shown" for row in small.values()
    )
    assert not any(row[9] == SPLIT_HIDDEN for row in rows)


def test_votes_the_facilitator_hid_again_stay_out_of_the_public_record(client, cast, voted):
    retreat, activity = voted
    services.activity_reveal(activity=activity, votes=False)  # still at the results stage
    rows = csv_rows(client.get(watch_url(retreat, "observer-record-csv")))
    assert not any(row[0].startswith("Result") and row[5] for row in rows)
    assert ["Result", "Our future"] + [""] * 7 + ["The votes are not revealed yet."] in rows
    card = next(row for row in rows if row[4] == "More arts and music")
    assert card[5] == ""
    # The facilitator and the core team, signed in, still get them for the minutes.
    client.force_login(cast.facilitator)
    rows = csv_rows(client.get(reverse("retreats:record-csv", args=[retreat.pk])))
    assert any(row[0] == "Result" and row[4] == "More arts and music" and row[5] == "5"
               for row in rows)  # fmt: skip


def test_the_public_record_leaves_out_who_leads_an_agenda_item(client, voted):
    retreat, _ = voted
    rows = csv_rows(client.get(watch_url(retreat, "observer-record-csv")))
    assert rows[1][4] == "Welcome and norms" and rows[1][-1] == "15 minutes"
    assert not any("Ortiz" in cell for row in rows for cell in row)


def test_an_address_downloading_the_record_too_often_is_asked_to_wait(client, settings, voted):
    settings.OBSERVER_RECORD_RATES = "2/m"
    retreat, _ = voted
    url = watch_url(retreat, "observer-record-csv")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "downloaded many times from your network" in page and "try again in a minute" in page
    assert watch_url(retreat) in page
    other = client.get(url, REMOTE_ADDR="203.0.113.9")  # another address is not held up
    assert other.status_code == 200


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_other_members_may_not_download_the_record(client, cast, voted, role):
    retreat, _ = voted
    client.force_login(cast.member(role))
    assert client.get(reverse("retreats:record-csv", args=[retreat.pk])).status_code == 403


def test_the_public_downloads_the_record_while_the_meeting_is_public(client, voted):
    retreat, _ = voted
    response = client.get(watch_url(retreat, "observer-record-csv"))
    assert response.status_code == 200
    rows = csv_rows(response)
    assert any(row[4] == "More arts and music" for row in rows)
    assert not any("Zelda" in cell for row in rows for cell in row)
    services.retreat_set_public_meeting(retreat=retreat, public=False)
    token_url = reverse("retreats:observer-record-csv", args=["gone"])
    assert client.get(token_url).status_code == 404


def test_the_record_keeps_long_accented_text_whole(client, cast, meeting):
    retreat, activity = meeting
    CardFactory(activity=activity, text=LONG)
    client.force_login(cast.facilitator)
    rows = csv_rows(client.get(reverse("retreats:record-csv", args=[retreat.pk])))
    assert LONG in [row[4] for row in rows]


def test_the_record_leaves_out_private_cards_and_unrevealed_votes(meeting):
    retreat, activity = meeting
    services.activity_update(activity=activity, private_until_revealed=True)
    board = record_for(Retreat.objects.select_related("meeting", "phase").get(pk=retreat.pk))[
        "boards"
    ][0]
    assert board["private"] and board["cards"] == [] and board["card_count"] == 1
    assert board["results"] is None


def test_the_record_takes_the_same_queries_whatever_its_size(
    cast, voted, django_assert_num_queries
):
    retreat, activity = voted
    retreat = Retreat.objects.select_related("meeting", "phase").get(pk=retreat.pk)
    with django_assert_num_queries(7):
        record_for(retreat)
    more = ActivityFactory(retreat=retreat, title="Another board")
    CardFactory.create_batch(30, activity=more)
    CardFactory.create_batch(30, activity=activity)
    with django_assert_num_queries(7):
        record = record_for(retreat)
    assert len(record["boards"]) == 2


def test_no_author_name_reaches_the_record(cast, voted):
    retreat, _ = voted
    text = str(record_for(Retreat.objects.select_related("meeting", "phase").get(pk=retreat.pk)))
    assert "Zelda" not in text and "Rude remark" not in text
    assert re.search(r"'split_hidden': True", text)


def test_signing_in_is_not_needed_but_a_signed_in_outsider_sees_the_same(client, cast, meeting):
    retreat, _ = meeting
    client.force_login(UserFactory())
    assert client.get(watch_url(retreat)).status_code == 200
