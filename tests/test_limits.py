"""Every text field has a maximum length: in the model, in every form, in words next to the
field. Multi-line fields state their limit instead of carrying a maxlength attribute."""

from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from engagements.text import CleanTextMixin, is_password
from tests.engagements.test_text import APPS, project_form_classes
from tests.factories import PhaseFactory

# Text written by the machine, never typed: no limit needed.
MACHINE_WRITTEN = {
    "reports.ReportJob.warning": "a rendering warning the PDF renderer writes",
    "reports.ReportJob.error": "a failure the report task writes",
}
# Form fields whose length is checked in their clean method or service, with a message of
# their own next to the field (and no maxlength: a browser would cut a long paste silently).
CHECKED_ELSEWHERE = {
    "CardForm.text": "retreats.services.clean_card_text: 500 characters",
    "FeedbackForm.body": "FeedbackForm.clean_body: services.review.BODY_MAX",
    "CommentForm.body": "planning.services.review.comment_add: BODY_MAX",
    "EditForm.body": "planning.services.review.comment_edit: BODY_MAX",
    "UserChangeAdminForm.email_opt_outs": "JSON data on an admin page, not words",
}


def test_every_text_field_of_every_model_has_a_maximum_length():
    unlimited = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            name = f"{model._meta.label}.{field.name}"
            if field.max_length is None and name not in MACHINE_WRITTEN:
                unlimited.append(name)
    assert unlimited == [], "give these a max_length (engagements/text.py has the usual ones)"


def test_every_text_field_of_every_form_has_a_maximum_length():
    unlimited = []
    for cls in project_form_classes():
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.CharField) or field.max_length is not None:
                continue
            if isinstance(field, forms.UUIDField) or is_password(name, field):
                continue  # a fixed format; passwords are hashed, and the body limit caps them
            if f"{cls.__name__}.{name}" not in CHECKED_ELSEWHERE:
                unlimited.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert unlimited == []


def test_a_long_text_field_says_its_limit_and_refuses_more_in_plain_words():
    class NoteForm(CleanTextMixin, forms.Form):
        note = forms.CharField(max_length=5000, widget=forms.Textarea)
        title = forms.CharField(max_length=200)

    form = NoteForm({"note": "é" * 5001, "title": "Reading plan"})
    html = str(form["note"])
    assert "maxlength" not in html  # a browser would cut a longer paste without a word
    assert form.fields["note"].help_text == "At most 5,000 characters."
    assert not form.is_valid()
    assert form.errors["note"] == ["Keep this to 5,000 characters at most: it has 5001."]
    assert 'maxlength="200"' in str(form["title"])  # one line: the browser may stop typing


def test_meeting_notes_over_their_limit_are_refused_next_to_the_field_and_kept(client, cast):
    phase = PhaseFactory(engagement=cast.engagement)
    client.force_login(cast.facilitator)
    url = reverse("engagements:meeting-new", args=[cast.engagement.pk])
    page = client.get(url).content.decode()
    assert "At most 10,000 characters." in page
    notes = "Bring the data binders. " * 500  # 12,000 characters
    response = client.post(url, {"title": "Data retreat", "phase": phase.pk, "notes": notes})
    page = response.content.decode()
    assert "Keep this to 10,000 characters at most: it has 11999." in page
    assert notes.strip() in page  # nothing typed is lost
