"""Numbers in addresses that no row can have: a draft number or a query value far beyond what
the database stores (e.g. a mistyped or tampered link) is "not found" (404), never a server
error. Walks every URL that takes a number, and the query values that name a row."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.urls.converters import IntConverter

from planning import services
from tests.factories import GoalFactory, PlanVersionFactory
from tests.test_url_protection import ALL_VIEWS, sample_kwargs

pytestmark = pytest.mark.django_db

HUGE = (
    "99999999999999999999",  # beyond a 64-bit integer: SQLite refused it with an OverflowError
    str(2**63),  # just beyond a 64-bit integer
    str(2**31),  # beyond a 32-bit integer column
)

NUMBERED = [
    (name, pattern)
    for name, pattern in ALL_VIEWS
    if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
]


def test_the_walk_finds_the_numbered_addresses():
    names = {name for name, _ in NUMBERED}
    assert {"planning:draft", "planning:review", "planning:buy-in", "planning:inbox"} <= names


@pytest.mark.parametrize("name,pattern", NUMBERED, ids=[name for name, _ in NUMBERED])
@pytest.mark.parametrize("huge", HUGE)
def test_a_number_no_draft_can_have_is_not_found(client, cast, name, pattern, huge):
    PlanVersionFactory(plan=services.plan_for(cast.engagement), number=7)
    # the engagement's own objects for the other parts of the address, so only the number is off
    own = sample_kwargs(pattern, SimpleNamespace(foreign_engagement=cast.engagement))
    kwargs = {
        argument: huge if isinstance(converter, IntConverter) else own[argument]
        for argument, converter in pattern.pattern.converters.items()
    }
    address = reverse(name, kwargs=kwargs)
    client.force_login(cast.facilitator)
    for method in ("get", "post"):
        status = getattr(client, method)(address).status_code
        assert status in (404, 405), f"{method.upper()} {address} gave {status}"


@pytest.mark.parametrize("huge", HUGE)
def test_comparing_with_a_draft_number_no_draft_can_have_is_not_found(client, cast, huge):
    plan = services.plan_for(cast.engagement)
    GoalFactory(plan=plan, title="Réussite des élèves")
    PlanVersionFactory(plan=plan, number=1)
    client.force_login(cast.facilitator)
    compare = reverse("planning:compare", args=[cast.engagement.pk])
    for query in (f"a=1&b={huge}", f"a={huge}&b=1", f"a={huge}&b={huge}0"):
        assert client.get(f"{compare}?{query}").status_code == 404, query


# Every query parameter a view reads (request.GET) somewhere in the project.
QUERY_NAMES = [
    "a",
    "b",
    "v",
    "s",
    "seen",
    "on",
    "parent",
    "state",
    "phase",
    "template",
    "kind",
    "only",
    "next",
    "action",
    "q",
    "organization",
    "status",
    "part",
    "category",
    "source",
]


@pytest.mark.parametrize("name,pattern", ALL_VIEWS, ids=[name for name, _ in ALL_VIEWS])
def test_huge_numbers_in_any_query_never_break_a_page(client, cast, name, pattern):
    """The engagement's own facilitator, every query value a huge number: an answer, never a
    server error."""
    own = sample_kwargs(pattern, SimpleNamespace(foreign_engagement=cast.engagement))
    query = "&".join(f"{key}={HUGE[0]}" for key in QUERY_NAMES)
    client.force_login(cast.facilitator)
    address = f"{reverse(name, kwargs=own)}?{query}"
    status = client.get(address).status_code
    # The readiness check answers 503 by design when a part is not ready (on the stack no beat
    # sends the worker heartbeat); that is its answer, not a server error.
    ready_says_not_ready = name == "readyz" and status == 503
    assert status < 500 or ready_says_not_ready, f"GET {address} gave {status}"
