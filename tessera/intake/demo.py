"""Intake demo: consent texts for every clinic; at riverside (self-referral) seven sent
applications in different states, one of them urgent, one with a message from the
applicant waiting for the intake team and two assessed onto the waiting list; at
fjordside one professional referral. Built through the real actions; safe to run again."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from tessera.core.demo import Login, demo_user
from tessera.core.models import Episode
from tessera.letters.models import Letter

from . import actions
from .actions import apply as apply_actions
from .models import (
    Application,
    Assessment,
    ConsentText,
    Referral,
    ScreeningAnswer,
    Source,
    Status,
    TriageAction,
)
from .screening import screening_set

CONSENT = {
    "en": (
        "We keep what you tell us in your application to decide whether our treatment "
        "suits you. Only the clinic's intake staff and assessors read it. You can ask us "
        "to see or delete it at any time. If you are accepted, it becomes part of your "
        "health record."
    ),
    "sv": (
        "Vi sparar det du berättar i din ansökan för att avgöra om vår behandling passar "
        "dig. Bara mottagningens intagspersonal och bedömare läser den. Du kan när som "
        "helst be att få se eller radera den. Om du antas blir den en del av din journal."
    ),
    # Our own translations of the demo text (issue 17), for the Norwegian, Danish and
    # Dutch demo clinics; a real clinic writes and reviews its own.
    "nb": (
        "Vi tar vare på det du forteller oss i søknaden din for å vurdere om behandlingen "
        "vår passer for deg. Bare klinikkens inntakspersonale og vurderere leser den. Du "
        "kan når som helst be om å få se den eller få den slettet. Hvis du blir tatt inn, "
        "blir den en del av journalen din."
    ),
    "da": (
        "Vi gemmer det, du fortæller os i din ansøgning, for at vurdere, om vores "
        "behandling passer til dig. Kun klinikkens visitationspersonale og vurderende "
        "behandlere læser den. Du kan til enhver tid bede om at se den eller få den "
        "slettet. Hvis du bliver optaget, bliver den en del af din journal."
    ),
    "nl": (
        "We bewaren wat je ons in je aanmelding vertelt om te beoordelen of onze "
        "behandeling bij je past. Alleen de intakemedewerkers en beoordelaars van de "
        "kliniek lezen het. Je kunt op elk moment vragen om het in te zien of te laten "
        "verwijderen. Als je wordt aangenomen, wordt het onderdeel van je dossier."
    ),
}

# (e-mail local part, first, last, born, PHQ-9 answers, GAD-7 answers, what happens next)
APPLICANTS = [
    ("applicant1", "Alma", "Ström", dt.date(1992, 3, 14), [2, 2, 1, 2, 1, 2, 1, 1, 2], 2, "urgent"),
    ("applicant2", "Bo", "Lund", dt.date(1987, 7, 2), [1, 1, 2, 1, 1, 1, 1, 0, 0], 1, "sent"),
    ("applicant3", "Cecilia", "Ek", dt.date(1979, 11, 30), [2, 2, 2, 2, 1, 1, 1, 1, 0], 2, "info"),
    ("applicant4", "David", "Sjö", dt.date(2000, 1, 9), [1, 2, 1, 1, 2, 1, 1, 0, 0], 1, "book"),
    ("applicant5", "Bo", "Lund", dt.date(1987, 7, 2), [1, 1, 1, 1, 1, 1, 1, 0, 0], 1, "dup"),
    # Assessed and put on the waiting list: the clinic's list shows them in order, each
    # with an expected start from the clinic's pace; each sees their place from home.
    ("applicant6", "Elin", "Vik", dt.date(1995, 9, 18), [2, 1, 2, 1, 1, 2, 1, 0, 0], 2, "wait"),
    ("applicant7", "Filip", "Rask", dt.date(1969, 4, 4), [1, 2, 2, 1, 2, 1, 0, 1, 0], 2, "wait"),
]

# How long ago each waiting applicant applied and was put on the list, in days: a list
# where everyone joined on the day the demo was seeded shows no order and no wait.
WAITED = {"applicant6": (33, 19), "applicant7": (21, 8)}


def publish_consents(clinics) -> None:
    """Every demo clinic's consent text in each of its languages (the portal's demo calls
    this before its patients apply: ``admit``)."""
    for clinic in clinics:
        for language in clinic.languages:
            if (
                language in CONSENT
                and not ConsentText.objects.filter(clinic=clinic, language=language).exists()
            ):
                apply_actions.do_publish_consent_text(
                    clinic, language=language, text=CONSENT[language]
                )


def _apply(clinic, user, born, phq, gad) -> Application:
    """A waiting applicant's self-referral, sent with their PHQ-9 answers and one answer
    to every GAD-7 item (Riverside screens with these two only)."""
    return self_referred(
        clinic, user, born=born, language="sv", screening={"PHQ-9": phq, "GAD-7": [gad] * 7}
    )


def _next(application, what: str, ctx) -> None:
    coordinator = ctx.staff["intake"]
    if what == "info":
        actions.do_ask_for_information(
            application,
            acting_user=coordinator,
            message="Are you in touch with any other care service at the moment?",
        )
        # The applicant answers from the status page (issue 14): unread in the queue.
        actions.do_write_to_clinic(
            application,
            acting_user=application.applicant,
            body="Only my GP, every few months. I am not in touch with anyone else.",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-answer-{application.pk}"),
        )
    elif what == "wait":
        # Assessed as suited to the depression programme, but the clinic's therapists are
        # full: on the waiting list, no therapist yet.
        actions.do_assess(
            application,
            acting_user=ctx.staff["assessor"],
            notes="Low mood and worry for most of a year; working full time.",
            diagnoses=["F32.1"],
            risk_level="low",
            risk_note="No thoughts of self-harm; knows where to turn if that changes.",
            decision="wait",
            programme_version=_programme(application.clinic, "depression-ba"),
            care_model="guided",
        )
    elif what == "book":
        starts = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
        actions.do_book_assessment(
            application,
            acting_user=coordinator,
            mode="video",
            starts_at=starts + dt.timedelta(days=3),
            assessor=ctx.staff["assessor"],
            where="https://video.example.invalid/room/demo",
        )


def _dated_back(application, applied: int, decided: int) -> None:
    """Move a waiting application's steps back to when they would have happened: sent
    ``applied`` days ago (at 10:00), triaged the next day, assessed and put on the list
    ``decided`` days ago (at 14:00). A test-data update, not an action, as the history
    does (decision 0113): the intake actions date every step when it is taken, and the
    audit trail keeps the day of seeding."""
    now = timezone.localtime()
    sent = (now - dt.timedelta(days=applied)).replace(hour=10, minute=0, second=0, microsecond=0)
    assessed = (now - dt.timedelta(days=decided)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    _dated_steps(application, sent, assessed)
    ScreeningAnswer.objects.filter(application=application).update(
        submitted_at=sent - dt.timedelta(minutes=5)
    )
    Episode.objects.filter(pk=application.episode_id).update(created_at=assessed)


def _dated_steps(application, sent: dt.datetime, decided: dt.datetime, **more) -> None:
    """The application's steps dated from the moment it was ``sent`` (begun, consent and
    screening just before, triaged the next day) to the assessment and decision at
    ``decided``, with its triage actions and letters; ``more``: other columns of it."""
    Application.objects.filter(pk=application.pk).update(
        created_at=sent - dt.timedelta(minutes=25),
        consent_accepted_at=sent - dt.timedelta(minutes=24),
        screened_at=sent - dt.timedelta(minutes=5),
        submitted_at=sent,
        triaged_at=sent + dt.timedelta(days=1),
        assessed_at=decided,
        decided_at=decided,
        **more,
    )
    Assessment.objects.filter(application=application).update(assessed_at=decided)
    TriageAction.objects.filter(application=application).update(at=decided)
    Letter.objects.filter(application=application).update(created_at=decided)


def _programme(clinic, key: str):
    """The clinic's published version of the programme ``key``, else its first choice."""
    choices = list(actions.programme_choices(clinic))
    return next((v for v in choices if v.programme.key == key), choices[0])


def _riverside(ctx) -> None:
    clinic = ctx.clinics["riverside"]
    for local, first, last, born, phq, gad, what in APPLICANTS:
        user, _created = demo_user(local, first, last)
        if not Application.objects.filter(clinic=clinic, applicant=user).exists():
            if set(_screening_codes(clinic)) - {"PHQ-9", "GAD-7"}:
                continue  # a clinic screening set the demo cannot answer
            application = _apply(clinic, user, born, phq, gad)
            _next(application, what, ctx)
            if local in WAITED:
                _dated_back(application, *WAITED[local])
        ctx.logins.append(Login(user.email, f"Applicant ({clinic.name})", False))


def _screening_codes(clinic) -> list[str]:
    return screening_set(clinic)


def _fjordside(ctx) -> None:
    clinic = ctx.clinics["fjordside"]
    if Application.objects.filter(
        clinic=clinic, source=Source.PROFESSIONAL, first_name="Gustav", last_name="Holm"
    ).exists():
        return  # the demo patients' own referrals (``admit``) are older and closed
    apply_actions.do_refer(
        clinic,
        referral={
            "referrer_name": "Dr Eva Berg",
            "organisation": "Fjordside Health Centre",
            "role": "GP",
            "phone": "+46 8 123 456",
            "secure_email": "eva.berg@health.example.invalid",
            "reason": "Low mood for three months, sleeping poorly; would like online treatment.",
            "consent_to_letters": True,
        },
        person={
            "first_name": "Gustav",
            "last_name": "Holm",
            "date_of_birth": dt.date(1983, 5, 21),
            "email": "gustav.holm@demo.tessera.test",
            "language": "sv",
        },
    )


def seed(ctx) -> None:
    publish_consents(ctx.clinics.values())
    _riverside(ctx)
    _fjordside(ctx)


# The demo patients in treatment came in as anyone does (decision 0133): an application
# (a self-referral, or their GP's referral they then completed), the screening, an
# assessment with its working diagnoses, and the decision to admit them with a therapist
# and a programme. The portal's demo (``tessera.portal.demo``) calls ``admit`` for each
# and starts the course as before.
ITEMS = {"PHQ-9": 9, "GAD-7": 7, "AUDIT": 10}


def _screen(application, user, screening: dict[str, list[int]]) -> None:
    for code in application.screening_set:
        answers = screening.get(code) or [0] * ITEMS.get(code, 0)
        if answers:
            apply_actions.do_submit_screening(
                application,
                code,
                dict(enumerate(answers, start=1)),
                acting_user=user,
                language="en",
            )


def self_referred(clinic, user, *, born, language, screening) -> Application:
    """An application through the applicant's own steps: begun, consent, details,
    screening, sent."""
    application = apply_actions.do_start_application(clinic, applicant=user, language="en")
    apply_actions.do_accept_consent(
        application, ConsentText.current(clinic, "en"), acting_user=user
    )
    apply_actions.do_save_details(
        application,
        acting_user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=born,
        email=user.email,
        language=language,
    )
    _screen(application, user, screening)
    return apply_actions.do_submit_application(application, acting_user=user)


def _applied(clinic, user, *, born, language, referral, screening) -> Application:
    """A self-referral through the applicant's own steps, or a GP's referral that the
    person claims with their verified address and completes (consent, screening)."""
    if referral is None:
        return self_referred(clinic, user, born=born, language=language, screening=screening)
    application = apply_actions.do_refer(
        clinic,
        referral=referral,
        person={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_of_birth": born,
            "email": user.email,
            "language": language,
        },
    )
    application = apply_actions.do_claim_invitation(application, user=user)
    consent = ConsentText.current(clinic, language) or ConsentText.current(clinic, "en")
    apply_actions.do_accept_consent(application, consent, acting_user=user)
    _screen(application, user, screening)
    return Application.objects.get(pk=application.pk)


def admit(
    clinic,
    user,
    *,
    born: dt.date,
    language: str,
    screening: dict[str, list[int]],
    assessor,
    assessment: dict,
    programme_key: str,
    therapist=None,
    care_model: str = "guided",
    referral: dict | None = None,
) -> Application:
    """``user``'s application at ``clinic``, screened, assessed by ``assessor`` and
    admitted onto the waiting list with ``therapist`` and the programme: the Patient (the
    applicant's login linked) and the waiting Episode are intake's, as in the real flow.
    Dated back with ``dated_admission`` once the course's start is known."""
    application = _applied(
        clinic, user, born=born, language=language, referral=referral, screening=screening
    )
    actions.do_assess(
        application,
        acting_user=assessor,
        decision="wait",
        programme_version=_programme(clinic, programme_key),
        care_model=care_model,
        therapist=therapist,
        **assessment,
    )
    return Application.objects.select_related("patient", "episode").get(pk=application.pk)


def dated_admission(application, *, start: dt.date, applied: int, assessed: int) -> None:
    """The admitted application's steps moved back before the course's ``start``: sent
    ``applied`` days and assessed ``assessed`` days before it, then started from the
    waiting list on that day (at 09:00): status accepted, as starting from the list
    leaves it. A test-data update like ``_dated_back`` (decision 0113): the course is
    started with its own past date by the treatment action, which the list's start
    (today only) cannot give."""
    zone = timezone.get_current_timezone()
    began = dt.datetime.combine(start, dt.time(9), tzinfo=zone)
    sent = dt.datetime.combine(start - dt.timedelta(days=applied), dt.time(10), tzinfo=zone)
    decided = dt.datetime.combine(start - dt.timedelta(days=assessed), dt.time(14), tzinfo=zone)
    _dated_steps(application, sent, decided, started_at=began, status=Status.ACCEPTED)
    if application.source != Source.SELF:
        # A referral: sent by the GP, completed by the person two days later.
        Application.objects.filter(pk=application.pk).update(
            consent_accepted_at=sent + dt.timedelta(days=2),
            screened_at=sent + dt.timedelta(days=2, minutes=20),
        )
        Referral.objects.filter(application=application).update(created_at=sent)
    screened = Application.objects.values_list("screened_at", flat=True).get(pk=application.pk)
    ScreeningAnswer.objects.filter(application=application).update(submitted_at=screened)
    Letter.objects.filter(application=application, kind=Letter.Kind.RECEIVED).update(
        created_at=sent + dt.timedelta(minutes=5)
    )
    # Opened at the decision, as intake opens it (the portal's ``opened_before`` dated it
    # a week before the start, for courses that had no application).
    Episode.objects.filter(pk=application.episode_id).update(created_at=decided)
