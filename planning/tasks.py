"""Background work for the plan: the e-mails about review and approval, and closing reviews on
their closing day (a periodic task, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.notifications import OPTIONAL, wants
from accounts.tasks import send_email
from engagements.models import Membership, Role

from .models import Approval, ApprovalRule, Review

SUBJECTS = {
    "review_published": "Draft {number} of {engagement} is open for your comments",
    "review_closed": "The review of draft {number} of {engagement} has closed",
    "recommendation_needed": "Draft {number} of {engagement} is final: your recommendation",
    "decision_needed": "Draft {number} of {engagement} is recommended: the board's decision",
    "plan_sent_back": "Draft {number} of {engagement} was sent back",
    "plan_approved": "{engagement}: the plan is approved",
}


def _with_roles(engagement_id, *roles) -> list[Membership]:
    members = Membership.objects.filter(engagement_id=engagement_id, user__is_active=True)
    return [m for m in members.select_related("user") if not roles or m.has_role(*roles)]


def _recipients(name: str, plan, approval: Approval | None) -> list[Membership]:
    engagement_id = plan.engagement_id
    if name in ("review_published", "plan_approved"):
        return _with_roles(engagement_id)
    if name in ("review_closed", "plan_sent_back"):
        return _with_roles(engagement_id, Role.FACILITATOR, Role.CORE_TEAM)
    if name == "recommendation_needed":
        return _with_roles(engagement_id, Role.SUPERINTENDENT)
    if name == "decision_needed":
        if approval.rule == ApprovalRule.RECORDED:
            clerk = plan.board_clerk
            return [clerk] if clerk is not None and clerk.user.is_active else []
        return _with_roles(engagement_id, Role.BOARD)
    raise ValueError(f"Unknown plan e-mail {name!r}")


def _link(name: str, engagement_id, number: int) -> str:
    if name in ("review_published",):
        path = reverse("planning:review", args=[engagement_id, number])
    elif name == "review_closed":
        path = reverse("planning:inbox", args=[engagement_id, number])
    else:
        path = reverse("planning:approval", args=[engagement_id])
    return settings.SITE_URL + path


@shared_task(name="planning.notify")
def notify(name: str, object_id: str) -> int:
    """Write and queue one e-mail per person who should hear of this step (and has not turned
    this e-mail off). Returns how many were queued."""
    approval = review = None
    if name in ("review_published", "review_closed"):
        review = (
            Review.objects.select_related("version__plan__engagement__organization")
            .defer("version__data")
            .filter(pk=object_id)
            .first()
        )
        version = review.version if review else None
        plan = version.plan if version else None
    else:
        approval = (
            Approval.objects.select_related(
                "version", "plan__engagement__organization", "plan__board_clerk__user"
            )
            .defer("version__data")
            .filter(pk=object_id)
            .first()
        )
        version = approval.version if approval else None
        plan = approval.plan if approval else None
    if version is None:
        return 0  # deleted before the worker got to it: nobody to tell about it
    engagement = plan.engagement
    context = {
        "engagement": engagement,
        "version": version,
        "review": review,
        "approval": approval,
        "link": _link(name, engagement.pk, version.number),
        "profile": settings.SITE_URL + reverse("accounts:profile"),
        "optional": name in OPTIONAL,
    }
    subject = SUBJECTS[name].format(number=version.number, engagement=engagement.name)
    sent = 0
    for membership in _recipients(name, plan, approval):
        user = membership.user
        if not user.email or not wants(user, name):
            continue
        body = render_to_string(
            f"planning/email/{name}.txt", {**context, "user": user, "membership": membership}
        )
        send_email.delay(to=[user.email], subject=subject, body=body)
        sent += 1
    return sent


@shared_task(name="planning.close_due_reviews")
def close_due_reviews() -> int:
    from .services.review import reviews_close_due

    return reviews_close_due()
