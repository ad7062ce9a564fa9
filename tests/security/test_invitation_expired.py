"""An applicant's invitation link older than its 14 days (decision 0154). Before, the
page said "Please contact the clinic that referred you" without saying which clinic or
how; now a genuine link whose invitation is still open names the clinic and its
contact, and an altered one, or one taken up or closed, says what it said."""

import datetime as dt

from django.test import Client

from tessera.core.models import Clinic
from tessera.intake.models import Application
from tests.security.test_invitations import _refer, _url


def _expired(client, link):
    import time_machine

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        return client.get(link)


def test_an_expired_invitation_names_the_clinic_to_ask_for_a_new_link(world):
    Clinic.objects.filter(pk=world.clinic.pk).update(contact_phone="08-123 45 67")
    link = _url(_refer(world))
    response = _expired(Client(), link)
    body = response.content.decode()
    assert response.status_code == 404
    assert "is older than 14 days" in body and "ask Clinic alpha for a new link" in body
    assert "08-123 45 67" in body
    assert "Gus" not in body and "198305214564" not in body
    assert Client().get(link).status_code == 200  # within its days it works


def test_an_altered_taken_up_or_closed_one_names_no_clinic(world):
    application = _refer(world)
    link = _url(application)
    altered = Client().get(link.rstrip("/")[:-2] + "xx/").content.decode()
    assert "does not work any more" in altered and "Clinic alpha" not in altered
    Application.objects.filter(pk=application.pk).update(status="declined")
    closed = _expired(Client(), link).content.decode()
    assert "does not work any more" in closed and "Clinic alpha" not in closed
