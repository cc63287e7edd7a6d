"""Links to My updates and the update cycle on the engagement page, once the board has approved
a plan: a tag, because the engagements app below must not import monitoring (see STYLE.md)."""

from django import template

from engagements.access import Can

register = template.Library()


@register.inclusion_tag("monitoring/cycle/_link.html", takes_context=True)
def update_cycle_links(context, engagement) -> dict:
    access = context.get("access")
    return {
        "engagement": engagement,
        "live": engagement.plan_approved_at is not None,
        "runs_cycle": access is not None and access.can(Can.UPDATE_ANY_PROGRESS),
    }
