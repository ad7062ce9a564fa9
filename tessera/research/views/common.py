"""Finding a study or participant the user may see (404 otherwise)."""

from __future__ import annotations

from django.http import Http404

from ..models import ConsentVersion, Participant, Study


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


def sent_consent(request, study: Study) -> ConsentVersion | None:
    """The consent text the form says was read: one of this study's, or None for a form
    that names none or a value that is no id (it was a 500 on an empty value)."""
    value = request.POST.get("consent", "")
    if not value.isdigit():
        return None
    return ConsentVersion.objects.filter(pk=int(value), study=study).first()
