"""“a” or “an” before whatever the client calls the parts of a plan."""

import pytest
from django.template import Context, Template

from engagements.words import with_article


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("objective", "an objective"),
        ("action step", "an action step"),
        ("Indicator", "an Indicator"),
        ("goal", "a goal"),
        ("priority", "a priority"),
        ("unit goal", "a unit goal"),
        ("university partnership", "a university partnership"),
        ("hour of learning", "an hour of learning"),
        ("European exchange", "a European exchange"),
        ("one-year target", "a one-year target"),
        ("KPI", "a KPI"),
        ("", ""),
    ],
)
def test_the_article_agrees_with_the_word(word, expected):
    assert with_article(word) == expected


def test_the_template_filter_takes_the_engagements_term():
    template = Template("{% load words %}Add {{ term|lower|with_article }}")
    assert template.render(Context({"term": "Action step"})) == "Add an action step"
    assert template.render(Context({"term": "Outcome <i>& result</i>"})) == (
        "Add an outcome &lt;i&gt;&amp; result&lt;/i&gt;"
    )
