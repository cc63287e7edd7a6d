"""Counting what arrives through a public review link per network address, so one address
cannot flood a review with feedback or buy-in answers.

Each window in settings.PUBLIC_FEEDBACK_RATES ("5/10m,20/d") is counted on its own in the cache
(Redis on the stack). With the cache unreachable nothing is counted: the other spam checks still
hold, and people can still be heard.
"""

import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

FEEDBACK = "public-review-feedback:address"
BUY_IN = "public-review-buy-in:address"


def _rates() -> list[str]:
    return [rate.strip() for rate in settings.PUBLIC_FEEDBACK_RATES.split(",") if rate.strip()]


def wait_seconds(request: HttpRequest, group: str) -> int:
    """Counts this submission against its address. Returns 0 when it may go ahead, otherwise
    how many seconds until the address may send again."""
    wait = 0
    try:
        for rate in _rates():
            usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
            if usage is None or usage["time_left"] < 0:
                continue  # rate limiting is off, or the cache could not count
            if usage["should_limit"]:
                wait = max(wait, usage["time_left"], 1)
    except (OSError, RedisError) as exc:
        log.error("Public review rate limit unavailable, not counting: %s", exc)
        return 0
    return wait
