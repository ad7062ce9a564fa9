"""Letters for staff: the list per episode, writing one, and reading or downloading it."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tessera.core import access, audit
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import form_error_texts, submission_key_field
from tessera.core.known_related import with_role_clinics
from tessera.core.middleware import restoring_typed_text
from tessera.core.models import Episode
from tessera.core.refusals import say_refused

from . import actions
from . import render as letter_render
from .forms import LetterChoicesForm
from .models import Letter

logger = logging.getLogger("tessera.letters")

# An episode's letters grow with its years (each receipt, start, progress and ending
# letter): paged, the latest first (decision 0140).
LETTERS_PER_PAGE = 25


class WriteForm(LetterChoicesForm):
    kind = forms.ChoiceField(label=gettext_lazy("Letter"), choices=Letter.Kind.choices)
    submission_key = submission_key_field()
    field_order = ["kind", "language", "letter_note"]


def _episode(user, episode_id: int) -> Episode:
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .select_related("patient", "therapist")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _letter(user, pk: int) -> Letter:
    letter = (
        with_role_clinics(Letter.objects.visible_to(user), user)
        .select_related("patient")
        .filter(pk=pk)
        .first()
    )
    if letter is None:
        raise Http404
    return letter


@staff_required
def episode_letters(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    record_patient_read(
        request.user, episode.patient, "letters", obj=episode, clinic=episode.clinic
    )
    return render(
        request,
        "letters/episode_letters.html",
        {
            "episode": episode,
            # Each writer once (one query, none when there is no letter): joined, the
            # users' key was read per letter, or walked whole (issue 16, decision 0083).
            "page": Paginator(
                episode.letters.prefetch_related("created_by"), LETTERS_PER_PAGE
            ).get_page(request.GET.get("page")),
            "form": WriteForm(clinic=episode.clinic),
            "may_write": access.may_tailor_plan(request.user, episode),
            "refusal": access.gp_letter_refusal(episode.patient),
        },
    )


@staff_required
@require_POST
def letter_write(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    if not access.may_tailor_plan(request.user, episode):
        raise Http404
    form = WriteForm(request.POST, clinic=episode.clinic)
    try:
        if not form.is_valid():
            raise ValidationError(form_error_texts(form))
        letter = actions.do_write_letter(
            episode,
            form.cleaned_data["kind"],
            acting_user=request.user,
            language=form.cleaned_data["language"],
            note=form.cleaned_data["letter_note"],
            submission_key=form.cleaned_data["submission_key"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        # Back to the page, where idle.js puts back the note and choices (it was lost).
        return restoring_typed_text(
            redirect("episode_letters", episode_id=episode.pk), refused=True
        )
    if getattr(letter, "sent_before", False):
        say_refused(request, _("This letter was already written; here it is. No second copy."))
    else:
        messages.success(request, _("The letter was written. Print it or download the PDF."))
    return redirect("letter_detail", pk=letter.pk)


def _record_read(user, letter: Letter) -> None:
    """A read of a letter: a patient read once there is a patient; before that (a letter
    about an application) an intake read of the application."""
    if letter.patient_id:
        record_patient_read(user, letter.patient, "letter", obj=letter, clinic=letter.clinic)
        return
    audit.record(
        "letter.viewed",
        actor=user,
        clinic=letter.clinic,
        obj=letter,
        purpose="intake",
        actor_role=access.actor_role_label(user, letter.clinic_id),
    )


@staff_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request.user, pk)
    _record_read(request.user, letter)
    return render(request, "letters/letter_detail.html", {"letter": letter})


@staff_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request.user, pk)
    _record_read(request.user, letter)
    try:
        pdf = letter_render.to_pdf(letter)
    except Exception as exc:  # WeasyPrint (fonts, Pango, memory): the letter itself is whole
        logger.warning("letter.pdf_failed id=%s error=%s", letter.pk, type(exc).__name__)
        say_refused(
            request,
            _(
                "The PDF could not be made just now. The letter is kept as written: "
                "print it from this page, or try the download again later."
            ),
        )
        return redirect("letter_detail", pk=letter.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name carries only the letter's number, never the patient's name.
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.pdf"'
    return response
