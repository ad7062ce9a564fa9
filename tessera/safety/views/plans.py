"""The safety plan: the patient's own page (one tap from every page) and the care
team's page for the same plan. Both can print it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tessera.core import access, crisis
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Episode
from tessera.treatment import plans

from ..actions.plans import EditedMeanwhile, do_save_safety_plan, plan_for
from ..forms.plans import SafetyPlanForm
from ..models import SAFETY_PLAN_KEYS


def _contacts(episode) -> list:
    return crisis.contacts_for(episode.clinic, get_language())


def _page(request, episode, *, done_url: str, editable: bool) -> HttpResponse:
    plan = plan_for(episode)
    form = None
    status = 200
    if request.method == "POST" and editable:
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                do_save_safety_plan(
                    episode,
                    acting_user=request.user,
                    parts={k: form.cleaned_data[k] for k in SAFETY_PLAN_KEYS},
                    based_on=form.cleaned_data["based_on"],
                )
            except EditedMeanwhile as meanwhile:
                plan = meanwhile.plan
                form.add_error(
                    None,
                    _(
                        "Someone else saved the plan while you were writing. Their version "
                        "is shown above; your text is still in the form. Copy what you "
                        "want to keep and save again."
                    ),
                )
                form.data = form.data.copy()
                form.data["based_on"] = str(plan.version)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The safety plan was saved."))
                return redirect(done_url)
        status = 400
    elif request.GET.get("edit") and editable:
        form = SafetyPlanForm(initial={"based_on": plan.version, **plan.parts})
    not_saved = []
    if request.method == "POST" and not editable:
        # Sent from a page left open while the treatment ended: it answered the plan as
        # it was, without a word, and what was written was gone. Say so, and show it.
        fields = SafetyPlanForm().fields
        not_saved = [
            (fields[key].label, request.POST[key].strip()[:2000])
            for key in SAFETY_PLAN_KEYS
            if (request.POST.get(key) or "").strip()
        ]
        status = 409
    if status in (200, 409):
        record_patient_read(
            request.user, episode.patient, "safety_plan", obj=episode, clinic=episode.clinic
        )
    template = (
        "safety/safety_plan_print.html" if request.GET.get("print") else "safety/safety_plan.html"
    )
    return render(
        request,
        template,
        {
            "episode": episode,
            "plan": plan,
            "form": form,
            "editable": editable,
            "contacts": _contacts(episode),
            "own": episode.patient.user_id == request.user.pk,
            "not_saved": not_saved,
            "sent_not_saved": request.method == "POST" and not editable,
        },
        status=status,
    )


@patient_required
def my_safety_plan(request: HttpRequest) -> HttpResponse:
    # After the end too, for good: the plan and the crisis numbers matter most then
    # (issue 14). Only an open episode's plan can be changed.
    episode = plans.latest_episode(request.user)
    if episode is None:
        # No clinic to take the numbers from: the country's emergency number, by the
        # patient's record, language or the site's default (tessera.core.crisis).
        patient = getattr(request.user, "patient", None)
        country = crisis.country_for_patient(patient, get_language())
        emergency = crisis.emergency_number(country)
        return render(
            request,
            "safety/safety_plan_none.html",
            {"emergency_number": emergency, "country": country},
        )
    return _page(request, episode, done_url=request.path, editable=episode.status != "ended")


@staff_required
def episode_safety_plan(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = (
        Episode.objects.visible_to(request.user)
        .select_related("patient", "clinic")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    # The care team writes it with the patient; a colleague consulted on the case reads it.
    editable = episode.status != "ended" and access.episode_in_own_scope(request.user, episode)
    return _page(request, episode, done_url=request.path, editable=editable)
