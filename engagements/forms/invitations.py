"""Forms for inviting someone and for accepting an invitation with a new account."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from accounts.models import User

from ..models import PLANNING_ROLES, Engagement, Invitation
from ..services.invitations import invitation_problem
from ..text import CleanTextMixin


class InvitationForm(CleanTextMixin, forms.Form):
    full_name = forms.CharField(
        label="Name",
        max_length=150,
        error_messages={"required": "Write the person’s name."},
        help_text="As the team should see it, e.g. “Ana López”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Write the e-mail address the invitation goes to.",
            "invalid": "This is not an e-mail address. Check it, e.g. “ana@example.org”.",
        },
        help_text="The invitation link goes to this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=[(role.value, role.label) for role in PLANNING_ROLES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
        help_text="What this person may do in the engagement. Choose one or more.",
    )
    stakeholder_group = forms.ModelChoiceField(
        label="Stakeholder group",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="The group this person represents on the plan team, if any.",
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.engagement = engagement
        self.fields["stakeholder_group"].queryset = engagement.stakeholder_groups.order_by(
            "position", "name"
        )
        if not engagement.stakeholder_groups.exists():
            del self.fields["stakeholder_group"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        problem = invitation_problem(engagement=self.engagement, email=email)
        if problem:
            raise forms.ValidationError(f"{email} is {problem}.")
        return email


class NewAccountForm(CleanTextMixin, SetPasswordMixin, forms.Form):
    """Accepting an invitation without an account: name and a password for the invited address."""

    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Tell the team your name."},
        help_text="How your name appears to the rest of the team.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="The same password again"
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        kwargs.setdefault("initial", {"full_name": invitation.full_name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        super().clean()
        self.validate_passwords()
        # Checked against the future account, so a password like the name or address is refused.
        self.validate_password_for_user(
            User(email=self.invitation.email, full_name=self.cleaned_data.get("full_name", ""))
        )
        return self.cleaned_data
