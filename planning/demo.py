"""Riverside's draft plan for the demo, built from its data-retreat SWOT: mission, vision, five
values, four goals with their strategies, measures and action steps, and two saved drafts that
differ. Seed 002's sample goal ("Academic Success") and its strategies are used as written.

Built on the engagements and retreats demos. Made only when the plan has no goals yet, so a
user's edits are never overwritten.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from engagements.models import Engagement, Membership

from . import selectors, services

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
