"""Applicants writing to the clinic, and the intake team answering (issue 14): the
conversation is shown on the applicant's status page and on the application's page in
the queue; each side's messages are marked read when the other side opens it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import form_error_texts
from tessera.core.middleware import restoring_typed_text

from ..actions import messages as message_actions
from ..forms import ApplicationMessageForm
from ..models import Application


def conversation(request, application: Application, form=None) -> dict:
    """The conversation and, for whoever may write, the form (a fresh key each time)."""
    message_actions.do_mark_read(application, acting_user=request.user)
    staff = request.user.pk != application.applicant_id
    may_write = (
        access.may_triage(request.user, application)
        if staff
        else access.may_write_to_clinic(request.user, application)
    )
    if may_write and form is None:
        form = ApplicationMessageForm(initial={"submission_key": uuid.uuid4()})
    return {
        "conversation": list(application.messages.select_related("author")),
        "message_form": form if may_write else None,
        "staff_view": staff,
    }


def _send(request, application, do) -> bool:
    form = ApplicationMessageForm(request.POST)
    if not form.is_valid():
        if (request.POST.get("body") or "").strip():  # too long, or the like: say which
            messages.error(request, " ".join(form_error_texts(form)))
        else:
            messages.error(request, _("Write your message."))
        return False
    try:
        do(
            application,
            acting_user=request.user,
            body=form.cleaned_data["body"],
            submission_key=form.cleaned_data["submission_key"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    except PermissionDenied as exc:
        raise Http404 from exc
    return True


@login_required
@require_POST
def write_to_clinic(request: HttpRequest, pk: int) -> HttpResponse:
    application = (
        Application.objects.visible_to(request.user)
        .filter(pk=pk, applicant=request.user)
        .select_related("clinic")
        .first()
    )
    if application is None:
        raise Http404
    if _send(request, application, message_actions.do_write_to_clinic):
        messages.success(request, _("Your message has been sent to the clinic."))
        return redirect(f"{application_status_url(application)}#conversation")
    # Refused: back to the page, where idle.js puts back the message (it was lost).
    return restoring_typed_text(
        redirect(f"{application_status_url(application)}#conversation"), refused=True
    )


@staff_required
@require_POST
def answer_applicant(request: HttpRequest, pk: int) -> HttpResponse:
    application = (
        Application.objects.visible_to(request.user)
        .filter(pk=pk, clinic_id__in=access.intake_clinic_ids(request.user))
        .select_related("clinic")
        .first()
    )
    if application is None:
        raise Http404
    if _send(request, application, message_actions.do_answer_applicant):
        messages.success(request, _("Your answer has been sent to the applicant."))
        return redirect("intake_application", pk=application.pk)
    return restoring_typed_text(redirect("intake_application", pk=application.pk), refused=True)


def application_status_url(application: Application) -> str:
    return reverse("intake_status", args=[application.pk])
