"""Questionnaire wording for clinic managers and region administrators: which
instruments ship their wording, and the form to enter a clinic's validated wording."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.known_related import clinic_by_slug
from tessera.core.models import Clinic
from tessera.core.models.organisation import LANGUAGE_CHOICES

from .actions import WordingError, do_save_clinic_wording
from .forms import ClinicWordingForm
from .scoring import Definition, UnknownInstrumentError, load_all, load_definition
from .wording import language_statuses, wording_for


def _managed_clinic(user, slug: str) -> Clinic:
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.managed_clinic_ids(user):
        raise Http404
    return clinic


def _definition(code: str) -> Definition:
    try:
        return load_definition(code)
    except UnknownInstrumentError:
        raise Http404 from None


def _language_name(code: str) -> str:
    for known, label in LANGUAGE_CHOICES:
        if known == code:
            return str(label)
    raise Http404


@staff_required
def instrument_list(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    definitions = sorted(load_all().values(), key=lambda d: d.code)
    statuses = language_statuses(definitions, clinic)
    rows = [
        {
            "definition": d,
            "languages": [
                {"code": code, "name": name, "status": statuses[d.code][code]}
                for code, name in LANGUAGE_CHOICES
            ],
        }
        for d in definitions
    ]
    return render(
        request,
        "instruments/instrument_list.html",
        {"clinic": clinic, "rows": rows, "languages": LANGUAGE_CHOICES},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def wording_edit(request: HttpRequest, slug: str, code: str, lang: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    definition = _definition(code)
    language_name = _language_name(lang)
    wording = wording_for(definition, lang, clinic)
    data = request.POST if request.method == "POST" else None
    form = ClinicWordingForm(data, definition=definition, wording=wording)
    if request.method == "POST" and form.has_entries and form.is_valid():
        try:
            do_save_clinic_wording(
                clinic, definition.code, lang, acting_user=request.user, **form.wording_data()
            )
        except WordingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The wording was saved."))
            return redirect("clinic_instruments", slug=clinic.slug)
    return render(
        request,
        "instruments/wording_edit.html",
        {
            "clinic": clinic,
            "definition": definition,
            "language": lang,
            "language_name": language_name,
            "form": form,
            "wording": wording,
        },
    )
