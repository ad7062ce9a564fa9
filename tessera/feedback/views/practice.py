"""Practice feedback: a therapist answers a training patient's made-up worksheets with
the templates and the check, and keeps the replies (never sent, never a Message)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Clinic, Episode
from tessera.core.refusals import say_refused

from .. import actions, compose
from ..forms import PracticeReplyForm, PracticeStartForm
from ..models import PracticeReply, PracticeWorksheet

REPLIES_PER_PAGE = 10


def _practice_clinics(user) -> list[Clinic]:
    ids = access.practice_clinic_ids(user)
    if not ids:
        raise PermissionDenied
    return list(Clinic.objects.filter(pk__in=ids).order_by("name"))


def _training_episode(user):
    return (
        Episode.objects.visible_to(user)
        .filter(therapist=user, patient__is_training=True)
        .select_related("patient", "clinic")
        .order_by("-created_at", "-id")
        .first()
    )


@staff_required
@require_GET
def practice_home(request: HttpRequest) -> HttpResponse:
    """The first practice worksheet, or the form that creates the practice patient."""
    clinics = _practice_clinics(request.user)
    episode = _training_episode(request.user)
    if episode is not None:
        first = episode.practice_worksheets.order_by("position").first()
        if first is not None:
            return practice_worksheet(request, first.pk)
    form = PracticeStartForm(clinics=clinics, initial={"language": request.LANGUAGE_CODE[:2]})
    return render(request, "feedback/practice_start.html", {"form": form})


@staff_required
@require_POST
def practice_start(request: HttpRequest) -> HttpResponse:
    clinics = _practice_clinics(request.user)
    data = request.POST.copy()
    if not data.get("clinic") and len(clinics) == 1:
        data["clinic"] = str(clinics[0].pk)
    data.setdefault("language", "en")
    form = PracticeStartForm(data, clinics=clinics)
    if not form.is_valid():
        return render(request, "feedback/practice_start.html", {"form": form})
    clinic = next(c for c in clinics if c.pk == form.cleaned_data["clinic"])
    episode = actions.do_create_training_patient(
        request.user, clinic, acting_user=request.user, language=form.cleaned_data["language"]
    )
    if getattr(episode, "sent_before", False):
        say_refused(request, _("This was already done. Nothing was sent twice."))
    else:
        messages.success(request, _("Your practice patient is ready."))
    return redirect("feedback_practice")


@staff_required
@require_http_methods(["GET", "POST"])
def practice_worksheet(request: HttpRequest, worksheet_id: int) -> HttpResponse:
    _practice_clinics(request.user)
    worksheet = (
        PracticeWorksheet.objects.filter(
            pk=worksheet_id,
            episode__in=Episode.objects.visible_to(request.user).filter(
                therapist=request.user, patient__is_training=True
            ),
        )
        .select_related("episode__patient", "episode__clinic")
        .first()
    )
    if worksheet is None:
        raise Http404
    episode = worksheet.episode
    # "resume": back from the pages that work without script (the template filled in,
    # the check) with the text there: shown in the reply, not saved.
    resume = request.method == "POST" and "resume" in request.POST
    if resume:
        form = PracticeReplyForm(initial={"body": request.POST.get("body", "")})
    else:
        form = PracticeReplyForm(request.POST or None)
    if request.method == "POST" and not resume and form.is_valid():
        remarks = compose.check(form.cleaned_data["body"], episode, worksheet)
        try:
            actions.do_save_practice_reply(
                worksheet,
                acting_user=request.user,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
                unmet=[r.code for r in remarks if not r.met],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Your practice reply was saved."))
            return redirect("feedback_practice_worksheet", worksheet_id=worksheet.pk)
    if request.method == "GET" or resume:
        record_patient_read(
            request.user, episode.patient, "practice", obj=worksheet, clinic=episode.clinic
        )
    replies = PracticeReply.objects.filter(
        author=request.user, worksheet__episode=episode
    ).select_related("worksheet")
    page = Paginator(replies, REPLIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/practice.html",
        {
            "episode": episode,
            "worksheet": worksheet,
            "worksheets": episode.practice_worksheets.order_by("position"),
            "form": form,
            "page": page,
            "compose_form_id": "practice-form",
        },
    )
