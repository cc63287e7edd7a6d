"""Read an archive back into this instance: check it, then create every row with a new id.

The archive is checked before anything is written: its format and version, the size of every
member against the manifest and ARCHIVE_MAX_BYTES before it is read (a "zip bomb" is refused
unread), then the SHA-256 of every data file and every file, read in chunks. Every file a row
names must be one the manifest lists; every link must name a row or a person in the archive. The
restore runs in one transaction; files are copied to new storage names and removed again if the
restore fails.

- People are matched by e-mail address (whatever its case) or created without a usable password.
- Every row gets a new primary key; links between rows follow. The ids a plan's saved drafts and
  the lived plan use to name plan elements (inside JSON, measure and action-step ids, comment
  targets) are changed the same way, so drafts, comments and readings still point at the right
  elements.
- Timestamps are restored as they were, including "created"/"updated" ones.
- Values unique across the instance are made anew (spec.REGENERATED); an engagement whose name
  is taken in the organization it joins gets " (restored)" after its name.
- A file that was already missing where the archive was made is restored as no file (an empty
  file field), never as the storage name it had: that name is not checked by any checksum and
  could point at another organization's file.
- A report job keeps its content hash as it was: with the new ids its content no longer hashes
  the same, so the next request for that report renders a fresh PDF instead of reusing it.
"""

import hashlib
import json
import re
import secrets
import uuid
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
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

# The manifest is read whole before anything else: it may be this large (about 200 bytes a file).
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024

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


def _damaged(what: str) -> ArchiveError:
    return ArchiveError(f"The archive is damaged or was changed: {what}. Nothing was restored.")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _listed(manifest: dict) -> list[dict]:
    """The manifest's data files and files, each checked to have a path, a size and a hash."""
    listed = []
    for key in ("data", "files"):
        entries = manifest.get(key, [])
        if not isinstance(entries, list):
            raise _damaged(f"its manifest's “{key}” is not a list")
        for entry in entries:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("path"), str)
                and type(entry.get("size")) is int
                and entry["size"] >= 0
                and isinstance(entry.get("sha256"), str)
            ):
                raise _damaged(f"an entry of its manifest's “{key}” has no path, size or checksum")
            listed.append(entry)
    return listed


def _check_member(archive: zipfile.ZipFile, entry: dict) -> None:
    """Compare a member's size with the manifest before reading it, then its SHA-256 in chunks
    (never more than the manifest's size is read)."""
    path, size = entry["path"], entry["size"]
    if archive.getinfo(path).file_size != size:
        raise _damaged(f"{path} does not have the size its manifest gives")
    digest, read = hashlib.sha256(), 0
    try:
        with archive.open(path) as member:
            while chunk := member.read(min(CHUNK, size - read + 1)):
                read += len(chunk)
                if read > size:
                    break
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise _damaged(f"{path} cannot be read") from error
    if read != size or digest.hexdigest() != entry["sha256"]:
        raise _damaged(f"{path} does not match the checksum in its manifest")


def archive_open(source: IO[bytes] | str) -> Archive:
    """Open and check an archive, or raise ArchiveError saying what is wrong with it."""
    try:
        archive = zipfile.ZipFile(source)
        if archive.getinfo("manifest.json").file_size > MANIFEST_MAX_BYTES:
            raise ArchiveError("The archive's manifest.json is too large to be an Aligned one.")
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ArchiveError(
            "This is not an Aligned backup archive (a .zip with a manifest.json)."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != spec.FORMAT_NAME:
        raise ArchiveError("This .zip is not an Aligned backup archive.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > spec.FORMAT_VERSION:
        raise ArchiveError(
            f"This archive was made by a newer version of Aligned (archive format {version}); "
            f"this instance reads format {spec.FORMAT_VERSION} and older. Update Aligned first."
        )
    if not isinstance(manifest.get("exported"), dict):
        raise _damaged("its manifest does not say what was exported")
    listed = _listed(manifest)
    names = set(archive.namelist())
    for entry in listed:
        if entry["path"] not in names:
            raise ArchiveError(f"The archive is incomplete: {entry['path']} is missing.")
    unlisted = names - {entry["path"] for entry in listed} - {"manifest.json"}
    if unlisted:
        raise ArchiveError(
            f"The archive holds files its manifest does not list ({sorted(unlisted)[0]}…); "
            "it was changed after it was made. Nothing was restored."
        )
    # Sizes first, from the zip's directory: nothing is unpacked from an archive too large.
    limit = settings.ARCHIVE_MAX_BYTES
    total = sum(archive.getinfo(name).file_size for name in names)
    if total > limit:
        raise ArchiveError(
            f"The archive unpacks to {_megabytes(total)}, more than the {_megabytes(limit)} this "
            "site restores (ARCHIVE_MAX_MB). Nothing was restored."
        )
    for entry in listed:
        _check_member(archive, entry)
    rows: dict[str, list[dict]] = {}
    for entry in manifest.get("data", []):
        label = PurePosixPath(entry["path"]).name.removesuffix(".jsonl")
        if label != spec.PEOPLE and label not in spec.MODELS:
            raise ArchiveError(
                f"This archive holds {label} rows, which this version of Aligned does not know. "
                "It was made by a newer version: update Aligned first."
            )
        try:
            text = archive.read(entry["path"]).decode()
            rows[label] = [json.loads(line) for line in text.splitlines() if line]
        except ValueError as error:
            raise _damaged(f"{entry['path']} is not one JSON row a line") from error
        for row in rows[label]:
            if not isinstance(row, dict) or (label != spec.PEOPLE and "id" not in row):
                raise _damaged(f"a row of {entry['path']} is not a row with an id")
    files = {entry["path"] for entry in manifest.get("files", [])}
    _check_fields(rows, files)
    return Archive(manifest=manifest, rows=rows, zip=archive)


def _check_fields(rows: dict[str, list[dict]], files: set[str]) -> None:
    """Every field known to this version; every person a row names in the archive's list of
    people; every file value empty, missing or a file the manifest lists."""
    emails = set()
    for person in rows.get(spec.PEOPLE, []):
        if not isinstance(person.get("email"), str) or not person["email"].strip():
            raise _damaged("a person in accounts.user.jsonl has no e-mail address")
        emails.add(person["email"].strip().lower())
    for label, items in rows.items():
        if label == spec.PEOPLE:
            continue
        fields = {f.name: f for f in spec.model(label)._meta.concrete_fields}
        for row in items:
            unknown = set(row) - set(fields) - {"id"}
            if unknown:
                raise ArchiveError(
                    f"This archive's {label} rows have fields this version of Aligned does not "
                    f"know ({', '.join(sorted(unknown))}). It was made by a newer version: "
                    "update Aligned first."
                )
            for name, raw in row.items():
                model_field = fields.get(name)
                if isinstance(model_field, FileField):
                    _check_file(label, name, raw, files)
                elif (
                    model_field is not None
                    and model_field.is_relation
                    and model_field.related_model._meta.label_lower == spec.PEOPLE
                    and raw is not None
                    and (not isinstance(raw, str) or raw.strip().lower() not in emails)
                ):
                    raise ArchiveError(
                        f"The archive is inconsistent: a {label} row names a person ({raw}) who "
                        "is not in its list of people (accounts.user.jsonl). Nothing was restored."
                    )


def _check_file(label: str, name: str, value, files: set[str]) -> None:
    if value == "":
        return
    if isinstance(value, dict) and set(value) == {"missing"} and isinstance(value["missing"], str):
        return  # restored as no file
    if isinstance(value, dict) and set(value) == {"file"} and value["file"] in files:
        return
    raise _damaged(f"the {name} of a {label} row is not a file the archive's manifest lists")


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
            return self.people[ref.strip().lower()]  # checked by archive_open
        if not isinstance(ref, str):
            raise _damaged(f"a link to a {target} is not an id")
        if target == "engagements.processtemplate" and ref.startswith("builtin:"):
            key = ref.removeprefix("builtin:")
            if key not in self.templates:
                template = spec.model(target).objects.filter(key=key, owner=None).first()
                self.templates[key] = template.pk if template else None
            return self.templates[key]
        new = self.pks[target].get(ref)
        if new is None:
            # A row whose parent the archive lacks (an archive made while someone was adding
            # rows, before exports ran in one transaction, or one edited by hand).
            raise ArchiveError(
                f"The archive is inconsistent: a {model_field.model._meta.label_lower} row "
                f"refers to a {target} that is not in the archive ({ref}). Nothing was restored."
            )
        return new

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
        if not value or "file" not in value:
            # Already missing where the archive was made: no file. Never the name it had, which
            # no checksum covers and could be another organization's file.
            return ""
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

    def discard_files(self) -> None:
        for storage, name in self.saved_files:
            storage.delete(name)

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
    except (KeyError, TypeError, AttributeError, ValueError, ValidationError) as error:
        # A value of the wrong kind that the checks above let through: plain words, no traceback.
        restorer.discard_files()
        raise _damaged(f"a value cannot be read ({type(error).__name__}: {error})") from error
    except BaseException:
        restorer.discard_files()
        raise
