"""Staff leave at a clinic (decision 0146): a person's leave, recorded, changed
(decision 0160), ended early or removed by the clinic's staff administrators or by the
person themself (``access.may_record_leave``). While it lasts, their patients' risk
alerts go to the colleague who covers (``tessera.safety.recipients``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, on_call
from ..actions import leave as leave_actions
from ..clinic_dates import clinic_today
from ..decorators import staff_required
from ..forms import LeaveChangeForm, LeaveForm, add_action_errors
from ..known_related import clinic_by_slug
from ..models import ClinicRole, StaffLeave, User

LEAVE_PER_PAGE = 50


def _clinic(request, slug: str, person_id: int):
    clinic = clinic_by_slug(request.user, slug)
    if clinic is None:
        raise Http404
    person = get_object_or_404(User, pk=person_id)
    if not access.may_record_leave(request.user, clinic.pk, person):
        raise Http404
    if not ClinicRole.objects.filter(clinic=clinic, user=person).exists():
        raise Http404
    return clinic, person


@staff_required
@require_http_methods(["GET", "POST"])
def staff_leave(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A person's leave at the clinic, past kept, and a form to record one."""
    clinic, person = _clinic(request, slug, user_id)
    colleagues = _colleagues(clinic, person)
    initial = {name: request.GET[name] for name in ("first_day", "last_day") if name in request.GET}
    form = LeaveForm(request.POST or None, colleagues=colleagues, initial=initial)
    if request.method == "POST" and form.is_valid():
        asked = _ask_about_cover(request, clinic, person, form.cleaned_data)
        if asked is not None:
            return asked
        try:
            leave_actions.do_record_leave(
                clinic, acting_user=request.user, user=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The leave was recorded."))
            return redirect("staff_leave", slug=clinic.slug, user_id=person.pk)
    today = clinic_today(clinic)
    leave = StaffLeave.objects.filter(clinic=clinic, user=person).select_related("cover")
    page = Paginator(leave, LEAVE_PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.begun = row.first_day <= today
        row.ended = row.last_day < today
    return render(
        request,
        "core/staff_leave.html",
        {"clinic": clinic, "person": person, "form": form, "page": page},
    )


def _colleagues(clinic, person):
    """Who may be named to cover ``person``: the clinic's other active staff."""
    return (
        User.objects.filter(clinic_roles__clinic=clinic, is_active=True)
        .exclude(pk=person.pk)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_leave_change(request: HttpRequest, slug: str, leave_id: int) -> HttpResponse:
    """A leave's days or cover changed, asking first as recording it does; a change
    drawn before another's is refused, what was typed kept (decisions 0152, 0160)."""
    leave = _leave(request, slug, leave_id)
    clinic, person = leave.clinic, leave.user
    back = redirect("staff_leave", slug=clinic.slug, user_id=person.pk)
    if leave.last_day < clinic_today(clinic):
        messages.error(request, _("This leave has ended already."))
        return back
    initial = {name: request.GET[name] for name in ("first_day", "last_day") if name in request.GET}
    form = LeaveChangeForm(
        request.POST or None,
        instance=leave,
        colleagues=_colleagues(clinic, person),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in leave_actions.LEAVE_FIELDS}
        asked = _ask_about_cover(request, clinic, person, data, leave=leave)
        if asked is not None:
            return asked
        try:
            leave_actions.do_change_leave(
                leave, acting_user=request.user, drawn=form.as_drawn(), **data
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):
                add_action_errors(form, error)
        else:
            messages.success(request, _("The leave was changed."))
            return back
    return render(
        request,
        "core/staff_leave_change.html",
        {"clinic": clinic, "person": person, "leave": leave, "form": form},
        status=409 if form.changed_meanwhile else 200,
    )


def _ask_about_cover(request, clinic, person, data, leave=None) -> HttpResponse | None:
    """The page that asks first when the leave would leave a therapist's patients with
    nobody covering who can act (decision 0155), or everyone at the clinic away: "record
    it anyway" ("change it anyway" for ``leave`` changed, decision 0160) posts the same
    fields again, confirmed; the other choice goes back to the form with the days kept.
    None when nothing is broken, or when it was confirmed."""
    if request.POST.get("confirm") == "yes":
        return None
    asked = _cover_question(clinic, person, data, leave)
    if asked is None:
        return None
    question, explained, another = asked
    fields = [
        (name, value)
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", "confirm")
    ]
    days = urlencode(
        {"first_day": data["first_day"].isoformat(), "last_day": data["last_day"].isoformat()}
    )
    return render(
        request,
        "core/leave_cover_confirm.html",
        {
            "clinic": clinic,
            "person": person,
            "question": question,
            "explained": explained,
            "another": another,
            "fields": fields,
            "action": request.path,
            "another_url": f"{request.path}?{days}",
            "anyway": _("Record it anyway") if leave is None else _("Change it anyway"),
            "nothing_yet": (
                _("Nothing has been recorded yet.")
                if leave is None
                else _("Nothing has been changed yet.")
            ),
        },
    )


def _cover_question(clinic, person, data, leave=None) -> tuple[str, str, str] | None:
    """(question, why, the other choice) when the colleague named to cover cannot open
    the person's patients (a therapist without the on-call mark) or is on leave on some
    of these days, when the person covers a colleague's leave on some of them, or when
    with it everyone at the clinic would be away; else None. ``leave``: the leave being
    changed, left out as the new days replace its own (decision 0160)."""
    cover = data.get("cover")
    first, last = data["first_day"], data["last_day"]
    if (
        cover is not None
        and not access.may_cover_alerts_at(cover, clinic.pk)
        and access.is_therapist_at(person, clinic.pk)
    ):
        question = _(
            "%(cover)s cannot open %(person)s's patients, so their risk alerts would go to "
            "whoever is on call and the managers instead"
        ) % {"cover": cover, "person": person}
        why = _(
            "To be told of the patients' risk alerts while covering, %(name)s needs a role "
            "here that opens every patient (a supervisor, for example) or a role marked on "
            "call."
        ) % {"name": cover}
        return question, why, _("Choose another cover")
    covered = (
        StaffLeave.objects.filter(
            clinic=clinic, cover=person, first_day__lte=last, last_day__gte=first
        )
        .select_related("user")
        .order_by("first_day")
        .first()
    )
    if covered is not None and access.is_therapist_at(covered.user, clinic.pk):
        question = _(
            "%(person)s covers %(other)s's leave from %(first)s to %(last)s: while both are "
            "away, %(other)s's risk alerts would go to whoever is on call and the managers "
            "instead"
        ) % {
            "person": person,
            "other": covered.user,
            "first": date_format(covered.first_day, "DATE_FORMAT"),
            "last": date_format(covered.last_day, "DATE_FORMAT"),
        }
        why = _("Another colleague can be named to cover that leave when it is recorded again.")
        return question, why, _("Choose other days")
    cover_away = (
        StaffLeave.objects.filter(
            clinic=clinic, user=cover, first_day__lte=last, last_day__gte=first
        )
        .order_by("first_day")
        .first()
        if cover is not None
        else None
    )
    if cover_away is not None and access.is_therapist_at(person, clinic.pk):
        question = _(
            "%(cover)s is on leave from %(first)s to %(last)s: while both are away, "
            "%(person)s's risk alerts would go to whoever is on call and the managers "
            "instead"
        ) % {
            "cover": cover,
            "person": person,
            "first": date_format(cover_away.first_day, "DATE_FORMAT"),
            "last": date_format(cover_away.last_day, "DATE_FORMAT"),
        }
        why = _("A colleague who covers is told of the alerts only on days they are at work.")
        return question, why, _("Choose another cover")
    planned = (person.pk, first, last, leave.pk if leave is not None else None)
    everyone = [
        (start, end)
        for start, end in on_call.everyone_away(clinic, planned=planned)
        if start <= last and end >= first
    ]
    if everyone:
        start, end = everyone[0]
        question = _(
            "From %(first)s to %(last)s nobody at %(clinic)s would be at work to see risk "
            "alerts: everyone working there would be on leave"
        ) % {
            "clinic": clinic.name,
            "first": date_format(start, "DATE_FORMAT"),
            "last": date_format(end, "DATE_FORMAT"),
        }
        why = _("The managers are still told of every alert, away or not.")
        return question, why, _("Choose other days")
    return None


def _leave(request, slug: str, leave_id: int) -> StaffLeave:
    leave = get_object_or_404(
        StaffLeave.objects.select_related("user", "clinic", "cover"), pk=leave_id
    )
    clinic, _person = _clinic(request, slug, leave.user_id)
    if leave.clinic_id != clinic.pk:
        raise Http404
    return leave


@staff_required
@require_POST
def staff_leave_end(request: HttpRequest, slug: str, leave_id: int) -> HttpResponse:
    return _change(request, slug, leave_id, leave_actions.do_end_leave, _("The leave ends today."))


@staff_required
@require_POST
def staff_leave_remove(request: HttpRequest, slug: str, leave_id: int) -> HttpResponse:
    return _change(
        request, slug, leave_id, leave_actions.do_remove_leave, _("The leave was removed.")
    )


def _change(request, slug: str, leave_id: int, action, done: str) -> HttpResponse:
    """End or remove a leave: the action's refusal in its words, else ``done``."""
    leave = _leave(request, slug, leave_id)
    try:
        action(leave, acting_user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("staff_leave", slug=slug, user_id=leave.user_id)
