"""Every step of review and approval from every state a draft can be in: a step is offered only
where it applies, and a step taken where it does not (an old page, a hand-made POST) is refused
with a message and changes nothing. The states are a saved draft (working), a draft under
review, the final draft, the recommended draft, the approved plan and a draft sent back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement, Membership
from planning import services
from planning.models import Approval, ApprovalRule, PlanEvent, Review
from planning.services import approval as approvals
from planning.services import review as reviews
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

STATES = ("working", "under_review", "final", "recommended", "approved", "sent_back")
ACTIONS = ("publish", "freeze", "recommend", "vote", "decision", "edit_status")
# Where each step applies, and the state it leads to.
ALLOWED = {
    "publish": {"working": "under_review", "sent_back": "under_review"},
    "freeze": {"working": "final", "under_review": "final", "sent_back": "final"},
    "recommend": {"final": "recommended"},
    "vote": {"recommended": "approved"},
    "decision": {"recommended": "approved"},
    "edit_status": {},  # never by hand: the status follows the timeline and the approval
}


def member(cast, role) -> Membership:
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def reach(state: str, cast, rule: str):
    """A draft of the Riverside plan brought to `state` through the services, under `rule`."""
    plan = services.plan_for(cast.engagement)
    if rule == ApprovalRule.RECORDED:
        approvals.approval_settings_update(
            plan=plan, rule=rule, clerk=member(cast, "board"), by=cast.facilitator
        )
    GoalFactory(plan=plan, title="Chaque élève lit couramment à la fin du CE1 (every reader)")
    version = services.version_save(plan=plan, label="Draft for the board", author=cast.facilitator)
    if state == "working":
        return plan, version
    if state == "under_review":
        today = timezone.localdate()
        reviews.review_publish(
            version=version,
            opens_on=today,
            closes_on=today + timedelta(days=14),
            public_link=False,
            public_buy_in=False,
            by=cast.facilitator,
        )
        return plan, version
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    if state == "sent_back":
        approvals.plan_send_back(
            approval=approval, by=cast.superintendent, reasons="Add targets for attendance."
        )
        return plan, version
    if state == "final":
        return plan, version
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="I recommend it.")
    if state == "approved":
        if rule == ApprovalRule.RECORDED:
            approvals.board_decision_record(
                approval=approval,
                by=cast.board,
                approved=True,
                meeting_date=timezone.localdate(),
                minutes_reference="Regular meeting, item 9.1",
            )
        else:
            approvals.board_vote(
                approval=approval, membership=member(cast, "board"), choice="approve", note=""
            )
    return plan, version


def stage(version) -> str:
    """Where a saved draft stands, in the table's words."""
    rounds = list(Approval.objects.filter(version=version).order_by("-frozen_at"))
    if any(a.state == Approval.State.APPROVED for a in rounds):
        return "approved"
    review = Review.objects.filter(version=version).first()
    if review is not None and review.state != Review.State.CLOSED:
        return "under_review"  # also a draft sent back, then published for comments
    if rounds:
        return rounds[0].state
    return "working"


def take(action: str, client, cast, version):
    """Take a step as the person whose step it is, as a browser would send it."""
    engagement_id = cast.engagement.pk
    today = timezone.localdate()
    if action == "publish":
        client.force_login(cast.facilitator)
        url = reverse("planning:publish", args=[engagement_id, version.number])
        data = {"opens_on": today, "closes_on": today + timedelta(days=14)}
    elif action == "freeze":
        client.force_login(cast.facilitator)
        url = reverse("planning:freeze", args=[engagement_id])
        data = {"version": version.pk, "note": ""}
    elif action == "recommend":
        client.force_login(cast.superintendent)
        url = reverse("planning:recommend", args=[engagement_id])
        data = {"step": "recommend", "note": "I recommend it to the board."}
    elif action == "vote":
        client.force_login(cast.board)
        url = reverse("planning:vote", args=[engagement_id])
        data = {"choice": "approve", "note": ""}
    elif action == "decision":
        client.force_login(cast.board)
        url = reverse("planning:decision", args=[engagement_id])
        data = {
            "approved": "yes",
            "meeting_date": today,
            "minutes_reference": "Regular meeting, item 9.1",
        }
    else:
        client.force_login(cast.facilitator)
        url = reverse("engagements:edit", args=[engagement_id])
        data = {"name": cast.engagement.name, "status": "preparing"}
    return client.post(url, data, follow=True)


def rule_for(action: str) -> str:
    return ApprovalRule.RECORDED if action == "decision" else ApprovalRule.MAJORITY


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_step_applies_only_from_its_states(client, cast, action, state):
    plan, version = reach(state, cast, rule_for(action))
    shown_before = Engagement.objects.get(pk=cast.engagement.pk).status
    events = PlanEvent.objects.count()
    response = take(action, client, cast, version)
    assert response.status_code in (200, 400), response.status_code
    after = ALLOWED[action].get(state)
    if after is None:
        assert stage(version) == state, f"{action} from {state} was not refused"
        assert PlanEvent.objects.count() == events
        assert Engagement.objects.get(pk=cast.engagement.pk).status == shown_before
        body = response.content.decode()
        assert 'class="message message--' in body or 'class="form-errors"' in body
    else:
        assert stage(version) == after


def offered(action: str, client, cast, version) -> bool:
    """Whether the page where a step starts offers it to the person whose step it is."""
    engagement_id = cast.engagement.pk
    if action == "publish":
        client.force_login(cast.facilitator)
        body = client.get(reverse("planning:draft", args=[engagement_id, version.number]))
        listing = client.get(reverse("planning:drafts", args=[engagement_id]))
        link = reverse("planning:publish", args=[engagement_id, version.number])
        on_draft = f'href="{link}"' in body.content.decode()
        assert (f'href="{link}"' in listing.content.decode()) == on_draft
        return on_draft
    if action == "freeze":
        client.force_login(cast.facilitator)
        body = client.get(reverse("planning:freeze", args=[engagement_id])).content.decode()
        return f'value="{version.pk}"' in body
    role, name = {
        "recommend": ("superintendent", "recommend"),
        "vote": ("board", "vote"),
        "decision": ("board", "decision"),
    }[action]
    client.force_login(cast.member(role))
    body = client.get(reverse("planning:approval", args=[engagement_id])).content.decode()
    return f'href="{reverse(f"planning:{name}", args=[engagement_id])}"' in body


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "edit_status"])
def test_each_step_is_offered_only_where_it_applies(client, cast, action, state):
    plan, version = reach(state, cast, rule_for(action))
    assert offered(action, client, cast, version) == (state in ALLOWED[action])


def test_the_approved_plan_is_not_reopened_for_comments(client, cast):
    """The reported defect: the approved draft's page offered "Publish for review", and posting
    it put the approved plan back "Open for comments"."""
    plan, version = reach("approved", cast, ApprovalRule.MAJORITY)
    client.force_login(cast.facilitator)
    draft_url = reverse("planning:draft", args=[cast.engagement.pk, version.number])
    assert "Publish for review" not in client.get(draft_url).content.decode()
    publish_url = reverse("planning:publish", args=[cast.engagement.pk, version.number])
    body = client.get(publish_url, follow=True).content.decode()
    assert "Draft 1 is the approved plan" in body
    take("publish", client, cast, version)
    assert not Review.objects.filter(version=version).exists()
    history = client.get(reverse("planning:history", args=[cast.engagement.pk])).content
    assert b"Published draft 1 for review" not in history


def test_no_draft_is_published_while_another_is_with_the_board(client, cast):
    plan, version = reach("recommended", cast, ApprovalRule.MAJORITY)
    other = services.version_save(plan=plan, label="Next ideas", author=cast.facilitator)
    body = take("publish", client, cast, other).content.decode()
    assert "Draft 1 is with the board now" in body
    assert not Review.objects.filter(version=other).exists()
