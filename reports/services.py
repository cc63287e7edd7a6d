"""Writes for reports: asking for a PDF (reusing an unchanged one), rendering it in a task,
retrying a failed one, putting stuck jobs back in the queue, and the layout settings.

A job's life: `report_request` gathers the content, and either hands back a job with the same
content (done, or still on its way) or creates one and queues the task once the transaction
commits. `job_render` (the task) claims the job, renders it and stores the file; it does nothing
for a job another attempt has claimed or finished, so a task delivered twice is harmless.
`jobs_sweep` (periodic, every 30 s) re-queues jobs whose render stopped beating (a worker
killed mid-render) or that were never taken (a message the broker lost), within about a minute.
`files_prune` (daily) deletes PDFs older than REPORT_KEEP_DAYS and files no job points to.
"""

import hashlib
import json
import logging
import threading
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from engagements.models import Engagement
from planning.models import PlanVersion
from retreats.models import Retreat

from .models import ReportJob, ReportSettings
from .render import render, template_fingerprint
from .selectors import content_for, record_content

log = logging.getLogger(__name__)
State = ReportJob.State
# Parts of the content that say when it was gathered, not what it says: left out of the hash.
VOLATILE = ("made_on", "as_of")
QUEUE_DOWN = (
    "Reports cannot be made right now: the task queue (Redis) could not be reached. "
    "Nothing else is affected. Try again in a few minutes, or tell whoever runs this site."
)


class QueueUnavailable(Exception):
    """The broker could not take the task (Redis is down or unreachable)."""


def content_hash(content: dict) -> str:
    lasting = {key: value for key, value in content.items() if key not in VOLATILE}
    payload = json.dumps(lasting, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{template_fingerprint()}\n{payload}".encode()).hexdigest()


def _queue_name() -> str | None:
    return getattr(settings, "REPORTS_QUEUE", None) or None


def _enqueue(job: ReportJob) -> None:
    """Send the render task once the transaction commits. If the broker cannot be reached the
    job is marked failed (it can be retried) and QueueUnavailable tells the caller."""

    def send() -> None:
        from . import tasks

        try:
            tasks.render_report.apply_async(args=[str(job.pk)], queue=_queue_name())
        except OperationalError as exc:
            log.error("Could not queue report job %s: %s", job.pk, exc)
            ReportJob.objects.filter(pk=job.pk, state=State.QUEUED).update(
                state=State.FAILED, error=QUEUE_DOWN, finished_at=timezone.now()
            )
            raise QueueUnavailable(str(exc)) from exc

    transaction.on_commit(send, robust=False)


def _silent_since() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.REPORT_HEARTBEAT_STALE_SECONDS)


def _is_alive(job: ReportJob) -> bool:
    """Queued recently, or rendering and beating: on its way, not stuck."""
    since = _silent_since()
    if job.state == State.QUEUED:
        return job.queued_at >= since
    return (job.heartbeat_at or job.started_at or job.queued_at) >= since


def _reusable(engagement: Engagement, kind: str, digest: str) -> ReportJob | None:
    """A job with this very content that is done (its file still there) or on its way (not
    stuck: asking again for a stuck job starts a fresh render)."""
    candidates = ReportJob.objects.filter(
        engagement=engagement,
        kind=kind,
        content_hash=digest,
        state__in=(*ReportJob.UNFINISHED, State.DONE),
    ).defer("content")
    for job in candidates.order_by("-created_at")[:3]:
        if job.state == State.DONE:
            if job.file and default_storage.exists(job.file.name):
                return job
        elif _is_alive(job):
            return job
    return None


def report_request(
    *, engagement: Engagement, kind: str, version: PlanVersion | None, user
) -> tuple[ReportJob, bool]:
    """The job that makes this report, and whether it is one made (or being made) before with
    the same content. Raises QueueUnavailable if a new job could not be queued."""
    if kind not in ReportJob.PLAN_KINDS:
        raise ValueError(f"Unknown report kind {kind!r}")
    content = content_for(kind, engagement, version)
    return _job_for(engagement=engagement, kind=kind, version=version, user=user, content=content)


def record_request(*, retreat: Retreat, user, public: bool = False) -> tuple[ReportJob, bool]:
    """The job that makes the PDF of a retreat's record for the minutes, as report_request: for
    the facilitator or the core team (`user`), or the public one (`public`, `user` None) that
    anyone gets through a public meeting's observer link (see public_record_job)."""
    content = record_content(retreat, public=public)
    kind = ReportJob.Kind.RETREAT_RECORD
    return _job_for(
        engagement=retreat.engagement, kind=kind, version=None, user=user, content=content
    )


def _job_for(
    *, engagement: Engagement, kind: str, version: PlanVersion | None, user, content: dict
) -> tuple[ReportJob, bool]:
    digest = content_hash(content)
    existing = _reusable(engagement, kind, digest)
    if existing is not None:
        return existing, True
    job = ReportJob.objects.create(
        engagement=engagement,
        kind=kind,
        version=version,
        requested_by=user,
        content=content,
        content_hash=digest,
        queued_at=timezone.now(),
    )
    _enqueue(job)
    return job, False


def latest_record_job(*, retreat: Retreat, since) -> ReportJob | None:
    """The newest public record of this retreat asked for since then, whatever its state: the
    observer link hands it out again rather than making a PDF for every change of a live board,
    and a failed one is shown as failed (asking again makes a new one once it is older)."""
    return (
        ReportJob.objects.filter(
            engagement_id=retreat.engagement_id,
            kind=ReportJob.Kind.RETREAT_RECORD,
            content__retreat_id=str(retreat.pk),
            content__public=True,
            created_at__gte=since,
        )
        .defer("content")
        .order_by("-created_at")
        .first()
    )


def public_record_job(*, retreat: Retreat, since) -> ReportJob:
    """The public record of this retreat made since then, or a new one. Requests arriving
    together make one job: the retreat's row is locked while one of them looks and creates (on
    PostgreSQL; SQLite writes one at a time anyway). Raises QueueUnavailable like
    report_request."""
    job = latest_record_job(retreat=retreat, since=since)
    if job is not None:
        return job
    with transaction.atomic():
        Retreat.objects.select_for_update().filter(pk=retreat.pk).values_list("pk").first()
        job = latest_record_job(retreat=retreat, since=since)
        if job is None:
            job, _ = record_request(retreat=retreat, user=None, public=True)
    return job


def job_retry(*, job: ReportJob) -> ReportJob:
    """Queue a failed job, or one taking longer than usual, again (same content); a render of
    it still going is overtaken (its file is thrown away). Raises QueueUnavailable like
    report_request."""
    late = timezone.now() - timedelta(seconds=settings.REPORT_EXPECTED_SECONDS)
    updated = ReportJob.objects.filter(
        Q(state=State.FAILED) | Q(state__in=ReportJob.UNFINISHED, queued_at__lt=late), pk=job.pk
    ).update(
        state=State.QUEUED,
        error="",
        warning="",
        queued_at=timezone.now(),
        heartbeat_at=None,
        finished_at=None,
    )
    if not updated:
        raise ValidationError(
            "Only a report that failed or is taking longer than usual can be tried again."
        )
    job.refresh_from_db()
    _enqueue(job)
    return job


def _claim(job_id, *, redelivered: bool) -> tuple[ReportJob, int] | None:
    """Move the job to rendering and count the attempt. A queued job is claimed; a rendering one
    only when the broker redelivers its task (the worker that had it died)."""
    states = [State.QUEUED, State.RENDERING] if redelivered else [State.QUEUED]
    now = timezone.now()
    claimed = ReportJob.objects.filter(pk=job_id, state__in=states).update(
        state=State.RENDERING, attempt=F("attempt") + 1, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    job = ReportJob.objects.select_related("engagement").get(pk=job_id)
    return job, job.attempt


def _file_name(job: ReportJob, attempt: int) -> str:
    return f"reports/{job.engagement_id}/{job.pk}-{attempt}.pdf"


class _Heartbeat:
    """While a render runs, a thread sets the job's heartbeat_at every REPORT_HEARTBEAT_SECONDS
    (only for this attempt, and only while it is rendering), on a connection of its own."""

    def __init__(self, job_id, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.run, name=f"report-heartbeat-{job_id}", daemon=True
        )

    def run(self) -> None:
        try:
            while not self.stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
                try:
                    ReportJob.objects.filter(
                        pk=self.job_id, attempt=self.attempt, state=State.RENDERING
                    ).update(heartbeat_at=timezone.now())
                except Exception as exc:  # a missed beat is not fatal; the next may get through
                    log.warning("Report job %s heartbeat missed: %s", self.job_id, exc)
                    close_old_connections()
        finally:
            connection.close()

    def __enter__(self) -> "_Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _finish(job: ReportJob, attempt: int, **fields) -> int:
    return ReportJob.objects.filter(pk=job.pk, attempt=attempt, state=State.RENDERING).update(
        state=State.DONE, error="", finished_at=timezone.now(), **fields
    )


def job_render(*, job_id, redelivered: bool = False) -> str:
    """Render one job if it is still to be rendered. Returns what happened, for the log.
    A database error is raised (the task retries it); no file is left behind by it."""
    claimed = _claim(job_id, redelivered=redelivered)
    if claimed is None:
        return "skipped: already taken or finished"
    job, attempt = claimed
    started = time.perf_counter()
    try:
        with _Heartbeat(job.pk, attempt):
            rendered = render(job.content)
    except SoftTimeLimitExceeded:
        return _fail(job, attempt, "The report took too long to make and was stopped.")
    except Exception as exc:  # anything WeasyPrint or a template raises ends the job, told plainly
        log.exception("Report job %s failed", job.pk)
        return _fail(job, attempt, f"The PDF could not be made: {type(exc).__name__}: {exc}")
    name = default_storage.save(_file_name(job, attempt), ContentFile(rendered.pdf))
    try:
        finished = _finish(
            job,
            attempt,
            file=name,
            pages=rendered.pages,
            size=len(rendered.pdf),
            warning=rendered.warning,
            render_ms=round(1000 * (time.perf_counter() - started)),
        )
    except BaseException:  # not recorded (the database went away): no orphan file
        default_storage.delete(name)
        raise
    if not finished:  # a later attempt took the job over: its file counts, not this one
        default_storage.delete(name)
        return "superseded"
    return "done"


def _fail(job: ReportJob, attempt: int, error: str) -> str:
    ReportJob.objects.filter(pk=job.pk, attempt=attempt, state=State.RENDERING).update(
        state=State.FAILED, error=error, finished_at=timezone.now()
    )
    return "failed"


def jobs_sweep(*, older_than: timedelta | None = None) -> int:
    """Queue again the jobs queued and not taken, or rendering without a heartbeat, for
    REPORT_HEARTBEAT_STALE_SECONDS (the broker lost the message, or the worker died). Returns how
    many were queued again. `older_than` overrides that silence (tests)."""
    cutoff = _silent_since() if older_than is None else timezone.now() - older_than
    stuck = list(
        ReportJob.objects.filter(state=State.QUEUED, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    ) + list(
        ReportJob.objects.filter(state=State.RENDERING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    again = 0
    for job_id in stuck:
        try:
            with transaction.atomic():
                updated = ReportJob.objects.filter(
                    pk=job_id, state__in=ReportJob.UNFINISHED
                ).update(state=State.QUEUED, queued_at=timezone.now())
                if updated:
                    log.warning("Report job %s was stuck; queued again.", job_id)
                    _enqueue(ReportJob(pk=job_id))
                    again += 1
        except QueueUnavailable:  # that job is marked failed (it can be retried); go on
            continue
    return again


def files_prune() -> int:
    """Delete PDFs finished more than REPORT_KEEP_DAYS ago (the job stays, without its file),
    and PDFs in the reports folders no job points to (a render whose result could not be
    recorded) once they are an hour old. Logos are left alone. Returns how many were deleted."""
    now = timezone.now()
    deleted = 0
    old = ReportJob.objects.filter(
        state=State.DONE, finished_at__lt=now - timedelta(days=settings.REPORT_KEEP_DAYS)
    ).exclude(file="")
    for job_id, name in old.values_list("pk", "file"):
        default_storage.delete(name)
        ReportJob.objects.filter(pk=job_id).update(file="")
        deleted += 1
    # Listed, not asked with exists(): an object store has no folders, only names with a prefix.
    try:
        folders = default_storage.listdir("reports")[0]
    except FileNotFoundError:  # a local MEDIA_ROOT where no report was ever made
        return deleted
    known = set(ReportJob.objects.exclude(file="").values_list("file", flat=True))
    for folder in folders:
        for filename in default_storage.listdir(f"reports/{folder}")[1]:
            name = f"reports/{folder}/{filename}"
            if not filename.endswith(".pdf") or name in known:
                continue
            if now - default_storage.get_modified_time(name) > timedelta(hours=1):
                default_storage.delete(name)
                deleted += 1
    return deleted


# --- layout settings ----------------------------------------------------------------------------

LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def logo_kind(head: bytes) -> str | None:
    for signature, kind in LOGO_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def settings_for(engagement: Engagement) -> ReportSettings:
    return ReportSettings.objects.filter(engagement=engagement).first() or ReportSettings(
        engagement=engagement
    )


def settings_update(
    *,
    engagement: Engagement,
    paper: str,
    orientation: str,
    one_page_shows: str = "",
    logo=None,
    remove_logo: bool = False,
) -> ReportSettings:
    """Paper, orientation, what the one-page plan shows under each goal (unchanged when empty)
    and logo. A logo must be a PNG or JPEG file (by its contents) of at most
    REPORT_LOGO_MAX_BYTES; the file it replaces is deleted once the change commits."""
    current = settings_for(engagement)
    old_logo = current.logo.name if current.logo else ""
    current.paper, current.orientation = paper, orientation
    if one_page_shows:
        current.one_page_shows = one_page_shows
    if logo is not None:
        if logo.size > settings.REPORT_LOGO_MAX_BYTES:
            limit = settings.REPORT_LOGO_MAX_BYTES // 1024
            raise ValidationError({"logo": f"The logo is too large: keep it under {limit} KB."})
        data = logo.read()
        kind = logo_kind(data[:8])
        if kind is None:
            raise ValidationError({"logo": "The logo must be a PNG or JPEG image."})
        current.logo.save(f"logo.{kind}", ContentFile(data), save=False)
        current.logo_sha256 = hashlib.sha256(data).hexdigest()
    elif remove_logo:
        current.logo = ""
        current.logo_sha256 = ""
    current.full_clean()
    current.save()
    new_logo = current.logo.name if current.logo else ""
    if old_logo and old_logo != new_logo:
        transaction.on_commit(lambda: default_storage.delete(old_logo))
    return current
