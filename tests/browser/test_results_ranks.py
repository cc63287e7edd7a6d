"""A facilitator reads a board's results: tied items share their rank on the page and on the
projector, and each group reads “Parents (3 people voted)”, with its space."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from engagements.models import Role
from retreats import services
from retreats.models import Activity
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    CardFactory,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    UserFactory,
)


@pytest.fixture
def results(riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    retreat = RetreatFactory(phase=PhaseFactory(engagement=engagement), title="Data retreat")
    activity = ActivityFactory(retreat=retreat, title="What matters most?", vote_budget=10)
    cards = {
        text: CardFactory(activity=activity, text=text)
        for text in ("Arts for every child", "Safe routes to school", "Smaller classes", "Music")
    }
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents", position=1)
    voters = [ParticipantFactory(retreat=retreat, stakeholder_group=parents) for _ in range(3)]
    dots = {"Smaller classes": 6, "Arts for every child": 5, "Safe routes to school": 5, "Music": 1}
    for text, count in dots.items():
        for n in range(count):
            services.vote_add(activity=activity, participant=voters[n % 3], card=cards[text])
    services.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    return {"facilitator": facilitator, "activity": activity, "retreat": retreat}


def test_tied_items_share_their_rank_and_groups_read_well(page, results):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(results["facilitator"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()
    retreat, activity = results["retreat"], results["activity"]
    page.goto(page.live_server_url + reverse("retreats:results", args=[retreat.pk, activity.pk]))
    ranking = page.locator(".results > .ranking .ranking__label")
    expect(ranking).to_have_text(
        [
            "1. Smaller classes",
            "2. Arts for every child",
            "2. Safe routes to school",
            "4. Music",
        ]
    )
    summary = page.locator(".results__group summary")
    assert re.fullmatch(r"Parents \(3 people voted\)", summary.inner_text().strip())

    page.goto(page.live_server_url + reverse("retreats:projector", args=[retreat.pk, activity.pk]))
    expect(page.locator(".ranking .ranking__label").nth(2)).to_have_text("2. Safe routes to school")
