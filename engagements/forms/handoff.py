"""The hand-off form: who becomes the plan lead, and whether the facilitators stay as advisers."""

from django import forms

from ..text import CleanTextMixin

STAY = "stay"
LEAVE = "leave"


class HandOffForm(CleanTextMixin, forms.Form):
    # A UUID, not a choice among the listed members: the view answers 404 for an id that is no
    # member of this engagement, and the service names why a member may not lead.
    lead = forms.UUIDField(
        label="Who becomes the plan lead?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who becomes the plan lead.",
            "invalid": "Choose who becomes the plan lead.",
        },
    )
    facilitators = forms.ChoiceField(
        label="And you?",
        widget=forms.RadioSelect,
        choices=[
            (STAY, "Stay as a read-only adviser: you keep reading the plan and its progress"),
            (LEAVE, "Leave the engagement: it disappears from your dashboard"),
        ],
        error_messages={"required": "Choose whether you stay as an adviser or leave."},
    )

    def __init__(self, *args, candidates, by_facilitator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].widget.choices = [
            (str(m.pk), f"{m.user.get_full_name()} ({', '.join(m.role_labels)})")
            for m in candidates
        ]
        if not by_facilitator:  # a plan lead passing the role on: nobody else changes
            del self.fields["facilitators"]
