"""An alert always reaches a person: the on-call rota, its check (``manage.py check
--deploy`` and the clinic settings page), the manager as last fallback, and alerts by
e-mail and text message with nothing clinical in them (issue 12, point 1)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.models import AuditEvent, ClinicRole, Episode, OnCallShift
from tessera.core.roles import Role
from tessera.notifications import sms
from tessera.notifications.models import Notification, Preference
from tessera.safety import recipients
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tests.conftest import make_user

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
RISK = {**dict.fromkeys(range(1, 9), 1), 9: 2}


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def otto(world):
    user = make_user("otto@alpha.test", second_factor=True, first_name="Otto")
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    return user


def put_on_call(world, user, days, start, end, phone=None):
    return core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=days,
        starts_hour=start,
        ends_hour=end,
        mobile_phone=phone,
    )


def safety_check_messages():
    return [m for m in run_checks(include_deployment_checks=True, tags=["tessera_safety"])]


def errors_for(clinic):
    return [m for m in safety_check_messages() if m.obj == clinic and m.is_serious()]


def test_an_unguided_clinic_without_on_call_cover_fails_the_deploy_check(world):
    world.clinic.offers_unguided = True
    world.clinic.save()
    with pytest.raises(SystemCheckError, match="unguided care"):
        call_command("check", "--deploy", "--tag", "tessera_safety")
    (error,) = errors_for(world.clinic)
    assert error.id == "tessera.E010"
    assert "Monday 08–16" in error.msg and "Friday 08–16" in error.msg
    assert "Saturday" not in error.msg  # outside working hours the manager is the fallback


def test_covering_the_working_hours_passes_the_check(world, otto):
    world.clinic.offers_unguided = True
    world.clinic.save()
    put_on_call(world, otto, [1, 2, 3, 4, 5], 8, 16, phone="+46701234567")
    assert errors_for(world.clinic) == []
    call_command("check", "--deploy", "--tag", "tessera_safety")  # no error raised


def test_without_a_manager_the_hours_nobody_covers_are_an_error(world, otto):
    ClinicRole.objects.filter(clinic=world.clinic, role=Role.CLINIC_MANAGER).delete()
    put_on_call(world, otto, range(1, 8), 0, 24)
    assert errors_for(world.clinic) == []
    OnCallShift.objects.filter(weekday=7).update(starts_hour=0, ends_hour=20)
    (error,) = errors_for(world.clinic)
    assert "reach nobody" in error.msg and "Sunday 20–24" in error.msg


def test_someone_who_left_does_not_count_as_cover(world, otto):
    world.clinic.offers_unguided = True
    world.clinic.save()
    put_on_call(world, otto, [1, 2, 3, 4, 5], 8, 16)
    otto.is_active = False
    otto.save()
    assert [e.id for e in errors_for(world.clinic)] == ["tessera.E010"]


def test_the_rota_refuses_overlaps_outsiders_and_bad_hours(world, otto):
    put_on_call(world, otto, [1], 8, 12)
    with pytest.raises(ValidationError, match="overlaps"):
        put_on_call(world, otto, [1, 2], 11, 13)
    with pytest.raises(ValidationError):
        put_on_call(world, otto, [2], 13, 13)
    with pytest.raises(ValidationError, match="staff of this clinic"):
        put_on_call(world, world["other_therapist"], [1], 8, 12)
    assert OnCallShift.objects.count() == 1
    assert ClinicRole.objects.get(user=otto, clinic=world.clinic).on_call


def submit_risk(world, capture):
    with capture(execute=True):
        treatment.do_submit_response(
            world.due,
            RISK,
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    return RiskAlert.objects.get(episode=world.episode)


def test_whoever_is_on_call_at_that_hour_is_told_and_the_manager_when_nobody(
    world, otto, django_capture_on_commit_callbacks
):
    put_on_call(world, otto, [3], 8, 16)  # Wednesdays
    alert = submit_risk(world, django_capture_on_commit_callbacks)
    wednesday = dt.datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)
    saturday = dt.datetime(2026, 12, 5, 3, 0, tzinfo=STOCKHOLM)
    assert recipients.for_level(alert, 0, wednesday) == sorted(
        [world["therapist"], otto], key=lambda u: u.pk
    )
    assert recipients.for_level(alert, 0, saturday) == [world["therapist"]]
    alert.episode.therapist = None  # care without a therapist (unguided)
    assert recipients.for_level(alert, 0, saturday) == on_call.managers(world.clinic)
    assert world["manager"] in recipients.for_level(alert, 0, saturday)


def test_alerts_go_by_email_and_text_message_despite_preferences_and_quiet_hours(
    world, otto, django_capture_on_commit_callbacks, sms_outbox
):
    put_on_call(world, otto, range(1, 8), 0, 24, phone="+46701234567")
    Preference.objects.create(
        user=otto, email=True, sms=False, quiet_from=dt.time(0, 0), quiet_until=dt.time(23, 59)
    )
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=STOCKHOLM), tick=False):
        alert = submit_risk(world, django_capture_on_commit_callbacks)
    sent = Notification.objects.filter(recipient=otto, kind="risk_alert")
    assert sorted(sent.values_list("channel", "state")) == [("email", "sent"), ("sms", "sent")]
    (text,) = [s for s in sms_outbox if s.recipient_id == otto.pk]
    assert text.phone == "+46701234567"
    assert f"/alerts/{alert.pk}/" in text.text
    for body in [text.text] + [m.subject + m.body for m in mail.outbox if m.to == [otto.email]]:
        assert world.patient.first_name not in body and world.patient.last_name not in body
        assert "PHQ" not in body and "item" not in body


def test_the_manager_edits_the_rota_and_sees_the_check(world, otto, login):
    world.clinic.offers_unguided = True
    world.clinic.save()
    client = login(world["manager"])
    detail = client.get(reverse("clinic_detail", args=["alpha"])).content.decode()
    assert "Must be fixed:" in detail and "unguided care" in detail
    url = reverse("clinic_on_call", args=["alpha"])
    form = {
        "user": otto.pk,
        "weekdays": ["1", "2", "3", "4", "5"],
        "starts_hour": "8",
        "ends_hour": "16",
        "mobile_phone": "+46709999999",
    }
    assert client.post(url, form).status_code == 302
    otto.refresh_from_db()
    assert otto.mobile_phone == "+46709999999"
    assert OnCallShift.objects.filter(user=otto).count() == 5
    assert AuditEvent.objects.filter(action="clinic.on_call_shift_added").exists()
    again = client.post(url, {**form, "weekdays": ["1"]})
    assert again.status_code == 200 and "overlaps" in again.content.decode()
    detail = client.get(reverse("clinic_detail", args=["alpha"])).content.decode()
    assert "Must be fixed:" not in detail
    shift = OnCallShift.objects.filter(user=otto).first()
    remove = reverse("clinic_on_call_remove", args=["alpha", shift.pk])
    client.post(remove)  # asked first: it would open a gap (decision 0144)
    assert OnCallShift.objects.filter(user=otto).count() == 5
    client.post(remove, {"confirm": "yes"})
    assert OnCallShift.objects.filter(user=otto).count() == 4
    assert "Must be fixed:" in client.get(url).content.decode()


def test_the_settings_page_refuses_unguided_care_nobody_covers(world, otto, login):
    """Issue 12: the clinic settings page refuses the configuration, not only shows it."""
    from tests.core.test_clinic_settings import _settings_form

    client = login(world["manager"])
    url = reverse("clinic_edit", args=["alpha"])
    response = client.post(url, _settings_form(offers_unguided="on"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "offers unguided care" in body and "Monday 08–16" in body
    assert "Put someone on the on-call rota for those hours first" in body
    world.clinic.refresh_from_db()
    assert not world.clinic.offers_unguided
    assert not AuditEvent.objects.filter(action="clinic.settings_changed").exists()

    put_on_call(world, otto, [1, 2, 3, 4, 5], 8, 16, phone="+46701234567")
    assert client.post(url, _settings_form(offers_unguided="on")).status_code == 302
    world.clinic.refresh_from_db()
    assert world.clinic.offers_unguided
    # longer working hours than the rota covers are refused the same way
    response = client.post(url, _settings_form(offers_unguided="on", closes_at="18:00"))
    assert "Monday 16–18" in response.content.decode()
    world.clinic.refresh_from_db()
    assert world.clinic.closes_at == dt.time(16, 0)


def test_a_problem_the_clinic_already_has_does_not_block_other_settings(world):
    world.clinic.offers_unguided = True
    world.clinic.save()  # an older clinic, set up before the check: shown, not refused
    core_actions.do_update_clinic_settings(
        world.clinic, acting_user=world["manager"], response_target_hours=24
    )
    world.clinic.refresh_from_db()
    assert world.clinic.response_target_hours == 24
    assert [e.id for e in errors_for(world.clinic)] == ["tessera.E010"]


@pytest.mark.parametrize("how", ["role removed", "account closed"])
def test_an_alert_whose_therapist_has_left_reaches_the_managers_at_once(
    world, django_capture_on_commit_callbacks, client, how
):
    """The therapist lost the role at the clinic (or their account): they can no longer
    open the alert, so telling them alone told nobody until the first escalation."""
    therapist = world["therapist"]
    if how == "role removed":
        grant = ClinicRole.objects.get(user=therapist, clinic=world.clinic, role=Role.THERAPIST)
        core_actions.do_remove_role(grant, acting_user=world["manager"])
    else:
        type(therapist).objects.filter(pk=therapist.pk).update(is_active=False)
    wednesday = dt.datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(wednesday, tick=False):
        alert = submit_risk(world, django_capture_on_commit_callbacks)
    told = recipients.for_level(alert, 0, wednesday)
    assert therapist not in told
    assert told == on_call.managers(world.clinic)
    assert not Notification.objects.filter(recipient=therapist, kind="risk_alert").exists()
    assert Notification.objects.filter(recipient=world["manager"], kind="risk_alert").exists()


def _can_open(user, alert) -> bool:
    return Episode.objects.visible_to(user).filter(pk=alert.episode_id).exists()


@pytest.mark.parametrize("how", ["mark taken off", "mark lost in the data", "marked role removed"])
def test_whoever_the_rota_tells_can_open_the_alert(
    world, otto, django_capture_on_commit_callbacks, client, how
):
    """The rota tells people; the role's on-call mark lets them open the patient. Someone
    on the rota whose mark was taken off (the staff form), lost (older rows), or was on a
    role since removed was told alone, and the alert page answered them 404: nobody who
    could act was told. Care without a therapist, so the rota is all there is."""
    Episode.objects.filter(pk=world.episode.pk).update(therapist=None)
    if how == "marked role removed":
        supervisor = core_actions.do_grant_role(otto, world.clinic, Role.SUPERVISOR)
        ClinicRole.objects.filter(user=otto).exclude(pk=supervisor.pk).delete()
        put_on_call(world, otto, range(1, 8), 0, 24)  # marks the supervisor role
        core_actions.do_grant_role(otto, world.clinic, Role.THERAPIST)  # unmarked
        core_actions.do_remove_role(supervisor, acting_user=world["manager"])
    else:
        put_on_call(world, otto, range(1, 8), 0, 24)
        grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
        if how == "mark taken off":
            core_actions.do_update_role(grant, acting_user=world["manager"], on_call=False)
        else:
            ClinicRole.objects.filter(pk=grant.pk).update(on_call=False)
    wednesday = dt.datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(wednesday, tick=False):
        alert = submit_risk(world, django_capture_on_commit_callbacks)
    told = recipients.for_level(alert, 0, wednesday)
    assert told
    for user in told:
        if user.has_second_factor:  # the others are asked to set one up when they sign in
            assert _can_open(user, alert), user
    if how == "marked role removed":
        assert told == [otto]  # still on the rota, and still able to open it
        assert _can_open(otto, alert)
    else:
        assert otto not in told and told == on_call.managers(world.clinic)
    if how == "mark taken off":
        assert not OnCallShift.objects.filter(user=otto).exists()  # off the rota as well


def test_removing_a_stretch_that_opens_a_gap_is_asked_about_before_it_is_saved(world, otto, login):
    """Decision 0144: taking a stretch off the rota was saved first and only then shown
    as a problem. Now the page names the hours it would leave uncovered, in the clinic's
    time, and removes it only when confirmed; a stretch whose hours others cover goes at
    once."""
    from tessera.core import actions as core_actions
    from tessera.core.models import Clinic

    Clinic.objects.filter(pk=world.clinic.pk).update(offers_unguided=True)
    add = dict(acting_user=world["manager"], weekdays=range(1, 8), starts_hour=0, ends_hour=24)
    core_actions.do_add_on_call_shifts(world.clinic, user=otto, **add)
    core_actions.do_add_on_call_shifts(
        world.clinic, user=world["supervisor"], **{**add, "weekdays": [1]}
    )
    client = login(world["manager"])
    covered = OnCallShift.objects.get(user=otto, weekday=1)
    assert (
        client.post(reverse("clinic_on_call_remove", args=["alpha", covered.pk])).status_code == 302
    )
    assert not OnCallShift.objects.filter(pk=covered.pk).exists()  # the supervisor covers Monday
    tuesday = OnCallShift.objects.get(user=otto, weekday=2)
    url = reverse("clinic_on_call_remove", args=["alpha", tuesday.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Tuesday" in page and "Europe/Stockholm" in page and "Nothing has been removed" in page
    assert OnCallShift.objects.filter(pk=tuesday.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not OnCallShift.objects.filter(pk=tuesday.pk).exists()
