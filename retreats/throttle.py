"""Counting wrong join codes per network address, so codes cannot be guessed.

Only wrong (or closed) codes count: a whole room behind one school network joins with the right
code at once, and must not be turned away by its own numbers. Once an address has used up its
tries, every code it sends is refused until the window passes, even a right one, so a guesser
learns nothing more. The counters live in the cache (Redis on the stack).
"""

import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

GROUP = "retreat-join-code-failures:address"


def _rate() -> str:
    return settings.JOIN_CODE_FAILURE_RATE


def _usage(request: HttpRequest, *, increment: bool) -> dict | None:
    try:
        return get_usage(request, group=GROUP, key="ip", rate=_rate(), increment=increment)
    except (OSError, RedisError) as exc:
        # The cache is down: let people join (codes are long enough on their own) and say why.
        log.error("Join-code throttle unavailable, not counting: %s", exc)
        return None


def join_blocked(request: HttpRequest) -> bool:
    """True once this address has sent too many wrong codes within the window."""
    usage = _usage(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def join_failed(request: HttpRequest) -> None:
    _usage(request, increment=True)
