"""The live board on a phone when the connection drops (issue 15, item 2): a polite banner says
so, the typed card is kept and sent again with the same key until it gets through, exactly one
card is added, and the banner clears once the server answers again; polls back off and recover
the same way."""

import re

import pytest
from playwright.sync_api import expect

from retreats import services
from retreats.models import Activity, Ballot, Card
from tests.factories import PhaseFactory, RetreatFactory

LOST = "Connection lost, retrying… your card is kept."
CARD = (
    "Que chaque élève de 6e rencontre un conseiller d’orientation avant décembre — voir "
    "https://example.org/orientation?annee=2026&ecole=riverside pour le calendrier proposé."
)


@pytest.fixture
def board(riverside):
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=riverside["engagement"], name="Data retreat"),
        title="Data retreat",
        join_code="K7P2QX",
        is_open=True,
    )
    activity = services.activity_add(
        retreat=retreat,
        kind=Activity.Kind.BRAINSTORM,
        prompt="How do we want to be different 5-10 years from now?",
        private_until_revealed=False,
    )
    return activity


def join(page, voting=False):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.live_server_url + "/j/K7P2QX")
    page.get_by_label("Your name").fill("Zoé")
    page.get_by_label("Which group are you part of?").select_option(label="I’d rather not say")
    page.get_by_role("button", name="Join the retreat").click()
    if voting:
        expect(page.get_by_text("You have 4 of 4 dots left.").first).to_be_visible()
    else:
        expect(page.get_by_label("Your idea")).to_be_visible()


def test_a_card_sent_on_a_dropping_connection_is_kept_retried_and_added_once(page, board):
    join(page)
    tries = []

    def flaky(route):
        tries.append(route.request.post_data)
        if len(tries) <= 2:
            route.abort()  # the network drops, twice
        else:
            route.continue_()

    page.route(re.compile(r"/cards/$"), flaky)
    page.get_by_label("Your idea").fill(CARD)
    page.get_by_role("button", name="Add the card").click()

    banner = page.get_by_role("status").filter(has_text="Connection lost")
    expect(banner).to_have_text(LOST)
    expect(banner).to_be_visible()
    expect(page.get_by_label("Your idea")).to_have_value(CARD)  # nothing typed is lost
    page.a11y_scan.mark_due()  # axe checks the page with the banner showing

    expect(page.locator("#board-live").get_by_text("Que chaque élève de 6e")).to_be_visible()
    expect(page.locator("#board-announce")).to_have_text("Your card is on the board.")
    expect(page.locator("#connection-banner")).to_have_text("")
    expect(page.get_by_label("Your idea")).to_have_value("")
    assert len(tries) == 3
    keys = {re.search(r"submission_key=([\w-]+)", body).group(1) for body in tries}
    assert len(keys) == 1  # the same key every time: the server takes the card once
    assert Card.objects.filter(activity=board).count() == 1


def test_polls_that_fail_show_the_banner_and_clear_it_when_the_server_answers(
    page, board, settings
):
    settings.LIVE_PUSH = False  # a polling page (push off, or a stream refused)
    join(page)
    failing = {"on": True}

    def poll(route):
        if failing["on"]:
            route.fulfill(status=503, body="Service unavailable")
        else:
            route.continue_()

    page.route(re.compile(r"/live/\?"), poll)
    page.get_by_label("Your idea").fill("Half-typed idea")
    banner = page.locator("#connection-banner")
    expect(banner).to_have_text(LOST)
    expect(banner).to_be_visible()
    page.a11y_scan.mark_due()

    failing["on"] = False
    services.card_add(activity=board, participant=board.retreat.participants.first(), text="News")
    expect(banner).to_have_text("", timeout=20_000)
    expect(page.locator("#board-live").get_by_text("News")).to_be_visible()
    expect(page.get_by_label("Your idea")).to_have_value("Half-typed idea")


def test_a_dot_sent_on_a_dropping_connection_is_spent_once(page, board):
    services.card_add(
        activity=board,
        participant=services.participant_join_guest(
            retreat=board.retreat, display_name="Ana", stakeholder_group=None
        ).participant,
        text="More arts",
    )
    board.vote_budget = 4
    board.save()
    services.activity_set_stage(activity=board, stage=Activity.Stage.VOTING)
    join(page, voting=True)
    tries = []

    def flaky(route):
        tries.append(route.request.post_data)
        route.abort() if len(tries) <= 2 else route.continue_()

    page.route(re.compile(r"/vote/$"), flaky)
    page.get_by_role("button", name="Add a dot to ‘More arts’").click()
    expect(page.locator("#connection-banner")).to_have_text(LOST)
    expect(page.locator("#board-announce")).to_contain_text("You have 3 of 4 dots left.")
    expect(page.locator("#connection-banner")).to_have_text("")
    assert len(tries) == 3
    assert all("action=add" in body for body in tries)
    assert Ballot.objects.get(activity=board, participant__display_name="Zoé").spent == 1
