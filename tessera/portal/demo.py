"""Demo data: one region with five clinics modelled on the study's five service models.

The seeder lives in the portal because it calls every app's demo (``APP_DEMOS``); what
the apps' demos share (accounts, secrets, the context) is ``tessera.core.demo``.

Names are invented. Everything is created through the actions, so the demo's audit
trail is as real as production's. Running seed() twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from importlib import import_module

from django.db import transaction

from tessera.appointments import demo as appointments_demo
from tessera.automation import demo as automation_demo
from tessera.consultation import demo as consultation_demo
from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.deferred import deferred
from tessera.core.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoContext,
    Login,
    demo_user,
    opened_before,
    second_factor,
)
from tessera.core.models import Clinic, OnCallShift, Patient, Region, StaffLeave
from tessera.core.roles import AssessorProfession, Role
from tessera.feedback import demo as feedback_demo
from tessera.fhir import demo as fhir_demo
from tessera.inbox import demo as inbox_demo
from tessera.intake import demo as intake_demo
from tessera.letters import actions as letters
from tessera.messaging import actions as message_actions
from tessera.messaging import demo as messaging_demo
from tessera.programs.actions import do_create_module_translation
from tessera.programs.management.commands.load_sample_content import sample_directories
from tessera.programs.models import Module, ProgrammeVersion
from tessera.programs.packages import do_import_package, zip_directory
from tessera.safety import demo as safety_demo
from tessera.safety.actions.plans import do_save_safety_plan
from tessera.treatment import actions as treatment
from tessera.treatment import plans
from tessera.treatment.actions import do_note_therapist_first_look, do_open_episode
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.actions import schedule as schedule_actions
from tessera.treatment.models import DueMeasure, MeasureRule
from tessera.workload import demo as workload_demo

from . import demo_history
from .ending import do_end_episode

# Every app's demo (``<app>/demo.py`` with ``seed(ctx: DemoContext)``), run in this order
# after the core demo exists. Each must be safe to run again.
APP_DEMOS = [
    intake_demo,
    messaging_demo,
    feedback_demo,
    workload_demo,
    consultation_demo,
    safety_demo,
    appointments_demo,
    automation_demo,
    inbox_demo,
    demo_history,
    fhir_demo,
]

SWEDISH_CRISIS = [
    {"language": "sv", "label": "Larmnummer 112", "phone": "112", "note": "Akut fara för liv"},
    {"language": "sv", "label": "1177 Vårdguiden", "phone": "1177", "note": "Sjukvårdsrådgivning"},
    {"language": "sv", "label": "Självmordslinjen (Mind)", "phone": "90101"},
    {"language": "en", "label": "Emergency number 112", "phone": "112", "note": "Danger to life"},
    {"language": "en", "label": "1177 health advice", "phone": "1177"},
]

# The study's other countries: a clinic each, in its own languages, time zone and crisis
# lines (demo data: check the numbers before relying on them).
NORWEGIAN_CRISIS = [
    {
        "language": "nb",
        "label": "Medisinsk nødtelefon 113",
        "phone": "113",
        "note": "Akutt fare for liv",
    },
    {"language": "nb", "label": "Legevakt", "phone": "116117"},
    {"language": "nb", "label": "Mental Helse hjelpetelefonen", "phone": "116123"},
    {"language": "en", "label": "Medical emergency 113", "phone": "113", "note": "Danger to life"},
]
DANISH_CRISIS = [
    {"language": "da", "label": "Alarmcentralen 112", "phone": "112", "note": "Akut livsfare"},
    {"language": "da", "label": "Livslinien", "phone": "70201201"},
    {"language": "en", "label": "Emergency number 112", "phone": "112", "note": "Danger to life"},
]
DUTCH_CRISIS = [
    {"language": "nl", "label": "Alarmnummer 112", "phone": "112", "note": "Direct levensgevaar"},
    {"language": "nl", "label": "113 Zelfmoordpreventie", "phone": "0800-0113"},
    {"language": "en", "label": "Emergency number 112", "phone": "112", "note": "Danger to life"},
]
SCOTTISH_CRISIS = [
    {"language": "en", "label": "Emergency 999", "phone": "999", "note": "Danger to life"},
    {"language": "en", "label": "NHS 24", "phone": "111"},
    {"language": "en", "label": "Samaritans", "phone": "116123"},
]

CLINICS = [
    {
        "slug": "riverside",
        "contact_phone": "+46 8 555 010 10",
        "contact_email": "riverside@demo.tessera.test",
        "postal_address": "Demogatan 10\n111 20 Stockholm",
        "name": "Riverside Internet Psychiatry",
        "referral_model": Clinic.Referral.SELF,
        "physician_assessment": True,
        "offers_guided": True,
        # The Swedish clinic reports by Internetpsykiatri Stockholm's 40 %/30 % rule
        # (issue 12; tessera/instruments/scoring/primary.py).
        "outcome_rule": Clinic.OutcomeRule.SWEDISH,
    },
    {
        "slug": "fjordside",
        "contact_phone": "+47 22 55 50 20",
        "contact_email": "fjordside@demo.tessera.test",
        "postal_address": "Demoveien 20\n0150 Oslo",
        "name": "Fjordside Online Clinic",
        "country": "NO",
        "languages": ["nb", "en"],
        "time_zone": "Europe/Oslo",
        "crisis_contacts": NORWEGIAN_CRISIS,
        "referral_model": Clinic.Referral.PROFESSIONAL,
        "offers_guided": True,
    },
    {
        "slug": "harbour",
        "contact_phone": "+45 33 55 50 30",
        "contact_email": "harbour@demo.tessera.test",
        "postal_address": "Demovej 30\n1050 København K",
        "name": "Harbour Internet Clinic",
        "country": "DK",
        "languages": ["da", "en"],
        "time_zone": "Europe/Copenhagen",
        "crisis_contacts": DANISH_CRISIS,
        "referral_model": Clinic.Referral.BOTH,
        "offers_guided": True,
    },
    {
        "slug": "canal",
        "contact_phone": "+31 20 555 0040",
        "contact_email": "canal@demo.tessera.test",
        "postal_address": "Demogracht 40\n1011 AB Amsterdam",
        "name": "Canal Blended Care",
        "country": "NL",
        "languages": ["nl", "en"],
        "time_zone": "Europe/Amsterdam",
        "crisis_contacts": DUTCH_CRISIS,
        "referral_model": Clinic.Referral.BOTH,
        "offers_guided": True,
        "offers_blended": True,
    },
    {
        "slug": "highland",
        "contact_phone": "+44 1632 960050",
        "contact_email": "highland@demo.tessera.test",
        "postal_address": "40 Demo Street\nInverness IV1 1AA",
        "name": "Highland Self-Help Service",
        "country": "GB-SCT",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "crisis_contacts": SCOTTISH_CRISIS,
        "referral_model": Clinic.Referral.BOTH,
        "offers_guided": False,
        "offers_unguided": True,
        # A clean screening starts the self-help course at once (issue 14).
        "start_unguided_after_clean_screening": True,
    },
]

# The self-help service screens with AUDIT as well: the programmes exclude AUDIT zone IV,
# and a course can start without an assessment only when the screening settles that.
SCREENING = {"highland": ["PHQ-9", "GAD-7", "AUDIT"]}

# (e-mail local part, first, last, [(clinic slug, role, extra)])
STAFF = [
    ("manager", "Maja", "Lind", [("riverside", Role.CLINIC_MANAGER, {})]),
    ("therapist", "Tove", "Berg", [("riverside", Role.THERAPIST, {"max_caseload": 40})]),
    ("therapist2", "Theo", "Ek", [("riverside", Role.THERAPIST, {"max_caseload": 40})]),
    ("intake", "Ivar", "Holm", [("riverside", Role.INTAKE_COORDINATOR, {})]),
    (
        "assessor",
        "Ada",
        "Sund",
        [("riverside", Role.ASSESSOR, {"profession": AssessorProfession.PHYSICIAN})],
    ),
    ("supervisor", "Sara", "Nord", [("riverside", Role.SUPERVISOR, {})]),
    ("author", "Alva", "Strand", [("riverside", Role.CONTENT_AUTHOR, {})]),
    ("researcher", "Rut", "Dahl", [("riverside", Role.RESEARCHER, {})]),
    # Study staff of the demo trial (research.demo): Rut is its investigator.
    ("research.coordinator", "Rasmus", "Vik", [("riverside", Role.RESEARCHER, {})]),
    ("blinded.assessor", "Bianca", "Sjö", [("riverside", Role.RESEARCHER, {})]),
    (
        "fjord.therapist",
        "Frida",
        "Vik",
        [("fjordside", Role.THERAPIST, {}), ("fjordside", Role.INTAKE_COORDINATOR, {})],
    ),
    ("fjord.manager", "Finn", "Alm", [("fjordside", Role.CLINIC_MANAGER, {})]),
    ("harbour.therapist", "Hedda", "Ros", [("harbour", Role.THERAPIST, {})]),
    ("harbour.manager", "Hugo", "Ask", [("harbour", Role.CLINIC_MANAGER, {})]),
    ("canal.therapist", "Cleo", "Brink", [("canal", Role.THERAPIST, {})]),
    ("canal.manager", "Carl", "Falk", [("canal", Role.CLINIC_MANAGER, {})]),
    (
        "highland.oncall",
        "Hanna",
        "Moor",
        [
            ("highland", Role.CLINIC_MANAGER, {"on_call": True}),
            ("highland", Role.INTAKE_COORDINATOR, {}),
        ],
    ),
]
# What the three researchers are in the demo trial (research.demo), said beside their
# logins: all three hold the clinic's researcher role, and what each may see differs by
# the study role (the blinded assessor sees measures, not arms).
STUDY_ROLES = {
    "researcher": "; investigator of the CALM trial",
    "research.coordinator": "; research coordinator of the CALM trial",
    "blinded.assessor": "; blinded outcome assessor of the CALM trial",
}

# (e-mail local part, first, last, born, clinic slug, therapist local part or None, status)
PATIENTS = [
    ("patient", "Pia", "Larsson", dt.date(1990, 4, 12), "riverside", "therapist", "active"),
    ("patient2", "Olle", "Nilsson", dt.date(1985, 9, 3), "riverside", "therapist", "active"),
    ("patient3", "Elin", "Karlsson", dt.date(2001, 1, 20), "riverside", "therapist2", "active"),
    ("patient4", "Nils", "Persson", dt.date(1978, 6, 30), "riverside", None, "intake"),
    ("patient5", "Greta", "Olsson", dt.date(1995, 11, 8), "fjordside", "fjord.therapist", "active"),
    (
        "patient6",
        "Johan",
        "Svensson",
        dt.date(1969, 2, 14),
        "harbour",
        "harbour.therapist",
        "active",
    ),
    ("patient7", "Lisa", "Gustafsson", dt.date(1999, 7, 1), "canal", "canal.therapist", "active"),
    ("patient8", "Karl", "Jonsson", dt.date(1988, 3, 25), "highland", None, "active"),
    # Finished treatment ten days ago: the course, safety plan and follow-ups after the end.
    ("patient9", "Vera", "Lund", dt.date(1983, 5, 17), "harbour", "harbour.therapist", "ended"),
    # Another Olle Nilsson in the same therapist's caseload, just started: each list tells
    # the two apart by their dates of birth (decision 0128).
    ("patient10", "Olle", "Nilsson", dt.date(1992, 6, 14), "riverside", "therapist", "active"),
    # Moved to Bergen while her course at Riverside is still open: referred to Fjordside,
    # she has two open courses at once (``_referred_while_open``, decision 0158).
    ("patient11", "Ebba", "Sandberg", dt.date(1994, 2, 9), "riverside", "therapist2", "active"),
]
# The GP of the patients who agreed to letters to them: Pia's course has its "treatment
# started" letter, Vera's ended course its "treatment ended" one (written by the ending),
# so the letters page, the record's FHIR document and Bulk Data show letters.
GPS = {
    "patient": {
        "gp_name": "Dr Anna Berg",
        "gp_practice": "Demo Health Centre",
        "gp_email": "gp.berg@demo-health.invalid",
        "letters_to_gp": True,
    },
    "patient9": {
        "gp_name": "Dr Jens Holm",
        "gp_practice": "Demo Lægehus",
        "gp_email": "gp.holm@demo-health.invalid",
        "letters_to_gp": True,
    },
}


# Each demo patient uses Tessera in their clinic's first language (so the Norwegian,
# Danish, Dutch and Scottish clinics' patients see their own), except the first demo
# patient, who reads English for the demo's English-speaking visitors.
LANGUAGE_OF = {"patient": "en"}

# Every demo clinic asks for PHQ-9 and GAD-7 before treatment, weekly, and after.
MEASURES = [(code, point) for code in ("PHQ-9", "GAD-7") for point in ("pre", "weekly", "post")]
# The first demo patient is four weeks in, with these (PHQ-9, GAD-7) totals so far.
HISTORY = [
    [2, 2, 3, 2, 2, 1, 2, 1, 0],  # PHQ-9 answers, before treatment: 15
    [2, 2, 2, 1, 2, 1, 1, 1, 0],  # week 1: 12
    [1, 2, 1, 1, 1, 1, 1, 1, 0],  # week 2: 9
    [1, 1, 1, 1, 1, 0, 1, 1, 0],  # week 3: 7
]
GAD_HISTORY = [
    [2, 2, 2, 1, 1, 2, 2],
    [2, 1, 2, 1, 1, 1, 2],
    [1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 0, 1, 1, 0],
]


def _schedule(clinic) -> None:
    screening = [(code, "screening") for code in SCREENING.get(clinic.slug, [])]
    for code, point in screening + MEASURES:
        if not MeasureRule.objects.filter(
            clinic=clinic, instrument=code, time_point=point
        ).exists():
            schedule_actions.do_add_measure_rule(
                clinic, acting_user=None, instrument=code, time_point=point
            )


def _on_call_rota(clinics, staff) -> None:
    """The on-call rota (tessera.core.on_call): the self-help service covers its working
    hours (unguided care must); Riverside has one therapist on call on weekdays, and its
    manager is the fallback at other hours. The clinic pages show the check."""
    for slug, local, phone in [
        ("highland", "highland.oncall", "+447700900001"),
        ("riverside", "therapist2", "+46700000002"),
    ]:
        if not OnCallShift.objects.filter(clinic=clinics[slug]).exists():
            actions.do_add_on_call_shifts(
                clinics[slug],
                acting_user=None,
                user=staff[local],
                weekdays=[1, 2, 3, 4, 5],
                starts_hour=8,
                ends_hour=16,
                mobile_phone=phone,
            )


def _staff_leave(clinics, staff) -> None:
    """Harbour's therapist is on leave this week, her manager covering (decision 0146):
    the staff page says "On leave until …", and her patients' risk alerts go to him."""
    clinic = clinics["harbour"]
    if StaffLeave.objects.filter(clinic=clinic).exists():
        return
    today = clinic_today(clinic)
    actions.do_record_leave(
        clinic,
        acting_user=staff["harbour.manager"],
        user=staff["harbour.therapist"],
        first_day=today - dt.timedelta(days=2),
        last_day=today + dt.timedelta(days=5),
        cover=staff["harbour.manager"],
    )


def _rate_limits(clinics, staff) -> None:
    """Riverside's manager has set the clinic's own limit for the referral form (10 an
    hour, under the default 20): Clinic settings, "Rate limits" (issue 13)."""
    if not clinics["riverside"].rate_limits:
        actions.do_set_clinic_rate_limits(
            clinics["riverside"], acting_user=staff["manager"], limits={"referral_form": 10}
        )


@transaction.atomic
def seed() -> list[Login]:
    """Every demo, in one transaction. The outcome table (kept up to date from the saves,
    ``tessera.reports``) is written once per episode when the last demo is done, not once
    per action: the same rows as at commit, the only time they were written before
    (decision 0034)."""
    with deferred():
        return _seed()


def _seed() -> list[Login]:
    region = Region.objects.filter(name="Demo Health Region").first()
    if region is None:
        region = actions.do_create_region(name="Demo Health Region", country="SE")
    clinics = {}
    for spec in CLINICS:
        clinic = Clinic.objects.filter(slug=spec["slug"]).first()
        if clinic is None:
            defaults = {
                "country": "SE",
                "languages": ["sv", "en"],
                "time_zone": "Europe/Stockholm",
                "crisis_contacts": SWEDISH_CRISIS,
            }
            clinic = actions.do_create_clinic(region=region, **(defaults | spec))
        clinics[spec["slug"]] = clinic
    for clinic in clinics.values():
        _schedule(clinic)
    logins = []
    admin, _ = demo_user("region.admin", "Rolf", "Granström")
    actions.do_make_region_admin(admin, region)
    second_factor(admin)
    logins.append(Login(admin.email, "Region administrator", True))
    staff = {}
    for local, first, last, grants in STAFF:
        user, _ = demo_user(local, first, last)
        for slug, role, extra in grants:
            actions.do_grant_role(user, clinics[slug], role, **extra)
        second_factor(user)
        staff[local] = user
        roles = ", ".join(f"{Role(r).label} ({clinics[s].name})" for s, r, _e in grants)
        logins.append(Login(user.email, roles + STUDY_ROLES.get(local, ""), True))
    _on_call_rota(clinics, staff)
    _staff_leave(clinics, staff)
    _rate_limits(clinics, staff)
    for folder in sample_directories():
        do_import_package(zip_directory(folder), region=region, acting_user=staff["author"])
    _translation_in_progress(region, staff["author"])
    intake_demo.publish_consents(clinics.values())
    patients = {}
    for local, first, last, born, slug, therapist, status in PATIENTS:
        user, created = demo_user(local, first, last)
        if created or not Patient.objects.filter(user=user).exists():
            if local in INTAKE:
                _admitted(local, user, clinics[slug], staff, born, therapist, status)
            else:
                _created(local, user, clinics[slug], staff, born, therapist, status)
        patients[local] = Patient.objects.get(user=user)
        logins.append(Login(user.email, f"Patient ({clinics[slug].name})", False))
    _referred_while_open(patients["patient11"], clinics["fjordside"], staff)
    _extend(DemoContext(region, clinics, staff, patients, logins))
    return logins


# Riverside's word to the patient with two open courses, in the course still open there.
WHILE_OPEN = (
    "I hear you have moved to Bergen and that Fjordside will see you there. Your course "
    "with us stays open until we have talked: write here whenever it suits you."
)
WHILE_OPEN_KEY = uuid.UUID("6f1d0b0e-3c1e-4c57-9d55-0158a0000001")


def _referred_while_open(patient, clinic, staff) -> None:
    """A second open course at another clinic while the first is still open (two at
    once, decision 0158): Fjordside's course started with its plan, and a word from
    Riverside's therapist waiting in the first. Safe to run twice."""
    first = patient.episodes.get() if patient.episodes.count() == 1 else None
    if first is None:
        return
    therapist = staff["fjord.therapist"]
    episode = do_open_episode(patient, clinic, status="intake", therapist=therapist)
    _start(episode, with_history=False)
    _plan(episode, "depression-ba", therapist, False)
    message_actions.do_send_message(
        first, acting_user=first.therapist, body=WHILE_OPEN, submission_key=WHILE_OPEN_KEY
    )


def _created(local, user, clinic, staff, born, therapist, status) -> None:
    """A demo patient made by hand, without an application: the one still in intake, and
    the self-help course (started when the demo is seeded)."""
    patient = actions.do_create_patient(
        user=user,
        clinic=clinic,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=born,
        email=user.email,
        preferred_language=LANGUAGE_OF.get(local, clinic.languages[0]),
        **GPS.get(local, {}),
    )
    episode = do_open_episode(
        patient,
        clinic,
        status="intake",
        therapist=staff.get(therapist) if therapist else None,
        care_model="unguided" if clinic.slug == "highland" else "guided",
    )
    if status in ("active", "ended"):
        # A course that has ended began weeks before its end (ten days ago).
        _start(
            episode,
            with_history=(local == "patient"),
            weeks_ago=ENDED_COURSE_WEEKS if status == "ended" else BEGUN.get(local, 0),
        )
        _plan(episode, PLANS.get(local), staff.get(therapist), local == "patient")
        _started_letter(episode, local, status)
    if status == "ended":
        _ended(episode, staff[therapist])


# How each named patient in treatment came in (decision 0133): the route (their own
# self-referral, or their GP's referral), the screening's answers (PHQ-9, GAD-7), the
# assessment's working diagnoses and notes, and the days from sending the application
# and from the assessment to the course's first day (most waited under a week on the
# list: a therapist had a place). The screening is older than the fortnight in which it
# would stand in for the answers before treatment, so each course asks for them as
# before.
ASSESSORS = {
    "riverside": "assessor",
    "fjordside": "fjord.manager",
    "harbour": "harbour.manager",
    "canal": "canal.manager",
}
INTAKE = {
    "patient": {
        "phq": [2, 2, 3, 2, 2, 2, 2, 1, 0],
        "gad": [2, 2, 2, 1, 2, 2, 2],
        "diagnoses": ["F32.1"],
        "notes": "Low mood since the spring, after a move; sleeps badly, has pulled back "
        "from friends. Working full time. Motivated for online treatment.",
        "days": (30, 9),
    },
    "patient2": {
        "phq": [2, 2, 2, 1, 2, 1, 1, 2, 0],
        "gad": [1, 1, 1, 1, 1, 1, 1],
        "diagnoses": ["F33.1"],
        "notes": "Third period of depression in ten years; the last treated with "
        "medication by his GP. Wants to learn ways to stop the next.",
        "days": (38, 6),
    },
    "patient3": {
        "phq": [1, 1, 1, 1, 1, 1, 1, 0, 0],
        "gad": [2, 2, 2, 1, 2, 1, 2],
        "diagnoses": ["F41.0"],
        "notes": "Panic attacks for a year, now avoids the underground and crowded "
        "lectures. No other anxiety disorder found.",
        "days": (33, 5),
    },
    "patient10": {
        "phq": [1, 2, 1, 1, 1, 1, 1, 1, 0],
        "gad": [1, 1, 1, 1, 0, 1, 1],
        "diagnoses": ["F32.0"],
        "notes": "Mild low mood for some months after a separation; still working and "
        "seeing friends. Prefers to work on it online.",
        "days": (30, 4),
    },
    "patient5": {
        "phq": [2, 2, 2, 2, 1, 2, 1, 1, 0],
        "gad": [2, 1, 2, 1, 1, 1, 1],
        "diagnoses": ["F32.1"],
        "notes": "Low mood and tiredness for four months; sleeping poorly. The referral "
        "and the screening agree. No risk found.",
        "days": (36, 6),
        "gp": ("Dr Kari Lie", "Bryggen Legekontor"),
    },
    "patient6": {
        "phq": [2, 1, 2, 1, 1, 1, 1, 1, 0],
        "gad": [2, 2, 2, 1, 2, 1, 2],
        "diagnoses": ["F41.2"],
        "notes": "Worry and low mood together for most of a year, since his job changed; "
        "neither stands out. The transdiagnostic programme suits.",
        "days": (34, 5),
    },
    "patient7": {
        "phq": [2, 2, 1, 2, 1, 2, 1, 1, 0],
        "gad": [1, 1, 2, 1, 1, 1, 1],
        "diagnoses": ["F32.1"],
        "notes": "Low mood since her studies began; wants sessions with a therapist "
        "beside the online modules.",
        "days": (35, 16),
        "gp": ("Dr Sanne de Vries", "Huisartsenpraktijk Grachten"),
    },
    "patient11": {
        "phq": [2, 1, 2, 1, 2, 1, 1, 1, 0],
        "gad": [1, 2, 1, 1, 1, 1, 1],
        "diagnoses": ["F32.1"],
        "notes": "Low mood since the winter; a move to Bergen for work is planned. Wants "
        "to start now and go on from there.",
        "days": (40, 5),
    },
    "patient9": {
        "phq": [2, 2, 2, 2, 2, 1, 2, 1, 0],
        "gad": [2, 1, 2, 1, 1, 1, 1],
        "diagnoses": ["F33.1", "F41.1"],
        "notes": "Second period of depression, with worry most days. Referred by her GP; "
        "agrees to letters to him.",
        "days": (37, 18),
    },
}
# The GP who refers a patient whose letters go to their GP (``GPS``): the referral
# carries the GP's details to the patient's record, as intake copies them.
REFERRED_BY_GP = {"patient9"}


def _referral(local: str, clinic) -> dict | None:
    spec = INTAKE[local]
    if local in GPS and local in REFERRED_BY_GP:
        gp = GPS[local]
        name, practice, email = gp["gp_name"], gp["gp_practice"], gp["gp_email"]
    elif "gp" in spec:
        name, practice = spec["gp"]
        email = "referrals@practice.example.invalid"
    else:
        return None
    if not clinic.accepts_professional_referral:
        return None
    return {
        "referrer_name": name,
        "organisation": practice,
        "role": "GP",
        "phone": "+46 8 123 456",
        "secure_email": email,
        "reason": "Low mood for some months; would like online treatment.",
        "consent_to_letters": True,
    }


def _admitted(local, user, clinic, staff, born, therapist, status) -> None:
    """A named patient in treatment: their application, screening, assessment and
    admission through intake's actions (``intake.demo.admit``), then the course started
    on its day as before, and the application dated back before it."""
    spec = INTAKE[local]
    application = intake_demo.admit(
        clinic,
        user,
        born=born,
        language=LANGUAGE_OF.get(local, clinic.languages[0]),
        screening={"PHQ-9": spec["phq"], "GAD-7": spec["gad"]},
        assessor=staff[ASSESSORS[clinic.slug]],
        assessment={
            "notes": spec["notes"],
            "diagnoses": spec["diagnoses"],
            "risk_level": "low",
            "risk_note": "No thoughts of self-harm; knows where to turn if that changes.",
        },
        programme_key=PLANS[local],
        therapist=staff[therapist],
        referral=_referral(local, clinic),
    )
    patient, episode = application.patient, application.episode
    if local in GPS and not patient.gp_name:
        # Named at the assessment: the GP of a self-referral, for the letters.
        actions.do_update_patient_details(
            patient, acting_user=staff[ASSESSORS[clinic.slug]], clinic=clinic, **GPS[local]
        )
    # The therapist has met them: no "new patient" row left in the inbox.
    do_note_therapist_first_look(episode, acting_user=staff[therapist])
    weeks = ENDED_COURSE_WEEKS if status == "ended" else BEGUN.get(local, 0)
    _start(episode, with_history=(local == "patient"), weeks_ago=weeks)
    episode.refresh_from_db()
    applied, assessed = spec["days"]
    intake_demo.dated_admission(
        application, start=episode.started_on, applied=applied, assessed=assessed
    )
    _plan(episode, PLANS.get(local), staff.get(therapist), local == "patient")
    if local in SAFETY_PLANS:
        do_save_safety_plan(
            episode, acting_user=staff[therapist], parts=SAFETY_PLANS[local], based_on=0
        )
    _started_letter(episode, local, status)
    if status == "ended":
        _ended(episode, staff[therapist])


# The first demo patient's safety plan, written with her therapist in the first weeks:
# the link at the top of her every page opened "Your safety plan is still empty" four
# weeks into her course (decision 0133).
SAFETY_PLANS = {
    "patient": {
        "warning_signs": "I cancel plans, stop answering messages and lie awake after 3 am.",
        "coping": "A walk round the lake, a shower, writing down what I am thinking.",
        "distraction": "My sister's kitchen; the climbing gym on Tuesdays.",
        "people": "My sister Anna; my friend Jonas.",
        "professionals": "Tove at the clinic (messages); my GP, Dr Anna Berg; 112 in an emergency.",
        "environment": "Ask Anna to keep the sleeping tablets at hers.",
    },
}


# Demos of the apps beside the portal in the top layer, which it may not import: named by
# dotted path and imported when the demo runs (as the portal's SIBLING_SECTIONS).
SIBLING_DEMOS = ["tessera.research.demo", "tessera.reports.demo"]


def _extend(context: DemoContext) -> None:
    for app_demo in APP_DEMOS + [import_module(name) for name in SIBLING_DEMOS]:
        app_demo.seed(context)


def _translation_in_progress(region, author) -> None:
    """The library shows a translation being written: the author has chosen "Add
    translation" (Danish) on the insomnia programme's first module, a draft copy still
    to translate (docs/decisions, translations written in the library)."""
    module = Module.objects.filter(region=region, key="sleep-1-how-sleep-works").first()
    if module is None or module.translations.exists():
        return
    do_create_module_translation(module, acting_user=author, language="da")


# Which sample programme each demo patient works through. The Norwegian, Danish and Dutch
# patients of depression-ba get every module in their language (translations in the
# package: our own, for the clinics to review; tessera/programs/translations.py).
PLANS = {
    "patient": "depression-ba",
    "patient2": "depression-ba",
    "patient10": "depression-ba",
    "patient3": "panic",
    "patient5": "depression-ba",
    "patient6": "transdiagnostic",
    "patient7": "depression-ba",
    "patient8": "insomnia",
    "patient9": "depression-ba",
    "patient11": "depression-ba",
}


# The ended course's safety plan, as the patient wrote it with their therapist: in the
# patient's language (the page marks it as theirs, decision 0118), English otherwise.
ENDED_SAFETY_PLAN = {
    "en": {
        "warning_signs": "I stop answering friends and stay in bed in the afternoon.",
        "coping": "A walk by the water, music, a shower.",
        "people": "My sister Anna.",
    },
    "da": {
        "warning_signs": "Jeg holder op med at svare mine venner og bliver i sengen om "
        "eftermiddagen.",
        "coping": "En gåtur ved vandet, musik, et brusebad.",
        "people": "Min søster Anna.",
    },
}


def _ended(episode, therapist) -> None:
    """Ten days after the end: still writing, reading for a year, safety plan kept."""
    language = episode.patient.preferred_language
    do_save_safety_plan(
        episode,
        acting_user=therapist,
        parts=ENDED_SAFETY_PLAN.get(language, ENDED_SAFETY_PLAN["en"]),
        based_on=0,
    )
    do_end_episode(
        episode,
        acting_user=therapist,
        reason="completed",
        ended_on=plans.clinic_today(episode.clinic) - dt.timedelta(days=10),
    )


def _plan(episode, programme_key, therapist, with_work: bool) -> None:
    if programme_key is None:
        return
    version = (
        ProgrammeVersion.objects.filter(programme__key=programme_key, status="published")
        .order_by("-number")
        .first()
    )
    if version is None:
        return
    plan_actions.do_seed_plan(
        episode, version, acting_user=therapist, reason="Demo: matches the assessment"
    )
    if not with_work:
        return
    # The first demo patient has finished two modules and written in a worksheet.
    entries = list(episode.plan.order_by("position")[:2])
    for entry in entries:
        plan_actions.record_step_seen(entry, 1)
        plan_actions.do_complete_module(entry, acting_user=episode.patient.user)
    step = entries[-1].module_version.steps.exclude(fields=[]).first()
    if step is not None:
        values = {f["key"]: "" for f in step.fields}
        first = step.fields[0]
        if first.get("type") in ("text", "longtext"):
            values[first["key"]] = "Went for a walk with my sister on Sunday. Felt a bit lighter."
        plan_actions.do_submit_worksheet(
            entries[-1], step, values, acting_user=episode.patient.user
        )


# The ended demo course ran this many weeks, to ten days ago (``_ended``).
ENDED_COURSE_WEEKS = 9
# Courses begun before the demo was seeded, in weeks: the blended patient at Canal had a
# session with her therapist last week (``appointments.demo``).
BEGUN = {"patient7": 2, "patient11": 3}


def _started_letter(episode, local: str, status: str) -> None:
    """The "treatment started" letter to the GP of a patient in treatment who agreed to
    letters (``GPS``), as the therapist writes it from the letters page."""
    if status == "active" and local in GPS:
        letters.do_write_letter(episode, "started")


def _start(episode, *, with_history: bool, weeks_ago: int = 0) -> None:
    # Today where the clinic is, as the action's own default: the server's date differs
    # for an hour a day (Stockholm against a Scottish clinic), and a plan started on the
    # server's tomorrow would keep its first module closed until the clinic's midnight.
    today = plans.clinic_today(episode.clinic)
    start = today - dt.timedelta(weeks=4 if with_history else weeks_ago)
    treatment.do_start_treatment(episode, start_on=start)
    if start < today:
        opened_before(episode, start)
    if not with_history:
        return
    for week, (phq, gad) in enumerate(zip(HISTORY, GAD_HISTORY, strict=True)):
        for code, answers in (("PHQ-9", phq), ("GAD-7", gad)):
            due = DueMeasure.objects.get(
                episode=episode,
                instrument=code,
                time_point="pre" if week == 0 else "weekly",
                sequence=0 if week == 0 else week - 1,
            )
            treatment.do_submit_response(
                due,
                dict(enumerate(answers, start=1)),
                acting_user=episode.patient.user,
                submission_key=uuid.uuid4(),
                language="en",
                submitted_at=due.due_at + dt.timedelta(hours=19),
            )


def describe_logins(logins: list[Login]) -> str:
    width = max(len(login.email) for login in logins)
    lines = [
        "",
        "Tessera demo is ready at http://127.0.0.1:8000/",
        f"Every account's password: {DEMO_PASSWORD}",
        f"Staff second factor (TOTP): add the secret {DEMO_TOTP_SECRET} to an authenticator",
        "app, or print the current code with: TESSERA_DEBUG=1 .venv/bin/python manage.py demo_totp",
        "",
    ]
    for login in logins:
        lines.append(f"  {login.email.ljust(width)}  {login.who}")
    lines.append("")
    return "\n".join(lines)
