"""Staff pages for patient records. Every read and write is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core.models import Episode

from .. import access, actions, audit, searches
from ..decorators import staff_required
from ..forms import PatientDetailsForm
from ..known_related import with_role_clinics
from ..models import Patient
from ..pagination import EntryListing, OneReadPaginator

PAGE_SIZE = 25
# A search counts no further (decision 0165): 40 pages of 25; nobody pages further, they
# add to the search.
SEARCH_CAP = 1000


def _clinic_for(user, patient):
    """The clinic through which this user sees this patient (for the audit row)."""
    episode = with_role_clinics(Episode.objects.visible_to(user), user).filter(patient=patient)
    first = episode.first()
    return first.clinic if first else None


def _listed_patient(row) -> Patient:
    """A patient of the list made from their episode entry (the episodes' copies of the
    name and date of birth, issue 16): what the list shows, and nothing else loaded."""
    last_name, first_name, pk, date_of_birth = row
    fields = ["id", "first_name", "last_name", "date_of_birth"]
    return Patient.from_db(DEFAULT_DB_ALIAS, fields, [pk, first_name, last_name, date_of_birth])


def patient_paginator(user, query: str) -> Paginator:
    """The patient list's pages for a staff member and their search words. A search is
    counted no further than ``SEARCH_CAP``, with its page in one read
    (``access.read_listing_page``; a page past the end counted by
    ``access.real_patients_found``): a common part of a name finds a share of the whole
    clinic, and the list then says that more than that many match and asks for more of
    the name (decision 0165)."""
    entries = access.real_patient_listing(user, query)
    if entries is not None:  # sorted, searched and shown from the scope's episodes
        listing = EntryListing(entries, _listed_patient, count=entries.count)
        if not query:
            return Paginator(listing, PAGE_SIZE)

        def read(offset, limit, cap):
            rows, count = access.read_listing_page(entries, offset, limit, cap)
            return [_listed_patient(row) for row in rows], count

        return OneReadPaginator(
            listing,
            PAGE_SIZE,
            cap=SEARCH_CAP,
            read=read,
            count=lambda cap: access.real_patients_found(user, query, cap),
        )
    # A staff member who is also a patient: their own record is in the list too.
    patients = Patient.objects.visible_to(user).real()
    if query:
        patients = patients.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(national_id=query)
        )
    return Paginator(patients, PAGE_SIZE)


@staff_required
@require_http_methods(["GET", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    if not access.has_clinical_role(request.user):
        raise PermissionDenied
    if request.method == "POST":
        # A name or identity number is kept out of the address (decision 0119).
        return searches.redirect_to_search(request, words=["q"])
    params, search_lost = searches.searched(request, ["q"])
    query = params.get("q", "").strip()[:100]
    page = patient_paginator(request.user, query).get_page(params.get("page"))
    if page.object_list:
        audit.record(
            "patient.list_viewed",
            actor=request.user,
            changes={"patients": [p.pk for p in page.object_list]},
        )
    template = (
        "core/patients_found.html" if request.headers.get("HX-Request") else "core/patients.html"
    )
    return render(request, template, {"page": page, "q": query, "search_lost": search_lost})


@staff_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = access.get_visible_patient(request.user, pk)
    clinic = _clinic_for(request.user, patient)
    actions.record_patient_read(request.user, patient, "patient", clinic=clinic)
    episodes = list(
        with_role_clinics(Episode.objects.visible_to(request.user), request.user)
        .filter(patient=patient)
        .select_related("therapist")
    )
    supervises = access.supervising_clinic_ids(request.user)
    for episode in episodes:  # which links to offer (no queries: roles are cached)
        episode.may_change = access.may_tailor_plan(request.user, episode)
        episode.supervised_here = episode.clinic_id in supervises
    return render(
        request,
        "core/patient_detail.html",
        {
            "patient": patient,
            "episodes": episodes,
            # The plan page shows an open episode's plan: no link once every one ended.
            "has_open_episode": any(e.status != Episode.Status.ENDED for e in episodes),
            "may_edit": access.may_edit_patient_details(request.user, patient),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = access.get_visible_patient(request.user, pk)
    if not access.may_edit_patient_details(request.user, patient):
        raise PermissionDenied
    clinic = _clinic_for(request.user, patient)
    form = PatientDetailsForm(request.POST or None, instance=Patient.objects.get(pk=patient.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_patient_details(
                patient,
                acting_user=request.user,
                clinic=clinic,
                drawn=form.as_drawn(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):  # saved at the same moment (0152)
                raise
        else:
            messages.success(request, _("The patient's details were saved."))
            return redirect("patient_detail", pk=patient.pk)
    if request.method == "GET":
        actions.record_patient_read(request.user, patient, "patient", clinic=clinic)
    status = 409 if form.changed_meanwhile else 200  # a colleague's save kept (0149)
    return render(
        request, "core/patient_edit.html", {"patient": patient, "form": form}, status=status
    )
