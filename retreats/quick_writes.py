"""The quick path of a live board's two most frequent writes: adding a card and putting a dot on
a card or theme (see README, "Live updates": "Cards and dots by the quick path").

A 1,000-person room writes 150 times a second. Through the normal path each of those writes
costs 10-20 ms of a core: sessions, authentication, the board with its retreat, the participant,
the form, the ORM building nine to thirteen statements. `LiveWriteShortcut` (a middleware, ahead
of sessions and authentication, like `live.LivePollShortcut`) takes the common case of those two
writes in about a third of that, and leaves everything else to the normal path:

- **Access.** It acts only for a session the normal path has let write in that retreat within
  the last GRANT_SECONDS (`live.grant_writes`: a full check that the viewer may contribute, made
  by the board, its stream's re-checks once their own note has lapsed, and every write the
  normal path takes; for a guest, also the stream's one-statement re-check, `push_asgi.Guest`,
  which finds everything as that full check did), and its one reading query checks again that
  the session still exists (signed out: refused at once), that the retreat is open (closed: at
  once), that the board belongs to the retreat in the address, and that the participant is still
  in it (a member who left the engagement: at once). A deactivated account, a password changed
  elsewhere or a role made read-only is noticed when the note lapses. The CSRF check is Django's
  own.
- **The same rules.** The card is read by the same `CardForm` and `services.clean_card_text`
  as the normal path; the board must be collecting and unlocked, a dot's board voting with its
  dots hidden. The dot is spent by the same `services._spend` (the budget can never be
  overspent), the board's version moved by the same `services._bump`, and the idempotency key
  written in the same transaction.
- **Anything else goes the normal way, with nothing written:** an unusual board (private cards,
  votes shown live or revealed, a SWOT card citing evidence), a form that does not validate,
  a key already used (a retry: the normal path answers with the first answer), a voter's last
  dot (its answer is the whole board), a dot at an item's limit, a
  refused write of any kind: the normal path then gives the same answer and message it always
  did. `Fallback` is raised before anything is written or inside the write's transaction,
  which rolls back.

Answers are the normal path's own (`views.participant._card_taken`, `_vote_answer`), so a page
cannot tell which path took its write; `tests/retreats/test_quick_writes.py` runs each case
through both and compares.
"""

import logging
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.fields import AutoFieldMixin
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone

from config.db import statement_cursor
from engagements.models import Engagement

from . import live, push, services
from .models import Activity, Ballot, Card, Dot, Participant, Retreat, SubmissionKey, Theme

logger = logging.getLogger(__name__)

DATABASE_SESSIONS = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}
WRITES = {"retreats:card-add": "card", "retreats:vote": "vote"}


class Fallback(Exception):  # noqa: N818 - a decision, not an error
    """Leave this request to the normal path (nothing has been written, or it rolls back)."""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _db_id(value):
    """A UUID as the database takes it (a uuid on PostgreSQL, hex text on SQLite)."""
    return Card._meta.pk.get_db_prep_value(UUID(str(value)), connection)


def _reading_sql(target: str) -> str:
    """One query: the board, its retreat's state, the engagement's default budget, the writer,
    whether the session and the key exist, and for a dot the ballot and the target."""
    extra = ""
    if target == "vote":
        extra = (
            f", (SELECT b.id FROM {_table(Ballot)} b"  # noqa: S608
            " WHERE b.activity_id = a.id AND b.participant_id = p.id)"
            f", (SELECT b.spent FROM {_table(Ballot)} b"
            " WHERE b.activity_id = a.id AND b.participant_id = p.id)"
        )
    return (
        "SELECT a.stage, a.locked, a.kind, a.private_until_revealed, a.cards_revealed,"  # noqa: S608
        " a.show_authors, a.vote_on, a.vote_budget, a.max_per_item, a.votes_live,"
        " a.votes_revealed, r.is_open, r.engagement_id, e.default_vote_budget, p.display_name,"
        f" (SELECT 1 FROM {_table(Session)} s WHERE s.session_key = %s AND s.expire_date > %s),"
        f" (SELECT 1 FROM {_table(SubmissionKey)} k WHERE k.participant_id = p.id AND k.key = %s)"
        f"{extra}"
        f" FROM {_table(Activity)} a"
        f" JOIN {_table(Retreat)} r ON r.id = a.retreat_id"
        f" JOIN {_table(Engagement)} e ON e.id = r.engagement_id"
        f" JOIN {_table(Participant)} p ON p.id = %s AND p.retreat_id = a.retreat_id"
        " AND (p.membership_id IS NOT NULL OR p.guest_token_hash <> '')"
        " WHERE a.id = %s AND a.retreat_id = %s"
    )


def _read(request: HttpRequest, kwargs: dict, participant_id: str, kind: str, key: str):
    """The board as the writer's request needs it, or Fallback."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    session_key = request.COOKIES[settings.SESSION_COOKIE_NAME]
    params = [
        session_key,
        now,
        key,
        _db_id(participant_id),
        _db_id(kwargs["activity_id"]),
        _db_id(kwargs["retreat_id"]),
    ]
    with statement_cursor() as cursor:
        cursor.execute(_reading_sql(kind), params)
        row = cursor.fetchone()
    if row is None:  # an unknown or foreign board, or the writer is no longer in the retreat
        raise Fallback
    (
        stage,
        locked,
        board_kind,
        private,
        revealed,
        show_authors,
        vote_on,
        budget,
        max_per_item,
        votes_live,
        votes_revealed,
        is_open,
        engagement_id,
        default_budget,
        name,
        session,
        used,
    ) = row[:17]
    if not session or not is_open or used:  # signed out; closed; a retry of a taken write
        raise Fallback
    engagement = Engagement(pk=engagement_id, default_vote_budget=default_budget)
    retreat = Retreat(pk=kwargs["retreat_id"], engagement=engagement, is_open=True)
    activity = Activity(
        pk=kwargs["activity_id"],
        retreat=retreat,
        stage=stage,
        locked=bool(locked),
        kind=board_kind,
        private_until_revealed=bool(private),
        cards_revealed=bool(revealed),
        show_authors=bool(show_authors),
        vote_on=vote_on,
        vote_budget=budget,
        max_per_item=max_per_item,
        votes_live=bool(votes_live),
        votes_revealed=bool(votes_revealed),
    )
    participant = Participant(pk=UUID(participant_id), retreat_id=retreat.pk, display_name=name)
    return activity, participant, row[17:]


def _insert(obj) -> None:
    """INSERT one new row of `obj`'s model, every concrete column but an auto id, as Django's
    own insert would write it (defaults, auto_now_add), without building it through the ORM."""
    fields = [f for f in obj._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with statement_cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(obj)} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _card(request: HttpRequest, kwargs: dict, participant_id: str) -> HttpResponse:
    from .forms.participant import CardForm, submission_key_field
    from .views import participant as views

    try:  # the key as the form cleans it, before it is looked up
        key = submission_key_field().clean(request.POST.get("submission_key", ""))
    except ValidationError:
        raise Fallback from None
    activity, participant, _ = _read(request, kwargs, participant_id, "card", key)
    if activity.stage != Activity.Stage.COLLECTING or activity.locked:
        raise Fallback
    if not push.enabled() or not push.cards_shared(activity):
        raise Fallback  # the writer's answer then carries the board itself
    form = CardForm(request.POST, activity=activity)
    if not form.is_valid() or form.cleaned_data.get("evidence"):
        raise Fallback
    try:
        text = services.clean_card_text(form.cleaned_data["text"])
    except ValidationError:
        raise Fallback from None
    card = Card(
        activity=activity,
        author=participant,
        text=text,
        quadrant=form.cleaned_data.get("quadrant", "")
        if activity.kind == Activity.Kind.SWOT
        else "",
    )
    try:
        with transaction.atomic():
            _insert(card)
            if key:
                _insert(
                    SubmissionKey(
                        participant=participant, key=key, kind=SubmissionKey.Kind.CARD, card=card
                    )
                )
            # Last (as services.card_add): from here to the commit the board's row is locked,
            # and every card of the room waits for it (50 a second in a 1,000-person room).
            services._bump(activity, card=card)
    except IntegrityError:  # the same key taken at once by a twin request: its answer
        raise Fallback from None
    return views._card_taken(request, activity, card, form)  # (rendered)


def _vote(request: HttpRequest, kwargs: dict, participant_id: str) -> HttpResponse:
    from .forms.participant import VoteForm
    from .views import participant as views

    form = VoteForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] != "add":
        raise Fallback  # taking a dot back stays on the normal path
    key = form.cleaned_data["submission_key"]
    activity, participant, (ballot_id, spent) = _read(request, kwargs, participant_id, "vote", key)
    if activity.stage != Activity.Stage.VOTING or activity.votes_live or activity.votes_revealed:
        raise Fallback  # dots shown: every answer carries the board
    budget = activity.budget()
    first = ballot_id is None  # the voter's first dot on this board: their ballot is made here
    if (0 if first else spent) >= budget - 1:  # a last dot changes every button: the normal
        raise Fallback  # path answers with the board
    item = _target(activity, form.cleaned_data["item"])
    column = "theme_id" if isinstance(item, Theme) else "card_id"
    ballot = Ballot(pk=ballot_id or uuid4(), activity_id=activity.pk, participant_id=participant.pk)
    try:
        with transaction.atomic():
            if first:  # (a twin request's ballot, made meanwhile: IntegrityError, the normal way)
                _insert(ballot)
            spent = services._spend(ballot, budget)
            if spent is None or spent >= budget:
                raise Fallback
            mine = _one_more_dot(ballot, column, item, activity.max_per_item)
            left = budget - spent
            if key:
                _insert(
                    SubmissionKey(
                        participant=participant,
                        key=key,
                        kind=SubmissionKey.Kind.VOTE_ADD,
                        ballot=ballot,
                        dots_left=left,
                    )
                )
    except IntegrityError:
        raise Fallback from None
    dots = f"{mine} of your dots" if mine != 1 else "1 of your dots"
    notice = f"‘{views._vote_label(item)}’ has {dots}. You have {left} of {budget} dots left."
    return views._vote_answer(request, activity, item, mine, left, notice, False)


def _target(activity: Activity, item_id) -> Card | Theme:
    """The card or theme voted on, if the normal path would take it (else Fallback)."""
    if activity.vote_on == Activity.VoteOn.THEMES:
        sql = f"SELECT name FROM {_table(Theme)} WHERE id = %s AND activity_id = %s"  # noqa: S608
    else:
        sql = (
            f"SELECT text FROM {_table(Card)} WHERE id = %s AND activity_id = %s"  # noqa: S608
            " AND NOT hidden AND merged_into_id IS NULL"
        )
    with statement_cursor() as cursor:
        cursor.execute(sql, [_db_id(item_id), _db_id(activity.pk)])
        row = cursor.fetchone()
    if row is None:
        raise Fallback
    if activity.vote_on == Activity.VoteOn.THEMES:
        return Theme(pk=item_id, activity_id=activity.pk, name=row[0])
    return Card(pk=item_id, activity_id=activity.pk, text=row[0])


def _one_more_dot(ballot: Ballot, column: str, item, most: int) -> int:
    """One more of the voter's dots on the item, within its limit: the dots now on it."""
    count = connection.ops.quote_name("count")
    sql = (
        f"UPDATE {_table(Dot)} SET {count} = {count} + 1"  # noqa: S608
        f" WHERE ballot_id = %s AND {column} = %s AND {count} < %s RETURNING {count}"
    )
    with statement_cursor() as cursor:
        cursor.execute(sql, [_db_id(ballot.pk), _db_id(item.pk), most])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    if most < 1:
        raise Fallback
    # No dot of theirs on it yet (or it is at its limit: the insert then fails on the
    # one-dot-row-per-item constraint, and the normal path refuses it with its message).
    _insert(Dot(ballot=ballot, count=1, **{column.removesuffix("_id"): item}))
    return 1


class LiveWriteShortcut:
    """Take a card or a dot by the quick path when it can; else pass the request on."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.answer(request) or self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "POST" or request.headers.get("HX-Request") != "true":
            return None
        if not settings.LIVE_QUICK_WRITES or not request.path_info.endswith(("/cards/", "/vote/")):
            return None
        if settings.SESSION_ENGINE not in DATABASE_SESSIONS:  # (its reading checks the row)
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if (kind := WRITES.get(match.view_name)) is None:
            return None
        participant_id = live.writer(session_key, match.kwargs["retreat_id"])
        if not participant_id:
            return None
        self.csrf.process_request(request)
        if self.csrf.process_view(request, match.func, (), match.kwargs) is not None:
            return None  # refused: the normal path refuses it the usual way
        try:
            response = (_card if kind == "card" else _vote)(request, match.kwargs, participant_id)
        except Fallback:
            return None

        # What the middlewares after this one would have added to the normal path's answer:
        # the CSRF cookie renewed (the answer's forms carry a token), the length, the headers.
        response = self.csrf.process_response(request, response)
        response["Content-Length"] = str(len(response.content))
        response["Vary"] = "HX-Request, Cookie"
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response
