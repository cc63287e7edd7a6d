"""The plan being lived is the board's latest approved version, and only this engagement's."""

from datetime import timedelta

from django.utils import timezone

from monitoring.selectors.plan import approved_version
from planning.models import Approval

from ..factories import ApprovalFactory, PlanFactory, PlanVersionFactory


def test_no_plan_is_lived_before_the_board_approves_one(cast):
    plan = PlanFactory(engagement=cast.engagement)
    ApprovalFactory(version=PlanVersionFactory(plan=plan), state=Approval.State.RECOMMENDED)
    assert approved_version(cast.engagement) is None


def test_the_latest_approved_version_is_the_one_lived(cast, django_assert_num_queries):
    plan = PlanFactory(engagement=cast.engagement)
    now = timezone.now()
    first = PlanVersionFactory(plan=plan)
    second = PlanVersionFactory(plan=plan)
    ApprovalFactory(version=first, state=Approval.State.APPROVED, decided_at=now - timedelta(1))
    ApprovalFactory(version=second, state=Approval.State.APPROVED, decided_at=now)
    ApprovalFactory(
        version=PlanVersionFactory(plan=PlanFactory(engagement=cast.foreign_engagement)),
        state=Approval.State.APPROVED,
        decided_at=now + timedelta(1),
    )
    with django_assert_num_queries(1):
        assert approved_version(cast.engagement) == second
