"""What waits for a member of the planning work: a vote, a recommendation, a decision to record,
a draft to comment on, a buy-in check to answer, comments to triage. Shown first on the home
page (every engagement of the user) and on an engagement's page (that one), in at most six
queries whatever the number of engagements, drafts or comments."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse
from django.utils import timezone

from engagements.access import RULES, Can
from engagements.models import Engagement, Membership, Role

from ..models import Approval, ApprovalRule, BoardVote, BuyInResponse, Comment, Review

# One line each for the words people meet here first.
FINAL_DRAFT = (
    "The final draft is the saved draft the facilitator froze for approval: it no longer changes."
)
WORKING_COPY = (
    "The working copy is the plan as the team edits it; a saved draft is a copy of it "
    "that never changes."
)
BUY_IN = (
    "The buy-in check asks how strongly you support each goal and whether you commit to the "
    "next steps."
)


# The id of the draft's first goal, read in the database (the buy-in check asks about goals, and
# a draft's data may be large).
_FIRST_GOAL = KeyTextTransform(
    "id", KeyTransform("0", KeyTransform("goals", KeyTransform("plan", "version__data")))
)


@dataclass(frozen=True)
class Task:
    engagement: Engagement
    kind: str  # recommend, vote, record, buy-in, comment, triage
    title: str
    explain: str  # the line that says what the words mean
    action: str  # the button's words
    url: str
    due: date | None = None


def _may(membership: Membership, action: Can) -> bool:
    return any(role in RULES[action] for role in membership.roles)


def tasks_for(memberships: Iterable[Membership]) -> list[Task]:
    """The tasks waiting for the holder of these memberships (with their engagements loaded),
    the most pressing first: approval steps, then reviews, then triage."""
    mine = {m.engagement_id: m for m in memberships}
    if not mine:
        return []
    today = timezone.localdate()
    approvals = list(
        Approval.objects.filter(plan__engagement_id__in=mine, state__in=Approval.ACTIVE)
        .select_related("version", "plan")
        .defer("version__data")
    )
    reviews = list(
        Review.objects.filter(
            version__plan__engagement_id__in=mine,
            closed_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .select_related("version__plan")
        .defer("version__data")
        .annotate(first_goal=_FIRST_GOAL)
        .order_by("closes_on")
    )
    tasks = _approval_tasks(mine, approvals) + _review_tasks(mine, reviews)
    return tasks + _triage_tasks(mine)


def _approval_tasks(mine: dict, approvals: list[Approval]) -> list[Task]:
    votes_wanted = [
        a
        for a in approvals
        if a.state == Approval.State.RECOMMENDED
        and a.rule == ApprovalRule.MAJORITY
        and Role.BOARD in mine[a.plan.engagement_id].roles
    ]
    voted = set()
    if votes_wanted:
        voted = set(
            BoardVote.objects.filter(
                approval__in=votes_wanted, membership__in=list(mine.values())
            ).values_list("approval_id", flat=True)
        )
    tasks = []
    for approval in approvals:
        membership = mine[approval.plan.engagement_id]
        engagement, number = membership.engagement, approval.version.number
        if approval.state == Approval.State.FINAL and _may(membership, Can.RECOMMEND):
            tasks.append(
                Task(
                    engagement,
                    "recommend",
                    f"Recommend the final draft (draft {number}) to the board, or send it back",
                    FINAL_DRAFT,
                    "Recommend or send back",
                    reverse("planning:recommend", args=[engagement.pk]),
                )
            )
        elif approval in votes_wanted and approval.pk not in voted:
            tasks.append(
                Task(
                    engagement,
                    "vote",
                    f"Vote on the plan the superintendent recommends (draft {number})",
                    FINAL_DRAFT + " A majority of the whole board approving makes it the plan.",
                    "Vote now",
                    reverse("planning:vote", args=[engagement.pk]),
                )
            )
        elif (
            approval.state == Approval.State.RECOMMENDED
            and approval.rule == ApprovalRule.RECORDED
            and approval.plan.board_clerk_id == membership.pk
        ):
            tasks.append(
                Task(
                    engagement,
                    "record",
                    f"Record the board’s decision on the recommended plan (draft {number})",
                    FINAL_DRAFT + " As board clerk, you record what the board decided.",
                    "Record the decision",
                    reverse("planning:decision", args=[engagement.pk]),
                )
            )
    return tasks


def _review_tasks(mine: dict, reviews: list[Review]) -> list[Task]:
    if not reviews:
        return []
    members = list(mine.values())
    commented = set(
        Comment.objects.filter(review__in=reviews, author__in=members).values_list(
            "review_id", flat=True
        )
    )
    answered = set(
        BuyInResponse.objects.filter(review__in=reviews, membership__in=members).values_list(
            "review_id", flat=True
        )
    )
    tasks = []
    for review in reviews:
        membership = mine[review.version.plan.engagement_id]
        engagement, number = membership.engagement, review.version.number
        args = [engagement.pk, number]
        if (
            review.first_goal is not None
            and review.pk not in answered
            and _may(membership, Can.ANSWER_BUY_IN)
        ):
            tasks.append(
                Task(
                    engagement,
                    "buy-in",
                    f"Answer the buy-in check on draft {number}",
                    BUY_IN,
                    "Answer the buy-in check",
                    reverse("planning:buy-in", args=args),
                    review.closes_on,
                )
            )
        if review.pk not in commented and _may(membership, Can.COMMENT):
            tasks.append(
                Task(
                    engagement,
                    "comment",
                    f"Read draft {number} and comment on it",
                    "A draft under review is a saved copy of the plan: the team changes the "
                    "plan from what you write.",
                    "Read and comment",
                    reverse("planning:review", args=args),
                    review.closes_on,
                )
            )
    return tasks


def _triage_tasks(mine: dict) -> list[Task]:
    triaging = [m.engagement_id for m in mine.values() if _may(m, Can.TRIAGE)]
    if not triaging:
        return []
    waiting = (
        Comment.objects.filter(
            review__version__plan__engagement_id__in=triaging,
            state=Comment.State.OPEN,
            parent__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values("review__version__plan__engagement_id", "review__version__number")
        .annotate(count=Count("id"))
        .order_by("review__version__plan__engagement_id", "review__version__number")
    )
    tasks = []
    for row in waiting:
        engagement = mine[row["review__version__plan__engagement_id"]].engagement
        number, count = row["review__version__number"], row["count"]
        tasks.append(
            Task(
                engagement,
                "triage",
                f"Answer {count} comment{'s' if count != 1 else ''} on draft {number}",
                "Accept, decline or mark each as a duplicate; what you accept, you change in "
                "the working copy. " + WORKING_COPY,
                "Triage the comments",
                reverse("planning:inbox", args=[engagement.pk, number]),
            )
        )
    return tasks
