"""The dashboard's tables drawn in Python (issue 16).

Drawn by the template engine, each of the dashboard's few hundred cells was a variable
lookup, a filter, a localisation and an escape through the engine's nodes: a quarter of
the page's CPU went to its tables. The same HTML, cell for cell: the row's first value a
row header, every other cell localised as ``{{ cell }}`` would show it, ``–`` for a
value that is not there. ``{% dashboard_table %}`` draws the whole of what the include
``reports/dashboard_table.html`` drew (the caption, the header, the body and the
download links), character for character: included eleven times, the include's own
nodes (two URLs, two ``blocktranslate``) were another third of the page's drawing.
"""

from django import template
from django.urls import reverse
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_NONE = "–"


def _cells(decimal_separator: str):
    """A function drawing one cell as ``{{ cell }}`` would: localised and escaped. A
    whole number under a thousand and a short decimal read the same in every language
    but for the decimal separator (no thousands separator): drawn without asking the
    locale's formats for each."""

    def cell(value) -> str:
        kind = type(value)
        if kind is int and -1000 < value < 1000:
            return str(value)
        if kind is float and -1000 < value < 1000:
            text = str(value)
            if "e" not in text and "n" not in text:  # (nor inf, nor nan)
                return text.replace(".", decimal_separator)
        if kind is str:
            return escape(value)
        if value is None:
            return _NONE
        return conditional_escape(localize(value))

    return cell


@register.simple_tag
def table_body(table) -> str:
    """The ``<tbody>`` of a dashboard table (``reports.dashboard.Table``)."""
    if not table.rows:
        return format_html(
            '<tbody><tr><td colspan="{}">{}</td></tr></tbody>',
            len(table.header),
            gettext("Nothing to show yet."),
        )
    cell = _cells(get_format("DECIMAL_SEPARATOR"))
    rows = [
        '<tr><th scope="row">{}</th>{}</tr>'.format(
            conditional_escape(localize(row[0])),
            "".join(f"<td>{cell(value)}</td>" for value in row[1:]),
        )
        for row in table.rows
    ]
    return mark_safe("<tbody>" + "".join(rows) + "</tbody>")  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def dashboard_table(context, table) -> str:
    """A dashboard table (``reports.dashboard.Table``) with its caption and header, and
    the links to download it as CSV and as a workbook: the region's (``region`` in the
    context) or the clinic's (``clinic``)."""
    region = context.get("region")
    if region:
        args = [region.pk, table.key]
        csv_url = reverse("region_dashboard_csv", args=args)
        xlsx_url = reverse("region_dashboard_xlsx", args=args)
    else:
        args = [context["clinic"].slug, table.key]
        csv_url = reverse("dashboard_csv", args=args)
        xlsx_url = reverse("dashboard_xlsx", args=args)
    title = conditional_escape(localize(table.title))
    header = "".join(
        f'<th scope="col">{conditional_escape(localize(h))}</th>' for h in table.header
    )
    html = (
        f'<div tabindex="0" role="region" aria-label="{_translated("Table that scrolls sideways")}"'
        f' class="table-wrap"><table>\n'
        f"  <caption>{title}</caption>\n"
        f"  <thead><tr>{header}</tr></thead>\n"
        f"  {table_body(table)}\n"
        "</table></div>\n"
        "\n"
        f'<p><a href="{escape(csv_url)}" download>'
        f"{gettext('Download “%(title)s” as CSV') % {'title': title}}</a>\n"
        f'· <a href="{escape(xlsx_url)}" download>'
        f"{gettext('Download “%(title)s” as an Excel workbook') % {'title': title}}</a></p>\n"
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


def _translated(message: str) -> str:
    """What ``{% translate message %}`` draws."""
    return conditional_escape(gettext(message)).replace("%%", "%")
