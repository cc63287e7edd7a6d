"""Synthesis pages: the themes with their counts (every member), the tagging page (the team:
facilitator and core team), a theme's page with its quotes and where it was carried. Comments
show their words, source and group, never a name."""

import csv
import io
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagements.access import Access, Can, access_engagement, access_object, members_only
from engagements.csv_files import spreadsheet_safe
from engagements.views.confirm import confirm_page
from listening.models import Comment
from listening.selectors import groups_for

from . import charts, selectors, services
from .forms import BoardForm, FilterForm, PlanForm, ThemeForm
from .models import QUOTES_MAX, Quote, VoiceTheme

FILTER_KEYS = ("source", "session", "survey", "group", "theme", "untagged", "q", "page")


def _theme(request, engagement_id, theme_id, need=Can.VIEW) -> tuple[Access, VoiceTheme]:
    return access_object(request, engagement_id, VoiceTheme.objects.all(), theme_id, need=need)


def _back(request) -> str:
    """The tagging page's query (filters and page) the form came from, kept as it was."""
    given = QueryDict(request.POST.get("back", ""))
    kept = {key: given.get(key) for key in FILTER_KEYS if given.get(key)}
    return urlencode(kept)


def _tagging_url(engagement_id, query: str = "", anchor: str = "") -> str:
    url = reverse("synthesis:tagging", args=[engagement_id])
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


# --- the themes and their counts ---------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """The themes with their counts (a chart and its table); the team adds a theme here."""
    need = Can.SYNTHESIZE if request.method == "POST" else Can.VIEW
    access = access_engagement(request, engagement_id, need=need)
    form = ThemeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                theme = services.theme_create(engagement=access.engagement, **form.cleaned_data)
            except ValidationError as refusal:
                for message in refusal.message_dict.get("name", refusal.messages):
                    form.add_error("name", message)
            else:
                messages.success(request, f"Theme “{theme.name}” added.")
                return redirect("synthesis:overview", access.engagement.pk)
        status = 400
    counts = selectors.counts_for(access.engagement)
    context = {
        "engagement": access.engagement,
        "counts": counts,
        "chart": charts.bar_chart(counts),
        "sources": selectors.source_columns(),
        "totals": selectors.totals_for(access.engagement),
        "form": form,
        "can_tag": access.can(Can.SYNTHESIZE),
        "fewer": selectors.FEWER,
        "any_held": any(count.held for count in counts),
        "not_shown": selectors.GROUP_NOT_SHOWN_COLUMN,
    }
    return TemplateResponse(request, "synthesis/overview.html", context, status=status)


def _comments(n: int) -> str:
    return "1 comment" if n == 1 else f"{n:,} comments"


def counts_csv_text(counts: list[selectors.ThemeCount]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    groups = counts[0].groups if counts else []
    sources = selectors.source_columns()
    any_held = any(count.held for count in counts)
    writer.writerow(
        ["Theme", "Description", "Comments"]
        + [spreadsheet_safe(g.name) for g in groups]
        + ([selectors.GROUP_NOT_SHOWN_COLUMN] if any_held else [])
        + [label for _, label in sources]
    )
    for count in counts:
        by_group = (
            [g.text for g in count.groups]
            if count.groups_shown
            else [f"{selectors.FEWER} people in all: not shown by group"] * len(count.groups)
        )
        writer.writerow(
            [spreadsheet_safe(count.theme.name), spreadsheet_safe(count.theme.description)]
            + [count.total]
            + by_group
            + ([count.held] if any_held else [])
            + [cell.count for cell in count.sources]
        )
    return out.getvalue()


@members_only
@require_GET
def counts_csv(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    text = counts_csv_text(selectors.counts_for(access.engagement))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = slugify(access.engagement.name)[:60] or "engagement"
    response["Content-Disposition"] = f'attachment; filename="{name}-themes.csv"'
    return response


# --- tagging -------------------------------------------------------------------------------------


def _tagging_context(request, access, *, bulk_errors=None, chosen=()):
    engagement = access.engagement
    themes = selectors.themes_for(engagement)
    filter_form = FilterForm(
        request.GET or None,
        sessions=selectors.sessions_of(engagement),
        surveys=selectors.surveys_of(engagement),
        groups=groups_for(engagement.pk),
        themes=themes,
    )
    filters = filter_form.filters()
    page = selectors.comment_page(engagement, filters, request.GET.get("page") or 1)
    rows = [(comment, selectors.themes_of(comment)) for comment in page.object_list]
    query = {k: v for k, v in request.GET.items() if k in FILTER_KEYS and v}
    without_page = {k: v for k, v in query.items() if k != "page"}
    return {
        "engagement": engagement,
        "filter_form": filter_form,
        "filtered": bool(without_page),
        "page": page,
        "rows": rows,
        "themes": themes,
        "back": urlencode(query),
        "page_query": urlencode(without_page),
        "bulk_errors": bulk_errors or {},
        "chosen": {str(c) for c in chosen},
        "typed": request.POST.get("theme_name", "") if request.method == "POST" else "",
        "totals": selectors.totals_for(engagement),
    }


@members_only
@require_http_methods(["GET", "POST"])
def tagging(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """The engagement's comments, filtered and 50 to a page, each with its themes. POST: tag or
    untag the chosen comments at once."""
    access = access_engagement(request, engagement_id, need=Can.SYNTHESIZE)
    if request.method == "GET":
        return TemplateResponse(
            request, "synthesis/tagging.html", _tagging_context(request, access)
        )
    chosen = request.POST.getlist("comments")
    errors: dict[str, str] = {}
    ids = []
    for value in chosen:
        try:
            ids.append(UUID(value))
        except ValueError:
            continue
    comments = list(Comment.objects.filter(engagement=access.engagement, pk__in=ids))
    if not comments:
        errors["comments"] = "Tick the comments first (the box at the start of each row)."
    action = request.POST.get("action")
    name = request.POST.get("theme_name", "").strip()
    theme = None
    if not name:
        errors["theme"] = "Type or choose the theme."
    elif action == "untag":
        theme = services.theme_find(engagement=access.engagement, name=name)
        if theme is None:
            errors["theme"] = f"There is no theme called “{name}”."
    if not errors:
        try:
            if action == "untag":
                done = services.untag(theme=theme, comments=comments)
                messages.success(request, f"“{theme.name}” taken off {_comments(done)}.")
            else:
                theme = services.theme_get_or_create(engagement=access.engagement, name=name)
                done = services.tag(theme=theme, comments=comments, by=request.user)
                messages.success(
                    request,
                    f"{_comments(len(comments))} tagged “{theme.name}”"
                    + (
                        f" ({len(comments) - done} had it already)."
                        if done < len(comments)
                        else "."
                    ),
                )
            return redirect(_tagging_url(access.engagement.pk, _back(request)))
        except ValidationError as refusal:
            errors["theme"] = refusal.messages[0]
    # Shown again with the boxes still ticked and the typed name kept, the errors by the fields.
    request.GET = QueryDict(request.POST.get("back", ""))
    context = _tagging_context(request, access, bulk_errors=errors, chosen=[c.pk for c in comments])
    return TemplateResponse(request, "synthesis/tagging.html", context, status=400)


def _row_answer(request, access, comment, *, error="", typed="", news=""):
    if request.htmx:
        comment = (
            Comment.objects.select_related(
                "stakeholder_group", "session", "answer__question__survey"
            )
            .prefetch_related("taggings__theme")
            .get(pk=comment.pk)
        )
        (comment,) = selectors.with_group_labels(access.engagement, [comment])
        context = {
            "engagement": access.engagement,
            "comment": comment,
            "themes_of": selectors.themes_of(comment),
            "back": _back(request),
            "error": error,
            "typed": typed,
            "news": news,
            "focus": True,
            # A theme made by typing joins the suggestions of every row (out of band).
            "oob_themes": selectors.themes_for(access.engagement),
            "oob_totals": selectors.totals_for(access.engagement),
        }
        return TemplateResponse(request, "synthesis/_row.html", context)
    if error:
        messages.error(request, error)
    elif news:
        messages.success(request, news)
    return redirect(_tagging_url(access.engagement.pk, _back(request), f"c-{comment.pk}"))


@members_only
@require_POST
def tag_one(request: HttpRequest, engagement_id: UUID, voice_comment_id: UUID) -> HttpResponse:
    """Tag one comment with the theme typed or picked (a new name makes the theme)."""
    access, comment = access_object(
        request, engagement_id, Comment.objects.all(), voice_comment_id, need=Can.SYNTHESIZE
    )
    name = request.POST.get("theme_name", "")
    try:
        theme = services.theme_get_or_create(engagement=access.engagement, name=name)
        services.tag(theme=theme, comments=[comment], by=request.user)
    except ValidationError as refusal:
        messages_ = getattr(refusal, "message_dict", {}).get("name") or refusal.messages
        return _row_answer(request, access, comment, error=messages_[0], typed=name)
    return _row_answer(request, access, comment, news=f"Tagged “{theme.name}”.")


@members_only
@require_POST
def untag_one(
    request: HttpRequest, engagement_id: UUID, voice_comment_id: UUID, voice_theme_id: UUID
) -> HttpResponse:
    access, comment = access_object(
        request, engagement_id, Comment.objects.all(), voice_comment_id, need=Can.SYNTHESIZE
    )
    theme = get_object_or_404(VoiceTheme, pk=voice_theme_id, engagement=access.engagement)
    services.untag(theme=theme, comments=[comment])
    return _row_answer(request, access, comment, news=f"“{theme.name}” taken off.")


# --- a theme -------------------------------------------------------------------------------------


def _theme_context(access, theme, **forms):
    engagement = access.engagement
    count = selectors.counts_for(engagement, [theme])[0]
    can_tag = access.can(Can.SYNTHESIZE)
    can_plan = access.can(Can.EDIT_PLAN)
    context = {
        "engagement": engagement,
        "theme": theme,
        "count": count,
        "not_shown": selectors.GROUP_NOT_SHOWN_COLUMN,
        "quotes": selectors.quotes_of(theme),
        "comments": selectors.tagged_comments(theme),
        "placed_cards": selectors.seeds_of(theme),
        "plan_uses": selectors.plan_uses(theme),
        "can_tag": can_tag,
        "can_plan": can_plan,
        "quotes_max": QUOTES_MAX,
        "fewer": selectors.FEWER,
    }
    context["quoted"] = {q.comment_id for q in context["quotes"]}
    if can_tag:
        context["board_form"] = forms.get("board_form") or BoardForm(
            boards=selectors.boards_for(engagement)
        )
        context["theme_form"] = forms.get("theme_form") or ThemeForm(
            initial={"name": theme.name, "description": theme.description}
        )
    if can_plan:
        from planning.services import plan_for

        plan = plan_for(engagement)
        context["plan_form"] = forms.get("plan_form") or PlanForm(
            goals=list(plan.goals.all()), terms=engagement.terms
        )
    return context


@members_only
@require_GET
def theme(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    access, theme = _theme(request, engagement_id, voice_theme_id)
    return TemplateResponse(request, "synthesis/theme.html", _theme_context(access, theme))


@members_only
@require_POST
def theme_edit(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    access, theme = _theme(request, engagement_id, voice_theme_id, need=Can.SYNTHESIZE)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.theme_update(theme=theme, **form.cleaned_data)
        except ValidationError as refusal:
            for message in refusal.message_dict.get("name", refusal.messages):
                form.add_error("name", message)
        else:
            messages.success(request, "Theme saved.")
            return redirect("synthesis:theme", access.engagement.pk, theme.pk)
    theme.refresh_from_db()
    context = _theme_context(access, theme, theme_form=form)
    return TemplateResponse(request, "synthesis/theme.html", context, status=400)


@members_only
@require_http_methods(["GET", "POST"])
def theme_delete(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    access, theme = _theme(request, engagement_id, voice_theme_id, need=Can.SYNTHESIZE)
    if request.method == "GET":
        return confirm_page(
            request,
            title="Delete this theme?",
            message=(
                f"“{theme.name}” will be taken off every comment and its quotes forgotten. The "
                "comments stay; cards it put on retreat boards stay; plan elements taken from it "
                "keep its name and count."
            ),
            confirm_label="Delete the theme",
            cancel_url=reverse("synthesis:theme", args=[access.engagement.pk, theme.pk]),
        )
    services.theme_delete(theme=theme)
    messages.success(request, "Theme deleted.")
    return redirect("synthesis:overview", access.engagement.pk)


@members_only
@require_POST
def quote_add(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    access, theme = _theme(request, engagement_id, voice_theme_id, need=Can.SYNTHESIZE)
    try:
        comment_id = UUID(request.POST.get("comment", ""))
    except ValueError:
        raise Http404("No such comment.") from None
    comment = get_object_or_404(Comment, pk=comment_id, engagement=access.engagement)
    try:
        services.quote_add(theme=theme, comment=comment)
        messages.success(request, "Quote chosen.")
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    return redirect(reverse("synthesis:theme", args=[access.engagement.pk, theme.pk]) + "#quotes")


def _quote(request, engagement_id, voice_theme_id, quote_id):
    access, theme = _theme(request, engagement_id, voice_theme_id, need=Can.SYNTHESIZE)
    quote = get_object_or_404(Quote, pk=quote_id, theme=theme)
    return access, theme, quote


@members_only
@require_POST
def quote_move(
    request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID, quote_id: UUID
) -> HttpResponse:
    access, theme, quote = _quote(request, engagement_id, voice_theme_id, quote_id)
    services.quote_move(quote=quote, by=-1 if request.POST.get("to") == "up" else 1)
    url = reverse("synthesis:theme", args=[access.engagement.pk, theme.pk])
    return redirect(f"{url}#quote-{quote.pk}")


@members_only
@require_POST
def quote_remove(
    request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID, quote_id: UUID
) -> HttpResponse:
    access, theme, quote = _quote(request, engagement_id, voice_theme_id, quote_id)
    services.quote_remove(quote=quote)
    messages.success(request, "Quote removed (the comment stays tagged).")
    return redirect(reverse("synthesis:theme", args=[access.engagement.pk, theme.pk]) + "#quotes")


# --- carrying forward ----------------------------------------------------------------------------


@members_only
@require_POST
def carry_board(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    """Seed a card citing the theme's count on a board of an open retreat."""
    access, theme = _theme(request, engagement_id, voice_theme_id, need=Can.SYNTHESIZE)
    from retreats.models import Activity

    chosen = request.POST.get("activity", "")
    try:
        activity_id = UUID(chosen) if chosen else None
    except ValueError:
        raise Http404("No such board.") from None
    if activity_id is not None:
        # A board of another engagement is a 404, like an unknown one; a closed retreat's board
        # is refused by the service with words.
        get_object_or_404(Activity, pk=activity_id, retreat__engagement=access.engagement)
    boards = selectors.boards_for(access.engagement)
    form = BoardForm(request.POST, boards=boards)
    if form.is_valid():
        board = form.cleaned_data["board"]
        try:
            seed = services.carry_to_board(
                theme=theme, activity=board, quadrant=form.cleaned_data["quadrant"], by=request.user
            )
        except ValidationError as refusal:
            form.add_error(
                "quadrant" if "quadrant" in getattr(refusal, "message_dict", {}) else "activity",
                refusal.messages[0],
            )
        else:
            messages.success(
                request, f"Card added to “{board.title}” ({board.retreat.title}): “{seed.text}”"
            )
            return redirect(
                reverse("synthesis:theme", args=[access.engagement.pk, theme.pk]) + "#carried"
            )
    elif activity_id is not None and str(activity_id) not in form.boards:
        form.errors.pop("activity", None)
        form.add_error(
            "activity",
            "That board takes no new cards now: its retreat is closed or it is past grouping.",
        )
    context = _theme_context(access, theme, board_form=form)
    return TemplateResponse(request, "synthesis/theme.html", context, status=400)


@members_only
@require_POST
def carry_plan(request: HttpRequest, engagement_id: UUID, voice_theme_id: UUID) -> HttpResponse:
    """Make the theme a goal, a strategy or a value of the plan's working copy."""
    access = access_engagement(request, engagement_id, need=Can.EDIT_PLAN)
    theme = get_object_or_404(VoiceTheme, pk=voice_theme_id, engagement=access.engagement)
    from planning.services import plan_for

    plan = plan_for(access.engagement)
    form = PlanForm(request.POST, goals=list(plan.goals.all()), terms=access.engagement.terms)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            element = services.carry_to_plan(
                theme=theme, plan=plan, kind_name=kind, goal=form.cleaned_data["goal_obj"]
            )
        except ValidationError as refusal:
            field = "goal" if "goal" in getattr(refusal, "message_dict", {}) else None
            form.add_error(field, refusal.messages[0])
        else:
            messages.success(request, f"“{element}” is now in the plan’s working copy.")
            return redirect(
                reverse("synthesis:theme", args=[access.engagement.pk, theme.pk]) + "#carried"
            )
    context = _theme_context(access, theme, plan_form=form)
    return TemplateResponse(request, "synthesis/theme.html", context, status=400)
