"""Process templates: the four built-in ones to read and copy, a facilitator's copies to edit."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from ..access import access_template, facilitator_accounts, require_facilitator_account
from ..forms.templates import PhaseTextForm, TemplateForm
from ..selectors import templates as selectors
from ..services import templates as services
from .confirm import confirm_page


@facilitator_accounts
@require_http_methods(["GET"])
def template_list(request: HttpRequest) -> HttpResponse:
    require_facilitator_account(request)
    templates = selectors.templates_for(request.user)
    return TemplateResponse(request, "engagements/templates/list.html", {"templates": templates})


@facilitator_accounts
@require_http_methods(["GET"])
def template_detail(request: HttpRequest, template_id: UUID) -> HttpResponse:
    template = selectors.template_with_phases(access_template(request, template_id))
    return TemplateResponse(request, "engagements/templates/detail.html", {"template": template})


@facilitator_accounts
@require_POST
def template_copy(request: HttpRequest, template_id: UUID) -> HttpResponse:
    template = access_template(request, template_id)
    copy = services.template_copy(template=template, owner=request.user)
    messages.success(request, f"“{copy.name}” is yours to change. Only you see it.")
    return redirect("engagements:template-detail", template_id=copy.pk)


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: UUID) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.template_update(template=template, **form.cleaned_data)
        messages.success(request, "The template is saved.")
        return redirect("engagements:template-detail", template_id=template.pk)
    return TemplateResponse(
        request, "engagements/templates/edit.html", {"template": template, "form": form}
    )


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, template_id: UUID) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    if request.method == "POST":
        services.template_delete(template=template)
        messages.success(request, f"“{template.name}” is deleted.")
        return redirect("engagements:templates")
    return confirm_page(
        request,
        title=f"Delete “{template.name}”?",
        message="Engagements started from it keep their phases. This cannot be undone.",
        confirm_label="Delete the template",
        cancel_url=template.get_absolute_url(),
    )


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def template_phase_add(request: HttpRequest, template_id: UUID) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    form = PhaseTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.template_phase_add(template=template, **form.cleaned_data)
        messages.success(request, "The phase is added at the end.")
        return redirect("engagements:template-detail", template_id=template.pk)
    context = {"template": template, "form": form, "title": "Add a phase"}
    return TemplateResponse(request, "engagements/templates/phase_form.html", context)


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def template_phase_edit(
    request: HttpRequest, template_id: UUID, template_phase_id: UUID
) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    phase = get_object_or_404(template.phases, pk=template_phase_id)
    form = PhaseTextForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        services.template_phase_update(phase=phase, **form.cleaned_data)
        messages.success(request, "The phase is saved.")
        return redirect("engagements:template-detail", template_id=template.pk)
    context = {"template": template, "form": form, "title": "Edit a phase"}
    return TemplateResponse(request, "engagements/templates/phase_form.html", context)


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def template_phase_delete(
    request: HttpRequest, template_id: UUID, template_phase_id: UUID
) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    phase = get_object_or_404(template.phases, pk=template_phase_id)
    if request.method == "POST":
        services.template_phase_delete(phase=phase)
        messages.success(request, f"“{phase.name}” is removed from the template.")
        return redirect("engagements:template-detail", template_id=template.pk)
    return confirm_page(
        request,
        title=f"Remove the phase “{phase.name}”?",
        message="Engagements already started from this template keep it.",
        confirm_label="Remove the phase",
        cancel_url=template.get_absolute_url(),
    )


@facilitator_accounts
@require_POST
def template_phase_move(
    request: HttpRequest, template_id: UUID, template_phase_id: UUID
) -> HttpResponse:
    template = access_template(request, template_id, edit=True)
    phase = get_object_or_404(template.phases, pk=template_phase_id)
    services.template_phase_move(phase=phase, up=request.POST.get("direction") == "up")
    return redirect(template.get_absolute_url() + f"#phase-{phase.pk}")
