"""Filters for meeting pages: lengths in hours and minutes, kinds of files."""

from django import template
from django.template.defaultfilters import pluralize

from ..services.meetings import READING_TYPES, size_in_words

register = template.Library()

_LABELS = {file_type.content_type: file_type.label for file_type in READING_TYPES.values()}


@register.filter
def hours_minutes(minutes: int | None) -> str:
    """90 -> "1 hour 30 minutes", 120 -> "2 hours", 45 -> "45 minutes"."""
    hours, rest = divmod(int(minutes or 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{pluralize(hours)}")
    if rest or not hours:
        parts.append(f"{rest} minute{pluralize(rest)}")
    return " ".join(parts)


@register.filter
def file_kind(content_type: str) -> str:
    """A stored reading's content type in words: "PDF", "Word document"..."""
    return _LABELS.get(content_type, "File")


@register.filter
def file_size(size: int) -> str:
    """2048 -> "2 KB", 3145728 -> "3 MB"."""
    return size_in_words(int(size or 0))
