from django import forms

from ..models import PLANNING_ROLES, StakeholderGroup
from ..services.roster import CSV_MAX_BYTES
from ..text import CleanTextMixin


class GroupForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = StakeholderGroup
        fields = ["name", "quota", "selected_by", "block"]
        labels = {"quota": "Seats", "block": "Balance block"}
        help_texts = {
            "quota": "How many plan-team members this group should have.",
            "selected_by": "Who chooses them, e.g. “Parent organizations”.",
            "block": "A balanced plan team is a third staff, a third management, "
            "a third parents and community.",
        }
        error_messages = {"name": {"required": "Give the group a name."}}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.engagement = engagement

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self.engagement.stakeholder_groups.filter(name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("There is already a group with this name.")
        return name


class MembershipForm(CleanTextMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.label) for role in PLANNING_ROLES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    stakeholder_group = forms.ModelChoiceField(
        queryset=StakeholderGroup.objects.none(),
        required=False,
        label="Represents",
        empty_label="No group",
    )

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault(
            "initial",
            {"roles": membership.roles, "stakeholder_group": membership.stakeholder_group_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["stakeholder_group"].queryset = membership.engagement.stakeholder_groups.all()


class RosterCsvForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: name, e-mail, group, roles (several roles separated by semicolons; "
        "empty means plan team). Save a spreadsheet as “CSV UTF-8”.",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "Only CSV files can be imported. In your spreadsheet, choose Save as → CSV."
            )
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB. Split it into smaller files."
            )
        return upload
