"""The shell every page shares: error pages, static files, health check."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_server_error_page_renders_without_a_request():
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
    assert "/static/css/app.css" in page


def test_not_found_pages_use_the_site_layout(client, cast):
    client.force_login(cast.plan_team)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We can’t find that page" in page
    assert "Skip to main content" in page


def test_a_forbidden_page_says_why(rf_403_page):
    assert "does not allow you to run a retreat" in rf_403_page


@pytest.fixture
def rf_403_page(cast):
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = cast.board
    exception = PermissionDenied(
        "Your role in this engagement does not allow you to run a retreat."
    )
    return permission_denied(request, exception).content.decode()


def test_htmx_and_the_stylesheet_are_served_by_the_app():
    assert finders.find("django_htmx/htmx-2.min.js")
    assert finders.find("css/app.css")


def test_the_health_check_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
