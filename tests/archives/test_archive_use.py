"""The facilitator's download, the operator's commands, and archives that must be refused."""

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


def test_a_file_already_missing_is_listed_and_its_name_kept(engagement):
    meeting = engagement.meetings.get()
    ReadingFactory(meeting=meeting, file="engagements/gone/Plan.pdf", title="Lost reading")
    data = zip_bytes(engagement)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert [m["name"] for m in manifest["missing_files"]] == ["engagements/gone/Plan.pdf"]

    restored = archive_restore(io.BytesIO(data))

    copy = restored.engagements[0]
    names = {r.title: r.file.name for r in Reading.objects.filter(meeting__engagement=copy)}
    assert names["Lost reading"] == "engagements/gone/Plan.pdf"
    (kept,) = [name for title, name in names.items() if title != "Lost reading"]
    assert kept.startswith(f"engagements/{copy.pk}/readings/") and kept.endswith("Lecture.pdf")


# --- refusals ------------------------------------------------------------------------------------


def test_a_changed_archive_is_refused_and_nothing_is_restored(engagement):
    data = zip_bytes(engagement)

    def tamper(name, content):
        if name == "data/engagements.engagement.jsonl":
            return content.replace(b"Strategic", b"Tactical")
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


def test_the_export_command_needs_a_known_organization(tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_archive", organization="Nowhere", output=str(tmp_path / "x.zip"))
