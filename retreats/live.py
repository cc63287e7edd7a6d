"""The cheap path of a live board's poll, so that a room of 200 phones polling every second
costs the server little (see README, "Live updates").

A board's poll normally runs the whole stack: session, access check, three to five queries. Most
polls need less. This module keeps three kinds of small facts in the cache, and
`LivePollShortcut` (a middleware, ahead of sessions and authentication) answers a poll from them
alone, with no query, when it can:

- **versions**: each change of a board writes `v:<activity>:<n>` = 1 for its new version n and 0
  for n-1 (services._bump, right after the row's UPDATE, before its transaction commits). A poll
  carrying version v is answered "nothing changed" (204) only when v is marked 1 *and* no v+1 was
  ever written; anything else (a missing key, a cleared cache) goes the normal way. A change is
  therefore never missed, whatever order concurrent writes land in (at worst, one committed in
  the instant before its note is seen a poll later).
- **grants**: when the normal path has checked someone's access to a board, it notes it for
  their session for GRANT_SECONDS. The shortcut needs that note, so access is re-checked by the
  normal path at least that often (a closed retreat or a removed member is noticed within it).
- **the shared region**: the latest rendering of the board everyone sees (views.participant),
  which the shortcut sends to a poller whose version is older, filled in with their own-card
  markers, when it is recent (LIVE_BOARD_MAX_STALENESS), still current, or while one request
  renders its successor (so the room does not render it at once).
"""

import functools
import gzip
import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

VERSION_SECONDS = 60 * 60
GRANT_SECONDS = 30
REGION_SECONDS = 300
RENDERING_SECONDS = 5
MARKER = re.compile(r"<!--(?:you|yours):[\w-]*-->")
MARKED_CARD = re.compile(r'data-mark="([0-9a-f]{16})" data-card="([0-9a-f-]{36})"')
# What `personal` fills in or drops: a card's opening, and the markers.
OWN_PARTS = re.compile(
    r'class="idea-card" data-mark="(?P<card>[0-9a-f]{16})"'
    r"|<!--(?P<kind>you|yours):(?P<mark>[\w-]*)-->"
)

logger = logging.getLogger(__name__)


def _quietly(call, *args, default=None):
    """Run one cache call; if the cache fails, log it and answer `default` (a miss).

    These notes only make polls cheaper. Several are written right after a card or a dot is
    committed, so a failing cache must never turn that committed write into an error answer
    (see README, "Exactly-once cards and votes"): the normal path then simply does the work."""
    try:
        return call(*args)
    except Exception:
        logger.warning(
            "Live board cache call %s failed", getattr(call, "__name__", call), exc_info=True
        )
        return default


def _version_key(activity_id, version: int) -> str:
    return f"retreats:v:{activity_id}:{version}"


def region_key(activity_id, form_state: str) -> str:
    return f"retreats:board:{activity_id}:{form_state}"


def _grant_key(session_key: str, activity_id) -> str:
    return f"retreats:grant:{session_key}:{activity_id}"


def version_moved(activity_id, version: int) -> None:
    """A writer moved the board to `version` (called while its row is still locked)."""
    _quietly(
        cache.set_many,
        {_version_key(activity_id, version): 1, _version_key(activity_id, version - 1): 0},
        VERSION_SECONDS,
    )


def version_seen(activity_id, version: int) -> None:
    """The normal path read `version` from the database. `add` never overwrites, so a newer
    write's 0 for it stands."""
    _quietly(cache.add, _version_key(activity_id, version), 1, VERSION_SECONDS)


def grant(request: HttpRequest, activity_id, participant_id) -> None:
    """Note that this session may watch this board, as this participant (or none yet)."""
    session_key = getattr(request, "session", None) and request.session.session_key
    if session_key:
        value = str(participant_id) if participant_id else ""
        _quietly(cache.set, _grant_key(session_key, activity_id), value, GRANT_SECONDS)


def _writer_key(session_key: str, retreat_id) -> str:
    return f"retreats:writer:{session_key}:{retreat_id}"


def grant_writes(request: HttpRequest, retreat_id, participant_id) -> None:
    """Note that this session may add cards and dots in this retreat, as this participant: the
    normal path has just checked it in full (retreats/quick_writes.py acts on the note)."""
    session_key = getattr(request, "session", None) and request.session.session_key
    if session_key and participant_id:
        _quietly(
            cache.set, _writer_key(session_key, retreat_id), str(participant_id), GRANT_SECONDS
        )


def grant_guest(session_key: str, activity_id, retreat_id, participant_id) -> None:
    """grant and grant_writes at once, for a guest whose stream's re-check has just found them
    exactly as the full check let them in (retreats/push_asgi.py, Guest)."""
    value = str(participant_id)
    notes = {
        _grant_key(session_key, activity_id): value,
        _writer_key(session_key, retreat_id): value,
    }
    _quietly(cache.set_many, notes, GRANT_SECONDS)


def writer(session_key: str, retreat_id) -> str | None:
    """The participant this session may write as in this retreat, if the note is there."""
    return _quietly(cache.get, _writer_key(session_key, retreat_id))


def granted(request: HttpRequest, activity_id) -> bool:
    """Is this session's note that it may watch this board still there? (An open stream's cheap
    re-check; without the note the full access check runs.)"""
    session_key = getattr(request, "session", None) and request.session.session_key
    if not session_key:
        return False
    return _quietly(cache.get, _grant_key(session_key, activity_id)) is not None


def start_rendering(key: str) -> bool:
    """Claim the rendering of a newer shared region; False while another request has it."""
    return _quietly(cache.add, f"{key}:rendering", 1, RENDERING_SECONDS, default=True)


def store_region(key: str, version: int, html: str, timer_ends, owners=None) -> None:
    """Keep a shared rendering for the room; `owners` (see `owners_of`) lets each answer mark
    its viewer's cards without working out every card's mark again."""
    ends = timer_ends.timestamp() if timer_ends else None
    _quietly(cache.set, key, (version, time.time(), html, ends, owners), REGION_SECONDS)
    _quietly(cache.delete, f"{key}:rendering")


def latest_region(key: str):
    """The room's latest shared rendering of a board, or None (also when the cache fails)."""
    return _quietly(cache.get, key)


def region_is_recent(rendered_at: float) -> bool:
    return time.time() - rendered_at < settings.LIVE_BOARD_MAX_STALENESS


def card_mark(author_id, card_id) -> str:
    """A card's mark in the shared board (`data-mark`, and the own-card markers): a keyed hash of
    its author and the card, so that the server can tell a viewer their own cards in a rendering
    shared by the whole room, while nobody reading the page can tell who wrote a card, nor that
    two cards have the same author (a participant's id would link their cards on an anonymous
    board to their name on a board that shows authors)."""
    if not author_id:
        return ""
    message = f"{author_id}:{card_id}".encode()
    return hashlib.blake2b(message, key=_mark_key(settings.SECRET_KEY), digest_size=8).hexdigest()


@functools.lru_cache(maxsize=2)
def _mark_key(secret: str) -> bytes:
    return hashlib.sha256(f"aligned.retreats.card-mark:{secret}".encode()).digest()


def owners_of(cards) -> dict[str, list[str]]:
    """Each author's card marks in a rendering (kept on the server, beside the shared rendering,
    never sent): made once per rendering, so that an answer finds its viewer's cards at once."""
    owners: dict[str, list[str]] = {}
    for card in cards:
        if card.author_id:
            owners.setdefault(str(card.author_id), []).append(card_mark(card.author_id, card.pk))
    return owners


def personal(html: str, participant_id, owners: dict | None = None) -> str:
    """Mark the viewer's own cards in a shared rendering, and drop everyone else's markers, in
    one pass over the rendering. The viewer's marks come from `owners` (made with the
    rendering); without it (a rendering kept by an older release), from each card's mark."""
    mine: set[str] = set()
    if participant_id and owners is not None:
        mine = set(owners.get(str(participant_id), ()))
    elif participant_id:
        key, prefix = _mark_key(settings.SECRET_KEY), f"{participant_id}:"
        mine = {
            mark
            for mark, card_id in MARKED_CARD.findall(html)
            if hashlib.blake2b(f"{prefix}{card_id}".encode(), key=key, digest_size=8).hexdigest()
            == mark
        }
    if not mine:
        return MARKER.sub("", html)

    def fill(found: re.Match) -> str:
        if card := found["card"]:  # a card's opening: the viewer's own gets the class
            return (
                f'class="idea-card idea-card--mine" data-mark="{card}"'
                if card in mine
                else found[0]
            )
        if found["mark"] not in mine:
            return ""  # someone else's marker
        return " (you)" if found["kind"] == "you" else '<p class="idea-card__meta">Your card</p>'

    return OWN_PARTS.sub(fill, html)


def timer_parts(seconds_left: float) -> tuple[str, str]:
    seconds = max(0, int(seconds_left))
    return str(seconds), f"{seconds // 60}:{seconds % 60:02d}"


def fill_timer(html: str, seconds_left: float | None) -> str:
    if seconds_left is None:
        return html
    seconds, text = timer_parts(seconds_left)
    return html.replace("__TIMER_SECONDS__", seconds).replace("__TIMER_TEXT__", text)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Content-Length"] = str(len(response.content))  # as CommonMiddleware would
    response["Cache-Control"] = "no-store"
    response["Vary"] = "HX-Request, Cookie, Accept-Encoding"
    return response


def _board(request: HttpRequest, html: str) -> HttpResponse:
    """The shared board, compressed when the browser takes it (every browser does): a board of a
    few hundred cards is 60 KB of HTML and about a tenth of that compressed, which matters with
    200 phones on one Wi-Fi. Safe from BREACH-style attacks: a shared board holds no secret (no
    CSRF token, nothing personal but the viewer's own-card markers)."""
    body = html.encode()
    response = HttpResponse(content_type="text/html; charset=utf-8")
    if len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=1, mtime=0)
        response["Content-Encoding"] = "gzip"
    response.content = body
    return _no_store(response)


def _still_good(key: str, activity_id, version: int) -> bool:
    """An older shared region may still be sent when it is the board's current version, or
    while another request renders the newer one."""
    current, newer = _version_key(activity_id, version), _version_key(activity_id, version + 1)
    rendering = f"{key}:rendering"
    try:
        found = cache.get_many([current, newer, rendering])
    except Exception:  # noqa: BLE001 - as in LivePollShortcut.answer
        return False
    return (found.get(current) == 1 and newer not in found) or rendering in found


class LivePollShortcut:
    """Answer a participant board's poll from the cache when that is enough; else pass it on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.answer(request) or self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "GET" or request.headers.get("HX-Request") != "true":
            return None
        if not request.path_info.endswith("/live/"):
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        seen = request.GET.get("v", "")
        if not session_key or not seen.isdigit():
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name != "retreats:board-live":
            return None
        activity_id, seen = match.kwargs["activity_id"], int(seen)
        keys = [
            _grant_key(session_key, activity_id),
            _version_key(activity_id, seen),
            _version_key(activity_id, seen + 1),
            region_key(activity_id, request.GET.get("s", "")),
        ]
        try:
            found = cache.get_many(keys)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; the normal path decides
            return None
        participant_id = found.get(keys[0])
        if participant_id is None:
            return None
        if found.get(keys[1]) == 1 and keys[2] not in found:  # the board has not moved
            return _no_store(HttpResponse(status=204))
        region = found.get(keys[3])
        if region is None:
            return None
        version, rendered_at, html, timer_ends, *rest = region
        owners = rest[0] if rest else None
        if version <= seen:
            return None
        if not region_is_recent(rendered_at) and not _still_good(keys[3], activity_id, version):
            return None
        html = personal(html.replace("__OOB__", ""), participant_id, owners)
        html = fill_timer(html, None if timer_ends is None else timer_ends - time.time())
        return _board(request, html)
