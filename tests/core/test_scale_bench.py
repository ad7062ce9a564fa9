"""The scale benchmark's small-N mode (bench/scale.py), on the PostgreSQL test database:
it grows the country with COPY, measures every main page and reads the database pages
from EXPLAIN. Checks what the benchmark produces, never a time."""

import datetime as dt
import importlib
import importlib.util
import io
import os
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.urls import clear_url_caches

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the benchmark uses COPY and EXPLAIN (ANALYZE, BUFFERS): PostgreSQL only",
)

BENCH = Path(__file__).resolve().parents[2] / "bench" / "scale.py"
ACTIVITY = importlib.import_module("tessera.treatment.migrations.0015_episode_activity")


@pytest.fixture
def scale(settings):
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # an override layer, undone after
    module.install_bare_view()
    yield module
    clear_url_caches()


def _indexes(scale) -> set[tuple[str, str]]:
    """The secondary indexes of the tables the benchmark's bulk load writes (its own list)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [scale.BULK_TABLES],
        )
        return set(cursor.fetchall())


def test_the_benchmark_grows_the_country_and_measures_every_page(db, scale):
    from tessera.core.models import AuditEvent, Episode, Patient
    from tessera.portal import demo
    from tessera.treatment.models import EpisodeActivity

    demo.seed()
    patients = Patient.objects.count()
    indexes = _indexes(scale)
    pages = scale.main_pages(dt.date.today())
    runs = scale.run([40, 80], repeat=1, pages=pages, log=lambda *_: None)

    assert Patient.objects.count() == patients + 80
    assert Episode.objects.filter(patient__first_name__startswith="Bench").count() == 80
    assert AuditEvent.objects.filter(patient__first_name__startswith="Bench").count() == 80 * 60
    # The load ran with the triggers off and without the secondary indexes: the
    # indexes are all back, and what the triggers keep is what they would have kept.
    assert _indexes(scale) == indexes
    assert not Episode.objects.exclude(patient_last_name=F("patient__last_name")).exists()
    assert not Episode.objects.exclude(patient_first_name=F("patient__first_name")).exists()
    # Each row's clinic is its episode's (treatment 0016, messaging 0004).
    from tessera.messaging.models import Message
    from tessera.treatment.models import DueMeasure, Response

    for model in (Message, DueMeasure, Response, EpisodeActivity):
        assert not model.objects.exclude(clinic_id=F("episode__clinic_id")).exists(), model
    # Each grown application has the applicant's message (unread for some: the triage
    # queue's notice) and the clinic's answer, each carrying the application's clinic
    # (intake 0011, decision 0069).
    from tessera.intake.models import Application, ApplicationMessage

    grown = Application.objects.filter(reference__startswith="B-")
    written = ApplicationMessage.objects.filter(application__in=grown)
    assert grown.exists()
    assert written.filter(from_clinic=False).count() == grown.count()
    assert written.filter(from_clinic=True, read_at__isnull=False).count() == grown.count()
    assert not written.exclude(clinic_id=F("application__clinic_id")).exists()
    kept = set(EpisodeActivity.objects.values_list("episode_id", "at", "source"))
    assert len(kept) > 80
    EpisodeActivity.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(ACTIVITY.FILL)
    assert set(EpisodeActivity.objects.values_list("episode_id", "at", "source")) == kept

    # Grown further in place (--grow-existing): the world read back from the database.
    world = scale.existing_world()
    assert world.size == 80 and len(world.clinics) == 3
    assert all(world.therapists[c] for c in world.clinics)
    scale.grow(world, 100)
    assert Patient.objects.count() == patients + 100
    assert AuditEvent.objects.filter(patient__first_name__startswith="Bench").count() == 100 * 60
    # Worksheets (decision 0064): made for the grown patients outside the demo clinic
    # (here every grown patient is in it: told it is none), each carrying its clinic.
    from tessera.treatment.models import WorksheetAnswer

    with connection.cursor() as cursor:
        made = scale.add_worksheets(cursor, first_episode=0, demo_clinic=-1)
    bench = {"entry__episode__patient__first_name__startswith": "Bench"}
    answers = WorksheetAnswer.objects.filter(**bench)
    assert made > 0 and answers.count() == made
    assert not answers.exclude(clinic_id=F("entry__episode__clinic_id")).exists()
    # Risk alerts (decision 0084): a share of the grown episodes outside the demo clinic,
    # most resolved, each carrying its episode's clinic (safety 0008).
    from tessera.safety.models import RiskAlert

    with connection.cursor() as cursor:
        alerted = scale.add_risk_alerts(cursor, first_episode=0, demo_clinic=-1)
    alerts = RiskAlert.objects.filter(episode__patient__first_name__startswith="Bench")
    assert alerts.count() == alerted
    assert not alerts.exclude(clinic_id=F("episode__clinic_id")).exists()
    assert not alerts.filter(resolved_at__isnull=False, action="").exists()
    # Security events (decision 0087): grown with the episodes, their therapists' (no
    # clinic), the clinic's and nobody's; the same rows drawn again for the same
    # episodes (so the demo clinic's own are the same in every database).
    security = AuditEvent.objects.filter(request_id="bench")
    therapists = set(Episode.objects.values_list("therapist_id", flat=True))
    assert security.filter(actor_id__isnull=False, clinic_id__isnull=True).exists()
    assert set(security.exclude(actor=None).values_list("actor_id", flat=True)) <= therapists
    assert security.filter(actor=None, clinic=None).exists()
    assert all(e.action.startswith(("auth.", "security.")) for e in security)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE again (LIKE core_auditevent)")
        again = scale.add_security_events(cursor, first_episode=0, table="again")
        cursor.execute("SELECT action, actor_id, clinic_id, hash FROM again ORDER BY hash")
        drawn = cursor.fetchall()
    assert again == security.count()
    assert drawn == list(security.order_by("hash").values_list("action", "actor", "clinic", "hash"))
    assert [name for name, _ in runs] == ["40", "40 A/A", "80"]
    for _name, measures in runs:
        assert set(measures) == {p.label for p in pages}
        for label, m in measures.items():
            assert m.status == 200, label
            assert m.queries > 0 and m.pages_read > 0, label
    out = io.StringIO()
    scale.report([40, 80], runs, out=out)
    table = out.getvalue()
    assert "audit search by date" in table and "growth" in table


def test_pages_read_come_from_explain(db, scale):
    from tessera.core.models import AuditEvent

    sql = str(AuditEvent.objects.order_by("-id")[:5].query)
    assert scale.pages_read(sql) >= 1


def test_the_secondary_pages_answer_and_keep_their_ids_as_the_country_grows(db, scale):
    """``--secondary``: the pages a clinic uses daily beyond the main ones, each answered
    200 for its demo user, their ids picked in the demo clinic (the same after growing)."""
    from tessera.portal import demo

    demo.seed()
    today = dt.date.today()
    pages = scale.secondary_pages(today)
    labels = [p.label for p in pages]
    assert len(labels) == len(set(labels))
    assert not set(labels) & {p.label for p in scale.main_pages(today)} - {"bare signed-in view"}
    for wanted in [
        "patient overview (therapist)",
        "patient's messages (therapist)",
        "patient's measures (therapist)",
        "who has seen my record (patient)",
        "a questionnaire to fill (patient)",
        "clinic dashboard (manager)",
        "region dashboard (region admin)",
        "an application (intake)",
        "a study (researcher)",
        "a supervised case (supervisor)",
        "a risk alert (therapist)",
        "FHIR Patient read",  # the demo record system's token (fhir.demo's key)
        "FHIR Observation search",
    ]:
        assert wanted in labels, wanted
    runs = scale.run([40, 60], repeat=1, pages=pages, log=lambda *_: None)
    assert [p.url for p in scale.secondary_pages(today)] == [p.url for p in pages]
    for _name, measures in runs:
        assert set(measures) == set(labels)
        for label, m in measures.items():
            assert m.status == 200, label
            assert m.queries > 0 and m.pages_read > 0, label
