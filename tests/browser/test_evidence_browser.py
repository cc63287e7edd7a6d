"""On a phone (375 px): a core-team member adds an indicator with its values (a mistake first,
kept and explained beside its cell), reads its chart, table and sentence, and the data pack made
of it; every page is scanned by axe."""

from playwright.sync_api import expect

from engagements.models import Role
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
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
