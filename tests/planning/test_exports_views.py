"""The plan as files: JSON and CSV downloads for every member, and importing a JSON export into an
empty plan for the facilitator and the core team, all or nothing."""

import json

import pytest
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import PLANNING_ROLES, Membership, Role
from planning.models import ActionStep, Goal, Plan
from planning.schema import ALREADY_PLANNED, CSV_HEADER, export_plan
from tests.factories import (
    ActionStepFactory,
    EngagementFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    PlanFactory,
    StrategyFactory,
    UserFactory,
)
from tests.planning.realistic_plan import LONG_STRATEGY, realistic_plan

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in PLANNING_ROLES]
EDITORS = [Role.FACILITATOR.value, Role.CORE_TEAM.value]
READERS = [role for role in ROLES if role not in EDITORS]
# Board members read published drafts, not the working copy.
WORKING_COPY_READERS = [role for role in ROLES if role != Role.BOARD.value]
MB = 1024 * 1024
SLUG = "strategic-plan-20272032"  # "Strategic Plan 2027–2032"


def url(name, engagement):
    return reverse(f"planning:{name}", args=[engagement.pk])


def json_file(data, name="plan.json"):
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def upload(client, engagement, data, name="plan.json"):
    return client.post(url("import", engagement), {"file": json_file(data, name)})


def shown(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def plan(cast):
    plan = PlanFactory(engagement=cast.engagement)
    goal = GoalFactory(plan=plan, title="Lectura para todos: ñandú")
    StrategyFactory(goal=goal, title="Tutors in every school")
    GoalFactory(plan=plan, title="Safe schools")
    return plan


@pytest.fixture
def source(cast):
    """A plan in another engagement, owned in part by people who are also on cast's team."""
    other = EngagementFactory(name="Northside Plan")
    shared = MembershipFactory(engagement=other, user=cast.core_team)
    stranger = MembershipFactory(engagement=other, user=UserFactory(email="stranger@example.org"))
    plan = PlanFactory(engagement=other, mission="Every learner, every day.")
    goal = GoalFactory(plan=plan, title="Every reader by grade three", owner=shared)
    MeasureFactory(goal=goal, indicator="Grade 3 reading proficiency")
    strategy = StrategyFactory(goal=goal, title="Tutors in every school")
    ActionStepFactory(strategy=strategy, description="Hire two tutors", owner=stranger)
    return plan


def nothing_imported(engagement) -> bool:
    plan = Plan.objects.filter(engagement=engagement).first()
    return plan is None or (not plan.mission and not Goal.objects.filter(plan=plan).exists())


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["export-json", "export-csv"])
@pytest.mark.parametrize("role", WORKING_COPY_READERS)
def test_every_member_but_the_board_downloads_the_plan(client, cast, plan, name, role):
    client.force_login(cast.member(role))
    response = client.get(url(name, cast.engagement))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("name", ["export-json", "export-csv"])
def test_board_members_do_not_download_the_working_copy(client, cast, plan, name):
    client.force_login(cast.board)
    response = client.get(url(name, cast.engagement))
    assert response.status_code == 403
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("role", EDITORS)
def test_the_facilitator_and_core_team_may_import(client, cast, role, source):
    client.force_login(cast.member(role))
    assert client.get(url("import", cast.engagement)).status_code == 200
    response = upload(client, cast.engagement, export_plan(source))
    assert response.status_code == 302


@pytest.mark.parametrize("role", READERS)
def test_other_roles_may_not_import(client, cast, role, source):
    client.force_login(cast.member(role))
    assert client.get(url("import", cast.engagement)).status_code == 403
    assert upload(client, cast.engagement, export_plan(source)).status_code == 403
    assert nothing_imported(cast.engagement)


@pytest.mark.parametrize("name", ["export-json", "export-csv", "import"])
def test_it_checks_ownership(client, cast, plan, name, source):
    client.force_login(cast.outsider)
    assert client.get(url(name, cast.engagement)).status_code == 404
    if name == "import":
        assert upload(client, cast.engagement, export_plan(source)).status_code == 404


@pytest.mark.parametrize("name", ["export-json", "export-csv", "import"])
def test_it_sends_anonymous_visitors_to_sign_in(client, cast, name):
    for response in (
        client.get(url(name, cast.engagement)),
        client.post(url(name, cast.engagement)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", ["export-json", "export-csv"])
def test_the_downloads_only_answer_get(client, cast, plan, name):
    client.force_login(cast.facilitator)
    assert client.post(url(name, cast.engagement)).status_code == 405


# --- downloads ------------------------------------------------------------------------------------


def test_the_json_download_is_the_plan_in_the_export_format(client, cast, plan):
    client.force_login(cast.plan_team)
    response = client.get(url("export-json", cast.engagement))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-plan.json"'
    data = json.loads(response.content.decode("utf-8"))
    assert data["schema"] == "aligned.plan"
    assert [g["title"] for g in data["plan"]["goals"]] == [
        "Lectura para todos: ñandú",
        "Safe schools",
    ]
    assert data == export_plan(plan)
    text = response.content.decode("utf-8")
    assert "ñandú" in text  # written as it is, not as \u escapes
    assert '\n  "schema": "aligned.plan"' in text  # indented for people to read


def test_the_csv_download_opens_in_a_spreadsheet(client, cast, plan):
    client.force_login(cast.plan_team)
    response = client.get(url("export-csv", cast.engagement))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-plan.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    lines = text[1:].splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert any("Lectura para todos: ñandú" in line for line in lines)


# --- import ---------------------------------------------------------------------------------------


def test_the_import_page_explains_and_offers_the_upload(client, cast):
    client.force_login(cast.facilitator)
    html = client.get(url("import", cast.engagement)).content.decode()
    assert "format “aligned.plan”, version 1" in html
    assert 'type="file"' in html
    assert 'accept=".json,application/json"' in html
    assert ALREADY_PLANNED not in html


def test_an_export_from_another_engagement_comes_in_whole(client, cast, source):
    client.force_login(cast.facilitator)
    response = upload(client, cast.engagement, export_plan(source))
    assert response.status_code == 302
    assert response.url == url("plan", cast.engagement)
    plan = Plan.objects.get(engagement=cast.engagement)
    assert plan.mission == "Every learner, every day."
    goal = Goal.objects.get(plan=plan)
    assert goal.title == "Every reader by grade three"
    assert goal.owner == Membership.objects.get(engagement=cast.engagement, user=cast.core_team)
    assert goal.measures.get().indicator == "Grade 3 reading proficiency"
    step = ActionStep.objects.get(strategy__goal=goal)
    assert step.description == "Hire two tutors"
    assert step.owner is None  # not on this team
    messages = shown(response)
    assert messages[0] == (constants.SUCCESS, "The plan was imported.")
    warnings = [text for level, text in messages if level == constants.WARNING]
    assert len(warnings) == 1
    assert "stranger@example.org" in warnings[0]


def test_a_file_over_two_megabytes_is_refused(client, cast):
    client.force_login(cast.facilitator)
    big = b" " * (3 * MB + MB // 10)  # 3.1 MB
    response = upload(client, cast.engagement, big)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is 3.1 MB; the limit is 2 MB." in html
    assert 'class="field field--invalid"' in html
    assert nothing_imported(cast.engagement)


def test_a_file_that_is_not_json_is_refused(client, cast):
    client.force_login(cast.facilitator)
    response = upload(client, cast.engagement, b'{"schema": "aligned.plan",')
    assert response.status_code == 400
    assert "This file is not JSON: " in response.content.decode()
    assert nothing_imported(cast.engagement)


def test_a_file_of_another_format_is_refused_with_the_reason(client, cast):
    client.force_login(cast.facilitator)
    response = upload(client, cast.engagement, {"schema": "trello.board", "version": 1, "plan": {}})
    assert response.status_code == 400
    assert (
        "This file is not an Aligned plan (schema “trello.board”; expected “aligned.plan”)."
        in response.content.decode()
    )
    assert nothing_imported(cast.engagement)


def test_every_problem_in_the_file_is_listed_and_nothing_is_imported(client, cast, source):
    data = export_plan(source)
    data["plan"]["goals"][0]["title"] = ""
    data["plan"]["goals"][0]["measures"][0]["indicator"] = ""
    client.force_login(cast.core_team)
    response = upload(client, cast.engagement, data)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html[
        html.index('<ul class="errorlist"') : html.index("</ul>", html.index("errorlist"))
    ]
    assert errors.count("<li>") == 2
    assert "title" in errors
    assert "indicator" in errors
    assert nothing_imported(cast.engagement)


def test_an_engagement_that_has_a_plan_is_told_so_and_offered_no_upload(client, cast, plan):
    client.force_login(cast.facilitator)
    response = client.get(url("import", cast.engagement))
    html = response.content.decode()
    assert ALREADY_PLANNED in html
    assert 'type="file"' not in html


def test_an_import_into_an_engagement_that_has_a_plan_is_refused(client, cast, plan, source):
    client.force_login(cast.facilitator)
    before = export_plan(plan)
    response = upload(client, cast.engagement, export_plan(source))
    assert response.status_code == 409
    assert ALREADY_PLANNED in response.content.decode()
    assert export_plan(plan) == before
    assert not Goal.objects.filter(plan=plan, title="Every reader by grade three").exists()


def test_a_real_size_plan_file_comes_in_whole_through_the_page(client, cast):
    """The file of the largest real district plan, uploaded as a facilitator would."""
    client.force_login(cast.facilitator)
    response = upload(client, cast.engagement, realistic_plan(), name="Riverside plan 2027.json")
    assert response.status_code == 302
    assert shown(response)[0] == (constants.SUCCESS, "The plan was imported.")
    page = client.get(response.url).content.decode()
    assert "Build a coherent, district-wide system of early literacy instruction" in page
    assert Goal.objects.filter(plan__engagement=cast.engagement).count() == 8
    assert (
        ActionStep.objects.filter(strategy__goal__plan__engagement=cast.engagement).count() == 109
    )
    assert len(LONG_STRATEGY) == 666
