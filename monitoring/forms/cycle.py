"""Forms of the update cycle: a reading in a few taps on My updates, and the cycle's settings."""

from datetime import date

from django import forms

from engagements.text import CleanTextMixin

from ..models import UpdateCycle
from .measures import _amount


class QuickReadingForm(CleanTextMixin, forms.Form):
    """A reading dated today: the value and, if the owner wants, a note."""

    value = _amount("Value", required=True)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note under 2,000 characters."},
    )

    def __init__(self, *args, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if unit:
            self.fields["value"].label = f"Value today ({unit})"
        else:
            self.fields["value"].label = "Value today"


class CycleSettingsForm(CleanTextMixin, forms.Form):
    cadence = forms.ChoiceField(
        label="Updates are asked for", choices=UpdateCycle.Cadence.choices, widget=forms.RadioSelect
    )
    due_day = forms.IntegerField(
        label="Updates are due on day",
        min_value=1,
        max_value=31,
        help_text="Day of the month (monthly), of the quarter's first month (quarterly), or the "
        "number of days after a term ends (per term). A short month uses its last day.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Choose a day from 1 to 31.",
            "min_value": "Choose a day from 1 to 31.",
            "max_value": "Choose a day from 1 to 31.",
            "required": "Choose a day from 1 to 31.",
        },
    )
    grace_days = forms.IntegerField(
        label="Days of grace before reminders",
        min_value=0,
        max_value=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Choose from 0 to 30 days.",
            "min_value": "Choose from 0 to 30 days.",
            "max_value": "Choose from 0 to 30 days.",
            "required": "Choose from 0 to 30 days.",
        },
    )
    term_ends = forms.CharField(
        label="Last day of each term (per term only)",
        required=False,
        help_text="One date a line, like 2027-03-26.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    runner = forms.ChoiceField(label="Who runs the cycle", required=False)
    enabled = forms.BooleanField(label="Send reminders by e-mail", required=False)

    def __init__(self, *args, runners: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["runner"].choices = [("", "The facilitator"), *runners]

    def clean_term_ends(self) -> list[date]:
        days = []
        for line in self.cleaned_data["term_ends"].split():
            try:
                days.append(date.fromisoformat(line.strip()))
            except ValueError:
                raise forms.ValidationError(
                    f"“{line.strip()}” is not a date: write it like 2027-03-26."
                ) from None
        return days

    def clean(self):
        data = super().clean()
        if data.get("cadence") == UpdateCycle.Cadence.TERM and not data.get("term_ends"):
            self.add_error("term_ends", "List the last day of each term, one per line.")
        return data
