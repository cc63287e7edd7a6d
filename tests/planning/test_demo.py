"""The demo's draft plan (planning/demo.py), built by load_demo from the demo SWOT."""

import pytest
from django.core.management import call_command

from planning.diff import ADDED, CHANGED, compare
from planning.models import ActionStep, Measure, Plan, Strategy

pytestmark = pytest.mark.django_db


def riverside_plan() -> Plan:
    return Plan.objects.get(engagement__name="Strategic Plan 2027–2032")


def test_the_demo_has_a_draft_plan_with_two_drafts_that_differ():
    call_command("load_demo")
    plan = riverside_plan()
    assert plan.mission and plan.vision
    assert plan.values.count() == 6  # five, and one more in draft 2
    goals = list(plan.goals.all())
    assert len(goals) == 4 and goals[0].title == "Academic Success"
    for goal in goals:
        assert 2 <= goal.strategies.count() <= 4
        measure = goal.measures.get()
        assert measure.baseline is not None and measure.target is not None
        assert goal.missing_smart() == []
    assert Strategy.objects.filter(goal__plan=plan).count() == 10
    steps = ActionStep.objects.filter(strategy__goal__plan=plan)
    assert steps.exists() and not steps.filter(owner__isnull=True).exists()
    assert Measure.objects.filter(goal__plan=plan, baseline__isnull=True).count() == 0
    # A goal came from a theme the data retreat carried forward, with its dots.
    sourced = plan.goals.get(title="Pathways Beyond High School")
    assert sourced.source_theme.name == "Pathways beyond high school" and sourced.source_dots
    first, second = plan.versions.all()
    assert (first.number, second.number) == (1, 2)
    rows = {row.label: row.status for row in compare(first.data, second.data)}
    assert rows["Academic Success"] == CHANGED and rows["Joy in learning"] == ADDED


def test_loading_the_demo_again_keeps_the_plan_as_people_changed_it():
    call_command("load_demo")
    plan = riverside_plan()
    plan.goals.filter(title="Great People").update(title="Great People, Great Schools")
    call_command("load_demo")
    assert plan.goals.count() == 4 and plan.versions.count() == 2
    assert plan.goals.filter(title="Great People, Great Schools").exists()


def test_the_demo_plan_pages_open_for_the_demo_facilitator(client):
    from django.urls import reverse

    from accounts.models import User

    call_command("load_demo")
    plan = riverside_plan()
    client.force_login(User.objects.get(email="facilitator@riverside.example"))
    engagement = plan.engagement.pk
    page = client.get(reverse("planning:plan", args=[engagement])).content.decode()
    assert "Academic Success" in page and "From the retreats" in page and "Health check" in page
    compare = reverse("planning:compare", args=[engagement]) + "?a=1&b=2"
    assert "Joy in learning" in client.get(compare).content.decode()
    for name in ("drafts", "health", "export-json", "export-csv", "import"):
        assert client.get(reverse(f"planning:{name}", args=[engagement])).status_code == 200


def test_the_demo_has_draft_2_under_review_with_feedback_in_every_state(client):
    from planning.demo import DEMO_REVIEW_TOKEN
    from planning.models import Comment, Review
    from planning.selectors.review import buy_in_results

    call_command("load_demo")
    review = Review.objects.get(version__plan=riverside_plan())
    assert review.version.number == 2 and review.state == Review.State.OPEN
    members = review.comments.filter(is_public=False)
    assert members.filter(parent__isnull=True).count() >= 4
    assert members.filter(parent__isnull=False).exists()  # a thread with a reply
    public = review.comments.filter(is_public=True)
    assert set(public.values_list("state", flat=True)) == set(Comment.State.values)
    results = buy_in_results(review)
    assert results.shown and results.respondents >= 20
    assert results.goals[0].groups and results.goals[0].hidden_groups  # small groups hidden
    page = client.get(f"/review/{DEMO_REVIEW_TOKEN}/")
    assert page.status_code == 200 and "Academic Success" in page.content.decode()


def test_the_demo_has_an_approved_plan_with_its_history_and_sends_no_mail(mailbox):
    from planning.models import Approval, PlanEvent

    call_command("load_demo")
    approval = Approval.objects.get(plan__engagement__name="Strategic Plan 2021–2026")
    assert approval.state == Approval.State.APPROVED and approval.rule == "recorded"
    assert approval.meeting_date.year == 2021 and approval.minutes_reference
    history = list(PlanEvent.objects.filter(plan=approval.plan).values_list("to_state", flat=True))
    assert history == ["under review", "review closed", "final draft", "recommended", "approved"]
    # approved, and every phase of its timeline done: the plan is being lived
    assert approval.plan.engagement.status == "living"
    assert mailbox.messages() == []
