"""One name for one kind of thing: writes live in an ``actions/`` package, pages in
``views``, and views hand an action's errors to the one helper that puts them beside
the form's fields (``tessera.core.forms.add_action_errors``)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tessera"
APPS = sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def view_modules():
    for app in APPS:
        views = app / "views"
        yield from views.rglob("*.py") if views.is_dir() else [app / "views.py"]


def test_writes_live_in_an_actions_package():
    single = [str(app.relative_to(PACKAGE)) for app in APPS if (app / "actions.py").exists()]
    assert not single, f"turn actions.py into an actions/ package in: {single}"


def test_no_views_module_beside_a_views_package():
    stray = [str(path.relative_to(PACKAGE)) for app in APPS for path in app.glob("views_*.py")]
    assert not stray, f"move into the app's views/ package: {stray}"


def test_every_app_has_a_readme():
    missing = [app.name for app in APPS if not (app / "README.md").exists()]
    assert not missing, f"apps without README.md: {missing}"


HAND_ROLLED = [
    re.compile(r"\.message_dict\b"),
    re.compile(r"\.add_error\(None, (exc|error|err|e)\)"),
    re.compile(r"\.add_error\(None, (exc|error|err|e)\.messages\)"),
]


def test_views_put_action_errors_through_the_one_helper():
    found = []
    for path in view_modules():
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(pattern.search(line) for pattern in HAND_ROLLED):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, "use tessera.core.forms.add_action_errors:\n" + "\n".join(found)
