"""Hostile values in every form and query string, and in the FHIR API: never a 5xx, and
a refused request writes nothing (issue 13, #5 and #8).

For each URL of the access matrix, the fuzzer signs in as a kind of user who may use
it, reads the field names of the page's forms (or takes those of the row's POST data)
and posts hostile values to them, and sends the same values as query parameters.
TESSERA_FUZZ_EXAMPLES sets the examples per URL (default 5, to keep CI quick). The full run
(docs/security.md, "Hostile input", has its numbers), on PostgreSQL:

    DATABASE_URL=postgres://... TESSERA_FUZZ_EXAMPLES=1000 TESSERA_FUZZ_REPORT=fuzz.jsonl \
        nice -n 10 .venv/bin/pytest -m fuzz -n 0 -p no:randomly tests/security/test_fuzz_inputs.py

(about 34 ms of CPU per input, the application's own work; TESSERA_FUZZ_SECONDS caps the
wall time per endpoint on a shared machine.)
"""

from __future__ import annotations

import copy
import json
import os
import re
import time

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tessera.core.models import AuditEvent
from tests.access_rows.base import KINDS
from tests.snapshot import shared, shared_data
from tests.test_access_matrix import MATRIX, build_matrix_world

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("TESSERA_FUZZ_EXAMPLES", "5"))
# A wall-time budget per endpoint (seconds; unset: none). A long run on a shared machine
# spreads its time over every endpoint instead of spending it all on the first ones; the
# report says how many inputs each endpoint got.
BUDGET = float(os.environ.get("TESSERA_FUZZ_SECONDS", "0")) or None
TRIED: dict[str, int] = {}
CPU: dict[str, float] = {}  # CPU seconds of this process per endpoint, for the report


class _OutOfTime(BaseException):
    """Raised inside a hypothesis run when the endpoint's budget is spent (a
    BaseException, so hypothesis stops rather than treating it as a failure)."""


def _spend(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise _OutOfTime


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
HOSTILE = st.one_of(
    _text,
    _text.map(lambda s: s + "\x00" + s),
    st.sampled_from(["\x01\x02", "\x1b[31m", "a\x7fb", "\x00"]),
    st.integers(1, 10_000).map(lambda n: "x" * n),
    # one past the forms' limits for free text and for authored content
    st.sampled_from([10_001, 100_001]).map(lambda n: "y" * n),
    st.integers(250, 320).map(lambda n: "a" * (n - 12) + "@example.org"),
    st.sampled_from(
        ["2023-02-30", "0000-00-00", "9999-12-32", "1-1-1", "-1", "99999999999999999999"]
    ),
)
_FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')
_SKIP_FIELDS = {"csrfmiddlewaretoken"}


_ALLOWED = ("ok", "redirect", "home", "no_content")
# A request answered with one of these was refused: it must not have written anything.
REFUSED = {400, 403, 404, 405, 409, 413, 415, 422, 429}


def _rows() -> tuple[int, ...]:
    """How many there are of the records a hostile request could half-write: one query
    of nine counts (it runs twice per post, so it is kept to one round trip)."""
    from django.db import connection

    from tessera.appointments.models import Appointment
    from tessera.core.models import Episode, Patient
    from tessera.intake.models import Application, Referral
    from tessera.messaging.models import Message
    from tessera.treatment.models import DiaryEntry, ResponseDraft, WorksheetAnswer

    watched = (
        Application,
        Referral,
        Patient,
        Episode,
        Message,
        DiaryEntry,
        WorksheetAnswer,
        ResponseDraft,
        Appointment,
    )
    sql = ", ".join(f"(SELECT COUNT(*) FROM {model._meta.db_table})" for model in watched)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")  # noqa: S608 - table names from the models
        return tuple(cursor.fetchone())


def _who(row) -> str | None:
    """A kind of user who may use the URL: one who gets a page, else one who is let through."""
    return next((k for k in KINDS if row.outcome(k) == "ok"), None) or next(
        (k for k in KINDS if row.outcome(k) in _ALLOWED), None
    )


def _fields(html: str) -> list[str]:
    return sorted(set(_FIELD.findall(html)) - _SKIP_FIELDS)


FUZZ_NAMES = sorted(n for n, row in MATRIX.items() if _who(row) and not n.startswith("fhir"))


# The access matrix's world (every row's records, everyone signed in once), built once
# for this module; each endpoint's test rolls back to it.
shared_data("fuzz_world")(build_matrix_world)


@pytest.fixture
def fuzz_world(request, _snapshots, db, settings):
    world = shared(request, "fuzz_world")
    settings.MEDIA_ROOT = world.media_root
    return world


@pytest.fixture
def fast_client(client, monkeypatch):
    """The test client without Django's template instrumentation (it copies every
    template's context for `response.context`, which the fuzzer never reads)."""
    from django.template import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    return client


@pytest.mark.parametrize("name", FUZZ_NAMES)
def test_no_5xx_from_hostile_form_and_query_values(name, fuzz_world, fast_client):
    """Each input runs in a savepoint that is rolled back (and with an empty cache):
    every input meets the same rows, the same session and no spent rate limit, so what
    one input wrote or used up cannot hide what the next one does, the pages do not grow
    with the run, and the counts a refused write is checked against are read once."""
    from django.core.cache import cache
    from django.db import transaction

    from tests.test_access_matrix import become

    world, client = fuzz_world, fast_client
    row = MATRIX[name]
    kind = _who(row)
    become(client, world, kind)
    cookies = client.cookies
    url = reverse(name, kwargs=row.kwargs(world))
    with transaction.atomic():
        page = client.get(url)
        transaction.set_rollback(True)
    html = page.status_code == 200 and page.get("Content-Type", "").startswith("text/html")
    fields = _fields(page.content.decode(errors="replace")) if html else []
    names = fields or sorted(row.data) or ["q", "page"]
    posts = row.method == "post" or bool(fields)
    rows, audited = _rows(), AuditEvent.objects.count()

    deadline = time.monotonic() + BUDGET if BUDGET else None
    CPU[name] = -time.process_time()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({f: HOSTILE for f in names}))
    def attempt(values):
        _spend(deadline)
        client.cookies = copy.deepcopy(cookies)
        cache.clear()
        with transaction.atomic():
            posted = None
            if posts:
                posted = client.post(url, {**row.data, **values})
                assert posted.status_code < 500, (name, "POST", values)
                if posted.status_code in REFUSED:
                    assert _rows() == rows, (name, "partial write", posted.status_code, values)
            query = client.get(url, values)
            assert query.status_code < 500, (name, "GET", values)
            if posted is not None and posted.status_code == 400 and query.status_code == 400:
                # refused before any view ran: not even an audit row
                assert AuditEvent.objects.count() == audited, (name, "partial write")
            transaction.set_rollback(True)
        TRIED[name] = TRIED.get(name, 0) + 1

    try:
        attempt()
    except _OutOfTime:
        pass
    finally:
        _report(name)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_no_5xx_from_hostile_fhir_referrals(world, client):
    from tessera.fhir.models import ReferrerClient
    from tessera.intake.models import Application
    from tests.fhir.test_fhir_referral_intake import body, patient

    _c, token = ReferrerClient.issue(world.clinic, "Fuzz")
    deadline = time.monotonic() + BUDGET if BUDGET else None
    settings_ = settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )

    @settings_
    @given(
        family=HOSTILE,
        email=HOSTILE,
        birth=HOSTILE,
        reason=HOSTILE,
        depth=st.integers(1, 5000),
    )
    def attempt(family, email, birth, reason, depth):
        _spend(deadline)
        data = body(reasonCode=[{"text": reason}])
        patient(data)["name"] = [{"family": family, "given": ["Maja"]}]
        patient(data)["telecom"] = [{"system": "email", "value": email}]
        patient(data)["birthDate"] = birth
        for payload in (json.dumps(data), _deep(depth)):
            before = Application.objects.count()
            response = client.post(
                "/fhir/ServiceRequest",
                payload,
                content_type="application/fhir+json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            assert response.status_code < 500, (response.status_code, payload[:200])
            if response.status_code >= 400:
                assert Application.objects.count() == before
            TRIED["fhir"] = TRIED.get("fhir", 0) + 1

    from django.conf import settings as django_settings
    from django.test import override_settings

    limits = {**django_settings.TESSERA_RATE_LIMITS, "fhir_referral": None}
    with override_settings(TESSERA_RATE_LIMITS=limits):
        try:
            attempt()
        except _OutOfTime:
            pass
        finally:
            _report("fhir")


def test_no_5xx_from_hostile_token_requests(world, client):
    """The SMART token endpoint (form-encoded, anonymous): hostile values in every field,
    and assertions that look like JWTs, never a 5xx and never a token."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    from tessera.fhir.models import AccessToken

    deadline = time.monotonic() + BUDGET if BUDGET else None
    jwt_like = st.tuples(_text, _text, _text).map(lambda parts: ".".join(parts))
    settings_ = settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )

    @settings_
    @given(
        grant_type=st.one_of(st.just("client_credentials"), HOSTILE),
        assertion_type=st.one_of(
            st.just("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), HOSTILE
        ),
        assertion=st.one_of(jwt_like, HOSTILE),
        scope=st.one_of(st.just("system/*.rs"), HOSTILE),
    )
    def attempt(grant_type, assertion_type, assertion, scope):
        _spend(deadline)
        response = client.post(
            "/fhir/auth/token",
            {
                "grant_type": grant_type,
                "client_assertion_type": assertion_type,
                "client_assertion": assertion,
                "scope": scope,
            },
        )
        assert response.status_code < 500, (response.status_code, assertion[:200])
        assert not AccessToken.objects.exists()
        TRIED["fhir_token"] = TRIED.get("fhir_token", 0) + 1

    limits = {**django_settings.TESSERA_RATE_LIMITS, "fhir_token": None}
    with override_settings(TESSERA_RATE_LIMITS=limits):
        try:
            attempt()
        except _OutOfTime:
            pass
        finally:
            _report("fhir_token")


def _report(name: str) -> None:
    """With TESSERA_FUZZ_REPORT set, one JSON line per endpoint as it finishes (xdist
    workers append their own): how many inputs it got, and whether it passed."""
    report = os.environ.get("TESSERA_FUZZ_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            line = {"endpoint": name, "examples": EXAMPLES, "tried": TRIED.get(name, 0)}
            if name in CPU:
                line["cpu_s"] = round(CPU[name] + time.process_time(), 2)
            out.write(json.dumps(line) + "\n")


def teardown_module(module):
    if TRIED:
        print(f"\nfuzz inputs tried: {sum(TRIED.values())} over {len(TRIED)} endpoints")
