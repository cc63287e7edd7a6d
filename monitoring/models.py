"""Living the plan: the monitored plan and what people report on it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

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
