"""Riverside's retreats for the demo: the finished data-retreat SWOT and the open vision brainstorm.

Built on the engagements demo (engagements.demo.load_demo runs first). Made only when missing.
"""

import random

from django.db import transaction

from engagements.models import Engagement, Meeting, Membership

from . import services
from .models import Activity, Card, Retreat

SWOT = {
    "S": [
        "Caring, experienced teachers who know their students by name",
        "Strong graduation rate compared with similar districts",
        "Award-winning music and theater programs",
        "Parents volunteer in every elementary school",
        "New STEM labs at both middle schools",
        "Dual-credit partnership with Riverside Community College",
        "Safe, well-kept buildings",
        "Active student council that wants a voice",
        "Stable leadership team and board",
        "Good relationship between the union and the district",
        "High-quality early childhood program",
        "Community pride in Riverside schools",
        "Teachers collaborate in professional learning communities",
        "Balanced budget and healthy reserves",
        "Strong athletics with high participation",
    ],
    "W": [
        "Achievement gaps for English learners and students with disabilities",
        "Chronic absenteeism rose after 2020",
        "Communication with families is inconsistent between schools",
        "Middle school math scores are flat",
        "Too many initiatives at once; teachers feel stretched",
        "Technology is uneven from classroom to classroom",
        "Hard to recruit bilingual staff and substitutes",
        "Data is collected but rarely used to change practice",
        "Few pathways for students not going to college",
        "Special education paperwork takes time from teaching",
        "Parents of high schoolers feel less welcome than in elementary",
        "Student mental health support is stretched thin",
        "Facilities plan is out of date",
        "Limited mentoring for new teachers",
        "Students say homework load is uneven",
    ],
    "O": [
        "Local employers want apprenticeships and internships",
        "State grants for career and technical education",
        "Growing Spanish-speaking community can strengthen family engagement",
        "Community college wants to expand dual credit",
        "Universal Design for Learning across all schools",
        "Use student choice and interests in lesson design",
        "Partner with the county on mental health services",
        "Retiring staff can mentor new teachers",
        "Library and parks department want joint summer programs",
        "Bond measure could renew aging buildings",
        "Parent academies on supporting learning at home",
        "Student voice in school improvement teams",
        "Better data dashboards for teachers",
        "Grow-your-own teacher program with high-school students",
        "Shared services with neighboring districts",
    ],
    "T": [
        "Enrollment decline projected over the next five years",
        "State funding uncertain after the next session",
        "Teacher shortage in math, science and special education",
        "Rising cost of health insurance and utilities",
        "Competition from charter and online schools",
        "Housing costs push young families out of the district",
        "Social media and student well-being",
        "Aging roofs and heating systems",
        "New state testing and accountability rules",
        "Community trust could drop if the bond fails",
        "Burnout among staff",
        "Cyber-security threats to student data",
        "Transportation costs and driver shortage",
        "Growing needs of students living in poverty",
        "Changes in federal special-education funding",
    ],
}
THEMES = {
    "Great people and programs": ("S", [0, 2, 3, 8, 9, 12, 14]),
    "Pathways beyond high school": ("O", [0, 1, 3, 13]),
    "Closing achievement gaps": ("W", [0, 3, 7, 8]),
    "Family and community partnership": ("O", [2, 8, 10, 11]),
    "Staff recruitment and well-being": ("T", [2, 10, 14]),
    "Whole-child support": ("W", [1, 11]),
    "Facilities and finances": ("T", [1, 3, 7, 12]),
}
BRAINSTORM_CARDS = [
    "Every student leaves with a plan and real-world experience",
    "Families feel welcome and informed in every school",
    "Teachers want to come and stay in Riverside",
    "Students lead part of their own learning",
    "No achievement gap we can predict by background",
    "Schools are community hubs, open evenings and summers",
    "Mental health support in every building",
    "Buildings fit for 21st-century learning",
]


def _seat(retreat: Retreat, engagement: Engagement):
    members = list(
        Membership.objects.filter(engagement=engagement, stakeholder_group__isnull=False)
        .select_related("user", "stakeholder_group")
        .order_by("user__email")
    )
    return [services.participant_join_member(retreat=retreat, membership=m) for m in members]


@transaction.atomic
def load_retreat_demo(engagement: Engagement) -> None:
    data_phase = engagement.phases.get(position=2)
    vision_phase = engagement.phases.get(position=3)
    if not engagement.retreats.filter(title="Data retreat: SWOT analysis").exists():
        _data_retreat(engagement, data_phase)
    if not engagement.retreats.filter(title="Vision retreat").exists():
        _vision_retreat(engagement, vision_phase)


def _data_retreat(engagement: Engagement, phase) -> None:
    rng = random.Random(2026)  # the same demo every time  # noqa: S311
    retreat = services.retreat_create(
        engagement=engagement,
        phase=phase,
        title="Data retreat: SWOT analysis",
        meeting=Meeting.objects.filter(engagement=engagement, title="Data retreat").first(),
    )
    retreat.is_open = True
    retreat.save(update_fields=["is_open"])
    swot = services.activity_add(
        retreat=retreat,
        kind=Activity.Kind.SWOT,
        vote_on=Activity.VoteOn.THEMES,
        vote_budget=5,
        max_per_item=3,
    )
    people = _seat(retreat, engagement)
    cards: dict[str, list[Card]] = {}
    for quadrant, texts in SWOT.items():
        cards[quadrant] = [
            services.card_add(
                activity=swot, participant=people[i % len(people)], text=text, quadrant=quadrant
            )
            for i, text in enumerate(texts)
        ]
    services.activity_set_stage(activity=swot, stage=Activity.Stage.GROUPING)
    themes = []
    for name, (quadrant, indexes) in THEMES.items():
        theme = services.theme_add(activity=swot, name=name)
        for index in indexes:
            services.card_set_theme(card=cards[quadrant][index], theme=theme)
        themes.append(theme)
    services.activity_set_stage(activity=swot, stage=Activity.Stage.VOTING)
    # Everyone spends their five dots; the weights make a clear, believable ranking.
    weights = [9, 7, 8, 5, 4, 6, 3]
    for person in people:
        for _ in range(5):
            for _attempt in range(10):
                theme = rng.choices(themes, weights=weights)[0]
                try:
                    services.vote_add(activity=swot, participant=person, theme=theme)
                    break
                except services.VoteRefused:
                    continue
    services.activity_set_stage(activity=swot, stage=Activity.Stage.RESULTS)
    for theme in themes[:3]:
        services.theme_set_carry_forward(theme=theme, carry_forward=True)
    retreat.is_open = False
    retreat.save(update_fields=["is_open"])


def _vision_retreat(engagement: Engagement, phase) -> None:
    retreat = services.retreat_create(
        engagement=engagement,
        phase=phase,
        title="Vision retreat",
        meeting=Meeting.objects.filter(engagement=engagement, title="Vision retreat").first(),
    )
    retreat.is_open = True
    retreat.save(update_fields=["is_open"])
    brainstorm = services.activity_add(
        retreat=retreat, kind=Activity.Kind.BRAINSTORM, prompt=services.BRAINSTORM_PROMPT
    )
    people = _seat(retreat, engagement)
    for i, text in enumerate(BRAINSTORM_CARDS):
        services.card_add(activity=brainstorm, participant=people[i * 3], text=text)
