"""The push process's own answer to the live boards' event streams (config/asgi.py sends every
path ending in `/events/` here; everything else goes to Django).

Through Django, a sync view under ASGI runs in a thread of its own that lives as long as its
response: a thousand open streams held a thousand threads. Here nothing goes through Django's
middleware: the path is resolved to the same two addresses, the session cookie read, and the
views' own access checks (`events_access`, `events_still_allowed` in retreats/views) run on
the push's small shared thread pool (retreats/push.py, LIVE_PUSH_THREADS), each giving its
database connection back at once; then the stream is an async generator, holding no thread.

Answers as the Django views would give them, without a page (an EventSource only reads the
status): 404 and 403 as the access check says, 302 to sign in for the console's stream without
a signed-in member, 405 for anything but GET, 503 while the process cannot listen. Re-checks
load the session and the account again, so a signed-out session or a deactivated account is cut
off within LIVE_PUSH_RECHECK_SECONDS.

A guest's stream (the crowd of a large room) is re-checked by one statement instead (`Guest`):
while their session, participant row, retreat and board are exactly as the full check found
them, the full check would let them in again, and nothing else is read; any difference, and the
full check decides.
"""

import asyncio
import logging
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict, parse_cookie
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve

from engagements.access import GUEST_SESSION_KEY, guest_stream_unchanged

from . import live, push
from .quick_writes import DATABASE_SESSIONS

logger = logging.getLogger(__name__)

STREAMS = {"retreats:board-events": "participant", "retreats:console-events": "console"}
HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


def is_stream(scope) -> bool:
    return scope["type"] == "http" and scope["path"].endswith("/events/")


class PushApplication:
    """`django_app` for everything but the event streams."""

    def __init__(self, django_app) -> None:
        self.django_app = django_app

    async def __call__(self, scope, receive, send) -> None:
        if is_stream(scope):
            match = _match(scope)
            if match is not None:
                await events(scope, receive, send, match)
                return
        await self.django_app(scope, receive, send)


def _match(scope):
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match if match.view_name in STREAMS else None


def _views(kind: str):
    if kind == "participant":
        from .views import participant as views
    else:
        from .views import console as views
    return views


def viewer(scope) -> HttpRequest:
    """A request as the views' access checks read it: its session (from the cookie) and account
    loaded now, its query and Last-Event-ID. (Blocking: on the pool.)"""
    headers = {
        key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]
    }
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = scope["path"]
    request.META = {
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "HTTP_LAST_EVENT_ID": headers.get("last-event-id", ""),
        "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
    }
    request.GET = QueryDict(request.META["QUERY_STRING"])
    cookies = parse_cookie(headers.get("cookie", ""))
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(cookies.get(settings.SESSION_COOKIE_NAME))
    request.user = auth.get_user(request)
    return request


@dataclass(frozen=True)
class Guest:
    """A guest (joined by code, no account) whose stream the full check has just let in, and
    what that check read: their session (and in it, their token for this retreat), their
    participant row, the retreat (open) and the board (in that retreat)."""

    session_key: str
    token: str
    participant_id: str
    retreat_id: str
    activity_id: str

    @classmethod
    def of(cls, request: HttpRequest, activity, retreat_access) -> "Guest | None":
        participant = retreat_access.participant
        if (
            not retreat_access.is_guest
            or request.user.is_authenticated  # (an account beside the token: its statement
            or participant is None  # would never find the session unchanged)
            or settings.SESSION_ENGINE not in DATABASE_SESSIONS
            or not request.session.session_key
        ):
            return None
        token = request.session.get(GUEST_SESSION_KEY.format(retreat_id=activity.retreat_id))
        if not token:
            return None
        return cls(
            request.session.session_key,
            token,
            str(participant.pk),
            str(activity.retreat_id),
            str(activity.pk),
        )

    def unchanged(self) -> bool:
        """Is everything the full check read as it was? One statement
        (engagements.access.guest_stream_unchanged, beside the full check's guest branch). Then
        the full check would let them in again, so the notes it leaves (live.grant,
        live.grant_writes) are renewed. Blocking: on the pool."""
        if not guest_stream_unchanged(
            session_key=self.session_key,
            token=self.token,
            participant_id=self.participant_id,
            retreat_id=self.retreat_id,
            activity_id=self.activity_id,
        ):
            return False
        live.grant_guest(self.session_key, self.activity_id, self.retreat_id, self.participant_id)
        return True


def check(scope, kind: str, kwargs: dict):
    """(status, activity or None, where to sign in or None). Blocking: on the pool."""
    return admit(scope, kind, kwargs)[:3]


def admit(scope, kind: str, kwargs: dict):
    """check(), and the Guest if the viewer is one (for the cheaper re-check)."""
    request = viewer(scope)
    if kind == "console" and not request.user.is_authenticated:
        login = resolve_url(settings.LOGIN_URL)
        return 302, None, f"{login}?next={quote(scope['path'])}", None
    try:
        if kind == "console":
            return 200, _views(kind).events_access(request, **kwargs), None, None
        activity, retreat_access = _views(kind).events_viewer(request, **kwargs)
    except Http404:
        return 404, None, None, None
    except PermissionDenied:
        return 403, None, None, None
    return 200, activity, None, Guest.of(request, activity, retreat_access)


def still_allowed(scope, kind: str, activity, guest: Guest | None = None) -> bool:
    """The re-check: a guest's by one statement while nothing changed (Guest.unchanged); else
    the session and the account loaded again, and the views' own re-check (for a guest whose
    statement failed, the full check at once). Blocking: on the pool."""
    if guest is not None and guest.unchanged():
        return True
    request = viewer(scope)
    if kind == "console" and not request.user.is_authenticated:
        return False
    if guest is not None:  # something its statement reads changed: the full check, not the
        return _views(kind).events_still_allowed(request, activity, noted=False)  # note
    return _views(kind).events_still_allowed(request, activity)


async def answer(send, status: int, headers=()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"cache-control", b"no-store"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def events(scope, receive, send, match) -> None:
    from . import selectors

    kind = STREAMS[match.view_name]
    if scope["method"] != "GET":
        await answer(send, 405, [(b"allow", b"GET")])
        return
    if not push.enabled():
        await answer(send, 404)
        return
    try:
        status, activity, location, guest = await push.run_sync(admit, scope, kind, match.kwargs)
    except Exception:  # noqa: BLE001 - the database is away: the page polls, and tries later
        logger.warning("Live push: could not check a stream's access", exc_info=True)
        await answer(send, 503, [(b"retry-after", b"30")])
        return
    if status == 302:
        await answer(send, 302, [(b"location", location.encode("latin-1"))])
        return
    if status != 200:
        await answer(send, status)
        return
    request = HttpRequest()
    request.GET = QueryDict(scope.get("query_string", b"").decode("latin-1"))
    headers = {key.lower(): value for key, value in scope["headers"]}
    seen = push.seen(request.GET.get("v"), headers.get(b"last-event-id", b"").decode("latin-1"))
    body = push.AsyncStream(
        push.Watcher(str(activity.pk), push.FACILITATOR if kind == "console" else push.PARTICIPANT),
        seen,
        lambda: still_allowed(scope, kind, activity, guest),
        lambda: selectors.activity_version(activity.pk),
    )
    try:
        listening = await body.open()
    except Exception:  # noqa: BLE001
        logger.warning("Live push: could not open a stream", exc_info=True)
        body.close()
        listening = False
    if not listening:
        await answer(send, 503, [(b"retry-after", b"30")])
        return
    await _stream(body, receive, send)


async def _stream(body, receive, send) -> None:
    """Send the stream's events until it ends or the viewer leaves, whichever comes first."""
    events = body.__aiter__()

    async def write() -> None:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        async for data in events:
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def left() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = [asyncio.ensure_future(write()), asyncio.ensure_future(left())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await events.aclose()
        body.close()
