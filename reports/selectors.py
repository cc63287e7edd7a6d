"""What a report prints, gathered into plain JSON-ready data when the report is asked for.

The content is kept on the job (so a retry renders the same thing) and hashed with the layout
templates (so an unchanged report is reused, not rendered again). Everything is read in a fixed
number of queries whatever the plan's size, and every date and amount is already in words.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.fields.json import KT
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from engagements.models import Engagement, Meeting, Membership
from engagements.selectors.roster import roster_for
from planning.diff import STATEMENTS
from planning.models import (
    Approval,
    ApprovalRule,
    BoardVote,
    Comment,
    Plan,
    PlanEvent,
    PlanVersion,
)
from planning.schema import export_plan
from planning.selectors.approval import version_approval
from planning.selectors.review import WHOLE
from planning.selectors.snapshot import snapshot
from retreats.models import Activity, Card, Dot, Retreat, Theme
from retreats.record import RECORD_MIN_GROUP, record_for

from .models import ReportJob, ReportSettings

QUADRANTS = dict(Card.Quadrant.choices)
TOP_ITEMS = 5  # per SWOT quadrant
TOP_THEMES = 8


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "N j, Y")


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "N j, Y, P")


def _number(value) -> str:
    """A snapshot amount ("12.50", "7.00") as people write it: 12.5, 7; thousands with commas."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral():
        return f"{int(amount):,}"
    return f"{amount:,f}"


def _with_unit(value, unit: str) -> str:
    shown = _number(value)
    if not shown:
        return ""
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


# --- the parts both reports share -------------------------------------------------------------


def layout_for(engagement: Engagement) -> dict:
    settings = ReportSettings.objects.filter(engagement=engagement).first()
    if settings is None:
        settings = ReportSettings(engagement=engagement)
    return {
        "paper": settings.paper,
        "orientation": settings.orientation,
        "one_page_shows": settings.one_page_shows,
        "logo": settings.logo.name if settings.logo else "",
        "logo_sha256": settings.logo_sha256 if settings.logo else "",
    }


def _status(engagement: Engagement, version: PlanVersion | None) -> dict:
    """Whether this is the approved plan, or a draft (which every page must say)."""
    if version is None:
        return {
            "approved": False,
            "source": "the working copy",
            "draft_line": "DRAFT · Working copy · Not approved",
            "approved_line": "",
        }
    named = f"Draft {version.number} “{version.label}”"
    approval = version_approval(version)
    if approval is not None and approval.state == Approval.State.APPROVED:
        on = approval.meeting_date or approval.decided_at
        return {
            "approved": True,
            "source": f"the approved plan (draft {version.number})",
            "draft_line": "",
            "approved_line": f"Approved by the board on {_day(on)}",
        }
    return {
        "approved": False,
        "source": f"draft {version.number}",
        "draft_line": f"DRAFT · {named} · Not approved",
        "approved_line": "",
    }


def _plan_data(engagement: Engagement, version: PlanVersion | None) -> dict:
    if version is not None:
        return version.data
    plan = Plan.objects.filter(engagement=engagement).first()
    if plan is None:
        return {"plan": {}}
    return export_plan(plan)


def _groups(plan: dict) -> list[dict]:
    """The goals in reading order, under their objectives when the plan uses them, numbered
    through the whole plan."""
    if plan["use_objectives"] and plan["objectives"]:
        groups = [
            {"title": o["title"], "description": o.get("description", ""), "goals": o["goals"]}
            for o in plan["objectives"]
            if o["goals"]
        ]
        if plan["loose_goals"]:
            groups.append({"title": "", "description": "", "goals": plan["loose_goals"]})
    else:
        groups = [{"title": "", "description": "", "goals": plan["goals"]}] if plan["goals"] else []
    number = 0
    for group in groups:
        for goal in group["goals"]:
            number += 1
            goal["number"] = number
    return groups


def _head(kind: str, engagement: Engagement, version: PlanVersion | None) -> tuple[dict, dict]:
    data = _plan_data(engagement, version)
    plan = snapshot(data)
    head = {
        "kind": kind,
        "organization": engagement.organization.name,
        "engagement": engagement.name,
        "terms": engagement.terms,
        "status": _status(engagement, version),
        "layout": layout_for(engagement),
        "made_on": _day(timezone.now()),
        # When the working copy was read (saved drafts carry their own number and label).
        "as_of": _moment(timezone.now()) if version is None else "",
        "mission": plan["mission"],
        "vision": plan["vision"],
        "statements": [[label, text] for label, text in plan["statements"]],
        "values": [
            {
                "title": v.get("title", ""),
                "description": v.get("description", ""),
                "source": source_line(v.get("source")),
            }
            for v in plan["values"]
        ],
    }
    return head, plan


# --- the one-page plan --------------------------------------------------------------------------


def one_page_content(engagement: Engagement, version: PlanVersion | None) -> dict:
    head, plan = _head(ReportJob.Kind.ONE_PAGE, engagement, version)
    head["groups"] = [
        {
            "title": group["title"],
            "goals": [
                {
                    "number": goal["number"],
                    "title": goal.get("title", ""),
                    "strategies": [s.get("title", "") for s in goal["strategies"]],
                    "measures": [_measure(m) for m in goal["measures"]],
                }
                for goal in group["goals"]
            ],
        }
        for group in _groups(plan)
    ]
    return head


# --- the support document -------------------------------------------------------------------------


def _measure(measure: dict) -> dict:
    unit = measure.get("unit", "")
    return {
        "indicator": measure.get("indicator", ""),
        "data_source": measure.get("data_source", ""),
        "baseline": _with_unit(measure.get("baseline"), unit),
        "baseline_date": _day(measure.get("baseline_date")),
        "target": _with_unit(measure.get("target"), unit),
        "target_date": _day(measure.get("target_date")),
        "direction": measure.get("direction_display", ""),
        "frequency": measure.get("frequency_display", ""),
    }


def _names_by_email(engagement: Engagement) -> dict[str, str]:
    members = Membership.objects.filter(engagement=engagement).select_related("user")
    return {m.user.email.lower(): m.user.get_full_name() for m in members}


def _owner(email: str | None, names: dict[str, str]) -> str:
    if not email:
        return ""
    return names.get(email.lower(), email)


def _step(step: dict, names: dict[str, str]) -> dict:
    resources = [
        part
        for part in (
            step.get("resources_people", ""),
            step.get("resources_time", ""),
            f"${_number(step['resources_money'])}" if step.get("resources_money") else "",
        )
        if part
    ]
    return {
        "description": step.get("description", ""),
        "stage": step.get("stage_display", ""),
        "owner": _owner(step.get("owner"), names),
        "start": _day(step.get("start_date")),
        "due": _day(step.get("due_date")),
        "resources": "; ".join(resources),
    }


def source_line(source: dict | None) -> str:
    """Where a goal, strategy or value came from, in the plan builder's words: "From the
    retreats: card “…”, 12 dots" or "Community input: “…”, 14 comments"; "" for none."""
    if not source or not source.get("text"):
        return ""
    count = source.get("dots")
    if source.get("kind") == "voices":
        tail = "" if count is None else f", {count} comment{pluralize(count)}"
        return f"Community input: “{source['text']}”{tail}"
    tail = "" if count is None else f", {count} dot{pluralize(count)}"
    return f"From the retreats: {source.get('kind') or 'card'} “{source['text']}”{tail}"


def _goal(goal: dict, names: dict[str, str]) -> dict:
    return {
        "number": goal["number"],
        "title": goal.get("title", ""),
        "description": goal.get("description", ""),
        "source": source_line(goal.get("source")),
        "specific_outcome": goal.get("specific_outcome", ""),
        "measured_by": goal.get("measured_by", ""),
        "target": goal.get("target", ""),
        "owner": _owner(goal.get("owner"), names),
        "target_date": _day(goal.get("target_date")),
        "measures": [_measure(m) for m in goal["measures"]],
        "strategies": [
            {
                "number": f"{goal['number']}.{n}",
                "title": s.get("title", ""),
                "description": s.get("description", ""),
                "source": source_line(s.get("source")),
                "measures": [_measure(m) for m in s["measures"]],
                "action_steps": [_step(step, names) for step in s["action_steps"]],
            }
            for n, s in enumerate(goal["strategies"], start=1)
        ],
    }


def _process(engagement: Engagement) -> dict:
    meetings = Meeting.objects.order_by("starts_at")
    phases = engagement.phases.prefetch_related(Prefetch("meetings", queryset=meetings))
    shown = []
    for phase in phases:
        start, end = _day(phase.starts_on), _day(phase.ends_on)
        shown.append(
            {
                "name": phase.name,
                "guiding_question": phase.guiding_question,
                "status": phase.get_status_display(),
                "dates": " – ".join(d for d in (start, end) if d) or "No dates set",
                "meetings": [
                    {"title": m.title, "kind": m.get_kind_display(), "on": _day(m.starts_at)}
                    for m in phase.meetings.all()
                ],
            }
        )
    return {"template": engagement.template_name, "phases": shown}


def _member_line(member: Membership) -> dict:
    return {"name": member.user.get_full_name(), "roles": ", ".join(member.role_labels)}


def _team(engagement: Engagement) -> dict:
    roster = roster_for(engagement)
    by_group: dict = defaultdict(list)
    for member in roster.members:
        by_group[member.stakeholder_group_id].append(member)
    return {
        "seats": roster.seats,
        "seated": roster.seated,
        "groups": [
            {
                "name": line.group.name,
                "seats": line.group.quota,
                "filled": line.filled,
                "selected_by": line.group.selected_by,
                "summary": line.summary,
                "members": [_member_line(m) for m in by_group.get(line.group.pk, [])],
            }
            for line in roster.groups
        ],
        "others": [_member_line(m) for m in by_group.get(None, [])],
        "blocks": [
            {"label": b.label, "seats": b.seats, "filled": b.filled, "percent": b.percent}
            for b in roster.blocks
        ],
        "warnings": roster.warnings,
    }


def _swot(engagement: Engagement) -> list[dict]:
    """Each SWOT board: its top cards per quadrant and its top themes, by dots. Five queries
    whatever the number of boards and cards."""
    activities = list(
        Activity.objects.filter(retreat__engagement=engagement, kind=Activity.Kind.SWOT)
        .select_related("retreat")
        .order_by("retreat__created_at", "position")
    )
    if not activities:
        return []
    ids = [a.pk for a in activities]
    card_dots: dict = defaultdict(int)
    theme_dots: dict = defaultdict(int)
    rows = (
        Dot.objects.filter(ballot__activity_id__in=ids, count__gt=0)
        .values_list("card_id", "card__merged_into_id", "theme_id")
        .annotate(total=Sum("count"))
    )
    for card_id, merged_into_id, theme_id, total in rows:
        if theme_id:
            theme_dots[theme_id] += total
        else:
            card_dots[merged_into_id or card_id] += total
    voters = dict(
        Dot.objects.filter(ballot__activity_id__in=ids, count__gt=0)
        .values_list("ballot__activity_id")
        .annotate(n=Count("ballot__participant_id", distinct=True))
    )
    cards = list(
        Card.objects.filter(activity_id__in=ids, merged_into__isnull=True, hidden=False).only(
            "id", "activity_id", "quadrant", "text", "theme_id"
        )
    )
    themes = list(Theme.objects.filter(activity_id__in=ids))
    cards_of: dict = defaultdict(list)
    for card in cards:
        cards_of[card.activity_id].append(card)
    themes_of: dict = defaultdict(list)
    for theme in themes:
        themes_of[theme.activity_id].append(theme)
    boards = []
    for activity in activities:
        own = cards_of[activity.pk]
        if not own:
            continue
        on_themes = activity.vote_on == Activity.VoteOn.THEMES
        quadrants = []
        for key, name in QUADRANTS.items():
            in_quadrant = [c for c in own if c.quadrant == key]
            ranked = sorted(in_quadrant, key=lambda c: (-card_dots[c.pk], c.text))
            quadrants.append(
                {
                    "name": name,
                    "count": len(in_quadrant),
                    # Dots went to themes, not cards, when the board voted on themes.
                    "top": [
                        {"text": c.text, "dots": None if on_themes else card_dots[c.pk]}
                        for c in ranked[:TOP_ITEMS]
                    ],
                }
            )
        theme_lines = []
        for theme in themes_of[activity.pk]:
            members = [c for c in own if c.theme_id == theme.pk]
            dots = theme_dots[theme.pk] if on_themes else sum(card_dots[c.pk] for c in members)
            theme_lines.append({"name": theme.name, "dots": dots, "cards": len(members)})
        theme_lines.sort(key=lambda t: (-t["dots"], t["name"]))
        boards.append(
            {
                "title": activity.title,
                "retreat": activity.retreat.title,
                "stage": activity.get_stage_display(),
                "voters": voters.get(activity.pk, 0),
                "cards": len(own),
                "quadrants": quadrants,
                "themes": theme_lines[:TOP_THEMES],
            }
        )
    return boards


def _part_name(comment: Comment, terms: dict) -> str:
    if comment.element_kind == WHOLE or not comment.element_id:
        return "The whole draft"
    if comment.element_kind == "statement":
        return dict(STATEMENTS).get(comment.element_id, "Statement")
    kind = {"value": "Value"}.get(comment.element_kind) or terms.get(comment.element_kind, "")
    return f"{kind}: {comment.element_label}" if kind else comment.element_label


def _from(comment: Comment) -> str:
    """Who gave it, by group rather than by name: the log is read far beyond the team."""
    if comment.is_public:
        return f"Public feedback ({comment.category})" if comment.category else "Public feedback"
    member = comment.author
    if member is None:
        return "A former team member"
    if member.stakeholder_group is not None:
        return f"Team member ({member.stakeholder_group.name})"
    return member.role_labels[0] if member.role_labels else "Team member"


def _feedback(engagement: Engagement, version: PlanVersion | None) -> dict:
    """Every comment and piece of public feedback on the drafts reviewed up to this one (top
    level, not withdrawn), with what the team decided. One query."""
    found = Comment.objects.filter(
        review__version__plan__engagement=engagement,
        parent__isnull=True,
        withdrawn_at__isnull=True,
    )
    if version is not None:
        found = found.filter(review__version__number__lte=version.number)
    found = found.select_related(
        "review__version", "author__user", "author__stakeholder_group", "duplicate_of"
    ).defer("review__version__data")
    terms = engagement.terms
    items = []
    counts: dict = defaultdict(int)
    for comment in found.order_by("review__version__number", "created_at"):
        counts[comment.state] += 1
        if comment.state == Comment.State.DUPLICATE and comment.duplicate_of is not None:
            answer = f"Same as: “{comment.duplicate_of.body[:80]}”"
        else:
            answer = comment.resolution
        items.append(
            {
                "draft": comment.review.version.number,
                "part": _part_name(comment, terms),
                "from": _from(comment),
                "text": comment.body,
                "state": comment.get_state_display(),
                "answer": answer,
                "change": comment.change_label,
            }
        )
    return {
        "items": items,
        "counts": [
            {"state": label, "count": counts.get(value, 0)}
            for value, label in Comment.State.choices
        ],
    }


def _approval(engagement: Engagement, version: PlanVersion | None) -> dict:
    """Where this draft stands in approval and the plan's history up to now. Three queries."""
    approval = version_approval(version) if version is not None else None
    events = PlanEvent.objects.filter(plan__engagement=engagement).select_related("version")
    if version is not None:
        events = events.filter(Q(version__isnull=True) | Q(version__number__lte=version.number))
    steps = [
        {
            "when": _moment(e.at),
            "who": e.actor_name,
            "what": e.action,
            "draft": e.version.number if e.version_id else None,
            "note": e.note,
        }
        for e in events.defer("version__data").order_by("at")
    ]
    record = {"state": "", "summary": "", "lines": [], "votes": [], "steps": steps}
    if version is None:
        record["summary"] = (
            "This is the working copy: it has not been saved as a draft or sent for approval."
        )
        return record
    if approval is None:
        record["summary"] = f"Draft {version.number} has not been sent for approval."
        return record
    record["state"] = approval.get_state_display()
    lines = [("Frozen as the final draft", _moment(approval.frozen_at))]
    if approval.recommended_at:
        who = approval.recommended_by.get_full_name() if approval.recommended_by else ""
        when = _moment(approval.recommended_at)
        lines.append(("Recommended by the superintendent", f"{who}, {when}" if who else when))
    if approval.recommendation:
        lines.append(("Recommendation", approval.recommendation))
    if approval.decided_at:
        lines.append(("Board decision recorded", _moment(approval.decided_at)))
    if approval.meeting_date:
        lines.append(("Board meeting", _day(approval.meeting_date)))
    if approval.minutes_reference:
        lines.append(("Minutes", approval.minutes_reference))
    if approval.reasons:
        lines.append(("Reasons given", approval.reasons))
    record["lines"] = [{"label": label, "text": text} for label, text in lines]
    if approval.rule == ApprovalRule.MAJORITY:
        votes = BoardVote.objects.filter(approval=approval).select_related("membership__user")
        record["votes"] = [
            {
                "name": v.membership.user.get_full_name(),
                "choice": v.get_choice_display(),
                "note": v.note,
            }
            for v in votes.order_by("cast_at")
        ]
    if approval.state == Approval.State.APPROVED:
        record["summary"] = (
            f"Draft {version.number} was approved by the board on "
            f"{_day(approval.meeting_date or approval.decided_at)}."
        )
    elif approval.state == Approval.State.SENT_BACK:
        record["summary"] = f"Draft {version.number} was sent back for more work."
    else:
        with_whom = "superintendent" if approval.state == Approval.State.FINAL else "board"
        record["summary"] = f"Draft {version.number} is with the {with_whom} for approval."
    return record


def support_content(engagement: Engagement, version: PlanVersion | None) -> dict:
    head, plan = _head(ReportJob.Kind.SUPPORT, engagement, version)
    names = _names_by_email(engagement)
    groups = _groups(plan)
    head["groups"] = [
        {
            "title": group["title"],
            "description": group["description"],
            "goals": [_goal(goal, names) for goal in group["goals"]],
        }
        for group in groups
    ]
    head["process"] = _process(engagement)
    head["team"] = _team(engagement)
    head["swot"] = _swot(engagement)
    head["feedback"] = _feedback(engagement, version)
    head["approval"] = _approval(engagement, version)
    return head


CONTENT = {
    ReportJob.Kind.ONE_PAGE: one_page_content,
    ReportJob.Kind.SUPPORT: support_content,
}


def content_for(kind: str, engagement: Engagement, version: PlanVersion | None) -> dict:
    return CONTENT[kind](engagement, version)


# --- a retreat's record for the minutes (open meetings) ---------------------------------------


def record_content(retreat: Retreat, *, public: bool = True) -> dict:
    """The record of a retreat (retreats.record) with what the PDF's head needs. `retreat`
    comes with its engagement, organization, meeting and phase. No names of participants.
    `public`: the observer link's record, else the staff's (votes and agenda leads shown)."""
    engagement = retreat.engagement
    record = record_for(retreat, public=public)
    return {
        "kind": ReportJob.Kind.RETREAT_RECORD,
        "retreat_id": str(retreat.pk),
        "public": public,
        "organization": engagement.organization.name,
        "engagement": engagement.name,
        "status": {
            "approved": False,
            "source": f"the retreat “{retreat.title}”",
            "draft_line": "",
            "approved_line": "",
        },
        "layout": layout_for(engagement),
        "made_on": _day(timezone.now()),
        "as_of": _moment(timezone.now()),
        "public_meeting": retreat.is_public_meeting,
        "min_group": RECORD_MIN_GROUP,
        "record": record,
    }


# --- jobs -----------------------------------------------------------------------------------------


def jobs_for(engagement: Engagement, *, limit: int = 20) -> list[ReportJob]:
    """The engagement's latest report jobs, newest first, without their content but with what
    each is of (`source`: "draft 2", "the approved plan (draft 2)"...). One query."""
    return list(
        ReportJob.objects.filter(
            engagement=engagement, kind__in=(*ReportJob.PLAN_KINDS, ReportJob.Kind.BOARD)
        )
        .select_related("requested_by", "version")
        .defer("content", "version__data")
        .annotate(source=KT("content__status__source"))
        .order_by("-created_at")[:limit]
    )


def readable_versions(engagement: Engagement, *, published_only: bool) -> list[PlanVersion]:
    """The saved drafts a member may make reports of, newest first, each marked approved or not.
    One query."""
    approved = Approval.objects.filter(version=OuterRef("pk"), state=Approval.State.APPROVED)
    versions = PlanVersion.objects.filter(plan__engagement=engagement).defer("data")
    versions = versions.annotate(approved=Exists(approved))
    if published_only:
        versions = versions.filter(Q(review__isnull=False) | Q(approvals__isnull=False)).distinct()
    return list(versions.order_by("-number"))
