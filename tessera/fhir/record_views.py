"""Downloading an episode's record: staff (FHIR document) and the patient (their own,
as FHIR JSON and as a readable PDF summary). Every download is audited; a refusal is a
404 (audited by the error handler), so nobody learns what exists."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.models import Episode
from tessera.letters.render import to_pdf

from .record.document import episode_document
from .record.load import load_records
from .record.summary import summary_pdf
from .views import _json, base_url


def _exportable(user, episode_id: int) -> Episode:
    episode = (
        Episode.objects.visible_to(user).select_related("patient").filter(pk=episode_id).first()
    )
    if episode is None or not access.may_export_episode(user, episode):
        raise Http404
    return episode


def _document_response(request, episode: Episode) -> HttpResponse:
    (record,) = load_records(Episode.objects.filter(pk=episode.pk))
    record_patient_read(
        request.user, record.patient, "episode.fhir", obj=episode, clinic=record.episode.clinic
    )
    bundle = episode_document(
        record, base_url(request), pdf_for=to_pdf, language=record.patient.preferred_language
    )
    return _json(bundle, filename=f"tessera-episode-{episode.pk}.fhir.json")


@staff_required
@require_GET
def episode_fhir(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The episode as a FHIR document Bundle, for another record system."""
    return _document_response(request, _exportable(request.user, episode_id))


@patient_required
@require_GET
def my_record(request: HttpRequest) -> HttpResponse:
    """The patient's own episodes, each downloadable as FHIR JSON and as a PDF."""
    patient = request.user.patient_record
    episodes = (
        Episode.objects.visible_to(request.user)
        .filter(patient=patient)
        .select_related("clinic")
        .order_by("-created_at", "-id")
    )
    record_patient_read(request.user, patient, "episode")
    return render(request, "fhir/my_record.html", {"episodes": episodes})


def _own_episode(request, episode_id: int) -> Episode:
    episode = _exportable(request.user, episode_id)
    if episode.patient.user_id != request.user.pk:
        raise Http404
    return episode


@patient_required
@require_GET
def my_record_fhir(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _document_response(request, _own_episode(request, episode_id))


@patient_required
@require_GET
def my_record_pdf(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _own_episode(request, episode_id)
    (record,) = load_records(Episode.objects.filter(pk=episode.pk))
    record_patient_read(
        request.user, record.patient, "episode.summary", obj=episode, clinic=record.episode.clinic
    )
    pdf = summary_pdf(record, record.patient.preferred_language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tessera-summary-{episode.pk}.pdf"'
    return response
