"""Make docs/screenshots/board-report.png: the first page of the board progress report of the
demo's lived plan (Riverside's Strategic Plan 2021–2026), with a cover note and two highlights.

    .venv/bin/python scripts/board_report_screenshot.py

It works in a SQLite database of its own (var/shot-board.sqlite3, made afresh), loads the demo,
renders the report as the worker does (reports.render) and turns its first page into a PNG with
pdftoppm (poppler-utils).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from demo_database import demo_database  # scripts/demo_database.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PDF = ROOT / "var" / "board-report.pdf"
PNG = ROOT / "docs" / "screenshots" / "board-report.png"


def main() -> None:
    demo_database("shot-board")

    from accounts.models import User
    from engagements.models import Engagement
    from reports import render
    from reports.board import board_content, recent_periods
    from reports.board_services import board_note_save

    engagement = Engagement.objects.get(name="Strategic Plan 2021–2026")
    period = recent_periods(engagement)[0]
    content = board_content(engagement, period)
    wanted = [item["key"] for item in content["road_blocks"][:1] + content["successes"][:1]]
    board_note_save(
        engagement=engagement,
        period=period,
        cover_note=(
            "Attendance keeps improving and the reading coaches are in every school. "
            "Suspensions are still off track: the team reviews them monthly and will bring "
            "a revised plan to the next meeting."
        ),
        highlights=wanted,
        user=User.objects.get(email="facilitator@riverside.example"),
    )
    rendered = render.render(board_content(engagement, period))
    PDF.write_bytes(rendered.pdf)
    prefix = ROOT / "var" / "board-report-page"
    subprocess.run(  # noqa: S603 — fixed arguments
        [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1"]
        + ["-singlefile", str(PDF), str(prefix)],
        check=True,
    )
    PNG.write_bytes(prefix.with_suffix(".png").read_bytes())
    print(f"{PNG} ({rendered.pages} pages in the PDF)")


if __name__ == "__main__":
    main()
