"""The access rules of DESIGN.md section 3, role by role, through engagements.access."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from engagements.access import Can, access_engagement
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Written out from the design's table, not derived from the code, so the two must agree.
ALLOWED = {
    Can.VIEW: {
        "facilitator",
        "core_team",
        "plan_team",
        "board",
        "superintendent",
        "plan_lead",
        "adviser",
    },
    Can.VIEW_ROSTER: {"facilitator", "core_team"},
    Can.MANAGE_ENGAGEMENT: {"facilitator"},
    Can.EDIT_AGENDA: {"facilitator", "core_team"},
    Can.RUN_RETREAT: {"facilitator"},
    Can.GROUP_THEMES: {"facilitator", "core_team"},
    Can.EXPORT_RESULTS: {"facilitator", "core_team"},
    Can.CONTRIBUTE: {"facilitator", "core_team", "plan_team", "board", "superintendent"},
    Can.EDIT_PLAN: {"facilitator", "core_team"},
    Can.READ_DRAFTS: {
        "facilitator",
        "core_team",
        "plan_team",
        "board",
        "superintendent",
        "plan_lead",
        "adviser",
    },
    Can.COMMENT: {"facilitator", "core_team", "plan_team", "board", "superintendent"},
    Can.RECOMMEND: {"superintendent"},
    Can.APPROVE: {"board"},
    Can.UPDATE_PROGRESS: {"facilitator", "core_team", "plan_team", "superintendent", "plan_lead"},
    Can.READ_WORKING_COPY: {
        "facilitator",
        "core_team",
        "plan_team",
        "superintendent",
        "plan_lead",
        "adviser",
    },
    Can.PUBLISH_REVIEW: {"facilitator"},
    Can.TRIAGE: {"facilitator", "core_team"},
    Can.ANSWER_BUY_IN: {"core_team", "plan_team", "superintendent"},
    Can.FREEZE_PLAN: {"facilitator"},
    # Every role at the role level; require_board_clerk narrows it to the plan's clerk.
    Can.RECORD_DECISION: {"facilitator", "core_team", "plan_team", "board", "superintendent"},
    # Owners report on their own measures and steps; these roles on any (design, section 3).
    # After the hand-off the plan lead runs the lived plan; an adviser only reads.
    Can.UPDATE_ANY_PROGRESS: {"facilitator", "core_team", "plan_lead"},
    Can.CHANGE_TARGETS: {"facilitator", "plan_lead"},
    Can.HAND_OFF: {"facilitator", "plan_lead"},
    Can.PUBLISH_PROGRESS: {"facilitator", "plan_lead"},
    Can.PREPARE_BOARD_REPORT: {"facilitator", "plan_lead"},
    Can.KEEP_INDICATORS: {"facilitator", "core_team"},
    Can.RUN_LISTENING: {"facilitator", "core_team"},
    Can.SEE_RESPONDENTS: {"facilitator"},
    Can.SYNTHESIZE: {"facilitator", "core_team"},
}
ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent", "plan_lead", "adviser"]


def member_with(cast, role: str):
    """The cast's member with this role alone; the hand-off's roles are made here (the shared
    cast holds the planning roles only)."""
    if role in ("plan_lead", "adviser"):
        user = UserFactory(full_name=f"{role} person")
        MembershipFactory(user=user, engagement=cast.engagement, roles=[role])
        return user
    return cast.member(role)


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_action_has_a_rule():
    assert set(ALLOWED) == set(Can)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Can))
def test_each_role_may_do_exactly_what_the_design_allows(cast, role, action):
    request = request_for(member_with(cast, role))
    if role in ALLOWED[action]:
        access = access_engagement(request, cast.engagement.pk, need=action)
        assert access.engagement == cast.engagement
        assert access.can(action)
    else:
        with pytest.raises(PermissionDenied):
            access_engagement(request, cast.engagement.pk, need=action)


def test_a_person_with_two_roles_may_do_what_either_allows(cast):
    user = UserFactory()
    MembershipFactory(user=user, engagement=cast.engagement, roles=["plan_team", "superintendent"])
    access = access_engagement(request_for(user), cast.engagement.pk, need=Can.RECOMMEND)
    assert access.can(Can.CONTRIBUTE)
    assert not access.can(Can.EDIT_PLAN)


def test_an_outsider_cannot_learn_that_an_engagement_exists(cast):
    with pytest.raises(Http404):
        access_engagement(request_for(cast.outsider), cast.engagement.pk)


def test_a_member_cannot_reach_another_organizations_engagement(cast):
    with pytest.raises(Http404):
        access_engagement(request_for(cast.facilitator), cast.foreign_engagement.pk)


def test_an_unknown_id_is_not_found(cast):
    with pytest.raises(Http404):
        access_engagement(request_for(cast.facilitator), uuid.uuid4())


def test_a_superuser_sees_engagements_only_through_the_admin(cast):
    admin = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(Http404):
        access_engagement(request_for(admin), cast.engagement.pk)


def test_an_anonymous_visitor_is_not_found(cast):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        access_engagement(request_for(AnonymousUser()), cast.engagement.pk)
