"""The signed-in person kept between requests (tessera.core.identity, decision 0063)
and sessions kept in the shared cache (tessera.core.sessions).

Each change below is made as another server would make it: straight in the database,
through an action, ``update()`` or raw SQL, never by clearing this process's cache. The
next request must see it at once, because the database's counter for the login's bucket
moved (a trigger), not because anyone told the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, include, path, reverse

from tessera.core import actions, identity, sessions
from tessera.core.access import base as access_base
from tessera.core.actions.staff import (
    do_offboard_staff,
    do_remove_role,
    do_update_role,
    end_sessions,
)
from tessera.core.models import (
    Clinic,
    ClinicRole,
    IdentityVersion,
    Patient,
    RegionAdministrator,
    User,
)
from tessera.core.roles import Role


@login_required
def _whoami(request):
    user = request.user
    return JsonResponse(
        {
            "id": user.pk,
            "roles": sorted(access_base.all_roles(user)),
            "on_call": sorted(access_base.on_call_clinic_ids(user)),
            "staff": user.is_staff_member,
            "second_factor": user.has_second_factor,
            "regions": sorted(access_base.region_role_ids(user)),
            "patient": user.patient_record.pk if user.patient_record is not None else None,
        }
    )


@pytest.fixture
def cached(settings):
    """Sessions in the (test process's) shared cache, the identity kept, /t/me/ served."""
    settings.SESSION_ENGINE = "tessera.core.sessions"
    settings.TESSERA_IDENTITY_CACHE = True
    module = types.ModuleType("identity_test_urls")
    module.urlpatterns = [path("t/me/", _whoami), path("", include("tessera.urls"))]
    sys.modules["identity_test_urls"] = module
    settings.ROOT_URLCONF = "identity_test_urls"
    clear_url_caches()
    caches["identities"].clear()
    yield
    caches["identities"].clear()
    clear_url_caches()


def _me(client):
    response = client.get("/t/me/")
    return response.json() if response.status_code == 200 else response


def _warm(client) -> dict:
    """Two requests: the second is served from what the first kept."""
    _me(client)
    with CaptureQueriesContext(connection) as captured:
        me = _me(client)
    assert [q["sql"] for q in captured.captured_queries if "core_user" in q["sql"]] == []
    return me


def test_a_signed_in_request_reads_one_counter_and_nothing_else(world, login, cached):
    client = login(world["therapist"])
    _me(client)
    with CaptureQueriesContext(connection) as captured:
        me = _me(client)
    assert me["roles"] == [Role.THERAPIST] and me["staff"] and me["second_factor"]
    assert [q["sql"] for q in captured.captured_queries] == [
        captured.captured_queries[0]["sql"]
    ] and "core_identityversion" in captured.captured_queries[0]["sql"]


def test_without_the_setting_the_request_reads_as_before(world, login, settings):
    settings.TESSERA_IDENTITY_CACHE = False
    client = login(world["therapist"])
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    assert not any("core_identityversion" in q["sql"] for q in captured.captured_queries)


def test_without_redis_the_person_is_kept_too_and_the_session_read_from_the_database(
    world, login, settings
):
    """Decision 0074: the default set-up without Redis (development, a single server)
    keeps the person too; only the session comes from the database."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.TESSERA_IDENTITY_CACHE = True
    client = login(world["therapist"])
    client.get("/")
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert any("core_identityversion" in q for q in sql)
    assert any("django_session" in q for q in sql)
    # The login and its second factors are not read (the page reads its own roles).
    assert not any('FROM "core_user"' in q or "mfa_authenticator" in q for q in sql)


def test_the_person_is_kept_by_default_with_or_without_redis():
    """The setting's default, read by a fresh process: on without REDIS_URL too, and off
    when asked (decision 0074)."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tessera.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.TESSERA_IDENTITY_CACHE)"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TESSERA_IDENTITY_CACHE")}
    found = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for env in (base, {**base, "TESSERA_IDENTITY_CACHE": "0"})
    ]
    assert found == ["True", "False"]


# ---------------------------------------------------------------- every kind of writer


def test_a_role_removed_by_the_action_is_gone_on_the_next_request(world, login, cached):
    client = login(world["therapist"])
    assert _warm(client)["roles"] == [Role.THERAPIST]
    grant = ClinicRole.objects.get(user=world["therapist"])
    do_remove_role(grant, acting_user=world["manager"])
    me = _me(client)
    assert me["roles"] == [] and me["staff"] is False
    # A real page agrees: the patient list is no longer theirs.
    assert client.get("/patients/").status_code in (302, 403, 404)


def test_a_role_granted_by_the_action_is_there_on_the_next_request(world, login, cached):
    client = login(world["therapist"])
    _warm(client)
    actions.do_grant_role(world["therapist"], world.other_clinic, Role.SUPERVISOR)
    assert _me(client)["roles"] == sorted([Role.SUPERVISOR, Role.THERAPIST])


def test_roles_removed_by_update_and_raw_sql_are_gone_at_once(world, login, cached):
    client = login(world["manager"])
    _warm(client)
    ClinicRole.objects.filter(user=world["manager"]).update(role=Role.RESEARCHER)
    assert _me(client)["roles"] == [Role.RESEARCHER]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_clinicrole WHERE user_id = %s", [world["manager"].pk])
    assert _me(client)["roles"] == []


def test_on_call_changed_by_the_action_and_by_update_is_seen_at_once(world, login, cached):
    client = login(world["therapist"])
    assert _warm(client)["on_call"] == []
    grant = ClinicRole.objects.get(user=world["therapist"])
    do_update_role(grant, acting_user=world["manager"], on_call=True)
    assert _me(client)["on_call"] == [world.clinic.pk]
    ClinicRole.objects.filter(pk=grant.pk).update(on_call=False)
    assert _me(client)["on_call"] == []


def test_region_administration_removed_is_gone_at_once(world, login, cached):
    client = login(world["region_admin"])
    assert _warm(client)["regions"] == [world.region.pk]
    RegionAdministrator.objects.filter(user=world["region_admin"]).delete()
    me = _me(client)
    assert me["regions"] == [] and me["staff"] is False


def test_a_user_deactivated_by_update_is_signed_out_at_once(world, login, cached):
    client = login(world["therapist"])
    _warm(client)
    User.objects.filter(pk=world["therapist"].pk).update(is_active=False)
    assert _me(client).status_code == 302  # to the sign-in page


def test_a_user_offboarded_by_the_action_is_signed_out_at_once(world, login, cached):
    client = login(world["colleague"])
    _warm(client)
    do_offboard_staff(world["colleague"], acting_user=world["manager"], clinics=[world.clinic])
    assert _me(client).status_code == 302


def test_a_password_changed_is_a_sign_out_at_once(world, login, cached):
    client = login(world["patient"])
    _warm(client)
    user = User.objects.get(pk=world["patient"].pk)
    user.set_password("a new long passphrase 7")
    user.save()
    assert _me(client).status_code == 302


def test_a_password_changed_by_raw_sql_is_a_sign_out_at_once(world, login, cached):
    client = login(world["patient"])
    _warm(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_user SET password = %s WHERE id = %s",
            [make_password("another long passphrase 8"), world["patient"].pk],
        )
    assert _me(client).status_code == 302


def test_a_second_factor_removed_is_seen_at_once(world, login, cached):
    client = login(world["therapist"])
    assert _warm(client)["second_factor"] is True
    Authenticator.objects.filter(user=world["therapist"]).delete()
    # A staff member without a second factor is sent to set one up.
    response = client.get("/t/me/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_change_to_one_login_leaves_the_others_kept_in_other_buckets(world, login, cached):
    therapist, manager = world["therapist"], world["manager"]
    assert therapist.pk % identity.BUCKETS != manager.pk % identity.BUCKETS
    client = login(manager)
    _warm(client)
    User.objects.filter(pk=therapist.pk).update(first_name="Changed")
    with CaptureQueriesContext(connection) as captured:
        _me(client)
    assert len(captured.captured_queries) == 1


# ------------------------------------------- a patient's login, the clinics' names (0068)


def _version(user) -> int:
    return IdentityVersion.objects.get(bucket=user.pk % identity.BUCKETS).version


def test_staff_are_kept_as_not_patients_and_patients_as_patients(world, login, cached):
    assert _warm(login(world["therapist"]))["patient"] is None  # with one query (above)
    client = login(world["patient"])
    _me(client)
    with CaptureQueriesContext(connection) as captured:
        assert _me(client)["patient"] == world.patient.pk
    # The patient's own row is still read (its fields are not kept), by its login.
    assert [q["sql"] for q in captured.captured_queries if "core_user" in q["sql"]] == []
    assert len(captured.captured_queries) == 2


def test_a_patient_row_made_for_a_login_is_seen_at_once(world, login, cached):
    client = login(world["therapist"])
    assert _warm(client)["patient"] is None
    patient = Patient.objects.create(
        user=world["therapist"], first_name="Tess", last_name="Ahl", date_of_birth="1980-01-01"
    )
    assert _me(client)["patient"] == patient.pk


def test_a_patient_rows_login_changed_by_update_and_raw_sql_is_seen_at_once(world, login, cached):
    client = login(world["patient"])
    assert _warm(client)["patient"] == world.patient.pk
    Patient.objects.filter(pk=world.patient.pk).update(user=None)
    assert _me(client)["patient"] is None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_patient SET user_id = %s WHERE id = %s",
            [world["patient"].pk, world.patient.pk],
        )
    assert _me(client)["patient"] == world.patient.pk


def test_a_patient_row_deleted_by_raw_sql_is_seen_at_once(world, login, cached):
    client = login(world["therapist"])
    patient = Patient.objects.create(
        user=world["therapist"], first_name="Tess", last_name="Ahl", date_of_birth="1980-01-01"
    )
    assert _warm(client)["patient"] == patient.pk
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_patient WHERE id = %s", [patient.pk])
    assert _me(client)["patient"] is None


def test_saving_a_patients_details_leaves_the_login_kept(world, login, cached):
    """Only a change of the row's login moves the counter: ``save()`` writes every
    column, ``user_id`` too, unchanged."""
    before = _version(world["patient"])
    patient = Patient.objects.get(pk=world.patient.pk)
    patient.preferred_language = "sv"
    patient.save()
    Patient.objects.filter(pk=patient.pk).update(user=world["patient"], phone="0701234567")
    assert _version(world["patient"]) == before


def test_a_clinic_renamed_is_seen_at_once_by_those_holding_a_role_there(world, login, cached):
    client = login(world["intake"])
    client.get(reverse("intake_funnel"))
    assert "Intake funnel: Clinic alpha" in client.get(reverse("intake_funnel")).content.decode()
    others = _version(world["other_therapist"])
    Clinic.objects.filter(pk=world.clinic.pk).update(name="Renamed by update")
    assert (
        "Intake funnel: Renamed by update" in client.get(reverse("intake_funnel")).content.decode()
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_clinic SET name = 'By SQL' WHERE id = %s", [world.clinic.pk])
    assert "Intake funnel: By SQL" in client.get(reverse("intake_funnel")).content.decode()
    # Nobody at the other clinic was touched (unless they share a bucket).
    if world["other_therapist"].pk % identity.BUCKETS not in {
        u.pk % identity.BUCKETS for u in User.objects.filter(clinic_roles__clinic=world.clinic)
    }:
        assert _version(world["other_therapist"]) == others


# ---------------------------------------------------------------- the session's copy


def test_signing_out_ends_the_session_in_the_cache_too(world, login, cached):
    client = login(world["patient"])
    _warm(client)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert _me(client).status_code == 302


def test_ended_sessions_are_taken_out_of_the_cache(world, login, cached):
    client = login(world["patient"])
    _warm(client)
    assert end_sessions(world["patient"]) == 1
    # The identity is unchanged (same counter): only the session's end stops it.
    assert _me(client).status_code == 302


# ---------------------------------------------------------------- a failing cache


class BrokenCache(BaseCache):
    """A cache server that cannot be reached."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("the cache is down")

    add = get = set = touch = delete = clear = has_key = incr = _down


@pytest.fixture
def broken_caches(settings, monkeypatch):
    """The sessions' and the identities' caches down (the rest of the site's as it was)."""
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": f"{__name__}.BrokenCache"},
    }
    settings.SESSION_CACHE_ALIAS = "broken"
    monkeypatch.setattr(identity, "CACHE", "broken")
    yield


def test_a_cache_that_fails_falls_back_to_the_database(world, login, cached, broken_caches):
    client = login(world["therapist"])
    assert _me(client)["roles"] == [Role.THERAPIST]
    ClinicRole.objects.filter(user=world["therapist"]).delete()
    assert _me(client)["roles"] == []  # nobody let in on stale roles
    client.post("/accounts/logout/")  # no error while the cache cannot be written
    assert _me(client).status_code == 302


def test_a_counter_missing_falls_back_to_the_database(world, login, cached):
    client = login(world["therapist"])
    _warm(client)
    IdentityVersion.objects.filter(bucket=world["therapist"].pk % identity.BUCKETS).delete()
    ClinicRole.objects.filter(user=world["therapist"]).delete()
    assert _me(client)["roles"] == []


def test_the_session_store_forgets_quietly_when_the_cache_is_down(broken_caches):
    sessions.forget("no-such-session")  # logged, not raised
