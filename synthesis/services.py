"""Writes for synthesis: themes, tagging (one comment or many at once), quotes, and carrying a
theme forward to a retreat board (through retreats.services, so the live board updates) or to
the plan's working copy (through planning.services, as a source of kind "voices")."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import User
from engagements.models import Engagement
from listening.models import Comment

from . import selectors
from .models import QUOTES_MAX, THEME_NAME_MAX, BoardSeed, Quote, Tagging, VoiceTheme

CARD_PREFIX = "Community input: "


# --- themes -------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(
            {"name": "Give the theme a short name, e.g. “Safer walks to school”."}
        )
    if len(name) > THEME_NAME_MAX:
        raise ValidationError(
            {"name": f"Keep the name to {THEME_NAME_MAX} characters: this one has {len(name)}."}
        )
    return name


def theme_find(*, engagement: Engagement, name: str) -> VoiceTheme | None:
    """The engagement's theme of this name, whatever its capitals and spaces."""
    name = " ".join((name or "").split())
    return VoiceTheme.objects.filter(engagement=engagement, name__iexact=name).first()


def theme_create(*, engagement: Engagement, name: str, description: str = "") -> VoiceTheme:
    name = _clean_name(name)
    if theme_find(engagement=engagement, name=name) is not None:
        raise ValidationError({"name": f"There is already a theme called “{name}”."})
    last = VoiceTheme.objects.filter(engagement=engagement).aggregate(last=Max("position"))["last"]
    theme = VoiceTheme(
        engagement=engagement,
        name=name,
        description=(description or "").strip(),
        position=0 if last is None else last + 1,
    )
    theme.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise ValidationError({"name": f"There is already a theme called “{name}”."}) from None
    return theme


def theme_get_or_create(*, engagement: Engagement, name: str) -> VoiceTheme:
    """The theme of this name, made now if there is none (typing a new name tags with it)."""
    found = theme_find(engagement=engagement, name=name)
    return found or theme_create(engagement=engagement, name=name)


def theme_update(*, theme: VoiceTheme, name: str, description: str = "") -> VoiceTheme:
    name = _clean_name(name)
    other = theme_find(engagement=theme.engagement, name=name)
    if other is not None and other.pk != theme.pk:
        raise ValidationError({"name": f"There is already a theme called “{name}”."})
    theme.name = name
    theme.description = (description or "").strip()
    theme.full_clean(validate_unique=False, validate_constraints=False)
    theme.save(update_fields=["name", "description"])
    return theme


def theme_delete(*, theme: VoiceTheme) -> None:
    """Its tags and quotes go; cards it seeded stay on their boards and plan elements keep its
    name and count as their source's words."""
    theme.delete()


# --- tagging ------------------------------------------------------------------------------------


def _own(theme: VoiceTheme, comments: list[Comment]) -> None:
    if any(c.engagement_id != theme.engagement_id for c in comments):
        raise ValidationError("Choose comments and a theme of this engagement.")


def tag(*, theme: VoiceTheme, comments: list[Comment], by: User | None = None) -> int:
    """Tag the comments with the theme; comments already tagged with it stay as they are. Returns
    how many were newly tagged."""
    _own(theme, comments)
    if not comments:
        raise ValidationError("Choose at least one comment.")
    already = set(
        Tagging.objects.filter(theme=theme, comment__in=comments).values_list(
            "comment_id", flat=True
        )
    )
    new = [Tagging(theme=theme, comment=c, tagged_by=by) for c in comments if c.pk not in already]
    Tagging.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def untag(*, theme: VoiceTheme, comments: list[Comment]) -> int:
    """Take the theme off the comments (and off the theme's quotes). Returns how many."""
    _own(theme, comments)
    if not comments:
        raise ValidationError("Choose at least one comment.")
    with transaction.atomic():
        Quote.objects.filter(theme=theme, comment__in=comments).delete()
        removed, _ = Tagging.objects.filter(theme=theme, comment__in=comments).delete()
    return removed


# --- quotes -------------------------------------------------------------------------------------


def quote_add(*, theme: VoiceTheme, comment: Comment) -> Quote:
    if not Tagging.objects.filter(theme=theme, comment=comment).exists():
        raise ValidationError("A quote is one of the comments tagged with this theme.")
    if Quote.objects.filter(theme=theme, comment=comment).exists():
        raise ValidationError("This comment is already one of the theme’s quotes.")
    if Quote.objects.filter(theme=theme).count() >= QUOTES_MAX:
        raise ValidationError(
            f"A theme has at most {QUOTES_MAX} quotes: remove one before choosing another."
        )
    last = Quote.objects.filter(theme=theme).aggregate(last=Max("position"))["last"]
    return Quote.objects.create(
        theme=theme, comment=comment, position=0 if last is None else last + 1
    )


def quote_remove(*, quote: Quote) -> None:
    quote.delete()


@transaction.atomic
def quote_move(*, quote: Quote, by: int) -> bool:
    """Move a quote one place up (by=-1) or down (by=1) among its theme's quotes."""
    quotes = list(Quote.objects.select_for_update().filter(theme_id=quote.theme_id))
    index = next(i for i, q in enumerate(quotes) if q.pk == quote.pk)
    other = index + by
    if not 0 <= other < len(quotes):
        return False
    quotes[index], quotes[other] = quotes[other], quotes[index]
    for position, item in enumerate(quotes):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return True


# --- carrying forward ---------------------------------------------------------------------------


def card_text(count: selectors.ThemeCount) -> str:
    """ "Community input: Safer walks to school — 23 comments (town halls, survey)", within the
    board's 500 characters (the list of sources is dropped first, then the name shortened)."""
    from retreats.services import CARD_MAX

    n = count.total
    head = f"{CARD_PREFIX}{count.theme.name} — {n:,} comment{'s' if n != 1 else ''}"
    where = count.source_words
    text = f"{head} ({where})" if where else head
    if len(text) <= CARD_MAX:
        return text
    return head if len(head) <= CARD_MAX else head[: CARD_MAX - 1] + "…"


def carry_to_board(
    *, theme: VoiceTheme, activity, quadrant: str = "", by: User | None = None
) -> BoardSeed:
    """Seed a card on a board of the engagement's open retreats citing the theme's count."""
    from retreats.services import card_seed

    if activity.retreat.engagement_id != theme.engagement_id:
        raise ValidationError("Choose a board of this engagement’s retreats.")
    count = selectors.counts_for(theme.engagement, [theme])[0]
    if count.total == 0:
        raise ValidationError("Tag some comments with this theme before carrying it to a board.")
    text = card_text(count)
    with transaction.atomic():
        VoiceTheme.objects.select_for_update().filter(pk=theme.pk).first()  # one carry at a time
        already = (
            BoardSeed.objects.filter(
                theme=theme,
                activity=activity,
                card__isnull=False,
                card__hidden=False,
                card__merged_into__isnull=True,
            )
            .select_related("card")
            .first()
        )
        if already is not None:
            raise ValidationError(
                f"“{theme.name}” is already on this board, as the card “{already.card.text}”. "
                "To put it there again with its new count, hide that card on the board first."
            )
        card = card_seed(activity=activity, text=text, quadrant=quadrant)
        return BoardSeed.objects.create(
            theme=theme, activity=activity, card=card, text=text, comments=count.total, by=by
        )


PLAN_KINDS = ("value", "goal", "strategy")


def carry_to_plan(*, theme: VoiceTheme, plan, kind_name: str, goal=None):
    """Make the theme a value, a goal or (under `goal`) a strategy of the plan's working copy,
    its source the theme: kind "voices", the theme's name, and in source_dots the number of
    comments tagged with it now. Refused while a final draft is frozen with the board."""
    from planning.models import Approval
    from planning.services import element_add

    if plan.engagement_id != theme.engagement_id:
        raise ValidationError("Choose a theme of this engagement.")
    if kind_name not in PLAN_KINDS:
        raise ValidationError({"kind": "Choose a value, a goal or a strategy."})
    if Approval.objects.filter(plan=plan, state__in=Approval.ACTIVE).exists():
        raise ValidationError(
            "The final draft is frozen and with the board: add to the plan once the board has "
            "approved it or sent it back."
        )
    total = selectors.comment_count(theme)
    if total == 0:
        raise ValidationError("Tag some comments with this theme before carrying it to the plan.")
    fields = {
        "title": theme.name,
        "source_voice_theme": theme,
        "source_kind": "voices",
        "source_text": theme.name,
        "source_dots": total,
    }
    if kind_name == "strategy":
        if goal is None or goal.plan_id != plan.pk:
            raise ValidationError({"goal": "Choose the goal this strategy serves."})
        return element_add("strategy", goal=goal, **fields)
    return element_add(kind_name, plan=plan, **fields)
