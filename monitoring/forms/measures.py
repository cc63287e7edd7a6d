"""Forms of the measure pages: a reading, a target change with its reason, a school year's
target, a status override, a CSV file of readings."""

from datetime import date

from django import forms

from engagements.csv_files import SpreadsheetUploadForm
from engagements.text import CleanTextMixin

from ..models import MonitoredMeasure, StatusOverride

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        # Text, not a number box: what was typed stays on the page to be corrected.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the value.",
            "invalid": "Enter a number, like 72 or 72.5.",
            "max_decimal_places": "Use at most two decimals.",
            "max_digits": "Enter a smaller number.",
            "max_whole_digits": "Enter a smaller number.",
        },
    )


class _OwnIds:
    """The measure page shows several forms with fields of the same name (reason, value): each
    form's ids start with its own word so every label points at its own field."""

    ids = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason: everyone who reads the plan sees it."},
    )


class ReadingForm(CleanTextMixin, forms.Form):
    taken_on = forms.DateField(
        label="Date of the reading",
        widget=DATE,
        error_messages={"required": "Enter the date.", "invalid": "Enter a date, like 2027-03-15."},
    )
    value = _amount("Value", required=True)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        help_text="What explains this reading, in a sentence or two.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, today: date, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        if unit:
            self.fields["value"].label = f"Value ({unit})"

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > self.today:
            raise forms.ValidationError("The date is in the future: enter the day it was measured.")
        return taken_on


class TargetsForm(_OwnIds, CleanTextMixin, forms.Form):
    ids = "id_targets_%s"
    baseline = _amount("Baseline")
    baseline_date = forms.DateField(label="Baseline date", required=False, widget=DATE)
    target = _amount("Target")
    target_date = forms.DateField(label="Target date", required=False, widget=DATE)
    direction = forms.ChoiceField(label="Which way is better", choices=MonitoredMeasure.Direction)
    band_low = _amount("Lowest value in the band", help_text="Only to stay within a band.")
    band_high = _amount("Highest value in the band", help_text="Only to stay within a band.")
    reason = _reason("Why the target or baseline changes. It is kept in the change log.")

    def clean(self):
        data = super().clean()
        start, end = data.get("baseline_date"), data.get("target_date")
        if start and end and end <= start:
            self.add_error("target_date", "The target date must come after the baseline date.")
        if data.get("direction") == MonitoredMeasure.Direction.BAND:
            low, high = data.get("band_low"), data.get("band_high")
            for name in ("band_low", "band_high"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "A band needs its lowest and its highest value.")
            if low is not None and high is not None and low > high:
                self.add_error("band_high", "The highest value must not be below the lowest.")
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "reason"}


class YearlyTargetForm(_OwnIds, CleanTextMixin, forms.Form):
    ids = "id_yearly_%s"
    school_year = forms.TypedChoiceField(label="School year", coerce=int)
    value = _amount("Target for that year", help_text="Leave empty to remove that year's target.")
    reason = _reason("Why this year's target is set or changes.")

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = [(y, f"{y - 1}–{str(y)[-2:]}") for y in years]


class OverrideForm(_OwnIds, CleanTextMixin, forms.Form):
    ids = "id_override_%s"
    status = forms.ChoiceField(label="Status", choices=StatusOverride.Status)
    reason = _reason("What the numbers do not show. It holds until the next reading.")


class ReadingsCsvForm(SpreadsheetUploadForm):
    columns_help = (
        "Columns: measure (its indicator as the plan has it), date (2027-03-15), value, "
        "note (optional). A CSV file, or an Excel workbook (.xlsx: its first sheet is read)."
    )
