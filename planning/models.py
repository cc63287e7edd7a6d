"""The strategic plan: one per engagement, with its statements (mission, vision, values...) and the
tree below them: objectives → goals → strategies, measures on goals or strategies, and action
steps on strategies. Seeds 000, 002 and 003 describe the hierarchy; every label a user sees comes
from the engagement's terminology (Engagement.term).

Saved drafts (PlanVersion) are immutable snapshots of the whole plan in the export format
(planning/schema.py), so that any version can be shown, compared or exported as it was.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.OneToOneField(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="plan"
    )
    mission = models.TextField("mission", blank=True, help_text="Why do we exist?")
    vision = models.TextField(
        "vision", blank=True, help_text="What must we become to accomplish our purpose?"
    )
    preferred_future = models.TextField("preferred future", blank=True)
    strategic_boundaries = models.TextField("strategic boundaries", blank=True)
    student_performance = models.TextField("student performance statement", blank=True)
    leadership_commitments = models.TextField("leadership mindset commitments", blank=True)
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
    updated_at = models.DateTimeField(auto_now=True)

    STATEMENTS = (
        "mission",
        "vision",
        "preferred_future",
        "strategic_boundaries",
        "student_performance",
        "leadership_commitments",
    )

    def __str__(self) -> str:
        return f"Plan for {self.engagement}"


class Sourced(models.Model):
    """An element that came from a retreat: a card or theme marked "carry forward". Its words and
    dots are kept as they were when it was taken, so the link still says something if the
    retreat's board changes or the card is removed."""

    source_card = models.ForeignKey(
        "retreats.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_theme = models.ForeignKey(
        "retreats.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_kind = models.CharField(
        max_length=5, choices=[("card", "Card"), ("theme", "Theme")], blank=True
    )
    source_text = models.CharField(max_length=500, blank=True)
    source_dots = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class Element(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField("title", max_length=300)
    description = models.TextField("description", blank=True)
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
    specific_outcome = models.TextField("specific outcome", blank=True)
    measured_by = models.CharField("how it is measured", max_length=300, blank=True)
    target = models.CharField("target", max_length=200, blank=True)
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
    indicator = models.CharField("indicator", max_length=300)
    data_source = models.CharField("data source", max_length=300, blank=True)
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


class ActionStep(models.Model):
    """A step that carries out a strategy, in the Plan-Do-Study-Act cycle."""

    class Stage(models.TextChoices):
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        STUDY = "study", "Study"
        ACT = "act", "Act"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="action_steps")
    description = models.TextField("what will be done")
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
    resources_people = models.CharField("people", max_length=300, blank=True)
    resources_time = models.CharField("time", max_length=300, blank=True)
    resources_money = models.DecimalField(
        "money ($)", max_digits=12, decimal_places=2, null=True, blank=True
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
