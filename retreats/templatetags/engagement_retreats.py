"""The engagement page's retreats and kept results, and the home page's retreats open now: tags,
because the engagements app below must not import retreats (see STYLE.md), yet its pages list
them."""

from django import template

from engagements.access import Can

from .. import selectors

register = template.Library()


@register.inclusion_tag("retreats/_engagement_retreats.html", takes_context=True)
def engagement_retreats(context) -> dict:
    """Needs `access` (the viewer's engagements.access.Access) in the page's context."""
    access = context["access"]
    retreats = selectors.retreats_for(access.engagement)
    joined = selectors.retreat_ids_joined_by(access.membership)
    for retreat in retreats:
        retreat.joined = retreat.pk in joined
    return {
        "engagement": access.engagement,
        "retreats": retreats,
        "kept": selectors.kept_results_for(retreats),
        "can_run": access.can(Can.RUN_RETREAT),
        "can_group": access.can(Can.GROUP_THEMES),
        "can_join": access.can(Can.CONTRIBUTE),
    }


@register.inclusion_tag("retreats/_open_retreats.html", takes_context=True)
def open_retreats(context) -> dict:
    """The signed-in member's open retreats, each with its Join button (home page)."""
    return {"retreats": selectors.open_retreats_for(context["request"].user)}
