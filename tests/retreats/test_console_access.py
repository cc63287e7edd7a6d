"""Who reaches the facilitator's side of a retreat: every view, every role. The facilitator runs
it all; the core team groups themes and exports results; other members get a 403; a member of
another organization a 404; a guest who joined by code never reaches these pages."""

import pytest
from django.urls import reverse

from engagements.access import GUEST_SESSION_KEY
from retreats import services
from tests.factories import UserFactory

from .console_world import ROLES, make_world

pytestmark = pytest.mark.django_db

ACTIVITY_VIEWS = [
    "activity-settings",
    "activity-move",
    "console",
    "console-live",
    "console-events",
    "stage",
    "timer",
    "reveal",
    "lock",
    "show-indicator",
    "undo",
    "cards-merge",
    "themes",
    "theme-new",
    "results",
    "results-csv",
]
CARD_VIEWS = ["card-edit", "card-hide", "card-carry", "card-theme"]
THEME_VIEWS = ["theme-edit", "theme-carry", "theme-delete"]  # delete last: it deletes
RETREAT_VIEWS = ["setup", "retreat-open", "activity-new", "public-meeting", "record-csv"]
CORE_TEAM_MAY = {
    "themes",
    "theme-new",
    "theme-edit",
    "theme-delete",
    "card-theme",
    "results-csv",
    "record-csv",
}


def every_url(cast, world):
    urls = {"retreat-new": reverse("retreats:retreat-new", args=[cast.engagement.pk])}
    r, a = world.retreat.pk, world.activity.pk
    for name in RETREAT_VIEWS:
        urls[name] = reverse(f"retreats:{name}", args=[r])
    for name in ACTIVITY_VIEWS:
        urls[name] = reverse(f"retreats:{name}", args=[r, a])
    for name in CARD_VIEWS:
        urls[name] = reverse(f"retreats:{name}", args=[r, a, world.card.pk])
    for name in THEME_VIEWS:
        urls[name] = reverse(f"retreats:{name}", args=[r, a, world.theme.pk])
    return urls


@pytest.fixture
def world(cast):
    return make_world(cast.engagement)


def test_the_matrix_covers_every_view_of_the_facilitators_side():
    from retreats.urls import urlpatterns
    from retreats.views import console

    mine = {p.name for p in urlpatterns if p.callback.__module__ == console.__name__}
    listed = {"retreat-new", *RETREAT_VIEWS, *ACTIVITY_VIEWS, *CARD_VIEWS, *THEME_VIEWS}
    assert mine == listed


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_part(client, cast, world, role):
    client.force_login(cast.member(role))
    for name, address in every_url(cast, world).items():
        for method in ("get", "post"):
            status = getattr(client, method)(address).status_code
            if status == 405:
                continue
            if role == "facilitator" or (role == "core_team" and name in CORE_TEAM_MAY):
                assert status not in (403, 404), f"{role} {method} {name}: {status}"
            else:
                # Results are a 403 for every other member too while the votes are hidden.
                assert status == 403, f"{role} {method} {name}: {status}"


def test_a_member_of_another_organization_gets_404_everywhere(client, cast, world):
    client.force_login(cast.outsider)
    for name, address in every_url(cast, world).items():
        for method in ("get", "post"):
            status = getattr(client, method)(address).status_code
            assert status in (404, 405), f"{method} {name}: {status}"


def test_objects_of_another_board_are_404_even_for_the_facilitator(client, cast, world):
    other = make_world(cast.engagement)
    client.force_login(cast.facilitator)
    r, a = world.retreat.pk, world.activity.pk
    for name in CARD_VIEWS:
        address = reverse(f"retreats:{name}", args=[r, a, other.card.pk])
        assert client.post(address, {"on": "1"}).status_code == 404, name
    for name in THEME_VIEWS:
        address = reverse(f"retreats:{name}", args=[r, a, other.theme.pk])
        assert client.post(address, {"on": "1"}).status_code == 404, name
    wrong_retreat = reverse("retreats:console", args=[other.retreat.pk, a])
    assert client.get(wrong_retreat).status_code == 404


def _as_guest(client, retreat):
    guest = services.participant_join_guest(
        retreat=retreat, display_name="Sam", stakeholder_group=None
    )
    session = client.session
    session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = guest.token
    session.save()


def test_a_guest_session_never_reaches_the_facilitators_pages(client, cast, world):
    sign_in = reverse("accounts:sign-in")
    _as_guest(client, world.retreat)
    for name, address in every_url(cast, world).items():
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            assert response.status_code == 302, f"{method} {name}: {response.status_code}"
            assert response.url.startswith(sign_in)


def test_a_signed_in_stranger_holding_a_guest_pass_gets_no_further(client, cast, world):
    client.force_login(UserFactory())
    _as_guest(client, world.retreat)
    world.activity.votes_revealed = True  # results would be visible to members
    world.activity.save()
    for name, address in every_url(cast, world).items():
        for method in ("get", "post"):
            status = getattr(client, method)(address).status_code
            assert status in (403, 404, 405), f"{method} {name}: {status}"
