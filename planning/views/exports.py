"""The plan as files: the working copy downloaded as JSON (the "aligned.plan" format, which can be
imported again) or as CSV for spreadsheets, and a JSON export imported into an empty plan."""

import json
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import Can, access_engagement, members_only
from engagements.text import CleanTextMixin

from .. import schema
from ..services import plan_for

MB = 1024 * 1024
IMPORT_MAX_BYTES = 2 * MB


def _megabytes(size: int) -> str:
    """ "3.1 MB", rounded up to a tenth, so a file just over the limit never reads as within it."""
    tenths = -(-size * 10 // MB)
    return f"{tenths // 10}.{tenths % 10} MB"


class PlanImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label="Plan file (JSON)",
        help_text=f"A plan downloaded from Aligned with “Download JSON”, at most "
        f"{IMPORT_MAX_BYTES // MB} MB.",
        error_messages={"required": "Choose a JSON file.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        """The file's contents, parsed: cleaned_data["file"] is the JSON data, not the upload."""
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {_megabytes(upload.size)}; the limit is {IMPORT_MAX_BYTES // MB} MB."
            )
        try:
            return json.loads(upload.read())  # bytes: UTF-8 (with or without a BOM) or UTF-16/32
        except json.JSONDecodeError as error:
            reason = f"{error.msg} (line {error.lineno}, column {error.colno})"
        except UnicodeDecodeError:
            reason = "it is not text in UTF-8"
        except RecursionError:
            reason = "it is nested too deeply"
        raise forms.ValidationError(f"This file is not JSON: {reason}.")


def _filename(engagement, extension: str) -> str:
    return f"{slugify(engagement.name)[:60] or 'engagement'}-plan.{extension}"


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@members_only
@require_GET
def export_json(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.READ_WORKING_COPY)
    data = schema.export_plan(plan_for(access.engagement))
    content = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _download(content, "application/json", _filename(access.engagement, "json"))


@members_only
@require_GET
def export_csv(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.READ_WORKING_COPY)
    # The byte order mark makes spreadsheet programs read the file as UTF-8.
    content = "\ufeff" + schema.plan_csv(plan_for(access.engagement))
    return _download(content, "text/csv", _filename(access.engagement, "csv"))


@members_only
@require_http_methods(["GET", "POST"])
def import_plan(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.EDIT_PLAN)
    engagement = access.engagement
    # import_plan checks this again under a lock; here it spares reading a file for nothing.
    empty = schema.plan_is_empty(plan_for(engagement))
    form = PlanImportForm(request.POST or None, request.FILES or None) if empty else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            _, warnings = schema.import_plan(engagement=engagement, data=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, "The plan was imported.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("planning:plan", engagement_id=engagement.pk)
    context = {
        "engagement": engagement,
        "form": form,
        "already_planned": schema.ALREADY_PLANNED,
        "schema_name": schema.SCHEMA,
        "schema_version": schema.SCHEMA_VERSION,
    }
    status = 200 if request.method == "GET" else 409 if form is None else 400
    return TemplateResponse(request, "planning/import.html", context, status=status)
