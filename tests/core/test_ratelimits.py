"""The one rate-limit mechanism: named limits from settings, 429 with Retry-After."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from tessera.core.ratelimits import over_limit, rate_for, rate_limited

# The 429 page audits the refusal (security.rate_limited), so it needs the database.
pytestmark = pytest.mark.django_db

# 10:00:00 UTC; the limit's windows are fixed, so a frozen clock keeps one window.
FROZEN = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings):
    settings.TESSERA_RATE_LIMITS = {"test_form": "3/h", "off": None}
    return settings


@pytest.fixture
def view():
    @rate_limited("test_form")
    def created(request):
        return HttpResponse("created", status=201)

    return created


def request(method="post", ip="192.0.2.1", **meta):
    made = getattr(RequestFactory(), method)("/x/", REMOTE_ADDR=ip, **meta)
    made.user = AnonymousUser()
    return made


@time_machine.travel(FROZEN, tick=False)
def test_the_request_over_the_limit_gets_the_429_page(limits, view):
    assert [view(request()).status_code for _ in range(3)] == [201, 201, 201]
    response = view(request())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Too many requests" in body and "minutes, then try again." in body


@time_machine.travel(FROZEN, tick=False)
def test_the_wait_is_counted_to_the_end_of_the_window(limits, view):
    for _ in range(3):
        view(request())
    first = int(view(request())["Retry-After"])
    with time_machine.travel(FROZEN + dt.timedelta(seconds=first - 1), tick=False):
        assert view(request()).status_code == 429
    with time_machine.travel(FROZEN + dt.timedelta(seconds=first + 1), tick=False):
        assert view(request()).status_code == 201  # a new window


@time_machine.travel(FROZEN, tick=False)
def test_the_limit_is_per_address(limits, view):
    for _ in range(4):
        view(request(ip="192.0.2.1"))
    assert view(request(ip="192.0.2.1")).status_code == 429
    assert view(request(ip="198.51.100.2")).status_code == 201


@time_machine.travel(FROZEN, tick=False)
def test_the_address_behind_a_trusted_proxy_is_counted(limits, view, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for _ in range(3):
        view(request(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7"))
    assert view(request(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")).status_code == 429
    assert view(request(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")).status_code == 201


@time_machine.travel(FROZEN, tick=False)
def test_reads_are_not_counted_by_default(limits, view):
    for _ in range(5):
        assert view(request("get")).status_code == 201
    assert view(request()).status_code == 201


@time_machine.travel(FROZEN, tick=False)
def test_the_page_is_translated(limits, view):
    for _ in range(3):
        view(request())
    with translation.override("sv"):
        body = view(request()).content.decode()
    assert "För många förfrågningar" in body


def test_a_limit_set_to_none_is_off(limits):
    assert all(over_limit(request(), "off") is None for _ in range(10))


def test_an_unknown_limit_is_a_configuration_error(limits):
    with pytest.raises(ImproperlyConfigured):
        rate_for("no_such_limit")


def test_the_default_limits(settings):
    assert settings.TESSERA_RATE_LIMITS["referral_form"] == "20/h"
    assert settings.TESSERA_RATE_LIMITS["fhir_referral"] == "30/h"
    assert settings.TESSERA_RATE_LIMITS["fhir_token"] == "30/m"
    assert settings.TESSERA_RATE_LIMITS["fhir_export"] == "10/h"
    assert settings.TESSERA_CLINIC_RATE_LIMITS == {}


class _Clinic:
    def __init__(self, pk, slug):
        self.pk, self.slug = pk, slug


@time_machine.travel(FROZEN, tick=False)
def test_a_clinic_with_its_own_rate_counts_apart(limits):
    limits.TESSERA_CLINIC_RATE_LIMITS = {"nord": {"test_form": "1/h"}, "syd": {"off": "1/h"}}
    nord, syd, vast = _Clinic(1, "nord"), _Clinic(2, "syd"), _Clinic(3, "vast")
    assert rate_for("test_form", nord) == "1/h"
    assert rate_for("test_form", syd) == "3/h"  # syd changes another limit only
    assert rate_for("off", syd) == "1/h"
    assert over_limit(request(), "test_form", clinic=nord) is None
    assert over_limit(request(), "test_form", clinic=nord) is not None
    # Clinics without a rate of their own share the address's count of the default.
    assert over_limit(request(), "test_form", clinic=syd) is None
    assert over_limit(request(), "test_form", clinic=vast) is None
    assert over_limit(request(), "test_form") is None
    assert over_limit(request(), "test_form", clinic=vast) is not None


def test_a_clinic_may_switch_a_limit_off(limits):
    limits.TESSERA_CLINIC_RATE_LIMITS = {"nord": {"test_form": None}}
    nord = _Clinic(1, "nord")
    assert rate_for("test_form", nord) is None
    assert all(over_limit(request(), "test_form", clinic=nord) is None for _ in range(10))
