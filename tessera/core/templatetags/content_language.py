"""Content in another language than the page (WCAG 3.1.2): ``{% load content_language %}``
then ``{{ text|in_language:code }}``. In core, so every app's templates may use it (the
library, the caseload, the patient's pages)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(text, language):
    """Content text (a module's title, a worksheet's label) marked with ``lang`` when it is
    in another language than the page, so a screen reader reads it with the right voice
    (WCAG 3.1.2), also inside a translated sentence:
    ``{% blocktranslate with title=v.title|in_language:v.language %}``."""
    return in_language_of(text, language, get_language())


@register.filter
def lang_attribute(language):
    """`` lang="sv"`` for an element whose content is in ``language``, when that is known
    and not the page's; nothing otherwise: ``<dd{{ patient.preferred_language|lang_attribute }}>``
    around what a person wrote (WCAG 3.1.2)."""
    if not language or language == get_language():
        return ""
    return format_html(' lang="{}"', language)


def in_language_of(text, language, page_language):
    """``in_language`` with the page's language given: for a caller that marks several
    texts of one page (the patient home's homework, issue 16)."""
    if not language or language == page_language:
        return text
    return format_html('<span lang="{}">{}</span>', language, text)
