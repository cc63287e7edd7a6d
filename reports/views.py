"""The reports pages: what can be made as a PDF and the PDFs made lately, asking for one, a job's
page (which follows the render with htmx), downloading the PDF, trying a failed one again, and the
layout of the engagement's PDFs.

Who may read what follows the drafts: a member reads a PDF of a saved draft they may read (the
board: once it is published for review or sent for approval) and of the working copy only if
they may read the working copy.
"""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.json import KT
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from engagements.access import (
    Access,
    Can,
    access_engagement,
    access_object,
    access_retreat,
    access_version,
    members_only,
    public,
    version_is_published,
)
from planning.models import PlanVersion
from retreats.record import retreat_for_observer
from retreats.throttle import record_wait_seconds
from retreats.views.observer import record_too_many

from . import selectors, services
from .forms import LayoutForm, ReportRequestForm
from .models import ReportJob

State = ReportJob.State
OBSERVER_PDF = "reports/observer_record.html"
OBSERVER_PDF_STATUS = "reports/_observer_record_status.html"
NOT_THE_WORKING_COPY = (
    "Board members read the plan once a draft is published for review or sent to the board, "
    "not the working copy."
)
NOT_PUBLISHED = "Board members read a draft once it is published for review or sent to the board."
NOT_FOR_RECORDS = "The record of a retreat is for the facilitator and the core team."


# --- the reports page, and asking for a PDF ------------------------------------------------------


def _reports_page(
    request: HttpRequest, access: Access, *, problem: str = "", status: int = 200
) -> TemplateResponse:
    """What the member may make PDFs of (the approved plan, the saved drafts they may read, the
    working copy), the latest PDFs of those, and for the facilitator the layout."""
    reads_working_copy = access.can(Can.READ_WORKING_COPY)
    versions = selectors.readable_versions(access.engagement, published_only=not reads_working_copy)
    approved = next((v for v in versions if v.approved), None)
    readable = {v.pk for v in versions}
    jobs = [
        job
        for job in selectors.jobs_for(access.engagement)
        if (job.version_id in readable) or (job.version_id is None and reads_working_copy)
    ]
    can_manage = access.can(Can.MANAGE_ENGAGEMENT)
    context = {
        "engagement": access.engagement,
        "approved": approved,
        "drafts": [v for v in versions if v != approved],
        "working_copy": reads_working_copy,
        "jobs": jobs,
        "can_manage": can_manage,
        "layout": services.settings_for(access.engagement) if can_manage else None,
        "problem": problem,
    }
    return TemplateResponse(request, "reports/reports.html", context, status=status)


def _source(request: HttpRequest, access: Access, number: int | None) -> PlanVersion | None:
    """The saved draft with this number (None: the working copy), if the member may read it."""
    if number is None:
        if not access.can(Can.READ_WORKING_COPY):
            raise PermissionDenied(NOT_THE_WORKING_COPY)
        return None
    return access_version(request, access.engagement.pk, number, need=Can.READ_DRAFTS)[1]


@members_only
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.READ_DRAFTS)
    if request.method == "GET":
        return _reports_page(request, access)
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        return _reports_page(request, access, problem=form.problem(), status=400)
    version = _source(request, access, form.cleaned_data["version"])
    try:
        job, reused = services.report_request(
            engagement=access.engagement,
            kind=form.cleaned_data["kind"],
            version=version,
            user=request.user,
        )
    except services.QueueUnavailable:
        return _reports_page(request, access, problem=services.QUEUE_DOWN, status=503)
    if reused:
        messages.info(
            request, "Nothing has changed since this PDF was made, so the one made earlier is used."
        )
    return redirect("reports:job", engagement_id=access.engagement.pk, job_id=job.pk)


# --- one job ---------------------------------------------------------------------------------


def _job(
    request: HttpRequest, engagement_id: UUID, job_id: UUID, *, need: Can = Can.READ_DRAFTS
) -> tuple[Access, ReportJob]:
    """A report job of this engagement (else 404) whose source the member may read (else 403).
    Its content stays unread: `source` says what it is of ("draft 2", "the working copy")."""
    jobs = (
        ReportJob.objects.select_related("version", "requested_by")
        .defer("content", "version__data")
        .annotate(source=KT("content__status__source"), retreat_id=KT("content__retreat_id"))
    )
    access, job = access_object(request, engagement_id, jobs, job_id, need=need)
    if job.kind == ReportJob.Kind.RETREAT_RECORD:
        if not access.can(Can.EXPORT_RESULTS):
            raise PermissionDenied(NOT_FOR_RECORDS)
        return access, job
    if not access.can(Can.READ_WORKING_COPY):
        if job.version is None:
            raise PermissionDenied(NOT_THE_WORKING_COPY)
        if not version_is_published(job.version):
            raise PermissionDenied(NOT_PUBLISHED)
    return access, job


def _took(job: ReportJob) -> str:
    if job.render_ms is None:
        return ""
    seconds = job.render_ms / 1000
    return "less than a second" if seconds < 1 else f"{seconds:.1f} seconds"


@members_only
@require_GET
@vary_on_headers("HX-Request")
def job(request: HttpRequest, engagement_id: UUID, job_id: UUID) -> HttpResponse:
    access, job = _job(request, engagement_id, job_id)
    seen = job.state + ("-late" if job.is_late else "")  # turning late is news too
    if request.htmx and not job.is_finished and request.GET.get("seen") == seen:
        return HttpResponse(status=204)  # unchanged: nothing to swap, nothing to announce again
    context = {
        "engagement": access.engagement,
        "job": job,
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
        "can_retry": _may_retry(request, access, job),
        "took": _took(job),
        "size_kb": max(1, round(job.size / 1024)) if job.size else None,
    }
    template = "reports/_job_status.html" if request.htmx else "reports/job.html"
    return TemplateResponse(request, template, context)


def _filename(job: ReportJob, engagement) -> str:
    """e.g. strategic-plan-2027-2032-one-page-plan-draft-2.pdf: the name says what the PDF is.
    Whether it is the approved plan is what the PDF itself says (its content), not whether the
    draft was approved later."""
    name = slugify(engagement.name.replace("–", "-").replace("—", "-")) or "plan"
    if job.kind == ReportJob.Kind.RETREAT_RECORD:
        return record_filename(job.content["record"]["title"])
    if job.version is None:
        source = "working-copy"
    elif job.content.get("status", {}).get("approved"):
        source = "approved"
    else:
        source = f"draft-{job.version.number}"
    return f"{name}-{slugify(job.get_kind_display())}-{source}.pdf"


@members_only
@require_GET
def download(request: HttpRequest, engagement_id: UUID, job_id: UUID) -> HttpResponse:
    access, job = _job(request, engagement_id, job_id)
    if job.state != State.DONE or not job.file:
        raise Http404("This PDF is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("This PDF is no longer available: make it again.") from missing
    filename = _filename(job, access.engagement)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private"
    return response


def _may_retry(request: HttpRequest, access: Access, job: ReportJob) -> bool:
    """Whoever asked for the PDF, and the facilitator."""
    return access.can(Can.MANAGE_ENGAGEMENT) or (
        job.requested_by_id is not None and job.requested_by_id == request.user.pk
    )


@members_only
@require_POST
def retry(request: HttpRequest, engagement_id: UUID, job_id: UUID) -> HttpResponse:
    access, job = _job(request, engagement_id, job_id)
    if not _may_retry(request, access, job):
        raise PermissionDenied("Only whoever asked for this PDF, or the facilitator, can retry it.")
    try:
        services.job_retry(job=job)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    except services.QueueUnavailable:
        messages.error(request, services.QUEUE_DOWN)
    else:
        messages.success(request, "The PDF is being made again.")
    return redirect("reports:job", engagement_id=access.engagement.pk, job_id=job.pk)


# --- the layout ----------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def layout_settings(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    current = services.settings_for(access.engagement)
    initial = {
        "paper": current.paper,
        "orientation": current.orientation,
        "one_page_shows": current.one_page_shows,
    }
    has_logo = bool(current.logo)
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = LayoutForm(*posted, initial=initial, has_logo=has_logo)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(engagement=access.engagement, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "The layout is saved: PDFs made from now on use it.")
            return redirect("reports:reports", engagement_id=access.engagement.pk)
    context = {"engagement": access.engagement, "form": form, "has_logo": has_logo}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "reports/settings.html", context, status=status)


# --- a retreat's record for the minutes (open meetings) ---------------------------------------

PUBLIC_RECORD_SECONDS = 60  # the observer link reuses a record this recent, even if the board moved


def record_filename(title: str) -> str:
    return f"{slugify(title)[:60] or 'retreat'}-record.pdf"


@members_only
@require_POST
def record_pdf(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    """Make (or reuse) the PDF of a retreat's record: the facilitator and the core team."""
    found = access_retreat(request, retreat_id, need=Can.EXPORT_RESULTS)
    if found.is_guest:
        raise Http404("No such retreat.")
    try:
        job, reused = services.record_request(
            retreat=found.retreat, user=request.user, public=False
        )
    except services.QueueUnavailable:
        messages.error(request, services.QUEUE_DOWN)
        return redirect(reverse("retreats:setup", args=[retreat_id]) + "#open-meeting")
    if reused:
        messages.info(request, "Nothing has changed since this record was made, so it is reused.")
    return redirect("reports:job", engagement_id=found.retreat.engagement_id, job_id=job.pk)


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@public
@require_GET
@vary_on_headers("HX-Request")
def observer_record_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The record's PDF through a public meeting's observer link: the file when it is made,
    else a page that follows its making (its htmx part polls this address), or says it failed
    (asking again after PUBLIC_RECORD_SECONDS makes a new one). Counted per address."""
    retreat = retreat_for_observer(token)
    if retreat is None:
        raise Http404("No such page.")
    wait = record_wait_seconds(request)
    if wait:
        return record_too_many(request, retreat, token, wait, "PDF")
    since = timezone.now() - timedelta(seconds=PUBLIC_RECORD_SECONDS)
    try:
        job = services.public_record_job(retreat=retreat, since=since)
    except services.QueueUnavailable:
        context = {"retreat": retreat, "token": token, "job": None, "down": services.QUEUE_DOWN}
        return _public(TemplateResponse(request, OBSERVER_PDF, context, status=503))
    job.refresh_from_db()  # made already, when tasks run in the web process
    if job.state == State.DONE and job.file and not request.htmx:
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("This PDF is no longer available.") from missing
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=record_filename(retreat.title),
            content_type="application/pdf",
        )
        return _public(response)
    context = {"retreat": retreat, "token": token, "job": job}
    template = OBSERVER_PDF_STATUS if request.htmx else OBSERVER_PDF
    response = _public(TemplateResponse(request, template, context))
    response["Cache-Control"] = "no-store"
    return response
