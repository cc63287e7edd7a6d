"""A parent opens the public review link on a phone, gives feedback on a goal and answers the
buy-in check, by touch and by keyboard; every page is scanned for accessibility."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from planning.models import BuyInResponse, Comment
from planning.services import plan_for
from planning.services.review import token_hash
from tests.factories import (
    GoalFactory,
    MeasureFactory,
    PlanVersionFactory,
    ReviewFactory,
    StrategyFactory,
    ValueFactory,
)

TOKEN = "riverside-browser-token-0123456789abcdef"


def published(engagement):
    plan = plan_for(engagement)
    plan.mission = "Every student, every day, ready for what comes next."
    plan.vision = "A district where every learner thrives."
    plan.save()
    ValueFactory(plan=plan, title="Kindness first")
    goal = GoalFactory(plan=plan, title="Every reader by grade 3")
    StrategyFactory(goal=goal, title="Tutoring in every school")
    MeasureFactory(goal=goal, indicator="Grade 3 reading at level", baseline=62, target=75)
    GoalFactory(plan=plan, title="Safe and welcoming schools")
    return ReviewFactory(
        version=PlanVersionFactory(plan=plan),
        public_token_hash=token_hash(TOKEN),
        public_link_made_at=timezone.now(),
        public_buy_in=True,
    )


def test_a_parent_gives_feedback_and_answers_the_survey_on_a_phone(page, riverside, settings):
    settings.PUBLIC_FEEDBACK_MIN_SECONDS = 0  # a test types faster than a person
    review = published(riverside["engagement"])
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{page.live_server_url}/review/{TOKEN}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Our draft plan: tell us what you think"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("navigation")).to_have_count(0)

    page.get_by_role("link", name="Give feedback on this goal: Every reader by grade 3").click()
    expect(page.get_by_label("Which part of the draft is it about?")).to_have_value(
        re.compile("^goal:")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Your feedback").fill("More tutors in the early grades, please.")
    page.get_by_label("You are a…").select_option("Parent or guardian")
    page.get_by_label("Your e-mail address (optional)").fill("ana@")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Enter an e-mail address like name@example.org")).to_be_visible()
    expect(page.get_by_label("Your feedback")).to_have_value(
        "More tutors in the early grades, please."
    )
    page.get_by_label("Your e-mail address (optional)").fill("ana@example.org")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your feedback was sent")
    feedback = Comment.objects.get()
    assert (feedback.element_label, feedback.category) == (
        "Every reader by grade 3",
        "Parent or guardian",
    )

    page.get_by_role("link", name="Back to the draft").click()
    page.get_by_role("link", name="Answer a short survey on the goals").click()
    first = page.get_by_role("group", name="Goal 1: Every reader by grade 3")
    expect(first).to_be_visible()  # the survey page has loaded (not the draft still leaving)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    first.get_by_label("Strongly support").check()
    # The keyboard alone: arrow keys move between the choices of a question.
    second = page.get_by_role("group", name="Goal 2: Safe and welcoming schools")
    second.get_by_label("Strongly oppose").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(second.get_by_label("Support", exact=True)).to_be_checked()
    page.get_by_label("Not sure yet").check()
    page.get_by_label("You are a…").select_option("Student")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are in")
    answers = BuyInResponse.objects.get(review=review)
    assert sorted(a.support for a in answers.answers.all()) == [4, 5]
    assert answers.commits == "unsure"
