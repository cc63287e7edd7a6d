"""The implementation schedule: a year of the plan's action steps grouped by goal and strategy,
with the money and people they need per year and per goal; read from the approved plan, else the
working copy; every member reads it (the board only once a plan is approved), outsiders get 404."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.selectors.schedule import (
    ALL_YEARS,
    APPROVED,
    WORKING,
    people_named,
    schedule_for,
    schedule_from,
)
from planning import services
from planning.models import Approval
from planning.schema import export_plan
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    GoalFactory,
    PlanVersionFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db
NUM_QUERIES = 5  # the session, the user, their membership, the approved version, owners' names
ROLES = ("facilitator", "core_team", "plan_team", "board", "superintendent")
LONG = (
    "Train every K–2 teacher in structured literacy (Lectura temprana) with coaching cycles, "
    "model lessons and <b>observation</b> feedback; "
) * 4


def membership(cast, role):
    return cast.engagement.memberships.get(user=cast.member(role))


@pytest.fixture
def plan(cast):
    """Two goals: goal 1 with a strategy of three steps (years 1, 1 and 2), goal 2 with a strategy
    of two steps (year 1, and one with no year)."""
    plan = services.plan_for(cast.engagement)
    owner = membership(cast, "plan_team")
    reading = StrategyFactory(
        goal=GoalFactory(plan=plan, title="Every child reads by grade 3", position=1),
        title="Structured literacy in K–2",
    )
    ActionStepFactory(
        strategy=reading,
        description=LONG,
        plan_year=1,
        owner=owner,
        start_date=date(2027, 8, 15),
        due_date=date(2028, 5, 31),
        stage="do",
        resources_people="Two reading coaches; the principal",
        resources_time="Four hours a week",
        resources_money=Decimal("12500.25"),
        position=1,
    )
    ActionStepFactory(
        strategy=reading,
        description="Buy decodable books",
        plan_year=1,
        resources_people="two reading coaches, Librarian",
        resources_money=Decimal("0.50"),
        position=2,
    )
    ActionStepFactory(
        strategy=reading,
        description="Study the spring screening",
        plan_year=2,
        stage="study",
        resources_money=Decimal("1000"),
        position=3,
    )
    family = StrategyFactory(
        goal=GoalFactory(plan=plan, title="Families as partners", position=2),
        title="Family nights",
    )
    ActionStepFactory(
        strategy=family,
        description="Hold a family reading night",
        plan_year=1,
        resources_people="Counsellors",
        position=1,
    )
    ActionStepFactory(strategy=family, description="Survey families", position=2)
    return plan


def approve(plan, label="Board approved 2027"):
    version = PlanVersionFactory(plan=plan, label=label)
    ApprovalFactory(version=version, state=Approval.State.APPROVED, decided_at=timezone.now())
    return version


def page(cast, **query):
    url = reverse("monitoring:schedule", args=[cast.engagement.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- the selector ---------------------------------------------------------------------------------


def test_people_are_the_distinct_names_in_the_text():
    assert people_named("Two reading coaches;  the principal\nLibrarian, ") == [
        "Two reading coaches",
        "the principal",
        "Librarian",
    ]
    assert people_named("") == []


def test_year_one_lists_its_steps_by_goal_and_strategy_with_totals(plan):
    schedule = schedule_from(export_plan(plan), year=1, names={})
    assert [g.title for g in schedule.goals] == [
        "Every child reads by grade 3",
        "Families as partners",
    ]
    reading, family = schedule.goals
    assert [s.title for s in reading.strategies] == ["Structured literacy in K–2"]
    assert [step.number for step in reading.strategies[0].steps] == ["1.1.1", "1.1.2"]
    assert reading.totals.money == Decimal("12500.75")  # decimals kept exactly
    assert reading.totals.without_money == 0
    assert reading.totals.people == ["Two reading coaches", "the principal", "Librarian"]
    assert family.totals.money == Decimal("0.00") and family.totals.without_money == 1
    assert schedule.total.steps == 3
    assert schedule.total.money == Decimal("12500.75")
    assert schedule.total.people_count == 4  # coaches, principal, librarian, counsellors
    by_year = {row.year: row.totals for row in schedule.by_year}
    assert list(by_year) == [1, 2, None]
    assert by_year[2].money == Decimal("1000.00") and by_year[2].people_count == 0
    assert by_year[None].steps == 1 and by_year[None].without_money == 1
    assert [
        s.description for g in schedule.unscheduled for st in g.strategies for s in st.steps
    ] == ["Survey families"]


def test_all_years_lists_every_step_with_a_year_and_a_later_year_only_its_own(plan):
    data = export_plan(plan)
    every = schedule_from(data, year=ALL_YEARS, names={})
    assert every.total.steps == 4 and every.total.money == Decimal("13500.75")
    second = schedule_from(data, year=2, names={})
    assert [g.title for g in second.goals] == ["Every child reads by grade 3"]
    assert second.total.money == Decimal("1000.00")
    assert schedule_from(data, year=3, names={}).goals == []
    assert schedule_from(data, year=3, names={}).years == [1, 2]


def test_a_plan_without_steps_or_money_adds_up_to_nothing(cast):
    plan = services.plan_for(cast.engagement)
    ActionStepFactory(strategy=StrategyFactory(goal=GoalFactory(plan=plan)), plan_year=1)
    schedule = schedule_from(export_plan(plan), year=1, names={})
    assert schedule.total.money == Decimal("0.00") and schedule.total.without_money == 1
    assert schedule_from({}, year=1, names={}).has_steps is False


def test_the_approved_plan_is_read_not_the_working_copy(cast, plan):
    version = approve(plan)
    ActionStepFactory(
        strategy=plan.goals.first().strategies.first(),
        plan_year=1,
        description="Added after approval",
    )
    schedule = schedule_for(cast.engagement, year=1, working_copy=True)
    assert schedule.source == APPROVED and schedule.version == version
    steps = [s.description for g in schedule.goals for st in g.strategies for s in st.steps]
    assert "Added after approval" not in steps
    assert schedule.goals[0].strategies[0].steps[0].owner == cast.plan_team.full_name


def test_before_approval_the_working_copy_is_read_for_those_who_may(cast, plan):
    assert schedule_for(cast.engagement, year=1, working_copy=True).source == WORKING
    assert schedule_for(cast.engagement, year=1, working_copy=False).source is None


def test_the_schedule_takes_a_constant_number_of_queries(cast, plan, django_assert_num_queries):
    with django_assert_num_queries(11):  # approval, the plan, export_plan's 8, owners' names
        schedule_for(cast.engagement, year=1, working_copy=True)
    approve(plan)
    with django_assert_num_queries(2):  # the approved version, owners' names
        schedule_for(cast.engagement, year=1, working_copy=True)
    for strategy in plan.goals.first().strategies.all():
        for n in range(20):
            ActionStepFactory(
                strategy=strategy, plan_year=n % 3 + 1, owner=membership(cast, "core_team")
            )
    approve(plan, "Bigger")
    with django_assert_num_queries(2):
        schedule_for(cast.engagement, year=1, working_copy=True)


# --- the page -------------------------------------------------------------------------------------


def test_every_member_reads_the_approved_schedule_and_is_told_where_it_comes_from(
    client, cast, plan
):
    approve(plan, "Board approved <2027>")
    for role in ROLES:
        client.force_login(cast.member(role))
        response = client.get(page(cast))
        assert response.status_code == 200, role
        body = response.content.decode()
        assert "From the approved plan:" in body
        assert "Board approved &lt;2027&gt;" in body
        assert "&lt;b&gt;observation&lt;/b&gt;" in body  # the step's own words, escaped
        assert "Buy decodable books" in body and "Study the spring screening" not in body
        assert "$12,500.75" in body
        assert "No year set (1 step)" in body and "Survey families" in body
        assert "For the core team:" in body


def test_before_approval_the_team_reads_the_working_copy_and_the_board_an_explanation(
    client, cast, plan
):
    client.force_login(cast.core_team)
    body = client.get(page(cast)).content.decode()
    assert "From the working copy:" in body and "Buy decodable books" in body
    client.force_login(cast.board)
    response = client.get(page(cast))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No schedule to show yet" in body and "once the board approves the plan" in body
    assert "Buy decodable books" not in body


def test_a_year_is_chosen_and_all_years_shows_each_steps_year(client, cast, plan):
    approve(plan)
    client.force_login(cast.plan_team)
    body = client.get(page(cast, year=2)).content.decode()
    assert "Pursued in year 2" in body and "Study the spring screening" in body
    assert "Buy decodable books" not in body
    body = client.get(page(cast, year="all")).content.decode()
    assert "Pursued, every year" in body
    assert "Study the spring screening" in body and "Buy decodable books" in body
    for nonsense in ("0", "99", "abc", "-1"):
        assert "Pursued in year 1" in client.get(page(cast, year=nonsense)).content.decode()


def test_a_member_of_an_engagement_without_a_plan_gets_an_explanation(client, cast):
    client.force_login(cast.facilitator)
    body = client.get(page(cast)).content.decode()
    assert "No schedule to show yet" in body and "plan builder" in body


def test_outsiders_and_unknown_engagements_get_404(client, cast, plan):
    approve(plan)
    client.force_login(cast.outsider)
    assert client.get(page(cast)).status_code == 404
    csv_url = reverse("monitoring:schedule-csv", args=[cast.engagement.pk])
    assert client.get(csv_url).status_code == 404
    client.force_login(cast.facilitator)
    foreign = reverse("monitoring:schedule", args=[cast.foreign_engagement.pk])
    assert client.get(foreign).status_code == 404
    client.logout()
    assert client.get(page(cast)).status_code == 302  # to sign in


def test_the_page_takes_a_constant_number_of_queries(client, cast, plan, django_assert_num_queries):
    approve(plan)
    client.force_login(cast.board)
    client.get(page(cast))  # warm the session and the user
    with django_assert_num_queries(NUM_QUERIES) as small:
        client.get(page(cast))
    for strategy in plan.goals.last().strategies.all():
        for n in range(30):
            ActionStepFactory(
                strategy=strategy,
                plan_year=n % 4 + 1,
                resources_money=n,
                owner=membership(cast, "facilitator"),
            )
    approve(plan, "Bigger")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(page(cast, year="all"))


def test_the_csv_lists_the_year_shown_then_the_steps_with_no_year(client, cast, plan):
    approve(plan)
    client.force_login(cast.board)
    csv_url = reverse("monitoring:schedule-csv", args=[cast.engagement.pk]) + "?year=1"
    response = client.get(csv_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-schedule-year-1.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Plan year", "Goal", "Strategy", "Number", "Action step"]
    assert [(row[0], row[3]) for row in rows[1:]] == [
        ("1", "1.1.1"),
        ("1", "1.1.2"),
        ("1", "2.1.1"),
        ("", "2.1.2"),
    ]
    first = rows[1]
    assert first[1] == "1. Every child reads by grade 3"
    assert first[5] == cast.plan_team.full_name
    assert first[6:9] == ["2027-08-15", "2028-05-31", "Do"]
    assert first[-1] == "12500.25"


def test_the_engagement_page_links_to_the_schedule_once_a_plan_is_approved(client, cast, plan):
    client.force_login(cast.board)
    detail = reverse("engagements:detail", args=[cast.engagement.pk])
    assert "Implementation schedule" not in client.get(detail).content.decode()
    approve(plan)
    cast.engagement.plan_approved_at = timezone.now()  # as the board's approval does
    cast.engagement.save()
    assert page(cast) in client.get(detail).content.decode()
