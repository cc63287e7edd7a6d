"""An archive restores everything it holds: every table's rows field by field (ids and links
compared by what they point at) and every file by its SHA-256, into a new organization of the
same instance and into a fresh instance."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from archives import spec
from archives.export import _Writer, engagement_archive, organization_archive
from archives.restore import archive_restore
from engagements.models import Engagement, Organization, ProcessTemplate, TemplatePhase
from engagements.process_data import install_builtin_templates
from monitoring.models import PublicPage
from planning.models import BoardVote, Comment, Goal, Review
from retreats.models import Card, Retreat
from tests.archives.snapshot import differences, snapshot
from tests.archives.world import LONG, PDF, PNG, rich_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(media):
    riverside, previous = rich_world()
    organization = riverside.organization
    engagements = list(organization.engagements.values_list("pk", flat=True))
    return organization, spec.Scope(engagements=engagements, organizations=[organization.pk])


def scope_of(organization) -> spec.Scope:
    engagements = list(organization.engagements.values_list("pk", flat=True))
    return spec.Scope(engagements=engagements, organizations=[organization.pk])


def archive_of(organization) -> io.BytesIO:
    out = io.BytesIO()
    organization_archive(organization, out=out)
    out.seek(0)
    return out


def test_the_rich_world_fills_every_table_the_archive_holds(world):
    organization, scope = world
    empty = [label for label in spec.MODELS if not spec.rows(label, scope).exists()]
    assert empty == [], f"the round trip would not check {empty}: add rows in world.py"


def test_every_row_and_file_comes_back_in_a_new_organization(world):
    organization, scope = world
    before = snapshot(scope)
    digests = {f"{hashlib.sha256(content).hexdigest()}" for content in (PDF, PNG)}
    assert {name.split(":")[1] for name in before.files} == digests
    assert sum(before.files.values()) == 3  # a reading, a logo and a PDF

    restored = archive_restore(archive_of(organization))

    (copy,) = restored.organizations
    assert copy.pk != organization.pk
    assert copy.name == organization.name
    assert differences(before, snapshot(scope_of(copy))) == []
    # new ids everywhere, and the old ones still hold the original
    assert {e.pk for e in restored.engagements}.isdisjoint(scope.engagements)
    assert differences(before, snapshot(scope)) == []
    assert restored.people_created == 0 and restored.people_matched == len(before.people)


def test_it_restores_into_a_fresh_instance(world, media):
    organization, scope = world
    before = snapshot(scope)
    archive = archive_of(organization)
    emails = sorted(email for email, _ in before.people)

    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred foreign-key check
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)  # a new instance: nothing at all
    install_builtin_templates(ProcessTemplate, TemplatePhase)  # what migrate gives it
    assert not Engagement.objects.exists() and not User.objects.exists()

    restored = archive_restore(archive)

    assert differences(before, snapshot(scope_of(restored.organizations[0]))) == []
    assert restored.people_created == len(emails)
    people = User.objects.filter(email__in=emails)
    assert people.count() == len(emails)
    assert not any(person.has_usable_password() for person in people)


def test_the_comparison_fails_when_a_field_is_dropped(world, monkeypatch):
    """The round-trip check is not blind: an archive that forgets one field of one model fails."""
    organization, scope = world
    before = snapshot(scope)
    row = _Writer.row

    def forgetful(self, label, obj):
        out = row(self, label, obj)
        if label == "planning.goal":
            out.pop("target_date")
        return out

    monkeypatch.setattr(_Writer, "row", forgetful)
    Goal.objects.filter(plan__engagement__organization=organization).update(
        target_date="2029-06-30"
    )
    before = snapshot(scope)
    restored = archive_restore(archive_of(organization))
    found = differences(before, snapshot(scope_of(restored.organizations[0])))
    assert any(line.startswith("planning.goal:") for line in found)


def test_restoring_twice_makes_two_copies_with_new_codes(world):
    organization, scope = world
    archive = archive_of(organization)
    first = archive_restore(archive)
    archive.seek(0)
    second = archive_restore(archive)

    codes = list(Retreat.objects.values_list("join_code", flat=True))
    assert len(codes) == len(set(codes)) == 3 * len(spec.rows("retreats.retreat", scope))
    hashes = [h for h in Review.objects.values_list("public_token_hash", flat=True) if h]
    assert len(hashes) == len(set(hashes)) == 3
    observers = [t for t in Retreat.objects.values_list("observer_token", flat=True) if t]
    assert len(observers) == len(set(observers)) == 3 * len(spec.rows("retreats.retreat", scope))
    pages = list(PublicPage.objects.values_list("token", flat=True))
    assert len(pages) == len(set(pages)) == 3
    assert first.organizations[0].pk != second.organizations[0].pk
    names = {e.name for e in Engagement.objects.all()}
    assert "Strategic Plan 2027–2032" in names


def test_saved_drafts_and_lived_plan_point_at_the_new_elements(world):
    """Plan elements get new ids, and the ids inside saved drafts, monitored measures and
    comments change with them (not left pointing at the original's elements)."""
    organization, scope = world
    restored = archive_restore(archive_of(organization))
    copy = Engagement.objects.get(
        organization=restored.organizations[0], name="Strategic Plan 2021–2026"
    )
    new_goals = {
        str(pk) for pk in Goal.objects.filter(plan__engagement=copy).values_list("pk", flat=True)
    }
    old_goals = {
        str(pk)
        for pk in Goal.objects.filter(plan__engagement__organization=organization).values_list(
            "pk", flat=True
        )
    }
    text = json.dumps(list(copy.plan.versions.values_list("data", flat=True)))
    assert any(goal in text for goal in new_goals)
    assert not any(goal in text for goal in old_goals)
    measures = {str(m) for m in copy.monitored_measures.values_list("measure_id", flat=True)}
    assert measures and not measures & {
        str(m)
        for m in Engagement.objects.get(
            organization=organization, name=copy.name
        ).monitored_measures.values_list("measure_id", flat=True)
    }


def test_accents_and_long_text_survive(world):
    organization, scope = world
    restored = archive_restore(archive_of(organization))
    copy = restored.organizations[0]
    votes = BoardVote.objects.filter(note=LONG)
    assert (
        votes.filter(approval__plan__engagement__organization=copy).count()
        == (votes.filter(approval__plan__engagement__organization=organization).count())
        > 0
    )
    comments = Comment.objects.filter(body=LONG)
    assert comments.filter(review__version__plan__engagement__organization=copy).exists()
    card = Card.objects.get(activity__retreat__engagement__organization=copy, text=LONG[:500])
    assert len(card.text) == 500 and card.merged_into is not None and card.hidden


def test_an_engagement_archive_joins_an_existing_organization(world):
    organization, scope = world
    riverside = Engagement.objects.get(name="Strategic Plan 2027–2032")
    out = io.BytesIO()
    manifest = engagement_archive(riverside, out=out)
    assert manifest["exported"]["kind"] == "engagement"
    assert manifest["counts"]["engagements.engagement"] == 1

    restored = archive_restore(io.BytesIO(out.getvalue()), organization=organization)

    (copy,) = restored.engagements
    assert copy.organization == organization
    assert copy.name == "Strategic Plan 2027–2032 (restored)"
    assert Organization.objects.count() == 2  # Riverside and Lakeview: none added


def test_the_manifest_lists_every_file_with_its_hash(world):
    organization, scope = world
    archive = zipfile.ZipFile(archive_of(organization))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "aligned-archive" and manifest["format_version"] == 1
    assert manifest["migrations"]["planning"].startswith("00")
    assert len(manifest["files"]) == 3 and manifest["missing_files"] == []
    assert {entry["path"] for entry in manifest["data"]} == {
        f"data/{label}.jsonl" for label in [spec.PEOPLE, *spec.MODELS]
    }
    assert set(manifest["skipped"]) >= {"retreats.submissionkey", spec.PEOPLE}
    for entry in manifest["files"]:
        assert len(archive.read(entry["path"])) == entry["size"]
