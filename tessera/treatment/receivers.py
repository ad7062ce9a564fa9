"""What treatment does when something changes elsewhere.

A patient's preferred language changed (``tessera.core.languages.patient_language_changed``,
sent inside the change's transaction): in each open episode, the plan's modules not yet
started move to the new language where a translation is published
(``actions.plans.do_follow_language``); started and completed modules stay.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext

from tessera.core.languages import patient_language_changed
from tessera.core.models import Episode
from tessera.programs.matching.areas import language_name

from .actions.plans import do_follow_language


def _name(code: str | None) -> str:
    """The language's name as written inside a sentence ("danska" in Swedish)."""
    return language_name(code, in_sentence=True) if code else "—"


@receiver(patient_language_changed, dispatch_uid="treatment.follow_language")
def follow_language(sender, patient, before, after, acting_user, **kwargs):
    episodes = Episode.objects.filter(patient=patient).open().select_related("clinic", "patient")
    for episode in episodes:
        if not episode.plan.exists():
            continue
        episode.patient = patient
        # The reason is read by the clinic's staff in the plan history: their language.
        with translation.override((episode.clinic.languages or ["en"])[0]):
            reason = gettext(
                "The patient's language changed (%(before)s → %(after)s): modules not yet "
                "started follow it."
            ) % {"before": _name(before), "after": _name(after)}
        do_follow_language(episode, acting_user=acting_user, reason=reason)
