"""On PostgreSQL with real concurrent transactions, dot budgets hold and no vote is lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from retreats import services
from retreats.models import Activity, Ballot, Dot
from tests.factories import ActivityFactory, CardFactory, ParticipantFactory

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def fire(calls, workers=16):
    """Run the calls at once on separate threads (each with its own database connection)."""

    def run(call):
        try:
            call()
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def voting():
    return ActivityFactory(stage=Activity.Stage.VOTING, vote_budget=5, max_per_item=5)


def test_one_participant_clicking_many_times_at_once_never_overspends(voting):
    assert connection.vendor == "postgresql"
    voter = ParticipantFactory(retreat=voting.retreat)
    cards = CardFactory.create_batch(4, activity=voting)
    calls = [
        (lambda c=card: services.vote_add(activity=voting, participant=voter, card=c))
        for card in cards * 10
    ]
    outcomes = fire(calls)
    assert outcomes.count("ok") == 5
    assert Ballot.objects.get(participant=voter).spent == 5
    assert Dot.objects.filter(ballot__participant=voter).aggregate(n=Sum("count"))["n"] == 5


def test_many_participants_voting_at_once_lose_no_vote(voting):
    voters = ParticipantFactory.create_batch(40, retreat=voting.retreat)
    card = CardFactory(activity=voting)
    calls = [
        (lambda v=voter: services.vote_add(activity=voting, participant=v, card=card))
        for voter in voters
        for _ in range(3)
    ]
    outcomes = fire(calls, workers=24)
    assert outcomes.count("ok") == 120
    assert Dot.objects.filter(card=card).aggregate(n=Sum("count"))["n"] == 120
    assert set(Ballot.objects.values_list("spent", flat=True)) == {3}
