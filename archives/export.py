"""Write an archive: manifest.json, data/<app.model>.jsonl (one row a line) and files/...

Rows keep their ids from this instance, used only to link rows inside the archive (a restore
gives every row a new one). A link to a person is their e-mail address; a link to a built-in
process template is "builtin:<key>"; a file is {"file": <path in the archive>}.

Every table is read in one transaction (REPEATABLE READ on PostgreSQL), so rows added while the
archive is written (a card during a retreat) are either in it with their parents or not at all.
"""

import hashlib
import json
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField, JSONField, Model
from django.utils import timezone

from . import spec

PEOPLE_FIELDS = ("email", "full_name")


def plain(value):
    """A field's value as JSON can hold it, without losing precision (microseconds, decimals)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def last_migrations() -> dict[str, str]:
    applied = MigrationRecorder(connection).applied_migrations()
    last: dict[str, str] = {}
    for app, name in applied:
        if app in spec.APPS and name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


@contextmanager
def snapshot() -> Iterator[None]:
    """One view of the database for the whole export: inside a transaction, and on PostgreSQL
    one that sees no row committed after its first query (REPEATABLE READ; its default, READ
    COMMITTED, gives each query its own view). Inside a caller's transaction, that one."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must come before any other query
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class _Writer:
    def __init__(self, out: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.entries: list[dict] = []
        self.files: list[dict] = []
        self.missing: list[dict] = []
        self.people: dict[int, dict] = {}
        self.builtin: dict = {}

    def put(self, path: str, content: bytes) -> dict:
        self.zip.writestr(path, content)
        return {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}

    def person(self, user_id: int) -> str:
        if user_id not in self.people:
            user = get_user_model().objects.only(*PEOPLE_FIELDS).get(pk=user_id)
            self.people[user_id] = {"email": user.email.lower(), "full_name": user.full_name}
        return self.people[user_id]["email"]

    def template(self, template_id) -> str:
        if template_id not in self.builtin:
            template = spec.model("engagements.processtemplate").objects.get(pk=template_id)
            self.builtin[template_id] = (
                f"builtin:{template.key}" if template.is_builtin else str(template_id)
            )
        return self.builtin[template_id]

    def file(self, label: str, row_id: str, field: FileField, name: str) -> dict:
        storage = field.storage
        if not storage.exists(name):
            self.missing.append({"model": label, "row": row_id, "field": field.name, "name": name})
            return {"missing": name}
        with storage.open(name, "rb") as handle:
            content = handle.read()
        path = f"files/{label}/{row_id}/{field.name}/{Path(name).name}"
        self.files.append(
            {**self.put(path, content), "model": label, "row": row_id, "field": field.name}
        )
        return {"file": path}

    def row(self, label: str, obj: Model) -> dict:
        out: dict = {}
        row_id = str(obj.pk)
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if field.primary_key:
                out["id"] = row_id
            elif field.is_relation:
                if value is None:
                    out[field.name] = None
                elif field.related_model._meta.label_lower == spec.PEOPLE:
                    out[field.name] = self.person(value)
                elif field.related_model._meta.label_lower == "engagements.processtemplate":
                    out[field.name] = self.template(value)
                else:
                    out[field.name] = str(value)
            elif isinstance(field, FileField):
                out[field.name] = self.file(label, row_id, field, value.name) if value else ""
            elif isinstance(field, JSONField):
                out[field.name] = value
            else:
                out[field.name] = plain(value)
        return out


def _dump(rows: list[dict]) -> bytes:
    lines = (json.dumps(row, ensure_ascii=False, sort_keys=True, default=plain) for row in rows)
    return "".join(f"{line}\n" for line in lines).encode()


def archive_write(*, out: IO[bytes], scope: spec.Scope, exported: dict) -> dict:
    """Write the archive of `scope` to `out` (a binary file) and return its manifest."""
    with snapshot():
        return _write(out, scope, exported)


def _write(out: IO[bytes], scope: spec.Scope, exported: dict) -> dict:
    writer = _Writer(out)
    # Everyone on the rosters in one query; anyone else a row names (a former member) on demand.
    roster = get_user_model().objects.filter(memberships__engagement__in=scope.engagements)
    for user_id, email, full_name in roster.values_list("pk", *PEOPLE_FIELDS).distinct():
        writer.people[user_id] = {"email": email.lower(), "full_name": full_name}
    counts: dict[str, int] = {}
    for label in spec.MODELS:
        rows = [writer.row(label, obj) for obj in spec.rows(label, scope).iterator()]
        counts[label] = len(rows)
        writer.entries.append(writer.put(f"data/{label}.jsonl", _dump(rows)))
    people = sorted(writer.people.values(), key=lambda person: person["email"])
    counts[spec.PEOPLE] = len(people)
    writer.entries.insert(0, writer.put(f"data/{spec.PEOPLE}.jsonl", _dump(people)))
    manifest = {
        "format": spec.FORMAT_NAME,
        "format_version": spec.FORMAT_VERSION,
        "app_version": app_version(),
        "migrations": last_migrations(),
        "created_at": timezone.now().isoformat(),
        "exported": exported,
        "counts": counts,
        "data": writer.entries,
        "files": writer.files,
        "missing_files": writer.missing,
        "skipped": spec.SKIPPED,
        "regenerated_on_restore": spec.REGENERATED,
    }
    writer.zip.writestr(
        "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    )
    writer.zip.close()
    return manifest


def engagement_archive(engagement, *, out: IO[bytes]) -> dict:
    with snapshot():
        return _engagement_archive(engagement, out)


def _engagement_archive(engagement, out: IO[bytes]) -> dict:
    scope = spec.Scope(engagements=[engagement.pk], organizations=[engagement.organization_id])
    exported = {
        "kind": "engagement",
        "engagements": [{"id": str(engagement.pk), "name": engagement.name}],
        "organization": {
            "id": str(engagement.organization_id),
            "name": engagement.organization.name,
        },
    }
    return archive_write(out=out, scope=scope, exported=exported)


def organization_archive(organization, *, out: IO[bytes]) -> dict:
    with snapshot():
        return _organization_archive(organization, out)


def _organization_archive(organization, out: IO[bytes]) -> dict:
    engagements = list(organization.engagements.order_by("name"))
    scope = spec.Scope(
        engagements=[engagement.pk for engagement in engagements],
        organizations=[organization.pk],
    )
    exported = {
        "kind": "organization",
        "engagements": [{"id": str(e.pk), "name": e.name} for e in engagements],
        "organization": {"id": str(organization.pk), "name": organization.name},
    }
    return archive_write(out=out, scope=scope, exported=exported)
