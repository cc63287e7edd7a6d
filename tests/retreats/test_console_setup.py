"""Planning a retreat: the engagement page's retreats, creating one, opening it for joining,
adding SWOT and brainstorm boards, their settings and their order."""

import re

import pytest
from django.urls import reverse

from retreats import services
from retreats.models import Activity, Retreat
from tests.factories import (
    ActivityFactory,
    CardFactory,
    MeetingFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
)

from .console_world import ROLES, make_world, url

pytestmark = pytest.mark.django_db


def detail(engagement):
    return reverse("engagements:detail", args=[engagement.pk])


# --- the engagement page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_retreats_on_the_engagement_page(client, cast, role):
    world = make_world(cast.engagement)
    ParticipantFactory.create_batch(2, retreat=world.retreat)
    client.force_login(cast.member(role))
    page = client.get(detail(cast.engagement)).content.decode()
    assert "Retreats" in page
    assert "Data retreat" in page  # the retreat and its phase
    assert "Open" in page and "3 joined" in page  # with the author of the card
    assert world.activity.title in page and "Adding ideas" in page
    assert reverse("retreats:retreat", args=[world.retreat.pk]) in page
    assert ("Plan a retreat" in page) == (role == "facilitator")
    assert (url("setup", world) in page) == (role == "facilitator")
    assert (url("console", world) in page) == (role == "facilitator")
    assert (url("themes", world) in page) == (role in ("facilitator", "core_team"))


def test_an_engagement_without_retreats_says_what_comes_next(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(detail(cast.engagement)).content.decode()
    assert "No retreats yet. Plan one for the data retreat" in page
    client.force_login(cast.board)
    page = client.get(detail(cast.engagement)).content.decode()
    assert "When the facilitator plans a retreat, it shows here" in page


def test_retreats_of_another_engagement_are_not_listed(client, cast):
    RetreatFactory(phase=PhaseFactory(engagement=cast.foreign_engagement), title="Lakeview day")
    client.force_login(cast.facilitator)
    assert "Lakeview day" not in client.get(detail(cast.engagement)).content.decode()


def test_finished_boards_keep_their_top_items_and_carried_items_on_the_engagement_page(
    client, cast
):
    world = make_world(cast.engagement, title="Our future", vote_budget=5)
    world.activity.stage = Activity.Stage.VOTING
    world.activity.save()
    arts, sports, quiet = world.card, CardFactory(activity=world.activity, text="Sports"), None
    quiet = CardFactory(activity=world.activity, text="Quiet idea")
    for count, card in ((3, arts), (1, sports)):
        voter = ParticipantFactory(retreat=world.retreat)
        for _ in range(count):
            services.vote_add(activity=world.activity, participant=voter, card=card)
    services.card_set_carry_forward(card=quiet, carry_forward=True)
    client.force_login(cast.plan_team)
    page = client.get(detail(cast.engagement)).content.decode()
    assert "Retreat results" not in page  # not finished yet
    services.activity_set_stage(activity=world.activity, stage=Activity.Stage.RESULTS)
    page = client.get(detail(cast.engagement)).content.decode()
    kept = page[page.index("Retreat results") :]
    assert kept.index("More arts and music") < kept.index("Sports")
    assert "3 dots" in kept and "1 dot" in kept
    assert "Carried forward:</strong> Quiet idea" in kept
    assert url("results", world) in kept


def test_the_engagement_page_keeps_a_constant_number_of_queries_with_retreats(
    client, cast, django_assert_max_num_queries
):
    def retreat_with_finished_board():
        world = make_world(cast.engagement)
        ActivityFactory(retreat=world.retreat)
        services.activity_set_stage(activity=world.activity, stage=Activity.Stage.RESULTS)
        ParticipantFactory(retreat=world.retreat)

    retreat_with_finished_board()
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(16) as small:
        client.get(detail(cast.engagement))
    baseline = len(small)
    for _ in range(6):
        retreat_with_finished_board()
    with django_assert_max_num_queries(baseline):
        response = client.get(detail(cast.engagement))
    assert response.content.decode().count("Set up and run") == 7


# --- creating a retreat ---------------------------------------------------------------------------


def test_the_facilitator_plans_a_retreat_in_a_phase_and_meeting_of_the_engagement(client, cast):
    phase = PhaseFactory(engagement=cast.engagement, name="Vision retreat")
    meeting = MeetingFactory(phase=phase, title="Vision day")
    PhaseFactory(engagement=cast.foreign_engagement, name="Lakeview phase")
    client.force_login(cast.facilitator)
    address = reverse("retreats:retreat-new", args=[cast.engagement.pk])
    page = client.get(address).content.decode()
    assert "Vision retreat" in page and "Vision day" in page
    assert "Lakeview phase" not in page
    response = client.post(
        address, {"title": " Vision retreat ", "phase": phase.pk, "meeting": meeting.pk}
    )
    retreat = Retreat.objects.get()
    assert (retreat.title, retreat.phase, retreat.meeting) == ("Vision retreat", phase, meeting)
    assert response.url == reverse("retreats:setup", args=[retreat.pk])
    assert not retreat.is_open


def test_a_new_retreat_is_offered_in_the_current_phase(client, cast):
    PhaseFactory(engagement=cast.engagement, name="Readiness", position=0, status="done")
    current = PhaseFactory(
        engagement=cast.engagement, name="Data retreat", position=1, status="in_progress"
    )
    PhaseFactory(engagement=cast.engagement, name="Vision retreat", position=2)
    client.force_login(cast.facilitator)
    page = client.get(reverse("retreats:retreat-new", args=[cast.engagement.pk])).content.decode()
    selected = re.findall(r'<option value="([^"]+)" selected>', page)
    assert selected == [str(current.pk)]
    # Before the timeline has started (nothing in progress yet), the first phase not done.
    current.status = "not_started"
    current.save()
    page = client.get(reverse("retreats:retreat-new", args=[cast.engagement.pk])).content.decode()
    assert re.findall(r'<option value="([^"]+)" selected>', page) == [str(current.pk)]


def test_a_retreat_needs_a_phase_of_this_engagement(client, cast):
    foreign = PhaseFactory(engagement=cast.foreign_engagement)
    PhaseFactory(engagement=cast.engagement)
    client.force_login(cast.facilitator)
    address = reverse("retreats:retreat-new", args=[cast.engagement.pk])
    response = client.post(address, {"title": "Data retreat", "phase": foreign.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose one of this engagement’s phases." in page
    assert 'value="Data retreat"' in page  # the input is kept
    assert not Retreat.objects.exists()


def test_without_phases_the_form_explains_why(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(reverse("retreats:retreat-new", args=[cast.engagement.pk])).content
    assert "this engagement has no phases yet" in page.decode()


# --- setup: joining and boards --------------------------------------------------------------------


def test_setup_shows_the_join_code_and_address_and_opens_and_closes(client, cast):
    world = make_world(cast.engagement)
    Retreat.objects.filter(pk=world.retreat.pk).update(is_open=False)
    client.force_login(cast.facilitator)
    page = client.get(url("setup", world)).content.decode()
    assert world.retreat.join_code in page
    assert "http://testserver/j/" in page
    assert "Open the retreat for joining" in page
    response = client.post(url("retreat-open", world), {"on": "1"}, follow=True)
    assert f"people join with code {world.retreat.join_code}" in response.content.decode()
    world.retreat.refresh_from_db()
    assert world.retreat.is_open
    client.post(url("retreat-open", world), {"on": "0"})
    world.retreat.refresh_from_db()
    assert not world.retreat.is_open


def test_the_facilitator_adds_a_swot_board_with_its_title_offered(client, cast):
    world = make_world(cast.engagement)
    client.force_login(cast.facilitator)
    page = client.get(url("setup", world)).content.decode()
    assert services.SWOT_TITLE in page
    assert services.BRAINSTORM_PROMPT in page
    address = url("activity-new", world) + "?kind=swot"
    client.post(address, {"swot-title": services.SWOT_TITLE})
    swot = Activity.objects.get(kind="swot")
    assert swot.title == services.SWOT_TITLE
    assert swot.position > world.activity.position  # added last


def test_a_brainstorm_needs_its_question_and_keeps_the_input_on_error(client, cast):
    world = make_world(cast.engagement)
    client.force_login(cast.facilitator)
    address = url("activity-new", world) + "?kind=brainstorm"
    response = client.post(address, {"brainstorm-title": "Our future", "brainstorm-prompt": ""})
    page = response.content.decode()
    assert "A brainstorm needs its question" in page
    assert 'value="Our future"' in page
    client.post(address, {"brainstorm-title": "", "brainstorm-prompt": "What must not change?"})
    added = Activity.objects.get(prompt="What must not change?")
    assert added.title == "What must not change?"


def test_the_facilitator_changes_a_boards_settings(client, cast):
    world = make_world(cast.engagement)
    cast.engagement.default_vote_budget = 7
    cast.engagement.save()
    client.force_login(cast.facilitator)
    address = url("activity-settings", world)
    page = client.get(address).content.decode()
    assert "Leave empty for the engagement’s default: 7 dots per person." in page
    data = {
        "title": "Our future",
        "prompt": "How do we want to be different?",
        "show_authors": "on",
        "vote_budget": "",
        "max_per_item": "2",
        "vote_on": "themes",
        "votes_live": "on",
    }
    response = client.post(address, data)
    assert response.url == url("setup", world) + f"#activity-{world.activity.pk}"
    world.activity.refresh_from_db()
    activity = world.activity
    assert (activity.title, activity.show_authors, activity.private_until_revealed) == (
        "Our future",
        True,
        False,
    )
    assert (activity.vote_budget, activity.budget(), activity.max_per_item) == (None, 7, 2)
    assert (activity.vote_on, activity.votes_live) == ("themes", True)
    page = client.get(url("setup", world)).content.decode()
    assert "7 dots per person (the engagement’s default), at most 2 on one item" in page


def test_most_dots_on_one_item_cannot_exceed_the_budget(client, cast):
    world = make_world(cast.engagement)
    client.force_login(cast.facilitator)
    data = {"title": "T", "prompt": "Q?", "vote_budget": "3", "max_per_item": "5"}
    data["vote_on"] = "cards"
    page = client.post(url("activity-settings", world), data).content.decode()
    assert "Someone with 3 dots cannot put 5 on one item" in page


def test_a_swot_board_has_no_question_to_set(client, cast):
    world = make_world(cast.engagement, kind="swot", prompt="")
    client.force_login(cast.facilitator)
    page = client.get(url("activity-settings", world)).content.decode()
    assert "Question for the room" not in page


def test_boards_move_up_and_down(client, cast):
    world = make_world(cast.engagement, title="First")
    second = ActivityFactory(retreat=world.retreat, title="Second")
    client.force_login(cast.facilitator)
    move = reverse("retreats:activity-move", args=[world.retreat.pk, second.pk])
    response = client.post(move, {"direction": "up"}, follow=True)
    assert "“Second” moved to place 1." in response.content.decode()
    order = list(world.retreat.activities.order_by("position").values_list("title", flat=True))
    assert order == ["Second", "First"]
    response = client.post(move, {"direction": "up"}, follow=True)
    assert "“Second” is already first." in response.content.decode()
    page = response.content.decode()
    assert page.index("1. Second") < page.index("2. First")
