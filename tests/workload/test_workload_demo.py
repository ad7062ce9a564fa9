"""The demo has weeks of time for the Riverside therapists, one week over the limit."""

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tessera.core.models import Clinic, User
from tessera.workload.figures import clinic_workload
from tessera.workload.models import TimeEntry


@pytest.fixture
def one_day():
    """The clock stands still from before the demo is seeded: seeded on a Sunday and
    again on Monday, the demo rightly has Monday's time too, and last week is the
    ordinary one (decision 0123)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_the_demo_shows_time_and_one_week_over_the_limit(one_day, seeded_demo):
    count = TimeEntry.objects.count()
    assert count > 0
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert TimeEntry.objects.count() == count
    rows = {
        row.therapist.email: row for row in clinic_workload(Clinic.objects.get(slug="riverside"))
    }
    tove = rows["therapist@demo.tessera.test"]
    theo = rows["therapist2@demo.tessera.test"]
    assert [w.over_share for w in tove.weeks].count(True) == 1
    assert not any(w.over_share for w in theo.weeks)
    assert tove.weeks[1].over_share
    ordinary = tove.weeks[2]
    # an ordinary week: some minutes per patient, well under the over-limit week
    assert 10 <= ordinary.minutes_per_patient <= 60
    # Riverside's two therapists, and the other clinics' therapists of the demo's year of
    # past courses (reports)
    timed = set(User.objects.filter(time_entries__isnull=False).values_list("email", flat=True))
    assert {"therapist@demo.tessera.test", "therapist2@demo.tessera.test"} <= timed
    call_command("verify_audit_trail", stdout=open("/dev/null", "w"))  # noqa: SIM115
