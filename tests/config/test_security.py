"""Security headers on every answer, and a request too large to read answered in plain words."""

from django.test import override_settings
from django.urls import reverse

from tests.config.test_settings import STRONG_KEY, run


def test_every_page_carries_the_content_security_policy_and_the_other_headers(client):
    response = client.get(reverse("accounts:sign-in"))
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "connect-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_hold_no_inline_style_and_htmx_adds_none(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(reverse("engagements:detail", args=[cast.engagement.pk])).content.decode()
    assert "style=" not in page and "<style" not in page
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_a_form_over_the_size_limit_gets_a_page_that_says_what_to_do(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = client.post(reverse("accounts:sign-in"), {"email": "x" * 2000})
    page = response.content.decode()
    assert response.status_code == 413
    assert "Too large to send" in page
    assert "may take up to 1 KB in all" in page
    assert "shorten the text or choose a smaller file" in page
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" not in page and "Traceback" not in page


def test_the_size_limit_page_names_the_limits_in_megabytes(client):
    response = client.post(reverse("accounts:sign-in"), {"email": "x" * (3 * 1024 * 1024)})
    page = response.content.decode()
    assert response.status_code == 413
    assert "up to 2.5 MB in all" in page
    assert "A file may be up to 20 MB" in page


def test_too_many_fields_get_the_same_friendly_answer(client, settings):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 100)}
    response = client.post(reverse("accounts:sign-in"), fields)
    assert response.status_code == 413
    assert "Too many parts to take in at once" in response.content.decode()


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.generic(
        "POST",
        reverse("accounts:sign-in"),
        data=b"x" * 1001,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "Too large to send" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_htmx_gets_the_message_at_the_top_of_the_page_it_came_from(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = client.post(
            reverse("accounts:sign-in"), {"email": "x" * 2000}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 413
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"].startswith("afterbegin")
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="message message--error too-large" role="alert">')
    assert "That was too large to send." in page and "<html" not in page


def test_htmx_gets_the_message_also_when_the_body_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post(
        reverse("accounts:sign-in"), {"email": "x" * 2000}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 413
    assert response["HX-Retarget"] == "#main"
    assert "<html" not in response.content.decode()


def test_other_bad_requests_keep_the_400_page(client):
    # A request with a host name the site does not serve: Django's own 400.
    response = client.get("/", headers={"host": "elsewhere.example"})
    assert response.status_code == 400


def production_check(**env):
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="plans.example.org",
        **env,
    )


def test_production_without_a_shared_cache_fails_the_deploy_check_and_says_why():
    result = production_check()
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "aligned.E001" in out and "django_ratelimit.E003" in out
    assert "Set REDIS_URL (or REDIS_CACHE_URL) to a Redis all web processes share." in out


def test_the_embedded_default_keeps_the_rate_limit_check_quiet():
    result = run(["manage.py", "check", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_hsts_covers_subdomains_and_preload_only_when_asked():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    production = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "plans.example.org"}
    assert run(["-c", code], **production).stdout.split() == ["31536000", "False", "False"]
    opted_in = run(
        ["-c", code],
        **production,
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert opted_in.stdout.split() == ["31536000", "True", "True"]
    result = production_check(
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_csp_report_only_sends_the_policy_without_enforcing_it():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(hasattr(s, 'CONTENT_SECURITY_POLICY'), "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['style-src'])"
    )
    result = run(["-c", code], CSP_REPORT_ONLY="1")
    assert result.stdout.split() == ["False", "[\"'self'\"]"]


def test_no_page_template_holds_inline_style_script_or_event_handler():
    """The browser tests catch what the pages they visit break; this catches the rest. PDF
    layouts (reports/templates/reports/pdf) are rendered by WeasyPrint, not served as pages."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    inline = re.compile(r"""\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=["']""", re.I)
    found = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        if "reports/pdf" in path.as_posix():
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if inline.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:80]}")
    assert found == []


def test_every_page_loads_htmx_through_the_include_that_keeps_it_inside_the_policy():
    """`{% htmx_script %}` alone lets htmx add a <style> element, which the policy refuses (the
    observer and record pages once did): every page takes htmx from includes/htmx.html."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
        if "{% htmx_script" in path.read_text() and path.name != "htmx.html"
    ]
    assert found == []


def test_a_form_over_the_size_limit_is_not_mailed_to_admins_as_a_server_error(client, settings):
    """The 413 page is a person's mistake with a way out, not an error for whoever runs the site;
    Django logs it at ERROR, which the logging settings keep away from ADMINS' mailbox."""
    from django.core import mail

    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@district.org")]
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = client.post(reverse("accounts:sign-in"), {"email": "x" * 2000})
    assert response.status_code == 413
    assert mail.outbox == []
