"""The patient's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core.decorators import patient_required
from tessera.core.forms import add_action_errors

from .actions import FIELDS, do_save_preferences
from .delivery import phone_of, preference_of
from .forms import PreferenceForm


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
