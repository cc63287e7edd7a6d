"""A facilitator plans a meeting on a phone, writes its agenda in place with the keyboard, shares
a reading and takes attendance; a board member sees it and downloads the reading."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Role
from tests.factories import PASSWORD, MembershipFactory, PhaseFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def team(riverside, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    engagement = riverside["engagement"]
    PhaseFactory(
        engagement=engagement,
        name="Orientation",
        guiding_question="Who are we and what are we being asked to do?",
        position=1,
    )
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    return {**riverside, "facilitator": facilitator}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_facilitator_runs_a_meeting_and_a_board_member_reads_it(page, team, tmp_path):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, team["facilitator"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", name="No meetings planned yet")).to_be_visible()
    page.get_by_role("link", name="Plan the first meeting").click()

    page.get_by_label("Title").fill("Orientation evening")
    page.get_by_label("Kind of meeting").select_option(label="Orientation")
    page.get_by_label("Phase").select_option(label="Orientation")
    page.get_by_label("Date and start time").fill("2027-04-14T18:30")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Place").fill("Board room, 100 Main Street")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_role("heading", level=1, name="Orientation evening")).to_be_visible()
    expect(page.get_by_text("Wednesday, April 14, 2027, 6:30 p.m. CDT")).to_be_visible()

    # Agenda items are added in place (htmx): the title field is ready for the next one, and
    # a live region says what happened.
    status = page.locator("#agenda-status")
    for title, minutes in [("Welcome", "20"), ("Why plan?", "30"), ("Questions", "20")]:
        page.get_by_label("What happens").fill(title)
        page.get_by_label("Time box (minutes)").fill(minutes)
        page.get_by_role("button", name="Add to the agenda").click()
        expect(status).to_have_text(f"“{title}” is added to the agenda.")
        expect(page.get_by_label("What happens")).to_be_focused()
    expect(page.get_by_text("The agenda is 10 minutes longer than the meeting.")).to_be_visible()

    # Moving with the keyboard keeps focus on the button that was pressed.
    page.get_by_role("button", name="Move up “Questions”").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("“Questions” moved to place 2.")
    items = page.locator(".agenda-item .agenda-item__title")
    expect(items).to_have_text(["Welcome", "Questions", "Why plan?"])
    assert focused_id(page).startswith("move-up-")

    # Changing an item in place, then shortening the agenda to fit.
    page.get_by_role("link", name="Change “Why plan?”").click()
    in_place = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Change"))
    expect(in_place.get_by_label("What happens")).to_be_focused()
    in_place.get_by_label("Time box (minutes)").fill("20")
    in_place.get_by_role("button", name=re.compile("^Save")).click()
    expect(status).to_have_text("“Why plan?” is saved.")
    expect(page.get_by_text("longer than the meeting")).to_have_count(0)
    expect(page.get_by_role("link", name="Change “Why plan?”")).to_be_focused()

    # A renamed program is refused with the rule; a real PDF is shared.
    page.get_by_role("link", name="Add a reading").click()
    page.get_by_label("Title").fill("Enrollment report")
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_role("button", name="Upload the reading").click()
    expect(page.get_by_text("“report.pdf” is not really a PDF")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Enrollment report")
    real = tmp_path / "Enrollment report.pdf"
    real.write_bytes(PDF)
    page.get_by_label("File").set_input_files(str(real))
    page.get_by_role("button", name="Upload the reading").click()
    expect(page.get_by_text("“Enrollment report” is shared with the team.")).to_be_visible()

    # Attendance: the facilitator present, the board member excused.
    page.get_by_role("link", name="Take attendance").click()
    page.get_by_role("group", name=re.compile("Dana Whitfield")).get_by_label("Present").check()
    page.get_by_role("group", name=re.compile("Gloria Estrada")).get_by_label("Excused").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("1 of 2 team members attended (1 excused).")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The board member sees the meeting without the editing controls and downloads the reading.
    sign_in(page, team["board"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_text("“Who are we and what are we being asked to do?”")).to_be_visible()
    page.get_by_role("link", name="Orientation evening").click()
    expect(page.get_by_role("button", name=re.compile("Move up"))).to_have_count(0)
    expect(page.get_by_role("heading", name="Add an agenda item")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Enrollment report").click()
    assert download.value.suggested_filename == "Enrollment report.pdf"
    assert download.value.path().read_bytes() == PDF
