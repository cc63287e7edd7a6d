"""The "Waiting for you" panel of the home page and the engagement page: a tag, because the
engagements app below must not import planning (see STYLE.md), yet its pages show the plan's
tasks (as retreats/templatetags/engagement_retreats.py shows the retreats)."""

from django import template

from ..selectors.waiting import tasks_for

register = template.Library()


@register.inclusion_tag("planning/_waiting_for_you.html")
def waiting_for_you(memberships=None, membership=None) -> dict:
    """`memberships` (the home page's, with their engagements) or one `membership` (the
    engagement page's access.membership)."""
    every = list(memberships) if memberships is not None else [membership]
    return {"tasks": tasks_for(every), "many": memberships is not None and len(every) > 1}
