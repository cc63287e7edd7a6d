"""Organizations, their planning engagements, who takes part in them and in which role."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    CORE_TEAM = "core_team", "Core team"
    PLAN_TEAM = "plan_team", "Plan team"
    BOARD = "board", "Board member"
    SUPERINTENDENT = "superintendent", "Superintendent"


class Organization(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", "School district"
        NONPROFIT = "nonprofit", "Nonprofit"
        OTHER = "other", "Other organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """One strategic-planning engagement a facilitator runs for an organization."""

    class Status(models.TextChoices):
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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREPARING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="engagement_name_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StakeholderGroup(models.Model):
    """A group the plan team should represent, with its number of seats and who selects them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="stakeholder_groups"
    )
    name = models.CharField(max_length=100)
    quota = models.PositiveSmallIntegerField("seats", default=0)
    selected_by = models.CharField("selected by", max_length=150, blank=True)
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
