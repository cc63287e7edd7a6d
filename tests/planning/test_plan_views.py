"""The plan page: everyone on the team reads it, the facilitator and core team edit it in place
(errors in place, words kept), order and move elements, and take carried-forward retreat items
in; another engagement's elements are never reachable; the page's queries do not grow."""

import re

import pytest
from django.urls import reverse

from planning import services
from planning.models import Goal, Strategy, Value
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
