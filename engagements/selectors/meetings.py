"""Reads about meetings, each in a fixed number of queries whatever the number of meetings,
agenda items, readings or members."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, FilteredRelation, Prefetch, QuerySet

from ..models import AgendaItem, Attendance, Engagement, Meeting, Membership, Phase, Reading


def agenda_items(meeting_id: UUID) -> QuerySet[AgendaItem]:
    """The items of one meeting, for `access_object`.

    `access_object` filters on `engagement`, which agenda items reach through their meeting:
    the alias lets it check that the item belongs to the engagement as well as the meeting.
    """
    return (
        AgendaItem.objects.filter(meeting_id=meeting_id)
        .alias(engagement=FilteredRelation("meeting__engagement"))
        .select_related("meeting__phase")
    )


def readings(meeting_id: UUID) -> QuerySet[Reading]:
    """The readings of one meeting, for `access_object` (see `agenda_items`)."""
    return (
        Reading.objects.filter(meeting_id=meeting_id)
        .alias(engagement=FilteredRelation("meeting__engagement"))
        .select_related("meeting__phase")
    )


def phases_with_meetings(engagement: Engagement) -> list[Phase]:
    """Every phase in order, each with `.planned`: its meetings with `.item_count`."""
    planned = Meeting.objects.annotate(item_count=Count("agenda_items")).order_by(
        "starts_at", "title"
    )
    return list(
        engagement.phases.order_by("position", "name").prefetch_related(
            Prefetch("meetings", queryset=planned, to_attr="planned")
        )
    )


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    starts_at: datetime
    ends_at: datetime
    overruns: bool  # ends after the meeting does


@dataclass(frozen=True)
class Agenda:
    meeting: Meeting
    rows: list[AgendaRow]

    @property
    def ends_at(self) -> datetime:
        """When the meeting ends (not the agenda)."""
        return self.meeting.starts_at + timedelta(minutes=self.meeting.duration_minutes)

    @property
    def total_minutes(self) -> int:
        return sum(row.item.minutes for row in self.rows)

    @property
    def over_by(self) -> int:
        """Minutes the agenda runs past the end of the meeting (0 when it fits)."""
        return max(0, self.total_minutes - self.meeting.duration_minutes)

    @property
    def spare(self) -> int:
        return max(0, self.meeting.duration_minutes - self.total_minutes)


def agenda_for(meeting: Meeting) -> Agenda:
    """The agenda in order, with the clock time each item starts and ends."""
    rows, clock = [], meeting.starts_at
    meeting_ends = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    for item in meeting.agenda_items.order_by("position", "title", "id"):
        end = clock + timedelta(minutes=item.minutes)
        rows.append(AgendaRow(item=item, starts_at=clock, ends_at=end, overruns=end > meeting_ends))
        clock = end
    return Agenda(meeting=meeting, rows=rows)


def readings_for(meeting: Meeting) -> list[Reading]:
    return list(meeting.readings.order_by("uploaded_at", "title"))


@dataclass
class AttendanceSummary:
    team_size: int
    present: list[Membership] = field(default_factory=list)
    absent: list[Membership] = field(default_factory=list)
    excused: list[Membership] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return len(self.present) + len(self.absent) + len(self.excused)

    @property
    def not_recorded(self) -> int:
        return max(0, self.team_size - self.recorded)

    @property
    def others(self) -> list[str]:
        """Those who did not attend, in words: ["2 absent", "1 excused", "3 not recorded"]."""
        counts = [
            (len(self.absent), "absent"),
            (len(self.excused), "excused"),
            (self.not_recorded, "not recorded"),
        ]
        return [f"{count} {label}" for count, label in counts if count]


def attendance_summary_for(meeting: Meeting) -> AttendanceSummary:
    summary = AttendanceSummary(
        team_size=Membership.objects.filter(engagement_id=meeting.engagement_id).count()
    )
    records = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__user")
        .order_by("membership__user__full_name", "membership__user__email")
    )
    for record in records:
        getattr(summary, record.status).append(record.membership)
    return summary


def attendance_sheet_for(meeting: Meeting) -> list[tuple[Membership, str]]:
    """Every member of the engagement, by name, with their attendance ("" when not recorded)."""
    statuses = dict(meeting.attendance.values_list("membership_id", "status"))
    members = Membership.objects.filter(engagement_id=meeting.engagement_id).select_related(
        "user", "stakeholder_group"
    )
    return [
        (member, statuses.get(member.pk, ""))
        for member in members.order_by("user__full_name", "user__email")
    ]


@dataclass(frozen=True)
class MeetingContents:
    items: int
    readings: int
    attendance: int

    def in_words(self) -> str:
        parts = [
            f"{count} {noun}{'' if count == 1 else 's'}"
            for count, noun in (
                (self.items, "agenda item"),
                (self.readings, "reading"),
                (self.attendance, "attendance record"),
            )
            if count
        ]
        if not parts:
            return "The meeting has no agenda, readings or attendance yet. This cannot be undone."
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        return f"Its {listed} will be deleted with it. This cannot be undone."


def meeting_contents(meeting: Meeting) -> MeetingContents:
    """What deleting the meeting would delete with it, in one query."""
    counts = Meeting.objects.filter(pk=meeting.pk).aggregate(
        items=Count("agenda_items", distinct=True),
        readings=Count("readings", distinct=True),
        attendance=Count("attendance", distinct=True),
    )
    return MeetingContents(**counts)
