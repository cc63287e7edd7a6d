"""On a phone (375 px): a core-team member adds an indicator with its values (a mistake first,
kept and explained beside its cell), reads its chart, table and sentence, and the data pack made
of it; every page is scanned by axe."""

from playwright.sync_api import expect

from engagements.models import Role
from retreats import services as retreat_services
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
    PhaseFactory,
    UserFactory,
)

from .test_sign_in import sign_in


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_core_team_member_adds_an_indicator_and_reads_the_data_pack_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    core = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=core, engagement=engagement, roles=[Role.CORE_TEAM.value])
    trust = IndicatorFactory(engagement=engagement, name="Staff trust survey", unit="")
    for year, value in [(2023, "3.1"), (2025, "3.6")]:
        IndicatorValueFactory(indicator=trust, year=year, value=value)
    pack = DataPackFactory(engagement=engagement, title="Where are we now? Our data picture")
    DataPackItemFactory(
        pack=pack, indicator=trust, commentary="Trust rose after the listening tour."
    )
    page.set_viewport_size({"width": 375, "height": 740})

    sign_in(page, core.email)
    page.get_by_role("link", name=engagement.name).first.click()
    page.get_by_role("link", name="Data and indicators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data and indicators")
    fits_the_phone(page)

    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Name").fill("Graduation rate")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Year, row 1").fill("2021")
    page.get_by_label("Value, row 1, column 1").fill("81")
    page.get_by_label("Year, row 2").fill("2025")
    page.get_by_label("Value, row 2, column 1").fill("eighty-six")
    page.get_by_role("button", name="Save the indicator").click()
    expect(page.get_by_text("“eighty-six” is not a number.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Graduation rate")
    expect(page.get_by_label("Value, row 1, column 1")).to_have_value("81")
    page.get_by_label("Value, row 2, column 1").fill("86")
    page.get_by_role("button", name="Save the indicator").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Graduation rate")
    expect(page.locator("figcaption")).to_have_text(
        "Graduation rate rose from 81% in 2021 to 86% in 2025; higher is better."
    )
    expect(page.get_by_role("img", name="Graduation rate (%)")).to_be_visible()
    expect(page.get_by_role("cell", name="86%")).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="Data and indicators").click()
    page.get_by_role("link", name="Where are we now? Our data picture", exact=True).click()
    expect(page.get_by_role("heading", name="1. Staff trust survey")).to_be_visible()
    expect(page.get_by_text("Trust rose after the listening tour.")).to_be_visible()
    fits_the_phone(page)


def test_the_facilitator_shows_an_indicator_above_the_swot_board_on_the_projector(
    page, new_page, riverside, settings
):
    """The console picks an indicator of the data pack; the projector, open on another screen,
    draws its chart above the board without a reload (polling here), and drops it on Hide."""
    settings.LIVE_PUSH = False
    engagement = riverside["engagement"]
    phase = PhaseFactory(engagement=engagement, name="Data retreat", status="in_progress")
    facilitator = UserFactory(email="fran@facilitation.example", full_name="Fran Okoye")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    graduation = IndicatorFactory(engagement=engagement, name="Graduation rate", unit="%")
    for year, value in [(2021, "81"), (2025, "86")]:
        IndicatorValueFactory(indicator=graduation, year=year, value=value)
    DataPackItemFactory(pack__engagement=engagement, indicator=graduation)
    retreat = retreat_services.retreat_create(
        engagement=engagement, phase=phase, title="Data retreat"
    )
    swot = retreat_services.activity_add(retreat=retreat, kind="swot")
    address = f"/retreats/{retreat.pk}/activities/{swot.pk}/"

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, facilitator.email)
    projector = new_page(viewport={"width": 1920, "height": 1080})
    sign_in(projector, facilitator.email)
    projector.goto(projector.live_server_url + address + "projector/")
    expect(projector.locator(".projector-data")).to_have_count(0)

    page.goto(page.live_server_url + address + "console/")
    page.get_by_label("An indicator of a data pack").select_option(label="Graduation rate")
    page.get_by_role("button", name="Show it above the board").click()
    expect(page.get_by_text("Showing: Graduation rate")).to_be_visible()
    expect(projector.locator(".projector-data")).to_contain_text(
        "Graduation rate rose from 81% in 2021 to 86% in 2025; higher is better."
    )
    expect(projector.get_by_role("img", name="Graduation rate (%)")).to_be_visible()

    page.get_by_role("button", name="Hide the data").click()
    expect(projector.locator(".projector-data")).to_have_count(0)
