"""The harness itself: the accessibility scan catches a real violation on a loaded page."""

BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken on purpose</h1>
<form><input type="text" name="q"><button></button></form>
<p style="color:#bbb;background:#fff">Low-contrast words.</p></main></body></html>"""


def test_the_scan_reports_serious_violations_of_a_loaded_page(page):
    page.route(
        "**/harness-broken-page",
        lambda route: route.fulfill(body=BROKEN_PAGE, content_type="text/html"),
    )
    page.goto(page.live_server_url + "/harness-broken-page")
    page.a11y_scan.scan_if_due()
    found = "\n".join(page.a11y_scan.failures)
    assert "button-name" in found
    assert "color-contrast" in found
    assert "label" in found
    # Those were planted on purpose: clear them so this test's teardown passes.
    page.a11y_scan.failures.clear()


def test_every_page_of_a_journey_is_scanned_before_the_next_step(page, riverside):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("link", name="Back to sign in").click()
    page.a11y_scan.scan_if_due()
    assert [url.removeprefix(page.live_server_url) for url in page.a11y_scan.scanned] == [
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/accounts/sign-in/",
    ]


def test_a_page_that_breaks_the_content_security_policy_fails_the_test(page):
    response = page.goto(page.live_server_url + "/accounts/sign-in/")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    # An inline style and an inline script, as a careless template or a script might add them.
    page.evaluate(
        "() => { document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<p style=\"color: red\">Red words</p>');"
        " const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_function("() => true")  # let the browser report both
    page.wait_for_timeout(200)
    found = "\n".join(page.a11y_scan.failures)
    assert "Content-Security-Policy refused inline (style-src-attr)" in found
    assert "Content-Security-Policy refused inline (script-src-elem)" in found
    assert page.evaluate("() => window.ran") is None  # and the browser did not run it
    page.a11y_scan.failures.clear()  # planted on purpose: this test's teardown passes


LEAVING_PAGE = """<!doctype html><html lang="en"><head><title>Leaving</title>
<script>
  // The moment the scan starts, go on to the next page, as a watching page does when its meeting
  // is closed (it reloads into "not found"): the scan's context is destroyed under it.
  Object.defineProperty(window, "__alignedScanned", {
    configurable: true,
    get() { return undefined; },
    set(value) { location.href = "/harness-next-page"; },
  });
</script></head><body><main><h1>Leaving</h1></main></body></html>"""
NEXT_PAGE = """<!doctype html><html lang="en"><head><title>Next</title></head>
<body><main><h1>The next page</h1></main></body></html>"""


def test_a_page_that_navigates_while_it_is_scanned_has_the_new_page_scanned(page):
    def serve(body):
        return lambda route: route.fulfill(body=body, content_type="text/html")

    page.route("**/harness-leaving-page", serve(LEAVING_PAGE))
    page.route("**/harness-next-page", serve(NEXT_PAGE))
    page.goto(page.live_server_url + "/harness-leaving-page")
    page.a11y_scan.scan_if_due()  # raised "Execution context was destroyed" before
    page.a11y_scan.scan_if_due()
    assert page.url.endswith("/harness-next-page")
    assert page.a11y_scan.scanned[-1].endswith("/harness-next-page")
