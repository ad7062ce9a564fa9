"""A clinic manager's page for what the clinic's FHIR records carry: today, whether
messages leave with their text or as dates only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.models import Clinic

from .actions import do_set_record_sharing
from .models import shares_message_content


class RecordSharingForm(forms.Form):
    message_content = forms.BooleanField(
        label=gettext_lazy("Send the text of messages with the record"),
        required=False,
        help_text=gettext_lazy(
            "Off: health-record systems see only that a message was sent, by whom and "
            "when. On: they also receive what was written, in every download, read and "
            "export from now on."
        ),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_record_sharing(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.select_related("record_sharing"), slug=slug)
    if clinic.pk not in access.managed_clinic_ids(request.user):
        raise Http404
    current = shares_message_content(clinic)
    # An unticked box sends an empty form, so bind on the method, not on the data.
    data = request.POST if request.method == "POST" else None
    form = RecordSharingForm(data, initial={"message_content": current})
    if request.method == "POST" and form.is_valid():
        do_set_record_sharing(
            clinic, message_content=form.cleaned_data["message_content"], acting_user=request.user
        )
        messages.success(request, _("The record settings were saved."))
        return redirect("clinic_record_sharing", slug=clinic.slug)
    return render(
        request,
        "fhir/clinic_record_sharing.html",
        {"clinic": clinic, "form": form, "message_content": current},
    )
