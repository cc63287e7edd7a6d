"""Report jobs: a PDF of the plan (the one-page plan or the support document) asked for by a member,
rendered by a Celery task, kept in Django's storage and reused while its content is unchanged;
and each engagement's layout choices for its PDFs (paper, orientation, logo, what the one-page plan
shows under each goal)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Paper(models.TextChoices):
    LETTER = "letter", "US Letter (8.5 × 11 in)"
    A4 = "a4", "A4 (210 × 297 mm)"


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", "Portrait (tall)"
    LANDSCAPE = "landscape", "Landscape (wide)"


class OnePageShows(models.TextChoices):
    """What the one-page plan prints under each goal. Many districts' one-pagers show each goal's
    key measures with their targets; the seed's one-page plan shows the strategies."""

    STRATEGIES = "strategies", "Its strategies"
    STRATEGIES_AND_MEASURES = "both", "Its strategies and its key measures with their targets"
    MEASURES = (
        "measures",
        "Its key measures with their targets (strategies stay in the support document)",
    )


def logo_upload_to(instance: "ReportSettings", filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"reports/{instance.engagement_id}/logo-{uuid.uuid4().hex}.{suffix}"


class ReportSettings(models.Model):
    """How an engagement's PDFs look: the paper and orientation of the one-page plan (the support
    document is always portrait on the same paper), what it shows under each goal, and the
    organization's logo."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="report_settings"
    )
    paper = models.CharField("paper", max_length=10, choices=Paper.choices, default=Paper.LETTER)
    orientation = models.CharField(
        "one-page plan orientation",
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    one_page_shows = models.CharField(
        "under each goal of the one-page plan",
        max_length=10,
        choices=OnePageShows.choices,
        default=OnePageShows.STRATEGIES,
    )
    logo = models.FileField("logo", upload_to=logo_upload_to, max_length=300, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    # The board progress report is prepared and e-mailed this many days before a board meeting.
    board_report_days = models.PositiveSmallIntegerField(
        "days before a board meeting",
        default=5,
        validators=[
            MinValueValidator(1, message="Choose from 1 to 30 days."),
            MaxValueValidator(30, message="Choose from 1 to 30 days."),
        ],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "report settings"

    def __str__(self) -> str:
        return f"Report settings of {self.engagement}"


class ReportJob(models.Model):
    """One PDF asked for: what (kind, saved draft or working copy), by whom, the content it renders
    (gathered when asked, so a retry renders the same thing), its state and timings, and the file.

    queued → rendering → done (maybe with a warning: a one-page plan that did not fit) or failed
    (with the error; a retry queues it again). `attempt` counts renders started: a render finishes
    only if no later attempt took the job over, which keeps a re-delivered task harmless."""

    class Kind(models.TextChoices):
        ONE_PAGE = "one_page", "One-page plan"
        SUPPORT = "support", "Support document"
        RETREAT_RECORD = "retreat_record", "Retreat record"
        BOARD = "board", "Board progress report"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RENDERING = "rendering", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    UNFINISHED = (State.QUEUED, State.RENDERING)
    # Kinds that are PDFs of the plan (the reports page lists these); a retreat's record is
    # reached from its retreat instead (reports.views.record_pdf).
    PLAN_KINDS = (Kind.ONE_PAGE, Kind.SUPPORT)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.ForeignKey(
        "planning.PlanVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        help_text="Empty: the working copy as it was when the report was asked for.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    # Beaten every REPORT_HEARTBEAT_SECONDS while rendering: a silent job's worker is gone.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(max_length=300, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    warning = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["engagement", "kind", "content_hash"]),
            models.Index(fields=["state", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.source_label}"

    @property
    def source_label(self) -> str:
        return self.content.get("status", {}).get("source", "the plan")

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_late(self) -> bool:
        """Unfinished for longer than a render usually takes (REPORT_EXPECTED_SECONDS)."""
        from django.utils import timezone

        if self.is_finished:
            return False
        waited = (timezone.now() - self.queued_at).total_seconds()
        return waited > settings.REPORT_EXPECTED_SECONDS

    @property
    def waited_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.started_at - self.queued_at).total_seconds()


# --- the board progress report (issue 16 item 1, h-boardreport) ---------------------------------


class BoardReportNote(models.Model):
    """What the plan lead (or the facilitator) adds to the board report of one reporting period:
    the items to feature first (highlights: measure and action-step ids of the approved plan)
    and a short cover note."""

    HIGHLIGHTS_MAX = 8
    NOTE_MAX = 2000

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="board_report_notes"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    cover_note = models.TextField("cover note", max_length=NOTE_MAX, blank=True)
    # ["measure:<uuid>", "step:<uuid>"], in the order they were chosen
    highlights = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "period_start"], name="one_board_note_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Board report note from {self.period_start}"


class BoardReportMailing(models.Model):
    """The board report prepared and e-mailed (as a link) before one board meeting: recorded
    before anything is sent, one per meeting, so the daily task never sends it twice."""

    meeting = models.OneToOneField(
        "engagements.Meeting", on_delete=models.CASCADE, related_name="board_report_mailing"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField()
    job = models.ForeignKey(ReportJob, on_delete=models.SET_NULL, null=True, related_name="+")
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Board report for {self.meeting}"
