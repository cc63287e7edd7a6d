"""A link to the lived plan's measures on the engagement page, once the board has approved a
plan: a tag, because the engagements app below must not import monitoring (see STYLE.md).
No query: the engagement records when the board first approved its plan."""

from django import template

register = template.Library()


@register.inclusion_tag("monitoring/measures/_engagement_link.html")
def living_measures_link(engagement) -> dict:
    return {"engagement": engagement, "live": engagement.plan_approved_at is not None}
