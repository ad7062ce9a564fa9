"""The patient's notification settings page."""

import datetime as dt

from tessera.core.actions import do_update_patient_details
from tessera.core.models import AuditEvent
from tessera.notifications.models import Preference

URL = "/me/notifications/"


def test_the_patient_sets_quiet_hours_and_sms(world, client, login):
    do_update_patient_details(world.patient, acting_user=world.patient.user, phone="+4670111")
    login(world.patient.user)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL, {"email": "on", "sms": "on", "quiet_from": "21:30", "quiet_until": "07:00"}
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=world.patient.user)
    assert preference.sms and preference.email
    assert (preference.quiet_from, preference.quiet_until) == (dt.time(21, 30), dt.time(7))
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.patient == world.patient and event.purpose == "self"


def test_sms_without_a_phone_is_refused_beside_the_field(world, client, login):
    login(world.patient.user)
    response = client.post(URL, {"email": "on", "sms": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_sms_error"' in html and "mobile phone number" in html
    assert not Preference.objects.filter(sms=True).exists()


def test_half_quiet_hours_and_unknown_zones_are_refused(world, client, login):
    login(world.patient.user)
    response = client.post(URL, {"email": "on", "quiet_from": "22:00", "time_zone": "Mars/Base"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_time_zone_error"' in html
    response = client.post(URL, {"email": "on", "quiet_from": "22:00"})
    assert 'id="id_quiet_until_error"' in response.content.decode()
    assert not Preference.objects.exclude(quiet_from=None).exists()
