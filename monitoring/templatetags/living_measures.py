"""A link to the lived plan's measures on the engagement page, once the board has approved a
plan: a tag, because the engagements app below must not import monitoring (see STYLE.md)."""

from django import template

from ..selectors.plan import approved_version

register = template.Library()


@register.inclusion_tag("monitoring/measures/_engagement_link.html")
def living_measures_link(engagement) -> dict:
    return {"engagement": engagement, "live": approved_version(engagement) is not None}
