from django import template

from tessera.programs.matching import band_words

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
