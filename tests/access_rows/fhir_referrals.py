"""The FHIR referral interface: metadata is public; ServiceRequest needs a referrer's
bearer token, whoever is signed in (a session is never enough)."""

from tests.access_rows.base import Row, everyone

ROWS: dict[str, Row] = {
    "fhir_metadata": Row(everyone("ok")),
    "fhir_service_request": Row(
        everyone("unauthorised"), method="post", data={"resourceType": "ServiceRequest"}
    ),
    "fhir_service_request_read": Row(everyone("unauthorised"), kwargs=lambda w: {"pk": 1}),
}
