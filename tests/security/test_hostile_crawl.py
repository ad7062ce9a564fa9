"""Every page of the access matrix as each kind of user who may open it, asked what a
clumsy or hostile client asks that the fuzzer (test_fuzz_inputs) and the walk with huge
numbers (test_huge_integers) do not: dates at the calendar's edges and past them in
every query parameter a view reads and every field of the page's forms, text that LIKE
and SQL treat specially, bytes that are not UTF-8, and methods and bodies the view does
not expect (PUT, DELETE, OPTIONS; a JSON body to a form), every request with a NUL in
the headers code reads, a forwarded address that is no address and a cookie holding a
NUL. Never a 5xx, and a refused request writes nothing (decision 0110). Each request is
rolled back; the world is the access matrix's, built once (decision 0115). On
PostgreSQL the headers failed every audited page before decision 0110; the rest found
nothing, and guards it.

Decision 0115 asks fewer requests of each URL where two would take the same path: a
URL that refuses GET itself (405, before the view reads a query) is not asked the query
values again, and PUT and DELETE, which no crawled view tells apart (only the FHIR
API's bulk status does, and the crawl leaves the FHIR API to test_fuzz_inputs), take
turns from one URL to the next, each still asked of every area's URLs."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tests.access_rows.base import KINDS
from tests.security.test_fuzz_inputs import REFUSED, _rows
from tests.security.test_huge_integers import NUMBER_PARAMS, form_fields
from tests.test_access_matrix import AREAS, become, matrix_world  # noqa: F401 - a fixture

# Query parameters the views read (grep "request.GET"), with the filters' date fields.
PARAMS = sorted(
    {
        *NUMBER_PARAMS,
        *("q", "sort", "show", "print", "next", "language", "diary", "start", "end"),
        *("date", "from", "to", "since", "until", "before", "after", "on", "try-age"),
    }
)
# One request per value: every parameter and field at once.
VALUES = [
    "9999-12-31",  # a day, a week or a month after it is past the calendar (OverflowError)
    "0001-01-01",  # and a day before this one
    "-9223372036854775809",
]
# Text that LIKE and SQL treat specially, bytes that are not UTF-8 and a lone
# surrogate's bytes (Django decodes them as U+FFFD).
RAW = "q=%25_%5C%27%22&page=%ed%a0%80&start=%ff%fe&sort=%c0%af"
# PUT and DELETE take turns from one URL to the next (the views answer both alike).
METHODS = [("put", "delete"), ("options",)]
# Every request carries these: a NUL in the headers code reads (the client's software,
# where it came from, its languages), a forwarded address that is no address (with one
# proxy trusted) and a cookie holding a NUL.
HEADERS = {
    "HTTP_USER_AGENT": "Mozilla/5.0\x00",
    "HTTP_REFERER": "http://testserver/\x00",
    "HTTP_ACCEPT_LANGUAGE": "sv\x00",
    "HTTP_X_FORWARDED_FOR": "garbage",
}
HOSTILE_COOKIE = ("tessera_restore_typed", "1\x00")


def _users(row) -> list[str]:
    """The kinds of user who get the page (those let through when none does)."""
    for wanted in (("ok",), ("ok", "redirect", "home", "no_content")):
        kinds = [k for k in KINDS if row.expect.get(k) in wanted]
        if kinds:
            return kinds
    return []


ROWS_BY_AREA = {area.__name__.rsplit(".", 1)[-1]: area.ROWS for area in AREAS}


@pytest.mark.parametrize("area", sorted(ROWS_BY_AREA))
def test_no_5xx_from_edge_dates_odd_methods_bodies_and_headers(
    matrix_world,  # noqa: F811
    client,
    settings,
    area,
):
    """As the first kind of user who may use each URL (the huge-numbers walk's choice):
    the page, its query with each value, the raw query, the methods and the bodies."""
    world = matrix_world
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client.raise_request_exception = False
    failures = []
    crawled = [
        (name, row)
        for name, row in sorted(ROWS_BY_AREA[area].items())
        if not name.startswith("fhir")
    ]
    for turn, (name, row) in enumerate(crawled):
        url = reverse(name, kwargs=row.kwargs(world))  # once: some rows' records are used up
        for kind in _users(row)[:1]:  # the first: each URL's methods and bodies once
            become(client, world, kind)
            cookies = client.cookies
            cookies[HOSTILE_COOKIE[0]] = HOSTILE_COOKIE[1]

            def ask(label, send):
                client.cookies = cookies
                with transaction.atomic():
                    rows = _rows()
                    response = send()
                    if response.status_code >= 500:
                        failures.append((name, kind, label, response.status_code))
                    elif response.status_code in REFUSED and _rows() != rows:
                        failures.append((name, kind, label, "partial write"))
                    transaction.set_rollback(True)
                return response

            page = ask("GET", lambda: client.get(url, **HEADERS))
            fields = form_fields(page)
            if page.status_code != 405:  # a URL that refuses GET reads no query
                for value in VALUES:
                    query = dict.fromkeys(PARAMS + fields, value)
                    ask(f"GET {value}", lambda q=query: client.get(url, q, **HEADERS))
                ask("GET raw", lambda: client.get(f"{url}?{RAW}", **HEADERS))
            for methods in METHODS:
                method = methods[turn % len(methods)]
                ask(method.upper(), lambda m=method: getattr(client, m)(url, **HEADERS))
            body = '{"a": "\\u0000", "b": [[[[]]]]}'
            ask("POST JSON", lambda: client.post(url, body, "application/json", **HEADERS))
    assert failures == []
