"""Counting wrong join codes per network address, so codes cannot be guessed, without letting a
prankster's wrong codes keep the rest of the room (one school address) out.

Only wrong (or closed) codes count: JOIN_CODE_FAILURE_RATE (30 per 10 minutes) per address. Once
an address has used them up, a code is refused exactly like a wrong one unless its retreat is
already "in the room": joined from this address (by code or by a member), or opened or shown on
the projector from it, within the last JOIN_CODE_ROOM_HOURS. So the room keeps joining by QR
link and by typed code, while a guesser past the limit cannot tell a hit from a miss. Figures in
the README ("Joining" under "Live retreats").
"""

from django.conf import settings
from django.http import HttpRequest

from engagements import throttle
from engagements.throttle import Counter

from .models import Retreat

GROUP = "retreat-join-code-failures:address"
ROOM = "retreat-in-the-room"


def _counter(request: HttpRequest) -> Counter:
    return Counter(GROUP, throttle.address(request), settings.JOIN_CODE_FAILURE_RATE)


def _room_key(request: HttpRequest, retreat: Retreat) -> str:
    return f"{throttle.address(request)}/{retreat.pk}"


def join_refused(request: HttpRequest, retreat: Retreat | None) -> bool:
    """True when this address has sent too many wrong codes and the code (`retreat` is what it
    opens, None for a wrong one) is not of a retreat already in the room here."""
    if not throttle.blocked(request, [_counter(request)]):
        return False
    return retreat is None or not throttle.remembered(ROOM, _room_key(request, retreat))


def join_failed(request: HttpRequest) -> None:
    throttle.failed(request, [_counter(request)])


def retreat_in_the_room(request: HttpRequest, retreat: Retreat) -> None:
    """Someone here joined the retreat or showed its code: its code keeps working here."""
    seconds = settings.JOIN_CODE_ROOM_HOURS * 60 * 60
    throttle.remember(ROOM, _room_key(request, retreat), seconds=seconds)


# --- the record through the observer link ------------------------------------------------------

RECORD = "observer-record-downloads:address"


def record_wait_seconds(request: HttpRequest) -> int:
    """Counts one ask for a public meeting's record (its CSV, its PDF or a look at how the PDF
    is coming along) against the address: each window of OBSERVER_RECORD_RATES ("120/10m") on
    its own. Returns 0 when it may go ahead, else the seconds until it may ask again. A whole
    room on one school address still gets its copies; a script asking in a loop is stopped."""
    rates = [rate.strip() for rate in settings.OBSERVER_RECORD_RATES.split(",") if rate.strip()]
    address = throttle.address(request)
    return throttle.wait_seconds(request, [Counter(RECORD, address, rate) for rate in rates])
