"""A clinic's managers set their clinic's rate limits in the app, within the operator's
bounds (issue 13): validated, audited, and in force for the clinic's callers; the
operator's per-clinic environment value is the default shown and used until then."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tessera.core import actions, ratelimits
from tessera.core.models import AuditEvent, Clinic

URL = reverse("clinic_rate_limits", kwargs={"slug": "alpha"})


@pytest.fixture
def bounds(settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "20/h"}
    settings.TESSERA_CLINIC_RATE_BOUNDS = {"referral_form": [2, 50], "fhir_referral": [1, 200]}
    settings.TESSERA_CLINIC_RATE_LIMITS = {"alpha": {"fhir_referral": "60/h"}}


def test_the_page_shows_the_defaults_and_saves_a_rate_within_bounds(world, client, login, bounds):
    login(world["manager"])
    page = client.get(URL).content.decode()
    assert "Referrals through the web form" in page and "60" in page  # the operator's default
    response = client.post(URL, {"referral_form": "5", "fhir_referral": ""})
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="alpha")
    assert clinic.rate_limits == {"referral_form": "5/h"}
    assert ratelimits.rate_for("referral_form", clinic) == "5/h"
    assert ratelimits.rate_for("fhir_referral", clinic) == "60/h"  # the env default holds
    event = AuditEvent.objects.get(action="clinic.rate_limits_changed")
    assert event.changes == {"before": {}, "after": {"referral_form": "5/h"}}
    assert event.actor == world["manager"] and event.clinic == clinic


@pytest.mark.parametrize("value", ["1", "51", "-3", "abc", "99999999999999999999"])
def test_a_rate_outside_the_bounds_is_refused_and_nothing_changes(
    world, client, login, bounds, value
):
    login(world["manager"])
    response = client.post(URL, {"referral_form": value})
    assert response.status_code == 400
    assert f'value="{value}"' in response.content.decode()  # what was typed is kept
    assert Clinic.objects.get(slug="alpha").rate_limits == {}
    assert not AuditEvent.objects.filter(action="clinic.rate_limits_changed").exists()


def test_the_action_refuses_limits_the_operator_keeps_and_other_clinics(world, bounds):
    with pytest.raises(ValidationError):
        actions.do_set_clinic_rate_limits(
            world.clinic, acting_user=world["manager"], limits={"fhir_token": 5}
        )
    with pytest.raises(PermissionDenied):
        actions.do_set_clinic_rate_limits(
            world.clinic, acting_user=world["other_manager"], limits={"referral_form": 5}
        )
    assert Clinic.objects.get(pk=world.clinic.pk).rate_limits == {}


def test_the_clinic_rate_is_in_force_for_the_referral_form(world, bounds, rf):
    from django.core.cache import cache

    cache.clear()
    actions.do_set_clinic_rate_limits(
        world.clinic, acting_user=world["manager"], limits={"referral_form": 2}
    )
    clinic = Clinic.objects.get(pk=world.clinic.pk)
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    waits = [ratelimits.over_limit(request, "referral_form", clinic=clinic) for _ in range(3)]
    assert waits[:2] == [None, None] and waits[2] is not None


def _drawn(page: str) -> str:
    return re.search(r'name="drawn" value="([0-9a-f]*)"', page).group(1)


def test_limits_saved_by_another_manager_meanwhile_are_not_overwritten(world, login, bounds):
    """Two managers open the page; the first sets 5, the second, from the page drawn
    before, sets 30: refused (409), the 5 kept, the 30 still in the form; the same 5
    sent twice is the first's own save; saving again from the refused page replaces
    it knowingly (decision 0152)."""
    first, second = login(world["manager"]), Client()
    second.force_login(world["manager"])
    drawn_first, drawn_second = (
        _drawn(first.get(URL).content.decode()),
        _drawn(second.get(URL).content.decode()),
    )
    mine = {"referral_form": "5", "fhir_referral": "", "drawn": drawn_first}
    assert first.post(URL, mine).status_code == 302
    assert first.post(URL, mine).status_code == 302  # sent twice
    theirs = {"referral_form": "30", "fhir_referral": "", "drawn": drawn_second}
    refused = second.post(URL, theirs)
    assert refused.status_code == 409
    assert Clinic.objects.get(slug="alpha").rate_limits == {"referral_form": "5/h"}
    page = refused.content.decode()
    assert "Someone else changed these details" in page
    assert 'name="referral_form" value="30"' in page
    assert second.post(URL, {**theirs, "drawn": _drawn(page)}).status_code == 302
    assert Clinic.objects.get(slug="alpha").rate_limits == {"referral_form": "30/h"}
