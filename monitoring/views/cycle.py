"""The update cycle's pages: My updates (an owner's due items, each updated in place), the cycle
page for whoever runs it (who has reported this period, who has not, a nudge each), and the
cycle's settings."""

from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from engagements.access import (
    Access,
    Can,
    access_engagement,
    may_report_on,
    members_only,
    signed_in,
)
from engagements.models import Membership

from ..cycle import previous_period
from ..forms.actions import ActionUpdateForm
from ..forms.cycle import CycleSettingsForm, QuickReadingForm
from ..models import CycleEmail, UpdateCycle
from ..selectors.actions import lived_step
from ..selectors.cycle import DueItem, current_period, cycle_due, cycle_rules
from ..selectors.measures import lived_measure, may_report
from ..selectors.plan import approved_version
from ..services import actions as step_services
from ..services import cycle as services
from ..services import measures as measure_services


def _form(item: DueItem, data=None):
    if item.measure:
        return QuickReadingForm(data, unit=item.measure.unit, prefix=item.key)
    initial = {"status": item.step.status, "percent": item.step.percent}
    return ActionUpdateForm(data, initial=initial, asks_pdsa=item.step.asks_pdsa, prefix=item.key)


def _mine(access: Access, user, today: date):
    cycle = UpdateCycle.for_engagement(access.engagement)
    period = current_period(cycle, today)
    owners = (
        cycle_due(access.engagement, period, owner_email=user.email, today=today)
        if period
        else None
    )
    items = owners[0].items if owners else []
    for item in items:
        item.form = _form(item)
    return cycle, period, owners, items


def _page(request, access: Access, status: int = 200, invalid: DueItem | None = None):
    today = timezone.localdate()
    cycle, period, owners, items = _mine(access, request.user, today)
    for item in items:
        if invalid is not None and item.key == invalid.key:
            item.form = invalid.form
    context = {
        "engagement": access.engagement,
        "plan_approved": approved_version(access.engagement) is not None,
        "cycle": cycle,
        "period": period,
        "items": items,
        "missing": sum(1 for item in items if not item.reported),
        "today": today,
        "late": period is not None and period.is_late(today),
    }
    return TemplateResponse(request, "monitoring/cycle/my_updates.html", context, status=status)


@members_only
@require_GET
def my_updates(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    return _page(request, access_engagement(request, engagement_id))


def _answer(request, access: Access, item: DueItem, message: str, *, invalid: bool = False):
    """After an update: the item itself for htmx (as My updates now lists it, or as it was sent
    when the list does not hold it: someone else's item, or one not due), the page again for a
    plain form."""
    if request.htmx:
        today = timezone.localdate()
        _, period, _, items = _mine(access, request.user, today)
        shown = next((i for i in items if i.key == item.key), None)
        if shown is None:
            shown, item.reported = item, not invalid
        if invalid:
            shown.form = item.form
        elif shown is item:
            shown.form = _form(item)
        context = {
            "engagement": access.engagement,
            "item": shown,
            "saved": None if invalid else message,
            "period": period,
            "late": period is not None and period.is_late(today),
        }
        response = TemplateResponse(request, "monitoring/cycle/_item.html", context)
        response["Vary"] = "HX-Request"
        return response
    if invalid:
        return _page(request, access, status=400, invalid=item)
    messages.success(request, message)
    url = reverse("monitoring:my-updates", args=[access.engagement.pk])
    return redirect(f"{url}#{item.key}")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def my_update_measure(request: HttpRequest, engagement_id: UUID, measure_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    measure = lived_measure(access.engagement, measure_id, today=timezone.localdate())
    if measure is None:
        raise Http404("The approved plan has no such measure.")
    if not may_report(access, request.user.email, measure.element):
        raise PermissionDenied(
            "Only the measure's owner, the facilitator and the core team report on it."
        )
    item = DueItem(measure=measure)
    item.form = _form(item, request.POST)
    if not item.form.is_valid():
        return _answer(request, access, item, "", invalid=True)
    measure_services.reading_add(
        measure=measure.monitored,
        taken_on=timezone.localdate(),
        by=request.user,
        **item.form.cleaned_data,
    )
    return _answer(request, access, item, f"Reading saved for “{measure.indicator}”.")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def my_update_step(request: HttpRequest, engagement_id: UUID, step_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    step = lived_step(access.engagement, step_id)
    if step is None:
        raise Http404("No such action step in the approved plan.")
    if not may_report_on(access, request.user, step.owner_email):
        raise PermissionDenied(
            "Only the step's owner, the facilitator and the core team report on it."
        )
    item = DueItem(step=step)
    title = step.step["description"]
    who = {"engagement": access.engagement, "step_id": step_id, "author": request.user}
    if "nothing_changed" in request.POST:
        step_services.action_update_nothing_changed(**who)
        return _answer(request, access, item, f"Recorded: nothing changed on “{title}”.")
    item.form = _form(item, request.POST)
    if item.form.is_valid():
        try:
            step_services.action_update_record(**who, **item.form.cleaned_data)
        except ValidationError as error:
            item.form.add_error(None, error)
        else:
            return _answer(request, access, item, f"Update saved for “{title}”.")
    return _answer(request, access, item, "", invalid=True)


@signed_in
@require_GET
def my_updates_everywhere(request: HttpRequest) -> HttpResponse:
    """Every engagement of the signed-in person living an approved plan, with how many of their
    updates are still due there this period and a link to that engagement's My updates."""
    today = timezone.localdate()
    memberships = Membership.objects.filter(
        user=request.user, engagement__plan_approved_at__isnull=False
    ).select_related("engagement__organization")
    rows = []
    for membership in memberships.order_by("engagement__name"):
        access = Access(engagement=membership.engagement, membership=membership)
        _, period, owners, items = _mine(access, request.user, today)
        rows.append(
            {
                "engagement": membership.engagement,
                "period": period,
                "items": len(items),
                "missing": sum(1 for item in items if not item.reported),
                "late": period is not None and period.is_late(today),
            }
        )
    context = {"rows": rows, "missing": sum(row["missing"] for row in rows)}
    return TemplateResponse(request, "monitoring/cycle/everywhere.html", context)


# --- the cycle page, for whoever runs it ----------------------------------------------------------


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@members_only
@require_GET
def cycle_page(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.UPDATE_ANY_PROGRESS)
    today = timezone.localdate()
    cycle = UpdateCycle.for_engagement(access.engagement)
    shown = min(_day(request.GET.get("on")) or today, today)
    period = current_period(cycle, shown)
    owners = cycle_due(access.engagement, period, today=today) if period else None
    earlier = previous_period(period, **cycle_rules(cycle)) if period else None
    later = period.end + timedelta(days=1) if period and period.end < today else None
    nudged = set()
    if period:
        nudged = set(
            CycleEmail.objects.filter(
                engagement=access.engagement, kind=CycleEmail.Kind.NUDGE, sent_on=today
            ).values_list("user", flat=True)
        )
    context = {
        "engagement": access.engagement,
        "cycle": cycle,
        "runner": services.cycle_runner(access.engagement, cycle),
        "period": period,
        "is_current": period is not None and period.contains(today),
        "owners": owners,
        "reported": [o for o in owners or [] if o.has_reported],
        "waiting": [o for o in owners or [] if not o.has_reported],
        "earlier": earlier,
        "later": later,
        "nudged": nudged,
        "today": today,
        "may_change": access.can(Can.CHANGE_TARGETS),
    }
    return TemplateResponse(request, "monitoring/cycle/cycle.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def cycle_nudge(request: HttpRequest, engagement_id: UUID, membership_id: UUID) -> HttpResponse:
    """GET asks to confirm; POST sends (once a day at most)."""
    access = access_engagement(request, engagement_id, need=Can.UPDATE_ANY_PROGRESS)
    member = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, engagement=access.engagement)
        .first()
    )
    if member is None:
        raise Http404("No such member.")
    if request.method == "POST":
        message = services.nudge_send(
            engagement=access.engagement, email=member.user.email, by=request.user
        )
        messages.info(request, message)
        return redirect("monitoring:cycle", engagement_id=engagement_id)
    cycle = UpdateCycle.for_engagement(access.engagement)
    period = current_period(cycle)
    owners = cycle_due(access.engagement, period, owner_email=member.user.email) if period else None
    context = {
        "engagement": access.engagement,
        "member": member,
        "owner": owners[0] if owners else None,
        "period": period,
    }
    return TemplateResponse(request, "monitoring/cycle/nudge.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def cycle_settings(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.CHANGE_TARGETS)
    cycle = UpdateCycle.for_engagement(access.engagement)
    members = Membership.objects.filter(engagement=access.engagement).select_related("user")
    runners = {
        str(m.pk): m
        for m in members
        if Access(engagement=access.engagement, membership=m).can(Can.UPDATE_ANY_PROGRESS)
    }
    choices = [(key, m.user.get_full_name() or m.user.email) for key, m in runners.items()]
    initial = {
        "cadence": cycle.cadence,
        "due_day": cycle.due_day,
        "grace_days": cycle.grace_days,
        "term_ends": "\n".join(cycle.term_ends or []),
        "runner": str(cycle.runner_id or ""),
        "enabled": cycle.enabled,
    }
    form = CycleSettingsForm(request.POST or None, initial=initial, runners=choices)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "runner": runners.get(form.cleaned_data["runner"])}
        try:
            services.update_cycle_save(engagement=access.engagement, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Update cycle saved.")
            return redirect("monitoring:cycle", engagement_id=engagement_id)
    context = {"engagement": access.engagement, "form": form}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "monitoring/cycle/settings.html", context, status=status)
