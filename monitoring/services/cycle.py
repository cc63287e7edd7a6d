"""The update cycle's writes: its settings, the reminders the beat task sends to owners who have
not reported once the grace period is over, and the nudge the person running the cycle sends.
Every e-mail is recorded first (CycleEmail, one per kind per owner per day), so running the task
twice in a day, or a double click on "Send a nudge", sends one e-mail."""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.notifications import wants
from accounts.tasks import send_email
from engagements.models import Engagement, Membership, Role
from planning.models import Approval

from ..cycle import Period, reminder_allowed
from ..models import CycleEmail, UpdateCycle
from ..selectors.cycle import OwnerDue, current_period, cycle_due

log = logging.getLogger(__name__)
OPT_OUT = "update_reminders"


def update_cycle_save(
    *,
    engagement: Engagement,
    cadence: str,
    due_day: int,
    grace_days: int,
    term_ends: list[date],
    runner: Membership | None,
    enabled: bool,
) -> UpdateCycle:
    """Save the engagement's cycle. Per term, at least one term end date is needed."""
    if cadence == UpdateCycle.Cadence.TERM and not term_ends:
        raise ValidationError({"term_ends": "List the last day of each term, one per line."})
    if runner is not None and runner.engagement_id != engagement.pk:
        raise ValidationError({"runner": "Choose a member of this engagement."})
    cycle, _ = UpdateCycle.objects.update_or_create(
        engagement=engagement,
        defaults={
            "cadence": cadence,
            "due_day": due_day,
            "grace_days": grace_days,
            "term_ends": [day.isoformat() for day in sorted(set(term_ends))],
            "runner": runner,
            "enabled": enabled,
        },
    )
    return cycle


def cycle_runner(engagement: Engagement, cycle: UpdateCycle) -> Membership | None:
    """Who runs the cycle: the chosen member, else the engagement's first facilitator."""
    if cycle.runner_id:
        return Membership.objects.select_related("user").filter(pk=cycle.runner_id).first()
    members = Membership.objects.filter(engagement=engagement).select_related("user")
    return next((m for m in members.order_by("pk") if m.has_role(Role.FACILITATOR)), None)


def _email(
    *,
    engagement: Engagement,
    owner: OwnerDue,
    period: Period,
    kind: str,
    today: date,
    runner: Membership | None,
    by=None,
) -> bool:
    """Record and queue one e-mail to an owner listing everything of theirs not yet reported.
    False when one of this kind already went to them today."""
    user = owner.membership.user
    try:
        with transaction.atomic():
            CycleEmail.objects.create(
                engagement=engagement,
                user=user,
                kind=kind,
                period_start=period.start,
                sent_on=today,
                items=len(owner.missing),
                sent_by=by,
            )
    except IntegrityError:
        return False
    link = settings.SITE_URL + reverse("monitoring:my-updates", args=[engagement.pk])
    context = {
        "engagement": engagement,
        "owner": owner,
        "period": period,
        "kind": kind,
        "link": link,
        "runner": runner.user.get_full_name() if runner else "",
        "by": (by.get_full_name() or by.email) if by else "",
        "profile": settings.SITE_URL + reverse("accounts:profile"),
        "late": period.is_late(today),
    }
    count = len(owner.missing)
    subject = (
        f"{engagement.name}: {count} update{'s' if count != 1 else ''} due from you "
        f"for {period.label}"
    )
    body = render_to_string("monitoring/email/reminder.txt", context)
    try:
        send_email.delay(to=[user.email], subject=subject, body=body)
    except OperationalError as exc:  # the broker is away: logged, the record stays
        log.error("Could not queue the update reminder for %s: %s", user.pk, exc)
    return True


def reminders_send(*, today: date | None = None) -> int:
    """For every engagement living an approved plan with its cycle on, once the grace period is
    over: one e-mail to each owner with items not reported, unless they turned these e-mails off
    or had a reminder less than four days ago. Returns how many were sent."""
    today = today or timezone.localdate()
    engagement_ids = (
        Approval.objects.filter(state=Approval.State.APPROVED)
        .values_list("plan__engagement", flat=True)
        .distinct()
    )
    sent = 0
    for engagement in Engagement.objects.filter(pk__in=list(engagement_ids)):
        cycle = UpdateCycle.for_engagement(engagement)
        period = current_period(cycle, today)
        if not cycle.enabled or period is None or not period.is_late(today):
            continue
        owners = [
            o
            for o in cycle_due(engagement, period, today=today) or []
            if o.membership and o.missing
        ]
        if not owners:
            continue
        last = dict(
            CycleEmail.objects.filter(engagement=engagement, kind=CycleEmail.Kind.REMINDER)
            .values_list("user")
            .annotate(last=Max("sent_on"))
        )
        runner = cycle_runner(engagement, cycle)
        for owner in owners:
            user = owner.membership.user
            if not user.email or not wants(user, OPT_OUT):
                continue
            if reminder_allowed(period, today, last.get(user.pk)):
                sent += _email(
                    engagement=engagement,
                    owner=owner,
                    period=period,
                    kind=CycleEmail.Kind.REMINDER,
                    today=today,
                    runner=runner,
                )
    return sent


def nudge_send(*, engagement: Engagement, email: str, by, today: date | None = None) -> str:
    """The person running the cycle asks one owner for their updates: one e-mail, at most one a
    day. Returns what happened, in words for the page."""
    today = today or timezone.localdate()
    cycle = UpdateCycle.for_engagement(engagement)
    period = current_period(cycle, today)
    owners = cycle_due(engagement, period, owner_email=email, today=today) if period else None
    owner = owners[0] if owners else None
    if owner is None or owner.membership is None or not owner.missing:
        return "Nothing is due from this person now: no nudge sent."
    user = owner.membership.user
    if not wants(user, OPT_OUT):
        return f"{owner.name} turned these e-mails off: ask them in person."
    if not _email(
        engagement=engagement,
        owner=owner,
        period=period,
        kind=CycleEmail.Kind.NUDGE,
        today=today,
        runner=cycle_runner(engagement, cycle),
        by=by,
    ):
        return f"{owner.name} already had a nudge today: one a day at most."
    return f"Nudge sent to {owner.name}."
