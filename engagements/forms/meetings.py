"""Forms for meetings, agenda items, readings and attendance."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from ..models import AgendaItem, Attendance, Engagement, Meeting, Membership, Phase
from ..services.meetings import READING_EXTENSIONS, reading_file_check, reading_rule
from ..text import NOTES_MAX_LENGTH, TEXT_MAX_LENGTH, CleanTextMixin


def focus_first_field(form: forms.Form) -> None:
    """Put the cursor in the first field with an error, or the first field: for htmx swaps,
    which move focus to an `autofocus` element of the new content."""
    names = [name for name in form.fields if name in form.errors] or list(form.fields)
    if names:
        form.fields[names[0]].widget.attrs["autofocus"] = True


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Phase) -> str:
        return obj.name


class MeetingForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the meeting a name, e.g. “Orientation evening”."},
    )
    kind = forms.ChoiceField(label="Kind of meeting", choices=Meeting.Kind.choices)
    phase = PhaseChoiceField(
        queryset=Phase.objects.none(),
        empty_label="Choose a phase",
        help_text="The step of the planning process this meeting belongs to.",
        error_messages={
            "required": "Choose the phase this meeting belongs to.",
            "invalid_choice": "Choose one of this engagement’s phases.",
        },
    )
    starts_at = forms.DateTimeField(
        label="Date and start time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"Local time ({settings.TIME_ZONE.replace('_', ' ')}).",
        error_messages={
            "required": "Give the date and start time.",
            "invalid": "Give the date and time like 2027-03-14 18:30.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=24 * 60,
        initial=120,
        help_text="E.g. 90 for an hour and a half; a full-day retreat is about 360.",
        error_messages={
            "required": "Give the length of the meeting in minutes.",
            "invalid": "Give the length as a whole number of minutes, e.g. 90.",
            "min_value": "A meeting lasts at least 5 minutes.",
            "max_value": "A meeting lasts at most 24 hours (1440 minutes).",
        },
    )
    place = forms.CharField(
        max_length=200,
        required=False,
        help_text="Room and address, e.g. “Board room, 100 Main Street”. Empty if online only.",
    )
    link = forms.URLField(
        label="Online link",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="The video-call link, if people can join online.",
        error_messages={"invalid": "Give the whole link, starting with https://"},
    )
    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything people should know: parking, food, what to bring.",
    )

    def __init__(self, *args, engagement: Engagement, meeting: Meeting | None = None, **kwargs):
        if meeting is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": meeting.title,
                    "kind": meeting.kind,
                    "phase": meeting.phase_id,
                    "starts_at": meeting.starts_at,
                    "duration_minutes": meeting.duration_minutes,
                    "place": meeting.place,
                    "link": meeting.link,
                    "notes": meeting.notes,
                },
            )
        super().__init__(*args, **kwargs)
        # Only this engagement's phases are offered; another engagement's id is refused.
        self.fields["phase"].queryset = engagement.phases.order_by("position", "name")


class AgendaItemForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        label="What happens",
        max_length=200,
        error_messages={
            "required": "Say what happens in this part, e.g. “Welcome and introductions”."
        },
    )
    minutes = forms.IntegerField(
        label="Time box (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=30,
        error_messages={
            "required": "Give the time box in minutes.",
            "invalid": "Give the time box as a whole number of minutes, e.g. 20.",
            "min_value": "A time box is at least 1 minute.",
            "max_value": "A time box is at most 24 hours (1440 minutes).",
        },
    )
    lead = forms.CharField(
        label="Led by", max_length=150, required=False, help_text="Who runs this part (optional)."
    )
    notes = forms.CharField(
        required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item: AgendaItem | None = None, **kwargs):
        if item is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": item.title,
                    "minutes": item.minutes,
                    "lead": item.lead,
                    "notes": item.notes,
                },
            )
        super().__init__(*args, **kwargs)


class MoveForm(CleanTextMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ReadingForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="What people will see in the list, e.g. “Enrollment report 2026”.",
        error_messages={"required": "Give the reading a title."},
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "This file is empty. Choose another one.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": READING_EXTENSIONS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{reading_rule()}."

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        reading_file_check(upload)
        return upload


class AttendanceForm(CleanTextMixin, forms.Form):
    """One radio group per member of the engagement."""

    CHOICES = [*Attendance.Status.choices, ("", "Not recorded")]

    def __init__(self, *args, sheet: list[tuple[Membership, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {}
        for membership, status in sheet:
            name = f"member-{membership.pk}"
            self.members[name] = membership
            roles = ", ".join(membership.role_labels)
            self.fields[name] = forms.ChoiceField(
                label=f"{membership.user.get_full_name()} ({roles})",
                choices=self.CHOICES,
                required=False,
                initial=status,
                widget=forms.RadioSelect,
            )

    def statuses(self) -> dict:
        return {
            membership.pk: self.cleaned_data.get(name, "")
            for name, membership in self.members.items()
        }
