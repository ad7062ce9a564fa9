"""Which views take a POST without a browser's CSRF token: exactly the endpoints other
systems call (a record system has no CSRF cookie), and no page a person uses.

The test client does not check CSRF, so neither direction shows in the other tests: a
view that lost its exemption (decision 0145's referral endpoint, its decorator moved onto
a helper) refused every referral sent over HTTP, and a page that gained one would take a
forged form from another site."""

from __future__ import annotations

from django.urls import get_resolver

from tests.test_access_matrix import _walk

# The endpoints of other systems, each authenticated by its own bearer token or signed
# assertion, not by a session cookie.
SYSTEMS = {
    "fhir_token",  # SMART Backend Services: a signed client assertion
    "fhir_service_request",  # a referral from a record system
    "fhir_export_status",  # FHIR Bulk Data: DELETE to cancel an export
    "fhir_not_found",  # the FHIR API's own 404 for any method
}


def test_only_the_endpoints_of_other_systems_skip_the_csrf_check():
    exempt = {
        name
        for name, pattern in _walk(get_resolver())
        if getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt == SYSTEMS
