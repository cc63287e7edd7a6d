"""Walk every URL of the project: each view must be marked public, signed-in or members-only
(engagements.access), and must behave as its mark says. A new view that forgets fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engagements.access import MEMBERS, PUBLIC, SIGNED_IN

pytestmark = pytest.mark.django_db


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin has its own staff-only protection.
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry


ALL_VIEWS = list(walk(get_resolver().url_patterns))


def sample_kwargs(pattern, world):
    """Real ids of another organization's objects for each URL argument a view takes."""
    samples = {
        "engagement_id": world.foreign_engagement.pk,
        "uidb64": "MQ",
        "token": "set-password",
    }
    missing = [name for name in pattern.pattern.converters if name not in samples]
    assert not missing, (
        f"Add a sample value for {missing} in tests/test_url_protection.py:sample_kwargs "
        f"so the URL check can reach {pattern.pattern}"
    )
    return {name: samples[name] for name in pattern.pattern.converters}


def test_the_walk_finds_the_views():
    names = {name for name, _ in ALL_VIEWS}
    assert {"accounts:sign-in", "engagements:home", "engagements:detail"} <= names


@pytest.mark.parametrize("name,pattern", ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_every_view_is_marked(name, pattern):
    rule = getattr(pattern.callback, "access_rule", None)
    assert rule in {PUBLIC, SIGNED_IN, MEMBERS}, (
        f"View {name} is not protected: decorate it with public, signed_in or members_only "
        "from engagements.access, and load engagement data with access_engagement."
    )


@pytest.mark.parametrize("name,pattern", ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_every_view_does_what_its_mark_says(client, cast, name, pattern):
    rule = getattr(pattern.callback, "access_rule", None)
    url = reverse(name, kwargs=sample_kwargs(pattern, cast))
    sign_in = reverse("accounts:sign-in")

    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if rule == PUBLIC:
            assert response.status_code < 500, f"{method.upper()} {url} fails for a visitor"
        elif response.status_code != 405:
            assert response.status_code == 302, f"{method.upper()} {url} is open to visitors"
            assert response.url.startswith(sign_in)

    if rule == MEMBERS:
        # A signed-in member of another organization asks for this organization's object.
        client.force_login(cast.facilitator)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (
                f"{method.upper()} {url} gave {status} to a member of another organization"
            )
