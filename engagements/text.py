"""One cleaner for every text people type: control and bidi-override characters are removed, and
text made only of invisible characters counts as empty. Forms get it from CleanTextMixin (a test
walks every form class), importers call clean_text."""

import unicodedata

from django import forms

# The longest text each kind of field takes, in characters (README, "Security headers and
# limits"): generous for what people write, a wall against a pasted book. Model fields carry them,
# so every form built on a model says and checks them.
REASON_MAX_LENGTH = 2_000  # a reason or a short note
TEXT_MAX_LENGTH = 5_000  # a description, a recommendation, an agenda item's notes
NOTES_MAX_LENGTH = 10_000  # a meeting's notes

# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what follows
# them, so a card can show something other than what it says. Marks (U+200E/U+200F) stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing though Unicode does not call them format characters.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def is_blank(text: str) -> bool:
    """True when nothing would show: only spaces, zero-width and other invisible characters."""
    return all(
        ch.isspace() or ch in BLANK_LOOKING or unicodedata.category(ch) in ("Cf", "Cc")
        for ch in text
    )


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text without control (ESC, BEL…) and bidi-override characters; "" when nothing visible
    is left. Multi-line text keeps its newlines and tabs; in one-line text they become spaces."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in value:
        if ch in BIDI_CONTROLS:
            continue
        if unicodedata.category(ch) == "Cc":
            if ch in "\n\t":
                kept.append(ch if multiline else " ")
            elif ch == "\r":
                kept.append(" ")
            continue
        kept.append(ch)
    text = "".join(kept)
    return "" if is_blank(text) else text


def is_password(name: str, field: forms.Field) -> bool:
    return isinstance(field.widget, forms.PasswordInput) or "password" in name


def guard_text_field(name: str, field: forms.Field) -> None:
    """Make this form field clean its text before its own checks, so a required field holding
    only invisible characters answers with its usual "required" message. Passwords stay as typed."""
    if not isinstance(field, forms.CharField) or is_password(name, field):
        return
    if isinstance(field, forms.JSONField):  # data, not words (only admin pages have one)
        return
    if getattr(field, "text_guarded", False):
        return
    multiline = isinstance(field.widget, forms.Textarea)
    to_python = field.to_python

    def cleaned_to_python(value):
        if isinstance(value, str):
            value = clean_text(value, multiline=multiline)
        return to_python(value)

    field.to_python = cleaned_to_python
    field.text_guarded = True


def state_limit(name: str, field: forms.Field) -> None:
    """A text field with a maximum length says it in its help text and refuses longer text in
    plain words next to the field. Multi-line fields get no `maxlength` attribute: a browser
    would cut a long paste off without a word, and nothing typed may be lost."""
    if not isinstance(field, forms.CharField) or is_password(name, field) or not field.max_length:
        return
    if getattr(field, "limit_stated", False):
        return
    limit = field.max_length
    field.error_messages.setdefault(
        "max_length", f"Keep this to {limit:,} characters at most: it has %(show_value)s."
    )
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs.pop("maxlength", None)
        if "characters" not in str(field.help_text):
            shown = f"At most {limit:,} characters."
            field.help_text = f"{field.help_text} {shown}" if field.help_text else shown
    field.limit_stated = True


class CleanTextMixin:
    """Put first in every form's bases. Fields added in a form's __init__ are guarded too, as the
    guard is applied when the form is cleaned; length limits are stated when the form is made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            state_limit(name, field)

    def full_clean(self):
        for name, field in self.fields.items():
            guard_text_field(name, field)
        super().full_clean()
