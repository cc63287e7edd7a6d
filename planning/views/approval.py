"""Review and approval: the page that says where the plan stands and who acts next, the
approval settings, the steps (freeze the final draft, recommend or send back, the board's votes
or its recorded decision) and the plan's history.

Who may take a step is checked here through engagements.access; from which state, by the
services (planning/services/approval.py), whose refusals come back as form errors. A step asked
for when it does not apply (no final draft to recommend...) goes back to the approval page with
a message saying why.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import Can, access_engagement, members_only, require_board_clerk
from engagements.models import Membership
from engagements.text import TEXT_MAX_LENGTH, CleanTextMixin

from .. import services
from ..models import Approval, ApprovalRule, BoardVote, PlanVersion, Review
from ..selectors.approval import approval_overview, plan_history
from ..services import approval as approvals

# The two ways a board decides, in plain words (the settings page's choices).
RULES = [
    (
        ApprovalRule.MAJORITY,
        "Board members vote here",
        "Each board member reads the recommended draft and votes here: approve, or send it "
        "back with reasons. A majority of the whole board decides (with 5 members, 3 votes).",
    ),
    (
        ApprovalRule.RECORDED,
        "The board decides at a meeting",
        "The board votes at one of its meetings, as usual. The board clerk then records the "
        "decision here, with the meeting date and the minutes reference.",
    ),
]
TEXT = forms.Textarea(attrs={"rows": 4})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.get_full_name()} ({', '.join(obj.role_labels)})"


class SettingsForm(CleanTextMixin, forms.Form):
    approval_rule = forms.ChoiceField(
        label="How the board decides",
        choices=[(value, title) for value, title, _ in RULES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the board decides."},
    )
    board_clerk = MemberChoiceField(
        label="Board clerk",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="Records the board's decision when the board decides at a meeting; needed "
        "for that rule. Any member of the engagement can be the clerk.",
    )

    board_size = forms.IntegerField(
        label="Seats on the board",
        required=False,
        min_value=1,
        max_value=99,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            "Give the number of seats on the whole board, from 1 to 99, e.g. 5.",
        ),
        help_text="How many members the whole board has, e.g. 5: when board members vote "
        "here, a majority of these seats approves the plan (3 of 5), however many have joined. "
        "Leave it empty to count the roster's board seats.",
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board_clerk"].queryset = (
            Membership.objects.filter(engagement=engagement)
            .select_related("user")
            .order_by("user__full_name")
        )


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanVersion) -> str:
        return f"Draft {obj.number}: {obj.label}"


class FreezeForm(CleanTextMixin, forms.Form):
    version = VersionChoiceField(
        label="Draft to freeze",
        queryset=PlanVersion.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the saved draft to freeze."},
        help_text="The draft the superintendent recommends and the board decides on.",
    )
    note = forms.CharField(
        label="Note for the history (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        approved = Approval.objects.filter(version=OuterRef("pk"), state=Approval.State.APPROVED)
        field.queryset = (
            plan.versions.defer("data").annotate(approved=Exists(approved)).order_by("-number")
        )
        # Offered: the drafts that can still go to the board (the approved plan is never frozen
        # again). Any draft of the plan is accepted, so that the service says why it refuses.
        offered = [v for v in field.queryset if not v.approved]
        field.choices = [(v.pk, field.label_from_instance(v)) for v in offered]
        field.initial = offered[0].pk if offered else None


class RecommendForm(CleanTextMixin, forms.Form):
    # Required-ness is the service's rule; its message lands on the field.
    note = forms.CharField(
        label="Your recommendation to the board",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=TEXT,
        help_text="The board reads it with the draft, and it stays in the plan's history.",
    )


class SendBackForm(CleanTextMixin, forms.Form):
    reasons = forms.CharField(
        label="Why it goes back",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=TEXT,
        help_text="The team reads this by e-mail and on the approval page: say what to change.",
    )


class VoteForm(CleanTextMixin, forms.Form):
    choice = forms.ChoiceField(
        label="Your vote",
        choices=[
            (BoardVote.Choice.APPROVE, "Approve it as the plan"),
            (BoardVote.Choice.REJECT, "Send it back to the team"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or send back."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=TEXT,
        help_text="Needed when you send it back: say what should change.",
    )


class DecisionForm(CleanTextMixin, forms.Form):
    approved = forms.TypedChoiceField(
        label="The board's decision",
        choices=[("yes", "The board approved it"), ("no", "The board sent it back")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say what the board decided."},
    )
    meeting_date = forms.DateField(
        label="Date of the board meeting",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the meeting's date, e.g. 2026-05-12."},
    )
    minutes_reference = forms.CharField(
        label="Minutes reference",
        required=False,
        max_length=200,
        help_text="Where the decision is in the minutes, e.g. “Regular meeting, item 9.1”.",
    )
    reasons = forms.CharField(
        label="The board's reasons (when it sent it back)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=TEXT,
    )


# --- helpers ------------------------------------------------------------------------------------


def _posted(request: HttpRequest):
    """The submitted data, also when it is empty (a form with nothing filled in is refused)."""
    return request.POST if request.method == "POST" else None


def _plan(request: HttpRequest, engagement_id: UUID, need: Can):
    access = access_engagement(request, engagement_id, need=need)
    return access, services.plan_for(access.engagement)


def _hub(access) -> HttpResponse:
    return redirect("planning:approval", engagement_id=access.engagement.pk)


def _refused(request: HttpRequest, access, message: str) -> HttpResponse:
    """A step that does not apply now: back to the approval page, saying why."""
    messages.error(request, message)
    return _hub(access)


def _page(request, template: str, context: dict, form_or_forms) -> TemplateResponse:
    forms_ = form_or_forms if isinstance(form_or_forms, list) else [form_or_forms]
    status = 400 if any(f.is_bound and f.errors for f in forms_) else 200
    return TemplateResponse(request, f"planning/approval/{template}", context, status=status)


def _context(access, plan, **extra) -> dict:
    return {"engagement": access.engagement, "access": access, "plan": plan, **extra}


def _not_with_superintendent(approval: Approval | None) -> str:
    if approval is None:
        return (
            "No final draft is waiting for a recommendation: the facilitator freezes a saved "
            "draft as the final draft first."
        )
    return f"Draft {approval.version.number} is already recommended: it is with the board now."


def _not_with_board(approval: Approval | None, step: str) -> str:
    if approval is None:
        return "No draft is waiting for the board's decision."
    if approval.state == Approval.State.FINAL:
        return (
            f"Draft {approval.version.number} is waiting for the superintendent's "
            "recommendation; the board decides once it is recommended."
        )
    if step == "vote":
        return (
            "This board decides at a meeting: the board clerk records its decision here, so "
            "there is no vote to cast."
        )
    return (
        f"Each board member votes on draft {approval.version.number} here: there is no "
        "decision to record."
    )


# --- the approval page --------------------------------------------------------------------------


@members_only
@require_GET
def approval(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.VIEW)
    overview = approval_overview(plan, access.membership)
    context = _context(
        access,
        plan,
        o=overview,
        is_clerk=plan.board_clerk_id == access.membership.pk,
        can_freeze=access.can(Can.FREEZE_PLAN),
        can_recommend=access.can(Can.RECOMMEND),
        can_vote=access.can(Can.APPROVE),
        can_manage=access.can(Can.MANAGE_ENGAGEMENT),
        can_triage=access.can(Can.TRIAGE),
    )
    return TemplateResponse(request, "planning/approval/approval.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.MANAGE_ENGAGEMENT)
    initial = {
        "approval_rule": plan.approval_rule,
        "board_clerk": plan.board_clerk_id,
        "board_size": plan.board_size,
    }
    form = SettingsForm(_posted(request), initial=initial, engagement=access.engagement)
    if request.method == "POST" and form.is_valid():
        try:
            approvals.approval_settings_update(
                plan=plan,
                rule=form.cleaned_data["approval_rule"],
                clerk=form.cleaned_data["board_clerk"],
                board_size=form.cleaned_data["board_size"],
                by=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "The approval settings are saved.")
            return _hub(access)
    active = approvals.active_approval(plan)
    seats = approvals.board_seats(plan)
    context = _context(access, plan, form=form, rules=RULES, active=active, seats=seats)
    return _page(request, "settings.html", context, form)


@members_only
@require_http_methods(["GET", "POST"])
def freeze(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.FREEZE_PLAN)
    form = FreezeForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            approvals.plan_freeze(
                plan=plan, version=version, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                f"Draft {version.number} is the final draft. The superintendent is asked by "
                "e-mail for a recommendation.",
            )
            return _hub(access)
    context = _context(
        access,
        plan,
        form=form,
        active=approvals.active_approval(plan),
        open_reviews=list(
            Review.objects.filter(
                version__plan=plan, closed_at__isnull=True, closes_on__gte=timezone.localdate()
            ).values_list("version__number", flat=True)
        ),
    )
    return _page(request, "freeze.html", context, form)


@members_only
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.RECOMMEND)
    approval = approvals.active_approval(plan)
    if approval is None or approval.state != Approval.State.FINAL:
        return _refused(request, access, _not_with_superintendent(approval))
    step = request.POST.get("step") if request.method == "POST" else None
    forms_ = {
        "recommend": RecommendForm(request.POST if step == "recommend" else None),
        "send_back": SendBackForm(request.POST if step == "send_back" else None),
    }
    if request.method == "POST" and step not in forms_:
        return HttpResponseBadRequest("Choose to recommend the draft or to send it back.")
    form = forms_.get(step)
    if form is not None and form.is_valid():
        try:
            if step == "recommend":
                approvals.plan_recommend(
                    approval=approval, by=request.user, note=form.cleaned_data["note"]
                )
            else:
                approvals.plan_send_back(
                    approval=approval, by=request.user, reasons=form.cleaned_data["reasons"]
                )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            done = "recommended to the board" if step == "recommend" else "sent back to the team"
            messages.success(request, f"Draft {approval.version.number} is {done}.")
            return _hub(access)
    context = _context(access, plan, approval=approval, **forms_)
    return _page(request, "recommend.html", context, list(forms_.values()))


VOTED = {
    Approval.State.APPROVED: "With it a majority of the board approved draft {n}: it is the "
    "plan now.",
    Approval.State.SENT_BACK: "With it a majority can no longer approve draft {n}, so it goes "
    "back to the team with the reasons given.",
    Approval.State.RECOMMENDED: "You can change it until the board decides.",
}


@members_only
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.APPROVE)
    overview = approval_overview(plan, access.membership)
    approval = overview.active
    if approval is None or approval.state != Approval.State.RECOMMENDED or overview.tally is None:
        return _refused(request, access, _not_with_board(approval, "vote"))
    mine = overview.my_vote
    initial = {"choice": mine.choice, "note": mine.note} if mine else None
    form = VoteForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            approval = approvals.board_vote(
                approval=approval, membership=access.membership, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            after = VOTED[approval.state].format(n=approval.version.number)
            messages.success(request, f"Your vote is recorded. {after}")
            return _hub(access)
    context = _context(access, plan, approval=approval, o=overview, form=form)
    return _page(request, "vote.html", context, form)


@members_only
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _plan(request, engagement_id, Can.RECORD_DECISION)
    require_board_clerk(access, plan)
    approval = approvals.active_approval(plan)
    if (
        approval is None
        or approval.state != Approval.State.RECOMMENDED
        or approval.rule != ApprovalRule.RECORDED
    ):
        return _refused(request, access, _not_with_board(approval, "decision"))
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            approval = approvals.board_decision_record(
                approval=approval, by=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            done = (
                "approved: it is the plan now"
                if form.cleaned_data["approved"]
                else ("sent back to the team")
            )
            messages.success(request, f"Recorded: draft {approval.version.number} is {done}.")
            return _hub(access)
    return _page(
        request, "decision.html", _context(access, plan, approval=approval, form=form), form
    )


@members_only
@require_GET
def history(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.VIEW)
    context = {"engagement": access.engagement, "events": plan_history(access.engagement)}
    return TemplateResponse(request, "planning/approval/history.html", context)
