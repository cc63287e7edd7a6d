"""Forms behind the public review link: feedback on a part of the draft, and the public buy-in
check. Both carry spam checks that need no outside service:

- a honeypot field that people never see (off-screen, out of the tab order, hidden from screen
  readers) but form-filling bots do; the view answers a filled one with the usual thank-you and
  stores nothing;
- a signed stamp of when the form was handed out: a form sent back faster than a person can
  read it, or with a missing, changed or day-old stamp, is refused with a plain message and
  everything typed kept;
- feedback stuffed with links is refused.
"""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from engagements.text import CleanTextMixin

from .models import BuyInAnswer, BuyInResponse, Review
from .selectors.review import Target
from .services.review import BODY_MAX

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
CHOOSE_CATEGORY = "Choose the one that fits you best, or “Other”."


def stamp_issue(review: Review, *, at: float | None = None) -> str:
    """A signed note of when a form was handed out for this review."""
    issued = round((time.time() if at is None else at) * 1000)
    return signing.Signer(salt=STAMP_SALT).sign(f"{review.pk}:{issued}")


def stamp_age(stamp: str, review: Review) -> float | None:
    """Seconds since the stamp was issued, or None if it is missing, changed or for another
    review."""
    try:
        value = signing.Signer(salt=STAMP_SALT).unsign(stamp or "")
    except signing.BadSignature:
        return None
    review_id, _, issued = value.rpartition(":")
    if review_id != str(review.pk) or not issued.isdigit():
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

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.age = stamp_age(self.data.get("stamp", ""), review) if self.is_bound else None
        fresh = self.age is not None and self.age <= STAMP_MAX_AGE
        self.stamp_value = self.data["stamp"] if fresh else stamp_issue(review)

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


def _category_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="You are a…",
        help_text="So the team can see what each group of people thinks.",
        error_messages={"required": CHOOSE_CATEGORY, "invalid_choice": CHOOSE_CATEGORY},
    )


class FeedbackForm(GuardedForm):
    on = forms.ChoiceField(
        label="Which part of the draft is it about?",
        error_messages={
            "required": "Choose the part of the draft your feedback is about.",
            "invalid_choice": "Choose a part of the draft from the list.",
        },
    )
    # No max_length on the field itself: a browser would cut a long paste without a word, and
    # nothing typed may be lost. clean_body says how long it is instead.
    body = forms.CharField(
        label="Your feedback",
        help_text=f"Up to {BODY_MAX:,} characters. What do you like, what worries you, what is "
        "missing?",
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": "Write your feedback before sending it."},
    )
    category = _category_field()
    name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": "Keep your name to 150 characters."},
    )
    email = forms.EmailField(
        label="Your e-mail address (optional)",
        required=False,
        max_length=254,
        help_text="Only if the team may contact you about what you wrote. Only the planning "
        "team sees it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter an e-mail address like name@example.org, or leave it empty.",
            "max_length": "That e-mail address is too long: 254 characters at most.",
        },
    )

    field_order = ["on", "body", "category", "name", "email", "website"]

    def __init__(self, *args, targets: list[tuple[str, str]], categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].choices = targets
        self.fields["category"].choices = [("", "Choose one"), *((c, c) for c in categories)]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError("Write your feedback before sending it.")
        if len(body) > BODY_MAX:
            raise ValidationError(
                f"Keep it to {BODY_MAX:,} characters (this has {len(body):,}): please shorten it."
            )
        if len(LINK.findall(body)) > MAX_LINKS:
            raise ValidationError(
                f"Please include no more than {MAX_LINKS} links: feedback full of links is "
                "treated as spam."
            )
        return body

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if LINK.search(name):
            raise ValidationError("Just your name, please, without a web address.")
        return name


class BuyInForm(GuardedForm):
    """How strongly the visitor supports each goal of the draft (1–5), whether they commit to
    the next steps, and who they are."""

    commits = forms.ChoiceField(
        label="Do you commit to supporting the next steps of this plan?",
        choices=BuyInResponse.Commitment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes, not sure yet, or no."},
    )
    category = _category_field()

    def __init__(self, *args, goals: list[tuple[str, str]], categories: list[str], **kwargs):
        """goals: (goal id, its label on the page) in order."""
        super().__init__(*args, **kwargs)
        self.goal_fields = []
        for goal_id, label in goals:
            name = f"goal_{goal_id}"
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=BuyInAnswer.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how strongly you support this one."},
            )
            self.goal_fields.append((goal_id, name))
        self.fields["category"].choices = [("", "Choose one"), *((c, c) for c in categories)]
        self.order_fields([name for _, name in self.goal_fields] + ["commits", "category"])

    @property
    def goal_questions(self):
        return [self[name] for _, name in self.goal_fields]

    def support(self) -> dict[str, int]:
        return {goal_id: self.cleaned_data[name] for goal_id, name in self.goal_fields}


def target_choices(targets: list[Target], terms: dict[str, str]) -> list[tuple[str, str]]:
    """The parts of a draft as options of a select, in reading order, named in the
    engagement's words."""
    choices = []
    for target in targets:
        if target.kind in ("plan", "statement"):
            choices.append((target.key, target.label))
            continue
        word = "Value" if target.kind == "value" else terms.get(target.kind, target.kind)
        label = target.label if len(target.label) <= 90 else target.label[:89] + "…"
        choices.append((target.key, f"{'— ' * target.depth}{word}: {label}"))
    return choices
