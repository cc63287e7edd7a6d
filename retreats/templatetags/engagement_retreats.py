"""The engagement page's retreats and kept results: a tag, because the engagements app below
must not import retreats (see STYLE.md), yet its page lists them."""

from django import template

from engagements.access import Can

from .. import selectors

register = template.Library()


@register.inclusion_tag("retreats/_engagement_retreats.html", takes_context=True)
def engagement_retreats(context) -> dict:
    """Needs `access` (the viewer's engagements.access.Access) in the page's context."""
    access = context["access"]
    retreats = selectors.retreats_for(access.engagement)
    return {
        "engagement": access.engagement,
        "retreats": retreats,
        "kept": selectors.kept_results_for(retreats),
        "can_run": access.can(Can.RUN_RETREAT),
        "can_group": access.can(Can.GROUP_THEMES),
    }
