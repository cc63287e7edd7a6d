"""Forms for signing in, resetting a password and editing one's profile."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string

from engagements.text import CleanTextMixin

from . import services, throttle
from .models import User
from .notifications import OPTIONAL


class SignInForm(CleanTextMixin, AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": (
            "That e-mail address and password do not match an account. "
            "Check both and try again, or reset your password."
        ),
        "inactive": "This account is switched off. Ask your facilitator for help.",
        "throttled": (
            "Too many sign-in attempts failed for this account or from this network. "
            "For your safety, please wait 15 minutes and try again, or reset your password."
        ),
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            if throttle.sign_in_blocked(self.request, email):
                raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
            try:
                return super().clean()
            except forms.ValidationError:
                throttle.sign_in_failed(self.request, email)
                raise
        return self.cleaned_data


class QueuedPasswordResetForm(CleanTextMixin, PasswordResetForm):
    """Password reset whose e-mail goes out through Celery instead of inside the request."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = (
            render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        services.email_send(to=[to_email], subject=subject, body=body, html=html)


class ProfileForm(CleanTextMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="How your name appears to the rest of the team.",
        error_messages={"required": "Tell the team your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="You sign in with this address, and invitations and notices go to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    # "E-mail me when…": one checkbox per e-mail a person may turn off, checked = wanted.
    WANTS = "wants_"

    def __init__(self, *args, user: User, **kwargs):
        off = set(user.email_opt_outs or [])
        initial = {"full_name": user.full_name, "email": user.email}
        initial.update({self.WANTS + key: key not in off for key in OPTIONAL})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.user = user
        for key, label in OPTIONAL.items():
            self.fields[self.WANTS + key] = forms.BooleanField(label=label, required=False)

    def notification_fields(self) -> list:
        return [self[self.WANTS + key] for key in OPTIONAL]

    def email_opt_outs(self) -> list[str]:
        """The optional e-mails left unticked (after is_valid)."""
        return [key for key in OPTIONAL if not self.cleaned_data.get(self.WANTS + key)]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account already uses this e-mail address.")
        return email
