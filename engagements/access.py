"""The one place that answers "may this user do this to this object".

Every view in every app is marked with exactly one of the decorators below, and every view that
touches an engagement's data loads it through `access_engagement` (or a helper built on it):

- not signed in: sent to the sign-in page;
- not a member of the engagement (including Django superusers, who use the admin): 404, so an
  outsider cannot even learn that the engagement exists;
- a member whose roles do not allow the action: 403.

`tests/test_url_protection.py` walks the URL resolver and fails for any view that carries no
marker, and checks that each marked view really behaves as its marker says.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import TypeVar
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Engagement, Membership, ProcessTemplate, Role


class Can(StrEnum):
    """Actions, from the role table in DESIGN.md section 3."""

    VIEW = "view"
    VIEW_ROSTER = "see the roster with contact details and invitations"
    MANAGE_ENGAGEMENT = "manage the engagement, its phases and roster"
    EDIT_AGENDA = "edit meeting agendas"
    RUN_RETREAT = "run a retreat"
    GROUP_THEMES = "group cards into themes"
    EXPORT_RESULTS = "export retreat results"
    CONTRIBUTE = "add cards and vote"
    EDIT_PLAN = "edit plan drafts"
    READ_DRAFTS = "read drafts"
    COMMENT = "comment on a draft"
    RECOMMEND = "recommend the final plan"
    APPROVE = "vote to approve the final plan"
    UPDATE_PROGRESS = "update action steps and readings"
    READ_WORKING_COPY = "read the working copy of the plan"
    PUBLISH_REVIEW = "publish a draft for review"
    TRIAGE = "answer comments and feedback"
    ANSWER_BUY_IN = "answer the buy-in check"
    FREEZE_PLAN = "freeze the final draft"
    RECORD_DECISION = "record the board's decision"
    UPDATE_ANY_PROGRESS = "report progress on any measure or action step of the lived plan"
    CHANGE_TARGETS = "change a measure's target or baseline, with a reason"
    HAND_OFF = "hand the engagement to a plan lead from the district"
    PUBLISH_PROGRESS = "turn the public progress page on or off"
    PREPARE_BOARD_REPORT = "choose the board report's highlights and write its cover note"
    KEEP_INDICATORS = "keep the indicators and data packs"
    RUN_LISTENING = "build surveys and enter what was said at listening sessions"
    SEE_RESPONDENTS = "see who answered a survey (names and e-mail addresses)"
    SYNTHESIZE = "tag what the community said with themes and carry themes forward"


_EVERY_ROLE = frozenset(Role)
# The hand-off's roles take part in nothing but what is given them by name below: a plan lead
# holds a district role besides (core team, plan team...) that keeps its own rights; an adviser
# (the facilitator who stayed after the hand-off) only reads.
_PLANNING = _EVERY_ROLE - {Role.PLAN_LEAD, Role.ADVISER}
RULES: dict[Can, frozenset[Role]] = {
    Can.VIEW: _EVERY_ROLE,
    Can.VIEW_ROSTER: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    Can.MANAGE_ENGAGEMENT: frozenset({Role.FACILITATOR}),
    Can.EDIT_AGENDA: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    Can.RUN_RETREAT: frozenset({Role.FACILITATOR}),
    Can.GROUP_THEMES: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    Can.EXPORT_RESULTS: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    Can.CONTRIBUTE: _PLANNING,
    Can.EDIT_PLAN: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    # Board members read only published drafts (under review or sent for approval):
    # access_version narrows this per draft.
    Can.READ_DRAFTS: _EVERY_ROLE,
    Can.READ_WORKING_COPY: _EVERY_ROLE - {Role.BOARD},
    Can.COMMENT: _PLANNING,
    Can.RECOMMEND: frozenset({Role.SUPERINTENDENT}),
    Can.APPROVE: frozenset({Role.BOARD}),
    Can.PUBLISH_REVIEW: frozenset({Role.FACILITATOR}),
    Can.TRIAGE: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    # "Each team member" answers the buy-in check; the board decides later, the facilitator
    # runs the process.
    Can.ANSWER_BUY_IN: frozenset({Role.CORE_TEAM, Role.PLAN_TEAM, Role.SUPERINTENDENT}),
    Can.FREEZE_PLAN: frozenset({Role.FACILITATOR}),
    # Only the plan's board clerk, whatever their role: require_board_clerk narrows this.
    Can.RECORD_DECISION: _PLANNING,
    # Plan-team members update only the action steps they own: the planning views narrow this.
    Can.UPDATE_PROGRESS: frozenset(
        {Role.FACILITATOR, Role.CORE_TEAM, Role.PLAN_TEAM, Role.SUPERINTENDENT, Role.PLAN_LEAD}
    ),
    # Living the plan: owners report on their own measures and steps (monitoring narrows
    # UPDATE_PROGRESS to them); these roles report on any; the facilitator, then after the
    # hand-off the plan lead, runs the cycle and changes targets with a reason.
    Can.UPDATE_ANY_PROGRESS: frozenset({Role.FACILITATOR, Role.CORE_TEAM, Role.PLAN_LEAD}),
    Can.CHANGE_TARGETS: frozenset({Role.FACILITATOR, Role.PLAN_LEAD}),
    # The facilitator hands the engagement to the district once the plan is approved; after
    # that the plan lead may pass the role to another member (engagements/services/handoff.py).
    Can.HAND_OFF: frozenset({Role.FACILITATOR, Role.PLAN_LEAD}),
    # The public progress page (issue 16): whoever runs the lived plan decides what the
    # community sees.
    Can.PUBLISH_PROGRESS: frozenset({Role.FACILITATOR, Role.PLAN_LEAD}),
    # The board progress report (reports/views_board.py): every member reads it; whoever runs
    # the lived plan features items and writes its cover note.
    Can.PREPARE_BOARD_REPORT: frozenset({Role.FACILITATOR, Role.PLAN_LEAD}),
    # The environmental scan (evidence/): the facilitator and the core team gather the data the
    # plan team reads before the data retreat; every member reads it.
    Can.KEEP_INDICATORS: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    # Listening (listening/): the facilitator and the core team build surveys and enter session
    # comments; every member reads results without names; only the facilitator sees who
    # answered (names and e-mail addresses of invited respondents).
    Can.RUN_LISTENING: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
    Can.SEE_RESPONDENTS: frozenset({Role.FACILITATOR}),
    # Synthesis (synthesis/): the same team tags comments with themes, picks quotes and carries
    # themes to a retreat board; every member reads themes, counts and quotes (never names).
    # Carrying a theme into the plan also needs EDIT_PLAN.
    Can.SYNTHESIZE: frozenset({Role.FACILITATOR, Role.CORE_TEAM}),
}


@dataclass(frozen=True)
class Access:
    """A member's standing in one engagement, as the views see it."""

    engagement: Engagement
    membership: Membership

    def can(self, action: Can) -> bool:
        return any(role in RULES[action] for role in self.membership.roles)


def roles_allowed(action: Can) -> list[Role]:
    return [role for role in Role if role in RULES[action]]


def access_engagement(request: HttpRequest, engagement_id: UUID, *, need: Can = Can.VIEW) -> Access:
    """Load an engagement for the signed-in user, or raise 404 (not a member) / 403 (role)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such engagement.")
    membership = (
        Membership.objects.select_related("engagement__organization", "stakeholder_group")
        .filter(user=user, engagement_id=engagement_id)
        .first()
    )
    if membership is None:
        raise Http404("No such engagement.")
    access = Access(engagement=membership.engagement, membership=membership)
    if not access.can(need):
        raise PermissionDenied(f"Your role in this engagement does not allow you to {need}.")
    return access


M = TypeVar("M", bound=Model)


def access_object(
    request: HttpRequest,
    engagement_id: UUID,
    queryset: QuerySet[M],
    object_id: UUID,
    *,
    need: Can = Can.VIEW,
    via: str = "engagement",
) -> tuple[Access, M]:
    """Load an object of an engagement (a meeting, an invitation...) for the signed-in user.

    The object must belong to that engagement: an id from another engagement is a 404, like an
    unknown one. `queryset` may carry select_related/prefetch_related for the page. `via` is
    the lookup from the object to its engagement, for objects further down (a plan's goal:
    "plan__engagement").
    """
    access = access_engagement(request, engagement_id, need=need)
    obj = get_object_or_404(queryset, pk=object_id, **{via: access.engagement})
    return access, obj


def version_is_published(version: Model) -> bool:
    """Whether a saved draft has been published for review or sent for approval."""
    return (
        version.__class__.objects.filter(pk=version.pk)
        .filter(models.Q(review__isnull=False) | models.Q(approvals__isnull=False))
        .exists()
    )


# The largest number an integer column holds on every database the site runs on (PostgreSQL's
# "integer"). A larger number in an address names no row; sent to the database it overflows
# (SQLite raises OverflowError), so it stops here as "not found".
MAX_ROW_NUMBER = 2**31 - 1


def row_number(value: str | int | None) -> int | None:
    """A number from a URL or a query string, checked before it reaches the database: the number,
    None when there is none (missing, or not written in digits: the caller says what to do), 404
    when no row can have it. Every number taken from an address goes through here."""
    if isinstance(value, str):
        value = int(value) if value.isascii() and value.isdigit() else None
    if value is None:
        return None
    if not 0 <= value <= MAX_ROW_NUMBER:
        raise Http404("No such number.")
    return value


def access_version(
    request: HttpRequest, engagement_id: UUID, number: int, *, need: Can = Can.READ_DRAFTS
) -> tuple[Access, Model]:
    """A saved draft of the engagement's plan by its number (404 if there is none). A member who
    may not read the working copy (the board) reads a draft only once it is published for review
    or sent for approval (403 before)."""
    access = access_engagement(request, engagement_id, need=need)
    number = row_number(number)
    version_model = apps.get_model("planning", "PlanVersion")
    version = (
        version_model.objects.select_related("author", "plan")
        .filter(plan__engagement=access.engagement, number=number)
        .first()
    )
    if version is None:
        raise Http404("No such draft.")
    if not access.can(Can.READ_WORKING_COPY) and not version_is_published(version):
        raise PermissionDenied(
            "Board members read a draft once it is published for review or sent to the board."
        )
    return access, version


def require_board_clerk(access: Access, plan: Model) -> None:
    """Recording the board's decision is for the member chosen as the plan's board clerk."""
    if plan.board_clerk_id is None or plan.board_clerk_id != access.membership.pk:
        raise PermissionDenied("Only the board clerk records the board's decision.")


def require_facilitator_account(request: HttpRequest) -> None:
    """Creating engagements and process templates is for facilitator accounts only (403)."""
    if not getattr(request.user, "can_facilitate", False):
        raise PermissionDenied(
            "Only facilitator accounts can do this. Ask the site administrator to make your "
            "account a facilitator account."
        )


def access_template(
    request: HttpRequest, template_id: UUID, *, edit: bool = False
) -> ProcessTemplate:
    """A process template for a facilitator account: the built-in ones and their own copies.

    Another facilitator's copy is a 404; changing a built-in template is a 403 (copy it first).
    """
    require_facilitator_account(request)
    template = (
        ProcessTemplate.objects.filter(pk=template_id)
        .filter(models.Q(owner__isnull=True) | models.Q(owner=request.user))
        .first()
    )
    if template is None:
        raise Http404("No such process template.")
    if edit and template.is_builtin:
        raise PermissionDenied(
            "The built-in templates stay as their published processes describe them. "
            "Make a copy to change its phases."
        )
    return template


# --- retreats: members and guests ----------------------------------------------------------------
# Retreats live in the app above this one; it is reached through the app registry so this base
# module imports nothing from it, yet stays the one place access is decided.

GUEST_SESSION_KEY = "retreat-guest:{retreat_id}"


def guest_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class RetreatAccess:
    """Who is looking at a retreat: a member (with their Access) or a guest, and their
    participant row once they have joined."""

    retreat: Model
    access: Access | None
    participant: Model | None

    @property
    def is_guest(self) -> bool:
        return self.access is None

    def can(self, action: Can) -> bool:
        if self.access is not None:
            return self.access.can(action)
        return action in GUEST_ACTIONS


# A guest who joined by code may look at that retreat's boards and add cards and vote: no more.
GUEST_ACTIONS = frozenset({Can.VIEW, Can.CONTRIBUTE})


def access_retreat(
    request: HttpRequest, retreat_id: UUID, *, need: Can = Can.VIEW
) -> RetreatAccess:
    """Load a retreat for a member of its engagement or for a guest who joined it by code.

    Not a member and not its guest: 404. A member whose role does not allow the action: 403.
    A guest, once the retreat is closed or for anything but viewing and contributing: 403.
    """
    retreat_model = apps.get_model("retreats", "Retreat")
    retreat = (
        retreat_model.objects.select_related("engagement__organization", "phase")
        .filter(pk=retreat_id)
        .first()
    )
    if retreat is None:
        raise Http404("No such retreat.")
    return _retreat_access(request, retreat, need)


def _retreat_access(request: HttpRequest, retreat: Model, need: Can) -> RetreatAccess:
    participant_model = apps.get_model("retreats", "Participant")
    if request.user.is_authenticated:
        membership = (
            Membership.objects.select_related("stakeholder_group", "user")
            .filter(user=request.user, engagement_id=retreat.engagement_id)
            .first()
        )
        if membership is not None:
            access = Access(engagement=retreat.engagement, membership=membership)
            if not access.can(need):
                raise PermissionDenied(
                    f"Your role in this engagement does not allow you to {need}."
                )
            participant = participant_model.objects.filter(
                retreat=retreat, membership=membership
            ).first()
            return RetreatAccess(retreat=retreat, access=access, participant=participant)
    token = request.session.get(GUEST_SESSION_KEY.format(retreat_id=retreat.pk))
    if token:
        participant = (
            participant_model.objects.select_related("stakeholder_group")
            .filter(
                retreat=retreat, membership__isnull=True, guest_token_hash=guest_token_hash(token)
            )
            .first()
        )
        if participant is not None:
            if not retreat.is_open:
                raise PermissionDenied("This retreat is closed now. Thank you for taking part!")
            if need not in GUEST_ACTIONS:
                raise PermissionDenied("Guests can add cards and vote, nothing more.")
            return RetreatAccess(retreat=retreat, access=None, participant=participant)
    raise Http404("No such retreat.")


def guest_stream_unchanged(
    *, session_key: str, token: str, participant_id: str, retreat_id: str, activity_id: str
) -> bool:
    """_retreat_access's guest branch for one board, as one plain statement (no ORM: a
    1,000-person room's open streams re-check 67 times a second, retreats/push_asgi.py).

    True while everything that branch read when it let the guest in is as it was: their session
    (unexpired, still no account in it, the same token for this retreat), their participant row
    (still a guest of this retreat with that token), the retreat open, the board in it. Then the
    full check would let them in again; any difference, and the caller must run the full check.
    """
    from django.contrib.auth import SESSION_KEY
    from django.db import connection
    from django.utils import timezone

    from config.db import statement_cursor

    session_model = apps.get_model("sessions", "Session")
    participant_model = apps.get_model("retreats", "Participant")
    retreat_model = apps.get_model("retreats", "Retreat")
    activity_model = apps.get_model("retreats", "Activity")

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def db_id(value: str):  # a uuid on PostgreSQL, hex text on SQLite
        return participant_model._meta.pk.get_db_prep_value(UUID(str(value)), connection)

    sql = (
        f"SELECT s.session_data FROM {table(session_model)} s, {table(participant_model)} p"  # noqa: S608
        f" JOIN {table(retreat_model)} r ON r.id = p.retreat_id"
        f" JOIN {table(activity_model)} a ON a.retreat_id = r.id"
        " WHERE s.session_key = %s AND s.expire_date > %s AND p.id = %s"
        " AND p.membership_id IS NULL AND p.guest_token_hash = %s"
        " AND r.id = %s AND r.is_open AND a.id = %s"
    )
    params = [
        session_key,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        db_id(participant_id),
        guest_token_hash(token),
        db_id(retreat_id),
        db_id(activity_id),
    ]
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    data = import_module(settings.SESSION_ENGINE).SessionStore().decode(row[0])
    if SESSION_KEY in data:
        return False
    return data.get(GUEST_SESSION_KEY.format(retreat_id=retreat_id)) == token


def access_activity(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, *, need: Can = Can.VIEW
) -> tuple[RetreatAccess, Model]:
    """An activity of a retreat, through access_retreat; an activity of another retreat is a 404."""
    activity_model = apps.get_model("retreats", "Activity")
    # One query for the board and its retreat (a board's writes are a live room's most frequent
    # requests): an unknown board, or one of another retreat, is a 404 like an unknown retreat.
    activity = (
        activity_model.objects.select_related("retreat__engagement__organization", "retreat__phase")
        .filter(pk=activity_id, retreat_id=retreat_id)
        .first()
    )
    if activity is None:
        raise Http404("No such activity.")
    return _retreat_access(request, activity.retreat, need), activity


# --- markers: every view carries exactly one ---------------------------------------------------

PUBLIC = "public"
SIGNED_IN = "signed in"
FACILITATOR_ACCOUNTS = "facilitator accounts"
MEMBERS = "members"
PARTICIPANTS = "retreat participants"


def _mark(view: Callable, rule: str) -> Callable:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (sign-in, password reset, join page, public feedback)."""
    return _mark(view, PUBLIC)


def signed_in(view: Callable) -> Callable:
    """Any signed-in person; the view touches no engagement's data (home, profile)."""
    return _mark(login_required(view), SIGNED_IN)


def facilitator_accounts(view: Callable) -> Callable:
    """Facilitator accounts only (403 for others): creating engagements, process templates.

    The view calls `require_facilitator_account` or `access_template` itself.
    """
    return _mark(login_required(view), FACILITATOR_ACCOUNTS)


def retreat_participants(view: Callable) -> Callable:
    """Members of the retreat's engagement, or guests who joined it by code (no sign-in needed).

    The view loads the retreat through `access_retreat` or `access_activity`, which answer 404
    to anyone else.
    """
    return _mark(view, PARTICIPANTS)


def members_only(view: Callable) -> Callable:
    """Signed-in people only; the view loads its engagement through `access_engagement`."""
    return _mark(login_required(view), MEMBERS)


# --- living the plan: who reports on an element of the approved plan ---------------------------


def may_report_on(access: Access, user, owner_email: str | None) -> bool:
    """Whether this member may report progress on an element of the lived plan whose owner, in
    the approved snapshot, has the address `owner_email`: the UPDATE_ANY_PROGRESS roles on any
    element; the owner (matched by their account's e-mail address) on their own, when their
    role may update progress at all (UPDATE_PROGRESS)."""
    if access.can(Can.UPDATE_ANY_PROGRESS):
        return True
    email = (getattr(user, "email", "") or "").lower()
    return bool(
        access.can(Can.UPDATE_PROGRESS) and email and owner_email and email == owner_email.lower()
    )
