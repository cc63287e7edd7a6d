"""Forms of the reports pages: asking for a PDF, and the layout of an engagement's PDFs."""

from django import forms
from django.conf import settings

from engagements.access import MAX_ROW_NUMBER
from engagements.text import CleanTextMixin

from .models import OnePageShows, Orientation, Paper, ReportJob

# A draft's number as a form may send it; larger is no draft (and no database integer).
MAX_DRAFT_NUMBER = MAX_ROW_NUMBER


class ReportRequestForm(CleanTextMixin, forms.Form):
    """What to make: a kind of PDF, of a saved draft (by its number) or of the working copy
    (no number)."""

    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in ReportJob.Kind.choices if k in ReportJob.PLAN_KINDS],
        error_messages={
            "required": "Choose the one-page plan or the support document.",
            "invalid_choice": "Choose the one-page plan or the support document.",
        },
    )
    version = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DRAFT_NUMBER,
        error_messages={
            "invalid": "Choose a saved draft by its number, or the working copy.",
            "min_value": "Choose a saved draft by its number, or the working copy.",
            "max_value": "Choose a saved draft by its number, or the working copy.",
        },
    )

    def problem(self) -> str:
        """The errors in one sentence or two, for the top of the reports page."""
        return " ".join(dict.fromkeys(str(e) for errors in self.errors.values() for e in errors))


class LayoutForm(CleanTextMixin, forms.Form):
    paper = forms.ChoiceField(
        label="Paper",
        choices=Paper.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the paper size."},
    )
    orientation = forms.ChoiceField(
        label="The one-page plan",
        choices=Orientation.choices,
        widget=forms.RadioSelect,
        help_text="The support document is always printed portrait (tall).",
        error_messages={"required": "Choose how the one-page plan is printed."},
    )
    one_page_shows = forms.ChoiceField(
        label="Under each goal of the one-page plan",
        choices=OnePageShows.choices,
        widget=forms.RadioSelect,
        required=False,  # not sent: it stays as it is
        help_text=(
            "Many districts' one-page plans show each goal's key measures with their targets. "
            "The support document always has all of them."
        ),
        error_messages={"invalid_choice": "Choose what the one-page plan shows under each goal."},
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        error_messages={"empty": "This file is empty. Choose another one."},
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.REPORT_LOGO_MAX_BYTES // 1024
        replace = "A new file replaces the logo used now. " if has_logo else ""
        where = "printed at the top of both PDFs"
        help_text = f"{replace}A PNG or JPEG image of at most {limit} KB, {where}."
        self.fields["logo"].help_text = help_text
        if not has_logo:  # nothing to remove
            del self.fields["remove_logo"]


# --- the board progress report (h-boardreport) ----------------------------------------------


class BoardNoteForm(CleanTextMixin, forms.Form):
    """The plan lead's highlights and cover note for one period's board report, and how many days
    before a board meeting the report goes out."""

    cover_note = forms.CharField(
        label="Cover note to the board",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few sentences in plain words: what the board should notice this time. "
        "At most 2,000 characters.",
    )
    highlights = forms.MultipleChoiceField(
        label="Items to feature",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose up to 8 measures or action steps: the report shows them first.",
    )
    days_before = forms.IntegerField(
        label="Send the report this many days before each board meeting",
        min_value=1,
        max_value=30,
        error_messages={
            "required": "Choose from 1 to 30 days.",
            "invalid": "Choose from 1 to 30 days.",
            "min_value": "Choose from 1 to 30 days.",
            "max_value": "Choose from 1 to 30 days.",
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["highlights"].choices = choices

    def clean_highlights(self) -> list[str]:
        chosen = self.cleaned_data["highlights"]
        if len(chosen) > 8:
            raise forms.ValidationError(
                f"Choose at most 8 items to feature (you chose {len(chosen)})."
            )
        return chosen
