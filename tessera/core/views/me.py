"""A patient's own pages: their details and who has looked at their record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import actions, audit, languages
from ..decorators import patient_required
from ..forms import PatientContactForm
from ..models import AuditEvent, Patient
from ..roles import Role

ROLE_LABELS = dict(Role.choices)


@patient_required
def my_details(request: HttpRequest) -> HttpResponse:
    patient = request.user.patient_record
    actions.record_patient_read(request.user, patient, "patient")
    return render(request, "core/my_details.html", {"patient": patient})


@patient_required
@require_http_methods(["GET", "POST"])
def my_details_edit(request: HttpRequest) -> HttpResponse:
    patient = request.user.patient_record
    form = PatientContactForm(request.POST or None, instance=Patient.objects.get(pk=patient.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_patient_details(
                patient, acting_user=request.user, drawn=form.as_drawn(), **form.cleaned_data
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):  # saved at the same moment (0152)
                raise
        else:
            # The language chosen here is the interface's from now on (core.languages).
            request.session[languages.LANGUAGE_SESSION_KEY] = patient.preferred_language
            messages.success(request, _("Your details were saved."))
            return redirect("my_details")
    status = 409 if form.changed_meanwhile else 200  # another's save kept (0149)
    return render(request, "core/my_details_edit.html", {"form": form}, status=status)


def describe_actor(event: AuditEvent) -> str:
    """Staff are shown by role and clinic only, never by name."""
    if event.actor_id is None:
        return _("Tessera (automatic)")
    if event.actor_role == "patient" or event.purpose == AuditEvent.Purpose.SELF:
        return _("You")
    roles = [str(ROLE_LABELS.get(code, code)) for code in event.actor_role.split(",") if code]
    who = ", ".join(roles) or _("Staff member")
    if event.clinic_id:
        return _("%(role)s at %(clinic)s") % {"role": who, "clinic": event.clinic.name}
    return who


@patient_required
def my_access_log(request: HttpRequest) -> HttpResponse:
    patient = request.user.patient_record
    events = (
        AuditEvent.objects.filter(patient=patient)
        .exclude(actor=request.user)
        .select_related("clinic")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "at": e.at,
            "who": describe_actor(e),
            "what": audit.label(e.action),
            "purpose": e.purpose_label,
        }
        for e in page.object_list
    ]
    return render(request, "core/my_access_log.html", {"page": page, "rows": rows})
