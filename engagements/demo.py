"""The demo world: a fictional district, Riverside Unified, mid-way through its strategic plan.

`python manage.py load_demo` builds it; running it again changes nothing. Later issues add
phases, retreats, the plan and its reviews here.
"""

from dataclasses import dataclass

from django.db import models, transaction

from accounts.models import User

from .models import Engagement, Membership, Organization, Role, StakeholderGroup

DEMO_PASSWORD = "aligned-demo-2026"  # noqa: S105 - published on purpose, for the demo only

# Seed 002, "Plan Team Membership": stakeholder group, number of seats, selected by.
DISTRICT_GROUPS = [
    ("Staff", 12, "School leadership teams"),
    ("Parents", 8, "Parent organizations"),
    ("Community", 4, "Board"),
    ("Board", 2, "Board"),
    ("Union", 2, "Union leadership"),
    ("District leadership", 2, "Superintendent"),
    ("Building leadership", 2, "Principals"),
    ("Students (high school)", 6, "Student council"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    roles: tuple[str, ...]
    group: str | None


RIVERSIDE_PEOPLE = [
    DemoPerson("facilitator@riverside.example", "Dana Whitfield", (Role.FACILITATOR,), None),
    DemoPerson(
        "core@riverside.example",
        "Marcus Lee",
        (Role.CORE_TEAM, Role.PLAN_TEAM),
        "District leadership",
    ),
    DemoPerson("plan@riverside.example", "Priya Raman", (Role.PLAN_TEAM,), "Parents"),
    DemoPerson("board@riverside.example", "Gloria Estrada", (Role.BOARD,), "Board"),
    DemoPerson(
        "superintendent@riverside.example",
        "Dr. Alan Brooks",
        (Role.SUPERINTENDENT,),
        "District leadership",
    ),
]
SITE_ADMIN = DemoPerson("admin@aligned.example", "Site Admin", (), None)
LAKEVIEW_PEOPLE = [
    DemoPerson("facilitator@lakeview.example", "Sam Okafor", (Role.FACILITATOR,), None),
]


def _ensure(model: type[models.Model], lookup: dict, **fields) -> models.Model:
    """Get or create one row, and write only the fields that differ (so a rerun writes nothing)."""
    obj, created = model.objects.get_or_create(**lookup, defaults=fields)
    if not created:
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, fields[name])
            obj.save(update_fields=changed)
    return obj


def _ensure_user(person: DemoPerson, **flags: bool) -> User:
    user = _ensure(User, {"email": person.email}, full_name=person.full_name, **flags)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _ensure_team(engagement: Engagement, people: list[DemoPerson]) -> None:
    groups = {group.name: group for group in engagement.stakeholder_groups.all()}
    for person in people:
        _ensure(
            Membership,
            {"user": _ensure_user(person), "engagement": engagement},
            roles=[str(role) for role in person.roles],
            stakeholder_group=groups.get(person.group) if person.group else None,
        )


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    """Build (or confirm) the demo world and return the people who can sign in to it."""
    riverside = _ensure(
        Organization,
        {"name": "Riverside Unified School District"},
        kind=Organization.Kind.DISTRICT,
    )
    plan = _ensure(
        Engagement,
        {"organization": riverside, "name": "Strategic Plan 2027–2032"},
        status=Engagement.Status.ACTIVE,
    )
    for position, (name, quota, selected_by) in enumerate(DISTRICT_GROUPS):
        _ensure(
            StakeholderGroup,
            {"engagement": plan, "name": name},
            quota=quota,
            selected_by=selected_by,
            position=position,
        )
    _ensure_team(plan, RIVERSIDE_PEOPLE)

    # A second client of the same facilitation firm, so the demo shows that one organization
    # never sees another's work.
    lakeview = _ensure(
        Organization,
        {"name": "Lakeview Community Foundation"},
        kind=Organization.Kind.NONPROFIT,
    )
    lakeview_plan = _ensure(
        Engagement,
        {"organization": lakeview, "name": "Mission, Vision and Values Refresh"},
        status=Engagement.Status.PREPARING,
    )
    _ensure_team(lakeview_plan, LAKEVIEW_PEOPLE)

    # Superusers work in the admin pages only; in the app they see no engagement of their own.
    _ensure_user(SITE_ADMIN, is_staff=True, is_superuser=True)
    return [*RIVERSIDE_PEOPLE, *LAKEVIEW_PEOPLE, SITE_ADMIN]
