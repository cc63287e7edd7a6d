"""Forms of the Living the plan pages."""

from django import forms

from engagements.text import CleanTextMixin

from ..models import NOTE_LENGTH, ActionUpdate

PERCENT_BOUNDS = "Percent complete is a whole number from 0 to 100."
TOO_LONG = "Keep this under %(limit_value)d characters (it has %(show_value)d)."


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


class ActionUpdateForm(CleanTextMixin, forms.Form):
    """An update of an action step. The PDSA questions appear only for a step in its Study or
    Act stage (`asks_pdsa`)."""

    status = forms.ChoiceField(
        label="Status",
        choices=ActionUpdate.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how this step is going."},
    )
    percent = forms.IntegerField(
        label="Percent complete",
        required=False,
        min_value=0,
        max_value=100,
        help_text="0 to 100. Left empty, it stays as last reported; “Done” means 100.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
        error_messages={
            "invalid": PERCENT_BOUNDS,
            "min_value": PERCENT_BOUNDS,
            "max_value": PERCENT_BOUNDS,
        },
    )
    note = _text("Note", "What happened since the last update: successes, road blocks, changes.")
    studied = _text("What we studied", "What this cycle showed: what worked, what did not.")
    decided = _text("What we decided (act)", "Adopt, adapt or abandon, and what comes next.")

    def __init__(self, *args, asks_pdsa: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not asks_pdsa:
            del self.fields["studied"]
            del self.fields["decided"]
