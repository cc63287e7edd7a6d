"""Reads for live retreats: what each viewer sees on a board, results, and who is in the room.

Every function here runs in a fixed number of queries, whatever the number of cards or votes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.template.defaultfilters import pluralize
from django.utils.text import Truncator

from engagements.models import StakeholderGroup
from evidence.models import DataPackItem, Indicator

from .models import Activity, Ballot, Card, Dot, ModerationAction, Participant, Retreat, Theme

MIN_GROUP_VOTERS = 3  # results split by group hide groups with fewer voters than this


def activity_version(activity_id) -> int | None:
    """The number watchers poll: one primary-key lookup."""
    return Activity.objects.filter(pk=activity_id).values_list("version", flat=True).first()


@dataclass
class Board:
    activity: Activity
    cards: list[Card]
    themes: list[Theme]
    ungrouped: list[Card]
    quadrants: dict[str, list[Card]]
    counts: dict[str, int]
    totals: dict  # item id -> dots, when the viewer may see them
    my_dots: dict  # item id -> this participant's dots
    dots_left: int | None
    show_votes: bool
    hidden_count: int = 0
    hidden_cards: list[Card] = field(default_factory=list)


def board_for(
    activity: Activity, *, participant: Participant | None, moderator: bool = False
) -> Board:
    """The board as this viewer may see it.

    While collecting with "private until revealed", a participant sees only their own cards; the
    facilitator (moderator) and the projector after reveal see everyone's. Hidden cards and cards
    merged into another are left out, except for the moderator's list of hidden cards.
    """
    visible = Card.objects.filter(activity=activity, merged_into__isnull=True)
    private = (
        activity.private_until_revealed
        and not activity.cards_revealed
        and activity.stage == Activity.Stage.COLLECTING
    )
    if private and not moderator:
        visible = visible.filter(author=participant) if participant else visible.none()
    cards = list(
        visible.select_related("author__stakeholder_group", "theme")
        .annotate(
            source_count=Count("merged_sources", distinct=True),
            evidence_name=F("evidence__name"),  # a SWOT card's cited indicator, in the same query
        )
        .order_by("created_at")
    )
    shown = [c for c in cards if not c.hidden]
    hidden = [c for c in cards if c.hidden] if moderator else []
    themes = list(activity.themes.order_by("position", "name"))
    by_theme = defaultdict(list)
    for card in shown:
        by_theme[card.theme_id].append(card)
    for theme in themes:
        theme.board_cards = by_theme.get(theme.pk, [])
    quadrants = {q: [c for c in shown if c.quadrant == q] for q in Card.Quadrant.values}
    counts = {q: len(items) for q, items in quadrants.items()}
    show_votes = moderator or activity.votes_revealed or activity.votes_live
    totals = _totals(activity) if show_votes else {}
    my_dots, dots_left = {}, None
    if participant is not None:
        ballot = Ballot.objects.filter(activity=activity, participant=participant).first()
        spent = ballot.spent if ballot else 0
        dots_left = activity.budget() - spent
        if ballot:
            for dot in ballot.dots.filter(count__gt=0):
                my_dots[dot.card_id or dot.theme_id] = dot.count
    return Board(
        activity=activity,
        cards=shown,
        themes=themes,
        ungrouped=by_theme.get(None, []),
        quadrants=quadrants,
        counts=counts,
        totals=totals,
        my_dots=my_dots,
        dots_left=dots_left,
        show_votes=show_votes,
        hidden_count=len(hidden),
        hidden_cards=hidden,
    )


def _totals(activity: Activity) -> dict:
    """Dots per card (a card merged into another adds its dots to it) or per theme."""
    dots = Dot.objects.filter(ballot__activity=activity, count__gt=0)
    totals: dict = defaultdict(int)
    if activity.vote_on == Activity.VoteOn.THEMES:
        for theme_id, total in dots.values_list("theme_id").annotate(total=Sum("count")):
            totals[theme_id] += total
        return dict(totals)
    rows = dots.values_list("card_id", "card__merged_into_id").annotate(total=Sum("count"))
    for card_id, merged_into_id, total in rows:
        totals[merged_into_id or card_id] += total
    return dict(totals)


@dataclass
class ResultLine:
    item: Card | Theme
    label: str
    dots: int
    voters: int
    percent: int  # of the top item's dots, for the bar
    rank: int = 1  # items with as many dots share a rank: 1, 2, 2, 4


@dataclass
class GroupResult:
    group: StakeholderGroup | None
    name: str
    voters: int
    lines: list[ResultLine]


@dataclass
class Results:
    activity: Activity
    lines: list[ResultLine]
    groups: list[GroupResult]
    hidden_groups: int
    voters: int
    hidden_names: list[str] = field(default_factory=list)


def results_for(activity: Activity) -> Results:
    """Items ranked by dots, with a bar each, and the same split by stakeholder group.

    Groups with fewer than MIN_GROUP_VOTERS voters are left out of the split (counted in
    `hidden_groups`), so nobody's votes can be singled out.
    """
    on_themes = activity.vote_on == Activity.VoteOn.THEMES
    if on_themes:
        items = {t.pk: t for t in activity.themes.all()}
    else:
        items = {
            c.pk: c
            for c in Card.objects.filter(activity=activity, merged_into__isnull=True, hidden=False)
        }
    rows = list(
        Dot.objects.filter(ballot__activity=activity, count__gt=0).values_list(
            "theme_id" if on_themes else "card_id",
            "card__merged_into_id",
            "ballot__participant_id",
            "ballot__participant__stakeholder_group_id",
            "count",
        )
    )
    group_ids = {row[3] for row in rows if row[3]}
    groups_by_id = {g.pk: g for g in StakeholderGroup.objects.filter(pk__in=group_ids)}
    return _ranked(activity, items, rows, groups_by_id, min_voters=MIN_GROUP_VOTERS)


def _ranked(
    activity: Activity, items: dict, rows, groups_by_id: dict, *, min_voters: int
) -> Results:
    """The results from the board's items and its dots as rows of (item, merged into,
    participant, stakeholder group, count); groups with fewer than `min_voters` voters are
    left out of the split, their names kept in `hidden_names`."""
    on_themes = activity.vote_on == Activity.VoteOn.THEMES
    overall: dict = defaultdict(int)
    overall_voters: dict = defaultdict(set)
    by_group: dict = defaultdict(lambda: defaultdict(int))
    group_item_voters: dict = defaultdict(lambda: defaultdict(set))
    group_voters: dict = defaultdict(set)
    all_voters = set()
    for item_id, merged_into_id, participant_id, group_id, count in rows:
        key = item_id if on_themes else (merged_into_id or item_id)
        if key not in items:
            continue
        overall[key] += count
        overall_voters[key].add(participant_id)
        by_group[group_id][key] += count
        group_item_voters[group_id][key].add(participant_id)
        group_voters[group_id].add(participant_id)
        all_voters.add(participant_id)

    def lines_for(totals, voters) -> list[ResultLine]:
        top = max(totals.values(), default=0)
        ranked = sorted(items.values(), key=lambda i: (-totals.get(i.pk, 0), _label(i)))
        ranks = competition_ranks([totals.get(item.pk, 0) for item in ranked])
        return [
            ResultLine(
                item=item,
                label=_label(item),
                dots=totals.get(item.pk, 0),
                voters=len(voters.get(item.pk, ())),
                percent=round(100 * totals.get(item.pk, 0) / top) if top else 0,
                rank=rank,
            )
            for item, rank in zip(ranked, ranks, strict=True)
        ]

    groups, hidden_names = [], []
    for group_id, voters in sorted(
        group_voters.items(), key=lambda kv: groups_by_id[kv[0]].position if kv[0] else 999
    ):
        group = groups_by_id.get(group_id)
        name = group.name if group else "No group given"
        if len(voters) < min_voters:
            hidden_names.append(name)
            continue
        groups.append(
            GroupResult(
                group=group,
                name=name,
                voters=len(voters),
                lines=lines_for(by_group[group_id], group_item_voters[group_id]),
            )
        )
    return Results(
        activity=activity,
        lines=lines_for(overall, overall_voters),
        groups=groups,
        hidden_groups=len(hidden_names),
        voters=len(all_voters),
        hidden_names=hidden_names,
    )


def competition_ranks(dots: list[int]) -> list[int]:
    """Ranks for counts sorted from most to fewest, ties sharing one: [5, 3, 3, 1] → [1, 2, 2, 4].
    The page, the projector and the CSV all show these."""
    ranks: list[int] = []
    for index, count in enumerate(dots):
        ranks.append(ranks[-1] if index and dots[index - 1] == count else index + 1)
    return ranks


def _label(item: Card | Theme) -> str:
    return item.name if isinstance(item, Theme) else item.text


@dataclass
class RoomLine:
    group: StakeholderGroup | None
    name: str
    present: int
    seats: int

    @property
    def missing(self) -> bool:
        return self.seats > 0 and self.present == 0


def room_for(retreat: Retreat) -> list[RoomLine]:
    """Participants present per stakeholder group against the roster's seats."""
    present = dict(retreat.participants.values_list("stakeholder_group_id").annotate(n=Count("pk")))
    lines = [
        RoomLine(group=g, name=g.name, present=present.get(g.pk, 0), seats=g.quota)
        for g in StakeholderGroup.objects.filter(engagement_id=retreat.engagement_id).order_by(
            "position", "name"
        )
    ]
    if present.get(None):
        lines.append(RoomLine(group=None, name="No group", present=present[None], seats=0))
    return lines


def retreats_for(engagement) -> list[Retreat]:
    return list(
        engagement.retreats.select_related("phase")
        .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by("position")))
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-created_at")
    )


def open_retreats_for(user) -> list[Retreat]:
    """The retreats open now in the user's engagements, for the home page's Join buttons; each
    says whether the user has `joined` it already. One query."""
    joined = Participant.objects.filter(retreat=OuterRef("pk"), membership__user=user)
    return list(
        Retreat.objects.filter(is_open=True, engagement__memberships__user=user)
        .select_related("engagement", "phase")
        .annotate(joined=Exists(joined))
        .order_by("engagement__name", "-created_at")
    )


def retreat_ids_joined_by(membership) -> set:
    """The retreats this member has joined: the engagement page offers to join the others."""
    return set(
        Participant.objects.filter(membership=membership).values_list("retreat_id", flat=True)
    )


def participants_for(retreat: Retreat) -> list[Participant]:
    return list(
        retreat.participants.select_related("stakeholder_group")
        .annotate(card_count=Count("cards", filter=Q(cards__hidden=False)))
        .order_by("display_name")
    )


# --- joining, the participant's board and the projector -----------------------------------------

# Seed 002's guiding questions, shown above each quadrant of a SWOT board.
SWOT_GUIDING_QUESTIONS: dict[str, tuple[str, ...]] = {
    Card.Quadrant.STRENGTHS: (
        "What do we consider to be our strengths?",
        "What advantages do we have?",
        "What do others say our strengths are?",
    ),
    Card.Quadrant.WEAKNESSES: (
        "What do we consider to be our weaknesses?",
        "What are we most criticized for or receive the most complaints about?",
        "What do we seem to have a hard time doing well?",
    ),
    Card.Quadrant.OPPORTUNITIES: (
        "What opportunities for improvement do we know about but have not addressed?",
        "Where with a little work could we change a weakness into a strength?",
    ),
    Card.Quadrant.THREATS: (
        "Who or what threatens us the most?",
        "What challenges are coming that we must respond to?",
        "What might block our progress?",
    ),
}


def open_retreat_for_code(code: str) -> Retreat | None:
    """The retreat open for joining with this (already normalized) join code, or None."""
    if not code:
        return None
    return (
        Retreat.objects.select_related("engagement__organization")
        .filter(join_code=code, is_open=True)
        .first()
    )


def current_activity_for(retreat: Retreat, *, whole: bool = False) -> Activity | None:
    """The board the room is on: the first one not yet at its results, else the last one.
    One query; `whole` loads every field (the observer page shows the board)."""
    activities = retreat.activities.order_by("position", "title", "pk")
    activities = list(activities if whole else activities.only("pk", "stage"))
    for activity in activities:
        if activity.stage != Activity.Stage.RESULTS:
            return activity
    return activities[-1] if activities else None


def card_counts_for(activity: Activity) -> dict[str, int]:
    """Cards on the board per quadrant ("" for a brainstorm), private ones included: the projector
    shows how many ideas are in while their words stay hidden. One query."""
    rows = (
        Card.objects.filter(activity=activity, merged_into__isnull=True, hidden=False)
        .values_list("quadrant")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def vote_target(activity: Activity, item_id) -> tuple[Card | None, Theme | None]:
    """The card or theme of this board that a dot goes on (None, None when there is none)."""
    if activity.vote_on == Activity.VoteOn.THEMES:
        return None, Theme.objects.filter(activity=activity, pk=item_id).first()
    return Card.objects.filter(activity=activity, pk=item_id).first(), None


def own_card_ids(activity: Activity, participant: Participant | None) -> list[str]:
    """The ids of the viewer's own cards on a board: their page marks these when a card comes by
    its event (the shared markup never says who wrote a card)."""
    if participant is None:
        return []
    found = Card.objects.filter(activity=activity, author=participant).values_list("pk", flat=True)
    return [str(pk) for pk in found]


def dots_spent(activity: Activity, participant: Participant) -> int:
    """How many of their dots this participant has on the board."""
    spent = Ballot.objects.filter(activity=activity, participant=participant)
    return spent.values_list("spent", flat=True).first() or 0


def dots_on(activity: Activity, participant: Participant, *, card=None, theme=None) -> int:
    """How many of this participant's dots are on one card or theme."""
    target = {"theme": theme} if theme is not None else {"card": card}
    found = (
        Dot.objects.filter(ballot__activity=activity, ballot__participant=participant, **target)
        .values_list("count", flat=True)
        .first()
    )
    return found or 0


# --- the facilitator's side: the console, undo, kept results ------------------------------------


def console_stamp(activity_id) -> str:
    """What the console polls: the activity's version and how many have joined the retreat (joining
    does not move the version, yet the console lists who is in the room). One query."""
    row = (
        Activity.objects.filter(pk=activity_id)
        .annotate(joined=Count("retreat__participants"))
        .values_list("version", "joined")
        .first()
    )
    return "" if row is None else f"{row[0]}.{row[1]}"


@dataclass
class UndoHint:
    action: ModerationAction
    label: str  # what the undo button will do, in words


def last_moderation_for(activity: Activity) -> UndoHint | None:
    """The action `services.moderation_undo` would undo next, described for its button."""
    action = (
        ModerationAction.objects.filter(activity=activity, undone=False).order_by("-at").first()
    )
    if action is None:
        return None
    undo = action.undo
    if action.kind == ModerationAction.Kind.EDIT:
        return UndoHint(action, f"Undo the edit: put back “{_short(undo['text'])}”")
    card_id = undo.get("card") or undo.get("into")
    text = _short(Card.objects.filter(pk=card_id).values_list("text", flat=True).first() or "")
    if action.kind == ModerationAction.Kind.HIDE:
        return UndoHint(action, f"Undo hiding “{text}”")
    if action.kind == ModerationAction.Kind.RESTORE:
        return UndoHint(action, f"Undo restoring “{text}”")
    count = len(undo.get("sources", []))
    return UndoHint(action, f"Undo merging {count} card{pluralize(count)} into “{text}”")


def _short(text: str) -> str:
    return Truncator(text).chars(60)


@dataclass
class QuadrantView:
    code: str
    label: str
    cards: list[Card]


@dataclass
class Console:
    """Everything the facilitator's console shows for one activity, in a fixed number of queries."""

    stamp: str
    board: Board
    quadrants: list[QuadrantView]
    participants: list[Participant]
    room: list[RoomLine]
    undo: UndoHint | None
    voters: int
    dots: int

    @property
    def missing(self) -> list[RoomLine]:
        return [line for line in self.room if line.missing]


def console_for(activity: Activity) -> Console:
    """The board as the facilitator sees it (every card, hidden ones apart), with each card's
    merged sources and dots, who has joined, the room's make-up and what undo would do."""
    stamp = console_stamp(activity.pk)  # first: a change while we read shows at the next poll
    board = board_for(activity, participant=None, moderator=True)
    sources = defaultdict(list)
    for source in Card.objects.filter(activity=activity, merged_into__isnull=False).order_by(
        "created_at"
    ):
        sources[source.merged_into_id].append(source)
    for card in [*board.cards, *board.hidden_cards]:
        card.sources = sources.get(card.pk, [])
        card.total_dots = board.totals.get(card.pk, 0)
    for theme in board.themes:
        theme.total_dots = board.totals.get(theme.pk, 0)
    quadrants = [
        QuadrantView(code=code, label=label, cards=board.quadrants[code])
        for code, label in Card.Quadrant.choices
    ]
    return Console(
        stamp=stamp,
        board=board,
        quadrants=quadrants,
        participants=participants_for(activity.retreat),
        room=room_for(activity.retreat),
        undo=last_moderation_for(activity),
        voters=Ballot.objects.filter(activity=activity, spent__gt=0).count(),
        dots=sum(board.totals.values()),
    )


@dataclass
class KeptItem:
    label: str
    dots: int


@dataclass
class KeptResult:
    """A finished activity as the engagement page keeps it: its top items and what the
    facilitator marked to carry forward into the plan."""

    activity: Activity
    top: list[KeptItem]
    carried: list[str]


def kept_results_for(retreats: list[Retreat], *, top: int = 3) -> list[KeptResult]:
    """The finished activities (stage "results") of these retreats, whose activities are
    prefetched as `retreats_for` does: three queries, whatever their number."""
    finished = [
        activity
        for retreat in retreats
        for activity in retreat.activities.all()
        if activity.stage == Activity.Stage.RESULTS
    ]
    if not finished:
        return []
    ids = [activity.pk for activity in finished]
    on_themes = {a.pk for a in finished if a.vote_on == Activity.VoteOn.THEMES}
    totals: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        Dot.objects.filter(ballot__activity_id__in=ids, count__gt=0)
        .values_list("ballot__activity_id", "card_id", "card__merged_into_id", "theme_id")
        .annotate(total=Sum("count"))
    )
    for activity_id, card_id, merged_into_id, theme_id, total in rows:
        key = theme_id if activity_id in on_themes else (merged_into_id or card_id)
        totals[activity_id][key] += total
    voted = {key for per_activity in totals.values() for key in per_activity}
    cards = Card.objects.filter(
        Q(pk__in=voted) | Q(carry_forward=True),
        activity_id__in=ids,
        merged_into__isnull=True,
        hidden=False,
    )
    themes = Theme.objects.filter(Q(pk__in=voted) | Q(carry_forward=True), activity_id__in=ids)
    items: dict = defaultdict(list)
    for item in [*cards, *themes]:
        items[item.activity_id].append(item)
    kept = []
    for activity in finished:
        own = items[activity.pk]
        counted = [
            item
            for item in own
            if isinstance(item, Theme) == (activity.pk in on_themes)
            and totals[activity.pk].get(item.pk)
        ]
        counted.sort(key=lambda i: (-totals[activity.pk][i.pk], _label(i)))
        kept.append(
            KeptResult(
                activity=activity,
                top=[KeptItem(_label(i), totals[activity.pk][i.pk]) for i in counted[:top]],
                carried=sorted(_label(i) for i in own if i.carry_forward),
            )
        )
    return kept


@dataclass
class DataOnProjector:
    """What the console offers to show beside a SWOT board: its engagement's data packs' indicators
    (pack, [items]) in order, and the one shown now."""

    packs: list
    shown: object  # the Indicator shown, or None


def data_on_projector(activity: Activity) -> DataOnProjector | None:
    """None unless the board is a SWOT board (one query then, two when one is shown)."""
    if activity.kind != Activity.Kind.SWOT:
        return None
    items = (
        DataPackItem.objects.filter(pack__engagement__retreats=activity.retreat_id)
        .select_related("pack", "indicator")
        .only("pack__title", "pack__created_at", "indicator__name", "position")
        .order_by("pack__created_at", "pack_id", "position")
    )
    packs: dict = {}
    shown = None
    for item in items:
        packs.setdefault(item.pack, []).append(item)
        if item.indicator_id == activity.shown_indicator_id:
            shown = item.indicator
    if activity.shown_indicator_id and shown is None:
        shown = Indicator.objects.filter(pk=activity.shown_indicator_id).only("name").first()
    return DataOnProjector(packs=list(packs.items()), shown=shown)
