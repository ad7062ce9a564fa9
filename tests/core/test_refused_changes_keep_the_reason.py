"""A refused "Change therapist" or "Change care model" (no therapist chosen, a care model
it already has, the treatment ended meanwhile) went back to its page with the error, and
the reason the person had typed was gone: these two answered with a plain redirect,
where the plan's, the research pages' and the conversations' refusals tell idle.js to
put back what was typed (decision 0100). A change that is made puts nothing back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.core.middleware import IDLE_RESTORE_COOKIE
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

REASON = "The patient asked to meet someone else"


def _restores(response) -> str | None:
    cookie = response.cookies.get(IDLE_RESTORE_COOKIE)
    return cookie.value if cookie else None


def test_a_refused_change_of_therapist_puts_the_reason_back(world, client):
    sign_in(client, world["manager"])
    url = reverse("episode_change_therapist", kwargs={"episode_id": world.episode.pk})
    refused = client.post(url, {"to_user": "", "reason": REASON})
    assert refused.status_code == 302 and _restores(refused) == "refused"
    made = client.post(url, {"to_user": world["colleague"].pk, "reason": REASON})
    assert made.status_code == 302 and _restores(made) is None


def test_a_refused_change_of_care_model_puts_the_reason_back(world, client):
    sign_in(client, world["therapist"])
    url = reverse("care_model_change", kwargs={"episode_id": world.episode.pk})
    same = world.episode.care_model
    refused = client.post(url, {"to_model": same, "reason": REASON})
    assert refused.status_code == 302 and _restores(refused) == "refused"
    other = "blended" if same != "blended" else "guided"
    made = client.post(url, {"to_model": other, "reason": REASON})
    assert made.status_code == 302 and _restores(made) is None
