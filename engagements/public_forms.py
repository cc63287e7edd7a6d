"""What every form open to the public (no sign-in: the review link's feedback, a survey's public
link) needs against spam, with no outside service:

- a honeypot field that people never see (off-screen, out of the tab order, hidden from screen
  readers) but form-filling bots do; the view answers a filled one with the usual thank-you and
  stores nothing;
- a signed stamp of when the form was handed out, for one object (a review, a survey): a form
  sent back faster than a person can read it, or with a missing, changed or day-old stamp, is
  refused with a plain message and everything typed kept;
- text stuffed with links is refused (`LINK`, `MAX_LINKS`);
- per-address rate limits (`wait_seconds`, settings.PUBLIC_FEEDBACK_RATES) and the plain words
  for a refusal (`too_many`), and the headers that keep such pages private (`private_page`).
"""

import re
import time
from functools import wraps
from math import ceil

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from . import throttle
from .text import CleanTextMixin

STAMP_SALT = "planning.public-review.form-stamp"
STAMP_MAX_AGE = 24 * 60 * 60  # seconds
MAX_LINKS = 3
LINK = re.compile(r"https?://|www\.|\[url", re.IGNORECASE)

STALE = (
    "This form was open for too long or was changed on its way, so it could not be sent. "
    "Please send it again: what you wrote is still here."
)
TOO_FAST = (
    "That came back faster than a person can read the form. Please check what you wrote, "
    "then send it again."
)


def stamp_issue(scope: Model, *, at: float | None = None) -> str:
    """A signed note of when a form was handed out for this object (a review, a survey)."""
    issued = round((time.time() if at is None else at) * 1000)
    return signing.Signer(salt=STAMP_SALT).sign(f"{scope.pk}:{issued}")


def stamp_age(stamp: str, scope: Model) -> float | None:
    """Seconds since the stamp was issued, or None if it is missing, changed or for another
    object."""
    try:
        value = signing.Signer(salt=STAMP_SALT).unsign(stamp or "")
    except signing.BadSignature:
        return None
    scope_id, _, issued = value.rpartition(":")
    if scope_id != str(scope.pk) or not issued.isdigit():
        return None
    return time.time() - int(issued) / 1000


class GuardedForm(CleanTextMixin, forms.Form):
    """The honeypot and the signed stamp. The stamp is rendered by hand from `stamp_value`:
    the one that came with the form while it is still good, else a fresh one."""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, scope: Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.age = stamp_age(self.data.get("stamp", ""), scope) if self.is_bound else None
        fresh = self.age is not None and self.age <= STAMP_MAX_AGE
        self.stamp_value = self.data["stamp"] if fresh else stamp_issue(scope)

    @property
    def is_bot(self) -> bool:
        return self.is_bound and bool(self.data.get("website", "").strip())

    def clean(self):
        cleaned = super().clean()
        if self.age is None or self.age > STAMP_MAX_AGE:
            raise ValidationError(STALE, code="stale")
        if self.age < settings.PUBLIC_FEEDBACK_MIN_SECONDS:
            raise ValidationError(TOO_FAST, code="too_fast")
        return cleaned


def too_many_links(text: str) -> bool:
    return len(LINK.findall(text)) > MAX_LINKS


# --- per-address limits and the pages' headers ---------------------------------------------------


def wait_seconds(request: HttpRequest, group: str) -> int:
    """Counts this submission against its address, each window of settings.PUBLIC_FEEDBACK_RATES
    ("5/10m,20/d") on its own. Returns 0 when it may go ahead, otherwise how many seconds until
    the address may send again. With the cache unreachable nothing is counted."""
    rates = [rate.strip() for rate in settings.PUBLIC_FEEDBACK_RATES.split(",") if rate.strip()]
    address = throttle.address(request)
    return throttle.wait_seconds(
        request, [throttle.Counter(group, address, rate) for rate in rates]
    )


def too_many(form: forms.Form, seconds: int) -> None:
    """The refusal of a rate limit, above the form, with everything typed kept."""
    minutes = ceil(seconds / 60)
    if minutes > 90:
        when = f"{ceil(minutes / 60)} hours"
    else:
        when = "a minute" if minutes <= 1 else f"{minutes} minutes"
    form.add_error(
        None,
        "A lot has been sent from your network in a short time, so we can’t take more just "
        f"now. Please try again in about {when}: what you wrote is still here.",
    )


def private_page(view=None, *, referrer: str = "no-referrer"):
    """Not for search engines or shared caches, and no Referer carrying a link's token.

    Pages with a form say "same-origin" instead: under "no-referrer" a browser sends its POST
    with `Origin: null`, which Django's CSRF check rightly refuses. "same-origin" still sends
    nothing to other sites, and these pages link to no other site."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Referrer-Policy"] = referrer
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
