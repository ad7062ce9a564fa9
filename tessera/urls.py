"""Tessera's URLs. Every pattern here needs a row in tests/test_access_matrix.py."""

from django.urls import include, path, re_path

from tessera.core.views.account_links import (
    confirm_email,
    password_reset_from_key,
    request_reauthentication_code,
)
from tessera.core.views.language import set_language

urlpatterns = [
    # allauth's, answering a used link sent again with its page (decision 0103) and asking
    # another account signed in to sign out (decision 0111).
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$", confirm_email, name="account_confirm_email"
    ),
    # allauth's, asking another account signed in to sign out (decision 0111).
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    # allauth's, its field labelled in the reader's language (decision 0122).
    path(
        "accounts/reauthenticate/code/",
        request_reauthentication_code,
        name="account_request_reauthentication_code",
    ),
    path("accounts/", include("allauth.urls")),
    # Django's language switcher, which also stores a signed-in person's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("tessera.portal.urls")),
    path("", include("tessera.core.urls")),
    path("", include("tessera.treatment.urls")),
    path("", include("tessera.fhir.urls")),
    path("", include("tessera.programs.urls")),
    path("", include("tessera.instruments.urls")),
    path("", include("tessera.messaging.urls")),
    path("", include("tessera.feedback.urls")),
    path("", include("tessera.workload.urls")),
    path("", include("tessera.inbox.urls")),
    path("", include("tessera.consultation.urls")),
    path("", include("tessera.intake.urls")),
    path("", include("tessera.safety.urls")),
    path("", include("tessera.notifications.urls")),
    path("", include("tessera.appointments.urls")),
    path("", include("tessera.letters.urls")),
    path("", include("tessera.automation.urls")),
    path("", include("tessera.research.urls")),
    path("", include("tessera.reports.urls")),
]

handler403 = "tessera.core.views.errors.forbidden"
handler404 = "tessera.core.views.errors.not_found"
# Not Django's: allauth answers its own rate limits with this one.
handler429 = "tessera.core.views.errors.too_many_requests"
handler500 = "tessera.core.views.errors.server_error"
