"""The public review link (planning/views/public.py): reading the draft, feedback on a part of
it, the public buy-in check, spam checks, rate limits per address, and that the link opens
nothing else of the engagement."""

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.access import PUBLIC
from engagements.models import Membership
from planning.models import BuyInResponse, Comment, Review
from planning.public_forms import STALE, TOO_FAST, stamp_issue
from planning.services import plan_for
from planning.services.review import public_link_make, public_link_revoke, token_hash
from tests.factories import (
    ActionStepFactory,
    GoalFactory,
    MeasureFactory,
    PlanVersionFactory,
    ReviewFactory,
    StakeholderGroupFactory,
    StrategyFactory,
    ValueFactory,
)
from tests.test_url_protection import ALL_VIEWS, sample_kwargs

pytestmark = pytest.mark.django_db

TOKEN = "riverside-public-token-0123456789abcdef"


@dataclass
class World:
    review: Review
    token: str
    goal: object
    strategy: object
    measure: object
    value: object

    def url(self, name: str = "public-review", token: str | None = None) -> str:
        return reverse(f"planning:{name}", kwargs={"token": token or self.token})


@pytest.fixture
def world(cast) -> World:
    engagement = cast.engagement
    engagement.terminology = {**engagement.terminology, "goal": "Priority", "goals": "Priorities"}
    engagement.save()
    plan = plan_for(engagement)
    plan.mission = "Every student, every day, ready for what comes next."
    plan.vision = "A district where every learner thrives."
    plan.save()
    value = ValueFactory(plan=plan, title="Kindness first")
    goal = GoalFactory(
        plan=plan, title="Every reader by grade 3", specific_outcome="All children read well."
    )
    strategy = StrategyFactory(goal=goal, title="Tutoring in every school")
    measure = MeasureFactory(
        goal=goal, indicator="Grade 3 reading at level", baseline=62, target=75, unit="%"
    )
    owner = Membership.objects.get(user=cast.core_team, engagement=engagement)
    ActionStepFactory(strategy=strategy, description="Hire twelve tutors", owner=owner)
    StakeholderGroupFactory(engagement=engagement, name="Parents and guardians")
    StakeholderGroupFactory(engagement=engagement, name="Community member")
    review = ReviewFactory(
        version=PlanVersionFactory(plan=plan),
        public_token_hash=token_hash(TOKEN),
        public_link_made_at=timezone.now(),
    )
    return World(review, TOKEN, goal, strategy, measure, value)


def feedback_data(review: Review, **fields) -> dict:
    """A filled-in feedback form, handed out a minute ago."""
    return {
        "on": "plan",
        "body": "Please say more about reading.",
        "category": "Parents and guardians",
        "name": "",
        "email": "",
        "website": "",
        "stamp": stamp_issue(review, at=time.time() - 60),
        **fields,
    }


def buy_in_data(world: World, **fields) -> dict:
    return {
        f"goal_{world.goal.pk}": "4",
        "commits": "yes",
        "category": "Student",
        "website": "",
        "stamp": stamp_issue(world.review, at=time.time() - 60),
        **fields,
    }


def page(response) -> str:
    return response.content.decode()


def stamp_in(response) -> str:
    """The signed stamp a page handed out with its form."""
    return re.search(r'name="stamp" value="([^"]+)"', page(response)).group(1)


# --- which links open -----------------------------------------------------------------------------


def test_an_unknown_link_is_the_ordinary_not_found_page(client, world):
    for name in ("public-review", "public-feedback", "public-thanks", "public-buy-in"):
        response = client.get(world.url(name, token="not-a-real-token"))
        assert response.status_code == 404
        assert "We can’t find that page" in page(response)
        assert "Riverside" not in page(response)


def test_a_turned_off_link_stops_working(client, cast, world):
    public_link_revoke(review=world.review, by=cast.facilitator)
    assert client.get(world.url()).status_code == 404
    assert client.post(world.url("public-feedback"), feedback_data(world.review)).status_code == 404
    assert not Comment.objects.exists()


def test_a_new_link_replaces_the_old_one(client, cast, world):
    new_token = public_link_make(review=world.review, by=cast.facilitator)
    assert client.get(world.url()).status_code == 404
    assert client.get(world.url(token=new_token)).status_code == 200


def test_before_it_opens_the_link_says_when(client, world):
    world.review.opens_on = timezone.localdate() + timedelta(days=3)
    world.review.save()
    for name in ("public-review", "public-feedback"):
        response = client.get(world.url(name))
        assert response.status_code == 200
        text = page(response)
        assert "opens for feedback on" in text
        assert world.review.opens_on.strftime("%B") in text
        assert "Every reader by grade 3" not in text


@pytest.mark.parametrize("how", ["closed early", "past its closing day"])
def test_after_it_closes_the_link_says_thank_you(client, world, how):
    if how == "closed early":
        world.review.closed_at = timezone.now()
    else:
        world.review.opens_on = timezone.localdate() - timedelta(days=10)
        world.review.closes_on = timezone.localdate() - timedelta(days=2)
    world.review.save()
    response = client.get(world.url())
    assert response.status_code == 200
    assert "Feedback on this draft closed on" in page(response)
    assert "Thank you to everyone" in page(response)
    assert "Every reader by grade 3" not in page(response)


def test_feedback_sent_as_the_review_closes_is_refused_with_the_words_kept(client, world):
    world.review.closed_at = timezone.now()
    world.review.save()
    response = client.post(world.url("public-feedback"), feedback_data(world.review))
    assert response.status_code == 400
    assert "This review is closed" in page(response)
    assert "Please say more about reading." in page(response)
    assert not Comment.objects.exists()


# --- reading the draft ----------------------------------------------------------------------------


def test_the_link_shows_the_draft_in_the_engagements_words(client, world):
    response = client.get(world.url())
    assert response.status_code == 200
    text = page(response)
    for words in (
        "Riverside Unified School District",
        "Every student, every day, ready for what comes next.",
        "A district where every learner thrives.",
        "Kindness first",
        "Priority 1:",
        "Every reader by grade 3",
        "All children read well.",
        "Tutoring in every school",
        "Grade 3 reading at level",
        "Where we are now: 62%",
    ):
        assert words in text, words
    feedback = world.url("public-feedback")
    assert f'href="{feedback}?on=goal%3A{world.goal.pk}"' in text
    assert f'href="{feedback}?on=strategy%3A{world.strategy.pk}"' in text
    assert f'href="{feedback}?on=measure%3A{world.measure.pk}"' in text
    assert f'href="{feedback}?on=value%3A{world.value.pk}"' in text
    assert f'href="{feedback}?on=statement%3Amission"' in text
    assert "Answer a short survey" not in text  # public buy-in is off


def test_the_reading_view_links_nowhere_else_and_keeps_the_team_to_itself(client, cast, world):
    text = page(client.get(world.url()))
    links = re.findall(r'href="([^"]+)"', text)
    own = f"/review/{world.token}/"
    assert links and all(link.startswith((own, "/static/", "#main")) for link in links), links
    # Action steps name their owners (by e-mail in the snapshot): they stay with the team.
    assert "Hire twelve tutors" not in text
    assert cast.core_team.email not in text
    assert "Sign out" not in text and "My engagements" not in text


def test_the_draft_is_escaped(client, world):
    plan = world.review.version.plan
    GoalFactory(plan=plan, title="<script>alert('x')</script>")
    token = "escaping-public-token-0123456789abcdef"
    ReviewFactory(version=PlanVersionFactory(plan=plan), public_token_hash=token_hash(token))
    text = page(client.get(world.url(token=token)))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text


def test_every_page_of_the_link_stays_out_of_search_engines_and_caches(client, world):
    world.review.public_buy_in = True
    world.review.save()
    # Pages with a form send their Referer to this site only: under "no-referrer" browsers
    # post forms with `Origin: null`, which the CSRF check refuses.
    policies = {
        "public-review": "no-referrer",
        "public-feedback": "same-origin",
        "public-thanks": "no-referrer",
        "public-buy-in": "same-origin",
    }
    for name, policy in policies.items():
        response = client.get(world.url(name))
        assert response.status_code == 200, name
        assert "noindex" in response["X-Robots-Tag"]
        assert response["Referrer-Policy"] == policy
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex' in page(response)
    world.review.closed_at = timezone.now()
    world.review.save()
    closed = client.get(world.url())
    assert "no-store" in closed["Cache-Control"] and closed["Referrer-Policy"] == "no-referrer"


def test_the_link_of_one_engagement_never_shows_another(client, cast, world):
    other_plan = plan_for(cast.foreign_engagement)
    other_plan.mission = "The Lakeview mission"
    other_plan.save()
    other_goal = GoalFactory(plan=other_plan, title="Lakeview goal")
    other_token = "lakeview-public-token-0123456789abcdef"
    other = ReviewFactory(
        version=PlanVersionFactory(plan=other_plan), public_token_hash=token_hash(other_token)
    )

    text = page(client.get(world.url()))
    assert "Riverside" in text
    assert "Lakeview" not in text
    assert "The Lakeview mission" in page(client.get(world.url(token=other_token)))

    sneaky = feedback_data(world.review, on=f"goal:{other_goal.pk}")
    response = client.post(world.url("public-feedback"), sneaky)
    assert response.status_code == 400
    assert "Choose a part of the draft from the list." in page(response)
    client.post(world.url("public-feedback"), feedback_data(world.review))
    assert list(Comment.objects.values_list("review", flat=True)) == [world.review.pk]
    assert not other.comments.exists()


# --- feedback -------------------------------------------------------------------------------------


def test_feedback_is_stored_with_its_part_and_who_sent_it(client, world):
    form = client.get(world.url("public-feedback"), {"on": f"goal:{world.goal.pk}"})
    assert re.search(rf'<option value="goal:{world.goal.pk}" selected>', page(form))
    response = client.post(
        world.url("public-feedback"),
        feedback_data(
            world.review,
            on=f"goal:{world.goal.pk}",
            name=" Ana Lopez ",
            email="Ana@Example.org",
            category="Parents and guardians",
            body="  More tutors, please.  ",
        ),
    )
    assert response.status_code == 302
    assert response.url == world.url("public-thanks")
    feedback = Comment.objects.get()
    assert feedback.review == world.review
    assert feedback.is_public and feedback.author is None
    assert (feedback.element_kind, feedback.element_id) == ("goal", str(world.goal.pk))
    assert feedback.element_label == "Every reader by grade 3"
    assert feedback.name == "Ana Lopez"
    assert feedback.email == "ana@example.org"
    assert feedback.category == "Parents and guardians"
    assert feedback.body == "More tutors, please."

    thanks = page(client.get(response.url))
    assert "Thank you: your feedback was sent" in thanks
    assert "The team reads every piece of feedback" in thanks
    assert world.review.closes_on.strftime("%B") in thanks


def test_feedback_of_only_invisible_characters_is_refused_and_odd_characters_dropped(client, world):
    response = client.post(
        world.url("public-feedback"), feedback_data(world.review, body="\u200b\u200b\u200b")
    )
    assert "Write your feedback before sending it." in page(response)
    assert not Comment.objects.exists()
    data = feedback_data(
        world.review, body="\u202eMore\x07 tutors,\r\nplease.", name="Ana\x1b L\u00f3pez\u202e"
    )
    assert client.post(world.url("public-feedback"), data).status_code == 302
    feedback = Comment.objects.get()
    assert (feedback.body, feedback.name) == ("More tutors,\nplease.", "Ana López")


def test_the_form_offers_every_part_and_each_group_once(client, world):
    text = page(client.get(world.url("public-feedback"), {"on": "goal:no-such-thing"}))
    assert '<option value="plan" selected>The whole draft</option>' in text
    assert f'<option value="strategy:{world.strategy.pk}">— Strategy: Tutoring' in text
    assert f'<option value="goal:{world.goal.pk}">Priority: Every reader' in text
    categories = re.findall(r'<option value="([^"]*)"', text.split('name="category"')[1])
    categories = categories[: categories.index("Other") + 1]
    assert categories == [
        "",
        "Community member",
        "Parents and guardians",  # the roster's group stands for “Parent or guardian”
        "Student",
        "Staff member",
        "Other",
    ]


def test_you_are_a_offers_no_near_duplicates_of_the_rosters_groups(client, cast, world):
    StakeholderGroupFactory(engagement=cast.engagement, name="Staff")
    StakeholderGroupFactory(engagement=cast.engagement, name="Students")
    text = page(client.get(world.url("public-feedback")))
    categories = re.findall(r'<option value="([^"]*)"', text.split('name="category"')[1])
    categories = categories[1 : categories.index("Other")]
    assert sorted(categories) == [
        "Community member",
        "Parents and guardians",
        "Staff",
        "Students",
    ]


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"category": ""}, "category", "Choose the one that fits you best"),
        ({"category": "Aliens"}, "category", "Choose the one that fits you best"),
        ({"email": "ana@"}, "email", "Enter an e-mail address like name@example.org"),
        ({"body": "   "}, "body", "Write your feedback before sending it."),
        ({"body": "x" * 2001}, "body", "Keep it to 2,000 characters (this has 2,001)"),
        ({"on": "goal:nope"}, "on", "Choose a part of the draft from the list."),
        ({"name": "Visit https://spam.example"}, "name", "without a web address"),
    ],
)
def test_a_mistake_is_shown_at_its_field_with_everything_kept(
    client, world, change, field, message
):
    typed = {
        "name": "Ana Lopez",
        "email": "ana@example.org",
        "body": "My words stay here.",
        "on": f"strategy:{world.strategy.pk}",
        "category": "Student",
    }
    data = feedback_data(world.review, **{**typed, **change})
    response = client.post(world.url("public-feedback"), data)
    assert response.status_code == 400
    text = page(response)
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', text)
    assert error and message in error.group(1)
    assert not Comment.objects.exists()
    for name in ("name", "email"):
        assert f'value="{data[name]}"' in text or name == field
    if field != "body":
        assert "My words stay here." in text
    else:
        assert data["body"].strip()[:50] in text
    if field != "on":
        assert f'<option value="strategy:{world.strategy.pk}" selected>' in text


# --- spam checks ----------------------------------------------------------------------------------


def test_a_bot_filling_the_honeypot_is_thanked_but_nothing_is_kept(client, world):
    response = client.post(
        world.url("public-feedback"), feedback_data(world.review, website="http://spam.example")
    )
    assert response.status_code == 302
    assert response.url == world.url("public-thanks")
    assert not Comment.objects.exists()


def test_the_honeypot_is_out_of_sight_and_out_of_reach(client, world):
    text = page(client.get(world.url("public-feedback")))
    trap = re.search(r'<div class="public-review__trap" aria-hidden="true">(.*?)</div>', text, re.S)
    assert trap
    assert 'tabindex="-1"' in trap.group(1)
    assert 'autocomplete="off"' in trap.group(1)
    assert 'name="website"' in trap.group(1)


def test_a_form_sent_back_too_fast_is_refused_with_the_words_kept(client, world):
    stamp = re.search(
        r'name="stamp" value="([^"]+)"', page(client.get(world.url("public-feedback")))
    )
    data = feedback_data(world.review, stamp=stamp.group(1), body="Quick words.")
    response = client.post(world.url("public-feedback"), data)
    assert response.status_code == 400
    assert TOO_FAST.split(".")[0] in page(response)
    assert "Quick words." in page(response)
    assert not Comment.objects.exists()


def test_the_shortest_time_is_a_setting(client, world, settings):
    settings.PUBLIC_FEEDBACK_MIN_SECONDS = 0
    stamp = stamp_issue(world.review)
    response = client.post(world.url("public-feedback"), feedback_data(world.review, stamp=stamp))
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "stamp",
    ["", "tampered", "changed-signature", "a-day-old", "another-review"],
)
def test_a_missing_changed_or_old_stamp_is_refused(client, world, stamp):
    good = stamp_issue(world.review, at=time.time() - 60)
    stamps = {
        "": "",
        "tampered": good.replace(str(world.review.pk), str(ReviewFactory().pk)),
        "changed-signature": good[:-3] + "abc",
        "a-day-old": stamp_issue(world.review, at=time.time() - 25 * 60 * 60),
        "another-review": stamp_issue(ReviewFactory(), at=time.time() - 60),
    }
    response = client.post(
        world.url("public-feedback"), feedback_data(world.review, stamp=stamps[stamp])
    )
    assert response.status_code == 400
    assert STALE.split(",")[0] in page(response)
    assert "Please say more about reading." in page(response)
    assert not Comment.objects.exists()
    # A fresh stamp comes with the form, so sending it again (a little later) works.
    assert stamp_in(response) != stamps[stamp]


def test_feedback_stuffed_with_links_is_refused(client, world):
    body = " ".join(f"https://spam{n}.example" for n in range(4))
    response = client.post(world.url("public-feedback"), feedback_data(world.review, body=body))
    assert response.status_code == 400
    assert "no more than 3 links" in page(response)
    assert not Comment.objects.exists()

    body = "See https://a.example, www.b.example and http://c.example"
    response = client.post(world.url("public-feedback"), feedback_data(world.review, body=body))
    assert response.status_code == 302


# --- rate limits ----------------------------------------------------------------------------------


def test_feedback_is_limited_per_address(client, world):
    url = world.url("public-feedback")
    for n in range(5):
        assert client.post(url, feedback_data(world.review, body=f"Note {n}")).status_code == 302
    response = client.post(url, feedback_data(world.review, body="The sixth note."))
    assert response.status_code == 429
    text = page(response)
    assert "we can’t take more just now" in text
    assert "Please try again in about" in text
    assert "The sixth note." in text
    assert Comment.objects.count() == 5

    other = client.post(url, feedback_data(world.review, body="From home"), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302
    assert Comment.objects.count() == 6


def test_the_limits_are_settings_and_each_window_counts(client, world, settings):
    settings.PUBLIC_FEEDBACK_RATES = "10/10m,2/d"
    url = world.url("public-feedback")
    assert client.post(url, feedback_data(world.review)).status_code == 302
    assert client.post(url, feedback_data(world.review)).status_code == 302
    response = client.post(url, feedback_data(world.review))
    assert response.status_code == 429
    assert Comment.objects.count() == 2


def test_mistakes_do_not_use_up_the_limit(client, world):
    url = world.url("public-feedback")
    for _ in range(6):
        assert client.post(url, feedback_data(world.review, email="bad@")).status_code == 400
    assert client.post(url, feedback_data(world.review)).status_code == 302


def test_feedback_still_arrives_when_the_cache_is_down(client, world, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("engagements.throttle.get_usage", unreachable)
    for _ in range(7):
        response = client.post(world.url("public-feedback"), feedback_data(world.review))
        assert response.status_code == 302
    assert Comment.objects.count() == 7


# --- the public buy-in check ----------------------------------------------------------------------


def test_the_buy_in_check_is_closed_to_the_public_unless_allowed(client, world):
    assert client.get(world.url("public-buy-in")).status_code == 404
    assert client.post(world.url("public-buy-in"), buy_in_data(world)).status_code == 404
    assert not BuyInResponse.objects.exists()


def test_a_visitor_answers_the_buy_in_check_once(client, world):
    world.review.public_buy_in = True
    world.review.save()
    assert "Answer a short survey on the priorities" in page(client.get(world.url()))
    form = page(client.get(world.url("public-buy-in")))
    assert "<legend>Priority 1: Every reader by grade 3</legend>" in form
    assert "Strongly support" in form and "Not sure yet" in form

    response = client.post(world.url("public-buy-in"), buy_in_data(world))
    assert response.status_code == 302
    answer = BuyInResponse.objects.get()
    assert answer.is_public and answer.membership is None
    assert (answer.commits, answer.category) == ("yes", "Student")
    assert [(a.goal_id, a.support) for a in answer.answers.all()] == [(str(world.goal.pk), 4)]
    assert client.session[f"public-buy-in:{world.review.pk}"] == str(answer.pk)

    again = client.get(response.url)
    assert "Thank you: your answers are in" in page(again)
    assert "does not ask again" in page(again)
    client.post(world.url("public-buy-in"), buy_in_data(world, commits="no"))
    assert BuyInResponse.objects.count() == 1


def test_a_buy_in_mistake_is_shown_with_the_answers_kept(client, world):
    world.review.public_buy_in = True
    world.review.save()
    data = buy_in_data(world, commits="", category="Student")
    response = client.post(world.url("public-buy-in"), data)
    assert response.status_code == 400
    text = page(response)
    assert "Choose yes, not sure yet, or no." in text
    assert re.search(rf'name="goal_{world.goal.pk}" value="4"[^>]*checked', text)
    assert '<option value="Student" selected>' in text
    data = buy_in_data(world)
    del data[f"goal_{world.goal.pk}"]
    response = client.post(world.url("public-buy-in"), data)
    assert response.status_code == 400
    assert "Choose how strongly you support this one." in page(response)
    assert not BuyInResponse.objects.exists()


def test_the_buy_in_check_has_the_spam_checks_and_the_limit(client, world):
    world.review.public_buy_in = True
    world.review.save()
    url = world.url("public-buy-in")
    assert client.post(url, buy_in_data(world, stamp="")).status_code == 400
    assert client.post(url, buy_in_data(world, website="x")).status_code == 302
    assert not BuyInResponse.objects.exists()
    for _ in range(5):
        client.cookies.clear()  # a new browser session, the same address
        assert client.post(url, buy_in_data(world)).status_code == 302
    client.cookies.clear()
    response = client.post(url, buy_in_data(world))
    assert response.status_code == 429
    assert BuyInResponse.objects.count() == 5


def test_the_buy_in_check_waits_for_the_review_to_open(client, world):
    world.review.public_buy_in = True
    world.review.opens_on = timezone.localdate() + timedelta(days=1)
    world.review.save()
    response = client.get(world.url("public-buy-in"))
    assert response.status_code == 200
    assert "opens for feedback on" in page(response)
    client.post(world.url("public-buy-in"), buy_in_data(world))
    assert not BuyInResponse.objects.exists()


# --- scope: the link opens nothing else -----------------------------------------------------------


def test_the_link_opens_nothing_else_of_the_engagement(client, cast, world):
    """A visitor who opened the link and sent feedback asks for every other address of the
    engagement, with the real ids of its objects: each one sends them to sign in or is not
    found."""
    assert client.get(world.url()).status_code == 200
    client.post(world.url("public-feedback"), feedback_data(world.review))
    feedback = Comment.objects.get()
    this_engagement = SimpleNamespace(foreign_engagement=cast.engagement)
    real = {
        "engagement_id": cast.engagement.pk,
        "number": world.review.version.number,
        "comment_id": feedback.pk,
        "kind": "goal",
        "element_id": world.goal.pk,
    }
    sign_in = reverse("accounts:sign-in")
    checked = 0
    for name, pattern in ALL_VIEWS:
        if getattr(pattern.callback, "access_rule", None) == PUBLIC:
            continue  # the link's own pages, sign-in, join by code: open to anyone by design
        converters = pattern.pattern.converters
        kwargs = {**sample_kwargs(pattern, this_engagement)}
        kwargs.update({key: value for key, value in real.items() if key in converters})
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            assert status in (302, 404, 405), f"{method.upper()} {url} gave {status}"
            if status == 302:
                assert response.url.startswith(sign_in), f"{method.upper()} {url}"
            assert "Every reader by grade 3" not in page(response)
            checked += 1
    assert checked > 100
    assert Comment.objects.filter(is_public=True).count() == 1
