from django import template

from tessera.programs.matching import band_words
from tessera.programs.matching.areas import language_name

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A value from a dict by a key held in a variable (worksheet answers)."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def band_in_words(band, instrument):
    """A score band in words in the page's language ("moderate" becomes "måttlig"), as
    the instrument's definition names it; the code itself only when the definition has
    no such band. Usage: ``{{ s.band|band_in_words:s.instrument }}``."""
    if not band:
        return ""
    return band_words(str(instrument), str(band), None)


@register.filter
def language_in_sentence(code):
    """A language's name as written inside a sentence of the page's language ("på
    engelsk", not "på Engelsk"). Usage: ``{{ version.language|language_in_sentence }}``."""
    return language_name(str(code or ""), in_sentence=True)
