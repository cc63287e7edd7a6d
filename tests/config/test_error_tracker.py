"""SENTRY_DSN sends a server error to the error tracker, and nothing personal with it.

A Django process of its own (the setting is read at start) with SENTRY_DSN pointing at a small
HTTP server in this test, which keeps what the Sentry client sends: no tracker is mocked away."""

import gzip
import http.server
import subprocess
import sys
import threading

import pytest

from tests.config.test_settings import CLEAN_ENV, ROOT

SCRIPT = r"""
import django
django.setup()
import sentry_sdk
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

def boom(request, token):
    card = "a local variable with a student's words"
    raise RuntimeError("boom from a test view")

urlpatterns = [path("boom/<str:token>/", boom)]
with override_settings(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"]):
    client = Client(raise_request_exception=False)
    client.cookies["district_pref"] = "cookie-value-never-sent"
    response = client.post(
        "/boom/secret-link-token/?next=secret-query",
        {"text": "a card a student wrote"},
        HTTP_REFERER="https://example.org/review/secret-referer-token/",
    )
    print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


class Collector(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (the handler's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the client compresses with Brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def tracker():
    Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def run_boom(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_server_error_reaches_the_error_tracker_without_anything_personal(tracker):
    port = tracker.server_address[1]
    result = run_boom(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "500"
    sent = b"".join(Collector.received).decode()
    assert "RuntimeError" in sent and "boom from a test view" in sent
    assert "a card a student wrote" not in sent  # no request body
    assert "cookie-value-never-sent" not in sent  # no cookies
    assert "a student's words" not in sent  # no local variables
    assert "secret-link-token" not in sent and "/boom/{token}/" in sent  # the pattern
    assert "secret-query" not in sent and "secret-referer-token" not in sent
    assert "127.0.0.1" not in sent.replace(f"127.0.0.1:{port}", "")  # no IP address


def test_without_sentry_dsn_nothing_is_sent(tracker):
    result = run_boom()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "500"
    assert Collector.received == []
