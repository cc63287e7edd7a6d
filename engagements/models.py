"""Organizations, their planning engagements, who takes part in them and in which role."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .text import NOTES_MAX_LENGTH, REASON_MAX_LENGTH, TEXT_MAX_LENGTH


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    CORE_TEAM = "core_team", "Core team"
    PLAN_TEAM = "plan_team", "Plan team"
    BOARD = "board", "Board member"
    SUPERINTENDENT = "superintendent", "Superintendent"
    # Given only by the hand-off (engagements/services/handoff.py), never on the roster form:
    # the district member who runs the lived plan, and a facilitator who stayed to advise.
    PLAN_LEAD = "plan_lead", "Plan lead"
    ADVISER = "adviser", "Adviser (read-only)"


# The roles the hand-off gives and takes; the roster and invitation forms offer the others.
HAND_OFF_ROLES = frozenset({Role.PLAN_LEAD, Role.ADVISER})
PLANNING_ROLES = [role for role in Role if role not in HAND_OFF_ROLES]
# Who a facilitator may hand the engagement to: a member of the district, by one of these roles.
DISTRICT_ROLES = frozenset({Role.CORE_TEAM, Role.PLAN_TEAM, Role.BOARD, Role.SUPERINTENDENT})


class Organization(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", "School district"
        NONPROFIT = "nonprofit", "Nonprofit"
        OTHER = "other", "Other organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Not unique: two facilitation firms may both serve a "Springfield School District", and a
    # uniqueness error would tell one that the other exists.
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PhaseFields(models.Model):
    """What a phase is, in a template or in an engagement (copied from its template)."""

    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=150)
    guiding_question = models.CharField("guiding question", max_length=300, blank=True)
    purpose = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    recommended_length = models.CharField("recommended length", max_length=100, blank=True)
    expected_outputs = models.TextField(
        "expected outputs", blank=True, help_text="One output per line.", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def output_list(self) -> list[str]:
        return [line.strip() for line in self.expected_outputs.splitlines() if line.strip()]


class ProcessTemplate(models.Model):
    """An ordered list of phases an engagement can start from.

    The four built-in templates (owner empty) come from the seed processes and cannot be edited;
    a facilitator copies one and edits the copy, which only they see.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.SlugField(max_length=50, blank=True, help_text="Set on built-in templates only.")
    name = models.CharField(max_length=150)
    summary = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    source = models.CharField(max_length=200, blank=True, help_text="Where the process comes from.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="process_templates",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    # Whether engagements from this template start with seed 002's plan-team seats.
    district_roster = models.BooleanField(
        "start with the district plan-team seats",
        default=False,
        help_text="Staff 12, parents 8, community 4, board 2, union 2, district leadership 2, "
        "building leadership 2, high-school students 6.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("owner_id").asc(nulls_first=True), "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="template_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagements:template-detail", args=[self.pk])

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class TemplatePhase(PhaseFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="phases")

    class Meta(PhaseFields.Meta):
        pass


DEFAULT_TERMINOLOGY = {
    "objective": "Objective",
    "objectives": "Objectives",
    "goal": "Goal",
    "goals": "Goals",
    "strategy": "Strategy",
    "strategies": "Strategies",
    "measure": "Measure",
    "measures": "Measures",
    "action_step": "Action step",
    "action_steps": "Action steps",
}


def default_terminology() -> dict[str, str]:
    return dict(DEFAULT_TERMINOLOGY)


class EngagementQuerySet(models.QuerySet):
    def with_status(self) -> "EngagementQuerySet":
        """Each engagement with its status (`derived_status`), in the same query."""
        return self.annotate(derived_status=status_of())


class Engagement(models.Model):
    """One strategic-planning engagement a facilitator runs for an organization."""

    class Status(models.TextChoices):
        """What the engagement's page, the dashboard and home pages say. Derived, never set by
        hand: from the timeline, the plan's approval and whether the facilitator closed it
        (status_of below)."""

        PREPARING = "preparing", "Getting ready"
        ACTIVE = "active", "Planning under way"
        APPROVED = "approved", "Plan approved"
        LIVING = "living", "Living the plan"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="engagements"
    )
    name = models.CharField(max_length=200)
    # Set by the approval workflow (planning) when the board approves a draft: an approved plan
    # is never unapproved, so the status can say "Plan approved" without reading the planning app.
    plan_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the hand-off (engagements/services/handoff.py): from then on the district runs the
    # lived plan through its plan lead; the last hand-off (or change of plan lead) is kept.
    handed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    handed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Set and cleared by the facilitator on the details form.
    closed_at = models.DateTimeField(null=True, blank=True)
    template = models.ForeignKey(
        ProcessTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
        help_text="Where the phases were copied from; later edits to it change nothing here.",
    )
    template_name = models.CharField(max_length=150, blank=True)
    vision_years = models.PositiveSmallIntegerField(
        "vision horizon (years)", default=5, help_text="How far ahead the vision looks."
    )
    plan_months = models.PositiveSmallIntegerField(
        "plan length (months)",
        default=36,
        help_text="How long the plan's goals and strategies run.",
    )
    terminology = models.JSONField(default=default_terminology)
    default_vote_budget = models.PositiveSmallIntegerField(
        "dots per person", default=5, help_text="How many dots each person gets in a vote."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="engagement_name_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def term(self, key: str) -> str:
        """This client's word for a plan element, e.g. term("measures") -> "Vital signs"."""
        return (self.terminology or {}).get(key) or DEFAULT_TERMINOLOGY[key]

    @property
    def terms(self) -> dict[str, str]:
        return {key: self.term(key) for key in DEFAULT_TERMINOLOGY}

    @property
    def status(self) -> str:
        """The derived status: from `Engagement.objects.with_status()` when the engagement was
        read that way (lists set it for each row), else read now in one query and kept for the
        request."""
        if self._state.adding:  # not saved yet: no phase has started
            if self.closed_at:
                return self.Status.CLOSED
            return self.Status.APPROVED if self.plan_approved_at else self.Status.PREPARING
        if "derived_status" not in self.__dict__:
            self.__dict__["derived_status"] = (
                Engagement.objects.with_status()
                .values_list("derived_status", flat=True)
                .get(pk=self.pk)
            )
        return self.__dict__["derived_status"]

    def status_changed(self) -> None:
        """Forget the status read earlier (after a move on the timeline, an approval...)."""
        self.__dict__.pop("derived_status", None)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.status_changed()
        super().refresh_from_db(*args, **kwargs)

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class Phase(PhaseFields):
    """A phase of one engagement, copied from its template and then its own."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="phases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    starts_on = models.DateField("starts", null=True, blank=True)
    ends_on = models.DateField("ends", null=True, blank=True)

    class Meta(PhaseFields.Meta):
        pass


def status_of(prefix: str = "") -> models.Case:
    """An engagement's status as an SQL expression, so that lists can show it and filter on it in
    one query. `prefix` is the path to the engagement ("engagement__" from a membership).

    Closed when the facilitator closed it; with an approved plan, "Living the plan" once its
    timeline's last phase has started (the approval moves it there), else "Plan approved";
    before that, "Planning under way" once a phase has started, else "Getting ready"."""
    words = Engagement.Status
    phases = Phase.objects.filter(engagement_id=models.OuterRef(f"{prefix}pk"))
    started = models.Exists(phases.exclude(status=Phase.Status.NOT_STARTED))
    waiting = models.Exists(phases.filter(status=Phase.Status.NOT_STARTED))
    approved = {f"{prefix}plan_approved_at__isnull": False}
    return models.Case(
        models.When(**{f"{prefix}closed_at__isnull": False}, then=models.Value(words.CLOSED)),
        # started and no phase waiting: the last phase has begun (an engagement without a
        # timeline stays "Plan approved")
        models.When(started & ~waiting, **approved, then=models.Value(words.LIVING)),
        models.When(**approved, then=models.Value(words.APPROVED)),
        models.When(started, then=models.Value(words.ACTIVE)),
        default=models.Value(words.PREPARING),
        output_field=models.CharField(),
    )


class PhaseChange(models.Model):
    """The record of a facilitator moving the engagement forward or back, with the reason."""

    class Direction(models.TextChoices):
        FORWARD = "forward", "Moved forward"
        BACK = "back", "Moved back"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="phase_changes"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    from_phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.reason[:60]}"


class StakeholderGroup(models.Model):
    """A group the plan team should represent, with its number of seats and who selects them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="stakeholder_groups"
    )

    class Block(models.TextChoices):
        """Seed 002's balance: a third staff, a third management, a third parents/community."""

        STAFF = "staff", "Staff"
        MANAGEMENT = "management", "Management"
        PARENTS_COMMUNITY = "parents_community", "Parents and community"

    name = models.CharField(max_length=100)
    quota = models.PositiveSmallIntegerField("seats", default=0)
    selected_by = models.CharField("selected by", max_length=150, blank=True)
    block = models.CharField(
        "balance block", max_length=20, choices=Block.choices, default=Block.PARENTS_COMMUNITY
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "name"], name="stakeholder_group_unique_in_engagement"
            )
        ]

    def __str__(self) -> str:
        return self.name


def validate_roles(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one role.")
    unknown = [role for role in value if role not in Role.values]
    if unknown:
        raise ValidationError(f"Unknown role: {', '.join(map(str, unknown))}.")
    if len(set(value)) != len(value):
        raise ValidationError("Each role may be given once.")


class Membership(models.Model):
    """A person's place in one engagement: one or more roles, and the group they represent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="memberships")
    roles = models.JSONField(default=list, validators=[validate_roles])
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["engagement", "user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "engagement"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.engagement}"

    def clean(self) -> None:
        super().clean()
        if (
            self.stakeholder_group_id
            and self.engagement_id
            and self.stakeholder_group.engagement_id != self.engagement_id
        ):
            raise ValidationError(
                {"stakeholder_group": "This group belongs to another engagement."}
            )

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]

    @property
    def may_lead_the_plan(self) -> bool:
        """A member of the district (by a district role), not a facilitator or an adviser: who
        the hand-off may make plan lead."""
        return self.has_role(*DISTRICT_ROLES) and not self.has_role(Role.FACILITATOR, Role.ADVISER)


# --- meetings -----------------------------------------------------------------------------------


class Meeting(models.Model):
    """A meeting held in a phase: readiness session, orientation, a retreat, the final meeting."""

    class Kind(models.TextChoices):
        READINESS = "readiness", "Readiness session"
        ORIENTATION = "orientation", "Orientation"
        RETREAT = "retreat", "Retreat"
        CORE_TEAM = "core_team", "Core-team meeting"
        FINAL = "final", "Final meeting"
        BOARD = "board", "Board meeting"
        OTHER = "other", "Other meeting"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="meetings")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    starts_at = models.DateTimeField("starts")
    duration_minutes = models.PositiveSmallIntegerField("length (minutes)", default=360)
    place = models.CharField(max_length=200, blank=True, help_text="A room and address.")
    link = models.URLField("online link", blank=True, help_text="A video-call link, if any.")
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField("time box (minutes)", default=30)
    lead = models.CharField("led by", max_length=150, blank=True)
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


def reading_upload_to(instance: "Reading", filename: str) -> str:
    return f"engagements/{instance.meeting.engagement_id}/readings/{uuid.uuid4().hex}/{filename}"


class Reading(models.Model):
    """A document to read before a meeting (PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="readings")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=reading_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_attendance_each")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} at {self.meeting}: {self.get_status_display()}"


# --- invitations --------------------------------------------------------------------------------


class Invitation(models.Model):
    """A single-use link e-mailed to a future member; accepting it makes the membership.

    Only a hash of the token is stored, so a database leak does not hand out working links.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Withdrawn"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    full_name = models.CharField("name", max_length=150)
    roles = models.JSONField(default=list, validators=[validate_roles])
    stakeholder_group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.engagement}"

    def state_at(self, now) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if now >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]
