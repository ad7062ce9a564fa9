"""A trial's measures go on after treatment ends (decision 0164): the occasions a study
asked for, for a participant still in it, are not cancelled when the course ends
(``tessera.treatment.ending``); a participant who withdrew had theirs cancelled then."""

from __future__ import annotations

from tessera.treatment.ending import register_kept_at_end

from .models import ResearchMeasure


@register_kept_at_end
def study_measures(episode) -> list[int]:
    return list(
        ResearchMeasure.objects.filter(
            participant__episode=episode, participant__withdrawn_at__isnull=True
        ).values_list("due_id", flat=True)
    )
