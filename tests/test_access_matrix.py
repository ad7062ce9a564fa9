"""The access matrix: every URL pattern of the project, tried as every kind of user.

A pattern without a row fails the suite. When you add a URL, add its row to the module
of tests/access_rows/ for its area (or a new module there): what each kind of user gets
(see OUTCOMES in base.py). A rows module may define ``setup(world)`` to add what its
rows need to the shared world. Scoping of the data itself is tested per feature; this
file makes sure nobody reaches a page they should not, and nobody is locked out of one
they need.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_rows
from tests.access_rows.base import KINDS, OUTCOMES, Row
from tests.conftest import sign_in

AREAS = [
    importlib.import_module(f"tests.access_rows.{info.name}")
    for info in pkgutil.iter_modules(tests.access_rows.__path__)
    if info.name != "base"
]
MATRIX: dict[str, Row] = {}
for _area in AREAS:
    _clash = set(MATRIX) & set(_area.ROWS)
    assert not _clash, f"rows defined twice: {_clash}"
    MATRIX.update(_area.ROWS)


def _walk(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


ALL_NAMES = sorted(set(_walk(get_resolver())))


@pytest.fixture
def plan_world(world):
    from tests.plan_fixtures import build_plan

    return build_plan(world)


@pytest.fixture
def library(world, settings, tmp_path):
    from tests.programs.conftest import build_library

    return build_library(world, settings, tmp_path)


def test_every_url_pattern_has_a_row():
    missing = [name for name in ALL_NAMES if name not in MATRIX]
    assert not missing, f"URL patterns without an access-matrix row: {missing}"


def test_no_row_is_left_over():
    stale = [name for name in MATRIX if name not in ALL_NAMES]
    assert not stale, f"Access-matrix rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_access(name, world, client, recovery_codes, plan_world, library):
    for area in AREAS:
        if hasattr(area, "setup"):
            area.setup(world)
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    failures = []
    for kind in KINDS:
        if row.per_kind:
            url = reverse(name, kwargs=row.kwargs(world))
        client.logout()
        if kind != "anon":
            sign_in(client, world[kind])
        response = getattr(client, row.method)(url, row.data)
        expected = row.outcome(kind)
        if not OUTCOMES[expected](response):
            where = response.get("Location", "")
            failures.append(f"{kind}: expected {expected}, got {response.status_code} {where}")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
