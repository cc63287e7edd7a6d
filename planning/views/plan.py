"""The plan page: statements, values and the tree, edited in place with htmx by the facilitator
and the core team (everyone else on the team reads it).

Every change answers an htmx request with the plan's tree region (`_tree.html`) and a line for
screen readers, and a plain request with a redirect to the element on the page. An edit form
that does not validate comes back in place with the words kept.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from engagements.access import Access, Can, access_engagement, members_only
from engagements.models import DEFAULT_TERMINOLOGY
from engagements.views.confirm import confirm_page
from engagements.words import with_article
from retreats.models import Card, Theme

from .. import health, selectors, services
from ..forms import FORMS, MoveForm, StatementsForm, StrategyGoalForm, UseSourceForm
from ..models import Goal, Plan, Strategy
from ..selectors.approval import approval_status
from ..services import KINDS

PAGE = "planning/plan.html"
TREE = "planning/_tree.html"
FORM = "planning/_element_form.html"
STATEMENTS = "planning/_statements.html"
ELEMENT_PAGE = "planning/element_page.html"
MOVE = "planning/_move.html"
# Where each kind's parent comes from when adding (the `parent` field of the add form).
PARENTS = {
    "value": None,
    "objective": None,
    "goal": None,
    "strategy": ("goal", Goal),
    "measure": ("goal", Goal),  # or ("strategy", Strategy): see _parent
    "action_step": ("strategy", Strategy),
}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404("No such part of a plan.")
    return kind


def _scope(kind: str, engagement) -> Q:
    """The lookup that keeps an element inside this engagement's plan."""
    if kind in ("value", "objective", "goal"):
        return Q(plan__engagement=engagement)
    if kind == "strategy":
        return Q(goal__plan__engagement=engagement)
    if kind == "action_step":
        return Q(strategy__goal__plan__engagement=engagement)
    return Q(goal__plan__engagement=engagement) | Q(strategy__goal__plan__engagement=engagement)


def _plan(request: HttpRequest, engagement_id: UUID, need: Can = Can.READ_WORKING_COPY):
    access = access_engagement(request, engagement_id, need=need)
    return access, services.plan_for(access.engagement)


def _element(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID, need: Can):
    access = access_engagement(request, engagement_id, need=need)
    model = KINDS[_kind(kind)].model
    element = get_object_or_404(
        model.objects.filter(_scope(kind, access.engagement)), pk=element_id
    )
    return access, element


def _anchor(kind: str, pk) -> str:
    """The element's id on the plan page (planning/health.py links to the same)."""
    return f"{'action' if kind == 'action_step' else kind}-{pk}"


def _plan_url(engagement_id, anchor: str = "") -> str:
    url = reverse("planning:plan", args=[engagement_id])
    return f"{url}#{anchor}" if anchor else url


def _term(engagement, kind: str) -> str:
    if kind in ("objective", "goal", "strategy", "measure", "action_step"):
        return engagement.term(kind)
    return "Value"


def _tree_context(access: Access, plan: Plan, **extra) -> dict:
    engagement = access.engagement
    return {
        "engagement": engagement,
        "plan": plan,
        "tree": selectors.plan_tree(plan),
        "terms": {key: engagement.term(key) for key in DEFAULT_TERMINOLOGY},
        "can_edit": access.can(Can.EDIT_PLAN),
        **extra,
    }


def _form_answer(
    request: HttpRequest, context: dict, slot: str, partial: str = FORM
) -> TemplateResponse:
    """A form to fill in, or back with its errors: in place of `slot` for htmx (words kept),
    else on a page of its own (400 when it did not validate)."""
    invalid = bool(context["form"].errors)
    if request.htmx:
        response = TemplateResponse(request, partial, {**context, "slot": slot})
        if invalid:
            response["HX-Retarget"] = f"#{slot}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return TemplateResponse(
        request,
        ELEMENT_PAGE,
        {**context, "slot": slot, "partial": partial, "page": True},
        status=400 if invalid else 200,
    )


def _changed(
    request: HttpRequest, access: Access, plan: Plan, news: str, anchor: str = ""
) -> HttpResponse:
    """The answer to a change: the tree region (htmx), else back to the page."""
    if request.htmx:  # plan.js puts focus on the element named by `focus` (an added one, say)
        context = _tree_context(access, plan, announce=news, focus=anchor)
        return TemplateResponse(request, TREE, context)
    messages.success(request, news)
    return redirect(_plan_url(access.engagement.pk, anchor))


@members_only
@require_GET
@vary_on_headers("HX-Request")
def plan_page(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    if not access.can(Can.READ_WORKING_COPY):  # the board: published drafts, through approval
        return redirect("planning:approval", engagement_id=access.engagement.pk)
    plan = services.plan_for(access.engagement)
    if request.htmx:  # Cancel in an add form: the tree as it was
        return TemplateResponse(request, TREE, _tree_context(access, plan))
    checks = health.health_checks(plan)
    context = _tree_context(
        access,
        plan,
        inbox=selectors.carried_forward(access.engagement),
        versions=list(plan.versions.order_by("-number")[:1]),
        checks=checks,
        summary=health.health_summary(checks),
        hide_roster_link=not access.can(Can.VIEW_ROSTER),
        approval=approval_status(plan),
    )
    return TemplateResponse(request, PAGE, context)


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def statements(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """Mission, vision, the optional statements and the plan's settings, edited together."""
    access, plan = _plan(request, engagement_id, need=Can.EDIT_PLAN)
    form = StatementsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            if request.htmx:
                context = _tree_context(access, plan, announce="The statements are saved.")
                return TemplateResponse(request, STATEMENTS, context)
            messages.success(request, "The statements are saved.")
            return redirect(_plan_url(engagement_id, "statements"))
    context = {**_tree_context(access, plan), "form": form, "editing": True}
    if request.htmx:
        return TemplateResponse(request, STATEMENTS, context)
    status = 400 if form.errors else 200
    return TemplateResponse(request, ELEMENT_PAGE, {**context, "statements": True}, status=status)


def _form(kind: str, access: Access, plan: Plan, *args, **kwargs):
    return FORMS[kind](*args, engagement=access.engagement, plan=plan, **kwargs)


def _parent(request: HttpRequest, access: Access, kind: str, plan: Plan) -> dict:
    """The new element's parent from the `parent` (and `on`) fields, checked to be this plan's."""
    if PARENTS[kind] is None:
        return {"plan": plan}
    name, model = PARENTS[kind]
    if kind == "measure" and request.GET.get("on", request.POST.get("on")) == "strategy":
        name, model = "strategy", Strategy
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    try:
        parent = model.objects.filter(_scope(name, access.engagement)).get(pk=parent_id)
    except (model.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404("No such parent in this plan.") from missing
    return {name: parent}


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def element_add(request: HttpRequest, engagement_id: UUID, kind: str) -> HttpResponse:
    access, plan = _plan(request, engagement_id, need=Can.EDIT_PLAN)
    kind = _kind(kind)
    parent = _parent(request, access, kind, plan)
    model = KINDS[kind].model
    form = _form(kind, access, plan, request.POST or None, instance=model(**parent))
    if request.method == "POST" and form.is_valid():
        try:
            element = services.element_add(kind, **parent, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            news = f"{_term(access.engagement, kind)} added."
            return _changed(request, access, plan, news, _anchor(kind, element.pk))
    holder = next(iter(parent.values()))
    context = {
        **_tree_context(access, plan),
        "form": form,
        "kind": kind,
        "kind_label": _term(access.engagement, kind),
        "adding": True,
        "action": request.get_full_path(),
        "cancel_url": _plan_url(engagement_id),
    }
    return _form_answer(request, context, f"add-{kind}-{holder.pk}")


@members_only
@require_GET
def element(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID):
    """An element's place on the plan page (where Cancel in an edit form goes back to)."""
    access, element = _element(request, engagement_id, kind, element_id, Can.READ_WORKING_COPY)
    plan = services.plan_for(access.engagement)
    if request.htmx:
        return TemplateResponse(request, TREE, _tree_context(access, plan))
    return redirect(_plan_url(engagement_id, _anchor(kind, element.pk)))


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def element_edit(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID):
    access, element = _element(request, engagement_id, kind, element_id, Can.EDIT_PLAN)
    plan = services.plan_for(access.engagement)
    form = _form(kind, access, plan, request.POST or None, instance=element)
    if request.method == "POST" and form.is_valid():
        try:
            services.element_update(element, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            news = f"{_term(access.engagement, kind)} saved."
            return _changed(request, access, plan, news, _anchor(kind, element.pk))
    context = {
        **_tree_context(access, plan),
        "form": form,
        "kind": kind,
        "kind_label": _term(access.engagement, kind),
        "element": element,
        "action": request.get_full_path(),
        "cancel_url": reverse("planning:element", args=[engagement_id, kind, element.pk]),
    }
    return _form_answer(request, context, _anchor(kind, element.pk))


@members_only
@require_http_methods(["GET", "POST"])
def element_delete(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID):
    access, element = _element(request, engagement_id, kind, element_id, Can.EDIT_PLAN)
    label = _term(access.engagement, kind)
    if request.method == "POST":
        services.element_delete(element)
        messages.success(request, f"{label} deleted.")
        return redirect(_plan_url(engagement_id))
    below = {
        "goal": " with its strategies, measures and action steps",
        "strategy": " with its measures and action steps",
        "objective": " (its goals stay, under no objective)",
    }.get(kind, "")
    return confirm_page(
        request,
        title=f"Delete this {label.lower()}?",
        message=f"“{element}” will be deleted{below}. Saved drafts keep it.",
        confirm_label=f"Delete the {label.lower()}",
        cancel_url=_plan_url(engagement_id, _anchor(kind, element.pk)),
    )


@members_only
@require_POST
@vary_on_headers("HX-Request")
def element_move(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID):
    access, element = _element(request, engagement_id, kind, element_id, Can.EDIT_PLAN)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say up or down.")
    moved = services.element_move(element, form.cleaned_data["direction"])
    label = _term(access.engagement, kind)
    news = f"{label} moved {form.cleaned_data['direction']}." if moved else f"{label} stays."
    plan = services.plan_for(access.engagement)
    return _changed(request, access, plan, news, _anchor(kind, element.pk))


@members_only
@require_POST
@vary_on_headers("HX-Request")
def element_reorder(request: HttpRequest, engagement_id: UUID, kind: str, element_id: UUID):
    """Drag and drop: the element's siblings in their new order (`order`, a list of ids)."""
    access, element = _element(request, engagement_id, kind, element_id, Can.EDIT_PLAN)
    plan = services.plan_for(access.engagement)
    try:
        services.element_reorder(element, request.POST.getlist("order"))
    except ValidationError as refusal:
        if request.htmx:
            context = _tree_context(access, plan, announce=refusal.messages[0])
            return TemplateResponse(request, TREE, context, status=409)
        messages.error(request, refusal.messages[0])
        return redirect(_plan_url(engagement_id))
    news = f"{_term(access.engagement, kind)} order saved."
    return _changed(request, access, plan, news, _anchor(kind, element.pk))


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def strategy_goal(request: HttpRequest, engagement_id: UUID, element_id: UUID) -> HttpResponse:
    """Move a strategy, with its measures and steps, under another goal: its own small form, in
    place with htmx or a page without (the plan page holds a link per strategy, not a menu)."""
    access, strategy = _element(request, engagement_id, "strategy", element_id, Can.EDIT_PLAN)
    plan = services.plan_for(access.engagement)
    form = StrategyGoalForm(
        request.POST or None,
        engagement=access.engagement,
        plan=plan,
        initial={"goal": strategy.goal_id},
    )
    if request.method == "POST" and form.is_valid():
        goal = form.cleaned_data["goal"]
        services.strategy_move(strategy, goal)
        news = f"{_term(access.engagement, 'strategy')} moved to “{goal.title}”."
        return _changed(request, access, plan, news, _anchor("strategy", strategy.pk))
    context = {
        "engagement": access.engagement,
        "terms": {key: access.engagement.term(key) for key in DEFAULT_TERMINOLOGY},
        "form": form,
        "strategy": strategy,
        "slot": f"move-strategy-{strategy.pk}",
        "cancel_url": reverse("planning:element", args=[engagement_id, "strategy", strategy.pk]),
    }
    return _form_answer(request, context, context["slot"], partial=MOVE)


@members_only
@require_POST
@vary_on_headers("HX-Request")
def use_source(request: HttpRequest, engagement_id: UUID, source_kind: str, source_id: UUID):
    """Turn a carried-forward card or theme into a value, a goal or a strategy."""
    access, plan = _plan(request, engagement_id, need=Can.EDIT_PLAN)
    model = {"card": Card, "theme": Theme}.get(source_kind)
    if model is None:
        raise Http404("No such source.")
    source = get_object_or_404(
        model.objects.select_related("activity__retreat"),
        pk=source_id,
        activity__retreat__engagement=access.engagement,
    )
    form = UseSourceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose what it becomes.")
    kind = form.cleaned_data["kind"]
    goal = None
    if kind == "strategy":
        goal = Goal.objects.filter(plan=plan, pk=form.cleaned_data["goal"]).first()
    dots = selectors.dots_on_source(source)
    try:
        element = services.element_from_source(
            plan=plan,
            kind_name=kind,
            card=source if source_kind == "card" else None,
            theme=source if source_kind == "theme" else None,
            goal=goal,
            dots=dots,
        )
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect(_plan_url(engagement_id, "inbox"))
    news = f"“{element}” is now {with_article(_term(access.engagement, kind).lower())} in the plan."
    messages.success(request, news)
    return redirect(_plan_url(engagement_id, _anchor(kind, element.pk)))
