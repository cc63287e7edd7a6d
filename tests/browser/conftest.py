"""Playwright harness: Debian's Chromium, a live server, and an axe-core scan of every page.

Every document the browser loads during a test is scanned with axe-core (WCAG 2.0/2.1 A and AA
rules plus best practices) as soon as it has loaded; the test fails on any serious or critical
violation, naming the rule, the page and the offending elements. The test also fails when a page
breaks the Content-Security-Policy (an inline style or script, a resource from elsewhere): the
browser reports each violation to the page, which tells the harness.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright import sync_api

from engagements.models import ProcessTemplate, Role, TemplatePhase
from engagements.process_data import install_builtin_templates
from tests.factories import EngagementFactory, MembershipFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django must still let the test
# code touch the database from it (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Axe()
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
BLOCKING = {"serious", "critical"}
# What Playwright says when the document under a scan went away because the page navigated.
NAVIGATED = ("Execution context was destroyed", "Cannot find context with specified id")
NAVIGATION_RETRIES = 3


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.exit(f"Chromium is missing at {CHROMIUM}: run `sudo apt-get install chromium`.", 2)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


class AccessibilityScan:
    """Scans each document a page loads, and each htmx swap, before the test acts on it again.

    The scan runs in the test's own flow, just before every browser action (a click, a key
    press, a navigation) and at the end of the test: so a page is never left unscanned, and no
    scan races a navigation. htmx swaps mark the page as due for another scan.
    """

    def __init__(self, page):
        self.page = page
        self.due = False
        self.scanned: list[str] = []
        self.failures: list[str] = []
        page.expose_function("alignedA11yDue", self.mark_due)
        page.expose_function("alignedCspViolation", self.csp_violation)
        page.add_init_script(
            "document.addEventListener('htmx:afterSettle', () => window.alignedA11yDue());"
            "document.addEventListener('securitypolicyviolation', (e) => window"
            ".alignedCspViolation(location.href, e.effectiveDirective, e.blockedURI,"
            " e.sourceFile, e.lineNumber, e.sample));"
        )

    def mark_due(self) -> None:
        self.due = True

    def csp_violation(self, url, directive, blocked, source, line, sample) -> None:
        where = f" at {source}:{line}" if source else ""
        self.failures.append(
            f"{url}: Content-Security-Policy refused {blocked or 'something'} ({directive})"
            f"{where}{f': {sample!r}' if sample else ''}"
        )

    def scan_if_due(self) -> None:
        """Scan the current document once it has loaded, unless it was scanned unchanged.

        A page may go on to another document while it is scanned (a watching page reloads by
        itself when its meeting closes): the scan's context is then destroyed under it, and the
        document the page went to is scanned instead."""
        for attempt in range(NAVIGATION_RETRIES + 1):
            try:
                return self._scan_if_due()
            except sync_api.Error as error:
                if attempt == NAVIGATION_RETRIES or not any(
                    words in str(error) for words in NAVIGATED
                ):
                    raise
                self.due = True

    def _scan_if_due(self) -> None:
        if self.page.is_closed() or not self.page.url.startswith("http"):
            return
        self.page.wait_for_load_state("load")
        # A flag in the document itself tells a new document from one already scanned.
        fresh = self.page.evaluate(
            "() => { const fresh = !window.__alignedScanned; window.__alignedScanned = true;"
            " return fresh; }"
        )
        if not (fresh or self.due):
            return
        self.due = False
        # Scan the page as it settles: a fade-in caught half-way reads as faint text to axe.
        self.page.evaluate(
            "() => document.getAnimations().forEach(a => { if (a.effect &&"
            " a.effect.getComputedTiming().iterations !== Infinity) a.finish(); })"
        )
        results = AXE.run(self.page, options=AXE_OPTIONS)
        self.scanned.append(self.page.url)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                self.failures.append(
                    f"{self.page.url}: [{violation['impact']}] {violation['id']}: "
                    f"{violation['help']} ({targets})"
                )


# Browser actions after which the page may change: each first scans any page that is due.
ACTIONS = {
    sync_api.Page: [
        "goto",
        "reload",
        "go_back",
        "go_forward",
        "click",
        "dblclick",
        "fill",
        "press",
        "type",
        "check",
        "uncheck",
        "select_option",
        "set_input_files",
        "tap",
        "close",
    ],
    sync_api.Locator: [
        "click",
        "dblclick",
        "fill",
        "press",
        "press_sequentially",
        "type",
        "check",
        "uncheck",
        "select_option",
        "set_input_files",
        "tap",
        "drag_to",
        "clear",
        "set_checked",
    ],
    sync_api.Keyboard: ["press", "type", "insert_text", "down"],
    sync_api.Mouse: ["click", "dblclick", "down"],
}


@pytest.fixture
def page(page, live_server, monkeypatch):
    """A browser page on the live server whose every loaded document gets an axe-core scan.

    `page.a11y_scans` lists the scans of this page and of any page `new_page` adds: before every
    browser action each of them scans its page if due, and the test fails on any violation.
    """
    page.set_default_timeout(10_000)
    scan = AccessibilityScan(page)
    scans = [scan]

    def scanning_first(method):
        def action(*args, **kwargs):
            for each in list(scans):
                each.scan_if_due()
            return method(*args, **kwargs)

        return action

    for cls, names in ACTIONS.items():
        for name in names:
            monkeypatch.setattr(cls, name, scanning_first(getattr(cls, name)))

    page.live_server_url = live_server.url
    page.a11y_scan = scan
    page.a11y_scans = scans
    yield page
    for each in scans:
        each.scan_if_due()
    assert scan.scanned, "the test loaded no page, so nothing was checked for accessibility"
    failures = [failure for each in scans for failure in each.failures]
    assert not failures, "Accessibility or Content-Security-Policy violations:\n" + "\n".join(
        failures
    )


@pytest.fixture
def new_page(page, browser):
    """Open a page in a new browser context (another person, another device), scanned like
    `page`: `projector = new_page(viewport={"width": 1920, "height": 1080})`."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        extra = context.new_page()
        extra.set_default_timeout(10_000)
        extra.live_server_url = page.live_server_url
        extra.a11y_scan = AccessibilityScan(extra)
        page.a11y_scans.append(extra.a11y_scan)
        return extra

    yield open_page
    for context in contexts:
        for extra in context.pages:
            extra.a11y_scan.scan_if_due()  # before closing: `page` checks the failures after
        context.close()


@pytest.fixture
def builtin_templates(transactional_db):
    """The seed templates: the migration installs them, but transactional tests empty tables."""
    install_builtin_templates(ProcessTemplate, TemplatePhase)


@pytest.fixture
def riverside(transactional_db):
    """A district engagement with a board member, and a member of another organization."""
    engagement = EngagementFactory(
        name="Strategic Plan 2027–2032",
        organization__name="Riverside Unified School District",
    )
    board = UserFactory(email="gloria@riverside.example", full_name="Gloria Estrada")
    MembershipFactory(user=board, engagement=engagement, roles=[Role.BOARD.value])
    foreign = EngagementFactory(
        name="Mission Refresh", organization__name="Lakeview Community Foundation"
    )
    outsider = UserFactory(email="sam@lakeview.example", full_name="Sam Okafor")
    MembershipFactory(user=outsider, engagement=foreign, roles=[Role.FACILITATOR.value])
    return {"engagement": engagement, "board": board, "outsider": outsider, "foreign": foreign}
