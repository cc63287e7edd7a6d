"""Writes about the roster: stakeholder groups, members' roles and groups, and CSV import."""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from accounts.models import User

from ..csv_files import CsvProblem, decode
from ..models import HAND_OFF_ROLES, PLANNING_ROLES, Engagement, Membership, Role, StakeholderGroup
from ..text import clean_text
from .invitations import invitation_create, invitation_problem

CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 1000


def group_create(
    *, engagement: Engagement, name: str, quota: int, selected_by: str, block: str
) -> StakeholderGroup:
    last = engagement.stakeholder_groups.order_by("-position").values_list("position", flat=True)
    return StakeholderGroup.objects.create(
        engagement=engagement,
        name=name.strip(),
        quota=quota,
        selected_by=selected_by.strip(),
        block=block,
        position=(last.first() or 0) + 1,
    )


def group_update(*, group: StakeholderGroup, **fields) -> StakeholderGroup:
    for name, value in fields.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    group.save(update_fields=list(fields))
    return group


@transaction.atomic
def group_delete(*, group: StakeholderGroup) -> None:
    """Members of the group stay on the team; they just represent no group until reassigned."""
    engagement, position = group.engagement, group.position
    group.delete()
    engagement.stakeholder_groups.filter(position__gt=position).update(position=F("position") - 1)


def _facilitators_left(membership: Membership, roles: list[str]) -> int:
    others = membership.engagement.memberships.exclude(pk=membership.pk)
    return sum(1 for m in others if m.has_role(Role.FACILITATOR)) + (Role.FACILITATOR in roles)


def membership_update(
    *, membership: Membership, roles: list[str], stakeholder_group: StakeholderGroup | None
) -> Membership:
    if _facilitators_left(membership, roles) == 0:
        raise ValidationError({"roles": "The engagement needs at least one facilitator."})
    # The roster form offers the planning roles; a plan lead or adviser keeps that role, which
    # only the hand-off gives and takes.
    roles = [*roles, *(role for role in membership.roles if role in HAND_OFF_ROLES)]
    membership.roles = [role for role in Role.values if role in roles]
    membership.stakeholder_group = stakeholder_group
    membership.full_clean()
    membership.save(update_fields=["roles", "stakeholder_group"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    if _facilitators_left(membership, []) == 0:
        raise ValidationError("The engagement needs at least one facilitator: add another first.")
    membership.delete()


# --- CSV import -------------------------------------------------------------------------------

# The planning roles only: the plan lead and adviser come with the hand-off, not an import.
ROLE_WORDS = {
    **{role.value: role.value for role in PLANNING_ROLES},
    **{role.label.lower(): role.value for role in PLANNING_ROLES},
    "core": Role.CORE_TEAM.value,
    "plan": Role.PLAN_TEAM.value,
    "board": Role.BOARD.value,
    "plan team member": Role.PLAN_TEAM.value,
    "core team member": Role.CORE_TEAM.value,
}
COLUMNS = {"name": "name", "email": "email", "e-mail": "email", "group": "group", "roles": "roles"}


@dataclass
class CsvRow:
    line: int
    name: str
    email: str
    group: StakeholderGroup | None
    roles: list[str]


def _roles(text: str) -> tuple[list[str], list[str]]:
    words = [w.strip().lower() for w in text.replace("|", ";").replace(",", ";").split(";")]
    words = [w for w in words if w]
    unknown = [w for w in words if w.replace("_", " ") not in ROLE_WORDS and w not in ROLE_WORDS]
    roles = {ROLE_WORDS.get(w, ROLE_WORDS.get(w.replace("_", " "))) for w in words} - {None}
    return [role for role in Role.values if role in roles], unknown


def roster_csv_check(
    *, engagement: Engagement, data: bytes
) -> tuple[list[CsvRow], list[CsvProblem]]:
    """Check a whole CSV file (name, e-mail, group, roles) and list every bad row with its reason.

    Rows are numbered as a spreadsheet shows them: the header is row 1. Roles may be separated
    by semicolons; an empty roles cell means plan team.
    """
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError("The file is larger than 1 MB. Split it into smaller files.")
    try:
        return _check_rows(engagement, csv.reader(io.StringIO(decode(data))))
    except csv.Error as exc:
        raise ValidationError(
            f"The file could not be read as CSV ({exc}). Save it again as CSV and retry."
        ) from exc


def _check_rows(engagement: Engagement, reader) -> tuple[list[CsvRow], list[CsvProblem]]:
    header = next(reader, None)
    if not header:
        raise ValidationError("The file is empty.")
    columns = [COLUMNS.get(cell.strip().lower()) for cell in header]
    missing = [c for c in ("name", "email", "group", "roles") if c not in columns]
    if missing:
        raise ValidationError(
            "The first row must name the columns: name, e-mail, group, roles "
            f"(missing: {', '.join(missing)})."
        )
    groups = {g.name.strip().lower(): g for g in engagement.stakeholder_groups.all()}
    rows, problems, seen = [], [], {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= CSV_MAX_ROWS:
            raise ValidationError(f"The file has more than {CSV_MAX_ROWS} people. Split it.")
        value = {
            col: (clean_text(cells[i]).strip() if i < len(cells) else "")
            for i, col in enumerate(columns)
            if col
        }
        email = value["email"].lower()
        what = email or value["name"]
        reasons = []
        if not value["name"]:
            reasons.append("the name is empty")
        try:
            validate_email(email)
        except ValidationError:
            reasons.append(
                "the e-mail address is empty"
                if not email
                else f"“{email}” is not an e-mail address"
            )
        else:
            if email in seen:
                reasons.append(f"the same e-mail address is already on row {seen[email]}")
            elif problem := invitation_problem(engagement=engagement, email=email):
                reasons.append(problem)
            seen.setdefault(email, line)
        group = groups.get(value["group"].lower()) if value["group"] else None
        if value["group"] and group is None:
            reasons.append(
                f"there is no stakeholder group called “{value['group']}” "
                f"(the groups are: {', '.join(g.name for g in groups.values()) or 'none yet'})"
            )
        roles, unknown = _roles(value["roles"])
        if unknown:
            allowed = ", ".join(role.label.lower() for role in PLANNING_ROLES)
            reasons.append(f"unknown role “{unknown[0]}” (use: {allowed})")
        if reasons:
            problems.append(CsvProblem(line=line, what=what, reason="; ".join(reasons)))
        else:
            rows.append(
                CsvRow(
                    line=line,
                    name=value["name"],
                    email=email,
                    group=group,
                    roles=roles or [Role.PLAN_TEAM.value],
                )
            )
    if not rows and not problems:
        raise ValidationError("The file has a header row but nobody in it.")
    return rows, problems


@transaction.atomic
def roster_csv_import(
    *, engagement: Engagement, rows: list[CsvRow], by: User, base_url: str | None = None
) -> int:
    """Invite everyone in a checked file, all or nothing. Returns how many were invited."""
    for row in rows:
        invitation_create(
            engagement=engagement,
            invited_by=by,
            email=row.email,
            full_name=row.name,
            roles=row.roles,
            stakeholder_group=row.group,
            base_url=base_url,
        )
    return len(rows)
