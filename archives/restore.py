"""Read an archive back into this instance: check it, then create every row with a new id.

The archive is checked before anything is written: its format and version, and the size and
SHA-256 of every data file and every file against the manifest. The restore runs in one
transaction; files are copied to new storage names and removed again if the restore fails.

- People are matched by e-mail address (whatever its case) or created without a usable password.
- Every row gets a new primary key; links between rows follow. The ids a plan's saved drafts and
  the lived plan use to name plan elements (inside JSON, measure and action-step ids, comment
  targets) are changed the same way, so drafts, comments and readings still point at the right
  elements.
- Timestamps are restored as they were, including "created"/"updated" ones.
- Values unique across the instance are made anew (spec.REGENERATED); an engagement whose name
  is taken in the organization it joins gets " (restored)" after its name.
- A report job keeps its content hash as it was: with the new ids its content no longer hashes
  the same, so the next request for that report renders a fresh PDF instead of reusing it.
"""

import hashlib
import json
import re
import secrets
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import (
    CharField,
    FileField,
    JSONField,
    Model,
    TextField,
    UUIDField,
)

from engagements.models import Organization
from monitoring.services.public import new_token as new_public_token
from retreats.models import Retreat, new_join_code

from . import spec

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ArchiveError(Exception):
    """The archive cannot be restored; the message says why in plain words."""


@dataclass
class Archive:
    manifest: dict
    rows: dict[str, list[dict]]
    zip: zipfile.ZipFile


@dataclass
class Restored:
    counts: dict[str, int] = field(default_factory=dict)
    engagements: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    people_matched: int = 0
    people_created: int = 0
    files: int = 0
    renamed: list[str] = field(default_factory=list)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def archive_open(source: IO[bytes] | str) -> Archive:
    """Open and check an archive, or raise ArchiveError saying what is wrong with it."""
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ArchiveError(
            "This is not an Aligned backup archive (a .zip with a manifest.json)."
        ) from error
    if manifest.get("format") != spec.FORMAT_NAME:
        raise ArchiveError("This .zip is not an Aligned backup archive.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > spec.FORMAT_VERSION:
        raise ArchiveError(
            f"This archive was made by a newer version of Aligned (archive format {version}); "
            f"this instance reads format {spec.FORMAT_VERSION} and older. Update Aligned first."
        )
    listed = manifest.get("data", []) + manifest.get("files", [])
    names = set(archive.namelist())
    for entry in listed:
        if entry["path"] not in names:
            raise ArchiveError(f"The archive is incomplete: {entry['path']} is missing.")
        content = archive.read(entry["path"])
        if len(content) != entry["size"] or _sha256(content) != entry["sha256"]:
            raise ArchiveError(
                f"The archive is damaged or was changed: {entry['path']} does not match the "
                "checksum in its manifest. Nothing was restored."
            )
    unlisted = names - {entry["path"] for entry in listed} - {"manifest.json"}
    if unlisted:
        raise ArchiveError(
            f"The archive holds files its manifest does not list ({sorted(unlisted)[0]}…); "
            "it was changed after it was made. Nothing was restored."
        )
    rows: dict[str, list[dict]] = {}
    for entry in manifest["data"]:
        label = PurePosixPath(entry["path"]).name.removesuffix(".jsonl")
        if label != spec.PEOPLE and label not in spec.MODELS:
            raise ArchiveError(
                f"This archive holds {label} rows, which this version of Aligned does not know. "
                "It was made by a newer version: update Aligned first."
            )
        text = archive.read(entry["path"]).decode()
        rows[label] = [json.loads(line) for line in text.splitlines() if line]
    _check_fields(rows)
    return Archive(manifest=manifest, rows=rows, zip=archive)


def _check_fields(rows: dict[str, list[dict]]) -> None:
    for label, items in rows.items():
        if label == spec.PEOPLE:
            continue
        known = {f.name for f in spec.model(label)._meta.concrete_fields} | {"id"}
        for row in items:
            unknown = set(row) - known
            if unknown:
                raise ArchiveError(
                    f"This archive's {label} rows have fields this version of Aligned does not "
                    f"know ({', '.join(sorted(unknown))}). It was made by a newer version: "
                    "update Aligned first."
                )


class _Restorer:
    def __init__(self, archive: Archive, organization: Organization | None) -> None:
        self.archive = archive
        self.target = organization
        self.result = Restored()
        self.people: dict[str, int] = {}
        self.pks: dict[str, dict[str, object]] = defaultdict(dict)
        self.uuids: dict[str, str] = {}
        self.templates: dict[str, object] = {}
        self.saved_files: list[tuple[object, str]] = []

    # --- ids ------------------------------------------------------------------------------------

    def plan_ids(self) -> None:
        """New UUIDs for every UUID-keyed row, before anything is written, so that ids inside
        JSON and soft links (a measure's id in a saved draft) can be changed the same way."""
        for label, items in self.archive.rows.items():
            if label == spec.PEOPLE:
                continue
            if isinstance(spec.model(label)._meta.pk, UUIDField):
                for row in items:
                    new = str(uuid.uuid4())
                    self.uuids[row["id"]] = new
                    self.pks[label][row["id"]] = new

    def remap(self, value):
        if isinstance(value, str):
            return UUID_TEXT.sub(lambda m: self.uuids.get(m.group(0), m.group(0)), value)
        if isinstance(value, list):
            return [self.remap(item) for item in value]
        if isinstance(value, dict):
            return {self.remap(key): self.remap(item) for key, item in value.items()}
        return value

    # --- people and organizations ---------------------------------------------------------------

    def restore_people(self) -> None:
        users = get_user_model()
        for row in self.archive.rows.get(spec.PEOPLE, []):
            email = row["email"].strip().lower()
            user = users.objects.filter(email__iexact=email).first()
            if user is None:
                user = users.objects.create_user(email, None, full_name=row.get("full_name", ""))
                self.result.people_created += 1
            else:
                self.result.people_matched += 1
            self.people[email] = user.pk
        self.result.counts[spec.PEOPLE] = len(self.people)

    def restore_organizations(self) -> None:
        label = "engagements.organization"
        items = self.archive.rows.get(label, [])
        if self.target is not None:
            if len(items) != 1 or self.archive.manifest["exported"].get("kind") != "engagement":
                raise ArchiveError(
                    "Only an engagement's archive can be restored into an existing organization; "
                    "an organization's archive makes a new organization."
                )
            self.pks[label][items[0]["id"]] = self.target.pk
            self.uuids[items[0]["id"]] = str(self.target.pk)
            self.result.organizations.append(self.target)
            self.result.counts[label] = 0
            return
        self.create(label, items)
        self.result.organizations = list(
            Organization.objects.filter(pk__in=self.pks[label].values())
        )

    # --- rows -----------------------------------------------------------------------------------

    def link(self, model_field, ref):
        target = model_field.related_model._meta.label_lower
        if ref is None:
            return None
        if target == spec.PEOPLE:
            return self.people[ref.lower()]
        if target == "engagements.processtemplate" and ref.startswith("builtin:"):
            key = ref.removeprefix("builtin:")
            if key not in self.templates:
                template = spec.model(target).objects.filter(key=key, owner=None).first()
                self.templates[key] = template.pk if template else None
            return self.templates[key]
        return self.pks[target].get(ref)

    def value(self, model_field, raw):
        if isinstance(model_field, JSONField):
            return self.remap(raw)
        value = model_field.to_python(raw)
        if isinstance(model_field, UUIDField) and value is not None:
            return model_field.to_python(self.uuids.get(str(value), str(value)))
        if isinstance(model_field, CharField | TextField) and value in self.uuids:
            return self.uuids[value]
        return value

    def build(self, label: str, model: type[Model], row: dict, deferred: list) -> Model:
        obj = model()
        for model_field in model._meta.concrete_fields:
            name = model_field.name
            if model_field.primary_key:
                if label in self.pks and row["id"] in self.pks[label]:
                    setattr(obj, model_field.attname, self.pks[label][row["id"]])
                continue
            if name not in row:
                continue  # an archive from an older version: the field's default
            raw = row[name]
            if model_field.is_relation:
                target = model_field.related_model._meta.label_lower
                if target == label and raw is not None:
                    deferred.append((obj, model_field, raw))
                    continue
                setattr(obj, model_field.attname, self.link(model_field, raw))
            elif isinstance(model_field, FileField):
                continue  # after the links are set: the storage name may use them
            else:
                setattr(obj, model_field.attname, self.value(model_field, raw))
        for name in spec.REGENERATED.get(label, {}):
            if getattr(obj, name):
                setattr(obj, name, self.regenerate(label, name))
        if label == "engagements.engagement":
            self.free_name(obj)
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, FileField) and model_field.name in row:
                setattr(obj, model_field.attname, self.file(label, obj, model_field, row))
        return obj

    def regenerate(self, label: str, name: str) -> str:
        if (label, name) == ("retreats.retreat", "join_code"):
            code = new_join_code()
            while Retreat.objects.filter(join_code=code).exists():
                code = new_join_code()
            return code
        if (label, name) == ("retreats.retreat", "observer_token"):
            return secrets.token_urlsafe(24)  # as retreats.services makes them
        if (label, name) == ("monitoring.publicpage", "token"):
            return new_public_token()
        # The others are SHA-256 hashes of a link's secret: a new secret nobody holds.
        return hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()

    def free_name(self, engagement) -> None:
        taken = set(
            type(engagement)
            .objects.filter(organization_id=engagement.organization_id)
            .values_list("name", flat=True)
        )
        if engagement.name not in taken:
            return
        original, number = engagement.name, 1
        while engagement.name in taken:
            suffix = " (restored)" if number == 1 else f" (restored {number})"
            engagement.name = f"{original[: 200 - len(suffix)]}{suffix}"
            number += 1
        self.result.renamed.append(f"“{original}” is restored as “{engagement.name}”")

    def file(self, label: str, obj: Model, model_field: FileField, row: dict) -> str:
        value = row[model_field.name]
        if not value:
            return ""
        if "missing" in value:
            return value["missing"]  # it was already missing where the archive was made
        content = self.archive.zip.read(value["file"])
        basename = PurePosixPath(value["file"]).name
        if label == "reports.reportjob":
            name = f"reports/{obj.engagement_id}/{obj.pk}-{obj.attempt}.pdf"
        else:
            name = model_field.generate_filename(obj, basename)
        storage = model_field.storage
        saved = storage.save(name, ContentFile(content))
        self.saved_files.append((storage, saved))
        self.result.files += 1
        return saved

    def create(self, label: str, items: list[dict]) -> None:
        model = spec.model(label)
        deferred: list = []
        objects = [self.build(label, model, row, deferred) for row in items]
        if connection.features.can_return_rows_from_bulk_insert or isinstance(
            model._meta.pk, UUIDField
        ):
            model.objects.bulk_create(objects, batch_size=500)
        else:
            for obj in objects:
                obj.save(force_insert=True)
        for obj, row in zip(objects, items, strict=True):
            self.pks[label][row["id"]] = obj.pk
        # Creating set "created"/"updated" times to now: put the archived ones back.
        stamped = [
            f
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        if stamped and objects:
            for obj, row in zip(objects, items, strict=True):
                for f in stamped:
                    if f.name in row:
                        setattr(obj, f.attname, self.value(f, row[f.name]))
            model.objects.bulk_update(objects, [f.name for f in stamped], batch_size=500)
        if deferred:
            names, changed = set(), {}
            for obj, model_field, ref in deferred:
                setattr(obj, model_field.attname, self.link(model_field, ref))
                names.add(model_field.name)
                changed[obj.pk] = obj
            model.objects.bulk_update(list(changed.values()), sorted(names), batch_size=500)
        self.result.counts[label] = len(objects)

    def run(self) -> Restored:
        self.plan_ids()
        self.restore_people()
        self.restore_organizations()
        for label in spec.MODELS:
            if label != "engagements.organization":
                self.create(label, self.archive.rows.get(label, []))
        model = spec.model("engagements.engagement")
        self.result.engagements = list(
            model.objects.filter(pk__in=self.pks["engagements.engagement"].values())
        )
        return self.result


def archive_restore(
    source: IO[bytes] | str, *, organization: Organization | None = None
) -> Restored:
    """Restore an archive (a path or a binary file) into this instance, in one transaction.
    With `organization`, an engagement's archive joins that organization instead of a new one."""
    archive = archive_open(source)
    restorer = _Restorer(archive, organization)
    try:
        with transaction.atomic():
            return restorer.run()
    except Exception:
        for storage, name in restorer.saved_files:
            storage.delete(name)
        raise
