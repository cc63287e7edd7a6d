"""The board progress report's pages: the report of a period (every member reads it), the plan
lead's highlights and cover note, and asking for its PDF (the shared render path)."""

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagements.access import Access, Can, access_engagement, members_only
from monitoring.models import UpdateCycle

from . import board, board_services, services
from .forms import BoardNoteForm


def _period(access: Access, value: str | None) -> tuple[board.ReportPeriod, list]:
    """The period asked for (?period=2026-11-01, any day in it), else the current one. A day
    that is no date or lies in the future gives the current period."""
    today = timezone.localdate()
    periods = board.recent_periods(access.engagement, today)
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return periods[0], periods
    if day > today:
        return periods[0], periods
    found = next((p for p in periods if p.contains(day)), None)
    if found is None:
        found = board.period_of(UpdateCycle.for_engagement(access.engagement), day)
    return found, periods


def _url(access: Access, period: board.ReportPeriod) -> str:
    return f"{reverse('reports:board', args=[access.engagement.pk])}?period={period.key}"


@members_only
@require_GET
def board_report(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.VIEW)
    period, periods = _period(access, request.GET.get("period"))
    content = board.board_content(access.engagement, period)
    context = {
        "engagement": access.engagement,
        "period": period,
        "periods": periods,
        "c": board.with_charts(content, pdf=False) if content else None,
        "can_prepare": access.can(Can.PREPARE_BOARD_REPORT),
    }
    return TemplateResponse(request, "reports/board.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def board_prepare(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.PREPARE_BOARD_REPORT)
    period, _ = _period(access, request.GET.get("period") or request.POST.get("period"))
    content = board.board_content(access.engagement, period)
    if content is None:
        return redirect(_url(access, period))
    note = board.note_for(access.engagement, period)
    initial = {
        "cover_note": note.cover_note if note else "",
        "highlights": note.highlights if note else [],
        "days_before": services.settings_for(access.engagement).board_report_days,
    }
    form = BoardNoteForm(request.POST or None, initial=initial, choices=board.choices(content))
    if request.method == "POST" and form.is_valid():
        try:
            board_services.board_note_save(
                engagement=access.engagement,
                period=period,
                cover_note=form.cleaned_data["cover_note"],
                highlights=form.cleaned_data["highlights"],
                days_before=form.cleaned_data["days_before"],
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"The report for {period.label} is saved.")
            return redirect(_url(access, period))
    context = {"engagement": access.engagement, "period": period, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "reports/board_prepare.html", context, status=status)


@members_only
@require_POST
def board_pdf(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.VIEW)
    period, _ = _period(access, request.POST.get("period"))
    try:
        job, reused = board_services.board_report_request(
            engagement=access.engagement, period=period, user=request.user
        )
    except board_services.NotApproved:
        return redirect(_url(access, period))
    except services.QueueUnavailable:
        messages.error(request, services.QUEUE_DOWN)
        return redirect(_url(access, period))
    if reused:
        messages.info(
            request, "Nothing has changed since this PDF was made, so the one made earlier is used."
        )
    return redirect("reports:job", engagement_id=access.engagement.pk, job_id=job.pk)
