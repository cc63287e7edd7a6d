"""Saved drafts of the plan: the list (and saving the working copy as the next draft), one draft
as it was saved, and two drafts side by side with what was added, removed or reworded.

A draft's page and the comparison read the frozen snapshot (PlanVersion.data, the export format
of planning/schema.py), never the working copy: they cost the same few queries whatever the plan's
size.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import (
    Can,
    access_engagement,
    access_version,
    members_only,
    row_number,
    version_is_published,
)
from engagements.text import CleanTextMixin

from .. import diff, services
from ..models import Approval, PlanVersion, Review
from ..selectors.approval import version_approval
from ..selectors.snapshot import CHOICES, owner_names, snapshot
from ..services.review import publish_refusal

STATEMENT_LABELS = dict(diff.STATEMENTS)
STATUS_WORDS = {
    diff.ADDED: "Added",
    diff.REMOVED: "Removed",
    diff.CHANGED: "Changed",
    diff.SAME: "Unchanged",
}


class DraftForm(CleanTextMixin, forms.Form):
    label = forms.CharField(
        label="Label",
        max_length=200,
        help_text="A few words that tell this draft apart, e.g. “After the vision retreat”.",
        error_messages={
            "required": "Give the draft a short label, e.g. “After the vision retreat”.",
            "max_length": "Keep the label to 200 characters (it has %(show_value)d).",
        },
    )


def _versions(engagement):
    """The engagement's saved drafts with their authors, as a queryset (snapshots left unread)."""
    return PlanVersion.objects.filter(plan__engagement=engagement).select_related("author")


# --- the list, and saving a draft ---------------------------------------------------------------


def _listed(access) -> list[PlanVersion]:
    """The drafts a member may read, newest first, each with its review (or None) and whether
    it went to approval: board members see only the published ones."""
    in_approval = Exists(Approval.objects.filter(version=OuterRef("pk")))
    versions = (
        _versions(access.engagement)
        .defer("data")
        .select_related("review")
        .annotate(in_approval=in_approval)
        .order_by("-number")
    )
    if not access.can(Can.READ_WORKING_COPY):
        versions = versions.filter(Q(review__isnull=False) | Q(in_approval=True))
    versions = list(versions)
    rounds = list(
        Approval.objects.filter(plan__engagement=access.engagement)
        .filter(state__in=[Approval.State.APPROVED, *Approval.ACTIVE])
        .select_related("version")
        .defer("version__data")
    )
    for version in versions:
        version.publishable = not publish_refusal(version, rounds)
        version.published_review = getattr(version, "review", None)
        version.under_review = (
            version.published_review is not None
            and version.published_review.state != Review.State.CLOSED
        )
    return versions


@members_only
@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    need = Can.EDIT_PLAN if request.method == "POST" else Can.READ_DRAFTS
    access = access_engagement(request, engagement_id, need=need)
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_for(access.engagement)
        try:
            version = services.version_save(
                plan=plan, label=form.cleaned_data["label"], author=request.user
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Saved as draft {version.number}.")
            return redirect("planning:drafts", engagement_id=access.engagement.pk)
    versions = _listed(access)
    context = {
        "engagement": access.engagement,
        "versions": versions,
        "next_number": versions[0].number + 1 if versions else 1,
        "can_edit": access.can(Can.EDIT_PLAN),
        "can_publish": access.can(Can.PUBLISH_REVIEW),
        "can_read_working_copy": access.can(Can.READ_WORKING_COPY),
        "form": form,
    }
    status = 400 if form.errors else 200
    return TemplateResponse(request, "planning/drafts/list.html", context, status=status)


# --- one draft ----------------------------------------------------------------------------------


@members_only
@require_GET
def draft(request: HttpRequest, engagement_id: UUID, number: int) -> HttpResponse:
    access, version = access_version(request, engagement_id, number, need=Can.READ_DRAFTS)
    earlier = PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=number)
    if not access.can(Can.READ_WORKING_COPY):  # compare only with a draft the board may read
        earlier = earlier.filter(Q(review__isnull=False) | Q(approvals__isnull=False))
    previous = earlier.order_by("-number").values_list("number", flat=True).first()
    context = {
        "engagement": access.engagement,
        "terms": access.engagement.terms,
        "version": version,
        "previous": previous,
        "plan": snapshot(version.data, owner_names(version.data)),
        "review": Review.objects.filter(version=version).first(),
        "can_publish": access.can(Can.PUBLISH_REVIEW) and not publish_refusal(version),
        "approval": version_approval(version),
    }
    return TemplateResponse(request, "planning/drafts/draft.html", context)


# --- two drafts side by side --------------------------------------------------------------------


def _kind_label(row: diff.Row, terms: dict) -> str:
    if row.kind == "statement":
        return STATEMENT_LABELS.get(row.id, "Statement")
    if row.kind == "value":
        return "Value"
    return terms[row.kind]


def _label_of(kind: str, fields: dict | None) -> str:
    if fields is None:
        return ""
    if kind == "statement":
        return fields.get("text", "")
    return str(fields.get("title") or fields.get("indicator") or fields.get("description") or "")


def _field_label(change: diff.FieldChange, terms: dict) -> str:
    # A goal's objective and a strategy's goal are called by the engagement's words.
    return terms[change.name] if change.name in ("objective", "goal") else change.label


def _choice_words(change: diff.FieldChange) -> tuple[list, list]:
    """A choice (stage, direction, frequency) said in words rather than its stored key."""
    shown = CHOICES[change.name]
    old = [diff.Words(shown.get(change.old, change.old), "delete")] if change.old else []
    new = [diff.Words(shown.get(change.new, change.new), "insert")] if change.new else []
    return old, new


def _sides(row: diff.Row, terms: dict) -> tuple[list, list]:
    """What the older and the newer draft's cells show: lines of (field label, words), the
    element's own words first, then each other field that changed."""
    old_label, new_label = _label_of(row.kind, row.old), _label_of(row.kind, row.new)
    if row.status == diff.ADDED:
        return [], [(None, [diff.Words(new_label, "insert")])]
    if row.status == diff.REMOVED:
        return [(None, [diff.Words(old_label, "delete")])], []
    old_lines = [(None, [diff.Words(old_label, "same")])]
    new_lines = [(None, [diff.Words(new_label, "same")])]
    main = "text" if row.kind == "statement" else diff.FIELDS[row.kind][0][0]
    for change in row.changes:
        old_words, new_words = change.old_words, change.new_words
        if change.name in CHOICES:
            old_words, new_words = _choice_words(change)
        if change.name == main:
            old_lines[0], new_lines[0] = (None, old_words), (None, new_words)
            continue
        label = _field_label(change, terms)
        old_lines.append((label, old_words))
        new_lines.append((label, new_words))
    return old_lines, new_lines


def _table(rows: list[diff.Row], terms: dict) -> list[dict]:
    table = []
    for row in rows:
        old_lines, new_lines = _sides(row, terms)
        table.append(
            {
                "row": row,
                "kind": _kind_label(row, terms),
                "status": STATUS_WORDS[row.status],
                "old_lines": old_lines,
                "new_lines": new_lines,
            }
        )
    return table


@members_only
@require_GET
def compare(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.READ_DRAFTS)
    a, b = row_number(request.GET.get("a")), row_number(request.GET.get("b"))
    if a is None or b is None or a == b:
        messages.error(request, "Choose two different saved drafts to compare.")
        return redirect("planning:drafts", engagement_id=access.engagement.pk)
    a, b = sorted((a, b))
    found = {v.number: v for v in _versions(access.engagement).filter(number__in=(a, b))}
    if len(found) != 2:
        raise Http404("No such draft.")
    if not access.can(Can.READ_WORKING_COPY) and not all(map(version_is_published, found.values())):
        # as access_version says for one draft: the board reads published drafts only
        raise PermissionDenied(
            "Board members read a draft once it is published for review or sent to the board."
        )
    older, newer = found[a], found[b]
    terms = access.engagement.terms
    rows = diff.compare(older.data, newer.data)
    only_changes = request.GET.get("only") == "changes"
    shown = [row for row in rows if row.status != diff.SAME] if only_changes else rows
    context = {
        "engagement": access.engagement,
        "older": older,
        "newer": newer,
        "counts": diff.summary(rows),
        "table": _table(shown, terms),
        "only_changes": only_changes,
    }
    return TemplateResponse(request, "planning/drafts/compare.html", context)
