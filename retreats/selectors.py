"""Reads for live retreats: what each viewer sees on a board, results, and who is in the room.

Every function here runs in a fixed number of queries, whatever the number of cards or votes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum

from engagements.models import StakeholderGroup

from .models import Activity, Ballot, Card, Dot, Participant, Retreat, Theme

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
        .annotate(source_count=Count("merged_sources", distinct=True))
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
    rows = Dot.objects.filter(ballot__activity=activity, count__gt=0).values_list(
        "theme_id" if on_themes else "card_id",
        "card__merged_into_id",
        "ballot__participant_id",
        "ballot__participant__stakeholder_group_id",
        "count",
    )
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
        return [
            ResultLine(
                item=item,
                label=_label(item),
                dots=totals.get(item.pk, 0),
                voters=len(voters.get(item.pk, ())),
                percent=round(100 * totals.get(item.pk, 0) / top) if top else 0,
            )
            for item in ranked
        ]

    groups_by_id = {
        g.pk: g for g in StakeholderGroup.objects.filter(pk__in=[g for g in by_group if g])
    }
    groups, hidden = [], 0
    for group_id, voters in sorted(
        group_voters.items(), key=lambda kv: groups_by_id[kv[0]].position if kv[0] else 999
    ):
        if len(voters) < MIN_GROUP_VOTERS:
            hidden += 1
            continue
        group = groups_by_id.get(group_id)
        groups.append(
            GroupResult(
                group=group,
                name=group.name if group else "No group given",
                voters=len(voters),
                lines=lines_for(by_group[group_id], group_item_voters[group_id]),
            )
        )
    return Results(
        activity=activity,
        lines=lines_for(overall, overall_voters),
        groups=groups,
        hidden_groups=hidden,
        voters=len(all_voters),
    )


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


def participants_for(retreat: Retreat) -> list[Participant]:
    return list(
        retreat.participants.select_related("stakeholder_group")
        .annotate(cards=Count("cards", filter=Q(cards__hidden=False)))
        .order_by("display_name")
    )
