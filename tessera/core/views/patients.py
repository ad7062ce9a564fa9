"""Staff pages for patient records. Every read and write is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core.models import Episode

from .. import access, actions, audit
from ..decorators import staff_required
from ..forms import PatientDetailsForm
from ..models import Patient
from ..pagination import IdListing

PAGE_SIZE = 25


def _clinic_for(user, patient):
    """The clinic through which this user sees this patient (for the audit row)."""
    episode = Episode.objects.visible_to(user).filter(patient=patient).select_related("clinic")
    first = episode.first()
    return first.clinic if first else None


@staff_required
def patient_list(request: HttpRequest) -> HttpResponse:
    if not access.has_clinical_role(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    listing = access.real_patient_listing(request.user, query)
    if listing is not None:  # sorted and searched from the scope's episodes (issue 16)
        entries, episodes = listing
        count = episodes.values("patient_id").distinct().count
        paginator = Paginator(IdListing(entries, Patient, count=count), PAGE_SIZE)
    else:  # a staff member who is also a patient: their own record is in the list too
        patients = Patient.objects.visible_to(request.user).real()
        if query:
            patients = patients.filter(
                Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(national_id=query)
            )
        paginator = Paginator(patients, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    if page.object_list:
        audit.record(
            "patient.list_viewed",
            actor=request.user,
            changes={"patients": [p.pk for p in page.object_list]},
        )
    template = (
        "core/patient_rows.html" if request.headers.get("HX-Request") else "core/patients.html"
    )
    return render(request, template, {"page": page, "q": query})


@staff_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = access.get_visible_patient(request.user, pk)
    clinic = _clinic_for(request.user, patient)
    actions.record_patient_read(request.user, patient, "patient", clinic=clinic)
    episodes = list(
        Episode.objects.visible_to(request.user)
        .filter(patient=patient)
        .select_related("clinic", "therapist")
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
        actions.do_update_patient_details(
            patient, acting_user=request.user, clinic=clinic, **form.cleaned_data
        )
        messages.success(request, _("The patient's details were saved."))
        return redirect("patient_detail", pk=patient.pk)
    if request.method == "GET":
        actions.record_patient_read(request.user, patient, "patient", clinic=clinic)
    return render(request, "core/patient_edit.html", {"patient": patient, "form": form})
