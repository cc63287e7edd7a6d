"""Riverside's draft plan for the demo, built from its data-retreat SWOT: mission, vision, five
values, four goals with their strategies, measures and action steps, and two saved drafts that
differ. Seed 002's sample goal ("Academic Success") and its strategies are used as written.

Built on the engagements and retreats demos. Made only when the plan has no goals yet, so a
user's edits are never overwritten.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.models import Engagement, Membership

from . import selectors, services
from .models import ApprovalRule, Comment, Goal, PlanEvent, PlanVersion, Review, Strategy
from .selectors.review import WHOLE, targets
from .services import approval as approvals
from .services import review as reviews

MISSION = (
    "Riverside Unified partners with families and community to inspire and prepare every "
    "student to reach their full potential in college, career and life."
)
VISION = (
    "Every Riverside student graduates with a plan, the skills to carry it out, and a "
    "community that believes in them."
)
VALUES = [
    ("Students first", "We make decisions by asking what is best for students."),
    ("Equity", "Every student gets what they need to succeed."),
    ("Integrity", "We are honest, keep our commitments and own our results."),
    ("Partnership", "Families, staff and community are partners in learning."),
    ("Continuous improvement", "We use data to learn, adjust and grow."),
]
# (goal, description, [(strategy, [action steps])], measure)
GOALS = [
    (
        "Academic Success",
        "All students will demonstrate continuous academic growth to ensure college, career, "
        "and life success.",
        [
            (
                "Close achievement gaps",
                [
                    "Examine differences between student groups to target achievement gaps",
                    "Examine and refine English Learner programs",
                ],
            ),
            (
                "Research, explore, and pilot 21st century learning strategies",
                [
                    "Fully implement Universal Design for Learning throughout the district",
                    "Provide multiple pathways for students to demonstrate mastery",
                ],
            ),
            ("Improve instructional alignment with learning standards", []),
        ],
        ("Students meeting grade-level standard in reading", "State assessment", 61, 75, "%"),
    ),
    (
        "Pathways Beyond High School",
        "Every student leaves with a plan and real-world experience.",
        [
            ("Expand dual-credit courses with Riverside Community College", ["Add four courses"]),
            ("Build internships with local employers", ["Sign ten employer partners"]),
        ],
        ("Graduates with a postsecondary plan", "Senior exit survey", 68, 90, "%"),
    ),
    (
        "Family and Community Partnership",
        "Families feel welcome and informed in every school.",
        [
            ("Make communication with families consistent in every school", ["Adopt one app"]),
            ("Welcome families who speak languages other than English", ["Hire interpreters"]),
        ],
        ("Families who feel informed", "Annual family survey", 54, 80, "%"),
    ),
    (
        "Great People",
        "Riverside recruits, supports and keeps excellent staff.",
        [
            ("Grow bilingual staff from our own community", ["Launch a paraeducator pathway"]),
            ("Support staff well-being", ["Form a staff well-being committee"]),
            ("Recognize and share great teaching", []),
        ],
        ("Teachers who stay three years or more", "HR records", 72, 85, "%"),
    ),
]


@transaction.atomic
def load_plan_demo(engagement: Engagement) -> None:
    plan = services.plan_for(engagement)
    if plan.goals.exists():
        return
    owners = list(
        Membership.objects.filter(engagement=engagement)
        .select_related("user")
        .order_by("user__email")
    )
    facilitator = User.objects.filter(email="facilitator@riverside.example").first()
    services.plan_update(plan=plan, mission=MISSION, vision=VISION, use_objectives=False)
    for title, description in VALUES:
        services.element_add("value", plan=plan, title=title, description=description)
    carried = {c.text: c for c in selectors.carried_forward(engagement) if c.kind == "theme"}
    goals = []
    for index, (title, description, strategies, measure) in enumerate(GOALS):
        source = carried.get(
            {1: "Pathways beyond high school", 3: "Great people and programs"}.get(index, "")
        )
        goal = services.element_add(
            "goal",
            plan=plan,
            title=title,
            description=description,
            specific_outcome=description,
            measured_by=measure[1],
            target=f"{measure[3]}{measure[4]} by June 2032",
            owner=owners[index % len(owners)],
            target_date=date(2032, 6, 30),
            source_theme=source.item if source else None,
            source_kind="theme" if source else "",
            source_text=source.text if source else "",
            source_dots=source.dots if source else None,
        )
        goals.append(goal)
        indicator, data_source, baseline, target, unit = measure
        services.element_add(
            "measure",
            goal=goal,
            indicator=indicator,
            data_source=data_source,
            baseline=Decimal(baseline),
            baseline_date=date(2026, 6, 30),
            target=Decimal(target),
            target_date=date(2032, 6, 30),
            unit=unit,
            frequency="yearly",
        )
        for s_index, (strategy_title, steps) in enumerate(strategies):
            strategy = services.element_add("strategy", goal=goal, title=strategy_title)
            for step_index, step in enumerate(steps):
                services.element_add(
                    "action_step",
                    strategy=strategy,
                    description=step,
                    stage="plan" if step_index else "do",
                    owner=owners[(index + s_index + step_index) % len(owners)],
                    start_date=date(2027, 8, 1),
                    due_date=date(2028, 6, 30),
                    resources_people="Curriculum team" if index == 0 else "Project lead",
                    resources_time="2 days of release time per term",
                    resources_money=Decimal(5000 * (step_index + 1)),
                )
    services.version_save(plan=plan, label="After the vision retreat", author=facilitator)
    # Draft 2: the plan team sharpened the first goal and added a fifth value.
    services.element_update(
        goals[0],
        description="All students will demonstrate steady academic growth each year to ensure "
        "college, career, and life success.",
    )
    services.element_add(
        "value", plan=plan, title="Joy in learning", description="School is a place to grow."
    )
    services.version_save(plan=plan, label="Plan team work session", author=facilitator)


# --- review and approval --------------------------------------------------------------------------

# The demo's public review link (a real link's token is random and shown once).
DEMO_REVIEW_TOKEN = "riverside-draft-2-demo"  # noqa: S105 (a demo link, not a secret)

MEMBER_COMMENTS = [
    # (commenter's e-mail, part of the draft by title or "plan", text, reply (e-mail, text))
    (
        "board@riverside.example",
        "Academic Success",
        "“Continuous growth” is hard to hold anyone to. Which test, and what counts as growth?",
        (
            "core@riverside.example",
            "Good point: the measure is the state reading assessment; we will say so.",
        ),
    ),
    (
        "plan@riverside.example",
        "Family and Community Partnership",
        "Families who work evenings cannot come to daytime meetings. Please add evening and "
        "online options.",
        None,
    ),
    (
        "superintendent@riverside.example",
        "plan",
        "Five goals for five years is right. Keep the plan to one page.",
        None,
    ),
    (
        "helen.park@riverside.example",
        "Great People",
        "Staff well-being needs a measure of its own, not only retention.",
        None,
    ),
]
PUBLIC_FEEDBACK = [
    # (name, category, part, text, state, resolution)
    (
        "Rosa M.",
        "Parent or guardian",
        "Family and Community Partnership",
        "Please send messages in Spanish as well as English.",
        "accepted",
        "Added “in the languages our families speak” to the communication strategy.",
    ),
    (
        "",
        "Community member",
        "Pathways Beyond High School",
        "Include the trades, not only college.",
        "open",
        "",
    ),
    (
        "Jordan P.",
        "Student",
        "Pathways Beyond High School",
        "More internships please! Apprenticeships count too.",
        "duplicate",
        "",
    ),
    (
        "Anonymous parent",
        "Parent or guardian",
        "plan",
        "Why not a goal about school buildings? Ours leaks.",
        "declined",
        "Facilities are planned in the district's separate facilities master plan; we passed "
        "your note to the facilities team.",
    ),
]


def _member(engagement: Engagement, email: str) -> Membership:
    return Membership.objects.select_related("user", "stakeholder_group").get(
        engagement=engagement, user__email=email
    )


def _target(review, title: str) -> tuple[str, str]:
    if title == WHOLE:
        return WHOLE, ""
    found = next(t for t in targets(review.version.data) if t.label == title)
    return found.kind, found.id


@transaction.atomic
def load_review_demo(engagement: Engagement) -> None:
    """Draft 2 under review: members' comments with a reply, public feedback in every state,
    and buy-in answers from the plan team. Made once."""
    version = PlanVersion.objects.filter(plan__engagement=engagement, number=2).first()
    if version is None or Review.objects.filter(version__plan=version.plan).exists():
        return
    facilitator = User.objects.get(email="facilitator@riverside.example")
    today = timezone.localdate()
    review, _ = reviews.review_publish(
        version=version,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=9),
        public_link=False,
        public_buy_in=True,
        by=facilitator,
    )
    review.public_token_hash = reviews.token_hash(DEMO_REVIEW_TOKEN)
    review.public_link_made_at = timezone.now()
    review.save(update_fields=["public_token_hash", "public_link_made_at"])
    for email, part, text, reply in MEMBER_COMMENTS:
        kind, element_id = _target(review, part)
        comment = reviews.comment_add(
            review=review,
            membership=_member(engagement, email),
            body=text,
            element_kind=kind,
            element_id=element_id,
        )
        if reply:
            reviews.comment_add(
                review=review,
                membership=_member(engagement, reply[0]),
                body=reply[1],
                parent=comment,
            )
    core = User.objects.get(email="core@riverside.example")
    feedback = {}
    for name, category, part, text, state, _resolution in PUBLIC_FEEDBACK:
        kind, element_id = _target(review, part)
        feedback[state] = reviews.feedback_add(
            review=review,
            body=text,
            category=category,
            element_kind=kind,
            element_id=element_id,
            name=name,
        )
    for state in ("accepted", "declined", "duplicate"):
        item = feedback[state]
        resolution = next(f[5] for f in PUBLIC_FEEDBACK if f[4] == state)
        reviews.comment_triage(
            comment=item,
            by=core,
            state=state,
            resolution=resolution,
            duplicate_of=feedback["open"] if state == "duplicate" else None,
        )
    # A member's comment accepted, with the change linked to the goal in the working copy.
    goal = version.plan.goals.get(title="Academic Success")
    first = Comment.objects.filter(review=review, parent__isnull=True, is_public=False).first()
    reviews.comment_triage(
        comment=first,
        by=core,
        state="accepted",
        resolution="The goal now names the state reading assessment as its measure.",
        change=("goal", str(goal.pk), goal.title),
    )
    # Buy-in: most of the plan team has answered.
    goals = [g["id"] for g in version.data["plan"]["goals"]]
    answering = (
        Membership.objects.filter(engagement=engagement, stakeholder_group__isnull=False)
        .select_related("stakeholder_group", "user")
        .exclude(user__email__in=["board@riverside.example"])
        .order_by("user__email")
    )
    for index, membership in enumerate(answering):
        if membership.stakeholder_group.name == "Board":
            continue
        support = {goal_id: 5 - (index + position) % 3 for position, goal_id in enumerate(goals)}
        reviews.buy_in_submit(
            review=review,
            membership=membership,
            support=support,
            commits="unsure" if index % 5 == 4 else "yes",
        )


PREVIOUS = {
    "mission": "Riverside Unified educates every student to be a confident, caring and capable "
    "member of our community.",
    "vision": "Every school a great school.",
    "values": ["Students first", "Respect", "Excellence"],
    "goals": [
        (
            "Every student reads by grade 3",
            ["Full-day kindergarten in every school", "Reading coaches in grades K-3"],
            ("Third graders reading at grade level", 48, 65),
        ),
        (
            "Safe and welcoming schools",
            ["Positive behavior supports in every school", "Counselor in every middle school"],
            ("Students who feel safe at school", 71, 85),
        ),
        (
            "Ready for college and career",
            ["Advanced Placement open to every student", "Career pathways in three fields"],
            ("Graduates meeting college entrance requirements", 39, 50),
        ),
    ],
}
# The retreat theme or card each of these came from, with its dots (issue 16, the public page).
PREVIOUS_SOURCES = [
    (Goal, "Every student reads by grade 3", ("theme", "Reading early, reading well", 31)),
    (Goal, "Safe and welcoming schools", ("theme", "Every child feels they belong", 24)),
    (
        Strategy,
        "Counselor in every middle school",
        ("card", "More counselors, fewer suspensions", 9),
    ),
    (Strategy, "Career pathways in three fields", ("card", "Jobs in our town need our grads", 7)),
]
PREVIOUS_SOURCE_SCOPE = {Goal: "plan", Strategy: "goal__plan"}
# Who owns each goal of the previous plan (a goal's owner owns its measures): the monitoring demo
# (monitoring/demo.py) reports on them as these people would have.
PREVIOUS_OWNERS = {
    "Every student reads by grade 3": "core@riverside.example",
    "Safe and welcoming schools": "plan@riverside.example",
    "Ready for college and career": "superintendent@riverside.example",
}
# How often each goal's measure is reported.
PREVIOUS_FREQUENCY = {
    "Third graders reading at grade level": "quarterly",
    "Students who feel safe at school": "twice_a_year",
    "Graduates meeting college entrance requirements": "twice_a_year",
}
# A strategy's own measure: (indicator, data source, baseline, target, unit, direction, frequency).
PREVIOUS_STRATEGY_MEASURES = {
    "Reading coaches in grades K-3": (
        "K–3 students meeting the monthly reading benchmark",
        "Classroom reading checks",
        55,
        75,
        "%",
        "up",
        "monthly",
    ),
    "Positive behavior supports in every school": (
        "Suspensions per 100 students",
        "Student information system",
        6,
        3,
        "per 100 students",
        "down",
        "quarterly",
    ),
    "Advanced Placement open to every student": (
        "High school students in at least one Advanced Placement course",
        "Course enrolment",
        18,
        30,
        "%",
        "up",
        "monthly",
    ),
}
# The action steps of each strategy, placed in plan years (year 1 is 2021–22) as the senior
# leadership team's implementation schedule did (seed 003, step 10):
# (description, stage, owner, plan year, start, due, people, time, money).
PREVIOUS_STEPS = {
    "Full-day kindergarten in every school": [
        (
            "Open full-day kindergarten in the six schools that still had half days",
            "act",
            "core@riverside.example",
            1,
            date(2021, 7, 1),
            date(2022, 6, 30),
            "Six kindergarten teachers; six instructional aides",
            "One school year",
            1_200_000,
        ),
        (
            "Study kindergarten readiness results and adjust the full day's schedule",
            "study",
            "core@riverside.example",
            4,
            date(2024, 7, 1),
            None,
            "Kindergarten teachers; elementary principals",
            "Two hours a month",
            15_000,
        ),
    ],
    "Reading coaches in grades K-3": [
        (
            "Hire a reading coach for every elementary school",
            "act",
            "core@riverside.example",
            2,
            date(2022, 7, 1),
            date(2023, 6, 30),
            "Nine reading coaches",
            "One school year",
            810_000,
        ),
        (
            "Coach K-3 teachers in small-group guided reading, one cycle each term",
            "act",
            "core@riverside.example",
            5,
            date(2025, 7, 1),
            None,
            "Reading coaches; K-3 teachers",
            "One cycle each term",
            60_000,
        ),
    ],
    "Positive behavior supports in every school": [
        (
            "Train every school's team in positive behavior supports",
            "act",
            "plan@riverside.example",
            2,
            date(2022, 8, 1),
            date(2023, 6, 30),
            "A team of five in each school; two trainers",
            "Four training days",
            48_000,
        ),
        (
            "Review suspension data each month with principals and adjust supports",
            "study",
            "plan@riverside.example",
            5,
            date(2025, 7, 1),
            None,
            "Principals; counselors; the behavior support coach",
            "One hour a month",
            None,
        ),
    ],
    "Counselor in every middle school": [
        (
            "Hire counselors for the three middle schools without one",
            "act",
            "superintendent@riverside.example",
            3,
            date(2023, 3, 1),
            date(2023, 8, 15),
            "Three counselors",
            "One hiring season",
            285_000,
        ),
    ],
    "Advanced Placement open to every student": [
        (
            "Open every Advanced Placement course to any student who wants to take it",
            "act",
            "superintendent@riverside.example",
            1,
            date(2021, 8, 1),
            date(2022, 6, 30),
            "High school counselors",
            "One school year",
            None,
        ),
        (
            "Pay Advanced Placement exam fees for students from low-income families",
            "do",
            "superintendent@riverside.example",
            4,
            date(2024, 9, 1),
            None,
            "Counselors; the business office",
            "Each spring",
            40_000,
        ),
    ],
    "Career pathways in three fields": [
        (
            "Launch health, construction and technology pathways with local employers",
            "do",
            "superintendent@riverside.example",
            5,
            date(2025, 7, 1),
            date(2026, 6, 30),
            "Three pathway teachers; an employer liaison",
            "One school year",
            350_000,
        ),
    ],
}


@transaction.atomic
def load_approved_demo(engagement: Engagement) -> None:
    """Riverside's previous plan (2021–2026): reviewed, frozen, recommended by the
    superintendent and approved by the board at its meeting, recorded by the clerk. Made once;
    its history carries the dates it happened on."""
    plan = services.plan_for(engagement)
    if plan.versions.exists():
        return
    facilitator = User.objects.get(email="facilitator@riverside.example")
    superintendent = User.objects.get(email="superintendent@riverside.example")
    services.plan_update(
        plan=plan, mission=PREVIOUS["mission"], vision=PREVIOUS["vision"], use_objectives=False
    )
    for title in PREVIOUS["values"]:
        services.element_add("value", plan=plan, title=title)
    members = {
        m.user.email: m
        for m in Membership.objects.filter(engagement=engagement).select_related("user")
    }
    for title, strategies, (indicator, baseline, target) in PREVIOUS["goals"]:
        goal = services.element_add(
            "goal",
            plan=plan,
            title=title,
            target_date=date(2026, 6, 30),
            owner=members.get(PREVIOUS_OWNERS[title]),
        )
        services.element_add(
            "measure",
            goal=goal,
            indicator=indicator,
            baseline=Decimal(baseline),
            baseline_date=date(2020, 6, 30),
            target=Decimal(target),
            target_date=date(2026, 6, 30),
            unit="%",
            frequency=PREVIOUS_FREQUENCY[indicator],
        )
        for name in strategies:
            strategy = services.element_add("strategy", goal=goal, title=name)
            if name in PREVIOUS_STRATEGY_MEASURES:
                indicator, source, low, high, unit, direction, frequency = (
                    PREVIOUS_STRATEGY_MEASURES[name]
                )
                services.element_add(
                    "measure",
                    strategy=strategy,
                    indicator=indicator,
                    data_source=source,
                    baseline=Decimal(low),
                    baseline_date=date(2020, 6, 30),
                    target=Decimal(high),
                    target_date=date(2026, 6, 30),
                    unit=unit,
                    direction=direction,
                    frequency=frequency,
                )
            for text, stage, owner, year, start, due, people, time_, money in PREVIOUS_STEPS.get(
                name, []
            ):
                services.element_add(
                    "action_step",
                    strategy=strategy,
                    description=text,
                    stage=stage,
                    owner=members.get(owner),
                    plan_year=year,
                    start_date=start,
                    due_date=due,
                    resources_people=people,
                    resources_time=time_,
                    resources_money=None if money is None else Decimal(money),
                )
    # Where some goals and strategies came from: the 2020 retreat's themes and cards, with
    # their dots (the public progress page shows them; monitoring/demo.py turns it on).
    for model, title, (kind, words, dots) in PREVIOUS_SOURCES:
        model.objects.filter(**{PREVIOUS_SOURCE_SCOPE[model]: plan}, title=title).update(
            source_kind=kind, source_text=words, source_dots=dots
        )
    draft1 = services.version_save(plan=plan, label="Draft for the community", author=facilitator)
    review = Review.objects.create(
        version=draft1,
        opens_on=date(2021, 3, 1),
        closes_on=date(2021, 3, 21),
        published_by=facilitator,
        closed_at=timezone.make_aware(datetime.combine(date(2021, 3, 22), time(8))),
    )
    services.element_add("value", plan=plan, title="Community")
    draft2 = services.version_save(plan=plan, label="Final draft", author=facilitator)
    clerk = Membership.objects.get(engagement=engagement, user=superintendent)
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=clerk, by=facilitator
    )
    approval = approvals.plan_freeze(plan=plan, version=draft2, by=facilitator)
    approvals.plan_recommend(
        approval=approval,
        by=superintendent,
        note="The plan reflects what our community told us. I recommend it for approval.",
    )
    approvals.board_decision_record(
        approval=approval,
        by=superintendent,
        approved=True,
        meeting_date=date(2021, 5, 11),
        minutes_reference="Regular meeting of May 11, 2021, item 9.1 (approved 5–0)",
    )
    # The history as it happened in 2021 (the services wrote it with today's time).
    days = [date(2021, 4, 20), date(2021, 4, 27), date(2021, 5, 11)]
    events = list(PlanEvent.objects.filter(plan=plan).order_by("at"))
    PlanEvent.objects.create(
        plan=plan,
        version=draft1,
        actor=facilitator,
        actor_name=facilitator.get_full_name(),
        at=timezone.make_aware(datetime.combine(date(2021, 2, 26), time(16))),
        action="Published draft 1 for review",
        from_state="saved draft",
        to_state="under review",
        note="Open from Mar 1, 2021 to Mar 21, 2021; team only.",
    )
    PlanEvent.objects.create(
        plan=plan,
        version=draft1,
        actor=None,
        actor_name="Aligned (on the set date)",
        at=review.closed_at,
        action="Closed the review of draft 1",
        from_state="under review",
        to_state="review closed",
    )
    for event, day in zip(events, days, strict=True):
        PlanEvent.objects.filter(pk=event.pk).update(
            at=timezone.make_aware(datetime.combine(day, time(19)))
        )
    moments = {d: timezone.make_aware(datetime.combine(d, time(19))) for d in days}
    approval.__class__.objects.filter(pk=approval.pk).update(
        frozen_at=moments[days[0]],
        recommended_at=moments[days[1]],
        decided_at=moments[days[2]],
    )
    PlanVersion.objects.filter(pk=draft1.pk).update(
        created_at=timezone.make_aware(datetime.combine(date(2021, 2, 26), time(15)))
    )
    PlanVersion.objects.filter(pk=draft2.pk).update(
        created_at=timezone.make_aware(datetime.combine(date(2021, 4, 20), time(18)))
    )
    Review.objects.filter(pk=review.pk).update(
        published_at=timezone.make_aware(datetime.combine(date(2021, 2, 26), time(16)))
    )
