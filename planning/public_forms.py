"""Forms behind the public review link: feedback on a part of the draft, and the public buy-in
check. Both carry the spam checks shared with every public form (engagements/public_forms.py): a
honeypot, a signed stamp of when the form was handed out, and a limit on links.
"""

from django import forms
from django.core.exceptions import ValidationError

from engagements import public_forms as guarded
from engagements.public_forms import (
    LINK,
    MAX_LINKS,
    STALE,
    STAMP_SALT,
    TOO_FAST,
    stamp_age,
    stamp_issue,
)

from .models import BuyInAnswer, BuyInResponse, Review
from .selectors.review import Target
from .services.review import BODY_MAX

__all__ = ["LINK", "MAX_LINKS", "STALE", "STAMP_SALT", "TOO_FAST", "stamp_age", "stamp_issue"]

CHOOSE_CATEGORY = "Choose the one that fits you best, or “Other”."


class GuardedForm(guarded.GuardedForm):
    """The shared spam checks (engagements/public_forms.py), stamped for one review."""

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, scope=review, **kwargs)
        self.review = review


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
        if guarded.too_many_links(body):
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
