"""Server push for live boards: each change of a board is sent to the screens watching it as a
server-sent event, instead of every screen asking once a second (see README, "Live updates").

Publishing: services._bump calls `announce` inside the writer's transaction; the event leaves
only once that transaction commits (`transaction.on_commit`), never after a rollback. With
`LIVE_PUSH_REDIS_URL` (the broker's Redis by default) it goes out on the Redis channel
`aligned:live:<activity id>`, so a watcher on any web process gets it; without Redis (the
embedded default, one process) an in-process hub hands it on. A failing Redis is logged and
skipped: the write stands, and watchers catch up by version when they reconnect.

Receiving: one Redis connection per process (a pattern subscription), read by one background
thread, fans each event out to the streams open in that process. Each event is encoded as SSE
bytes once per process, whatever the number of watchers.

Healing: every CHECK_SECONDS a second thread reads the version of each board watched in the
process (one query) and sends `board` to a board that moved past the last version sent there (an
event lost to the publish breaker or while the listener was away). When the listener loses Redis,
the process's streams end and new ones are refused until it listens again: the pages poll.

Under ASGI the push process answers the stream addresses itself (retreats/push_asgi.py): access
checks and version reads run on a small shared pool (`run_sync`), a stream holds no thread.

Events (`id:` is the board's version, `data:` one line of JSON):
- `card`: a card was added to a board everyone sees alike; `html` is the card as the shared
  region renders it (own-card markers left for the page to fill), `quadrant` where it goes;
- `board`: anything else changed: the page fetches its region the usual way (the live GET);
- `version`: the version moved with nothing others may see (a card on a private board);
- `room`: someone joined the retreat (only the facilitator's console cares; no version);
- `gone`: the retreat was closed or the viewer lost access: the page reloads, which explains.
- `ping`: nothing for KEEP_ALIVE_SECONDS: the page knows its stream is alive (no id).
"""

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

CHANNEL = "aligned:live:"
KEEP_ALIVE_SECONDS = 15
WRITE_EVERY = 0.2  # a stream writes at most five times a second, all that came meanwhile at once
# ... and at most twice a second when this process streams one board to CROWD pages or more: a
# 1,000-person room's cards still reach every screen within a second, with 60% fewer writes.
CROWD = 300
CROWD_WRITE_EVERY = 0.5
BREAKER_SECONDS = 5  # after Redis fails a publish, skip it this long
CHECK_SECONDS = 5  # each process checks its watched boards' versions this often (lost events)
PING = b"event: ping\ndata: {}\n\n"  # every KEEP_ALIVE_SECONDS of silence: the page sees it
MAX_PENDING = 500  # a watcher this far behind gets one `board` event instead (it fetches)
RECENT_CARDS = 300  # each watched board's latest card events, for a page that comes back behind
PARTICIPANT = frozenset({"card", "board", "version", "gone"})
FACILITATOR = PARTICIPANT | {"room"}

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.LIVE_PUSH


# --- publishing ---------------------------------------------------------------------------------


def announce(activity, version: int, *, card=None, gone: bool = False, state=None) -> None:
    """The board `activity` moved to `version` (called by services._bump, in the transaction).

    `card`: the change was this new card; `gone`: the retreat was closed; `state`: the board's
    (stage, private_until_revealed, cards_revealed) as the locked row has them, which decide
    whether the card's words may go out (not the activity as the writer's request loaded it: the
    facilitator may have hidden the cards meanwhile)."""
    if not enabled():
        return
    activity_id = str(activity.pk)
    shared = _shared(*state) if state is not None else cards_shared(activity)
    if gone:
        message = {"a": activity_id, "e": "gone", "v": version}
    elif card is not None and shared:
        transaction.on_commit(lambda: _publish(_card_message(activity, card, version)))
        return
    elif card is not None:  # a private board: the others learn only that the version moved
        message = {"a": activity_id, "e": "version", "v": version}
    else:
        message = {"a": activity_id, "e": "board", "v": version}
    transaction.on_commit(lambda: _publish(message))


def room_changed(retreat) -> None:
    """Someone joined the retreat: its consoles list who is in the room (joining does not move
    a board's version)."""
    if not enabled():
        return

    def publish() -> None:
        for activity_id in retreat.activities.values_list("pk", flat=True):
            _publish({"a": str(activity_id), "e": "room"})

    transaction.on_commit(publish)


def cards_shared(activity) -> bool:
    """Is a new card seen by everyone alike (the shared region of views.participant)?"""
    return _shared(activity.stage, activity.private_until_revealed, activity.cards_revealed)


def _shared(stage: str, private_until_revealed: bool, cards_revealed: bool) -> bool:
    from .models import Activity

    hidden = private_until_revealed and not cards_revealed
    return stage == Activity.Stage.COLLECTING and not hidden


def _card_message(activity, card, version: int) -> dict:
    from .templatetags.retreat_live import idea_card

    return {
        "a": str(activity.pk),
        "e": "card",
        "v": version,
        "html": str(idea_card(card, activity)),
        "quadrant": card.quadrant,
    }


def _publish(message: dict) -> None:
    try:
        backend().publish(message)
    except Exception:  # noqa: BLE001 - the write has committed; watchers catch up by version
        logger.warning("Live push: could not publish %s", message.get("e"), exc_info=True)


# --- one process's watchers ---------------------------------------------------------------------


def encode(message: dict) -> bytes:
    """The event as SSE bytes: built once per process and event, sent to every watcher."""
    kind = message["e"]
    data = {key: value for key, value in message.items() if key not in ("a", "e")}
    head = f"id: {message['v']}\n" if message.get("v") is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class Watcher:
    """One open stream: the events waiting to be written, and a way to wake its writer (an
    asyncio event under ASGI, a threading one under WSGI)."""

    def __init__(self, activity_id: str, kinds: frozenset, loop=None) -> None:
        self.activity_id, self.kinds, self.loop = activity_id, kinds, loop
        self.pending: list[bytes] = []
        self.gone = False
        self.ended = False  # the process lost Redis: the stream ends, the page polls meanwhile
        self.lock = threading.Lock()
        self.event = asyncio.Event() if loop else threading.Event()

    def put(self, kind: str, data: bytes, *, wake: bool = True) -> bool:
        """Queue the event; True when its writer needs waking (woken here unless `wake` is
        False: Hub.dispatch wakes a board's writers together, one call per event loop)."""
        if kind not in self.kinds:
            return False
        with self.lock:
            if kind == "gone":
                self.gone = True
            needed = not self.pending  # woken once until its writer takes what is waiting
            if len(self.pending) >= MAX_PENDING:  # far behind: fetching the region is cheaper
                self.pending = [encode({"e": "board", "v": None})]
            self.pending.append(data)
        if needed and wake:
            self.wake()
        return needed

    def idle(self) -> bool:
        """Should the writer wait for its wake-up? Not when something is waiting for it already
        (a wake-up may come late, or after what it announced was taken: the event is cleared
        first, so a wake-up that races this check is never lost, and a stale one never makes
        the writer spin without waiting)."""
        self.event.clear()
        return not self.pending and not self.ended

    def end(self) -> None:
        self.ended = True
        self.wake()

    def wake(self) -> None:
        if self.loop:
            with contextlib.suppress(RuntimeError):  # its loop has closed (a server stopping)
                self.loop.call_soon_threadsafe(self.event.set)
        else:
            self.event.set()

    def take(self) -> bytes:
        self.event.clear()
        with self.lock:
            data, self.pending = b"".join(self.pending), []
        return data


class Hub:
    def __init__(self) -> None:
        self.watchers: dict[str, set[Watcher]] = defaultdict(set)
        # The latest card events of each watched board, by version (see `missed`).
        self.recent: dict[str, dict[int, bytes]] = {}
        self.versions: dict[str, int] = {}  # the last version this process sent, per board
        self.checked: dict[str, int] = {}  # each watched board's version at the last check
        self.lock = threading.Lock()

    def add(self, watcher: Watcher) -> None:
        with self.lock:
            self.watchers[watcher.activity_id].add(watcher)

    def remove(self, watcher: Watcher) -> None:
        with self.lock:
            found = self.watchers.get(watcher.activity_id)
            if found is not None:
                found.discard(watcher)
                if not found:
                    del self.watchers[watcher.activity_id]
                    self.versions.pop(watcher.activity_id, None)
                    self.recent.pop(watcher.activity_id, None)

    def known(self, activity_id: str, version: int) -> None:
        """A stream read the board's version as it opened: the self-check starts from there."""
        with self.lock:
            if activity_id in self.watchers:
                self.versions[activity_id] = max(self.versions.get(activity_id, 0), version)

    def boards(self) -> dict[str, int]:
        """The boards watched in this process, each with the last version sent to it (a board
        whose first stream has not read its version yet is left for the next check)."""
        with self.lock:
            return {key: self.versions[key] for key in self.watchers if key in self.versions}

    def write_every(self, activity_id: str) -> float:
        """How often a stream of this board may write: less often in a crowd (see CROWD)."""
        crowd = len(self.watchers.get(activity_id, ())) >= CROWD
        return CROWD_WRITE_EVERY if crowd else WRITE_EVERY

    def count(self) -> int:
        with self.lock:
            return sum(len(found) for found in self.watchers.values())

    def dispatch(self, message: dict) -> None:
        with self.lock:
            targets = list(self.watchers.get(message["a"], ()))
        if not targets:  # (with Redis, every process hears every board's events)
            return
        data = encode(message)
        with self.lock:
            version = message.get("v")
            if version is not None and message["a"] in self.watchers:  # (still watched)
                self.versions[message["a"]] = max(self.versions.get(message["a"], 0), version)
                if message["e"] == "card":
                    recent = self.recent.setdefault(message["a"], {})
                    recent[version] = data
                    if len(recent) > RECENT_CARDS:
                        del recent[min(recent)]
        woken = [watcher for watcher in targets if watcher.put(message["e"], data, wake=False)]
        _wake_all(woken)

    def missed(self, activity_id: str, seen: int, version: int) -> bytes | None:
        """The card events a page that has the board at `seen` missed up to `version`, when
        every change between them was a new card heard here (else None: it fetches its board).
        A phone back from a short sleep, or a stream that ended, gets the cards, not the board."""
        with self.lock:
            recent = self.recent.get(activity_id, {})
            wanted = range(seen + 1, version + 1)
            if len(wanted) > RECENT_CARDS or any(v not in recent for v in wanted):
                return None
            return b"".join(recent[v] for v in wanted)

    def everyone_catch_up(self) -> None:
        """Events may have been lost (Redis was away): every watcher fetches its region."""
        with self.lock:
            activity_ids = list(self.watchers)
        for activity_id in activity_ids:
            self.dispatch({"a": activity_id, "e": "board", "v": None})

    def end_all(self) -> None:
        """Redis is away: every stream of this process ends (its page polls until it reconnects)."""
        with self.lock:
            targets = [watcher for found in self.watchers.values() for watcher in found]
        for watcher in targets:
            watcher.end()

    def check_versions(self) -> None:
        """The self-healing check: one query for every board watched in this process. A board
        whose version at the *previous* check (CHECK_SECONDS ago) is still past the last one
        sent here lost an event (the publish breaker, the listener away) and gets a `board`
        event. The previous reading, not this one: a busy board's newest changes are always a
        few milliseconds from arriving, and sending every page "fetch your board" for them
        would make a 1,000-person room fetch all at once every few seconds."""
        watched = self.boards()
        if not watched:
            self.checked = {}
            return
        from .models import Activity

        try:
            found = dict(Activity.objects.filter(pk__in=list(watched)).values_list("pk", "version"))
        finally:
            _release_connection()
        previous, self.checked = self.checked, {str(pk): version for pk, version in found.items()}
        for key, version in self.checked.items():
            before = previous.get(key)
            if before is not None and before > watched[key]:
                self.dispatch({"a": key, "e": "board", "v": version})


hub = Hub()


def _wake_all(watchers: list) -> None:
    """Wake these writers: a thread's directly, an event loop's all in one call (a thousand
    streams in one uvicorn worker would otherwise make a thousand calls into its loop per
    event, each writing to the loop's wake-up pipe)."""
    loops: dict = defaultdict(list)
    for watcher in watchers:
        if watcher.loop:
            loops[watcher.loop].append(watcher.event)
        else:
            watcher.event.set()
    for loop, events in loops.items():
        with contextlib.suppress(RuntimeError):  # its loop has closed (a server stopping)
            loop.call_soon_threadsafe(_set_events, events)


def _set_events(events: list) -> None:
    for event in events:
        event.set()


class LocalBackend:
    """One process (the embedded default): publishing is handing the event to the hub."""

    def publish(self, message: dict) -> None:
        hub.dispatch(message)

    def start(self) -> bool:
        return True


class RedisBackend:
    """Every web process: publish on the activity's channel; one thread per process listens to
    all of them and hands what it hears to this process's hub."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.listening = threading.Event()
        self.thread: threading.Thread | None = None
        self.checker: threading.Thread | None = None
        self.lock = threading.Lock()
        self.skip_until = 0.0

    def publish(self, message: dict) -> None:
        """After a failure Redis is skipped for a few seconds, so that writers do not each wait
        for its timeout while it is away (as config/cache.py does for the cache)."""
        if time.monotonic() < self.skip_until:
            raise ConnectionError("Redis failed a moment ago: not publishing for now")
        try:
            self.client.publish(CHANNEL + message["a"], json.dumps(message, separators=(",", ":")))
        except Exception:
            self.skip_until = time.monotonic() + BREAKER_SECONDS
            raise

    def start(self) -> bool:
        """Is this process listening? Only the stream that starts the listener waits for it (a
        first watcher must not miss what comes meanwhile); while Redis is away, every other
        new stream is refused at once (the page polls) instead of waiting. Call it holding no
        database connection."""
        created = False
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._listen, name="live-push", daemon=True)
                self.thread.start()
                created = True
            if self.checker is None or not self.checker.is_alive():
                self.checker = threading.Thread(
                    target=self._check_versions, name="live-push-check", daemon=True
                )
                self.checker.start()
        if created:
            self.listening.wait(1)
        return self.listening.is_set()

    def _check_versions(self) -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                hub.check_versions()
            except Exception:  # noqa: BLE001 - the database may be away: try again later
                logger.warning("Live push: could not check the boards' versions", exc_info=True)

    def _listen(self) -> None:
        import redis

        lost = False
        while True:
            try:
                client = redis.Redis.from_url(
                    self.url, socket_connect_timeout=2, socket_timeout=30, health_check_interval=10
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(CHANNEL + "*")
                self.listening.set()
                if lost:  # what was published while we were away is lost: everyone fetches
                    hub.everyone_catch_up()
                    lost = False
                while True:
                    found = pubsub.get_message(timeout=5)
                    if found and found.get("type") == "pmessage":
                        hub.dispatch(json.loads(found["data"]))
            except Exception:  # noqa: BLE001 - keep listening: Redis may come back
                self.listening.clear()
                if not lost:
                    logger.warning("Live push: lost the Redis subscription", exc_info=True)
                    hub.end_all()
                lost = True
                time.sleep(1)


_backend = None
_backend_lock = threading.Lock()


def backend():
    global _backend
    url = settings.LIVE_PUSH_REDIS_URL
    if _backend is None or getattr(_backend, "url", "") != url:
        with _backend_lock:
            if _backend is None or getattr(_backend, "url", "") != url:
                _backend = RedisBackend(url) if url else LocalBackend()
    return _backend


# --- the stream ---------------------------------------------------------------------------------

_wsgi_streams = 0
_wsgi_lock = threading.Lock()


def _retry(milliseconds: int) -> bytes:
    return f"retry: {milliseconds}\n\n".encode()


def seen(asked: str | None, last_event_id: str | None) -> int | None:
    """The version the page has: its `?v=` (it knows what it shows), else the browser's
    Last-Event-ID (the last event's id, when the browser reconnects by itself)."""
    for value in (asked, last_event_id):
        if value and value.isdigit():
            return int(value)
    return None


def _seen(request: HttpRequest) -> int | None:
    return seen(request.GET.get("v"), request.headers.get("Last-Event-ID"))


def _is_asgi(request: HttpRequest) -> bool:
    from django.core.handlers.asgi import ASGIRequest

    return isinstance(request, ASGIRequest)


def refused(status: int = 503) -> HttpResponse:
    """No stream for now: the page polls instead, and tries the stream again later."""
    response = HttpResponse(status=status, headers={"Cache-Control": "no-store"})
    response["Retry-After"] = "30"
    return response


def stream(request: HttpRequest, activity, *, kinds: frozenset, still_allowed, current_version):
    """The event stream of one board for one viewer whose access was just checked (the Django
    views: WSGI, and ASGI when a request reaches them; config/asgi.py sends the push process's
    streams to retreats/push_asgi.py instead).

    `still_allowed()` re-checks access (sync; called every LIVE_PUSH_RECHECK_SECONDS);
    `current_version()` reads the board's version once the watcher is listening, so that nothing
    committed between the access check and now is missed."""
    global _wsgi_streams
    watcher = Watcher(str(activity.pk), kinds)  # (its asyncio event is made in the loop)
    if _is_asgi(request):
        body = AsyncStream(watcher, _seen(request), still_allowed, current_version)
    else:
        with _wsgi_lock:
            if _wsgi_streams >= settings.LIVE_PUSH_WSGI_STREAMS:
                return refused()
            _wsgi_streams += 1
        body = _SyncStream(watcher, _seen(request), still_allowed, current_version)
        if not body.listening:  # Redis is away: the page polls
            body.close()
            return refused()
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _first(watcher: Watcher, seen: int | None, version: int) -> bytes:
    """What a stream says first: how soon to reconnect and, if the page is behind (it slept,
    changed network, or its stream ended while the board moved), the cards it missed, or a
    `board` event when more than new cards changed (or they are no longer kept here)."""
    first = _retry(1000) + b": connected\n\n"
    if seen is None or seen < version:
        missed = None
        if seen is not None and watcher.kinds == PARTICIPANT:  # (screens that use card events)
            missed = hub.missed(watcher.activity_id, seen, version)
        first += missed or encode({"e": "board", "v": version})
    return first


class _Pacer:
    """When a stream (either kind below) next re-checks access, may next write, next pings and
    ends; `now` is time.monotonic(), read by the stream. It re-checks every
    LIVE_PUSH_RECHECK_SECONDS, writes at most every WRITE_EVERY seconds (all that came meanwhile
    at once; less often in a crowd, Hub.write_every), pings after KEEP_ALIVE_SECONDS without a
    write or a ping, and ends `seconds` after it opened (LIVE_PUSH_WSGI_SECONDS or
    LIVE_PUSH_ASGI_SECONDS). With `spread` (the ASGI streams, which can be a thousand), the
    first re-check comes at a random moment in the second half of the interval."""

    def __init__(self, now: float, seconds: float, *, spread: bool = False) -> None:
        self.last_write = now
        self.next_check = now + settings.LIVE_PUSH_RECHECK_SECONDS
        if spread:  # a room's streams open together: their re-checks should not come in waves
            self.next_check -= settings.LIVE_PUSH_RECHECK_SECONDS * random.random() / 2  # noqa: S311
        self.next_ping = now + KEEP_ALIVE_SECONDS
        self.end = now + seconds

    def over(self, now: float) -> bool:
        return now >= self.end

    def wait_for(self, now: float) -> float:
        """How long to wait for an event before a check, a ping or the end falls due."""
        return max(0.0, min(self.next_check, self.next_ping, self.end) - now)

    def check_due(self, now: float) -> bool:
        return now >= self.next_check

    def checked(self, now: float) -> None:
        self.next_check = now + settings.LIVE_PUSH_RECHECK_SECONDS

    def write_delay(self, now: float, every: float | None = None) -> float:
        """How long to sleep before writing what is pending (`every`, by default WRITE_EVERY,
        after the last write)."""
        return max(0.0, self.last_write + (WRITE_EVERY if every is None else every) - now)

    def wrote(self, now: float) -> None:
        """A write went out at `now`: the next ping is KEEP_ALIVE_SECONDS of quiet after it."""
        self.last_write = now
        self.next_ping = now + KEEP_ALIVE_SECONDS

    def ping_due(self, now: float) -> bool:
        return now >= self.next_ping

    def pinged(self, now: float) -> None:
        self.next_ping = now + KEEP_ALIVE_SECONDS


class _SyncStream:
    """Under WSGI (runserver, gunicorn gthread, the test server): a thread is held per stream, so
    a stream ends after LIVE_PUSH_WSGI_SECONDS (the browser reconnects, with Last-Event-ID) and a
    process serves at most LIVE_PUSH_WSGI_STREAMS at once."""

    def __init__(self, watcher, seen, still_allowed, current_version) -> None:
        self.closed, self.generator = False, None
        self.watcher, self.still_allowed = watcher, still_allowed
        _release_connection()  # not held while the listener starts
        self.listening = backend().start()
        hub.add(watcher)
        self.seen, self.version = seen, current_version() or 0
        hub.known(watcher.activity_id, self.version)
        _release_connection()
        self.generator = self._events()

    def __iter__(self):
        return self.generator

    def close(self) -> None:
        global _wsgi_streams
        if self.closed:
            return
        self.closed = True
        hub.remove(self.watcher)
        with _wsgi_lock:
            _wsgi_streams -= 1
        if self.generator is not None:
            self.generator.close()

    __del__ = close  # a response dropped unread (a test, a server that never iterated it)

    def _events(self):
        watcher = self.watcher
        yield _first(watcher, self.seen, self.version)
        pacer = _Pacer(time.monotonic(), settings.LIVE_PUSH_WSGI_SECONDS)
        while True:
            now = time.monotonic()
            if pacer.over(now):
                return
            if watcher.idle():
                watcher.event.wait(pacer.wait_for(now))
            if watcher.ended:
                return
            now = time.monotonic()
            if pacer.check_due(now):
                allowed = _check(self.still_allowed)
                _release_connection()
                if allowed is None:  # could not tell (the database is away): reconnect later
                    return
                if not allowed:
                    yield encode({"e": "gone", "v": None})
                    return
                pacer.checked(now)
            if watcher.pending:
                time.sleep(pacer.write_delay(now, hub.write_every(watcher.activity_id)))
                gone, data = watcher.gone, watcher.take()
                if data:
                    yield data
                    pacer.wrote(time.monotonic())
                if gone:
                    return
            elif pacer.ping_due(now):
                yield PING
                pacer.pinged(now)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pool() -> ThreadPoolExecutor:
    """The few threads every ASGI stream of a process shares for its blocking work (access
    checks, reading a version, starting the listener): LIVE_PUSH_THREADS, as many as the
    process's database connections (DB_POOL_MAX), whatever the number of streams."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(
                    max_workers=settings.LIVE_PUSH_THREADS, thread_name_prefix="live-push-work"
                )
    return _pool


async def run_sync(function, *args):
    """`function(*args)` on the shared pool; its database connection is given back after."""

    def call():
        try:
            return function(*args)
        finally:
            _release_connection()

    return await asyncio.get_running_loop().run_in_executor(pool(), call)


class AsyncStream:
    """Under ASGI (uvicorn): an async generator per stream, no thread held (blocking work goes
    to the shared pool); it lives until the viewer leaves (or LIVE_PUSH_ASGI_SECONDS, so access
    and memory are renewed now and then)."""

    def __init__(self, watcher, seen, still_allowed, current_version) -> None:
        self.watcher, self.still_allowed = watcher, still_allowed
        self.seen, self.current_version = seen, current_version
        self.closed, self.opened, self.version = False, False, 0

    def __aiter__(self):
        return self._events()

    async def open(self) -> bool:
        """Listen; False when this process cannot (Redis is away): the page polls meanwhile."""
        watcher = self.watcher
        watcher.loop = asyncio.get_running_loop()
        watcher.event = asyncio.Event()
        self.opened = True
        if not await run_sync(backend().start):
            self.close()
            return False
        hub.add(watcher)
        self.version = await run_sync(self.current_version) or 0
        hub.known(watcher.activity_id, self.version)
        return True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            hub.remove(self.watcher)

    async def _events(self):
        watcher = self.watcher
        try:
            if not self.opened and not await self.open():
                return
            yield _first(watcher, self.seen, self.version)
            pacer = _Pacer(time.monotonic(), settings.LIVE_PUSH_ASGI_SECONDS, spread=True)
            while True:
                now = time.monotonic()
                if pacer.over(now):
                    return
                if watcher.idle():  # (asyncio.timeout: a third of wait_for's CPU)
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(pacer.wait_for(now)):
                            await watcher.event.wait()
                if watcher.ended:
                    return
                now = time.monotonic()
                if pacer.check_due(now):
                    allowed = await run_sync(_check, self.still_allowed)
                    if allowed is None:
                        return
                    if not allowed:
                        yield encode({"e": "gone", "v": None})
                        return
                    pacer.checked(now)
                if watcher.pending:
                    every = hub.write_every(watcher.activity_id)
                    await asyncio.sleep(pacer.write_delay(now, every))
                    gone, data = watcher.gone, watcher.take()
                    if data:
                        yield data
                        pacer.wrote(time.monotonic())
                    if gone:
                        return
                elif pacer.ping_due(now):
                    yield PING
                    pacer.pinged(now)
        finally:
            self.close()


def _check(still_allowed) -> bool | None:
    """Access re-checked; None when it could not be (a database restarting): the stream then
    ends quietly and the page reconnects through the full check, rather than every page in the
    room being told to reload."""
    try:
        return still_allowed()
    except Exception:  # noqa: BLE001
        logger.warning("Live push: could not re-check a watcher's access", exc_info=True)
        return None


def _release_connection() -> None:
    """A stream may stay open for hours: it must not hold a database connection meanwhile (a
    thousand watchers would hold a thousand). Not inside a transaction (the test suite's)."""
    if not connection.in_atomic_block:
        connection.close()
