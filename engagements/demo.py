"""The demo world: a fictional district, Riverside Unified, mid-way through its strategic plan.

`python manage.py load_demo` builds it. Running it again changes nothing: rows are made only when
missing, so changes people made in the demo survive (dates are set relative to the first run).
Riverside follows the district 9-step process: the data retreat is done and the vision retreat
is next; the roster has some seats still empty.
"""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User

from .models import (
    AgendaItem,
    Attendance,
    Engagement,
    Invitation,
    Meeting,
    Membership,
    Organization,
    Phase,
    PhaseChange,
    ProcessTemplate,
    Role,
    StakeholderGroup,
    TemplatePhase,
)
from .process_data import DISTRICT_GROUPS, PHASE_FIELDS, install_builtin_templates
from .selectors.invitations import token_hash

DEMO_PASSWORD = "aligned-demo-2026"  # noqa: S105 - published on purpose, for the demo only


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
PREVIOUS_PLAN = "Strategic Plan 2021–2026"
SITE_ADMIN = DemoPerson("admin@aligned.example", "Site Admin", (), None)
LAKEVIEW_PEOPLE = [
    DemoPerson("facilitator@lakeview.example", "Sam Okafor", (Role.FACILITATOR,), None),
]

# The rest of Riverside's plan team (no sign-in): some seats are still empty on purpose.
# Staff 10 of 12, parents 5 of 8 (with Priya), community 4 of 4, board 2 of 2, union 2 of 2,
# district leadership 2 of 2, building leadership 2 of 2, students 3 of 6.
PLAN_TEAM = {
    "Staff": [
        "Helen Park",
        "Tomás Rivera",
        "Keisha Brown",
        "Daniel Cho",
        "Maria Santos",
        "Owen Fitzgerald",
        "Aisha Rahman",
        "Brian Walsh",
        "Lucy Nguyen",
        "Peter Novak",
    ],
    "Parents": ["Rosa Delgado", "James Carter", "Mei Lin", "Fatima Yusuf"],
    "Community": ["Robert Hayes", "Sandra Kim", "Luis Ortega", "Grace Adeyemi"],
    "Board": ["Thomas Reed"],
    "Union": ["Carol Jensen", "Victor Morales"],
    "Building leadership": ["Angela Price", "Samuel Ortiz"],
    "Students (high school)": ["Jaylen Ross", "Sofia Marquez", "Ethan Clarke"],
}
# Invited, not yet answered.
INVITED = [
    ("Nadia Haddad", "nadia.haddad@riverside.example", "Students (high school)"),
    ("Kevin O'Brien", "kevin.obrien@riverside.example", "Parents"),
]


def _ensure(model: type[models.Model], lookup: dict, **fields) -> models.Model:
    """Create the row if it is missing; never change one that exists, so whatever people did
    in the demo since (renamed a phase, gave someone a role) survives a rerun."""
    obj, _ = model.objects.get_or_create(**lookup, defaults=fields)
    return obj


def _ensure_user(person: DemoPerson, **flags: bool) -> User:
    user, created = User.objects.get_or_create(
        email=person.email, defaults={"full_name": person.full_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _ensure_member_without_sign_in(engagement, name: str, group: StakeholderGroup) -> None:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    email = plain.lower().replace(" ", ".").replace("'", "") + "@riverside.example"
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    _ensure(
        Membership,
        {"user": user, "engagement": engagement},
        roles=[Role.PLAN_TEAM.value],
        stakeholder_group=group,
    )


def _ensure_district_groups(engagement: Engagement) -> None:
    for position, (name, quota, selected_by, block) in enumerate(DISTRICT_GROUPS):
        _ensure(
            StakeholderGroup,
            {"engagement": engagement, "name": name},
            quota=quota,
            selected_by=selected_by,
            block=block,
            position=position,
        )


def _ensure_team(engagement: Engagement, people: list[DemoPerson]) -> None:
    groups = {group.name: group for group in engagement.stakeholder_groups.all()}
    for person in people:
        flags = {"can_facilitate": True} if Role.FACILITATOR in person.roles else {}
        _ensure(
            Membership,
            {"user": _ensure_user(person, **flags), "engagement": engagement},
            roles=[str(role) for role in person.roles],
            stakeholder_group=groups.get(person.group) if person.group else None,
        )


def _ensure_phases(engagement: Engagement, template: ProcessTemplate) -> list[Phase]:
    for phase in template.phases.all():
        _ensure(
            Phase,
            {"engagement": engagement, "position": phase.position},
            **{field: getattr(phase, field) for field in PHASE_FIELDS},
        )
    return list(engagement.phases.order_by("position"))


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _riverside_progress(engagement: Engagement, phases: list[Phase], today) -> None:
    """Readiness, orientation and the data retreat are done; the vision retreat is next.

    Set once, when the engagement has no history yet: later moves on the timeline are kept.
    """
    if PhaseChange.objects.filter(engagement=engagement).exists():
        return
    schedule = [(-120, -100), (-95, -60), (-55, -14), (-13, 21)]
    for phase, (start, end) in zip(phases, schedule, strict=False):
        phase.starts_on, phase.ends_on = today + timedelta(start), today + timedelta(end)
    for phase in phases:
        phase.status = (
            Phase.Status.DONE
            if phase.position < 3
            else Phase.Status.IN_PROGRESS
            if phase.position == 3
            else Phase.Status.NOT_STARTED
        )
    Phase.objects.bulk_update(phases, ["status", "starts_on", "ends_on"])
    facilitator = User.objects.get(email="facilitator@riverside.example")
    reasons = [
        (
            None,
            phases[0],
            "Readiness session held with leaders of the board, union and management.",
        ),
        (phases[0], phases[1], "Contract signed; core team named."),
        (phases[1], phases[2], "Orientation held: roles, commitments and schedule agreed."),
        (phases[2], phases[3], "Data retreat held; SWOT themes voted. Vision retreat next."),
    ]
    for from_phase, to_phase, reason in reasons:
        PhaseChange.objects.create(
            engagement=engagement,
            direction=PhaseChange.Direction.FORWARD,
            from_phase=from_phase,
            to_phase=to_phase,
            reason=reason,
            by=facilitator,
        )


RIVERSIDE_MEETINGS = [
    # phase position, title, kind, days from today, start hour, minutes, place, agenda
    (
        0,
        "Readiness and introduction session",
        Meeting.Kind.READINESS,
        -110,
        16,
        90,
        "District office, board room",
        [
            ("Welcome and introductions", 10),
            ("The strategic planning process", 40),
            ("Roles of board, union and management", 25),
            ("Questions and next steps", 15),
        ],
    ),
    (
        1,
        "Plan team orientation",
        Meeting.Kind.ORIENTATION,
        -80,
        17,
        120,
        "Riverside High School library",
        [
            ("Who are we and what are we being asked to do?", 20),
            ("The big picture", 30),
            ("Roles, responsibilities and commitments", 30),
            ("Current plan analysis report", 30),
            ("Schedule and next meeting", 10),
        ],
    ),
    (
        2,
        "Data retreat",
        Meeting.Kind.RETREAT,
        -20,
        8,
        360,
        "Riverside High School commons",
        [
            ("Where are we now? Purpose of the day", 20),
            ("Student achievement data", 60),
            ("Satisfaction surveys: students, staff, families, community", 60),
            ("Lunch", 45),
            ("SWOT analysis in small groups", 90),
            ("Grouping into themes and dot voting", 60),
            ("Reflection and next steps", 25),
        ],
    ),
    (
        3,
        "Core team agenda planning",
        Meeting.Kind.CORE_TEAM,
        7,
        16,
        40,
        "",
        [("Review data retreat results", 15), ("Finalize the vision retreat agenda", 25)],
    ),
    (
        3,
        "Vision retreat",
        Meeting.Kind.RETREAT,
        14,
        8,
        360,
        "Riverside High School commons",
        [
            ("Where do we want to be? Purpose of the day", 15),
            ("SWOT themes from the data retreat", 30),
            ("Best practice research: high-performing districts", 60),
            ("How do we want to be different 5-10 years from now?", 75),
            ("Lunch", 45),
            ("Mission, vision and values: draft statements", 75),
            ("Our leadership team's collective mindset", 40),
            ("Next steps", 20),
        ],
    ),
]


def _riverside_meetings(engagement: Engagement, phases: list[Phase], today) -> None:
    by_position = {phase.position: phase for phase in phases}
    for position, title, kind, days, hour, minutes, place, agenda in RIVERSIDE_MEETINGS:
        link = "https://meet.example.org/riverside-core" if kind == Meeting.Kind.CORE_TEAM else ""
        meeting, created = Meeting.objects.get_or_create(
            engagement=engagement,
            title=title,
            defaults={
                "phase": by_position[position],
                "kind": kind,
                "starts_at": _at(today + timedelta(days), hour),
                "duration_minutes": minutes,
                "place": place,
                "link": link,
            },
        )
        if created:
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, position=i, title=item, minutes=box)
                for i, (item, box) in enumerate(agenda)
            )
    retreat = Meeting.objects.get(engagement=engagement, title="Data retreat")
    if not retreat.attendance.exists():
        members = [m for m in engagement.memberships.all() if not m.has_role("facilitator")]
        Attendance.objects.bulk_create(
            Attendance(
                meeting=retreat,
                membership=member,
                status=Attendance.Status.ABSENT if i % 9 == 4 else Attendance.Status.PRESENT,
            )
            for i, member in enumerate(members)
        )


def _riverside_invitations(engagement: Engagement) -> None:
    groups = {group.name: group for group in engagement.stakeholder_groups.all()}
    facilitator = User.objects.get(email="facilitator@riverside.example")
    valid_days = getattr(settings, "INVITATION_VALID_DAYS", 14)
    for name, email, group in INVITED:
        if not Invitation.objects.filter(engagement=engagement, email=email).exists():
            now = timezone.now()
            Invitation.objects.create(
                engagement=engagement,
                email=email,
                full_name=name,
                roles=[Role.PLAN_TEAM.value],
                stakeholder_group=groups[group],
                token_hash=token_hash(secrets.token_urlsafe(32)),
                invited_by=facilitator,
                sent_at=now,
                send_count=1,
                expires_at=now + timedelta(days=valid_days),
            )


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    """Build (or confirm) the demo world and return the people who can sign in to it."""
    install_builtin_templates(ProcessTemplate, TemplatePhase)
    district = ProcessTemplate.objects.get(key="district-9-step")
    riverside = _ensure(
        Organization,
        {"name": "Riverside Unified School District"},
        kind=Organization.Kind.DISTRICT,
    )
    plan = _ensure(
        Engagement,
        {"organization": riverside, "name": "Strategic Plan 2027–2032"},
        template=district,
        template_name=district.name,
    )
    _ensure_district_groups(plan)
    _ensure_team(plan, RIVERSIDE_PEOPLE)
    groups = {group.name: group for group in plan.stakeholder_groups.all()}
    for group, names in PLAN_TEAM.items():
        for name in names:
            _ensure_member_without_sign_in(plan, name, groups[group])
    today = timezone.localdate()
    phases = _ensure_phases(plan, district)
    _riverside_progress(plan, phases, today)
    _riverside_meetings(plan, phases, today)
    _riverside_invitations(plan)

    # Riverside's previous plan, approved by the board in 2021: the demo's approved plan.
    previous = _ensure(
        Engagement,
        {"organization": riverside, "name": PREVIOUS_PLAN},
        template=district,
        template_name=district.name,
    )
    _ensure_district_groups(previous)
    _ensure_team(previous, RIVERSIDE_PEOPLE)
    for phase in _ensure_phases(previous, district):
        if phase.status != Phase.Status.DONE:
            Phase.objects.filter(pk=phase.pk).update(status=Phase.Status.DONE)

    # A second client of another facilitator, so the demo shows that one organization never
    # sees another's work.
    lakeview = _ensure(
        Organization,
        {"name": "Lakeview Community Foundation"},
        kind=Organization.Kind.NONPROFIT,
    )
    three_levels = ProcessTemplate.objects.get(key="values-based-three-levels")
    lakeview_plan = _ensure(
        Engagement,
        {"organization": lakeview, "name": "Mission, Vision and Values Refresh"},
        template=three_levels,
        template_name=three_levels.name,
    )
    _ensure_team(lakeview_plan, LAKEVIEW_PEOPLE)
    _ensure_phases(lakeview_plan, three_levels)

    # Superusers work in the admin pages only; in the app they see no engagement of their own.
    _ensure_user(SITE_ADMIN, is_staff=True, is_superuser=True)
    return [*RIVERSIDE_PEOPLE, *LAKEVIEW_PEOPLE, SITE_ADMIN]
