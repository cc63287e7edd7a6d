"""An open meeting through a real browser: the observer link on a laptop (1280 px) and on a phone
(375 px), nobody signed in, shows the board the room is on and a new card within two seconds,
with no control to press and no name; both pages scanned by axe. The README's screenshot of the
observer page is written only with ALIGNED_SCREENSHOTS=1."""

import os
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from retreats import services
from retreats.models import Activity
from tests.factories import ActivityFactory, ParticipantFactory, PhaseFactory, RetreatFactory

LIVE = 2_000  # ms, as the projector
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_observers_watch_a_card_arrive_without_signing_in(page, new_page, riverside):
    engagement = riverside["engagement"]
    retreat = RetreatFactory(phase=PhaseFactory(engagement=engagement), title="Community retreat")
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    activity = ActivityFactory(
        retreat=retreat,
        kind=Activity.Kind.SWOT,
        title="Where are we now?",
        prompt="",
    )
    services.activity_update(activity=activity, private_until_revealed=False, show_authors=True)
    author = ParticipantFactory(retreat=retreat, display_name="Zelda Quincey")
    services.card_add(activity=activity, participant=author, text="Caring teachers", quadrant="S")
    url = page.live_server_url + reverse("retreats:observer", args=[retreat.observer_token])

    page.set_viewport_size(LAPTOP)
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="Where are we now?")).to_be_visible()
    expect(page.get_by_text("Caring teachers")).to_be_visible()
    phone = new_page(viewport=PHONE)
    phone.goto(url)
    expect(phone.get_by_text("Caring teachers")).to_be_visible()

    services.card_add(
        activity=activity, participant=author, text="Old buildings need repair", quadrant="W"
    )
    for screen in (page, phone):
        expect(screen.get_by_text("Old buildings need repair")).to_be_visible(timeout=LIVE)
        assert screen.locator("form, button, input, select, textarea").count() == 0
        assert screen.get_by_text("Zelda").count() == 0
        assert screen.get_by_text(retreat.join_code).count() == 0
        expect(screen.get_by_role("link", name="The record as a PDF")).to_be_visible()
    for screen in (page, phone):  # the swapped board, on the laptop and on the phone
        screen.a11y_scan.mark_due()
        screen.a11y_scan.scan_if_due()
        assert screen.a11y_scan.scanned[-1] == url

    if os.environ.get("ALIGNED_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "observer-link.png"))

    # Turned off: the watching page reloads into "not found" at its next poll.
    services.retreat_set_public_meeting(retreat=retreat, public=False)
    for screen in (page, phone):
        # Wait for the "not found" page itself on both screens, so that neither is still
        # navigating when the accessibility scan runs at the end of the test.
        expect(
            screen.get_by_role("heading", level=1, name="We can’t find that page")
        ).to_be_visible(timeout=LIVE + 3_000)
        expect(screen.get_by_text("Caring teachers")).to_have_count(0)
