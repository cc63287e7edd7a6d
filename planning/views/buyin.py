"""The buy-in check of a draft under review: a short survey for team members (how strongly they
support each goal, on a five-point scale in words, and whether they commit to the next steps),
and its results, shown only as totals, with small stakeholder groups hidden.

Answering is for the core team, the plan team and the superintendent (Can.ANSWER_BUY_IN);
every member who may read the draft sees the results. The results page costs the same few
queries whatever the number of answers.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import Can, access_version, members_only
from engagements.text import CleanTextMixin

from ..models import BuyInAnswer, BuyInResponse, Review
from ..selectors import review as reviews
from ..services import review as review_services


def _review(version) -> Review:
    review = reviews.review_of(version)
    if review is None:
        raise Http404("This draft has not been published for review.")
    return review


def _field_name(goal: dict) -> str:
    return f"goal-{goal['id']}"


class BuyInForm(CleanTextMixin, forms.Form):
    """One five-point question per goal of the draft, then the commitment."""

    commits = forms.ChoiceField(
        label="Do you commit to the next steps?",
        choices=BuyInResponse.Commitment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you commit to the next steps."},
    )

    def __init__(self, *args, goals: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        commits = self.fields.pop("commits")
        for goal in goals:
            self.fields[_field_name(goal)] = forms.TypedChoiceField(
                label=goal["title"],
                choices=BuyInAnswer.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=goal.get("description") or "",
                error_messages={"required": "Choose how strongly you support it."},
            )
        self.fields["commits"] = commits

    def goal_fields(self):
        return [self[_field_name(goal)] for goal in self.goals]

    def support(self) -> dict[str, int]:
        return {goal["id"]: self.cleaned_data[_field_name(goal)] for goal in self.goals}


def _earlier(review: Review, membership) -> dict:
    """The member's earlier answers, to start from."""
    response = (
        BuyInResponse.objects.filter(review=review, membership=membership)
        .prefetch_related("answers")
        .first()
    )
    if response is None:
        return {}
    initial = {f"goal-{answer.goal_id}": answer.support for answer in response.answers.all()}
    return {**initial, "commits": response.commits}


@members_only
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    # The draft first (404 for one that does not exist, whatever the role), then the role (403).
    access, version = access_version(request, engagement_id, number, need=Can.READ_DRAFTS)
    review = _review(version)
    if not access.can(Can.ANSWER_BUY_IN):
        raise PermissionDenied(
            f"Your role in this engagement does not allow you to {Can.ANSWER_BUY_IN}."
        )
    earlier = _earlier(review, access.membership)
    goals = reviews.goals_of(version.data)
    posted = request.POST if request.method == "POST" and review.is_open else None
    form = BuyInForm(posted, initial=earlier, goals=goals)
    if posted is not None and form.is_valid():
        try:
            review_services.buy_in_submit(
                review=review,
                support=form.support(),
                commits=form.cleaned_data["commits"],
                membership=access.membership,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(
                request,
                "Thank you: your answers are saved. You can change them until the review closes.",
            )
            return redirect(
                "planning:buy-in-results", engagement_id=access.engagement.pk, number=number
            )
    context = {
        "engagement": access.engagement,
        "version": version,
        "review": review,
        "form": form,
        "answered": bool(earlier),
        "threshold": reviews.ANONYMITY_THRESHOLD,
    }
    refused = request.method == "POST" and (form.errors or not review.is_open)
    return TemplateResponse(
        request, "planning/buyin/survey.html", context, status=400 if refused else 200
    )


@members_only
@require_GET
def results(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.READ_DRAFTS)
    review = _review(version)
    found = reviews.buy_in_results(review)
    every = found.respondents or 1
    context = {
        "engagement": access.engagement,
        "version": version,
        "review": review,
        "results": found,
        "commitment": [(label, n, round(100 * n / every)) for label, n in found.commitment],
        "can_answer": access.can(Can.ANSWER_BUY_IN) and review.is_open,
    }
    return TemplateResponse(request, "planning/buyin/results.html", context)
