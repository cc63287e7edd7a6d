"""The whole room at once, through the real UI: the facilitator's console on a laptop, a guest's
phone and the projector, each in its own browser. Then the README's screenshots, taken from the
demo data (written only with ALIGNED_SCREENSHOTS=1; the pages are checked either way)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from engagements.demo import DEMO_PASSWORD
from engagements.models import Role
from retreats.models import Activity, Retreat
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)

LIVE = 2_000  # ms: everything the room should see arrives within 2 seconds
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page, email, password=PASSWORD):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def join_as_guest(phone, code, name, group):
    phone.goto(phone.live_server_url + "/j/")
    phone.get_by_label("Join code").fill(code)
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Your name").fill(name)
    phone.get_by_label("Which group are you part of?").select_option(label=group)
    phone.get_by_role("button", name="Join the retreat").click()


def add_card(phone, text):
    phone.get_by_label("Your idea").fill(text)
    phone.get_by_role("button", name="Add the card").click()
    expect(phone.locator("#board-announce")).to_have_text("Your card is on the board.")


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    PhaseFactory(engagement=engagement, name="Vision retreat", position=1, status="in_progress")
    StakeholderGroupFactory(engagement=engagement, name="Parents")
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    return {**riverside, "facilitator": facilitator}


def test_console_phone_and_projector_run_a_board_together(page, new_page, team):
    idea = "Every student leaves with a plan"

    # The facilitator plans the retreat, opens it and adds a brainstorm, all from the UI.
    page.set_viewport_size(LAPTOP)
    sign_in(page, team["facilitator"].email)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Plan a retreat").click()
    page.get_by_label("Title").fill("Vision retreat")
    page.get_by_label("Phase").select_option(label="Vision retreat")
    page.get_by_role("button", name="Plan the retreat").click()
    expect(page.get_by_role("heading", level=1, name="Set up “Vision retreat”")).to_be_visible()
    code = page.locator(".setup-join__code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    page.get_by_role("button", name="Open the retreat for joining").click()
    expect(page.get_by_text(f"people join with code {code}")).to_be_visible()
    page.get_by_role("button", name="Add the brainstorm").click()
    expect(page.get_by_text("is added. Check its settings below.")).to_be_visible()

    # Its settings: cards public as they come in, and a small budget of 3 dots.
    page.get_by_role("link", name=re.compile("^Settings of")).click()
    page.get_by_label("Cards private until revealed").uncheck()
    page.get_by_label("Dots per person").fill("3")
    page.get_by_label("Most dots on one item").fill("3")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Cards seen by all at once")).to_be_visible()
    expect(page.get_by_text("3 dots per person, at most 3 on one item")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Run")).click()
    status = page.locator("#console-status")
    expect(page.get_by_role("heading", level=2, name="Stage")).to_be_visible()
    expect(page.get_by_text("Cards are seen by everyone as they come in.")).to_be_visible()

    # The projector: a third browser, signed in as the facilitator, opened from the console.
    projector = new_page(viewport=PROJECTOR)
    projector_url = page.get_by_role("link", name="Projector view").get_attribute("href")
    sign_in(projector, team["facilitator"].email)
    projector.goto(projector.live_server_url + projector_url)
    expect(projector.get_by_text(f"code {code}")).to_be_visible()
    expect(projector.get_by_text("No cards yet: add yours from your phone.")).to_be_visible()
    projector.evaluate("window.__notReloaded = true")

    # A guest on a phone joins by the code and adds a card; the projector shows it live.
    phone = new_page(viewport=PHONE)
    join_as_guest(phone, code.lower(), "Ana", "Parents")
    expect(phone.get_by_role("heading", level=1, name=re.compile("How do we want"))).to_be_visible()
    add_card(phone, idea)
    expect(projector.locator(".projector-card", has_text=idea)).to_be_visible(timeout=LIVE)
    assert projector.evaluate("window.__notReloaded") is True
    expect(page.locator(".mod-card__text", has_text=idea)).to_be_visible(timeout=LIVE)

    # The facilitator moves the board to voting from the console.
    page.get_by_role("button", name="Go to: Voting").click()
    expect(status).to_have_text("The board is now at “Voting”.")
    dots_left = phone.locator("#dots-left")
    expect(dots_left).to_contain_text("You have 3 of 3 dots left.", timeout=LIVE)
    expect(projector.get_by_text("Voting", exact=True)).to_be_visible(timeout=LIVE)

    # The guest spends her whole budget; the next dot is refused plainly and nothing changes.
    add = phone.get_by_role("button", name=f"Add a dot to ‘{idea}’")
    settled = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    for left in (2, 1, 0):
        add.focus()
        phone.keyboard.press("Enter")  # by keyboard
        expect(dots_left).to_contain_text(f"You have {left} of 3 dots left.")
        # htmx takes the new buttons over once they settle (20 ms); a key pressed sooner would
        # send the form the plain way, which works too but reloads the page.
        phone.wait_for_function(settled)
        expect(add).to_be_focused()  # a keyboard user stays on the button after each dot
    # The button says it is spent (aria-disabled) yet stays focusable: press it anyway.
    expect(add).to_have_attribute("aria-disabled", "true")
    phone.wait_for_function(settled)
    add.focus()
    phone.keyboard.press("Enter")
    notice = phone.locator("#vote-notice")
    expect(notice).to_have_text("You have used all 3 of your dots.")
    expect(notice).to_have_class(re.compile("message--error"))
    expect(dots_left).to_contain_text("You have 0 of 3 dots left.")

    # The facilitator reveals the votes; the projector shows the ranking without reloading.
    page.get_by_role("button", name="Reveal the votes").click()
    expect(status).to_have_text("The votes are shown to everyone.")
    expect(page.get_by_text("3 dots placed by 1 person.")).to_be_visible()
    ranking = projector.locator(".ranking__line").first
    expect(ranking).to_be_visible(timeout=LIVE)
    expect(ranking).to_contain_text(idea)
    expect(ranking).to_contain_text("3 dots from 1 person")
    assert projector.evaluate("window.__notReloaded") is True


def shoot(page, name, **options):
    """Save a screenshot for the README, only when asked to (ALIGNED_SCREENSHOTS=1)."""
    if os.environ.get("ALIGNED_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / name, animations="disabled", caret="hide", **options)


def test_readme_screenshots_of_the_demo(page, new_page, transactional_db):
    call_command("load_demo")  # inside the test: the live server shares this database
    vision = Retreat.objects.get(title="Vision retreat")
    swot = Activity.objects.get(retreat__title="Data retreat: SWOT analysis")
    assert vision.is_open and swot.stage == Activity.Stage.RESULTS

    # The phone board: a guest joins the open vision retreat by its code and adds a card.
    phone = new_page(viewport=PHONE)
    join_as_guest(phone, vision.join_code, "Maya", "Parents")
    expect(phone.get_by_text("Welcome, Maya!")).to_be_visible()
    add_card(phone, "Students and families help design what school looks like")
    expect(phone.get_by_text("Only you see your cards until")).to_be_visible()
    expect(phone.get_by_role("heading", level=2, name="Your cards (1)")).to_be_visible()
    shoot(phone, "phone-board.png", full_page=True)  # the question, the form and her card

    # The facilitator console of the data retreat's SWOT board, on a laptop.
    page.set_viewport_size(LAPTOP)
    sign_in(page, "facilitator@riverside.example", DEMO_PASSWORD)
    page.goto(page.live_server_url + reverse("retreats:console", args=[swot.retreat_id, swot.pk]))
    expect(page.get_by_role("heading", level=1, name=swot.title)).to_be_visible()
    expect(page.get_by_text("Now: Results")).to_be_attached()
    expect(page.get_by_text("Great people and programs").first).to_be_visible()
    # The top of the long page: stages, reveal switches, the room and the first cards.
    shoot(page, "console.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1800})

    # The projector at results: the ranking, in large type.
    projector = new_page(viewport=PROJECTOR)
    sign_in(projector, "facilitator@riverside.example", DEMO_PASSWORD)
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[swot.retreat_id, swot.pk])
    )
    expect(projector.locator(".ranking__line")).to_have_count(7)
    expect(projector.locator(".ranking__line").first).to_contain_text("dots from")
    shoot(projector, "projector.png")


# --- the projector fits a full board to the screen, or pages through it --------------------------

LONG_CARDS = {
    "S": (
        "Our teachers stay: most of the staff at Jefferson have been here more than ten "
        "years, they know the families by name, and when a child struggles someone notices before "
        "the report card does. Parents at the café night said the same thing — "
        "the people are why they chose Riverside, even when the buildings are old and the buses "
        "are late. We should protect that: mentoring for new teachers, time to plan together, and "
        "housing help so young teachers can afford to live in the town where they teach."
    ),
    "W": (
        "Communication with families is scattered across four apps, paper flyers in backpacks and "
        "a website no one searches. Spanish-speaking parents told us they learn about meetings "
        "after they happen; some grandparents raising grandchildren have no smartphone at all. "
        "Teachers answer the same question in three places. One channel, "
        "in the languages our families read, with a phone line for those offline, would save "
        "everyone time and let parents take part in decisions like this plan, not just hear them."
    ),
    "O": (
        "The new community college partnership could give every junior and senior a way to earn "
        "college credit or an industry certificate before graduation, at no cost to families: "
        "welding, nursing, coding, early childhood. Local employers at the "
        "chamber breakfast offered internships and mentors. If we build the schedules and the "
        "buses around it, students who never imagined college could leave with a credential, a "
        "first job offer and proof to themselves that they belong in a classroom after high school."
    ),
    "T": (
        "Enrollment has fallen for six years as young families move to cheaper towns, and "
        "the state funds us per student, so the budget shrinks while pensions, health "
        "insurance and buses cost more. If this goes on we will face closing a "
        "school or cutting programs families value most — music, sports, small classes in the "
        "early grades. We need an honest long-range budget, a plan for the buildings, a reason "
        "for families to move here and stay, or the decisions will be made for us by the "
        "numbers alone."
    ),
}
SHORT_CARDS = {
    "S": [
        "Caring, experienced teachers",
        "Strong arts and music programs",
        "Graduation rate up 6 points",
        "Parents volunteer in every school",
        "Safe, welcoming campuses",
        "Dual-language program at Lincoln",
        "Great special education team",
    ],
    "W": [
        "Aging buildings and HVAC",
        "Math scores below the state average",
        "Too few counselors per student",
        "Late buses on the east side",
        "Few teachers who share our students’ languages",
    ],
    "O": [
        "Bond measure next year",
        "Local employers want interns",
        "Grants for STEM labs",
        "Families ask for summer programs",
    ],
    "T": ["Teacher shortage statewide", "Rising chronic absenteeism", "Cyberattacks on schools"],
}
# A second long card in the busiest quadrant, with a pasted link and accents.
EXTRA_LONG_STRENGTH = (
    "Música, robótica y deportes después de clase: the after-school program with the Boys & "
    "Girls Club keeps 400 students busy till 6 pm; working parents say it is why they "
    "keep their jobs. Attendance on program days is 9% higher. Details and the evaluation are "
    "at https://riverside.example/afterschool/evaluation-2025-26.pdf — the "
    "program depends on a grant that ends in two years, so it is a strength and a risk to "
    "plan for now, with partners, before the money runs out and the doors close at 3:15."
)

# Every card (or ranking line) the projector shows, as the room sees it: fully visible (inside
# the viewport and every box that clips it, its own text not cut off), clamped (its box fully
# visible, its text cut short: the full text is one click away) or not shown on this page.
CARDS_ON_SCREEN = """() => {
  const inside = (r, box) => r.top >= box.top - 0.5 && r.left >= box.left - 0.5
    && r.bottom <= box.bottom + 0.5 && r.right <= box.right + 0.5;
  const view = {top: 0, left: 0, bottom: innerHeight, right: innerWidth};
  return [...document.querySelectorAll('.projector-card, .projector .ranking__line')].map(el => {
    const r = el.getBoundingClientRect();
    const body = el.querySelector('.projector-card__text, .ranking__label') || el;
    const rank = body.querySelector('.ranking__rank');  // "1." before a ranking line's words
    const text = (rank ? body.textContent.replace(rank.textContent, '') : body.textContent).trim();
    let shown = r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && inside(r, view);
    for (let a = el.parentElement; shown && a; a = a.parentElement) {
      if (getComputedStyle(a).overflow !== 'visible') shown = inside(r, a.getBoundingClientRect());
    }
    const clamped = body.scrollHeight > body.clientHeight + 1
      || body.scrollWidth > body.clientWidth + 1;
    return {text, shown, clamped};
  });
}"""


def shown_now(projector, text):
    return any(c["shown"] for c in projector.evaluate(CARDS_ON_SCREEN) if c["text"] == text)


def step_through_pages(projector):
    """Every page the projector announces, from the first: {card text: how it was seen}."""
    where = projector.locator("[data-pager-where]")
    seen = {}
    total = 1
    if where.is_visible():
        expect(where).to_have_text(re.compile(r"^Page 1 of \d+"))
        total = int(re.search(r"of (\d+)", where.inner_text())[1])
    for number in range(1, total + 1):
        if total > 1:
            expect(where).to_have_text(re.compile(rf"^Page {number} of {total}"))
        for card in projector.evaluate(CARDS_ON_SCREEN):
            if card["shown"]:
                best = seen.get(card["text"])
                seen[card["text"]] = "full" if not card["clamped"] or best == "full" else "clamped"
        if number < total:
            projector.get_by_role("button", name="Next page").click()
    return seen, total


@pytest.fixture
def full_swot(team):
    from retreats import services
    from tests.factories import ParticipantFactory, RetreatFactory

    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=team["engagement"], name="Data retreat"),
        title="Data retreat",
        join_code="K7P2QX",
    )
    swot = services.activity_add(retreat=retreat, kind=Activity.Kind.SWOT)
    people = [ParticipantFactory(retreat=retreat, display_name=n) for n in ("Ana", "Luis", "Mei")]
    texts = []
    for code in "SWOT":
        for text in [LONG_CARDS[code], *SHORT_CARDS[code]]:
            texts.append(text)
            services.card_add(
                activity=swot, participant=people[len(texts) % 3], text=text, quadrant=code
            )
    services.card_add(activity=swot, participant=people[0], text=EXTRA_LONG_STRENGTH, quadrant="S")
    texts.append(EXTRA_LONG_STRENGTH)
    swot.refresh_from_db()
    services.activity_reveal(activity=swot, cards=True)
    assert len(texts) == 24 and sum(len(t) > 450 for t in texts) >= 5, [len(t) for t in texts]
    return {**team, "retreat": retreat, "swot": swot, "texts": texts, "people": people}


def open_projector(new_page, room, **options):
    projector = new_page(viewport=PROJECTOR, **options)
    sign_in(projector, room["facilitator"].email)
    swot = room["swot"]
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[swot.retreat_id, swot.pk])
    )
    expect(projector.get_by_role("heading", level=1, name=swot.title)).to_be_visible()
    return projector


def test_the_projector_shows_every_card_of_a_full_swot_board(page, new_page, full_swot):
    from retreats import services

    page.goto(page.live_server_url + "/accounts/sign-in/")  # the laptop: not needed here
    projector = open_projector(new_page, full_swot, reduced_motion="reduce")
    projector.evaluate("window.__notReloaded = true")

    # 24 cards, some of 500 characters: each is fully on screen on some page the room is told of,
    # or, when cut short to fit, its box is whole and its full text one click away.
    seen, total = step_through_pages(projector)
    assert set(seen) == set(full_swot["texts"]), set(full_swot["texts"]) - set(seen)
    assert total > 1  # this board does not fit on one screen at a readable size
    clamped = [text for text, how in seen.items() if how == "clamped"]
    for text in clamped:
        assert len(text) > 200, text  # only long cards are cut short
        card = projector.locator(".projector-card", has_text=text[:60])
        for _ in range(total):  # turn to the page that shows it
            if shown_now(projector, text):
                break
            projector.get_by_role("button", name="Next page").click()
        card.get_by_role("button").click()
        dialog = projector.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(text)
        projector.a11y_scan.due = True  # axe checks the open dialog too
        projector.keyboard.press("Escape")
        expect(dialog).to_be_hidden()

    # Keys page too (a presenter's clicker sends Page Down / Page Up), and nothing moves on
    # screen: the room asked for reduced motion.
    where = projector.locator("[data-pager-where]")
    projector.keyboard.press("Home")
    expect(where).to_have_text(re.compile(rf"^Page 1 of {total}"))
    projector.keyboard.press("PageDown")
    expect(where).to_have_text(re.compile(rf"^Page 2 of {total}"))
    projector.keyboard.press("ArrowLeft")
    expect(where).to_have_text(re.compile(rf"^Page 1 of {total}"))
    projector.keyboard.press("ArrowRight")
    expect(where).to_have_text(re.compile(rf"^Page 2 of {total}"))
    animations = projector.evaluate(
        "[...document.querySelectorAll('.projector-card')]"
        ".map(c => getComputedStyle(c).animationName)"
    )
    assert set(animations) == {"none"}, set(animations)

    # The board refreshes itself every second: the room stays on page 2, even when the
    # region is replaced (a timer starts), and no card is lost.
    projector.wait_for_timeout(2_500)
    expect(where).to_have_text(re.compile(rf"^Page 2 of {total}"))
    swot = full_swot["swot"]
    swot.refresh_from_db()
    services.activity_set_timer(activity=swot, minutes=5)
    expect(projector.locator(".projector__timer")).to_be_visible(timeout=LIVE)
    expect(where).to_have_text(re.compile(r"^Page 2 of \d+"))
    assert projector.evaluate("window.__notReloaded") is True

    # A new card arrives: the projector turns to the page that shows it.
    swot.refresh_from_db()
    services.card_add(
        activity=swot,
        participant=full_swot["people"][1],
        text="Bilingual family liaisons in every school",
        quadrant="O",
    )
    newest = projector.locator(".projector-card", has_text="Bilingual family liaisons")
    expect(newest).to_be_visible(timeout=LIVE)
    assert shown_now(projector, "Bilingual family liaisons in every school")
    seen, _ = step_through_pages(projector)
    assert set(seen) == {*full_swot["texts"], "Bilingual family liaisons in every school"}


def test_the_projector_turns_its_pages_by_itself_until_paused(page, new_page, full_swot):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    projector = new_page(viewport=PROJECTOR)
    projector.clock.install()
    sign_in(projector, full_swot["facilitator"].email)
    swot = full_swot["swot"]
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[swot.retreat_id, swot.pk])
    )
    where = projector.locator("[data-pager-where]")
    expect(where).to_have_text(re.compile(r"^Page 1 of \d+"))
    projector.clock.run_for(16_000)
    expect(where).to_have_text(re.compile(r"^Page 2 of \d+"))

    pause = projector.get_by_role("button", name="Pause")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(where).to_contain_text("paused")
    projector.clock.run_for(60_000)
    expect(where).to_have_text(re.compile(r"^Page 2 of \d+"))
    projector.keyboard.press("ArrowRight")  # paging by hand still works while paused
    expect(where).to_have_text(re.compile(r"^Page 3 of \d+|^Page 1 of 2"))
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "false")


def test_the_projector_shows_every_card_of_a_brainstorm_its_themes_and_its_ranking(
    page, new_page, team
):
    from retreats import services
    from tests.factories import ParticipantFactory, RetreatFactory

    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=team["engagement"], name="Vision retreat"),
        title="Vision retreat",
    )
    board = services.activity_add(
        retreat=retreat,
        kind=Activity.Kind.BRAINSTORM,
        prompt="How do we want to be different 5-10 years from now than we are today?",
        private_until_revealed=False,
        vote_budget=12,
    )
    people = [ParticipantFactory(retreat=retreat) for _ in range(4)]
    texts = [*LONG_CARDS.values(), EXTRA_LONG_STRENGTH]
    texts += [text for quadrant in "SWOT" for text in SHORT_CARDS[quadrant]][: 24 - len(texts)]
    cards = [
        services.card_add(activity=board, participant=people[n % 4], text=text)
        for n, text in enumerate(texts)
    ]
    page.goto(page.live_server_url + "/accounts/sign-in/")
    projector = open_projector(new_page, {**team, "swot": board}, reduced_motion="reduce")

    # Collecting: all 24 cards, some of 500 characters.
    seen, _ = step_through_pages(projector)
    assert set(seen) == set(texts), set(texts) - set(seen)

    # Grouping: four themes and a few cards not grouped yet.
    board.refresh_from_db()
    themes = [
        services.theme_add(activity=board, name=name)
        for name in ("Teachers", "Families", "Futures", "Money")
    ]
    for n, card in enumerate(cards[:18]):
        services.card_set_theme(card=card, theme=themes[n % 4])
    board.refresh_from_db()
    services.activity_set_stage(activity=board, stage=Activity.Stage.GROUPING)
    expect(projector.get_by_text("Grouping into themes", exact=True)).to_be_visible(timeout=LIVE)
    seen, _ = step_through_pages(projector)
    assert set(seen) == set(texts), set(texts) - set(seen)

    # Results: the top 10, the long cards first.
    board.refresh_from_db()
    services.activity_set_stage(activity=board, stage=Activity.Stage.VOTING)
    for person in people:
        for card in cards[:10]:
            services.vote_add(activity=board, participant=person, card=card)
    services.activity_set_stage(activity=board, stage=Activity.Stage.RESULTS)
    expect(projector.locator(".ranking__line").first).to_be_attached(timeout=LIVE)
    seen, _ = step_through_pages(projector)
    assert set(seen) == set(texts[:10]), set(texts[:10]) - set(seen)
