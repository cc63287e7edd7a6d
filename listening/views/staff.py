"""The team's listening pages: the listening overview, the survey builder (facilitator and core
team), invitations and respondents (facilitator only: names), results for every member, without
names, and the CSV export."""

import csv
import io
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import MailQueueUnavailable
from engagements.access import Can, access_engagement, access_object, members_only
from engagements.csv_files import spreadsheet_safe
from engagements.views.confirm import confirm_page

from .. import selectors, services
from ..forms import AnswerForm, InviteForm, QuestionForm, RetentionForm, SurveyForm
from ..models import PPRA_WARNING, ListeningSettings, Question, Respondent, Survey
from ..selectors import NOT_SHOWN


def _survey(request, engagement_id, survey_id, need=Can.RUN_LISTENING):
    return access_object(request, engagement_id, Survey.objects.all(), survey_id, need=need)


def _refuse(form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


@members_only
@require_GET
def overview(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    return _overview(request, access_engagement(request, engagement_id))


def _overview(request, access, *, retention_form=None, status: int = 200) -> HttpResponse:
    context = {
        "engagement": access.engagement,
        "access": access,
        "can_run": access.can(Can.RUN_LISTENING),
        "surveys": selectors.surveys_for(access.engagement),
        "sessions": selectors.sessions_for(access.engagement),
        "retention_days": services.retention_days(access.engagement),
        "site_retention_days": settings.LISTENING_CONTACT_RETENTION_DAYS,
        "can_see_respondents": access.can(Can.SEE_RESPONDENTS),
        "retention_form": retention_form
        or RetentionForm(initial={"contact_retention_days": _own_days(access.engagement)}),
    }
    return TemplateResponse(request, "listening/overview.html", context, status=status)


def _own_days(engagement) -> int | None:
    own = ListeningSettings.objects.filter(engagement=engagement).first()
    return own.contact_retention_days if own else None


@members_only
@require_POST
def retention(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """The facilitator sets how long this engagement keeps respondents' contact details."""
    access = access_engagement(request, engagement_id, need=Can.SEE_RESPONDENTS)
    form = RetentionForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["contact_retention_days"]
        services.retention_set(engagement=access.engagement, days=days)
        messages.success(
            request,
            "Saved: contact details are kept "
            + (f"{days} days" if days else "as long as the site’s setting says")
            + " after a survey closes.",
        )
        return redirect("listening:overview", access.engagement.pk)
    return _overview(request, access, retention_form=form, status=400)


@members_only
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.RUN_LISTENING)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                engagement=access.engagement, by=request.user, **form.cleaned_data
            )
        except ValidationError as refusal:
            _refuse(form, refusal)
        else:
            return redirect("listening:survey", access.engagement.pk, survey.pk)
    context = {"engagement": access.engagement, "form": form}
    return TemplateResponse(request, "listening/survey_form.html", context)


def _builder(request, access, survey, *, survey_form=None, question_form=None, status=200):
    context = {
        "engagement": access.engagement,
        "survey": survey,
        "questions": list(survey.questions.all()),
        "answered": survey.respondents.filter(submitted_at__isnull=False).count(),
        "survey_form": survey_form or SurveyForm(instance=survey),
        "question_form": question_form or QuestionForm(),
        "touches": bool(question_form and _touches(question_form.data)),
        "can_see_respondents": access.can(Can.SEE_RESPONDENTS),
        "public_url": request.build_absolute_uri(
            reverse("listening:public", args=[survey.public_token])
        )
        if survey.public_token
        else "",
        "ppra_warning": PPRA_WARNING,
    }
    return TemplateResponse(request, "listening/builder.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    """The builder: the survey's details, its questions in order, adding a question."""
    access, survey = _survey(request, engagement_id, survey_id)
    if request.method == "GET":
        return _builder(request, access, survey)
    form = SurveyForm(request.POST, instance=Survey.objects.get(pk=survey.pk))
    if form.is_valid():
        try:
            services.survey_update(survey=survey, **form.cleaned_data)
        except ValidationError as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, "Survey saved.")
            return redirect("listening:survey", access.engagement.pk, survey.pk)
    return _builder(request, access, survey, survey_form=form, status=400)


@members_only
@require_POST
def question_add(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_save(
                survey=survey,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                choices=form.choice_list(),
                required=form.cleaned_data["required"],
                ppra_topics=form.cleaned_data["ppra_topics"],
            )
        except ValidationError as refusal:
            _refuse(form, refusal)
        else:
            url = reverse("listening:survey", args=[access.engagement.pk, survey.pk])
            return redirect(f"{url}#question-{question.pk}")
    return _builder(request, access, survey, question_form=form, status=400)


def _question(request, engagement_id, survey_id, question_id):
    access, question = access_object(
        request,
        engagement_id,
        Question.objects.select_related("survey").filter(survey_id=survey_id),
        question_id,
        need=Can.RUN_LISTENING,
        via="survey__engagement",
    )
    return access, question.survey, question


def _touches(data) -> bool:
    topics = [t for t in data.getlist("ppra_topics") if t in services.TOPIC_KEYS]
    return bool(topics) or services.ppra_suspected(data.get("text", "")[:500])


@members_only
@require_POST
def ppra_check(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    """The PPRA warning for a question as it is being written (htmx), from the same rule the
    save uses."""
    _survey(request, engagement_id, survey_id)
    context = {"touches": _touches(request.POST), "ppra_warning": PPRA_WARNING}
    return TemplateResponse(request, "listening/_ppra_live.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def question_edit(
    request: HttpRequest, engagement_id: UUID, survey_id: UUID, question_id: UUID
) -> HttpResponse:
    access, survey, question = _question(request, engagement_id, survey_id, question_id)
    initial = {
        "kind": question.kind,
        "text": question.text,
        "choices": "\n".join(question.choices),
        "required": question.required,
        "ppra_topics": question.ppra_topics,
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                survey=survey,
                question=question,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                choices=form.choice_list(),
                required=form.cleaned_data["required"],
                ppra_topics=form.cleaned_data["ppra_topics"],
            )
        except ValidationError as refusal:
            _refuse(form, refusal)
        else:
            url = reverse("listening:survey", args=[access.engagement.pk, survey.pk])
            return redirect(f"{url}#question-{question.pk}")
    context = {
        "engagement": access.engagement,
        "survey": survey,
        "question": question,
        "form": form,
        "ppra_warning": PPRA_WARNING,
        "touches": _touches(request.POST) if form.is_bound else question.touches_ppra,
    }
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "listening/question_form.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def question_delete(
    request: HttpRequest, engagement_id: UUID, survey_id: UUID, question_id: UUID
) -> HttpResponse:
    access, survey, question = _question(request, engagement_id, survey_id, question_id)
    back = reverse("listening:survey", args=[access.engagement.pk, survey.pk])
    if request.method == "GET":
        return confirm_page(
            request,
            title="Delete this question?",
            message=f"“{question.text}” will be removed from the survey.",
            confirm_label="Delete the question",
            cancel_url=back,
        )
    try:
        services.question_delete(question=question)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    return redirect(back)


@members_only
@require_POST
def question_move(
    request: HttpRequest, engagement_id: UUID, survey_id: UUID, question_id: UUID
) -> HttpResponse:
    access, survey, question = _question(request, engagement_id, survey_id, question_id)
    services.question_move(question=question, by=-1 if request.POST.get("to") == "up" else 1)
    if request.htmx:
        context = {
            "engagement": access.engagement,
            "survey": survey,
            "questions": list(survey.questions.all()),
            "moved": question.pk,
            "direction": request.POST.get("to"),
            "ppra_warning": PPRA_WARNING,
        }
        return TemplateResponse(request, "listening/_questions.html", context)
    url = reverse("listening:survey", args=[access.engagement.pk, survey.pk])
    return redirect(f"{url}#question-{question.pk}")


@members_only
@require_POST
def survey_status(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.survey_open(survey=survey)
            messages.success(request, "The survey is open for answers.")
        elif action == "close":
            services.survey_close(survey=survey)
            messages.success(request, "The survey is closed: no more answers are taken.")
        elif action == "public-link":
            services.public_link_make(survey=survey)
            messages.success(request, "A new public link is ready: any earlier one stops working.")
        elif action == "public-link-off":
            services.public_link_turn_off(survey=survey)
            messages.success(request, "The public link is turned off.")
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    return redirect("listening:survey", access.engagement.pk, survey.pk)


@members_only
@require_GET
def preview(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id)
    form = AnswerForm(
        survey=survey,
        questions=list(survey.questions.all()),
        groups=selectors.groups_for(survey.engagement_id),
    )
    context = {
        "survey": survey,
        "form": form,
        "preview": True,
        "engagement": access.engagement,
        "organization": access.engagement.organization,
    }
    return TemplateResponse(request, "listening/public/answer.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id, need=Can.SEE_RESPONDENTS)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.respondents_invite(
                survey=survey,
                people=form.cleaned_data["people"],
                base_url=request.build_absolute_uri("/"),
            )
        except MailQueueUnavailable:
            messages.warning(request, MAIL_DOWN)
            return redirect("listening:respondents", access.engagement.pk, survey.pk)
        else:
            messages.success(request, f"{len(invited)} invitation(s) sent.")
            return redirect("listening:respondents", access.engagement.pk, survey.pk)
    context = {"engagement": access.engagement, "survey": survey, "form": form}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "listening/invite.html", context, status=status)


MAIL_DOWN = (
    "The invitations are saved, but the e-mail queue is not answering, so some may not have "
    "gone out. In a few minutes, use “Send again” beside anyone who has not answered."
)


@members_only
@require_POST
def invitation_resend(
    request: HttpRequest, engagement_id: UUID, survey_id: UUID, respondent_id: UUID
) -> HttpResponse:
    access, respondent = access_object(
        request,
        engagement_id,
        Respondent.objects.select_related("survey__engagement__organization").filter(
            survey_id=survey_id, invitation_token_hash__isnull=False
        ),
        respondent_id,
        need=Can.SEE_RESPONDENTS,
        via="survey__engagement",
    )
    try:
        services.invitation_resend(respondent=respondent, base_url=request.build_absolute_uri("/"))
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    except MailQueueUnavailable:
        messages.warning(request, "The e-mail queue is not answering: try again in a few minutes.")
    else:
        messages.success(request, f"A new link is on its way to {respondent.email}.")
    return redirect("listening:respondents", access.engagement.pk, survey_id)


@members_only
@require_GET
def respondents(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id, need=Can.SEE_RESPONDENTS)
    people = survey.respondents.filter(invitation_token_hash__isnull=False).select_related(
        "stakeholder_group"
    )
    context = {
        "engagement": access.engagement,
        "survey": survey,
        "people": list(people),
        "public_count": survey.respondents.filter(
            invitation_token_hash__isnull=True, submitted_at__isnull=False
        ).count(),
        "retention_days": services.retention_days(access.engagement),
    }
    return TemplateResponse(request, "listening/respondents.html", context)


@members_only
@require_GET
def results(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id, need=Can.VIEW)
    context = {
        "engagement": access.engagement,
        "survey": survey,
        "results": selectors.results_for(survey),
        "can_run": access.can(Can.RUN_LISTENING),
        "not_shown": NOT_SHOWN,
    }
    return TemplateResponse(request, "listening/results.html", context)


def results_csv_text(results: selectors.Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    groups = results.groups
    writer.writerow(["Question", "Answer", "Everyone"] + [spreadsheet_safe(g.name) for g in groups])
    writer.writerow(
        ["Respondents", "", results.respondents if results.overall_shown else NOT_SHOWN]
        + [g.respondents if g.shown else NOT_SHOWN for g in groups]
    )
    for result in results.questions:
        question = spreadsheet_safe(result.question.text)
        for row in result.rows:
            writer.writerow(
                [question, spreadsheet_safe(row.label)]
                + [row.overall if results.overall_shown else NOT_SHOWN]
                + [NOT_SHOWN if n is None else n for n in row.by_group]
            )
    open_answers = [(r, text, group) for r in results.questions for text, group in r.open_answers]
    if open_answers:
        writer.writerow([])
        writer.writerow(["Question", "Open answer", "Group"])
        for result, text, group in open_answers:
            writer.writerow(
                [
                    spreadsheet_safe(result.question.text),
                    spreadsheet_safe(text),
                    spreadsheet_safe(group),
                ]
            )
    return out.getvalue()


@members_only
@require_GET
def results_csv(request: HttpRequest, engagement_id: UUID, survey_id: UUID) -> HttpResponse:
    access, survey = _survey(request, engagement_id, survey_id, need=Can.VIEW)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    response.write(results_csv_text(selectors.results_for(survey)))
    name = slugify(survey.title)[:60] or "survey"
    response["Content-Disposition"] = f'attachment; filename="{name}-results.csv"'
    return response
