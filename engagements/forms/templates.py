from django import forms

from ..models import ProcessTemplate, TemplatePhase
from ..text import CleanTextMixin


class TemplateForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ProcessTemplate
        fields = ["name", "summary", "district_roster"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"required": "Give the template a name."}}


class PhaseTextForm(CleanTextMixin, forms.ModelForm):
    """The words of a template's phase (an engagement's phases use PhaseForm, which adds dates)."""

    class Meta:
        model = TemplatePhase
        fields = ["name", "guiding_question", "purpose", "recommended_length", "expected_outputs"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "expected_outputs": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "guiding_question": "The question this phase answers, e.g. “Where are we now?”",
            "recommended_length": "E.g. “Six-hour session”.",
        }
        error_messages = {"name": {"required": "Give the phase a name."}}
