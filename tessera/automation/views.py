"""The patient asks for help: a short text that reaches the clinic's staff on call."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from tessera.core import crisis
from tessera.core.decorators import patient_required
from tessera.core.forms import add_action_errors
from tessera.treatment import plans

from . import actions
from .actions.help import HELP_MAX_LENGTH
from .forms import HelpForm


def _contacts(episode) -> list:
    return crisis.contacts_for(episode.clinic, get_language())


@patient_required
@require_http_methods(["GET", "POST"])
def ask_for_help(request: HttpRequest) -> HttpResponse:
    episode = plans.patient_episode(request.user)
    if episode is None:
        return _treatment_ended(request)
    form = HelpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_ask_for_help(
                episode, acting_user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("ask_for_help_sent")
    return render(
        request,
        "automation/ask_for_help.html",
        {"form": form, "crisis_contacts": _contacts(episode)},
    )


def _treatment_ended(request: HttpRequest) -> HttpResponse:
    """The page left open (or bookmarked) when the treatment ended: nothing reaches the
    clinic from it any more, so it says so, shows what was typed (not sent) and the
    crisis numbers. It answered "Page not found", and a call for help was lost without
    a word and without the numbers to call."""
    episode = plans.latest_episode(request.user)
    if episode is None:
        raise Http404
    return render(
        request,
        "automation/help_ended.html",
        {
            "crisis_contacts": _contacts(episode),
            "not_sent": (request.POST.get("text") or "").strip()[:HELP_MAX_LENGTH],
        },
    )


@patient_required
def ask_for_help_sent(request: HttpRequest) -> HttpResponse:
    episode = plans.patient_episode(request.user)
    if episode is None:
        # Opened again after the treatment ended (the browser's history, a tab left
        # open): a bare "Page not found" had no crisis numbers on it.
        return _treatment_ended(request)
    return render(request, "automation/help_sent.html", {"crisis_contacts": _contacts(episode)})
