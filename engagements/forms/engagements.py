from django import forms

from ..models import Engagement


class EngagementForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the engagement a name."},
        help_text="What the team calls this work, e.g. “Strategic Plan 2027–2032”.",
    )
    status = forms.ChoiceField(
        choices=Engagement.Status.choices,
        help_text="Shown to everyone in the engagement on their home page.",
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        kwargs.setdefault("initial", {"name": engagement.name, "status": engagement.status})
        super().__init__(*args, **kwargs)
        self.engagement = engagement

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Engagement.objects.filter(
            organization_id=self.engagement.organization_id, name__iexact=name
        ).exclude(pk=self.engagement.pk)
        if clash.exists():
            raise forms.ValidationError(
                "This organization already has an engagement with this name. Choose another."
            )
        return name
