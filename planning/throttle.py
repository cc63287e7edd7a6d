"""Counting what arrives through a public review link per network address, so one address
cannot flood a review with feedback or buy-in answers.

Each window in settings.PUBLIC_FEEDBACK_RATES ("5/10m,20/d") is counted on its own (the shared
counters of engagements/public_forms.py). With the cache unreachable nothing is counted: the other
spam checks still hold, and people can still be heard.
"""

from engagements.public_forms import wait_seconds

__all__ = ["BUY_IN", "FEEDBACK", "wait_seconds"]

FEEDBACK = "public-review-feedback:address"
BUY_IN = "public-review-buy-in:address"
