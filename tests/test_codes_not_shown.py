"""Every page of the access matrix, as each kind of user who may open it: no table cell
or description says a stored code where a person reads it ("therapist", "manager",
"pre", "care", "active") instead of its name (decision 0137). A code kept beside its
name on purpose is in ``<code>`` (the audit search's event code, to search by) and is
not read here.

The codes are the values of every model field's choices, and of the enumerations whose
values are stored in plain text fields (roles in the audit trail's ``actor_role``, time
points), but those that are also a choice's English name ("attended", "draft"): these
read as words. An identifier shown on purpose (a programme's key) is in ``<code>``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse

from tessera.core.roles import Role, StudyRole
from tessera.instruments.time_points import TimePoint
from tests.access_rows.base import KINDS
from tests.test_access_matrix import MATRIX, become, matrix_world  # noqa: F401 - a fixture

PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get")
_CODE = re.compile(r"[a-z][a-z0-9]*(?:[_.][a-z0-9]+)*")


def _codes() -> frozenset[str]:
    pairs = [
        (value, label)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.choices
        for value, label in field.flatchoices
    ]
    pairs += [*Role.choices, *StudyRole.choices, *TimePoint.choices]
    # A value that is some choice's English name ("draft") reads as a word.
    words = {str(label) for _value, label in pairs}
    return frozenset(
        value
        for value, _label in pairs
        if isinstance(value, str) and _CODE.fullmatch(value) and value not in words
    )


CODES = _codes()


class _Cells(HTMLParser):
    """The text of each ``<td>`` and ``<dd>``, ``<code>`` left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._open: list[list[str]] = []
        self._code = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "dd"):
            self._open.append([])
        elif tag == "code":
            self._code += 1

    def handle_endtag(self, tag):
        if tag in ("td", "dd") and self._open:
            self.cells.append(" ".join("".join(self._open.pop()).split()))
        elif tag == "code" and self._code:
            self._code -= 1

    def handle_data(self, data):
        if self._open and not self._code:
            self._open[-1].append(data)


def raw_codes(html: str) -> list[str]:
    """The cells whose whole text is a code, or codes joined by commas."""
    reader = _Cells()
    reader.feed(html)
    return [
        cell
        for cell in reader.cells
        if cell and all(part.strip() in CODES for part in cell.split(","))
    ]


def test_it_finds_codes_and_leaves_names_and_kept_codes():
    page = """<table><tr><td>therapist,manager</td><td>Therapist</td>
    <td>Treatment plan viewed<br><code>plan.viewed</code></td><td>pre</td><td>12</td></tr>
    </table><dl><dt>Role</dt><dd>intake</dd></dl>"""
    assert raw_codes(page) == ["therapist,manager", "pre", "intake"]
    assert {"therapist", "manager", "pre", "intake"} <= CODES
    assert not {"attended", "draft"} & CODES  # written as a choice's English name


@pytest.mark.parametrize("name", PAGES)
def test_pages_say_names_not_codes(name, matrix_world, client):  # noqa: F811
    world = matrix_world
    row = MATRIX[name]
    found = []
    for kind in [k for k in KINDS if row.expect.get(k) == "ok"]:
        url = reverse(name, kwargs=row.kwargs(world))
        become(client, world, kind)
        response = client.get(url, row.data)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode() if not response.streaming else ""
        found += [f"{kind} {url}: {cell!r}" for cell in raw_codes(body)]
    assert not found, "\n".join(found)
