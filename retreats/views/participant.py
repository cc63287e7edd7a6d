"""The participant's side of a live retreat and the projector: joining (members from the
engagement page, guests by code), the phone-first board with its cards and dots, and the
full-screen projector board.

Both boards stay live by server push (`events/`, retreats/push.py; README, "Live updates"): a new
card is put in place by the page, anything else makes it fetch its region at `live/?v=<version>`.
That address is also the fallback poll, every second while no stream is up: an empty 204 while
the board's version has not moved, or the fresh board region when it has. Only that region is
swapped: the add-card form stays as the person left it, typed words and focus included.
"""

import contextlib
import json
import re
import secrets
import time
from functools import lru_cache
from uuid import UUID

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from engagements.access import (
    GUEST_SESSION_KEY,
    Can,
    RetreatAccess,
    access_activity,
    access_retreat,
    members_only,
    public,
    retreat_participants,
)
from engagements.models import StakeholderGroup
from evidence import selectors as evidence_selectors

from .. import live, push, selectors, services, throttle
from ..forms.participant import CardForm, GuestJoinForm, JoinCodeForm, VoteForm
from ..models import Activity, Card, Participant, Retreat

HOME = "retreats/participant/retreat.html"
JOIN = "retreats/participant/join.html"
JOIN_AS = "retreats/participant/join_as.html"
BOARD = "retreats/participant/board.html"
LIVE = "retreats/participant/_live.html"
LIVE_REGION = "retreats/participant/_live_region.html"
CARD_FORM = "retreats/participant/_card_form.html"
VOTE_ANSWER = "retreats/participant/_vote_answer.html"
PROJECTOR = "retreats/projector.html"
PROJECTOR_LIVE = "retreats/_projector_live.html"

WRONG_CODE = (
    "No retreat is open right now with this code. Check the code on the screen, "
    "or ask the facilitator."
)
TOO_MANY_TRIES = (
    "Too many wrong codes from this network. Wait 10 minutes and try again, "
    "or ask the facilitator for help."
)


def _board_url(activity: Activity) -> str:
    return reverse("retreats:board", args=[activity.retreat_id, activity.pk])


def _landing(retreat: Retreat) -> str:
    """Where someone who just joined goes: the board the room is on, else the retreat's page."""
    current = selectors.current_activity_for(retreat)
    if current is None:
        return reverse("retreats:retreat", args=[retreat.pk])
    return reverse("retreats:board", args=[retreat.pk, current.pk])


def _participant(retreat_access: RetreatAccess) -> Participant:
    """The viewer's participant row; a member who has not joined yet joins on their first card
    or dot."""
    if retreat_access.participant is not None:
        return retreat_access.participant
    return services.participant_join_member(
        retreat=retreat_access.retreat, membership=retreat_access.access.membership
    )


def _refresh_instead(request: HttpRequest) -> HttpResponse | None:
    """When a polling board loses its access (the retreat closed, the board was removed), reload
    the page so it says why, instead of polling into a wall of errors."""
    if request.htmx:
        return HttpResponse(headers={"HX-Refresh": "true", "Cache-Control": "no-store"})
    return None


def _watching(request: HttpRequest, activity: Activity, retreat_access: RetreatAccess) -> None:
    """This session was just let see the board: let the live shortcut answer its next polls,
    and the quick path take its cards and dots if it may write."""
    participant = retreat_access.participant
    live.grant(request, activity.pk, participant.pk if participant else None)
    _may_write(request, retreat_access, participant)
    live.version_seen(activity.pk, activity.version)


def _may_write(request: HttpRequest, retreat_access: RetreatAccess, participant) -> None:
    """The full check has just let this viewer in: note it for the quick path of cards and dots
    (retreats/quick_writes.py) when they may add them."""
    if participant is not None and retreat_access.can(Can.CONTRIBUTE):
        live.grant_writes(request, retreat_access.retreat.pk, participant.pk)


def _unchanged(request: HttpRequest, activity: Activity) -> bool:
    return request.GET.get("v") == str(activity.version)


def _seen(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("v", ""))
    except ValueError:
        return None


def _no_change() -> HttpResponse:
    return HttpResponse(status=204, headers={"Cache-Control": "no-store"})


def _timer(activity: Activity) -> dict | None:
    """The countdown as rendered; static/js/retreat.js ticks it from the seconds left (not from
    the end time, so a projector laptop whose clock is off still counts right)."""
    if activity.timer_ends_at is None:
        return None
    seconds, text = live.timer_parts((activity.timer_ends_at - timezone.now()).total_seconds())
    return {"seconds": seconds, "text": text}


def _shows_ranking(activity: Activity, board: selectors.Board) -> bool:
    return board.show_votes and activity.stage in (Activity.Stage.VOTING, Activity.Stage.RESULTS)


def _form_state(activity: Activity) -> str:
    """What the add-card form looks like: it is swapped only when this changes."""
    return f"{activity.stage}-locked" if activity.locked else activity.stage


def _stage_news(activity: Activity) -> str:
    """What a screen reader hears when the board's stage (or lock) changes under the person."""
    if activity.stage == Activity.Stage.COLLECTING:
        return "Adding cards is paused." if activity.locked else "You can add cards now."
    return {
        Activity.Stage.GROUPING: "Adding cards is over: the cards are being grouped into themes.",
        Activity.Stage.VOTING: "Voting is open.",
        Activity.Stage.RESULTS: "The results are in.",
    }[activity.stage]


# --- the participant's board --------------------------------------------------------------------


def _quadrants(board: selectors.Board, counts: dict | None = None) -> list[dict]:
    """A SWOT board's four quadrants, each with seed 002's guiding questions, its cards and how
    many there are (`counts` includes cards still private)."""
    return [
        {
            "code": code,
            "name": name,
            "questions": selectors.SWOT_GUIDING_QUESTIONS[code],
            "cards": board.quadrants[code],
            "count": len(board.quadrants[code]) if counts is None else counts.get(code, 0),
        }
        for code, name in Card.Quadrant.choices
    ]


def _with_participant(retreat_access: RetreatAccess, participant: Participant) -> RetreatAccess:
    return RetreatAccess(
        retreat=retreat_access.retreat, access=retreat_access.access, participant=participant
    )


def _vote_label(item) -> str:
    return Truncator(getattr(item, "name", None) or item.text).chars(60)


def _board_context(
    retreat_access: RetreatAccess, activity: Activity, *, version: int, **extra
) -> dict:
    """Everything the board page or poll shows this viewer. `version` is read before the board,
    so a change made in between only makes the next poll fetch the board again."""
    participant = retreat_access.participant
    context = {
        "retreat": retreat_access.retreat,
        "retreat_access": retreat_access,
        "activity": activity,
        "participant": participant,
        "is_swot": activity.kind == Activity.Kind.SWOT,
        "on_themes": activity.vote_on == Activity.VoteOn.THEMES,
        "private": activity.private_until_revealed
        and not activity.cards_revealed
        and activity.stage == Activity.Stage.COLLECTING,
        "version": version,
        "form_state": _form_state(activity),
        "timer": _timer(activity),
        "live_url": reverse("retreats:board-live", args=[activity.retreat_id, activity.pk]),
        "events_url": _events_url(activity),
        **extra,
    }
    context["board_region"] = _board_region(context)
    return context


def _events_url(activity: Activity) -> str:
    """Where the page listens for the board's changes (static/js/live.js), when push is on."""
    if not push.enabled():
        return ""
    return reverse("retreats:board-events", args=[activity.retreat_id, activity.pk])


def _region_is_shared(context: dict) -> bool:
    """Everyone sees the same region, but for their own cards' markers: not while voting (each
    person's dots) nor while cards are private (each person's own cards)."""
    return not context["private"] and context["activity"].stage != Activity.Stage.VOTING


def _board_region(context: dict) -> SafeString:
    """The live region for this viewer.

    Where it is the same for everyone, the latest rendering is kept in the cache for the whole
    room and reused while it is at most LIVE_BOARD_MAX_STALENESS seconds old (and newer than what
    the poller has): a board that changes ten times a second is rendered at most a few times a
    second, not once per watcher. The live shortcut (retreats/live.py) sends the same rendering
    to most pollers without reaching this view. Each response only fills in that viewer's
    own-card markers and the timer (see README, "Live updates").
    """
    activity = context["activity"]
    timer_ends = activity.timer_ends_at.timestamp() if activity.timer_ends_at else None
    if _region_is_shared(context):
        key = live.region_key(activity.pk, context["form_state"])
        latest = live.latest_region(key)
        if latest and (
            _reusable(latest, context)
            or (_newer_than_seen(latest, context) and not live.start_rendering(key))
        ):  # (a newer rendering, while another request renders the newest: the room waits
            # for that one instead of every poller rendering it at once)
            context["version"], html, timer_ends = latest[0], latest[2], latest[3]
            owners = latest[4] if len(latest) > 4 else None
        else:
            live.start_rendering(key)
            data = _region_data(context)
            html = render_to_string(LIVE_REGION, {**context, **data})
            owners = live.owners_of(data["board"].cards)
            live.store_region(key, context["version"], html, activity.timer_ends_at, owners)
    else:
        data = _region_data(context)
        html = render_to_string(LIVE_REGION, {**context, **data})
        owners = live.owners_of(data["board"].cards)
    participant = context["participant"]
    html = live.personal(html, str(participant.pk) if participant else "", owners)
    html = live.fill_timer(html, None if timer_ends is None else timer_ends - time.time())
    return mark_safe(html)  # noqa: S308 - rendered by our template, markers only added


def _newer_than_seen(latest: tuple, context: dict) -> bool:
    seen = context.get("seen_version")
    return seen is None or latest[0] > seen


def _reusable(latest: tuple, context: dict) -> bool:
    version, rendered_at = latest[0], latest[1]
    if version == context["version"]:
        return True
    recent = live.region_is_recent(rendered_at)
    return _newer_than_seen(latest, context) and recent and version < context["version"]


def _region_data(context: dict) -> dict:
    """The board itself: cards, themes, dots and results (the costly part)."""
    activity, participant = context["activity"], context["participant"]
    viewer = None if _region_is_shared(context) else participant
    board = selectors.board_for(activity, participant=viewer)
    if activity.stage == Activity.Stage.VOTING:  # the dot buttons (costly on a big board)
        for item in board.themes if context["on_themes"] else board.cards:
            item.my_dots = board.my_dots.get(item.pk, 0)
            item.total_dots = board.totals.get(item.pk, 0)
            item.vote_label = _vote_label(item)
    budget = activity.budget()
    if viewer is None and participant is not None and activity.stage == Activity.Stage.VOTING:
        board.dots_left = None
    return {
        "board": board,
        "quadrants": _quadrants(board),
        "budget": budget,
        "dots_left": budget if board.dots_left is None else board.dots_left,
        "results": selectors.results_for(activity) if _shows_ranking(activity, board) else None,
    }


def _card_form(
    activity: Activity, quadrant: str = "", *, after: CardForm | None = None
) -> CardForm:
    """A fresh add-card form, ready for the next card; `after` (the form just taken) lends it
    the engagement's indicators it read, so a SWOT card's answer does not read them again."""
    form = CardForm(
        activity=activity,
        initial={"quadrant": quadrant} if quadrant else None,
        indicators=after.indicators if after is not None else None,
    )
    form.fields["text"].widget.attrs["autofocus"] = True  # ready for the next card
    return form


def _board_page(
    request: HttpRequest, retreat_access: RetreatAccess, activity: Activity, form: CardForm
) -> TemplateResponse:
    context = _board_context(retreat_access, activity, version=activity.version, form=form)
    if context.get("events_url"):  # (the page puts cards in place itself only with push)
        context["own_cards"] = " ".join(selectors.own_card_ids(activity, context["participant"]))
    return TemplateResponse(request, BOARD, context)


@retreat_participants
@require_GET
@vary_on_headers("HX-Request")
def board(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    retreat_access, activity = access_activity(request, retreat_id, activity_id)
    _watching(request, activity, retreat_access)
    if request.htmx:
        context = _board_context(retreat_access, activity, version=activity.version)
        return TemplateResponse(request, LIVE, context)
    return _board_page(request, retreat_access, activity, CardForm(activity=activity))


@retreat_participants
@require_GET
@vary_on_headers("HX-Request")
def board_live(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    """The poll: 204 while nothing changed, else the board region (and the add-card form, only
    when the stage or the lock changed it)."""
    try:
        retreat_access, activity = access_activity(request, retreat_id, activity_id)
    except (Http404, PermissionDenied):
        if refresh := _refresh_instead(request):
            return refresh
        raise
    if not request.htmx:
        return redirect(_board_url(activity))
    _watching(request, activity, retreat_access)
    if _unchanged(request, activity):
        return _no_change()
    context = _board_context(
        retreat_access, activity, version=activity.version, seen_version=_seen(request)
    )
    if request.GET.get("s") != context["form_state"]:
        context.update(form=CardForm(activity=activity), form_oob=True)
        context["announce"] = _stage_news(activity)
    response = TemplateResponse(request, LIVE, context)
    response["Cache-Control"] = "no-store"
    return response


@retreat_participants
@require_GET
def board_events(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    """The board's changes as server-sent events (retreats/push.py): access is checked as for
    the poll, and again while the stream is open. (Under ASGI the push process answers this
    address itself, retreats/push_asgi.py, with the same two checks below.)"""
    if not push.enabled():
        return push.refused(404)
    activity = events_access(request, retreat_id, activity_id)
    return push.stream(
        request,
        activity,
        kinds=push.PARTICIPANT,
        still_allowed=lambda: events_still_allowed(request, activity),
        current_version=lambda: selectors.activity_version(activity.pk),
    )


def events_access(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> Activity:
    """May this viewer watch the board's stream? As for the poll: Http404 or PermissionDenied."""
    return events_viewer(request, retreat_id, activity_id)[0]


def events_viewer(
    request: HttpRequest, retreat_id: UUID, activity_id: UUID
) -> tuple[Activity, RetreatAccess]:
    """events_access, with who the viewer turned out to be."""
    retreat_access, activity = access_activity(request, retreat_id, activity_id)
    _watching(request, activity, retreat_access)
    return activity, retreat_access


def events_still_allowed(request: HttpRequest, activity: Activity, *, noted: bool = True) -> bool:
    """The open stream's re-check: the session's note that it may watch (unless not `noted`),
    else the full check."""
    if noted and live.granted(request, activity.pk):
        return True
    try:
        found, _ = access_activity(request, activity.retreat_id, activity.pk)
    except (Http404, PermissionDenied):
        return False
    live.grant(request, activity.pk, found.participant.pk if found.participant else None)
    _may_write(request, found, found.participant)
    return True


def _card_taken(request: HttpRequest, activity: Activity, card, form) -> HttpResponse:
    """The writer's answer on a shared board when push is on: a fresh form only, whatever the
    board's size; the card reaches the writer's board by its event, like everyone else's.
    `live:mine` gives the page the new card's id, so that it marks it as the writer's own when
    its event comes (or fetches its board, if the event came first). The answer comes rendered:
    from the process's copy of this board's fresh form when it has one (_FreshForms)."""
    quadrant = form.cleaned_data.get("quadrant", "")
    fresh = _card_form(activity, quadrant, after=form)
    shape = _FreshForms.shape(activity, quadrant, fresh)
    html = _fresh_forms.get(shape)
    if html is not None:
        response = HttpResponse(_FreshForms.fill(request, html))
    else:
        context = {
            "activity": activity,
            "form": fresh,
            "form_state": _form_state(activity),
            "announce": "Your card is on the board.",
        }
        response = TemplateResponse(request, CARD_FORM, context).render()
        _fresh_forms.keep(shape, response.content.decode())
    response["HX-Trigger"] = json.dumps({"live:mine": str(card.pk)})
    return response


class _FreshForms:
    """The fresh add-card form a writer gets back (a 1,000-person room adds 50 cards a second),
    rendered once per board and shape, then copied with the request's own CSRF token and a new
    idempotency key: Django's templates took about 40% of a quick card's CPU. The shape holds
    everything the template reads (the board, its kind and state, the quadrant kept, the
    indicators offered as evidence), so a copy is never out of date; at most `most` are kept,
    the oldest going first."""

    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    KEY = re.compile(r'name="submission_key" value="([^"]+)"')
    TOKEN_MARK, KEY_MARK = "\x00csrf\x00", "\x00key\x00"

    def __init__(self, most: int = 500) -> None:
        self.kept: dict[tuple, str] = {}
        self.most = most

    @staticmethod
    def shape(activity: Activity, quadrant: str, form: CardForm) -> tuple:
        indicators = tuple((pk, i.name) for pk, i in form.indicators.items())
        state = _form_state(activity)
        return (
            str(activity.pk),
            str(activity.retreat_id),
            activity.kind,
            state,
            quadrant,
            indicators,
        )

    def get(self, shape: tuple) -> str | None:
        return self.kept.get(shape)

    def keep(self, shape: tuple, html: str) -> None:
        """Keep the rendering with its token and key marked (only when each is there once)."""
        if len(self.TOKEN.findall(html)) != 1 or len(self.KEY.findall(html)) != 1:
            return
        html = self.TOKEN.sub(f'name="csrfmiddlewaretoken" value="{self.TOKEN_MARK}"', html)
        html = self.KEY.sub(f'name="submission_key" value="{self.KEY_MARK}"', html)
        while len(self.kept) >= self.most:
            with contextlib.suppress(StopIteration, KeyError, RuntimeError):  # (threads)
                del self.kept[next(iter(self.kept))]
        self.kept[shape] = html

    @classmethod
    def fill(cls, request: HttpRequest, html: str) -> str:
        """The kept rendering with this request's CSRF token (get_token renews the cookie, as
        `{% csrf_token %}` does) and a new key (as `{% submission_key %}` makes)."""
        html = html.replace(cls.TOKEN_MARK, get_token(request))
        return html.replace(cls.KEY_MARK, secrets.token_urlsafe(16))


_fresh_forms = _FreshForms()
# A dot's short answer (_vote_answer), kept the same way: a 1,000-person room puts 100 dots a
# second, and its template was about a fifth of a quick dot's CPU. One shape per card or theme,
# dots of the voter's on it and dots left (40 cards: 600 shapes), each about 2 KB.
_vote_answers = _FreshForms(most=5000)


@retreat_participants
@require_POST
@vary_on_headers("HX-Request")
def card_add(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    retreat_access, activity = access_activity(
        request, retreat_id, activity_id, need=Can.CONTRIBUTE
    )
    form = CardForm(request.POST, activity=activity)
    if form.is_valid():
        participant = _participant(retreat_access)
        live.grant(request, activity.pk, participant.pk)
        _may_write(request, retreat_access, participant)
        try:
            card = services.card_add(
                activity=activity, participant=participant, **form.cleaned_data
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if not request.htmx:
                messages.success(request, "Your card is on the board.")
                return redirect(_board_url(activity) + "#add-card")
            if push.enabled() and push.cards_shared(activity):
                return _card_taken(request, activity, card, form)
            # (A private board's region holds only the writer's own cards: it comes along.)
            version = selectors.activity_version(activity.pk)
            context = _board_context(
                _with_participant(retreat_access, participant),
                activity,
                version=version,
                seen_version=version - 1,  # the writer sees the board with their card on it
                form=_card_form(activity, form.cleaned_data.get("quadrant", ""), after=form),
                board_oob=True,
                announce="Your card is on the board.",
            )
            return TemplateResponse(request, CARD_FORM, context)
    if request.htmx:
        form.fields["text"].widget.attrs["autofocus"] = True
        context = {"activity": activity, "form": form, "form_state": _form_state(activity)}
        return TemplateResponse(request, CARD_FORM, context)
    return _board_page(request, retreat_access, activity, form)


@retreat_participants
@require_POST
@vary_on_headers("HX-Request")
def vote(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    retreat_access, activity = access_activity(
        request, retreat_id, activity_id, need=Can.CONTRIBUTE
    )
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a card or theme, and whether to add or take a dot.")
    card, theme = selectors.vote_target(activity, form.cleaned_data["item"])
    participant = _participant(retreat_access)
    live.grant(request, activity.pk, participant.pk)
    _may_write(request, retreat_access, participant)
    cast = services.vote_add if form.cleaned_data["action"] == "add" else services.vote_remove
    try:
        left = cast(
            activity=activity,
            participant=participant,
            card=card,
            theme=theme,
            submission_key=form.cleaned_data["submission_key"],
        )
    except (services.VoteRefused, services.AlreadySent) as refusal:
        notice, refused = refusal.messages[0], True
    else:
        mine = selectors.dots_on(activity, participant, card=card, theme=theme)
        dots = f"{mine} of your dots" if mine != 1 else "1 of your dots"
        notice = (
            f"‘{_vote_label(card or theme)}’ has {dots}. "
            f"You have {left} of {activity.budget()} dots left."
        )
        refused = False
    if not request.htmx:
        (messages.error if refused else messages.success)(request, notice)
        anchor = f"#item-{form.cleaned_data['item']}" if card or theme else ""
        return redirect(_board_url(activity) + anchor)
    if refused:
        left = activity.budget() - selectors.dots_spent(activity, participant)
        return _vote_answer(request, activity, None, 0, left, notice, refused)
    if _only_mine_changed(activity, form.cleaned_data["action"], left):
        return _vote_answer(request, activity, card or theme, mine, left, notice, refused)
    context = _board_context(
        _with_participant(retreat_access, participant),
        activity,
        version=selectors.activity_version(activity.pk),
        notice=notice,
        notice_refused=refused,
        announce=notice,
    )
    return TemplateResponse(request, LIVE, context)


def _only_mine_changed(activity: Activity, action: str, left: int) -> bool:
    """Did this dot change only the voter's own figures on one item? Not when the dots are shown
    (the totals move), nor when the voter's last dot went or came back (every "add" button
    changes): then the whole board is sent again."""
    if activity.votes_revealed or activity.votes_live:
        return False
    return left > 0 and not (action == "remove" and left == 1)


def _vote_answer(
    request: HttpRequest, activity: Activity, item, mine: int, left: int, notice: str, refused: bool
) -> HttpResponse:
    """The short answer to a dot (_vote_answer.html): a few small pieces out of band instead of
    the voter's whole board, a dot being the room's most frequent write."""
    if item is not None:
        item.my_dots, item.vote_label = mine, _vote_label(item)
        # Everything the template reads (the notice says the item's label, its dots and the
        # dots left): a copy of an earlier rendering of the same shape is the same answer.
        shape = (
            "vote",
            str(activity.pk),
            str(activity.retreat_id),
            str(item.pk),
            item.vote_label,
            mine,
            left,
            activity.budget(),
            activity.max_per_item,
            activity.vote_on,
            notice,
            refused,
        )
        if (html := _vote_answers.get(shape)) is not None:
            response = HttpResponse(_FreshForms.fill(request, html))
            response["HX-Reswap"] = "none"
            return response
    context = {
        "activity": activity,
        "item": item,
        "board": {"show_votes": False},
        "budget": activity.budget(),
        "dots_left": left,
        "on_themes": activity.vote_on == Activity.VoteOn.THEMES,
        "notice": notice,
        "notice_refused": refused,
    }
    response = TemplateResponse(request, VOTE_ANSWER, context).render()
    response["HX-Reswap"] = "none"
    if item is not None:
        _vote_answers.keep(shape, response.content.decode())
    return response


# --- the retreat's page and joining -------------------------------------------------------------


@retreat_participants
@require_GET
def retreat_home(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    retreat_access = access_retreat(request, retreat_id)
    retreat = retreat_access.retreat
    context = {
        "retreat": retreat,
        "retreat_access": retreat_access,
        "activities": list(retreat.activities.order_by("position", "title")),
        "can_run": retreat_access.can(Can.RUN_RETREAT),
        "can_export": retreat_access.can(Can.EXPORT_RESULTS),
    }
    return TemplateResponse(request, HOME, context)


@members_only
@require_POST
def member_join(request: HttpRequest, retreat_id: UUID) -> HttpResponse:
    retreat_access = access_retreat(request, retreat_id, need=Can.CONTRIBUTE)
    retreat = retreat_access.retreat
    if not retreat.is_open:
        messages.warning(
            request,
            f"“{retreat.title}” is not open for joining. The facilitator opens it when the "
            "retreat starts.",
        )
        return redirect("retreats:retreat", retreat.pk)
    if retreat_access.access is not None:
        _participant(retreat_access)
        throttle.retreat_in_the_room(request, retreat)
        messages.success(request, f"You have joined “{retreat.title}”.")
    return redirect(_landing(retreat))


def _join_code_page(request: HttpRequest, form: JoinCodeForm, status: int = 200):
    return TemplateResponse(request, JOIN, {"form": form}, status=status)


@public
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The short address on the projector: type the join code."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retreat = selectors.open_retreat_for_code(form.cleaned_data["code"])
        if throttle.join_refused(request, retreat):
            form.add_error("code", TOO_MANY_TRIES)
            return _join_code_page(request, form, status=429)
        if retreat is None:
            throttle.join_failed(request)
            form.add_error("code", WRONG_CODE)
            return _join_code_page(request, form, status=400)
        throttle.retreat_in_the_room(request, retreat)
        return redirect("retreats:join-code", code=retreat.join_code)
    return _join_code_page(request, form, status=400 if form.errors else 200)


def _already_in(request: HttpRequest, retreat: Retreat) -> RetreatAccess | None:
    """The signed-in member of the retreat's engagement, or the guest who joined it already."""
    try:
        return access_retreat(request, retreat.pk)
    except (Http404, PermissionDenied):
        return None


def _groups(retreat: Retreat) -> list[StakeholderGroup]:
    return list(
        StakeholderGroup.objects.filter(engagement_id=retreat.engagement_id).order_by(
            "position", "name"
        )
    )


@public
@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """The address in the QR code: who are you? Members of the engagement join as themselves."""
    code_form = JoinCodeForm({"code": code})
    retreat = None
    if code_form.is_valid():
        retreat = selectors.open_retreat_for_code(code_form.cleaned_data["code"])
    if throttle.join_refused(request, retreat):
        code_form.add_error("code", TOO_MANY_TRIES)
        return _join_code_page(request, code_form, status=429)
    if retreat is None:
        throttle.join_failed(request)
        code_form.add_error("code", WRONG_CODE)
        return _join_code_page(request, code_form, status=400 if request.method == "POST" else 200)
    throttle.retreat_in_the_room(request, retreat)
    existing = _already_in(request, retreat)
    if existing is not None and existing.access is not None:
        if request.method == "POST":
            _participant(existing)
            messages.success(request, f"You have joined “{retreat.title}”.")
            return redirect(_landing(retreat))
        return TemplateResponse(request, JOIN_AS, {"retreat": retreat, "retreat_access": existing})
    if existing is not None:  # a guest who joined already, e.g. scanning the code again
        return redirect(_landing(retreat))
    form = GuestJoinForm(request.POST or None, groups=_groups(retreat))
    if request.method == "POST" and form.is_valid():
        try:
            guest = services.participant_join_guest(retreat=retreat, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            request.session.cycle_key()
            request.session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = guest.token
            messages.success(request, f"Welcome, {guest.participant.display_name}!")
            return redirect(_landing(retreat))
    context = {"retreat": retreat, "form": form}
    return TemplateResponse(request, JOIN_AS, context, status=400 if form.errors else 200)


# --- the projector ------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=8, dark="#000", light="#fff", border=2, svgclass="join-qr__code", omitsize=True
    )


def projector_board(activity: Activity) -> dict:
    """The board as the room's screen shows it (the projector, and the observer link of an open
    meeting): everyone's cards once revealed, no hidden card, dots only once shown."""
    board = selectors.board_for(activity, participant=None)
    counts = selectors.card_counts_for(activity)
    return {
        "activity": activity,
        "board": board,
        "is_swot": activity.kind == Activity.Kind.SWOT,
        "total_cards": sum(counts.values()),
        "quadrants": _quadrants(board, counts),
        "private": activity.private_until_revealed
        and not activity.cards_revealed
        and activity.stage == Activity.Stage.COLLECTING,
        "results": selectors.results_for(activity) if _shows_ranking(activity, board) else None,
    }


def shown_data(activity: Activity):
    """The indicator the facilitator shows above the board, as a chart with its sentence (two
    queries), or None."""
    if not activity.shown_indicator_id:
        return None
    indicator = evidence_selectors.indicator_with_values(
        activity.shown_indicator_id, activity.retreat.engagement_id
    )
    return evidence_selectors.indicator_view(indicator, key="projector-data") if indicator else None


def _projector_context(request: HttpRequest, activity: Activity, *, version: int) -> dict:
    retreat = activity.retreat
    join_url = request.build_absolute_uri(reverse("retreats:join-code", args=[retreat.join_code]))
    short_url = request.build_absolute_uri(reverse("retreats:join"))
    return {
        "retreat": retreat,
        **projector_board(activity),
        "join_short": short_url.split("://", 1)[-1].rstrip("/"),
        "join_url": join_url,
        "join_qr": mark_safe(_qr_svg(join_url)),  # noqa: S308 - segno's own SVG markup
        "version": version,
        "timer": _timer(activity),
        "shown_data": shown_data(activity),
        "live_url": reverse("retreats:projector-live", args=[retreat.pk, activity.pk]),
        "events_url": reverse("retreats:console-events", args=[retreat.pk, activity.pk])
        if push.enabled()
        else "",
    }


@members_only
@require_GET
def projector(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    _, activity = access_activity(request, retreat_id, activity_id, need=Can.RUN_RETREAT)
    # The projector's network is usually the room's: its code keeps working there under attack.
    throttle.retreat_in_the_room(request, activity.retreat)
    context = _projector_context(request, activity, version=activity.version)
    return TemplateResponse(request, PROJECTOR, context)


@members_only
@require_GET
@vary_on_headers("HX-Request")
def projector_live(request: HttpRequest, retreat_id: UUID, activity_id: UUID) -> HttpResponse:
    try:
        _, activity = access_activity(request, retreat_id, activity_id, need=Can.RUN_RETREAT)
    except (Http404, PermissionDenied):
        if refresh := _refresh_instead(request):
            return refresh
        raise
    if not request.htmx:
        return redirect("retreats:projector", retreat_id=retreat_id, activity_id=activity_id)
    if _unchanged(request, activity):
        return _no_change()
    context = _projector_context(request, activity, version=activity.version)
    response = TemplateResponse(request, PROJECTOR_LIVE, context)
    response["Cache-Control"] = "no-store"
    return response
