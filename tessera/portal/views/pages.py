"""The home pages: the welcome page, the patient's home and the staff member's home."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from tessera.core import access, clinic_dates, clinic_needs, crisis
from tessera.core.models import ClinicRole, Episode
from tessera.core.prepared import Prepared
from tessera.core.reversing import url_base
from tessera.inbox import scope, worklist
from tessera.intake import queue as intake_queue
from tessera.intake.timeline import drawn
from tessera.messaging.conversation import unread_count
from tessera.notifications.models import Notification
from tessera.treatment import diary, ending, plans, questionnaires

from .. import contributions, staff_lists
from ..home import (
    applications_and_path,
    due_html,
    due_rows,
    homework_html,
    homework_rows,
    latest_of,
    module_title,
    next_module_html,
    open_dues,
    own_episodes,
    public_clinics,
    upcoming_sessions,
)
from ..timeline import episode_timeline


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/welcome.html", {"clinics": public_clinics()})
    if user.is_staff_member:
        return staff_home(request)
    return patient_home(request)


def patient_home(request: HttpRequest) -> HttpResponse:
    """The home of a patient or applicant (someone without staff roles). Issue 16: every
    read is made once, the patient's own episodes first (with the patient record), and
    the rest filter on their ids, without joins: about ten queries, not sixteen."""
    user = request.user
    episodes = own_episodes(user)  # fills user.patient_record when there is an episode
    patient = user.patient_record
    # Asked once for the page's drawing helpers (decision 0127): each is a context-local
    # look-up, and the clinic's day a time-zone conversion.
    language = get_language()
    base = url_base()
    # The open episode, else the one that ended last: its patient is told what they can
    # still do, and whom to contact (issue 14).
    episode = latest_of(episodes) if patient else None
    ended = episode is not None and episode.status == Episode.Status.ENDED
    open_episode = None if ended else episode
    today = plans.clinic_today(episode.clinic) if episode is not None else None
    # The plan's states once, for the next step and the homework panel, read with the
    # panel's steps and this week's counts (issue 16).
    states, homework = (
        diary.states_and_week_panel(open_episode, today) if open_episode else ([], [])
    )
    next_module = plans.next_step(states) if open_episode else None
    # The patient's own episodes' ids (``Episode.objects.own``: their access scope)
    # stand for ``DueMeasure.objects.visible_to(user)`` and its join.
    due = open_dues(episodes) if patient else []
    applications, origin = applications_and_path(user, episode, episodes)
    rows = (
        due_rows(
            due,
            language=language,
            base=base,
            today=today,
            clinic_id=episode.clinic_id,
            name_clinics=len({e.clinic_id for e in episodes}) > 1,
        )
        if due and not ended
        else []
    )
    title = module_title(next_module, language)
    timeline = episode_timeline(episode, origin, language=language, today=today)
    homework_drawn = homework_rows(homework, language=language, base=base)  # once
    return render(
        request,
        "portal/patient_home.html",
        {
            "patient": patient,
            "episode": episode,
            "ended": ended,
            "due": due,
            # The "To do now" list and the homework panel drawn in the view (issue 16).
            "due_rows": rows,
            # Its items, and the next module's line, drawn as HTML (decision 0088).
            "due_html": due_html(rows),
            "follow_ups": [d for d in due if d.time_point in ending.AFTER_END] if ended else [],
            "next_module": next_module,
            # Its title marked with its language (``in_language``), in the view.
            "next_module_title": title,
            "next_module_html": next_module_html(next_module, title, language=language, base=base),
            "unread_messages": unread_count(user) if patient else 0,
            # This week's homework (tessera.treatment.diary): its own panel.
            "homework": homework,
            "homework_rows": homework_drawn,
            "homework_html": homework_html(homework_drawn, language),
            # Blended and face-to-face care have booked sessions; no query (the episode
            # is already loaded).
            "has_sessions": open_episode is not None
            and open_episode.care_model
            in (Episode.CareModel.BLENDED, Episode.CareModel.FACE_TO_FACE),
            "sessions": upcoming_sessions(open_episode),
            "may_write": ended and ending.patient_may_write(episode),
            "may_read": ended and access.may_read_course(episode, today),
            "reading_until": plans.reading_until(episode) if ended else None,
            "crisis_contacts": questionnaires.crisis_contacts_for(
                episode.clinic, (language or "en")[:2]
            )
            if ended
            else [],
            "applications": applications,
            # Someone waiting for a clinic's answer is not yet anyone's patient, and has
            # no safety plan: their home shows where to get help now (decision 0107).
            "urgent_contacts": crisis.contacts_for(
                applications[0].application.clinic, (language or "en")[:2]
            )
            if applications and not patient
            else [],
            "timeline": timeline,
            # The timeline's list drawn in the view (issue 16), as the include drew it.
            "timeline_html": drawn(timeline, language) if timeline else "",
        },
    )


def clinic_directory(request: HttpRequest) -> HttpResponse:
    """The public list of clinics: what each offers and how to start there."""
    return render(request, "portal/clinics.html", {"clinics": public_clinics()})


def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Neither the caseload nor its overdue questionnaires join the patients: the names
    # are the episodes' own (issue 16; ``portal.staff_lists``). The episodes the user is
    # the therapist of are read once, for the caseload, the overdue list and the counts
    # of their own inbox (issue 16: they were read three times).
    # The user's roles with their clinics are read first: the episodes take their
    # clinic from them, not from a join per episode (decision 0057).
    memberships = _MEMBERSHIPS(user.pk)
    responsible = staff_lists.responsible_for(
        user, clinics={m.clinic_id: m.clinic for m in memberships}
    )
    page = Paginator(staff_lists.open_real(responsible), 25).get_page(request.GET.get("page"))
    page.object_list = staff_lists.with_patients(page.object_list)
    overdue = staff_lists.overdue(user, episodes=responsible)
    administered = access.administered_region_ids(user)
    return render(
        request,
        "portal/staff_home.html",
        {
            # Each role's own work on its home: the caseload for those who take one (a
            # therapist, or anyone a patient is assigned to), the intake queue for those
            # who triage; not "No patients are assigned to you" to an intake coordinator
            # or a researcher, who never have any (decision 0157).
            "takes_caseload": bool(responsible) or access.takes_caseload(user),
            "intake": intake_queue.summary(user) if access.intake_clinic_ids(user) else None,
            "page": page,
            "overdue": overdue,
            # Whom the caseload's and the overdue list's names are told apart from: all
            # the user's patients, not one page's (decision 0128).
            "responsible": responsible,
            "memberships": memberships,
            # The user's regions are read once per request (``access``): no query here
            # for the staff who administer none.
            "regions": user.region_roles.select_related("region").annotate(
                clinic_count=Count("region__clinics")
            )
            if administered
            else [],
            "may_create_clinics": bool(administered),
            # A region administrator's work: the clinics that must be fixed, the
            # notifications nobody received (decision 0161).
            "region_work": _region_work(user, administered) if administered else None,
            "sees_patients": access.may_see_patient_data(user),
            "inbox": _inbox_counts(user, responsible),
            # What other apps add (a researcher's studies): ``portal.contributions``.
            "home_sections": contributions.staff_home_sections(request),
        },
    )


# The user's roles with their clinics (``user.clinic_roles``), compiled to SQL once per
# process (``core.prepared``, decision 0044): read on every staff home (issue 16).
_MEMBERSHIPS = Prepared(
    lambda user_id: (
        ClinicRole.objects.filter(user_id=user_id)
        .select_related("clinic")
        .order_by("clinic__name", "role")
    )
)


def _region_work(user, administered: set[int]) -> dict:
    """How many clinics of the list's first page must be fixed (five queries, for one
    clinic or a page of them: ``clinic_needs``) and how many notifications could not be
    sent (one count, as the page that lists them reads them)."""
    return {
        "clinics": clinic_needs.of_first_page(access.managed_clinic_ids(user)),
        "failed": Notification.objects.failed_for_clinics(
            access.delivery_failure_clinic_ids(user),
            region_ids=administered,
            urgent_clinic_ids=access.urgent_delivery_failure_clinic_ids(user),
        ).count(),
    }


def _inbox_counts(user, responsible: list):
    """The counts at the top of the user's inbox (therapists, supervisors, managers)."""
    if not access.may_see_patient_data(user) or not scope.has_inbox(user):
        return None
    # Nobody is asked for (no ``?therapist=``): the team's therapists are not needed.
    choice = scope.choose(user, None, [])
    # Counted, not built: the page shows the numbers only (issue 16).
    if not choice.team and choice.therapist == user:
        # A therapist's own inbox is ``scope.caseload``'s filter of the episodes already
        # read: open ones, ended ones while the patient may still write or a message of
        # theirs waits for a reply; no training. The read-only day on the episode's
        # clinic's calendar, not the reader's (its clinic is read: decision 0109).
        now = timezone.now()
        return worklist.tally(
            {
                e.pk: e
                for e in responsible
                if not e.is_training
                and (
                    e.status != Episode.Status.ENDED
                    or (
                        e.read_only_from is not None
                        and e.read_only_from > clinic_dates.clinic_date(e.clinic, now)
                    )
                    or e.patient_waits
                )
            }
        )
    # A team's (read by the clinics' ranges, as a therapist's: decisions 0053, 0057).
    return worklist.tally(scope.CaseloadRead(user, choice))
