"""Moderating cards from the console: edit in place, hide and restore, merge (votes and sources
kept), undo the last action, and carry cards and themes forward into the plan."""

import pytest

from retreats import selectors, services
from retreats.models import Card, ModerationAction
from tests.factories import CardFactory, ParticipantFactory

from .console_world import HTMX, make_world, set_stage, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_world(cast.engagement)


@pytest.fixture
def facilitator(client, cast):
    client.force_login(cast.facilitator)
    return client


def card_url(name, world, card):
    return url(name, world, card.pk)


# --- editing --------------------------------------------------------------------------------------


def test_a_card_is_edited_in_place_with_htmx(facilitator, world):
    response = facilitator.get(card_url("card-edit", world, world.card), headers=HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'id="card-{world.card.pk}"' in fragment and "mod-card--editing" in fragment
    assert "More arts and music</textarea>" in fragment
    assert "autofocus" in fragment
    response = facilitator.post(
        card_url("card-edit", world, world.card),
        {"text": "More arts, music and drama"},
        headers=HTMX,
    )
    region = response.content.decode()
    assert 'id="console-live"' in region
    assert "More arts, music and drama" in region
    assert "Card changed from “More arts and music” to “More arts, music and drama”." in region
    world.card.refresh_from_db()
    assert world.card.text == "More arts, music and drama"
    assert ModerationAction.objects.get().kind == "edit"


def test_an_empty_edit_keeps_the_form_in_place_with_its_error(facilitator, world):
    response = facilitator.post(
        card_url("card-edit", world, world.card), {"text": " "}, headers=HTMX
    )
    assert response["HX-Retarget"] == f"#card-{world.card.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "A card cannot be empty: hide it instead." in response.content.decode()
    world.card.refresh_from_db()
    assert world.card.text == "More arts and music"


def test_a_card_is_edited_without_javascript_too(facilitator, world):
    page = facilitator.get(card_url("card-edit", world, world.card)).content.decode()
    assert "<html" in page and "Edit a card" in page
    response = facilitator.post(card_url("card-edit", world, world.card), {"text": "Arts"})
    assert response.url == url("console", world) + f"#card-{world.card.pk}"
    world.card.refresh_from_db()
    assert world.card.text == "Arts"


# --- hiding, restoring, undo ----------------------------------------------------------------------


def test_the_facilitator_hides_restores_and_undoes(facilitator, world):
    response = facilitator.post(card_url("card-hide", world, world.card), {"on": "1"}, follow=True)
    page = response.content.decode()
    assert "“More arts and music” is hidden." in page
    hidden = page[page.index('id="hidden-cards"') :]
    assert "More arts and music" in hidden and "Restore" in hidden
    assert "Undo hiding “More arts and music”" in page
    world.card.refresh_from_db()
    assert world.card.hidden
    view = selectors.board_for(world.activity, participant=None)
    assert world.card not in view.cards  # the room no longer sees it

    response = facilitator.post(card_url("card-hide", world, world.card), {"on": "0"}, follow=True)
    assert "“More arts and music” is back on the board." in response.content.decode()
    world.card.refresh_from_db()
    assert not world.card.hidden

    response = facilitator.post(url("undo", world), follow=True)  # undoes the restore
    assert "Undo restoring “More arts and music”: done." in response.content.decode()
    world.card.refresh_from_db()
    assert world.card.hidden


def test_undo_shows_what_it_will_undo_and_says_when_there_is_nothing(facilitator, world):
    page = facilitator.get(url("console", world)).content.decode()
    assert 'id="undo-button"' not in page
    services.card_edit(card=world.card, text="Arts")
    page = facilitator.get(url("console", world)).content.decode()
    assert "Undo the edit: put back “More arts and music”" in page
    facilitator.post(url("undo", world), headers=HTMX)
    world.card.refresh_from_db()
    assert world.card.text == "More arts and music"
    response = facilitator.post(url("undo", world), headers=HTMX)
    assert "There is nothing to undo." in response.content.decode()


# --- merging --------------------------------------------------------------------------------------


def test_merging_keeps_the_chosen_card_its_sources_and_every_vote(facilitator, world):
    twin = CardFactory(activity=world.activity, text="Music and arts")
    other = CardFactory(activity=world.activity, text="Smaller classes")
    set_stage(world.activity, "voting")
    voter = ParticipantFactory(retreat=world.retreat)
    services.vote_add(activity=world.activity, participant=voter, card=twin)
    services.vote_add(activity=world.activity, participant=voter, card=world.card)
    data = {"cards": [str(world.card.pk), str(twin.pk)], "keep": str(world.card.pk)}
    response = facilitator.post(url("cards-merge", world), data, headers=HTMX)
    region = response.content.decode()
    assert "1 card merged into “More arts and music”." in region
    assert "Merged from 1 card" in region and "Music and arts" in region
    assert "2 dots" in region  # the twin's dot counts for the kept card
    twin.refresh_from_db()
    assert twin.merged_into_id == world.card.pk
    lines = selectors.results_for(world.activity).lines
    assert [(line.item, line.dots) for line in lines] == [(world.card, 2), (other, 0)]
    assert "Undo merging 1 card into “More arts and music”" in region
    facilitator.post(url("undo", world), headers=HTMX)
    twin.refresh_from_db()
    assert twin.merged_into_id is None


def test_the_merge_form_lists_every_card_to_keep_and_a_checkbox_each(facilitator, world):
    CardFactory(activity=world.activity, text="Music and arts")
    page = facilitator.get(url("console", world)).content.decode()
    assert '<label for="merge-keep">Keep this card</label>' in page
    assert page.count("data-merge-box") == 2
    assert f'<label for="pick-{world.card.pk}" class="visually-hidden">Merge “More arts' in page


@pytest.mark.parametrize(
    "data,error",
    [
        ({"keep": "mine"}, "Tick the cards to merge first."),
        ({"cards": ["first"]}, "Choose the card to keep."),
        ({"cards": ["first"], "keep": "first"}, "Tick at least one card besides the one to keep"),
    ],
)
def test_a_merge_needs_ticked_cards_and_one_to_keep(facilitator, world, data, error):
    second = CardFactory(activity=world.activity)
    ids = {"mine": str(second.pk), "first": str(world.card.pk)}
    data = {
        key: [ids[v] for v in value] if isinstance(value, list) else ids[value]
        for key, value in data.items()
    }
    response = facilitator.post(url("cards-merge", world), data, follow=True)
    assert error in response.content.decode()
    assert not Card.objects.filter(merged_into__isnull=False).exists()


def test_cards_of_another_board_cannot_be_merged_in(facilitator, world, cast):
    foreign = make_world(cast.engagement).card
    data = {"cards": [str(foreign.pk)], "keep": str(world.card.pk)}
    response = facilitator.post(url("cards-merge", world), data, follow=True)
    assert "no longer on the board" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.merged_into is None


# --- carry forward --------------------------------------------------------------------------------


def test_a_card_is_carried_forward_from_the_console(facilitator, world):
    headers = {**HTMX, "HX-Target": "console-live"}
    response = facilitator.post(
        card_url("card-carry", world, world.card), {"on": "1"}, headers=headers
    )
    region = response.content.decode()
    assert 'id="console-live"' in region
    assert "“More arts and music” will be carried forward into the plan." in region
    assert f'id="carry-{world.card.pk}"' in region and 'aria-pressed="true"' in region
    world.card.refresh_from_db()
    assert world.card.carry_forward
    facilitator.post(card_url("card-carry", world, world.card), {"on": "0"}, headers=headers)
    world.card.refresh_from_db()
    assert not world.card.carry_forward


def test_a_theme_is_carried_forward_by_its_own_switch(facilitator, world):
    address = url("theme-carry", world, world.theme.pk)
    headers = {**HTMX, "HX-Target": f"carry-form-{world.theme.pk}"}
    response = facilitator.post(address, {"on": "1"}, headers=headers)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<form") or "<form" in fragment
    assert 'aria-pressed="true"' in fragment and 'name="on" value="0"' in fragment
    assert 'id="console-live"' not in fragment
    world.theme.refresh_from_db()
    assert world.theme.carry_forward


def test_carry_forward_without_javascript_returns_where_it_was_asked(facilitator, world):
    results = url("results", world)
    response = facilitator.post(
        card_url("card-carry", world, world.card), {"on": "1", "next": results + "#carry"}
    )
    assert response.url == results + "#carry"
    response = facilitator.post(
        url("theme-carry", world, world.theme.pk), {"on": "1", "next": "https://evil.example/"}
    )
    assert response.url == url("console", world) + f"#theme-{world.theme.pk}"
