"""The shared cast and helpers: one engagement with a member per role, and an outsider."""

import email
import email.policy
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from engagements.models import PLANNING_ROLES, Role

from .factories import EngagementFactory, MembershipFactory, UserFactory

STACK = not settings.CELERY_TASK_ALWAYS_EAGER


def pytest_collection_modifyitems(config, items):
    """Tests marked `stack` need a real broker and worker: run them only under `make test-stack`."""
    if STACK:
        return
    selected = [item for item in items if "stack" not in item.keywords]
    deselected = [item for item in items if "stack" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


REAL_DATABASE = settings.DATABASES["default"]["NAME"]  # (read before the test database exists)


def _on_the_test_database() -> bool:
    from django.db import connection

    return connection.settings_dict["NAME"] != REAL_DATABASE


def _transactional(item) -> bool:
    """Does this test run outside a transaction (and empty every table when it ends)?"""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the built-in process templates the
    migrations install included. The suite runs in parallel processes a file at a time
    (pytest-xdist), so the next test here may expect them: they are put back (not after the last
    test, whose teardown has dropped the test database, nor after a test whose database was not
    set up: a failed or skipped setup leaves Django pointed at the real database)."""
    result = yield
    if nextitem is not None and _transactional(item) and _on_the_test_database():
        from pytest_django.plugin import blocking_manager_key

        from engagements.models import ProcessTemplate, TemplatePhase
        from engagements.process_data import install_builtin_templates

        with item.config.stash[blocking_manager_key].unblock():
            if not ProcessTemplate.objects.filter(owner=None).exists():
                install_builtin_templates(ProcessTemplate, TemplatePhase)
    return result


@pytest.fixture
def tasks_in_process(monkeypatch):
    """Run Celery tasks in the test's own process and transaction, also on the stack: for tests
    of tasks that read rows the test has not committed (a real worker could not see them).
    `mailbox` reads what they send from Django's outbox."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing takes a third of a second per password by design; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _exact_live_boards(settings):
    """Tests look at a board right after changing it: no reuse of a slightly older rendering
    (tests/retreats/test_participant_board.py checks that reuse on its own)."""
    settings.LIVE_BOARD_MAX_STALENESS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield


@dataclass
class Cast:
    engagement: object
    facilitator: object
    core_team: object
    plan_team: object
    board: object
    superintendent: object
    outsider: object
    foreign_engagement: object

    def member(self, role: str):
        return getattr(self, role)


@pytest.fixture
def cast(db) -> Cast:
    engagement = EngagementFactory(
        name="Strategic Plan 2027–2032", organization__name="Riverside Unified School District"
    )
    people = {}
    for role in PLANNING_ROLES:  # the hand-off's roles are given by the hand-off
        user = UserFactory(full_name=f"{role.label} Person")
        MembershipFactory(user=user, engagement=engagement, roles=[role.value])
        people[role.value] = user
    foreign = EngagementFactory(
        name="Lakeview Mission Refresh", organization__name="Lakeview Community Foundation"
    )
    outsider = UserFactory(full_name="Olive Outsider")
    MembershipFactory(user=outsider, engagement=foreign, roles=[Role.FACILITATOR.value])
    return Cast(engagement=engagement, outsider=outsider, foreign_engagement=foreign, **people)


@dataclass
class Mail:
    subject: str
    to: list[str]
    body: str


class Mailbox:
    """E-mail sent during a test: Django's outbox in-process, the worker's files on the stack."""

    def __init__(self) -> None:
        self.folder = Path(settings.EMAIL_FILE_PATH)
        self.seen = set(self.folder.glob("*")) if STACK and self.folder.exists() else set()

    def _from_files(self) -> list[Mail]:
        messages = []
        for path in sorted(set(self.folder.glob("*")) - self.seen, key=lambda p: p.stat().st_mtime):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not chunk.strip():
                    continue
                msg = email.message_from_bytes(chunk, policy=email.policy.default)
                body = msg.get_body(("plain",)).get_content()
                to = [address.addr_spec for address in msg["To"].addresses]
                # Folding a long header with encoded words can leave stray spaces: not content.
                subject = " ".join(str(msg["Subject"]).split())
                messages.append(Mail(subject=subject, to=to, body=body))
        return messages

    def messages(self) -> list[Mail]:
        """What was sent in this process (Django's outbox), then, on the stack, what the worker
        delivered to files."""
        sent_here = [Mail(subject=m.subject, to=list(m.to), body=m.body) for m in mail.outbox]
        return sent_here + self._from_files() if STACK else sent_here

    def wait(self, count: int = 1, timeout: float = 20.0) -> list[Mail]:
        """The messages, once at least `count` have arrived (a worker takes a moment)."""
        if not STACK:
            return self.messages()  # in-process delivery has already happened
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages()
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.1)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()
