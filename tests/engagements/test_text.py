"""The one text cleaner: control and bidi-override characters go, text of only invisible
characters is empty, and every form in the project cleans its text fields with it."""

import copy
import importlib
import pkgutil

import pytest
from django import forms

from engagements.text import CleanTextMixin, clean_text, guard_text_field

APPS = ("accounts", "engagements", "listening", "retreats", "planning", "reports", "monitoring")
NASTY = "\u202eMore \x1barts\x07 for \u2066everyone\u2069"


def test_control_and_bidi_override_characters_are_removed():
    assert clean_text(NASTY) == "More arts for everyone"


def test_multi_line_text_keeps_its_newlines_and_tabs_and_one_line_text_gets_spaces():
    typed = "Strengths:\r\n\t- teachers\u00a0who stay\n- café\x00"
    assert clean_text(typed, multiline=True) == "Strengths:\n\t- teachers\u00a0who stay\n- café"
    assert clean_text("Ana\nLópez\tSmith") == "Ana López Smith"


@pytest.mark.parametrize(
    "invisible", ["\u200b\u200b\u200b", "\u200c\u200d\ufeff", " \u2060\u00ad ", "\u3164", "\u202e"]
)
def test_text_of_only_invisible_characters_is_empty(invisible):
    assert clean_text(invisible) == ""
    assert clean_text(invisible, multiline=True) == ""


def test_emoji_and_accents_and_right_to_left_words_survive():
    family = "Families 👨\u200d👩\u200d👧 welcome — مرحبا, niños"
    assert clean_text(family) == family


def project_form_classes() -> list[type]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in APPS:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_in_the_project_cleans_its_text_fields():
    classes = project_form_classes()
    assert len(classes) > 40  # the walk found the project's forms
    unguarded = [cls.__qualname__ for cls in classes if not issubclass(cls, CleanTextMixin)]
    assert unguarded == [], "add CleanTextMixin (engagements/text.py) to these forms"
    for cls in classes:
        assert cls.__mro__.index(CleanTextMixin) < cls.__mro__.index(forms.BaseForm)
        for name, base_field in cls.base_fields.items():
            field = copy.deepcopy(base_field)
            guard_text_field(name, field)
            # Plain text fields (e-mail, link and id fields have formats of their own).
            if type(field) is forms.CharField and "password" not in name:
                cleaned = field.to_python("Plan\u202e \x1bnow\x07")
                assert cleaned == "Plan now", f"{cls.__qualname__}.{name}"
                assert field.to_python("\u200b\u200b") in field.empty_values, name


def test_passwords_are_left_as_typed():
    class Form(CleanTextMixin, forms.Form):
        password = forms.CharField(widget=forms.PasswordInput, strip=False)
        secret = forms.CharField(widget=forms.PasswordInput, strip=False)

    typed = "\u202ecorrect\x07horse "
    form = Form({"password": typed, "secret": typed})
    assert form.is_valid()
    assert form.cleaned_data == {"password": typed, "secret": typed}


def test_fields_added_when_the_form_is_made_are_cleaned_too():
    class Form(CleanTextMixin, forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["note"] = forms.CharField(widget=forms.Textarea)

    form = Form({"note": "line one\r\n\x1bline two"})
    assert form.is_valid()
    assert form.cleaned_data["note"] == "line one\nline two"
    assert not Form({"note": "\u200b"}).is_valid()
