"""The participant's board: adding cards (plain and htmx), privacy until revealed, authors, dot
voting with its refusals, results, and a constant number of queries whatever the board's size."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from retreats import live, selectors, services
from retreats.models import Activity, Card, Participant
from tests.factories import (
    ActivityFactory,
    CardFactory,
    ParticipantFactory,
    StakeholderGroupFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def brainstorm(retreat):
    return ActivityFactory(retreat=retreat, title="Five years from now")


@pytest.fixture
def swot(retreat):
    return ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, title="SWOT", prompt="")


def url(name, activity):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def join_as_guest(client, retreat, name="Sam", group="none"):
    client.post(
        reverse("retreats:join-code", args=[retreat.join_code]),
        {"display_name": name, "stakeholder_group": group},
    )
    return Participant.objects.filter(retreat=retreat).latest("joined_at")


def page(response) -> str:
    return response.content.decode()


# --- cards ---------------------------------------------------------------------------------------


def test_a_card_is_trimmed_and_added_by_a_plain_post(client, retreat, brainstorm):
    guest = join_as_guest(client, retreat)
    response = client.post(url("card-add", brainstorm), {"text": "   More arts in every school  "})
    assert response.status_code == 302
    assert response.url == url("board", brainstorm) + "#add-card"
    card = Card.objects.get()
    assert card.text == "More arts in every school"
    assert card.author == guest
    board = page(client.get(response.url))
    assert "Your card is on the board." in board
    assert "More arts in every school" in board


def test_a_card_over_500_characters_is_refused_with_its_count_and_kept(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    long_text = "x" * 501
    for headers in ({}, HTMX):
        response = client.post(url("card-add", brainstorm), {"text": long_text}, headers=headers)
        assert response.status_code == 200
        body = page(response)
        assert "Keep it to 500 characters: this one has 501." in body
        assert long_text in body  # nothing typed is lost
        assert 'aria-invalid="true"' in body
    assert not Card.objects.exists()
    # Exactly 500, with a line break typed as one character (browsers send CRLF), is fine.
    fits = "y" * 250 + "\r\n" + "z" * 249
    client.post(url("card-add", brainstorm), {"text": fits})
    assert Card.objects.get().text == "y" * 250 + "\n" + "z" * 249


def test_an_empty_card_is_refused(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    response = client.post(url("card-add", brainstorm), {"text": "   "})
    assert "Write your idea first." in page(response)
    assert not Card.objects.exists()


def test_a_card_of_only_invisible_characters_is_refused_and_odd_characters_are_dropped(
    client, retreat, brainstorm
):
    join_as_guest(client, retreat)
    for headers in ({}, HTMX):
        response = client.post(
            url("card-add", brainstorm), {"text": "\u200b\u200b\u200b"}, headers=headers
        )
        assert "Write your idea first." in page(response)
    assert not Card.objects.exists()
    typed = "\u202eMore arts\x1b in every\x07 school,\r\n\tniños 👩\u200d🎨 included"
    client.post(url("card-add", brainstorm), {"text": typed})
    assert Card.objects.get().text == "More arts in every school,\n\tniños 👩\u200d🎨 included"


def test_a_swot_card_goes_in_the_chosen_quadrant(client, retreat, swot):
    join_as_guest(client, retreat)
    response = client.post(url("card-add", swot), {"text": "Caring teachers"})
    assert "Choose strengths, weaknesses, opportunities or threats." in page(response)
    assert "Caring teachers" in page(response)
    client.post(url("card-add", swot), {"text": "Caring teachers", "quadrant": "S"})
    assert Card.objects.get().quadrant == Card.Quadrant.STRENGTHS


def test_the_swot_board_shows_each_quadrant_with_its_guiding_questions(client, retreat, swot):
    join_as_guest(client, retreat)
    board = page(client.get(url("board", swot)))
    for words in (
        "Strengths",
        "What do we consider to be our strengths?",
        "What advantages do we have?",
        "What do others say our strengths are?",
        "Weaknesses",
        "What are we most criticized for or receive the most complaints about?",
        "What do we seem to have a hard time doing well?",
        "Opportunities",
        "What opportunities for improvement do we know about but have not addressed?",
        "Where with a little work could we change a weakness into a strength?",
        "Threats",
        "Who or what threatens us the most?",
        "What challenges are coming that we must respond to?",
        "What might block our progress?",
    ):
        assert words in board


def test_htmx_adds_a_card_and_answers_with_the_form_and_the_board(client, retreat, swot, settings):
    settings.LIVE_PUSH = (
        False  # polling: the answer carries the board (push: tests/retreats/test_push.py)
    )
    join_as_guest(client, retreat)
    response = client.post(
        url("card-add", swot), {"text": "Strong community", "quadrant": "O"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    body = page(response)
    assert "<html" not in body
    assert 'id="card-form-region"' in body
    # The board comes along out of band, with the new card and the new version to poll from.
    assert re.search(r'id="board-live"[^>]*hx-swap-oob="true"', body, re.S)
    assert "Strong community" in body
    version = services.Activity.objects.get(pk=swot.pk).version
    assert f'data-version="{version}"' in body
    # The same quadrant stays chosen and the text box is empty, ready for the next card.
    assert re.search(r'value="O"[^>]*checked', body)
    assert re.search(r"<textarea[^>]*autofocus[^>]*>\s*</textarea>", body)
    assert "Your card is on the board." in body


def test_a_member_is_joined_on_their_first_card(client, cast, brainstorm):
    client.force_login(cast.superintendent)
    assert not Participant.objects.exists()
    client.post(url("card-add", brainstorm), {"text": "Safe routes to school"})
    card = Card.objects.get()
    assert card.author.membership.user == cast.superintendent


def test_no_card_once_collecting_is_over_or_the_board_is_locked(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    services.activity_lock(activity=brainstorm, locked=True)
    board = page(client.get(url("board", brainstorm)))
    assert "paused adding cards" in board
    assert 'id="add-card"' not in board
    response = client.post(url("card-add", brainstorm), {"text": "Late idea"})
    assert "The facilitator has locked this board for now." in page(response)
    assert "Late idea" in page(response)
    services.activity_lock(activity=brainstorm, locked=False)
    services.activity_set_stage(activity=brainstorm, stage=Activity.Stage.GROUPING)
    response = client.post(url("card-add", brainstorm), {"text": "Late idea"})
    assert "Adding ideas is over for this board." in page(response)
    assert not Card.objects.exists()


# --- privacy and authors -------------------------------------------------------------------------


def test_private_cards_stay_with_their_author_until_revealed(client, cast, retreat, brainstorm):
    other = ParticipantFactory(retreat=retreat, display_name="Other person")
    CardFactory(activity=brainstorm, author=other, text="Someone else's secret idea")
    join_as_guest(client, retreat)
    client.post(url("card-add", brainstorm), {"text": "My own idea"})
    board = page(client.get(url("board", brainstorm)))
    assert "My own idea" in board
    assert "Someone else&#x27;s secret idea" not in board
    assert "Only you see your cards" in board

    facilitator = client.__class__()
    facilitator.force_login(cast.facilitator)
    projector = page(facilitator.get(url("projector", brainstorm)))
    assert "secret idea" not in projector and "My own idea" not in projector
    assert "2 cards so far" in projector

    services.activity_reveal(activity=brainstorm, cards=True)
    board = page(client.get(url("board", brainstorm)))
    assert "Someone else&#x27;s secret idea" in board
    projector = page(facilitator.get(url("projector", brainstorm)))
    assert "Someone else&#x27;s secret idea" in projector and "My own idea" in projector


def test_authors_show_only_when_the_facilitator_says_so(client, retreat, brainstorm):
    services.activity_update(activity=brainstorm, private_until_revealed=False)
    other = ParticipantFactory(retreat=retreat, display_name="Rosalind")
    CardFactory(activity=brainstorm, author=other, text="Later start times")
    join_as_guest(client, retreat)
    assert "Rosalind" not in page(client.get(url("board", brainstorm)))
    services.activity_update(activity=brainstorm, show_authors=True)
    assert "Rosalind" in page(client.get(url("board", brainstorm)))


def test_no_page_tells_who_wrote_a_card_on_a_board_without_authors(client, retreat, brainstorm):
    """A participant's id on their cards would tie their cards on an anonymous board to their
    name on a board that shows authors, and to each other: the markup carries a mark per card
    that only the author's page matches (retreats.live.card_mark)."""
    named = ActivityFactory(retreat=retreat, title="Named", private_until_revealed=False)
    services.activity_update(activity=named, show_authors=True)
    services.activity_update(activity=brainstorm, private_until_revealed=False)
    rosalind = ParticipantFactory(retreat=retreat, display_name="Rosalind")
    signed = CardFactory(activity=named, author=rosalind, text="Signed idea")
    first = CardFactory(activity=brainstorm, author=rosalind, text="Quiet idea one")
    second = CardFactory(activity=brainstorm, author=rosalind, text="Quiet idea two")
    sam = join_as_guest(client, retreat)
    mine = services.card_add(activity=brainstorm, participant=sam, text="Sam’s idea")

    pages = [
        page(client.get(url("board", named))),
        page(client.get(url("board", brainstorm))),
        page(client.get(url("board-live", brainstorm) + "?v=-1", headers=HTMX)),
    ]
    for text in pages:
        assert str(rosalind.pk) not in text and str(sam.pk) not in text
    assert "Rosalind" in pages[0] and "Rosalind" not in pages[1]
    marks = {card: live.card_mark(rosalind.pk, card.pk) for card in (signed, first, second)}
    assert len(set(marks.values())) == 3  # the same author, three unrelated marks
    assert f'data-mark="{marks[first]}"' in pages[1] and marks[signed] not in pages[1]
    # Sam's page marks Sam's card, and knows its id to mark it when it comes by its event.
    board = pages[1]
    assert board.count("Your card") == 1
    assert board.index("Your card") > board.index("Sam’s idea")
    assert f'data-own="{mine.pk}"' in board
    assert 'class="idea-card idea-card--mine"' in board


def test_themes_show_their_cards_once_grouping(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    theme = ThemeFactory(activity=brainstorm, name="Arts and music")
    CardFactory(activity=brainstorm, text="A band in every school", theme=theme)
    CardFactory(activity=brainstorm, text="Free lunches")
    services.activity_set_stage(activity=brainstorm, stage=Activity.Stage.GROUPING)
    board = page(client.get(url("board", brainstorm)))
    assert "Grouping into themes" in board
    assert "Arts and music" in board and "A band in every school" in board
    assert "Not grouped yet" in board and "Free lunches" in board


# --- dot voting ----------------------------------------------------------------------------------


@pytest.fixture
def voting(brainstorm):
    arts = CardFactory(activity=brainstorm, text="More arts")
    sports = CardFactory(activity=brainstorm, text="Better sports fields")
    brainstorm.vote_budget = 4
    brainstorm.max_per_item = 3
    brainstorm.save()
    services.activity_set_stage(activity=brainstorm, stage=Activity.Stage.VOTING)
    return brainstorm, arts, sports


def vote(client, activity, item, action="add", headers=None):
    return client.post(
        url("vote", activity), {"item": item.pk, "action": action}, headers=headers or {}
    )


def test_dots_go_on_and_off_with_plain_posts(client, retreat, voting):
    activity, arts, _ = voting
    join_as_guest(client, retreat)
    board = page(client.get(url("board", activity)))
    assert "You have 4 of 4 dots left." in board
    assert "Add a dot to ‘More arts’" in board and "Take a dot off ‘More arts’" in board

    response = vote(client, activity, arts)
    assert response.status_code == 302
    assert response.url == url("board", activity) + f"#item-{arts.pk}"
    board = page(client.get(response.url))
    assert "‘More arts’ has 1 of your dots. You have 3 of 4 dots left." in board
    assert "You have 3 of 4 dots left." in board
    vote(client, activity, arts, "remove")
    assert "You have 4 of 4 dots left." in page(client.get(url("board", activity)))


def test_dots_over_the_per_item_maximum_and_the_budget_are_refused_plainly(client, retreat, voting):
    activity, arts, sports = voting
    join_as_guest(client, retreat)
    for _ in range(3):
        vote(client, activity, arts, headers=HTMX)
    response = vote(client, activity, arts, headers=HTMX)
    body = page(response)
    assert "You can put at most 3 dots on one item." in body
    assert "message--error" in body
    assert "You have 1 of 4 dots left." in body
    vote(client, activity, sports, headers=HTMX)
    response = vote(client, activity, sports)  # plain: the refusal comes as a message
    board = page(client.get(response.url))
    assert "You have used all 4 of your dots." in board
    assert "You have 0 of 4 dots left." in board


def test_taking_a_dot_off_an_item_without_one_says_there_was_nothing_to_take_back(
    client, retreat, voting
):
    activity, arts, _ = voting
    join_as_guest(client, retreat)
    body = page(vote(client, activity, arts, "remove", headers=HTMX))
    assert "There was no dot of yours on this to take back." in body
    assert "has 0 of your dots" not in body and "message--error" in body
    assert "You have 4 of 4 dots left." in body
    board = page(client.get(vote(client, activity, arts, "remove").url))
    assert "There was no dot of yours on this to take back." in board
    assert "has 0 of your dots" not in board


def test_a_dot_gets_a_short_answer_with_only_what_it_changed(
    client, retreat, voting, django_assert_max_num_queries
):
    activity, arts, _ = voting
    join_as_guest(client, retreat)
    vote(client, activity, arts, headers=HTMX)  # the first dot also opens the ballot
    with django_assert_max_num_queries(13):  # no board: the access check, the dot, the figures
        response = vote(client, activity, arts, headers=HTMX)
    assert "HX-Request" in response["Vary"]
    assert response["HX-Reswap"] == "none"  # the board stays; the pieces below replace theirs
    body = page(response)
    assert "<html" not in body and 'id="board-live"' not in body
    assert re.search(r'id="dots-left" hx-swap-oob="true"><strong>You have 2 of 4 dots left', body)
    assert re.search(r'id="vote-notice" hx-swap-oob="true">‘More arts’ has 2 of your dots', body)
    assert re.search(rf'id="dots-{arts.pk}" hx-swap-oob="true"', body)
    assert f'id="dot-add-{arts.pk}"' in body  # the button keeps its id, so focus stays on it
    assert '<span class="dots__mine">2<' in body


def test_the_whole_board_comes_back_when_every_add_button_changes(client, retreat, voting):
    activity, arts, sports = voting
    join_as_guest(client, retreat)
    for item in (arts, arts, arts):
        vote(client, activity, item, headers=HTMX)
    last = page(vote(client, activity, sports, headers=HTMX))  # the last dot: all "+" go grey
    assert last.count('id="board-live"') == 1 and 'id="card-form-region"' not in last
    assert "You have 0 of 4 dots left." in last
    assert f'id="dot-add-{arts.pk}" class="button dots__button" aria-disabled="true"' in last
    back = page(vote(client, activity, sports, "remove", headers=HTMX))  # and come back
    assert back.count('id="board-live"') == 1
    assert "You have 1 of 4 dots left." in back
    services.activity_reveal(activity=activity, votes=True)  # shown dots: totals move too
    shown = page(vote(client, activity, sports, headers=HTMX))
    assert shown.count('id="board-live"') == 1


def test_a_member_is_joined_on_their_first_dot(client, cast, voting):
    activity, arts, _ = voting
    client.force_login(cast.board)
    vote(client, activity, arts)
    assert Participant.objects.get(membership__isnull=False).membership.user == cast.board


def test_a_bad_vote_request_is_a_400_and_a_foreign_item_is_refused(client, cast, retreat, voting):
    activity, _, _ = voting
    join_as_guest(client, retreat)
    assert client.post(url("vote", activity), {"item": "nope"}).status_code == 400
    elsewhere = CardFactory(activity=ActivityFactory(retreat=retreat))
    response = vote(client, activity, elsewhere, headers=HTMX)
    assert "Vote on one of this board’s cards." in page(response)


def test_votes_stay_hidden_until_revealed_then_the_ranking_shows(client, cast, retreat, voting):
    activity, arts, sports = voting
    for _ in range(3):
        voter = ParticipantFactory(retreat=retreat)
        services.vote_add(activity=activity, participant=voter, card=arts)
    join_as_guest(client, retreat)
    board = page(client.get(url("board", activity)))
    assert "in all" not in board
    assert "Nobody sees the dots until the facilitator reveals them." in board
    assert "ranking" not in board

    services.activity_reveal(activity=activity, votes=True)
    board = page(client.get(url("board", activity)))
    assert "3 in all" in board
    assert 'class="ranking"' in board
    assert re.search(r"More arts</span>\s*<span[^>]*>3 dots from 3 people", board)


def test_results_rank_the_items_with_bars_and_groups(client, cast, retreat, voting):
    activity, arts, sports = voting
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents")
    for _ in range(3):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=parents)
        services.vote_add(activity=activity, participant=voter, card=sports)
    services.vote_add(activity=activity, participant=ParticipantFactory(retreat=retreat), card=arts)
    services.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    join_as_guest(client, retreat)
    board = page(client.get(url("board", activity)))
    assert board.index("Better sports fields") < board.index("More arts")
    assert '<rect width="100"' in board and '<rect width="33"' in board
    assert "Parents" in board
    assert "1 group with only one or two voters is not shown on its own" in board


def test_voting_on_themes(client, retreat, brainstorm):
    theme = ThemeFactory(activity=brainstorm, name="Arts and music")
    CardFactory(activity=brainstorm, text="A band in every school", theme=theme)
    services.activity_update(activity=brainstorm, vote_on=Activity.VoteOn.THEMES)
    services.activity_set_stage(activity=brainstorm, stage=Activity.Stage.VOTING)
    join_as_guest(client, retreat)
    assert "Add a dot to ‘Arts and music’" in page(client.get(url("board", brainstorm)))
    body = page(vote(client, brainstorm, theme, headers=HTMX))
    assert "‘Arts and music’ has 1 of your dots." in body


# --- the number of queries does not grow with the board ------------------------------------------


def fill(activity, count, **fields):
    authors = [ParticipantFactory(retreat=activity.retreat) for _ in range(5)]
    quadrants = ["S", "W", "O", "T"] if activity.kind == Activity.Kind.SWOT else [""]
    Card.objects.bulk_create(
        Card(
            activity=activity,
            author=authors[n % 5],
            text=f"Idea {n}",
            quadrant=quadrants[n % len(quadrants)],
            **fields,
        )
        for n in range(count)
    )


def queries_for(client, django_assert_max_num_queries, target, headers=None):
    cache.clear()  # measure a full rendering, not the shared copy of the region
    with django_assert_max_num_queries(40) as ctx:
        response = client.get(target, headers=headers or {})
    count = len(ctx)  # read at once: Django keeps only the last 9000 queries
    assert response.status_code == 200
    return count


@pytest.mark.parametrize("stage", ["collecting", "grouping", "voting", "results"])
@pytest.mark.parametrize("kind", ["swot", "brainstorm"])
def test_board_pages_take_as_many_queries_with_500_cards_as_with_10(
    client, cast, retreat, stage, kind, django_assert_max_num_queries
):
    activity = ActivityFactory(retreat=retreat, kind=kind, show_authors=True)
    theme = ThemeFactory(activity=activity)
    fill(activity, 10, theme=theme)
    activity.stage = stage
    activity.cards_revealed = stage != "collecting"
    activity.votes_revealed = stage == "results"
    activity.save()
    join_as_guest(client, retreat)
    guest_card = Card.objects.filter(activity=activity).first()
    if stage == "voting":
        services.vote_add(activity=activity, participant=guest_card.author, card=guest_card)
    facilitator = client.__class__()
    facilitator.force_login(cast.facilitator)

    targets = [
        (client, url("board", activity), None),
        (client, url("board", activity), HTMX),
        (client, url("board-live", activity) + "?v=-1", HTMX),
        (facilitator, url("board", activity), None),
        (facilitator, url("projector", activity), None),
        (facilitator, url("projector-live", activity) + "?v=-1", HTMX),
    ]
    small = [queries_for(c, django_assert_max_num_queries, t, h) for c, t, h in targets]
    fill(activity, 490, theme=theme)
    fill(activity, 10)  # and some not grouped
    large = [queries_for(c, django_assert_max_num_queries, t, h) for c, t, h in targets]
    assert large == small


def test_a_shared_board_is_rendered_once_per_change_and_marks_each_viewers_own_cards(
    client, cast, retreat, django_assert_max_num_queries
):
    """200 people polling a changing board must not mean 200 renderings of it."""
    activity = ActivityFactory(retreat=retreat, private_until_revealed=False)
    join_as_guest(client, retreat, name="Ana")
    ana = retreat.participants.get(display_name="Ana")
    services.card_add(activity=activity, participant=ana, text="Ana's idea")
    bo_client = client.__class__()
    join_as_guest(bo_client, retreat, name="Bo")
    bo = retreat.participants.get(display_name="Bo")
    services.card_add(activity=activity, participant=bo, text="Bo's idea")
    live = url("board-live", activity) + "?v=-1"

    with django_assert_max_num_queries(40) as first:
        ana_page = client.get(live, headers=HTMX).content.decode()
    rendered = len(first)
    with django_assert_max_num_queries(rendered - 1):  # the board's own queries are skipped
        bo_page = bo_client.get(live, headers=HTMX).content.decode()
    assert "Ana&#x27;s idea" in bo_page and "Bo&#x27;s idea" in ana_page
    assert ana_page.count("Your card") == 1 and bo_page.count("Your card") == 1
    assert ana_page.index("Your card") > ana_page.index("Ana&#x27;s idea")
    assert bo_page.index("Your card") > bo_page.index("Bo&#x27;s idea")
    assert "<!--you" not in ana_page and "<!--yours" not in bo_page
    # A change makes a new version: the next poll renders it afresh.
    services.card_add(activity=activity, participant=bo, text="Another idea")
    assert "Another idea" in client.get(live, headers=HTMX).content.decode()


def test_a_board_changing_many_times_a_second_is_rendered_a_few_times_not_per_change(
    client, cast, retreat, settings, django_assert_max_num_queries
):
    settings.LIVE_BOARD_MAX_STALENESS = 60  # as if every change below came within the window
    activity = ActivityFactory(retreat=retreat, private_until_revealed=False)
    author = join_as_guest(client, retreat, name="Ana")
    services.card_add(activity=activity, participant=author, text="First idea")
    live = url("board-live", activity)
    first = client.get(live + "?v=-1", headers=HTMX).content.decode()
    seen = selectors.activity_version(activity.pk)
    assert "First idea" in first and f'data-version="{seen}"' in first
    services.card_add(activity=activity, participant=author, text="Second idea")
    # A watcher that has not seen the latest rendering yet gets it, without a new rendering
    # (the session, read from the database, and the access check)...
    with django_assert_max_num_queries(4):
        older = client.get(live + f"?v={seen - 1}", headers=HTMX).content.decode()
    assert f'data-version="{seen}"' in older and "Second idea" not in older
    # ...and one that has seen it gets the new board: the change is never withheld.
    newer = client.get(live + f"?v={seen}", headers=HTMX).content.decode()
    assert "Second idea" in newer


def test_own_cards_are_marked_alike_from_the_owners_map_or_from_each_card(retreat, brainstorm):
    """An answer finds its viewer's cards in the map kept with the shared rendering; a rendering
    kept without one (by an older release) is marked from each card's mark, the same way."""
    from retreats.templatetags.retreat_live import idea_card

    ana, bo = (ParticipantFactory(retreat=retreat, display_name=n) for n in ("Ana", "Bo"))
    cards = [
        CardFactory(activity=brainstorm, author=author, text=f"Idea {n}")
        for n, author in enumerate((ana, bo, ana, None))
    ]
    html = "".join(str(idea_card(card, brainstorm)) for card in cards)
    owners = live.owners_of(cards)
    assert set(owners) == {str(ana.pk), str(bo.pk)} and len(owners[str(ana.pk)]) == 2
    for viewer in (ana, bo):
        marked = live.personal(html, str(viewer.pk), owners)
        assert marked == live.personal(html, str(viewer.pk))
        assert marked.count("Your card") == marked.count("idea-card--mine")
        assert marked.count("Your card") == (2 if viewer == ana else 1)
        assert "<!--" not in marked
    assert "Your card" not in live.personal(html, "", owners)
