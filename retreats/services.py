"""Writes for live retreats: joining, cards, moderation, themes, stages and dot voting.

Every change anyone watching should see bumps the activity's `version`; watchers poll that
number (see selectors.activity_version) and refresh their board when it moves.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from config.db import statement_cursor
from engagements.access import guest_token_hash
from engagements.models import Engagement, Meeting, Membership, Phase, StakeholderGroup
from evidence.models import Indicator

from . import live, push
from .models import (
    Activity,
    Ballot,
    Card,
    Dot,
    ModerationAction,
    Participant,
    Retreat,
    SubmissionKey,
    Theme,
    new_join_code,
)

CARD_MAX = 500
SUBMISSION_KEY_DAYS = 1
STAGES = [choice for choice, _ in Activity.Stage.choices]


def _bump(activity: Activity, *, card: Card | None = None, gone: bool = False) -> None:
    """Move the board's version on, note the new number for the live shortcut (retreats/live.py)
    before the change commits, and have the change pushed to the board's watchers once it has
    committed (retreats/push.py): `card` when the change is that new card, `gone` when the
    retreat closed. One query: UPDATE ... RETURNING (with the board's stage and privacy, read
    under the row's lock, so a card's words never go out after the board was made private)."""
    table = connection.ops.quote_name(Activity._meta.db_table)
    column = connection.ops.quote_name(Activity._meta.get_field("version").column)
    key = connection.ops.quote_name(Activity._meta.pk.column)
    state = ", ".join(
        connection.ops.quote_name(Activity._meta.get_field(name).column)
        for name in ("stage", "private_until_revealed", "cards_revealed")
    )
    sql = f"UPDATE {table} SET {column} = {column} + 1 WHERE {key} = %s RETURNING {column}, {state}"  # noqa: S608
    with statement_cursor() as cursor:
        cursor.execute(sql, [Activity._meta.pk.get_db_prep_value(activity.pk, connection)])
        row = cursor.fetchone()
    if row is not None:  # the board's privacy as the locked row has it decides what goes out
        live.version_moved(activity.pk, row[0])
        state = (row[1], bool(row[2]), bool(row[3]))
        push.announce(activity, row[0], card=card, gone=gone, state=state)


# --- retreats and activities -------------------------------------------------------------------


def retreat_create(
    *,
    engagement: Engagement,
    phase: Phase,
    title: str,
    meeting: Meeting | None = None,
    is_public_meeting: bool = False,
) -> Retreat:
    if phase.engagement_id != engagement.pk:
        raise ValidationError({"phase": "Choose one of this engagement’s phases."})
    if meeting is not None and meeting.engagement_id != engagement.pk:
        raise ValidationError({"meeting": "Choose one of this engagement’s meetings."})
    for _ in range(5):
        try:
            with transaction.atomic():
                return Retreat.objects.create(
                    engagement=engagement,
                    phase=phase,
                    meeting=meeting,
                    title=title.strip(),
                    join_code=new_join_code(),
                    is_public_meeting=is_public_meeting,
                    observer_token=_new_observer_token() if is_public_meeting else None,
                    observer_link_made_at=timezone.now() if is_public_meeting else None,
                )
        except IntegrityError:  # the join code was taken: draw another
            continue
    raise RuntimeError("Could not find a free join code.")


def retreat_set_open(*, retreat: Retreat, is_open: bool) -> Retreat:
    retreat.is_open = is_open
    retreat.save(update_fields=["is_open"])
    for activity in retreat.activities.all():
        _bump(activity, gone=not is_open)
    return retreat


# --- open meetings: the observer link -------------------------------------------------------------


def _new_observer_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits: not to be guessed


def retreat_set_public_meeting(*, retreat: Retreat, public: bool) -> Retreat:
    """Mark the retreat a public meeting, with an observer link (kept if it has one), or no
    longer one: the link stops working for good (a new one is made if it becomes public again)."""
    retreat.is_public_meeting = public
    if public and not retreat.observer_token:
        retreat.observer_token = _new_observer_token()
        retreat.observer_link_made_at = timezone.now()
    elif not public:
        retreat.observer_token = None
        retreat.observer_link_made_at = None
    retreat.save(update_fields=["is_public_meeting", "observer_token", "observer_link_made_at"])
    return retreat


def observer_link_new(*, retreat: Retreat) -> str:
    """A new observer link for a public meeting; the earlier one stops working at once."""
    if not retreat.is_public_meeting:
        raise ValidationError("Make the retreat a public meeting first: it then gets its link.")
    retreat.observer_token = _new_observer_token()
    retreat.observer_link_made_at = timezone.now()
    retreat.save(update_fields=["observer_token", "observer_link_made_at"])
    return retreat.observer_token


# Seed 002's prompts for the boards.
SWOT_TITLE = "SWOT analysis: where are we now?"
BRAINSTORM_PROMPT = "How do we want to be different 5-10 years from now than we are today?"


def activity_add(
    *,
    retreat: Retreat,
    kind: str,
    title: str = "",
    prompt: str = "",
    vote_budget: int | None = None,
    max_per_item: int = 3,
    vote_on: str = Activity.VoteOn.CARDS,
    private_until_revealed: bool = True,
    show_authors: bool = False,
    votes_live: bool = False,
) -> Activity:
    if kind == Activity.Kind.BRAINSTORM and not (prompt or "").strip():
        raise ValidationError({"prompt": "A brainstorm needs its question."})
    last = retreat.activities.order_by("-position").values_list("position", flat=True).first()
    return Activity.objects.create(
        retreat=retreat,
        position=0 if last is None else last + 1,
        kind=kind,
        title=(title or "").strip()
        or (SWOT_TITLE if kind == Activity.Kind.SWOT else (prompt or "").strip()[:200]),
        prompt=(prompt or "").strip(),
        vote_budget=vote_budget,
        max_per_item=max_per_item,
        vote_on=vote_on,
        private_until_revealed=private_until_revealed,
        show_authors=show_authors,
        votes_live=votes_live,
    )


def activity_update(*, activity: Activity, **fields) -> Activity:
    """Change an activity's settings (authors shown, privacy, budget, what is voted on...)."""
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    _bump(activity)
    return activity


def activity_set_stage(*, activity: Activity, stage: str) -> Activity:
    """Move to any stage: forward (collecting → grouping → voting → results) or back to reopen."""
    if stage not in STAGES:
        raise ValidationError("Unknown stage.")
    activity.stage = stage
    fields = ["stage"]
    if stage == Activity.Stage.RESULTS:
        # Results show the votes; cards are all shown from grouping on.
        activity.votes_revealed = True
        fields.append("votes_revealed")
    if stage != Activity.Stage.COLLECTING and not activity.cards_revealed:
        activity.cards_revealed = True
        fields.append("cards_revealed")
    activity.save(update_fields=fields)
    _bump(activity)
    return activity


def activity_set_timer(*, activity: Activity, minutes: int | None) -> Activity:
    activity.timer_ends_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    activity.save(update_fields=["timer_ends_at"])
    _bump(activity)
    return activity


def activity_reveal(*, activity: Activity, cards: bool | None = None, votes: bool | None = None):
    fields = []
    if cards is not None:
        activity.cards_revealed = cards
        fields.append("cards_revealed")
    if votes is not None:
        activity.votes_revealed = votes
        fields.append("votes_revealed")
    activity.save(update_fields=fields)
    _bump(activity)
    return activity


def activity_show_indicator(*, activity: Activity, indicator: Indicator | None) -> Activity:
    """Show an indicator of the engagement on the projector beside the board (None hides it);
    the projector redraws at the version bump. An indicator of another engagement is refused."""
    if indicator is not None and indicator.engagement_id != activity.retreat.engagement_id:
        raise ValidationError("Choose one of this engagement’s indicators.")
    activity.shown_indicator = indicator
    activity.save(update_fields=["shown_indicator"])
    _bump(activity)
    return activity


def activity_lock(*, activity: Activity, locked: bool) -> Activity:
    activity.locked = locked
    activity.save(update_fields=["locked"])
    _bump(activity)
    return activity


# --- joining -----------------------------------------------------------------------------------


def participant_join_member(*, retreat: Retreat, membership: Membership) -> Participant:
    """A member joins (again): one participant row each, carrying their stakeholder group."""
    participant, created = Participant.objects.get_or_create(
        retreat=retreat,
        membership=membership,
        defaults={
            "display_name": membership.user.get_full_name()[:60],
            "stakeholder_group": membership.stakeholder_group,
        },
    )
    if created:
        push.room_changed(retreat)
    return participant


@dataclass(frozen=True)
class GuestPass:
    participant: Participant
    token: str  # kept in the guest's session; only its hash is stored


def participant_join_guest(
    *, retreat: Retreat, display_name: str, stakeholder_group: StakeholderGroup | None
) -> GuestPass:
    if not retreat.is_open:
        raise ValidationError("This retreat is not open for joining right now.")
    name = " ".join(display_name.split())
    if not name:
        raise ValidationError({"display_name": "Tell the room what to call you."})
    if stakeholder_group is not None and stakeholder_group.engagement_id != retreat.engagement_id:
        raise ValidationError({"stakeholder_group": "Choose one of the groups shown."})
    token = secrets.token_urlsafe(32)
    participant = Participant.objects.create(
        retreat=retreat,
        display_name=name[:60],
        stakeholder_group=stakeholder_group,
        guest_token_hash=guest_token_hash(token),
    )
    push.room_changed(retreat)
    return GuestPass(participant=participant, token=token)


# --- cards -------------------------------------------------------------------------------------


def clean_card_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write your idea first."})
    if len(text) > CARD_MAX:
        raise ValidationError(
            {"text": f"Keep it to {CARD_MAX} characters: this one has {len(text)}."}
        )
    return text


# --- exactly once: the page's idempotency key ----------------------------------------------------


class AlreadySent(ValidationError):
    pass


def _answered(participant: Participant, key: str, kind: str) -> SubmissionKey | None:
    """The recorded answer to this key, if the same submission was taken before."""
    if not key:
        return None
    found = SubmissionKey.objects.filter(participant=participant, key=key).first()
    if found is not None and found.kind != kind:
        raise AlreadySent("This form was already sent. Reload the page and try again.")
    return found


def _remember(participant: Participant, key: str, kind: str, **answer) -> None:
    """Record the key with the answer, inside the write's own transaction: a write is committed
    if and only if its key is. Keys older than a day are dropped by submission_keys_forget (beat,
    hourly), not by the writes: a busy room's writes stay one query shorter."""
    if not key:
        return
    SubmissionKey.objects.create(participant=participant, key=key, kind=kind, **answer)


def submission_keys_forget(*, now=None) -> int:
    """Drop the idempotency keys older than SUBMISSION_KEY_DAYS (a retry comes within seconds or
    minutes, never a day later); returns how many."""
    before = (now or timezone.now()) - timedelta(days=SUBMISSION_KEY_DAYS)
    deleted, _ = SubmissionKey.objects.filter(created_at__lt=before).delete()
    return deleted


def _twin(participant: Participant, key: str, kind: str) -> SubmissionKey:
    """The same submission arrived twice at once and the other copy won the key: its answer."""
    found = _answered(participant, key, kind)
    if found is None:
        raise
    return found


def card_add(
    *,
    activity: Activity,
    participant: Participant,
    text: str,
    quadrant: str = "",
    submission_key: str = "",
    evidence: Indicator | None = None,
) -> Card:
    """Add a card. With a `submission_key` (made by the page, sent again on a retry) the same
    submission adds the card once and every retry gets that same card back. On a SWOT board
    `evidence` is an indicator of the engagement the card cites."""
    if (done := _answered(participant, submission_key, SubmissionKey.Kind.CARD)) is not None:
        return done.card
    if activity.stage != Activity.Stage.COLLECTING:
        raise ValidationError("Adding ideas is over for this board.")
    if activity.locked:
        raise ValidationError("The facilitator has locked this board for now.")
    if participant.retreat_id != activity.retreat_id:
        raise ValidationError("You are not part of this retreat.")
    text = clean_card_text(text)
    if activity.kind == Activity.Kind.SWOT:
        if quadrant not in Card.Quadrant.values:
            raise ValidationError(
                {"quadrant": "Choose strengths, weaknesses, opportunities or threats."}
            )
    else:
        quadrant = ""
    if evidence is not None and (
        activity.kind != Activity.Kind.SWOT
        or evidence.engagement_id != activity.retreat.engagement_id
    ):
        raise ValidationError({"evidence": "Choose one of this engagement’s indicators."})
    try:
        with transaction.atomic():
            card = Card.objects.create(
                activity=activity,
                author=participant,
                text=text,
                quadrant=quadrant,
                evidence=evidence,
            )
            _remember(participant, submission_key, SubmissionKey.Kind.CARD, card=card)
            # Last, as the quick path does (the same order of locks: twins never deadlock):
            # from here to the commit the board's row is locked for every other card.
            _bump(activity, card=card)
    except IntegrityError:
        return _twin(participant, submission_key, SubmissionKey.Kind.CARD).card
    return card


# Boards a card may be seeded on from outside the retreat (synthesis: community input).
SEED_STAGES = (Activity.Stage.COLLECTING, Activity.Stage.GROUPING)


def card_seed(*, activity: Activity, text: str, quadrant: str = "") -> Card:
    """Put a card on a board for the facilitator's team, written by nobody in the room (no
    author: the text says where it came from, e.g. "Community input: ..."). The board must
    belong to an open retreat and still take ideas or be grouped; like any card it bumps the
    board's version, so the live board (push or polling) shows it, and it keeps the 500
    characters' limit."""
    if not activity.retreat.is_open:
        raise ValidationError("This retreat is closed: its boards take no new cards.")
    if activity.stage not in SEED_STAGES:
        raise ValidationError(
            "This board is past adding and grouping ideas: choose a board that is still "
            "collecting ideas or being grouped."
        )
    text = clean_card_text(text)
    if activity.kind == Activity.Kind.SWOT:
        if quadrant not in Card.Quadrant.values:
            raise ValidationError(
                {"quadrant": "Choose strengths, weaknesses, opportunities or threats."}
            )
    else:
        quadrant = ""
    with transaction.atomic():
        card = Card.objects.create(activity=activity, author=None, text=text, quadrant=quadrant)
        _bump(activity, card=card)
    return card


def _record(activity: Activity, kind: str, undo: dict, by: User | None) -> None:
    ModerationAction.objects.create(activity=activity, kind=kind, undo=undo, by=by)


@transaction.atomic
def card_edit(*, card: Card, text: str, by: User | None = None) -> Card:
    text = clean_card_text(text)
    _record(
        card.activity, ModerationAction.Kind.EDIT, {"card": str(card.pk), "text": card.text}, by
    )
    card.text = text
    card.save(update_fields=["text"])
    _bump(card.activity)
    return card


@transaction.atomic
def card_set_hidden(*, card: Card, hidden: bool, by: User | None = None) -> Card:
    kind = ModerationAction.Kind.HIDE if hidden else ModerationAction.Kind.RESTORE
    _record(card.activity, kind, {"card": str(card.pk), "hidden": card.hidden}, by)
    card.hidden = hidden
    card.save(update_fields=["hidden"])
    _bump(card.activity)
    return card


@transaction.atomic
def cards_merge(*, into: Card, sources: list[Card], by: User | None = None) -> Card:
    """Merge cards into one: the sources stay, folded under it, and their dots count for it."""
    sources = [s for s in sources if s.pk != into.pk]
    if not sources:
        raise ValidationError("Choose at least one other card to merge.")
    if any(s.activity_id != into.activity_id for s in sources) or into.merged_into_id:
        raise ValidationError("Only cards of the same board can be merged.")
    # Cards already merged into a source follow it into the new card.
    moved = list(Card.objects.filter(merged_into__in=sources).values_list("pk", flat=True))
    undo = {
        "sources": [str(s.pk) for s in sources],
        "moved": [str(pk) for pk in moved],
        "from": {
            str(pk): str(mid)
            for pk, mid in Card.objects.filter(pk__in=moved).values_list("pk", "merged_into")
        },
    }
    Card.objects.filter(pk__in=moved).update(merged_into=into)
    Card.objects.filter(pk__in=[s.pk for s in sources]).update(merged_into=into)
    _record(into.activity, ModerationAction.Kind.MERGE, {"into": str(into.pk), **undo}, by)
    _bump(into.activity)
    return into


@transaction.atomic
def moderation_undo(*, activity: Activity) -> ModerationAction | None:
    """Undo the facilitator's last moderation action on this board (None if there is none)."""
    action = (
        ModerationAction.objects.select_for_update()
        .filter(activity=activity, undone=False)
        .order_by("-at")
        .first()
    )
    if action is None:
        return None
    undo = action.undo
    if action.kind == ModerationAction.Kind.EDIT:
        Card.objects.filter(pk=undo["card"]).update(text=undo["text"])
    elif action.kind in (ModerationAction.Kind.HIDE, ModerationAction.Kind.RESTORE):
        Card.objects.filter(pk=undo["card"]).update(hidden=undo["hidden"])
    elif action.kind == ModerationAction.Kind.MERGE:
        Card.objects.filter(pk__in=undo["sources"]).update(merged_into=None)
        for pk, previous in undo["from"].items():
            Card.objects.filter(pk=pk).update(merged_into=previous)
    action.undone = True
    action.save(update_fields=["undone"])
    _bump(activity)
    return action


def card_set_carry_forward(*, card: Card, carry_forward: bool) -> Card:
    card.carry_forward = carry_forward
    card.save(update_fields=["carry_forward"])
    _bump(card.activity)
    return card


# --- themes ------------------------------------------------------------------------------------


def theme_add(*, activity: Activity, name: str) -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the theme a name."})
    last = activity.themes.order_by("-position").values_list("position", flat=True).first()
    theme = Theme.objects.create(
        activity=activity, name=name[:120], position=0 if last is None else last + 1
    )
    _bump(activity)
    return theme


def theme_rename(*, theme: Theme, name: str) -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the theme a name."})
    theme.name = name[:120]
    theme.save(update_fields=["name"])
    _bump(theme.activity)
    return theme


def theme_delete(*, theme: Theme) -> None:
    """The theme's cards go back to "not grouped yet"."""
    activity = theme.activity
    theme.delete()
    _bump(activity)


def card_set_theme(*, card: Card, theme: Theme | None) -> Card:
    if theme is not None and theme.activity_id != card.activity_id:
        raise ValidationError("That theme belongs to another board.")
    card.theme = theme
    card.save(update_fields=["theme"])
    _bump(card.activity)
    return card


def theme_set_carry_forward(*, theme: Theme, carry_forward: bool) -> Theme:
    theme.carry_forward = carry_forward
    theme.save(update_fields=["carry_forward"])
    _bump(theme.activity)
    return theme


# --- dot voting --------------------------------------------------------------------------------


class VoteRefused(ValidationError):
    pass


def _ballot(activity: Activity, participant: Participant) -> Ballot:
    ballot, _ = Ballot.objects.get_or_create(activity=activity, participant=participant)
    return ballot


def _spend(ballot: Ballot, budget: int) -> int | None:
    """Spend one dot of the ballot if it has one left: the dots now spent, or None. One query,
    UPDATE ... RETURNING: the database applies concurrent spends one at a time, so the budget
    can never be overspent."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    spent = connection.ops.quote_name(Ballot._meta.get_field("spent").column)
    key = connection.ops.quote_name(Ballot._meta.pk.column)
    sql = (
        f"UPDATE {table} SET {spent} = {spent} + 1 "  # noqa: S608
        f"WHERE {key} = %s AND {spent} < %s RETURNING {spent}"
    )
    with statement_cursor() as cursor:
        cursor.execute(sql, [Ballot._meta.pk.get_db_prep_value(ballot.pk, connection), budget])
        row = cursor.fetchone()
    return None if row is None else row[0]


def _target(activity: Activity, card: Card | None, theme: Theme | None) -> dict:
    if activity.vote_on == Activity.VoteOn.THEMES:
        if theme is None or theme.activity_id != activity.pk:
            raise VoteRefused("Vote on one of this board’s themes.")
        return {"theme": theme}
    if card is None or card.activity_id != activity.pk or card.hidden or card.merged_into_id:
        raise VoteRefused("Vote on one of this board’s cards.")
    return {"card": card}


def vote_add(
    *,
    activity: Activity,
    participant: Participant,
    card: Card | None = None,
    theme: Theme | None = None,
    submission_key: str = "",
) -> int:
    """Put one dot on a card or theme; returns the dots left. Safe under concurrent requests.

    Both limits are checked by conditional UPDATEs (`spent < budget`, `count < max`) that the
    database applies one at a time, so simultaneous clicks can never overspend, and a refused
    dot leaves nothing behind. A retried submission (same `submission_key`) spends no second
    dot: it gets the first answer back.
    """
    if (done := _answered(participant, submission_key, SubmissionKey.Kind.VOTE_ADD)) is not None:
        return done.dots_left
    if activity.stage != Activity.Stage.VOTING:
        raise VoteRefused("Voting is not open on this board.")
    if participant.retreat_id != activity.retreat_id:
        raise VoteRefused("You are not part of this retreat.")
    target = _target(activity, card, theme)
    budget = activity.budget()
    ballot = _ballot(activity, participant)
    try:
        with transaction.atomic():
            spent = _spend(ballot, budget)
            if spent is None:
                raise VoteRefused(f"You have used all {budget} of your dots.")
            dot, _ = Dot.objects.get_or_create(ballot=ballot, **target)
            added = Dot.objects.filter(pk=dot.pk, count__lt=activity.max_per_item).update(
                count=F("count") + 1
            )
            if not added:
                # Undo the spend: the whole transaction rolls back.
                raise VoteRefused(f"You can put at most {activity.max_per_item} dots on one item.")
            left = budget - spent
            _remember(
                participant,
                submission_key,
                SubmissionKey.Kind.VOTE_ADD,
                ballot=ballot,
                dots_left=left,
            )
            if activity.votes_live:
                _bump(activity)
    except IntegrityError:
        return _twin(participant, submission_key, SubmissionKey.Kind.VOTE_ADD).dots_left
    return left


def vote_remove(
    *,
    activity: Activity,
    participant: Participant,
    card: Card | None = None,
    theme: Theme | None = None,
    submission_key: str = "",
) -> int:
    """Take one dot back from a card or theme; returns the dots left. Refused when the voter
    has no dot on it, so the answer says nothing happened instead of "0 of your dots". A retried
    submission (same `submission_key`) takes no second dot off."""
    kind = SubmissionKey.Kind.VOTE_REMOVE
    if (done := _answered(participant, submission_key, kind)) is not None:
        return done.dots_left
    if activity.stage != Activity.Stage.VOTING:
        raise VoteRefused("Voting is not open on this board.")
    target = _target(activity, card, theme)
    ballot = _ballot(activity, participant)
    try:
        with transaction.atomic():
            removed = Dot.objects.filter(ballot=ballot, count__gt=0, **target).update(
                count=F("count") - 1
            )
            if not removed:
                raise VoteRefused("There was no dot of yours on this to take back.")
            Ballot.objects.filter(pk=ballot.pk, spent__gt=0).update(spent=F("spent") - 1)
            spent = Ballot.objects.values_list("spent", flat=True).get(pk=ballot.pk)
            left = activity.budget() - spent
            _remember(participant, submission_key, kind, ballot=ballot, dots_left=left)
            if activity.votes_live:
                _bump(activity)
    except IntegrityError:
        return _twin(participant, submission_key, kind).dots_left
    return left


# --- the facilitator's side: the order of a retreat's activities --------------------------------


@transaction.atomic
def activity_move(*, activity: Activity, direction: str) -> bool:
    """Move an activity one place up or down in its retreat (False when it is already first or
    last). Positions are renumbered 0, 1, 2... so that ties left by earlier data cannot stick."""
    siblings = list(
        Activity.objects.select_for_update()
        .filter(retreat_id=activity.retreat_id)
        .order_by("position", "title", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == activity.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Activity.objects.bulk_update(siblings, ["position"])
    activity.position = other
    return True
