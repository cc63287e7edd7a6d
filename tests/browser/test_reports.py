"""Reports in the browser, on the Riverside demo: the facilitator makes the one-page plan of
draft 2 with the keyboard only, sees its page turn to ready and downloads the PDF; a plan-team
member reads the reports page on a phone without scrolling sideways; and a job's page follows
a PDF a worker is making until it is ready."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from engagements.demo import DEMO_PASSWORD
from engagements.models import Engagement
from planning.models import PlanVersion
from reports import services
from reports.models import ReportJob
from reports.selectors import content_for

ENGAGEMENT = "Strategic Plan 2027–2032"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def demo(transactional_db, settings, tmp_path, tasks_in_process):
    """The demo, loaded inside the test (the live server shares this database); PDFs land in a
    temporary folder, rendered in this process also on the stack (a worker process would write
    them to its own media folder, which the live server does not read)."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    return Engagement.objects.get(
        name=ENGAGEMENT, organization__name="Riverside Unified School District"
    )


def sign_in(page, email):
    page.goto(page.live_server_url + reverse("accounts:sign-in"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def tab_to(page, target, limit=100):
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_the_facilitator_makes_and_downloads_a_one_page_plan_with_the_keyboard(page, demo):
    sign_in(page, "facilitator@riverside.example")
    page.goto(page.live_server_url + reverse("engagements:detail", args=[demo.pk]))

    tab_to(page, page.get_by_role("link", name="Reports (PDF)"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Reports (PDF)")).to_be_visible()
    expect(page.get_by_text("No PDFs made yet")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="One-page plan (PDF) of draft 2"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="One-page plan of draft 2")).to_be_visible()
    status = page.locator("#job-status")
    expect(status.get_by_text("Ready", exact=True)).to_be_visible()
    expect(status).to_contain_text("The PDF is ready.")

    download_link = page.get_by_role("link", name="Download PDF")
    tab_to(page, download_link)
    with page.expect_download() as waiting:
        page.keyboard.press("Enter")
    download = waiting.value
    assert download.suggested_filename == "strategic-plan-2027-2032-one-page-plan-draft-2.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # Back on the reports page, the PDF is listed for the team.
    tab_to(page, page.get_by_role("link", name="Back to the reports"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="One-page plan of draft 2", exact=True)).to_be_visible()


def test_a_plan_team_member_reads_the_reports_page_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, "plan@riverside.example")
    page.goto(page.live_server_url + reverse("reports:reports", args=[demo.pk]))
    expect(page.get_by_role("heading", level=1, name="Reports (PDF)")).to_be_visible()
    working_copy = page.get_by_role("button", name="One-page plan (PDF) of the working copy")
    expect(working_copy).to_be_visible()
    wide = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 0, f"the page scrolls {wide}px sideways at 375px"


def test_the_job_page_follows_a_pdf_while_it_is_made(page, demo):
    version = PlanVersion.objects.get(plan__engagement=demo, number=2)
    content = content_for(ReportJob.Kind.SUPPORT, demo, version)
    job = ReportJob.objects.create(
        engagement=demo,
        kind=ReportJob.Kind.SUPPORT,
        version=version,
        content=content,
        content_hash=services.content_hash(content),
        queued_at=timezone.now(),
    )  # queued, as if no worker had taken it yet
    sign_in(page, "core@riverside.example")
    page.goto(page.live_server_url + reverse("reports:job", args=[demo.pk, job.pk]))
    status = page.locator("#job-status")
    expect(status.get_by_text("Waiting to start", exact=True)).to_be_visible()

    services.job_render(job_id=job.pk)  # a worker makes it; the page asks every second
    expect(status.get_by_text("Ready", exact=True)).to_be_visible()
    expect(status.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.locator("[aria-live=polite] #job-status")).to_have_count(1)


def test_the_facilitator_puts_each_goals_key_measures_on_the_one_page_plan(page, demo):
    sign_in(page, "facilitator@riverside.example")
    page.goto(page.live_server_url + reverse("reports:settings", args=[demo.pk]))
    expect(page.get_by_role("heading", level=1, name="Layout of the PDFs")).to_be_visible()
    expect(page.get_by_label("Its strategies", exact=True)).to_be_checked()  # the seed's one-pager
    page.get_by_label("Its strategies and its key measures with their targets").check()
    page.get_by_role("button", name="Save the layout").click()
    expect(page.get_by_text("The layout is saved")).to_be_visible()

    page.get_by_role("button", name="One-page plan (PDF) of draft 2").click()
    status = page.locator("#job-status")
    expect(status.get_by_text("Ready", exact=True)).to_be_visible()
    expect(status).not_to_contain_text("Please check before you share it")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download PDF").click()
    pages = PdfReader(waiting.value.path()).pages
    text = " ".join(pages[0].extract_text().split())
    assert len(pages) == 1
    assert "Key measures" in text and "by June 30, 2032" in text
