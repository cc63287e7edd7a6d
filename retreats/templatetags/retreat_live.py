"""Filling in the shared live board region for one response."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def live_oob(region: SafeString, oob: bool) -> SafeString:
    """The region, sent in place (hx-swap) or out of band with another answer."""
    return mark_safe(region.replace("__OOB__", ' hx-swap-oob="true"' if oob else ""))  # noqa: S308
