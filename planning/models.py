"""The strategic plan: one per engagement, with its statements (mission, vision, values...) and the
tree below them: objectives → goals → strategies, measures on goals or strategies, and action
steps on strategies. Seeds 000, 002 and 003 describe the hierarchy; every label a user sees comes
from the engagement's terminology (Engagement.term).

Saved drafts (PlanVersion) are immutable snapshots of the whole plan in the export format
(planning/schema.py), so that any version can be shown, compared or exported as it was.
"""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from engagements.text import TEXT_MAX_LENGTH


class ApprovalRule(models.TextChoices):
    MAJORITY = "majority", "Each board member votes here; a majority of the board decides"
    RECORDED = "recorded", "The board clerk records the decision taken at a board meeting"


# The longest each plan statement may be, in characters (checked where they are typed or
# imported): a mission or vision is a sentence or two that shares the one-page plan with every
# goal; the others are paragraphs of the support document.
STATEMENT_MAX_LENGTHS = {
    "mission": 800,
    "vision": 800,
    "preferred_future": 4000,
    "strategic_boundaries": 4000,
    "student_performance": 4000,
    "leadership_commitments": 4000,
}


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="plan"
    )
    mission = models.TextField(
        "mission",
        blank=True,
        help_text="Why do we exist?",
        max_length=STATEMENT_MAX_LENGTHS["mission"],
    )
    vision = models.TextField(
        "vision",
        blank=True,
        help_text="What must we become to accomplish our purpose?",
        max_length=STATEMENT_MAX_LENGTHS["vision"],
    )
    preferred_future = models.TextField(
        "preferred future", blank=True, max_length=STATEMENT_MAX_LENGTHS["preferred_future"]
    )
    strategic_boundaries = models.TextField(
        "strategic boundaries",
        blank=True,
        max_length=STATEMENT_MAX_LENGTHS["strategic_boundaries"],
    )
    student_performance = models.TextField(
        "student performance statement",
        blank=True,
        max_length=STATEMENT_MAX_LENGTHS["student_performance"],
    )
    leadership_commitments = models.TextField(
        "leadership mindset commitments",
        blank=True,
        max_length=STATEMENT_MAX_LENGTHS["leadership_commitments"],
    )
    use_objectives = models.BooleanField(
        "group goals under objectives",
        default=True,
        help_text="Switch off for a process that goes straight from the vision to goals.",
    )
    max_goals = models.PositiveSmallIntegerField(
        "most goals before a warning", default=5, validators=[MinValueValidator(1)]
    )
    max_strategies_per_goal = models.PositiveSmallIntegerField(
        "most strategies per goal before a warning", default=6, validators=[MinValueValidator(1)]
    )
    approval_rule = models.CharField(
        "how the board decides",
        max_length=10,
        choices=ApprovalRule.choices,
        default=ApprovalRule.MAJORITY,
    )
    board_clerk = models.ForeignKey(
        "engagements.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="board clerk",
        help_text="Records the board's decision when the board decides at a meeting.",
    )
    # Seats on the whole board: a majority of them approves the plan by vote. Empty: the
    # roster's board seats (services.approval.board_seats).
    board_size = models.PositiveSmallIntegerField(
        "seats on the board",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    STATEMENTS = (
        "mission",
        "vision",
        "preferred_future",
        "strategic_boundaries",
        "student_performance",
        "leadership_commitments",
    )
    STATEMENT_MAX_LENGTHS = STATEMENT_MAX_LENGTHS

    def __str__(self) -> str:
        return f"Plan for {self.engagement}"


# Real district plans write titles, indicators and resource notes of several hundred characters
# (a strategy of 666, an indicator of 428): 1,000 leaves room and still refuses a pasted essay.
LONG_TEXT = 1000

TARGET_BEFORE_BASELINE = "The target date comes before the baseline date."


class Sourced(models.Model):
    """An element that came from a retreat (a card or theme marked "carry forward") or from what
    the community said (a synthesis theme, kind "voices"). Its words and count are kept as they
    were when it was taken, so the link still says something if the board or the tagging
    changes, or the source is removed. `source_dots` counts what the kind says: the dots on a
    card or theme; for "voices", the comments tagged with the theme when it was taken."""

    source_card = models.ForeignKey(
        "retreats.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_theme = models.ForeignKey(
        "retreats.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_voice_theme = models.ForeignKey(
        "synthesis.VoiceTheme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_kind = models.CharField(
        max_length=6,
        choices=[("card", "Card"), ("theme", "Theme"), ("voices", "Community input")],
        blank=True,
    )
    source_text = models.CharField(max_length=500, blank=True)
    source_dots = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class Element(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField("title", max_length=LONG_TEXT)
    description = models.TextField("description", blank=True, max_length=TEXT_MAX_LENGTH)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.title


class Value(Element, Sourced):
    """A core value, belief or commitment: how must we behave?"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="values")

    DESCRIPTION_MAX_LENGTH = 1000  # characters: a value shares the one-page plan with the goals
    description = models.TextField("description", blank=True, max_length=DESCRIPTION_MAX_LENGTH)

    class Meta(Element.Meta):
        pass


class Objective(Element):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")

    class Meta(Element.Meta):
        pass


class Goal(Element, Sourced):
    """How will we know we are making a difference? SMART: specific, measurable, achievable,
    relevant, time-bound."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    specific_outcome = models.TextField("specific outcome", blank=True, max_length=TEXT_MAX_LENGTH)
    measured_by = models.CharField("how it is measured", max_length=LONG_TEXT, blank=True)
    target = models.CharField("target", max_length=LONG_TEXT, blank=True)
    owner = models.ForeignKey(
        "engagements.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    target_date = models.DateField("target date", null=True, blank=True)

    SMART_FIELDS = ("specific_outcome", "measured_by", "target", "owner", "target_date")

    class Meta(Element.Meta):
        pass

    def missing_smart(self) -> list[str]:
        """The SMART fields left empty, by their labels."""
        missing = []
        for name in self.SMART_FIELDS:
            value = getattr(self, f"{name}_id" if name == "owner" else name)
            if value in (None, ""):
                missing.append(str(self._meta.get_field(name).verbose_name))
        return missing


class Strategy(Element, Sourced):
    """What needs our attention to reach the goal?"""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="strategies")

    class Meta(Element.Meta):
        verbose_name_plural = "strategies"


class Measure(models.Model):
    """An indicator with a baseline and a target, on a goal or on a strategy."""

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_A_YEAR = "twice_a_year", "Twice a year"
        YEARLY = "yearly", "Yearly"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="measures"
    )
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, null=True, blank=True, related_name="measures"
    )
    indicator = models.CharField("indicator", max_length=LONG_TEXT)
    data_source = models.CharField("data source", max_length=LONG_TEXT, blank=True)
    baseline = models.DecimalField(
        "baseline", max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField("baseline date", null=True, blank=True)
    target = models.DecimalField("target", max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField("target date", null=True, blank=True)
    unit = models.CharField(
        "unit", max_length=40, blank=True, help_text="For example: %, students, days"
    )
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    frequency = models.CharField(
        "reported", max_length=20, choices=Frequency.choices, default=Frequency.YEARLY
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(goal__isnull=False, strategy__isnull=True)
                    | models.Q(goal__isnull=True, strategy__isnull=False)
                ),
                name="measure_on_goal_or_strategy",
            )
        ]

    def __str__(self) -> str:
        return self.indicator

    def clean(self) -> None:
        if (self.goal_id is None) == (self.strategy_id is None):
            raise ValidationError("A measure belongs to one goal or one strategy.")
        if self.target_is_before_baseline:
            raise ValidationError({"target_date": TARGET_BEFORE_BASELINE})

    @property
    def target_is_before_baseline(self) -> bool:
        return bool(
            self.baseline_date and self.target_date and self.target_date < self.baseline_date
        )


PLAN_YEARS = (1, 10)  # an action step's plan year, first and last
PLAN_YEAR_RANGE = "The plan year is a whole number from 1 to 10 (year 1 is the plan’s first year)."


class ActionStep(models.Model):
    """A step that carries out a strategy, in the Plan-Do-Study-Act cycle."""

    class Stage(models.TextChoices):
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        STUDY = "study", "Study"
        ACT = "act", "Act"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="action_steps")
    description = models.TextField("what will be done", max_length=TEXT_MAX_LENGTH)
    stage = models.CharField("PDSA stage", max_length=5, choices=Stage.choices, default=Stage.PLAN)
    owner = models.ForeignKey(
        "engagements.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_steps",
    )
    start_date = models.DateField("start", null=True, blank=True)
    due_date = models.DateField("due", null=True, blank=True)
    resources_people = models.CharField("people", max_length=LONG_TEXT, blank=True)
    resources_time = models.CharField("time", max_length=LONG_TEXT, blank=True)
    resources_money = models.DecimalField(
        "money ($)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="Money cannot be negative.")],
    )
    # Year 1, 2, ... of the plan in which the step is pursued (the implementation schedule);
    # optional, as steps are often placed in a year only once the plan's shape settles.
    plan_year = models.PositiveSmallIntegerField(
        "plan year",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(PLAN_YEARS[0], message=PLAN_YEAR_RANGE),
            MaxValueValidator(PLAN_YEARS[1], message=PLAN_YEAR_RANGE),
        ],
        help_text="Year 1 is the plan’s first year. Leave it empty if not decided yet.",
    )
    progress_reported_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date comes before the start."})

    @property
    def has_resources(self) -> bool:
        return bool(self.resources_people or self.resources_time or self.resources_money)


class PlanVersion(models.Model):
    """A saved draft: the whole plan frozen as it was, in the export format. Never changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField("label", max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_per_number")
        ]

    def __str__(self) -> str:
        return f"Draft {self.number}: {self.label}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A saved draft cannot be changed; edit the working copy.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A saved draft cannot be deleted.")


# --- review: a saved draft published for comments and feedback ----------------------------------


class Review(models.Model):
    """A saved draft published for review between two dates. Members read and comment on it; if
    the facilitator makes a public link, anyone holding the link reads it and leaves feedback.

    The link's token is kept as its SHA-256 hash only: a copy of the database does not open it.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Not open yet"
        OPEN = "open", "Open for comments"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.OneToOneField(PlanVersion, on_delete=models.CASCADE, related_name="review")
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    public_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    public_link_made_at = models.DateTimeField(null=True, blank=True)
    public_buy_in = models.BooleanField(
        "public visitors may answer the buy-in check",
        default=False,
        help_text="Otherwise only team members answer it.",
    )

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="review_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.version}"

    def state_on(self, today: date) -> str:
        if self.closed_at is not None or today > self.closes_on:
            return self.State.CLOSED
        if today < self.opens_on:
            return self.State.SCHEDULED
        return self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def has_public_link(self) -> bool:
        return bool(self.public_token_hash)


class Comment(models.Model):
    """A member's comment or a public visitor's feedback on one element of a reviewed draft, or on
    the whole draft. Members' comments thread (replies have a parent); the top-level ones are
    triaged by the core team. Nothing is deleted: a withdrawn comment stays, marked withdrawn.

    The element is named by its kind and its id in the draft's snapshot, with its words as they
    were, so the comment still reads right whatever happens to the working copy."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DUPLICATE = "duplicate", "Duplicate"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    element_kind = models.CharField(max_length=12)
    element_id = models.CharField(max_length=64, blank=True)
    element_label = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        "engagements.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_comments",
    )
    is_public = models.BooleanField(default=False)
    name = models.CharField("name", max_length=150, blank=True)
    email = models.EmailField("e-mail", blank=True)
    category = models.CharField("stakeholder group", max_length=100, blank=True)
    body = models.TextField("comment", max_length=2000)  # services.review.BODY_MAX
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField("reply or change made", blank=True, max_length=4000)
    change_kind = models.CharField(max_length=12, blank=True)
    change_id = models.CharField(max_length=64, blank=True)
    change_label = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    EDIT_WINDOW = timedelta(minutes=15)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["review", "element_kind", "element_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_public=False) | models.Q(parent__isnull=True),
                name="public_feedback_is_never_a_reply",
            )
        ]

    def __str__(self) -> str:
        return self.body[:80]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def editable_until(self) -> datetime:
        return self.created_at + self.EDIT_WINDOW

    def editable_by(self, membership, now: datetime | None = None) -> bool:
        """The author may change or withdraw a comment for 15 minutes after writing it."""
        now = now or timezone.now()
        return (
            membership is not None
            and self.author_id == membership.pk
            and not self.is_withdrawn
            and now < self.editable_until()
        )

    @property
    def who(self) -> str:
        if self.is_public:
            return self.name or "A visitor"
        if self.author is not None:
            return self.author.user.get_full_name()
        return self.name or "A former member"


class BuyInResponse(models.Model):
    """One person's answers to the buy-in check of a reviewed draft: how strongly they support
    each goal, and whether they commit to the next steps. Only totals are ever shown."""

    class Commitment(models.TextChoices):
        YES = "yes", "Yes, I commit to the next steps"
        UNSURE = "unsure", "Not sure yet"
        NO = "no", "No"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="buy_in")
    membership = models.ForeignKey(
        "engagements.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_public = models.BooleanField(default=False)
    category = models.CharField("stakeholder group", max_length=100, blank=True)
    commits = models.CharField(max_length=6, choices=Commitment.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "membership"],
                condition=models.Q(membership__isnull=False),
                name="one_buy_in_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"Buy-in answers to {self.review}"


class BuyInAnswer(models.Model):
    SCALE = (
        (1, "Strongly oppose"),
        (2, "Oppose"),
        (3, "Neutral"),
        (4, "Support"),
        (5, "Strongly support"),
    )

    response = models.ForeignKey(BuyInResponse, on_delete=models.CASCADE, related_name="answers")
    goal_id = models.CharField(max_length=64)
    support = models.PositiveSmallIntegerField(choices=SCALE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "goal_id"], name="one_answer_per_goal"),
            models.CheckConstraint(
                condition=models.Q(support__gte=1, support__lte=5), name="support_on_the_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.support}"


# --- approval: final draft → recommended → approved (or sent back) -------------------------------


class Approval(models.Model):
    """One saved draft taken through approval. The facilitator freezes it as the final draft, the
    superintendent recommends it, the board approves it or sends it back. An approved draft is
    "the plan" and never changes; the next change goes through a new final draft."""

    class State(models.TextChoices):
        FINAL = "final", "Final draft"
        RECOMMENDED = "recommended", "Recommended"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    ACTIVE = (State.FINAL, State.RECOMMENDED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="approvals")
    state = models.CharField(max_length=12, choices=State.choices, default=State.FINAL)
    rule = models.CharField(max_length=10, choices=ApprovalRule.choices)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    frozen_at = models.DateTimeField(auto_now_add=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recommended_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.TextField("recommendation", blank=True, max_length=TEXT_MAX_LENGTH)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    meeting_date = models.DateField("board meeting date", null=True, blank=True)
    minutes_reference = models.CharField("minutes reference", max_length=200, blank=True)
    # A person's reasons, after which a vote's tally may be put in front ("3 of 5 voted ...").
    reasons = models.TextField("reasons", blank=True, max_length=TEXT_MAX_LENGTH + 500)

    class Meta:
        ordering = ["-frozen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state__in=["final", "recommended"]),
                name="one_plan_in_approval_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(state="approved"),
                name="a_version_is_approved_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.get_state_display()}"

    def save(self, *args, **kwargs) -> None:
        if (
            not self._state.adding
            and Approval.objects.filter(pk=self.pk, state=self.State.APPROVED).exists()
        ):
            raise ValidationError("An approved plan cannot be changed; start a new draft.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state == self.State.APPROVED:
            raise ValidationError("An approved plan cannot be deleted.")
        return super().delete(*args, **kwargs)


class BoardVote(models.Model):
    class Choice(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Send back"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="votes")
    membership = models.ForeignKey(
        "engagements.Membership", on_delete=models.CASCADE, related_name="+"
    )
    choice = models.CharField(max_length=8, choices=Choice.choices)
    note = models.TextField("note", blank=True, max_length=TEXT_MAX_LENGTH)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cast_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "membership"], name="one_board_vote_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_choice_display()}"


class PlanEvent(models.Model):
    """The plan's history: every step of review and approval, who took it, when, from which state
    to which, with their note. Written by the services, shown on the history page, never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=200)
    from_state = models.CharField(max_length=40)
    to_state = models.CharField(max_length=40)
    # A person's note or reasons, with room for the words a service puts in front of them.
    note = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH + 500)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.action} ({self.from_state} → {self.to_state})"
