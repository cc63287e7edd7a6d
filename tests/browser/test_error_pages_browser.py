"""The error pages no other browser test opens, each on a 375 px phone (no sideways scrolling) and
a 1280 px laptop, with what a person reads on it and the HTTP status; every page is scanned by
axe like every page the harness loads, whatever its status:

- the database is not answering (templates/503.html, config/outage.py), raised for real by the
  observer page's view through the live server;
- an observer downloading a public meeting's record too often (429, retreats/observer_busy.html),
  as the spreadsheet and as the PDF;
- the record's PDF when the task queue cannot be reached (503, reports/observer_record.html);
- a board member opening a page their role does not allow (403, templates/403.html);
- the join-code page refusing codes after too many wrong ones from the network (429).

The 404 page is opened already (test_sign_in.py, test_open_meeting_browser.py). The failures
are made by replacing, for the test, the function the view calls (the live server runs in a
thread of this process)."""

import pytest
from django.db import OperationalError
from django.urls import reverse
from playwright.sync_api import expect

import retreats.views.observer
from reports import services as report_services
from retreats import services, throttle
from tests.factories import PhaseFactory, RetreatFactory

from .test_sign_in import sign_in

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}


def open_on(page, screen: dict, url: str):
    """Open `url` at the screen's width; on a phone nothing may be wider than the screen. The
    page seen before is scanned first, at the width it was seen at."""
    page.a11y_scan.scan_if_due()
    page.set_viewport_size(screen)
    response = page.goto(url)
    if screen is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"{url} scrolls sideways on a phone"
        )
    return response


@pytest.fixture
def meeting(riverside):
    """A public meeting of Riverside's, and its observer link."""
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=riverside["engagement"]), title="Community retreat"
    )
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    return retreat


def test_the_database_not_answering_says_so_and_the_page_comes_back(page, meeting, monkeypatch):
    address = reverse("retreats:observer", args=[meeting.observer_token])
    url = page.live_server_url + address
    found = retreats.views.observer._retreat
    database = {"answering": False}

    def retreat_or_outage(token):
        if not database["answering"]:
            raise OperationalError("the database is not answering")
        return found(token)

    monkeypatch.setattr(retreats.views.observer, "_retreat", retreat_or_outage)

    for screen in (PHONE, LAPTOP):
        response = open_on(page, screen, url)
        assert response.status == 503
        assert response.headers["retry-after"] == "30"
        expect(page).to_have_title("The site's database is not answering · Aligned")
        expect(
            page.get_by_role("heading", level=1, name="The site's database is not answering")
        ).to_be_visible()
        expect(page.get_by_text("This usually lasts less than a minute")).to_be_visible()
        expect(page.get_by_text("it may not have been saved: go back and send it")).to_be_visible()
        expect(page.get_by_role("link", name="Try this page again")).to_have_attribute(
            "href", address
        )
        expect(page.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")

    # The database answers again: "Try this page again" opens the meeting.
    database["answering"] = True
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Try this page again").click()
    assert navigation.value.status == 200
    expect(page.get_by_role("heading", level=1, name="Community retreat")).to_be_visible()
    expect(page.get_by_text("The meeting has no board yet.")).to_be_visible()


@pytest.mark.parametrize(
    ("route", "what"),
    [("retreats:observer-record-csv", "spreadsheet"), ("reports:observer-record-pdf", "PDF")],
)
def test_too_many_downloads_of_the_record_ask_to_wait(page, meeting, monkeypatch, route, what):
    asked = []

    def wait_90_seconds(request):
        asked.append(request.path)
        return 90

    # The CSV's view asks the throttle module, the PDF's its own import of the same function.
    monkeypatch.setattr(throttle, "record_wait_seconds", wait_90_seconds)
    monkeypatch.setattr("reports.views.record_wait_seconds", wait_90_seconds)
    record = reverse(route, args=[meeting.observer_token])

    for screen in (PHONE, LAPTOP):
        response = open_on(page, screen, page.live_server_url + record)
        assert response.status == 429
        assert response.headers["retry-after"] == "90"
        expect(
            page.get_by_role(
                "heading", level=1, name=f"The record of “Community retreat” as a {what}"
            )
        ).to_be_visible()
        expect(
            page.get_by_text("Riverside Unified School District · public meeting")
        ).to_be_visible()
        expect(page.get_by_text("downloaded many times from your network")).to_be_visible()
        expect(page.get_by_text("Please try again in 2 minutes.")).to_be_visible()
        expect(page.get_by_role("link", name="Back to the meeting")).to_have_attribute(
            "href", reverse("retreats:observer", args=[meeting.observer_token])
        )
    assert asked == [record, record]

    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.get_by_role("heading", level=1, name="Community retreat")).to_be_visible()


def test_the_record_pdf_says_when_reports_cannot_be_made(page, meeting, monkeypatch):
    def queue_down(**kwargs):
        raise report_services.QueueUnavailable("Redis is not answering")

    monkeypatch.setattr(report_services, "public_record_job", queue_down)
    record = reverse("reports:observer-record-pdf", args=[meeting.observer_token])

    for screen in (PHONE, LAPTOP):
        response = open_on(page, screen, page.live_server_url + record)
        assert response.status == 503
        expect(
            page.get_by_role("heading", level=1, name="The record of “Community retreat” as a PDF")
        ).to_be_visible()
        expect(page.get_by_text(report_services.QUEUE_DOWN)).to_be_visible()
        expect(page.get_by_text("Nothing else is affected.")).to_be_visible()
        expect(page.get_by_role("link", name="Back to the meeting")).to_have_attribute(
            "href", reverse("retreats:observer", args=[meeting.observer_token])
        )

    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.get_by_role("heading", level=1, name="Community retreat")).to_be_visible()


def test_a_board_member_opening_a_facilitators_page_is_told_why_not(page, riverside):
    sign_in(page, riverside["board"].email)
    url = page.live_server_url + reverse(
        "engagements:meeting-new", args=[riverside["engagement"].pk]
    )

    for screen in (PHONE, LAPTOP):
        response = open_on(page, screen, url)
        assert response.status == 403
        expect(page).to_have_title("Not allowed · Aligned")
        expect(page.get_by_role("heading", level=1, name="You can’t do that here")).to_be_visible()
        expect(
            page.get_by_text(
                "Your role in this engagement does not allow you to manage the engagement, its"
                " phases and roster."
            )
        ).to_be_visible()
        expect(
            page.get_by_text("ask the engagement’s facilitator to change your role")
        ).to_be_visible()

    page.get_by_role("link", name="Go to my engagements").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def test_too_many_wrong_join_codes_from_the_network_are_explained(page, riverside, monkeypatch):
    monkeypatch.setattr(throttle, "join_refused", lambda request, retreat: True)
    join = page.live_server_url + reverse("retreats:join")

    for screen in (PHONE, LAPTOP):
        open_on(page, screen, join)
        page.get_by_label("Join code").fill("k7p 2qx")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Continue").click()
        assert answer.value.status == 429
        expect(page.get_by_role("heading", level=1, name="Join a retreat")).to_be_visible()
        expect(page.get_by_text("Too many wrong codes from this network.")).to_be_visible()
        expect(page.get_by_text("or ask the facilitator for help")).to_be_visible()
        expect(page.get_by_label("Join code")).to_have_value("k7p 2qx")
        if screen is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
