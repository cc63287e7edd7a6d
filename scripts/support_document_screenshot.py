"""Make docs/screenshots/support-document.png: the first eight pages of the support document of
the demo's engagement in progress (Riverside's Strategic Plan 2027–2032, its latest draft), side by
side in two rows of four.

    .venv/bin/python scripts/support_document_screenshot.py

It works in a SQLite database of its own (var/shot-support.sqlite3, made afresh), loads the demo,
renders the document as the worker does (reports.render), turns its pages into PNGs with pdftoppm
(poppler-utils) and lays them out with Pillow.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from demo_database import demo_database  # scripts/demo_database.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PDF = ROOT / "var" / "support-document.pdf"
PNG = ROOT / "docs" / "screenshots" / "support-document.png"
PAGES, COLUMNS, GAP, BACKGROUND = 8, 4, 12, "#d0d5dd"


def main() -> None:
    demo_database("shot-support")

    from PIL import Image

    from engagements.models import Engagement
    from planning.models import PlanVersion
    from reports import render
    from reports.models import ReportJob
    from reports.selectors import content_for

    engagement = Engagement.objects.get(name="Strategic Plan 2027–2032")
    version = PlanVersion.objects.filter(plan__engagement=engagement).order_by("-number").first()
    rendered = render.render(content_for(ReportJob.Kind.SUPPORT, engagement, version))
    PDF.write_bytes(rendered.pdf)
    prefix = ROOT / "var" / "support-page"
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603 — fixed arguments
        [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "45", "-f", "1", "-l", str(PAGES)]
        + [str(PDF), str(prefix)],
        check=True,
    )
    pages = [Image.open(path) for path in sorted(prefix.parent.glob(f"{prefix.name}-*.png"))]
    width, height = pages[0].size
    rows = -(-len(pages) // COLUMNS)
    sheet = Image.new(
        "RGB", (COLUMNS * width + (COLUMNS - 1) * GAP, rows * height + (rows - 1) * GAP), BACKGROUND
    )
    for index, page in enumerate(pages):
        row, column = divmod(index, COLUMNS)
        sheet.paste(page, (column * (width + GAP), row * (height + GAP)))
    sheet.save(PNG, optimize=True)
    print(f"{PNG} ({rendered.pages} pages in the PDF, the first {len(pages)} shown)")


if __name__ == "__main__":
    main()
