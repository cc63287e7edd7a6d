"""Reads about engagements, each in a fixed number of queries whatever the size."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User

from ..models import (
    Engagement,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Phase,
    PhaseChange,
    Role,
    StakeholderGroup,
    status_of,
)
from .invitations import pending_q

_CURRENT_PHASES = Prefetch(
    "engagement__phases",
    queryset=Phase.objects.filter(status=Phase.Status.IN_PROGRESS),
    to_attr="current_phases",
)


def memberships_for_home(user: User) -> list[Membership]:
    """The signed-in user's engagements with their organizations, status and current phase,
    closed ones last: two queries."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("engagement__organization", "stakeholder_group")
        .prefetch_related(_CURRENT_PHASES)
        .annotate(engagement_status=status_of("engagement__"))
        .order_by(
            F("engagement__closed_at").asc(nulls_first=True),
            "engagement__organization__name",
            "engagement__name",
        )
    )
    for membership in memberships:
        membership.engagement.__dict__["derived_status"] = membership.engagement_status
    return memberships


def current_phase(engagement: Engagement) -> Phase | None:
    return engagement.phases.filter(status=Phase.Status.IN_PROGRESS).first()


def current_or_next_phase(engagement: Engagement) -> Phase | None:
    """The phase in progress; before the timeline has started, the first phase not done: what
    new work (a retreat) is offered to belong to."""
    return current_phase(engagement) or engagement.phases.exclude(status=Phase.Status.DONE).first()


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


def timeline_for(engagement: Engagement) -> dict:
    """Every phase in order with its meetings count, the current phase and the recent history."""
    phases = list(engagement.phases.annotate(meeting_count=Count("meetings")).order_by("position"))
    current = next((p for p in phases if p.status == Phase.Status.IN_PROGRESS), None)
    history = list(
        PhaseChange.objects.filter(engagement=engagement)
        .select_related("from_phase", "to_phase", "by")
        .order_by("-at")[:20]
    )
    return {
        "phases": phases,
        "current": current,
        "history": history,
        "can_go_forward": any(p.status != Phase.Status.DONE for p in phases),
        "can_go_back": any(p.status != Phase.Status.NOT_STARTED for p in phases),
        "all_done": bool(phases) and all(p.status == Phase.Status.DONE for p in phases),
    }


def _facilitated(user: User) -> QuerySet[Engagement]:
    """What the user facilitates, and what they handed off and stayed to advise (a facilitator
    who left the engagement is no longer a member: it is gone from their dashboard)."""
    ids = [
        m.engagement_id
        for m in Membership.objects.filter(user=user).only("engagement_id", "roles")
        if m.has_role(Role.FACILITATOR, Role.ADVISER)
    ]
    return Engagement.objects.filter(pk__in=ids)


def facilitated_organizations(user: User) -> list[tuple[str, str]]:
    """(id, name) of the organizations whose engagements the user facilitates, by name."""
    # Each once: DISTINCT over engagements would keep Engagement's ordering (its name) in the
    # SELECT and list an organization once per engagement.
    pairs = (
        Organization.objects.filter(engagements__in=_facilitated(user))
        .order_by()
        .distinct()
        .values_list("pk", "name")
    )
    return sorted(((str(pk), name) for pk, name in pairs), key=lambda pair: pair[1])


def facilitator_dashboard(user: User, *, organization_id=None, status="", query="") -> list:
    """The engagements the user facilitates, with what a facilitator checks every morning.

    A fixed number of queries however many engagements: one for the engagements (annotated with
    the next meeting and open invitations), one for their current phases, one for their groups.
    """
    now = timezone.now()
    engagements = _facilitated(user).select_related("organization").with_status()
    if organization_id:
        engagements = engagements.filter(organization_id=organization_id)
    if status:
        engagements = engagements.filter(derived_status=status)
    if query:
        engagements = engagements.filter(
            Q(name__icontains=query) | Q(organization__name__icontains=query)
        )
    next_meeting = Meeting.objects.filter(engagement=OuterRef("pk"), starts_at__gte=now).order_by(
        "starts_at"
    )
    open_invitations = (
        Invitation.objects.filter(pending_q(now), engagement=OuterRef("pk"))
        .values("engagement")
        .annotate(total=Count("pk"))
        .values("total")
    )
    engagements = (
        engagements.annotate(
            next_meeting_title=Subquery(next_meeting.values("title")[:1]),
            next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
            open_invitations=Subquery(open_invitations),
        )
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.filter(status=Phase.Status.IN_PROGRESS),
                to_attr="current_phases",
            )
        )
        .order_by("organization__name", "name")
    )
    engagements = list(engagements)
    # Roster completeness: seats filled (an over-filled group counts only its own seats) out of
    # all seats, from one query over every listed engagement's groups.
    figures: dict = {}
    groups = StakeholderGroup.objects.filter(engagement__in=engagements).annotate(
        filled=Count("memberships")
    )
    for group in groups.values("engagement_id", "quota", "filled"):
        seats, filled = figures.get(group["engagement_id"], (0, 0))
        figures[group["engagement_id"]] = (
            seats + group["quota"],
            filled + min(group["filled"], group["quota"]),
        )
    for engagement in engagements:
        engagement.seats_total, engagement.seats_filled = figures.get(engagement.pk, (0, 0))
    return engagements


def hand_off_candidates(engagement: Engagement) -> list[Membership]:
    """The members who may become the plan lead (a district role, no facilitator or adviser),
    the current plan lead excluded, by name: one query."""
    return [
        m for m in team_for(engagement) if m.may_lead_the_plan and not m.has_role(Role.PLAN_LEAD)
    ]


def plan_lead_of(engagement: Engagement) -> Membership | None:
    """The engagement's plan lead, once it has been handed to the district."""
    if engagement.handed_off_at is None:
        return None
    return next(
        (m for m in engagement.memberships.select_related("user") if m.has_role(Role.PLAN_LEAD)),
        None,
    )
