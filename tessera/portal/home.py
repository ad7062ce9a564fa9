"""What the home pages gather from other apps (reads only): the public list of clinics,
the applications of the signed-in person with their next step, and the patient's coming
sessions (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop, ngettext

from tessera.appointments.models import Appointment
from tessera.core import kept_text
from tessera.core.models import Clinic, Episode, Patient
from tessera.core.prepared import JSONRows, Prepared, rows_from_json
from tessera.core.reversing import reverse_cached, url_base
from tessera.core.template_rows import ByName, escaped
from tessera.core.templatetags.content_language import in_language_of
from tessera.intake.models import Application, Status
from tessera.intake.status import Phase, applicant_phase
from tessera.intake.timeline import Step
from tessera.intake.views.apply import next_step_url
from tessera.messaging import conversation
from tessera.treatment import plain_names
from tessera.treatment.models import DueMeasure
from tessera.treatment.plans import clinic_today
from tessera.treatment.templatetags.treatment_tags import due_in_words

from .timeline import application_timeline

SESSIONS_SHOWN = 3
APPLICATIONS_SHOWN = 5


def public_clinics() -> list[Clinic]:
    """Every clinic, by name, for the public welcome page."""
    return list(Clinic.objects.select_related("region").order_by("name"))


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    phase: Phase
    next_url: str
    steps: list[Step]

    @property
    def steps_left(self) -> bool:
        """A step is waiting for the applicant (consent, details, a questionnaire, or
        sending), not only the clinic."""
        return "/status/" not in self.next_url


def applications_of(user) -> list[ApplicationRow]:
    """The person's own applications not yet turned into treatment, newest first, each
    with the link to its next step (a draft: the step to finish; else the status)."""
    rows = (
        Application.objects.visible_to(user)
        .filter(applicant=user)
        .exclude(status__in=[Status.DUPLICATE])
        .select_related("clinic", "episode__programme_version", "episode__clinic")
        .prefetch_related("bookings")
        .order_by("-created_at")[:APPLICATIONS_SHOWN]
    )
    result = []
    for application in rows:
        phase = applicant_phase(application)
        if phase.code == "started":
            continue  # treatment has begun: the home page shows the treatment instead
        result.append(
            ApplicationRow(
                application,
                phase,
                next_step_url(application),
                application_timeline(application),
            )
        )
    return result


# The programme version's columns the patient home never uses (decision 0060).
_VERSION_NOT_SHOWN = (
    "languages",
    "eligibility",
    "default_measures",
    "description_patient",
    "description_professional",
    "evidence",
    "translations",
    # Nor its title, measure and publishing (decision 0127): only the unlock rule and
    # the weeks are asked.
    "programme",
    "number",
    "status",
    "title",
    "problem_area",
    "care_model",
    "primary_measure",
    "created_by",
    "created_at",
    "published_at",
    "published_by",
)

# The clinic's settings for its staff, never asked on the patient home (decision 0076):
# read and converted on every request, and they kept the episodes' statement near the
# length psycopg parses again on every run.
_CLINIC_NOT_SHOWN = (
    "referral_model",
    "physician_assessment",
    "start_unguided_after_clean_screening",
    "icbt_share_limit",
    "alert_ack_hours_high",
    "alert_ack_hours_moderate",
    "rate_limits",
    "outcome_rule",
)


# Of the patient record (kept on the user for the request) the page shows the first
# name; the menu and the page ask only whether there is one, and in what language, and
# whether it is a practice record. Its other columns (contact details, GP, emergency
# contact, identity number: sixteen, read and converted on every request) are not read
# (decision 0127). Named by what is shown, as the therapist's below, so that a column
# added to the record is not read here either.
_PATIENT_SHOWN = ("id", "user", "first_name", "preferred_language", "is_training")
_PATIENT_NOT_SHOWN = tuple(
    f.name for f in Patient._meta.concrete_fields if f.name not in _PATIENT_SHOWN
)

# Of the episode, the patient's names kept for the staff's lists and the note about
# the ending (for the staff) are not shown to the patient (decision 0127).
_EPISODE_NOT_SHOWN = (
    "patient_last_name",
    "patient_first_name",
    "patient_date_of_birth",
    "end_note",
)


# Read with each episode, as JSON (decision 0076): its open questionnaires, and the
# person's own applications with the one the episode came from. Every column, as the
# queries of their own (before) read them.
_DUE_COLUMNS = tuple(f.attname for f in DueMeasure._meta.concrete_fields)
_APPLICATION_COLUMNS = tuple(f.attname for f in Application._meta.concrete_fields)


def _own_episodes_query(user_id, now):
    upcoming = Appointment.objects.filter(episode=OuterRef("pk")).upcoming(now)
    dues = (
        DueMeasure.objects.filter(episode_id=OuterRef("pk"))
        .open_now(now)
        .order_by()
        .annotate(rows=JSONRows(DueMeasure, _DUE_COLUMNS))
        .values("rows")
    )
    applications = (
        Application.objects.filter(Q(applicant_id=user_id) | Q(episode_id=OuterRef("pk")))
        .order_by()
        .annotate(rows=JSONRows(Application, _APPLICATION_COLUMNS))
        .values("rows")
    )
    # ``Episode.objects.own``'s filter (the access package's ``own_episodes``) for an
    # active person, by the user's id.
    return (
        Episode.objects.filter(patient__user_id=user_id)
        .select_related("patient", "programme_version", "clinic")
        # The page asks the programme version only its unlock rule and length: not its
        # texts and JSON (about 6 kB a row, read, sent and decoded on every request).
        .defer(*(f"programme_version__{name}" for name in _VERSION_NOT_SHOWN))
        .defer(*(f"clinic__{name}" for name in _CLINIC_NOT_SHOWN))
        .defer(*(f"patient__{name}" for name in _PATIENT_NOT_SHOWN), *_EPISODE_NOT_SHOWN)
        .annotate(
            has_upcoming_sessions=Exists(upcoming),
            unread_messages=conversation.unread_of_episode(user_id),
            open_dues_json=Subquery(dues),
            applications_json=Subquery(applications),
        )
        .order_by("-ended_on", "-id")
    )


# Compiled once per process (``core.prepared``, decision 0044): the patient home's reads.
_OWN_EPISODES = Prepared(_own_episodes_query)
_APPLICATIONS = Prepared(
    lambda user_id: Application.objects.filter(applicant_id=user_id).order_by("-created_at")
)
DUES_SHOWN = 10
# The next booked sessions of a blended or face-to-face patient, with their therapist's
# name and whether that therapist has left (decision 0096: then the session is to be
# booked again, not "with" them) (building this read each time cost a blended patient's
# home about 1 ms).
# Of each session, not its notes, reasons and bookkeeping; of its therapist, the name
# and address only (what ``str(user)`` shows): not the password hash, dates and flags
# (decision 0127).
_SESSION_NOT_SHOWN = (
    "note",
    "cancel_reason",
    "booked_by",
    "booked_at",
    "submission_key",
    "recorded_by",
    "recorded_at",
)
_THERAPIST_SHOWN = ("id", "first_name", "last_name", "email")


def _upcoming_sessions_query(episode_id, now):
    therapist_not_shown = [
        f.name
        for f in Appointment._meta.get_field("therapist").related_model._meta.concrete_fields
        if f.name not in _THERAPIST_SHOWN
    ]
    return (
        Appointment.objects.filter(episode_id=episode_id)
        .upcoming(now)
        .with_therapist_left()
        .select_related("therapist")
        .defer(*_SESSION_NOT_SHOWN, *(f"therapist__{name}" for name in therapist_not_shown))
        .order_by("starts_at")[:SESSIONS_SHOWN]
    )


_UPCOMING_SESSIONS = Prepared(_upcoming_sessions_query)


def own_episodes(user) -> list[Episode]:
    """All of the signed-in patient's own episodes, newest ending first (open ones have
    no end), each with its patient, programme version and clinic: one query (the page
    shows no therapist's name, only whether there is one).
    The patient record comes with them and is kept on the user for the request, so that
    it is not read again (issue 16). A patient has a handful of episodes at most.
    Each carries ``has_upcoming_sessions`` (an ``EXISTS``), so that ``upcoming_sessions``
    makes no query of its own when there are none, as for most patients, and its count
    of unread messages, whose total is kept for ``conversation.unread_count`` (the page
    and the menu): no query of its own either."""
    if not (user.is_authenticated and user.is_active):
        return []  # as ``Episode.objects.own``
    episodes = _OWN_EPISODES(user.pk, timezone.now())
    if episodes and "patient_record" not in user.__dict__:
        user.__dict__["patient_record"] = episodes[0].patient
    # The unread messages were counted with them (the menu and the page show the total).
    conversation.keep_unread_count(user, sum(e.unread_messages for e in episodes))
    return episodes


def open_dues(episodes: list[Episode]) -> list[DueMeasure]:
    """The questionnaires open now on these (the patient's own) episodes, as
    ``own_episodes`` read them, soonest due first (then the first made), each with its
    episode: no query (decision 0076)."""
    due = []
    for episode in episodes:
        for d in rows_from_json(
            DueMeasure, _OWN_EPISODES.using, _DUE_COLUMNS, episode.open_dues_json
        ):
            d.episode = episode
            due.append(d)
    due.sort(key=lambda d: (d.due_at, d.pk))
    return due[:DUES_SHOWN]


def latest_of(episodes: list[Episode]) -> Episode | None:
    """What ``plans.latest_episode`` answers, from the patient's episodes as read by
    ``own_episodes``: the open one (the newest, as every other page of the patient's:
    with two open courses at once the home followed the first made, decision 0158), else
    the one that ended last."""
    open_ = [e for e in episodes if e.status != Episode.Status.ENDED]
    if open_:
        return max(open_, key=lambda e: (e.created_at, e.pk))
    # In the order of the query (-ended_on, -id), as latest_episode orders them.
    return next((e for e in episodes if e.status == Episode.Status.ENDED), None)


def applications_and_path(user, episode, episodes=()) -> tuple[list[ApplicationRow], object]:
    """``applications_of(user)`` and the application the episode came from (the start of
    the patient's path, ``timeline.episode_timeline``): read with the episode by
    ``own_episodes`` (decision 0076), else (no episode) in a query of their own.

    The person's own applications are what ``Application.visible_to`` shows someone
    without staff roles: the patient home serves only them. The clinic, bookings and
    episode of a listed row are read only when a row is listed (rarely, once treatment
    has begun)."""
    if episode is None:
        rows = _APPLICATIONS(user.pk)
    else:
        rows = rows_from_json(
            Application, _OWN_EPISODES.using, _APPLICATION_COLUMNS, episode.applications_json
        )
        rows.sort(key=lambda a: (a.created_at, a.pk), reverse=True)  # newest first
    origin = (
        next((a for a in rows if a.episode_id == episode.pk), None) if episode is not None else None
    )
    own = [a for a in rows if a.applicant_id == user.pk and a.status != Status.DUPLICATE]
    listed = [(a, applicant_phase(a)) for a in own[:APPLICATIONS_SHOWN]]
    listed = [(a, phase) for a, phase in listed if phase.code != "started"]
    if not listed:
        return [], origin
    by_id = {e.pk: e for e in episodes}
    for application, _phase in listed:
        if application.episode_id in by_id:
            application.episode = by_id[application.episode_id]
    applications = [a for a, _phase in listed]
    prefetch_related_objects(applications, "clinic", "bookings")
    rest = [a for a in applications if a.episode_id and a.episode_id not in by_id]
    if rest:
        prefetch_related_objects(rest, "episode__programme_version", "episode__clinic")
    return [
        ApplicationRow(a, phase, next_step_url(a), application_timeline(a)) for a, phase in listed
    ], origin


def upcoming_sessions(episode) -> list[Appointment]:
    """The next booked sessions of an open episode (blended and face-to-face care)."""
    if episode is None or not getattr(episode, "has_upcoming_sessions", True):
        return []  # none (read with the episode by ``own_episodes``): no query
    sessions = _UPCOMING_SESSIONS(episode.pk, timezone.now())
    for session in sessions:
        session.episode = episode  # known: no query when a caller asks
    return sessions


# What the patient home shows of each questionnaire due and each homework, drawn once
# in the view: the template shows the texts and links as they are, where before each row
# went through a link tag, filters and a tag that asked the clinic's day again (issue 16,
# the load test's share of a bare view). The same text and links as the filters and tags
# give (``tests/core/test_patient_home_html.py`` compares the page with Django's own).


@dataclass(frozen=True, slots=True)
class DueRow(ByName):
    url: str  # {% url 'questionnaire_fill' d.pk %}
    name: str  # {{ d.instrument|plain_name }}
    why: str  # {{ d|why_asked }}
    when: str  # {% due_words d %}
    # The clinic that asks it, for a patient with courses at more than one clinic
    # (decision 0154): their to-do list held both clinics' questionnaires, unnamed.
    clinic: str = ""


def due_rows(
    due: list[DueMeasure],
    *,
    language=None,
    base=None,
    today=None,
    clinic_id=None,
    name_clinics=False,
) -> list[DueRow]:
    """The "To do now" list: each questionnaire's link, plain name, reason and when it
    is due, the clinic's day and time zone asked once per clinic. ``language`` and
    ``base`` (``url_base()``), and ``today`` at the clinic ``clinic_id``: when the
    caller has them already (the patient home asks each once, decision 0127).
    ``name_clinics``: each row names its clinic (a patient of more than one)."""
    base = base or url_base()
    language = language or get_language()
    days: dict[int, tuple] = {}
    known = {clinic_id: today} if today is not None else {}
    rows = []
    for d in due:
        clinic = d.episode.clinic
        day = days.get(clinic.pk)
        if day is None:
            day = days[clinic.pk] = (
                known.get(clinic.pk) or clinic_today(clinic),
                ZoneInfo(clinic.time_zone),
            )
        code = str(d.instrument)
        rows.append(
            DueRow(
                reverse_cached("questionnaire_fill", (d.pk,), None, base),
                plain_names.plain_name(code, language),
                plain_names.why_asked(code, str(d.time_point), language),
                due_in_words(d.due_at, *day, language),
                clinic.name if name_clinics else "",
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class HomeworkRow(ByName):
    title: str  # the step's title, marked with its language (``in_language``)
    module_title: str  # the module's title, marked likewise
    step_title: str  # the step's title as it is, inside "Register: …"
    this_week: int
    register_url: str  # the diary's form, back to the home page after


def homework_rows(homework, *, language=None, base=None) -> list[HomeworkRow]:
    """This week's homework panel (``diary.HomeworkItem``s) as the panel shows it
    (``language``, ``base``: as ``due_rows`` takes them)."""
    if not homework:
        return []
    page_language = language or get_language()
    base = base or url_base()
    back = "?next=" + reverse_cached("home", (), None, base)
    rows = []
    for h in homework:
        version = h.entry.module_version
        language = version.language
        rows.append(
            HomeworkRow(
                in_language_of(h.step.title, language, page_language),
                in_language_of(version.title, language, page_language),
                h.step.title,
                h.this_week,
                reverse_cached("diary_register", (h.entry.pk, h.step.position), None, base) + back,
            )
        )
    return rows


def module_title(step, language=None) -> str:
    """The next module's title (``plans.next_step``) as "Continue your module" shows it:
    marked with its language (``in_language``), or "" without one. ``language``: the
    active one, when the caller has it."""
    if step is None:
        return ""
    version = step.entry.module_version
    return in_language_of(version.title, version.language, language or get_language())


# The to-do list's items and the next module's line drawn as HTML in the view, as
# ``intake.timeline.drawn`` draws the timeline: the template drew them with a loop and
# four variables a row, a ``{% url %}`` and a ``{% blocktranslate %}`` on every request
# (issue 16, decision 0088). The same bytes (``tests/core/test_patient_home_rows.py``
# draws the template's old text beside them for every demo patient).
_CONTINUE = gettext_noop("Continue your module: %(title)s")


def due_html(rows: list[DueRow]) -> str:
    """``{% for d in due_rows %}<li class="card">…</li>{% endfor %}``: each value escaped
    as ``{{ }}`` escapes it."""
    escape = escaped
    return mark_safe(  # noqa: S308 - every value escaped here
        "".join(
            f'<li class="card"><a href="{escape(d.url)}">{escape(d.name)}</a><p>'
            f"{escape(d.why)}</p><p><strong>{escape(d.when)}</strong></p>"
            + (f'<p class="due-clinic">{escape(d.clinic)}</p>' if d.clinic else "")
            + "</li>"
            for d in rows
        )
    )


def next_module_html(step, title: str, *, language=None, base=None) -> str:
    """The "Continue your module" notice of ``plans.next_step``'s step (``title``:
    ``module_title(step)``), as ``{% url 'module_reader' … %}`` and ``{% blocktranslate
    with title=… %}`` drew it: the catalog's text with the title escaped; "" without a
    step."""
    if step is None:
        return ""
    url = reverse_cached("module_reader", (step.entry.pk,), None, base or url_base())
    language = language or get_language()
    sentence = kept_text.translated(_CONTINUE, language) % {"title": escaped(title)}
    return mark_safe(  # noqa: S308 - the catalog's text, the url and title escaped
        f'<p class="notice"><a href="{escaped(url)}">{sentence}</a></p>'
    )


_REGISTER = gettext_noop("Register: %(title)s")


def homework_html(rows: list[HomeworkRow], language=None) -> str:
    """``{% for h in homework_rows %}…{% endfor %}`` of the homework panel, its
    whitespace and all: the count's sentence as ``{% blocktranslate count %}`` gives it
    (the number drawn as ``{{ n }}`` draws it), the titles escaped."""
    if not rows:
        return ""
    language = language or get_language()
    register = kept_text.translated(_REGISTER, language)
    parts = []
    for h in rows:
        n = h.this_week
        count = ngettext("%(n)s entry this week", "%(n)s entries this week", n) % {
            "n": _drawn_number(n)
        }
        parts.append(
            f'\n    <li class="card">\n      <p><strong>{escaped(h.title)}</strong> '
            f'<span class="help">{escaped(h.module_title)}</span></p>\n      <p>{count}</p>\n'
            f'      <p><a class="button" href="{escaped(h.register_url)}">'
            f"{register % {'title': escaped(h.step_title)}}</a></p>\n    </li>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - the catalog's texts, values escaped


def _drawn_number(n: int) -> str:
    """A whole number as ``{{ n }}`` draws it (its digits unless a thousands separator
    is asked for)."""
    return formats.localize(n) if settings.USE_THOUSAND_SEPARATOR else str(n)
