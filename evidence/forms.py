"""Forms of the environmental scan: an indicator with its values typed in a grid (years down,
student groups or schools across), an import file, a data pack and its items."""

from decimal import Decimal

from django import forms

from engagements.csv_files import SpreadsheetUploadForm
from engagements.models import Meeting
from engagements.text import CleanTextMixin

from .models import (
    ALL_STUDENTS,
    BREAKDOWN_MAX,
    COMMENTARY_MAX,
    INTRODUCTION_MAX,
    NOTE_MAX,
    DataPack,
    Indicator,
)
from .services import (
    INDICATOR_MAX_GROUPS,
    INDICATOR_MAX_YEARS,
    YEAR_MAX,
    YEAR_MIN,
    number_problem,
    parse_number,
    parse_year,
)


class IndicatorForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="As people say it, e.g. “Four-year graduation rate”.",
        error_messages={"required": "Give the indicator a name."},
    )
    unit = forms.CharField(
        label="Unit", max_length=40, required=False, help_text="For example: %, students, days."
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        required=False,
        help_text="Where the numbers come from: the state report card, a survey, a forum.",
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
        initial=Indicator.Direction.UP,
    )
    note = forms.CharField(
        label="Note",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What a reader should know: how it is counted, or a change in how.",
    )


class ValuesGrid(CleanTextMixin, forms.Form):
    """The values as a small table: a row per year, a column per student group or school (the
    first column is all students). Every cell is kept as typed, so nothing is lost on an error;
    blank rows and columns are ignored. The grid grows by a few blank rows and columns each
    time it is shown, up to INDICATOR_MAX_YEARS rows and INDICATOR_MAX_GROUPS + 1 columns, and
    is never smaller than the indicator's values: saving it replaces them all, so a value the
    grid could not show would be lost."""

    prefix = "grid"
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    cols = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    EXTRA_ROWS, EXTRA_COLS = 3, 2

    def __init__(self, *args, values: dict | None = None, **kwargs):
        """`values`: (year, breakdown) → Decimal, the indicator's values (so the grid can hold
        them all, whether it is shown or sent back)."""
        data = args[0] if args else kwargs.get("data")
        values = values or {}
        years = sorted({year for year, _ in values})
        groups = sorted({b for _, b in values if b}, key=str.lower)
        max_rows = max(INDICATOR_MAX_YEARS, len(years))
        max_cols = max(INDICATOR_MAX_GROUPS + 1, len(groups) + 1)
        if data is not None:
            # "More rows" / "More columns" send what is typed back with room for more.
            more_rows = 3 if "grid-more-rows" in data else 0
            more_cols = 1 if "grid-more-cols" in data else 0
            n_rows = _clamp(data.get("grid-rows"), 1, max_rows, 4)
            n_cols = _clamp(data.get("grid-cols"), 1, max_cols, 3)
            n_rows, n_cols = min(n_rows + more_rows, max_rows), min(n_cols + more_cols, max_cols)
            initial = {}
        else:
            n_rows = min(len(years) + self.EXTRA_ROWS, max_rows)
            n_cols = min(len(groups) + 1 + self.EXTRA_COLS, max_cols)
            initial = {"rows": n_rows, "cols": n_cols}
            for r, year in enumerate(years):
                initial[f"y{r}"] = year
            for c, group in enumerate(groups, start=1):
                initial[f"g{c}"] = group
            for (year, breakdown), value in values.items():
                r = years.index(year)
                c = groups.index(breakdown) + 1 if breakdown else 0
                initial[f"v{r}_{c}"] = _plain(value)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.n_rows, self.n_cols = n_rows, n_cols
        self.max_rows, self.max_cols = max_rows, max_cols
        if data is not None:
            self.data = self.data.copy()
            self.data["grid-rows"], self.data["grid-cols"] = str(n_rows), str(n_cols)
        for c in range(1, n_cols):
            self.fields[f"g{c}"] = forms.CharField(
                label=f"Group or school, column {c + 1}", max_length=BREAKDOWN_MAX, required=False
            )
        for r in range(n_rows):
            self.fields[f"y{r}"] = forms.CharField(
                label=f"Year, row {r + 1}", max_length=4, required=False
            )
            for c in range(n_cols):
                self.fields[f"v{r}_{c}"] = forms.CharField(
                    label=f"Value, row {r + 1}, column {c + 1}", max_length=30, required=False
                )

    def clean(self):
        cleaned = super().clean()
        values: dict[tuple[int, str], Decimal] = {}
        groups = {0: ""}
        seen_groups: dict[str, int] = {ALL_STUDENTS.lower(): 0}
        for c in range(1, self.n_cols):
            name = (cleaned.get(f"g{c}") or "").strip()
            if name and name.lower() in seen_groups:
                self.add_error(f"g{c}", f"“{name}” is already a column.")
            elif name:
                seen_groups[name.lower()] = c
            groups[c] = name
        seen_years: dict[int, int] = {}
        for r in range(self.n_rows):
            typed = (cleaned.get(f"y{r}") or "").strip()
            cells = {c: (cleaned.get(f"v{r}_{c}") or "").strip() for c in range(self.n_cols)}
            if not typed and not any(cells.values()):
                continue
            year = parse_year(typed)
            if not typed:
                self.add_error(f"y{r}", "Write the year of these values.")
            elif year is None:
                self.add_error(f"y{r}", f"Write a year between {YEAR_MIN} and {YEAR_MAX}.")
            elif year in seen_years:
                self.add_error(f"y{r}", f"{year} is already in row {seen_years[year] + 1}.")
                year = None
            else:
                seen_years[year] = r
            for c, text in cells.items():
                if not text:
                    continue
                number = parse_number(text)
                if number is None:
                    self.add_error(f"v{r}_{c}", number_problem(text))
                elif c and not groups[c]:
                    self.add_error(f"g{c}", "Name this column’s group or school.")
                elif year is not None:
                    values[(year, groups[c])] = number
        cleaned["values"] = values
        return cleaned

    def wants_room(self) -> bool:
        """The "More rows" or "More columns" button: show the grid again, larger, unsaved and
        without errors (the rows being typed are not finished yet)."""
        return self.is_bound and ("grid-more-rows" in self.data or "grid-more-cols" in self.data)

    def grid(self) -> dict:
        """The bound fields laid out for the template."""
        return {
            "groups": [self[f"g{c}"] for c in range(1, self.n_cols)],
            "rows": [
                (self[f"y{r}"], [self[f"v{r}_{c}"] for c in range(self.n_cols)])
                for r in range(self.n_rows)
            ],
        }


def _clamp(text, low: int, high: int, default: int) -> int:
    try:
        return max(low, min(high, int(text)))
    except (TypeError, ValueError):
        return default


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ImportForm(SpreadsheetUploadForm):
    columns_help = (
        "Columns: indicator, unit, year, value, and if you have them group (or school), "
        "source, note. A CSV file, or an Excel workbook (.xlsx: its first sheet is read). At "
        "most 1 MB."
    )


class PackForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example: “Where are we now? Our data picture”.",
        error_messages={"required": "Give the data pack a title."},
    )
    introduction = forms.CharField(
        label="Introduction",
        max_length=INTRODUCTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the plan team should look for as they read, before the data retreat.",
    )
    meeting = forms.ModelChoiceField(
        label="Read before the meeting",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="No meeting yet",
        help_text="The pack is listed among that meeting’s readings.",
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(engagement=engagement).order_by(
            "starts_at"
        )


class PackItemForm(CleanTextMixin, forms.Form):
    indicator = forms.ModelChoiceField(
        label="Indicator",
        queryset=Indicator.objects.none(),
        empty_label="Choose an indicator",
        error_messages={
            "required": "Choose the indicator to add.",
            "invalid_choice": "Choose one of this engagement’s indicators that is not in the "
            "pack yet.",
        },
    )
    commentary = forms.CharField(
        label="Commentary",
        max_length=COMMENTARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the numbers say and what to ask about them.",
    )

    def __init__(self, *args, pack: DataPack, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            engagement_id=pack.engagement_id
        ).exclude(pack_items__pack=pack)


class CommentaryForm(CleanTextMixin, forms.Form):
    commentary = forms.CharField(
        label="Commentary",
        max_length=COMMENTARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the numbers say and what to ask about them.",
    )


class MoveForm(CleanTextMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
