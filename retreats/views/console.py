"""The facilitator's side of a live retreat: planning it and its activities, the console (who is
in the room, stages, timer, reveal switches, card moderation with undo, carry forward), grouping
cards into themes (with the core team), the results and their CSV export.

The console stays current by polling `console/live/?v=<stamp>`: an empty 204 while nothing moved,
else the console region. Every console action answers htmx with that same region (and a status
line for screen readers), and a plain form post with a redirect, so all of it works without
JavaScript too. Guests who joined by code never reach these pages.
"""

import csv
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator, slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from engagements.access import (
    Can,
    RetreatAccess,
    access_activity,
    access_engagement,
    access_retreat,
    members_only,
)
from engagements.csv_files import spreadsheet_safe
from engagements.forms.meetings import MoveForm
from engagements.selectors.engagements import current_or_next_phase
from engagements.views.confirm import confirm_page
from evidence.models import Indicator

from .. import push, selectors, services, throttle
from ..forms.console import (
    ActivityAddForm,
    ActivitySettingsForm,
    CardEditForm,
    CardThemeForm,
    MergeForm,
    RetreatForm,
    RevealForm,
    StageForm,
    SwitchForm,
    ThemeForm,
    TimerForm,
)
from ..models import Activity, Card, Retreat, Theme
from ..record import CSV_HEADER, record_for, record_rows

CONSOLE = "retreats/console/console.html"
CONSOLE_LIVE = "retreats/console/_live.html"
CARD_EDIT = "retreats/console/_card_edit.html"
THEMES = "retreats/console/themes.html"
THEMES_BOARD = "retreats/console/_themes_board.html"
CARRY = "retreats/console/_carry.html"


def _retreat(request: HttpRequest, retreat_id: UUID, need: Can) -> RetreatAccess:
    """A retreat for a member of its engagement: guests who joined by code never get here."""
    found = access_retreat(request, retreat_id, need=need)
    if found.is_guest:
        raise Http404("No such retreat.")
    return found


def _activity(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, need: Can = Can.RUN_RETREAT
) -> tuple[RetreatAccess, Activity]:
    found, activity = access_activity(request, retreat_id, activity_id, need=need)
    if found.is_guest:
        raise Http404("No such retreat.")
    return found, activity


def _setup_url(retreat_id: UUID, anchor: str = "") -> str:
    url = reverse("retreats:setup", args=[retreat_id])
    return f"{url}#{anchor}" if anchor else url


def _console_url(activity: Activity, anchor: str = "") -> str:
    url = reverse("retreats:console", args=[activity.retreat_id, activity.pk])
    return f"{url}#{anchor}" if anchor else url


def _themes_url(activity: Activity, anchor: str = "") -> str:
    url = reverse("retreats:themes", args=[activity.retreat_id, activity.pk])
    return f"{url}#{anchor}" if anchor else url


def _short(text: str) -> str:
    return Truncator(text).chars(60)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- planning a retreat and its activities ------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def retreat_create(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.RUN_RETREAT)
    engagement = access.engagement
    phase = current_or_next_phase(engagement)
    form = RetreatForm(
        request.POST or None, engagement=engagement, initial={"phase": phase and phase.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            retreat = services.retreat_create(engagement=engagement, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"“{retreat.title}” is planned. Now add its boards.")
            return redirect(_setup_url(retreat.pk))
    context = {"engagement": engagement, "form": form, "has_phases": engagement.phases.exists()}
    return TemplateResponse(request, "retreats/console/retreat_form.html", context)


@members_only
@require_GET
def setup(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    found = _retreat(request, retreat_id, Can.RUN_RETREAT)
    retreat = found.retreat
    context = {
        "retreat": retreat,
        "engagement": retreat.engagement,
        "activities": list(retreat.activities.order_by("position", "title", "pk")),
        "swot_form": ActivityAddForm(kind=Activity.Kind.SWOT),
        "brainstorm_form": ActivityAddForm(kind=Activity.Kind.BRAINSTORM),
        "join_url": request.build_absolute_uri(reverse("retreats:join")),
        "default_budget": retreat.engagement.default_vote_budget,
        "observer_url": retreat.observer_token
        and request.build_absolute_uri(reverse("retreats:observer", args=[retreat.observer_token])),
    }
    return TemplateResponse(request, "retreats/console/setup.html", context)


@members_only
@require_POST
def retreat_open(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    retreat = _retreat(request, retreat_id, Can.RUN_RETREAT).retreat
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to open or close the retreat.")
    services.retreat_set_open(retreat=retreat, is_open=form.cleaned_data["on"])
    if retreat.is_open:
        # Opened from the room's network, usually: its code keeps working there under attack.
        throttle.retreat_in_the_room(request, retreat)
        code = retreat.join_code
        messages.success(request, f"The retreat is open: people join with code {code}.")
    else:
        messages.success(request, "The retreat is closed: guests can no longer join or take part.")
    return redirect(_setup_url(retreat.pk, "joining"))


@members_only
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    retreat = _retreat(request, retreat_id, Can.RUN_RETREAT).retreat
    kind = request.GET.get("kind", "")
    if kind not in Activity.Kind.values:  # the setup page offers both kinds
        if request.method == "POST":
            return HttpResponseBadRequest("Choose a SWOT board or a brainstorm.")
        return redirect(_setup_url(retreat.pk, "add-heading"))
    form = ActivityAddForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_add(retreat=retreat, kind=kind, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"“{activity.title}” is added. Check its settings below.")
            return redirect(_setup_url(retreat.pk, f"activity-{activity.pk}"))
    context = {"retreat": retreat, "engagement": retreat.engagement, "form": form, "kind": kind}
    return TemplateResponse(request, "retreats/console/activity_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def activity_settings(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = ActivitySettingsForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        services.activity_update(activity=activity, **form.cleaned_data)
        messages.success(request, f"The settings of “{activity.title}” are saved.")
        return redirect(_setup_url(found.retreat.pk, f"activity-{activity.pk}"))
    context = {
        "retreat": found.retreat,
        "engagement": found.retreat.engagement,
        "activity": activity,
        "form": form,
    }
    return TemplateResponse(request, "retreats/console/activity_form.html", context)


@members_only
@require_POST
def activity_move(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    _, activity = _activity(request, retreat_id, activity_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to move the board up or down.")
    up = form.cleaned_data["direction"] == "up"
    if services.activity_move(activity=activity, direction=form.cleaned_data["direction"]):
        messages.success(request, f"“{activity.title}” moved to place {activity.position + 1}.")
    else:
        messages.info(request, f"“{activity.title}” is already {'first' if up else 'last'}.")
    return redirect(_setup_url(retreat_id, f"activity-{activity.pk}"))


# --- the console --------------------------------------------------------------------------------


def _console_context(found: RetreatAccess, activity: Activity, **extra) -> dict:
    return {
        "data_on_projector": selectors.data_on_projector(activity),
        "retreat": found.retreat,
        "engagement": found.retreat.engagement,
        "activity": activity,
        "console": selectors.console_for(activity),
        "stages": Activity.Stage.choices,
        "stage_index": services.STAGES.index(activity.stage),
        "timer_form": TimerForm(),
        "timer": _timer(activity),
        **extra,
    }


def _timer(activity: Activity) -> dict | None:
    """The countdown as the page first shows it; static/js/retreat.js counts on from there."""
    if activity.timer_ends_at is None:
        return None
    seconds = max(0, int((activity.timer_ends_at - timezone.now()).total_seconds()))
    minutes, rest = divmod(seconds, 60)
    return {"seconds": seconds, "text": f"{minutes}:{rest:02d}" if seconds else "Time is up"}


def _after_action(
    request: HttpRequest,
    found: RetreatAccess,
    activity: Activity,
    status: str,
    *,
    error: bool = False,
    anchor: str = "",
) -> HttpResponse:
    """htmx: the fresh console region with the status announced; plain: back to the console."""
    if request.htmx:
        activity.refresh_from_db()
        activity.retreat = found.retreat
        context = _console_context(found, activity, status=status, status_error=error)
        return _no_store(TemplateResponse(request, CONSOLE_LIVE, context))
    (messages.error if error else messages.success)(request, status)
    return redirect(_console_url(activity, anchor))


@members_only
@require_GET
def console(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    context = _console_context(found, activity)
    if push.enabled():
        context["events_url"] = reverse("retreats:console-events", args=[retreat_id, activity_id])
    return TemplateResponse(request, CONSOLE, context)


@members_only
@require_GET
@vary_on_headers("HX-Request")
def console_live(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    """The poll: 204 while the stamp has not moved, else the console region."""
    try:
        found, activity = _activity(request, retreat_id, activity_id)
    except (Http404, PermissionDenied):
        if request.htmx:  # the board was removed or the role changed: reload to say why
            return HttpResponse(headers={"HX-Refresh": "true", "Cache-Control": "no-store"})
        raise
    if not request.htmx:
        return redirect(_console_url(activity))
    if request.GET.get("v") == selectors.console_stamp(activity.pk):
        return _no_store(HttpResponse(status=204))
    return _no_store(TemplateResponse(request, CONSOLE_LIVE, _console_context(found, activity)))


@members_only
@require_GET
def console_events(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    """The board's changes as server-sent events for the console and the projector (they fetch
    their region on each; retreats/push.py). Access is checked again every few seconds. (Under
    ASGI the push process answers this address itself, retreats/push_asgi.py.)"""
    if not push.enabled():
        return push.refused(404)
    activity = events_access(request, retreat_id, activity_id)
    return push.stream(
        request,
        activity,
        kinds=push.FACILITATOR,
        still_allowed=lambda: events_still_allowed(request, activity),
        current_version=lambda: selectors.activity_version(activity.pk),
    )


def events_access(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> Activity:
    """May this member watch the console's stream? Http404 or PermissionDenied as the console."""
    return _activity(request, retreat_id, activity_id)[1]


def events_still_allowed(request: HttpRequest, activity: Activity) -> bool:
    try:
        _activity(request, activity.retreat_id, activity.pk)
    except (Http404, PermissionDenied):
        return False
    return True


@members_only
@require_POST
@vary_on_headers("HX-Request")
def stage(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = StageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose one of the stages.")
    before = services.STAGES.index(activity.stage)
    services.activity_set_stage(activity=activity, stage=form.cleaned_data["stage"])
    label = activity.get_stage_display()
    if services.STAGES.index(activity.stage) < before:
        status = f"Reopened: “{label}”."
    else:
        status = f"The board is now at “{label}”."
    return _after_action(request, found, activity, status, anchor="stages")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def timer(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = TimerForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _after_action(request, found, activity, error, error=True, anchor="timer")
    minutes = None if form.cleaned_data["stop"] else form.cleaned_data["minutes"]
    services.activity_set_timer(activity=activity, minutes=minutes)
    status = f"The timer runs for {minutes} minute{'s' if minutes != 1 else ''}."
    if minutes is None:
        status = "The timer is stopped."
    return _after_action(request, found, activity, status, anchor="timer")


REVEAL_WORDS = {
    ("cards", True): "Everyone now sees every card.",
    ("cards", False): "Cards are private again: each person sees only their own.",
    ("votes", True): "The votes are shown to everyone.",
    ("votes", False): "The votes are hidden again.",
    ("live", True): "Votes now show as they come in.",
    ("live", False): "Votes no longer show as they come in.",
}


@members_only
@require_POST
@vary_on_headers("HX-Request")
def reveal(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say what to reveal or hide.")
    what, on = form.cleaned_data["what"], form.cleaned_data["on"]
    if what == "live":
        services.activity_update(activity=activity, votes_live=on)
    else:
        services.activity_reveal(activity=activity, **{what: on})
    return _after_action(request, found, activity, REVEAL_WORDS[what, on], anchor="reveal")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def lock(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to lock or unlock the board.")
    services.activity_lock(activity=activity, locked=form.cleaned_data["on"])
    status = "The board is locked: nobody can add cards." if activity.locked else "Unlocked."
    return _after_action(request, found, activity, status, anchor="reveal")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def show_indicator(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    """Show one indicator of a data pack on the projector beside the board, or hide it (an empty
    choice). An indicator of another engagement, or none, is a 404."""
    found, activity = _activity(request, retreat_id, activity_id)
    chosen = request.POST.get("indicator", "")
    indicator = None
    if chosen:
        try:
            indicator_id = UUID(chosen)
        except ValueError as exc:
            raise Http404("No such indicator.") from exc
        indicator = get_object_or_404(
            Indicator, pk=indicator_id, engagement_id=found.retreat.engagement_id
        )
    services.activity_show_indicator(activity=activity, indicator=indicator)
    status = (
        f"The projector shows “{_short(indicator.name)}”." if indicator else "The data is hidden."
    )
    return _after_action(request, found, activity, status, anchor="data")


# --- moderating cards ---------------------------------------------------------------------------


def _card(activity: Activity, card_id: UUID) -> Card:
    return get_object_or_404(Card, pk=card_id, activity=activity)


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def card_edit(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, card_id: UUID
) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    card = _card(activity, card_id)
    form = CardEditForm(
        request.POST or None, initial={"text": card.text}, auto_id=f"edit-{card.pk}-%s"
    )
    if request.method == "POST" and form.is_valid():
        before = card.text
        services.card_edit(card=card, text=form.cleaned_data["text"], by=request.user)
        status = f"Card changed from “{_short(before)}” to “{_short(card.text)}”."
        return _after_action(request, found, activity, status, anchor=f"card-{card.pk}")
    context = {"retreat": found.retreat, "activity": activity, "card": card, "form": form}
    if request.htmx:
        form.fields["text"].widget.attrs["autofocus"] = True
        response = TemplateResponse(request, CARD_EDIT, context)
        if request.method == "POST":  # the form posted to the whole region: keep it in place
            response = reswap(retarget(response, f"#card-{card.pk}"), "outerHTML")
        return response
    context["engagement"] = found.retreat.engagement
    context["cancel_url"] = _console_url(activity, f"card-{card.pk}")
    return TemplateResponse(request, "retreats/console/card_form.html", context)


@members_only
@require_POST
@vary_on_headers("HX-Request")
def card_hide(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, card_id: UUID
) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    card = _card(activity, card_id)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to hide or restore the card.")
    hidden = form.cleaned_data["on"]
    services.card_set_hidden(card=card, hidden=hidden, by=request.user)
    if hidden:
        status = f"“{_short(card.text)}” is hidden. Restore it from the hidden cards."
    else:
        status = f"“{_short(card.text)}” is back on the board."
    return _after_action(request, found, activity, status, anchor=f"card-{card.pk}")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def cards_merge(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    form = MergeForm(request.POST, activity=activity)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _after_action(request, found, activity, error, error=True, anchor="merge")
    keep, cards = form.cleaned_data["keep"], list(form.cleaned_data["cards"])
    try:
        services.cards_merge(into=keep, sources=cards, by=request.user)
    except ValidationError as refusal:
        return _after_action(request, found, activity, refusal.messages[0], error=True)
    count = len([c for c in cards if c.pk != keep.pk])
    status = f"{count} card{'s' if count != 1 else ''} merged into “{_short(keep.text)}”."
    return _after_action(request, found, activity, status, anchor=f"card-{keep.pk}")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def undo(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    hint = selectors.last_moderation_for(activity)
    if services.moderation_undo(activity=activity) is None:
        return _after_action(request, found, activity, "There is nothing to undo.", error=True)
    return _after_action(request, found, activity, f"{hint.label}: done.")


def _carry_done(
    request: HttpRequest, found: RetreatAccess, activity: Activity, item, kind: str
) -> HttpResponse:
    """From the console's card list, the console region; from a carry switch of its own (the
    themes in the console, the results page), that switch; from a plain form, a redirect."""
    word = "will" if item.carry_forward else "will not"
    status = f"“{_short(str(item))}” {word} be carried forward into the plan."
    if request.htmx and request.htmx.target == "console-live":
        return _after_action(request, found, activity, status)
    if request.htmx:
        context = {"retreat": found.retreat, "activity": activity, "item": item, "kind": kind}
        return _no_store(TemplateResponse(request, CARRY, context))
    messages.success(request, status)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = _console_url(activity, f"{kind}-{item.pk}")
    return redirect(back)


@members_only
@require_POST
@vary_on_headers("HX-Request")
def card_carry(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, card_id: UUID
) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    card = _card(activity, card_id)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to carry the card forward.")
    services.card_set_carry_forward(card=card, carry_forward=form.cleaned_data["on"])
    return _carry_done(request, found, activity, card, "card")


@members_only
@require_POST
@vary_on_headers("HX-Request")
def theme_carry(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, theme_id: UUID
) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id)
    theme = get_object_or_404(Theme, pk=theme_id, activity=activity)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to carry the theme forward.")
    services.theme_set_carry_forward(theme=theme, carry_forward=form.cleaned_data["on"])
    return _carry_done(request, found, activity, theme, "theme")


# --- themes: the facilitator and the core team --------------------------------------------------


def _themes_context(found: RetreatAccess, activity: Activity, **extra) -> dict:
    moderator = found.can(Can.RUN_RETREAT)
    # The core team groups what the room can see: while cards are private, only their own.
    board = selectors.board_for(
        activity, participant=None if moderator else found.participant, moderator=moderator
    )
    return {
        "retreat": found.retreat,
        "engagement": found.retreat.engagement,
        "activity": activity,
        "board": board,
        "can_run": moderator,
        "private": not moderator
        and activity.private_until_revealed
        and not activity.cards_revealed
        and activity.stage == Activity.Stage.COLLECTING,
        "theme_form": extra.pop("theme_form", None) or ThemeForm(prefix="new"),
        **extra,
    }


def _themes_done(
    request: HttpRequest, found: RetreatAccess, activity: Activity, status: str, anchor: str = ""
) -> HttpResponse:
    if request.htmx:
        context = _themes_context(found, activity, status=status)
        return _no_store(TemplateResponse(request, THEMES_BOARD, context))
    messages.success(request, status)
    return redirect(_themes_url(activity, anchor))


@members_only
@require_GET
def themes(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id, need=Can.GROUP_THEMES)
    return TemplateResponse(request, THEMES, _themes_context(found, activity))


@members_only
@require_POST
@vary_on_headers("HX-Request")
def theme_add(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id, need=Can.GROUP_THEMES)
    form = ThemeForm(request.POST, prefix="new")
    if form.is_valid():
        theme = services.theme_add(activity=activity, name=form.cleaned_data["name"])
        return _themes_done(request, found, activity, f"Theme “{theme.name}” is added.")
    form.fields["name"].widget.attrs["autofocus"] = True
    template = THEMES_BOARD if request.htmx else THEMES
    return TemplateResponse(request, template, _themes_context(found, activity, theme_form=form))


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def theme_edit(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, theme_id: UUID
) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id, need=Can.GROUP_THEMES)
    theme = get_object_or_404(Theme, pk=theme_id, activity=activity)
    form = ThemeForm(request.POST or None, initial={"name": theme.name}, prefix="edit")
    if request.method == "POST" and form.is_valid():
        before = theme.name
        services.theme_rename(theme=theme, name=form.cleaned_data["name"])
        status = f"Theme “{before}” is now “{theme.name}”."
        return _themes_done(request, found, activity, status, f"theme-{theme.pk}")
    form.fields["name"].widget.attrs["autofocus"] = True
    if request.htmx:
        context = _themes_context(found, activity, editing=theme.pk, rename_form=form)
        return TemplateResponse(request, THEMES_BOARD, context)
    context = {
        "retreat": found.retreat,
        "engagement": found.retreat.engagement,
        "activity": activity,
        "theme": theme,
        "form": form,
    }
    return TemplateResponse(request, "retreats/console/theme_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def theme_delete(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, theme_id: UUID
) -> HttpResponse:
    _, activity = _activity(request, retreat_id, activity_id, need=Can.GROUP_THEMES)
    theme = get_object_or_404(Theme, pk=theme_id, activity=activity)
    if request.method == "POST":
        services.theme_delete(theme=theme)
        messages.success(request, f"Theme “{theme.name}” is deleted; its cards are not grouped.")
        return redirect(_themes_url(activity))
    count = theme.cards.count()
    cards = "Its card goes" if count == 1 else f"Its {count} cards go"
    return confirm_page(
        request,
        title=f"Delete the theme “{theme.name}”?",
        message=f"{cards} back to “Not grouped yet”; no card is deleted. "
        "Dots given to the theme itself are lost.",
        confirm_label="Delete the theme",
        cancel_url=_themes_url(activity, f"theme-{theme.pk}"),
    )


@members_only
@require_POST
@vary_on_headers("HX-Request")
def card_theme(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID, card_id: UUID
) -> HttpResponse:
    """Drag and drop, or the menu beside each card (keyboard, phone, no JavaScript)."""
    found, activity = _activity(request, retreat_id, activity_id, need=Can.GROUP_THEMES)
    card = _card(activity, card_id)
    form = CardThemeForm(request.POST, activity=activity)
    if not form.is_valid():
        return HttpResponseBadRequest("That theme is no longer on this board.")
    theme = form.cleaned_data["theme"]
    services.card_set_theme(card=card, theme=theme)
    where = f"“{theme.name}”" if theme else "“Not grouped yet”"
    status = f"“{_short(card.text)}” moved to {where}."
    return _themes_done(request, found, activity, status, f"card-{card.pk}")


# --- results ------------------------------------------------------------------------------------


def _results_visible(found: RetreatAccess, activity: Activity) -> bool:
    return (
        found.can(Can.RUN_RETREAT)
        or activity.votes_revealed
        or activity.stage == Activity.Stage.RESULTS
    )


@members_only
@require_GET
def results(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    found, activity = _activity(request, retreat_id, activity_id, need=Can.VIEW)
    if not _results_visible(found, activity):
        raise PermissionDenied("The results show here once the facilitator reveals the votes.")
    ranking = selectors.results_for(activity)
    context = {
        "retreat": found.retreat,
        "engagement": found.retreat.engagement,
        "activity": activity,
        "results": ranking,
        "carried": [line for line in ranking.lines if line.item.carry_forward],
        "can_run": found.can(Can.RUN_RETREAT),
        "can_export": found.can(Can.EXPORT_RESULTS),
        "min_voters": selectors.MIN_GROUP_VOTERS,
    }
    return TemplateResponse(request, "retreats/console/results.html", context)


@members_only
@require_GET
def results_csv(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    _, activity = _activity(request, retreat_id, activity_id, need=Can.EXPORT_RESULTS)
    found = selectors.results_for(activity)
    theme_names = dict(activity.themes.values_list("pk", "name"))
    quadrants = dict(Card.Quadrant.choices)
    per_group = [{line.item.pk: line.dots for line in group.lines} for group in found.groups]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(activity.title)[:60] or 'activity'}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    header = ["rank", "item", "quadrant", "theme", "dots", "voters"]
    header += [f"{group.name} ({group.voters} voters)" for group in found.groups]
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for line in found.lines:
        item = line.item
        quadrant = quadrants.get(getattr(item, "quadrant", ""), "")
        theme = theme_names.get(getattr(item, "theme_id", None), "")
        row = [line.rank, line.label, quadrant, theme, line.dots, line.voters]
        row += [dots.get(item.pk, 0) for dots in per_group]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


# --- open meetings: the observer link and the record for the minutes ---------------------------

PUBLIC_MEETING = {
    "public": (
        "Make “{title}” a public meeting?",
        "It gets an observer link: anyone holding it watches the board the room is on, "
        "read-only and without signing in (no names, no hidden cards, no join code), and "
        "downloads the record for the minutes. Share the link on the agenda or the website.",
        "Make it a public meeting",
    ),
    "new-link": (
        "Make a new observer link for “{title}”?",
        "The link shared until now stops working at once, and anyone watching through it "
        "sees “page not found”. Share the new link instead.",
        "Make a new link",
    ),
    "off": (
        "Turn off the observer link of “{title}”?",
        "The retreat is no longer a public meeting: nobody can watch or download the record "
        "through the link any more. If you make it public again, it gets a new link.",
        "Turn off the link",
    ),
}


@members_only
@require_http_methods(["GET", "POST"])
def public_meeting(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    """Make the retreat a public meeting, renew its observer link or turn it off: each after a
    confirmation page (GET), done by its form (POST)."""
    retreat = _retreat(request, retreat_id, Can.RUN_RETREAT).retreat
    action = request.POST.get("action") or request.GET.get("action", "")
    if action not in PUBLIC_MEETING:
        if request.method == "POST":
            return HttpResponseBadRequest("Say what to do with the observer link.")
        return redirect(_setup_url(retreat.pk, "open-meeting"))
    if request.method == "GET":
        words = PUBLIC_MEETING[action]
        title, message, label = (text.format(title=retreat.title) for text in words)
        return confirm_page(
            request,
            title=title,
            message=message,
            confirm_label=label,
            cancel_url=_setup_url(retreat.pk, "open-meeting"),
        )
    if action == "new-link":
        try:
            services.observer_link_new(retreat=retreat)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, "A new observer link is made; the old one no longer works.")
    else:
        services.retreat_set_public_meeting(retreat=retreat, public=action == "public")
        if retreat.is_public_meeting:
            messages.success(request, "It is a public meeting now: share the observer link.")
        else:
            messages.success(request, "The observer link is turned off.")
    return redirect(_setup_url(retreat.pk, "open-meeting"))


def record_csv_response(retreat: Retreat, *, public: bool) -> HttpResponse:
    """The record as a CSV file (a row per agenda item, card, theme and result line), for anyone
    (`public`) or for the facilitator and the core team (retreats.record)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(retreat.title)[:60] or 'retreat'}-record.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in record_rows(record_for(retreat, public=public)):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@members_only
@require_GET
def record_csv(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    """The retreat's record for the minutes, for the facilitator and the core team."""
    retreat = _retreat(request, retreat_id, Can.EXPORT_RESULTS).retreat
    response = record_csv_response(retreat, public=False)
    response["Cache-Control"] = "private, no-store"
    return response
