"""The engagement page's link to the progress page, the landing page of Living the plan, once
the board has approved a plan: a tag, because the engagements app below must not import
monitoring (see STYLE.md)."""

from django import template

register = template.Library()


@register.inclusion_tag("monitoring/progress/_link.html")
def progress_link(engagement) -> dict:
    """One item of the engagement's sub-navigation, empty before the board approves a plan.
    No query: the board's approval stamps the engagement (plan_approved_at)."""
    return {"engagement": engagement, "approved": engagement.plan_approved_at is not None}
