"""Demo: a year of finished and unfinished courses at every demo clinic, so that the
outcome reports, the dashboard and the exports have something to show.

Each course is made through the real actions: a patient record (no account), an
episode, treatment started on a date in the past year, PHQ-9 and GAD-7 answered before
treatment, at mid-course and after it (dated when they would have been sent), attended
phone sessions, the therapist's time, and an ending (completed, dropped out, stepped
up). Riverside also asks
for PHQ-9 at 3 and 6 months after the end, answered by some. The numbers come from a
fixed random seed, so every demo is the same. Safe to run again: a clinic that has its
history already is left alone.

Every course follows one of the sample programmes (depression, transdiagnostic or panic;
its plan seeded as a therapist would), and courses that end have completed some of its
modules (most of them when the course was completed, a few when it was dropped), so the
dashboard's module adherence and the report's programme filter have something to show.

Every patient has a postal address in one of a few postcode areas of the clinic's
country (the dashboard's uptake area); a few have none. Courses that end answer the
NEQ-20 (adverse effects) where the clinic asks for it (Riverside and Fjordside). The
clinics that take professional referrals get a year of them from a handful of practices
(adoption by GPs), and every clinic declines or refers elsewhere a few applications
with a reason. Every course came through the clinic's intake: an accepted application
(self-referral, a GP's referral, or an electronic one, as the clinic takes them) sent and
assessed in the weeks before it began, so the dashboard's reach, waits and adoption by GPs
cover the year as its outcomes do.

Compromises: a session can be recorded only up to a month back (the appointments app
refuses older ones), so the sessions of old courses are dated in the last month; the
intake actions date an application when it is made, so the demo then moves the
referrals' sending dates back over the year (a test-data update, not an action); the
courses' applications are written as rows with their dates after the courses (the
intake's steps through the actions would each be dated today); modules
are completed through the action and then dated back into the course the same way. The
guided courses' weekly messages of the last weeks (``_course_messages``) are written as
rows with their dates too: the patients of the history have no login to send them with.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from tessera.appointments.actions import do_book_appointment, do_record_session
from tessera.appointments.models import Appointment
from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.demo import demo_user, opened_before
from tessera.core.models import Episode, Patient
from tessera.core.working_time import add_working_time
from tessera.intake.actions import apply as apply_actions
from tessera.intake.actions import triage as triage_actions
from tessera.intake.demo import self_referred
from tessera.intake.models import Application, Referral, Source, Status
from tessera.letters.actions import do_write_application_letter
from tessera.letters.models import Letter
from tessera.messaging import actions as messaging
from tessera.messaging.models import Message, MessageRead
from tessera.programs.models import ProgrammeVersion, Step
from tessera.treatment import actions as treatment
from tessera.treatment.actions import do_open_episode
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.actions import schedule as schedule_actions
from tessera.treatment.models import DueMeasure, MeasureRule, PlanEntry, WorksheetAnswer
from tessera.workload.actions import do_add_manual_time
from tessera.workload.clock import local_midnight, recent_weeks

from .ending import do_end_episode

# Courses per clinic and who treats them (a demo therapist, or None for unguided care).
COURSES = {
    "riverside": (48, ["therapist", "therapist2"]),
    "fjordside": (22, ["fjord.therapist"]),
    "harbour": (20, ["harbour.therapist"]),
    "canal": (18, ["canal.therapist"]),
    "highland": (16, [None]),
}
# Of those, the last ones at these clinics began in the last weeks (from 2 to 16 weeks
# back, their own random numbers): Harbour's and Canal's random years had ended before
# the dashboard's last 13 weeks, which then showed their reply times, online work and
# caseloads as nearly empty (decision 0117). A year's courses stay as many.
RECENT = {"harbour": 5, "canal": 4}
RECENT_DAYS = (14, 112)
YEAR_DAYS = (14, 365)
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Per", "Eva", "Jonas", "Sofia", "Mats"]
LAST_NAMES = ["Berg", "Lund", "Holm", "Sand", "Ström", "Dahl", "Falk", "Lind", "Ek", "Ros"]
# How much the PHQ-9 total moves from first to last score, and how often.
CHANGES = [-12, -10, -8, -6, -3, -1, 3, 7]
CHANGE_WEIGHTS = [15, 18, 18, 15, 12, 10, 8, 4]
NOTES = {"dropped_out": "Stopped replying", "stepped_up": "Referred to the psychiatric clinic"}
# Postcodes (with their towns) of a few areas per country, for the uptake area.
POSTCODES = {
    "SE": ["113 51 Stockholm", "116 45 Stockholm", "172 66 Sundbyberg", "752 20 Uppsala"],
    "NO": ["0154 Oslo", "0562 Oslo", "1337 Sandvika", "2000 Lillestrøm"],
    "DK": ["2200 København N", "2100 København Ø", "2800 Kongens Lyngby", "4000 Roskilde"],
    "NL": ["1012 LG Amsterdam", "1053 BK Amsterdam", "2011 HG Haarlem", "1181 AB Amstelveen"],
    "GB-SCT": ["Inverness IV2 3BW", "Inverness IV1 1QX", "Nairn IV12 4AU", "Aviemore PH22 1RH"],
}
STREETS = ["Storgatan", "Parkvägen", "Kyrkogatan", "Skolgatan", "Ringvägen"]
# The practices that refer to each clinic taking professional referrals (the first ones
# refer often, the last rarely), and the reasons some applications are turned away.
PRACTICES = {
    "fjordside": ["Fjordside Health Centre", "Bryggen Legekontor", "Sentrum Legesenter"],
    "harbour": ["Havnens Lægehus", "Nørrebro Lægecenter", "Lyngby Lægerne"],
    "canal": ["Huisartsenpraktijk Grachten", "Gezondheidscentrum Oost", "Praktijk De Pijp"],
    "highland": ["Riverside Medical Practice", "Nairn Healthcare Group", "Aviemore Medical"],
}
# How long the referrals still open in the queue have waited, in days: a clinic of about
# twenty courses a year has a few waiting, not fourteen sent in three weeks. Fjordside's
# oldest two are past the ten working days a Norwegian specialist service has to assess a
# referral in (pasient- og brukerrettighetsloven § 2-2): the queue shows them as
# waiting over two weeks (decision 0117).
OPEN_REFERRALS = {"fjordside": (3, 12, 17), "harbour": (3, 11), "canal": (6,), "highland": (2, 8)}
TURNED_AWAY = [
    ("decline", "Needs more intensive care than online treatment"),
    ("redirect", "Substance use needs treating first"),
    ("decline", "Needs more intensive care than online treatment"),
    ("redirect", "Lives outside the clinic's area"),
]
NEQ_CLINICS = {"riverside", "fjordside"}
# The sample programmes the history's courses follow, and how often.
PROGRAMMES = (["depression-ba", "transdiagnostic", "panic"], [5, 3, 2])
MANAGERS = {
    "riverside": "manager",
    "fjordside": "fjord.manager",
    "harbour": "harbour.manager",
    "canal": "canal.manager",
    "highland": "highland.oncall",
}


def _answers(total: int, items: int) -> dict[int, int]:
    """Answers of 0-3 adding up to total; PHQ-9's item 9 stays 0 (no risk alert)."""
    total = max(0, min(total, 3 * (items - 1) if items == 9 else 3 * items))
    values = []
    for _ in range(items):
        values.append(min(3, total))
        total -= values[-1]
    return dict(enumerate(values, start=1))


def _due(episode, code, point):
    """The first unanswered occasion of the measure at the time point, or None."""
    due = (
        DueMeasure.objects.filter(episode=episode, instrument=code, time_point=point)
        .select_related("episode__clinic", "episode__patient")
        .order_by("sequence")
        .first()
    )
    return None if due is None or due.completed_at is not None else due


def _submit(episode, code, total, point, when, answered: list) -> None:
    """Add the answers to ``answered``, the questionnaires the patient sent at one time
    (stored together by ``_send``)."""
    due = _due(episode, code, point)
    if due is not None:
        answered.append(
            treatment.PastAnswers(due, _answers(total, 9 if code == "PHQ-9" else 7), when, "sv")
        )


def _send(answered: list, acting_user) -> None:
    """Store the questionnaires answered at one time, scored and audited as one
    submission each (``do_submit_past_responses``: in bulk, which keeps the demo's
    seeding quick; decision 0034)."""
    treatment.do_submit_past_responses(answered, acting_user=acting_user)
    answered.clear()


def _address(clinic, number: int) -> str:
    """A made-up postal address in one of the country's demo areas (every eighth
    patient has none: the dashboard's "not known")."""
    rng = random.Random(f"tessera-demo-address-{clinic.slug}-{number}")
    if number % 8 == 7:
        return ""
    codes = POSTCODES.get(clinic.country, POSTCODES["SE"])
    code = rng.choices(codes, weights=[5, 3, 2, 1][: len(codes)])[0]
    return f"{rng.choice(STREETS)} {rng.randint(1, 60)}\n{code}"


def _submit_neq(episode, effects: int, when, answered: list) -> None:
    """The NEQ-20 at the end: ``effects`` of the 20 effects happened, each with an
    impact of 2 and caused by the treatment; the others did not (no impact asked)."""
    due = _due(episode, "NEQ-20", "post")
    if due is None:
        return
    answers = {}
    for item in range(1, 21):
        happened = item <= effects
        answers[item] = int(happened)
        if happened:
            answers[item + 20] = 2
            answers[item + 40] = 1
    answered.append(treatment.PastAnswers(due, answers, when, "sv"))


def _neq_rule(clinic) -> None:
    if not MeasureRule.objects.filter(clinic=clinic, instrument="NEQ-20", time_point="post"):
        schedule_actions.do_add_measure_rule(
            clinic, acting_user=None, instrument="NEQ-20", time_point="post"
        )


def _intake_history(ctx, clinic, today: dt.date) -> None:
    """A year of professional referrals from the clinic's practices, and a few
    applications turned away with a reason (declined by the therapist, or referred
    elsewhere)."""
    rng = random.Random(f"tessera-demo-intake-{clinic.slug}")
    practices = PRACTICES.get(clinic.slug, [])
    made = []
    if clinic.accepts_professional_referral:
        waited = OPEN_REFERRALS.get(clinic.slug, ())
        for number in range(len(TURNED_AWAY) + len(waited)):
            practice = rng.choices(practices, weights=[6, 3, 1])[0]
            application = apply_actions.do_refer(
                clinic,
                referral={
                    "referrer_name": f"Dr {rng.choice(LAST_NAMES)}",
                    "organisation": practice,
                    "role": "GP",
                    "phone": "+46 8 123 456",
                    "secure_email": "referrals@practice.example.invalid",
                    "reason": "Low mood and worry for some months; would like online treatment.",
                    "consent_to_letters": True,
                },
                person={
                    "first_name": rng.choice(FIRST_NAMES),
                    "last_name": rng.choice(LAST_NAMES),
                    "date_of_birth": dt.date(1970 + rng.randrange(30), 1 + rng.randrange(12), 1),
                    "language": "sv",
                },
            )
            made.append(application)
            days = rng.randrange(1, 365)
            if number >= len(TURNED_AWAY):
                # Still open in the queue, a few at the clinic's rate. A referral sent
                # in the spring and never triaged read "waiting 11 months".
                days = waited[number - len(TURNED_AWAY)]
            sent = dt.datetime.combine(
                today - dt.timedelta(days=days), dt.time(10), tzinfo=timezone.get_current_timezone()
            )
            # Created as it was sent: never sent before it was made.
            Application.objects.filter(pk=application.pk).update(
                submitted_at=sent, created_at=sent - dt.timedelta(minutes=20)
            )
    if not made:  # a clinic of self-referrals: people apply themselves
        made = [_self_application(clinic, rng, n) for n in range(len(TURNED_AWAY))]
    manager = ctx.staff[MANAGERS[clinic.slug]]  # intake roles and may decline
    for (kind, reason), application in zip(TURNED_AWAY, made, strict=False):
        if kind == "decline":
            triage_actions.do_decline(application, acting_user=manager, reason=reason)
        else:
            triage_actions.do_redirect(
                application,
                acting_user=manager,
                where="The local psychiatric outpatient clinic",
                reason=reason,
            )
        # Decided a few days after it was sent, not on the day the demo was seeded.
        sent = Application.objects.values_list("submitted_at", flat=True).get(pk=application.pk)
        if sent is not None and sent < timezone.now() - dt.timedelta(days=10):
            Application.objects.filter(pk=application.pk).update(
                decided_at=sent + dt.timedelta(days=3 + application.pk % 7)
            )


def _courses_applications(clinic) -> None:
    """The application behind each course of the history: sent, assessed and accepted
    before the course's first day, as the clinic takes them (self-referrals, GPs'
    referrals from its practices, some of them electronic). The dashboard's reach, routes,
    waits and adoption by GPs then cover the year, as the outcomes do; without them its
    applications were the last weeks' handful and its waits empty.

    Written as rows with their dates (the intake actions date every step when it is
    taken), after the courses: no audit events of their own, no e-mails; the referrers'
    receipts are written as letters dated the day of sending. Their own random numbers,
    so the courses stay as they were."""
    rng = random.Random(f"tessera-demo-accepted-{clinic.slug}")
    practices = PRACTICES.get(clinic.slug, [])
    zone = timezone.get_current_timezone()
    episodes = (
        Episode.objects.filter(
            clinic=clinic,
            patient__email__startswith="history",
            started_on__isnull=False,
        )
        .select_related("patient")
        .order_by("pk")
    )
    applications, referrals = [], []
    for episode in episodes:
        patient = episode.patient
        started = dt.datetime.combine(episode.started_on, dt.time(9), tzinfo=zone)
        assessed = started - dt.timedelta(days=rng.randint(3, 21), hours=rng.randrange(4))
        sent = assessed - dt.timedelta(days=rng.randint(4, 28), hours=rng.randrange(1, 6))
        professional = practices and clinic.accepts_professional_referral
        if professional and clinic.accepts_self_referral:
            professional = rng.random() < 0.45
        source = Source.SELF
        if professional:
            source = Source.FHIR if rng.random() < 0.25 else Source.PROFESSIONAL
        application = Application(
            clinic=clinic,
            source=source,
            first_name=patient.first_name,
            last_name=patient.last_name,
            date_of_birth=patient.date_of_birth,
            email=patient.email,
            language=patient.preferred_language,
            status=Status.ACCEPTED,
            submitted_at=sent,
            screened_at=sent if source == Source.SELF else None,
            triaged_at=sent + dt.timedelta(days=1),
            assessment_booked_at=sent + dt.timedelta(days=1, hours=2),
            assessed_at=assessed,
            decided_at=assessed,
            started_at=started,
            patient=patient,
            episode=episode,
        )
        applications.append(application)
        if professional:
            referrals.append(
                Referral(
                    application=application,
                    referrer_name=f"Dr {rng.choice(LAST_NAMES)}",
                    organisation=rng.choices(practices, weights=[6, 3, 1])[0],
                    role="GP",
                    phone="+46 8 123 456",
                    secure_email="referrals@practice.example.invalid",
                    reason="Low mood and worry for some months; would like online treatment.",
                    consent_to_letters=True,
                )
            )
    Application.objects.bulk_create(applications)
    for referral in referrals:
        referral.application_id = referral.application.pk
    Referral.objects.bulk_create(referrals)
    # Made as they were sent, not on the day of seeding.
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        created_at=F("submitted_at") - dt.timedelta(minutes=20)
    )
    for referral in referrals:
        application = referral.application
        sent = application.submitted_at
        Referral.objects.filter(pk=referral.pk).update(created_at=sent - dt.timedelta(minutes=20))
        # The referrer's receipt, dated the day it was sent (kept with the application,
        # not e-mailed again now).
        application.referral = referral
        letter = do_write_application_letter(
            application,
            Letter.Kind.RECEIVED,
            context={"today": timezone.localtime(sent).date()},
        )
        if letter is not None:
            Letter.objects.filter(pk=letter.pk).update(
                created_at=sent + dt.timedelta(minutes=5), sent_at=sent + dt.timedelta(minutes=6)
            )


def _self_application(clinic, rng: random.Random, number: int):
    """A self-referral sent through the applicant's own steps (PHQ-9 and GAD-7 answered
    without a risk answer), as the intake demo's applicants send theirs."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    user, _created = demo_user(f"turned.away{number}.{clinic.slug}", first, last)
    return self_referred(
        clinic,
        user,
        born=dt.date(1985, 3, 1 + number),
        language="sv",
        screening={
            code: list(_answers(8, items).values()) for code, items in (("PHQ-9", 9), ("GAD-7", 7))
        },
    )


REPLY_HOURS = [3, 20, 6, 75, 2, 9, 26, 4, 96, 7, 40, 5]  # one question a week, answered


def _reply_history(ctx) -> None:
    """A question a week from Riverside's demo patient since her course began (up to
    twelve), each answered by the therapist and read before the next question; the
    messages are then dated back a week each (a test-data update: messages are dated
    when sent)."""
    patient, therapist = ctx.patients.get("patient"), ctx.staff.get("therapist")
    if patient is None or therapist is None or patient.user is None:
        return
    episode = Episode.objects.filter(patient=patient, therapist=therapist).open().first()
    if episode is None:
        return
    now = timezone.now()
    for week, hours in enumerate(REPLY_HOURS, start=1):
        sent = now - dt.timedelta(weeks=week, hours=2)
        if episode.started_on and sent.date() < episode.started_on:
            # Her course began some weeks ago: her Messages showed questions from two
            # months before it (the service's weeks of replies are the history's courses').
            break
        asked = messaging.do_send_message(
            episode,
            acting_user=patient.user,
            body="A question about this week's exercise.",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-reply-q-{episode.pk}-{week}"),
        )
        answer = messaging.do_send_message(
            episode,
            acting_user=therapist,
            body="Thank you for asking. Try it once a day and tell me how it went.",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-reply-a-{episode.pk}-{week}"),
        )
        replied = sent + dt.timedelta(hours=hours)
        Message.objects.filter(pk=asked.pk).update(sent_at=sent, answered_at=replied)
        Message.objects.filter(pk=answer.pk).update(sent_at=replied)
        if week > 1:
            # Read before the next week's question: her home counted a dozen answers
            # "unread" from a patient who had gone on writing every week.
            messaging.do_mark_read([answer], reader=patient.user)
            MessageRead.objects.filter(message=answer, user=patient.user).update(
                read_at=replied + dt.timedelta(hours=5)
            )


# The weeks of messages the guided courses of the history write: the implementation
# dashboard's 13 (reports' REPLY_WEEKS), which cover workload's 9 (the team's pages).
MESSAGE_WEEKS = 13
QUESTIONS = [
    "I did the activity plan on three days this week. Is that enough, or should I aim for more?",
    "I found the thought record hard to fill in. Can I write less in the last column?",
    "The breathing exercise helped on Tuesday but not on Thursday. Is that normal?",
    "I missed a few days of the diary because of work. Should I start the module again?",
    "Could you explain what you meant by a safety behaviour in the last module?",
    "I went for the walks I planned. My mood was a little better afterwards.",
    "Is it all right to do this week's exercise in the evening instead of the morning?",
    "I read the module but have not started the worksheet yet. I will try this weekend.",
    "The exposure step felt too big. Can I choose a smaller one first?",
    "I noticed I avoid phone calls. Should I put that on my list?",
]
ANSWERS = [
    "Thank you for your message. That is a good start: keep to three days and add a fourth "
    "when it feels manageable.",
    "Yes, a few words are enough. What matters is noticing the thought and the feeling.",
    "That is quite normal. Keep practising it daily and note how it goes in your diary.",
    "No need to start again. Pick up where you left off and tell me how the week goes.",
    "Good question. I mean things we do to feel safe that keep the worry going. I have added "
    "an example to your module.",
    "Well done for going. Notice what helped and plan the walks for next week too.",
    "Of course. Choose the time that suits you best and try to keep it the same each day.",
    "That sounds like a good plan. Write to me after the weekend if anything is unclear.",
    "Yes, start with a smaller step and move up when it feels easier.",
    "Yes, please add it. We can work on it in the next module.",
]


def _course_span(clinic, episode, today: dt.date, now, zone):
    """Whether a history course has ended, and the span its patient writes in: from 08:00
    on its first day to its last afternoon (17:00) if it has ended, else to just now."""
    ended = episode.ended_on is not None and episode.ended_on < today
    end = (
        dt.datetime.combine(episode.ended_on, dt.time(17), tzinfo=zone)
        if ended
        else now - dt.timedelta(minutes=10)
    )
    start = local_midnight(clinic, episode.started_on) + dt.timedelta(hours=8)
    return ended, start, end


def _course_messages(clinic, today: dt.date) -> None:
    """The guided courses' conversations in the weeks the reply figures read: in most of
    a course's weeks its patient writes to the therapist once, and the therapist answers
    after some working hours (most within the clinic's target, some later; a very few
    of the last days still wait, only on courses still running). Without them the
    dashboard's reply times, and the team's workload, had only the demo patient's one
    question a week (decision 0114).

    Written as rows with their dates, after the courses (the patients of the history
    have no login, and the messaging action dates a message when it is sent; a patient's
    message needs no author: every page says "The patient" by ``from_patient``). No
    audit events, read receipts or notifications. Their own random numbers, so the rest
    of the demo stays as it was."""
    rng = random.Random(f"tessera-demo-messages-{clinic.slug}")
    now = timezone.now()
    first_monday = recent_weeks(clinic, now, MESSAGE_WEEKS)[-1]
    zone = ZoneInfo(clinic.time_zone)
    episodes = Episode.objects.filter(
        clinic=clinic,
        patient__email__startswith="history",
        therapist__isnull=False,
        started_on__isnull=False,
    ).order_by("pk")
    rows, waiting = [], 0
    for episode in episodes:
        ended, start, end = _course_span(clinic, episode, today, now, zone)
        monday = max(
            first_monday, episode.started_on - dt.timedelta(days=episode.started_on.weekday())
        )
        previous = start  # a question comes after the answer to the one before
        for week in range((end.date() - monday).days // 7 + 1):
            count = rng.choices([0, 1, 2], weights=[20, 55, 25])[0]  # some weeks none
            day = monday + dt.timedelta(weeks=week, days=rng.randrange(4 if count > 1 else 7))
            hour = dt.time(rng.randint(7, 21), rng.randrange(60))
            sent = dt.datetime.combine(day, hour, tzinfo=zone)
            for n in range(count):
                if n:
                    sent = previous + dt.timedelta(hours=rng.uniform(2, 48))
                if sent <= previous or sent >= end - dt.timedelta(hours=1):
                    continue
                answered = _answered(clinic, sent, end, rng)
                if answered is None:
                    if ended or waiting >= 2 or now - sent > dt.timedelta(days=4):
                        answered = sent + (end - sent) * rng.uniform(0.5, 0.95)
                    else:
                        waiting += 1  # still waiting for a reply, the course's last
                pick = rng.randrange(len(QUESTIONS))
                key = f"demo-course-message-{episode.pk}-{week}-{n}"
                rows.append(
                    Message(
                        episode=episode,
                        author=None,
                        from_patient=True,
                        body=QUESTIONS[pick],
                        sent_at=sent,
                        answered_at=answered,
                        submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"{key}-q"),
                    )
                )
                if answered is None:
                    break
                rows.append(
                    Message(
                        episode=episode,
                        author_id=episode.therapist_id,
                        body=ANSWERS[pick],
                        sent_at=answered,
                        submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"{key}-a"),
                    )
                )
                previous = answered
            else:
                continue
            break  # a question still waiting is the course's last
    Message.objects.bulk_create(rows)


# What the history's patients write in a worksheet's first text field, and the
# therapists' feedback quoting it.
WORKSHEET_TEXTS = [
    "I stayed in more than usual and stopped going to the choir.",
    "Went for a walk twice and called my brother on Sunday.",
    "Cleaning the kitchen was hard to start but I felt better afterwards.",
    "I put off replying to e-mails at work and worried about it all evening.",
    "Coffee with a colleague on Thursday. It went better than I expected.",
    "Most days I lay on the sofa after work. Saturday I went to the market.",
]
FEEDBACK = [
    "Thank you for the worksheet. You have noticed a clear pattern there: let us build on "
    "the activities that lifted your mood.",
    "Well done for filling it in. Pick one of these for next week and plan when you will do it.",
    "This is a good start. Notice how your mood changed afterwards, as you wrote: that is "
    "what the next module uses.",
    "Thank you. It is normal that some days are harder; keep writing them down, they show "
    "us where to start.",
]
WORKSHEET_KINDS = ("worksheet", "homework")


def _worksheet_values(step, text: str) -> dict:
    """Answers to a worksheet's fields as a patient fills them: the first text field
    written, a number or scale where asked, the rest left empty."""
    values, written = {}, False
    for spec in step.fields:
        kind = spec.get("type", "text")
        if kind in ("text", "longtext") and not written:
            values[spec["key"]], written = text, True
        elif kind in ("number", "scale_0_10"):
            values[spec["key"]] = "4"
        elif kind == "table":
            values[spec["key"]] = []
        else:
            values[spec["key"]] = ""
    return values


def _worksheet_entries(episodes) -> tuple[dict, dict]:
    """The episodes' plan entries in order, by episode, and the worksheet and homework
    steps with fields of their modules, by module version (two queries)."""
    entries = list(
        PlanEntry.objects.filter(episode__in=episodes).order_by("episode_id", "position")
    )
    steps: dict[int, list] = {}
    for step in Step.objects.filter(
        module_version__in={entry.module_version_id for entry in entries},
        kind__in=WORKSHEET_KINDS,
    ).order_by("position"):
        if step.fields:
            steps.setdefault(step.module_version_id, []).append(step)
    by_episode: dict[int, list] = {}
    for entry in entries:
        by_episode.setdefault(entry.episode_id, []).append(entry)
    return by_episode, steps


def _course_worksheets(clinic, today: dt.date) -> None:
    """The guided courses' worksheets and homework, sent to the therapist and given
    feedback: a message quoting the answer, after some working hours (most within the
    clinic's target, about one in six later; on an ended course before its last
    afternoon). A course still running may have one of its last four days waiting, at
    most two per clinic (the therapist's inbox shows them). Without them the dashboard's
    "due a reply" and the team's workload counted messages only (decision 0117).

    The modules an ended course completed send their worksheets on the day they were
    completed; a running course sends those of the modules of its weeks so far (each
    started then). Written as rows with their dates, after the courses, as the
    questions of ``_course_messages`` are (no login to send them with; the submit and
    message actions date them now): no audit events, read receipts or notifications.
    Their own random numbers, so the rest of the demo stays as it was."""
    rng = random.Random(f"tessera-demo-worksheets-{clinic.slug}")
    now = timezone.now()
    zone = ZoneInfo(clinic.time_zone)
    episodes = list(
        Episode.objects.filter(
            clinic=clinic,
            patient__email__startswith="history",
            therapist__isnull=False,
            started_on__isnull=False,
        ).order_by("pk")
    )
    by_episode, steps = _worksheet_entries(episodes)
    answers, started, waiting = [], [], 0
    for episode in episodes:
        ended, start, end = _course_span(clinic, episode, today, now, zone)
        for index, entry in enumerate(by_episode.get(episode.pk, [])):
            if ended:
                if entry.completed_at is None:
                    continue
                # (a module of the last week is completed at 18:00 of the course's last
                # day: its worksheet is sent, and answered, before its last afternoon)
                done = min(entry.completed_at, end - dt.timedelta(hours=1))
            else:  # the module of each week so far, sent in its week
                done = dt.datetime.combine(
                    episode.started_on + dt.timedelta(weeks=index, days=rng.randrange(2, 7)),
                    dt.time(rng.randint(8, 21), rng.randrange(60)),
                    tzinfo=zone,
                )
                if done >= end - dt.timedelta(hours=1):
                    break
                started.append((entry.pk, done - dt.timedelta(hours=1)))
            for step in steps.get(entry.module_version_id, []):
                sent = max(start, done - dt.timedelta(minutes=rng.randint(5, 600)))
                feedback = _answered(clinic, sent, end, rng)
                if feedback is None:
                    if ended or waiting >= 2 or now - sent > dt.timedelta(days=4):
                        feedback = sent + (end - sent) * rng.uniform(0.5, 0.95)
                    else:
                        waiting += 1  # waiting for the therapist's feedback
                pick = rng.randrange(len(WORKSHEET_TEXTS))
                answer = WorksheetAnswer(
                    entry=entry,
                    step=step,
                    values=_worksheet_values(step, WORKSHEET_TEXTS[pick]),
                    submitted_at=sent,
                    feedback_at=feedback,
                    feedback_by_id=episode.therapist_id if feedback else None,
                )
                answers.append((answer, episode, WORKSHEET_TEXTS[pick], rng.choice(FEEDBACK)))
    WorksheetAnswer.objects.bulk_create([answer for answer, *_ in answers])
    # Saved when sent (``updated_at`` is the row's last save).
    WorksheetAnswer.objects.filter(pk__in=[answer.pk for answer, *_ in answers]).update(
        updated_at=F("submitted_at")
    )
    for pk, when in started:
        PlanEntry.objects.filter(pk=pk, started_at__isnull=True).update(started_at=when)
    Message.objects.bulk_create(
        Message(
            episode=episode,
            author_id=episode.therapist_id,
            body=body,
            quoted_answer=answer,
            quoted_text=text,
            sent_at=answer.feedback_at,
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-worksheet-{answer.pk}"),
        )
        for answer, episode, text, body in answers
        if answer.feedback_at is not None
    )


def _answered(clinic, sent: dt.datetime, end: dt.datetime, rng: random.Random):
    """When the therapist answers a question sent at ``sent``: after some working hours,
    most within the clinic's target, about one in six later; None if that is after
    ``end`` (the course's last afternoon, or now)."""
    target = clinic.response_target_hours
    if rng.random() < 0.17:
        hours = rng.uniform(target * 1.05, target * 2.5)
    else:
        hours = rng.uniform(0.5, target * 0.95)
    answered = add_working_time(clinic, sent, hours * 3600)
    return answered if answered < end else None


def _follow_up_rules(clinic) -> None:
    for point in ("follow_up_3", "follow_up_6"):
        if not MeasureRule.objects.filter(clinic=clinic, instrument="PHQ-9", time_point=point):
            schedule_actions.do_add_measure_rule(
                clinic, acting_user=None, instrument="PHQ-9", time_point=point
            )


def _programmes() -> dict:
    """The newest published version of each history programme (one query)."""
    found = {}
    versions = ProgrammeVersion.objects.filter(
        programme__key__in=PROGRAMMES[0], status="published"
    ).select_related("programme")
    for version in versions.order_by("number"):
        found[version.programme.key] = version
    return found


def _seed_plan(episode, number: int, acting, programmes: dict) -> random.Random:
    """Seed the course's plan from one of the programmes (its own random numbers, so
    that the course's own stay as they were); the random numbers for its modules."""
    rng = random.Random(f"tessera-demo-programme-{episode.clinic.slug}-{number}")
    key = rng.choices(*PROGRAMMES)[0]
    if key in programmes:
        plan_actions.do_seed_plan(
            episode, programmes[key], acting_user=acting, reason="Demo: matches the assessment"
        )
    return rng


def _complete_modules(episode, fate: str, start: dt.date, end: dt.date, rng) -> None:
    """Complete the first modules of the plan, as the patient would have: most of them
    on a completed course, none to two on a dropped one (then dated into the course)."""
    entries = list(episode.plan.order_by("position").select_related("module_version__module"))
    if not entries:
        return
    if fate == "dropped_out":
        done = rng.randint(0, min(2, len(entries)))
    else:
        done = rng.randint(max(1, len(entries) // 2), len(entries))
    weeks = max(1, (end - start).days // 7)
    plan_actions.do_complete_modules(entries[:done], acting_user=None)
    for index, entry in enumerate(entries[:done]):
        day = start + dt.timedelta(weeks=min(weeks, index + 1))
        when = dt.datetime.combine(day, dt.time(18), tzinfo=timezone.get_current_timezone())
        PlanEntry.objects.filter(pk=entry.pk).update(completed_at=when)


def _weekly_time(episode, therapist, start: dt.date, last: dt.date, total: int) -> None:
    """The therapist's time on a course, week by week on each week's Wednesday up to
    ``last``, not all on one day: a week of the team's workload counts the course in its
    caseload, and its time with it (decision 0107)."""
    wednesdays = [
        start + dt.timedelta(days=2 + 7 * week)
        for week in range(max(1, (last - start).days // 7 + 1))
        if start + dt.timedelta(days=2 + 7 * week) <= last
    ] or [last]
    for n, day in enumerate(wednesdays):
        share = total // len(wednesdays) + (total % len(wednesdays) if n == 0 else 0)
        if share:
            do_add_manual_time(
                episode,
                acting_user=therapist,
                staff_member=therapist,
                day=day,
                minutes=min(720, share),
                reason="Demo: time over the course",
                submission_key=uuid.uuid4(),
            )


def _course(
    ctx,
    clinic,
    number: int,
    therapist,
    rng: random.Random,
    today: dt.date,
    programmes: dict,
    days_back: tuple[int, int] = YEAR_DAYS,
) -> None:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    patient = actions.do_create_patient(
        clinic=clinic,
        first_name=first,
        last_name=last,
        date_of_birth=dt.date(
            1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ),
        email=f"history{number}.{clinic.slug}@demo.tessera.test",
        preferred_language="sv",
        address=_address(clinic, number),
    )
    unguided = therapist is None
    episode = do_open_episode(
        patient,
        clinic,
        status="intake",
        therapist=therapist,
        care_model="unguided" if unguided else "guided",
    )
    start = today - dt.timedelta(days=rng.randrange(*days_back))
    acting = therapist or ctx.staff["highland.oncall"]
    modules_rng = _seed_plan(episode, number, acting, programmes)
    treatment.do_start_treatment(episode, start_on=start, acting_user=therapist)
    opened_before(episode, start)
    phq, gad = rng.randint(7, 22), rng.randint(5, 18)
    at = dt.datetime.combine(start, dt.time(19), tzinfo=timezone.get_current_timezone())
    answered = []
    _submit(episode, "PHQ-9", phq, "pre", at, answered)
    _submit(episode, "GAD-7", gad, "pre", at, answered)
    _send(answered, acting)
    length = rng.randint(6, 12)
    end = start + dt.timedelta(weeks=length)
    fate = rng.choices(["completed", "dropped_out", "stepped_up"], weights=[75, 18, 7])[0]
    if fate == "dropped_out":
        end = start + dt.timedelta(weeks=rng.randint(1, length))
    change = rng.choices([-12, -10, -8, -6, -3, -1, 3, 7], weights=[15, 18, 18, 15, 12, 10, 8, 4])[
        0
    ]
    if end >= today:  # still in treatment: a mid-course score only, and its time so far
        if therapist is not None:
            weeks = max(1, (today - start).days // 7)
            _weekly_time(episode, therapist, start, today - dt.timedelta(days=1), 15 * weeks)
        mid = at + dt.timedelta(weeks=2)
        if mid.date() < today:
            _submit(episode, "PHQ-9", phq + change // 2, "weekly", mid, answered)
            _submit(episode, "GAD-7", gad + change // 2, "weekly", mid, answered)
            _send(answered, acting)
        return
    sessions = 0 if unguided else (1 if fate == "dropped_out" else rng.randint(2, 4))
    now = timezone.now()
    for n in range(sessions):
        hours = rng.randrange(8)
        booked = do_book_appointment(
            episode,
            acting_user=therapist,
            therapist=therapist,
            kind="phone",
            starts_at=now - dt.timedelta(days=25 - n, hours=hours),
        )
        do_record_session(booked, acting_user=therapist, status="attended")
        # Booking looks back a month at most; the call lay within the course (weekly from
        # its second week), not in the last month whenever the course ended.
        day = start + dt.timedelta(days=min(7 * (n + 1), (end - start).days))
        Appointment.objects.filter(pk=booked.pk).update(
            starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())
            + dt.timedelta(hours=hours)
        )
    if therapist is not None:  # reading, replying and the calls: 15 minutes a week
        total = min(720, 15 * max(1, (end - start).days // 7) + 20 * sessions)
        _weekly_time(episode, therapist, start, end, total)
    _complete_modules(episode, fate, start, end, modules_rng)
    note = NOTES.get(fate, "")
    do_end_episode(episode, acting_user=acting, reason=fate, note=note, ended_on=end)
    if fate == "dropped_out" and rng.random() < 0.6:
        return  # most who drop out send no last questionnaire
    after = dt.datetime.combine(end, dt.time(20), tzinfo=timezone.get_current_timezone())
    gad_change = change * 3 // 4 + rng.choice([-1, 0, 1])
    _submit(episode, "PHQ-9", phq + change, "post", after, answered)
    _submit(episode, "GAD-7", gad + gad_change, "post", after, answered)
    if clinic.slug in NEQ_CLINICS:
        # Its own random numbers, so that the courses' own stay as they were.
        neq = random.Random(f"tessera-demo-neq-{clinic.slug}-{number}")
        effects = neq.choices([0, 1, 2, 3, 5], weights=[50, 20, 15, 10, 5])[0]
        _submit_neq(episode, effects, after, answered)
    for point, months in (("follow_up_3", 3), ("follow_up_6", 6)):
        when = after + dt.timedelta(days=30 * months)
        if when.date() < today and rng.random() < 0.7:
            score = phq + change + rng.choice([-2, 0, 1])
            _submit(episode, "PHQ-9", score, point, when, answered)
    _send(answered, acting)


def seed(ctx) -> None:
    programmes = _programmes()
    if not Patient.objects.filter(email="history0.riverside@demo.tessera.test").exists():
        _reply_history(ctx)
    for slug, (count, therapists) in COURSES.items():
        clinic = ctx.clinics[slug]
        if Patient.objects.filter(email=f"history0.{slug}@demo.tessera.test").exists():
            continue
        if slug == "riverside":
            _follow_up_rules(clinic)
        if slug in NEQ_CLINICS:
            _neq_rule(clinic)
        rng = random.Random(f"tessera-demo-{slug}")
        recent = random.Random(f"tessera-demo-recent-{slug}")
        today = clinic_today(clinic)
        for number in range(count):
            name = therapists[number % len(therapists)]
            therapist = ctx.staff[name] if name else None
            if number < count - RECENT.get(slug, 0):
                _course(ctx, clinic, number, therapist, rng, today, programmes)
            else:
                _course(ctx, clinic, number, therapist, recent, today, programmes, RECENT_DAYS)
        _courses_applications(clinic)
        _course_messages(clinic, today)
        _course_worksheets(clinic, today)
        _intake_history(ctx, clinic, today)
