"""The record of a retreat for the minutes of an open meeting: its agenda, each board's cards with
their dots, its themes and results, overall and by stakeholder group, as plain data (the CSV here,
the PDF in reports/ read the same dict). No names of participants; hidden (moderated) cards, cards
merged into another and cards still private are left out; a group with fewer than
RECORD_MIN_GROUP voters is named but its dots are not shown, and when the groups not shown
together had fewer than RECORD_MIN_GROUP voters the whole split by group is left out (the overall
result minus the groups shown would give their dots away).

Two audiences: the public record (`public=True`, the observer link, and the default) shows votes
only when the projector does (the facilitator revealed them, or they are live) and leaves out who
leads each agenda item (free text, which can be a student's or parent's name); the staff record
(the facilitator and the core team, signed in) shows the votes and the leads.

`record_for` runs in a fixed number of queries, whatever the number of boards, cards or dots.
"""

from collections import defaultdict

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from engagements.models import AgendaItem, StakeholderGroup

from .models import Activity, Card, Dot, Retreat, Theme
from .selectors import _ranked

RECORD_MIN_GROUP = 5  # people: smaller groups' votes could single someone out in public
SMALL_GROUP = f"fewer than {RECORD_MIN_GROUP} people voted: not shown"
SPLIT_HIDDEN = (
    "Results by group are not shown: some groups had fewer than "
    f"{RECORD_MIN_GROUP} people, and their votes could be worked out from the others."
)
QUADRANTS = dict(Card.Quadrant.choices)


def retreat_for_observer(token: str) -> Retreat | None:
    """The public meeting this observer link opens, or None (unknown, renewed or turned off)."""
    if not token or len(token) > 64:
        return None
    return (
        Retreat.objects.select_related("engagement__organization", "meeting", "phase")
        .filter(observer_token=token, is_public_meeting=True)
        .first()
    )


def _private(activity: Activity) -> bool:
    return (
        activity.private_until_revealed
        and not activity.cards_revealed
        and activity.stage == Activity.Stage.COLLECTING
    )


def _votes_shown(activity: Activity, *, public: bool) -> bool:
    """The public sees the votes when the projector shows them (retreats.selectors.board_for):
    revealed by the facilitator or live; reaching the results stage reveals them, and the
    facilitator may hide them again. Staff see them always, like the facilitator's console."""
    return not public or activity.votes_revealed or activity.votes_live


def _lines(lines) -> list[dict]:
    return [
        {"rank": line.rank, "label": line.label, "dots": line.dots, "people": line.voters}
        for line in lines
        if line.dots
    ]


def _meeting(retreat: Retreat) -> dict | None:
    meeting = retreat.meeting
    if meeting is None:
        return None
    return {
        "title": meeting.title,
        "on": date_format(timezone.localtime(meeting.starts_at), "l, F j, Y, g:i A"),
        "place": meeting.place,
    }


def record_for(retreat: Retreat, *, public: bool = True) -> dict:
    """The retreat's record as JSON-ready data. `retreat` comes with its meeting and phase.
    `public`: for anyone (the observer link), else for the signed-in facilitator and core team."""
    activities = list(retreat.activities.order_by("position", "title", "pk"))
    ids = [activity.pk for activity in activities]
    cards = defaultdict(list)
    for card in (
        Card.objects.filter(activity_id__in=ids, merged_into__isnull=True, hidden=False)
        .select_related("theme")
        .order_by("created_at", "pk")
    ):
        cards[card.activity_id].append(card)
    themes = defaultdict(list)
    for theme in Theme.objects.filter(activity_id__in=ids).order_by("position", "name"):
        themes[theme.activity_id].append(theme)
    rows = defaultdict(list)
    for activity_id, *row in Dot.objects.filter(
        ballot__activity_id__in=ids, count__gt=0
    ).values_list(
        "ballot__activity_id",
        "card_id",
        "theme_id",
        "card__merged_into_id",
        "ballot__participant_id",
        "ballot__participant__stakeholder_group_id",
        "count",
    ):
        rows[activity_id].append(row)
    groups = {g.pk: g for g in StakeholderGroup.objects.filter(engagement_id=retreat.engagement_id)}
    agenda = []
    if retreat.meeting_id:
        agenda = [
            {"title": item.title, "minutes": item.minutes, "lead": "" if public else item.lead}
            for item in AgendaItem.objects.filter(meeting_id=retreat.meeting_id).order_by(
                "position", "pk"
            )
        ]
    took_part = retreat.participants.aggregate(n=Count("pk"))["n"]
    return {
        "title": retreat.title,
        "public": public,
        "phase": retreat.phase.name,
        "meeting": _meeting(retreat),
        "agenda": agenda,
        "took_part": took_part,
        "boards": [
            _board(
                activity, cards[activity.pk], themes[activity.pk], rows[activity.pk], groups, public
            )
            for activity in activities
        ],
    }


def _board(
    activity: Activity, cards: list, themes: list, rows: list, groups: dict, public: bool
) -> dict:
    on_themes = activity.vote_on == Activity.VoteOn.THEMES
    items = {t.pk: t for t in themes} if on_themes else {c.pk: c for c in cards}
    # (card, theme, merged into, participant, group, count) → the shape _ranked reads
    ranked_rows = [(t if on_themes else c, m, p, g, n) for c, t, m, p, g, n in rows]
    results = _ranked(activity, items, ranked_rows, groups, min_voters=RECORD_MIN_GROUP)
    shown = _votes_shown(activity, public=public)
    dots = {line.item.pk: line.dots for line in results.lines} if shown else {}
    private = _private(activity)
    per_theme = defaultdict(int)
    for card in cards:
        per_theme[card.theme_id] += 1
    board = {
        "title": activity.title,
        "kind": activity.get_kind_display(),
        "prompt": activity.prompt if activity.prompt != activity.title else "",
        "stage": activity.get_stage_display(),
        "is_swot": activity.kind == Activity.Kind.SWOT,
        "vote_on": "themes" if on_themes else "cards",
        "votes_shown": shown,
        "private": private,
        "card_count": len(cards),
        "cards": []
        if private
        else [
            {
                "text": card.text,
                "quadrant": QUADRANTS.get(card.quadrant, ""),
                "theme": card.theme.name if card.theme else "",
                "dots": None if on_themes or not shown else dots.get(card.pk, 0),
            }
            for card in cards
        ],
        "themes": [
            {
                "name": theme.name,
                "cards": 0 if private else per_theme.get(theme.pk, 0),
                "dots": dots.get(theme.pk, 0) if on_themes and shown else None,
            }
            for theme in themes
        ],
        "results": None,
    }
    if shown:
        # Each voter is in one group: the groups not shown hold whoever the shown ones do not.
        unshown = results.voters - sum(group.voters for group in results.groups)
        split = not results.hidden_names or unshown >= RECORD_MIN_GROUP
        board["results"] = {
            "voters": results.voters,
            "lines": _lines(results.lines),
            "split_hidden": not split,
            "groups": [
                {"name": group.name, "voters": group.voters, "lines": _lines(group.lines)}
                for group in results.groups
            ]
            if split
            else [],
            "small_groups": results.hidden_names if split else [],
        }
    return board


# --- the CSV -------------------------------------------------------------------------------------

CSV_HEADER = [
    "part",
    "board",
    "quadrant",
    "theme",
    "text",
    "dots",
    "people",
    "rank",
    "stakeholder group",
    "note",
]


def record_rows(record: dict) -> list[list]:
    """The record as one table, a row per agenda item, card, theme and result line."""
    rows: list[list] = []

    def add(part, board="", quadrant="", theme="", text="", dots="", people="", rank="", **more):
        rows.append(
            [part, board, quadrant, theme, text, dots, people, rank, more.get("group", "")]
            + [more.get("note", "")]
        )

    for item in record["agenda"]:
        lead = item.get("lead")
        note = f"{item['minutes']} minutes" + (f"; led by {lead}" if lead else "")
        add("Agenda", text=item["title"], note=note)
    for board in record["boards"]:
        title = board["title"]
        if board["private"]:
            add("Card", title, note=f"{board['card_count']} cards, not revealed yet")
        for card in board["cards"]:
            dots = "" if card["dots"] is None else card["dots"]
            add("Card", title, card["quadrant"], card["theme"], card["text"], dots)
        for theme in board["themes"]:
            dots = "" if theme["dots"] is None else theme["dots"]
            add("Theme", title, text=theme["name"], dots=dots, note=f"{theme['cards']} cards")
        results = board["results"]
        if results is None:
            if board["card_count"]:
                add("Result", title, note="The votes are not revealed yet.")
            continue
        for line in results["lines"]:
            add("Result", title, text=line["label"], dots=line["dots"], people=line["people"],
                rank=line["rank"])  # fmt: skip
        if results.get("split_hidden"):
            add("Result by group", title, note=SPLIT_HIDDEN)
        for group in results["groups"]:
            for line in group["lines"]:
                add("Result by group", title, text=line["label"], dots=line["dots"],
                    people=line["people"], rank=line["rank"], group=group["name"])  # fmt: skip
        for name in results["small_groups"]:
            add("Result by group", title, group=name, note=SMALL_GROUP)
    return rows
