"""Hostile values in every form and query string, and in the FHIR API: never a 5xx, and
a refused request writes nothing (issue 13, #5 and #8).

For each URL of the access matrix, the fuzzer signs in as a kind of user who may use
it, reads the field names of the page's forms (or takes those of the row's POST data)
and posts hostile values to them, and sends the same values as query parameters. The
FHIR read API and Bulk Data endpoints (FHIR_API) get hostile ids, query values and
Prefer/Accept headers with a real SMART access token: every refusal must be an
OperationOutcome, and a refused kick-off leaves no export job.
TESSERA_FUZZ_EXAMPLES sets the examples per URL (default 5, to keep CI quick). The full run
(docs/security.md, "Hostile input", has its numbers; decision 0030 the harness), on
PostgreSQL, each xdist worker with its own test database:

    DATABASE_URL=postgres://... TESSERA_FUZZ_EXAMPLES=1000 TESSERA_FUZZ_REPORT=fuzz.jsonl \
        nice -n 5 .venv/bin/pytest -m fuzz -n 3 -p no:randomly tests/security/test_fuzz_inputs.py
    .venv/bin/python tests/security/fuzz_summary.py fuzz.jsonl --min 1000

With 100 examples or more the run keeps going past a failure (TESSERA_FUZZ_KEEP_GOING) and
counts 5xx and partial writes per endpoint in the report. TESSERA_FUZZ_SHARD=K/N runs
every N-th endpoint (separate processes, each with its own DATABASE_URL);
TESSERA_FUZZ_RESUME=1 leaves out the endpoints the report already has a full clean run
of; TESSERA_FUZZ_SECONDS caps the wall time per endpoint on a shared machine;
TESSERA_FUZZ_PROFILE=<prefix> writes a CPU profile of each endpoint's inputs.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import time
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tessera.core.models import AuditEvent
from tests.access_rows.base import KINDS
from tests.test_access_matrix import MATRIX, matrix_world  # noqa: F401 - a fixture

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("TESSERA_FUZZ_EXAMPLES", "5"))
# A wall-time budget per endpoint (seconds; unset: none). A long run on a shared machine
# spreads its time over every endpoint instead of spending it all on the first ones; the
# report says how many inputs each endpoint got.
BUDGET = float(os.environ.get("TESSERA_FUZZ_SECONDS", "0")) or None
# The big run (many examples): a 5xx or partial write is counted and the run goes on to
# the next input (the report lists them, and the test fails at the end of the endpoint),
# and hypothesis only generates (no replay of saved examples, no shrinking). The CI run
# stops at the first failure and shrinks it.
KEEP_GOING = os.environ.get("TESSERA_FUZZ_KEEP_GOING", "1" if EXAMPLES >= 100 else "0") == "1"
# "K/N": this process runs the K-th of N shards of the endpoints (round robin), so that
# a big run can be spread over processes, each with its own database.
SHARD = os.environ.get("TESSERA_FUZZ_SHARD", "")
TRIED: dict[str, int] = {}
CPU: dict[str, float] = {}  # CPU seconds of this process per endpoint, for the report
WALL: dict[str, float] = {}
STATUSES: dict[str, Counter] = {}  # "POST 400" -> how many, per endpoint
FAILURES: dict[str, list] = {}  # 5xx and partial writes, per endpoint


class _OutOfTime(BaseException):
    """Raised inside a hypothesis run when the endpoint's budget is spent (a
    BaseException, so hypothesis stops rather than treating it as a failure)."""


def _spend(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise _OutOfTime


def _done() -> set[str]:
    """With TESSERA_FUZZ_RESUME=1, the endpoints the report already has a full, clean run
    of (a big run that was stopped goes on where it was)."""
    report = os.environ.get("TESSERA_FUZZ_REPORT")
    if os.environ.get("TESSERA_FUZZ_RESUME") != "1" or not report or not os.path.exists(report):
        return set()
    with open(report, encoding="utf-8") as lines:
        done = [json.loads(line) for line in lines if line.strip()]
    return {
        line["endpoint"]
        for line in done
        if line["tried"] >= EXAMPLES and not line.get("5xx") and not line.get("partial_writes")
    }


def _in_shard(names: list[str]) -> list[str]:
    names = [name for name in names if name not in _done()]
    if not SHARD:
        return names
    k, n = (int(part) for part in SHARD.split("/"))
    return [name for i, name in enumerate(names) if i % n == k - 1]


def _settings():
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        **({"phases": [Phase.generate]} if KEEP_GOING else {}),
    )


def _fail(name: str, *what) -> None:
    """A 5xx or a partial write: stop here (CI, so hypothesis shrinks it), or note it and
    go on (the big run)."""
    FAILURES.setdefault(name, []).append(what)
    if not KEEP_GOING:
        raise AssertionError(what)


def _saw(name: str, method: str, status: int) -> None:
    STATUSES.setdefault(name, Counter())[f"{method} {status}"] += 1


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
# The same kinds of value drawn from a seed in plain Python, for the big run: hypothesis
# draws one number per input (per field for the FHIR bodies) instead of every value
# character by character, which was a quarter of the CPU of an input for a form of
# twenty fields. It cannot shrink a failure
# to a smaller value (the big run does not shrink anyway); the report keeps the values.
_BAD_DATES = ["2023-02-30", "0000-00-00", "9999-12-32", "1-1-1", "-1", "99999999999999999999"]
_CONTROL = ["\x01\x02", "\x1b[31m", "a\x7fb", "\x00"]
_ODD = "\u00a0\u00ad\u0301\u200b\u200d\u2028\u202e\ufeff\ufffd\uffff"


def _char(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.55:
        return chr(rnd.randint(0x20, 0x7E))
    if roll < 0.65:
        return chr(rnd.choice([rnd.randint(0, 0x1F), rnd.randint(0x7F, 0x9F)]))
    if roll < 0.75:
        return rnd.choice(_ODD) if rnd.random() < 0.5 else chr(rnd.randint(0xA0, 0x36F))
    if roll < 0.95:
        code = rnd.randint(0x370, 0xFFFF)
        return chr(code) if not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return chr(rnd.randint(0x10000, 0x10FFFF))


def _seeded_text(rnd: random.Random) -> str:
    return "".join(_char(rnd) for _ in range(min(rnd.randint(0, 40), rnd.randint(0, 40))))


def _seeded(seed: int) -> str:
    return _drawn(random.Random(seed))


def _drawn(rnd: random.Random) -> str:
    kind = rnd.randrange(7)
    if kind == 0:
        return _seeded_text(rnd)
    if kind == 1:
        text = _seeded_text(rnd)
        return text + "\x00" + text
    if kind == 2:
        return rnd.choice(_CONTROL)
    if kind == 3:
        return "x" * rnd.randint(1, 10_000)
    if kind == 4:
        return "y" * rnd.choice([10_001, 100_001])
    if kind == 5:
        return "a" * (rnd.randint(250, 320) - 12) + "@example.org"
    return rnd.choice(_BAD_DATES)


VALUE = st.integers(0, 2**64 - 1).map(_seeded) if KEEP_GOING else HOSTILE


# What the middleware refuses (tessera.core.validation): C0 controls and DEL, but not tab,
# line feed and carriage return.
_REFUSED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _input(seed: int, names: list[str]) -> dict[str, str]:
    """A value for each field, all from one seed. Every other input has the characters
    the middleware refuses taken out of every field: one such character in any field
    refuses the whole request before a view runs, so without this a form of twenty
    fields would almost never reach its view."""
    rnd = random.Random(seed)
    clean = rnd.random() < 0.5
    values = {f: _drawn(rnd) for f in names}
    if clean:
        values = {f: _REFUSED_CONTROL.sub("", v) for f, v in values.items()}
    return values


def _values(names: list[str]):
    """In the big run, one number per input for hypothesis to draw (not a value per
    field, character by character)."""
    if KEEP_GOING:
        return st.integers(0, 2**64 - 1).map(lambda seed: _input(seed, names))
    return st.fixed_dictionaries({f: HOSTILE for f in names})


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


ALL_FUZZ_NAMES = sorted(
    n for n, row in MATRIX.items() if _who(row) and not n.startswith("fhir")
) + ["fhir", "fhir_token"]
# The read API and Bulk Data endpoints that record systems call with a SMART token
# (their names: FHIR_API below).
ALL_FUZZ_NAMES += [
    "fhir_read_patient",
    "fhir_read_everything",
    "fhir_read_episode",
    "fhir_read_observation",
    "fhir_read_questionnaire_response",
    "fhir_bulk_kickoff",
    "fhir_bulk_group_kickoff",
    "fhir_bulk_status",
    "fhir_bulk_delete",
    "fhir_bulk_file",
    "fhir_metadata",
    "fhir_smart_configuration",
]
SHARD_NAMES = _in_shard(ALL_FUZZ_NAMES)
FUZZ_NAMES = [n for n in SHARD_NAMES if not n.startswith("fhir")]


def _in_this_shard(name: str):
    return pytest.mark.skipif(
        name not in SHARD_NAMES, reason=f"{name} is in another shard or done already"
    )


# The access matrix's world (every row's records, everyone signed in once), built once
# for it and the walks that share it (decision 0115); each endpoint's test rolls back to it.

# The error pages answer the same for every input: their context never holds a value
# that was sent (the refusal's reason at most), only the person and the page. The first
# ones of each endpoint are rendered in full (base layout, navigation, the language form
# with the request's own address); after that the view or middleware still runs and
# chooses the status, and only the rendering of the same page again is left out. It was
# two thirds of the CPU of a staff input that the middleware refuses (12-15 ms of 16).
ERROR_PAGES = {"errors/400.html", "errors/403.html", "errors/404.html", "errors/429.html"}
ERROR_PAGES_RENDERED = 3
RENDERED: Counter = Counter()  # (endpoint, template) -> error pages rendered in full


@pytest.fixture
def fast_client(client, monkeypatch):
    """The test client without Django's template instrumentation (it copies every
    template's context for `response.context`, which the fuzzer never reads), and with
    each endpoint's error pages rendered in full only the first few times."""
    from django.template import Template
    from django.template.backends.django import Template as BackendTemplate
    from django.utils.safestring import SafeString

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    render = BackendTemplate.render

    def error_page_once(self, context=None, request=None):
        key = (CURRENT.get("endpoint"), self.template.name)
        if self.template.name in ERROR_PAGES:
            if RENDERED[key] >= ERROR_PAGES_RENDERED:
                return SafeString("")
            RENDERED[key] += 1
        return render(self, context, request)

    monkeypatch.setattr(BackendTemplate, "render", error_page_once)
    return client


CURRENT: dict[str, str] = {}


def _form_post(client, url: str, data: dict, multipart: bool):
    """A form's POST as a browser sends it: URL-encoded, unless the form takes files."""
    if multipart:
        return client.post(url, data)
    return client.post(
        url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.parametrize("name", FUZZ_NAMES)
def test_no_5xx_from_hostile_form_and_query_values(name, matrix_world, fast_client):  # noqa: F811
    """Each input runs in a savepoint that is rolled back (and with an empty cache):
    every input meets the same rows, the same session and no spent rate limit, so what
    one input wrote or used up cannot hide what the next one does, the pages do not grow
    with the run, and the counts a refused write is checked against are read once."""
    from django.core.cache import cache
    from django.db import transaction

    from tests.test_access_matrix import become

    world, client = matrix_world, fast_client
    CURRENT["endpoint"] = name
    row = MATRIX[name]
    kind = _who(row)
    become(client, world, kind)
    cookies = client.cookies
    url = reverse(name, kwargs=row.kwargs(world))
    with transaction.atomic():
        page = client.get(url)
        transaction.set_rollback(True)
    html = page.status_code == 200 and page.get("Content-Type", "").startswith("text/html")
    text = page.content.decode(errors="replace") if html else ""
    fields = _fields(text)
    names = fields or sorted(row.data) or ["q", "page"]
    posts = row.method == "post" or bool(fields)
    multipart = 'enctype="multipart/form-data"' in text
    rows, audited = _rows(), AuditEvent.objects.count()

    deadline = time.monotonic() + BUDGET if BUDGET else None
    CPU[name], WALL[name] = -time.process_time(), -time.monotonic()

    @_settings()
    @given(_values(names))
    def attempt(values):
        _spend(deadline)
        client.cookies = copy.deepcopy(cookies)
        cache.clear()
        with transaction.atomic():
            posted = None
            if posts:
                posted = _form_post(client, url, {**row.data, **values}, multipart)
                _saw(name, "POST", posted.status_code)
                if posted.status_code >= 500:
                    _fail(name, "POST", posted.status_code, values)
                elif posted.status_code in REFUSED and _rows() != rows:
                    _fail(name, "partial write", "POST", posted.status_code, values)
            query = client.get(url, values)
            _saw(name, "GET", query.status_code)
            if query.status_code >= 500:
                _fail(name, "GET", query.status_code, values)
            if posted is not None and posted.status_code == 400 and query.status_code == 400:
                # refused before any view ran: not even an audit row
                if AuditEvent.objects.count() != audited:
                    _fail(name, "partial write", "audit row", values)
            transaction.set_rollback(True)
        TRIED[name] = TRIED.get(name, 0) + 1

    _run(name, attempt)


def _run(name: str, attempt) -> None:
    """Runs an endpoint's inputs (a profile of them with TESSERA_FUZZ_PROFILE=<prefix>),
    writes its report line, and fails if any input got a 5xx or wrote half."""
    profile = os.environ.get("TESSERA_FUZZ_PROFILE")
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    try:
        attempt()
    except _OutOfTime:
        pass
    finally:
        if profile:
            profiler.disable()
            profiler.dump_stats(f"{profile}.{name}")
        _report(name)
    assert not FAILURES.get(name), (name, FAILURES[name][:5])


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@_in_this_shard("fhir")
def test_no_5xx_from_hostile_fhir_referrals(world, client):
    from tessera.fhir.models import ReferrerClient
    from tessera.intake.models import Application
    from tests.fhir.test_fhir_referral_intake import body, patient

    _c, token = ReferrerClient.issue(world.clinic, "Fuzz")
    deadline = time.monotonic() + BUDGET if BUDGET else None
    CPU["fhir"], WALL["fhir"] = -time.process_time(), -time.monotonic()

    @_settings()
    @given(
        family=VALUE,
        email=VALUE,
        birth=VALUE,
        reason=VALUE,
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
            _saw("fhir", "POST", response.status_code)
            if response.status_code >= 500:
                _fail("fhir", "POST", response.status_code, payload[:200])
            elif response.status_code >= 400 and Application.objects.count() != before:
                _fail("fhir", "partial write", response.status_code, payload[:200])
            TRIED["fhir"] = TRIED.get("fhir", 0) + 1

    from django.conf import settings as django_settings
    from django.test import override_settings

    limits = {**django_settings.TESSERA_RATE_LIMITS, "fhir_referral": None}
    with override_settings(TESSERA_RATE_LIMITS=limits):
        _run("fhir", attempt)


@_in_this_shard("fhir_token")
def test_no_5xx_from_hostile_token_requests(world, client):
    """The SMART token endpoint (form-encoded, anonymous): hostile values in every field,
    and assertions that look like JWTs, never a 5xx and never a token."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    from tessera.fhir.models import AccessToken

    deadline = time.monotonic() + BUDGET if BUDGET else None
    jwt_like = st.tuples(_text, _text, _text).map(lambda parts: ".".join(parts))
    CPU["fhir_token"], WALL["fhir_token"] = -time.process_time(), -time.monotonic()

    @_settings()
    @given(
        grant_type=st.one_of(st.just("client_credentials"), VALUE),
        assertion_type=st.one_of(
            st.just("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), VALUE
        ),
        assertion=st.one_of(jwt_like, VALUE),
        scope=st.one_of(st.just("system/*.rs"), VALUE),
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
        _saw("fhir_token", "POST", response.status_code)
        if response.status_code >= 500:
            _fail("fhir_token", "POST", response.status_code, assertion[:200])
        assert not AccessToken.objects.exists()
        TRIED["fhir_token"] = TRIED.get("fhir_token", 0) + 1

    limits = {**django_settings.TESSERA_RATE_LIMITS, "fhir_token": None}
    with override_settings(TESSERA_RATE_LIMITS=limits):
        _run("fhir_token", attempt)


# Each API endpoint: its method, its path (with "{id}", "{slug}", "{job}" or "{file}"
# where a hostile value may go instead of a real one) and its query parameters.
FHIR_API = {
    "fhir_read_patient": ("GET", "/fhir/Patient/{id}", ["_format"]),
    "fhir_read_everything": (
        "GET",
        "/fhir/Patient/{id}/$everything",
        ["_since", "_type", "_format"],
    ),
    "fhir_read_episode": (
        "GET",
        "/fhir/EpisodeOfCare",
        ["patient", "_since", "_count", "_offset", "_format"],
    ),
    "fhir_read_observation": (
        "GET",
        "/fhir/Observation",
        ["patient", "code", "date", "_since", "_count", "_offset"],
    ),
    "fhir_read_questionnaire_response": (
        "GET",
        "/fhir/QuestionnaireResponse",
        ["patient", "_since", "_count", "_offset"],
    ),
    "fhir_bulk_kickoff": ("GET", "/fhir/$export", ["_type", "_since", "_outputFormat"]),
    "fhir_bulk_group_kickoff": (
        "GET",
        "/fhir/Group/{slug}/$export",
        ["_type", "_since", "_outputFormat"],
    ),
    "fhir_bulk_status": ("GET", "/fhir/bulk/{job}", ["_format"]),
    "fhir_bulk_delete": ("DELETE", "/fhir/bulk/{job}", []),
    "fhir_bulk_file": ("GET", "/fhir/bulk/{job}/{file}", []),
    "fhir_metadata": ("GET", "/fhir/metadata", ["_format", "mode"]),
    "fhir_smart_configuration": ("GET", "/fhir/.well-known/smart-configuration", []),
}
_NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "1e3",
        "2147483648",
        "9223372036854775808",
        "9" * 40,
        "\u00b2",
        "\u0661",
        "1.5",
        " 1",
        "Patient/1",
    ]
)
_MOMENTS = st.sampled_from(
    [
        "2023-02-30",
        "9999-12-31",
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "2024-01-01T25:00:00Z",
        "2024-01-01T00:00:00+99:00",
        "2024-01-01T00:00:00",
        "ge9999-12-31",
        "gt9999-12-31T23:59:59Z",
        "lt0001-01-01",
        "eq2024-13-01",
        "sa2024-01-01",
    ]
)
_KINDS = st.sampled_from(
    ["Patient", "Observation,Condition", "Patient,,", "Foo", "Binary", "patient", "*"]
)
_CODES = st.sampled_from(["http://loinc.org|44249-1", "x|y", "|", "44261-6,", "|||"])
# What each parameter is mostly given: a value of its own kind (a number, a date, a type,
# a code) that is near its edges, else any hostile value.
_PARAM_VALUES = {
    "patient": _NUMBERS,
    "_count": _NUMBERS,
    "_offset": _NUMBERS,
    "_since": _MOMENTS,
    "date": _MOMENTS,
    "_type": _KINDS,
    "code": _CODES,
}
FHIR_VALUE = st.one_of(VALUE, _NUMBERS, _MOMENTS)


def _param(name: str):
    return st.one_of(_PARAM_VALUES.get(name, FHIR_VALUE), VALUE)


def _fhir_path(template: str, world, job, value: str | None) -> str:
    """The endpoint's path: with the real record's id, or the hostile value in its place
    (quoted, as a client would send it)."""
    from urllib.parse import quote

    real = {
        "{id}": str(world.patient.pk),
        "{slug}": world.clinic.slug,
        "{job}": str(job.pk),
        "{file}": "Patient.ndjson",
    }
    for key, known in real.items():
        if key in template:
            template = template.replace(key, known if value is None else quote(value, safe=""))
    return template


@pytest.mark.parametrize("name", [n for n in SHARD_NAMES if n in FHIR_API])
def test_no_5xx_from_hostile_fhir_api_requests(name, world, client, settings, tmp_path):
    """The read API and Bulk Data with a real SMART access token (a client of the
    world's clinic): hostile ids, query values and headers are answered below 500, every
    refusal is an OperationOutcome, and a refused kick-off leaves no export job."""
    from django.core.cache import cache
    from django.db import transaction

    from tessera.fhir.models import ExportJob
    from tests.fhir.smart_helpers import KeyPair, get_token, register

    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "fhir_export": None}
    keys = KeyPair()
    registered = register(keys=keys, clinic=world.clinic)
    token = get_token(client, keys, registered)
    job = ExportJob.objects.create(
        client=registered,
        types=["Patient"],
        request_url="http://testserver/fhir/$export",
    )
    method, template, params = FHIR_API[name]
    rows, jobs = _rows(), ExportJob.objects.count()
    deadline = time.monotonic() + BUDGET if BUDGET else None
    CPU[name], WALL[name] = -time.process_time(), -time.monotonic()

    @_settings()
    @given(
        in_path=st.one_of(st.none(), _NUMBERS, VALUE),
        query=st.fixed_dictionaries({}, optional={p: _param(p) for p in params}),
        prefer=st.one_of(
            st.just("respond-async"), st.just("respond-async, handling=lenient"), VALUE
        ),
        accept=st.one_of(st.just("application/fhir+json"), VALUE),
    )
    def attempt(in_path, query, prefer, accept):
        _spend(deadline)
        cache.clear()
        path = _fhir_path(template, world, job, in_path)
        with transaction.atomic():
            response = client.generic(
                method,
                f"{path}?{urlencode(query)}" if query else path,
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_PREFER=prefer,
                HTTP_ACCEPT=accept,
            )
            status = response.status_code
            _saw(name, method, status)
            if status >= 500:
                _fail(name, method, status, path, query, prefer, accept)
            elif status >= 400 and not _is_outcome(response):
                _fail(name, NOT_OUTCOME, status, path, query, response.content[:200])
            elif status >= 400 and (_rows() != rows or ExportJob.objects.count() != jobs):
                _fail(name, "partial write", status, path, query)
            transaction.set_rollback(True)
        TRIED[name] = TRIED.get(name, 0) + 1

    _run(name, attempt)


NOT_OUTCOME = "not an OperationOutcome"  # a FHIR refusal answered otherwise (an HTML page)


def _is_outcome(response) -> bool:
    if not response["Content-Type"].startswith("application/fhir+json"):
        return False
    try:
        return json.loads(response.content)["resourceType"] == "OperationOutcome"
    except (ValueError, KeyError, TypeError):
        return False


def _report(name: str) -> None:
    """With TESSERA_FUZZ_REPORT set, one JSON line per endpoint as it finishes (each
    process appends its own): inputs tried, 5xx and partial writes (and the first few of
    them), the statuses answered, CPU and wall seconds. tests/security/fuzz_summary.py
    totals a report."""
    report = os.environ.get("TESSERA_FUZZ_REPORT")
    if not report:
        return
    failures = FAILURES.get(name, [])
    line = {
        "endpoint": name,
        "examples": EXAMPLES,
        "tried": TRIED.get(name, 0),
        "5xx": sum(1 for f in failures if f[0] not in ("partial write", NOT_OUTCOME)),
        "partial_writes": sum(1 for f in failures if f[0] == "partial write"),
        "statuses": dict(sorted(STATUSES.get(name, Counter()).items())),
        "database": _database(),
        "shard": SHARD or None,
    }
    if name in CPU:
        line["cpu_s"] = round(CPU[name] + time.process_time(), 2)
        line["wall_s"] = round(WALL[name] + time.monotonic(), 2)
    if any(f[0] == NOT_OUTCOME for f in failures):
        line["not_outcome"] = sum(1 for f in failures if f[0] == NOT_OUTCOME)
    if failures:
        line["first_failures"] = [repr(f)[:500] for f in failures[:5]]
    with open(report, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def _database() -> str:
    from django.db import connection

    return connection.vendor


def teardown_module(module):
    if TRIED:
        print(f"\nfuzz inputs tried: {sum(TRIED.values())} over {len(TRIED)} endpoints")


def test_seeded_inputs_hold_every_kind_and_every_other_one_reaches_the_views():
    """The big run's values: the seven kinds of the CI strategy, and about half of the
    inputs free of what the middleware refuses (so that they reach the view)."""
    from tessera.core.validation import has_control_characters

    names = [f"field{i}" for i in range(20)]
    inputs = [_input(seed, names) for seed in range(400)]
    clean = [i for i in inputs if not any(has_control_characters(v) for v in i.values())]
    assert 150 < len(clean) < 250
    values = [v for i in inputs for v in i.values()]
    assert any("\x00" in v for v in values)
    assert any(len(v) == 100_001 for v in values)
    assert any(len(v) == 10_001 for v in values)
    assert any(v.endswith("@example.org") and 250 <= len(v) <= 320 for v in values)
    assert "2023-02-30" in values
    assert any(any(ord(c) > 0xFFFF for c in v) for v in values)
    assert _input(7, names) == _input(7, names)
