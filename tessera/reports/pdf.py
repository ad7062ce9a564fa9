"""A stored quarterly report as a PDF (WeasyPrint, as letters are made)."""

from __future__ import annotations

from django.template.loader import render_to_string


def to_pdf(report) -> bytes:
    from weasyprint import CSS, HTML  # heavy (Pango, fonts): loaded only to make a PDF

    page = render_to_string("reports/quarterly_pdf_page.html", {"report": report})
    css = CSS(
        string="@page { size: A4; margin: 18mm 16mm; } body { font-family: sans-serif; "
        "font-size: 10pt; } table { border-collapse: collapse; margin-bottom: 8mm; } "
        "th, td { border: 1px solid #999; padding: 2px 6px; text-align: left; }"
    )
    # base_url none: the report references nothing outside itself.
    return HTML(string=page, base_url=None, url_fetcher=_refuse).write_pdf(stylesheets=[css])


def _refuse(url, *args, **kwargs):
    raise ValueError(f"reports load no external resources ({url[:40]})")
