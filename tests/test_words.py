"""Words people read: no internal names of the source documents ("seed 002") anywhere a
facilitator or member can see them, in pages, form texts, messages or template sources."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "engagements", "listening", "retreats", "synthesis", "planning", "reports")
SEED = re.compile(r"\bseeds?\b", re.IGNORECASE)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_text_shown_to_people_names_a_seed_document():
    shown = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docstrings
                    and SEED.search(node.value)
                ):
                    shown.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:70]}")
    for folder in (ROOT / "templates", *(ROOT / app / "templates" for app in APPS)):
        for path in folder.rglob("*.*"):
            if path.suffix in (".html", ".txt") and SEED.search(COMMENT.sub("", path.read_text())):
                shown.append(str(path.relative_to(ROOT)))
    assert shown == []
