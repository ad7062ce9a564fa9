"""Reading everything the export of an episode needs, in a fixed number of queries.

``load_records(episodes)`` takes a queryset of episodes the caller may see (the access
check is the caller's) and returns one ``EpisodeRecord`` per episode, with its plan,
measures, sessions, assessment, messages (metadata only, and their text where the
clinic chose to send it: ``RecordSharing``), open risk alerts and letters.
The number of queries does not depend on how many episodes or rows there are, so the
bulk export can read episodes in batches at a constant cost per batch.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, prefetch_related_objects

from tessera.appointments.models import Appointment
from tessera.core.models import Clinic, Episode
from tessera.intake.models import Application
from tessera.letters.models import Letter
from tessera.messaging.models import Message
from tessera.programs.models import ProgrammeVersion
from tessera.safety.models import RiskAlert
from tessera.treatment.models import PlanEntry, Response

from ..models import shares_message_content


@dataclass
class EpisodeRecord:
    episode: Episode
    diagnoses: list[str] = field(default_factory=list)
    assessed_at: object = None  # datetime of the assessment, when there was one
    plan: list[PlanEntry] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    open_alerts: list[RiskAlert] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)

    @property
    def patient(self):
        return self.episode.patient


def _by_episode(rows) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.episode_id].append(row)
    return grouped


def _with_known(rows, name: str, known: dict) -> list:
    """These rows (a queryset) with their ``name`` (a foreign key) taken from ``known``
    (id → the object, read already with the episodes: their therapists, their clinics),
    any other read in one query for them all, none when every one is known. Joined
    instead, the planner walked the users' or clinics' key from its start (a merge
    join) even for a patient with no such rows: 1 → 3 pages at 1k → 100k patients
    (decision 0091)."""
    rows = list(rows)
    field_ = rows[0]._meta.get_field(name) if rows else None
    unknown = []
    for row in rows:
        key = getattr(row, field_.attname)
        if key in known:
            field_.set_cached_value(row, known[key])
        elif key is not None:
            unknown.append(row)
    prefetch_related_objects(unknown, name)
    return rows


# The lean read's rows (``load_records(..., lean=Lookups())``): the fields the resources
# use, as tuples, not model instances.
ResponseRow = namedtuple("ResponseRow", "pk episode_id instrument answers submitted_at")
MessageRow = namedtuple("MessageRow", "pk episode_id from_patient is_automated sent_at body")
# The episode's own columns the resources read (with ``lean``, the only ones read).
EPISODE_FIELDS = (
    "id",
    "patient_id",
    "clinic_id",
    "status",
    "care_model",
    "therapist_id",
    "programme_version_id",
    "created_at",
    "started_on",
    "ended_on",
)


class Lookups:
    """What a lean read attaches to its episodes, kept from batch to batch: the clinics
    (with their record sharing), therapists and programme versions by id, each read
    once (one query per batch that meets a new one), not joined to every episode row.
    Bounded: past ``LIMIT`` of one kind, that kind is read again."""

    LIMIT = 5000

    def __init__(self):
        self.clinics: dict[int, Clinic] = {}
        self.therapists: dict[int, object] = {}
        self.programmes: dict[int, ProgrammeVersion] = {}

    def attach(self, rows: list[Episode]) -> None:
        self._fill(
            self.clinics,
            {e.clinic_id for e in rows},
            Clinic.objects.select_related("record_sharing"),
        )
        self._fill(
            self.therapists,
            {e.therapist_id for e in rows if e.therapist_id},
            get_user_model().objects.only("id", "first_name", "last_name", "email"),
        )
        self._fill(
            self.programmes,
            {e.programme_version_id for e in rows if e.programme_version_id},
            ProgrammeVersion.objects.only("id", "title"),
        )
        for episode in rows:
            episode.clinic = self.clinics[episode.clinic_id]
            if episode.therapist_id:
                episode.therapist = self.therapists[episode.therapist_id]
            if episode.programme_version_id:
                episode.programme_version = self.programmes[episode.programme_version_id]

    def _fill(self, known: dict, wanted: set, queryset) -> None:
        missing = wanted - known.keys()
        if not missing:
            return
        if len(known) + len(missing) > self.LIMIT:
            known.clear()
            missing = wanted
        known.update(queryset.in_bulk(list(missing)))


def load_records(
    episodes: QuerySet,
    *,
    letters: bool = True,
    patients: dict | None = None,
    lean: Lookups | None = None,
) -> list[EpisodeRecord]:
    """One record per episode, in the queryset's order; eight queries in all (seven
    without letters). ``patients`` (id → Patient), when the caller has read them already,
    are attached instead of joined (the bulk export reads a batch's patients first).

    ``lean`` (the bulk export's read): the episodes' own columns only, with their
    clinics, therapists and programmes from ``lean`` (a query only for ones it has not
    met), and questionnaires and messages as rows of values (``ResponseRow``,
    ``MessageRow``) instead of model instances; the resources made from them are the
    same."""
    if lean is not None:
        rows = list(episodes.only(*EPISODE_FIELDS))
        lean.attach(rows)
    else:
        related = ["clinic__record_sharing", "therapist", "programme_version"]
        if patients is None:
            related.append("patient")
        rows = list(episodes.select_related(*related))
    if patients is not None:
        for episode in rows:
            episode.patient = patients[episode.patient_id]
    ids = [e.pk for e in rows]
    if not ids:
        return []
    message_fields = ["id", "episode_id", "from_patient", "is_automated", "sent_at"]
    if any(shares_message_content(e.clinic) for e in rows):
        message_fields.append("body")
    plan = _by_episode(
        PlanEntry.objects.filter(episode_id__in=ids)
        .select_related("module_version")
        .order_by("episode_id", "position", "id")
    )
    responses = Response.objects.filter(episode_id__in=ids).order_by(
        "episode_id", "submitted_at", "id"
    )
    if lean is not None:
        responses = _by_episode(map(ResponseRow._make, responses.values_list(*ResponseRow._fields)))
        with_body = "body" in message_fields
        messages = _by_episode(
            MessageRow(*row, None) if not with_body else MessageRow._make(row)
            for row in Message.objects.filter(episode_id__in=ids)
            .order_by("episode_id", "sent_at", "id")
            .values_list(*MessageRow._fields[: 6 if with_body else 5])
        )
    else:
        responses = _by_episode(responses)
        messages = _by_episode(
            Message.objects.filter(episode_id__in=ids)
            .only(*message_fields)
            .order_by("episode_id", "sent_at", "id")
        )
    appointments = Appointment.objects.filter(episode_id__in=ids).order_by(
        "episode_id", "starts_at", "id"
    )
    appointments = _by_episode(
        appointments.select_related("therapist")
        if lean is not None
        else _with_known(appointments, "therapist", {e.therapist_id: e.therapist for e in rows})
    )
    alerts = _by_episode(
        RiskAlert.objects.filter(episode_id__in=ids, resolved_at__isnull=True)
        .only("id", "episode_id", "severity", "source", "opened_at", "acknowledged_at")
        .order_by("episode_id", "opened_at", "id")
    )
    assessments = {}
    for application in (
        Application.objects.filter(episode_id__in=ids, assessment__isnull=False)
        .select_related("assessment")
        .order_by("assessed_at", "id")
    ):
        assessments[application.episode_id] = application.assessment
    letter_rows = {}
    if letters:
        letter_rows = Letter.objects.filter(episode_id__in=ids).order_by(
            "episode_id", "created_at", "id"
        )
        letter_rows = _by_episode(
            letter_rows.select_related("clinic")
            if lean is not None
            else _with_known(letter_rows, "clinic", {e.clinic_id: e.clinic for e in rows})
        )
    records = []
    for episode in rows:
        assessment = assessments.get(episode.pk)
        records.append(
            EpisodeRecord(
                episode=episode,
                diagnoses=list(assessment.diagnoses) if assessment else [],
                assessed_at=assessment.assessed_at if assessment else None,
                plan=plan.get(episode.pk, []),
                responses=responses.get(episode.pk, []),
                appointments=appointments.get(episode.pk, []),
                messages=messages.get(episode.pk, []),
                open_alerts=alerts.get(episode.pk, []),
                letters=letter_rows.get(episode.pk, []),
            )
        )
    return records
