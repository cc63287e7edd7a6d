"""Forms of the participant's side of a retreat: the join code, a guest's name and group, a card
and a dot."""

import re

from django import forms
from django.core.exceptions import ValidationError

from engagements.models import StakeholderGroup
from engagements.text import CleanTextMixin
from evidence.models import Indicator

from ..models import Activity, Card
from ..services import CARD_MAX, clean_card_text

NO_GROUP = "none"


def normalize_join_code(code: str) -> str:
    """Codes are read off a projector: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]+", "", code or "").upper()


class JoinCodeForm(CleanTextMixin, forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=40,
        help_text="The six letters and numbers on the screen at the front of the room.",
        error_messages={"required": "Type the code shown on the screen."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return normalize_join_code(self.cleaned_data["code"])


class GuestJoinForm(CleanTextMixin, forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=60,
        help_text="As the room will see it, e.g. “Ana” or “Ana L.”.",
        error_messages={
            "required": "Tell the room what to call you.",
            "max_length": "Keep your name to 60 characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    stakeholder_group = forms.ChoiceField(
        label="Which group are you part of?",
        help_text="So the results can show what each group thinks.",
        error_messages={"required": "Choose your group, or “I’d rather not say”."},
    )

    def __init__(self, *args, groups: list[StakeholderGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {str(group.pk): group for group in groups}
        self.fields["stakeholder_group"].choices = [
            ("", "Choose one"),
            *((str(group.pk), group.name) for group in groups),
            (NO_GROUP, "I’d rather not say"),
        ]

    def clean_stakeholder_group(self) -> StakeholderGroup | None:
        value = self.cleaned_data["stakeholder_group"]
        return None if value == NO_GROUP else self.groups[value]


# The page's idempotency key (see services.card_add): random letters, digits, - and _.
SUBMISSION_KEY = r"^[A-Za-z0-9_-]{8,64}$"


def submission_key_field() -> forms.RegexField:
    return forms.RegexField(
        regex=SUBMISSION_KEY, required=False, widget=forms.HiddenInput, max_length=64
    )


class CardForm(CleanTextMixin, forms.Form):
    """A card: its words and, on a SWOT board, its quadrant. No `maxlength` on the field: a
    browser would cut a long paste silently, and nothing typed may be lost."""

    quadrant = forms.ChoiceField(
        label="Where does it go?",
        choices=Card.Quadrant.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose strengths, weaknesses, opportunities or threats."},
    )
    text = forms.CharField(
        label="Your idea",
        help_text=f"One idea per card, up to {CARD_MAX} characters.",
        widget=forms.Textarea(attrs={"rows": 3, "data-max-chars": CARD_MAX}),
        error_messages={"required": "Write your idea first."},
    )
    evidence = forms.ChoiceField(
        label="Evidence (optional)",
        required=False,
        help_text="An indicator from the data that backs this card.",
        error_messages={"invalid_choice": "Choose one of the indicators in the list."},
    )
    submission_key = submission_key_field()

    def __init__(self, *args, activity: Activity, indicators: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {}
        if activity.kind != Activity.Kind.SWOT:
            del self.fields["quadrant"]
        elif indicators is not None:  # as another form of this board just read them
            self.indicators = indicators
        else:  # one query, by the board's retreat id: the engagement's indicators, if any
            self.indicators = {
                str(indicator.pk): indicator
                for indicator in Indicator.objects.filter(
                    engagement__retreats=activity.retreat_id
                ).only("id", "name", "engagement_id")
            }
        if self.indicators:
            self.fields["evidence"].choices = [
                ("", "None"),
                *((pk, indicator.name) for pk, indicator in self.indicators.items()),
            ]
        else:
            del self.fields["evidence"]

    def clean_evidence(self) -> Indicator | None:
        return self.indicators.get(self.cleaned_data["evidence"])

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF: count each as one character, as typed.
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        try:
            return clean_card_text(text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["text"]) from error


class VoteForm(CleanTextMixin, forms.Form):
    item = forms.UUIDField()
    action = forms.ChoiceField(choices=[("add", "Add a dot"), ("remove", "Take a dot off")])
    submission_key = submission_key_field()
