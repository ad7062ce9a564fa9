from zoneinfo import ZoneInfo

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from tessera.core import kept_text
from tessera.core.templatetags import content_language, kept_dates
from tessera.programs.matching import band_words
from tessera.programs.matching.areas import language_name
from tessera.treatment import plain_names
from tessera.treatment.plans import clinic_today

register = template.Library()

DUE_TODAY = gettext_noop("due today")
OVERDUE_SINCE = gettext_noop("overdue since %(date)s")
DUE_ON = gettext_noop("due %(date)s")


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


def due_in_words(due_at, today, zone, language=None) -> str:
    """``{% due_words %}`` for a due time, the clinic's today and its time zone: for a
    caller that draws several of one clinic (the patient home's list, issue 16), which
    may give the active language (``get_language()``) asked once for all."""
    if language is None:
        language = get_language()
    state = plain_names.due_state(due_at, today, zone)
    if state.state == "today":
        return kept_text.translated(DUE_TODAY, language)
    # Django's ``date_format``, kept per language and day (``kept_dates``, issue 16).
    day = kept_dates.formatted(state.day, "SHORT_DATE_FORMAT", language)
    if state.state == "overdue":
        return kept_text.translated(OVERDUE_SINCE, language) % {"date": day}
    return kept_text.translated(DUE_ON, language) % {"date": day}


@register.filter
def language_in_sentence(code):
    """A language's name as written inside a sentence of the page's language ("på
    engelsk", not "på Engelsk"). Usage: ``{{ version.language|language_in_sentence }}``."""
    return language_name(str(code or ""), in_sentence=True)


# Moved to core (every app's templates use it); still loadable from here.
register.filter("in_language", content_language.in_language)


@register.simple_tag
def latest_scores_list(scores) -> str:
    """Each measure's latest score (``treatment.latest_scores.Score``) with its trend,
    band and reliable change: what ``treatment/_latest_scores.html`` drew, the same HTML
    character for character, drawn in Python. Included once per row of the caseload and
    the supervision list, the template cost a third of the caseload's drawing (issue
    16: CPU per request)."""
    if not scores:
        return "—\n"

    def value(v) -> str:
        # A small whole number reads the same in every language (no thousands
        # separator): drawn without asking the locale's formats.
        if type(v) is int and -1000 < v < 1000:
            return str(v)
        return conditional_escape(localize(v))

    parts = []
    last = len(scores) - 1
    for index, score in enumerate(scores):
        html = (
            '\n        <span class="score{}" data-instrument="{}" data-change="{}">'
            "{} <strong>{}</strong>"
        ).format(
            " overdue" if score.change == "deteriorated" else "",
            value(score.code),
            value(score.change),
            value(score.code),
            value(score.total),
        )
        if score.trend:
            words = gettext("(%(trend)s from %(previous)s)") % {
                "trend": value(score.trend_word),
                "previous": value(score.previous),
            }
            html += (
                f' <span aria-hidden="true">{value(score.trend_sign)}</span>'
                f'<span class="visually-hidden">{words}</span>'
            )
        if score.band:
            html += f' <span class="help">{value(score.band)}</span>'
        if score.change == "none_on_file":
            html += f'<br><span class="help">{value(score.change_word)}</span>'
        elif score.change:
            words = gettext("%(change)s since %(baseline)s") % {
                "change": value(score.change_word),
                "baseline": value(score.baseline),
            }
            html += f'<br><span class="help">{words}</span>'
        html += "</span>" + ("<br>" if index != last else "") + "\n      "
        parts.append(html)
    return mark_safe("".join(parts) + "\n")  # noqa: S308 - every value escaped above
