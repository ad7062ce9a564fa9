"""Clinic settings for clinic managers and region administrators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import access, actions
from ..decorators import staff_required
from ..forms import ClinicSettingsForm
from ..models import Clinic


def _managed_clinic(user, slug: str) -> Clinic:
    clinic = get_object_or_404(Clinic, slug=slug)
    if clinic.pk not in access.managed_clinic_ids(user):
        raise Http404
    return clinic


@staff_required
def clinic_list(request: HttpRequest) -> HttpResponse:
    ids = access.managed_clinic_ids(request.user)
    if not ids:
        raise PermissionDenied
    clinics = Clinic.objects.filter(pk__in=ids).select_related("region")
    return render(request, "core/clinics.html", {"clinics": clinics})


@staff_required
def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    staff = clinic.staff_roles.select_related("user").order_by("user__last_name", "role")
    return render(
        request,
        "core/clinic_detail.html",
        {"clinic": clinic, "staff": staff, "contacts": clinic.crisis_contacts.all()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    form = ClinicSettingsForm(request.POST or None, instance=Clinic.objects.get(pk=clinic.pk))
    if request.method == "POST" and form.is_valid():
        actions.do_update_clinic_settings(clinic, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("The clinic's settings were saved."))
        return redirect("clinic_detail", slug=clinic.slug)
    return render(request, "core/clinic_edit.html", {"clinic": clinic, "form": form})
