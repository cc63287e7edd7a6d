"""A throwaway SQLite database with the demo loaded, for the scripts that make the README's
pictures of PDFs (board_report_screenshot.py, support_document_screenshot.py)."""

import io
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_database(name: str) -> None:
    """Set Django up on var/<name>.sqlite3, made afresh, migrated and with the demo loaded; tasks
    run in-process (no Redis)."""
    database = ROOT / "var" / f"{name}.sqlite3"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    for variable in ("REDIS_URL", "REDIS_CACHE_URL", "DEBUG"):
        os.environ.pop(variable, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(ROOT / "var" / "shot-media"),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
