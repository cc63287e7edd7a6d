"""Living the plan: the monitored plan and what people report on it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# --- Measures: readings, targets and status (h-mon-measures) ------------------------------------
# A monitored measure is keyed by its engagement and the UUID the measure carries in the approved
# snapshot (planning.PlanVersion.data), never by a foreign key to planning's working-copy rows: the
# working copy keeps changing for the next version, and a newly approved version that keeps the
# measure keeps its readings, yearly targets, change log and overrides.


class MonitoredMeasure(models.Model):
    """A measure of the lived plan, with its own current baseline, target, dates and direction.

    Seeded from the approved snapshot the first time the lived plan is read (the snapshot itself
    never changes). Afterwards the facilitator may change these with a reason (TargetChange), and
    a newer approved version that changes them applies its values (logged the same way).
    `approved_values` keeps the values last taken from a snapshot, to see what a newer one
    changed."""

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        BAND = "band", "Stay within a band"

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="monitored_measures"
    )
    measure_id = models.UUIDField("measure (its id in the approved plan)")
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    band_low = models.DecimalField(
        "lowest value in the band", max_digits=14, decimal_places=2, null=True, blank=True
    )
    band_high = models.DecimalField(
        "highest value in the band", max_digits=14, decimal_places=2, null=True, blank=True
    )
    approved_version = models.ForeignKey(
        "planning.PlanVersion", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_values = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "measure_id"], name="one_monitored_measure_per_element"
            )
        ]

    def __str__(self) -> str:
        return f"measure {self.measure_id}"


class YearlyTarget(models.Model):
    """A target for one school year, as districts publish them (2026–27: 78 %). `school_year`
    is the calendar year the school year ends in; the target is due at its end
    (settings.MONITORING_SCHOOL_YEAR_ENDS)."""

    measure = models.ForeignKey(
        MonitoredMeasure, on_delete=models.CASCADE, related_name="yearly_targets"
    )
    school_year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "school_year"], name="one_yearly_target_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    @property
    def label(self) -> str:
        return f"{self.school_year - 1}–{str(self.school_year)[-2:]}"


class MeasureReading(models.Model):
    """A dated value of a measure, entered in the form or imported from a file."""

    class Source(models.TextChoices):
        FORM = "form", "Entered"
        IMPORT = "import", "Imported"

    measure = models.ForeignKey(MonitoredMeasure, on_delete=models.CASCADE, related_name="readings")
    taken_on = models.DateField("date")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True, max_length=2000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)

    class Meta:
        ordering = ["-taken_on", "-entered_at", "-pk"]
        indexes = [models.Index(fields=["measure", "-taken_on"])]

    def __str__(self) -> str:
        return f"{self.value} on {self.taken_on}"


class TargetChange(models.Model):
    """One changed value of a measure's targets (baseline, target, their dates, direction, band,
    a yearly target): who, when, old and new, and why."""

    measure = models.ForeignKey(
        MonitoredMeasure, on_delete=models.CASCADE, related_name="target_changes"
    )
    field = models.CharField(max_length=60)
    old_value = models.CharField(max_length=60, blank=True)
    new_value = models.CharField(max_length=60, blank=True)
    reason = models.TextField(max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class StatusOverride(models.Model):
    """A person's judgement in place of the computed status, with a reason. It holds until the
    next reading is entered (or another override replaces it)."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        BEHIND = "behind", "Behind"
        OFF_TRACK = "off_track", "Off track"

    measure = models.ForeignKey(
        MonitoredMeasure, on_delete=models.CASCADE, related_name="overrides"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.TextField(max_length=2000)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return self.get_status_display()


# --- end of measures block ----------------------------------------------------------------------


# --- action progress (issue 14 item 5) ----------------------------------------------------------
# An update on an action step of the lived plan. Keyed by the engagement and the step's id in the
# approved snapshot (not a foreign key to planning's working copy), so the history survives edits
# of the working copy and carries over to a newly approved version that keeps the step.

NOTE_LENGTH = 2000


class ActionUpdate(models.Model):
    """One report on an action step: its status and percent complete as of now, a note, and for
    steps in the Study or Act stage of their PDSA cycle what was studied and what was decided.
    Never changed or deleted: the list of a step's updates is its history."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # A step in one of these states is finished: never overdue, and no more reminders.
    FINISHED = frozenset({Status.DONE, Status.CANCELLED})

    # A sequential id (never shown in an address) orders updates made in the same instant.
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="action_updates"
    )
    action_step_id = models.UUIDField("action step")
    status = models.CharField(max_length=12, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(
        "percent complete",
        validators=[
            MinValueValidator(0, message="Percent complete is a number from 0 to 100."),
            MaxValueValidator(100, message="Percent complete is a number from 0 to 100."),
        ],
    )
    note = models.TextField("note", max_length=NOTE_LENGTH, blank=True)
    studied = models.TextField("what we studied", max_length=NOTE_LENGTH, blank=True)
    decided = models.TextField("what we decided (act)", max_length=NOTE_LENGTH, blank=True)
    # "Nothing changed": a one-tap confirmation of the previous status and percent.
    nothing_changed = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The name as it was when reporting: the history keeps saying who, even after they leave.
    author_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["engagement", "action_step_id", "-created_at"],
                name="action_update_step_latest",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="action_update_percent_0_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}, {self.percent} %"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


# --- the update cycle (h-mon-cycle, issue 14 item 6) --------------------------------------------
# When owners are asked to report (the cadence, the due day, a grace period), who runs the cycle,
# and the e-mails sent, so a reminder goes to an owner at most once a day and twice a week.
# The periods themselves are computed by monitoring/cycle.py (pure, unit-tested).


class UpdateCycle(models.Model):
    """An engagement's update cycle. An engagement without a row uses the defaults (monthly, due
    on the 10th, three days' grace, run by the facilitator, on): `UpdateCycle.for_engagement`."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Every month"
        QUARTERLY = "quarterly", "Every quarter"
        TERM = "term", "Every school term"

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="update_cycle"
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    due_day = models.PositiveSmallIntegerField(
        "updates are due on day",
        default=10,
        validators=[
            MinValueValidator(1, message="Choose a day from 1 to 31."),
            MaxValueValidator(31, message="Choose a day from 1 to 31."),
        ],
    )
    grace_days = models.PositiveSmallIntegerField(
        "days of grace before reminders",
        default=3,
        validators=[MaxValueValidator(30, message="Choose from 0 to 30 days.")],
    )
    # The last day of each school term, ISO dates ascending (the per-term cadence only).
    term_ends = models.JSONField(default=list, blank=True)
    # Who runs the cycle; none: the engagement's facilitator.
    runner = models.ForeignKey(
        "engagements.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enabled = models.BooleanField("send reminders", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_cadence_display()}, due on day {self.due_day}"

    @classmethod
    def for_engagement(cls, engagement) -> "UpdateCycle":
        """The engagement's cycle, or an unsaved one with the defaults. One query."""
        return cls.objects.filter(engagement=engagement).first() or cls(engagement=engagement)


class CycleEmail(models.Model):
    """An e-mail of the update cycle sent to one owner: a reminder (the beat task) or a nudge
    (the person running the cycle). One of each kind per owner per engagement per day."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        NUDGE = "nudge", "Nudge"

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="cycle_emails"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_start = models.DateField()
    sent_on = models.DateField()
    items = models.PositiveSmallIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "user", "kind", "sent_on"],
                name="one_cycle_email_per_kind_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.sent_on}"


# --- end of the update cycle block --------------------------------------------------------------


# --- the public progress page (issue 16 item 2, h-publicpage) -----------------------------------
# Off until the plan lead (or the facilitator) turns it on. The token in its address is the only
# key; it is kept as it is (not hashed like the review link's) because the page is public by
# design once on, and the plan lead must be able to copy the address again at any time.


class PublicPage(models.Model):
    """An engagement's public progress page: on or off, and the token of its address. Turning
    it off makes the address a 404; a new link replaces the token, so the old address stays dead
    even when the page is turned on again."""

    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="public_page"
    )
    enabled = models.BooleanField("public page is on", default=False)
    token = models.CharField(max_length=64, unique=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Public page of {self.engagement_id} ({'on' if self.enabled else 'off'})"


# --- end of the public progress page block --------------------------------------------------------
