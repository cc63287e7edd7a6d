"""Server push for live boards (retreats/push.py): what is sent, when, to whom, and what happens
when something goes wrong. Streams are read here as the WSGI test server sends them (a sync
stream that ends after LIVE_PUSH_WSGI_SECONDS); the two-process test runs them under uvicorn."""

import json
import time

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.access import GUEST_SESSION_KEY
from engagements.models import Membership
from retreats import live, push, push_asgi, services
from retreats.models import Activity, Card
from tests.factories import ActivityFactory, CardFactory, ParticipantFactory

from .test_participant_board import HTMX, join_as_guest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_streams(settings):
    """One process, short streams: a test reads a stream to its end in about a second."""
    settings.LIVE_PUSH = True
    settings.LIVE_PUSH_REDIS_URL = ""
    settings.LIVE_PUSH_WSGI_SECONDS = 1
    settings.LIVE_PUSH_WSGI_STREAMS = 4
    yield
    # Every test closes what it opens: no stream left counted, no watcher left in the hub.
    assert push._wsgi_streams == 0
    assert push.hub.count() == 0


def url(name, activity):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def events(raw: bytes) -> list[tuple[str, dict, str | None]]:
    """(event, data, id) for each event in a stream's bytes; comments and `retry:` left out."""
    found = []
    for block in raw.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and ": " in line)
        if "event" in fields:
            found.append((fields["event"], json.loads(fields["data"]), fields.get("id")))
    return found


def read(response, *, seconds: float = 5.0) -> bytes:
    """The whole stream (it ends by itself after LIVE_PUSH_WSGI_SECONDS, or on `gone`)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/event-stream"
    started, chunks = time.monotonic(), []
    for chunk in response.streaming_content:
        chunks.append(chunk)
        assert time.monotonic() - started < seconds, "the stream did not end in time"
    return b"".join(chunks)


def watch(activity, kinds=push.PARTICIPANT) -> push.Watcher:
    watcher = push.Watcher(str(activity.pk), kinds)
    push.hub.add(watcher)
    return watcher


@pytest.fixture
def shared(retreat):
    return ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, private_until_revealed=False)


@pytest.fixture
def private(retreat):
    return ActivityFactory(retreat=retreat, private_until_revealed=True)


# --- publishing ---------------------------------------------------------------------------------


def test_a_card_is_pushed_once_its_transaction_commits(
    retreat, shared, django_capture_on_commit_callbacks
):
    watcher = watch(shared)
    author = ParticipantFactory(retreat=retreat, display_name="Ana")
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            services.card_add(
                activity=shared, participant=author, text="Our teachers", quadrant="S"
            )
            assert watcher.pending == []  # not before the commit
        for callback in callbacks:
            callback()
        (kind, data, event_id), *rest = events(watcher.take())
    finally:
        push.hub.remove(watcher)
    assert not rest
    version = Activity.objects.get(pk=shared.pk).version
    assert (kind, event_id, data["v"], data["quadrant"]) == ("card", str(version), version, "S")
    assert "Our teachers" in data["html"]
    # The author's markers are left for each page to fill in (as retreats/live.py does), by the
    # card's mark, never by its author's id.
    card = Card.objects.get(activity=shared)
    assert f"<!--yours:{live.card_mark(author.pk, card.pk)}-->" in data["html"]
    assert str(author.pk) not in data["html"]


def test_nothing_is_pushed_when_the_write_rolls_back(
    retreat, shared, django_capture_on_commit_callbacks
):
    watcher = watch(shared)
    author = ParticipantFactory(retreat=retreat)
    try:
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            services.card_add(activity=shared, participant=author, text="Gone", quadrant="S")
            raise RuntimeError("the request failed after the card")
    finally:
        push.hub.remove(watcher)
    assert watcher.take() == b""
    assert not Card.objects.filter(text="Gone").exists()


def test_a_private_card_reaches_others_only_as_a_moved_version(
    client, retreat, private, django_capture_on_commit_callbacks
):
    join_as_guest(client, retreat, name="Other")
    stream = client.get(url("board-events", private), {"v": private.version})
    author = ParticipantFactory(retreat=retreat)
    with django_capture_on_commit_callbacks(execute=True):
        services.card_add(activity=private, participant=author, text="My secret idea")
    raw = read(stream)
    assert b"secret" not in raw
    assert [(kind, data) for kind, data, _ in events(raw)] == [
        ("version", {"v": private.version + 1})
    ]


def test_other_changes_send_the_version_only(retreat, shared, django_capture_on_commit_callbacks):
    watcher = watch(shared)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_lock(activity=shared, locked=True)
    finally:
        push.hub.remove(watcher)
    assert [(kind, data) for kind, data, _ in events(watcher.take())] == [
        ("board", {"v": shared.version + 1})
    ]


def test_joining_tells_the_console_but_not_the_phones(
    client, retreat, shared, django_capture_on_commit_callbacks
):
    console, phone = watch(shared, push.FACILITATOR), watch(shared)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            join_as_guest(client, retreat, name="New")
    finally:
        push.hub.remove(console)
        push.hub.remove(phone)
    assert [kind for kind, _, _ in events(console.take())] == ["room"]
    assert phone.take() == b""


def test_a_redis_that_does_not_answer_does_not_fail_the_card(
    client, retreat, shared, settings, django_capture_on_commit_callbacks, caplog
):
    settings.LIVE_PUSH_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    join_as_guest(client, retreat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("card-add", shared), {"text": "Still here", "quadrant": "O"}, headers=HTMX
        )
    assert response.status_code == 200
    assert "Your card is on the board." in response.content.decode()
    assert Card.objects.filter(text="Still here").exists()
    assert "Live push: could not publish card" in caplog.text


@pytest.mark.parametrize("made_private", [True, False])
def test_a_card_s_words_follow_the_board_s_privacy_at_the_moment_it_is_added(
    retreat, shared, django_capture_on_commit_callbacks, made_private
):
    """The writer's request loaded the board before the facilitator hid its cards (or showed
    them): what goes out follows the board as it is when the card lands, not as loaded."""
    loaded = Activity.objects.get(pk=shared.pk)
    Activity.objects.filter(pk=shared.pk).update(
        private_until_revealed=made_private, cards_revealed=False
    )
    if not made_private:
        loaded.private_until_revealed = True
    watcher = watch(shared)
    author = ParticipantFactory(retreat=retreat)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.card_add(activity=loaded, participant=author, text="Night buses", quadrant="S")
    finally:
        push.hub.remove(watcher)
    raw = watcher.take()
    if made_private:
        assert b"Night buses" not in raw
        assert [kind for kind, _, _ in events(raw)] == ["version"]
    else:
        assert [kind for kind, _, _ in events(raw)] == ["card"] and b"Night buses" in raw


class Counted:
    """A watcher's wake-up, counted."""

    def __init__(self) -> None:
        self.times = 0

    def set(self) -> None:
        self.times += 1

    def clear(self) -> None:
        pass


def test_a_watcher_is_woken_once_for_all_that_came_meanwhile(shared):
    watcher = push.Watcher(str(shared.pk), push.PARTICIPANT)
    watcher.event = Counted()
    for version in range(50):
        watcher.put("board", push.encode({"e": "board", "v": version}))
    assert watcher.event.times == 1
    assert len(events(watcher.take())) == 50
    watcher.put("board", push.encode({"e": "board", "v": 51}))
    assert watcher.event.times == 2


def test_a_board_whose_event_was_lost_is_caught_up_by_the_version_check(shared):
    """Each process checks its watched boards' versions every few seconds: a board that had
    already moved at the previous check past what this process sent (a publish skipped, the
    listener away) gets a `board` event; a change whose event may still be on its way does not
    (else a busy room would be told to fetch its board every few seconds)."""
    watcher = watch(shared)
    try:
        push.hub.known(str(shared.pk), shared.version)
        push.hub.check_versions()
        assert watcher.take() == b""  # nothing moved
        Activity.objects.filter(pk=shared.pk).update(version=shared.version + 3)  # no event yet
        push.hub.check_versions()
        assert watcher.take() == b""  # its event may still be on its way
        push.hub.check_versions()  # a check later, still no event: it was lost
        assert [(kind, data) for kind, data, _ in events(watcher.take())] == [
            ("board", {"v": shared.version + 3})
        ]
        push.hub.check_versions()
        assert watcher.take() == b""  # once
        Activity.objects.filter(pk=shared.pk).update(version=shared.version + 4)
        push.hub.check_versions()
        push.hub.dispatch({"a": str(shared.pk), "e": "board", "v": shared.version + 4})
        watcher.take()  # its event came between two checks
        push.hub.check_versions()
        assert watcher.take() == b""  # so nothing more is sent
    finally:
        push.hub.remove(watcher)


def test_while_redis_is_away_new_streams_do_not_wait_and_open_ones_end(
    client, retreat, shared, settings, monkeypatch
):
    settings.LIVE_PUSH_WSGI_SECONDS = 20
    join_as_guest(client, retreat)
    stream = client.get(url("board-events", shared), {"v": shared.version})
    started = time.monotonic()
    push.hub.end_all()  # what the listener does when it loses Redis: pages poll meanwhile
    assert events(read(stream)) == []
    assert time.monotonic() - started < 1

    away = push.RedisBackend("redis://127.0.0.1:9/0")
    monkeypatch.setattr(away, "_listen", lambda: time.sleep(5))  # never gets to listen
    monkeypatch.setattr(away, "_check_versions", lambda: None)
    monkeypatch.setattr(push, "backend", lambda: away)
    started = time.monotonic()
    assert away.start() is False  # the stream that starts the listener waits (up to 1 s)
    assert time.monotonic() - started < 1.5
    started = time.monotonic()
    refused = client.get(url("board-events", shared))
    assert time.monotonic() - started < 0.5  # the next ones do not
    assert refused.status_code == 503 and refused["Cache-Control"] == "no-store"


# --- the stream ---------------------------------------------------------------------------------


def test_the_stream_carries_a_new_card_to_another_phone(
    client, retreat, shared, django_capture_on_commit_callbacks
):
    join_as_guest(client, retreat, name="Watcher")
    stream = client.get(url("board-events", shared), {"v": shared.version})
    assert stream["Cache-Control"] == "no-store"
    assert stream["X-Accel-Buffering"] == "no"
    author = ParticipantFactory(retreat=retreat, display_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        services.card_add(activity=shared, participant=author, text="Bus routes", quadrant="T")
    (kind, data, event_id), *rest = events(read(stream))
    assert not rest
    assert kind == "card" and "Bus routes" in data["html"] and data["quadrant"] == "T"
    assert event_id == str(shared.version + 1)


def test_many_cards_at_once_come_in_one_write(
    client, retreat, shared, django_capture_on_commit_callbacks
):
    join_as_guest(client, retreat, name="Watcher")
    stream = client.get(url("board-events", shared), {"v": shared.version})
    chunks = iter(stream.streaming_content)
    next(chunks)  # connected
    author = ParticipantFactory(retreat=retreat)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            services.card_add(activity=shared, participant=author, text=f"Idea {n}", quadrant="S")
    write = next(chunks)
    assert [kind for kind, _, _ in events(write)] == ["card"] * 5
    assert b"".join(chunks) == b""  # then nothing till the stream ends


def test_a_page_behind_gets_a_board_event_at_once(client, retreat, shared):
    join_as_guest(client, retreat)
    CardFactory(activity=shared, quadrant="S")
    services.activity_set_timer(activity=shared, minutes=5)
    current = Activity.objects.get(pk=shared.pk).version
    for asked in ({"HTTP_LAST_EVENT_ID": str(current - 1)}, {"data": {"v": "0"}}):
        stream = client.get(url("board-events", shared), **asked)
        assert events(read(stream)) == [("board", {"v": current}, str(current))]
    up_to_date = client.get(url("board-events", shared), HTTP_LAST_EVENT_ID=str(current))
    assert events(read(up_to_date)) == []
    # The page's own `?v=` wins over the browser's Last-Event-ID (it knows what it shows).
    stale = client.get(url("board-events", shared), {"v": "0"}, HTTP_LAST_EVENT_ID=str(current))
    assert events(read(stale)) == [("board", {"v": current}, str(current))]


def test_a_page_behind_by_new_cards_only_gets_those_cards(
    client, retreat, shared, monkeypatch, django_capture_on_commit_callbacks
):
    """A phone back from a short sleep (or whose stream ended) while only cards were added gets
    the cards it missed, as events, instead of fetching the whole board: a room of 1,000
    joining while cards pour in no longer fetches its board twice."""
    join_as_guest(client, retreat)
    other_screen = watch(shared)  # a board watched in this process: its card events are kept
    before = shared.version
    author = ParticipantFactory(retreat=retreat)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(3):
                services.card_add(
                    activity=shared, participant=author, text=f"Idea {n}", quadrant="S"
                )
        back = events(read(client.get(url("board-events", shared), {"v": before})))
        assert [(kind, event_id) for kind, _, event_id in back] == [
            ("card", str(before + n)) for n in (1, 2, 3)
        ]
        assert "Idea 0" in back[0][1]["html"] and "Idea 2" in back[2][1]["html"]
        monkeypatch.setattr(push, "RECENT_CARDS", 2)  # further behind than is kept: the board
        behind = events(read(client.get(url("board-events", shared), {"v": before})))
        assert behind == [("board", {"v": before + 3}, str(before + 3))]
        monkeypatch.undo()
        # Something else changed among the cards (a timer): the page fetches its board.
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_set_timer(activity=shared, minutes=5)
        now = Activity.objects.get(pk=shared.pk).version
        changed = events(read(client.get(url("board-events", shared), {"v": before})))
        assert changed == [("board", {"v": now}, str(now))]
    finally:
        push.hub.remove(other_screen)


def test_a_late_wake_up_never_makes_a_writer_spin():
    """A board's writers are woken together after the event is queued for all of them, so a
    wake-up can arrive after its writer took what it announced. The writer then waits again
    (idle) instead of finding its event set with nothing to write, and looping without waiting."""
    watcher = push.Watcher("board", push.PARTICIPANT)
    assert watcher.idle()  # nothing waiting: wait for a wake-up
    watcher.put("card", b"event: card\n\n", wake=False)
    push._wake_all([watcher])
    assert watcher.take() == b"event: card\n\n"
    watcher.event.set()  # a stale wake-up, late
    assert watcher.idle() and not watcher.event.is_set()
    watcher.put("card", b"x", wake=False)  # came just before the check: no waiting
    assert not watcher.idle()
    watcher.end()
    assert not watcher.idle()


def test_a_quiet_stream_pings_so_the_page_knows_it_is_alive(
    client, retreat, shared, settings, monkeypatch
):
    monkeypatch.setattr(push, "KEEP_ALIVE_SECONDS", 0.3)
    join_as_guest(client, retreat)
    pings = events(read(client.get(url("board-events", shared), {"v": shared.version})))
    assert pings and all(event == ("ping", {}, None) for event in pings)


def test_both_kinds_of_stream_keep_one_schedule(settings, monkeypatch):
    """The pacing the WSGI and ASGI streams share (push._Pacer), on a made-up clock: seconds
    since the stream opened. Re-check every 10 s, ping after 6 s of quiet, write at most every
    0.5 s, end after 25 s."""
    settings.LIVE_PUSH_RECHECK_SECONDS = 10
    monkeypatch.setattr(push, "KEEP_ALIVE_SECONDS", 6)
    monkeypatch.setattr(push, "WRITE_EVERY", 0.5)
    pacer = push._Pacer(0.0, 25)
    # Quiet: the stream waits for the first thing due, the ping.
    assert pacer.wait_for(0.0) == 6
    assert not pacer.ping_due(5.9) and pacer.ping_due(6.0)
    pacer.pinged(6.0)
    assert not pacer.ping_due(11.9)
    assert pacer.wait_for(6.0) == 4  # then the re-check, at 10 s
    assert not pacer.check_due(9.9) and pacer.check_due(10.0)
    pacer.checked(10.0)
    assert not pacer.check_due(19.9) and pacer.check_due(20.0)
    assert pacer.wait_for(10.0) == 2  # the next ping (at 12 s) comes before the next check
    # An event after a quiet while goes out at once; the next waits WRITE_EVERY after it.
    assert pacer.write_delay(11.0) == 0
    pacer.wrote(11.0)
    assert pacer.write_delay(11.25) == 0.25
    pacer.wrote(11.5)
    # A write counts as a sign of life: no ping at 12 s, the next is 6 s after the last write.
    assert not pacer.ping_due(12.0) and not pacer.ping_due(17.4)
    assert pacer.ping_due(17.5)
    pacer.pinged(17.5)
    pacer.checked(20.0)
    # The end bounds the wait, and the stream ends at 25 s.
    assert pacer.wait_for(23.5) == 0  # the ping at 23.5 s is due
    pacer.pinged(23.5)
    assert pacer.wait_for(23.5) == 1.5
    assert not pacer.over(24.9) and pacer.over(25.0)


def test_streams_opened_together_spread_their_first_re_check(settings):
    """A room's thousand streams open within seconds of each other: their first re-checks fall
    anywhere in the second half of the interval (never later: the interval bounds how long a
    removed viewer keeps watching), then every interval after that."""
    settings.LIVE_PUSH_RECHECK_SECONDS = 10
    firsts = []
    for _ in range(200):
        pacer = push._Pacer(0.0, 60, spread=True)
        first = next(t / 10 for t in range(101) if pacer.check_due(t / 10))
        firsts.append(first)
        assert 5.0 <= first <= 10.0
        pacer.checked(first)
        assert not pacer.check_due(first + 9.9) and pacer.check_due(first + 10.0)
    assert len(set(firsts)) > 20  # spread out, not all at once
    assert push._Pacer(0.0, 60).check_due(10.0) and not push._Pacer(0.0, 60).check_due(9.9)


def test_a_crowded_board_is_written_to_less_often_and_only_that_board():
    """Up to CROWD pages of a board in one process, each stream writes up to five times a
    second; from CROWD on, twice a second (a card still reaches every screen within a second),
    while a small board in the same process keeps its pace."""
    hub = push.Hub()
    crowd = [push.Watcher("summit", push.PARTICIPANT) for _ in range(push.CROWD)]
    small = push.Watcher("plan-team", push.PARTICIPANT)
    for watcher in crowd[:-1] + [small]:
        hub.add(watcher)
    assert hub.write_every("summit") == push.WRITE_EVERY == 0.2
    hub.add(crowd[-1])
    assert hub.write_every("summit") == push.CROWD_WRITE_EVERY == 0.5
    assert hub.write_every("plan-team") == 0.2
    pacer = push._Pacer(0.0, 60)
    pacer.wrote(10.0)
    assert pacer.write_delay(10.1, hub.write_every("summit")) == pytest.approx(0.4)
    assert pacer.write_delay(10.1, hub.write_every("plan-team")) == pytest.approx(0.1)
    hub.remove(crowd[0])  # the crowd thins out: back to five times a second
    assert hub.write_every("summit") == 0.2


def test_a_closed_retreat_ends_the_stream_with_gone(
    client, retreat, shared, django_capture_on_commit_callbacks, settings
):
    settings.LIVE_PUSH_WSGI_SECONDS = 20
    join_as_guest(client, retreat)
    stream = client.get(url("board-events", shared), {"v": shared.version})
    with django_capture_on_commit_callbacks(execute=True):
        services.retreat_set_open(retreat=retreat, is_open=False)
    started = time.monotonic()
    assert [kind for kind, _, _ in events(read(stream))] == ["gone"]
    assert time.monotonic() - started < 2  # at once, not at the stream's end
    # ...and the page's reconnection is refused as the poll would be (a guest of a closed retreat).
    assert client.get(url("board-events", shared)).status_code == 403


def test_a_removed_member_is_cut_off_within_seconds(client, cast, retreat, shared, settings):
    settings.LIVE_PUSH_WSGI_SECONDS = 20
    settings.LIVE_PUSH_RECHECK_SECONDS = 0.3
    client.force_login(cast.plan_team)
    stream = client.get(url("board-events", shared), {"v": shared.version})
    Membership.objects.filter(user=cast.plan_team, engagement=cast.engagement).delete()
    session_key = client.session.session_key
    from django.core.cache import cache

    cache.delete(f"retreats:grant:{session_key}:{shared.pk}")  # the grant note has lapsed
    started = time.monotonic()
    assert [kind for kind, _, _ in events(read(stream))] == ["gone"]
    assert time.monotonic() - started < 2


def test_a_stream_is_refused_to_those_who_may_not_see_the_board(client, cast, retreat, shared):
    assert client.get(url("board-events", shared)).status_code == 404  # nobody
    client.force_login(cast.outsider)
    assert client.get(url("board-events", shared)).status_code == 404  # another organization
    unknown = reverse("retreats:board-events", args=[retreat.pk, cast.engagement.pk])
    client.force_login(cast.plan_team)
    assert client.get(unknown).status_code == 404  # no such board in this retreat
    # The facilitator's stream (console, projector): 403 for a member who cannot run the retreat.
    assert client.get(url("console-events", shared)).status_code == 403
    client.force_login(cast.facilitator)
    assert events(read(client.get(url("console-events", shared)))) == [
        ("board", {"v": shared.version}, str(shared.version))  # (no version asked: fetch once)
    ]


def test_a_guest_gets_no_facilitator_stream(client, retreat, shared):
    join_as_guest(client, retreat)
    response = client.get(url("console-events", shared))  # as the console's poll: sign in first
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_past_the_limit_of_streams_the_page_is_told_to_poll(client, retreat, shared, settings):
    settings.LIVE_PUSH_WSGI_STREAMS = 2
    join_as_guest(client, retreat)
    first = client.get(url("board-events", shared))
    second = client.get(url("board-events", shared))
    refused = client.get(url("board-events", shared))
    assert (first.status_code, second.status_code, refused.status_code) == (200, 200, 503)
    assert refused["Cache-Control"] == "no-store"
    read(first)  # it ends (a WSGI stream lasts LIVE_PUSH_WSGI_SECONDS): its slot comes free
    read(client.get(url("board-events", shared)))
    second.close()


def test_push_off_refuses_streams_and_pages_poll(client, retreat, shared, settings):
    settings.LIVE_PUSH = False
    join_as_guest(client, retreat)
    board = client.get(url("board", shared)).content.decode()
    assert "live-push" not in board and 'hx-trigger="every 1s"' in board
    assert client.get(url("board-events", shared)).status_code == 404


# --- the pages and the writer's answer ----------------------------------------------------------


def test_the_three_pages_say_where_to_listen(client, cast, retreat, shared):
    client.force_login(cast.facilitator)
    events_url = url("console-events", shared)
    for page in ("console", "projector"):
        body = client.get(url(page, shared)).content.decode()
        assert f'data-events="{events_url}" data-mode="refresh"' in body
        assert "js/live.js" in body
    board = client.get(url("board", shared)).content.decode()
    assert f'data-events="{url("board-events", shared)}" data-mode="board"' in board


def test_the_writer_s_answer_does_not_grow_with_the_board(client, retreat, shared):
    guest = join_as_guest(client, retreat)

    def add(text):
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = client.post(
                url("card-add", shared), {"text": text, "quadrant": "W"}, headers=HTMX
            )
        return response, len(queries)

    add("First")  # (the first card goes the normal way, which lets the next ones go quicker)
    small, small_queries = add("Second")
    CardFactory.create_batch(60, activity=shared, quadrant="W")
    big, big_queries = add("Sixty-second")
    assert big_queries == small_queries
    assert len(big.content) == pytest.approx(len(small.content), abs=200)
    body = big.content.decode()
    assert "Sixty-second" not in body and 'id="board-live"' not in body  # the event brings it
    newest = Card.objects.get(text="Sixty-second")
    assert json.loads(big["HX-Trigger"]) == {"live:mine": str(newest.pk)}
    assert str(guest.pk) not in body


def test_on_a_private_board_the_writer_s_answer_brings_their_own_cards(client, retreat, private):
    """Others learn only that the version moved; the writer's region (their own cards only, so
    its size does not grow with the room) comes with the answer."""
    join_as_guest(client, retreat)
    CardFactory.create_batch(5, activity=private)  # other people's, private
    response = client.post(url("card-add", private), {"text": "Mine"}, headers=HTMX)
    body = response.content.decode()
    assert 'id="board-live"' in body and "Mine" in body
    assert body.count('<li class="idea-card') == 1


# --- the push process's own answer (retreats/push_asgi.py; streamed on the stack) ----------------


def scope_for(client, path: str) -> dict:
    name = settings.SESSION_COOKIE_NAME
    cookie = client.cookies.get(name)
    headers = [(b"cookie", f"{name}={cookie.value}".encode())] if cookie else []
    return {"type": "http", "path": path, "headers": headers, "query_string": b""}


def test_the_push_process_checks_access_as_the_views_do(client, cast, retreat, shared):
    board, console = url("board-events", shared), url("console-events", shared)
    kwargs = {"retreat_id": retreat.pk, "activity_id": shared.pk}
    assert push_asgi.check(scope_for(client, board), "participant", kwargs)[0] == 404  # nobody
    status, _, location = push_asgi.check(scope_for(client, console), "console", kwargs)
    assert status == 302 and "/sign-in/" in location
    client.force_login(cast.outsider)
    assert push_asgi.check(scope_for(client, board), "participant", kwargs)[0] == 404
    client.force_login(cast.plan_team)
    assert push_asgi.check(scope_for(client, console), "console", kwargs)[0] == 403
    status, found, _ = push_asgi.check(scope_for(client, board), "participant", kwargs)
    assert status == 200 and found.pk == shared.pk


def test_the_push_process_s_recheck_loads_the_session_and_account_again(
    client, cast, retreat, shared
):
    """A signed-out session or a deactivated account loses its open stream at the next
    re-check, not when the stream would have ended (an hour)."""
    client.force_login(cast.facilitator)
    board = scope_for(client, url("board-events", shared))
    console = scope_for(client, url("console-events", shared))
    assert push_asgi.still_allowed(board, "participant", shared)
    assert push_asgi.still_allowed(console, "console", shared)
    cast.facilitator.is_active = False
    cast.facilitator.save(update_fields=["is_active"])
    assert not push_asgi.still_allowed(console, "console", shared)
    cast.facilitator.is_active = True
    cast.facilitator.save(update_fields=["is_active"])
    assert push_asgi.still_allowed(console, "console", shared)
    client.logout()  # the session is gone from the database
    assert not push_asgi.still_allowed(board, "participant", shared)
    assert not push_asgi.still_allowed(console, "console", shared)


def guest_stream(client, retreat, shared):
    """A guest who joined by code, as the push process let their stream in: (scope, Guest)."""
    participant = join_as_guest(client, retreat, name="Zoé Ngọc")
    scope = scope_for(client, url("board-events", shared))
    kwargs = {"retreat_id": retreat.pk, "activity_id": shared.pk}
    status, activity, _, guest = push_asgi.admit(scope, "participant", kwargs)
    assert status == 200 and activity.pk == shared.pk
    assert guest is not None and guest.participant_id == str(participant.pk)
    return scope, guest, participant


def notes(client, retreat, shared) -> list:
    key = client.session.session_key
    return [live.writer(key, retreat.pk), cache.get(f"retreats:grant:{key}:{shared.pk}")]


def test_a_guest_s_stream_is_re_checked_by_one_statement_that_renews_the_notes(
    client, retreat, shared, django_assert_num_queries
):
    """A summit's crowd are guests, and their thousand streams are re-checked every 15 s: by
    one plain statement, not the session, the board and the participant through the ORM. It
    renews the notes the full check leaves, which let the room's polls and quick writes through."""
    scope, guest, participant = guest_stream(client, retreat, shared)
    cache.clear()  # the notes have lapsed
    with django_assert_num_queries(1):
        assert push_asgi.still_allowed(scope, "participant", shared, guest)
    assert notes(client, retreat, shared) == [str(participant.pk)] * 2


def test_a_guest_s_re_check_lets_the_full_check_decide_when_anything_changed(
    client, retreat, shared
):
    """Cut off at this re-check: the full check then runs without the 30-second note that
    the one statement renewed."""
    scope, guest, participant = guest_stream(client, retreat, shared)
    # Closed: cut off (the stream's `gone` tells the page).
    services.retreat_set_open(retreat=retreat, is_open=False)
    assert not push_asgi.still_allowed(scope, "participant", shared, guest)
    services.retreat_set_open(retreat=retreat, is_open=True)
    assert push_asgi.still_allowed(scope, "participant", shared, guest)
    # The session expired, or the guest signed out (the row is gone).
    Session.objects.filter(pk=guest.session_key).update(expire_date=timezone.now())
    assert not push_asgi.still_allowed(scope, "participant", shared, guest)
    Session.objects.filter(pk=guest.session_key).delete()
    assert not push_asgi.still_allowed(scope, "participant", shared, guest)


def test_a_removed_guest_is_cut_off_at_the_next_re_check(client, retreat, shared):
    scope, guest, participant = guest_stream(client, retreat, shared)
    participant.delete()
    assert not push_asgi.still_allowed(scope, "participant", shared, guest)


def test_a_guest_whose_session_changed_is_checked_in_full(client, cast, retreat, shared):
    """The same session holding another token, or an account now: the one statement does not
    decide; the full check does, as for anyone (and not its 30-second note: it is cut off at
    this re-check, not the next)."""
    scope, guest, participant = guest_stream(client, retreat, shared)
    store = SessionStore(guest.session_key)
    store[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = "a-token-of-nobody"
    store.save()
    assert notes(client, retreat, shared) == [str(participant.pk)] * 2  # the notes are fresh
    assert not push_asgi.still_allowed(scope, "participant", shared, guest)
    store[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = guest.token
    store[SESSION_KEY] = str(cast.outsider.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = cast.outsider.get_session_auth_hash()
    store.save()
    with CaptureQueriesContext(connection) as queries:  # an outsider's account, and still the
        assert push_asgi.still_allowed(scope, "participant", shared, guest)  # guest's token
    assert len(queries) > 1


def test_members_and_the_console_are_re_checked_in_full(client, cast, retreat, shared):
    client.force_login(cast.plan_team)
    kwargs = {"retreat_id": retreat.pk, "activity_id": shared.pk}
    assert (
        push_asgi.admit(scope_for(client, url("board-events", shared)), "participant", kwargs)[3]
        is None
    )
    client.force_login(cast.facilitator)
    assert (
        push_asgi.admit(scope_for(client, url("console-events", shared)), "console", kwargs)[3]
        is None
    )


def test_a_viewer_who_leaves_frees_their_stream_at_once(shared):
    """The push process's stream (retreats/push_asgi.py): the viewer's disconnect ends it and
    takes its watcher out of the hub, while the board is quiet."""
    import asyncio

    sent: list[dict] = []

    async def scenario() -> None:
        body = push.AsyncStream(
            push.Watcher(str(shared.pk), push.PARTICIPANT), 3, lambda: True, lambda: 3
        )
        assert await body.open()
        assert push.hub.count() == 1
        left = asyncio.Event()

        async def receive() -> dict:
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            if message.get("body", b"").endswith(b": connected\n\n"):
                left.set()  # the viewer leaves once the stream is open

        await asyncio.wait_for(push_asgi._stream(body, receive, send), 2)

    asyncio.run(scenario())
    assert sent[0]["status"] == 200
    assert (b"cache-control", b"no-store") in sent[0]["headers"]
    assert push.hub.count() == 0
