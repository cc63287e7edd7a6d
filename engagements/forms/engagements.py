from django import forms

from ..models import DEFAULT_TERMINOLOGY, Engagement, Organization, Phase, ProcessTemplate
from ..text import CleanTextMixin


class EngagementForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the engagement a name."},
        help_text="What the team calls this work, e.g. “Strategic Plan 2027–2032”.",
    )
    closed = forms.BooleanField(
        label="This engagement is closed",
        required=False,
        help_text="Its pages stay readable and its status reads “Closed” for everyone. Untick "
        "it to reopen the engagement.",
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        kwargs.setdefault(
            "initial", {"name": engagement.name, "closed": engagement.closed_at is not None}
        )
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


NEW = "new"


def _same(name: str) -> str:
    return " ".join(name.split()).casefold()


class EngagementCreateForm(CleanTextMixin, forms.Form):
    template = forms.ModelChoiceField(
        queryset=ProcessTemplate.objects.none(),
        label="Process",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="The phases are copied into the engagement; editing the template later "
        "changes nothing here.",
        error_messages={"required": "Choose the process to follow."},
    )
    organization = forms.ChoiceField(
        label="Organization",
        help_text="A client you already work with, or a new one.",
    )
    organization_name = forms.CharField(
        label="New organization’s name",
        max_length=200,
        required=False,
        help_text="E.g. “Riverside Unified School District”. Only when it is a new client; "
        "a name you already work with is filed under that organization.",
    )
    organization_kind = forms.ChoiceField(
        label="Kind of organization",
        choices=Organization.Kind.choices,
        required=False,
        initial=Organization.Kind.DISTRICT,
    )
    name = forms.CharField(
        label="Engagement name",
        max_length=200,
        error_messages={"required": "Give the engagement a name."},
        help_text="E.g. “Strategic Plan 2027–2032”.",
    )
    vision_years = forms.IntegerField(
        label="Vision horizon (years)", min_value=1, max_value=30, initial=5
    )
    plan_months = forms.IntegerField(
        label="Plan length (months)", min_value=1, max_value=120, initial=36
    )
    default_vote_budget = forms.IntegerField(
        label="Dots per person in votes",
        min_value=1,
        max_value=50,
        initial=5,
        help_text="Each activity can change it later.",
    )

    def __init__(self, *args, templates, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["organization"].choices = [(NEW, "A new organization"), *organizations]
        self.organizations = {pk: pk for pk, _ in organizations}
        self.names = {_same(name): pk for pk, name in reversed(organizations)}

    def _served(self, name: str) -> str | None:
        """The organization this facilitator already serves under this name (whatever its case
        and spaces), so "a new organization" typed again is not a second Riverside. Only theirs:
        another firm's organization of the same name stays apart, and unmentioned."""
        return self.names.get(_same(name)) if name else None

    def clean(self):
        data = super().clean()
        choice = data.get("organization")
        data["organization_reused"] = False
        if choice == NEW:
            typed = (data.get("organization_name") or "").strip()
            if not typed:
                self.add_error("organization_name", "Type the new organization’s name.")
            data["organization_id"] = self._served(typed)
            data["organization_reused"] = data["organization_id"] is not None
        elif choice is not None:
            data["organization_id"] = self.organizations[choice]
        name = (data.get("name") or "").strip()
        if data.get("organization_id") and name:
            clash = Engagement.objects.filter(
                organization_id=data["organization_id"], name__iexact=name
            )
            if clash.exists():
                self.add_error(
                    "name", "This organization already has an engagement with this name."
                )
        organization_id = data.get("organization_id")
        data["organization"] = (
            Organization.objects.filter(pk=organization_id).first() if organization_id else None
        )
        return data


TERM_LABELS = {
    "objective": "Objective",
    "goal": "Goal",
    "strategy": "Strategy",
    "measure": "Measure",
    "action_step": "Action step",
}


class EngagementSettingsForm(CleanTextMixin, forms.Form):
    vision_years = forms.IntegerField(label="Vision horizon (years)", min_value=1, max_value=30)
    plan_months = forms.IntegerField(label="Plan length (months)", min_value=1, max_value=120)
    default_vote_budget = forms.IntegerField(
        label="Dots per person in votes", min_value=1, max_value=50
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        initial = {
            "vision_years": engagement.vision_years,
            "plan_months": engagement.plan_months,
            "default_vote_budget": engagement.default_vote_budget,
            **{f"term_{key}": value for key, value in engagement.terms.items()},
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for key, label in TERM_LABELS.items():
            for plural in (False, True):
                term = f"{key}s" if plural else key
                if key == "strategy" and plural:
                    term = "strategies"
                self.fields[f"term_{term}"] = forms.CharField(
                    label=f"{label}{' (plural)' if plural else ''}",
                    max_length=40,
                    required=False,
                    help_text=f"Empty means “{DEFAULT_TERMINOLOGY[term]}”.",
                )

    def term_rows(self):
        """Pairs of (singular, plural) fields, for a compact table on the page."""
        for key in TERM_LABELS:
            plural = "strategies" if key == "strategy" else f"{key}s"
            yield self[f"term_{key}"], self[f"term_{plural}"]

    def cleaned_terminology(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"term_{key}", "").strip() for key in DEFAULT_TERMINOLOGY
        }


class PhaseForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Phase
        fields = [
            "name",
            "guiding_question",
            "purpose",
            "recommended_length",
            "expected_outputs",
            "starts_on",
            "ends_on",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "expected_outputs": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {"name": {"required": "Give the phase a name."}}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date is before the start date.")
        return data


class PhaseMoveForm(CleanTextMixin, forms.Form):
    seen_current = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, so the team can follow the history."},
        help_text="E.g. “Data retreat held on 12 March; SWOT themes voted.”",
    )


class DashboardFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    organization = forms.ChoiceField(label="Organization", required=False, choices=[])
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Engagement.Status.choices]
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "All organizations"), *organizations]

    def clean_organization(self):
        return self.cleaned_data["organization"] or None
