"""Recruiting and following participants, CONSORT and the export (study staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access, audit, searches
from tessera.core.decorators import staff_required
from tessera.core.forms import form_error_texts
from tessera.core.middleware import restoring_typed_text
from tessera.core.models import Episode
from tessera.core.refusals import say_refused

from .. import actions, consort, eligibility
from ..forms import (
    INVITE_MATCHES,
    DeviationForm,
    DiscontinueForm,
    ExcludeForm,
    InviteForm,
    ReasonForm,
)
from ..models import Participant, ResearchMeasure
from .common import get_participant, get_study

# "Everyone asked" grows with the study, to thousands at a national site: paged, as the
# clinic's other lists are (decision 0140).
PARTICIPANTS_PER_PAGE = 50


def _invitable(user, study):
    """The episodes this recruiter may invite to the study (the access policy's), not
    read here: a choice sent is checked against them, one row."""
    taken = study.participants.values("episode")
    return Episode.objects.filter(access.recruitable_episode_q(user, study)).exclude(pk__in=taken)


def _found(user, study, query: str) -> tuple[list, bool]:
    """The invitable patients these words name, searched as the patient list searches
    (``EpisodeQuerySet.named``), the first ``INVITE_MATCHES`` by name, and whether more
    matched (decision 0139). One query, whatever the number of patients."""
    rows = list(
        _invitable(user, study)
        .named(query)
        .select_related("clinic")
        .only(
            "id",
            "patient_id",
            "patient_first_name",
            "patient_last_name",
            "patient_date_of_birth",
            "clinic__name",
        )
        .order_by("patient_last_name", "patient_first_name", "pk")[: INVITE_MATCHES + 1]
    )
    return rows[:INVITE_MATCHES], len(rows) > INVITE_MATCHES


def _invite_search(request, study, form) -> tuple[InviteForm, dict]:
    """The invitation's form, offering the patients its search found, and what the page
    says of the search (decision 0139). The words come back from the session under the
    token in the address, or in the choice sent (a choice refused shows the search again,
    as it is now). Each search that shows someone is audited as the patient list's."""
    user = request.user
    sent = request.POST if request.method == "POST" else request.GET
    params, search_lost = searches.searched(request, ["q"], params=sent)
    query = params.get("q", "").strip()[:100]
    found, more = _found(user, study, query) if query else ([], False)
    if found:
        audit.record(
            "patient.list_viewed",
            actor=user,
            changes={"patients": [episode.patient_id for episode in found]},
        )
    if form is None:
        form = InviteForm(episodes=_invitable(user, study), shown=found)
    else:
        form.show(found)
    search = {
        "q": query,
        "token": sent.get(searches.TOKEN, "")[:40],
        "found": found,
        "more": more,
        "search_lost": search_lost,
    }
    return form, search


@staff_required
@require_http_methods(["GET", "POST"])
def study_participants(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_study(request.user, pk)
    user = request.user
    recruits = access.may_recruit(user, study)
    if not (recruits or access.may_see_outcomes(user, study)):
        raise Http404
    form = None
    if request.method == "POST":
        if not recruits:
            raise Http404
        if "episode" not in request.POST:
            # The search: a name or identity number is kept out of the address, as the
            # patient list's (decision 0119).
            return searches.redirect_to_search(request, words=["q"])
        form = InviteForm(request.POST, episodes=_invitable(user, study))
        if form.is_valid():
            try:
                actions.do_invite(study, form.cleaned_data["episode"], acting_user=user)
            except ValidationError as exc:
                for error in exc.messages:
                    messages.error(request, error)
            else:
                messages.success(
                    request, _("The patient was invited; they answer on their own pages.")
                )
            return redirect("study_participants", pk=study.pk)
    search = {}
    if recruits and study.status == "recruiting":
        form, search = _invite_search(request, study, form)
    else:
        form = None
    if request.headers.get("HX-Request"):
        context = {"study": study, "form": form, "search": search}
        return render(request, "research/_invite_search_answer.html", context)
    participants = study.participants.newest_first().select_related(
        "arm", "episode__patient", "episode__clinic"
    )
    page = Paginator(participants, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "research/participants.html",
        {
            "study": study,
            "page": page,
            "form": form,
            "search": search,
            "sees_arms": access.may_see_arms(user, study),
            "sees_names": recruits,
        },
    )


def _measure_state(due, now) -> str:
    """What the participant's measure row says of a questionnaire not answered: one that
    expired unanswered is missed, not overdue for ever (as ``DueMeasure.is_overdue``)."""
    if due is None or due.completed_at:
        return ""
    if due.cancelled:
        return "cancelled"
    if due.expires_at <= now:
        return "expired"
    return "overdue" if due.is_overdue(now) else ""


@staff_required
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request.user, pk)
    study, user = participant.study, request.user
    recruits = access.may_recruit(user, study)
    outcomes = access.may_see_outcomes(user, study)
    if not (recruits or outcomes):
        raise Http404
    blinded = access.is_blinded(user, study)
    measures = (
        ResearchMeasure.objects.filter(participant=participant)
        .select_related("measure", "due__response", "due__episode__clinic")
        .order_by("measure__days_after_randomisation")
    )
    now = timezone.now()
    for rm in measures:
        rm.state = _measure_state(rm.due, now)
    actions.record_participant_read(
        user, participant, what="measures" if blinded else "participant"
    )
    check = None
    if recruits and not participant.eligibility_confirmed_at and not participant.excluded_at:
        check = eligibility.check(study, participant.episode)
    return render(
        request,
        "research/participant.html",
        {
            "p": participant,
            "study": study,
            "recruits": recruits,
            "blinded": blinded,
            "sees_arm": access.may_see_arms(user, study) or (blinded and participant.unblinded_at),
            "unblinds": access.may_unblind(user, study),
            "measures": measures,
            "check": check,
            "now": now,
            "exclude_form": ExcludeForm(prefix="ex"),
            "discontinue_form": DiscontinueForm(prefix="dc"),
            "reason_form": ReasonForm(prefix="ub"),
            "deviation_form": DeviationForm(prefix="dv"),
        },
    )


PREFIXES = {ExcludeForm: "ex", DiscontinueForm: "dc", ReasonForm: "ub", DeviationForm: "dv"}


def _participant_post(request, pk, write, success, form_class=None):
    participant = get_participant(request.user, pk)
    if not access.may_recruit(request.user, participant.study):
        raise Http404
    form = form_class(request.POST, prefix=PREFIXES[form_class]) if form_class else None
    if form is not None and not form.is_valid():
        for error in form_error_texts(form):
            messages.error(request, error)
        # Back to the page, where idle.js puts back what was typed (it was lost).
        return restoring_typed_text(redirect("participant_detail", pk=participant.pk), refused=True)
    try:
        done = write(participant, form.cleaned_data if form else {})
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return restoring_typed_text(redirect("participant_detail", pk=participant.pk), refused=True)
    else:
        if getattr(done, "sent_before", False):
            say_refused(request, _("This was already done. Nothing was sent twice."))
        else:
            messages.success(request, success)
    return redirect("participant_detail", pk=participant.pk)


@require_POST
@staff_required
def participant_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def write(p, _data):
        actions.do_confirm_eligibility(p, acting_user=request.user)

    return _participant_post(request, pk, write, _("Eligibility was confirmed."))


@require_POST
@staff_required
def participant_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    def write(p, data):
        actions.do_exclude(p, acting_user=request.user, **data)

    return _participant_post(request, pk, write, _("The exclusion was recorded."), ExcludeForm)


@require_POST
@staff_required
def participant_discontinue(request: HttpRequest, pk: int) -> HttpResponse:
    def write(p, data):
        actions.do_discontinue(p, acting_user=request.user, **data)

    return _participant_post(request, pk, write, _("It was recorded."), DiscontinueForm)


@require_POST
@staff_required
def participant_unblind(request: HttpRequest, pk: int) -> HttpResponse:
    def write(p, data):
        actions.do_unblind(p, acting_user=request.user, reason=data["reason"])

    return _participant_post(
        request, pk, write, _("The arm is revealed to the assessors."), ReasonForm
    )


@require_POST
@staff_required
def participant_deviation(request: HttpRequest, pk: int) -> HttpResponse:
    def write(p, data):
        return actions.do_record_deviation(p.study, acting_user=request.user, participant=p, **data)

    return _participant_post(request, pk, write, _("The deviation was recorded."), DeviationForm)


@staff_required
def study_consort(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_study(request.user, pk)
    if not access.may_see_arms(request.user, study):
        raise Http404
    flow = consort.flow(study)
    return render(
        request,
        "research/consort.html",
        {
            "study": study,
            "flow": flow,
            "completion": consort.completion(study),
            "svg": mark_safe(consort.svg(flow)),  # noqa: S308 - built from escaped text
            "deviations": study.deviations.select_related("participant")[:50],
        },
    )


@staff_required
def study_export(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_study(request.user, pk)
    if not access.may_export_study(request.user, study):
        raise Http404
    if request.method == "POST":
        data = actions.do_export(study, acting_user=request.user)
        response = HttpResponse(data, content_type="application/zip")
        name = f"{study.key}-export-{timezone.localdate():%Y%m%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "research/export.html",
        {
            "study": study,
            "counts": study.participants.randomised().count(),
            "removed": study.participants.filter(
                withdrawal=Participant.Withdrawal.REMOVE_FROM_EXPORTS
            ).count(),
        },
    )
