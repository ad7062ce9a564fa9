"""The patient's homework diary: register an entry, see this week's, correct today's."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required
from tessera.core.forms import action_error_texts, refused_as
from tessera.core.refusals import say_refused

from .. import diary, plans, worksheets
from ..actions import diary as diary_actions
from ..models import DiaryEntry
from .workspace import _open_entry, module_still_open


def _homework_step(entry, position: int):
    step = entry.module_version.steps.filter(position=position, kind=diary.HOMEWORK).first()
    if step is None or not step.fields:
        raise Http404
    return step


def _for_date(text: str, today: dt.date) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else today
    except ValueError:
        return None


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@patient_required
@module_still_open
def diary_register(request: HttpRequest, entry_id: int, position: int) -> HttpResponse:
    """GET: the form and this week's entries. POST: register an entry."""
    episode, entry = _open_entry(request.user, entry_id)
    step = _homework_step(entry, position)
    today = plans.clinic_today(episode.clinic)
    here = reverse("diary_register", args=[entry.pk, step.position])
    if request.method == "POST":
        for_date = _for_date(request.POST.get("for_date", ""), today)
        values = diary.read_entry(step.fields, request.POST, for_date or today)
        key = request.POST.get("submission_key", "")
        try:
            uuid.UUID(key)
        except ValueError:
            key = str(uuid.uuid4())
        try:
            if for_date is None:
                raise ValidationError({"for_date": _("Enter a date (year-month-day).")})
            _item, created = diary_actions.do_register_diary_entry(
                entry,
                step,
                values,
                acting_user=request.user,
                submission_key=key,
                for_date=for_date,
            )
        except ValidationError as exc:
            errors = action_error_texts(exc, default="entry")
            context = diary.diary_context(
                entry, step, today=today, values=values, errors=errors, key=key, for_date=for_date
            )
            return render(
                request,
                "treatment/diary.html",
                {"entry": entry, "step": step, "next": _next_url(request, ""), **context},
                status=400,
            )
        if created:
            messages.success(request, _("Registered. Well done."))
        else:
            say_refused(request, _("This entry was already registered."))
        return redirect(_next_url(request, here))
    record_patient_read(request.user, episode.patient, "diary", obj=entry)
    return render(
        request,
        "treatment/diary.html",
        {
            "entry": entry,
            "step": step,
            "next": _next_url(request, ""),
            **diary.diary_context(entry, step, today=today),
        },
    )


@patient_required
@module_still_open
def diary_correct(request: HttpRequest, entry_id: int, position: int, diary_id: int):
    """Correct one of today's entries."""
    episode, entry = _open_entry(request.user, entry_id)
    step = _homework_step(entry, position)
    item = DiaryEntry.objects.filter(pk=diary_id, entry=entry, step=step).first()
    today = plans.clinic_today(episode.clinic)
    if item is None or not access.may_correct_diary_entry(item, today):
        raise Http404
    here = reverse("diary_register", args=[entry.pk, step.position])
    errors, values, status = {}, item.values, 200
    if request.method == "POST":
        values = diary.read_entry(step.fields, request.POST, item.for_date)
        try:
            diary_actions.do_correct_diary_entry(
                item,
                values,
                acting_user=request.user,
                drawn=request.POST.get("drawn"),  # a page drawn before this: not checked
            )
        except ValidationError as exc:
            errors, status = action_error_texts(exc, default="entry"), 400
            if refused_as(exc, "corrected_meanwhile"):
                # Saved from another tab meanwhile: the form now carries that version,
                # so saving again from this page replaces it knowingly (decision 0152).
                item.refresh_from_db()
                status = 409
        else:
            messages.success(request, _("Your entry was corrected."))
            return redirect(here)
    else:
        record_patient_read(request.user, episode.patient, "diary", obj=item)
    return render(
        request,
        "treatment/diary_correct.html",
        {
            "entry": entry,
            "step": step,
            "item": item,
            "fields": worksheets.field_views(
                diary.form_specs(step.fields),
                diary.for_the_form(step.fields, values),
                blank_rows=1,
                errors=errors,
            ),
            "errors": errors,
        },
        status=status,
    )
