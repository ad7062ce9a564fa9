"""The inbox, the patient overview, and the two small writes they offer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access, audit
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.models import Episode
from tessera.treatment import overview
from tessera.treatment.models import WorksheetAnswer

from . import actions, scope, worklist
from .forms import ClinicalNoteForm
from .items import KIND_LABELS, messages_url

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
            "choice": choice,
            "selected": request.GET.get("therapist", ""),
        },
    )


def _visible_episode(user, episode_id: int) -> Episode:
    episode = (
        Episode.objects.visible_to(user)
        .filter(pk=episode_id)
        .select_related("patient", "clinic", "therapist", "programme_version")
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _render_overview(request, episode, *, status: int = 200) -> HttpResponse:
    # Sections render without the context processors (the menu would cost queries per
    # section); what they may need from the request is passed here.
    base = {
        "episode": episode,
        "patient": episode.patient,
        "request": request,
        "user": request.user,
        "csrf_token": get_token(request),
    }
    parts = []
    for section in overview.sections():
        context = {**base, "section": section, **section.load(request, episode)}
        parts.append((section, render_to_string(section.template, context)))
    return render(
        request,
        "inbox/overview.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sections": parts,
            "messages_url": messages_url(episode.pk),
        },
        status=status,
    )


@staff_required
def episode_overview(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _visible_episode(request.user, episode_id)
    record_patient_read(
        request.user, episode.patient, "overview", obj=episode, clinic=episode.clinic
    )
    return _render_overview(request, episode)


@staff_required
@require_POST
def note_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _visible_episode(request.user, episode_id)
    if not access.episode_in_own_scope(request.user, episode):
        raise PermissionDenied  # a colleague consulted on the case reads notes, adds none
    form = ClinicalNoteForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_clinical_note(
                episode, acting_user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for message in error.message_dict.get("text", error.messages):
                form.add_error("text", message)
        else:
            messages.success(request, _("The note was added."))
            url = reverse("episode_overview", kwargs={"episode_id": episode.pk})
            return redirect(f"{url}#notes")
    request.note_form = form
    return _render_overview(request, episode, status=400)


@staff_required
@require_POST
def worksheet_seen(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = request.user
    if not scope.has_inbox(user):
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
