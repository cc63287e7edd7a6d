"""Template filters for words around the engagement's terms: {{ terms.goal|lower|with_article }}."""

from django import template
from django.utils.html import format_html

from engagements import words

register = template.Library()


@register.filter(needs_autoescape=True)
def with_article(value, autoescape=True):
    """“an action step”, “a priority”: the article agrees with whatever term the engagement uses."""
    word = str(value).strip()
    if not word or not autoescape:
        return words.with_article(word)
    return format_html("{} {}", words.article(word), word)
