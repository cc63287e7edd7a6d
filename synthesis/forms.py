"""Forms of synthesis: the tagging page's filters, a theme's name, tagging by typing a theme's
name (an existing one or a new one), and the carry-forward choices."""

from django import forms

from engagements.text import TEXT_MAX_LENGTH
from retreats.models import Card

from .models import THEME_NAME_MAX
from .selectors import Filters


class FilterForm(forms.Form):
    source = forms.ChoiceField(
        label="Source",
        required=False,
        choices=[
            ("", "Sessions and surveys"),
            ("session", "Listening sessions"),
            ("survey", "Surveys"),
        ],
    )
    session = forms.ChoiceField(label="Session", required=False)
    survey = forms.ChoiceField(label="Survey", required=False)
    group = forms.ChoiceField(label="Group", required=False)
    theme = forms.ChoiceField(label="Tagged with", required=False)
    untagged = forms.BooleanField(label="Untagged only", required=False)
    q = forms.CharField(label="Words in the comment", required=False, max_length=200)

    def __init__(self, *args, sessions, surveys, groups, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "Any session")] + [
            (str(s.pk), s.title) for s in sessions
        ]
        self.fields["survey"].choices = [("", "Any survey")] + [
            (str(s.pk), s.title) for s in surveys
        ]
        self.fields["group"].choices = (
            [("", "Any group")]
            + [(str(g.pk), g.name) for g in groups]
            + [("none", "No group given")]
        )
        self.fields["theme"].choices = [("", "Any theme or none")] + [
            (str(t.pk), t.name) for t in themes
        ]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            source=data["source"],
            session=data["session"],
            survey=data["survey"],
            group=data["group"],
            theme=data["theme"],
            untagged=data["untagged"],
            text=data["q"].strip(),
        )


class ThemeForm(forms.Form):
    name = forms.CharField(label="Theme", max_length=THEME_NAME_MAX)
    description = forms.CharField(
        label="What it covers (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuoteForm(forms.Form):
    comment = forms.UUIDField()


class BoardForm(forms.Form):
    activity = forms.ChoiceField(
        label="Board", error_messages={"required": "Choose the board the card goes on."}
    )
    quadrant = forms.ChoiceField(
        label="Quadrant (SWOT boards)",
        required=False,
        choices=[("", "Not a SWOT board")] + list(Card.Quadrant.choices),
        help_text="On a SWOT board the card goes in this quadrant.",
    )

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.boards = {str(b.pk): b for b in boards}
        self.fields["activity"].choices = [("", "Choose a board")] + [
            (str(b.pk), f"{b.retreat.title}: {b.title} ({b.get_kind_display()})") for b in boards
        ]

    def clean(self):
        data = super().clean()
        board = self.boards.get(data.get("activity") or "")
        if board is not None and board.kind == "swot" and not data.get("quadrant"):
            self.add_error("quadrant", "Choose the quadrant of the SWOT board the card goes in.")
        data["board"] = board
        return data


class PlanForm(forms.Form):
    kind = forms.ChoiceField(
        label="It becomes",
        choices=[("goal", "A goal"), ("strategy", "A strategy under a goal"), ("value", "A value")],
    )
    goal = forms.ChoiceField(label="Under (for a strategy)", required=False)

    def __init__(self, *args, goals, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        terms = terms or {}
        goal = terms.get("goal", "goal").lower()
        strategy = terms.get("strategy", "strategy").lower()
        self.goals = {str(g.pk): g for g in goals}
        self.fields["kind"].choices = [
            ("goal", f"A {goal}"),
            ("strategy", f"A {strategy} under a {goal}"),
            ("value", "A value"),
        ]
        self.fields["goal"].choices = [("", "Choose a goal")] + [
            (str(g.pk), g.title) for g in goals
        ]

    def clean(self):
        data = super().clean()
        data["goal_obj"] = self.goals.get(data.get("goal") or "")
        if data.get("kind") == "strategy" and data["goal_obj"] is None:
            self.add_error("goal", "Choose the goal this strategy serves.")
        return data
