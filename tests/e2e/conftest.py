"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Never a downloaded browser: the tests launch /usr/bin/chromium (apt-get install chromium).
Without it they skip, unless TESSERA_REQUIRE_BROWSER=1 (as in CI), when they fail.

Every page a test opens records its console messages and uncaught page errors; a test
fails if the browser reported a Content-Security-Policy violation (the policy allows no
inline scripts or styles) or an uncaught script error.

Pages are enhanced by deferred scripts (htmx, compose tools, autosave, idle warning). A
heading is there as soon as the HTML is parsed, before those scripts have run: a click
on an enhanced control then does the no-script thing (a form submits natively). After
a navigation that did not come from ``page.goto`` (which waits for it), and before using
such a control, call ``wait_for_scripts(page)``.
TESSERA_E2E_SLOW_SCRIPTS=<seconds> makes the live server send every script that late,
so that a test which forgets to wait fails every time instead of once in a while.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import DEFAULT_DB_ALIAS, connections
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone

from tessera.core import actions
from tessera.core.models import Clinic, Patient, User
from tessera.core.roles import Role
from tests.conftest import PASSWORD, TOTP_SECRET, make_clinic, make_patient, make_user
from tests.conftest import sign_in as session_sign_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is an e2e test (deselect them with -m "not e2e")."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = (
            f"Debian's Chromium is not installed at {CHROMIUM} "
            "(apt-get install chromium); the e2e journeys need it"
        )
        if os.environ.get("TESSERA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TESSERA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # From start() to stop(), Playwright's sync API keeps an asyncio event loop running
    # on the test thread, and Django then refuses database work there
    # (SynchronousOnlyOperation), in these tests and in any others the same process runs
    # meanwhile. Test-only: all their ORM calls are ordinary synchronous ones.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    own = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    _keep_the_threads_connections(own)
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield TravellingBrowser(browser) if os.environ.get("TESSERA_TEST_CLOCK") else browser
        browser.close()
    finally:
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class KeptConnectionsServer(ThreadedWSGIServer):
    """The live server on PostgreSQL, its database connections kept from one request to
    the next. Django's serves each of the browser's sockets on a new thread and closes
    that thread's database connection when its request ends (``CONN_MAX_AGE`` is 0 outside
    HTTPS), so every request paid a new PostgreSQL backend: the server's fork and
    authentication, its catalogue caches filled again, the connection's ``SET``s, the
    patient home's reads prepared again (decision 0129). Production keeps a connection
    for a minute on a long-lived worker thread; here a connection that ends a request
    idle (no transaction open at the server, none in Django, no error since) goes back to
    a list, and the next request's thread takes it. Any other is closed, as before. Each
    is used by one thread at a time (``inc_thread_sharing``: Django's check that a
    connection stays on the thread that made it). The kept ones are closed when the
    server stops, before the test database is dropped (``_live_server_keeps_connections``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._idle: list = []
        self._lock = threading.Lock()
        self.opened = 0  # connections made for requests (not reused), for the tests

    def process_request_thread(self, request, client_address):
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = connections.create_connection(DEFAULT_DB_ALIAS)
            # Never closed by age (``close_old_connections`` at each request's start and
            # end); the health check before a request's first query stays, as in production.
            conn.settings_dict = {**conn.settings_dict, "CONN_MAX_AGE": None}
            conn.inc_thread_sharing()
            self.opened += 1
        connections[DEFAULT_DB_ALIAS] = conn
        super().process_request_thread(request, client_address)

    def _close_connections(self):
        conn = connections[DEFAULT_DB_ALIAS]
        del connections[DEFAULT_DB_ALIAS]
        if _idle(conn):
            with self._lock:
                self._idle.append(conn)
        else:
            conn.close()
            conn.dec_thread_sharing()
        connections.close_all()  # any other alias the request opened

    def close_kept(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
            conn.dec_thread_sharing()

    def server_close(self):
        super().server_close()
        self.close_kept()


def _idle(conn) -> bool:
    """The connection can serve another request as a new one would: open, in autocommit,
    no transaction begun in Django or at the server, no error since its last commit."""
    from psycopg.pq import TransactionStatus

    raw = conn.connection
    return (
        raw is not None
        and not raw.closed
        and raw.info.transaction_status == TransactionStatus.IDLE
        and conn.autocommit
        and not conn.in_atomic_block
        and not conn.needs_rollback
        and not conn.errors_occurred
    )


@pytest.fixture(scope="session", autouse=True)
def _live_server_keeps_connections(django_db_setup):
    """On PostgreSQL the live server keeps its connections (``KeptConnectionsServer``).
    Set up after the test database, so torn down before it is dropped; the live server,
    started after this, stops before it (and closes the kept connections as it stops)."""
    from django.test.testcases import LiveServerThread

    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield
        return
    before = LiveServerThread.server_class
    LiveServerThread.server_class = KeptConnectionsServer
    yield
    LiveServerThread.server_class = before


class TravellingBrowser:
    """The browser under ``TESSERA_TEST_CLOCK`` (decision 0116): every context it makes,
    however a journey makes it (``new_context``, ``new_page``), has its clock installed
    at the server's now, so the page's scripts (idle warning, date fields, countdowns)
    see the same unusual instant as the live server, which runs in the test process and
    travels with it. The browser's clock ticks on from there, as the server's does. A
    journey that moves the server's clock later (``clock.shift``, ``time_machine``)
    moves only the server's, as without the variable."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        travel_with_the_server(context)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        travel_with_the_server(page.context)
        return page


def travel_with_the_server(context) -> None:
    """The context's clock at the server's (travelled) now, ticking on."""
    context.clock.install(time=timezone.now())


def _keep_the_threads_connections(own: dict) -> None:
    """While Playwright's loop runs on the test thread, Django looks its connections up
    in a context variable instead of the thread's own store (asgiref's thread-critical
    Local: "async" once a loop is running), so every later test of the process got a new
    connection, a second one to the test database. The world's open transaction
    (tests/snapshot.py) was then begun on the one and, once the browser had stopped at
    the session's end, rolled back on the other, which was in no transaction: "The
    rollback flag doesn't work outside of an 'atomic' block" (decisions 0086, 0089,
    0092). The thread's own connections are put where Django now looks."""
    for alias, wrapper in own.items():
        setattr(connections._connections, alias, wrapper)


@dataclass
class BrowserLog:
    """What the browser said while a test ran."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [
            m
            for m in self.console
            if "content security policy" in m.lower() or "content-security-policy" in m.lower()
        ]


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def new_context(browser, live_server, viewport: dict):
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(10_000)
    return context


def logged(page, log: BrowserLog):
    """Records what ``page`` says in ``log`` until the returned function is called."""

    def console(msg):
        log.console.append(f"[{msg.type}] {msg.text}")

    def page_error(error):
        log.page_errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", page_error)

    def stop() -> None:
        page.remove_listener("console", console)
        page.remove_listener("pageerror", page_error)

    return stop


def fail_on_browser_problems(log: BrowserLog) -> None:
    problems = [f"CSP violation: {m}" for m in log.csp_violations()]
    problems += [f"Uncaught page error: {e}" for e in log.page_errors]
    if problems:
        pytest.fail("The browser reported:\n" + "\n".join(problems), pytrace=False)


def _open_page(browser, live_server, log: BrowserLog, viewport: dict):
    context = new_context(browser, live_server, viewport)
    page = context.new_page()
    logged(page, log)
    try:
        yield page
    finally:
        context.close()
    fail_on_browser_problems(log)


@pytest.fixture(scope="session")
def warm_pdf():
    """WeasyPrint is imported when the first PDF is made, and then loads Pango and the
    fonts: seconds, and past a download's 10 s on a busy machine (two xdist workers on
    two cores). Journeys that download a PDF pay this once per process, here, instead
    of inside the timed click."""
    from weasyprint import HTML

    HTML(string="<p>PDF</p>").write_pdf()


@pytest.fixture(autouse=True)
def _slow_scripts(monkeypatch):
    """TESSERA_E2E_SLOW_SCRIPTS=<seconds>: the live server sends each script that late
    (finds the tests that use an enhanced control before the page's scripts have run)."""
    delay = float(os.environ.get("TESSERA_E2E_SLOW_SCRIPTS") or 0)
    if not delay:
        return
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    serve = StaticFilesHandler.serve

    def slow_serve(self, request):
        if not request.path.endswith(".js"):
            return serve(self, request)
        time.sleep(delay)
        response = serve(self, request)
        response["Cache-Control"] = "no-store"  # late on every page, not only the first
        return response

    monkeypatch.setattr(StaticFilesHandler, "serve", slow_serve)


# The current document has loaded and run its deferred scripts. The load event comes
# after DOMContentLoaded, whose handlers include htmx's processing of the body; a page
# that loads htmx also has it on window by then.
SCRIPTS_RAN = """() => document.readyState === "complete"
    && (window.htmx !== undefined || !document.querySelector('script[src*="/htmx"]'))"""


def wait_for_scripts(page) -> None:
    """Wait until the page's deferred scripts have run (htmx has processed the page,
    autosave and compose tools listen). Call it after a navigation by click and before
    using an enhanced control; ``page.goto``, ``reload`` and ``go_back`` wait already.
    A click that navigates returns once the new page has started loading, so this
    waits for the new page, never for the one left."""
    page.wait_for_load_state("load")
    page.wait_for_function(SCRIPTS_RAN)


@pytest.fixture
def page(browser, live_server, transactional_db, browser_log):
    """A fresh desktop browser context (1280x800) for one test."""
    yield from _open_page(browser, live_server, browser_log, DESKTOP)


@pytest.fixture
def second_page(browser, live_server, transactional_db, browser_log):
    """Another desktop browser context (1280x800) in the same test: a second computer,
    with cookies of its own that nothing the first page still has under way can touch."""
    yield from _open_page(browser, live_server, browser_log, DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, transactional_db, browser_log):
    """A fresh phone-sized browser context (320x640) for one test."""
    yield from _open_page(browser, live_server, browser_log, PHONE)


@pytest.fixture(autouse=True)
def _flushable_audit_trail(flushable_audit_trail):
    """Every journey commits (the live server needs the data), so each is flushable."""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps login rate limits and used TOTP codes in the (in-process) cache."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class E2EWorld:
    clinic: Clinic
    therapist: User
    staff_no_mfa: User
    patient: Patient


@pytest.fixture
def e2e_world(transactional_db) -> E2EWorld:
    """The few people the journeys need, committed so the live server sees them."""
    return build_e2e_world()


def build_e2e_world() -> E2EWorld:
    """The journeys' few people (``e2e_world``), built through the real actions."""
    region = actions.do_create_region(name="E2E Region", country="SE")
    clinic = make_clinic(region, "alpha")
    therapist = make_user(
        "therapist@alpha.test", second_factor=True, first_name="Tove", last_name="Terapeut"
    )
    actions.do_grant_role(therapist, clinic, Role.THERAPIST)
    no_mfa = make_user("nomfa@alpha.test", first_name="Nils")
    actions.do_grant_role(no_mfa, clinic, Role.CLINIC_MANAGER)
    patient, _ = make_patient(
        clinic, "patient@alpha.test", therapist=therapist, first="Pia", last="Larsson"
    )
    return E2EWorld(clinic=clinic, therapist=therapist, staff_no_mfa=no_mfa, patient=patient)


@pytest.fixture
def clock():
    """The server's clock, which a second sign-in moves on to the next code window
    (allauth refuses a code used before) instead of waiting up to 30 seconds."""
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


def wait_until(condition, seconds: float = 10) -> None:
    """Wait until ``condition()`` (e.g. the server has stored something) holds; fails
    after ``seconds``. For state a page's status line cannot tell apart: "Draft saved"
    may still be about the save before the last edit."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.05)


def current_totp_code(secret: str) -> str:
    """The authenticator code for now, waiting out the last second of a 30 s window so
    the server checks it in the same window (allauth allows no drift by default)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 1.5:
        time.sleep(30 - time.time() % 30 + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Give e-mail and password on the sign-in page (no second factor step)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    wait_for_scripts(page)


def staff_sign_in(page, user, secret: str | None = None, password: str = PASSWORD) -> None:
    """Sign a staff member in with password and the current code of their authenticator
    (the test world's shared TOTP secret unless given). ``user``: a user or an e-mail
    address (the demo's staff: ``password=DEMO_PASSWORD, secret=DEMO_TOTP_SECRET``)."""
    sign_in(page, user if isinstance(user, str) else user.email, password)
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(secret or TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    wait_for_scripts(page)


def cookie_sign_in(page, user, path: str | None = None) -> None:
    """Sign ``user`` (a user or an e-mail address) in without the sign-in form, and open
    ``path`` (by default the page a sign-in lands on). The session is the one a plain
    sign-in leaves (``tests.conftest.sign_in``: password given, the second factor too
    where the person has one, as the form would have asked for it; not reauthenticated),
    set as the session cookie of the page's context in place of any it had.

    For journeys about something else: the form costs Chromium about 0.8 CPU seconds a
    staff sign-in (decision 0124). Journeys about signing in, the second factor, lockout,
    sessions and the idle timeout, signing out, invitations or accounts use ``sign_in`` /
    ``staff_sign_in``, as does at least one journey for each role."""
    if isinstance(user, str):
        user = User.objects.get(email__iexact=user)
    client = session_sign_in(Client(), user, reauthenticated=False)
    name = settings.SESSION_COOKIE_NAME
    # The live server's host (pytest-django's, "localhost"); a cookie is not by port.
    cookie = {"name": name, "value": client.cookies[name].value, "domain": "localhost", "path": "/"}
    page.context.add_cookies([cookie])
    page.goto(path or resolve_url(settings.LOGIN_REDIRECT_URL))
    assert urlsplit(page.url).hostname == "localhost", page.url
    assert not urlsplit(page.url).path.startswith("/accounts/login/"), "not signed in"
    wait_for_scripts(page)
