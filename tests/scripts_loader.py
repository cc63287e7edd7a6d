"""Import scripts/preflight.py (scripts/ is not a package) for the tests."""

import importlib.util
from pathlib import Path

_path = Path(__file__).resolve().parents[1] / "scripts" / "preflight.py"
_spec = importlib.util.spec_from_file_location("preflight", _path)
preflight = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(preflight)
