"""A clinic keeps at least one crisis contact, whoever removes them and however fast.

The rule was the view's: it counted the clinic's contacts, then the action removed one.
The action itself took any line, and two removals at the same moment (two managers, or
one in two tabs) each counted two on PostgreSQL (READ COMMITTED) and went on: the clinic
was left with no crisis contact of its own while its patients were in care. The action
now locks the clinic's row before it checks (as for managers, decision 0112)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tessera.core import actions
from tessera.core.models import AuditEvent, CrisisContact, Region
from tests.conftest import make_clinic, make_user
from tests.core.test_last_manager_race import _at_the_same_moment


def _two_contacts(clinic) -> tuple[CrisisContact, CrisisContact]:
    manager = make_user("crisis.manager@example.test")
    CrisisContact.objects.filter(clinic=clinic).delete()
    first = actions.do_add_crisis_contact(
        clinic, acting_user=manager, language="sv", label="Psykakuten", phone="08-123 123 00"
    )
    second = actions.do_add_crisis_contact(
        clinic,
        acting_user=manager,
        language="en",
        label="Psychiatric emergency",
        phone="08-123 123 01",
    )
    return first, second


def test_the_action_refuses_the_last_crisis_contact(world):
    """Called without the page (a command, another view), the last line stays."""
    first, second = _two_contacts(world.clinic)
    actions.do_remove_crisis_contact(first, acting_user=world["manager"])
    with pytest.raises(ValidationError, match="at least one crisis contact"):
        actions.do_remove_crisis_contact(second, acting_user=world["manager"])
    assert list(world.clinic.crisis_contacts.all()) == [second]
    assert AuditEvent.objects.filter(action="clinic.crisis_contact_removed").count() == 1


def test_a_line_removed_already_is_not_audited_again(world):
    first, _second = _two_contacts(world.clinic)
    stale = CrisisContact.objects.get(pk=first.pk)
    actions.do_remove_crisis_contact(first, acting_user=world["manager"])
    actions.do_remove_crisis_contact(stale, acting_user=world["manager"])
    assert AuditEvent.objects.filter(action="clinic.crisis_contact_removed").count() == 1


def test_two_removals_at_the_same_moment_leave_one(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the second sees the first")
    clinic = make_clinic(Region.objects.create(name="Crisis race", country="SE"), "crisisrace")
    manager = make_user("crisis.race@example.test")
    first, second = _two_contacts(clinic)
    outcome = _at_the_same_moment(
        lambda: actions.do_remove_crisis_contact(first, acting_user=manager),
        lambda: actions.do_remove_crisis_contact(second, acting_user=manager),
    )
    assert outcome == {"second": "A clinic must keep at least one crisis contact."}
    assert list(clinic.crisis_contacts.values_list("pk", flat=True)) == [second.pk]
