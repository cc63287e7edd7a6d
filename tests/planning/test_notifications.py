"""E-mails about review and approval: who gets each one, the optional ones a person turned off
(the ones asking someone to act always go), plain text with the link and no HTML escaping, a
broker that cannot be reached never undoing the step, and the periodic close of due reviews."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from engagements.models import Membership
from planning import services, tasks
from planning.models import Approval, ApprovalRule, PlanEvent
from planning.services import approval as approvals
from planning.services import review as reviews
from tests.factories import MembershipFactory, ReviewFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]
EVERYONE = {"facilitator", "core_team", "plan_team", "board", "superintendent"}


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def version(plan, cast):
    return services.version_save(plan=plan, label="For the board", author=cast.facilitator)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a step and the e-mails it queues once its transaction commits."""

    def step(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return step


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def to(mailbox, cast) -> set[str]:
    """The roles of the cast who received the e-mails so far."""
    addresses = {address for message in mailbox.messages() for address in message.to}
    return {role for role in EVERYONE if cast.member(role).email in addresses}


def link(name, cast, *args) -> str:
    return settings.SITE_URL + reverse(f"planning:{name}", args=[cast.engagement.pk, *args])


# --- who hears of each step ---------------------------------------------------------------------


def test_a_published_draft_is_announced_to_every_member(cast, version, run, mailbox):
    today = timezone.localdate()
    run(
        reviews.review_publish,
        version=version,
        opens_on=today,
        closes_on=today + timedelta(days=7),
        public_link=False,
        public_buy_in=False,
        by=cast.facilitator,
    )
    assert to(mailbox, cast) == EVERYONE
    message = mailbox.messages()[0]
    assert message.subject == "Draft 1 of Strategic Plan 2027–2032 is open for your comments"
    assert link("review", cast, 1) in message.body


def test_a_closed_review_goes_to_the_facilitator_and_the_core_team(cast, version, run, mailbox):
    review = ReviewFactory(version=version)
    run(reviews.review_close, review=review, by=cast.facilitator)
    assert to(mailbox, cast) == {"facilitator", "core_team"}
    assert link("inbox", cast, 1) in mailbox.messages()[0].body


def test_the_superintendent_is_asked_to_recommend(cast, plan, version, run, mailbox):
    run(approvals.plan_freeze, plan=plan, version=version, by=cast.facilitator)
    assert to(mailbox, cast) == {"superintendent"}
    message = mailbox.messages()[0]
    assert "your recommendation" in message.subject
    assert link("approval", cast) in message.body


def test_emails_greet_people_by_their_name_not_their_title(cast, plan, version, run, mailbox):
    cast.superintendent.full_name = "Dr. María Santos"
    cast.superintendent.save()
    cast.board.full_name = ""
    cast.board.save()
    today = timezone.localdate()
    run(
        reviews.review_publish,
        version=version,
        opens_on=today,
        closes_on=today + timedelta(days=7),
        public_link=False,
        public_buy_in=False,
        by=cast.facilitator,
    )
    greetings = {m.to[0]: m.body.splitlines()[0] for m in mailbox.messages()}
    assert greetings[cast.board.email] == "Hello,"
    assert greetings[cast.superintendent.email] == "Hello Dr. María Santos,"
    sent = len(mailbox.messages())
    run(approvals.plan_freeze, plan=plan, version=version, by=cast.facilitator)
    to_superintendent = [
        m for m in mailbox.messages()[sent:] if m.to == [cast.superintendent.email]
    ]
    assert to_superintendent
    assert all(m.body.startswith("Hello Dr. María Santos,\n") for m in to_superintendent)


def test_the_board_is_asked_to_vote_under_the_majority_rule(cast, plan, version, run, mailbox):
    second = MembershipFactory(engagement=cast.engagement, roles=["board"])
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    run(approvals.plan_recommend, approval=approval, by=cast.superintendent, note="Yes.")
    assert to(mailbox, cast) == {"board"}
    assert {m.to[0] for m in mailbox.messages()} == {cast.board.email, second.user.email}
    assert "A majority of the board decides." in mailbox.messages()[0].body


def test_only_the_clerk_is_asked_under_the_recorded_rule(cast, plan, version, run, mailbox):
    approvals.approval_settings_update(
        plan=plan,
        rule=ApprovalRule.RECORDED,
        clerk=member(cast, "plan_team"),
        by=cast.facilitator,
    )
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    run(approvals.plan_recommend, approval=approval, by=cast.superintendent, note="Yes.")
    assert to(mailbox, cast) == {"plan_team"}
    assert "As board clerk, please record the board's decision" in mailbox.messages()[0].body


def test_an_inactive_clerk_gets_nothing(cast, plan, version, run, mailbox):
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=member(cast, "board"), by=cast.facilitator
    )
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    cast.board.is_active = False
    cast.board.save()
    run(approvals.plan_recommend, approval=approval, by=cast.superintendent, note="Yes.")
    assert mailbox.messages() == []


def test_a_draft_sent_back_goes_to_the_facilitator_and_the_core_team(
    cast, plan, version, run, mailbox
):
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    run(approvals.plan_send_back, approval=approval, by=cast.superintendent, reasons="Add targets.")
    assert to(mailbox, cast) == {"facilitator", "core_team"}
    assert "Reasons:\nAdd targets." in mailbox.messages()[0].body


def test_the_approved_plan_is_announced_to_everyone(cast, plan, version, run, mailbox):
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Yes.")
    run(
        approvals.board_vote,
        approval=approval,
        membership=member(cast, "board"),
        choice="approve",
        note="",
    )
    assert to(mailbox, cast) == EVERYONE
    message = mailbox.messages()[0]
    assert message.subject == "Strategic Plan 2027–2032: the plan is approved"
    assert link("approval", cast) in message.body


# --- turning e-mails off ------------------------------------------------------------------------


def test_optional_emails_respect_opt_outs(cast, plan, version, run, mailbox):
    for role in ("plan_team", "board"):
        user = cast.member(role)
        user.email_opt_outs = ["plan_approved"]
        user.save()
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Yes.")
    run(
        approvals.board_vote,
        approval=approval,
        membership=member(cast, "board"),
        choice="approve",
        note="",
    )
    assert to(mailbox, cast) == EVERYONE - {"plan_team", "board"}


def test_required_emails_ignore_opt_outs(cast, plan, version, run, mailbox):
    cast.superintendent.email_opt_outs = ["recommendation_needed", "review_published"]
    cast.superintendent.save()
    run(approvals.plan_freeze, plan=plan, version=version, by=cast.facilitator)
    assert to(mailbox, cast) == {"superintendent"}
    # Required e-mails do not offer to turn them off.
    assert "To stop e-mails like it" not in mailbox.messages()[0].body


def test_optional_emails_say_how_to_turn_them_off(cast, version, run, mailbox):
    review = ReviewFactory(version=version)
    run(reviews.review_close, review=review, by=None)
    body = mailbox.messages()[0].body
    assert "To stop e-mails like it, turn it off on your profile:" in body
    assert settings.SITE_URL + reverse("accounts:profile") in body


def test_inactive_and_addressless_members_are_skipped(cast, plan, version, run, mailbox):
    MembershipFactory(
        engagement=cast.engagement, roles=["superintendent"], user=UserFactory(is_active=False)
    )
    MembershipFactory(
        engagement=cast.engagement, roles=["superintendent"], user=UserFactory(email="")
    )
    run(approvals.plan_freeze, plan=plan, version=version, by=cast.facilitator)
    assert [m.to for m in mailbox.messages()] == [[cast.superintendent.email]]


# --- the text -----------------------------------------------------------------------------------


def test_emails_are_plain_text_without_html_escaping(cast, plan, run, mailbox):
    name = 'Riverside "Bold" & <Brave> Plan'
    cast.engagement.name = name
    cast.engagement.save()
    cast.engagement.organization.name = "O'Hare & Sons"
    cast.engagement.organization.save()
    version = services.version_save(plan=plan, label="Kids' & families' draft", author=None)
    today = timezone.localdate()
    run(
        reviews.review_publish,
        version=version,
        opens_on=today,
        closes_on=today + timedelta(days=7),
        public_link=False,
        public_buy_in=False,
        by=cast.facilitator,
    )
    message = mailbox.messages()[0]
    assert name in message.subject and name in message.body
    assert "O'Hare & Sons's strategic plan, \"Kids' & families' draft\"" in message.body
    for artefact in ("&amp;", "&quot;", "&#x27;", "&lt;", "&gt;", "&#39;"):
        assert artefact not in message.body and artefact not in message.subject
    assert message.body.startswith("Hello ")


# --- a broker that cannot be reached ------------------------------------------------------------


def test_a_broker_that_cannot_be_reached_is_logged_and_the_step_stands(
    cast, plan, version, run, mailbox, caplog
):
    down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")
    with (
        mock.patch.object(tasks.notify, "delay", side_effect=down) as delay,
        caplog.at_level(logging.ERROR, logger="planning.services.notify"),
    ):
        approval = run(approvals.plan_freeze, plan=plan, version=version, by=cast.facilitator)
    assert delay.call_args.args == ("recommendation_needed", str(approval.pk))
    assert Approval.objects.get().state == "final"
    assert PlanEvent.objects.filter(to_state="final draft").exists()
    assert mailbox.messages() == []
    assert "Could not queue the recommendation_needed e-mails" in caplog.text


def test_a_broker_down_during_a_page_request_still_takes_the_step(
    client, cast, plan, version, django_capture_on_commit_callbacks
):
    down = OperationalError("Connection refused.")
    client.force_login(cast.facilitator)
    with (
        mock.patch.object(tasks.notify, "delay", side_effect=down) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("planning:freeze", args=[cast.engagement.pk]), {"version": version.pk}
        )
    assert delay.called
    assert response.status_code == 302
    assert Approval.objects.get().state == "final"


def test_an_email_about_something_deleted_meanwhile_is_dropped(cast, plan, version):
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    pk = approval.pk
    approval.delete()
    assert tasks.notify("recommendation_needed", str(pk)) == 0


# --- closing reviews on their day ---------------------------------------------------------------


def test_due_reviews_close_once_and_are_announced(
    cast, plan, mailbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    due = ReviewFactory(
        version=services.version_save(plan=plan, label="Due", author=None),
        opens_on=today - timedelta(days=10),
        closes_on=today - timedelta(days=1),
    )
    still_open = ReviewFactory(
        version=services.version_save(plan=plan, label="Open", author=None),
        opens_on=today - timedelta(days=1),
        closes_on=today,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.close_due_reviews() == 1
    due.refresh_from_db()
    still_open.refresh_from_db()
    assert due.closed_at is not None and due.closed_by is None
    assert still_open.closed_at is None
    assert to(mailbox, cast) == {"facilitator", "core_team"}
    assert len(mailbox.messages()) == 2
    event = PlanEvent.objects.get()
    assert (event.actor_name, event.from_state, event.to_state) == (
        "Aligned (on the set date)",
        "under review",
        "review closed",
    )
    assert "Its closing day" in event.note

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.close_due_reviews() == 0
    assert len(mailbox.messages()) == 2
    assert PlanEvent.objects.count() == 1


def test_closing_due_reviews_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(entry["task"] == "planning.close_due_reviews" for entry in schedule.values())


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_and_sends_the_emails_once_the_step_commits(cast, mailbox):
    """No in-process shortcut here: on the stack the notify task runs in the Celery worker,
    which reads the committed review and queues one e-mail per member."""
    plan = services.plan_for(cast.engagement)
    version = services.version_save(plan=plan, label="For everyone", author=cast.facilitator)
    today = timezone.localdate()
    reviews.review_publish(
        version=version,
        opens_on=today,
        closes_on=today + timedelta(days=7),
        public_link=False,
        public_buy_in=False,
        by=cast.facilitator,
    )
    messages = mailbox.wait(len(EVERYONE))
    assert to(mailbox, cast) == EVERYONE
    assert all("is open for your comments" in message.subject for message in messages)
