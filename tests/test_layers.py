"""The layers hold: apps import only downward (the import-linter contracts in
.importlinter), no two apps import each other in any direction, and
docs/architecture.md draws the layers the contract checks."""

from __future__ import annotations

import ast
import configparser
import functools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tessera"
CONFIG = ROOT / ".importlinter"
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def contract_layers() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    return [
        line.strip()
        for line in config["importlinter:contract:layers"]["layers"].splitlines()
        if line.strip()
    ]


@functools.cache
def parsed(path: Path) -> tuple[str, ast.Module]:
    """The module's source and syntax tree, read once for all the tests here."""
    source = path.read_text()
    return source, ast.parse(source)


def imported_apps(path: Path) -> set[str]:
    """Every tessera app the module imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(parsed(path)[1]):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
            if node.module == "tessera":
                names = [f"tessera.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tessera" and len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
                found.add(parts[1])
    return found


def app_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[0]
        graph[app] |= imported_apps(path) - {app}
    return graph


def test_the_import_contracts_are_kept():
    # In a process of its own: import-linter configures logging, which would silence
    # Tessera's loggers for the tests that run after this one.
    run = subprocess.run(
        [sys.executable, "-c", LINT, str(CONFIG)], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_two_apps_import_each_other():
    graph = app_graph()
    both_ways = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, ()))
    assert both_ways == []


def test_no_import_of_another_app_hides_in_a_function_without_a_reason():
    """An import of another app inside a function dodges the contract's spirit: it
    belongs at module level, or carries a comment saying why it cannot be there."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        source, tree = parsed(path)
        lines = source.splitlines()
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                target = node.module.split(".")
                if target[0] != "tessera" or len(target) < 2 or target[1] == parts[0]:
                    continue
                if "#" not in " ".join(lines[node.lineno - 1 : node.end_lineno]):
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert hidden == []


def test_every_app_is_in_a_layer():
    layered = {name.strip() for line in contract_layers() for name in line.split("|")}
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= layered


def test_the_architecture_document_draws_the_contract():
    text = (ROOT / "docs" / "architecture.md").read_text()
    for line in contract_layers():
        drawn = " | ".join(f"tessera.{name.strip()}" for name in line.split("|"))
        assert drawn in text, drawn
