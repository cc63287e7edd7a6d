"""Counting attempts in the shared cache (failed sign-ins, wrong join codes, public feedback), so
guessing and flooding slow down, and a cache outage never stops anybody.

One shape for every use: a Counter names what is counted (a group, a key such as an address or an
account at an address, and a rate such as "10/15m"); `failed` counts one, `blocked` asks whether
any counter is used up, `wait_seconds` does both for a submission. The counters live in the
cache django-ratelimit uses (Redis on the stack, shared by every web process). With the cache
unreachable nothing is counted and nobody is refused; the outage is logged.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit.core import _get_ip, get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

OUTAGE = (OSError, RedisError)


@dataclass(frozen=True)
class Counter:
    group: str  # what kind of attempt, e.g. "sign-in-failures:account-at-address"
    key: str  # whose attempts: an address, an account, an account at an address...
    rate: str  # how many per window, in django-ratelimit's words: "10/15m", "100/h"


def address(request: HttpRequest) -> str:
    """The network address django-ratelimit counts by (RATELIMIT_IP_META_KEY behind a proxy,
    IPv6 by /64), so keys built from it match the library's own "ip" key."""
    return _get_ip(request)


def _cache():
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def _usages(request: HttpRequest, counters: Iterable[Counter], *, increment: bool) -> list[dict]:
    counters = list(counters)
    try:
        usages = [
            get_usage(
                request,
                group=counter.group,
                key=lambda group, req, key=counter.key: key,
                rate=counter.rate,
                increment=increment,
            )
            for counter in counters
        ]
    except OUTAGE as exc:
        names = ", ".join(sorted({counter.group for counter in counters}))
        log.error("Throttle unavailable, not counting (%s): %s", names, exc)
        return []
    return [usage for usage in usages if usage is not None]


def blocked(request: HttpRequest, counters: Iterable[Counter]) -> bool:
    """True once any of the counters has used up its attempts in the current window."""
    return any(
        usage["count"] >= usage["limit"] for usage in _usages(request, counters, increment=False)
    )


def failed(request: HttpRequest, counters: Iterable[Counter]) -> None:
    """Counts one failed attempt against every counter."""
    _usages(request, counters, increment=True)


def wait_seconds(request: HttpRequest, counters: Iterable[Counter]) -> int:
    """Counts this submission against every counter. Returns 0 when it may go ahead, otherwise
    how many seconds until the window that refused it ends."""
    wait = 0
    for usage in _usages(request, counters, increment=True):
        if usage["time_left"] >= 0 and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def remember(group: str, key: str, *, seconds: int) -> None:
    """Keeps a fact for a while, e.g. "this address has joined that retreat"."""
    try:
        _cache().set(f"throttle:{group}:{key}", 1, seconds)
    except OUTAGE as exc:
        log.error("Throttle unavailable, not remembering (%s): %s", group, exc)


def remembered(group: str, key: str) -> bool:
    try:
        return bool(_cache().get(f"throttle:{group}:{key}"))
    except OUTAGE as exc:
        log.error("Throttle unavailable, not recalling (%s): %s", group, exc)
        return False
