"""The access matrix: every URL pattern of the project, tried as every kind of user.

A pattern without a row fails the suite. When you add a URL, add its row to the module
of tests/access_rows/ for its area (or a new module there): what each kind of user gets
(see OUTCOMES in base.py). A rows module may define ``setup(world)`` to add what its
rows need to the shared world. The world is built once for the whole matrix (see
tests/snapshot.py) and each URL's test rolls back to it. Scoping of the data itself is
tested per feature; this file makes sure nobody reaches a page they should not, and
nobody is locked out of one they need.
"""

from __future__ import annotations

import atexit
import importlib
import pkgutil
import shutil
import tempfile
import time
from http.cookies import SimpleCookie

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_rows
from tests.access_rows.base import KINDS, OUTCOMES, Row
from tests.conftest import build_world, sign_in
from tests.snapshot import shared, shared_data

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
    """Each URL pattern of the project: its full name, and the pattern."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern


ALL_NAMES = sorted({name for name, _pattern in _walk(get_resolver())})
SessionStore = importlib.import_module(django_settings.SESSION_ENGINE).SessionStore


def build_matrix_world():
    """The world with everything the rows need: the manager's recovery codes, a plan, a
    library (its media in a folder of its own) and what each rows module's setup adds."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.plan_fixtures import build_plan
    from tests.programs.conftest import add_library

    media_root = tempfile.mkdtemp(prefix="tessera-matrix-media-")
    atexit.register(shutil.rmtree, media_root, ignore_errors=True)
    with override_settings(MEDIA_ROOT=media_root):
        world = build_world()
        RecoveryCodes.activate(world["manager"])
        build_plan(world)
        add_library(world)
        for area in AREAS:
            if hasattr(area, "setup"):
                area.setup(world)
    world.media_root = media_root
    # Everyone signs in once, here; each URL's test then uses these sessions.
    world.sessions = {
        kind: sign_in(Client(), world[kind]).session.session_key for kind in KINDS if kind != "anon"
    }
    return world


def become(client, world, kind: str):
    """The client as `kind`, signed in (password, second factor, reauthentication) just
    now, as sign_in leaves it: the session made for them when the world was built, its
    sign-in times set to now. Each kind's session serves one request per URL, and each
    URL's test rolls back what its requests did to it."""
    client.cookies = SimpleCookie()
    if kind == "anon":
        return
    session = SessionStore(session_key=world.sessions[kind])
    now = time.time()
    session["account_authentication_methods"] = [
        {**record, "at": now} for record in session["account_authentication_methods"]
    ]
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key


shared_data("matrix_world")(build_matrix_world)


@pytest.fixture
def matrix_world(request, _snapshots, db, settings):
    """Built once for the whole matrix; each URL's test rolls back to it."""
    world = shared(request, "matrix_world")
    settings.MEDIA_ROOT = world.media_root
    return world


def test_every_url_pattern_has_a_row():
    missing = [name for name in ALL_NAMES if name not in MATRIX]
    assert not missing, f"URL patterns without an access-matrix row: {missing}"


def test_no_row_is_left_over():
    stale = [name for name in MATRIX if name not in ALL_NAMES]
    assert not stale, f"Access-matrix rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_access(name, matrix_world, client):
    world = matrix_world
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    failures = []
    for kind in KINDS:
        if row.per_kind:
            url = reverse(name, kwargs=row.kwargs(world))
        become(client, world, kind)
        response = getattr(client, row.method)(url, row.data)
        expected = row.outcome(kind)
        if not OUTCOMES[expected](response):
            where = response.get("Location", "")
            failures.append(f"{kind}: expected {expected}, got {response.status_code} {where}")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
