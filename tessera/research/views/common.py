"""Finding a study or participant the user may see (404 otherwise)."""

from __future__ import annotations

from django.http import Http404

from ..models import Participant, Study


def get_study(user, pk: int) -> Study:
    study = Study.objects.visible_to(user).filter(pk=pk).prefetch_related("clinics").first()
    if study is None:
        raise Http404
    return study


def get_participant(user, pk: int) -> Participant:
    participant = (
        Participant.objects.select_related("study", "episode__patient", "episode__clinic", "arm")
        .filter(pk=pk, study__in=Study.objects.visible_to(user))
        .first()
    )
    if participant is None:
        raise Http404
    return participant
