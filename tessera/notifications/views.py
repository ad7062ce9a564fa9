"""The patient's notification settings, and the deliveries that failed for managers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core import access, audit
from tessera.core.decorators import patient_required, staff_required
from tessera.core.forms import add_action_errors

from .actions import FIELDS, do_save_preferences
from .delivery import phone_of, preference_of
from .forms import PreferenceForm
from .models import Notification
from .texts import FALLBACK, KINDS

HISTORY_PAGE = 50


@patient_required
@require_http_methods(["GET", "POST"])
def my_notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    preference = preference_of(user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in FIELDS}
        try:
            do_save_preferences(user, acting_user=user, **values)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("my_notifications")
    return render(
        request,
        "notifications/my_notifications.html",
        {"form": form, "has_phone": bool(phone_of(user))},
    )


@staff_required
def failed_notifications(request: HttpRequest) -> HttpResponse:
    """Notifications that could not be sent after every retry, so that someone can reach
    the person another way (docs/operations.md, "E-mail"): a clinic's managers and its
    region's administrators see those of the clinic's staff and patients and those sent
    for it; region administrators also those to people administering their region; the
    staff on call see the urgent ones (risk alerts, urgent applications) of their clinic."""
    clinic_ids = access.delivery_failure_clinic_ids(request.user)
    region_ids = access.administered_region_ids(request.user)
    urgent_ids = access.urgent_delivery_failure_clinic_ids(request.user)
    if not (clinic_ids or region_ids or urgent_ids):
        raise PermissionDenied
    rows = Notification.objects.failed_for_clinics(
        clinic_ids, region_ids=region_ids, urgent_clinic_ids=urgent_ids
    ).select_related("recipient")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record(
        "notifications.failed_viewed",
        actor=request.user,
        changes={"shown": [row.pk for row in page.object_list]},
    )
    return render(request, "notifications/failed.html", {"page": page})


@login_required
def my_notification_history(request: HttpRequest) -> HttpResponse:
    """Everything the person was told (or is about to be): what kind, when, by which
    channel, whether it was sent, and the link. Only their own rows; nothing clinical
    is stored in them."""
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, HISTORY_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.subject = KINDS.get(row.kind, FALLBACK).subject
    return render(request, "notifications/history.html", {"page": page})
