"""The plan page: everyone on the team reads it, the facilitator and core team edit it in place
(errors in place, words kept), order and move elements, and take carried-forward retreat items
in; another engagement's elements are never reachable; the page's queries do not grow."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import services
from planning.models import Goal, Strategy, Value
from planning.schema import import_plan
from retreats import services as retreat_services
from tests.factories import (
    ActionStepFactory,
    ActivityFactory,
    CardFactory,
    GoalFactory,
    MeasureFactory,
    PhaseFactory,
    RetreatFactory,
    StrategyFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
EDITORS = ("facilitator", "core_team")
READERS = ("plan_team", "board", "superintendent")


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


def url(name, cast, *args):
    return reverse(f"planning:{name}", args=[cast.engagement.pk, *args])


def test_every_member_but_the_board_reads_the_plan_in_the_engagements_words(client, cast, plan):
    cast.engagement.terminology = {**cast.engagement.terminology, "goal": "Priority"}
    cast.engagement.save()
    goal = GoalFactory(plan=plan, title="Academic <b>Success</b>")
    StrategyFactory(goal=goal, title="Close achievement gaps")
    for role in (*EDITORS, "plan_team", "superintendent"):
        client.force_login(cast.member(role))
        body = client.get(url("plan", cast)).content.decode()
        assert "Academic &lt;b&gt;Success&lt;/b&gt;" in body
        assert "Priority 1" in body and "Close achievement gaps" in body
        assert ("Edit<span" in body) is (role in EDITORS)


def test_add_buttons_take_the_right_article_for_the_engagements_words(client, cast, plan):
    goal = GoalFactory(plan=plan, title="Readers by grade 3")
    StrategyFactory(goal=goal, title="Tutoring")
    client.force_login(cast.facilitator)
    page = client.get(url("plan", cast)).content.decode()
    assert "Add an objective" in page and "Add an action step" in page
    assert "Add a measure" in page and "Add a strategy" in page
    assert "Add a objective" not in page and "Add a action step" not in page
    engagement = cast.engagement
    engagement.terminology = {
        **engagement.terminology,
        "objective": "Focus area",
        "strategy": "Initiative",
        "measure": "Indicator",
        "action_step": "Task",
    }
    engagement.save()
    page = client.get(url("plan", cast)).content.decode()
    assert "Add a focus area" in page and "Add an initiative" in page
    assert "Add an indicator" in page and "Add a task" in page


def test_the_values_question_uses_the_engagements_word_for_goals(client, cast, plan):
    engagement = cast.engagement
    engagement.terminology = {**engagement.terminology, "goal": "Priority", "goals": "Priorities"}
    engagement.save()
    client.force_login(cast.plan_team)
    page = client.get(url("plan", cast)).content.decode()
    assert "How must we behave to achieve our mission, vision and priorities?" in page


def test_board_members_are_sent_to_the_approval_page_not_the_working_copy(client, cast, plan):
    goal = GoalFactory(plan=plan, title="Unpublished thoughts")
    client.force_login(cast.board)
    response = client.get(url("plan", cast))
    assert response.status_code == 302 and response.url == url("approval", cast)
    assert client.get(url("element", cast, "goal", goal.pk)).status_code == 403


def test_outsiders_and_visitors_never_see_it(client, cast, plan):
    GoalFactory(plan=plan)
    assert client.get(url("plan", cast)).status_code == 302  # to sign in
    client.force_login(cast.outsider)
    assert client.get(url("plan", cast)).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_change_anything(client, cast, plan, role):
    goal = GoalFactory(plan=plan)
    client.force_login(cast.member(role))
    attempts = [
        client.get(url("element-edit", cast, "goal", goal.pk)),
        client.post(url("element-edit", cast, "goal", goal.pk), {"title": "Mine now"}),
        client.post(url("element-add", cast, "goal"), {"title": "New"}),
        client.post(url("element-move", cast, "goal", goal.pk), {"direction": "up"}),
        client.post(url("element-delete", cast, "goal", goal.pk)),
        client.post(url("statements", cast), {"mission": "Ours"}),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    goal.refresh_from_db()
    assert goal.title != "Mine now" and Goal.objects.count() == 1


def test_another_engagements_element_is_a_404_on_our_address(client, cast):
    foreign_goal = GoalFactory(plan=services.plan_for(cast.foreign_engagement))
    client.force_login(cast.facilitator)
    for name in ("element-edit", "element-delete"):
        assert client.get(url(name, cast, "goal", foreign_goal.pk)).status_code == 404
    assert client.get(url("element-edit", cast, "nonsense", foreign_goal.pk)).status_code == 404
    response = client.post(
        url("element-add", cast, "strategy") + f"?parent={foreign_goal.pk}", {"title": "Sneaky"}
    )
    assert response.status_code == 404 and not Strategy.objects.exists()


def test_a_goal_is_edited_in_place_and_a_bad_save_keeps_the_words(client, cast, plan):
    goal = GoalFactory(plan=plan, title="Academic success")
    client.force_login(cast.core_team)
    form = client.get(url("element-edit", cast, "goal", goal.pk), headers=HTMX).content.decode()
    assert f'id="goal-{goal.pk}"' in form and "<html" not in form
    bad = client.post(
        url("element-edit", cast, "goal", goal.pk),
        {"title": "  ", "description": "Words I typed", "target_date": "someday"},
        headers=HTMX,
    )
    assert bad["HX-Retarget"] == f"#goal-{goal.pk}" and bad["HX-Reswap"] == "outerHTML"
    body = bad.content.decode()
    assert "Give it a title." in body and "Words I typed" in body and "Enter a valid date" in body
    good = client.post(
        url("element-edit", cast, "goal", goal.pk),
        {"title": "Academic Success for every student", "target_date": "2032-06-30"},
        headers=HTMX,
    )
    assert 'id="plan-tree"' in good.content.decode()
    assert "Goal saved." in good.content.decode()
    goal.refresh_from_db()
    assert goal.title == "Academic Success for every student"


def test_without_javascript_the_forms_are_pages_and_saving_returns_to_the_element(
    client, cast, plan
):
    goal = GoalFactory(plan=plan)
    client.force_login(cast.facilitator)
    page = client.get(url("element-edit", cast, "goal", goal.pk))
    assert "<html" in page.content.decode()
    assert client.post(url("element-edit", cast, "goal", goal.pk), {"title": ""}).status_code == 400
    saved = client.post(url("element-edit", cast, "goal", goal.pk), {"title": "Renamed"})
    assert saved.url == url("plan", cast) + f"#goal-{goal.pk}"


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("value", "Change this value"),
        ("goal", "Change this goal"),
        ("strategy", "Change this strategy"),
        ("measure", "Change this measure"),
        ("action_step", "Change this action step"),
    ],
)
def test_each_edit_page_without_javascript_has_a_heading_and_no_stray_list_item(
    client, cast, plan, kind, heading
):
    goal = GoalFactory(plan=plan, title="Réussite")
    strategy = StrategyFactory(goal=goal, title="Tutors")
    element = {
        "value": lambda: ValueFactory(plan=plan),
        "goal": lambda: goal,
        "strategy": lambda: strategy,
        "measure": lambda: MeasureFactory(goal=goal),
        "action_step": lambda: ActionStepFactory(strategy=strategy),
    }[kind]()
    client.force_login(cast.core_team)
    body = client.get(url("element-edit", cast, kind, element.pk)).content.decode()
    assert re.search(rf"<h1[^>]*>{heading}</h1>", body)
    assert re.search(r"<li[^>]*plan-el--editing", body) is None  # an li outside any list
    new = client.get(url("element-add", cast, "strategy") + f"?parent={goal.pk}").content.decode()
    assert re.search(r"<h1[^>]*>New strategy</h1>", new)


def test_elements_are_added_under_their_parent(client, cast, plan):
    goal = GoalFactory(plan=plan)
    strategy = StrategyFactory(goal=goal)
    client.force_login(cast.core_team)
    add = url("element-add", cast, "action_step") + f"?parent={strategy.pk}"
    response = client.post(add, {"description": "Map the gaps", "stage": "plan"}, headers=HTMX)
    assert "Map the gaps" in response.content.decode()
    assert strategy.action_steps.get().description == "Map the gaps"
    on_strategy = url("element-add", cast, "measure") + f"?parent={strategy.pk}&on=strategy"
    client.post(on_strategy, {"indicator": "Gap", "direction": "down", "frequency": "yearly"})
    assert strategy.measures.get().indicator == "Gap"
    empty = client.post(add, {"description": ""}, headers=HTMX)
    assert empty["HX-Retarget"] == f"#add-action_step-{strategy.pk}"
    assert "Say what will be done." in empty.content.decode()


def field_block(body: str, name: str) -> str:
    """The form's block for one field: its label, input and errors."""
    blocks = re.findall(r'<div class="field[^"]*">.*?</div>', body, re.S)
    found = [block for block in blocks if f'name="{name}"' in block]
    assert len(found) == 1, f"{len(found)} blocks for {name}"
    return found[0]


def test_a_target_date_before_the_baseline_date_is_refused_beside_the_field(client, cast, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(cast.facilitator)
    add = url("element-add", cast, "measure") + f"?parent={goal.pk}"
    typed = {
        "indicator": "Élèves lisant au niveau — “on track” in grade 3",
        "baseline": "41.5",
        "baseline_date": "2026-06-01",
        "target": "60",
        "target_date": "2025-06-01",
        "direction": "up",
        "frequency": "yearly",
    }
    response = client.post(add, typed, headers=HTMX)
    body = response.content.decode()
    assert "The target date comes before the baseline date." in field_block(body, "target_date")
    assert "Élèves lisant au niveau — “on track” in grade 3" in body  # nothing typed is lost
    assert not goal.measures.exists()
    measure = MeasureFactory(goal=goal, baseline_date=None, target_date=None)
    edit = url("element-edit", cast, "measure", measure.pk)
    assert client.post(edit, typed).status_code == 400
    measure.refresh_from_db()
    assert measure.target_date is None


def test_negative_money_is_refused_beside_the_field(client, cast, plan):
    strategy = StrategyFactory(goal=GoalFactory(plan=plan))
    client.force_login(cast.core_team)
    add = url("element-add", cast, "action_step") + f"?parent={strategy.pk}"
    typed = {"description": "Buy decodable books for K–2", "stage": "do", "resources_money": "-5"}
    response = client.post(add, typed, headers=HTMX)
    body = response.content.decode()
    assert "Money cannot be negative." in field_block(body, "resources_money")
    assert "Buy decodable books for K–2" in body
    assert not strategy.action_steps.exists()
    step = ActionStepFactory(strategy=strategy)
    assert client.post(url("element-edit", cast, "action_step", step.pk), typed).status_code == 400
    step.refresh_from_db()
    assert step.resources_money is None


def test_the_tree_names_the_element_to_focus_and_cancelling_an_add_returns_only_the_tree(
    client, cast, plan
):
    client.force_login(cast.core_team)
    added = client.post(
        url("element-add", cast, "value") + f"?parent={plan.pk}",
        {"title": "Écoute"},
        headers=HTMX,
    ).content.decode()
    value = Value.objects.get()
    assert f'id="plan-tree" class="plan-tree" data-focus="value-{value.pk}"' in added
    cancelled = client.get(url("plan", cast), headers=HTMX)
    assert "<html" not in cancelled.content.decode()
    assert 'id="plan-tree"' in cancelled.content.decode()
    assert "HX-Request" in cancelled["Vary"]


def test_an_element_of_only_invisible_characters_is_refused_and_odd_characters_dropped(
    client, cast, plan
):
    goal = GoalFactory(plan=plan, title="Academic success")
    client.force_login(cast.core_team)
    edit = url("element-edit", cast, "goal", goal.pk)
    bad = client.post(edit, {"title": "\u200b\u200b", "description": "Words I typed"}, headers=HTMX)
    assert "Give it a title." in bad.content.decode() and "Words I typed" in bad.content.decode()
    typed = {"title": "\u202eReaders\x1b by grade 3", "description": "Line one\r\n\tline\x07 two"}
    client.post(edit, typed, headers=HTMX)
    goal.refresh_from_db()
    assert (goal.title, goal.description) == ("Readers by grade 3", "Line one\n\tline two")


def test_moving_with_the_buttons_reorders_and_keeps_the_buttons_ids(client, cast, plan):
    goal = GoalFactory(plan=plan)
    first = StrategyFactory(goal=goal, title="First", position=0)
    second = StrategyFactory(goal=goal, title="Second", position=1)
    client.force_login(cast.core_team)
    response = client.post(
        url("element-move", cast, "strategy", second.pk), {"direction": "up"}, headers=HTMX
    )
    body = response.content.decode()
    assert body.index("Second") < body.index("First")
    assert f'id="move-up-{second.pk}"' in body  # focus stays on the button pressed
    assert "Strategy moved up." in body
    assert list(goal.strategies.values_list("title", flat=True)) == ["Second", "First"]
    assert first.pk  # still there


def test_drag_and_drop_sends_the_whole_order(client, cast, plan):
    a, b, c = (ValueFactory(plan=plan, title=t, position=i) for i, t in enumerate("ABC"))
    client.force_login(cast.core_team)
    client.post(url("element-reorder", cast, "value", a.pk), {"order": [c.pk, a.pk, b.pk]})
    assert list(Value.objects.order_by("position").values_list("title", flat=True)) == [
        "C",
        "A",
        "B",
    ]
    stale = client.post(
        url("element-reorder", cast, "value", a.pk), {"order": [a.pk, b.pk]}, headers=HTMX
    )
    assert stale.status_code == 409 and "reload the page" in stale.content.decode()


def test_a_strategy_moves_to_another_goal(client, cast, plan):
    first, second = GoalFactory(plan=plan, title="One"), GoalFactory(plan=plan, title="Two")
    strategy = StrategyFactory(goal=first)
    client.force_login(cast.facilitator)
    client.post(url("strategy-goal", cast, strategy.pk), {"goal": second.pk}, headers=HTMX)
    strategy.refresh_from_db()
    assert strategy.goal == second
    foreign = GoalFactory(plan=services.plan_for(cast.foreign_engagement))
    refused = client.post(url("strategy-goal", cast, strategy.pk), {"goal": foreign.pk})
    assert refused.status_code == 400
    assert "Choose one of this plan’s goals." in refused.content.decode()


def test_moving_a_strategy_has_its_own_form_that_works_without_javascript(client, cast, plan):
    first = GoalFactory(plan=plan, title="Réussite de chaque élève")
    second = GoalFactory(plan=plan, title="Safe & welcoming schools")
    strategy = StrategyFactory(goal=first, title="Close achievement gaps")
    client.force_login(cast.core_team)
    move = url("strategy-goal", cast, strategy.pk)
    plan_page = client.get(url("plan", cast)).content.decode()
    assert f'href="{move}"' in plan_page and "<option" not in plan_page
    page = client.get(move)
    body = page.content.decode()
    assert page.status_code == 200 and "<html" in body
    assert re.search(r"<h1[^>]*>Move the strategy “Close achievement gaps”</h1>", body)
    assert f'<option value="{first.pk}" selected>Réussite de chaque élève</option>' in body
    assert "Safe &amp; welcoming schools" in body
    fragment = client.get(move, headers=HTMX).content.decode()
    assert "<html" not in fragment and f'id="move-strategy-{strategy.pk}"' in fragment
    moved = client.post(move, {"goal": second.pk})
    assert moved.url == url("plan", cast) + f"#strategy-{strategy.pk}"
    strategy.refresh_from_db()
    assert strategy.goal == second
    client.force_login(cast.plan_team)
    assert client.get(move).status_code == 403
    assert client.post(move, {"goal": first.pk}).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(move).status_code == 404
    client.force_login(cast.facilitator)
    foreign = StrategyFactory(goal=GoalFactory(plan=services.plan_for(cast.foreign_engagement)))
    assert client.get(url("strategy-goal", cast, foreign.pk)).status_code == 404


def big_plan_file(goals: int = 400) -> dict:
    """A valid plan file as exported (400 goals make 1.2 MB): goals with 3 strategies each,
    written at the length of a real district's plan, with accents."""
    description = ("Équité et réussite pour chaque élève de l’école, avec les familles. " * 7)[:480]

    def strategy(g: int, s: int) -> dict:
        title = f"Stratégie {g}.{s}: accompagner les familles et les élèves à l’école"
        return {"id": f"s-{g}-{s}", "title": title, "description": description, "source": None}

    goals = [
        {
            "id": f"g-{g}",
            "title": f"Objectif {g}: la réussite de chaque élève, année après année",
            "description": description,
            "owner": None,
            "target_date": None,
            "source": None,
            "strategies": [strategy(g, s) for s in range(3)],
        }
        for g in range(goals)
    ]
    plan = {"mission": "Every student ready.", "use_objectives": False, "goals": goals}
    return {"schema": "aligned.plan", "version": 1, "plan": plan}


def test_a_plan_too_big_for_its_page_is_refused_at_import_with_a_clear_message(client, cast):
    content = json.dumps(big_plan_file(400), indent=2, ensure_ascii=False).encode()
    assert len(content) > 1_200_000  # 400 goals, 1,200 strategies: it made a 62 MB page
    client.force_login(cast.core_team)
    upload = SimpleUploadedFile("plan.json", content, content_type="application/json")
    refused = client.post(url("import", cast), {"file": upload})
    assert refused.status_code == 400
    assert (
        "This plan is too big to import: it has 1,600 parts (400 goals, 1,200 strategies), and a"
        " plan may have up to 400 so that its page stays quick to open."
    ) in refused.content.decode()
    assert not Goal.objects.exists()


def test_the_biggest_plan_that_imports_makes_a_page_under_2_mb_without_a_menu_per_strategy(
    client, cast
):
    _, warnings = import_plan(engagement=cast.engagement, data=big_plan_file(100))
    assert Strategy.objects.count() == 300  # with its 100 goals, the most one import takes
    client.force_login(cast.core_team)
    body = client.get(url("plan", cast)).content
    assert body.count(b"<option") == 0  # a strategy's "Move to" menu listed every goal
    assert len(body) < 2_000_000


def test_deleting_asks_first_then_deletes(client, cast, plan):
    goal = GoalFactory(plan=plan, title="Safe schools")
    client.force_login(cast.facilitator)
    page = client.get(url("element-delete", cast, "goal", goal.pk)).content.decode()
    assert "Delete this goal?" in page and "with its strategies" in page
    assert Goal.objects.exists()
    client.post(url("element-delete", cast, "goal", goal.pk))
    assert not Goal.objects.exists()


def test_statements_are_edited_and_objectives_can_be_switched_off(client, cast, plan):
    client.force_login(cast.core_team)
    form = client.get(url("statements", cast), headers=HTMX).content.decode()
    assert 'name="mission"' in form
    client.post(
        url("statements", cast),
        {
            "mission": "Why we exist",
            "vision": "What we become",
            "max_goals": 5,
            "max_strategies_per_goal": 6,
        },
        headers=HTMX,
    )
    plan.refresh_from_db()
    assert plan.mission == "Why we exist" and plan.use_objectives is False
    page = client.get(url("plan", cast)).content.decode()
    assert 'id="objectives"' not in page
    bad = client.post(url("statements", cast), {"mission": "Kept", "max_goals": 0}, headers=HTMX)
    assert "Kept" in bad.content.decode() and "errorlist" in bad.content.decode()


def test_a_carried_forward_card_becomes_a_goal_showing_its_dots(client, cast, plan):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    card = CardFactory(activity=ActivityFactory(retreat=retreat), text="Later start times")
    retreat_services.card_set_carry_forward(card=card, carry_forward=True)
    client.force_login(cast.core_team)
    page = client.get(url("plan", cast)).content.decode()
    assert "From the retreats" in page and "Later start times" in page
    response = client.post(url("use-source", cast, "card", card.pk), {"kind": "goal"})
    goal = Goal.objects.get()
    assert response.url == url("plan", cast) + f"#goal-{goal.pk}"
    page = client.get(url("plan", cast)).content.decode()
    assert "From the retreats: card “Later start times”, 0 dots" in page
    assert "In the plan" in page
    foreign = CardFactory(carry_forward=True)
    assert (
        client.post(url("use-source", cast, "card", foreign.pk), {"kind": "goal"}).status_code
        == 404
    )


def test_the_page_costs_the_same_queries_whatever_the_plans_size(
    client, cast, plan, django_assert_max_num_queries
):
    client.force_login(cast.core_team)

    def grow(goals):
        for _ in range(goals):
            goal = GoalFactory(plan=plan)
            MeasureFactory(goal=goal)
            for _ in range(3):
                strategy = StrategyFactory(goal=goal)
                ActionStepFactory(strategy=strategy, owner=cast.engagement.memberships.first())
                MeasureFactory(goal=None, strategy=strategy)
        ValueFactory(plan=plan)

    grow(1)
    with django_assert_max_num_queries(30) as small:
        client.get(url("plan", cast))
    counted = len(small)
    grow(8)
    with django_assert_max_num_queries(counted):
        body = client.get(url("plan", cast)).content.decode()
    assert len(re.findall(r'class="plan-el plan-el--goal"', body)) == 9


def test_a_statement_beyond_its_length_is_refused_next_to_it_and_kept(client, cast, plan):
    client.force_login(cast.core_team)
    mission = "Ensemble" * 131072  # a 1 MB paste with no space in it
    fields = {"mission": mission, "vision": "Chaque élève « compte »", "max_goals": 5}
    response = client.post(url("statements", cast), {**fields, "max_strategies_per_goal": 6})
    page = response.content.decode()
    assert response.status_code == 400
    message = "Keep the mission to 800 characters at most: it has 1048576. Shorten it."
    assert page.index('for="id_mission"') < page.index(message) < page.index('name="mission"')
    assert mission in page and "Chaque élève « compte »" in page  # nothing typed is lost
    assert 'maxlength="800"' not in page  # a browser would cut a paste off without a word
    plan.refresh_from_db()
    assert plan.mission == ""


def test_a_value_description_beyond_its_length_is_refused(client, cast, plan):
    client.force_login(cast.core_team)
    response = client.post(
        url("element-add", cast, "value"), {"title": "Équité", "description": "x" * 1001}
    )
    assert "Keep the description to 1000 characters at most: it has 1001." in (
        response.content.decode()
    )
    assert not plan.values.exists()
