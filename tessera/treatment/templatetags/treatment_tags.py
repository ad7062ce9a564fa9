from zoneinfo import ZoneInfo

from django import template
from django.utils.translation import gettext as _

from tessera.core.templatetags import content_language, kept_dates
from tessera.programs.matching import band_words
from tessera.programs.matching.areas import language_name
from tessera.treatment import plain_names
from tessera.treatment.plans import clinic_today

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
def plain_name(code):
    """A questionnaire as a patient reads it: ``{{ d.instrument|plain_name }}``."""
    return plain_names.plain_name(str(code))


@register.filter
def why_asked(due):
    """Why the patient is asked to fill in this questionnaire now."""
    return plain_names.why_asked(str(due.instrument), str(due.time_point))


@register.simple_tag
def due_words(due):
    """ "due today", "due 12 May" or "overdue since 10 May", in the clinic's time zone."""
    clinic = due.episode.clinic
    return due_in_words(due.due_at, clinic_today(clinic), ZoneInfo(clinic.time_zone))


def due_in_words(due_at, today, zone) -> str:
    """``{% due_words %}`` for a due time, the clinic's today and its time zone: for a
    caller that draws several of one clinic (the patient home's list, issue 16)."""
    state = plain_names.due_state(due_at, today, zone)
    if state.state == "today":
        return _("due today")
    # Django's ``date_format``, kept per language and day (``kept_dates``, issue 16).
    day = kept_dates.date(state.day, "SHORT_DATE_FORMAT")
    if state.state == "overdue":
        return _("overdue since %(date)s") % {"date": day}
    return _("due %(date)s") % {"date": day}


@register.filter
def language_in_sentence(code):
    """A language's name as written inside a sentence of the page's language ("på
    engelsk", not "på Engelsk"). Usage: ``{{ version.language|language_in_sentence }}``."""
    return language_name(str(code or ""), in_sentence=True)


# Moved to core (every app's templates use it); still loadable from here.
register.filter("in_language", content_language.in_language)
