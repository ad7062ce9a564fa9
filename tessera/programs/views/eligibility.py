"""A clinic's eligibility rules, for its clinic managers and the region's administrators
(``access.managed_clinic_ids``): the programmes the clinic can offer with the rules that
hold there, the form to change a programme's rules, and "try it" with a made-up
screening. No patient data is shown or used here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.known_related import clinic_by_slug
from tessera.core.models import Clinic
from tessera.programs.matching import band_words, candidates_for_clinic
from tessera.programs.matching.engine import Score, ScreeningSummary, match
from tessera.programs.matching.rules import describe_rules

from ..eligibility import (
    do_reset_clinic_eligibility,
    do_save_clinic_eligibility,
    effective_rules,
    latest_published,
    overrides_for,
    published_versions,
)
from ..forms import as_json
from ..forms.eligibility import ClinicEligibilityForm, TryForm
from ..models import ClinicEligibility, Programme


def _managed_clinic(user, slug: str) -> Clinic:
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.managed_clinic_ids(user):
        raise Http404
    return clinic


def _offered(clinic: Clinic, pk: int):
    """The programme and its latest published version, if the clinic can offer it."""
    programme = get_object_or_404(Programme, pk=pk, region_id=clinic.region_id)
    version = latest_published(programme)
    if version is None:
        raise Http404
    return programme, version


@staff_required
def clinic_programmes(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    overrides = overrides_for([clinic.pk])
    rows = []
    for version in published_versions([clinic.region_id]):
        override = overrides.get((clinic.pk, version.programme_id))
        rows.append(
            {
                "version": version,
                "own": override is not None,
                "rules": describe_rules(effective_rules(version, override), version.languages),
            }
        )
    return render(request, "programs/clinic_programmes.html", {"clinic": clinic, "rows": rows})


def _try(request: HttpRequest, clinic: Clinic):
    """The "try it" form (GET, prefix "try") and, when filled in, the suggestions."""
    if "try-age" not in request.GET:
        return TryForm(prefix="try"), None
    form = TryForm(request.GET, prefix="try")
    if not form.is_valid():
        return form, None
    scores = tuple(
        Score(code, total, band_words(code, None, total)) for code, total in form.totals()
    )
    screening = ScreeningSummary(
        age=form.cleaned_data["age"],
        language=form.cleaned_data["language"],
        scores=scores,
        risk_flags=("PHQ-9",) if form.cleaned_data["risk"] else (),
    )
    return form, match(screening, candidates_for_clinic(clinic))


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_programme_eligibility(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    programme, version = _offered(clinic, pk)
    override = ClinicEligibility.objects.filter(clinic=clinic, programme=programme).first()
    rules = effective_rules(version, override)
    data = request.POST if request.method == "POST" else None
    form = ClinicEligibilityForm(data, version=version, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            do_save_clinic_eligibility(
                clinic, programme, acting_user=request.user, rules=form.rules()
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The rules for this clinic were saved."))
            return redirect("clinic_programme_eligibility", slug=clinic.slug, pk=programme.pk)
    try_form, suggestions = _try(request, clinic)
    return render(
        request,
        "programs/clinic_eligibility.html",
        {
            "clinic": clinic,
            "programme": programme,
            "version": version,
            "override": override,
            "form": form,
            "rules_words": describe_rules(rules, version.languages),
            "rules_json": as_json(rules) or "{}",
            "published_words": describe_rules(version.eligibility, version.languages),
            "try_form": try_form,
            "suggestions": suggestions,
        },
    )


@staff_required
@require_POST
def clinic_programme_eligibility_reset(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    programme, _version = _offered(clinic, pk)
    if do_reset_clinic_eligibility(clinic, programme, acting_user=request.user):
        messages.success(request, _("This clinic now uses the programme's published rules."))
    return redirect("clinic_programme_eligibility", slug=clinic.slug, pk=programme.pk)
