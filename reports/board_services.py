"""Writes for the board progress report: the plan lead's highlights and cover note, asking for
its PDF (the shared render path: a ReportJob of kind "board"), and the daily schedule that, a
few days before each board meeting on the engagement's calendar, prepares the report of the
current period and e-mails board members and the superintendent a link to it, once per meeting.
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.notifications import wants
from accounts.tasks import send_email
from engagements.models import Engagement, Meeting, Membership, Role
from monitoring.models import UpdateCycle
from monitoring.selectors.plan import approved_version

from .board import ReportPeriod, _items, board_content, period_of
from .models import BoardReportMailing, BoardReportNote, ReportJob
from .services import _enqueue, _reusable, content_hash, settings_for

log = logging.getLogger(__name__)
OPT_OUT = "board_report"
RECIPIENT_ROLES = (Role.BOARD, Role.SUPERINTENDENT)


class NotApproved(Exception):
    """The board has approved no plan yet: there is nothing to report on."""


def board_note_save(
    *,
    engagement: Engagement,
    period: ReportPeriod,
    cover_note: str,
    highlights: list[str],
    user,
    days_before: int | None = None,
) -> BoardReportNote:
    """Save the period's cover note and highlights (at most HIGHLIGHTS_MAX, each a measure or
    action step of the approved plan), and optionally how many days before a board meeting the
    report goes out."""
    if len(highlights) > BoardReportNote.HIGHLIGHTS_MAX:
        raise ValidationError(
            {"highlights": f"Choose at most {BoardReportNote.HIGHLIGHTS_MAX} items to feature."}
        )
    content = board_content(engagement, period)
    if content is None:
        raise NotApproved
    known = {item["key"] for _, item in _items(content["goals"])}
    if set(highlights) - known:
        raise ValidationError({"highlights": "Choose items of the approved plan."})
    note, _ = BoardReportNote.objects.update_or_create(
        engagement=engagement,
        period_start=period.start,
        defaults={
            "period_end": period.end,
            "cover_note": cover_note,
            "highlights": list(dict.fromkeys(highlights)),
            "updated_by": user,
        },
    )
    if days_before is not None:
        layout = settings_for(engagement)
        layout.board_report_days = days_before
        layout.full_clean()
        layout.save()
    return note


def board_report_request(
    *, engagement: Engagement, period: ReportPeriod, user, today: date | None = None
) -> tuple[ReportJob, bool]:
    """The job that makes the period's board report as a PDF, and whether it is one made (or
    on its way) before with the same content. Raises NotApproved before any approval, and
    services.QueueUnavailable if a new job could not be queued."""
    content = board_content(engagement, period, today=today)
    if content is None:
        raise NotApproved
    digest = content_hash(content)
    existing = _reusable(engagement, ReportJob.Kind.BOARD, digest)
    if existing is not None:
        return existing, True
    job = ReportJob.objects.create(
        engagement=engagement,
        kind=ReportJob.Kind.BOARD,
        version=approved_version(engagement),
        requested_by=user,
        content=content,
        content_hash=digest,
        queued_at=timezone.now(),
    )
    _enqueue(job)
    return job, False


# --- the schedule: before each board meeting -------------------------------------------------


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


def _recipients(engagement: Engagement) -> list:
    """Board members and the superintendent with an address who did not turn these off."""
    members = Membership.objects.filter(engagement=engagement).select_related("user")
    return [
        m.user
        for m in members.order_by("user__full_name", "user__email")
        if any(m.has_role(role) for role in RECIPIENT_ROLES)
        and m.user.email
        and m.user.is_active
        and wants(m.user, OPT_OUT)
    ]


def _page_link(engagement: Engagement, period: ReportPeriod) -> str:
    url = reverse("reports:board", args=[engagement.pk])
    return f"{settings.SITE_URL}{url}?period={period.key}"


def _send(mailing: BoardReportMailing, meeting: Meeting, period: ReportPeriod, people) -> None:
    engagement = meeting.engagement
    job = mailing.job
    context = {
        "engagement": engagement,
        "meeting": meeting,
        "meeting_day": _meeting_day(meeting),
        "period": period,
        "link": _page_link(engagement, period),
        "pdf_link": settings.SITE_URL + reverse("reports:job", args=[engagement.pk, job.pk])
        if job
        else "",
        "profile": settings.SITE_URL + reverse("accounts:profile"),
    }
    subject = f"{engagement.name}: progress report for {period.label}, before the board meeting"
    for person in people:
        body = render_to_string(
            "reports/email/board_report.txt", {**context, "name": person.get_full_name()}
        )
        try:
            send_email.delay(to=[person.email], subject=subject, body=body)
        except OperationalError as exc:  # the broker is away: logged, the record stays
            log.error("Could not queue the board report for %s: %s", person.pk, exc)


def board_reports_send(*, today: date | None = None) -> int:
    """For every board meeting coming within its engagement's `board_report_days` (not one in
    the past), on an engagement living an approved plan: prepare the board report of the
    current period (a PDF job) and e-mail its link to the board and the superintendent. Each
    meeting's mailing is recorded before anything is sent, so it goes out once. Returns how
    many meetings were sent for."""
    today = today or timezone.localdate()
    earliest = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    latest = earliest + timedelta(days=31)  # the longest setting, 30 days, and today
    meetings = (
        Meeting.objects.filter(
            kind=Meeting.Kind.BOARD,
            starts_at__gte=earliest,
            starts_at__lt=latest,
            board_report_mailing__isnull=True,
            engagement__plan_approved_at__isnull=False,
        )
        .select_related("engagement")
        .order_by("starts_at")
    )
    sent = 0
    for meeting in meetings:
        engagement = meeting.engagement
        days = settings_for(engagement).board_report_days
        if not today >= _meeting_day(meeting) - timedelta(days=days):
            continue
        if approved_version(engagement) is None:
            continue
        period = period_of(UpdateCycle.for_engagement(engagement), today)
        people = _recipients(engagement)
        try:
            with transaction.atomic():
                mailing = BoardReportMailing.objects.create(
                    meeting=meeting,
                    engagement=engagement,
                    period_start=period.start,
                    recipients=[person.email for person in people],
                )
        except IntegrityError:  # another run took this meeting
            continue
        try:
            job, _ = board_report_request(
                engagement=engagement, period=period, user=None, today=today
            )
        except Exception as exc:  # the e-mail still goes: the page works without the PDF
            log.error("Could not prepare the board report PDF for %s: %s", meeting.pk, exc)
            job = None
        else:
            BoardReportMailing.objects.filter(pk=mailing.pk).update(job=job)
            mailing.job = job
        _send(mailing, meeting, period, people)
        sent += 1
    return sent
