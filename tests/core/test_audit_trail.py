"""The audit trail: chained, append-only, verifiable, and shown to patients safely."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from tessera.core import audit
from tessera.core.models import AuditChainHead, AuditEvent
from tessera.core.models.audit import AppendOnlyError


def test_each_row_links_to_the_one_before_in_its_clinics_chain(world):
    chains = set(AuditEvent.objects.values_list("chain", flat=True))
    assert {world.clinic.pk, world.other_clinic.pk} <= chains
    for chain in chains:
        events = list(AuditEvent.objects.filter(chain=chain).order_by("id"))
        assert events[0].prev_hash == audit.GENESIS
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
            assert after.chain == (after.clinic_id or 0)
    assert list(audit.verify_chain()) == []


def test_clinics_write_to_their_own_chain_heads(world):
    """A write at one clinic locks and moves that clinic's head only."""
    heads = dict(AuditChainHead.objects.values_list("chain", "last_hash"))
    event = audit.record("patient.viewed", clinic=world.other_clinic, patient=world.other_patient)
    after = dict(AuditChainHead.objects.values_list("chain", "last_hash"))
    assert event.chain == world.other_clinic.pk
    assert event.prev_hash == heads[world.other_clinic.pk]
    assert after[world.other_clinic.pk] == event.hash
    assert {k: v for k, v in after.items() if k != world.other_clinic.pk} == {
        k: v for k, v in heads.items() if k != world.other_clinic.pk
    }
    assert list(audit.verify_chain()) == []


def test_a_break_in_one_clinics_chain_is_found(world):
    victim = AuditEvent.objects.filter(chain=world.other_clinic.pk).order_by("id")[1]
    _tamper("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", ["f" * 64, victim.id])
    with pytest.raises(CommandError, match=f"broken at event {victim.id}: it does not link"):
        call_command("verify_audit_trail")


def test_rows_written_before_the_chains_were_split_still_verify(world):
    """Migration 0006 leaves every older row in chain 0, linked in id order: rows
    chained into one trail across clinics verify as chain 0."""
    head = AuditChainHead.objects.get_or_create(chain=0, defaults={"last_hash": audit.GENESIS})[0]
    previous = head.last_hash
    for clinic in [world.clinic, world.other_clinic, world.clinic]:
        event = AuditEvent(
            at=timezone.now(), clinic=clinic, action="patient.viewed", prev_hash=previous, chain=0
        )
        event.hash = event.compute_hash()
        event.save()
        previous = event.hash
    AuditChainHead.objects.filter(chain=0).update(last_hash=previous, last_event_id=event.pk)
    assert list(audit.verify_chain()) == []


def test_the_verifier_passes_an_untouched_trail(world, capsys):
    call_command("verify_audit_trail")
    assert "The audit trail holds" in capsys.readouterr().out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks must fire before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER audit_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        cursor.execute(sql, params)


def test_the_verifier_names_the_first_tampered_row(world):
    victim = AuditEvent.objects.order_by("id")[3]
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["patient.nothing", victim.id])
    with pytest.raises(CommandError, match=f"broken at event {victim.id}: its contents"):
        call_command("verify_audit_trail")


def test_the_verifier_notices_a_deleted_row(world):
    victim = AuditEvent.objects.order_by("id")[2]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [victim.id])
    with pytest.raises(CommandError, match="does not link"):
        call_command("verify_audit_trail")


def test_the_verifier_notices_rows_cut_off_the_end(world):
    last = AuditEvent.objects.order_by("-id").first()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [last.id])
    with pytest.raises(CommandError, match="missing"):
        call_command("verify_audit_trail")


def test_the_application_cannot_change_or_delete_rows(world):
    event = AuditEvent.objects.first()
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_changes_too(world):
    event = AuditEvent.objects.first()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.id])
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.id])


def test_viewing_a_record_leaves_who_what_where_and_why(world, login):
    client = login(world["therapist"])
    client.get(reverse("patient_detail", args=[world.patient.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action="patient.viewed").latest("id")
    assert event.actor == world["therapist"]
    assert event.patient == world.patient
    assert event.clinic == world.clinic
    assert event.actor_role == "therapist"
    assert event.purpose == "care"
    assert event.ip_address == "10.1.2.3"
    assert len(event.request_id) == 36


def test_a_patient_sees_who_looked_by_role_and_clinic_only(world, login):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    page = login(world["patient"]).get(reverse("my_access_log"))
    text = page.content.decode()
    assert "Therapist at Clinic alpha" in text
    assert world["therapist"].email not in text
    assert world["therapist"].first_name not in text


def test_a_patient_does_not_see_other_patients_events(world, login, client):
    before = len(login(world["patient"]).get(reverse("my_access_log")).context["rows"])
    login(world["colleague"]).get(reverse("patient_detail", args=[world.other_patient.pk]))
    after = len(login(world["patient"]).get(reverse("my_access_log")).context["rows"])
    assert after == before


def test_managers_search_only_their_clinics_trail(world, login):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    page = login(world["manager"]).get(reverse("audit_search"), {"action": "patient.viewed"})
    assert world["therapist"].email in page.content.decode()
    page = login(world["other_manager"]).get(reverse("audit_search"), {"action": "patient.viewed"})
    assert world["therapist"].email not in page.content.decode()


def test_the_audit_search_names_each_event_in_words(world, login):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    page = login(world["manager"]).get(reverse("audit_search"), {"action": "patient.viewed"})
    assert "Patient record viewed<br>" in page.content.decode()  # the clinic's words (0132)
    assert "<code" in page.content.decode()  # the code stays beside the words, to search by


def test_a_bad_audit_search_gets_a_message_not_an_error(world, login):
    page = login(world["manager"]).get(
        reverse("audit_search"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert page.status_code == 200
    assert "The start date is after the end date." in page.content.decode()


@pytest.mark.parametrize(
    "dates", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "1899-12-31"}]
)
def test_a_date_at_the_end_of_the_calendar_gets_a_message_not_an_error(world, login, dates):
    page = login(world["manager"]).get(reverse("audit_search"), dates)
    assert page.status_code == 200
    assert "Enter a date from 1900 to 9998." in page.content.decode()


def test_the_audit_search_uses_a_constant_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world["manager"])
    for _ in range(30):
        client.get(reverse("patient_detail", args=[world.patient.pk]))
    with django_assert_max_num_queries(20):
        client.get(reverse("audit_search"))


def test_many_events_at_once_chain_as_one_each_would(world):
    """record_many: one head lock and one insert per chain, the links exactly as for
    record() once per event, across two clinics' chains."""
    before = AuditEvent.objects.count()
    events = audit.record_many(
        "fhir.bulk_exported",
        [
            {"patient": world.patient, "clinic": world.clinic, "changes": {"n": 1}},
            {"patient": world.other_patient, "clinic": world.other_clinic},
            {"patient": world.patient, "clinic": world.clinic, "changes": {"n": 2}},
        ],
        actor_role="system",
    )
    assert AuditEvent.objects.count() == before + 3
    assert [e.chain for e in events] == sorted(e.chain for e in events)
    heads = dict(AuditChainHead.objects.values_list("chain", "last_event_id"))
    assert heads[world.clinic.pk] == events[1 if world.clinic.pk < world.other_clinic.pk else 2].pk
    assert list(audit.verify_chain()) == []
    with pytest.raises(ValueError):
        audit.record_many("no.such.event", [{"clinic": world.clinic}])


def test_the_verifier_names_the_clinic_and_row_of_each_broken_chain(world, capsys):
    """Two clinics' chains tampered with: the command names each clinic and its first
    row that does not hold, the oldest break first, and fails (exit status 1)."""
    ours = AuditEvent.objects.filter(chain=world.clinic.pk).order_by("id")[1]
    theirs = AuditEvent.objects.filter(chain=world.other_clinic.pk).order_by("id")[0]
    _tamper(
        "UPDATE core_auditevent SET action = %s WHERE id IN (%s, %s)", ["x", ours.id, theirs.id]
    )
    first = min(ours.id, theirs.id)
    with pytest.raises(CommandError, match=f"broken at event {first}: its contents") as raised:
        call_command("verify_audit_trail")
    assert "2 of" in str(raised.value) and "chains broken, 2 rows in all" in str(raised.value)
    oldest = world.clinic if ours.id < theirs.id else world.other_clinic
    assert f"({oldest.slug}, id {oldest.pk})" in str(raised.value)
    listed = capsys.readouterr().err
    for clinic, event in [(world.clinic, ours), (world.other_clinic, theirs)]:
        assert (
            f'clinic "{clinic.name}" ({clinic.slug}, id {clinic.pk}): 1 of its' in listed
            and f"the first is event {event.id}: its contents do not match its hash" in listed
        ), listed


def test_the_verifier_passes_an_empty_trail(db, capsys):
    call_command("verify_audit_trail")
    assert "The audit trail holds: 0 events checked" in capsys.readouterr().out


def test_a_new_clinic_gets_its_own_chain_and_the_trail_still_verifies(world, capsys):
    from tessera.core import actions

    chains = AuditChainHead.objects.count()
    clinic = actions.do_create_clinic(
        region=world.region,
        name="Newly Opened",
        slug="newly-opened",
        country="SE",
        languages=["sv"],
    )
    audit.record("patient.list_viewed", clinic=clinic)
    own = list(AuditEvent.objects.filter(chain=clinic.pk).order_by("id"))
    assert [e.action for e in own] == ["clinic.created", "patient.list_viewed"]
    assert own[0].prev_hash == audit.GENESIS and own[1].prev_hash == own[0].hash
    assert AuditChainHead.objects.count() == chains + 1
    call_command("verify_audit_trail")
    assert f"in {chains + 1} chains" in capsys.readouterr().out


def test_the_verifier_says_so_when_the_database_has_no_trail_at_all(db, monkeypatch):
    """An unmigrated database (or DATABASE_URL naming the wrong one): a message, not a
    traceback."""
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with pytest.raises(CommandError, match="no audit trail: its tables are not there"):
        call_command("verify_audit_trail")
