"""National scale: do the main pages read more of the database as the database grows?

    python bench/scale.py                          # 1,000 / 10,000 / 30,000 patients
    python bench/scale.py --sizes 1000,100000      # bigger, when the machine allows
    python bench/scale.py --sizes 200,1000 --repeat 3  # a quick look
    python bench/scale.py --existing --secondary       # the other daily pages, as they are

It needs PostgreSQL (``--database-url``, default a database ``tessera_scale_bench`` on
127.0.0.1, dropped and created afresh). It migrates, seeds the demo (``seed_demo``: the
demo clinic's staff, patients and work, held the same size at every N), then grows the
rest of the country with COPY to each size in turn: regions, clinics and therapists,
and per patient one episode, about ten questionnaires due and answered, about ten
messages, about sixty audit rows, an open application for one patient in ten, and
outside the demo clinic four modules of a plan with a worksheet sent for feedback each
(``add_worksheets``; ``--add-worksheets`` gives them to a database grown before), and
per application a message from the applicant (unread for three in ten) and the clinic's
answer (``add_application_messages``; ``--add-application-messages``). After
each size it runs VACUUM ANALYZE (as autovacuum would) and, for every main page, signs
in as the demo user who uses it and measures one request in process. The first 300
patients go to the demo clinic (27 of them to the demo therapist): its own work, the
same at every N, with its audit rows written before the rest of the country's. Then, per page:

- the number of queries,
- the database pages read (shared buffers hit + read) by EXPLAIN (ANALYZE, BUFFERS) of
  each of the page's SELECTs, summed: unlike time, not disturbed by other load,
- the median wall-clock and CPU (process) time per request over ``--repeat`` runs.

The smallest size is measured twice (A/A) as the noise floor. The table shows, per
page, the pages read at each size and the growth ratio largest / smallest, and CPU per
request against a bare signed-in Django view measured in the same run.

The bulk rows are realistic in size and spread, not in content: the bulk audit rows
carry random hashes, so ``verify_audit_trail`` reports the benchmark database broken.

``--secondary`` measures ``secondary_pages()`` instead of ``main_pages()``: the pages a
clinic uses daily beyond the main ones, and the FHIR API as the demo record system reads
it (its key from ``TESSERA_FHIR_DEMO_CLIENT_DIR``; left out when this database does not
know that client).

From Python (a test, on a PostgreSQL test database that already holds the demo):
``grow(world, n)`` and ``measure(pages, repeat=1)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import operator
import os
import random
import statistics
import sys
import time
import types
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_scale_bench"

# Per patient outside the demo, on average.
RESPONSES = 10
MESSAGES = 10
AUDIT_ROWS = 60
APPLICATION_SHARE = 0.1
WORKSHEETS = 4  # modules with a worksheet sent, the first weeks of a course
WORKSHEETS_WAITING = 0.05  # share of sent worksheets still waiting for feedback
APPLICATION_UNREAD = 0.3  # share of applications whose applicant's message is unread
ALERTED = 0.05  # share of grown episodes that have had a risk alert (decision 0084)
ALERTS_OPEN = 0.1  # share of those alerts still open (not yet resolved)
# Security events per grown episode over the two years (decision 0087): (action, whose,
# share). "staff": the episode's therapist's (no clinic: a failed sign-in names none);
# "nobody": no clinic and no staff login (the bench's patients have no login: their
# failed sign-ins, an unknown address, a locked network address); "clinic": recorded at
# the episode's clinic (a system's refused request, a rate limit).
SECURITY_EVENTS = [
    ("auth.sign_in_failed", "staff", 0.25),
    ("auth.mfa_failed", "staff", 0.1),
    ("security.access_denied", "staff", 0.1),
    ("auth.sign_in_failed", "nobody", 0.5),
    ("auth.address_locked", "nobody", 0.05),
    ("security.rate_limited", "clinic", 0.02),
]
PATIENTS_PER_THERAPIST = 40
PATIENTS_PER_CLINIC = 1000
# The demo clinic's own work, the same at every N: patients of its own (with their
# questionnaires, messages and audit rows, as everywhere), a caseload of about thirty
# for the demo therapist, and the rest shared by the clinic's other therapists.
DEMO_CLINIC = "riverside"
DEMO_CLINIC_PATIENTS = 300
DEMO_CASELOAD = 27
CLINICS_PER_REGION = 5

AUDIT_ACTIONS = [
    "patient.viewed",
    "patient.list_viewed",
    "message.sent",
    "message.read",
    "measure.submitted",
    "plan.viewed",
    "episode.viewed",
    "worksheet.answered",
]


@dataclass(frozen=True)
class Page:
    label: str
    user: str  # the demo e-mail's local part
    url: str


def main_pages(today: dt.date) -> list[Page]:
    month_ago = (today - dt.timedelta(days=30)).isoformat()
    return [
        Page("bare signed-in view", "therapist", "/bench/bare/"),
        Page("patient home", "patient", "/"),
        Page("staff home (therapist)", "therapist", "/"),
        Page("inbox (therapist)", "therapist", "/inbox/"),
        Page("patient list (therapist)", "therapist", "/patients/"),
        Page("patient search (therapist)", "therapist", "/patients/?q=lar"),
        Page("patient list (manager)", "manager", "/patients/"),
        Page("staff home (manager)", "manager", "/"),
        Page("staff home (supervisor)", "supervisor", "/"),
        Page("inbox (manager, team)", "manager", "/inbox/"),
        Page("inbox (supervisor, team)", "supervisor", "/inbox/"),
        Page("team workload (manager)", "manager", "/workload/clinics/riverside/"),
        Page("audit search", "manager", "/audit/"),
        Page("audit search by action", "manager", "/audit/?action=patient.viewed"),
        Page("audit search by date", "manager", f"/audit/?date_from={month_ago}"),
        Page("triage queue", "intake", "/intake/"),
        Page("intake funnel", "intake", "/intake/funnel/"),
    ]


# The user kind of a page read by the demo record system (fhir.demo's SMART backend
# client) with an access token, not by a signed-in person.
FHIR_USER = "fhir"
TOKEN_AUDIENCE = "http://testserver/fhir/auth/token"  # the test client's token endpoint


def demo_record_system() -> dict | None:
    """The demo record system's client_id, key id and key file (``fhir.demo``, its key
    in ``TESSERA_FHIR_DEMO_CLIENT_DIR``) when this database knows that client, else None:
    a database seeded elsewhere has another client, whose key is not here."""
    from tessera.fhir import demo
    from tessera.fhir.models import SystemClient

    found = demo.read_client()
    if found is None:
        return None
    live = SystemClient.objects.filter(client_id=found["client_id"], revoked_at=None)
    return found if live.exists() else None


def fhir_client():
    """A test client that sends an access token of the demo record system, got from the
    token endpoint as a record system gets one (a signed client assertion); None when
    the database does not know the demo client's key."""
    import jwt
    from django.test import Client

    found = demo_record_system()
    if found is None:
        return None
    now = int(time.time())
    claims = {"iss": found["client_id"], "sub": found["client_id"], "aud": TOKEN_AUDIENCE}
    claims |= {"exp": now + 240, "jti": str(uuid.uuid4())}
    key = Path(found["key_file"]).read_bytes()
    assertion = jwt.encode(
        claims, key, algorithm="ES384", headers={"kid": found["kid"], "typ": "JWT"}
    )
    response = Client().post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": "system/*.rs",
        },
    )
    if response.status_code != 200:
        return None
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")


def client_for(kind: str):
    """A test client for a page's user kind: signed in as that demo user, or for
    ``FHIR_USER`` carrying the demo record system's token."""
    from django.test import Client

    from tessera.core.demo import demo_email
    from tessera.core.models import User

    if kind == FHIR_USER:
        client = fhir_client()
        if client is None:
            raise SystemExit("the demo record system's key does not match this database")
        return client
    client = Client()
    sign_in(client, User.objects.get(email=demo_email(kind)))
    return client


def secondary_pages(today: dt.date) -> list[Page]:
    """The pages a clinic uses every day that ``main_pages`` does not list (``--secondary``):
    one patient's overview, messages, measures, plan, letters and sessions as the demo
    therapist sees them; the demo patient's own pages; the clinic's and the region's
    reports; consultations, supervision, alerts, the waiting list, one application and
    the research area, one risk alert and one supervised case. Their ids come from the
    demo clinic (the demo therapist's first open episode, as ``cpu.py`` picks it; the
    demo patient's first open questionnaire; the clinic's first application,
    consultation, letter and risk alert; the demo supervisor's first followed case; the
    first study), so they are the same at every size; a page whose object the database
    lacks is left out."""
    from django.utils import timezone

    from tessera.consultation.models import ConsultationRequest, SupervisedCase
    from tessera.core.demo import demo_email
    from tessera.core.models import Episode, Region
    from tessera.intake.models import Application
    from tessera.letters.models import Letter
    from tessera.research.models import Study
    from tessera.safety.models import RiskAlert
    from tessera.treatment.models import DueMeasure, PlanEntry

    month_ago = (today - dt.timedelta(days=30)).isoformat()
    clinic = DEMO_CLINIC
    pages = [Page("bare signed-in view", "therapist", "/bench/bare/")]  # the ×bare column
    episode = (
        Episode.objects.filter(therapist__email=demo_email("therapist"))
        .exclude(status=Episode.Status.ENDED)
        .order_by("pk")
        .first()
    )
    if episode is not None:
        e, p = episode.pk, episode.patient_id
        pages += [
            Page("patient overview (therapist)", "therapist", f"/episodes/{e}/"),
            Page("patient's messages (therapist)", "therapist", f"/episodes/{e}/messages/"),
            Page("patient's measures (therapist)", "therapist", f"/patients/{p}/measures/"),
            Page("patient's details (therapist)", "therapist", f"/patients/{p}/"),
            Page("patient's plan (therapist)", "therapist", f"/patients/{p}/plan/"),
            Page("patient's letters (therapist)", "therapist", f"/episodes/{e}/letters/"),
            Page("patient's sessions (therapist)", "therapist", f"/episodes/{e}/sessions/"),
            Page("patient's time (therapist)", "therapist", f"/workload/episodes/{e}/"),
            Page("audit search by patient (manager)", "manager", f"/audit/?patient={p}"),
            Page(
                "audit search by patient and date (manager)",
                "manager",
                f"/audit/?patient={p}&date_from={month_ago}",
            ),
        ]
        letter = Letter.objects.filter(episode_id=e).order_by("pk").first()
        if letter is not None:
            pages.append(Page("letter (therapist)", "therapist", f"/letters/{letter.pk}/"))
    pages += [
        Page("caseload (therapist)", "therapist", "/caseload/"),
        Page("my workload (therapist)", "therapist", "/workload/"),
        Page("my outcomes (therapist)", "therapist", "/reports/mine/"),
        Page("risk alerts (therapist)", "therapist", "/alerts/"),
        Page("consultations asked of me (therapist)", "therapist", "/consultations/"),
        Page("consultations I asked (therapist)", "therapist", "/consultations/mine/"),
        Page("supervision cases (supervisor)", "supervisor", "/supervision/"),
    ]
    followed = (
        SupervisedCase.objects.filter(
            supervisor__email=demo_email("supervisor"), episode__clinic__slug=clinic
        )
        .order_by("pk")
        .first()
    )
    if followed is not None:
        pages.append(
            Page(
                "a supervised case (supervisor)",
                "supervisor",
                f"/supervision/cases/{followed.episode_id}/",
            )
        )
    alert = RiskAlert.objects.filter(clinic__slug=clinic).order_by("pk").first()
    if alert is not None:
        pages.append(Page("a risk alert (therapist)", "therapist", f"/alerts/{alert.pk}/"))
    consultation = (
        ConsultationRequest.objects.filter(episode__clinic__slug=clinic).order_by("pk").first()
    )
    if consultation is not None:
        pages.append(
            Page("consultation (therapist)", "therapist", f"/consultations/{consultation.pk}/")
        )
    pages += [
        Page("my messages (patient)", "patient", "/me/messages/"),
        Page("my progress (patient)", "patient", "/me/progress/"),
        Page("who has seen my record (patient)", "patient", "/me/access-log/"),
        Page("my modules (patient)", "patient", "/me/modules/"),
        Page("my questionnaires (patient)", "patient", "/me/questionnaires/"),
        Page("my sessions (patient)", "patient", "/me/sessions/"),
        Page("my notifications (patient)", "patient", "/me/notifications/"),
        Page("my record (patient)", "patient", "/me/record/"),
        Page("my safety plan (patient)", "patient", "/me/safety-plan/"),
        Page("my details (patient)", "patient", "/me/"),
    ]
    mine = Episode.objects.filter(patient__user__email=demo_email("patient")).order_by("pk")
    now = timezone.now()
    due = (
        DueMeasure.objects.filter(
            episode__in=mine, completed_at=None, cancelled=False, opens_at__lte=now
        )
        .filter(expires_at__gt=now)
        .order_by("pk")
        .first()
    )
    if due is not None:
        pages.append(
            Page("a questionnaire to fill (patient)", "patient", f"/me/questionnaires/{due.pk}/")
        )
    entry = (
        PlanEntry.objects.filter(episode__in=mine, started_at__isnull=False).order_by("pk").first()
    )
    if entry is not None:
        pages.append(Page("a module (patient)", "patient", f"/me/modules/{entry.pk}/"))
    pages += [
        Page("clinic dashboard (manager)", "manager", f"/reports/clinics/{clinic}/dashboard/"),
        Page("clinic outcomes (manager)", "manager", f"/reports/clinics/{clinic}/outcomes/"),
        Page("clinic measures (manager)", "manager", f"/clinics/{clinic}/measures/"),
        Page("clinic staff (manager)", "manager", f"/clinics/{clinic}/staff/"),
        Page("security events (manager)", "manager", "/audit/security/"),
        Page("audit search by name (manager)", "manager", "/audit/?who=Larsson"),
        Page("audit search by actor (manager)", "manager", "/audit/?actor=therapist2"),
        Page("waiting list (intake)", "intake", "/intake/waiting/"),
    ]
    region = Region.objects.filter(clinics__slug=clinic).order_by("pk").first()
    if region is not None:
        pages.append(
            Page(
                "region dashboard (region admin)",
                "region.admin",
                f"/reports/regions/{region.pk}/dashboard/",
            )
        )
    application = Application.objects.filter(clinic__slug=clinic).order_by("pk").first()
    if application is not None:
        pages.append(
            Page("an application (intake)", "intake", f"/intake/applications/{application.pk}/")
        )
    if episode is not None and demo_record_system() is not None:
        p = episode.patient_id
        pages += [
            Page("FHIR Patient read", FHIR_USER, f"/fhir/Patient/{p}"),
            Page("FHIR EpisodeOfCare search", FHIR_USER, f"/fhir/EpisodeOfCare?patient={p}"),
            Page("FHIR Observation search", FHIR_USER, f"/fhir/Observation?patient={p}"),
            Page("FHIR Patient $everything", FHIR_USER, f"/fhir/Patient/{p}/$everything"),
        ]
    pages.append(Page("research studies (researcher)", "researcher", "/research/"))
    study = Study.objects.order_by("pk").first()
    if study is not None:
        pages.append(Page("a study (researcher)", "researcher", f"/research/{study.pk}/"))
    return pages


# ---------------------------------------------------------------------------- set-up


def setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    # The demo's e-mails (dozens) are kept in memory, not printed over the table.
    os.environ.setdefault("TESSERA_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(ROOT))
    import logging
    import warnings

    import django

    django.setup()
    logging.disable(logging.INFO)  # the task runner's lines
    warnings.filterwarnings("ignore", message="No directory at")
    install_bare_view()


def install_bare_view() -> None:
    """A bare signed-in view beside the project's URLs: the floor for CPU per request."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    @login_required
    def bare(request):
        return HttpResponse("ok")

    module = types.ModuleType("bench_scale_urls")
    module.urlpatterns = [path("bench/bare/", bare), path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_scale_urls"] = module
    settings.ROOT_URLCONF = "bench_scale_urls"
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()


def database_name(database_url: str) -> tuple[str, str]:
    """(the URL of the same server's ``postgres`` database, the database's name) of a
    PostgreSQL URL; a plain message and exit status 2 for anything else."""
    from urllib.parse import urlsplit

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name or "/" in name:
        print(
            f"--database-url: not a PostgreSQL database URL: {shown_url(database_url)!r} "
            "(e.g. postgres://postgres@127.0.0.1:5432/tessera_scale_bench)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return parts._replace(path="/postgres").geturl(), name


def shown_url(database_url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(database_url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()
    return database_url


def _connect(url: str, what: str):
    """A connection, or the reason in one line (no traceback) and exit status 1."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SystemExit(f"cannot {what} at {shown_url(url)}: {reason}") from None


def fresh_database(database_url: str) -> None:
    """Drop and create the benchmark database (never any other)."""
    admin, name = database_name(database_url)
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database needs 'bench'")
    with _connect(admin, f"make the benchmark database {name!r}") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def existing_database(database_url: str, *, needs_demo: bool = True) -> None:
    """Stop with a plain message unless the database is there (and, with
    ``needs_demo``, holds the demo, as one grown by this script does)."""
    database_name(database_url)
    with _connect(database_url, "open the database") as conn:
        if not needs_demo:
            return
        found = conn.execute("SELECT to_regclass('core_clinic') IS NOT NULL").fetchone()[0]
        if found:
            found = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM core_clinic WHERE slug = %s)", [DEMO_CLINIC]
            ).fetchone()[0]
    if not found:
        raise SystemExit(
            f"{shown_url(database_url)} holds no demo: make one with python "
            "bench/scale.py --sizes 1000 --repeat 1 --database-url URL (it is dropped first)"
        )


def sizes_arg(text: str) -> list[int]:
    """``--sizes``: comma-separated numbers of patients (1000 or 1_000), each at least 1."""
    try:
        sizes = sorted({int(s.strip().replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: comma-separated whole numbers of patients, e.g. 1000,10000"
        ) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one size, each 1 or more")
    return sizes


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: 1 or more")
    return value


# ---------------------------------------------------------------------------- growing


@dataclass
class World:
    """The bulk part of the country, grown in steps; the demo stays as seeded."""

    size: int = 0
    clinics: list[int] = field(default_factory=list)
    demo_clinic: int = 0
    demo_therapist: int = 0
    therapists: dict[int, list[int]] = field(default_factory=dict)  # clinic -> user ids
    rng: random.Random = field(default_factory=lambda: random.Random(16))


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def copy_rows(model, rows: list[dict], table: str = "") -> None:
    """COPY these rows into the model's table (or a staging ``table`` like it). Each row
    gives ``id`` and any fields, every row the same ones (the first row's keys name the
    columns); the others take the field's default (now for auto_now(_add) fields).

    The row's own values are picked by one ``itemgetter`` and the defaults added as one
    constant tuple: no Python work per field and row but the JSON columns' dumps."""
    from django.db import connection, models

    if not rows:
        return
    now = dt.datetime.now(dt.UTC)
    staging = bool(table)
    table = table or model._meta.db_table
    first = rows[0]
    given, constant, defaults, json_at = [], [], [], []
    for f in model._meta.concrete_fields:
        key = f.attname if f.attname in first else f.name if f.name in first else None
        if key is not None:
            if isinstance(f, models.JSONField):
                json_at.append(len(given))
            given.append((f.column, key))
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            v = now
        else:
            v = f.get_default()
        if isinstance(f, models.JSONField):
            v = json.dumps(v)
        elif isinstance(f, models.UUIDField) and v is not None:
            v = str(v)
        constant.append(f.column)
        defaults.append(v)
    columns = ", ".join(f'"{c}"' for c in [c for c, _k in given] + constant)
    pick = operator.itemgetter(*(k for _c, k in given))
    defaults = tuple(defaults)
    single = len(given) == 1

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = (pick(row),) if single else pick(row)
                if json_at:
                    values = list(values)
                    for i in json_at:
                        values[i] = json.dumps(values[i])
                copy.write_row((*values, *defaults))
        if staging:
            return
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )


def build_organisation(world: World, largest: int) -> None:
    """Regions, clinics and therapists for the largest size, made once; for a world read
    back from its database (``existing_world``), only the clinics a larger size adds."""
    from django.contrib.auth.hashers import make_password

    from tessera.core.demo import demo_email
    from tessera.core.models import Clinic, ClinicRole, Region, User
    from tessera.core.roles import Role

    clinics = max(3, largest // PATIENTS_PER_CLINIC)
    password = make_password(None)
    if not world.demo_clinic:
        demo = Clinic.objects.get(slug=DEMO_CLINIC)
        world.demo_clinic = demo.pk
        world.demo_therapist = User.objects.get(email=demo_email("therapist")).pk
        users = User.objects.bulk_create(
            User(
                email=f"bench.demo.{t}@bench.test",
                password=password,
                first_name="T",
                last_name=str(t),
            )
            for t in range(DEMO_CLINIC_PATIENTS // PATIENTS_PER_THERAPIST)
        )
        ClinicRole.objects.bulk_create(
            ClinicRole(user=u, clinic=demo, role=Role.THERAPIST) for u in users
        )
        world.therapists[demo.pk] = [u.pk for u in users]
    region = None
    for c in range(len(world.clinics), clinics):
        if c % CLINICS_PER_REGION == 0 or region is None:
            region, _ = Region.objects.get_or_create(
                name=f"Bench region {c // CLINICS_PER_REGION}", defaults={"country": "SE"}
            )
        clinic = Clinic.objects.create(
            region=region,
            name=f"Bench clinic {c}",
            slug=f"bench-{c}",
            country="SE",
            languages=["sv"],
        )
        world.clinics.append(clinic.pk)
        per_clinic = max(1, largest // clinics // PATIENTS_PER_THERAPIST)
        users = User.objects.bulk_create(
            User(
                email=f"bench.t{c}.{t}@bench.test",
                password=password,
                first_name="T",
                last_name=str(t),
            )
            for t in range(per_clinic)
        )
        ClinicRole.objects.bulk_create(
            ClinicRole(user=u, clinic=clinic, role=Role.THERAPIST) for u in users
        )
        world.therapists[clinic.pk] = [u.pk for u in users]


def existing_world() -> World:
    """The world of a benchmark database grown before, read back, to grow it further in
    place (``--grow-existing``): its size, clinics and therapists."""
    from tessera.core.demo import demo_email
    from tessera.core.models import Clinic, ClinicRole, Patient, User
    from tessera.core.roles import Role

    size = Patient.objects.filter(first_name__startswith="Bench").count()
    # Not the first build's random numbers again: hashes and keys are unique.
    world = World(size=size, rng=random.Random(16 + size))
    world.demo_clinic = Clinic.objects.get(slug=DEMO_CLINIC).pk
    world.demo_therapist = User.objects.get(email=demo_email("therapist")).pk
    world.therapists[world.demo_clinic] = list(
        User.objects.filter(email__startswith="bench.demo.")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    world.clinics = list(
        Clinic.objects.filter(slug__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )
    roles = ClinicRole.objects.filter(
        clinic_id__in=world.clinics, role=Role.THERAPIST, user__email__startswith="bench.t"
    ).order_by("user_id")
    for clinic, user in roles.values_list("clinic_id", "user_id"):
        world.therapists.setdefault(clinic, []).append(user)
    return world


# The tables the bulk load writes (the episode activity is filled after it).
BULK_TABLES = [
    "core_patient",
    "treatment_episode",
    "treatment_duemeasure",
    "treatment_response",
    "messaging_message",
    "intake_application",
    "intake_applicationmessage",
    "core_auditevent",
    "treatment_episodeactivity",
]


def grow(world: World, target: int, chunk: int = 5000, timings: dict | None = None) -> None:
    """Add patients outside the demo until there are ``target`` of them, ``chunk`` at a
    time (so that a million patients do not have to be held in memory at once).

    A bulk load, as a restore would do it: in one transaction, with the tables' triggers
    off (``session_replication_role = replica``: the foreign-key checks and the
    project's own triggers, which would otherwise run a query or two per row) and, when
    the step at least doubles the country, without the secondary indexes, made again
    after in one sort each. What the triggers keep is then written set-based: the
    episodes carry their patient's name from the start (core 0018), and the new
    episodes' last activity is filled by the migration's own definition (treatment
    0015). ``timings`` (if given) collects seconds per phase."""
    from django.db import connection, transaction

    from tessera.core.models import AuditEvent

    timings = timings if timings is not None else {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - since
        return now

    if target <= world.size:
        return
    rebuild_indexes = target >= 2 * world.size
    with transaction.atomic(), connection.cursor() as cursor:
        t = time.perf_counter()
        # Foreign keys written before (the demo's, in a test's transaction) checked now:
        # a table with checks still pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        first_episode = _next_id(cursor, "treatment_episode")
        first_application = _next_id(cursor, "intake_application")
        indexes = _drop_secondary_indexes(cursor) if rebuild_indexes else []
        # Audit rows wait in a staging table and go in at the end in the order they
        # would have been written: ids rise with time across the whole step.
        cursor.execute("DROP TABLE IF EXISTS bench_audit")
        cursor.execute("CREATE TEMP TABLE bench_audit (LIKE core_auditevent INCLUDING DEFAULTS)")
        t = lap("indexes dropped", t)
        while world.size < target:
            _grow_chunk(world, min(chunk, target - world.size), timings)
        t = time.perf_counter()
        add_security_events(cursor, first_episode=first_episode, table="bench_audit")
        t = lap("security events", t)
        columns = ", ".join(
            f'"{f.column}"' for f in AuditEvent._meta.concrete_fields if f.column != "id"
        )
        first = _next_id(cursor, "core_auditevent")
        cursor.execute(
            f"INSERT INTO core_auditevent (id, {columns}) "
            f"SELECT {first} - 1 + row_number() OVER (ORDER BY at), {columns} FROM bench_audit"
        )
        cursor.execute("DROP TABLE bench_audit")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('core_auditevent', 'id'), "
            "(SELECT MAX(id) FROM core_auditevent))"
        )
        t = lap("audit rows in time order", t)
        cursor.execute(_staff_security_fill())
        t = lap("staff security events filed", t)
        add_worksheets(cursor, first_episode=first_episode, demo_clinic=world.demo_clinic)
        t = lap("worksheets", t)
        add_application_messages(
            cursor, first_application=first_application, author=world.demo_therapist
        )
        t = lap("applicant messages", t)
        add_risk_alerts(cursor, first_episode=first_episode, demo_clinic=world.demo_clinic)
        t = lap("risk alerts", t)
        cursor.execute(_activity_fill(), [first_episode])
        t = lap("episode activity filled", t)
        for statement in indexes:
            cursor.execute(statement)
        t = lap("indexes made", t)
        cursor.execute("SET LOCAL session_replication_role = origin")  # (a test goes on)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        # As autovacuum does in production after many inserts (PostgreSQL 13+): the
        # statistics, and the visibility map that lets an index answer alone. Not in the
        # benchmark's test (inside a transaction): ANALYZE writes its row counts in
        # place, they outlive the test's rollback, and the worker's later tests planned
        # for the benchmark's country (the test checks what is measured, not plans).
        if not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
    lap("vacuum analyze", t)


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the bulk tables' indexes but their primary keys (ids rise: appending to
    them is cheap) and partial indexes on a list of values, unique constraints included
    when no foreign key leans on them; return the statements that make them again."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
          FROM pg_constraint c
         WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                            WHERE f.contype = 'f' AND f.conindid = c.conindid)
        """,
        [BULK_TABLES],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
           -- A partial index on a list of values (intake 0008's queue and funnel) is
           -- kept: its predicate reads back as an array that PostgreSQL parses again
           -- into different text (each element cast on its own), so it would not come
           -- back as the migration made it. Few rows (one patient in APPLICATION_SHARE).
           AND i.indexdef NOT LIKE '%%= ANY (%%'
        """,
        [BULK_TABLES],
    )
    indexes = cursor.fetchall()
    again = []
    for table, name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        again.append(definition)
    return again


def add_worksheets(cursor, *, first_episode: int, demo_clinic: int) -> int:
    """Plan entries and their worksheets sent for feedback, set-based, for the started
    episodes from ``first_episode`` on outside the demo clinic (whose own work stays the
    demo's) that have none: ``WORKSHEETS`` modules, one a week from the episode's start,
    each with one worksheet answer sent (until now), answered within three days but for
    ``WORKSHEETS_WAITING`` of them. The answer's and the entry's copies of their clinic
    (treatment 0018, 0019) are written here when the tables have them (triggers may be
    off). Returns the answers made."""
    cursor.execute(
        "SELECT s.module_version_id, MIN(s.id) FROM programs_step s WHERE s.kind = 'worksheet' "
        "GROUP BY s.module_version_id ORDER BY s.module_version_id LIMIT %s",
        [WORKSHEETS],
    )
    steps = cursor.fetchall()
    if not steps:
        return 0
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'treatment_worksheetanswer' AND column_name = 'clinic_id'"
    )
    with_clinic = cursor.fetchone() is not None
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'treatment_planentry' AND column_name = 'clinic_id'"
    )
    entry_clinic = (", clinic_id", ", e.clinic_id") if cursor.fetchone() else ("", "")
    cursor.execute("SELECT setseed(0.16)")
    cursor.execute(
        """
        CREATE TEMP TABLE bench_modules ON COMMIT DROP AS
        SELECT * FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY
                   AS m(module_version_id, step_id, position)
        """,
        [[m for m, _s in steps], [st for _m, st in steps]],
    )
    cursor.execute(
        f"""
        INSERT INTO treatment_planentry (episode_id, module_version_id, position, unlocked_at,
                                         started_at, completed_at, seen_steps{entry_clinic[0]})
        SELECT e.id, m.module_version_id, m.position, o.at, o.at, o.at + interval '2 days',
               '[]'::jsonb{entry_clinic[1]}
          FROM treatment_episode e
          CROSS JOIN bench_modules m
          CROSS JOIN LATERAL (SELECT e.created_at + (m.position - 1) * interval '7 days' AS at) o
         WHERE e.id >= %s AND e.clinic_id <> %s AND e.status IN ('active', 'ended')
           AND e.patient_first_name LIKE 'Bench%%'
           AND o.at < now()
           AND NOT EXISTS (SELECT 1 FROM treatment_planentry p WHERE p.episode_id = e.id)
         ORDER BY e.id, m.position
        """,
        [first_episode, demo_clinic],
    )
    clinic = (", clinic_id", ", e.clinic_id") if with_clinic else ("", "")
    cursor.execute(
        f"""
        INSERT INTO treatment_worksheetanswer (entry_id, step_id, values, updated_at,
                                               submitted_at, feedback_at{clinic[0]})
        SELECT p.id, m.step_id, '{{}}'::jsonb, sent.at, sent.at,
               CASE WHEN random() < %s THEN NULL
                    ELSE sent.at + random() * interval '72 hours' END{clinic[1]}
          FROM treatment_planentry p
          JOIN bench_modules m ON m.module_version_id = p.module_version_id
                              AND m.position = p.position
          JOIN treatment_episode e ON e.id = p.episode_id
          CROSS JOIN LATERAL (SELECT p.started_at + random() * interval '4 days' AS at) sent
         WHERE p.episode_id >= %s AND e.clinic_id <> %s AND sent.at < now()
           AND NOT EXISTS (SELECT 1 FROM treatment_worksheetanswer a WHERE a.entry_id = p.id)
         ORDER BY p.id
        """,
        [WORKSHEETS_WAITING, first_episode, demo_clinic],
    )
    made = cursor.rowcount
    cursor.execute("DROP TABLE bench_modules")
    return made


def add_application_messages(cursor, *, first_application: int, author: int) -> int:
    """Per grown application from ``first_application`` on that has none (set-based): a
    message from the applicant a day after it was sent, unread by the clinic for
    ``APPLICATION_UNREAD`` of them, and the clinic's answer a day later, read. The bench's
    applications have no applicant: ``author`` (a staff user) writes both. The messages'
    copy of their application's clinic (intake 0011) is written here when the table has
    it (triggers may be off). Returns the messages made."""
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'intake_applicationmessage' AND column_name = 'clinic_id'"
    )
    clinic = (", clinic_id", ", a.clinic_id") if cursor.fetchone() else ("", "")
    cursor.execute("SELECT setseed(0.10)")
    cursor.execute(
        f"""
        INSERT INTO intake_applicationmessage (application_id, author_id, from_clinic, body,
                                               submission_key, sent_at, read_at{clinic[0]})
        SELECT a.id, %s, m.from_clinic, 'Bench applicant message', gen_random_uuid(),
               a.submitted_at + m.days * interval '1 day',
               CASE WHEN NOT m.from_clinic AND random() < %s THEN NULL
                    ELSE a.submitted_at + (m.days + 1) * interval '1 day' END{clinic[1]}
          FROM intake_application a
          CROSS JOIN (VALUES (false, 1), (true, 2)) AS m(from_clinic, days)
         WHERE a.id >= %s AND a.reference LIKE 'B-%%' AND a.submitted_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM intake_applicationmessage x WHERE x.application_id = a.id)
         ORDER BY a.id, m.days
        """,
        [author, APPLICATION_UNREAD, first_application],
    )
    return cursor.rowcount


def add_risk_alerts(cursor, *, first_episode: int, demo_clinic: int) -> int:
    """Risk alerts, set-based, for ``ALERTED`` of the grown episodes from
    ``first_episode`` on outside the demo clinic (whose own alerts stay the demo's) that
    have none: a concern raised a few days after the episode began, resolved (phoned)
    within two days but for ``ALERTS_OPEN`` of them, half of the open ones acknowledged.
    Every clinic of the country then has its open and resolved alerts, as a national
    service would, and a read that starts from the country's open alerts grows with it.
    The alert's copy of its clinic (safety 0008) and its late answers' flags (safety
    0009, empty) are written when the table has them. Returns the alerts made."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'safety_riskalert' AND column_name IN ('clinic_id', 'late_flags')"
    )
    present = {row[0] for row in cursor.fetchall()}
    clinic = ("", "")
    if "clinic_id" in present:
        clinic = (", clinic_id", ", e.clinic_id")
    if "late_flags" in present:
        clinic = (clinic[0] + ", late_flags", clinic[1] + ", '[]'::jsonb")
    cursor.execute("SELECT setseed(0.84)")
    cursor.execute(
        f"""
        INSERT INTO safety_riskalert (episode_id, source, severity, rule_codes, concern,
                                      opened_at, acknowledge_by, escalation_level,
                                      acknowledged_at, action, action_note,
                                      resolved_at{clinic[0]})
        SELECT e.id, 'concern', CASE WHEN random() < 0.5 THEN 'high' ELSE 'moderate' END,
               '[]'::jsonb, 'Bench concern', o.at, o.at + interval '4 hours', 0,
               CASE WHEN o.open AND random() < 0.5 THEN NULL ELSE o.at + interval '1 hour' END,
               CASE WHEN o.open THEN '' ELSE 'phoned' END, '',
               CASE WHEN o.open THEN NULL ELSE o.at + random() * interval '2 days' END{clinic[1]}
          FROM treatment_episode e
          CROSS JOIN LATERAL (SELECT e.created_at + random() * interval '5 days' AS at,
                                     random() < %s AS open) o
         WHERE e.id >= %s AND e.clinic_id <> %s AND e.patient_first_name LIKE 'Bench%%'
           AND random() < %s
           AND NOT EXISTS (SELECT 1 FROM safety_riskalert r WHERE r.episode_id = e.id)
         ORDER BY e.id
        """,
        [ALERTS_OPEN, first_episode, demo_clinic, ALERTED],
    )
    return cursor.rowcount


def _unit(text: str) -> str:
    """SQL for a number in [0, 1) drawn from ``text`` (an SQL text expression): the same
    for the same row in any database and any order of reading, unlike ``random()``."""
    return f"(('x' || substr(md5({text}), 1, 8))::bit(32)::bigint / 4294967296.0)"


def add_security_events(cursor, *, first_episode: int, table: str = "core_auditevent") -> int:
    """Security events (decision 0087), set-based, for the grown episodes from
    ``first_episode`` on, the demo clinic's first 300 included (its own, made with them
    and so the same at every size): per ``SECURITY_EVENTS``, each drawn from the
    episode's id (the same rows wherever they are made), at a time in the last two
    years, into ``table`` (``bench_audit`` while growing: ids then follow time).
    Returns the events made."""
    kinds = ", ".join(f"('{a}', '{w}', {share})" for a, w, share in SECURITY_EVENTS)
    key = "e.id::text || k.action || k.who"
    cursor.execute(
        f"""
        INSERT INTO {table} (at, actor_id, actor_role, clinic_id, chain, patient_id, action,
                             object_type, object_id, purpose, ip_address, request_id,
                             changes, prev_hash, hash, id)
        SELECT now() - {_unit(key + " || 'at'")} * interval '720 days',
               CASE k.who WHEN 'staff' THEN e.therapist_id END, '',
               CASE k.who WHEN 'clinic' THEN e.clinic_id END,
               CASE k.who WHEN 'clinic' THEN e.clinic_id ELSE 0 END, NULL, k.action, '', '',
               'administration',
               ('192.0.2.' || (1 + floor({_unit(key + " || 'ip'")} * 250)::int))::inet,
               'bench', '{{}}'::jsonb, repeat('0', 64),
               md5({key} || 'hash') || md5({key} || 'hash2'),
               nextval(pg_get_serial_sequence('core_auditevent', 'id'))  -- after the sort
          FROM treatment_episode e
          CROSS JOIN (VALUES {kinds}) AS k(action, who, share)
         WHERE e.id >= %s AND e.patient_first_name LIKE 'Bench%%'
           AND {_unit(key)} < k.share
         ORDER BY 1
        """,  # noqa: S608 (constants only)
        [first_episode],
    )
    return cursor.rowcount


def _staff_security_fill() -> str:
    """The staff's security events filed under their clinics, by core 0030's own
    definition (what its triggers keep row by row; they are off in the build). Every
    one, not only the step's: a role made in this step may be held by someone with
    events from before."""
    import importlib

    migration = importlib.import_module("tessera.core.migrations.0030_staff_security_events")
    return migration.FILL.replace("%%", "%")


def _activity_fill() -> str:
    """The newest doing of each episode from ``%s`` on, by treatment 0015's own
    definition of the rows that count (what its triggers keep row by row)."""
    import importlib

    migration = importlib.import_module("tessera.treatment.migrations.0015_episode_activity")
    return (
        "INSERT INTO treatment_episodeactivity (episode_id, at, source, clinic_id) "
        "SELECT DISTINCT ON (d.episode_id) d.episode_id, d.at, d.source, e.clinic_id "
        f"FROM ({migration.sources()}) AS d JOIN treatment_episode e ON e.id = d.episode_id "
        "WHERE d.episode_id >= %s ORDER BY d.episode_id, d.at DESC, d.source DESC"
    )


def _grow_chunk(world: World, count: int, timings: dict) -> None:
    from django.db import connection

    from tessera.core.models import AuditEvent, Episode, Patient
    from tessera.intake.models import Application
    from tessera.messaging.models import Message
    from tessera.treatment.models import DueMeasure, Response

    rng = world.rng
    started_chunk = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    patients, episodes, dues, responses, messages, events, applications = ([] for _ in range(7))
    with connection.cursor() as cursor:
        pid = _next_id(cursor, "core_patient")
        eid = _next_id(cursor, "treatment_episode")
        did = _next_id(cursor, "treatment_duemeasure")
        rid = _next_id(cursor, "treatment_response")
        mid = _next_id(cursor, "messaging_message")
        aid = 1  # replaced when the staging table is copied in
        apid = _next_id(cursor, "intake_application")
        for n in range(count):
            if world.size + n < DEMO_CLINIC_PATIENTS:  # the demo clinic's own, first
                clinic = world.demo_clinic
                if world.size + n < DEMO_CASELOAD:
                    therapist = world.demo_therapist
                else:
                    therapist = rng.choice(world.therapists[clinic])
            else:
                clinic = rng.choice(world.clinics)
                therapist = rng.choice(world.therapists[clinic])
            started = now - dt.timedelta(days=rng.randint(7, 720))
            first_name = f"Bench{world.size + n}"
            last_name = rng.choice(["Larsson", "Berg", "Holm", "Ek", "Nord", "Alm"])
            patients.append(
                {
                    "id": pid,
                    "first_name": first_name,
                    "last_name": last_name,
                    "date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000)),
                    "preferred_language": "sv",
                    "created_at": started,
                }
            )
            status = rng.choices(["active", "ended", "waiting", "intake"], [60, 30, 5, 5])[0]
            episodes.append(
                {
                    "id": eid,
                    "patient_id": pid,
                    "patient_first_name": first_name,  # as core 0018's trigger copies it
                    "patient_last_name": last_name,
                    "clinic_id": clinic,
                    "therapist_id": therapist,
                    "status": status,
                    "created_at": started,
                    "started_on": started.date(),
                    "ended_on": (started + dt.timedelta(days=70)).date()
                    if status == "ended"
                    else None,
                }
            )
            for k in range(RESPONSES):
                at = started + dt.timedelta(days=7 * k)
                answered = at < now - dt.timedelta(days=1) or rng.random() < 0.5
                dues.append(
                    {
                        "id": did,
                        "episode_id": eid,
                        "clinic_id": clinic,  # as treatment 0016's trigger copies it
                        "instrument": "PHQ-9",
                        "time_point": "weekly",
                        "sequence": k,
                        "opens_at": at,
                        "due_at": at + dt.timedelta(days=2),
                        "expires_at": at + dt.timedelta(days=7),
                        "completed_at": at if answered else None,
                    }
                )
                if answered:
                    total = rng.randint(0, 27)
                    responses.append(
                        {
                            "id": rid,
                            "episode_id": eid,
                            "clinic_id": clinic,
                            "due_id": did,
                            "instrument": "PHQ-9",
                            "instrument_version": "1",
                            "language": "sv",
                            "answers": {},
                            "total": total,
                            "result": {"total": total},
                            "submitted_at": at,
                            "submitted_by_id": therapist,
                            "submission_key": uuid.UUID(int=rng.getrandbits(128)),
                        }
                    )
                    rid += 1
                did += 1
            for k in range(MESSAGES):
                from_patient = k % 2 == 0
                messages.append(
                    {
                        "id": mid,
                        "episode_id": eid,
                        "clinic_id": clinic,  # as messaging 0004's trigger copies it
                        "author_id": None if from_patient else therapist,
                        "from_patient": from_patient,
                        "body": "Bench message " * rng.randint(2, 20),
                        "sent_at": started + dt.timedelta(days=3 * k, hours=rng.randint(0, 23)),
                        "answered_at": None,
                        "submission_key": uuid.UUID(int=rng.getrandbits(128)),
                    }
                )
                mid += 1
            for _k in range(AUDIT_ROWS):
                events.append(
                    {
                        "id": aid,
                        "at": now - dt.timedelta(seconds=rng.randint(0, 720 * 86400)),
                        "actor_id": therapist,
                        "actor_role": "therapist",
                        "clinic_id": clinic,
                        "chain": clinic,  # the clinic's own chain (decision 0016)
                        "patient_id": pid,
                        "action": rng.choice(AUDIT_ACTIONS),
                        "purpose": "care",
                        "changes": {},
                        "prev_hash": "0" * 64,
                        "hash": uuid.UUID(int=rng.getrandbits(128)).hex * 2,
                    }
                )
                aid += 1
            if rng.random() < APPLICATION_SHARE:
                applications.append(
                    {
                        "id": apid,
                        "clinic_id": clinic,
                        "reference": f"B-{apid:08d}",
                        "source": "self",
                        "first_name": "Applicant",
                        "last_name": str(apid),
                        "status": rng.choice(["submitted", "needs_info", "accepted", "declined"]),
                        "submitted_at": started,
                        "screened_at": started + dt.timedelta(days=1),
                        "created_at": started,
                    }
                )
                apid += 1
            pid += 1
            eid += 1
        started_copy = time.perf_counter()
        timings["rows made (Python)"] = (
            timings.get("rows made (Python)", 0.0) + started_copy - started_chunk
        )
        for model, rows in [
            (Patient, patients),
            (Episode, episodes),
            (DueMeasure, dues),
            (Response, responses),
            (Message, messages),
            (Application, applications),
        ]:
            copy_rows(model, rows)
        copy_rows(AuditEvent, events, table="bench_audit")
    timings["COPY"] = timings.get("COPY", 0.0) + time.perf_counter() - started_copy
    world.size += count


# ---------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    queries: int
    pages_read: int
    wall_ms: float
    cpu_ms: float
    status: int


def sign_in(client, user) -> None:
    """As the tests do: the password and the second factor just given."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now}]
    if user.authenticator_set.exists():
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def pages_read(sql: str) -> int:
    """Shared buffers hit or read by one SELECT, from EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    return int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))


def is_read(sql: str) -> bool:
    """A SELECT the page's reads are counted from (also a UNION, whose SQL begins with
    its first part in parentheses: "(SELECT ...) UNION (SELECT ...)")."""
    text = sql.lstrip(" \n(").upper()
    return text.startswith("SELECT") and "FOR UPDATE" not in sql.upper()


def query_detail(page: Page, client) -> list[tuple[int, str]]:
    """(pages read, SQL) of each SELECT of one request, in order: which query grows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page.url)  # warm
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    rows = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if is_read(sql):
            rows.append((pages_read(sql), sql))
    return rows


def print_detail(labels: list[str], pages: list[Page], out=sys.stdout, width: int = 160) -> None:
    """Per query of each page in ``labels`` (all when empty): pages read and the SQL."""

    for page in pages:
        if labels and page.label not in labels:
            continue
        client = client_for(page.user)
        rows = query_detail(page, client)
        end_sessions([client])
        print(f"{page.label}: {sum(r[0] for r in rows)} pages, {len(rows)} SELECTs", file=out)
        for n, (read, sql) in enumerate(rows, 1):
            print(f"  {n:2d} {read:7d}  {sql[:width]}", file=out)


def measure_page(page: Page, client, repeat: int) -> Measure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(page.url)  # warm: caches, the session's first touch
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(page.url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    total = 0
    for query in captured.captured_queries:
        sql = query["sql"]
        if is_read(sql):
            total += pages_read(sql)
    return Measure(
        queries=len(captured.captured_queries),
        pages_read=total,
        wall_ms=statistics.median(walls),
        cpu_ms=statistics.median(cpus),
        status=response.status_code,
    )


def measure(pages: list[Page], repeat: int = 3) -> dict[str, Measure]:

    clients = {}
    results = {}
    for page in pages:
        if page.user not in clients:
            clients[page.user] = client_for(page.user)
        results[page.label] = measure_page(page, clients[page.user], repeat)
    end_sessions(clients.values())
    return results


def vacuum_audit_trail() -> None:
    """``VACUUM ANALYZE`` of the audit trail before ``--existing`` measures: every
    measured page writes its audit rows, so a database measured many times held rows
    that the visibility map did not yet cover, and the audit pages' index-only scans
    read the table for them (the pages read drifted up from one run to the next)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_auditevent")


def end_sessions(clients) -> None:
    """The run's sessions taken out of the database again: left behind, each run added
    its own (12 hours each) to ``django_session``, and without Redis every page's
    session read (a scan of that small table) grew with the number of runs made on the
    database, not with its patients (5 pages at 100 k after many runs, 2 at 1 k)."""
    from django.contrib.sessions.models import Session

    keys = [client.session.session_key for client in clients]
    Session.objects.filter(session_key__in=[k for k in keys if k]).delete()


# ---------------------------------------------------------------------------- report


def ratio(a: float, b: float) -> str:
    return f"×{b / a:.2f}" if a else "-"


def report(sizes: list[int], runs: list[tuple[str, dict[str, Measure]]], out=sys.stdout) -> None:
    labels = list(runs[0][1])
    head = ["page", "queries"] + [f"pages {name}" for name, _ in runs] + ["A/A", "growth"]
    head += [f"median ms {runs[-1][0]}", f"CPU ms {runs[-1][0]}", "×bare"]
    rows = [head]
    bare = runs[-1][1].get("bare signed-in view")
    for label in labels:
        measures = [r[label] for _name, r in runs]
        first, aa, last = measures[0], measures[1], measures[-1]
        queries = "/".join(sorted({str(m.queries) for m in measures}, key=int))
        bad = [m.status for m in measures if m.status >= 400]
        row = [label + (f" (status {bad[0]})" if bad else ""), queries]
        row += [str(m.pages_read) for m in measures]
        row += [ratio(first.pages_read, aa.pages_read), ratio(first.pages_read, last.pages_read)]
        row += [f"{last.wall_ms:.1f}", f"{last.cpu_ms:.1f}"]
        row += [ratio(bare.cpu_ms, last.cpu_ms) if bare else "-"]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            ),
            file=out,
        )


def run(
    sizes: list[int],
    repeat: int,
    pages: list[Page],
    log=print,
    *,
    partial: bool = False,
    world: World | None = None,
) -> list[tuple[str, dict]]:
    """Grow to each size and measure; the smallest twice (A/A). ``partial``: print the
    table so far after each size but the last. ``world``: one grown before (its size
    then the first of ``sizes``)."""
    world = world or World()
    build_organisation(world, max(sizes))
    runs = []
    for i, size in enumerate(sizes):
        started = time.perf_counter()
        timings: dict[str, float] = {}
        grow(world, size, timings=timings)
        phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
        log(f"grew to {size:,} patients in {time.perf_counter() - started:.1f} s ({phases})")
        runs.append((f"{size:,}", measure(pages, repeat)))
        if i == 0:
            runs.append((f"{size:,} A/A", measure(pages, repeat)))
        elif partial and size != sizes[-1]:  # so far, in case a larger size never ends
            report(sizes, runs)
            sys.stdout.flush()
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Needs PostgreSQL. Without --existing or --grow-existing the database named "
        "by --database-url (its name must contain 'bench') is dropped and made afresh. "
        "See bench/README.md.",
    )
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=sizes_arg("1000,10000,30000"),
        help="comma-separated numbers of patients to grow the country to, in turn; the "
        "smallest is measured twice (A/A) (default: 1000,10000,30000)",
    )
    parser.add_argument(
        "--repeat",
        type=positive_int,
        default=5,
        help="timed requests of each page per size, for the median times (default: 5)",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help=f"the PostgreSQL database to use (default: {DEFAULT_URL})",
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the database as it is (grown before): nothing dropped, grown or migrated",
    )
    parser.add_argument(
        "--detail",
        metavar="LABEL",
        action="append",
        help="with --existing: each query of this page (repeatable; 'all' for every page) "
        "with its pages read",
    )
    parser.add_argument(
        "--secondary",
        action="store_true",
        help="measure the secondary pages (secondary_pages(): one patient's pages as their "
        "therapist sees them, the patient's own pages, reports, consultations, research) "
        "instead of the main pages",
    )
    parser.add_argument(
        "--add-worksheets",
        action="store_true",
        help="give a database grown before without them (the grown patients outside the "
        "demo clinic) their plans' worksheets sent for feedback, as growing now makes "
        "them, then VACUUM ANALYZE; nothing else",
    )
    parser.add_argument(
        "--add-application-messages",
        action="store_true",
        help="give a database grown before without them its grown applications' "
        "messages (one from the applicant, some unread, and the clinic's answer), as "
        "growing now makes them, then VACUUM ANALYZE; nothing else",
    )
    parser.add_argument(
        "--add-risk-alerts",
        action="store_true",
        help="give a database grown before without them its grown episodes' risk alerts "
        "(a share of the episodes outside the demo clinic, most resolved), as growing now "
        "makes them, then VACUUM ANALYZE; nothing else",
    )
    parser.add_argument(
        "--add-security-events",
        action="store_true",
        help="give a database grown before without them its grown episodes' security "
        "events (failed sign-ins and codes of their therapists and of no staff login, "
        "refused pages, a clinic's rate limits; the demo clinic's own the same at every "
        "size), as growing now makes them, then VACUUM ANALYZE; nothing else",
    )
    parser.add_argument(
        "--grow-existing",
        action="store_true",
        help="grow the database as it is (grown before) in place to each of --sizes: "
        "measured first as it is (with its A/A), then at each size",
    )
    args = parser.parse_args(argv)
    page_list = secondary_pages if args.secondary else main_pages
    if args.detail and not args.existing:
        parser.error("--detail needs --existing")
    if args.existing and args.grow_existing:
        parser.error("--existing and --grow-existing: one or the other")
    adding = args.add_worksheets or args.add_application_messages or args.add_risk_alerts
    adding = adding or args.add_security_events
    if args.existing or args.grow_existing or adding:
        existing_database(args.database_url)
    if args.add_security_events:
        setup_django(args.database_url)
        from django.db import connection, transaction

        from tessera.core.models import AuditEvent

        if AuditEvent.objects.filter(request_id="bench", action__startswith="auth.").exists():
            print("the database holds its security events already")
            return 0
        with transaction.atomic(), connection.cursor() as cursor:
            made = add_security_events(cursor, first_episode=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{made:,} security events added")
        return 0
    if args.add_risk_alerts:
        setup_django(args.database_url)
        from django.db import connection, transaction

        world = existing_world()
        with transaction.atomic(), connection.cursor() as cursor:
            made = add_risk_alerts(cursor, first_episode=0, demo_clinic=world.demo_clinic)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{made:,} risk alerts added")
        return 0
    if args.add_application_messages:
        setup_django(args.database_url)
        from django.db import connection, transaction

        world = existing_world()
        with transaction.atomic(), connection.cursor() as cursor:
            # As the build: the triggers off (the clinic's copy is written here).
            cursor.execute("SET LOCAL session_replication_role = replica")
            made = add_application_messages(
                cursor, first_application=0, author=world.demo_therapist
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{made:,} applicant messages added")
        return 0
    if args.add_worksheets:
        setup_django(args.database_url)
        from django.db import connection, transaction

        world = existing_world()
        with transaction.atomic(), connection.cursor() as cursor:
            # As the build: no trigger fires (add_worksheets writes the answers' and the
            # entries' clinic itself); with them on, each answer's trigger looked up its
            # entry in a table the planner thought empty (over 25 minutes at 100k).
            cursor.execute("SET LOCAL session_replication_role = replica")
            made = add_worksheets(cursor, first_episode=0, demo_clinic=world.demo_clinic)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{made:,} worksheet answers added")
        return 0
    if args.grow_existing:
        setup_django(args.database_url)
        from django.utils import timezone

        world = existing_world()
        sizes = [world.size] + [size for size in args.sizes if size > world.size]
        print(f"found {world.size:,} patients in {len(world.clinics)} clinics")
        pages = page_list(timezone.localdate())
        runs = run(sizes, args.repeat, pages, partial=True, world=world)
        print()
        report(sizes, runs)
        return 0
    if args.existing:
        setup_django(args.database_url)
        from django.utils import timezone

        vacuum_audit_trail()
        pages = page_list(timezone.localdate())
        if args.detail:
            print_detail([] if "all" in args.detail else args.detail, pages)
        else:
            report([], [("now", measure(pages, args.repeat)), ("now A/A", measure(pages, 1))])
        return 0
    sizes = args.sizes
    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from tessera.portal import demo

    demo.seed()
    print(f"migrated and seeded the demo in {time.perf_counter() - started:.1f} s")
    load = os.getloadavg()[0]
    runs = run(sizes, args.repeat, page_list(timezone.localdate()), partial=True)
    print()
    print(
        "Database pages read per request (EXPLAIN ANALYZE BUFFERS), "
        f"load {load:.1f} → {os.getloadavg()[0]:.1f}"
    )
    report(sizes, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
