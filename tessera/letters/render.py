"""Rendering letters: HTML from a template in the recipient's language, PDF from it."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_html(kind: str, context: dict, language: str) -> str:
    with translation.override(language):
        return render_to_string(f"letters/kinds/{kind}.html", context)


def to_pdf(letter) -> bytes:
    from weasyprint import CSS, HTML  # heavy (Pango, fonts): loaded only to make a PDF

    page = render_to_string("letters/pdf_page.html", {"letter": letter})
    css = CSS(string="@page { size: A4; margin: 22mm 20mm; } body { font-family: sans-serif; }")
    # base_url none: a letter references nothing outside itself (no files, no network).
    return HTML(string=page, base_url=None, url_fetcher=_refuse).write_pdf(stylesheets=[css])


def _refuse(url, *args, **kwargs):
    raise ValueError(f"letters load no external resources ({url[:40]})")


def language_for(clinic) -> str:
    """Letters go to the patient's GP or referrer, so they are in the clinic's (first
    supported) language rather than the patient's own."""
    languages = [code for code, _name in settings.LANGUAGES]
    for candidate in clinic.languages or []:
        if candidate in languages:
            return candidate
    return settings.LANGUAGE_CODE


def letter_languages(clinic) -> list[tuple[str, str]]:
    """The languages a clinician may write a letter in: the clinic's own, among those
    Tessera supports, in the clinic's order (its first is the default, ``language_for``)."""
    names = dict(settings.LANGUAGES)
    chosen = [code for code in clinic.languages or [] if code in names]
    if not chosen:
        chosen = [language_for(clinic)]
    return [(code, names[code]) for code in dict.fromkeys(chosen)]
