"""The dashboard's table bodies drawn in Python (issue 16).

Drawn by the template engine, each of the dashboard's few hundred cells was a variable
lookup, a filter, a localisation and an escape through the engine's nodes: a quarter of
the page's CPU went to its tables. The same HTML, cell for cell: the row's first value a
row header, every other cell localised as ``{{ cell }}`` would show it, ``–`` for a
value that is not there.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_NONE = "–"


def _cell(value) -> str:
    return _NONE if value is None else conditional_escape(localize(value))


@register.simple_tag
def table_body(table) -> str:
    """The ``<tbody>`` of a dashboard table (``reports.dashboard.Table``)."""
    if not table.rows:
        return format_html(
            '<tbody><tr><td colspan="{}">{}</td></tr></tbody>',
            len(table.header),
            gettext("Nothing to show yet."),
        )
    rows = [
        '<tr><th scope="row">{}</th>{}</tr>'.format(
            conditional_escape(localize(row[0])),
            "".join(f"<td>{_cell(value)}</td>" for value in row[1:]),
        )
        for row in table.rows
    ]
    return mark_safe("<tbody>" + "".join(rows) + "</tbody>")  # noqa: S308 - escaped above
