"""The patient overview: one page per episode, gathering the sections every app
contributes (``portal.contributions``), and adding a clinical note from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import ChangeTherapistForm, add_action_errors
from tessera.core.known_related import with_role_clinics
from tessera.core.models import Episode
from tessera.core.refusals import say_refused
from tessera.inbox import actions
from tessera.inbox.forms import ClinicalNoteForm
from tessera.inbox.items import messages_url
from tessera.treatment.actions import do_note_therapist_first_look

from .. import contributions


def _visible_episode(user, episode_id: int) -> Episode:
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .filter(pk=episode_id)
        .select_related("patient", "therapist", "programme_version")
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
    for section in contributions.overview_sections():
        context = {**base, "section": section, **section.load(request, episode)}
        html = render_to_string(section.template, context)
        if html.strip():  # a section with nothing to say for this episode is left out
            parts.append((section, html))
    return render(
        request,
        "portal/overview.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sections": parts,
            "messages_url": messages_url(episode.pk),
            "change_therapist_form": ChangeTherapistForm.for_episode(request.user, episode),
        },
        status=status,
    )


@staff_required
def episode_overview(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _visible_episode(request.user, episode_id)
    record_patient_read(
        request.user, episode.patient, "overview", obj=episode, clinic=episode.clinic
    )
    do_note_therapist_first_look(episode, acting_user=request.user)
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
            note = actions.do_add_clinical_note(
                episode,
                acting_user=request.user,
                text=form.cleaned_data["text"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_action_errors(form, error, default="text")
        else:
            if getattr(note, "sent_before", False):
                say_refused(request, _("This note was already added. Nothing was added twice."))
            else:
                messages.success(request, _("The note was added."))
            url = reverse("episode_overview", kwargs={"episode_id": episode.pk})
            return redirect(f"{url}#notes")
    request.note_form = form
    return _render_overview(request, episode, status=400)
