"""Writes for a draft's review: publishing it, its public link, closing it; members' comments
and public feedback; triage; the buy-in check.

Rules that need the review's state (open, closed) live here; who may act is decided by the views
through engagements.access.
"""

import hashlib
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from ..models import Approval, BuyInAnswer, BuyInResponse, Comment, PlanVersion, Review
from ..selectors.review import WHOLE, goals_of, target_of
from . import notify
from .history import REVIEW_CLOSED, SAVED, UNDER_REVIEW, event_log

BODY_MAX = 2000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _day(value: date) -> str:
    return date_format(value, "M j, Y")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


# --- publishing ---------------------------------------------------------------------------------


def publish_refusal(version: PlanVersion, rounds: list[Approval] | None = None) -> str:
    """Why this saved draft cannot be published for review now, or "" when it can. An approved
    draft is the plan and is never reopened; while a draft is with the superintendent or the
    board nothing else goes out for comments. `rounds`: the plan's approvals that are approved
    or in approval, when the caller has them already (a list of drafts asks once)."""
    if rounds is None:
        rounds = list(
            Approval.objects.filter(plan_id=version.plan_id)
            .filter(state__in=[Approval.State.APPROVED, *Approval.ACTIVE])
            .select_related("version")
            .defer("version__data")
        )
    if any(a.version_id == version.pk and a.state == Approval.State.APPROVED for a in rounds):
        return (
            f"Draft {version.number} is the approved plan: it never changes, so it is not "
            "published for comments again. Save the working copy as a new draft and publish "
            "that one."
        )
    active = next((a for a in rounds if a.state in Approval.ACTIVE), None)
    if active is not None:
        where = (
            "with the superintendent" if active.state == Approval.State.FINAL else "with the board"
        )
        return (
            f"Draft {active.version.number} is {where} now, so no draft is published for "
            "comments until it is approved or sent back."
        )
    return ""


def _publish_check(version: PlanVersion, today: date) -> None:
    """Inside the publishing transaction, with the plan's row held (a draft frozen meanwhile
    waits, or is seen)."""
    from .approval import plan_lock

    plan_lock(version.plan_id)
    refusal = publish_refusal(version)
    if refusal:
        raise ValidationError(refusal)
    if Review.objects.filter(version=version).exists():
        raise ValidationError(f"Draft {version.number} has already been published for review.")
    other = (
        Review.objects.filter(version__plan_id=version.plan_id, closed_at__isnull=True)
        .filter(closes_on__gte=today)
        .select_related("version")
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"Draft {other.version.number} is still under review until "
            f"{_day(other.closes_on)}. Close that review before publishing another draft."
        )


def review_publish(
    *,
    version: PlanVersion,
    opens_on: date,
    closes_on: date,
    public_link: bool,
    public_buy_in: bool,
    by,
) -> tuple[Review, str | None]:
    """Publish a saved draft for review. Returns the review and, if a public link was asked for,
    its token: it is shown once, and only its hash is kept."""
    today = timezone.localdate()
    errors = {}
    if closes_on < opens_on:
        errors["closes_on"] = "The review must close on or after the day it opens."
    elif closes_on < today:
        errors["closes_on"] = "That day has passed: choose a closing day from today on."
    if errors:
        raise ValidationError(errors)
    token = _new_token() if public_link else None
    try:
        with transaction.atomic():
            _publish_check(version, today)
            review = Review.objects.create(
                version=version,
                opens_on=opens_on,
                closes_on=closes_on,
                published_by=by,
                public_token_hash=token_hash(token) if token else None,
                public_link_made_at=timezone.now() if token else None,
                public_buy_in=public_buy_in,
            )
    except IntegrityError as clash:  # published twice at the same moment
        raise ValidationError(
            f"Draft {version.number} has already been published for review."
        ) from clash
    note = f"Open from {_day(opens_on)} to {_day(closes_on)}"
    note += "; with a public feedback link." if token else "; team only."
    event_log(
        plan=version.plan,
        version=version,
        actor=by,
        action=f"Published draft {version.number} for review",
        from_state=SAVED,
        to_state=UNDER_REVIEW,
        note=note,
    )
    notify.event("review_published", review.pk)
    return review, token


def review_change_dates(*, review: Review, closes_on: date, by) -> Review:
    if review.closed_at is not None:
        raise ValidationError("This review is closed; publish a new draft to review again.")
    if closes_on < review.opens_on:
        raise ValidationError({"closes_on": "The review must close on or after the day it opens."})
    if closes_on < timezone.localdate():
        raise ValidationError(
            {"closes_on": "That day has passed: choose a closing day from today on."}
        )
    before = review.closes_on
    review.closes_on = closes_on
    review.save(update_fields=["closes_on"])
    event_log(
        plan=review.version.plan,
        version=review.version,
        actor=by,
        action="Changed the closing day of the review",
        from_state=UNDER_REVIEW,
        to_state=UNDER_REVIEW,
        note=f"From {_day(before)} to {_day(closes_on)}.",
    )
    return review


def review_close(*, review: Review, by=None) -> bool:
    """Close a review now (by someone) or on its closing day (by the sweep, by=None). Returns
    False when it was already closed, so a close is logged and announced once."""
    closed = Review.objects.filter(pk=review.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=by
    )
    if not closed:
        return False
    review.refresh_from_db(fields=["closed_at", "closed_by"])
    version = review.version
    event_log(
        plan=version.plan,
        version=version,
        actor=by,
        action=f"Closed the review of draft {version.number}",
        from_state=UNDER_REVIEW,
        to_state=REVIEW_CLOSED,
        note="" if by else f"Its closing day, {_day(review.closes_on)}, has passed.",
    )
    notify.event("review_closed", review.pk)
    return True


def reviews_close_due(today: date | None = None) -> int:
    """Close every review whose closing day has passed (run by the periodic task)."""
    today = today or timezone.localdate()
    due = Review.objects.filter(closed_at__isnull=True, closes_on__lt=today).select_related(
        "version__plan"
    )
    return sum(review_close(review=review) for review in due)


def public_link_make(*, review: Review, by) -> str:
    """A new public link; any earlier one stops working. Returns the token (shown once)."""
    if review.state == Review.State.CLOSED:
        raise ValidationError("This review is closed, so a public link would show nothing.")
    token = _new_token()
    had_one = review.has_public_link
    review.public_token_hash = token_hash(token)
    review.public_link_made_at = timezone.now()
    review.save(update_fields=["public_token_hash", "public_link_made_at"])
    event_log(
        plan=review.version.plan,
        version=review.version,
        actor=by,
        action="Made a new public link" if had_one else "Made a public link",
        from_state=UNDER_REVIEW,
        to_state=UNDER_REVIEW,
        note="The earlier link no longer works." if had_one else "",
    )
    return token


def public_link_revoke(*, review: Review, by) -> None:
    if not review.has_public_link:
        return
    review.public_token_hash = None
    review.save(update_fields=["public_token_hash"])
    event_log(
        plan=review.version.plan,
        version=review.version,
        actor=by,
        action="Turned off the public link",
        from_state=UNDER_REVIEW,
        to_state=UNDER_REVIEW,
    )


def review_for_token(token: str) -> Review | None:
    """The review a public link opens, or None (unknown or turned-off link)."""
    if not token or len(token) > 100:
        return None
    return (
        Review.objects.select_related("version__plan__engagement__organization")
        .filter(public_token_hash=token_hash(token))
        .first()
    )


# --- comments and feedback ----------------------------------------------------------------------


def _require_open(review: Review) -> None:
    state = review.state
    if state == Review.State.SCHEDULED:
        raise ValidationError(f"This review opens on {_day(review.opens_on)}.")
    if state == Review.State.CLOSED:
        raise ValidationError("This review is closed: comments are no longer taken.")


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your comment before sending it."})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": f"Keep it to {BODY_MAX} characters (this has {len(body)})."})
    return body


def _target(review: Review, element_kind: str, element_id: str):
    target = target_of(review.version.data, element_kind or WHOLE, element_id or "")
    if target is None:
        raise ValidationError({"element": "That part of the draft does not exist."})
    return target


def _group_of(membership) -> str:
    if membership.stakeholder_group_id:
        return membership.stakeholder_group.name
    return membership.role_labels[0] if membership.role_labels else ""


def comment_add(
    *,
    review: Review,
    membership,
    body: str,
    element_kind: str = WHOLE,
    element_id: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A member's comment on part of the draft, or a reply in a comment's thread (a reply to a
    reply joins the same thread)."""
    _require_open(review)
    body = _body(body)
    if parent is not None:
        if parent.review_id != review.pk or parent.is_public:
            raise ValidationError("That comment is not in this review.")
        parent = parent.parent or parent
        element_kind, element_id = parent.element_kind, parent.element_id
    target = _target(review, element_kind, element_id)
    return Comment.objects.create(
        review=review,
        element_kind=target.kind,
        element_id=target.id,
        element_label=target.label[:300],
        parent=parent,
        author=membership,
        name=membership.user.get_full_name()[:150],
        category=_group_of(membership)[:100],
        body=body,
    )


def comment_edit(*, comment: Comment, membership, body: str) -> Comment:
    if comment.author_id != membership.pk:
        raise ValidationError("Only the person who wrote a comment can change it.")
    if comment.is_withdrawn:
        raise ValidationError("This comment was withdrawn.")
    if not comment.editable_by(membership):
        raise ValidationError(
            "Comments can be changed for 15 minutes after they are written. "
            "Add a reply to say more."
        )
    _require_open(comment.review)
    comment.body = _body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_withdraw(*, comment: Comment, membership) -> Comment:
    """Withdraw a comment: it stays in its thread, marked withdrawn, with its words hidden."""
    if comment.author_id != membership.pk:
        raise ValidationError("Only the person who wrote a comment can withdraw it.")
    if comment.is_withdrawn:
        return comment
    if comment.parent_id is None and comment.state != Comment.State.OPEN:
        raise ValidationError(
            "The team has already answered this comment, so it stays as it is. "
            "Add a reply to say more."
        )
    comment.withdrawn_at = timezone.now()
    comment.save(update_fields=["withdrawn_at"])
    return comment


def feedback_add(
    *,
    review: Review,
    body: str,
    category: str,
    element_kind: str = WHOLE,
    element_id: str = "",
    name: str = "",
    email: str = "",
) -> Comment:
    """Feedback from a visitor holding the public link."""
    if not review.has_public_link:
        raise ValidationError("This link no longer works.")
    _require_open(review)
    body = _body(body)
    target = _target(review, element_kind, element_id)
    return Comment.objects.create(
        review=review,
        element_kind=target.kind,
        element_id=target.id,
        element_label=target.label[:300],
        is_public=True,
        name=name.strip()[:150],
        email=email.strip().lower(),
        category=category.strip()[:100],
        body=body,
    )


# --- triage ---------------------------------------------------------------------------------------


def comment_triage(
    *,
    comment: Comment,
    by,
    state: str,
    resolution: str = "",
    change: tuple[str, str, str] | None = None,
    duplicate_of: Comment | None = None,
) -> Comment:
    """Mark a top-level comment or feedback open, accepted (saying what changed, optionally
    linked to the element changed in the working copy: (kind, id, label)), declined (with a reply
    to its writer) or a duplicate of another one in the same review."""
    if comment.parent_id is not None:
        raise ValidationError("Replies are part of their thread; triage the first comment.")
    if comment.is_withdrawn:
        raise ValidationError("Its writer withdrew this comment: there is nothing to decide.")
    resolution = (resolution or "").strip()
    fields = {
        "state": state,
        "resolution": "",
        "change_kind": "",
        "change_id": "",
        "change_label": "",
        "duplicate_of": None,
    }
    if state == Comment.State.ACCEPTED:
        if not resolution:
            raise ValidationError({"resolution": "Say what was changed in the plan."})
        fields["resolution"] = resolution
        if change is not None:
            fields["change_kind"], fields["change_id"], fields["change_label"] = change
    elif state == Comment.State.DECLINED:
        if not resolution:
            raise ValidationError(
                {"resolution": "Write a short reply saying why the plan stays as it is."}
            )
        fields["resolution"] = resolution
    elif state == Comment.State.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": "Choose the comment this one repeats."})
        original = duplicate_of.duplicate_of or duplicate_of
        if (
            original.pk == comment.pk
            or original.review_id != comment.review_id
            or original.parent_id is not None
        ):
            raise ValidationError({"duplicate_of": "Choose another comment of this review."})
        fields["duplicate_of"] = original
        fields["resolution"] = resolution
    elif state != Comment.State.OPEN:
        raise ValidationError({"state": "Choose open, accepted, declined or duplicate."})
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.triaged_by = by if state != Comment.State.OPEN else None
    comment.triaged_at = timezone.now() if state != Comment.State.OPEN else None
    comment.save(update_fields=[*fields, "triaged_by", "triaged_at"])
    if state == Comment.State.DUPLICATE:  # those that repeated this one now point at the original
        Comment.objects.filter(duplicate_of=comment).update(duplicate_of=fields["duplicate_of"])
    return comment


# --- buy-in ---------------------------------------------------------------------------------------


def buy_in_submit(
    *,
    review: Review,
    support: dict[str, int],
    commits: str,
    membership=None,
    category: str = "",
) -> BuyInResponse:
    """Record one person's buy-in answers: a member's replace their earlier ones; a public
    visitor's (when the review allows them) are a new response."""
    _require_open(review)
    if membership is None and not review.public_buy_in:
        raise ValidationError("This review's buy-in check is for team members only.")
    goals = goals_of(review.version.data)
    if not goals:
        raise ValidationError("This draft has no goals to ask about.")
    missing = [g["title"] for g in goals if support.get(g["id"]) not in (1, 2, 3, 4, 5)]
    if missing:
        raise ValidationError(
            {"support": "Choose how strongly you support: " + "; ".join(missing) + "."}
        )
    if commits not in BuyInResponse.Commitment.values:
        raise ValidationError({"commits": "Say whether you commit to the next steps."})
    group = _group_of(membership) if membership is not None else category.strip()
    with transaction.atomic():
        if membership is not None:
            response, _ = BuyInResponse.objects.update_or_create(
                review=review,
                membership=membership,
                defaults={"commits": commits, "category": group[:100]},
            )
            response.answers.all().delete()
        else:
            response = BuyInResponse.objects.create(
                review=review, is_public=True, commits=commits, category=group[:100]
            )
        BuyInAnswer.objects.bulk_create(
            BuyInAnswer(response=response, goal_id=g["id"], support=support[g["id"]]) for g in goals
        )
    return response
