"""Recording progress on the lived plan's action steps: every update kept with what it changed,
"nothing changed" in one tap, percent bounds, done and cancelled, and the health check's
"progress reported in the last 45 days" judging these real updates."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagements.models import Engagement
from monitoring.models import ActionUpdate
from monitoring.selectors.actions import lived_actions, lived_step, step_history
from monitoring.services.actions import action_update_nothing_changed, action_update_record
from planning.health import FAIL, PASS, health_checks
from planning.models import ActionStep
from planning.services import plan_for
from tests.factories import PhaseFactory

from .lived_steps import approve, step

pytestmark = pytest.mark.django_db

ON_TRACK, AT_RISK, DONE, CANCELLED = "on_track", "at_risk", "done", "cancelled"


def record(cast, s, **fields):
    return action_update_record(
        engagement=cast.engagement, step_id=s.pk, author=cast.plan_team, **fields
    )


def test_every_update_is_kept_with_who_when_and_what_changed(cast):
    s = step(cast.engagement)
    approve(cast.engagement)
    now = timezone.now()
    record(
        cast,
        s,
        status=ON_TRACK,
        percent=40,
        note="Six of fifteen coaches trained.",
        at=now - timedelta(days=30),
    )
    record(
        cast, s, status=AT_RISK, percent=55, note="Two coaches left in December; à revoir.", at=now
    )
    history = step_history(cast.engagement, s.pk)
    assert [e.changes for e in history] == [
        "status: on track → at risk, 40 % → 55 %",
        "status: on track, 40 %",
    ]
    assert history[0].update.author_name == "Plan team Person"
    assert history[0].update.note == "Two coaches left in December; à revoir."
    assert history[0].update.created_at == now


def test_nothing_changed_confirms_the_previous_values_in_one_tap(cast):
    s = step(cast.engagement)
    approve(cast.engagement)
    record(cast, s, status=AT_RISK, percent=55, at=timezone.now() - timedelta(days=31))
    confirmed = action_update_nothing_changed(
        engagement=cast.engagement, step_id=s.pk, author=cast.core_team
    )
    assert (confirmed.status, confirmed.percent, confirmed.nothing_changed) == (AT_RISK, 55, True)
    assert step_history(cast.engagement, s.pk)[0].changes == "nothing changed: still at risk, 55 %"
    assert ActionUpdate.objects.filter(action_step_id=s.pk).count() == 2


def test_nothing_changed_on_a_step_never_reported_confirms_it_has_not_started(cast):
    s = step(cast.engagement)
    approve(cast.engagement)
    confirmed = action_update_nothing_changed(
        engagement=cast.engagement, step_id=s.pk, author=cast.core_team
    )
    assert (confirmed.status, confirmed.percent) == ("not_started", 0)


@pytest.mark.parametrize("percent", [-1, 101, 1000])
def test_a_percent_outside_0_to_100_is_refused(cast, percent):
    s = step(cast.engagement)
    with pytest.raises(ValidationError) as refused:
        record(cast, s, status=ON_TRACK, percent=percent)
    assert refused.value.message_dict == {
        "percent": ["Percent complete is a number from 0 to 100."]
    }
    assert not ActionUpdate.objects.exists()


def test_the_database_refuses_a_percent_over_100_too(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionUpdate.objects.create(
            engagement=cast.engagement,
            action_step_id=step(cast.engagement).pk,
            status=ON_TRACK,
            percent=101,
        )


def test_a_percent_left_out_keeps_the_last_one_reported(cast):
    s = step(cast.engagement)
    record(cast, s, status=ON_TRACK, percent=40, at=timezone.now() - timedelta(days=1))
    assert record(cast, s, status=AT_RISK).percent == 40


def test_a_done_step_is_complete_and_no_longer_overdue(cast):
    s = step(cast.engagement, due_date=timezone.localdate() - timedelta(days=3))
    approve(cast.engagement)
    record(cast, s, status=ON_TRACK, percent=80, at=timezone.now() - timedelta(days=5))
    assert lived_step(cast.engagement, s.pk).is_overdue
    done = record(cast, s, status=DONE, percent=80)
    assert done.percent == 100
    assert not lived_step(cast.engagement, s.pk).is_overdue
    assert step_history(cast.engagement, s.pk)[0].changes == "status: on track → done, 80 % → 100 %"


def test_a_cancelled_step_keeps_its_percent_and_is_not_overdue(cast):
    s = step(cast.engagement, due_date=timezone.localdate() - timedelta(days=3))
    approve(cast.engagement)
    record(cast, s, status=ON_TRACK, percent=30, at=timezone.now() - timedelta(days=5))
    record(cast, s, status=CANCELLED, note="The grant was not renewed.")
    lived = lived_step(cast.engagement, s.pk)
    assert (lived.status_label, lived.percent, lived.is_overdue) == ("Cancelled", 30, False)


def test_an_unknown_status_is_refused(cast):
    with pytest.raises(ValidationError):
        record(cast, step(cast.engagement), status="finished", percent=10)


def test_history_carries_over_to_a_newly_approved_version_that_keeps_the_step(cast):
    kept = step(cast.engagement, "Open a family reading room in every school")
    dropped = step(cast.engagement, "Buy a reading app", strategy=kept.strategy)
    approve(cast.engagement, at=timezone.now() - timedelta(days=60))
    record(cast, kept, status=ON_TRACK, percent=20, at=timezone.now() - timedelta(days=50))
    ActionStep.objects.filter(pk=dropped.pk).delete()
    approve(cast.engagement)
    lived = lived_actions(cast.engagement)
    assert [s.step["description"] for s in lived.steps] == [
        "Open a family reading room in every school"
    ]
    assert lived.steps[0].percent == 20
    assert lived_step(cast.engagement, dropped.pk) is None


def test_a_step_added_to_the_working_copy_is_not_monitored_before_the_board_approves_it(cast):
    approve(cast.engagement)
    later = step(cast.engagement, "Added after approval")
    assert lived_step(cast.engagement, later.pk) is None
    assert lived_actions(cast.engagement).steps == []


def test_nothing_is_monitored_before_any_approval(cast):
    step(cast.engagement)
    assert lived_actions(cast.engagement) is None


# --- the plan health check's "progress reported in the last 45 days" ------------------------------


def live(engagement):
    PhaseFactory(engagement=engagement, status="done")
    Engagement.objects.filter(pk=engagement.pk).update(plan_approved_at=timezone.now())
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.LIVING


def progress_check(engagement):
    checks = health_checks(plan_for(engagement))
    return next(c for c in checks if c.key == "no_recent_progress")


def test_an_update_marks_the_working_copys_step_as_reported(cast):
    s = step(cast.engagement)
    approve(cast.engagement)
    at = timezone.now() - timedelta(hours=2)
    record(cast, s, status=ON_TRACK, percent=10, at=at)
    s.refresh_from_db()
    assert s.progress_reported_at == at


def test_a_real_update_passes_the_health_check_once_the_plan_is_live(cast):
    s = step(cast.engagement, "Buy levelled books for every classroom")
    approve(cast.engagement)
    live(cast.engagement)
    assert progress_check(cast.engagement).status == FAIL
    action_update_nothing_changed(engagement=cast.engagement, step_id=s.pk, author=cast.plan_team)
    result = progress_check(cast.engagement)
    assert result.status == PASS
    assert result.explanation == "Progress was reported on 1 action step in the last 45 days."


def test_an_update_of_a_step_removed_from_the_working_copy_is_still_kept(
    cast, django_assert_num_queries
):
    s = step(cast.engagement)
    approve(cast.engagement)
    ActionStep.objects.filter(pk=s.pk).delete()
    with django_assert_num_queries(4):  # savepoint, insert, update (no row), release
        update = record(cast, s, status=AT_RISK, percent=5)
    assert ActionUpdate.objects.get().pk == update.pk
