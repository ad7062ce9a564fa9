"""``{% dashboard_table %}``: a dashboard table with its caption, header, body and
download links drawn in Python (issue 16: CPU per request), the same HTML character for
character as the include it replaced (``reports/dashboard_table.html``, below with its
body drawn by the template engine as ``{{ cell }}`` draws a cell), in English and
Swedish, for a clinic and for a region, with hostile names escaped."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from tessera.reports.dashboard import Table

# The include as it was, its body as the template engine draws it.
INCLUDE = (
    "{% load i18n %}"
    '<div tabindex="0" role="region" aria-label="{% translate \'Table that scrolls sideways\' %}"'
    ' class="table-wrap"><table>\n'
    "  <caption>{{ table.title }}</caption>\n"
    '  <thead><tr>{% for h in table.header %}<th scope="col">{{ h }}</th>{% endfor %}'
    "</tr></thead>\n"
    "  <tbody>{% for row in table.rows %}"
    '<tr><th scope="row">{{ row.0 }}</th>'
    '{% for value in row|slice:"1:" %}<td>{{ value|default_if_none:"–" }}</td>{% endfor %}'
    "</tr>"
    '{% empty %}<tr><td colspan="{{ table.header|length }}">'
    '{% translate "Nothing to show yet." %}</td></tr>{% endfor %}</tbody>\n'
    "</table></div>\n"
    "{% if region %}{% url 'region_dashboard_csv' region.pk table.key as csv_url %}"
    "{% url 'region_dashboard_xlsx' region.pk table.key as xlsx_url %}"
    "{% else %}{% url 'dashboard_csv' clinic.slug table.key as csv_url %}"
    "{% url 'dashboard_xlsx' clinic.slug table.key as xlsx_url %}{% endif %}\n"
    '<p><a href="{{ csv_url }}" download>{% blocktranslate with title=table.title %}'
    "Download “{{ title }}” as CSV{% endblocktranslate %}</a>\n"
    '· <a href="{{ xlsx_url }}" download>{% blocktranslate with title=table.title %}'
    "Download “{{ title }}” as an Excel workbook{% endblocktranslate %}</a></p>\n"
)
TAG = "{% load dashboard_tables %}{% dashboard_table table %}"

HOSTILE = "<script>alert(\"x\")</script> & 'Ö'"

TABLES = [
    Table(
        "clinics",
        f"The clinics {HOSTILE}",
        ["Clinic", f"<b>{HOSTILE}</b>", "Started", "Share (%)", "Days", "Cost"],
        [
            [HOSTILE, 0, 7, 12.5, None, 999],
            ["Beta & <i>co</i>", 1000, -3, 0.1, 33.3, 12345],
            ["Gamma", -1000, 4, -2.5, 1234.5, 1e-07],
            ["Delta", 2, "fewer than 5", 100.0, 7.0, None],
        ],
    ),
    Table("reasons", HOSTILE, ["Decision", "Reason", "Applications"], []),
]
PLACES = [
    {"clinic": SimpleNamespace(slug="alpha"), "region": None},
    {"region": SimpleNamespace(pk=7)},
]


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("place", PLACES, ids=["clinic", "region"])
@pytest.mark.parametrize("table", TABLES, ids=["rows", "empty"])
def test_the_tag_draws_what_the_include_drew(language, place, table):
    engine = engines["django"]
    context = {"table": table, **place}
    with translation.override(language):
        expected = engine.from_string(INCLUDE).render(context)
        drawn = engine.from_string(TAG).render(context)
    assert drawn == expected
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn
    assert ("/regions/7/" if place.get("region") else "/clinics/alpha/") in drawn


def test_the_words_and_numbers_are_swedish_in_swedish():
    engine = engines["django"]
    context = {"table": TABLES[0], "clinic": SimpleNamespace(slug="alpha")}
    with translation.override("en"):
        english = engine.from_string(TAG).render(context)
    with translation.override("sv"):
        swedish = engine.from_string(TAG).render(context)
    assert "<td>12.5</td>" in english and "<td>12,5</td>" in swedish
    assert "as CSV" in english and "as CSV" not in swedish
