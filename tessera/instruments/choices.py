"""Which questionnaires can be put on a measurement schedule, as form choices.

Programmes (default measures) and treatment (a clinic's schedule) both offer them.
Programmes, shared across clinics, offer only questionnaires whose wording ships. A
clinic's own schedule also offers a licensed instrument shipped as structure only
(MADRS-S, ISI, PDSS-SR, WSAS, K10, LSAS-SR, OCI-R ...) as soon as the clinic has entered
its licensed wording for every item in at least one language (``wording.py``): it is
then shown in that wording, and never without it.
"""

from __future__ import annotations

from .scoring import Definition, load_all

# A questionnaire needs English wording for every item to be filled in (it is the
# fallback shown where a validated translation is missing).
FALLBACK_LANGUAGE = "en"


def can_be_filled_in(definition: Definition) -> bool:
    return all(item.text.get(FALLBACK_LANGUAGE) for item in definition.items)


def licensed_codes(clinic) -> set[str]:
    """Structure-only instruments the clinic has complete wording for in some language
    (one query)."""
    from .wording import CLINIC, language_statuses

    pending = [d for d in load_all().values() if not can_be_filled_in(d)]
    statuses = language_statuses(pending, clinic)
    return {code for code, langs in statuses.items() if CLINIC in langs.values()}


def instrument_choices(clinic=None) -> list[tuple[str, str]]:
    """Questionnaires that can be filled in: wording shipped, or (with a clinic) entered
    by that clinic under its licence."""
    licensed = licensed_codes(clinic) if clinic is not None else set()
    return [
        (d.code, f"{d.code} — {d.name}")
        for d in sorted(load_all().values(), key=lambda d: d.code)
        if can_be_filled_in(d) or d.code in licensed
    ]
