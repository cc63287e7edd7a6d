"""The observer link of an open meeting: anyone holding it watches, without signing in, the board
the room is on as the projector shows it, read-only (no joining, no names, no hidden card, no
control, no join code), and downloads the retreat's record for the minutes.

The link's token is the only key, and only while the retreat is a public meeting: an unknown,
renewed or turned-off link is the site's ordinary 404 (a watching page reloads into it). The page
polls like the projector (`live/?v=<version>`: 204 while nothing moved), in two queries; the
region is the same for every observer, so it is rendered once per change of the board and kept in
the cache for everyone (retreats/live.py), and answers may be cached for a second by the browser
or a proxy in front of the site.
"""

import time
from math import ceil
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from engagements.access import public

from .. import live, selectors, throttle
from ..models import Activity, Retreat
from ..record import retreat_for_observer
from .console import record_csv_response
from .participant import projector_board, shown_data

PAGE = "retreats/observer.html"
REGION = "retreats/_projector_live.html"
EMPTY = "retreats/_observer_empty.html"
BUSY = "retreats/observer_busy.html"


def _retreat(token: str) -> Retreat:
    retreat = retreat_for_observer(token)
    if retreat is None:
        raise Http404("No such page.")
    return retreat


def _observed(response: HttpResponse, *, seconds: int = 1) -> HttpResponse:
    """Public and the same for everyone: a browser or proxy may keep it a second. Not for search
    engines, and no Referer carrying the token to another site."""
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _poll_url(token: str, activity: Activity | None) -> str:
    if activity is None:
        return reverse("retreats:observer-live-empty", args=[token])
    url = reverse("retreats:observer-live", args=[token, activity.pk])
    return f"{url}?v={activity.version}"


def _region(token: str, retreat: Retreat, activity: Activity | None) -> str:
    """The live region every observer gets, from the cache when the board has not moved."""
    if activity is None:
        context = {"retreat": retreat, "poll_url": _poll_url(token, None), "token": token}
        return render_to_string(EMPTY, context)
    activity.retreat = retreat
    key = live.region_key(activity.pk, f"observer-{token}")
    latest = live.latest_region(key)
    if latest and latest[0] == activity.version:
        html = latest[2]
    else:
        timer = None
        if activity.timer_ends_at is not None:  # filled in per answer: the seconds run on
            timer = {"seconds": "__TIMER_SECONDS__", "text": "__TIMER_TEXT__"}
        context = {
            "retreat": retreat,
            **projector_board(activity),
            "version": activity.version,
            "timer": timer,
            "shown_data": shown_data(activity),  # the room's data on the screen, seen alike
            "observer": True,
            "token": token,
            "poll_url": _poll_url(token, activity),
        }
        html = render_to_string(REGION, context)
        live.store_region(key, activity.version, html, activity.timer_ends_at)
    ends = activity.timer_ends_at
    return live.fill_timer(html, None if ends is None else ends.timestamp() - time.time())


@public
@require_GET
def observer(request: HttpRequest, token: str) -> HttpResponse:
    retreat = _retreat(token)
    activity = selectors.current_activity_for(retreat, whole=True)
    context = {
        "retreat": retreat,
        "activity": activity,
        "region": mark_safe(_region(token, retreat, activity)),  # noqa: S308 - our template
    }
    return _observed(TemplateResponse(request, PAGE, context))


@public
@require_GET
@vary_on_headers("HX-Request")
def observer_live(
    request: HttpRequest, token: str, activity_id: UUID | None = None
) -> HttpResponse:
    """The poll: 204 while the room is on the same board at the same version, else the region
    of the board it is on now."""
    retreat = retreat_for_observer(token)
    if retreat is None:
        if request.htmx:  # the link was turned off or renewed: reload into the 404 page
            return HttpResponse(headers={"HX-Refresh": "true", "Cache-Control": "no-store"})
        raise Http404("No such page.")
    if not request.htmx:
        return redirect("retreats:observer", token=token)
    activity = selectors.current_activity_for(retreat, whole=True)
    same_board = (activity.pk if activity else None) == activity_id
    if same_board and (activity is None or request.GET.get("v") == str(activity.version)):
        return _observed(HttpResponse(status=204))
    html = _region(token, retreat, activity)
    return _observed(HttpResponse(html, content_type="text/html; charset=utf-8"))


def record_too_many(
    request: HttpRequest, retreat: Retreat, token: str, wait: int, what: str
) -> HttpResponse:
    """The 429 page for an address that has downloaded the record too often just now."""
    minutes = ceil(wait / 60)
    when = "a minute" if minutes <= 1 else f"{minutes} minutes"
    context = {"retreat": retreat, "token": token, "what": what, "when": when}
    response = TemplateResponse(request, BUSY, context, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@public
@require_GET
def observer_record_csv(request: HttpRequest, token: str) -> HttpResponse:
    """The public record as a CSV, for anyone holding the link (counted per address)."""
    retreat = _retreat(token)
    wait = throttle.record_wait_seconds(request)
    if wait:
        return record_too_many(request, retreat, token, wait, "spreadsheet")
    return _observed(record_csv_response(retreat, public=True), seconds=10)
