"""The environmental scan in other apps' pages: a link on the engagement page and the data packs
among a meeting's readings (tags, because the engagements app below must not import this one),
and a value written with its unit."""

from django import template

from .. import charts, selectors

register = template.Library()


@register.filter
def amount(value, unit: str = "") -> str:
    return "" if value is None else charts.amount(value, unit or "")


@register.inclusion_tag("evidence/_engagement_link.html")
def evidence_link(engagement) -> dict:
    return {"engagement": engagement}


@register.simple_tag
def meeting_data_packs(meeting) -> list:
    """The data packs to read before this meeting (one query), listed with its readings: a
    link to the pack's page, no file copied."""
    return selectors.packs_for_meeting(meeting)
