"""Filling in the shared live board region for one response."""

import secrets

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..live import card_mark

register = template.Library()


@register.filter
def live_oob(region: SafeString, oob: bool) -> SafeString:
    """The region, sent in place (hx-swap) or out of band with another answer."""
    return mark_safe(region.replace("__OOB__", ' hx-swap-oob="true"' if oob else ""))  # noqa: S308


@register.simple_tag
def submission_key() -> SafeString:
    """A fresh idempotency key for one rendering of a card or dot form: the server takes each
    key once, and static/js/retreat.js sends the same key again when it retries (see README,
    "Exactly-once cards and votes")."""
    return format_html(
        '<input type="hidden" name="submission_key" value="{}">', secrets.token_urlsafe(16)
    )


@register.simple_tag
def idea_card(card, activity) -> SafeString:
    """One card as a participant sees it. Written in Python, not as an included template, because
    a busy board renders it hundreds of times (about ten times faster). The viewer's own cards
    are marked after rendering (retreats/live.py, `personal`), so one rendering serves everyone;
    the card carries a mark that only its author's page can match, never the author's id
    (`card_mark`)."""
    mark = card_mark(card.author_id, card.pk)
    if activity.show_authors and card.author_id:
        who = format_html(
            '<p class="idea-card__meta">{}<!--you:{}--></p>', card.author.display_name, mark
        )
    else:
        who = format_html("<!--yours:{}-->", mark)
    merged = ""
    if count := getattr(card, "source_count", 0):
        merged = format_html(
            '<p class="idea-card__meta">and {} similar card{} merged into it</p>',
            count,
            pluralize(count),
        )
    return format_html(
        '<li class="idea-card" data-mark="{}" data-card="{}">'
        '<p class="idea-card__text">{}</p>{}{}{}</li>',
        mark,
        card.pk,
        card.text,
        evidence_line(card),
        who,
        merged,
    )


def evidence_line(card, css: str = "idea-card__evidence") -> SafeString | str:
    """ "Evidence: <indicator>" under a SWOT card that cites one (the board's selector reads the
    name in its one query; a card just added or edited carries or fetches its indicator)."""
    if not card.evidence_id:
        return ""
    name = getattr(card, "evidence_name", None) or card.evidence.name
    return format_html('<p class="{}">Evidence: {}</p>', css, name)


@register.simple_tag
def card_evidence(card, css: str = "idea-card__evidence") -> SafeString | str:
    return evidence_line(card, css)
