"""The caseload demo: a therapist who left, whose two patients need a new therapist."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tessera.core import access
from tessera.core.models import ClinicRole, Episode, User
from tessera.inbox import demo
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_leaver_is_offboarded_once_and_their_patients_need_a_therapist(world, client):
    ctx = SimpleNamespace(
        clinics={"riverside": world.clinic}, staff={"manager": world["manager"]}, patients={}
    )
    demo.seed(ctx)
    demo.seed(ctx)
    leaver = User.objects.get(email__startswith="leaver@")
    assert not leaver.is_active and not ClinicRole.objects.filter(user=leaver).exists()
    waiting = access.needing_new_therapist(Episode.objects.filter(clinic=world.clinic))
    assert sorted(e.patient.first_name for e in waiting) == ["Anton", "Siri"]
    sign_in(client, world["manager"])
    page = client.get(reverse("caseload") + "?therapist=all&flag=new_therapist")
    rows = page.context["rows"]
    assert {row.patient.first_name for row in rows} == {"Anton", "Siri"}
    siri = next(row for row in rows if row.patient.first_name == "Siri")
    assert siri.deteriorated
    staff = client.get(reverse("clinic_staff", args=[world.clinic.slug])).content.decode()
    assert "Lena Ström has left" in staff
    # Anton's video session with Lena is to be booked again (decision 0096).
    rebook = staff.split('id="sessions-to-rebook"', 1)[1].split("</section>", 1)[0]
    assert "booked with Lena Ström" in rebook and "Anton Falk" in rebook


def test_the_demo_therapist_has_one_new_patient(world):
    from tessera.inbox import items, scope, worklist
    from tessera.inbox.scope import Choice
    from tests.conftest import make_patient

    _patient, episode = make_patient(world.clinic, "olle@demo.test", therapist=world["therapist"])
    ctx = SimpleNamespace(
        clinics={"riverside": world.clinic},
        staff={"manager": world["manager"], "therapist": world["therapist"]},
        patients={"patient2": episode.patient},
    )
    demo.seed(ctx)
    user = User.objects.get(pk=world["therapist"].pk)
    rows = worklist.build(scope.caseload(user, Choice(user, team=False))).of_kind(items.NEW_PATIENT)
    assert [row.episode.pk for row in rows] == [episode.pk]
