"""The facilitator's download, the operator's commands, and archives that must be refused."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from archives.export import engagement_archive, organization_archive
from archives.restore import ArchiveError, archive_restore
from engagements.models import Engagement, Organization, Reading, Role
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    PhaseFactory,
    ReadingFactory,
    RetreatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def engagement(cast, media):
    engagement = cast.engagement
    phase = PhaseFactory(engagement=engagement, name="Préparation")
    meeting = MeetingFactory(engagement=engagement, phase=phase, title="Réunion d’orientation")
    ReadingFactory(meeting=meeting, file=ContentFile(b"%PDF-1.4 reading", name="Lecture.pdf"))
    RetreatFactory(phase=phase, title="Data retreat")
    return engagement


def url(engagement) -> str:
    return reverse("archives:engagement-backup", args=[engagement.pk])


def zip_bytes(engagement) -> bytes:
    out = io.BytesIO()
    engagement_archive(engagement, out=out)
    return out.getvalue()


def rewrite(data: bytes, change) -> io.BytesIO:
    """The same archive with `change(name, content) -> content` applied to each member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    out.seek(0)
    return out


# --- the facilitator's download ------------------------------------------------------------------


def test_the_facilitator_downloads_a_backup_of_the_engagement(client, cast, engagement):
    client.force_login(cast.facilitator)
    response = client.get(url(engagement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["exported"]["engagements"] == [
        {"id": str(engagement.pk), "name": "Strategic Plan 2027–2032"}
    ]
    assert manifest["counts"]["engagements.reading"] == 1 and len(manifest["files"]) == 1
    assert manifest["counts"]["engagements.engagement"] == 1  # not the foreign one


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_other_roles_may_not_download_it(client, cast, engagement, role):
    client.force_login(cast.member(role))
    assert client.get(url(engagement)).status_code == 403


def test_an_outsider_gets_not_found(client, cast, engagement):
    client.force_login(cast.outsider)
    assert client.get(url(engagement)).status_code == 404


def test_the_settings_page_offers_the_backup_and_warns_about_personal_data(
    client, cast, engagement
):
    client.force_login(cast.facilitator)
    page = client.get(reverse("engagements:settings", args=[engagement.pk])).content.decode()
    assert url(engagement) in page
    assert "Download a backup of this engagement" in page
    assert "e-mail addresses" in page


def test_a_file_already_missing_is_listed_and_restored_as_no_file(client, cast, engagement):
    meeting = engagement.meetings.get()
    ReadingFactory(meeting=meeting, file="engagements/gone/Plan.pdf", title="Lost reading")
    data = zip_bytes(engagement)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert [m["name"] for m in manifest["missing_files"]] == ["engagements/gone/Plan.pdf"]

    restored = archive_restore(io.BytesIO(data))

    copy = restored.engagements[0]
    readings = {r.title: r for r in Reading.objects.filter(meeting__engagement=copy)}
    assert readings["Lost reading"].file.name == ""  # no file, not the name it had
    (kept,) = [r.file.name for title, r in readings.items() if title != "Lost reading"]
    assert kept.startswith(f"engagements/{copy.pk}/readings/") and kept.endswith("Lecture.pdf")
    client.force_login(cast.facilitator)
    lost = readings["Lost reading"]
    address = reverse("engagements:reading", args=[copy.pk, lost.meeting_id, lost.pk])
    assert client.get(address).status_code == 404  # "no longer available", not a server error


def forge(data: bytes, edit) -> io.BytesIO:
    """What anyone holding an archive can do: change it with `edit(members, manifest)` and make
    the manifest's sizes and SHA-256 match again (a manifest is not signed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist() if name != "manifest.json"}
    manifest = json.loads(source.read("manifest.json"))
    edit(members, manifest)
    for key in ("data", "files"):
        manifest[key] = [
            {
                **entry,
                "size": len(members[entry["path"]]),
                "sha256": hashlib.sha256(members[entry["path"]]).hexdigest(),
            }
            for entry in manifest[key]
            if entry["path"] in members
        ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("manifest.json", json.dumps(manifest))
        for name, content in members.items():
            target.writestr(name, content)
    out.seek(0)
    return out


def edit_rows(members: dict, label: str, change) -> None:
    """`change(row)` on each row of data/<label>.jsonl: the row to keep, or None to drop it."""
    path = f"data/{label}.jsonl"
    rows = [json.loads(line) for line in members[path].decode().splitlines()]
    kept = [row for row in (change(row) for row in rows) if row is not None]
    members[path] = "".join(json.dumps(row) + "\n" for row in kept).encode()


def set_field(name, value):
    return lambda row: {**row, name: value}


def test_a_forged_missing_file_cannot_take_over_another_organizations_file(
    client, cast, engagement, media, django_capture_on_commit_callbacks
):
    victim = ReadingFactory(
        meeting=MeetingFactory(engagement=cast.foreign_engagement),
        file=ContentFile(b"%PDF-1.4 secret", name="Secret.pdf"),
    )
    stolen = victim.file.name

    def point_at_the_victim(members, manifest):
        edit_rows(members, "engagements.reading", set_field("file", {"missing": stolen}))
        for entry in manifest["files"]:
            del members[entry["path"]]

    restored = archive_restore(forge(zip_bytes(engagement), point_at_the_victim))

    reading = Reading.objects.get(meeting__engagement=restored.engagements[0])
    assert reading.file.name == ""
    client.force_login(cast.facilitator)
    args = [reading.meeting.engagement_id, reading.meeting_id, reading.pk]
    assert client.get(reverse("engagements:reading", args=args)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("engagements:reading-delete", args=args))
    assert not Reading.objects.filter(pk=reading.pk).exists()
    assert victim.file.storage.exists(stolen)
    victim.file.open("rb")
    assert victim.file.read() == b"%PDF-1.4 secret"


@pytest.mark.parametrize(
    "value",
    [
        {"file": "data/engagements.engagement.jsonl"},
        {"file": "files/engagements.reading/elsewhere/file/Secret.pdf"},
        {"file": "files/x", "missing": "engagements/other/Secret.pdf"},
        {"missing": 3},
        42,
        ["files/x"],
    ],
)
def test_a_file_value_must_be_a_file_the_manifest_lists(engagement, value):
    before = Engagement.objects.count()

    def change(members, manifest):
        edit_rows(members, "engagements.reading", set_field("file", value))

    with pytest.raises(ArchiveError, match="not a file the archive's manifest lists"):
        archive_restore(forge(zip_bytes(engagement), change))
    assert Engagement.objects.count() == before


# --- refusals ------------------------------------------------------------------------------------


def test_a_changed_archive_is_refused_and_nothing_is_restored(engagement):
    data = zip_bytes(engagement)

    def tamper(name, content):
        if name == "data/engagements.engagement.jsonl":
            return content.replace(b"Strategic", b"Strategik")  # same size
        return content

    before = Engagement.objects.count()
    with pytest.raises(ArchiveError, match="does not match the checksum"):
        archive_restore(rewrite(data, tamper))
    assert Engagement.objects.count() == before


def test_a_changed_file_is_refused(engagement):
    data = zip_bytes(engagement)

    def tamper(name, content):
        return b"%PDF-1.4 other" if name.startswith("files/") else content

    with pytest.raises(ArchiveError, match="damaged or was changed"):
        archive_restore(rewrite(data, tamper))


@pytest.fixture
def opened(monkeypatch):
    """The archive members a restore opens (zipfile reads through ZipFile.open)."""
    names: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        names.append(getattr(name, "filename", name))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


def test_a_member_larger_than_its_manifest_says_is_refused_unread(engagement, opened):
    data = zip_bytes(engagement)
    (member,) = [name for name in zipfile.ZipFile(io.BytesIO(data)).namelist() if "files/" in name]

    def bigger(name, content):
        return content + b"\0" * 5_000_000 if name == member else content

    forged = rewrite(data, bigger)
    opened.clear()
    with pytest.raises(ArchiveError, match="does not have the size its manifest gives"):
        archive_restore(forged)
    assert member not in opened


def test_an_archive_over_the_size_limit_is_refused_unread(engagement, opened, settings):
    settings.ARCHIVE_MAX_BYTES = 1000
    data = zip_bytes(engagement)
    opened.clear()
    with pytest.raises(ArchiveError, match="more than the 0 MB this site restores"):
        archive_restore(io.BytesIO(data))
    assert opened == ["manifest.json"]


@pytest.mark.parametrize(
    ("label", "change"),
    [
        # A reading whose meeting is not in the archive (the meeting's link is required).
        ("engagements.meeting", lambda row: None),
        # Meetings and retreats whose phase is not in the archive.
        ("engagements.phase", lambda row: None),
    ],
)
def test_a_row_whose_parent_is_not_in_the_archive_is_refused(engagement, label, change):
    before = Engagement.objects.count()

    def drop(members, manifest):
        edit_rows(members, label, change)

    with pytest.raises(ArchiveError, match=f"refers to a {label} that is not in the archive"):
        archive_restore(forge(zip_bytes(engagement), drop))
    assert Engagement.objects.count() == before


def test_an_archive_from_a_newer_version_is_refused(engagement):
    data = zip_bytes(engagement)

    def newer(name, content):
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["format_version"] = 2
            return json.dumps(manifest).encode()
        return content

    with pytest.raises(ArchiveError, match="newer version of Aligned"):
        archive_restore(rewrite(data, newer))


def test_an_organization_archive_does_not_join_another_organization(engagement, cast):
    out = io.BytesIO()
    organization_archive(engagement.organization, out=out)
    out.seek(0)
    target = cast.foreign_engagement.organization
    with pytest.raises(ArchiveError, match="Only an engagement's archive"):
        archive_restore(out, organization=target)
    assert target.engagements.count() == 1


def test_something_else_than_an_archive_is_refused():
    with pytest.raises(ArchiveError, match="not an Aligned backup archive"):
        archive_restore(io.BytesIO(b"PK not really a zip"))


# --- the operator's commands ---------------------------------------------------------------------


def test_the_commands_round_trip_an_engagement(engagement, tmp_path):
    path = tmp_path / "backup.zip"
    out = io.StringIO()
    call_command("export_archive", engagement=str(engagement.pk), output=str(path), stdout=out)
    assert "engagements.reading                   1" in out.getvalue()
    assert "files                                 1" in out.getvalue()

    out = io.StringIO()
    call_command("import_archive", str(path), stdout=out)
    assert "Restored “Strategic Plan 2027–2032”" in out.getvalue()
    assert "5 matched by e-mail, 0 created" in out.getvalue()
    copies = Engagement.objects.filter(name="Strategic Plan 2027–2032")
    assert copies.count() == 2
    assert Organization.objects.filter(name="Riverside Unified School District").count() == 2


def test_the_import_command_joins_an_organization_and_creates_missing_people(
    engagement, tmp_path, cast
):
    newcomer = UserFactory(email="Nouvelle.Personne@Example.org", full_name="Nouvelle Personne")
    MembershipFactory(user=newcomer, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    path = tmp_path / "backup.zip"
    call_command(
        "export_archive", engagement=str(engagement.pk), output=str(path), stdout=io.StringIO()
    )
    newcomer.delete()
    target = cast.foreign_engagement.organization

    out = io.StringIO()
    call_command("import_archive", str(path), organization=str(target.pk), stdout=out)

    copy = Engagement.objects.get(organization=target, name=engagement.name)
    person = copy.memberships.get(user__email="nouvelle.personne@example.org").user
    assert person.full_name == "Nouvelle Personne" and not person.has_usable_password()
    assert "1 created without a password" in out.getvalue()


def test_the_import_command_explains_a_refusal(engagement, tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not an Aligned backup archive"):
        call_command("import_archive", str(path))


@pytest.mark.parametrize(
    ("label", "name", "value", "message"),
    [
        ("engagements.membership", "user", "ghost@example.org", "not in its list of people"),
        ("engagements.reading", "file", {"file": 7}, "not a file the archive's manifest lists"),
        ("engagements.reading", "meeting", 5, "damaged or was changed"),
        ("engagements.reading", "size", "large", "damaged or was changed"),
    ],
)
def test_the_import_command_explains_a_malformed_archive(
    engagement, tmp_path, label, name, value, message
):
    path = tmp_path / "forged.zip"

    def change(members, manifest):
        edit_rows(members, label, set_field(name, value))

    path.write_bytes(forge(zip_bytes(engagement), change).getvalue())
    before = Engagement.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_archive", str(path), stdout=io.StringIO())
    assert Engagement.objects.count() == before


def test_the_export_command_needs_a_known_organization(tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_archive", organization="Nowhere", output=str(tmp_path / "x.zip"))


@pytest.mark.django_db(transaction=True)
def test_every_table_is_read_in_one_transaction(engagement, monkeypatch):
    from django.db import connection

    from archives import spec

    seen = []
    real = spec.rows

    def rows(label, scope):
        seen.append(connection.in_atomic_block)
        return real(label, scope)

    monkeypatch.setattr(spec, "rows", rows)
    assert not connection.in_atomic_block
    zip_bytes(engagement)
    assert seen and all(seen)
