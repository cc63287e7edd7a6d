"""Meetings of an engagement: the list by phase, a meeting's page, its agenda, readings and
attendance. Agenda changes answer htmx requests with the agenda fragment alone and plain
requests with a redirect or a whole page."""

from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from ..access import Access, Can, access_engagement, access_object, members_only
from ..forms.meetings import (
    AgendaItemForm,
    AttendanceForm,
    MeetingForm,
    MoveForm,
    ReadingForm,
    focus_first_field,
)
from ..models import Meeting
from ..selectors import meetings as selectors
from ..services import meetings as services
from .confirm import confirm_page

AGENDA = "engagements/meetings/_agenda.html"


def _meeting(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, need: Can = Can.VIEW
) -> tuple[Access, Meeting]:
    queryset = Meeting.objects.select_related("phase")
    return access_object(request, engagement_id, queryset, meeting_id, need=need)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("engagements:meeting", args=[meeting.engagement_id, meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _agenda_context(access: Access, meeting: Meeting, **extra) -> dict:
    return {
        "engagement": access.engagement,
        "meeting": meeting,
        "agenda": selectors.agenda_for(meeting),
        "can_edit_agenda": access.can(Can.EDIT_AGENDA),
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
        "add_form": AgendaItemForm(prefix="new"),
        **extra,
    }


def _agenda_fragment(
    request: HttpRequest, access: Access, meeting: Meeting, **extra
) -> TemplateResponse:
    return TemplateResponse(request, AGENDA, _agenda_context(access, meeting, **extra))


# --- meetings -----------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET"])
def meeting_list(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    phases = selectors.phases_with_meetings(access.engagement)
    context = {
        "engagement": access.engagement,
        "phases": phases,
        "meeting_count": sum(len(phase.planned) for phase in phases),
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
    }
    return TemplateResponse(request, "engagements/meetings/list.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    engagement = access.engagement
    form = MeetingForm(
        request.POST or None, engagement=engagement, initial={"phase": request.GET.get("phase")}
    )
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(engagement=engagement, **form.cleaned_data)
        messages.success(request, f"“{meeting.title}” is planned. Now add its agenda.")
        return redirect(_meeting_url(meeting))
    context = {"engagement": engagement, "form": form, "has_phases": engagement.phases.exists()}
    return TemplateResponse(request, "engagements/meetings/meeting_form.html", context)


@members_only
@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id)
    context = _agenda_context(
        access,
        meeting,
        readings=selectors.readings_for(meeting),
        attendance=selectors.attendance_summary_for(meeting),
    )
    return TemplateResponse(request, "engagements/meetings/detail.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id, need=Can.MANAGE_ENGAGEMENT)
    form = MeetingForm(request.POST or None, engagement=access.engagement, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        services.meeting_update(meeting=meeting, **form.cleaned_data)
        messages.success(request, "The meeting’s details are saved.")
        return redirect(_meeting_url(meeting))
    context = {"engagement": access.engagement, "meeting": meeting, "form": form}
    return TemplateResponse(request, "engagements/meetings/meeting_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id, need=Can.MANAGE_ENGAGEMENT)
    if request.method == "POST":
        services.meeting_delete(meeting=meeting)
        messages.success(request, f"“{meeting.title}” is deleted.")
        return redirect("engagements:meetings", engagement_id=access.engagement.pk)
    return confirm_page(
        request,
        title=f"Delete “{meeting.title}”?",
        message=selectors.meeting_contents(meeting).in_words(),
        confirm_label="Delete the meeting",
        cancel_url=_meeting_url(meeting),
    )


# --- agenda -------------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def agenda_item_add(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id, need=Can.EDIT_AGENDA)
    form = AgendaItemForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        item = services.agenda_item_add(meeting=meeting, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, f"“{item.title}” is added to the agenda.")
            return redirect(_meeting_url(meeting, "agenda"))
        form = AgendaItemForm(prefix="new")
        focus_first_field(form)  # ready for the next item
        status = f"“{item.title}” is added to the agenda."
        return _agenda_fragment(request, access, meeting, add_form=form, status=status)
    if request.htmx:
        focus_first_field(form)
        return _agenda_fragment(request, access, meeting, add_form=form)
    context = {"engagement": access.engagement, "meeting": meeting, "form": form}
    return TemplateResponse(request, "engagements/meetings/agenda_item_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def agenda_item_edit(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, item_id: UUID
) -> HttpResponse:
    items = selectors.agenda_items(meeting_id)
    access, item = access_object(request, engagement_id, items, item_id, need=Can.EDIT_AGENDA)
    form = AgendaItemForm(request.POST or None, item=item, prefix="edit")
    if request.method == "POST" and form.is_valid():
        services.agenda_item_update(item=item, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, f"“{item.title}” is saved.")
            return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))
        status = f"“{item.title}” is saved."
        return _agenda_fragment(request, access, item.meeting, focus=item.pk, status=status)
    if request.htmx:
        focus_first_field(form)
        return _agenda_fragment(request, access, item.meeting, editing=item.pk, item_form=form)
    context = {"engagement": access.engagement, "meeting": item.meeting, "item": item, "form": form}
    return TemplateResponse(request, "engagements/meetings/agenda_item_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def agenda_item_delete(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, item_id: UUID
) -> HttpResponse:
    items = selectors.agenda_items(meeting_id)
    _, item = access_object(request, engagement_id, items, item_id, need=Can.EDIT_AGENDA)
    if request.method == "POST":
        services.agenda_item_delete(item=item)
        messages.success(request, f"“{item.title}” is removed from the agenda.")
        return redirect(_meeting_url(item.meeting, "agenda"))
    return confirm_page(
        request,
        title=f"Remove “{item.title}” from the agenda?",
        message=f"Its {item.minutes} minutes come off the agenda of “{item.meeting.title}”.",
        confirm_label="Remove the item",
        cancel_url=_meeting_url(item.meeting, f"item-{item.pk}"),
    )


@members_only
@require_http_methods(["POST"])
@vary_on_headers("HX-Request")
def agenda_item_move(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, item_id: UUID
) -> HttpResponse:
    items = selectors.agenda_items(meeting_id)
    access, item = access_object(request, engagement_id, items, item_id, need=Can.EDIT_AGENDA)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Say whether to move the item up or down.")
    up = form.cleaned_data["direction"] == "up"
    moved = services.agenda_item_move(item=item, direction=form.cleaned_data["direction"])
    if moved:
        status = f"“{item.title}” moved to place {item.position + 1}."
    else:
        status = f"“{item.title}” is already {'first' if up else 'last'}."
    if request.htmx:
        return _agenda_fragment(request, access, item.meeting, status=status)
    messages.success(request, status)
    return redirect(_meeting_url(item.meeting, f"item-{item.pk}"))


# --- readings -----------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def reading_add(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id, need=Can.EDIT_AGENDA)
    form = ReadingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        reading = services.reading_add(
            meeting=meeting,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            uploaded_by=request.user,
        )
        messages.success(request, f"“{reading.title}” is shared with the team.")
        return redirect(_meeting_url(meeting, "readings"))
    context = {"engagement": access.engagement, "meeting": meeting, "form": form}
    return TemplateResponse(request, "engagements/meetings/reading_form.html", context)


@members_only
@require_http_methods(["GET"])
def reading_download(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, reading_id: UUID
) -> HttpResponse:
    _, reading = access_object(request, engagement_id, selectors.readings(meeting_id), reading_id)
    try:
        handle = reading.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:  # ValueError: no file (a restored one)
        raise Http404("This file is no longer available.") from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=reading.original_name,
        content_type=reading.content_type,
    )


@members_only
@require_http_methods(["GET", "POST"])
def reading_delete(
    request: HttpRequest, engagement_id: UUID, meeting_id: UUID, reading_id: UUID
) -> HttpResponse:
    readings = selectors.readings(meeting_id)
    _, reading = access_object(request, engagement_id, readings, reading_id, need=Can.EDIT_AGENDA)
    if request.method == "POST":
        services.reading_delete(reading=reading)
        messages.success(request, f"“{reading.title}” is removed.")
        return redirect(_meeting_url(reading.meeting, "readings"))
    return confirm_page(
        request,
        title=f"Remove the reading “{reading.title}”?",
        message=f"Nobody will be able to download {reading.original_name} any more.",
        confirm_label="Remove the reading",
        cancel_url=_meeting_url(reading.meeting, "readings"),
    )


# --- attendance ---------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, engagement_id: UUID, meeting_id: UUID) -> HttpResponse:
    access, meeting = _meeting(request, engagement_id, meeting_id, need=Can.MANAGE_ENGAGEMENT)
    form = AttendanceForm(request.POST or None, sheet=selectors.attendance_sheet_for(meeting))
    if request.method == "POST" and form.is_valid():
        services.attendance_record(
            meeting=meeting, statuses=form.statuses(), recorded_by=request.user
        )
        messages.success(request, "Attendance is saved.")
        return redirect(_meeting_url(meeting, "attendance"))
    context = {"engagement": access.engagement, "meeting": meeting, "form": form}
    return TemplateResponse(request, "engagements/meetings/attendance.html", context)
