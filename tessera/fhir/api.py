"""The read API for authorised record systems (SMART Backend Services tokens).

- ``GET {base}/Patient/{id}`` and ``GET {base}/Patient/{id}/$everything``
- ``GET {base}/EpisodeOfCare?patient=&_since=&_count=`` (``_since``: episodes changed
  then, see ``record.changes``)
- ``GET {base}/Observation?patient=&code=&date=&_since=&_count=``
- ``GET {base}/QuestionnaireResponse?patient=&_since=&_count=``

Every request needs a valid access token (401) whose scopes cover the resource type
(403). The client sees only episodes of its clinic or region
(``access.system_client_episode_scope``); a patient outside that is "not found".
Search results come in pages of ``_count`` (default 50, at most 200), ordered by id,
with ``Bundle.link`` ``next`` while more remain. An unknown or unsupported parameter is
answered 400 with an OperationOutcome unless the client sends ``Prefer: handling=lenient``
(then it is ignored and left out of the self link: ``search_params``); a malformed value
is always 400. Every answer that holds patient data is
audited (``fhir.api_read``), one row per patient, with the client's name.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from tessera.core import access, audit, converters
from tessera.core.models import Episode
from tessera.instruments.scoring import load_all
from tessera.letters.render import to_pdf
from tessera.treatment.models import Response

from .record import resources as r
from .record.changes import episodes_changed_since
from .record.document import episode_resources, validate
from .record.load import load_records
from .search_params import BadRequest, Search
from .smart.guard import Caller, Refused, caller, outcome
from .views import _json, base_url

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_OFFSET = 2**31 - 1  # far past any result, and within PostgreSQL's bigint OFFSET


def _answer(view):
    """Turn Refused and BadRequest into their OperationOutcome answers."""

    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            return exc.response
        except BadRequest as exc:
            return outcome(400, exc.where, exc.what)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return require_GET(wrapper)


def _episodes(client) -> Q:
    return access.system_client_episode_scope(client)


def _count(search: Search) -> tuple[int, int]:
    try:
        count = int(search.get("_count", DEFAULT_COUNT))
        offset = int(search.get("_offset", 0))
    except ValueError as exc:
        raise BadRequest("_count", "_count and _offset must be whole numbers") from exc
    if count < 1 or offset < 0:
        raise BadRequest("_count", "_count must be at least 1 and _offset at least 0")
    if offset > MAX_OFFSET:
        raise BadRequest("_offset", f"_offset may be at most {MAX_OFFSET}")
    return min(count, MAX_COUNT), offset


def parse_instant(text: str, where: str) -> dt.datetime:
    """A FHIR date or dateTime as an aware datetime (a date is its first moment, in UTC)."""
    try:  # Django raises ValueError for a well-formed impossible one (February 30th)
        moment = parse_datetime(text) if "T" in text else None
        day = parse_date(text) if moment is None and len(text) == 10 else None
    except ValueError:
        moment = day = None
    if moment is None:
        if day is None:
            raise BadRequest(where, f"{text!r} is not a date (YYYY-MM-DD) or dateTime")
        moment = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    if timezone.is_naive(moment):
        raise BadRequest(where, "a dateTime needs its time zone")
    try:  # stored in UTC: 0001-01-01T00:00:00+14:00 is before the first moment it holds
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise BadRequest(where, f"{text!r} is outside the dates this server holds") from None
    return moment


def _patient_filter(search: Search, field: str) -> Q:
    value = search.get("patient")
    if value is None:
        return Q()
    value = value.removeprefix("Patient/")
    # isascii: "²" and Arabic-Indic digits pass isdigit() but not int()
    if not (value.isascii() and value.isdigit()):
        raise BadRequest("patient", "patient must be a Patient id")
    return Q(**{field: int(value)})


def _since(search: Search, field: str) -> Q:
    value = search.get("_since")
    return Q(**{f"{field}__gte": parse_instant(value, "_since")}) if value else Q()


DATE_PREFIXES = {"ge": "gte", "gt": "gt", "le": "lte", "lt": "lt", "eq": None}


def _date(search: Search, field: str) -> Q:
    where = Q()
    for value in search.getlist("date"):
        prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
        text = value[2:] if value[:2] in DATE_PREFIXES else value
        moment = parse_instant(text, "date")
        if prefix == "eq":
            if "T" in text:
                where &= Q(**{field: moment})
            elif moment.date() == dt.date.max:  # its next day is past what a date holds
                where &= Q(**{f"{field}__gte": moment})
            else:
                where &= Q(**{f"{field}__gte": moment, f"{field}__lt": moment + dt.timedelta(1)})
        else:
            where &= Q(**{f"{field}__{DATE_PREFIXES[prefix]}": moment})
    return where


def _loinc_instruments() -> dict[str, str]:
    """Observation code -> instrument code (LOINC totals and Tessera's own codes)."""
    found = {}
    for definition in load_all().values():
        loinc = (definition.loinc or {}).get("total")
        if loinc:
            found[loinc] = definition.code
    return found


def _code(search: Search) -> Q:
    values = search.getlist("code")
    if not values:
        return Q()
    by_code = _loinc_instruments()
    instruments = set()
    for value in ",".join(values).split(","):
        system, _bar, code = value.rpartition("|")
        if system and system != r.LOINC:
            raise BadRequest("code", "only LOINC codes (http://loinc.org|code) are searchable")
        if code in by_code:
            instruments.add(by_code[code])
    return Q(instrument__in=instruments)


def _audit_reads(caller_: Caller, request, patients: dict[int, Episode]) -> None:
    client = caller_.client
    for episode in patients.values():
        audit.record(
            "fhir.api_read",
            patient=episode.patient,
            clinic=episode.clinic,
            actor_role="system",
            changes={
                "client": client.name,
                "client_id": client.client_id,
                "path": request.path[:200],
            },
        )


def _link(request, relation: str, params: dict[str, list[str]]) -> dict:
    url = f"{base_url(request)}{request.path.removeprefix('/fhir')}"
    if params:
        url = f"{url}?{urlencode(params, doseq=True)}"
    return {"relation": relation, "url": url}


def _searchset(
    request, search: Search, resources: list[dict], *, total: int, count: int, offset: int
) -> dict:
    """The searchset; its self link names only the parameters used (FHIR R4: what was
    ignored under lenient handling is left out, so the client can tell)."""
    base = base_url(request)
    links = [_link(request, "self", search.used)]
    if offset + count < total:
        following = {**search.used, "_count": [str(count)], "_offset": [str(offset + count)]}
        links.append(_link(request, "next", following))
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{res['resourceType']}/{res['id']}",
                "resource": validate(res),
                "search": {"mode": "match"},
            }
            for res in resources
        ],
    }
    return bundle


def _responses_search(request, kind: str) -> HttpResponse:
    caller_ = caller(request)
    caller_.require(request, kind, "s")
    allowed = {"patient", "_since"} | ({"code", "date"} if kind == "Observation" else set())
    search = Search(request, allowed, repeatable=frozenset({"date"}))
    count, offset = _count(search)
    # The patient (when asked for) also inside the client's episodes: the planner then
    # reads that patient's episodes once and their responses by episode, where it checked
    # the client's scope once per response (an episode and a patient read by their keys
    # per row, a level deeper as the country grows; decision 0091).
    episodes = Episode.objects.filter(
        _episodes(caller_.client) & _patient_filter(search, "patient_id")
    )
    where = (
        Q(episode__in=episodes.values("pk"))
        & _patient_filter(search, "episode__patient_id")
        & _since(search, "submitted_at")
    )
    if kind == "Observation":
        where &= _code(search) & _date(search, "submitted_at") & Q(total__isnull=False)
    rows = Response.objects.filter(where).order_by("id")
    total = rows.count()
    page = list(rows.select_related("episode__patient", "episode__clinic")[offset : offset + count])
    base = base_url(request)
    resources = []
    for response in page:
        for res in r.response_resources(response, response.episode.patient_id, base):
            if res["resourceType"] == kind:
                resources.append(res)
    _audit_reads(caller_, request, {row.episode.patient_id: row.episode for row in page})
    return _json(_searchset(request, search, resources, total=total, count=count, offset=offset))


@_answer
def observation_search(request: HttpRequest) -> HttpResponse:
    return _responses_search(request, "Observation")


@_answer
def questionnaire_response_search(request: HttpRequest) -> HttpResponse:
    return _responses_search(request, "QuestionnaireResponse")


@_answer
def episode_of_care_search(request: HttpRequest) -> HttpResponse:
    caller_ = caller(request)
    caller_.require(request, "EpisodeOfCare", "s")
    search = Search(request, {"patient", "_since"})
    count, offset = _count(search)
    since = search.get("_since")
    changed = episodes_changed_since(parse_instant(since, "_since")) if since else Q()
    rows = Episode.objects.filter(
        _episodes(caller_.client) & _patient_filter(search, "patient_id") & changed
    ).order_by("id")
    total = rows.count()
    records = load_records(rows[offset : offset + count], letters=False)
    base = base_url(request)
    resources = [r.episode_of_care(record, base) for record in records]
    _audit_reads(caller_, request, {rec.episode.patient_id: rec.episode for rec in records})
    return _json(_searchset(request, search, resources, total=total, count=count, offset=offset))


# The largest id a database key holds (a bigint): a larger one in the path is no patient,
# not a query the database refuses (SQLite: OverflowError, a 500). The other paths with
# a key take <id:…>, which does not match past it (tessera.core.converters).
LARGEST_ID = converters.LARGEST_ID


def _patient_episodes(caller_: Caller, pk: int, request: HttpRequest):
    episodes = (
        Episode.objects.filter(_episodes(caller_.client), patient_id=pk).order_by("id")
        if pk <= LARGEST_ID
        else Episode.objects.none()
    )
    if not episodes.exists():
        _audit_refused_patient(caller_, request)
        raise Refused(outcome(404, "id", f"no Patient/{pk} for this client", code="not-found"))
    return episodes


DENIED_EVERY_SECONDS = 60  # as a person's refused page (core.views.errors)


def _audit_refused_patient(caller_: Caller, request: HttpRequest) -> None:
    """A patient outside the client's clinic or region (or none at all) was asked for:
    audited once per client and URL a minute, so that a client walking through patient
    ids leaves a trace without flooding the trail."""
    client = caller_.client
    if cache.add(f"tessera:fhir-denied:{client.pk}:{request.path}", 1, DENIED_EVERY_SECONDS):
        audit.record(
            "security.fhir_scope_refused",
            clinic=client.clinic,
            changes={
                "client": client.name,
                "client_id": client.client_id,
                "path": request.path[:200],
                "status": 404,
            },
        )


@_answer
def patient_read(request: HttpRequest, pk: int) -> HttpResponse:
    caller_ = caller(request)
    caller_.require(request, "Patient", "r")
    Search(request, {"_format"}, common=False, what="parameter", where="on a read")
    episode = _patient_episodes(caller_, pk, request).select_related("patient", "clinic").first()
    _audit_reads(caller_, request, {pk: episode})
    return _json(validate(r.patient_resource(episode.patient, base_url(request))))


@_answer
def patient_everything(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything of the patient this client may read: every episode in its clinic or
    region, each resource type only where a scope allows reading it."""
    caller_ = caller(request)
    caller_.require(request, "Patient", "r")
    search = Search(
        request, {"_since", "_type", "_format"}, repeatable=frozenset({"_type"}), common=False
    )
    wanted = set(filter(None, ",".join(search.getlist("_type")).split(",")))
    since = search.get("_since")
    since_at = parse_instant(since, "_since") if since else None
    records = load_records(_patient_episodes(caller_, pk, request))
    base = base_url(request)
    pdf_for = to_pdf if caller_.may("DocumentReference", "r") else None
    seen: set[tuple[str, str]] = set()
    resources = []
    for record in records:
        if since_at is not None:
            record.responses = [x for x in record.responses if x.submitted_at >= since_at]
            record.messages = [x for x in record.messages if x.sent_at >= since_at]
            record.letters = [x for x in record.letters if x.created_at >= since_at]
        for res in episode_resources(record, base, pdf_for=pdf_for):
            key = (res["resourceType"], res["id"])
            if key in seen or not caller_.may(res["resourceType"], "r"):
                continue
            if wanted and res["resourceType"] not in wanted:
                continue
            seen.add(key)
            resources.append(res)
    _audit_reads(caller_, request, {pk: records[0].episode})
    total = len(resources)
    page = max(total, 1)
    return _json(_searchset(request, search, resources, total=total, count=page, offset=0))


__all__ = [
    "episode_of_care_search",
    "observation_search",
    "patient_everything",
    "patient_read",
    "questionnaire_response_search",
]


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything under the FHIR base that is no resource or operation Tessera serves (an
    unsupported type such as ``Condition``, an id that is not a number): an
    OperationOutcome, as a FHIR client expects, not the site's HTML page. The
    CapabilityStatement lists what there is."""
    return outcome(
        404,
        "url",
        "no such resource or operation here; GET metadata lists what is supported",
        code="not-supported",
    )
