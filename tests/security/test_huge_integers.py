"""A number past 64 bits anywhere a URL takes one: in the path, in the query string, in a
form's fields. Never a 5xx, on SQLite (which cannot bind such an integer: an
OverflowError, where Django does not guard the lookup) and on PostgreSQL.

Found by the fuzzer in CI: ``/fhir/Patient/9223372036854775808`` answered 500 on SQLite.
The class: every path key is ``<id:…>`` (tessera.core.converters), which does not match
past the largest key, a 404; a lookup Django leaves unguarded (``__in``, a foreign key)
matches no row with such a number (tessera.core.lookups); query values and form fields
are walked here for every URL of the access matrix."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from tessera.core.converters import LARGEST_ID, IdConverter
from tests.test_access_matrix import AREAS, become, matrix_world  # noqa: F401 - a fixture

HUGE = [2**63, 2**64, 10**30]
# The smallest of them, one past the largest key (LARGEST_ID + 1): the number the walk of
# every page's query and form sends. Past it nothing in the stack has another bound (SQLite
# and PostgreSQL bigint, Django's validators and converters stop at 2**63 - 1; Python's
# float and Decimal take all three), so a guard set too high, or none, fails on this one
# first; the larger two are kept for the paths, the lookups and the FHIR API (decision 0056).
FIRST_PAST = LARGEST_ID + 1
# Paths that take any digits on purpose: their view answers a key past the largest as
# not found itself (a FHIR OperationOutcome, the refusal audited).
UNBOUNDED = {"fhir_patient_read", "fhir_everything"}


def _routes(resolver=None, prefix=""):
    """(name, route, converters) of every path() pattern, includes joined."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, route, getattr(pattern.pattern, "converters", {})


NUMBERED = [
    (name, route)
    for name, route, converters in _routes()
    if any(isinstance(c, (IntConverter, IdConverter)) for c in converters.values())
]

_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_SAMPLE = {"slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


def _path(route: str, huge_at: int, value: int) -> str:
    """The route with the ``huge_at``-th number set to ``value``, the others to 1."""
    seen = -1

    def one(match):
        nonlocal seen
        kind = match["converter"] or "str"
        if kind in ("id", "int"):
            seen += 1
            return str(value if seen == huge_at else 1)
        return _SAMPLE[kind]

    return "/" + _PART.sub(one, route)


def test_every_key_in_a_path_is_bounded():
    """A new URL with Django's unbounded ``<int:…>`` fails here: ``<id:…>`` instead."""
    assert len(NUMBERED) > 100
    unbounded = {
        name
        for name, _route, converters in _routes()
        if any(type(c) is IntConverter for c in converters.values())
    }
    assert unbounded == UNBOUNDED
    converter = IdConverter()
    assert converter.to_python(str(LARGEST_ID)) == LARGEST_ID
    for text in [str(LARGEST_ID + 1), "9" * 5000]:
        with pytest.raises(ValueError):
            converter.to_python(text)


def test_a_key_past_64_bits_matches_no_row_in_any_lookup(world):
    """Django guards ``pk=`` against such a number, not ``__in`` (a form's multiple
    choice) nor a foreign key: tessera.core.lookups does (SQLite: OverflowError)."""
    from tessera.core.models import Episode, Patient

    mine = world.patient.pk
    for value in HUGE:
        assert not Patient.objects.filter(pk__in=[value]).exists()
        assert list(Patient.objects.filter(pk__in=[value, mine])) == [world.patient]
        assert not Episode.objects.filter(patient_id=value).exists()
        assert not Episode.objects.filter(patient=value).exists()
        assert not Episode.objects.filter(patient_id__in=[value, str(value)]).exists()
        assert Episode.objects.filter(patient_id__in=[value, mine]).count() == (
            Episode.objects.filter(patient_id=mine).count()
        )
        assert Episode.objects.exclude(patient_id=value).count() == Episode.objects.count()


_COMPARED = {
    "exact": lambda x, v: x == v,
    "iexact": lambda x, v: x == v,
    "gt": lambda x, v: x > v,
    "gte": lambda x, v: x >= v,
    "lt": lambda x, v: x < v,
    "lte": lambda x, v: x <= v,
    "in": lambda x, v: x in v,
    "range": lambda x, v: v[0] <= x <= v[1],
}


def _values(lookup: str, value: int, mine: int):
    if lookup == "in":
        return [value, mine]
    if lookup == "range":
        return (-value, value) if value > 0 else (value, -value)
    if lookup == "isnull":
        return None
    return value


@pytest.mark.parametrize("column", ["id", "patient_id", "patient", "therapist"])
def test_every_lookup_on_a_key_with_a_number_past_64_bits(world, column):
    """Every lookup Django has for an integer key or a foreign key (``__gt``, ``__lt``,
    ``__range``, ``__iexact``…), each with a number beyond 64 bits both ways: as with
    numbers of any size, never an OverflowError (SQLite). The rows a comparison gives are
    those Python's comparison gives (decision 0061: a foreign key's ``__lt=2**64`` is every
    row with a key, ``__gt=2**64`` none)."""
    from django.db.models import Q

    from tessera.core.models import Episode

    field = Episode._meta.get_field(column.removesuffix("_id"))
    attname = field.attname
    rows = list(Episode.objects.values_list("pk", attname))
    mine = next(key for _pk, key in rows if key is not None)
    for lookup in sorted(field.get_lookups()):
        if lookup == "isnull":
            continue
        for huge in [*HUGE, *(-v for v in HUGE)]:
            value = _values(lookup, huge, mine)
            found = set(
                Episode.objects.filter(Q(**{f"{column}__{lookup}": value})).values_list(
                    "pk", flat=True
                )
            )
            compare = _COMPARED.get(lookup)
            if compare is not None:
                expected = {pk for pk, key in rows if key is not None and compare(key, value)}
                assert found == expected, (column, lookup, huge)
            for text in (str(huge),) if lookup not in ("in", "range") else ():
                list(Episode.objects.filter(**{f"{column}__{lookup}": text}))


def test_no_5xx_for_a_number_past_64_bits_in_any_path(world, login):
    client = login(world["manager"])
    client.raise_request_exception = False
    failures = []
    for name, route in NUMBERED:
        for huge_at in range(route.count("<id:") + route.count("<int:")):
            for value in HUGE:
                url = _path(route, huge_at, value)
                status = client.get(url).status_code
                if status >= 500 or (name not in UNBOUNDED and status != 404):
                    failures.append((url, status))
    assert failures == []


# Query parameters the views read as numbers (grep "request.GET.get"), those of FHIR
# searches, and names an id may travel under; with each page's own form fields.
NUMBER_PARAMS = [
    *("page", "week", "step", "answer", "practice", "template", "clinic", "therapist"),
    *("version", "group", "diary", "edit", "flag", "owner", "kind", "status", "which"),
    *("patient", "episode", "programme", "module", "response", "due", "id", "pk", "user"),
    *("_count", "_offset", "count", "offset", "limit", "year", "month", "day", "n"),
]
_FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def form_fields(page) -> list[str]:
    """The names of the form fields of a page answered as HTML (none otherwise), but the
    CSRF token's: what a walk posts its values into."""
    html = (
        page.content.decode(errors="replace")
        if page.status_code == 200
        and not page.streaming
        and page.get("Content-Type", "").startswith("text/html")
        else ""
    )
    return sorted(set(_FIELD.findall(html)) - {"csrfmiddlewaretoken"})


def _who(row) -> str | None:
    for wanted in (("ok",), ("ok", "redirect", "home", "no_content")):
        kind = next((k for k in row.expect if row.outcome(k) in wanted), None)
        if kind:
            return kind
    return None


# The access matrix's rows by their module (tests/access_rows/), one test each, so that
# the suite's workers share the walk out (decision 0071).
ROWS_BY_AREA = {area.__name__.rsplit(".", 1)[-1]: area.ROWS for area in AREAS}


@pytest.mark.parametrize("area", sorted(ROWS_BY_AREA))
def test_no_5xx_for_a_number_past_64_bits_in_any_query_or_form(matrix_world, client, area):  # noqa: F811
    """Every URL of the access matrix, as someone who may use it: its query string with
    every name above, and its form's fields (or its row's POST data) set to 2**63, the
    first number past 64 bits (each page walked with 2**64 and 10**30 as well cost two
    thirds of this module's time and found nothing 2**63 does not: decision 0056). Each
    request is rolled back."""
    from django.urls import reverse

    world = matrix_world
    client.raise_request_exception = False  # a 500 is counted, and the walk goes on
    failures = []
    for name, row in sorted(ROWS_BY_AREA[area].items()):
        if name.startswith("fhir") or (kind := _who(row)) is None:
            continue
        become(client, world, kind)
        cookies = client.cookies
        url = reverse(name, kwargs=row.kwargs(world))
        with transaction.atomic():
            page = client.get(url)
            transaction.set_rollback(True)
        fields = form_fields(page)
        values = dict.fromkeys(NUMBER_PARAMS + fields, str(FIRST_PAST))
        client.cookies = cookies
        with transaction.atomic():
            status = client.get(url, values).status_code
            if status >= 500:
                failures.append((name, "GET", status))
            if row.method == "post" or fields:
                posted = {**row.data, **{f: values[f] for f in fields}}
                posted |= {k: values["id"] for k, v in row.data.items() if _number(v)}
                status = client.post(url, posted).status_code
                if status >= 500:
                    failures.append((name, "POST", status))
            transaction.set_rollback(True)
    assert failures == []


def _number(value) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


FHIR_SEARCHES = ["/fhir/EpisodeOfCare", "/fhir/Observation", "/fhir/QuestionnaireResponse"]
FHIR_NUMBERS = ["patient", "_count", "_offset", "_id", "episode-of-care", "subject"]


def test_no_5xx_for_a_number_past_64_bits_in_the_fhir_api(world, client):
    """The FHIR searches' numeric parameters and the read paths, with a real SMART token:
    an OperationOutcome below 500 (the fuzzer draws these among others; here each one)."""
    from tests.fhir.smart_helpers import KeyPair, get_token, register

    keys = KeyPair()
    registered = register(keys=keys, scope="system/*.rs", clinic=world.clinic)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, 'system/*.rs')}"}
    client.raise_request_exception = False
    failures = []
    for value in HUGE:
        urls = [(url, {name: str(value)}) for url in FHIR_SEARCHES for name in FHIR_NUMBERS]
        urls += [(f"/fhir/{kind}/{value}", {}) for kind in ("Patient", "ServiceRequest")]
        urls.append((f"/fhir/Patient/{value}/$everything", {}))
        for url, params in urls:
            response = client.get(url, params, **auth)
            if response.status_code >= 500 or response["Content-Type"] != "application/fhir+json":
                failures.append((url, params, response.status_code))
    assert failures == []
