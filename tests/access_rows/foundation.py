"""Sign-in, accounts, clinics, patients and the audit trail."""

from tests.access_rows.base import (  # noqa: F401
    ANON_PAGE,
    CLINIC_ADMINS,
    CLINIC_WIDE,
    CLINICAL_STAFF,
    OWNER_ONLY,
    PATIENTS,
    SIGNED_IN_PAGE,
    STAFF,
    TAILORS,
    Row,
    everyone,
    only,
)


def _spare_shift(world):
    from tessera.core.actions import do_add_on_call_shifts
    from tessera.core.models import OnCallShift

    hour = OnCallShift.objects.count() % 23  # one new hour for each kind of visitor
    return do_add_on_call_shifts(
        world.clinic,
        acting_user=world["manager"],
        user=world["supervisor"],
        weekdays=[6],
        starts_hour=hour,
        ends_hour=hour + 1,
    )[0]


def _spare_contact(world):
    return world.clinic.crisis_contacts.create(language="en", label="Spare", phone="1")


ROWS: dict[str, Row] = {
    # allauth: sign-in, sign-up (closed), password and e-mail management
    "account_login": Row(ANON_PAGE),
    "account_logout": Row(everyone("ok", anon="redirect")),
    "account_inactive": Row(everyone("ok")),
    "account_signup": Row(ANON_PAGE),
    "account_reauthenticate": Row(SIGNED_IN_PAGE),
    "account_request_reauthentication_code": Row(SIGNED_IN_PAGE),
    "account_confirm_reauthentication_code": Row(everyone("redirect", anon="login")),
    "account_email": Row(SIGNED_IN_PAGE),
    "account_email_verification_sent": Row(everyone("ok")),
    "account_change_password": Row(SIGNED_IN_PAGE),
    "account_set_password": Row(everyone("redirect", anon="login")),
    "account_reset_password": Row(everyone("ok")),
    "account_confirm_login_code": Row(everyone("redirect")),
    "account_confirm_email": Row(everyone("ok"), kwargs=lambda w: {"key": "not-a-real-key"}),
    "account_reset_password_from_key_done": Row(everyone("ok")),
    "account_reset_password_from_key": Row(
        everyone("ok"), kwargs=lambda w: {"uidb36": "zz", "key": "not-a-real-key"}
    ),
    "account_reset_password_done": Row(everyone("ok")),
    "mfa_index": Row(SIGNED_IN_PAGE),
    "mfa_authenticate": Row(everyone("redirect")),
    "mfa_reauthenticate": Row(
        everyone(
            "ok",
            anon="login",
            patient="redirect",
            other_patient="redirect",
            staff_no_mfa="redirect",
        )
    ),
    "mfa_activate_totp": Row(
        everyone("redirect", anon="login", patient="ok", other_patient="ok", staff_no_mfa="ok")
    ),
    "mfa_deactivate_totp": Row(
        everyone("ok", anon="login", patient="deny", other_patient="deny", staff_no_mfa="deny")
    ),
    "mfa_view_recovery_codes": Row(OWNER_ONLY),
    "mfa_generate_recovery_codes": Row(everyone("ok", anon="login")),
    "mfa_download_recovery_codes": Row(OWNER_ONLY),
    # language switch (POST; Django answers with a redirect back)
    "set_language": Row(everyone("redirect"), method="post", data={"language": "sv", "next": "/"}),
    # Tessera's own pages
    "home": Row(everyone("ok", staff_no_mfa="mfa")),
    "healthz": Row(everyone("ok")),
    "favicon": Row(everyone("ok")),
    "session_keepalive": Row(everyone("ok", anon="login", staff_no_mfa="mfa")),
    "patient_list": Row(only(CLINICAL_STAFF)),
    "patient_detail": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "patient_edit": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "my_details": Row(only(PATIENTS)),
    "my_details_edit": Row(only(PATIENTS)),
    "my_access_log": Row(only(PATIENTS)),
    "clinic_list": Row(only(["manager", "region_admin", "other_manager"])),
    "clinic_detail": Row(only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_edit": Row(only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_rate_limits": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "audit_search": Row(only(["manager", "other_manager"])),
    "security_events": Row(only(["manager", "other_manager", "region_admin"])),
    "failed_notifications": Row(only(["manager", "other_manager", "region_admin"])),
    "clinic_crisis_contacts": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_crisis_contact_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "contact_id": _spare_contact(w).pk},
    ),
    "clinic_on_call": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_on_call_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "shift_id": _spare_shift(w).pk},
    ),
}
