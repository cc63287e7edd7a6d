"""Progress page benchmark: server time to render the lived plan's progress page for a large plan.

Run by hand (not part of the test suites):

    .venv/bin/python bench/progress_page.py             # 3 rounds, prints the median
    .venv/bin/python bench/progress_page.py --rounds 5

It works in a SQLite database of its own (var/bench-progress.sqlite3, made afresh), builds an
approved plan of 12 goals x 6 strategies x 5 measures (360 measures, each with 36 monthly
readings: 12,960 readings) and two action steps per strategy (144, half with an update), reads the
page once to warm up (the first read takes the measures over from the snapshot), then times the
whole request through the Django test client (middleware, access, queries, templates, 360 SVG
charts and their tables) for each round, as a board member. It prints each round (wall clock and
CPU time of this process: on a busy machine the first stretches, the second hardly), the median,
the number of queries and the page's size. Target: median under 300 ms (it exits non-zero
when missed).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench-progress.sqlite3"
GOALS, STRATEGIES, MEASURES, READINGS, STEPS = 12, 6, 5, 36, 2


def setup() -> None:
    DB.parent.mkdir(exist_ok=True)
    DB.unlink(missing_ok=True)
    for name in ("REDIS_URL", "REDIS_CACHE_URL", "DEBUG"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{DB}",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def lived_plan():
    """The engagement, its board member, and the approved plan with its readings and updates."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from engagements.models import Engagement, Membership, Organization
    from engagements.services.engagements import engagement_plan_approved
    from monitoring.models import ActionUpdate, MeasureReading
    from monitoring.selectors.measures import lived_measures
    from monitoring.status import add_months
    from planning import services as planning
    from planning.models import ActionStep, Approval, Goal, Measure, Strategy

    organization = Organization.objects.create(name="Bench Élémentaire School District")
    engagement = Engagement.objects.create(organization=organization, name="Plan “2030”")
    board = User.objects.create(email="board@bench.example", full_name="Board Member")
    Membership.objects.create(user=board, engagement=engagement, roles=["board"])
    owners = [
        Membership.objects.create(
            user=User.objects.create(email=f"owner{n}@bench.example", full_name=f"Owner Nº{n}"),
            engagement=engagement,
            roles=["plan_team"],
        )
        for n in range(GOALS)
    ]
    today = timezone.localdate()
    start = add_months(today, -READINGS)
    plan = planning.plan_for(engagement)
    for g in range(GOALS):
        goal = Goal.objects.create(
            plan=plan,
            title=f"Goal {g + 1}: every student reads with confidence",
            position=g,
            owner=owners[g],
        )
        for s in range(STRATEGIES):
            strategy = Strategy.objects.create(
                goal=goal, title=f"Strategy {s + 1}: coaching “Read with Me”", position=s
            )
            for m in range(MEASURES):
                Measure.objects.create(
                    goal=None,
                    strategy=strategy,
                    indicator=f"Students reading at grade level, école {m + 1}",
                    baseline=Decimal(50),
                    baseline_date=start,
                    target=Decimal(80),
                    target_date=add_months(today, 24),
                    unit="%",
                    frequency=Measure.Frequency.MONTHLY,
                    position=m,
                )
            for a in range(STEPS):
                ActionStep.objects.create(
                    strategy=strategy,
                    description="Train every teacher in guided reading and coach them monthly.",
                    due_date=today + timedelta(days=90 * (a - 1)),
                    owner=owners[g],
                    position=a,
                )
    version = planning.version_save(plan=plan, label="Approved by the board", author=None)
    Approval.objects.create(
        version=version,
        plan=plan,
        rule=plan.approval_rule,
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
    )
    engagement_plan_approved(engagement_id=engagement.pk)
    readings = []
    for n, measure in enumerate(lived_measures(engagement).measures):
        for month in range(READINGS):
            value = Decimal(50) + Decimal(month) * Decimal("0.6") - Decimal(n % 7)
            readings.append(
                MeasureReading(
                    measure=measure.monitored,
                    taken_on=add_months(start, month + 1),
                    value=value,
                    entered_by=board,
                )
            )
    MeasureReading.objects.bulk_create(readings, batch_size=2000)
    steps = ActionStep.objects.filter(strategy__goal__plan=plan)
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            engagement=engagement,
            action_step_id=step.pk,
            status="on_track",
            percent=40,
            author=board,
            author_name="Board Member",
        )
        for step in steps[::2]
    )
    return engagement, board


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    engagement, board = lived_plan()
    client = Client()
    client.force_login(board)
    url = reverse("monitoring:progress", args=[engagement.pk])
    assert client.get(url).status_code == 200  # warm-up: takes the measures over
    queries = []
    with connection.execute_wrapper(lambda run, sql, *rest: queries.append(sql) or run(sql, *rest)):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="p-item p-measure"') == GOALS * STRATEGIES * MEASURES
    times, cpu = [], []
    for n in range(args.rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        print(f"round {n + 1}: {times[-1]:.0f} ms ({cpu[-1]:.0f} ms of CPU)")
    median = statistics.median(times)
    print(
        f"CPU time (the machine's other load hardly stretches it): "
        f"median {statistics.median(cpu):.0f} ms"
    )
    print(
        f"progress page, {GOALS} goals x {STRATEGIES} strategies x {MEASURES} measures, "
        f"{READINGS} readings each: median {median:.0f} ms over {args.rounds} rounds, "
        f"{len(queries)} queries, {len(text) / 1024:.0f} KiB of HTML "
        f"({'under' if median < 300 else 'OVER'} the 300 ms target)"
    )
    sys.exit(0 if median < 300 else 1)


if __name__ == "__main__":
    main()
