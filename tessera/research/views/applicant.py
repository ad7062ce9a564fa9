"""Research information inside the self-referral flow: the applicant's page of the
studies open at the clinic they apply to, with consent and decline apart from the
application itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.intake.models import Application

from .. import actions
from ..models import ApplicationAnswer, Study
from .common import sent_consent


def _own_application(request, pk: int) -> Application:
    application = (
        Application.objects.filter(pk=pk, applicant=request.user).select_related("clinic").first()
    )
    if application is None:
        raise Http404
    return application


@login_required
def application_studies(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    answers = {
        a.study_id: a
        for a in ApplicationAnswer.objects.filter(application=application).select_related(
            "consent_version"
        )
    }
    items = [
        {
            "study": study,
            "consent": actions.latest_consent(study, application.language),
            "answer": answers.get(study.pk),
        }
        for study in actions.open_studies_for(application)
    ]
    return render(
        request, "research/application_studies.html", {"application": application, "items": items}
    )


def _answer(request, pk: int, study_id: int, consent_wanted: bool) -> HttpResponse:
    application = _own_application(request, pk)
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        raise Http404
    consent = None
    if consent_wanted:
        consent = sent_consent(request, study)
    try:
        if consent_wanted and consent is None:
            raise ValidationError(_("Read the consent text and try again."))
        actions.do_answer_at_application(
            application, study, consent=consent, acting_user=request.user
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request,
            _("Thank you: you have consented to take part. Your application goes on as before.")
            if consent_wanted
            else _("You have declined. Your application goes on as before."),
        )
    return redirect("application_studies", pk=application.pk)


@require_POST
@login_required
def application_study_consent(request: HttpRequest, pk: int, study_id: int) -> HttpResponse:
    return _answer(request, pk, study_id, True)


@require_POST
@login_required
def application_study_decline(request: HttpRequest, pk: int, study_id: int) -> HttpResponse:
    return _answer(request, pk, study_id, False)
