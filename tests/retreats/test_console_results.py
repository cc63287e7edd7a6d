"""Results: the ranking with a bar per item, split by stakeholder group (groups with fewer than 3
voters left out), the CSV export with spreadsheet-safe cells, and carrying items forward."""

import csv
import io
import re

import pytest

from engagements.csv_files import spreadsheet_safe
from retreats import services
from retreats.models import Activity, Card
from tests.factories import CardFactory, ParticipantFactory, StakeholderGroupFactory

from .console_world import make_world, set_stage, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(cast):
    """Parents (3 voters) chose the arts; staff (2 voters) chose sports."""
    world = make_world(cast.engagement, kind="swot", title="SWOT", prompt="", vote_budget=5)
    Card.objects.filter(pk=world.card.pk).update(quadrant="S", theme=world.theme)
    world.card.refresh_from_db()
    sports = CardFactory(activity=world.activity, text="Sports", quadrant="O")
    set_stage(world.activity, "voting")
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", position=1)
    staff = StakeholderGroupFactory(engagement=cast.engagement, name="Staff", position=0)
    for _ in range(3):
        voter = ParticipantFactory(retreat=world.retreat, stakeholder_group=parents)
        services.vote_add(activity=world.activity, participant=voter, card=world.card)
    for _ in range(2):
        voter = ParticipantFactory(retreat=world.retreat, stakeholder_group=staff)
        for _ in range(2):
            services.vote_add(activity=world.activity, participant=voter, card=sports)
    world.sports = sports
    return world


def rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_facilitator_sees_the_ranking_before_anyone_else(client, cast, voted):
    client.force_login(cast.facilitator)
    page = client.get(url("results", voted)).content.decode()
    assert page.index("Sports") < page.index("More arts and music")
    assert "4 dots from 2 people" in page and "3 dots from 3 people" in page
    assert '<rect width="100"' in page and '<rect width="75"' in page
    assert "Only you see these until you reveal the votes." in page
    client.force_login(cast.board)
    assert client.get(url("results", voted)).status_code == 403


def test_members_see_the_results_once_the_board_reaches_them(client, cast, voted):
    services.activity_set_stage(activity=voted.activity, stage=Activity.Stage.RESULTS)
    client.force_login(cast.superintendent)
    page = client.get(url("results", voted)).content.decode()
    assert "Sports" in page
    assert "Download as CSV" not in page and "Carry forward into the plan" not in page
    client.force_login(cast.core_team)
    assert "Download as CSV" in client.get(url("results", voted)).content.decode()


def test_the_split_by_group_leaves_out_groups_with_fewer_than_three_voters(client, cast, voted):
    client.force_login(cast.facilitator)
    page = client.get(url("results", voted)).content.decode()
    groups = page[page.index("By stakeholder group") :]
    assert "Parents" in groups and "3 people voted" in groups
    assert "Staff" not in groups
    assert "1 group with only one or two voters is not shown" in groups
    assert "leave out any group with fewer than 3 voters, to keep votes anonymous" in page


def test_the_csv_lists_rank_item_quadrant_theme_dots_voters_and_the_shown_groups(
    client, cast, voted
):
    client.force_login(cast.core_team)
    response = client.get(url("results-csv", voted))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="swot-results.csv"'
    assert rows(response) == [
        ["rank", "item", "quadrant", "theme", "dots", "voters", "Parents (3 voters)"],
        ["1", "Sports", "Opportunities", "", "4", "2", "0"],
        ["2", "More arts and music", "Strengths", "The arts", "3", "3", "3"],
    ]


def test_tied_items_share_a_rank_in_the_csv(client, cast, voted):
    tie = CardFactory(activity=voted.activity, text="Tie", quadrant="W")
    for _ in range(3):
        voter = ParticipantFactory(retreat=voted.retreat)
        services.vote_add(activity=voted.activity, participant=voter, card=tie)
    client.force_login(cast.facilitator)
    ranks = [row[0] for row in rows(client.get(url("results-csv", voted)))[1:]]
    assert ranks == ["1", "2", "2"]


def shown_ranks(html: str) -> list[str]:
    return re.findall(r'<span class="ranking__rank">(\d+)\.</span>', html)


def test_tied_items_share_a_rank_on_the_results_page_and_the_projector(client, cast, voted):
    tie = CardFactory(activity=voted.activity, text="Tie", quadrant="W")
    for _ in range(3):
        voter = ParticipantFactory(retreat=voted.retreat)
        services.vote_add(activity=voted.activity, participant=voter, card=tie)
    services.activity_set_stage(activity=voted.activity, stage=Activity.Stage.RESULTS)
    client.force_login(cast.facilitator)
    results = client.get(url("results", voted)).content.decode()
    ranking = results[: results.index("By stakeholder group")]
    assert shown_ranks(ranking) == ["1", "2", "2"]
    projector = client.get(url("projector", voted)).content.decode()
    assert shown_ranks(projector) == ["1", "2", "2"]
    assert "2. More arts and music" not in projector  # no second number from the list itself


def test_a_group_shows_its_name_a_space_and_how_many_voted(client, cast, voted):
    client.force_login(cast.facilitator)
    page = client.get(url("results", voted)).content.decode()
    # A summary lays out its children as a row: the name and the count are one piece of text.
    assert (
        '<summary><span>Parents <span class="count">(3 people voted)</span></span></summary>'
        in page
    )


def test_the_csv_defuses_formulas_in_user_text(client, cast, voted):
    Card.objects.filter(pk=voted.card.pk).update(text='=HYPERLINK("http://x","y")')
    Card.objects.filter(pk=voted.sports.pk).update(text="+1 more coaches")
    voted.theme.name = "@theme"
    voted.theme.save()
    client.force_login(cast.facilitator)
    body = rows(client.get(url("results-csv", voted)))
    assert body[1][1] == "'+1 more coaches"
    assert body[2][1] == '\'=HYPERLINK("http://x","y")'
    assert body[2][3] == "'@theme"
    assert [spreadsheet_safe(v) for v in ("-2", "\tx", "fine", 3)] == ["'-2", "'\tx", "fine", "3"]


def test_the_csv_of_a_vote_on_themes_ranks_the_themes(client, cast):
    world = make_world(cast.engagement, title="Vision", vote_on="themes", vote_budget=3)
    set_stage(world.activity, "voting")
    voter = ParticipantFactory(retreat=world.retreat)
    services.vote_add(activity=world.activity, participant=voter, theme=world.theme)
    client.force_login(cast.facilitator)
    assert rows(client.get(url("results-csv", world)))[1] == ["1", "The arts", "", "", "1", "1"]


def test_the_facilitator_carries_ranked_items_forward_from_the_results(client, cast, voted):
    client.force_login(cast.facilitator)
    page = client.get(url("results", voted)).content.decode()
    assert "Carry forward into the plan" in page
    assert f'name="next" value="{url("results", voted)}#carry"' in page
    client.post(
        url("card-carry", voted, voted.sports.pk),
        {"on": "1", "next": url("results", voted) + "#carry"},
    )
    services.activity_set_stage(activity=voted.activity, stage=Activity.Stage.RESULTS)
    client.force_login(cast.plan_team)
    page = client.get(url("results", voted)).content.decode()
    carried = page[page.index("Carried forward into the plan") :]
    assert "Sports" in carried and "More arts" not in carried
