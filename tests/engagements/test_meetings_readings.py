"""Readings to prepare for a meeting: uploads checked by name, content and size; downloads for
members only."""

import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse

from engagements.models import Reading
from engagements.services import meetings as services
from tests.factories import MeetingFactory, PhaseFactory, ReadingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40


def office_file(folder: str) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml and a part in word/ or xl/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        part = "document.xml" if folder == "word" else "workbook.xml"
        archive.writestr(f"{folder}/{part}", "<x/>")
    return buffer.getvalue()


DOCX, XLSX = office_file("word"), office_file("xl")
ACCEPTED = [
    ("Enrollment report.pdf", PDF, "application/pdf"),
    (
        "Survey.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Budget.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Map.png", PNG, "image/png"),
    ("Photo.JPG", JPEG, "image/jpeg"),
    ("Photo.jpeg", JPEG, "image/jpeg"),
]
RULE = "Readings must be PDF, Word (.docx), Excel (.xlsx), PNG or JPEG files of at most"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def meeting(cast):
    return MeetingFactory(
        phase=PhaseFactory(engagement=cast.engagement),
        title="Data retreat",
        starts_at=datetime(2027, 5, 1, 14, 0, tzinfo=UTC),
    )


def upload_url(meeting):
    return reverse("engagements:reading-new", args=[meeting.engagement_id, meeting.pk])


def reading_url(reading, name="reading"):
    meeting = reading.meeting
    return reverse(f"engagements:{name}", args=[meeting.engagement_id, meeting.pk, reading.pk])


def upload(client, meeting, name, content, title="Background", **extra):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(upload_url(meeting), {"title": title, "file": file}, **extra)


# --- uploading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,content,content_type", ACCEPTED)
def test_the_core_team_uploads_each_accepted_type(
    client, cast, meeting, name, content, content_type
):
    client.force_login(cast.core_team)
    response = upload(client, meeting, name, content, title="Read before the retreat", follow=True)
    assert "“Read before the retreat” is shared with the team." in response.content.decode()
    reading = Reading.objects.get()
    assert (reading.meeting, reading.title) == (meeting, "Read before the retreat")
    assert (reading.original_name, reading.content_type) == (name, content_type)
    assert (reading.size, reading.uploaded_by) == (len(content), cast.core_team)
    with reading.file.open("rb") as stored:
        assert stored.read() == content


def test_the_upload_form_names_the_allowed_types_and_the_limit(client, cast, meeting):
    client.force_login(cast.facilitator)
    page = client.get(upload_url(meeting)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG files of at most 20 MB." in page
    assert 'accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg"' in page


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("setup.exe", EXE, "“setup.exe” is not a type of file we accept."),
        ("notes.txt", b"hello", "“notes.txt” is not a type of file we accept."),
        ("no-extension", PDF, "“no-extension” is not a type of file we accept."),
        ("report.pdf", EXE, "“report.pdf” is not really a PDF: its contents do not match"),
        ("picture.png", JPEG, "“picture.png” is not really a PNG image"),
        ("photo.jpg", PNG, "“photo.jpg” is not really a JPEG image"),
        ("survey.docx", XLSX, "“survey.docx” is not really a Word document"),
        ("budget.xlsx", DOCX, "“budget.xlsx” is not really an Excel spreadsheet"),
        ("budget.xlsx", b"PK\x03\x04 broken zip", "“budget.xlsx” is not really"),
        ("archive.docx", office_file("other"), "“archive.docx” is not really a Word document"),
    ],
)
def test_a_refused_file_is_explained_next_to_the_field_and_the_title_kept(
    client, cast, meeting, media, name, content, reason
):
    client.force_login(cast.core_team)
    response = upload(client, meeting, name, content, title="My careful title")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_file_error"' in page
    assert reason in page
    assert RULE in page
    assert 'value="My careful title"' in page
    assert not Reading.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused(client, cast, meeting, media, settings):
    settings.READING_MAX_BYTES = 1024
    client.force_login(cast.core_team)
    response = upload(client, meeting, "big.pdf", PDF + b"0" * 1024, title="Big report")
    page = response.content.decode()
    assert "“big.pdf” is 1 KB, too big to share." in page
    assert (
        "Readings must be PDF, Word (.docx), Excel (.xlsx), PNG or JPEG files of at most 1 KB"
        in (page)
    )
    assert 'value="Big report"' in page
    assert not Reading.objects.exists()
    assert stored_files(media) == []


def test_the_default_limit_is_20_megabytes():
    def file_of(size):
        return InMemoryUploadedFile(
            io.BytesIO(PDF), "file", "plan.pdf", "application/pdf", size, None
        )

    assert services.reading_file_check(file_of(20 * 1024 * 1024)) == services.PDF
    with pytest.raises(ValidationError, match="too big to share"):
        services.reading_file_check(file_of(20 * 1024 * 1024 + 1))


def test_an_empty_file_or_no_file_is_refused(client, cast, meeting):
    client.force_login(cast.core_team)
    page = upload(client, meeting, "empty.pdf", b"").content.decode()
    assert "This file is empty. Choose another one." in page
    page = client.post(upload_url(meeting), {"title": "Nothing"}).content.decode()
    assert "Choose a file to upload." in page
    assert not Reading.objects.exists()


def test_a_file_name_with_odd_characters_is_stored_under_a_tame_name(client, cast, meeting):
    client.force_login(cast.core_team)
    upload(client, meeting, "../../Board minutes (draft) <2026>.pdf", PDF)
    reading = Reading.objects.get()
    assert reading.original_name == "Board minutes (draft) <2026>.pdf"
    assert reading.file.name.startswith(f"engagements/{meeting.engagement_id}/readings/")
    assert reading.file.name.endswith("/board-minutes-draft-2026.pdf")


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_other_roles_may_not_upload_or_remove_readings(client, cast, meeting, role):
    reading = ReadingFactory(meeting=meeting)
    client.force_login(cast.member(role))
    assert client.get(upload_url(meeting)).status_code == 403
    assert upload(client, meeting, "report.pdf", PDF).status_code == 403
    assert client.get(reading_url(reading, "reading-delete")).status_code == 403
    assert client.post(reading_url(reading, "reading-delete")).status_code == 403
    assert Reading.objects.count() == 1


# --- downloading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["facilitator", "core_team", "plan_team", "board", "superintendent"]
)
def test_every_member_downloads_a_reading_as_an_attachment(client, cast, meeting, role):
    reading = ReadingFactory(
        meeting=meeting,
        title="Budget",
        file=ContentFile(XLSX, name="budget.xlsx"),
        original_name="Budget 2027 – draft.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=len(XLSX),
    )
    client.force_login(cast.member(role))
    response = client.get(reading_url(reading))
    assert response.status_code == 200
    assert response["Content-Type"] == reading.content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Budget%202027%20%E2%80%93%20draft.xlsx" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == XLSX


def test_the_meeting_page_lists_readings_with_download_links(client, cast, meeting):
    reading = ReadingFactory(meeting=meeting, title="Enrollment report", size=3 * 1024 * 1024)
    client.force_login(cast.board)
    page = client.get(
        reverse("engagements:meeting", args=[cast.engagement.pk, meeting.pk])
    ).content.decode()
    assert f'href="{reading_url(reading)}" download>Enrollment report</a>' in page
    assert "PDF, 3 MB" in page
    assert "Add a reading" not in page and "Remove" not in page


def test_an_outsider_cannot_download_a_reading(client, cast, meeting):
    reading = ReadingFactory(meeting=meeting, file=ContentFile(PDF, name="secret.pdf"))
    client.force_login(cast.outsider)
    response = client.get(reading_url(reading))
    assert response.status_code == 404
    assert PDF not in response.content


def test_a_reading_is_only_found_under_its_own_meeting_and_engagement(client, cast, meeting):
    other_meeting = MeetingFactory(phase=meeting.phase)
    reading = ReadingFactory(meeting=other_meeting, file=ContentFile(PDF, name="a.pdf"))
    foreign = ReadingFactory(
        meeting__phase__engagement=cast.foreign_engagement, file=ContentFile(PDF, name="b.pdf")
    )
    client.force_login(cast.facilitator)
    e = cast.engagement.pk
    for meeting_id, reading_id in [
        (meeting.pk, reading.pk),
        (meeting.pk, foreign.pk),
        (foreign.meeting_id, foreign.pk),
    ]:
        path = reverse("engagements:reading", args=[e, meeting_id, reading_id])
        assert client.get(path).status_code == 404


def test_a_reading_whose_file_is_gone_is_not_found(client, cast, meeting):
    reading = ReadingFactory(meeting=meeting)  # a name only, nothing in storage
    client.force_login(cast.board)
    response = client.get(reading_url(reading))
    assert response.status_code == 404


# --- removing ------------------------------------------------------------------------------------


def test_removing_a_reading_asks_first_and_deletes_the_file(
    client, cast, meeting, media, django_capture_on_commit_callbacks
):
    client.force_login(cast.core_team)
    upload(client, meeting, "report.pdf", PDF, title="Enrollment report")
    reading = Reading.objects.get()
    assert len(stored_files(media)) == 1

    page = client.get(reading_url(reading, "reading-delete")).content.decode()
    assert "Remove the reading “Enrollment report”?" in page
    assert Reading.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reading_url(reading, "reading-delete"), follow=True)
    assert "“Enrollment report” is removed." in response.content.decode()
    assert not Reading.objects.exists()
    assert stored_files(media) == []


def test_deleting_a_meeting_deletes_its_reading_files(
    client, cast, meeting, media, django_capture_on_commit_callbacks
):
    client.force_login(cast.facilitator)
    upload(client, meeting, "report.pdf", PDF)
    upload(client, meeting, "map.png", PNG)
    assert len(stored_files(media)) == 2
    path = reverse("engagements:meeting-delete", args=[cast.engagement.pk, meeting.pk])
    assert "2 readings will be deleted with it" in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    assert not Reading.objects.exists()
    assert stored_files(media) == []
