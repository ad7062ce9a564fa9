"""The patient's own research pages: invitations, consent, their studies, withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core.decorators import patient_required

from .. import actions
from ..forms import WithdrawForm
from ..models import Participant
from .common import sent_consent


def _own(user, pk: int) -> Participant:
    participant = Participant.objects.of_patient(user).select_related("study").filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


@patient_required
def my_studies(request: HttpRequest) -> HttpResponse:
    language = request.user.patient_record.preferred_language
    items = []
    for p in Participant.objects.of_patient(request.user).select_related(
        "study", "consent_version", "episode"
    ):
        consent = p.consent_version or actions.latest_consent(p.study, language)
        # An invitation not yet answered whose study stopped recruiting or whose course
        # ended says so, instead of a consent button that is refused (decision 0135).
        answered = p.consented_at or p.excluded_at or p.withdrawn_at
        closed = "" if answered else actions.invitation_closed(p)
        items.append({"p": p, "consent": consent, "closed": closed})
    return render(
        request, "research/my_studies.html", {"items": items, "withdraw_form": WithdrawForm()}
    )


def _answer(request, pk, write, success):
    participant = _own(request.user, pk)
    try:
        write(participant)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("my_studies")


@require_POST
@patient_required
def my_study_consent(request: HttpRequest, pk: int) -> HttpResponse:
    def write(participant):
        consent = sent_consent(request, participant.study)
        if consent is None:
            raise ValidationError(_("Read the consent text and try again."))
        actions.do_give_consent(participant, consent, acting_user=request.user)

    return _answer(request, pk, write, _("Thank you: you have consented to take part."))


@require_POST
@patient_required
def my_study_decline(request: HttpRequest, pk: int) -> HttpResponse:
    def write(participant):
        actions.do_decline(participant, acting_user=request.user)

    return _answer(request, pk, write, _("You have declined. Your care is not affected."))


@require_POST
@patient_required
def my_study_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    form = WithdrawForm(request.POST)

    def write(participant):
        if not form.is_valid():
            raise ValidationError(_("Choose what happens to your research data."))
        actions.do_withdraw(
            participant, acting_user=request.user, choice=form.cleaned_data["choice"]
        )

    return _answer(
        request, pk, write, _("You have withdrawn from the study. Your care continues unchanged.")
    )
