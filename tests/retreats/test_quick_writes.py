"""The quick path of cards and dots (retreats/quick_writes.py): it takes the common case with a
few statements, answers exactly as the normal path does, and leaves everything else (refusals,
retries, last dots, unusual boards, any doubt about access) to the normal path, which
then answers as it always did."""

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from engagements.models import Membership, Role
from retreats import push, quick_writes, services
from retreats.models import Activity, Ballot, Card, Dot, Participant, SubmissionKey
from tests.factories import ActivityFactory, CardFactory, MembershipFactory, RetreatFactory

from .test_participant_board import HTMX, join_as_guest

pytestmark = pytest.mark.django_db
LONG_CARD = (
    "Que chaque élève ait accès à un conseiller d’orientation dès la 6e <script>alert(1)</script>"
    " — https://example.org/plan?x=1&y=2 "
) * 3


@pytest.fixture(autouse=True)
def _one_process(settings):
    settings.LIVE_PUSH = True
    settings.LIVE_PUSH_REDIS_URL = ""
    settings.LIVE_QUICK_WRITES = True


@pytest.fixture
def taken(monkeypatch):
    """Which writes the quick path took ("card"/"vote") and which it left to the normal path."""
    record = {"quick": [], "normal": []}
    for kind, name in (("card", "_card"), ("vote", "_vote")):
        original = getattr(quick_writes, name)

        def spy(*args, _original=original, _kind=kind, **kwargs):
            try:
                response = _original(*args, **kwargs)
            except quick_writes.Fallback:
                record["normal"].append(_kind)
                raise
            record["quick"].append(_kind)
            return response

        monkeypatch.setattr(quick_writes, name, spy)
    return record


def url(name, activity):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def card(client, activity, text="Idea", **extra):
    return client.post(url("card-add", activity), {"text": text, **extra}, headers=HTMX)


def dot(client, activity, item, action="add", key=""):
    data = {"item": item.pk, "action": action, "submission_key": key}
    return client.post(url("vote", activity), data, headers=HTMX)


def steady(html: str) -> str:
    """An answer without what differs on every answer: the new key and the CSRF token."""
    html = re.sub(r'name="submission_key" value="[^"]+"', 'name="submission_key" value=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def board(retreat):
    activity = ActivityFactory(retreat=retreat, title="Five years from now")
    services.activity_update(activity=activity, private_until_revealed=False)
    return Activity.objects.get(pk=activity.pk)


@pytest.fixture
def guest(client, retreat, board):
    """A guest who joined by code and opened the board (which lets their writes go quick)."""
    participant = join_as_guest(client, retreat, name="Zoé")
    assert client.get(url("board", board)).status_code == 200
    return participant


@pytest.fixture
def voting(retreat):
    activity = ActivityFactory(retreat=retreat, vote_budget=4, max_per_item=3)
    arts = CardFactory(activity=activity, text="More arts & music — “for every school”")
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    return Activity.objects.get(pk=activity.pk), arts


# --- the quick path takes the common case, and answers as the normal path does -----------------


def test_a_card_goes_the_quick_way_with_the_normal_answer(
    client,
    retreat,
    board,
    guest,
    taken,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    watcher = push.Watcher(str(board.pk), push.PARTICIPANT)
    push.hub.add(watcher)
    try:
        version = board.version
        # One reading, the card, the version, the key (and the transaction's two): the normal
        # path takes 11 (on SQLite; 9 and 6 on PostgreSQL, which counts no savepoint).
        with (
            django_assert_max_num_queries(6),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = card(client, board, LONG_CARD, submission_key="key-1-abcdefghijklmnop")
    finally:
        push.hub.remove(watcher)
    assert taken == {"quick": ["card"], "normal": []}
    assert response.status_code == 200
    added = Card.objects.get(activity=board)
    assert added.text == LONG_CARD.strip() and added.author == guest
    assert json.loads(response["HX-Trigger"]) == {"live:mine": str(added.pk)}
    html = response.content.decode()
    assert "Your card is on the board." in html and 'id="add-card"' in html
    assert (
        'name="submission_key" value="key-1-abcdefghijklmnop"' not in html
    )  # a fresh key for the next card
    assert response["X-Frame-Options"] == "DENY" and "HX-Request" in response["Vary"]
    assert SubmissionKey.objects.get(participant=guest, key="key-1-abcdefghijklmnop").card == added
    assert Activity.objects.get(pk=board.pk).version == version + 1
    sent = watcher.take().decode()  # everyone else gets the card, its words escaped
    assert "event: card" in sent and str(added.pk) in sent
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sent and "<script>" not in sent


def test_a_key_is_read_as_the_form_reads_it(client, retreat, board, guest, taken):
    """The quick path looks a key up only once the form's rule has accepted it: a key the form
    refuses (spaces, other characters) gets the normal path's refusal, and nothing is stored."""
    for odd in ("  padded-key-1  ", "not a key!", "x" * 65):
        answer = card(client, board, "Once", submission_key=odd).content.decode()
        assert "Please correct the 1 highlighted field below." in answer
    assert taken == {"quick": [], "normal": ["card"] * 3}
    assert not Card.objects.filter(activity=board).exists()
    assert not SubmissionKey.objects.exists()


def test_the_quick_answer_renews_the_csrf_cookie_like_the_normal_one(
    client, retreat, board, guest, taken, settings
):
    quick = card(client, board, "First idea")
    settings.LIVE_QUICK_WRITES = False
    normal = card(client, board, "Second idea")
    assert taken["quick"] == ["card"]
    assert (
        settings.CSRF_COOKIE_NAME in quick.cookies and settings.CSRF_COOKIE_NAME in normal.cookies
    )


def test_the_quick_answer_to_a_card_is_the_normal_one(client, retreat, board, guest, settings):
    quick = card(client, board, "First idea", submission_key="key-aaaaaaaa")
    settings.LIVE_QUICK_WRITES = False
    normal = card(client, board, "Second idea", submission_key="key-bbbbbbbb")
    assert steady(quick.content.decode()) == steady(normal.content.decode())
    assert quick["HX-Trigger"] != normal["HX-Trigger"]  # (each names its own card)


def test_the_fresh_form_is_rendered_once_and_each_copy_has_its_own_key_and_token(
    client, retreat, board, guest, taken
):
    """The answer's fresh form is rendered by the template once per board; later answers are
    copies with a new idempotency key and a CSRF token the next post is accepted with."""
    answers = [
        card(client, board, f"Idée {n}", submission_key=f"key-{n}-abcdefgh") for n in (1, 2, 3)
    ]
    assert taken["quick"] == ["card"] * 3
    assert [a.templates[:1] for a in answers][1:] == [[], []]  # no template for the copies
    first, second, third = (a.content.decode() for a in answers)
    assert steady(first) == steady(second) == steady(third)
    keys = {
        re.search(r'name="submission_key" value="([^"]+)"', h).group(1)
        for h in (first, second, third)
    }
    assert len(keys) == 3 and "\x00" not in second
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', third).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = card(strict, board, "With the copied form's token", csrfmiddlewaretoken=token)
    assert response.status_code == 200 and taken["quick"] == ["card"] * 4


def test_a_changed_board_or_indicator_is_in_the_next_fresh_form(client, retreat, taken):
    """What the fresh form shows follows the board: a renamed indicator (offered as evidence on
    a SWOT board) is in the very next answer, and each quadrant keeps its own choice."""
    from tests.factories import IndicatorFactory

    indicator = IndicatorFactory(engagement=retreat.engagement, name="Taux de réussite")
    swot = ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, private_until_revealed=False)
    join_as_guest(client, retreat)
    client.get(url("board", swot))
    before = card(client, swot, "Caring teachers", quadrant="S").content.decode()
    assert "Taux de réussite" in before and re.search(r'value="S"[^>]*checked', before)
    indicator.name = "Chronic absence (K–12)"
    indicator.save()
    after = card(client, swot, "Arts partners", quadrant="S").content.decode()  # (same quadrant)
    assert "Chronic absence (K–12)" in after and "Taux de réussite" not in after
    other = card(client, swot, "Long bus rides", quadrant="W").content.decode()
    assert re.search(r'value="W"[^>]*checked', other)
    assert not re.search(r'value="S"[^>]*checked', other)
    assert taken["quick"] == ["card", "card", "card"]


def test_a_swot_card_goes_quick_in_its_quadrant(client, retreat, taken):
    swot = ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, private_until_revealed=False)
    join_as_guest(client, retreat)
    client.get(url("board", swot))
    assert card(client, swot, "Caring teachers", quadrant="S").status_code == 200
    assert taken["quick"] == ["card"]
    assert Card.objects.get(activity=swot).quadrant == "S"
    answer = card(client, swot, "No quadrant chosen").content.decode()
    assert "Choose strengths, weaknesses, opportunities or threats." in answer
    assert taken["normal"] == ["card"] and Card.objects.filter(activity=swot).count() == 1


def test_a_dot_goes_the_quick_way_after_the_first(client, retreat, voting, taken, settings):
    activity, arts = voting
    join_as_guest(client, retreat)
    first = dot(client, activity, arts, key="dot-key-1")  # the normal path makes the ballot
    assert taken == {"quick": [], "normal": []} and first.status_code == 200
    second = dot(client, activity, arts, key="dot-key-2")
    assert taken["quick"] == ["vote"]
    html = second.content.decode()
    assert "has 2 of your dots. You have 2 of 4 dots left." in html
    assert "More arts &amp; music" in html and second["HX-Reswap"] == "none"
    assert Dot.objects.get(card=arts).count == 2
    assert Ballot.objects.get(activity=activity).spent == 2
    assert SubmissionKey.objects.get(key="dot-key-2").dots_left == 2
    # The normal path, for the same dot, answers the same.
    settings.LIVE_QUICK_WRITES = False
    other = CardFactory(activity=activity, text="Smaller classes")
    normal = dot(client, activity, other, key="dot-key-3")
    settings.LIVE_QUICK_WRITES = True
    Ballot.objects.filter(activity=activity).update(spent=2)
    Dot.objects.filter(card=other).delete()
    again = dot(client, activity, other, key="dot-key-4")
    assert taken["quick"] == ["vote", "vote"]
    assert steady(normal.content.decode()) == steady(again.content.decode())


def test_a_voter_s_first_dot_makes_their_ballot_the_quick_way(
    client, retreat, voting, taken, settings
):
    """Most of a room puts its first dot within a minute of voting opening: that one too goes
    the quick way, with the normal path's answer."""
    activity, arts = voting
    join_as_guest(client, retreat, name="Zoé")
    assert client.get(url("board", activity)).status_code == 200
    first = dot(client, activity, arts, key="dot-key-1")
    assert taken == {"quick": ["vote"], "normal": []}
    assert "has 1 of your dots. You have 3 of 4 dots left." in first.content.decode()
    ballot = Ballot.objects.get(activity=activity)
    assert ballot.spent == 1 and ballot.participant.display_name == "Zoé"
    assert Dot.objects.get(card=arts).count == 1
    assert SubmissionKey.objects.get(key="dot-key-1").ballot == ballot
    # Another voter's first dot, the normal way: the same answer.
    settings.LIVE_QUICK_WRITES = False
    other = Client()
    join_as_guest(other, retreat, name="Sam")
    normal = dot(other, activity, arts, key="dot-key-2")
    assert steady(normal.content.decode()) == steady(first.content.decode())


def test_a_first_dot_whose_ballot_a_twin_request_made_goes_the_normal_way(
    client, retreat, voting, taken, monkeypatch
):
    """Two first dots at once (a double tap on a slow network): the second's ballot insert
    fails on the one-ballot rule, nothing of it is kept, and the normal path takes it."""
    activity, arts = voting
    join_as_guest(client, retreat)
    client.get(url("board", activity))
    dot(client, activity, arts, key="dot-key-1")
    read = quick_writes._read

    def as_if_no_ballot_yet(*args):
        board, participant, _ = read(*args)
        return board, participant, (None, None)

    monkeypatch.setattr(quick_writes, "_read", as_if_no_ballot_yet)
    answer = dot(client, activity, arts, key="dot-key-2")
    assert taken == {"quick": ["vote"], "normal": ["vote"]}
    assert "has 2 of your dots. You have 2 of 4 dots left." in answer.content.decode()
    assert Ballot.objects.get(activity=activity).spent == 2


def test_a_dot_s_answer_is_rendered_once_per_shape_and_copied_with_its_own_key_and_token(
    client, retreat, voting, taken
):
    """Two voters' first dots on the same card get the same answer: the second is a copy (no
    template rendered) with its own idempotency key and a CSRF token its next dot is accepted
    with; a card whose words changed meanwhile is named as it now reads."""
    activity, arts = voting
    answers = []
    for n, name in enumerate(("Zoé", "Sam")):
        voter = Client()
        join_as_guest(voter, retreat, name=name)
        voter.get(url("board", activity))
        answers.append((voter, dot(voter, activity, arts, key=f"dot-key-{n}-12345678")))
    assert taken["quick"] == ["vote", "vote"]
    (_, first), (sam, second) = answers
    assert second.templates == [] and second["HX-Reswap"] == "none"
    assert steady(first.content.decode()) == steady(second.content.decode())
    html = second.content.decode()
    assert "‘More arts &amp; music — “for every school”’ has 1 of your dots." in html
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    assert key != re.search(r'name="submission_key" value="([^"]+)"', first.content.decode())[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = sam.cookies
    data = {"item": arts.pk, "action": "add", "submission_key": key, "csrfmiddlewaretoken": token}
    again = strict.post(url("vote", activity), data, headers=HTMX)
    assert "has 2 of your dots. You have 2 of 4 dots left." in again.content.decode()
    Card.objects.filter(pk=arts.pk).update(text="Arts, music & theatre")
    third = Client()
    join_as_guest(third, retreat, name="Léa")
    third.get(url("board", activity))
    renamed = dot(third, activity, arts).content.decode()
    assert "‘Arts, music &amp; theatre’ has 1 of your dots." in renamed
    assert taken["quick"] == ["vote"] * 4


def test_a_dot_on_a_theme_goes_quick(client, retreat, voting, taken):
    activity, _ = voting
    theme = services.theme_add(activity=activity, name="Arts for all")
    services.activity_update(activity=activity, vote_on=Activity.VoteOn.THEMES)
    join_as_guest(client, retreat)
    dot(client, activity, theme)
    answer = dot(client, activity, theme).content.decode()
    assert taken["quick"] == ["vote"] and "‘Arts for all’ has 2 of your dots." in answer
    assert Dot.objects.get(theme=theme).count == 2


# --- everything else goes the normal way, and gets the normal answer ---------------------------


@pytest.mark.parametrize(
    ("change", "text", "message"),
    [
        ({"locked": True}, "Idea", "The facilitator has locked this board for now."),
        ({"stage": Activity.Stage.GROUPING}, "Idea", "Adding ideas is over for this board."),
        ({}, "", "Write your idea first."),
        ({}, "x" * 501, "Keep it to 500 characters: this one has 501."),
    ],
)
def test_a_refused_card_gets_the_normal_answer(
    client, retreat, board, guest, taken, change, text, message
):
    Activity.objects.filter(pk=board.pk).update(**change)
    answer = card(client, board, text)
    assert message in answer.content.decode()
    assert taken["quick"] == [] and not Card.objects.filter(activity=board).exists()


def test_a_card_on_a_private_board_goes_the_normal_way(client, retreat, taken):
    private = ActivityFactory(retreat=retreat, private_until_revealed=True)
    join_as_guest(client, retreat)
    client.get(url("board", private))
    answer = card(client, private, "Only mine for now").content.decode()
    assert taken == {"quick": [], "normal": ["card"]}
    assert "Only mine for now" in answer  # the normal answer carries the writer's own board


def test_a_retried_card_is_taken_once_with_the_first_answer(client, retreat, board, guest, taken):
    first = card(client, board, "Once", submission_key="same-key-1")
    again = card(client, board, "Once", submission_key="same-key-1")
    assert taken == {"quick": ["card"], "normal": ["card"]}
    assert Card.objects.filter(activity=board).count() == 1
    assert first["HX-Trigger"] == again["HX-Trigger"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda a, arts: Dot.objects.filter(card=arts).update(count=3), "at most 3 dots on one"),
        (lambda a, arts: Card.objects.filter(pk=arts.pk).update(hidden=True), "board’s cards"),
        (lambda a, arts: Ballot.objects.filter(activity=a).update(spent=4), "used all 4"),
        (lambda a, arts: Ballot.objects.filter(activity=a).update(spent=3), "0 of 4 dots left"),
        (lambda a, arts: Activity.objects.filter(pk=a.pk).update(votes_live=True), "2 of your"),
    ],
    ids=["at the item's limit", "hidden card", "no dot left", "last dot", "votes shown live"],
)
def test_an_unusual_dot_gets_the_normal_answer(client, retreat, voting, taken, setup, message):
    activity, arts = voting
    join_as_guest(client, retreat)
    dot(client, activity, arts)
    setup(activity, arts)
    answer = dot(client, activity, arts).content.decode()
    assert message in answer
    assert taken["quick"] == []


def test_taking_a_dot_back_goes_the_normal_way(client, retreat, voting, taken):
    activity, arts = voting
    join_as_guest(client, retreat)
    dot(client, activity, arts)
    answer = dot(client, activity, arts, action="remove").content.decode()
    assert "You have 4 of 4 dots left." in answer and taken["quick"] == []


# --- access: the note is not enough, and nothing is written without it -------------------------


def test_without_the_note_every_write_goes_the_normal_way(client, retreat, board, guest, taken):
    cache.clear()
    card(client, board, "Idea")
    assert taken == {"quick": [], "normal": []}  # (the quick path did not even try)
    card(client, board, "Another")  # the normal path's check wrote the note again
    assert taken["quick"] == ["card"]


def test_a_closed_retreat_takes_no_card_at_once(client, retreat, board, guest, taken):
    services.retreat_set_open(retreat=retreat, is_open=False)
    answer = card(client, board, "Too late")
    assert answer.status_code == 403 and taken["quick"] == []
    assert not Card.objects.filter(activity=board).exists()


def test_a_session_that_ended_writes_nothing(client, retreat, board, guest, taken):
    Session.objects.all().delete()  # signed out elsewhere, or expired: the note is still there
    answer = card(client, board, "After the end")
    assert answer.status_code == 404 and taken["quick"] == []
    assert not Card.objects.filter(activity=board).exists()


def test_a_member_who_left_the_engagement_writes_nothing(cast, client, retreat, board, taken):
    client.force_login(cast.plan_team)
    client.post(reverse("retreats:member-join", args=[retreat.pk]))
    client.get(url("board", board))
    card(client, board, "While a member")
    assert taken["quick"] == ["card"]
    Membership.objects.filter(user=cast.plan_team).delete()
    answer = card(client, board, "After leaving")
    assert answer.status_code == 404 and taken["quick"] == ["card"]
    assert Card.objects.filter(activity=board).count() == 1


def test_a_read_only_member_never_writes_by_the_quick_path(cast, client, retreat, board, taken):
    adviser = MembershipFactory(engagement=cast.engagement, roles=[Role.ADVISER.value]).user
    Participant.objects.create(
        retreat=retreat, membership=Membership.objects.get(user=adviser), display_name="Ada"
    )
    client.force_login(adviser)
    assert client.get(url("board", board)).status_code == 200
    assert card(client, board, "An adviser's idea").status_code == 403
    assert taken == {"quick": [], "normal": []}


def test_the_note_of_one_retreat_does_not_reach_another(cast, client, retreat, board, guest, taken):
    elsewhere = ActivityFactory(retreat=RetreatFactory(is_open=True), private_until_revealed=False)
    # Another retreat's board under this retreat's address, and under its own.
    foreign = reverse("retreats:card-add", args=[retreat.pk, elsewhere.pk])
    assert client.post(foreign, {"text": "x"}, headers=HTMX).status_code == 404
    assert card(client, elsewhere, "x").status_code == 404
    assert taken["quick"] == [] and not Card.objects.filter(activity=elsewhere).exists()


def test_the_csrf_check_still_holds(client, retreat, board, guest, taken):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the guest's session and CSRF cookie, but no token sent
    assert card(strict, board, "No token").status_code == 403
    assert taken["quick"] == [] and not Card.objects.filter(activity=board).exists()


def test_the_quick_path_can_be_turned_off(client, retreat, board, guest, taken, settings):
    settings.LIVE_QUICK_WRITES = False
    assert card(client, board, "Idea").status_code == 200
    assert taken == {"quick": [], "normal": []}


def test_on_postgresql_each_statement_is_prepared_once_per_connection(
    client, retreat, board, guest, voting, taken
):
    """The quick path's fixed statements (config/db.py) are parsed and planned once per
    connection, not on every write: two cards and two dots leave one prepared statement each."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (make test-stack)")
    from django.test.utils import CaptureQueriesContext

    activity, arts = voting
    card(client, board, "Première idée")
    with CaptureQueriesContext(connection) as logged:
        card(client, board, "Second idea")
    # Django's query log shows them with their values, as it shows its own.
    assert all(query["sql"] for query in logged)
    assert any("INSERT" in q["sql"] and "'Second idea'" in q["sql"] for q in logged)
    client.get(url("board", activity))
    dot(client, activity, arts)
    dot(client, activity, arts)
    assert taken["quick"] == ["card", "card", "vote", "vote"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    readings = [s for s in prepared if "django_session" in s and "retreats_participant" in s]
    assert len(readings) == 2  # one for cards, one for dots
    bumps = [s for s in prepared if s.startswith("UPDATE") and '"version" + 1' in s]
    assert len(bumps) == 1
    # Only these: the connection's threshold is back as Django set it (the app's own
    # statements are never prepared nor kept count of).
    assert connection.connection.prepare_threshold is None


def test_prepared_statements_can_be_turned_off(client, retreat, board, guest, taken, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (make test-stack)")
    settings.LIVE_PREPARED_STATEMENTS = False

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    before = prepared()  # (the board fixture's own change ran with them on)
    card(client, board, "Une idée")
    card(client, board, "Another idea")
    assert taken["quick"] == ["card", "card"]
    after = prepared()
    assert after == before and not [s for s in after if "django_session" in s]


def test_the_kept_answers_make_room_by_dropping_the_oldest():
    """A room with many cards has more answer shapes than a process keeps: the oldest goes
    first, the rest stay (it used to forget them all at once)."""
    from retreats.views.participant import _FreshForms

    kept = _FreshForms(most=2)
    form = '<input name="csrfmiddlewaretoken" value="t"><input name="submission_key" value="k">'
    for shape in ("first", "second", "third"):
        kept.keep((shape,), form)
    assert kept.get(("first",)) is None
    assert kept.get(("second",)) is not None and kept.get(("third",)) is not None
