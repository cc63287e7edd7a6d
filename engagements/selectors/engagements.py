"""Reads about engagements, each in a fixed number of queries whatever the size."""

from django.db.models import Count, QuerySet

from accounts.models import User

from ..models import Engagement, Membership, StakeholderGroup


def memberships_for_home(user: User) -> QuerySet[Membership]:
    """The signed-in user's engagements with their organizations, most active first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("engagement__organization", "stakeholder_group")
        .order_by("engagement__status", "engagement__organization__name", "engagement__name")
    )


def team_for(engagement: Engagement) -> list[Membership]:
    """Everyone in the engagement with their group, facilitators first, then by name."""
    members = list(
        engagement.memberships.select_related("user", "stakeholder_group").order_by(
            "user__full_name", "user__email"
        )
    )
    members.sort(key=lambda m: (not m.has_role("facilitator"), not m.has_role("core_team")))
    return members


def stakeholder_groups_for(engagement: Engagement) -> QuerySet[StakeholderGroup]:
    """Each group with the number of team members who represent it."""
    # GROUP BY queries ignore Meta.ordering, so the order is spelled out.
    return engagement.stakeholder_groups.annotate(filled=Count("memberships")).order_by(
        "position", "name"
    )
