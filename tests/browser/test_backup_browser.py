"""A facilitator finds the backup on the engagement's settings page and downloads the archive."""

import json
import zipfile

from playwright.sync_api import expect

from engagements.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def test_a_facilitator_downloads_a_backup_from_the_settings_page(page, riverside, tmp_path):
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    engagement = riverside["engagement"]
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])

    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/")
    page.get_by_role("link", name="Settings").click()

    expect(page.get_by_role("heading", name="Backup")).to_be_visible()
    expect(page.get_by_text("It holds personal data:")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a backup of this engagement").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    assert path.name.startswith("aligned-backup-strategic-plan-20272032-")
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["exported"]["engagements"][0]["name"] == "Strategic Plan 2027–2032"
    assert manifest["counts"]["engagements.membership"] == 2
