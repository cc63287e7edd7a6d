"""The update cycle over time (time-machine): nothing before the due day and its grace, then one
e-mail per owner listing everything of theirs not yet reported, with one link to My updates;
reminders at most twice a week until done, none to whoever reported or turned them off, one a
day whatever the beat does, and the nudge from the person running the cycle."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from monitoring import tasks
from monitoring.models import CycleEmail, UpdateCycle
from monitoring.selectors.measures import lived_measures
from monitoring.services.actions import action_update_nothing_changed, action_update_record
from monitoring.services.cycle import nudge_send
from monitoring.services.measures import reading_add

from .lived_cycle import cycle_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]
TZ = ZoneInfo(settings.TIME_ZONE)


def at(day: int, month: int = 1, year: int = 2027):
    return time_machine.travel(datetime(year, month, day, 9, 0, tzinfo=TZ), tick=False)


@pytest.fixture
def plan(cast):
    with at(2, 12, 2026):
        return cycle_plan(cast)


def sent_to(mailbox) -> list[str]:
    return sorted(address for message in mailbox.messages() for address in message.to)


def beat(day, month=1):
    with at(day, month):
        return tasks.send_update_reminders.delay().get()


def test_nothing_goes_out_before_the_due_day_and_its_grace(cast, plan, mailbox):
    for day in (1, 9, 10, 13):
        assert beat(day) == 0
    assert mailbox.messages() == []


def test_after_the_grace_each_owner_gets_one_email_listing_all_that_is_due(cast, plan, mailbox):
    assert beat(14) == 2
    assert sent_to(mailbox) == sorted([cast.plan_team.email, cast.superintendent.email])
    mine = next(m for m in mailbox.messages() if m.to == [cast.plan_team.email])
    assert mine.subject == "Strategic Plan 2027–2032: 4 updates due from you for January 2027"
    assert mine.body.startswith(f"Hello {cast.plan_team.get_full_name()},")
    assert "were due on 10 January" in mine.body
    for title in (
        "Four-year graduation rate (cohort of 2028, students with an IEP included)",
        "Average class size in grades K–3",
        "Train every reading coach in guided reading",
        "Offer after-school tutoring in every middle school — “Math Lab” Tuesdays",
    ):
        assert f"- {title}" in mine.body
    assert "Chronic absence rate" not in mine.body
    link = settings.SITE_URL + reverse("monitoring:my-updates", args=[cast.engagement.pk])
    assert mine.body.count(link) == 1
    assert "&amp;" not in mine.body and "&#" not in mine.body


def test_the_beat_running_again_the_same_day_sends_nothing_more(cast, plan, mailbox):
    beat(14)
    assert beat(14) == 0
    assert len(mailbox.messages()) == 2
    assert CycleEmail.objects.count() == 2


def test_reminders_repeat_until_done_at_most_twice_a_week(cast, plan, mailbox):
    days = [day for day in range(14, 32) if beat(day)]
    assert days == [14, 18, 22, 26, 30]
    assert len(mailbox.messages()) == 10


def test_an_owner_who_reported_everything_gets_no_reminder(cast, plan, mailbox):
    lived = plan.lived
    with at(12):
        by_id = {str(m.id): m for m in lived_measures(cast.engagement).measures}
        for measure in (lived.graduation, lived.class_size):
            reading_add(
                measure=by_id[str(measure.pk)].monitored,
                taken_on=datetime(2027, 1, 12).date(),
                value=Decimal("81.5"),
                by=cast.plan_team,
            )
        action_update_nothing_changed(
            engagement=cast.engagement, step_id=plan.coaches.pk, author=cast.plan_team
        )
    beat(14)
    assert sent_to(mailbox) == sorted([cast.plan_team.email, cast.superintendent.email])
    mine = next(m for m in mailbox.messages() if m.to == [cast.plan_team.email])
    assert "1 update due from you" in mine.subject
    assert "Math Lab" in mine.body and "graduation rate" not in mine.body
    with at(17):
        action_update_record(
            engagement=cast.engagement,
            step_id=plan.tutoring.pk,
            author=cast.plan_team,
            status="on_track",
            percent=30,
        )
    mailbox_before = len(mailbox.messages())
    beat(18)
    assert [m.to for m in mailbox.messages()[mailbox_before:]] == [[cast.superintendent.email]]


def test_a_step_done_before_the_period_is_no_longer_asked_for(cast, plan, mailbox):
    with at(20, 12, 2026):
        for step in (plan.coaches, plan.tutoring):
            action_update_record(
                engagement=cast.engagement, step_id=step.pk, author=cast.plan_team, status="done"
            )
    beat(14)
    mine = next(m for m in mailbox.messages() if m.to == [cast.plan_team.email])
    assert "Math Lab" not in mine.body and "2 updates due" in mine.subject


def test_no_reminder_to_someone_who_turned_them_off_or_when_the_cycle_is_off(cast, plan, mailbox):
    cast.plan_team.email_opt_outs = ["update_reminders"]
    cast.plan_team.save()
    beat(14)
    assert sent_to(mailbox) == [cast.superintendent.email]
    UpdateCycle.objects.create(engagement=cast.engagement, enabled=False)
    assert beat(18) == 0


def test_a_quarterly_cycle_reminds_after_the_quarters_due_day(cast, plan, mailbox):
    UpdateCycle.objects.create(engagement=cast.engagement, cadence="quarterly", due_day=20)
    assert beat(23) == 0
    assert beat(24) == 2
    assert "for January to March 2027" in mailbox.messages()[0].subject
    assert beat(10, month=2) == 2


def test_a_nudge_goes_once_a_day_even_before_the_due_day(cast, plan, mailbox):
    with at(5):
        first = nudge_send(
            engagement=cast.engagement, email=cast.plan_team.email, by=cast.facilitator
        )
        again = nudge_send(
            engagement=cast.engagement, email=cast.plan_team.email, by=cast.facilitator
        )
    assert first == f"Nudge sent to {cast.plan_team.get_full_name()}."
    assert again.endswith("already had a nudge today: one a day at most.")
    assert sent_to(mailbox) == [cast.plan_team.email]
    body = mailbox.messages()[0].body
    assert f"{cast.facilitator.get_full_name()} asks for your updates" in body
    with at(6):
        nudge_send(engagement=cast.engagement, email=cast.plan_team.email, by=cast.facilitator)
    assert len(mailbox.messages()) == 2


def test_no_nudge_to_someone_with_nothing_due(cast, plan, mailbox):
    with at(5):
        message = nudge_send(
            engagement=cast.engagement, email=cast.core_team.email, by=cast.facilitator
        )
    assert message == "Nothing is due from this person now: no nudge sent."
    assert mailbox.messages() == []


def test_an_owner_can_turn_the_reminders_off_on_their_profile(client, cast, plan, mailbox):
    client.force_login(cast.plan_team)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Reminders to report progress on the plan" in page
    assert 'name="wants_update_reminders"' in page
