"""Bulk Data Access endpoints (HL7 FHIR Bulk Data Access 2.0).

- ``GET {base}/$export`` and ``GET {base}/Group/{clinic slug}/$export`` (with
  ``Prefer: respond-async``; ``_type``, ``_since``, ``_outputFormat``): 202 with
  ``Content-Location``, the status URL.
- ``GET {base}/bulk/{job}``: 202 with ``X-Progress`` and ``Retry-After`` while the
  worker builds it; 200 with the manifest when done; 500 with an OperationOutcome when
  it failed. ``DELETE`` on the same URL cancels it (202); afterwards it is 404.
- ``GET {base}/bulk/{job}/{file}``: an NDJSON file, with the same client's token.

Only the client that asked sees a job; another client, or an expired job, gets 404.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tessera.core import audit
from tessera.core.models import Clinic
from tessera.core.ratelimits import over_limit

from ..api import parse_instant
from ..models import ExportFile, ExportJob
from ..search_params import BadRequest, Search
from ..smart.guard import Refused, caller, outcome
from ..views import _json, base_url
from . import build

OUTPUT_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
KICK_OFF_PARAMS = {"_type", "_since", "_outputFormat"}
RETRY_AFTER_SECONDS = 5


def _answer(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            return exc.response
        except BadRequest as exc:
            return outcome(400, exc.where, exc.what)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _kick_off(request: HttpRequest, clinic: Clinic | None) -> HttpResponse:
    caller_ = caller(request, with_clinic=True)
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise BadRequest("Prefer", "a Bulk Data export needs the header Prefer: respond-async")
    # Bulk Data: an unsupported parameter is an error unless Prefer: handling=lenient.
    search = Search(
        request,
        KICK_OFF_PARAMS,
        repeatable=frozenset({"_type"}),
        common=False,
        what="parameter",
        where="by $export",
    )
    output = search.get("_outputFormat")
    if output and output not in OUTPUT_FORMATS:
        raise BadRequest("_outputFormat", "only NDJSON (application/fhir+ndjson) is written")
    asked = [t for t in ",".join(search.getlist("_type")).split(",") if t]
    unknown = [t for t in asked if t not in build.TYPES]
    if unknown:
        raise BadRequest("_type", f"not exported: {', '.join(unknown)}")
    for kind in asked:
        caller_.require(request, kind, "r")
    types = asked or [t for t in build.DEFAULT_TYPES if caller_.may(t, "r")]
    if not types:
        caller_.require(request, "Patient", "r")  # nothing readable: 403 with the reason
    since = search.get("_since")
    since_at = parse_instant(since, "_since") if since else None
    # The same export asked again while it is queued or running (a client's retry after
    # a lost answer, a double click in a tool): the job already under way, not a second
    # full read of the clinic's or region's records.
    same = _in_progress(caller_.client, clinic, types, since_at)
    if same is not None:
        return _under_way(request, same)
    # Each job reads a clinic's or a region's records: a limited number per client
    # ("fhir_export"), at the clinic's own rate when it has one.
    wait = over_limit(
        request,
        "fhir_export",
        key=lambda _group, _request: f"system-client:{caller_.client.pk}",
        clinic=clinic or caller_.client.clinic,
    )
    if wait is not None:
        audit.record(
            "security.fhir_rate_limited",
            clinic=clinic or caller_.client.clinic,
            purpose="administration",
            changes={"client_id": caller_.client.client_id, "endpoint": "$export"},
        )
        raise Refused(
            outcome(
                429,
                "(request)",
                "too many exports from this client; try again later",
                code="throttled",
                Retry_After=str(wait),
            )
        )
    with transaction.atomic():
        # The client's row locked, so two identical kick-offs at once make one job.
        type(caller_.client).objects.select_for_update(no_key=True).filter(
            pk=caller_.client.pk
        ).first()
        same = _in_progress(caller_.client, clinic, types, since_at)
        if same is not None:
            return _under_way(request, same)
        job = ExportJob.objects.create(
            client=caller_.client,
            clinic=clinic,
            types=types,
            since=since_at,
            request_url=request.build_absolute_uri(),
        )
        audit.record(
            "fhir.bulk_export_requested",
            clinic=clinic or caller_.client.clinic,
            obj=job,
            actor_role="system",
            changes={
                "client": caller_.client.name,
                "client_id": caller_.client.client_id,
                "types": types,
                "group": clinic.slug if clinic else "",
            },
        )
        transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    response = _accepted("the export is being built; poll the status URL in Content-Location")
    response["Content-Location"] = f"{base_url(request)}/bulk/{job.pk}"
    return response


def _in_progress(client, clinic, types, since) -> ExportJob | None:
    """The client's queued or running export of the same group, types and ``_since``."""
    running = ExportJob.objects.filter(
        client=client,
        clinic=clinic,
        since=since,
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
    )
    return next((job for job in running if sorted(job.types) == sorted(types)), None)


def _under_way(request: HttpRequest, job: ExportJob) -> HttpResponse:
    response = _accepted("this export is already being built; poll the status URL")
    response["Content-Location"] = f"{base_url(request)}/bulk/{job.pk}"
    return response


def _accepted(text: str) -> HttpResponse:
    """202 with an informational OperationOutcome (the body Bulk Data allows), rather
    than an empty body labelled as HTML."""
    return _json(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "information", "code": "informational", "diagnostics": text}],
        },
        status=202,
    )


def _enqueue(job_id) -> None:
    from ..tasks import run_export

    run_export.enqueue(str(job_id))


@require_GET
@_answer
def export_all(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, None)


@require_GET
@_answer
def export_group(request: HttpRequest, slug: str) -> HttpResponse:
    caller_ = caller(request, with_clinic=True)
    client = caller_.client
    clinic = Clinic.objects.filter(slug=slug).first()
    in_scope = clinic is not None and (
        clinic.pk == client.clinic_id or (client.region_id and clinic.region_id == client.region_id)
    )
    if not in_scope:
        return outcome(404, "Group", f"no Group/{slug} for this client", code="not-found")
    return _kick_off(request, clinic)


def _job(request: HttpRequest, job_id) -> tuple[ExportJob, object]:
    caller_ = caller(request, with_clinic=True)
    job = ExportJob.objects.filter(pk=job_id, client=caller_.client).first()
    if job is None or (job.expires_at and job.expires_at < timezone.now()):
        raise Refused(outcome(404, "id", "no such export (or it has expired)", code="not-found"))
    return job, caller_


@csrf_exempt
@require_http_methods(["GET", "DELETE"])
@_answer
def status(request: HttpRequest, job_id) -> HttpResponse:
    job, caller_ = _job(request, job_id)
    if request.method == "DELETE":
        build.cancel(job)
        audit.record(
            "fhir.bulk_export_cancelled",
            clinic=job.clinic or caller_.client.clinic,
            actor_role="system",
            changes={"client": caller_.client.name, "export": str(job_id)},
        )
        return _accepted("the export is cancelled and its files are deleted")
    if job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
        response = HttpResponse(status=202)
        if job.status == ExportJob.Status.QUEUED:
            response["X-Progress"] = "queued"
        else:
            done, parts, episodes = build.progress(job)
            response["X-Progress"] = (
                f"{done} of {parts} parts, {episodes} of {job.episodes_total} episodes"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if job.status == ExportJob.Status.FAILED:
        return outcome(500, "export", job.error or "the export failed", code="exception")
    base = base_url(request)
    manifest = {
        "transactionTime": job.transaction_time.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {"type": f.resource_type, "url": f"{base}/bulk/{job.pk}/{f.name}", "count": f.count}
            for f in job.files.all()
        ],
        "error": [],
    }
    response = HttpResponse(json.dumps(manifest), content_type="application/json")
    response["Expires"] = job.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@require_GET
@_answer
def export_file(request: HttpRequest, job_id, name: str) -> HttpResponse:
    job, caller_ = _job(request, job_id)
    row = ExportFile.objects.filter(job=job, name=name).first()
    path = build.file_path(job, name) if row else None
    if row is None or not path.is_file():
        return outcome(404, "file", "no such file in this export", code="not-found")
    audit.record(
        "fhir.bulk_file_read",
        clinic=job.clinic or caller_.client.clinic,
        actor_role="system",
        changes={"client": caller_.client.name, "export": str(job.pk), "file": name},
    )
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
