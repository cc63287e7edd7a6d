"""Counting failed sign-ins per account and per address, so passwords cannot be guessed.

The counters live in the cache (Redis on the stack, shared by every web process). An account or
an address with too many failures in the window is refused until the window passes, even with the
right password.
"""

import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

GROUP_ACCOUNT = "sign-in-failures:account"
GROUP_ADDRESS = "sign-in-failures:address"


def _rate() -> str:
    minutes = int(settings.SIGN_IN_FAILURE_WINDOW.total_seconds() // 60)
    return f"{settings.SIGN_IN_FAILURE_LIMIT}/{minutes}m"


def _usages(request: HttpRequest, email: str, *, increment: bool) -> list[dict]:
    account = email.strip().lower()
    try:
        usages = [
            get_usage(request, group=GROUP_ADDRESS, key="ip", rate=_rate(), increment=increment),
            get_usage(
                request,
                group=GROUP_ACCOUNT,
                key=lambda group, req: account,
                rate=_rate(),
                increment=increment,
            ),
        ]
    except (OSError, RedisError) as exc:
        # The cache is down: let people sign in (passwords still protect accounts) and say why.
        log.error("Sign-in throttle unavailable, not counting: %s", exc)
        return []
    return [usage for usage in usages if usage is not None]


def sign_in_blocked(request: HttpRequest, email: str) -> bool:
    """True once the account or the address has used up its failed attempts."""
    return any(
        usage["count"] >= usage["limit"] for usage in _usages(request, email, increment=False)
    )


def sign_in_failed(request: HttpRequest, email: str) -> None:
    _usages(request, email, increment=True)
