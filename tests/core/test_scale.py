"""Pages that do not grow with the database (issue 16): what can be pinned without a
clock. The queries keep their results, use the indexes made for them (EXPLAIN on
PostgreSQL), and count no more rows than they show."""

import datetime as dt
import os

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tessera.core import audit
from tessera.core.models import AuditEvent, Episode, Patient
from tessera.core.pagination import CappedPaginator

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="EXPLAIN plans are PostgreSQL's")


def _old_patient_scope(user):
    """The set the patient list showed before: any patient with an episode in the
    user's scope, or the user's own record."""
    from tessera.core.access.patients import episode_scope

    ids = set(Episode.objects.filter(episode_scope(user)).values_list("patient_id", flat=True))
    ids |= set(Patient.objects.filter(user=user).values_list("pk", flat=True))
    return ids


@pytest.mark.parametrize(
    "kind", ["therapist", "manager", "colleague", "other_therapist", "patient", "staff_no_mfa"]
)
def test_the_patient_scope_shows_the_same_patients(world, kind):
    user = world[kind]
    got = set(Patient.objects.visible_to(user).values_list("pk", flat=True))
    expected = _old_patient_scope(user) if kind != "staff_no_mfa" else set()
    assert got == expected


def test_staff_patient_scope_is_a_plain_subquery_not_an_or(world):
    """``id IN (…) OR user_id = …`` makes PostgreSQL scan every patient; staff get the
    subquery alone."""
    sql = str(Patient.objects.visible_to(world["therapist"]).query)
    where = sql.split(" WHERE ", 1)[1]
    assert '"core_patient"."user_id"' not in where
    assert " IN (SELECT" in sql


def test_the_audit_search_by_date_keeps_whole_days(world, login):
    client = login(world["manager"])
    client.get(reverse("patient_detail", args=[world.patient.pk]))
    today = timezone.localdate()
    page = client.get(reverse("audit_search"), {"date_from": today, "date_to": today})
    assert any(e.action == "patient.viewed" for e in page.context["page"].object_list)
    yesterday = today - dt.timedelta(days=1)
    page = client.get(reverse("audit_search"), {"date_to": yesterday})
    assert not page.context["page"].object_list
    page = client.get(reverse("audit_search"), {"date_from": today + dt.timedelta(days=1)})
    assert not page.context["page"].object_list


def test_the_capped_paginator_counts_no_further_than_its_cap(world, django_assert_num_queries):
    for _ in range(5):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    events = AuditEvent.objects.filter(clinic=world.clinic).order_by("-id")
    total = events.count()
    assert total > 4
    paginator = CappedPaginator(events, 2, cap=4)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 5
    assert "LIMIT 5" in captured.captured_queries[0]["sql"]
    assert paginator.capped and paginator.num_pages == 2
    assert [e.pk for e in paginator.page(2).object_list] == [e.pk for e in events[2:4]]
    roomy = CappedPaginator(events, 2, cap=1000)
    assert roomy.count == total and not roomy.capped
    assert roomy.num_pages == -(-total // 2)


def test_a_capped_audit_search_says_there_is_more(world, login, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "__init__", _small_cap)
    client = login(world["manager"])
    for _ in range(4):
        audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    page = client.get(reverse("audit_search"))
    assert "of more than 2" in page.content.decode()


_real_init = CappedPaginator.__init__


def _small_cap(self, object_list, per_page, **kwargs):
    _real_init(self, object_list, 1, cap=2)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_the_audit_search_reads_the_clinics_trail_by_index(world):
    clinic_ids = [world.clinic.pk]
    events = AuditEvent.objects.for_clinics(clinic_ids).filter(action__startswith="patient.")
    plan = _plan(events.order_by("-id")[:50])
    assert "audit_clinic_newest" in plan or "core_audit_clinic_" in plan
    assert "Index Scan Backward using core_auditevent_pkey" not in plan


@postgres_only
def test_the_staff_patient_list_does_not_scan_every_patient(world):
    plan = _plan(Patient.objects.visible_to(world["therapist"]).real())
    assert "Seq Scan on core_patient" not in plan
