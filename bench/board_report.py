"""Board report benchmark: the board progress report of a large lived plan rendered the way a warm
Celery worker renders it, next to WeasyPrint alone rendering the same final HTML.

Run by hand (not part of the test suites):

    .venv/bin/python bench/board_report.py             # 5 rounds
    .venv/bin/python bench/board_report.py --rounds 9
    .venv/bin/python bench/board_report.py --profile   # where one full render spends its time

It works in a SQLite database of its own (var/bench-board.sqlite3, made afresh) with tasks
in-process, builds the progress page benchmark's plan (bench/progress_page.py: 12 goals x 6
strategies x 5 measures, 360 measures with 36 monthly readings each, 144 action steps), renders the
report once to warm up (fonts, templates), then for each round:

- "full": what a worker does for a job: read the content (the queries), make the job, draw the
  360 charts, render the templates, lay out and write the PDF, store it and finish the job
  (reports.board_services.board_report_request + job_render, as the task runs it);
- "WeasyPrint alone": the same final HTML straight to PDF bytes with the same warm fonts.

It prints the medians, their ratio, the pages, and the load average (`uptime`): the machine may
be busy with other work. Target: full under 2 s (it exits non-zero when missed).
"""

import argparse
import cProfile
import importlib
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB = ROOT / "var" / "bench-board.sqlite3"
TARGET = 2.0


def setup() -> None:
    DB.parent.mkdir(exist_ok=True)
    DB.unlink(missing_ok=True)
    for name in ("REDIS_URL", "REDIS_CACHE_URL", "DEBUG"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{DB}",
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


CPU: dict[str, list[float]] = {}


def timed(fn, rounds: int, name: str) -> list[float]:
    """Wall-clock seconds of each round; CPU seconds of this process go to CPU[name] (on a busy
    machine the first stretches, the second hardly)."""
    times = CPU.setdefault(name, [])
    walls = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        times.append(time.process_time() - start_cpu)
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup()
    from django.template.loader import render_to_string

    progress_page = importlib.import_module("progress_page")  # bench/progress_page.py
    GOALS, STRATEGIES, MEASURES, READINGS = (
        progress_page.GOALS,
        progress_page.STRATEGIES,
        progress_page.MEASURES,
        progress_page.READINGS,
    )
    from reports import render
    from reports.board import board_content, recent_periods, with_charts
    from reports.board_services import board_report_request
    from reports.models import ReportJob

    engagement, board = progress_page.lived_plan()
    period = recent_periods(engagement)[0]

    def full() -> ReportJob:
        # A new job each round (the cache would otherwise hand back the first one).
        ReportJob.objects.filter(engagement=engagement).delete()
        job, reused = board_report_request(engagement=engagement, period=period, user=board)
        job.refresh_from_db()  # rendered in-process as it was asked for
        assert not reused and job.state == ReportJob.State.DONE, job.error
        return job

    job = full()  # warm: fonts found, templates compiled, the measures taken over
    content = board_content(engagement, period)
    html = render_to_string(
        render.TEMPLATES[ReportJob.Kind.BOARD],
        {"c": with_charts(content, pdf=True), "page_size": "letter", "logo": ""},
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        full()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        laid_out = time.perf_counter()
        document = render.pdf_document(html)
        laid_out = time.perf_counter() - laid_out
        written = time.perf_counter()
        document.write_pdf()
        written = time.perf_counter() - written
        print(f"WeasyPrint: layout {laid_out:.3f} s, writing the PDF {written:.3f} s")
    alone = timed(lambda: render.pdf_document(html).write_pdf(), args.rounds, "alone")
    whole = timed(full, args.rounds, "full")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    median, median_alone = statistics.median(whole), statistics.median(alone)
    print(f"rounds, full: {', '.join(f'{t:.2f}' for t in whole)} s")
    print(f"rounds, WeasyPrint alone: {', '.join(f'{t:.2f}' for t in alone)} s")
    print(
        f"board report, {GOALS} goals x {STRATEGIES} strategies x {MEASURES} measures, "
        f"{READINGS} readings each: {job.pages} pages, {len(html) / 1024:.0f} KiB of HTML; "
        f"full median {median:.3f} s, WeasyPrint alone {median_alone:.3f} s, "
        f"ratio {median / median_alone:.2f} ({'under' if median < TARGET else 'OVER'} the "
        f"{TARGET:.0f} s target); {median_alone / job.pages * 1000:.0f} ms a page"
    )
    print(
        f"CPU time medians: full {statistics.median(CPU['full']):.3f} s, "
        f"WeasyPrint alone {statistics.median(CPU['alone']):.3f} s"
    )
    print(f"load average (as uptime prints it): {load}, on {os.cpu_count()} cores")
    sys.exit(0 if median < TARGET else 1)


if __name__ == "__main__":
    main()
