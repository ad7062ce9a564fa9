"""The inbox, and marking a worksheet as seen from it. (The patient overview, which
gathers sections from many apps, is in the portal.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access, audit
from tessera.core.decorators import staff_required
from tessera.core.models import Episode
from tessera.treatment.models import WorksheetAnswer

from . import actions, scope, worklist
from .items import KIND_LABELS

PAGE_SIZE = 50


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.has_inbox(user):
        raise PermissionDenied
    therapists = scope.team_therapists(user)
    choice = scope.choose(user, request.GET.get("therapist"), therapists)
    work = worklist.build(scope.caseload(user, choice))
    kind = request.GET.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    page = Paginator(work.of_kind(kind), PAGE_SIZE).get_page(request.GET.get("page"))
    patients = sorted({item.episode.patient_id for item in page.object_list})
    if patients:
        audit.record("inbox.viewed", actor=user, changes={"patients": patients})
    return render(
        request,
        "inbox/inbox.html",
        {
            "work": work,
            "page": page,
            "kind": kind,
            "kind_label": KIND_LABELS.get(kind, ""),
            "therapists": therapists,
            "has_team": bool(scope.team_clinic_ids(user)),
            "choice": choice,
            "selected": request.GET.get("therapist", ""),
        },
    )


@staff_required
@require_POST
def worksheet_seen(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = request.user
    if not access.may_mark_worksheets(user):
        raise PermissionDenied
    episodes = Episode.objects.visible_to(user).values("pk")
    answer = WorksheetAnswer.objects.filter(
        pk=answer_id, entry__episode__in=episodes, submitted_at__isnull=False
    ).first()
    if answer is None:
        raise Http404
    actions.do_mark_worksheet_seen(answer, acting_user=user)
    messages.success(request, _("The worksheet was marked as seen; no reply is needed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("inbox")
    return redirect(target)
