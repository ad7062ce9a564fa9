"""A second click on "Remove" (back and send again, two tabs) by someone who was allowed
to remove the thing says it was already removed; it recorded ``security.access_denied``
for them, as for a thing never theirs, since the 404 could not tell the two apart
(decision 0095's consequences). A "Remove" of a thing never theirs stays a denial.

Every "Remove" of the project, each sent by the kind of user the access matrix allows,
twice; then by one it refuses."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse

from tessera.core.models import AuditEvent
from tessera.core.views.errors import REMOVALS
from tests.test_access_matrix import MATRIX, _walk, become, matrix_world  # noqa: F401 - a fixture

# URL name: the kind allowed to remove, a kind for whom the thing was never theirs, the
# URL's own arguments where the matrix's row does something else.
REMOVES = {
    "staff_role_remove": ("manager", "other_manager", {}),
    "clinic_crisis_contact_remove": ("manager", "other_manager", {}),
    "clinic_on_call_remove": ("manager", "other_manager", {}),
    "clinic_measure_remove": ("manager", "other_manager", {}),
    "feedback_template_delete": ("manager", "other_manager", {}),
    "library_step_delete": ("author", "therapist", {}),
    "study_member_remove": ("researcher", "other_manager", {}),
    "staff_leave_remove": ("manager", "other_manager", {}),
    "plan_entry": ("therapist", "other_therapist", {"operation": "remove"}),
}
ALREADY = {
    "plan_entry": "Nothing was changed: this module was already taken out of the plan.",
}


def _denials(user) -> int:
    return AuditEvent.objects.filter(action="security.access_denied", actor=user).count()


def _removed_once(world, client, name: str) -> str:
    kind, _never, arguments = REMOVES[name]
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) | arguments)
    become(client, world, kind)
    first = client.post(url, {"reason": "Not needed"}, HTTP_REFERER="http://testserver/")
    assert first.status_code == 302, (url, first.status_code)
    return url


@pytest.mark.parametrize("name", REMOVES)
def test_a_second_remove_says_it_was_already_removed(name, matrix_world, client):  # noqa: F811
    world = matrix_world
    url = _removed_once(world, client, name)
    user = world[REMOVES[name][0]]
    denied = _denials(user)
    again = client.post(url, {"reason": "Not needed"}, HTTP_REFERER="http://testserver/")
    assert again.status_code == 302
    page = client.get(again["Location"], follow=True).content.decode()
    assert ALREADY.get(name, "Nothing was changed: this was already removed.") in page
    assert _denials(user) == denied


@pytest.mark.parametrize("name", REMOVES)
def test_a_remove_of_a_thing_never_theirs_stays_a_denial(name, matrix_world, client):  # noqa: F811
    world = matrix_world
    url = _removed_once(world, client, name)
    never = world[REMOVES[name][1]]
    become(client, world, REMOVES[name][1])
    refused = client.post(url, {"reason": "Not needed"})
    assert refused.status_code in (403, 404)
    assert _denials(never) == 1


def test_every_remove_of_the_project_is_known_and_tried_here():
    removes = {
        name
        for name, pattern in _walk(get_resolver())
        if re.search(r"/(remove|delete)/$", str(pattern.pattern))
    }
    assert removes == set(REMOVALS) == set(REMOVES) - {"plan_entry"}
