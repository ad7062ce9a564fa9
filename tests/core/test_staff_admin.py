"""Staff administration: invite by e-mail, grant, change and remove roles, offboard a
leaver (sessions ended, roles removed, patients shown as needing a new therapist), hand
their patients over, and region administrators creating clinics."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from tessera.core import access
from tessera.core.actions import staff as staff_actions
from tessera.core.models import AuditEvent, Clinic, ClinicRole, Episode, OnCallShift, User
from tessera.core.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _invite(client, world, **data):
    sign_in(client, world["manager"])
    form = {"email": "new.therapist@alpha.test", "role": "therapist", **data}
    return client.post(reverse("clinic_staff", args=["alpha"]), form)


def test_a_manager_invites_a_new_therapist_by_e_mail(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client, world, first_name="Nora", last_name="Ny", max_caseload="30", weekly_hours="20"
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.therapist@alpha.test")
    assert not user.has_usable_password() and user.is_active
    assert user.emailaddress_set.get().verified
    grant = ClinicRole.objects.get(user=user, clinic=world.clinic)
    assert (grant.role, grant.max_caseload, str(grant.weekly_hours)) == ("therapist", 30, "20.0")
    (message,) = mail.outbox
    assert message.to == ["new.therapist@alpha.test"]
    assert "/accounts/password/reset/key/" in message.body and "Nora" not in message.subject
    event = AuditEvent.objects.get(action="staff.invited")
    assert event.changes["new_account"] is True and event.actor == world["manager"]

    # The link lets them choose a password (allauth's own page).
    link = message.body.split("http://testserver", 1)[1].split()[0]
    page = Client().get(link, follow=True)
    assert page.status_code == 200 and b"password1" in page.content


def test_inviting_someone_who_has_an_account_adds_the_role(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, world, email=world["supervisor"].email, role="therapist")
    assert ClinicRole.objects.filter(user=world["supervisor"], role="therapist").exists()
    assert world["supervisor"].has_usable_password()
    (message,) = mail.outbox
    assert "password/reset" not in message.body and "/accounts/login/" in message.body
    again = _invite(client, world, email=world["supervisor"].email, role="therapist")
    assert again.status_code == 200
    assert "already has that role" in again.content.decode()


def test_grant_change_and_remove_a_role(world, client):
    sign_in(client, world["manager"])
    person = world["therapist"]
    page = reverse("staff_member", args=["alpha", person.pk])
    assert client.post(page, {"role": "supervisor"}).status_code == 302
    grant = ClinicRole.objects.get(user=person, role="therapist")
    response = client.post(
        reverse("staff_role_edit", args=["alpha", grant.pk]),
        {
            f"role-{grant.pk}-max_caseload": "25",
            f"role-{grant.pk}-weekly_hours": "32",
            f"role-{grant.pk}-on_call": "on",
        },
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.max_caseload, str(grant.weekly_hours), grant.on_call) == (25, "32.0", True)
    changed = AuditEvent.objects.get(action="staff.role_changed")
    assert "max_caseload" in changed.changes
    supervisor = ClinicRole.objects.get(user=person, role="supervisor")
    client.post(reverse("staff_role_remove", args=["alpha", supervisor.pk]))
    assert not ClinicRole.objects.filter(pk=supervisor.pk).exists()
    assert AuditEvent.objects.filter(action="staff.role_removed").exists()


def test_a_clinic_keeps_a_manager(world, client):
    ClinicRole.objects.filter(user=world["staff_no_mfa"]).delete()
    sign_in(client, world["region_admin"])
    grant = ClinicRole.objects.get(user=world["manager"], role=Role.CLINIC_MANAGER)
    response = client.post(reverse("staff_role_remove", args=["alpha", grant.pk]), follow=True)
    assert "at least one clinic manager" in response.content.decode()
    assert ClinicRole.objects.filter(pk=grant.pk).exists()


def test_offboarding_leaves_the_leaver_nothing(world, client):
    therapist = world["therapist"]
    OnCallShift.objects.create(
        clinic=world.clinic, user=therapist, weekday=6, starts_hour=0, ends_hour=8
    )
    theirs = Client()
    sign_in(theirs, therapist)
    assert theirs.get(reverse("inbox")).status_code == 200
    sessions_before = Session.objects.count()

    sign_in(client, world["manager"])
    confirm = client.get(reverse("staff_offboard", args=["alpha", therapist.pk]))
    assert "needing a new therapist" in confirm.content.decode()
    response = client.post(reverse("staff_offboard", args=["alpha", therapist.pk]), follow=True)
    assert "was offboarded" in response.content.decode()

    therapist.refresh_from_db()
    assert not therapist.is_active and not therapist.has_usable_password()
    assert not ClinicRole.objects.filter(user=therapist).exists()
    assert not OnCallShift.objects.filter(user=therapist).exists()
    owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(therapist.pk) not in owners and sessions_before >= 1
    assert theirs.get(reverse("inbox")).status_code == 302  # back to signing in
    event = AuditEvent.objects.get(action="staff.offboarded")
    assert event.changes["account_closed"] is True and event.changes["roles"] == ["therapist"]

    # Their patient needs a new therapist: on the staff page and the team's caseload.
    staff_page = client.get(reverse("clinic_staff", args=["alpha"])).content.decode()
    assert "Patients who need a new therapist" in staff_page and "Pia Larsson" in staff_page
    caseload = client.get(reverse("caseload") + "?therapist=all&flag=new_therapist")
    assert f'id="caseload-{world.episode.pk}"' in caseload.content.decode()

    # Handing over gives them a therapist and clears the list.
    client.post(
        reverse("staff_hand_over", args=["alpha", therapist.pk]),
        {"to_user": world["colleague"].pk},
    )
    assert Episode.objects.get(pk=world.episode.pk).therapist == world["colleague"]
    assert not access.needing_new_therapist(Episode.objects.filter(clinic=world.clinic)).exists()
    handed = AuditEvent.objects.get(action="staff.caseload_handed_over")
    assert handed.patient_id == world.patient.pk


def test_nobody_offboards_themselves(world):
    with pytest.raises(Exception, match="yourself"):
        staff_actions.do_offboard_staff(
            world["manager"], acting_user=world["manager"], clinics=[world.clinic]
        )


def test_offboarding_at_one_clinic_keeps_the_account_for_the_other(world, client):
    person = world["therapist"]
    ClinicRole.objects.create(user=person, clinic=world.other_clinic, role="therapist")
    sign_in(client, world["manager"])
    client.post(reverse("staff_offboard", args=["alpha", person.pk]))
    person.refresh_from_db()
    assert person.is_active
    assert list(ClinicRole.objects.filter(user=person).values_list("clinic__slug", flat=True)) == [
        "beta"
    ]
    # The patient at alpha still needs a new therapist there.
    assert access.needing_new_therapist(Episode.objects.filter(pk=world.episode.pk)).exists()


def test_a_region_administrator_creates_a_clinic_and_appoints_its_manager(world, client):
    sign_in(client, world["region_admin"])
    response = client.post(
        reverse("clinic_create"),
        {
            "region": world.region.pk,
            "name": "Clinic gamma",
            "slug": "gamma",
            "country": "SE",
            "languages": ["sv", "en"],
            "time_zone": "Europe/Stockholm",
            "crisis_label": "112",
            "crisis_phone": "112",
            "manager_email": "gamma.manager@gamma.test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clinic = Clinic.objects.get(slug="gamma")
    assert clinic.crisis_contacts.count() == 1
    manager = User.objects.get(email="gamma.manager@gamma.test")
    assert ClinicRole.objects.filter(user=manager, clinic=clinic, role="manager").exists()
    assert AuditEvent.objects.filter(action="clinic.created", clinic=clinic).exists()
    assert clinic.pk in access.staff_admin_clinic_ids(world["region_admin"])


def test_a_clinic_manager_does_not_create_clinics(world, client):
    sign_in(client, world["manager"])
    assert client.get(reverse("clinic_create")).status_code == 403


def test_the_audit_search_finds_a_patient_by_name_or_identity_number(world, client):
    from tessera.core.models import Patient

    Patient.objects.filter(pk=world.patient.pk).update(national_id="199001022389")
    sign_in(client, world["manager"])
    client.get(reverse("patient_detail", args=[world.patient.pk]))
    by_name = client.get(reverse("audit_search"), {"who": "pia larsson"})
    events = list(by_name.context["page"].object_list)
    assert events and {e.patient_id for e in events} == {world.patient.pk}
    assert "Pia Larsson" in by_name.content.decode()
    by_number = client.get(reverse("audit_search"), {"who": "19900102-2389"})
    assert {e.patient_id for e in by_number.context["page"].object_list} == {world.patient.pk}
    nobody = client.get(reverse("audit_search"), {"who": "Nobody Here"})
    assert not list(nobody.context["page"].object_list)
    # The search is itself audited, without the identity number.
    searched = AuditEvent.objects.filter(action="audit.searched").order_by("-id")[1]
    assert searched.changes["who"] == "given"
    assert searched.changes["patients_found"] == [world.patient.pk]
    assert "2389" not in str(searched.changes)


def test_the_audit_search_offers_events_by_their_words(world, client):
    sign_in(client, world["manager"])
    client.get(reverse("patient_detail", args=[world.patient.pk]))
    page = client.get(reverse("audit_search"), {"event": "patient.viewed"})
    assert {e.action for e in page.context["page"].object_list} == {"patient.viewed"}
    assert "Your record was viewed" in page.content.decode() or "viewed" in page.content.decode()


def test_the_staff_page_names_a_waiting_patient_only_for_readers_who_may_open_them(world, client):
    """The list of patients who need a new therapist names and links each patient for the
    manager, who may open them; the region administrator, who has no care relationship
    with them and to whom the overview answers 404, reads how many wait, not who
    (decision 0096: data minimisation, decided by ``access.openable_episode_ids``)."""
    ClinicRole.objects.filter(user=world["therapist"], clinic=world.clinic).delete()
    overview = reverse("episode_overview", args=[world.episode.pk])
    link = f'href="{overview}"'

    sign_in(client, world["region_admin"])
    page = client.get(reverse("clinic_staff", args=["alpha"])).content.decode()
    assert "Patients who need a new therapist" in page and "1 patient needs a new" in page
    assert "Pia Larsson" not in page and "Larsson" not in page
    assert 'data-unnamed="1"' in page and "1 patient is not named here" in page
    assert link not in page
    assert client.get(overview).status_code == 404

    sign_in(client, world["manager"])
    page = client.get(reverse("clinic_staff", args=["alpha"])).content.decode()
    assert link in page and client.get(overview).status_code == 200
    assert "Pia Larsson" in page and "not named here" not in page
