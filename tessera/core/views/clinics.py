"""Clinic settings for clinic managers and region administrators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core.refusals import say_refused

from .. import access, actions, clinic_needs, crisis, on_call, ratelimits
from .. import drawn as drawn_values
from ..decorators import staff_required
from ..forms import (
    ClinicRateLimitsForm,
    ClinicSettingsForm,
    CrisisContactForm,
    OnCallShiftForm,
    action_error_lists,
    add_action_errors,
)
from ..known_related import clinic_by_slug
from ..models import Clinic, CrisisContact, OnCallShift, User

# A region's clinics and a clinic's staff grow with the service: paged (decision 0140).
CLINICS_PER_PAGE = clinic_needs.CLINICS_PER_PAGE
STAFF_PER_PAGE = 50


def _managed_clinic(user, slug: str) -> Clinic:
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.managed_clinic_ids(user):
        raise Http404
    return clinic


@staff_required
def clinic_list(request: HttpRequest) -> HttpResponse:
    ids = access.managed_clinic_ids(request.user)
    if not ids and not access.administered_region_ids(request.user):
        raise PermissionDenied
    clinics = Clinic.objects.filter(pk__in=ids).select_related("region").order_by("name", "pk")
    page = Paginator(clinics, CLINICS_PER_PAGE).get_page(request.GET.get("page"))
    # What would leave a patient at risk unseen, or stops a clinic taking patients, said
    # on the list of clinics, not only on each clinic's page (decision 0157): the same
    # queries for a page of clinics as for one.
    listed = clinic_needs.mark(list(page.object_list))
    return render(
        request,
        "core/clinics.html",
        {
            "page": page,
            "clinics": listed,
            "may_create_clinics": bool(access.administered_region_ids(request.user)),
        },
    )


@staff_required
def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    staff = clinic.staff_roles.select_related("user").order_by("user__last_name", "role", "pk")
    page = Paginator(staff, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/clinic_detail.html",
        {
            "clinic": clinic,
            "page": page,
            "staff": page.object_list,
            "contacts": clinic.crisis_contacts.all(),
            "national_contacts": crisis.national_contacts(clinic.country),
            "not_taking": crisis.refusal(clinic),
            "on_call_problems": on_call.problems(clinic) + on_call.leave_problems(clinic),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    form = ClinicSettingsForm(request.POST or None, instance=Clinic.objects.get(pk=clinic.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_clinic_settings(
                clinic, acting_user=request.user, drawn=form.as_drawn(), **form.cleaned_data
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):  # saved at the same moment (0152)
                add_action_errors(form, error)
        else:
            messages.success(request, _("The clinic's settings were saved."))
            return redirect("clinic_detail", slug=clinic.slug)
    status = 409 if form.changed_meanwhile else 200  # another manager's save kept (0149)
    return render(request, "core/clinic_edit.html", {"clinic": clinic, "form": form}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_rate_limits(request: HttpRequest, slug: str) -> HttpResponse:
    """The clinic's own rate limits, within the operator's bounds (issue 13)."""
    clinic = _managed_clinic(request.user, slug)
    bounds = ratelimits.clinic_bounds()
    defaults = {name: ratelimits.per_hour(ratelimits.default_rate(name, clinic)) for name in bounds}
    current = {name: ratelimits.per_hour(rate) for name, rate in (clinic.rate_limits or {}).items()}
    drawn = drawn_values.rate_limits_digest(clinic.rate_limits)
    form = ClinicRateLimitsForm(
        request.POST or None, initial={**current, "drawn": drawn}, bounds=bounds, defaults=defaults
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        limits = {k: v for k, v in form.cleaned_data.items() if k != "drawn"}
        try:
            actions.do_set_clinic_rate_limits(
                clinic, acting_user=request.user, limits=limits, drawn=form.cleaned_data["drawn"]
            )
        except ValidationError as exc:
            now = Clinic.objects.get(pk=clinic.pk).rate_limits
            if form.refused_meanwhile(exc, now):  # another manager's save kept (0152)
                clinic.rate_limits, refused = now, True
            else:
                for field, errors in action_error_lists(exc).items():
                    form.add_error(None if field not in form.fields else field, errors)
        else:
            messages.success(request, _("The clinic's rate limits were saved."))
            return redirect("clinic_rate_limits", slug=clinic.slug)
    rows = [
        (
            form[name],
            ratelimits.per_hour(ratelimits.rate_for(name, clinic)),
            defaults[name],
        )
        for name in bounds
    ]
    return render(
        request,
        "core/clinic_rate_limits.html",
        {"clinic": clinic, "form": form, "rows": rows},
        status=409 if refused else 400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def crisis_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    form = CrisisContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = actions.do_add_crisis_contact(
            clinic, acting_user=request.user, **form.cleaned_data
        )
        if getattr(contact, "sent_before", False):
            say_refused(
                request, _("This crisis contact is already on the list. Nothing was added twice.")
            )
        else:
            messages.success(request, _("The crisis contact was added."))
        return redirect("clinic_crisis_contacts", slug=clinic.slug)
    return render(
        request,
        "core/crisis_contacts.html",
        {"clinic": clinic, "contacts": clinic.crisis_contacts.all(), "form": form},
    )


@staff_required
@require_POST
def crisis_contact_remove(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    contact = get_object_or_404(CrisisContact, pk=contact_id, clinic=clinic)
    try:
        actions.do_remove_crisis_contact(contact, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The crisis contact was removed."))
    return redirect("clinic_crisis_contacts", slug=clinic.slug)


@staff_required
@require_http_methods(["GET", "POST"])
def on_call_rota(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is on call for risk alerts, when; and what the check finds wrong with it."""
    clinic = _managed_clinic(request.user, slug)
    staff = User.objects.filter(clinic_roles__clinic=clinic, is_active=True).distinct()
    form = OnCallShiftForm(request.POST or None, staff=staff.order_by("last_name", "email"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_on_call_shifts(clinic, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error, renames={"user": "user"})
        else:
            messages.success(request, _("The rota was updated."))
            return redirect("clinic_on_call", slug=clinic.slug)
    shifts = OnCallShift.objects.filter(clinic=clinic).select_related("user")
    return render(
        request,
        "core/on_call.html",
        {
            "clinic": clinic,
            "shifts": shifts,
            "form": form,
            "problems": on_call.problems(clinic) + on_call.leave_problems(clinic),
        },
    )


@staff_required
@require_POST
def on_call_shift_remove(request: HttpRequest, slug: str, shift_id: int) -> HttpResponse:
    clinic = _managed_clinic(request.user, slug)
    shift = get_object_or_404(OnCallShift, pk=shift_id, clinic=clinic)
    # A stretch whose removal would open a gap in the cover is asked about first, with
    # the hours it would leave, not saved and then shown as a problem (decision 0144).
    gaps = on_call.gaps_opened(clinic, [shift])
    if gaps and request.POST.get("confirm") != "yes":
        return render(
            request,
            "core/on_call_remove_confirm.html",
            {"clinic": clinic, "shift": shift, "hours": on_call.describe(gaps)},
        )
    actions.do_remove_on_call_shift(shift, acting_user=request.user)
    messages.success(request, _("The stretch was taken off the rota."))
    return redirect("clinic_on_call", slug=clinic.slug)
