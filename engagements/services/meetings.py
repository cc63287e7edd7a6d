"""Writes about meetings: the meetings of a phase, their agendas, readings and attendance."""

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from ..models import AgendaItem, Attendance, Engagement, Meeting, Membership, Phase, Reading

# --- meetings -----------------------------------------------------------------------------------


def _check_phase(engagement_id: UUID, phase: Phase) -> None:
    if phase.engagement_id != engagement_id:
        raise ValidationError({"phase": "Choose one of this engagement’s phases."})


def meeting_create(
    *,
    engagement: Engagement,
    phase: Phase,
    title: str,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str = "",
    link: str = "",
    notes: str = "",
) -> Meeting:
    _check_phase(engagement.pk, phase)
    meeting = Meeting(
        engagement=engagement,
        phase=phase,
        title=title.strip(),
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        link=link.strip(),
        notes=notes.strip(),
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    phase: Phase,
    title: str,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str = "",
    link: str = "",
    notes: str = "",
) -> Meeting:
    _check_phase(meeting.engagement_id, phase)
    meeting.phase = phase
    meeting.title = title.strip()
    meeting.kind = kind
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.place = place.strip()
    meeting.link = link.strip()
    meeting.notes = notes.strip()
    meeting.full_clean()
    meeting.save()
    return meeting


def _delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the rows are gone for good (a rolled-back delete keeps them)."""
    storage = Reading._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    names = [name for name in meeting.readings.values_list("file", flat=True) if name]
    meeting.delete()
    _delete_files_on_commit(names)


# --- agenda -------------------------------------------------------------------------------------


def agenda_item_add(
    *, meeting: Meeting, title: str, minutes: int, lead: str = "", notes: str = ""
) -> AgendaItem:
    last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first()
    return AgendaItem.objects.create(
        meeting=meeting,
        position=0 if last is None else last + 1,
        title=title.strip(),
        minutes=minutes,
        lead=lead.strip(),
        notes=notes.strip(),
    )


def agenda_item_update(
    *, item: AgendaItem, title: str, minutes: int, lead: str = "", notes: str = ""
) -> AgendaItem:
    item.title = title.strip()
    item.minutes = minutes
    item.lead = lead.strip()
    item.notes = notes.strip()
    item.save(update_fields=["title", "minutes", "lead", "notes"])
    return item


def agenda_item_delete(*, item: AgendaItem) -> None:
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: Literal["up", "down"]) -> bool:
    """Swap an item with its neighbour; False when it is already first (up) or last (down).

    The whole agenda is renumbered 0, 1, 2... so that items sharing a position (older data,
    concurrent additions) still move one step at a time.
    """
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("position", "title", "id")
    )
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:  # deleted by someone else a moment ago
        return False
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    item.position = target
    return True


# --- readings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    article: str = "a"


PDF = FileType("PDF", "application/pdf")
DOCX = FileType(
    "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileType(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    article="an",
)
PNG = FileType("PNG image", "image/png")
JPEG = FileType("JPEG image", "image/jpeg")

READING_TYPES: dict[str, FileType] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
READING_EXTENSIONS = ",".join(READING_TYPES)
ALLOWED_TYPES_IN_WORDS = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


def reading_max_bytes() -> int:
    return settings.READING_MAX_BYTES


def size_in_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def reading_rule() -> str:
    """The rule in the words shown beside the upload field and in every refusal."""
    return f"{ALLOWED_TYPES_IN_WORDS} files of at most {size_in_words(reading_max_bytes())}"


def _office_zip_holds(upload: IO[bytes], folder: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _content_matches(upload: UploadedFile, file_type: FileType) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if file_type is PDF:
            return head.startswith(b"%PDF-")
        if file_type is PNG:
            return head == b"\x89PNG\r\n\x1a\n"
        if file_type is JPEG:
            return head.startswith(b"\xff\xd8\xff")
        folder = "word/" if file_type is DOCX else "xl/"
        return head.startswith(b"PK\x03\x04") and _office_zip_holds(upload, folder)
    finally:
        upload.seek(0)


def reading_file_check(upload: UploadedFile) -> FileType:
    """The type of an uploaded reading, judged by its name AND its first bytes, and its size.

    A refused file raises ValidationError with a message naming the allowed types and the limit.
    """
    name = Path(upload.name or "").name
    file_type = READING_TYPES.get(Path(name).suffix.lower())
    if file_type is None:
        raise ValidationError(
            f"“{name}” is not a type of file we accept. Readings must be {reading_rule()}.",
            code="type",
        )
    if upload.size > reading_max_bytes():
        raise ValidationError(
            f"“{name}” is {size_in_words(upload.size)}, too big to share. "
            f"Readings must be {reading_rule()}.",
            code="size",
        )
    if not _content_matches(upload, file_type):
        raise ValidationError(
            f"“{name}” is not really {file_type.article} {file_type.label}: "
            "its contents do not match its name. "
            f"Readings must be {reading_rule()}.",
            code="content",
        )
    return file_type


def _clean_original_name(name: str) -> str:
    name = re.sub(r"[\x00-\x1f\x7f]", "", Path(name).name).strip() or "reading"
    suffix = Path(name).suffix
    if len(name) > 255:
        name = name[: 255 - len(suffix)] + suffix
    return name


@transaction.atomic
def reading_add(
    *, meeting: Meeting, title: str, upload: UploadedFile, uploaded_by: User | None
) -> Reading:
    file_type = reading_file_check(upload)
    original_name = _clean_original_name(upload.name or "")
    suffix = Path(original_name).suffix.lower()
    # The stored name is tame (the download uses the original name); the folder is random.
    stored_name = (slugify(Path(original_name).stem)[:60] or "reading") + suffix
    reading = Reading(
        meeting=meeting,
        title=title.strip(),
        original_name=original_name,
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    reading.file.save(stored_name, upload, save=False)
    try:
        reading.save()
    except Exception:
        reading.file.delete(save=False)
        raise
    return reading


@transaction.atomic
def reading_delete(*, reading: Reading) -> None:
    name = reading.file.name
    reading.delete()
    _delete_files_on_commit([name] if name else [])


# --- attendance ---------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: Mapping[UUID, str], recorded_by: User | None
) -> None:
    """Set each member's attendance: present, absent, excused, or "" for not recorded.

    Members left out of `statuses` keep what they had. Runs in a fixed number of queries.
    """
    members = set(
        Membership.objects.filter(engagement_id=meeting.engagement_id).values_list("pk", flat=True)
    )
    strangers = set(statuses) - members
    if strangers:
        raise ValidationError("Attendance can only be taken for members of this engagement.")
    unknown = {status for status in statuses.values() if status} - set(Attendance.Status.values)
    if unknown:
        raise ValidationError(f"Unknown attendance: {', '.join(sorted(unknown))}.")

    existing = {record.membership_id: record for record in meeting.attendance.all()}
    now = timezone.now()
    new, changed, cleared = [], [], []
    for membership_id, status in statuses.items():
        record = existing.get(membership_id)
        if not status:
            if record:
                cleared.append(record.pk)
        elif record is None:
            new.append(
                Attendance(
                    meeting=meeting,
                    membership_id=membership_id,
                    status=status,
                    recorded_by=recorded_by,
                )
            )
        elif record.status != status:
            record.status, record.recorded_by, record.recorded_at = status, recorded_by, now
            changed.append(record)
    if cleared:
        Attendance.objects.filter(pk__in=cleared).delete()
    if new:
        # Two people saving at once must not collide on "one record per member".
        Attendance.objects.bulk_create(
            new,
            update_conflicts=True,
            unique_fields=["meeting", "membership"],
            update_fields=["status", "recorded_by", "recorded_at"],
        )
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "recorded_by", "recorded_at"])
