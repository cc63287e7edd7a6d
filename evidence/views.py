"""Pages of the environmental scan: the indicators (list, add, edit, delete, import, each one's
chart and table) and the data packs (make, order, read). Every member reads; the facilitator and
the core team keep them (Can.KEEP_INDICATORS)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagements.access import Access, Can, access_engagement, access_object, members_only
from engagements.views.confirm import confirm_page

from . import selectors, services
from .forms import (
    CommentaryForm,
    ImportForm,
    IndicatorForm,
    MoveForm,
    PackForm,
    PackItemForm,
    ValuesGrid,
)
from .models import DataPack, DataPackItem, Indicator


def _list_url(engagement_id) -> str:
    return reverse("evidence:indicators", args=[engagement_id])


def _indicator(request, engagement_id, indicator_id, need=Can.VIEW) -> tuple[Access, Indicator]:
    queryset = Indicator.objects.prefetch_related("values")
    return access_object(request, engagement_id, queryset, indicator_id, need=need)


def _pack(request, engagement_id, pack_id, need=Can.VIEW) -> tuple[Access, DataPack]:
    queryset = DataPack.objects.select_related("meeting", "engagement")
    return access_object(request, engagement_id, queryset, pack_id, need=need)


def _item(request, engagement_id, pack_item_id, need=Can.KEEP_INDICATORS):
    queryset = DataPackItem.objects.select_related("pack", "indicator")
    return access_object(
        request, engagement_id, queryset, pack_item_id, need=need, via="pack__engagement"
    )


# --- indicators ---------------------------------------------------------------------------------


@members_only
@require_GET
def indicator_list(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    indicators = selectors.indicators_for(access.engagement)
    for indicator in indicators:
        indicator.latest = selectors.latest_all_students(indicator)
        indicator.breakdowns = len({v.breakdown.lower() for v in indicator.values.all()})
    context = {
        "engagement": access.engagement,
        "indicators": indicators,
        "packs": selectors.packs_for(access.engagement),
        "can_keep": access.can(Can.KEEP_INDICATORS),
    }
    return TemplateResponse(request, "evidence/list.html", context)


def _indicator_form_page(request, access, indicator, form, grid, status=200) -> HttpResponse:
    context = {
        "engagement": access.engagement,
        "indicator": indicator,
        "form": form,
        "grid": grid,
        "layout": grid.grid(),
    }
    return TemplateResponse(request, "evidence/indicator_form.html", context, status=status)


def _save_indicator(request, access, indicator) -> HttpResponse:
    initial = None
    if indicator is not None:
        initial = {
            "name": indicator.name,
            "unit": indicator.unit,
            "source": indicator.source,
            "direction": indicator.direction,
            "note": indicator.note,
        }
    values = {(v.year, v.breakdown): v.value for v in indicator.values.all()} if indicator else {}
    post = request.POST if request.method == "POST" else None
    form = IndicatorForm(post, initial=initial)
    grid = ValuesGrid(post, values=values)
    if grid.wants_room():
        form, grid = IndicatorForm(initial=dict(post.items())), ValuesGrid(post, values=values)
        grid._errors = ErrorDict()  # the grid grows; nothing is checked or saved yet
        return _indicator_form_page(request, access, indicator, form, grid)
    if post is not None and form.is_valid() & grid.is_valid():
        try:
            saved = services.indicator_save(
                engagement=access.engagement,
                indicator=indicator,
                values=grid.cleaned_data["values"],
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{saved.name}” is saved.")
            return redirect(
                "evidence:indicator", engagement_id=access.engagement.pk, indicator_id=saved.pk
            )
    status = 400 if post is not None else 200
    return _indicator_form_page(request, access, indicator, form, grid, status)


@members_only
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.KEEP_INDICATORS)
    return _save_indicator(request, access, None)


@members_only
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, engagement_id: UUID, indicator_id: UUID) -> HttpResponse:
    access, indicator = _indicator(request, engagement_id, indicator_id, Can.KEEP_INDICATORS)
    return _save_indicator(request, access, indicator)


@members_only
@require_GET
def indicator_detail(request: HttpRequest, engagement_id: UUID, indicator_id: UUID) -> HttpResponse:
    access, indicator = _indicator(request, engagement_id, indicator_id)
    context = {
        "engagement": access.engagement,
        "view": selectors.indicator_view(indicator),
        "can_keep": access.can(Can.KEEP_INDICATORS),
        "can_edit_plan": access.can(Can.EDIT_PLAN),
    }
    return TemplateResponse(request, "evidence/indicator.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def indicator_delete(request: HttpRequest, engagement_id: UUID, indicator_id: UUID) -> HttpResponse:
    access, indicator = _indicator(request, engagement_id, indicator_id, Can.KEEP_INDICATORS)
    if request.method == "POST":
        services.indicator_delete(indicator=indicator)
        messages.success(request, f"“{indicator.name}” is deleted.")
        return redirect(_list_url(engagement_id))
    return confirm_page(
        request,
        title=f"Delete “{indicator.name}”?",
        message="Its values go with it, and it leaves every data pack it is in. Cards that cited "
        "it as evidence keep their words; a projector showing it drops it at the board's next "
        "change. This cannot be undone.",
        confirm_label="Delete the indicator",
        cancel_url=reverse("evidence:indicator", args=[engagement_id, indicator.pk]),
    )


@members_only
@require_http_methods(["GET", "POST"])
def indicator_import(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.KEEP_INDICATORS)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            checked, problems = services.indicators_check(engagement=access.engagement, data=data)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not problems:
                count = services.indicators_import(engagement=access.engagement, checked=checked)
                messages.success(
                    request,
                    f"Saved {count} value{'s' if count != 1 else ''} of {len(checked)} "
                    f"indicator{'s' if len(checked) != 1 else ''}.",
                )
                return redirect(_list_url(engagement_id))
    context = {"engagement": access.engagement, "form": form, "problems": problems}
    status = 400 if problems or form.errors else 200
    return TemplateResponse(request, "evidence/import.html", context, status=status)


@members_only
@require_GET
def import_template(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access_engagement(request, engagement_id, need=Can.KEEP_INDICATORS)
    response = HttpResponse(services.TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="indicators-template.csv"'
    return response


# --- data packs ---------------------------------------------------------------------------------


def _pack_url(pack: DataPack, page: str = "evidence:pack") -> str:
    return reverse(page, args=[pack.engagement_id, pack.pk])


@members_only
@require_http_methods(["GET", "POST"])
def pack_add(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.KEEP_INDICATORS)
    form = PackForm(request.POST or None, engagement=access.engagement)
    if request.method == "POST" and form.is_valid():
        pack = services.pack_create(engagement=access.engagement, **form.cleaned_data)
        messages.success(request, f"“{pack.title}” is made. Now choose its indicators.")
        return redirect(_pack_url(pack, "evidence:pack-edit"))
    context = {"engagement": access.engagement, "form": form, "pack": None}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "evidence/pack_form.html", context, status=status)


@members_only
@require_GET
def pack_detail(request: HttpRequest, engagement_id: UUID, pack_id: UUID) -> HttpResponse:
    access, pack = _pack(request, engagement_id, pack_id)
    items = selectors.pack_items(pack)
    for item in items:
        item.view = selectors.indicator_view(item.indicator, key=f"pack-{item.pk}")
    context = {
        "engagement": access.engagement,
        "pack": pack,
        "items": items,
        "can_keep": access.can(Can.KEEP_INDICATORS),
    }
    return TemplateResponse(request, "evidence/pack.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def pack_edit(request: HttpRequest, engagement_id: UUID, pack_id: UUID) -> HttpResponse:
    access, pack = _pack(request, engagement_id, pack_id, Can.KEEP_INDICATORS)
    initial = {"title": pack.title, "introduction": pack.introduction, "meeting": pack.meeting}
    posted = request.method == "POST" and "title" in request.POST
    form = PackForm(request.POST if posted else None, engagement=access.engagement, initial=initial)
    add_form = PackItemForm(
        request.POST if request.method == "POST" and not posted else None, pack=pack
    )
    if posted and form.is_valid():
        services.pack_update(pack=pack, **form.cleaned_data)
        messages.success(request, "The data pack’s details are saved.")
        return redirect(_pack_url(pack, "evidence:pack-edit"))
    if add_form.is_bound and add_form.is_valid():
        try:
            services.pack_item_add(pack=pack, **add_form.cleaned_data)
        except ValidationError as error:
            add_form.add_error(None, error)
        else:
            messages.success(
                request, f"“{add_form.cleaned_data['indicator'].name}” is in the pack."
            )
            return redirect(_pack_url(pack, "evidence:pack-edit") + "#items")
    context = {
        "engagement": access.engagement,
        "pack": pack,
        "form": form,
        "add_form": add_form,
        "items": list(pack.items.select_related("indicator")),
    }
    status = 400 if form.errors or add_form.errors else 200
    return TemplateResponse(request, "evidence/pack_edit.html", context, status=status)


@members_only
@require_http_methods(["GET", "POST"])
def pack_delete(request: HttpRequest, engagement_id: UUID, pack_id: UUID) -> HttpResponse:
    access, pack = _pack(request, engagement_id, pack_id, Can.KEEP_INDICATORS)
    if request.method == "POST":
        services.pack_delete(pack=pack)
        messages.success(request, f"“{pack.title}” is deleted.")
        return redirect(_list_url(engagement_id) + "#packs")
    return confirm_page(
        request,
        title=f"Delete the data pack “{pack.title}”?",
        message="Its order and commentary are lost; the indicators themselves stay. "
        "This cannot be undone.",
        confirm_label="Delete the data pack",
        cancel_url=_pack_url(pack, "evidence:pack-edit"),
    )


@members_only
@require_http_methods(["GET", "POST"])
def pack_item_edit(request: HttpRequest, engagement_id: UUID, pack_item_id: UUID) -> HttpResponse:
    access, item = _item(request, engagement_id, pack_item_id)
    form = CommentaryForm(request.POST or None, initial={"commentary": item.commentary})
    if request.method == "POST" and form.is_valid():
        services.pack_item_update(item=item, **form.cleaned_data)
        messages.success(request, f"The commentary on “{item.indicator.name}” is saved.")
        return redirect(_pack_url(item.pack, "evidence:pack-edit") + f"#item-{item.pk}")
    context = {"engagement": access.engagement, "item": item, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "evidence/item_form.html", context, status=status)


@members_only
@require_POST
def pack_item_move(request: HttpRequest, engagement_id: UUID, pack_item_id: UUID) -> HttpResponse:
    _, item = _item(request, engagement_id, pack_item_id)
    form = MoveForm(request.POST)
    if form.is_valid() and services.pack_item_move(item=item, **form.cleaned_data):
        messages.success(
            request, f"“{item.indicator.name}” moved {form.cleaned_data['direction']}."
        )
    return redirect(_pack_url(item.pack, "evidence:pack-edit") + f"#item-{item.pk}")


@members_only
@require_http_methods(["GET", "POST"])
def pack_item_remove(request: HttpRequest, engagement_id: UUID, pack_item_id: UUID) -> HttpResponse:
    _, item = _item(request, engagement_id, pack_item_id)
    if request.method == "POST":
        services.pack_item_remove(item=item)
        messages.success(request, f"“{item.indicator.name}” is out of the pack.")
        return redirect(_pack_url(item.pack, "evidence:pack-edit") + "#items")
    return confirm_page(
        request,
        title=f"Take “{item.indicator.name}” out of “{item.pack.title}”?",
        message="Its commentary in this pack is lost; the indicator itself stays.",
        confirm_label="Take it out",
        cancel_url=_pack_url(item.pack, "evidence:pack-edit") + f"#item-{item.pk}",
    )
