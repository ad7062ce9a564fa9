"""A second "Remove" sent from a page whose address the browser did not send (opened
afresh, a privacy setting that strips the referer) said nothing but "Page not found":
only a form that named its page was told "already removed" (decision 0097). Each of the
eight removals, sent again without a referer, now says so on the thing's list (decision
0100), with no access denied recorded; a script's request gets the words on a page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.test_removed_twice_not_denied import ALREADY, REMOVES, _denials
from tests.test_access_matrix import MATRIX, become, matrix_world  # noqa: F401 - a fixture


def _removed_once_without_referer(world, client, name: str) -> str:
    kind, _never, arguments = REMOVES[name]
    url = reverse(name, kwargs=MATRIX[name].kwargs(world) | arguments)
    become(client, world, kind)
    first = client.post(url, {"reason": "Not needed"})
    assert first.status_code == 302, (url, first.status_code)
    return url


@pytest.mark.parametrize("name", REMOVES)
def test_a_second_remove_without_a_referer_says_it_was_already_removed(
    name,
    matrix_world,  # noqa: F811
    client,
):
    world = matrix_world
    url = _removed_once_without_referer(world, client, name)
    user = world[REMOVES[name][0]]
    denied = _denials(user)
    again = client.post(url, {"reason": "Not needed"})
    assert again.status_code == 302, again.status_code
    page = client.get(again["Location"], follow=True)
    assert page.status_code == 200
    said = ALREADY.get(name, "Nothing was changed: this was already removed.")
    assert said in page.content.decode()
    assert _denials(user) == denied


def test_a_scripts_second_remove_gets_the_words_and_a_way_back(matrix_world, client):  # noqa: F811
    url = _removed_once_without_referer(matrix_world, client, "clinic_crisis_contact_remove")
    again = client.post(url, {"reason": "Not needed"}, HTTP_HX_REQUEST="true")
    body = again.content.decode()
    assert "Nothing was changed: this was already removed." in body
    assert 'href="/clinics/' in body
