"""The engagement page's link to the implementation schedule, once a plan is approved: a tag,
because the engagements app below must not import monitoring (see STYLE.md)."""

from django import template

register = template.Library()


@register.inclusion_tag("monitoring/schedule/_link.html")
def schedule_link(engagement) -> dict:
    """One item for the engagement's sub-navigation, empty before the board approves a plan.
    No query: the board's approval stamps the engagement (plan_approved_at)."""
    return {"engagement": engagement, "approved": engagement.plan_approved_at is not None}
