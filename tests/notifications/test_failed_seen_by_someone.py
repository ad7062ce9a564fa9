"""Every notification given up for good is seen by someone who answers for it
(docs/operations.md, "E-mail"): the clinic it concerns (its staff's and patients' rows,
and those sent for it), the region's administrators (their region's clinics and the
people administering it), the staff on call for an urgent one, and the service's
operators for what concerns no clinic and no region (``manage.py failed_notifications``
and an error in the log)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import ClinicRole
from tessera.notifications import delivery
from tessera.notifications.models import Notification
from tessera.safety.models import RiskAlert
from tessera.safety.notify import tell_staff

BROKEN = "tests.notifications.test_notifications_delivery.BrokenMail"


def give_up(row) -> None:
    Notification.objects.filter(pk=row.pk).update(attempts=len(delivery.RETRY_AFTER_MINUTES) + 1)
    assert delivery.deliver(row.pk) == "failed"


def sees(login, user, row) -> bool:
    page = login(user).get(reverse("failed_notifications"))
    if page.status_code != 200:
        return False
    return row.pk in [r.pk for r in page.context["page"].object_list]


def test_a_reset_mail_to_an_unknown_address_is_the_operators(client, world, settings, caplog):
    settings.EMAIL_BACKEND = BROKEN
    assert client.post("/accounts/password/reset/", {"email": "nobody@x.test"}).status_code == 302
    row = Notification.objects.get(kind="account_mail")
    assert row.recipient is None and row.clinic is None
    with caplog.at_level("ERROR"):
        give_up(row)
    assert f"notification.failed_unowned id={row.pk}" in caplog.text
    assert list(Notification.objects.unowned()) == [row]
    with pytest.raises(CommandError, match="1 failed notification"):
        call_command("failed_notifications", "--check")


def test_the_operators_command_lists_only_what_no_one_else_sees(world, settings, capsys):
    settings.EMAIL_BACKEND = BROKEN
    [owned] = delivery.notify(world.patient.user, "new_message", key="a", link="/me/")
    give_up(owned)
    call_command("failed_notifications", "--check")  # nothing for the operators
    assert "0 failed notification(s)" in capsys.readouterr().out


def test_a_region_administrators_own_mail_is_seen_by_the_region(world, settings, login):
    settings.EMAIL_BACKEND = BROKEN
    admin = world["region_admin"]
    [row] = delivery.notify(admin, "mfa_locked", key="k", link="/", params={"minutes": 15})
    give_up(row)
    assert not Notification.objects.filter(pk=row.pk).unowned().exists()
    assert sees(login, admin, row)  # the region's administrators (here, the only one)
    assert not sees(login, world["manager"], row)  # no clinic of theirs concerned
    assert not sees(login, world["other_manager"], row)


def test_region_administrators_see_their_clinics_failures(world, settings, login):
    settings.EMAIL_BACKEND = BROKEN
    [row] = delivery.notify(world.patient.user, "new_message", key="p", link="/me/")
    give_up(row)
    assert sees(login, world["manager"], row) and sees(login, world["region_admin"], row)
    assert not sees(login, world["other_manager"], row)


def test_a_failed_risk_alert_notice_is_seen_by_the_clinics_staff_on_call(world, settings, login):
    """A patient at risk is never unseen: the therapist was not told of the alert, so the
    staff on call at that clinic (and its managers) see that they were not."""
    settings.EMAIL_BACKEND = BROKEN
    alert = RiskAlert.objects.create(
        episode=world.episode,
        source="concern",
        severity="high",
        acknowledge_by=timezone.now() + dt.timedelta(hours=1),
    )
    tell_staff([world["therapist"]], alert, escalated=False)
    row = Notification.objects.get(kind="risk_alert", channel="email")
    assert row.clinic == world.clinic
    [ordinary] = delivery.notify(world.patient.user, "new_message", key="m", link="/me/")
    give_up(row)
    give_up(ordinary)
    on_call = world["colleague"]  # a therapist of the clinic, not a manager
    assert login(on_call).get(reverse("failed_notifications")).status_code == 403
    ClinicRole.objects.filter(user=on_call, clinic=world.clinic).update(on_call=True)
    assert sees(login, on_call, row)
    assert not sees(login, on_call, ordinary)  # only the urgent ones
    assert sees(login, world["manager"], row)
    ClinicRole.objects.filter(user=world["other_therapist"]).update(on_call=True)
    assert not sees(login, world["other_therapist"], row)  # another clinic's on call


def test_an_urgent_application_notice_carries_its_clinic(world):
    from tessera.intake import notify as intake_notify
    from tessera.intake.models import Application

    application = Application.objects.create(
        clinic=world.clinic, status="submitted", urgent=True, email="a@b.test"
    )
    assert intake_notify.tell_intake_team_about_urgent(application) >= 1
    rows = Notification.objects.filter(kind="urgent_application")
    assert rows and {r.clinic_id for r in rows} == {world.clinic.pk}


def test_a_sign_up_from_a_clinics_page_is_that_clinics(client, db, settings, world):
    from tessera.core.auth import INTAKE_SIGNUP_SESSION_KEY
    from tests.conftest import PASSWORD

    session = client.session
    session[INTAKE_SIGNUP_SESSION_KEY] = world.clinic.slug
    session.save()
    settings.EMAIL_BACKEND = BROKEN
    email = "applicant@apply.test"
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    row = Notification.objects.get(kind="account_mail")
    assert row.clinic == world.clinic
    give_up(row)
    assert not Notification.objects.filter(pk=row.pk).unowned().exists()


def test_the_staff_on_call_have_the_page_in_their_menu(world, login):
    """They reached it by its address only (stop 27); now the menu links it for them,
    and only for them among those without the audit trail's link to it."""
    url = reverse("failed_notifications")
    on_call = world["colleague"]
    menu = login(on_call).get(reverse("home")).context["nav"]
    assert url not in [href for href, _label in menu]
    ClinicRole.objects.filter(user=on_call, clinic=world.clinic).update(on_call=True)
    client = login(on_call)
    page = client.get(reverse("home"))
    assert url in [href for href, _label in page.context["nav"]]
    assert f'href="{url}"' in page.content.decode()
    assert client.get(url).status_code == 200
