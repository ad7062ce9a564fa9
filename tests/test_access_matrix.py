"""The access matrix: every URL pattern of the project, tried as every kind of user.

A pattern without a row here fails the suite. When you add a URL, add its row: what each
kind of user gets (see OUTCOMES). Scoping of the data itself is tested per feature; this
file makes sure nobody reaches a page they should not, and nobody is locked out of one
they need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import sign_in

KINDS = [
    "anon",
    "intake",
    "therapist",
    "assessor",
    "supervisor",
    "manager",
    "author",
    "researcher",
    "region_admin",
    "patient",
    "other_patient",
    "colleague",
    "other_therapist",
    "other_manager",
    "staff_no_mfa",
]
STAFF = [
    "intake",
    "therapist",
    "assessor",
    "supervisor",
    "manager",
    "author",
    "researcher",
    "region_admin",
    "colleague",
    "other_therapist",
    "other_manager",
]
PATIENTS = ["patient", "other_patient"]
SIGNED_IN = STAFF + PATIENTS + ["staff_no_mfa"]


def _is(status: int) -> Callable:
    return lambda r: r.status_code == status


def _redirect_to(prefix: str) -> Callable:
    return lambda r: r.status_code == 302 and r["Location"].startswith(prefix)


OUTCOMES: dict[str, Callable] = {
    "ok": _is(200),
    "deny": lambda r: r.status_code in (403, 404),
    "login": _redirect_to("/accounts/login/"),
    "mfa": _redirect_to("/accounts/2fa/totp/activate/"),
    "redirect": lambda r: r.status_code == 302,
    "home": _redirect_to("/"),
    "no_content": _is(204),
}


@dataclass
class Row:
    expect: dict[str, str]
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: dict = field(default_factory=dict)
    per_kind: bool = False  # build kwargs anew for each user (the request uses them up)

    def outcome(self, kind: str) -> str:
        return self.expect[kind]


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    return {kind: overrides.get(kind, outcome) for kind in KINDS}


def only(allowed: list[str], *, ok: str = "ok", anon: str = "login", mfa: str = "mfa"):
    table = {kind: (ok if kind in allowed else "deny") for kind in KINDS}
    table["anon"] = anon
    table["staff_no_mfa"] = mfa
    return table


CLINIC_WIDE = ["intake", "assessor", "supervisor", "manager"]
CLINIC_ADMINS = ["manager", "region_admin"]
TAILORS = ["therapist", "supervisor", "manager"]


def _spare_contact(world):
    return world.clinic.crisis_contacts.create(language="en", label="Spare", phone="1")


def _spare_rule(world):
    from tessera.treatment.models import MeasureRule

    return MeasureRule.objects.create(
        clinic=world.clinic,
        programme_key=f"spare-{MeasureRule.objects.count()}",
        instrument="PHQ-9",
        time_point="post",
    )


CLINICAL_STAFF = CLINIC_WIDE + ["therapist", "colleague", "other_therapist", "other_manager"]
SIGNED_IN_PAGE = everyone("ok", anon="login")
ANON_PAGE = everyone("redirect", anon="ok")
# Second-factor pages for things only the manager has (recovery codes).
OWNER_ONLY = everyone("deny", anon="login", manager="ok")

MATRIX: dict[str, Row] = {
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
    "patient_list": Row(only(CLINICAL_STAFF)),
    "patient_detail": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "patient_edit": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "my_details": Row(only(PATIENTS)),
    "my_details_edit": Row(only(PATIENTS)),
    "my_access_log": Row(only(PATIENTS)),
    "clinic_list": Row(only(["manager", "region_admin", "other_manager"])),
    "clinic_detail": Row(only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_edit": Row(only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}),
    "audit_search": Row(only(["manager", "other_manager"])),
    "clinic_crisis_contacts": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_crisis_contact_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "contact_id": _spare_contact(w).pk},
    ),
    # questionnaires and progress (the patient's own; staff through the patient's page)
    "my_questionnaires": Row(only(PATIENTS)),
    "questionnaire_fill": Row(only(["patient"]), kwargs=lambda w: {"pk": w.due.pk}),
    "questionnaire_autosave": Row(
        only(["patient"]), kwargs=lambda w: {"pk": w.due.pk}, method="post", data={"item1": "1"}
    ),
    "questionnaire_review": Row(
        only(["patient"], ok="redirect"), kwargs=lambda w: {"pk": w.due.pk}
    ),
    "questionnaire_done": Row(only(["patient"], ok="redirect"), kwargs=lambda w: {"pk": w.due.pk}),
    "my_progress": Row(only(PATIENTS)),
    # the patient's modules, and the care team's view of the plan
    "my_plan": Row(only(PATIENTS)),
    "module_reader": Row(only(["patient"]), kwargs=lambda w: {"entry_id": w.plan.entry.pk}),
    "worksheet_save": Row(
        only(["patient"], ok="redirect"),
        method="post",
        data={"situation": "typed"},
        kwargs=lambda w: {"entry_id": w.plan.entry.pk, "position": 2},
    ),
    "module_complete": Row(
        only(["patient"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"entry_id": w.plan.entry.pk},
    ),
    "plan": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "plan_add": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_start": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"start_on": "2026-01-05"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_switch": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_entry": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk, "entry_id": w.plan.entry.pk, "operation": "down"},
    ),
    # FHIR: instrument structure is public; a response bundle is patient data
    "fhir_questionnaire": Row(
        everyone("ok", staff_no_mfa="mfa"), kwargs=lambda w: {"slug": "phq9"}
    ),
    "response_fhir_bundle": Row(
        only(CLINIC_WIDE + ["therapist"]),
        kwargs=lambda w: {"pk": w.patient.pk, "response_id": w.response.pk},
    ),
    "clinic_measures": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_measure_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "rule_id": _spare_rule(w).pk},
    ),
    "clinic_risk_threshold": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        kwargs=lambda w: {"slug": "alpha"},
        data={
            "prefix": "x",
            "x-instrument": "PHQ-9",
            "x-rule_code": "phq9_item9",
            "x-at_least": "1",
        },
    ),
    "patient_measures": Row(
        only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}
    ),
    "response_detail": Row(
        only(CLINIC_WIDE + ["therapist"]),
        kwargs=lambda w: {"pk": w.patient.pk, "response_id": w.response.pk},
    ),
    # questionnaire wording a clinic enters (managers and region administrators)
    "clinic_instruments": Row(
        only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}
    ),
    "clinic_instrument_wording": Row(
        only(["manager", "region_admin"]),
        kwargs=lambda w: {"slug": "alpha", "code": "K10", "lang": "sv"},
    ),
    # the module library (fixture `library`): every staff member of the region reads what
    # is published; content authors of the region write; patients get step media
    "library_index": Row(only(STAFF)),
    "library_module": Row(only(STAFF), kwargs=lambda w: {"pk": w.module.pk}),
    "library_module_preview": Row(only(STAFF), kwargs=lambda w: {"pk": w.module_version.pk}),
    "library_programme": Row(only(STAFF), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_media": Row(
        everyone("ok", anon="login", staff_no_mfa="mfa"), kwargs=lambda w: {"pk": w.media.pk}
    ),
    "library_module_new": Row(only(["author"])),
    "library_module_draft": Row(only(["author"]), kwargs=lambda w: {"pk": w.module.pk}),
    "library_step_edit": Row(
        only(["author"]), kwargs=lambda w: {"pk": w.module_draft.steps.first().pk}
    ),
    "library_programme_new": Row(only(["author"])),
    "library_programme_draft": Row(only(["author"]), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_programme_modules": Row(only(["author"]), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_module_edit": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.module.pk}
    ),
    "library_module_publish": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.module.pk}
    ),
    "library_step_move": Row(
        only(["author"], ok="redirect"),
        method="post",
        data={"direction": "down"},
        kwargs=lambda w: {"pk": w.module_draft.steps.first().pk},
    ),
    "library_step_delete": Row(
        only(["author"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"pk": w.module_draft.steps.last().pk},
    ),
    "library_programme_edit": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.programme.pk}
    ),
    "library_programme_publish": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.programme.pk}
    ),
    # content packages: authors of the region import; any staff of the region downloads
    # the latest published version of a programme (fixture `library`: world.programme)
    "package_import": Row(only(["author"])),
    "programme_export": Row(only(STAFF), kwargs=lambda w: {"pk": w.programme.pk}),
}


def _walk(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


ALL_NAMES = sorted(set(_walk(get_resolver())))


@pytest.fixture
def plan_world(world):
    from tests.plan_fixtures import build_plan

    return build_plan(world)


@pytest.fixture
def library(world, settings, tmp_path):
    from tests.programs.conftest import build_library

    return build_library(world, settings, tmp_path)


def test_every_url_pattern_has_a_row():
    missing = [name for name in ALL_NAMES if name not in MATRIX]
    assert not missing, f"URL patterns without an access-matrix row: {missing}"


def test_no_row_is_left_over():
    stale = [name for name in MATRIX if name not in ALL_NAMES]
    assert not stale, f"Access-matrix rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_access(name, world, client, recovery_codes, plan_world, library):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    failures = []
    for kind in KINDS:
        if row.per_kind:
            url = reverse(name, kwargs=row.kwargs(world))
        client.logout()
        if kind != "anon":
            sign_in(client, world[kind])
        response = getattr(client, row.method)(url, row.data)
        expected = row.outcome(kind)
        if not OUTCOMES[expected](response):
            where = response.get("Location", "")
            failures.append(f"{kind}: expected {expected}, got {response.status_code} {where}")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
