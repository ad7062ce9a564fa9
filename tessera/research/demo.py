"""Demo: a running two-arm trial at the Riverside clinic, so every research page shows
something. Guided iCBT with weekly feedback against the same programme with feedback on
demand (both guided care, so randomising a demo patient changes nothing the other demos
rely on). Olle has consented and been randomised; Elin declined; Pia (the demo patient)
is invited and reads the consent on her "Research studies" page; Nils waits in intake.
Two self-referring applicants answered on their application's page (Bo consented,
David declined).
Rut is the investigator, Rasmus the research coordinator, Bianca the blinded assessor.
Safe to run again."""

from __future__ import annotations

import datetime as dt

from tessera.core.roles import StudyRole
from tessera.intake.models import Application
from tessera.programs.models import ProgrammeVersion

from . import actions
from .models import Study

KEY = "calm"
SEED = "demo-calm-2026"

CONSENT = {
    "en": (
        "CALM compares two ways of giving therapist feedback in the same online programme "
        "for depression: every week, or when you ask for it. If you agree, a computer "
        "decides by chance which one you get. You answer two extra questionnaires, after "
        "8 weeks and after 3 months. Your answers are used without your name. You can "
        "withdraw at any time on this page; your care continues either way."
    ),
    "sv": (
        "CALM jämför två sätt att ge terapeutens återkoppling i samma internetprogram mot "
        "depression: varje vecka, eller när du ber om det. Om du vill delta avgör slumpen "
        "vilket du får. Du svarar på två extra formulär, efter 8 veckor och efter 3 "
        "månader. Dina svar används utan ditt namn. Du kan när som helst avsluta ditt "
        "deltagande på den här sidan; din behandling fortsätter oavsett."
    ),
}


def _programme(region):
    return (
        ProgrammeVersion.objects.filter(
            programme__region=region, programme__key="depression-ba", status="published"
        )
        .order_by("-number")
        .first()
    )


def _episode(patient):
    return patient.episodes.order_by("-created_at").first() if patient else None


def seed(ctx) -> None:
    investigator = ctx.staff.get("researcher")
    coordinator = ctx.staff.get("research.coordinator")
    assessor = ctx.staff.get("blinded.assessor")
    clinic = ctx.clinics.get("riverside")
    programme = _programme(ctx.region)
    if None in (investigator, coordinator, assessor, clinic, programme):
        return
    if Study.objects.filter(key=KEY).exists():
        return
    study = actions.do_create_study(
        acting_user=investigator,
        key=KEY,
        title="CALM: weekly or on-demand guidance in iCBT for depression",
        clinics=[clinic],
        registry_id="NCT09990001",
        ethics_approval_id="EPN 2026-00417",
        ethics_approved_on=dt.date(2026, 2, 16),
        eligibility={"min_age": 18, "exclude": ["high_risk"]},
        target_size=120,
    )
    actions.do_add_member(study, coordinator, StudyRole.COORDINATOR, acting_user=investigator)
    actions.do_add_member(study, assessor, StudyRole.BLINDED_ASSESSOR, acting_user=investigator)
    for code, label, guidance in [
        ("weekly", "Guided weekly", "guided_weekly"),
        ("ondemand", "Guided on demand", "guided_on_demand"),
    ]:
        actions.do_save_arm(
            study,
            acting_user=investigator,
            code=code,
            label=label,
            programme_version=programme,
            care_model="guided",
            guidance=guidance,
        )
    actions.do_add_measure(
        study, acting_user=investigator, instrument="PHQ-9", time_point="post", days=56
    )
    actions.do_add_measure(
        study, acting_user=investigator, instrument="GAD-7", time_point="follow_up_3", days=90
    )
    for language, text in CONSENT.items():
        actions.do_publish_consent(study, acting_user=investigator, language=language, text=text)
    actions.do_open_recruitment(study, acting_user=investigator, seed=SEED)
    invited = {}
    for local in ["patient2", "patient3", "patient", "patient4"]:
        episode = _episode(ctx.patients.get(local))
        if episode is not None:
            invited[local] = actions.do_invite(study, episode, acting_user=coordinator)
    if "patient2" in invited:
        olle = invited["patient2"]
        consent = actions.latest_consent(study, "sv")
        olle = actions.do_give_consent(olle, consent, acting_user=olle.episode.patient.user)
        olle = actions.do_confirm_eligibility(olle, acting_user=coordinator)
        actions.do_record_deviation(
            study,
            acting_user=coordinator,
            participant=olle,
            description="Week 2 feedback sent a day late (therapist ill).",
        )
    if "patient3" in invited:
        elin = invited["patient3"]
        actions.do_decline(elin, acting_user=elin.episode.patient.user)
    _applicants_answer(study, clinic)


def _applicants_answer(study, clinic) -> None:
    """Two of Riverside's self-referring applicants answered about CALM on their
    application's page: Bo consented, David declined (their applications unchanged)."""
    for local, consents in [("applicant2", True), ("applicant4", False)]:
        application = (
            Application.objects.filter(clinic=clinic, applicant__email__startswith=f"{local}@")
            .order_by("pk")
            .first()
        )
        if application is None:
            continue
        consent = actions.latest_consent(study, application.language) if consents else None
        actions.do_answer_at_application(
            application, study, consent=consent, acting_user=application.applicant
        )
