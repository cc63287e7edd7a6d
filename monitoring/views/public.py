"""The public progress page: the approved plan and its progress for the community, without an
account, at an address with an unguessable token; its measures and readings as CSV (open data);
and the settings page where the plan lead (or the facilitator) turns it on or off.

The public pages read nothing of the request but the token: they are rendered without it (no
session, no user, no CSRF token), so nothing about a visitor can change them and a shared cache
may keep them. They link to nothing but themselves, their CSV files and static files."""

import csv
import hashlib
import io
from datetime import date
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import Can, access_engagement, members_only, public
from engagements.models import DEFAULT_TERMINOLOGY

from ..models import PublicPage
from ..selectors.plan import approved_version
from ..selectors.public import (
    public_measure_rows,
    public_page_by_token,
    public_progress_for,
    public_reading_rows,
)
from ..services.public import public_page_for, public_page_set

MAX_AGE = 300  # seconds a browser or a shared cache may keep a public answer
# Seconds the rendered page stays in the server's cache. Its key moves with every change the
# page knows of (public_page_by_token: readings, approvals, comments, every change of a retreat
# board such as a card hidden, the names); the short life bounds anything else (a goal's source
# changed in the working copy) to two minutes.
RENDERED_FOR = 120
# Bump when the page's template or CSV columns change, so no cache serves the old ones.
LAYOUT = "2"


# --- the settings page (members) ------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def public_settings(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """Every member sees whether the page is on and its address; the facilitator, then the plan
    lead, turns it on (after a confirmation saying what becomes public), off, or makes a new
    link (also confirmed: the old address stops working)."""
    access = access_engagement(request, engagement_id)
    engagement = access.engagement
    page = public_page_for(engagement)
    may_change = access.can(Can.PUBLISH_PROGRESS)
    confirming = ""
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(
                f"Your role in this engagement does not allow you to {Can.PUBLISH_PROGRESS}."
            )
        action = request.POST.get("action", "")
        if action not in {"on", "off", "new-link"}:
            return redirect("monitoring:public-settings", engagement.pk)
        if action == "off":
            public_page_set(engagement=engagement, by=request.user, enabled=False)
            messages.success(request, "The public page is off: its address now says “not found”.")
            return redirect("monitoring:public-settings", engagement.pk)
        if request.POST.get("confirmed") != "yes":
            confirming = action
        else:
            page = public_page_set(
                engagement=engagement,
                by=request.user,
                enabled=action == "on" or page.enabled,
                new_link=action == "new-link",
            )
            messages.success(
                request,
                "The public page is on. Share its address below."
                if action == "on"
                else "The page has a new address; the old one now says “not found”.",
            )
            return redirect("monitoring:public-settings", engagement.pk)
    address = None
    if page.pk and page.enabled:
        address = request.build_absolute_uri(reverse("monitoring:public-page", args=[page.token]))
    context = {
        "engagement": engagement,
        "page": page,
        "address": address,
        "may_change": may_change,
        "confirming": confirming,
        "approved": approved_version(engagement) is not None,
    }
    return TemplateResponse(request, "monitoring/public/settings.html", context)


# --- the public page and its CSV files ----------------------------------------------------------


def _page(token: str):
    page = public_page_by_token(token)
    if page is None:
        raise Http404("No such page.")
    return page


def _etag(page: PublicPage, what: str, today: date) -> str:
    # Today is part of it: a status turns "update overdue" with the date alone.
    raw = f"{LAYOUT}|{what}|{page.token}|{page.changed.isoformat()}|{today.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _public_headers(response: HttpResponse, etag: str, page: PublicPage | None) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["ETag"] = quote_etag(etag)
    if page is not None:
        response["Last-Modified"] = http_date(page.changed.timestamp())
    response["Referrer-Policy"] = "same-origin"
    return response


def _fresh(request: HttpRequest, page: PublicPage, etag: str) -> HttpResponse | None:
    """A 304 when the visitor's copy is still the latest."""
    response = get_conditional_response(
        request, etag=quote_etag(etag), last_modified=int(page.changed.timestamp())
    )
    return _public_headers(response, etag, page) if response is not None else None


def _terms(engagement, version) -> dict[str, str]:
    saved = (version.data.get("terminology") if version else None) or {}
    return {key: saved.get(key) or engagement.term(key) for key in DEFAULT_TERMINOLOGY}


def _render(page: PublicPage, today: date) -> str:
    engagement = page.engagement
    data = public_progress_for(engagement, today=today)
    version = data.progress.version if data else None
    context = {
        "organization": engagement.organization.name,
        "engagement_name": engagement.name,
        "data": data,
        "terms": _terms(engagement, version),
        "token": page.token,
        "today": today,
        "thresholds": {
            "on_track": round(settings.MONITORING_ON_TRACK * 100),
            "behind": round(settings.MONITORING_BEHIND * 100),
        },
    }
    # Rendered without the request: nothing of the visitor (session, user, CSRF) can reach it.
    return render_to_string("monitoring/public/page.html", context)


def _page_key(page: PublicPage, today: date) -> str:
    engagement = page.engagement
    raw = "|".join(
        [
            LAYOUT,
            page.token,
            page.changed.isoformat(),
            str(page.boards),
            today.isoformat(),
            engagement.name,
            engagement.organization.name,
        ]
    )
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


@public
@require_GET
def public_page(request: HttpRequest, token: str) -> HttpResponse:
    """The page's ETag is a hash of the page itself, so a visitor's copy is "still good" (304)
    only when it is word for word what the page says now: a card hidden by the facilitator is
    gone at the next request or revalidation. No Last-Modified: a date alone cannot say that."""
    page = _page(token)
    today = timezone.localdate()
    key = _page_key(page, today)
    stored = cache.get(key)  # a cache outage is a miss (config/cache.py)
    if stored is None:
        html = _render(page, today)
        etag = hashlib.sha256(f"{LAYOUT}|{html}".encode()).hexdigest()[:32]
        cache.set(key, (etag, html), RENDERED_FOR)
    else:
        etag, html = stored
    response = get_conditional_response(request, etag=quote_etag(etag))
    if response is None:
        response = HttpResponse(html)
    return _public_headers(response, etag, None)


def _csv_response(page: PublicPage, etag: str, rows: list[list], what: str) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    # UTF-8 with a byte order mark: spreadsheet programs then read accents and symbols right.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name = slugify(page.engagement.name)[:60] or "plan"
    response["Content-Disposition"] = f'attachment; filename="{name}-{what}.csv"'
    return _public_headers(response, etag, page)


@public
@require_GET
def public_measures_csv(request: HttpRequest, token: str) -> HttpResponse:
    """One row per measure of the approved plan (columns: MEASURE_COLUMNS, README)."""
    page = _page(token)
    today = timezone.localdate()
    etag = _etag(page, "measures.csv", today)
    fresh = _fresh(request, page, etag)
    if fresh is not None:
        return fresh
    rows = public_measure_rows(page.engagement, today=today)
    return _csv_response(page, etag, rows, "measures")


@public
@require_GET
def public_readings_csv(request: HttpRequest, token: str) -> HttpResponse:
    """Every reading of the approved plan's measures, oldest first (columns: READING_COLUMNS)."""
    page = _page(token)
    today = timezone.localdate()
    etag = _etag(page, "readings.csv", today)
    fresh = _fresh(request, page, etag)
    if fresh is not None:
        return fresh
    rows = public_reading_rows(page.engagement, today=today)
    return _csv_response(page, etag, rows, "readings")
