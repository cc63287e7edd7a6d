"""Answering a survey without signing in: through its public link (anyone holding it) or a
personal invitation link (answers once). Phone first. The public link carries the same defences
as the public review's feedback (engagements/public_forms.py): honeypot, signed stamp, limits per
network address; pages are kept out of search engines and send no Referer."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import public
from engagements.public_forms import private_page, too_many, wait_seconds

from .. import selectors, services
from ..forms import AnswerForm
from ..models import Respondent, Survey

RATE_GROUP = "public-survey-answers:address"


def _public_survey(token: str) -> Survey:
    survey = (
        Survey.objects.select_related("engagement__organization").filter(public_token=token).first()
        if token and len(token) <= 64
        else None
    )
    if survey is None or survey.status == Survey.Status.DRAFT:
        raise Http404("No such page.")
    return survey


def _page(survey: Survey, **context) -> dict:
    """What every public survey page shows: the survey, and whose it is (the header's name)."""
    return {"survey": survey, "organization": survey.engagement.organization, **context}


def _answer_page(request, survey: Survey, *, respondent: Respondent | None, done_url: str):
    if not survey.accepts_answers:
        return TemplateResponse(request, "listening/public/closed.html", _page(survey), status=200)
    form = AnswerForm(
        request.POST or None,
        survey=survey,
        questions=list(survey.questions.all()),
        groups=selectors.groups_for(survey.engagement_id),
    )
    status = 200
    if request.method == "POST":
        if form.is_bot:
            return redirect(done_url)
        status = _send(request, survey, form, respondent)
        if status is None:
            return redirect(done_url)
    return TemplateResponse(
        request, "listening/public/answer.html", _page(survey, form=form), status=status
    )


def _send(request, survey: Survey, form: AnswerForm, respondent) -> int | None:
    if not form.is_valid():
        return 400
    if respondent is None:
        wait = wait_seconds(request, RATE_GROUP)
        if wait:
            too_many(form, wait)
            return 429
    try:
        services.answers_submit(
            survey=survey,
            group=form.chosen_group(),
            values=form.values(),
            respondent=respondent,
        )
    except ValidationError as refusal:
        if hasattr(refusal, "error_dict"):
            form.add_answer_errors(refusal.message_dict)
        else:
            form.add_error(None, refusal)
        return 400
    return None


@public
@require_http_methods(["GET", "POST"])
@private_page(referrer="same-origin")
def answer_public(request: HttpRequest, token: str) -> HttpResponse:
    survey = _public_survey(token)
    return _answer_page(
        request, survey, respondent=None, done_url=reverse("listening:public-thanks", args=[token])
    )


@public
@require_GET
@private_page
def thanks_public(request: HttpRequest, token: str) -> HttpResponse:
    survey = _public_survey(token)
    return TemplateResponse(request, "listening/public/thanks.html", _page(survey))


@public
@require_http_methods(["GET", "POST"])
@private_page(referrer="same-origin")
def answer_invited(request: HttpRequest, token: str) -> HttpResponse:
    respondent = services.respondent_for_token(token)
    if respondent is None or respondent.survey.status == Survey.Status.DRAFT:
        raise Http404("No such page.")
    if respondent.submitted_at is not None:
        return TemplateResponse(
            request, "listening/public/thanks.html", _page(respondent.survey, used=True)
        )
    return _answer_page(request, respondent.survey, respondent=respondent, done_url=request.path)
