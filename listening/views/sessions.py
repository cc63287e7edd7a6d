"""Listening sessions (town hall, summit, listening tour, “Let’s Talk” message): staff enter
what was said, one comment per entry, fast (Enter adds the comment and keeps the focus, the
group chosen last stays chosen). Every member reads the comments; none carries a name."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from engagements.access import Can, access_engagement, access_object, members_only
from engagements.views.confirm import confirm_page

from .. import selectors, services
from ..forms import CommentForm, SessionForm
from ..models import Comment, ListeningSession

LAST_GROUP = "listening-last-group:{session_id}"


def _session(request, engagement_id, session_id, need=Can.VIEW):
    return access_object(
        request, engagement_id, ListeningSession.objects.all(), session_id, need=need
    )


def _comment(request, engagement_id, session_id, entry_id):
    access, comment = access_object(
        request,
        engagement_id,
        Comment.objects.select_related("session").filter(session_id=session_id),
        entry_id,
        need=Can.RUN_LISTENING,
    )
    return access, comment.session, comment


@members_only
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.RUN_LISTENING)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.session_save(engagement=access.engagement, **form.cleaned_data)
        return redirect("listening:session", access.engagement.pk, session.pk)
    context = {"engagement": access.engagement, "form": form}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "listening/session_form.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, engagement_id: UUID, session_id: UUID) -> HttpResponse:
    access, session = _session(request, engagement_id, session_id, need=Can.RUN_LISTENING)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.session_save(engagement=access.engagement, session=session, **form.cleaned_data)
        return redirect("listening:session", access.engagement.pk, session.pk)
    context = {"engagement": access.engagement, "form": form, "session": session}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "listening/session_form.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, engagement_id: UUID, session_id: UUID) -> HttpResponse:
    access, session = _session(request, engagement_id, session_id, need=Can.RUN_LISTENING)
    if request.method == "GET":
        return confirm_page(
            request,
            title="Delete this listening session?",
            message=f"“{session.title}” and every comment entered for it will be deleted.",
            confirm_label="Delete the session and its comments",
            cancel_url=reverse("listening:session", args=[access.engagement.pk, session.pk]),
        )
    services.session_delete(session=session)
    return redirect("listening:overview", access.engagement.pk)


@members_only
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, engagement_id: UUID, session_id: UUID) -> HttpResponse:
    """The session's comments, newest first, and (for the team) the entry form above them."""
    need = Can.RUN_LISTENING if request.method == "POST" else Can.VIEW
    access, session = _session(request, engagement_id, session_id, need=need)
    groups = selectors.groups_for(access.engagement.pk)
    key = LAST_GROUP.format(session_id=session.pk)
    form = CommentForm(
        request.POST or None, groups=groups, initial={"group": request.session.get(key, "")}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.comment_add(
                session=session,
                text=form.cleaned_data["text"],
                group=form.chosen_group(),
                by=request.user,
            )
            request.session[key] = form.cleaned_data.get("group") or ""
            if not request.htmx:
                return redirect("listening:session", access.engagement.pk, session.pk)
            form = CommentForm(groups=groups, initial={"group": request.session[key]})
        elif not request.htmx:  # htmx swaps no 4xx answer: the fragment with its error is a 200
            status = 400
    context = {
        "engagement": access.engagement,
        "session": session,
        "form": form,
        "comments": selectors.session_comments(session),
        "can_run": access.can(Can.RUN_LISTENING),
    }
    template = "listening/_entry.html" if request.htmx else "listening/session.html"
    response = TemplateResponse(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response


@members_only
@require_http_methods(["GET", "POST"])
def comment_edit(
    request: HttpRequest, engagement_id: UUID, session_id: UUID, entry_id: UUID
) -> HttpResponse:
    access, session, comment = _comment(request, engagement_id, session_id, entry_id)
    groups = selectors.groups_for(access.engagement.pk)
    initial = {"text": comment.text, "group": str(comment.stakeholder_group_id or "")}
    form = CommentForm(request.POST or None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.comment_edit(
            comment=comment, text=form.cleaned_data["text"], group=form.chosen_group()
        )
        url = reverse("listening:session", args=[access.engagement.pk, session.pk])
        return redirect(f"{url}#comment-{comment.pk}")
    context = {"engagement": access.engagement, "session": session, "form": form}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "listening/comment_form.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def comment_delete(
    request: HttpRequest, engagement_id: UUID, session_id: UUID, entry_id: UUID
) -> HttpResponse:
    access, session, comment = _comment(request, engagement_id, session_id, entry_id)
    back = reverse("listening:session", args=[access.engagement.pk, session.pk])
    if request.method == "GET":
        return confirm_page(
            request,
            title="Delete this comment?",
            message=f"“{comment.text[:200]}” will be deleted.",
            confirm_label="Delete the comment",
            cancel_url=back,
        )
    services.comment_delete(comment=comment)
    return redirect(back)
