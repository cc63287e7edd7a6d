"""Long text never widens a page: a pasted 170-character link and a 500-character "word" on the
cards, a theme named with one long word, a hidden card, a long plan element and a long comment.
Every retreat page (the phone board while collecting and voting, the themes page, the console,
the projector, the results) and the plan and review pages stay as wide as the screen, on a
375 px phone and on a 1280 px laptop."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Role
from planning import services as planning
from planning.services.review import comment_add, review_publish
from retreats import services
from retreats.models import Activity
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    UserFactory,
)

LINK = (
    "https://www.riverside.k12.example/departments/curriculum-and-instruction/"
    "assessment/2026-2027/district-benchmark-results-grades-3-8-mathematics-and-ela.pdf?v=3"
)
WORD = "Élèves" + "a" * 494  # a 500-character card with no space to wrap at
THEME = "Communication-with-families-" + "é" * 92  # 120 characters, no space


@pytest.fixture
def long_texts(riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    membership = MembershipFactory(
        user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value]
    )
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=engagement, name="Data retreat"),
        title="Data retreat",
        is_open=True,
    )
    swot = services.activity_add(retreat=retreat, kind=Activity.Kind.SWOT, vote_budget=5)
    services.activity_reveal(activity=swot, cards=True)
    me = services.participant_join_member(retreat=retreat, membership=membership)
    ana = ParticipantFactory(retreat=retreat, display_name="Ana María")
    swot.refresh_from_db()
    linked = services.card_add(activity=swot, participant=ana, text=f"See {LINK}", quadrant="S")
    long = services.card_add(activity=swot, participant=me, text=WORD, quadrant="W")
    hidden = services.card_add(activity=swot, participant=ana, text="Ñ" + WORD[1:], quadrant="O")
    services.card_set_hidden(card=hidden, hidden=True)
    theme = services.theme_add(activity=swot, name=THEME)
    services.card_set_theme(card=linked, theme=theme)

    plan = planning.plan_for(engagement)
    planning.plan_update(plan=plan, mission=f"Every student ready. {WORD[:300]}")
    goal = planning.element_add("goal", plan=plan, title=f"Academic success {WORD[:280]}")
    planning.element_add("strategy", goal=goal, title=LINK)
    version = planning.version_save(plan=plan, label="For the community", author=facilitator)
    today = timezone.localdate()
    review, _ = review_publish(
        version=version,
        opens_on=today,
        closes_on=today,
        public_link=False,
        public_buy_in=False,
        by=facilitator,
    )
    comment_add(review=review, membership=membership, body=f"Read {LINK} and {WORD}")
    return {
        "retreat": retreat,
        "swot": swot,
        "ana": ana,
        "long": long,
        "facilitator": facilitator,
        "engagement": engagement,
    }


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def too_wide(page, what):
    """Says how wide the page is if it is wider than the screen."""
    page.wait_for_load_state("load")
    width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [f"{what} is {width}px wide on a {screen}px screen"] if width > screen else []


@pytest.mark.parametrize("screen", [375, 1280])
def test_long_words_and_links_never_widen_a_page(page, long_texts, screen):
    page.set_viewport_size({"width": screen, "height": 900})
    sign_in(page, long_texts["facilitator"])
    retreat, swot = long_texts["retreat"], long_texts["swot"]
    base = f"{page.live_server_url}/retreats/{retreat.pk}/activities/{swot.pk}/"
    engagement = long_texts["engagement"]
    plan = f"{page.live_server_url}/engagements/{engagement.pk}/plan/"

    wide = []

    def within_the_screen(locator, what):
        box = locator.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > screen:
            wide.append(f"{what} is off screen ({box['x']:.0f} to {box['x'] + box['width']:.0f}px)")

    def visit(url, what):
        page.goto(url)
        wide.extend(too_wide(page, what))

    visit(f"{page.live_server_url}/retreats/{retreat.pk}/", "the retreat's page")
    visit(base, "the board while collecting")
    # Every control on the board is on screen: the add-card button and the cards' text.
    within_the_screen(page.get_by_role("button", name="Add the card"), "“Add the card”")
    visit(base + "console/", "the console")
    expect(page.get_by_text(WORD, exact=True).first).to_be_visible()
    visit(base + "themes/", "the themes page")
    within_the_screen(page.get_by_label(f"Theme for “{WORD[:59]}…”"), "a card's theme menu")
    visit(base + "projector/", "the projector")
    # The projector hides what does not fit rather than scroll: its cards must wrap instead.
    for card in page.locator(".projector-card").all():
        within_the_screen(card, "a card on the projector")

    services.activity_set_stage(activity=swot, stage=Activity.Stage.VOTING)
    swot.refresh_from_db()
    services.vote_add(activity=swot, participant=long_texts["ana"], card=long_texts["long"])
    visit(base, "the board while voting")
    plus = page.get_by_role("button", name=f"Add a dot to ‘{WORD[:59]}…’")
    within_the_screen(plus, "the “+” beside the long card")
    visit(base + "projector/", "the projector while voting")

    services.activity_set_stage(activity=swot, stage=Activity.Stage.RESULTS)
    visit(base, "the board's results")
    visit(base + "projector/", "the projector's results")
    visit(base + "results/", "the results page")
    visit(plan, "the plan page")
    visit(plan + "drafts/1/", "the draft's page")
    visit(plan + "drafts/1/review/", "the review page")
    assert not wide, "\n".join(wide)
