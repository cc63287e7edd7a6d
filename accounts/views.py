"""Sign-in, sign-out, password reset and the profile page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from engagements.access import public, signed_in

from . import services, throttle
from .forms import ProfileForm, QueuedPasswordResetForm, SignInForm
from .notifications import REQUIRED


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.device_trust(self.request, response, form.cleaned_data["username"])
        return response


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST", block=False), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        if getattr(self.request, "limited", False):
            form.add_error(
                None,
                "Too many reset e-mails were asked for from this network. "
                "Please wait an hour and try again, or ask your facilitator for help.",
            )
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except services.MailQueueUnavailable:
            form.add_error(
                None,
                "We could not send the e-mail just now because the mail queue is not reachable. "
                "Please try again in a few minutes.",
            )
            return self.form_invalid(form)


sign_in = public(SignInView.as_view())
sign_out = public(auth_views.LogoutView.as_view())
password_reset = public(PasswordResetView.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    success_message = "Your password is changed."


password_change = signed_in(PasswordChangeView.as_view())


@signed_in
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            email_opt_outs=form.email_opt_outs(),
        )
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    context = {"form": form, "always_sent": list(REQUIRED.values())}
    return TemplateResponse(request, "accounts/profile.html", context)
