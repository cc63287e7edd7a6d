"""A link to action progress from the engagement page, once the board has approved a plan: a
tag, because the engagements app below must not import monitoring (see STYLE.md)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def action_progress_link(engagement) -> str:
    """One item of the engagement page's menu; nothing before the plan is approved. No query:
    the approval workflow stamps Engagement.plan_approved_at."""
    if engagement.plan_approved_at is None:
        return ""
    url = reverse("monitoring:action-steps", args=[engagement.pk])
    return format_html('<li><a href="{}">Action progress</a></li>', url)
