"""The update cycle's pages: My updates lists only the signed-in owner's due items and updates
each in place (htmx) or as a plain form, keeping what was typed when it is wrong; the cycle page
shows who has reported and sends a confirmed nudge; its settings are the facilitator's. Access:
members read, owners report on their own, outsiders and foreign ids 404, others 403."""

from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Membership
from monitoring.models import ActionUpdate, CycleEmail, MeasureReading, UpdateCycle
from planning.services import plan_for
from tests.factories import ActionStepFactory, GoalFactory, MeasureFactory, StrategyFactory

from .lived import approve
from .lived_cycle import cycle_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]
TZ = ZoneInfo(settings.TIME_ZONE)
NOTE = (
    "Les résultats du premier trimestre — voir https://riverside.example/data?cohort=2028&x=1 "
    "pour le détail. " * 5
)[:500]


@pytest.fixture(autouse=True)
def january():
    with time_machine.travel(datetime(2027, 1, 15, 9, 0, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def plan(cast):
    return cycle_plan(cast)


def url(cast, name, *args, engagement=None):
    return reverse(f"monitoring:{name}", args=[(engagement or cast.engagement).pk, *args])


def test_my_updates_lists_only_my_due_items_with_the_overdue_signal(client, cast, plan):
    client.force_login(cast.plan_team)
    page = client.get(url(cast, "my-updates")).text
    assert "January 2027: updates due since 10 January. 4 still to report." in page
    assert "Four-year graduation rate" in page and "Average class size" in page
    assert "Math Lab" in page and "Train every reading coach" in page
    assert "Chronic absence rate" not in page
    assert page.count("Overdue: due on 10 January") == 4


def test_a_reading_is_saved_in_place_with_htmx(client, cast, plan):
    client.force_login(cast.plan_team)
    measure = plan.lived.graduation
    response = client.post(
        url(cast, "my-update-measure", measure.pk),
        {f"measure-{measure.pk}-value": "81.5", f"measure-{measure.pk}-note": NOTE},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "HX-Request" in response["Vary"]
    assert "Reading saved for “Four-year graduation rate" in response.text
    reading = MeasureReading.objects.get()
    assert (str(reading.value), reading.note, reading.entered_by) == ("81.50", NOTE, cast.plan_team)
    assert reading.taken_on.isoformat() == "2027-01-15"
    page = client.get(url(cast, "my-updates")).text
    assert "3 still to report." in page and "Reported for this period." in page


def test_a_wrong_value_is_named_beside_the_field_and_the_note_is_kept(client, cast, plan):
    client.force_login(cast.plan_team)
    measure = plan.lived.graduation
    data = {f"measure-{measure.pk}-value": "about 80", f"measure-{measure.pk}-note": NOTE}
    plain = client.post(url(cast, "my-update-measure", measure.pk), data)
    assert plain.status_code == 400
    assert "Enter a number, like 72 or 72.5." in plain.text
    assert "about 80" in plain.text and "riverside.example/data?cohort=2028&amp;x=1" in plain.text
    htmx = client.post(
        url(cast, "my-update-measure", measure.pk), data, headers={"HX-Request": "true"}
    )
    assert "Enter a number, like 72 or 72.5." in htmx.text and "<html" not in htmx.text
    assert not MeasureReading.objects.exists()


def test_a_step_update_and_nothing_changed_work_without_javascript(client, cast, plan):
    client.force_login(cast.plan_team)
    key = f"step-{plan.coaches.pk}"
    response = client.post(
        url(cast, "my-update-step", plan.coaches.pk),
        {f"{key}-status": "at_risk", f"{key}-percent": "40", f"{key}-note": NOTE},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/my-updates/#{key}")
    client.post(url(cast, "my-update-step", plan.tutoring.pk), {"nothing_changed": "1"})
    updates = {str(u.action_step_id): u for u in ActionUpdate.objects.all()}
    coaches, tutoring = updates[str(plan.coaches.pk)], updates[str(plan.tutoring.pk)]
    assert (coaches.status, coaches.percent, coaches.note) == ("at_risk", 40, NOTE)
    assert tutoring.nothing_changed and tutoring.author == cast.plan_team
    page = client.get(url(cast, "my-updates")).text
    assert "Recorded: nothing changed on “Offer after-school tutoring" in page
    assert "2 still to report." in page


def test_a_percent_out_of_bounds_is_named_beside_the_field(client, cast, plan):
    client.force_login(cast.plan_team)
    key = f"step-{plan.coaches.pk}"
    response = client.post(
        url(cast, "my-update-step", plan.coaches.pk),
        {f"{key}-status": "on_track", f"{key}-percent": "140", f"{key}-note": NOTE},
        headers={"HX-Request": "true"},
    )
    assert "Percent complete is a whole number from 0 to 100." in response.text
    assert (
        'value="140"' in response.text
        and '<details class="update-item__more" open>' in response.text
    )
    assert not ActionUpdate.objects.exists()


def test_nothing_due_and_no_plan_yet_are_said_plainly(client, cast, plan):
    client.force_login(cast.core_team)
    assert "Nothing is due from you" in client.get(url(cast, "my-updates")).text
    client.force_login(cast.outsider)  # the facilitator of an engagement with no approved plan
    other = cast.foreign_engagement
    assert "Nothing to report yet" in client.get(url(cast, "my-updates", engagement=other)).text
    assert "Nothing to follow yet" in client.get(url(cast, "cycle", engagement=other)).text


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["facilitator", "core_team", "plan_team", "board", "superintendent"]
)
def test_every_member_opens_my_updates(client, cast, plan, role):
    client.force_login(cast.member(role))
    assert client.get(url(cast, "my-updates")).status_code == 200


def test_outsiders_and_foreign_or_unknown_ids_get_404(client, cast, plan):
    client.force_login(cast.outsider)
    for name in ("my-updates", "cycle", "cycle-settings"):
        assert client.get(url(cast, name)).status_code == 404
    client.force_login(cast.plan_team)
    foreign_measure = MeasureFactory(goal__plan=plan_for(cast.foreign_engagement)).pk
    foreign_step = ActionStepFactory(strategy__goal__plan=plan_for(cast.foreign_engagement)).pk
    assert client.post(url(cast, "my-update-measure", foreign_measure), {}).status_code == 404
    assert client.post(url(cast, "my-update-step", foreign_step), {}).status_code == 404
    assert client.post(url(cast, "my-update-step", uuid4()), {}).status_code == 404
    client.force_login(cast.facilitator)
    assert client.get(url(cast, "cycle-nudge", uuid4())).status_code == 404


def test_only_owners_and_the_reporting_roles_update_an_item(client, cast, plan):
    for role, expected in (("superintendent", 403), ("board", 403), ("core_team", 302)):
        client.force_login(cast.member(role))
        response = client.post(
            url(cast, "my-update-step", plan.coaches.pk), {"nothing_changed": "1"}
        )
        assert response.status_code == expected, role
    client.force_login(cast.plan_team)
    measure = plan.lived.absence  # the superintendent's
    response = client.post(url(cast, "my-update-measure", measure.pk), {})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "cycle", "settings_page"),
    [
        ("facilitator", 200, 200),
        ("core_team", 200, 403),
        ("plan_team", 403, 403),
        ("board", 403, 403),
        ("superintendent", 403, 403),
    ],
)
def test_the_cycle_pages_access_table(client, cast, plan, role, cycle, settings_page):
    client.force_login(cast.member(role))
    assert client.get(url(cast, "cycle")).status_code == cycle
    assert client.get(url(cast, "cycle-settings")).status_code == settings_page
    member = Membership.objects.get(engagement=cast.engagement, user=cast.plan_team)
    assert client.get(url(cast, "cycle-nudge", member.pk)).status_code == cycle


# --- the cycle page, nudges and settings ----------------------------------------------------------


def test_the_cycle_page_shows_who_has_reported_and_who_has_not(client, cast, plan):
    client.force_login(cast.plan_team)
    for step in (plan.coaches, plan.tutoring):
        client.post(url(cast, "my-update-step", step.pk), {"nothing_changed": "1"})
    client.force_login(cast.facilitator)
    page = client.get(url(cast, "cycle")).text
    assert "Update cycle: January 2027" in page
    assert "<strong>0</strong> reported, <strong>2</strong> not yet" in page
    assert "2 of 4 not reported" in page and "1 of 1 not reported" in page
    assert 'Send a nudge<span class="visually-hidden"> to Superintendent Person' in page
    assert "Earlier: December 2026" in page
    december = client.get(url(cast, "cycle") + "?on=2026-12-01").text
    assert "Update cycle: December 2026" in december and "Send a nudge" not in december


def test_a_nudge_is_confirmed_then_sent_once(client, cast, plan, mailbox):
    client.force_login(cast.facilitator)
    member = Membership.objects.get(engagement=cast.engagement, user=cast.plan_team)
    confirm = client.get(url(cast, "cycle-nudge", member.pk)).text
    assert "Send a nudge to Plan team Person?" in confirm.replace("Plan Team", "Plan team")
    assert mailbox.messages() == []
    client.post(url(cast, "cycle-nudge", member.pk))
    page = client.post(url(cast, "cycle-nudge", member.pk), follow=True).text
    assert "already had a nudge today" in page and "Nudged today." in page
    assert [m.to for m in mailbox.messages()] == [[cast.plan_team.email]]
    assert CycleEmail.objects.get().sent_by == cast.facilitator


def test_the_facilitator_sets_a_per_term_cycle_and_bad_dates_are_named(client, cast, plan):
    client.force_login(cast.facilitator)
    core = Membership.objects.get(engagement=cast.engagement, user=cast.core_team)
    data = {
        "cadence": "term",
        "due_day": "7",
        "grace_days": "2",
        "term_ends": "2026-12-18\n26/03/2027",
        "runner": str(core.pk),
        "enabled": "on",
    }
    response = client.post(url(cast, "cycle-settings"), data)
    assert response.status_code == 400
    assert "“26/03/2027” is not a date: write it like 2027-03-26." in response.text
    assert "2026-12-18" in response.text
    data["term_ends"] = "2026-12-18\n2027-03-26"
    assert client.post(url(cast, "cycle-settings"), data).status_code == 302
    cycle = UpdateCycle.objects.get()
    assert (cycle.cadence, cycle.due_day, cycle.term_ends) == (
        "term",
        7,
        ["2026-12-18", "2027-03-26"],
    )
    assert cycle.runner == core
    page = client.get(url(cast, "cycle")).text
    assert "Update cycle: 19 December 2026 to 26 March 2027" in page
    assert "Core team Person runs the cycle." in page.replace("Core Team", "Core team")


def test_the_pages_take_the_same_queries_however_large_the_plan(client, cast, plan):
    def queries(user, name):
        client.force_login(user)
        client.get(url(cast, name))  # warm the session
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url(cast, name)).text
        return len(captured.captured_queries), page

    small = queries(cast.plan_team, "my-updates")[0]
    small_cycle = queries(cast.facilitator, "cycle")[0]
    owner = Membership.objects.get(engagement=cast.engagement, user=cast.plan_team)
    for g in range(4):
        goal = GoalFactory(plan=plan_for(cast.engagement), title=f"Goal {g}", owner=owner)
        MeasureFactory(goal=goal, indicator=f"Measure {g}")
        strategy = StrategyFactory(goal=goal, title=f"Strategy {g}")
        for _ in range(3):
            ActionStepFactory(strategy=strategy, owner=owner)
    approve(plan_for(cast.engagement), decided_at=datetime(2027, 1, 15, 10, 0, tzinfo=TZ))
    client.force_login(cast.plan_team)
    client.get(url(cast, "my-updates"))  # takes the new measures over once
    count, page = queries(cast.plan_team, "my-updates")
    assert count == small
    assert page.count('<li class="update-item') == 4 + 4 + 12
    assert queries(cast.facilitator, "cycle")[0] == small_cycle


def test_the_core_team_updating_someone_elses_item_in_place_gets_that_item_back(client, cast, plan):
    client.force_login(cast.core_team)
    measure = plan.lived.graduation
    response = client.post(
        url(cast, "my-update-measure", measure.pk),
        {f"measure-{measure.pk}-value": "79"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="measure-{measure.pk}"' in response.text
    assert "Reading saved for “Four-year graduation rate" in response.text
    response = client.post(
        url(cast, "my-update-step", plan.coaches.pk),
        {"nothing_changed": "1"},
        headers={"HX-Request": "true"},
    )
    assert "Recorded: nothing changed on “Train every reading coach" in response.text


def test_an_unreported_item_swapped_in_place_still_says_it_is_overdue(client, cast, plan):
    client.force_login(cast.plan_team)
    key = f"step-{plan.coaches.pk}"
    response = client.post(
        url(cast, "my-update-step", plan.coaches.pk),
        {f"{key}-status": "", f"{key}-percent": "20"},
        headers={"HX-Request": "true"},
    )
    assert "Choose how this step is going." in response.text
    assert "Overdue: due on 10 January." in response.text


def test_my_updates_across_engagements_counts_what_is_due_in_each(client, cast, plan):
    client.force_login(cast.plan_team)
    page = client.get(reverse("monitoring:my-updates-everywhere")).text
    assert "4 updates still due from you." in page
    assert "Overdue: 4 of 4 still to report for January 2027." in page
    assert url(cast, "my-updates") in page
    client.force_login(cast.outsider)
    page = client.get(reverse("monitoring:my-updates-everywhere")).text
    assert "Nothing is due from you" in page and "Strategic Plan" not in page
    client.logout()
    assert client.get(reverse("monitoring:my-updates-everywhere")).status_code == 302
