"""Every row of the engagements in a scope, each written as its "natural path": all its fields, with
ids replaced by what they point at (a link to a row becomes that row's own path, a person their
e-mail address, a file the SHA-256 of its content). Two instances that hold the same engagement
under different ids give equal snapshots; a dropped field, a lost row or a changed file does not.
"""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import CharField, FileField, JSONField, TextField, UUIDField

from archives import spec
from archives.export import plain

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Snapshot:
    rows: dict[str, Counter]  # label → natural paths of its rows (hashes), with their counts
    fields: dict[str, dict[str, dict]]  # label → path → the row's fields, to explain a difference
    people: set[tuple[str, str]]
    files: Counter  # "label.field:sha256" of each file


class _Paths:
    def __init__(self, scope: spec.Scope, regenerated_as_marker: bool) -> None:
        self.objects = {}
        self.by_uuid = {}
        for label in spec.MODELS:
            for obj in spec.rows(label, scope):
                self.objects[(label, str(obj.pk))] = obj
                if isinstance(obj._meta.pk, UUIDField):
                    self.by_uuid[str(obj.pk)] = (label, str(obj.pk))
        self.memo: dict = {}
        self.fields: dict = {}
        self.busy: set = set()
        self.people: set = set()
        self.files: Counter = Counter()
        self.regenerated_as_marker = regenerated_as_marker

    def text(self, value: str) -> str:
        def swap(match):
            key = self.by_uuid.get(match.group(0))
            return f"<{self.path(*key)}>" if key else match.group(0)

        return UUID_TEXT.sub(swap, value)

    def json(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def path(self, label: str, pk: str) -> str:
        key = (label, pk)
        if key in self.memo:
            return self.memo[key]
        if key in self.busy:
            return f"cycle:{label}"
        self.busy.add(key)
        obj = self.objects[key]
        out = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(obj, field.attname)
            regenerated = field.name in spec.REGENERATED.get(label, {})
            if regenerated and self.regenerated_as_marker:
                out[field.name] = "regenerated" if value else value
            elif field.is_relation:
                out[field.name] = self.link(field, value)
            elif isinstance(field, FileField):
                out[field.name] = self.file(label, field, value)
            elif isinstance(field, JSONField):
                out[field.name] = self.json(value)
            elif isinstance(field, UUIDField | CharField | TextField) and value is not None:
                out[field.name] = self.text(str(value)) if str(value) in self.by_uuid else value
            else:
                out[field.name] = plain(value)
        self.busy.discard(key)
        encoded = json.dumps([label, out], sort_keys=True, ensure_ascii=False, default=plain)
        self.memo[key] = f"{label}:{hashlib.sha256(encoded.encode()).hexdigest()[:20]}"
        self.fields.setdefault(label, {})[self.memo[key]] = out
        return self.memo[key]

    def link(self, field, value):
        if value is None:
            return None
        target = field.related_model._meta.label_lower
        if target == spec.PEOPLE:
            person = field.related_model.objects.get(pk=value)
            self.people.add((person.email.lower(), person.full_name))
            return f"person:{person.email.lower()}"
        if (target, str(value)) in self.objects:
            return self.path(target, str(value))
        related = field.related_model.objects.get(pk=value)
        if target == "engagements.processtemplate" and related.is_builtin:
            return f"builtin:{related.key}"
        return f"outside:{target}"

    def file(self, label, field, value):
        if not value:
            return ""
        if not field.storage.exists(value.name):
            return f"missing:{value.name}"
        with field.storage.open(value.name, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        self.files[f"{label}.{field.name}:{digest}"] += 1
        return f"sha256:{digest}"


def snapshot(scope: spec.Scope, *, regenerated_as_marker: bool = True) -> Snapshot:
    paths = _Paths(scope, regenerated_as_marker)
    rows: dict[str, Counter] = {label: Counter() for label in spec.MODELS}
    for label, pk in list(paths.objects):
        rows[label][paths.path(label, pk)] += 1
    return Snapshot(rows=rows, fields=paths.fields, people=paths.people, files=paths.files)


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, table by table, with the fields of a row found on one side only."""
    found = []
    for label in spec.MODELS:
        lost = before.rows[label] - after.rows[label]
        extra = after.rows[label] - before.rows[label]
        if lost or extra:
            found.append(f"{label}: {sum(lost.values())} rows lost, {sum(extra.values())} new")
            for path in list(lost)[:1]:
                found.append(f"  before: {before.fields[label][path]}")
            for path in list(extra)[:1]:
                found.append(f"  after:  {after.fields[label][path]}")
    if before.people != after.people:
        found.append(f"people: {sorted(before.people ^ after.people)[:3]}")
    if before.files != after.files:
        found.append(
            f"files: {sorted((before.files - after.files) + (after.files - before.files))}"
        )
    return found
