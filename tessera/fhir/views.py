"""FHIR read endpoints: instrument Questionnaires, and a response as a Bundle for staff."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.instruments.scoring import UnknownInstrumentError, load_all, load_definition
from tessera.treatment.models import Response

from .questionnaire import (
    instrument_slug,
    questionnaire_for,
)
from .record.resources import response_resources
from .search_params import BadRequest, Search

FHIR_JSON = "application/fhir+json"
LANGUAGES = {"en", "sv"}


def base_url(request: HttpRequest) -> str:
    return settings.TESSERA_FHIR_BASE_URL or request.build_absolute_uri("/fhir").rstrip("/")


def _json(data: dict, status: int = 200, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type=FHIR_JSON, status=status
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _not_found(text: str) -> HttpResponse:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "not-found", "diagnostics": text}],
    }
    return _json(outcome, status=404)


def _bad_request(exc: BadRequest) -> HttpResponse:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "not-supported",
                "diagnostics": exc.what,
                "expression": [exc.where],
            }
        ],
    }
    return _json(outcome, status=400)


@require_GET
def questionnaire(request: HttpRequest, slug: str) -> HttpResponse:
    """An instrument's structure, and its wording where the owner allows it to be shipped."""
    by_slug = {instrument_slug(d): d for d in load_all().values()}
    definition = by_slug.get(slug)
    if definition is None:
        return _not_found(f"No questionnaire {slug!r}.")
    try:
        search = Search(request, {"language", "_format"}, common=False, what="parameter")
        language = search.get("language", "en")
        if language not in LANGUAGES:
            if search.strict:
                raise BadRequest("language", "the wording is shipped in en and sv only")
            language = "en"
    except BadRequest as exc:
        return _bad_request(exc)
    return _json(questionnaire_for(definition, base_url=base_url(request), language=language))


@staff_required
@require_GET
def response_bundle(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    """One submitted questionnaire as a FHIR Bundle, for the health record. Audited."""
    patient = access.get_visible_patient(request.user, pk)
    response = (
        Response.objects.visible_to(request.user)
        .filter(pk=response_id, episode__patient=patient)
        .select_related("episode__clinic")
        .first()
    )
    if response is None:
        raise Http404
    try:
        definition = load_definition(response.instrument)
    except UnknownInstrumentError as exc:
        raise Http404 from exc
    record_patient_read(
        request.user, patient, "response.fhir", obj=response, clinic=response.episode.clinic
    )
    base = base_url(request)
    resources = response_resources(response, patient.pk, base)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
    return _json(bundle, filename=f"{definition.code}-{response.pk}.json")
