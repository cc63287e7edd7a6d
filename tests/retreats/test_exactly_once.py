"""Cards and dots are taken exactly once from the user's side (issue 15, item 2): the page sends
an idempotency key with each card and dot, a retried submission gets the first answer back and
adds nothing, and nothing after the commit (the live board's cache notes) can turn a committed
card or dot into an error."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from retreats import live, services
from retreats.models import Activity, Ballot, Card, SubmissionKey
from tests.factories import ActivityFactory, CardFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LONG_CARD = (
    "Que chaque élève ait accès à un conseiller d’orientation dès la 6e — see "
    "https://example.org/plan?x=1&y=2 for the district’s own numbers. "
) * 4


def url(name, activity):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def join_as_guest(client, retreat):
    client.post(
        reverse("retreats:join-code", args=[retreat.join_code]),
        {"display_name": "Zoé", "stakeholder_group": "none"},
    )


def key_in(body: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', body).group(1)


@pytest.fixture
def brainstorm(retreat):
    return ActivityFactory(retreat=retreat, title="Five years from now")


@pytest.fixture
def voting(brainstorm):
    arts = CardFactory(activity=brainstorm, text="More arts")
    brainstorm.vote_budget = 4
    brainstorm.max_per_item = 3
    brainstorm.save()
    services.activity_set_stage(activity=brainstorm, stage=Activity.Stage.VOTING)
    return brainstorm, arts


class BrokenCache:
    """A cache whose every call fails, as Redis does when it is stopped."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail


def test_the_card_form_carries_a_fresh_key_each_time_it_is_shown(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    first = key_in(client.get(url("board", brainstorm)).content.decode())
    second = key_in(client.get(url("board", brainstorm)).content.decode())
    assert first != second and len(first) >= 16
    answer = client.post(
        url("card-add", brainstorm), {"text": "Idea", "submission_key": first}, headers=HTMX
    )
    assert key_in(answer.content.decode()) not in (first, second)  # renewed after the success


def test_the_same_card_sent_twice_is_added_once_with_the_same_answer(
    client, retreat, brainstorm, settings
):
    settings.LIVE_PUSH = False  # the polling page's answer carries the board (push: the event)
    join_as_guest(client, retreat)
    key = key_in(client.get(url("board", brainstorm)).content.decode())
    data = {"text": LONG_CARD[:500], "submission_key": key}
    first = client.post(url("card-add", brainstorm), data, headers=HTMX)
    again = client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert first.status_code == again.status_code == 200
    assert Card.objects.filter(activity=brainstorm).count() == 1
    for answer in (first, again):
        body = answer.content.decode()
        assert "Your card is on the board." in body
        assert "Que chaque élève ait accès" in body  # the card is on the board it sends back
    # Without JavaScript too: the retry lands on the board, still one card.
    plain = client.post(url("card-add", brainstorm), data)
    assert plain.status_code == 302
    assert Card.objects.filter(activity=brainstorm).count() == 1
    # A new key is a new card.
    client.post(url("card-add", brainstorm), {"text": "Another idea", "submission_key": "k" * 22})
    assert Card.objects.filter(activity=brainstorm).count() == 2


def test_the_same_dot_sent_twice_spends_one_dot(client, retreat, voting):
    activity, arts = voting
    join_as_guest(client, retreat)
    key = key_in(client.get(url("board", activity)).content.decode())
    data = {"item": arts.pk, "action": "add", "submission_key": key}
    first = client.post(url("vote", activity), data, headers=HTMX)
    again = client.post(url("vote", activity), data, headers=HTMX)
    assert first.status_code == again.status_code == 200
    assert Ballot.objects.get(activity=activity).spent == 1
    for answer in (first, again):
        assert (
            "‘More arts’ has 1 of your dots. You have 3 of 4 dots left." in answer.content.decode()
        )
    # Taking it off, sent twice, takes one dot off (and a second dot is a new key).
    client.post(url("vote", activity), {**data, "submission_key": "b" * 22}, headers=HTMX)
    assert Ballot.objects.get(activity=activity).spent == 2
    off = {"item": arts.pk, "action": "remove", "submission_key": "c" * 22}
    client.post(url("vote", activity), off, headers=HTMX)
    answer = client.post(url("vote", activity), off, headers=HTMX)
    assert Ballot.objects.get(activity=activity).spent == 1
    assert "You have 3 of 4 dots left." in answer.content.decode()


def test_a_key_is_only_one_persons(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    client.post(url("card-add", brainstorm), {"text": "Mine", "submission_key": "s" * 22})
    other = client.__class__()
    join_as_guest(other, retreat)
    other.post(url("card-add", brainstorm), {"text": "Theirs", "submission_key": "s" * 22})
    assert sorted(Card.objects.values_list("text", flat=True)) == ["Mine", "Theirs"]


def test_a_refused_card_records_no_key_so_it_can_be_sent_again(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    services.activity_lock(activity=brainstorm, locked=True)
    data = {"text": "Wait for me", "submission_key": "r" * 22}
    refused = client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert "locked this board" in refused.content.decode()
    assert "Wait for me" in refused.content.decode()  # nothing typed is lost
    services.activity_lock(activity=brainstorm, locked=False)
    client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert Card.objects.filter(text="Wait for me").count() == 1


def test_a_malformed_key_is_refused_plainly_and_the_words_kept(client, retreat, brainstorm):
    join_as_guest(client, retreat)
    data = {"text": "Mes idées", "submission_key": "<script>"}
    response = client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert "Mes idées" in response.content.decode()
    assert not Card.objects.exists()


def test_a_failing_cache_after_the_commit_still_answers_success_with_one_card(
    client, retreat, brainstorm, monkeypatch
):
    join_as_guest(client, retreat)
    key = key_in(client.get(url("board", brainstorm)).content.decode())
    monkeypatch.setattr(live, "cache", BrokenCache())
    data = {"text": "Cache or not, my card", "submission_key": key}
    answer = client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert answer.status_code == 200
    assert "Your card is on the board." in answer.content.decode()
    assert Card.objects.filter(activity=brainstorm).count() == 1
    again = client.post(url("card-add", brainstorm), data, headers=HTMX)
    assert again.status_code == 200
    assert Card.objects.filter(activity=brainstorm).count() == 1


def test_a_failing_cache_after_the_commit_still_answers_success_with_one_dot(
    client, retreat, voting, monkeypatch
):
    activity, arts = voting
    activity.votes_live = True  # every dot moves the board's version: the cache is written
    activity.save()
    join_as_guest(client, retreat)
    monkeypatch.setattr(live, "cache", BrokenCache())
    data = {"item": arts.pk, "action": "add", "submission_key": "d" * 22}
    for _ in range(2):
        answer = client.post(url("vote", activity), data, headers=HTMX)
        assert answer.status_code == 200
        assert "You have 3 of 4 dots left." in answer.content.decode()
    assert Ballot.objects.get(activity=activity).spent == 1
    cache.clear()


def test_keys_older_than_a_day_are_dropped_hourly_and_a_retry_within_the_day_still_counts_once(
    client, retreat, brainstorm, time_machine, settings
):
    from retreats import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["forget-submission-keys"]
    assert entry == {"task": "retreats.forget_submission_keys", "schedule": 60 * 60}
    join_as_guest(client, retreat)
    data = {"text": "Later start", "submission_key": "a" * 22}
    client.post(url("card-add", brainstorm), data, headers=HTMX)
    time_machine.move_to(timezone.now() + timedelta(hours=23), tick=False)
    client.post(url("card-add", brainstorm), {"text": "Bus", "submission_key": "b" * 22})
    assert tasks.forget_submission_keys() == 0
    client.post(url("card-add", brainstorm), data, headers=HTMX)  # a late retry: still once
    assert Card.objects.filter(activity=brainstorm, text="Later start").count() == 1
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    assert tasks.forget_submission_keys() == 1  # the first, 25 hours old; not the second
    assert list(SubmissionKey.objects.values_list("key", flat=True)) == ["b" * 22]
