"""The home pages: the welcome page, the patient's home and the staff member's home."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.core import access
from tessera.core.models import Episode
from tessera.inbox import scope, worklist
from tessera.messaging.conversation import unread_count
from tessera.treatment import diary, plans
from tessera.treatment.models import DueMeasure


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/welcome.html")
    if user.is_staff_member:
        return staff_home(request)
    due = (
        DueMeasure.objects.visible_to(user).filter(episode__patient__user=user).open_now()
        if user.patient_record
        else DueMeasure.objects.none()
    )
    episode = plans.patient_episode(user) if user.patient_record else None
    next_module = plans.next_step(plans.episode_states(episode)) if episode else None
    return render(
        request,
        "portal/patient_home.html",
        {
            "patient": user.patient_record,
            "due": due.order_by("due_at")[:10],
            "next_module": next_module,
            "unread_messages": unread_count(user) if user.patient_record else 0,
            # This week's homework (tessera.treatment.diary): its own panel.
            "homework": diary.week_panel(episode),
            # Blended and face-to-face care have booked sessions; no query (the episode
            # is already loaded).
            "has_sessions": episode is not None
            and episode.care_model in (Episode.CareModel.BLENDED, Episode.CareModel.FACE_TO_FACE),
        },
    )


def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    caseload = (
        Episode.objects.visible_to(user)
        .filter(therapist=user, patient__is_training=False)
        .open()
        .select_related("patient", "clinic")
    )
    page = Paginator(caseload, 25).get_page(request.GET.get("page"))
    overdue = (
        DueMeasure.objects.visible_to(user)
        .filter(episode__therapist=user)
        .overdue()
        .select_related("episode__patient")
        .order_by("due_at")[:20]
    )
    memberships = user.clinic_roles.select_related("clinic").order_by("clinic__name", "role")
    return render(
        request,
        "portal/staff_home.html",
        {
            "page": page,
            "overdue": overdue,
            "memberships": memberships,
            "regions": user.region_roles.select_related("region"),
            "sees_patients": access.may_see_patient_data(user),
            "inbox": _inbox_counts(user),
        },
    )


def _inbox_counts(user):
    """The counts at the top of the user's inbox (therapists, supervisors, managers)."""
    if not access.may_see_patient_data(user) or not scope.has_inbox(user):
        return None
    choice = scope.choose(user, None, scope.team_therapists(user))
    return worklist.build(scope.caseload(user, choice))
