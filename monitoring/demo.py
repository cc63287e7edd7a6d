"""Riverside's approved 2021–2026 plan, lived for the last 18 months: readings of its measures,
updates of its action steps with PDSA notes, and a target the facilitator changed with a reason.

Built on planning.demo.load_approved_demo, through the monitoring services, so the data is what
its owners would have entered. Dates count back from the day the demo is loaded, and each
reading's value is placed against the value expected on its date, so the statuses stay true
whenever the demo is loaded: two measures on track, two behind, one off track, one update
overdue. Marcus Lee (core team) has reported this month; Priya Raman and Dr. Alan Brooks, who own
the other two goals, last reported last month. Made once: loading the demo again changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from engagements.models import Engagement
from planning.models import BuyInAnswer, BuyInResponse, Comment, Review

from .models import ActionUpdate, MeasureReading, PublicPage, TargetChange
from .selectors.measures import lived_measures, path_for
from .selectors.plan import approved_version
from .services.actions import action_update_record
from .services.measures import reading_add, targets_change
from .status import add_months, expected_on

MONTHS_LIVED = 18
FACILITATOR = "facilitator@riverside.example"
MARCUS = "core@riverside.example"  # reported this month
PRIYA = "plan@riverside.example"  # not yet this month
ALAN = "superintendent@riverside.example"  # not yet this month

# The target the facilitator changed, and why (a changed survey, seed 003's "changes in plans").
CHANGED_TARGET = (
    "Students who feel safe at school",
    Decimal(80),
    "The state replaced its school climate survey in 2024; on the new survey the statewide "
    "figure is six points lower. The board agreed on 80 % as the same ambition on the new scale "
    "(regular meeting, item 7.2).",
)


@dataclass(frozen=True)
class Readings:
    """How one measure was reported: every `months` back from `anchor`, each reading at
    `start` then drifting to `end` of the progress expected on its date (1 is exactly on the
    way to the target; status.py calls 95 % on track, 85 % behind)."""

    owner: str
    months: int
    anchor: str  # "today", "last_month" or "three_months_ago" (an update overdue)
    start: float
    end: float
    note: str = ""


READINGS = {
    "Third graders reading at grade level": Readings(
        MARCUS,
        3,
        "today",
        0.97,
        1.03,
        "Winter benchmark: every school tested in the same two weeks, so the schools compare.",
    ),
    "K–3 students meeting the monthly reading benchmark": Readings(
        MARCUS,
        1,
        "today",
        1.0,
        0.9,
        "Two schools lost their coach mid-year; their classes are behind the others.",
    ),
    "Students who feel safe at school": Readings(
        PRIYA,
        6,
        "last_month",
        0.96,
        1.02,
        "Fall survey, new state questionnaire: 4,120 students answered (82 %).",
    ),
    "Suspensions per 100 students": Readings(
        PRIYA,
        3,
        "last_month",
        0.95,
        0.6,
        "Suspensions rose in the two middle schools that changed principals this year.",
    ),
    "Graduates meeting college entrance requirements": Readings(
        ALAN,
        6,
        "last_month",
        0.95,
        0.9,
        "Class of this year, counted at the end of the term; the mathematics sequence is the "
        "road block.",
    ),
    "High school students in at least one Advanced Placement course": Readings(
        ALAN, 1, "three_months_ago", 0.98, 1.0, "Enrolment after the add/drop deadline."
    ),
}

# Each action step's updates, oldest first, by the start of its description:
# (months ago, or 0 for this month / -1 for the end of last month; status; percent; note;
# what was studied; what was decided (act)).
UPDATES = {
    "Open full-day kindergarten": [
        (18, "done", 100, "All six schools have run full days since August 2022.", "", ""),
    ],
    "Study kindergarten readiness": [
        (15, "on_track", 20, "Fall readiness checks done in every kindergarten.", "", ""),
        (
            9,
            "on_track",
            50,
            "Winter checks done; the afternoon block is mostly free play in three schools.",
            "Readiness rose most where the afternoon had a second reading block.",
            "Adopt: every school adds a 30-minute story and sounds block after lunch.",
        ),
        (
            0,
            "on_track",
            70,
            "Successes: the new block runs in every school. Road block: two schools share one "
            "aide between classes.",
            "Spring checks: letter-sound knowledge up in all nine schools.",
            "Keep the block; ask the budget committee for the two missing aides.",
        ),
    ],
    "Hire a reading coach": [
        (18, "done", 100, "Nine coaches hired and trained in 2022–23.", "", ""),
    ],
    "Coach K-3 teachers": [
        (15, "on_track", 25, "First coaching cycle done in every school.", "", ""),
        (
            12,
            "on_track",
            40,
            "Second cycle done.",
            "Small groups met three times a week where the coach modelled the lesson first.",
            "Adapt: coaches model the first lesson of every cycle before observing.",
        ),
        (
            6,
            "at_risk",
            50,
            "Road block: two coaches left in January and their schools have had no cycle since.",
            "The schools without a coach fell behind on the monthly benchmark.",
            "Adapt: the other coaches share those schools until new coaches start.",
        ),
        (
            0,
            "on_track",
            65,
            "Two new coaches started; every school has a cycle running again.",
            "Benchmark results recovered in the schools that kept their coach all year.",
            "Adopt the shared schedule for any future gap; doing the same things produces "
            "the same results.",
        ),
    ],
    "Train every school's team": [
        (18, "done", 100, "Every school's team trained; trainers' notes are on the drive.", "", ""),
    ],
    "Review suspension data": [
        (15, "on_track", 20, "Monthly reviews started with all principals.", "", ""),
        (
            9,
            "at_risk",
            35,
            "Two middle schools changed principals; their reviews were skipped for two months.",
            "Suspensions fell where the team met monthly and rose where it did not.",
            "Adapt: the behavior support coach runs the review when a principal cannot.",
        ),
        (
            -1,
            "off_track",
            40,
            "Road block: suspensions are still rising in the two middle schools.",
            "Most suspensions there were for phones and lateness, not safety.",
            "Abandon suspensions for phones and lateness; try restorative meetings instead and "
            "study the results next term.",
        ),
    ],
    "Hire counselors": [
        (18, "done", 100, "Three counselors started in August 2023.", "", ""),
    ],
    "Open every Advanced Placement course": [
        (18, "done", 100, "No prerequisites or teacher sign-off needed since fall 2022.", "", ""),
    ],
    "Pay Advanced Placement exam fees": [
        (14, "on_track", 50, "Fees paid for 212 students in May.", "", ""),
        (2, "on_track", 75, "Counselors have the list for this year's exams.", "", ""),
        (
            -1,
            "on_track",
            80,
            "Successes: the state grant covers half the fees again this year.",
            "",
            "",
        ),
    ],
    "Launch health, construction": [
        (15, "on_track", 25, "Health pathway opened with the regional hospital.", "", ""),
        (
            8,
            "at_risk",
            45,
            "Road block: the construction pathway has no certified teacher yet.",
            "",
            "",
        ),
        (
            -1,
            "at_risk",
            60,
            "Changes in plans: the technology pathway opens next fall with the community "
            "college; construction waits for a teacher.",
            "",
            "",
        ),
    ],
}


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def load_lived_demo(engagement: Engagement, *, today: date | None = None) -> None:
    """The previous plan's last 18 months of monitoring. Made once, and only once the board's
    approval is in (planning.demo.load_approved_demo)."""
    version = approved_version(engagement)
    if version is None:
        return
    if (
        ActionUpdate.objects.filter(engagement=engagement).exists()
        or MeasureReading.objects.filter(measure__engagement=engagement).exists()
    ):
        return
    today = today or timezone.localdate()
    now = timezone.now()
    people = {u.email: u for u in User.objects.filter(email__in=[FACILITATOR, MARCUS, PRIYA, ALAN])}
    lived = lived_measures(engagement, today=today)  # takes the measures over (measures_sync)
    measures = {m.indicator: m for m in lived.measures}

    # The facilitator changed one target with its reason, nine months ago.
    indicator, target, reason = CHANGED_TARGET
    if indicator in measures:
        targets_change(
            measure=measures[indicator].monitored,
            by=people[FACILITATOR],
            reason=reason,
            target=target,
        )
        TargetChange.objects.filter(measure=measures[indicator].monitored).update(
            changed_at=_moment(add_months(today, -9), 10)
        )

    last_month = today.replace(day=1) - timedelta(days=1)
    anchors = {
        "today": today,
        "last_month": last_month,
        "three_months_ago": add_months(last_month, -2),
    }
    first_day = add_months(today, -MONTHS_LIVED)
    made = []
    for indicator, plan in READINGS.items():
        measure = measures.get(indicator)
        if measure is None:
            continue
        path = path_for(measure.monitored, measure.element, [])
        days = []
        day = anchors[plan.anchor]
        while day >= first_day:
            days.append(day)
            day = add_months(anchors[plan.anchor], -plan.months * len(days))
        days.reverse()
        for index, day in enumerate(days):
            share = index / (len(days) - 1) if len(days) > 1 else 1
            ratio = Decimal(str(plan.start + (plan.end - plan.start) * share))
            expected = expected_on(path, day)
            value = path.baseline + ratio * (expected - path.baseline)
            reading = reading_add(
                measure=measure.monitored,
                taken_on=day,
                value=value.quantize(Decimal("0.1")),
                note=plan.note if index == len(days) - 1 else "",
                by=people[plan.owner],
            )
            reading.entered_at = min(_moment(day, 16), now)
            made.append(reading)
    # Entered on the day they were taken, as an owner would have (the services stamp "now").
    MeasureReading.objects.bulk_update(made, ["entered_at"])

    start_of_month = _moment(today.replace(day=1), 0)
    this_month = max(now - timedelta(hours=1), start_of_month)
    owners = {}
    for goal in version.data["plan"]["goals"]:
        for strategy in goal["strategies"]:
            for step in strategy["action_steps"]:
                owners[step["id"]] = (step["description"], step.get("owner") or "")
    for step_id, (description, owner) in owners.items():
        history = next((h for key, h in UPDATES.items() if description.startswith(key)), [])
        author = people.get(owner)
        for months, status, percent, note, studied, decided in history:
            if months == 0:
                at = this_month
            elif months == -1:
                at = _moment(last_month, 17)
            else:
                at = _moment(add_months(today, -months), 17)
            action_update_record(
                engagement=engagement,
                step_id=step_id,
                author=author,
                status=status,
                percent=percent,
                note=note,
                studied=studied,
                decided=decided,
                at=at,
            )


# --- the public progress page (issue 16 item 2) ---------------------------------------------------
# The demo's page is on, at a fixed address so the README can name it (a real page's token is
# random: monitoring/services/public.py). The 2021 review's feedback is added as counts of
# people by group; a group of fewer than five shows as "fewer than 5" on the page.

PUBLIC_TOKEN = "riverside-2021-2026-demo"  # noqa: S105 — an address, not a secret
PUBLIC_FEEDBACK = {  # goal: people who commented on it in March 2021, by group
    "Every student reads by grade 3": {"Parent or guardian": 14, "Staff member": 8, "Student": 3},
    "Safe and welcoming schools": {"Parent or guardian": 9, "Student": 6, "Community member": 2},
}
# What those people wrote (the 2021 triage page shows it; the public page never does), taken in
# turn for each goal.
PUBLIC_FEEDBACK_WORDS = {
    "Every student reads by grade 3": [
        "Please start reading help in kindergarten, not after third grade when kids are behind.",
        "Our library is only open two days a week. Reading by grade 3 needs books at home too.",
        "As a first-grade teacher I need time in the day for small reading groups, not more tests.",
        "Will families get the reading scores in plain language, and in Spanish?",
        "My son reads better with the volunteer tutors. Keep them in the plan.",
        "Measure reading at the end of each year, not only in third grade, so we can act sooner.",
    ],
    "Safe and welcoming schools": [
        "Students need an adult at school they can talk to. Add counselors before cameras.",
        "The bus stop on Route 9 is not safe in winter mornings. Is transport part of safety?",
        "Suspensions are too high at the middle schools. What will replace them?",
        "Welcoming means translated notices and someone at the front office who speaks Spanish.",
        "Please ask students what makes them feel safe. We are the ones in the hallways.",
        "Bullying online follows kids to school. The plan should say how it is handled.",
    ],
}
PUBLIC_BUY_IN = {  # goal: (group, support on the 1–5 scale) of each public buy-in answer
    "Every student reads by grade 3": [("Parent or guardian", 5)] * 11
    + [("Parent or guardian", 3)] * 3
    + [("Staff member", 4)] * 6,
    "Safe and welcoming schools": [("Parent or guardian", 4)] * 8 + [("Student", 5)] * 4,
}


@transaction.atomic
def load_public_demo(engagement: Engagement) -> PublicPage | None:
    """Turn the lived plan's public page on, with the 2021 review's feedback. Made once."""
    found = PublicPage.objects.filter(engagement=engagement).first()
    version = approved_version(engagement)
    if found is not None or version is None:
        return found
    review = Review.objects.filter(version__plan__engagement=engagement).first()
    goals = {g["title"]: g["id"] for g in version.data["plan"]["goals"]}
    if review is not None:
        for title, groups in PUBLIC_FEEDBACK.items():
            words = PUBLIC_FEEDBACK_WORDS[title]
            people_before = 0
            for group, people in groups.items():
                for n in range(people):
                    Comment.objects.create(
                        review=review,
                        element_kind="goal",
                        element_id=goals[title],
                        element_label=title,
                        is_public=True,
                        category=group,
                        email=f"{slugify(group)}-{n}@feedback.example",
                        body=words[(people_before + n) % len(words)],
                        state=Comment.State.ACCEPTED if n == 0 else Comment.State.OPEN,
                    )
                people_before += people
        for title, answers in PUBLIC_BUY_IN.items():
            for group, support in answers:
                response = BuyInResponse.objects.create(
                    review=review, is_public=True, category=group, commits="yes"
                )
                BuyInAnswer.objects.create(response=response, goal_id=goals[title], support=support)
    facilitator = User.objects.filter(email=FACILITATOR).first()
    return PublicPage.objects.create(
        engagement=engagement, enabled=True, token=PUBLIC_TOKEN, changed_by=facilitator
    )
