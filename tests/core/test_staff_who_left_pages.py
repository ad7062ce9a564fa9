"""A staff member's page after they left the clinic (their last role removed, or
offboarded), reached from a tab still open on it: a second "Remove" of the last role,
a second "Offboard", or the page itself. Each landed on a bare "Page not found" and the
second sends recorded an access denial for the manager who had just done the first.
Now the clinic's staff page says the person no longer holds a role here; an id never of
this clinic's staff is still a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent, ClinicRole

pytestmark = pytest.mark.django_db

LEFT = "no longer holds a role at this clinic"


def _denials(user) -> int:
    return AuditEvent.objects.filter(action="security.access_denied", actor=user).count()


def test_a_second_remove_of_the_last_role_lands_on_the_staff_page(world, login):
    manager, colleague = world["manager"], world["colleague"]
    client = login(manager)
    page = reverse("staff_member", args=["alpha", colleague.pk])
    referer = f"http://testserver{page}"
    grant = ClinicRole.objects.get(user=colleague, clinic=world.clinic)
    url = reverse("staff_role_remove", args=["alpha", grant.pk])
    assert client.post(url, HTTP_REFERER=referer).status_code == 302
    denied = _denials(manager)
    again = client.post(url, HTTP_REFERER=referer, follow=True)  # the other tab
    assert again.status_code == 200
    body = again.content.decode()
    assert "Nothing was changed: this was already removed." in body
    assert f"{colleague} {LEFT}" in body
    assert again.redirect_chain[-1][0] == reverse("clinic_staff", args=["alpha"])
    assert _denials(manager) == denied


def test_offboarding_sent_twice_says_nothing_was_changed(world, login):
    manager, colleague = world["manager"], world["colleague"]
    client = login(manager)
    url = reverse("staff_offboard", args=["alpha", colleague.pk])
    assert "was offboarded" in client.post(url, follow=True).content.decode()
    events = AuditEvent.objects.filter(action="staff.offboarded").count()
    again = client.post(url, follow=True)  # a double click, back and send again
    assert again.status_code == 200
    assert f"Nothing was changed: {colleague} {LEFT}" in again.content.decode()
    assert AuditEvent.objects.filter(action="staff.offboarded").count() == events
    assert _denials(manager) == 0
    # The page itself, opened again from a bookmark or a tab.
    page = client.get(reverse("staff_member", args=["alpha", colleague.pk]), follow=True)
    assert page.status_code == 200 and f"{colleague} {LEFT}" in page.content.decode()


def test_someone_never_on_this_clinics_staff_is_still_not_found(world, login):
    client = login(world["manager"])
    page = client.get(reverse("staff_member", args=["alpha", world["other_therapist"].pk]))
    assert page.status_code == 404
