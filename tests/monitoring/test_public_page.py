"""The public progress page: off until the plan lead (or the facilitator) turns it on after a
confirmation; then the approved plan with its progress and where each goal and strategy came
from, without an account, cacheable, in constant queries, linking to nothing else; small
stakeholder groups never shown as numbers; its measures and readings as CSV."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from engagements.csv_files import spreadsheet_safe
from engagements.models import Membership, Role, StakeholderGroup
from engagements.small_groups import hide_small_groups
from monitoring.models import MeasureReading, PublicPage
from monitoring.selectors.measures import lived_measures
from monitoring.selectors.public import MEASURE_COLUMNS, READING_COLUMNS
from monitoring.services.public import public_page_set
from planning.models import Comment, Review
from planning.services import plan_for
from retreats.models import Ballot, Card, Dot
from retreats.services import (
    activity_reveal,
    card_edit,
    card_set_hidden,
    cards_merge,
)

from ..factories import (
    ActionStepFactory,
    BuyInAnswerFactory,
    BuyInResponseFactory,
    CardFactory,
    CommentFactory,
    FeedbackFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    ParticipantFactory,
    ReviewFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)
from .lived import approve, lived_plan


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _settings(cast):
    return reverse("monitoring:public-settings", args=[cast.engagement.pk])


def _url(page, name="monitoring:public-page"):
    return reverse(name, args=[page.token])


def _on(cast, engagement=None):
    return public_page_set(
        engagement=engagement or cast.engagement, by=cast.facilitator, enabled=True
    )


def _read(cast, measure, value, days_ago=1):
    row = next(m for m in lived_measures(cast.engagement).measures if m.id == measure.pk)
    return MeasureReading.objects.create(
        measure=row.monitored,
        taken_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
        note="Mrs. Alvarez's count, not for the public",
        entered_by=cast.plan_team,
    )


# --- the small-groups rule ------------------------------------------------------------------------


def test_groups_under_five_people_are_never_shown_as_numbers():
    counts = hide_small_groups({"Parents": 12, "Staff": 4, "Students": 5, "Nobody": 0})
    assert [(row.group, row.text) for row in counts.rows] == [
        ("Parents", "12"),
        ("Staff", "fewer than 5"),
        ("Students", "5"),
    ]
    # The exact total would give the hidden group back (21 - 12 - 5 = 4).
    assert counts.total_text == "more than 17"


def test_the_total_is_exact_when_no_group_is_hidden_and_absent_when_all_are():
    assert hide_small_groups({"Parents": 7, "Staff": 5}).total_text == "12"
    every = hide_small_groups({"Parents": 3, "Staff": 4})
    assert [row.text for row in every.rows] == ["fewer than 5", "fewer than 5"]
    assert "7" not in every.total_text and every.total_text == "fewer than 5 in each group"
    assert hide_small_groups({}).total_text == "none" and not hide_small_groups({}).any


# --- turning it on and off ----------------------------------------------------------------------


def test_the_page_is_off_until_turned_on_after_a_confirmation(client, cast):
    lived_plan(cast)
    assert not PublicPage.objects.exists()
    client.force_login(cast.facilitator)
    page = client.get(_settings(cast))
    assert "The public page is off" in page.text
    asked = client.post(_settings(cast), {"action": "on"})
    assert "Make the plan’s progress public?" in asked.text
    assert "Never shown: names or e-mail addresses" in asked.text
    assert not PublicPage.objects.exists()  # nothing public before the confirmation
    done = client.post(_settings(cast), {"action": "on", "confirmed": "yes"}, follow=True)
    public = PublicPage.objects.get(engagement=cast.engagement)
    assert public.enabled and len(public.token) >= 22
    assert f"/progress/{public.token}/" in done.text
    client.logout()
    response = client.get(_url(public))
    assert response.status_code == 200
    assert "Every student graduates ready" in response.text


def test_off_is_not_found_and_a_new_link_kills_the_old_address(client, cast):
    lived_plan(cast)
    public = _on(cast)
    old = _url(public)
    assert client.get(old).status_code == 200
    client.force_login(cast.facilitator)
    client.post(_settings(cast), {"action": "off"})
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(_url(public, "monitoring:public-measures")).status_code == 404
    client.force_login(cast.facilitator)
    client.post(_settings(cast), {"action": "on", "confirmed": "yes"})
    client.post(_settings(cast), {"action": "new-link", "confirmed": "yes"})
    client.logout()
    public.refresh_from_db()
    assert public.enabled and _url(public) != old
    assert client.get(old).status_code == 404
    assert client.get(_url(public)).status_code == 200


def test_the_plan_lead_turns_it_on_and_other_roles_only_read_the_address(client, cast):
    lived_plan(cast)
    lead = UserFactory()
    MembershipFactory(user=lead, engagement=cast.engagement, roles=[Role.PLAN_LEAD.value])
    client.force_login(lead)
    client.post(_settings(cast), {"action": "on", "confirmed": "yes"})
    assert PublicPage.objects.get(engagement=cast.engagement).enabled
    for who in (cast.board, cast.plan_team, cast.core_team):
        client.force_login(who)
        assert client.post(_settings(cast), {"action": "off"}).status_code == 403
        page = client.get(_settings(cast))
        assert page.status_code == 200 and "/progress/" in page.text
        assert "Turn the public page off" not in page.text
    client.force_login(cast.outsider)
    assert client.get(_settings(cast)).status_code == 404
    assert PublicPage.objects.get(engagement=cast.engagement).enabled


def test_a_token_shows_its_own_engagement_only(client, cast):
    lived_plan(cast)
    mine = _on(cast)
    other = cast.foreign_engagement
    approve_foreign = GoalFactory(plan=plan_for(other), title="Lakeview's secret goal")
    approve(approve_foreign.plan)
    theirs = _on(cast, engagement=other)
    text = client.get(_url(mine)).text
    assert "Every student graduates ready" in text and "Lakeview" not in text
    text = client.get(_url(theirs)).text
    assert "Lakeview&#x27;s secret goal" in text and "Every student graduates ready" not in text
    assert client.get(reverse("monitoring:public-page", args=["not-a-token"])).status_code == 404


# --- what it shows --------------------------------------------------------------------------------


def test_the_page_shows_status_in_words_charts_with_tables_and_empty_states(client, cast):
    lived = lived_plan(cast)
    plan = plan_for(cast.engagement)
    plan.mission = "Every student, every day, ready for what comes next."
    plan.save()
    approve(plan, decided_at=timezone.now() + timedelta(minutes=1))
    _read(cast, lived.absence, "15")
    text = client.get(_url(_on(cast))).text
    assert "Every student, every day, ready for what comes next." in text  # the mission
    assert "On track" in text and "No data yet" in text
    assert text.count('role="img"') == 3 and text.count('class="chart-table"') == 3
    assert "Show the numbers" in text
    # the graduation rate has no reading yet: said in words, in the chart and its table
    assert "No reading yet. This measure is reported every quarter." in text
    assert "No readings yet" in text
    # never: owners, reading notes, e-mail addresses
    assert "Alvarez" not in text and "@" not in text
    assert "Plan team Person" not in text and "Superintendent Person" not in text


def test_user_text_is_escaped(client, cast):
    lived = lived_plan(cast)
    goal = lived.graduation.goal
    goal.title = "Read <script>alert(1)</script> & write"
    goal.save()
    approve(goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    text = client.get(_url(_on(cast))).text
    assert "<script>alert(1)" not in text
    assert "Read &lt;script&gt;alert(1)&lt;/script&gt; &amp; write" in text


def _sourced_plan(cast):
    """The attendance strategy taken from a retreat theme with two cards and their dots, the
    graduation goal commented on by six parents and two staff members and answered in the
    buy-in check."""
    lived = lived_plan(cast)
    theme = ThemeFactory(
        activity__retreat__phase__engagement=cast.engagement, name="Know every family"
    )
    activity = theme.activity
    activity.stage = activity.Stage.RESULTS
    activity.votes_revealed = True
    activity.save()
    calls = CardFactory(activity=activity, theme=theme, text="Call home <b>before</b> it's late")
    CardFactory(activity=activity, theme=theme, text="A hidden card", hidden=True)
    voter = ParticipantFactory(retreat=activity.retreat)
    ballot = Ballot.objects.create(activity=activity, participant=voter, spent=3)
    Dot.objects.create(ballot=ballot, card=calls, count=3)
    strategy = lived.absence.strategy
    strategy.source_theme = theme
    strategy.source_kind = "theme"
    strategy.source_text = theme.name
    strategy.source_dots = 14
    strategy.save()
    goal = lived.graduation.goal
    version = approve(goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    review = ReviewFactory(version=version)
    for n in range(6):
        FeedbackFactory(
            review=review,
            element_kind="goal",
            element_id=str(goal.pk),
            email=f"parent{n}@example.org",
            name=f"Parent Number{n}",
            body=f"Private words {n}",
        )
    staff = StakeholderGroup.objects.create(engagement=cast.engagement, name="Staff")
    for user in (cast.core_team, cast.plan_team):
        member = Membership.objects.get(engagement=cast.engagement, user=user)
        member.stakeholder_group = staff
        member.save()
        CommentFactory(
            review=review,
            author=member,
            element_kind="goal",
            element_id=str(goal.pk),
            state=Comment.State.ACCEPTED,
        )
    for n in range(7):
        response = BuyInResponseFactory(review=review, is_public=True, category="Parents")
        BuyInAnswerFactory(response=response, goal_id=str(goal.pk), support=5 if n < 5 else 2)
    return lived


def test_the_thread_shows_retreat_sources_with_dots_and_feedback_by_group(client, cast):
    _sourced_plan(cast)
    text = client.get(_url(_on(cast))).text
    assert "<q>Know every family</q> (14 dots when people voted)" in text
    card = 'Call home &lt;b&gt;before&lt;/b&gt; it&#x27;s late</q> <span class="muted">(3 dots)'
    assert card in text
    assert "A hidden card" not in text
    groups = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', text)
    assert ("Parents and guardians", "6") in groups
    assert ("Staff", "fewer than 5") in groups
    assert ("Parents", "7") in groups  # the buy-in answers
    assert "more than 6 in all" in text  # never 8: that would give the staff's 2 back
    assert "the plan was changed because of what they said" in text
    # 5 of the 7 support: "5 of 7" would say that 2 did not
    assert "7 people answered; most of them support or strongly support it" in text
    assert "(fewer than 5 did not)" in text and "5 of 7" not in text
    assert "Private words" not in text and "Parent Number" not in text
    assert "example.org" not in text


def _answers(cast, group, supports):
    review = Review.objects.get(version__plan__engagement=cast.engagement)
    goal = plan_for(cast.engagement).goals.get(title="Every student graduates ready")
    for support in supports:
        response = BuyInResponseFactory(review=review, is_public=True, category=group)
        BuyInAnswerFactory(response=response, goal_id=str(goal.pk), support=support)


def _support_line(text):
    return re.search(r"<li>([^<]*(?:answered|answers)[^<]*)\s*<table", text).group(1).strip()


def test_the_support_line_gives_no_small_group_back_by_subtraction(client, cast):
    _sourced_plan(cast)  # 7 parents answered, 5 of them support
    _answers(cast, "Staff", [5, 5])  # 2 staff members, both support
    text = client.get(_url(_on(cast))).text
    groups = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', text)
    assert ("Parents", "7") in groups and ("Staff", "fewer than 5") in groups
    line = _support_line(text)
    assert line == (
        "More than 7 people answered; more than half of them support or strongly support it."
    )
    # no 9 (9 - 7 = 2 staff), no 7 supporting (7 - 5 = 2 staff who support)
    assert not set(re.findall(r"\d+", line)) - {"7"}


def test_the_support_line_gives_the_numbers_when_nobody_is_hidden(client, cast):
    _sourced_plan(cast)
    _answers(cast, "Staff", [5, 5, 5, 2, 2, 2, 2, 2])  # 8 staff members: 15 in all, 8 support
    line = _support_line(client.get(_url(_on(cast))).text)
    assert line == "8 of 15 people who answered support or strongly support it."


def test_the_support_line_says_all_when_everyone_supports(client, cast):
    lived = lived_plan(cast)
    version = approve(lived.graduation.goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    ReviewFactory(version=version)
    _answers(cast, "Parents", [4, 5, 5, 5, 4, 5])
    line = _support_line(client.get(_url(_on(cast))).text)
    assert line == "All 6 people who answered support or strongly support it."


def test_every_link_stays_on_the_page_its_files_or_static_files(client, cast):
    _sourced_plan(cast)
    public = _on(cast)
    text = client.get(_url(public)).text
    links = re.findall(r'(?:href|src|action)="([^"]*)"', text)
    assert links
    allowed = (_url(public), "/static/")
    for link in links:
        assert link.startswith("#") or link.startswith(allowed), link
    assert "<form" not in text and "csrf" not in text.lower()


# --- fast and cacheable ---------------------------------------------------------------------------


def test_the_answer_is_public_cacheable_and_sets_no_cookie(client, cast):
    lived = lived_plan(cast)
    public = _on(cast)
    response = client.get(_url(public))
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"] and "Last-Modified" not in response  # the ETag is the page's hash
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    again = client.get(_url(public), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    _read(cast, lived.absence, "15")  # a new reading: a new version of the page
    newer = client.get(_url(public), HTTP_IF_NONE_MATCH=response["ETag"])
    assert newer.status_code == 200 and newer["ETag"] != response["ETag"]
    assert "15 %" in newer.text


def test_the_page_takes_the_same_queries_for_8_goals_of_26_strategies(
    client, cast, django_assert_max_num_queries
):
    lived = _sourced_plan(cast)
    ActionStepFactory(strategy=lived.absence.strategy)
    approve(lived.absence.strategy.goal.plan, decided_at=timezone.now() + timedelta(minutes=2))
    public = _on(cast)
    client.get(_url(public))
    cache.clear()
    with django_assert_max_num_queries(40) as small:
        client.get(_url(public))
    count = len(small.captured_queries)
    plan = plan_for(cast.engagement)
    theme = ThemeFactory(activity__retreat__phase__engagement=cast.engagement)
    CardFactory(activity=theme.activity, theme=theme)
    for g in range(8):
        goal = GoalFactory(plan=plan, title=f"Big goal {g}")
        MeasureFactory(goal=goal, baseline=Decimal(1), target=Decimal(9))
        for s in range(26):
            strategy = StrategyFactory(
                goal=goal, source_theme=theme, source_kind="theme", source_text=theme.name
            )
            if s % 5 == 0:
                MeasureFactory(strategy=strategy, goal=None, baseline=Decimal(1), target=Decimal(9))
                ActionStepFactory(strategy=strategy)
    approve(plan, decided_at=timezone.now() + timedelta(minutes=5))
    client.get(_url(public))  # the first read takes the new measures over
    for row in lived_measures(cast.engagement).measures:
        for month in range(3):
            MeasureReading.objects.create(
                measure=row.monitored,
                taken_on=timezone.localdate() - timedelta(days=30 * month),
                value=2,
                entered_by=cast.core_team,
            )
    cache.clear()
    with django_assert_max_num_queries(count):
        response = client.get(_url(public))
    assert response.text.count('class="p-strategy"') == 26 * 8 + 1
    # a second visitor is served from the cache in one query
    with django_assert_max_num_queries(1):
        assert client.get(_url(public)).status_code == 200


# --- open data ------------------------------------------------------------------------------------


def _rows(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_measures_and_readings_download_as_csv(client, cast):
    lived = lived_plan(cast)
    _read(cast, lived.absence, "15", days_ago=40)
    _read(cast, lived.absence, "14.5")
    public = _on(cast)
    response = client.get(_url(public, "monitoring:public-measures"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == MEASURE_COLUMNS
    by_indicator = {row[3]: dict(zip(MEASURE_COLUMNS, row, strict=True)) for row in rows[1:]}
    absence = by_indicator["Chronic absence rate"]
    assert absence["strategy"] == "Family outreach in Spanish and Vietnamese"
    assert absence["baseline"] == "20.00" and absence["target"] == "10.00"
    assert absence["direction"] == "down" and absence["unit"] == "%"
    assert absence["latest_value"] == "14.50" and absence["status"] == "On track"
    assert absence["status_code"] == "on_track"
    graduation = by_indicator[lived.graduation.indicator]
    assert graduation["latest_value"] == "" and graduation["status"] == "No data yet"
    readings = _rows(client.get(_url(public, "monitoring:public-readings")))
    assert readings[0] == READING_COLUMNS
    assert [(r[2], r[5]) for r in readings[1:]] == [
        ("Chronic absence rate", "15.00"),
        ("Chronic absence rate", "14.50"),
    ]
    assert "Alvarez" not in response.content.decode()


def test_a_formula_after_spaces_or_a_line_break_stays_text_in_the_csv(client, cast):
    lived = lived_plan(cast)
    lived.absence.indicator = ' =HYPERLINK("http://x","y")'
    lived.absence.unit = "\n@cmd"
    lived.absence.save()
    approve(plan_for(cast.engagement), decided_at=timezone.now() + timedelta(minutes=1))
    public = _on(cast)
    rows = _rows(client.get(_url(public, "monitoring:public-measures")))
    absence = next(row for row in rows[1:] if "HYPERLINK" in row[3])
    assert absence[3] == '\' =HYPERLINK("http://x","y")' and absence[4] == "'\n@cmd"
    assert [spreadsheet_safe(v) for v in (" -2", "\t+1", "\r=x", "  fine", "a=b")] == [
        "' -2",
        "'\t+1",
        "'\r=x",
        "  fine",
        "a=b",
    ]


def test_the_readings_file_is_not_found_when_the_page_is_off(client, cast):
    lived = lived_plan(cast)
    _read(cast, lived.absence, "15")
    public = _on(cast)
    readings = _url(public, "monitoring:public-readings")
    assert client.get(readings).status_code == 200
    public_page_set(engagement=cast.engagement, by=cast.facilitator, enabled=False)
    assert client.get(readings).status_code == 404


# --- moderation reaches the page ----------------------------------------------------------------


def test_a_card_the_facilitator_hides_leaves_the_page_at_the_next_request(client, cast):
    _sourced_plan(cast)
    public = _on(cast)
    first = client.get(_url(public))
    assert "Call home &lt;b&gt;before" in first.text
    assert client.get(_url(public), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    card = Card.objects.get(text__startswith="Call home")
    card_set_hidden(card=card, hidden=True, by=cast.facilitator)
    again = client.get(_url(public), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert "Call home" not in again.text
    assert "Call home" not in client.get(_url(public)).text


def test_an_edited_card_shows_its_new_words_at_the_next_request(client, cast):
    _sourced_plan(cast)
    public = _on(cast)
    first = client.get(_url(public))
    card = Card.objects.get(text__startswith="Call home")
    card_edit(card=card, text="Call home early", by=cast.facilitator)
    again = client.get(_url(public), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Call home early" in again.text


def _card_sourced(cast, text="Ask Jamie Ortiz in 5B"):
    lived = lived_plan(cast)
    card = CardFactory(activity__retreat__phase__engagement=cast.engagement, text=text)
    strategy = lived.absence.strategy
    strategy.source_card = card
    strategy.source_kind = "card"
    strategy.source_text = card.text
    strategy.source_dots = 4
    strategy.save()
    approve(strategy.goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    return card, strategy


def test_the_words_of_a_source_card_hidden_later_are_never_shown(client, cast):
    card, _ = _card_sourced(cast)
    public = _on(cast)
    assert "<q>Ask Jamie Ortiz in 5B</q> (4 dots" in client.get(_url(public)).text
    card_set_hidden(card=card, hidden=True, by=cast.facilitator)
    text = client.get(_url(public)).text
    assert "Jamie" not in text
    assert "From our planning meetings, the idea people wrote (4 dots" in text


def test_a_hidden_source_card_the_working_copy_no_longer_links_stays_hidden(client, cast):
    card, strategy = _card_sourced(cast)
    strategy.source_card = None
    strategy.source_kind = ""
    strategy.source_text = ""
    strategy.save()
    card_set_hidden(card=card, hidden=True, by=cast.facilitator)
    assert "Jamie" not in client.get(_url(_on(cast))).text


def test_a_merged_away_source_card_is_not_shown(client, cast):
    card, _ = _card_sourced(cast)
    into = CardFactory(activity=card.activity, text="Know each student by name")
    cards_merge(into=into, sources=[card], by=cast.facilitator)
    assert "Jamie" not in client.get(_url(_on(cast))).text


def test_theme_cards_show_dots_only_once_revealed_with_merged_cards_dots(client, cast):
    _sourced_plan(cast)
    calls = Card.objects.get(text__startswith="Call home")
    activity = calls.activity
    twin = CardFactory(activity=activity, theme=calls.theme, text="Phone families")
    ballot = Ballot.objects.create(
        activity=activity, participant=ParticipantFactory(retreat=activity.retreat), spent=2
    )
    Dot.objects.create(ballot=ballot, card=twin, count=2)
    activity_reveal(activity=activity, votes=False)
    cards_merge(into=calls, sources=[twin], by=cast.facilitator)
    public = _on(cast)
    text = client.get(_url(public)).text
    assert "it&#x27;s late</q></li>" in text and "dots)</span>" not in text  # not revealed
    activity_reveal(activity=activity, votes=True)
    text = client.get(_url(public)).text
    assert 'it&#x27;s late</q> <span class="muted">(5 dots)</span>' in text  # 3 + 2 merged in
    assert "Phone families" not in text
