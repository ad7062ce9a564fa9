"""Home pages and the health check."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tessera.core.models import Episode
from tessera.treatment import diary, plans
from tessera.treatment.models import DueMeasure

from .. import access


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/welcome.html")
    if user.is_staff_member:
        return staff_home(request)
    due = (
        DueMeasure.objects.visible_to(user).filter(episode__patient__user=user).open_now()
        if user.patient_record
        else DueMeasure.objects.none()
    )
    episode = plans.patient_episode(user) if user.patient_record else None
    next_module = plans.next_step(plans.episode_states(episode)) if episode else None
    from tessera.messaging.conversation import unread_count

    return render(
        request,
        "core/patient_home.html",
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
        "core/staff_home.html",
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
    from tessera.inbox import scope, worklist

    if not access.may_see_patient_data(user) or not scope.has_inbox(user):
        return None
    choice = scope.choose(user, None, scope.team_therapists(user))
    return worklist.build(scope.caseload(user, choice))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; says nothing about data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
