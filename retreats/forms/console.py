"""Forms for the facilitator's side of a retreat: planning it, its activities, running the console,
moderating cards and grouping them into themes."""

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime

from engagements.models import Engagement, Meeting, Phase
from engagements.text import CleanTextMixin

from ..models import Activity, Card, Theme
from ..services import BRAINSTORM_PROMPT, CARD_MAX, STAGES, SWOT_TITLE


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return obj.name


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.title} ({date_format(localtime(obj.starts_at), 'M j, Y')})"


class RetreatForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="What the room will see, e.g. “Data retreat” or “Vision retreat”.",
        error_messages={"required": "Give the retreat a name, e.g. “Data retreat”."},
    )
    phase = PhaseChoiceField(
        queryset=Phase.objects.none(),
        empty_label="Choose a phase",
        help_text="The step of the planning process this retreat serves.",
        error_messages={
            "required": "Choose the phase this retreat belongs to.",
            "invalid_choice": "Choose one of this engagement’s phases.",
        },
    )
    meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="No meeting",
        help_text="Optional: the meeting on the calendar where the retreat takes place.",
        error_messages={"invalid_choice": "Choose one of this engagement’s meetings."},
    )
    is_public_meeting = forms.BooleanField(
        label="This retreat is a public meeting",
        required=False,
        help_text="Anyone with its observer link can watch the boards live, read-only and "
        "without signing in (no names, no hidden cards), and download the record for the "
        "minutes. You can change this later on the retreat's setup page.",
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this engagement's phases and meetings are offered; another's id is refused.
        self.fields["phase"].queryset = engagement.phases.order_by("position", "name")
        self.fields["meeting"].queryset = engagement.meetings.order_by("starts_at", "title")


class ActivityAddForm(CleanTextMixin, forms.Form):
    """A new board: a SWOT board (title offered) or a brainstorm (its question offered). The
    kind comes with the address (`?kind=swot`), as the setup page shows a form for each."""

    title = forms.CharField(max_length=200, required=False)
    prompt = forms.CharField(
        label="Question for the room",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        if kind == Activity.Kind.SWOT:
            kwargs.setdefault("initial", {"title": SWOT_TITLE})
        else:
            kwargs.setdefault("initial", {"prompt": BRAINSTORM_PROMPT})
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        if kind == Activity.Kind.SWOT:
            del self.fields["prompt"]
            self.fields["title"].help_text = (
                "Everyone adds strengths, weaknesses, opportunities and threats, each quadrant "
                "with its guiding questions, e.g. “What do we consider to be our strengths?”"
            )
        else:
            self.fields["prompt"].required = True
            self.fields["prompt"].error_messages["required"] = (
                "A brainstorm needs its question, e.g. “" + BRAINSTORM_PROMPT + "”"
            )
            self.fields["title"].help_text = "Optional: a short name; empty uses the question."


class ActivitySettingsForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Give the board a short name."}
    )
    prompt = forms.CharField(
        label="Question for the room",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "A brainstorm needs its question."},
    )
    show_authors = forms.BooleanField(
        label="Show who wrote each card", required=False, help_text="Off: cards are anonymous."
    )
    private_until_revealed = forms.BooleanField(
        label="Cards private until revealed",
        required=False,
        help_text="While ideas are collected, each person sees only their own cards until you "
        "reveal them.",
    )
    vote_budget = forms.IntegerField(
        label="Dots per person",
        required=False,
        min_value=1,
        max_value=50,
        error_messages={
            "invalid": "Give a whole number of dots, e.g. 5, or leave it empty.",
            "min_value": "Give at least 1 dot, or leave it empty.",
            "max_value": "50 dots is the most a person can get.",
        },
    )
    max_per_item = forms.IntegerField(
        label="Most dots on one item",
        min_value=1,
        max_value=50,
        error_messages={
            "required": "Say how many dots one person may put on one item, e.g. 3.",
            "invalid": "Give a whole number, e.g. 3.",
            "min_value": "At least 1 dot must fit on an item.",
            "max_value": "50 dots is the most.",
        },
    )
    vote_on = forms.ChoiceField(
        label="People vote on", choices=Activity.VoteOn.choices, widget=forms.RadioSelect
    )
    votes_live = forms.BooleanField(
        label="Show votes as they come in",
        required=False,
        help_text="Off: the dots stay hidden until you reveal them.",
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        self.default_budget = activity.retreat.engagement.default_vote_budget
        kwargs.setdefault(
            "initial",
            {
                name: getattr(activity, name)
                for name in (
                    "title",
                    "prompt",
                    "show_authors",
                    "private_until_revealed",
                    "vote_budget",
                    "max_per_item",
                    "vote_on",
                    "votes_live",
                )
            },
        )
        super().__init__(*args, **kwargs)
        if activity.kind == Activity.Kind.SWOT:
            del self.fields["prompt"]
        dots = self.default_budget
        self.fields["vote_budget"].help_text = (
            f"Leave empty for the engagement’s default: {dots} dot{'s' if dots != 1 else ''} "
            "per person."
        )

    def clean(self):
        data = super().clean()
        budget = data.get("vote_budget") or self.default_budget
        most = data.get("max_per_item")
        if most and most > budget:
            self.add_error(
                "max_per_item",
                f"Someone with {budget} dots cannot put {most} on one item: give {budget} "
                "or fewer.",
            )
        return data


class SwitchForm(CleanTextMixin, forms.Form):
    """Turn something on or off: a retreat open for joining, a lock, carry forward."""

    on = forms.TypedChoiceField(choices=[("1", "On"), ("0", "Off")], coerce=lambda v: v == "1")


class RevealForm(SwitchForm):
    what = forms.ChoiceField(
        choices=[("cards", "Cards"), ("votes", "Votes"), ("live", "Votes as they come in")]
    )


class StageForm(CleanTextMixin, forms.Form):
    stage = forms.ChoiceField(choices=[(stage, stage) for stage in STAGES])


class TimerForm(CleanTextMixin, forms.Form):
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=180,
        initial=5,
        required=False,
        error_messages={
            "invalid": "Give the minutes as a whole number, e.g. 5.",
            "min_value": "A timer runs at least 1 minute.",
            "max_value": "A timer runs at most 3 hours (180 minutes).",
        },
    )
    stop = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("stop") and not data.get("minutes") and "minutes" not in self.errors:
            self.add_error("minutes", "Say how many minutes the timer runs, e.g. 5.")
        return data


class CardEditForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label="Card text",
        max_length=CARD_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "A card cannot be empty: hide it instead.",
            "max_length": f"Keep it to {CARD_MAX} characters.",
        },
    )


def _cards(activity: Activity) -> QuerySet[Card]:
    return Card.objects.filter(activity=activity, merged_into__isnull=True, hidden=False)


class MergeForm(CleanTextMixin, forms.Form):
    cards = forms.ModelMultipleChoiceField(
        queryset=Card.objects.none(),
        error_messages={
            "required": "Tick the cards to merge first.",
            "invalid_choice": "One of the ticked cards is no longer on the board.",
        },
    )
    keep = forms.ModelChoiceField(
        label="Keep this card",
        queryset=Card.objects.none(),
        error_messages={
            "required": "Choose the card to keep.",
            "invalid_choice": "The card to keep is no longer on the board.",
        },
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = _cards(activity)
        self.fields["keep"].queryset = _cards(activity)

    def clean(self):
        data = super().clean()
        keep, cards = data.get("keep"), data.get("cards")
        if keep is not None and cards is not None and not [c for c in cards if c.pk != keep.pk]:
            raise forms.ValidationError(
                "Tick at least one card besides the one to keep: those are folded into it."
            )
        return data


class ThemeForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        label="Theme name",
        max_length=120,
        error_messages={"required": "Give the theme a name, e.g. “Arts and music”."},
    )


class CardThemeForm(CleanTextMixin, forms.Form):
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        empty_label="Not grouped yet",
        error_messages={"invalid_choice": "That theme is no longer on this board."},
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = activity.themes.all()
