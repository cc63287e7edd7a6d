"""Counting what arrives through a public review link per network address, so one address
cannot flood a review with feedback or buy-in answers.

Each window in settings.PUBLIC_FEEDBACK_RATES ("5/10m,20/d") is counted on its own (the shared
counters of engagements/throttle.py). With the cache unreachable nothing is counted: the other
spam checks still hold, and people can still be heard.
"""

from django.conf import settings
from django.http import HttpRequest

from engagements import throttle
from engagements.throttle import Counter

FEEDBACK = "public-review-feedback:address"
BUY_IN = "public-review-buy-in:address"


def _rates() -> list[str]:
    return [rate.strip() for rate in settings.PUBLIC_FEEDBACK_RATES.split(",") if rate.strip()]


def wait_seconds(request: HttpRequest, group: str) -> int:
    """Counts this submission against its address. Returns 0 when it may go ahead, otherwise
    how many seconds until the address may send again."""
    address = throttle.address(request)
    return throttle.wait_seconds(request, [Counter(group, address, rate) for rate in _rates()])
