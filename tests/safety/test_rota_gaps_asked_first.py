"""Decision 0146: every change that takes someone off the on-call rota asks first when it
would open a gap in the cover (hours an alert would reach nobody, or working hours of an
unguided clinic with nobody on call), as taking a stretch off already did (0144): the
on-call mark taken off a role, a role removed, someone offboarded. Nothing is saved until
the manager says "anyway"; then it is saved and audited once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.models import AuditEvent, Clinic, ClinicRole, OnCallShift
from tessera.core.roles import Role
from tests.conftest import make_user

ALL_WEEK = range(1, 8)


@pytest.fixture
def otto(world):
    """A therapist alone on call at every hour of an unguided clinic."""
    Clinic.objects.filter(pk=world.clinic.pk).update(offers_unguided=True)
    world.clinic.refresh_from_db()
    user = make_user("otto@alpha.test", second_factor=True, first_name="Otto")
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=user,
        weekdays=ALL_WEEK,
        starts_hour=0,
        ends_hour=24,
    )
    return user


def test_the_gap_of_a_person_taken_off_the_rota_is_the_working_hours_nobody_else_covers(
    world, otto
):
    hours = on_call.working_hours(world.clinic)
    assert on_call.gaps_opened(world.clinic, people=[otto]) == hours
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=world["supervisor"],
        weekdays=[1],
        starts_hour=0,
        ends_hour=24,
    )
    assert on_call.gaps_opened(world.clinic, people=[otto]) == {h for h in hours if h[0] != 1}
    # Someone not on the rota leaves no gap.
    assert on_call.gaps_opened(world.clinic, people=[world["intake"]]) == set()


def test_without_the_managers_every_hour_nobody_covers_is_a_gap(world, otto):
    Clinic.objects.filter(pk=world.clinic.pk).update(offers_unguided=False)
    world.clinic.refresh_from_db()
    # The managers are the fallback: with them, taking Otto off leaves no error.
    assert on_call.gaps_opened(world.clinic, people=[otto]) == set()
    ClinicRole.objects.filter(clinic=world.clinic, role=Role.CLINIC_MANAGER).delete()
    assert len(on_call.gaps_opened(world.clinic, people=[otto])) == 7 * 24


def _role_settings(grant, on_call_mark: bool) -> dict:
    data = {f"role-{grant.pk}-max_caseload": "30", f"role-{grant.pk}-weekly_hours": "40"}
    if on_call_mark:
        data[f"role-{grant.pk}-on_call"] = "on"
    return data


def test_unticking_on_call_asks_first_and_saves_only_when_confirmed(world, otto, login):
    client = login(world["manager"])
    grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
    url = reverse("staff_role_edit", args=["alpha", grant.pk])
    asked = client.post(url, _role_settings(grant, False))
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Take Otto" in page and "Europe/Stockholm" in page and "Monday" in page
    assert "Nothing has been changed yet." in page and "Keep them on call" in page
    grant.refresh_from_db()
    assert grant.on_call and OnCallShift.objects.filter(user=otto).count() == 7
    assert not AuditEvent.objects.filter(action="staff.role_changed").exists()
    # The page posts the same settings again, confirmed.
    assert f'name="role-{grant.pk}-max_caseload" value="30"' in page
    saved = client.post(url, {**_role_settings(grant, False), "confirm": "yes"})
    assert saved.status_code == 302
    grant.refresh_from_db()
    assert not grant.on_call and not OnCallShift.objects.filter(user=otto).exists()
    assert AuditEvent.objects.filter(action="staff.role_changed").count() == 1


def test_other_settings_and_a_mark_others_cover_are_saved_at_once(world, otto, login):
    client = login(world["manager"])
    grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
    url = reverse("staff_role_edit", args=["alpha", grant.pk])
    assert client.post(url, _role_settings(grant, True)).status_code == 302
    core_actions.do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=world["supervisor"],
        weekdays=ALL_WEEK,
        starts_hour=0,
        ends_hour=24,
    )
    assert client.post(url, _role_settings(grant, False)).status_code == 302
    assert not OnCallShift.objects.filter(user=otto).exists()


def test_removing_the_role_asks_first_and_removes_it_only_when_confirmed(world, otto, login):
    client = login(world["manager"])
    grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
    url = reverse("staff_role_remove", args=["alpha", grant.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Remove the role Therapist from Otto" in page and "Keep the role" in page
    assert ClinicRole.objects.filter(pk=grant.pk).exists()
    assert OnCallShift.objects.filter(user=otto).count() == 7
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not ClinicRole.objects.filter(pk=grant.pk).exists()
    assert not OnCallShift.objects.filter(user=otto).exists()
    assert AuditEvent.objects.filter(action="staff.role_removed").count() == 1


def test_offboarding_says_the_gap_first_and_offboards_only_when_confirmed(world, otto, login):
    client = login(world["manager"])
    url = reverse("staff_offboard", args=["alpha", otto.pk])
    shown = client.get(url).content.decode()
    assert "Without Otto, nobody is on call at" in shown and "Offboard Otto anyway" in shown
    # Sent without the confirmation (the gap opened after the page was shown): asked again.
    asked = client.post(url)
    assert asked.status_code == 200 and "Offboard Otto anyway" in asked.content.decode()
    assert ClinicRole.objects.filter(user=otto).exists()
    assert OnCallShift.objects.filter(user=otto).count() == 7
    assert not AuditEvent.objects.filter(action="staff.offboarded").exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not ClinicRole.objects.filter(user=otto).exists()
    assert not OnCallShift.objects.filter(user=otto).exists()
    assert AuditEvent.objects.filter(action="staff.offboarded").count() == 1


def test_offboarding_someone_off_the_rota_asks_nothing(world, otto, login):
    client = login(world["manager"])
    url = reverse("staff_offboard", args=["alpha", world["intake"].pk])
    assert "anyway" not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not ClinicRole.objects.filter(user=world["intake"]).exists()


def _drawn(page: str, grant) -> str:
    found = re.search(rf'name="role-{grant.pk}-drawn" value="([0-9a-f]*)"', page)
    assert found, "the role's form carries the digest it was drawn with"
    return found.group(1)


def test_role_settings_saved_by_another_manager_meanwhile_are_not_overwritten(world, otto, login):
    """Two managers open Otto's page; the first sets the caseload to 25, the second,
    from the page drawn before, saves 40: refused (409), the 25 kept, the 40 still in
    the form; saving again from the refused page replaces it knowingly (0152)."""
    grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
    url = reverse("staff_role_edit", args=["alpha", grant.pk])
    member = reverse("staff_member", args=["alpha", otto.pk])
    first, second = login(world["manager"]), Client()
    second.force_login(world["manager"])
    drawn_first = _drawn(first.get(member).content.decode(), grant)
    drawn_second = _drawn(second.get(member).content.decode(), grant)
    mine = {**_role_settings(grant, True), f"role-{grant.pk}-max_caseload": "25"}
    assert first.post(url, {**mine, f"role-{grant.pk}-drawn": drawn_first}).status_code == 302
    # The same values sent twice (a double click) are the first's own save.
    assert first.post(url, {**mine, f"role-{grant.pk}-drawn": drawn_first}).status_code == 302
    theirs = {**_role_settings(grant, True), f"role-{grant.pk}-drawn": drawn_second}
    refused = second.post(url, theirs)
    assert refused.status_code == 409
    grant.refresh_from_db()
    assert grant.max_caseload == 25
    page = refused.content.decode()
    assert "Someone else changed these details" in page
    assert f'name="role-{grant.pk}-max_caseload" value="30"' in page
    again = {**theirs, f"role-{grant.pk}-drawn": _drawn(page, grant)}
    assert second.post(url, again).status_code == 302
    grant.refresh_from_db()
    assert grant.max_caseload == 30


def test_the_on_call_question_carries_the_digest_and_a_change_meanwhile_is_refused(
    world, otto, login
):
    """The question re-sends the form with its digest: confirmed after another manager
    changed the role, the untick is refused (409), Otto kept on call and on the rota."""
    grant = ClinicRole.objects.get(user=otto, clinic=world.clinic)
    url = reverse("staff_role_edit", args=["alpha", grant.pk])
    client = login(world["manager"])
    drawn = _drawn(
        client.get(reverse("staff_member", args=["alpha", otto.pk])).content.decode(), grant
    )
    untick = {**_role_settings(grant, False), f"role-{grant.pk}-drawn": drawn}
    asked = client.post(url, untick)
    assert asked.status_code == 200 and "Keep them on call" in asked.content.decode()
    assert f'name="role-{grant.pk}-drawn" value="{drawn}"' in asked.content.decode()
    ClinicRole.objects.filter(pk=grant.pk).update(max_caseload=12)  # another manager
    refused = client.post(url, {**untick, "confirm": "yes"})
    assert refused.status_code == 409
    grant.refresh_from_db()
    assert grant.on_call and grant.max_caseload == 12
    assert OnCallShift.objects.filter(user=otto).count() == 7
