"""The data at the SWOT board: a card cites an indicator as its evidence, and the facilitator
shows one indicator of a data pack on the projector above the board."""

import pytest
from django.urls import reverse

from retreats import services
from retreats.models import Activity, Card, Participant
from tests.factories import (
    ActivityFactory,
    CardFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PhaseFactory,
    RetreatFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def retreat(cast):
    return RetreatFactory(
        phase=PhaseFactory(engagement=cast.engagement), title="Data retreat", join_code="DATA42"
    )


@pytest.fixture
def swot(retreat):
    activity = ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, title="SWOT", prompt="")
    services.activity_update(activity=activity, private_until_revealed=False)
    return Activity.objects.get(pk=activity.pk)


@pytest.fixture
def graduation(cast):
    indicator = IndicatorFactory(engagement=cast.engagement, name="Graduation <rate>", unit="%")
    IndicatorValueFactory(indicator=indicator, year=2021, value="81")
    IndicatorValueFactory(indicator=indicator, year=2025, value="86")
    return indicator


def board_url(activity, name="board"):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def join_as_guest(client, retreat):
    target = reverse("retreats:join-code", args=[retreat.join_code])
    response = client.post(target, {"display_name": "Sam", "stakeholder_group": "none"})
    assert response.status_code == 302


# --- a card's evidence ---------------------------------------------------------------------------


def test_the_add_card_form_offers_the_indicators_only_on_a_swot_board(client, cast, retreat, swot):
    client.force_login(cast.plan_team)
    assert 'name="evidence"' not in client.get(board_url(swot)).text  # no indicator yet
    IndicatorFactory(engagement=cast.engagement, name="Trust survey")
    IndicatorFactory(engagement=cast.foreign_engagement, name="Their secret data")
    page = client.get(board_url(swot)).text
    assert 'name="evidence"' in page and "Trust survey" in page
    assert "Their secret data" not in page
    brainstorm = ActivityFactory(retreat=retreat)
    assert 'name="evidence"' not in client.get(board_url(brainstorm)).text


def test_a_guest_cites_an_indicator_and_the_card_shows_it_escaped(
    client, retreat, swot, graduation
):
    join_as_guest(client, retreat)
    data = {"quadrant": "W", "text": "Fewer students graduate on time", "evidence": graduation.pk}
    assert client.post(board_url(swot, "card-add"), data).status_code == 302
    card = Card.objects.get()
    assert card.evidence == graduation
    page = client.get(board_url(swot)).text
    assert "Evidence: Graduation &lt;rate&gt;" in page
    assert "Graduation <rate>" not in page


def test_a_swot_cards_answer_reads_the_indicators_once(client, retreat, swot, graduation):
    """The writer's answer (the fresh form, with its Evidence list) reuses the indicators the
    submitted form read: a SWOT card costs one indicator query, not two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    join_as_guest(client, retreat)
    data = {"quadrant": "W", "text": "Fewer students graduate on time", "evidence": graduation.pk}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(board_url(swot, "card-add"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'name="evidence"' in response.text and "Graduation &lt;rate&gt;" in response.text
    reads = [q["sql"] for q in queries if 'FROM "evidence_indicator"' in q["sql"]]
    assert len(reads) == 1


def test_a_foreign_indicator_is_refused_and_the_words_kept(client, cast, swot):
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    IndicatorFactory(engagement=cast.engagement)
    client.force_login(cast.plan_team)
    data = {"quadrant": "S", "text": "Strong arts programme", "evidence": foreign.pk}
    response = client.post(board_url(swot, "card-add"), data)
    assert response.status_code == 200
    assert "Choose one of the indicators in the list." in response.text
    assert "Strong arts programme" in response.text
    assert not Card.objects.exists()


def test_the_service_refuses_a_foreign_indicator(cast, swot):
    participant = Participant.objects.create(retreat=swot.retreat, display_name="Ana")
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    with pytest.raises(Exception, match="this engagement’s indicators"):
        services.card_add(
            activity=swot, participant=participant, text="x", quadrant="S", evidence=foreign
        )


def test_the_console_and_projector_show_a_cards_evidence(client, cast, swot, graduation):
    CardFactory(activity=swot, quadrant="O", text="Grant for tutoring", evidence=graduation)
    client.force_login(cast.facilitator)
    for name in ("console", "projector"):
        assert "Evidence: Graduation &lt;rate&gt;" in client.get(board_url(swot, name)).text


def test_the_board_costs_no_query_per_cited_card(client, cast, swot, django_assert_max_num_queries):
    indicators = [IndicatorFactory(engagement=cast.engagement) for _ in range(5)]
    for n in range(3):
        CardFactory(activity=swot, quadrant="S", evidence=indicators[n])
    client.force_login(cast.plan_team)
    url = board_url(swot)
    client.get(url)
    services._bump(swot)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(40):
        CardFactory(activity=swot, quadrant="SWOT"[n % 4], evidence=indicators[n % 5])
    services._bump(swot)  # as adding them by the form would: the room's board is drawn again
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).text
    assert page.count("Evidence: ") == 43
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(len(few) + 15) as console:
        client.get(board_url(swot, "console"))
    for n in range(20):
        CardFactory(activity=swot, quadrant="S", evidence=indicators[n % 5])
    with django_assert_max_num_queries(len(console)):
        client.get(board_url(swot, "console"))


# --- the projector -------------------------------------------------------------------------------


def show(client, activity, indicator_id):
    return client.post(board_url(activity, "show-indicator"), {"indicator": indicator_id or ""})


def test_the_console_picks_a_pack_indicator_and_the_projector_shows_it(
    client, cast, swot, graduation
):
    item = DataPackItemFactory(pack__engagement=cast.engagement, indicator=graduation)
    client.force_login(cast.facilitator)
    console = client.get(board_url(swot, "console")).text
    assert "Data on the projector" in console
    assert f'<optgroup label="{item.pack.title}">' in console
    version = swot.version
    assert show(client, swot, graduation.pk).status_code == 302
    swot.refresh_from_db()
    assert swot.shown_indicator == graduation and swot.version > version
    projector = client.get(board_url(swot, "projector")).text
    assert "Graduation rate" not in projector  # the name is escaped, as typed
    assert "Graduation &lt;rate&gt;" in projector
    assert "rose from 81% in 2021 to 86% in 2025; higher is better." in projector
    live = client.get(
        board_url(swot, "projector-live") + f"?v={version}", headers={"HX-Request": "true"}
    )
    assert "projector-data" in live.text
    assert show(client, swot, None).status_code == 302
    swot.refresh_from_db()
    assert swot.shown_indicator is None
    assert "projector-data" not in client.get(board_url(swot, "projector")).text


def test_observers_of_a_public_meeting_see_the_data_the_room_sees(client, cast, swot, graduation):
    """The observer link shows the projector's view read-only: the indicator on the screen too."""
    retreat = swot.retreat
    services.retreat_set_public_meeting(retreat=retreat, public=True)
    retreat.refresh_from_db()
    DataPackItemFactory(pack__engagement=cast.engagement, indicator=graduation)
    watch = reverse("retreats:observer", args=[retreat.observer_token])
    assert "projector-data" not in client.get(watch).text
    facilitator = client.__class__()
    facilitator.force_login(cast.facilitator)
    show(facilitator, swot, graduation.pk)
    swot.refresh_from_db()
    page = client.get(watch).text  # nobody signed in
    assert "Graduation &lt;rate&gt; (%)" in page
    assert "rose from 81% in 2021 to 86% in 2025; higher is better." in page
    live = reverse("retreats:observer-live", args=[retreat.observer_token, swot.pk])
    polled = client.get(f"{live}?v={swot.version - 1}", headers={"HX-Request": "true"}).text
    assert "projector-data" in polled
    show(facilitator, swot, None)
    assert "projector-data" not in client.get(watch).text


def test_the_pick_answers_htmx_with_the_console_region(client, cast, swot, graduation):
    DataPackItemFactory(pack__engagement=cast.engagement, indicator=graduation)
    client.force_login(cast.facilitator)
    response = client.post(
        board_url(swot, "show-indicator"),
        {"indicator": graduation.pk},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.text
    assert "Showing:</strong> Graduation &lt;rate&gt;" in response.text


def test_a_foreign_or_unknown_indicator_is_404_and_only_the_facilitator_picks(
    client, cast, swot, graduation
):
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    assert show(client, swot, foreign.pk).status_code == 404
    assert show(client, swot, "not-a-uuid").status_code == 404
    swot.refresh_from_db()
    assert swot.shown_indicator is None
    for role in ("core_team", "plan_team", "board"):
        client.force_login(cast.member(role))
        assert show(client, swot, graduation.pk).status_code == 403
    client.force_login(cast.outsider)
    assert show(client, swot, graduation.pk).status_code == 404


def test_a_guest_cannot_pick(client, retreat, swot, graduation):
    join_as_guest(client, retreat)
    response = show(client, swot, graduation.pk)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    swot.refresh_from_db()
    assert swot.shown_indicator is None


def test_the_service_refuses_a_foreign_indicator_on_the_projector(cast, swot):
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    with pytest.raises(Exception, match="this engagement’s indicators"):
        services.activity_show_indicator(activity=swot, indicator=foreign)
