"""Grouping cards into themes: the facilitator and the core team add, rename and delete themes
and move cards, by drag and drop (an htmx post) or by the menu beside each card (keyboard,
phone, and a plain form without JavaScript)."""

import pytest

from retreats import services
from retreats.models import Activity, Card, Theme
from tests.factories import CardFactory, ParticipantFactory, ThemeFactory

from .console_world import HTMX, make_world, set_stage, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    world = make_world(cast.engagement)
    set_stage(world.activity, "grouping")
    return world


def column(page: str, theme_id) -> str:
    """The HTML of one theme's column ("none" for "Not grouped yet")."""
    start = page.index(f'id="theme-{theme_id}"')
    end = page.find('<section class="grouping__column', start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize("role", ["facilitator", "core_team"])
def test_the_facilitator_and_the_core_team_see_themes_as_columns(client, cast, world, role):
    CardFactory(activity=world.activity, text="Music lessons", theme=world.theme)
    client.force_login(cast.member(role))
    page = client.get(url("themes", world)).content.decode()
    assert "Music lessons" in column(page, world.theme.pk)
    assert "More arts and music" in column(page, "none")
    assert 'Not grouped yet <span class="count">(1)</span>' in page
    assert f'<label for="theme-for-{world.card.pk}">Theme' in page
    assert 'draggable="true"' in page and f'data-drop-theme="{world.theme.pk}"' in page
    assert ("Console</a>" in page) == (role == "facilitator")


def test_a_card_moves_to_a_theme_with_the_menu_without_javascript(client, cast, world):
    client.force_login(cast.core_team)
    address = url("card-theme", world, world.card.pk)
    response = client.post(address, {"theme": str(world.theme.pk)})
    assert response.url == url("themes", world) + f"#card-{world.card.pk}"
    world.card.refresh_from_db()
    assert world.card.theme == world.theme
    page = client.get(response.url).content.decode()
    assert "“More arts and music” moved to “The arts”." in page
    client.post(address, {"theme": ""})
    world.card.refresh_from_db()
    assert world.card.theme is None


def test_a_dropped_card_moves_with_htmx_and_the_board_comes_back(client, cast, world):
    client.force_login(cast.facilitator)
    address = url("card-theme", world, world.card.pk)
    response = client.post(address, {"theme": str(world.theme.pk)}, headers=HTMX)
    board = response.content.decode()
    assert "<html" not in board and 'id="themes-board"' in board
    assert "More arts and music" in column(board, world.theme.pk)
    assert 'hx-swap-oob="innerHTML:#themes-status"' in board
    assert "moved to “The arts”" in board


def test_a_card_cannot_go_to_a_theme_of_another_board(client, cast, world):
    foreign = ThemeFactory(activity=make_world(cast.engagement).activity)
    client.force_login(cast.facilitator)
    response = client.post(url("card-theme", world, world.card.pk), {"theme": str(foreign.pk)})
    assert response.status_code == 400
    world.card.refresh_from_db()
    assert world.card.theme is None


def test_themes_are_added_and_a_name_is_required(client, cast, world):
    client.force_login(cast.core_team)
    response = client.post(url("theme-new", world), {"new-name": "  Safe   schools "})
    assert response.url == url("themes", world)
    assert Theme.objects.filter(name="Safe schools", activity=world.activity).exists()
    response = client.post(url("theme-new", world), {"new-name": ""}, headers=HTMX)
    fragment = response.content.decode()
    assert "Give the theme a name" in fragment and "<html" not in fragment
    response = client.post(url("theme-new", world), {"new-name": ""})
    assert "<html" in response.content.decode() and "Give the theme a name" in (
        response.content.decode()
    )


def test_a_theme_is_renamed_in_place_or_on_its_own_page(client, cast, world):
    client.force_login(cast.facilitator)
    address = url("theme-edit", world, world.theme.pk)
    fragment = client.get(address, headers=HTMX).content.decode()
    assert "Rename “The arts”" in fragment and 'name="edit-name"' in fragment
    response = client.post(address, {"edit-name": "Arts and music"}, headers=HTMX)
    assert "Theme “The arts” is now “Arts and music”." in response.content.decode()
    page = client.get(address).content.decode()
    assert "<html" in page and 'value="Arts and music"' in page
    client.post(address, {"edit-name": "Arts"})
    world.theme.refresh_from_db()
    assert world.theme.name == "Arts"


def test_deleting_a_theme_asks_first_and_puts_its_cards_back(client, cast, world):
    services.card_set_theme(card=world.card, theme=world.theme)
    client.force_login(cast.core_team)
    address = url("theme-delete", world, world.theme.pk)
    page = client.get(address).content.decode()
    assert "Delete the theme “The arts”?" in page
    assert "Its card goes back to “Not grouped yet”" in page
    response = client.post(address)
    assert response.url == url("themes", world)
    world.card.refresh_from_db()
    assert world.card.theme is None and not Theme.objects.exists()


def test_the_core_team_sees_only_its_own_cards_while_they_are_private(client, cast, world):
    set_stage(world.activity, "collecting")
    membership = cast.core_team.memberships.get()
    mine = services.participant_join_member(retreat=world.retreat, membership=membership)
    CardFactory(activity=world.activity, author=mine, text="My own idea")
    client.force_login(cast.core_team)
    page = client.get(url("themes", world)).content.decode()
    assert "My own idea" in page and "More arts and music" not in page
    assert "you see only your own" in page
    client.force_login(cast.facilitator)
    page = client.get(url("themes", world)).content.decode()
    assert "My own idea" in page and "More arts and music" in page


def test_the_themes_page_keeps_a_constant_number_of_queries(
    client, cast, world, django_assert_max_num_queries
):
    def add_cards(count):
        authors = ParticipantFactory.create_batch(3, retreat=world.retreat)
        themes = ThemeFactory.create_batch(3, activity=world.activity)
        Card.objects.bulk_create(
            Card(
                activity=world.activity,
                author=authors[n % 3],
                text=f"Idea {n}",
                theme=themes[n % 3] if n % 2 else None,
            )
            for n in range(count)
        )

    add_cards(9)
    client.force_login(cast.core_team)
    with django_assert_max_num_queries(20) as small:
        client.get(url("themes", world))
    baseline = len(small)  # read now: Django's query log keeps only the last 9000
    add_cards(490)
    with django_assert_max_num_queries(baseline):
        response = client.get(url("themes", world))
    assert response.content.decode().count('class="grouping-card"') == 500
    assert Activity.objects.get(pk=world.activity.pk).themes.count() == 7
