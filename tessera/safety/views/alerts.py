"""The risk alert list, one alert, and raising a concern by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access, jobs
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Episode
from tessera.core.pagination import ShortListPaginator
from tessera.core.refusals import say_refused

from .. import actions, follow_up, rules
from ..forms import ConcernForm, ResolveForm
from ..models import RiskAlert, SafetyPlan, name_clinics


def _follow_up(alert: RiskAlert) -> dict:
    """What the alert page says about following it up: whether it waits, out of hours
    with nobody on the rota, for the clinic to open; and, once resolved, whether the
    safety plan has been reviewed since the alert opened (issue 20, item 6)."""
    plan = SafetyPlan.objects.filter(episode_id=alert.episode_id).only("updated_at").first()
    return {
        "waits_for_opening": follow_up.waits_for_opening(alert, timezone.now()),
        "plan_updated_at": plan.updated_at if plan is not None and plan.version else None,
        "plan_reviewed": bool(
            plan is not None and plan.version and plan.updated_at >= alert.opened_at
        ),
    }


def _actionable_alert(user, pk: int) -> RiskAlert:
    """An alert the user may act on: their own roles (or being on call) show them its
    episode. A colleague consulted on the case reads the alert but does not close it."""
    alert = _visible_alert(user, pk)
    if not access.episode_in_own_scope(user, alert.episode):
        raise Http404
    return alert


def _visible_alert(user, pk: int) -> RiskAlert:
    alert = (
        RiskAlert.objects.visible_to(user)
        .select_related(
            "episode__patient",
            "episode__clinic",
            "episode__therapist",
            "response",
            "due",
            "acknowledged_by",
            "resolved_by",
            "raised_by",
        )
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404
    return alert


@staff_required
def alert_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    alerts = RiskAlert.objects.visible_to(request.user).as_listed()
    if not show_all:
        alerts = alerts.unresolved()
    alerts = alerts.annotate(
        open_first=Case(When(resolved_at__isnull=True, then=Value(0)), default=Value(1)),
        high_first=Case(
            When(severity=RiskAlert.Severity.URGENT, then=Value(0)),
            When(severity=RiskAlert.Severity.HIGH, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("open_first", "high_first", "acknowledge_by", "id")
    page = ShortListPaginator(alerts, 25).get_page(request.GET.get("page"))
    page.object_list = name_clinics(request.user, page.object_list)
    return render(
        request,
        "safety/alert_list.html",
        {"page": page, "show_all": show_all, "sweep": jobs.status(jobs.SWEEP)},
    )


@staff_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request.user, pk)
    may_act = access.episode_in_own_scope(request.user, alert.episode)
    return _alert_page(request, alert, may_act=may_act, form=ResolveForm())


def _alert_page(request, alert, *, may_act: bool, status: int = 200, **extra) -> HttpResponse:
    """The alert's page (a read of the patient's record, audited), with ``extra`` in its
    context: the resolve form, or a note that was not saved."""
    record_patient_read(
        request.user, alert.episode.patient, "risk_alert", obj=alert, clinic=alert.episode.clinic
    )
    context = {"alert": alert, "flags": _flag_labels(alert), "may_act": may_act, **extra}
    return render(request, "safety/alert_detail.html", context | _follow_up(alert), status=status)


def _flag_labels(alert: RiskAlert) -> list[str]:
    """Which answers opened the alert, in words (item, answer, threshold)."""
    response = alert.response
    if response is not None:
        flags, instrument = (response.result or {}).get("risk_flags", []), response.instrument
    elif alert.due_id is not None:  # sent after the questionnaire had closed
        flags, instrument = alert.late_flags, alert.due.instrument
    else:
        return []
    labels = []
    for flag in flags:
        if flag.get("item"):
            labels.append(
                _(
                    "%(instrument)s item %(item)s: answer %(value)s "
                    "(flagged at %(threshold)s or more)"
                )
                % {
                    "instrument": instrument,
                    "item": flag["item"],
                    "value": flag.get("value"),
                    "threshold": flag.get("threshold"),
                }
            )
        else:
            labels.append(
                _("%(instrument)s: %(value)s (flagged at %(threshold)s or more)")
                % {
                    "instrument": instrument,
                    "value": flag.get("value"),
                    "threshold": flag.get("threshold"),
                }
            )
    return labels


def _already_resolved(request, alert) -> HttpResponse:
    """ "Resolve" sent for an alert already resolved (a double click, a second tab, a
    colleague first): the alert's page, saying so, with the action taken. It answered
    400 with the page and no word why (the form, and its error, are not drawn for a
    resolved alert), and a note typed in was lost: one that is not the note recorded is
    shown back to copy."""
    say_refused(request, _("Nothing was changed: this alert had already been resolved."))
    note = (request.POST.get("action_note") or "").strip()
    if not note or note == alert.action_note.strip():
        return redirect("risk_alert", pk=alert.pk)
    return _alert_page(request, alert, may_act=True, not_saved=note)


@staff_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _actionable_alert(request.user, pk)
    try:
        actions.do_acknowledge(alert, acting_user=request.user)
        messages.success(request, _("Alert acknowledged. Record what you did when you have acted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("risk_alert", pk=alert.pk)


@staff_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _actionable_alert(request.user, pk)
    if alert.resolved_at is not None:
        return _already_resolved(request, alert)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            actions.do_resolve(
                alert,
                acting_user=request.user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["action_note"],
            )
        except ValidationError as exc:
            alert.refresh_from_db()
            if alert.resolved_at is not None:  # resolved meanwhile, in another request
                return _already_resolved(request, alert)
            add_action_errors(form, exc)
        else:
            # Resolving an alert is the moment to go over the safety plan with the
            # patient (Stanley & Brown 2012, CLINICAL.md §5): the page opens for editing.
            messages.success(
                request,
                _(
                    "Alert resolved. Now review the safety plan with the patient: "
                    "what warned of this crisis, and what helped?"
                ),
            )
            url = reverse("episode_safety_plan", args=[alert.episode_id])
            return redirect(f"{url}?edit=1")
    return _alert_page(request, alert, may_act=True, form=form, status=400)


@staff_required
def raise_concern(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = (
        Episode.objects.visible_to(request.user)
        .select_related("patient", "clinic")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = actions.do_raise_concern(
                episode,
                acting_user=request.user,
                concern=form.cleaned_data["concern"],
                severity=form.cleaned_data["severity"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if getattr(alert, "sent_before", False):
                say_refused(
                    request,
                    _(
                        "This concern was already raised; "
                        "here is its alert. Nothing was sent twice."
                    ),
                )
            else:
                messages.success(request, _("Concern raised. The care team has been told."))
            return redirect("risk_alert", pk=alert.pk)
    record_patient_read(
        request.user, episode.patient, "episode", obj=episode, clinic=episode.clinic
    )
    now = timezone.now()
    return render(
        request,
        "safety/raise_concern.html",
        {
            "episode": episode,
            "form": form,
            "out_of_hours": not rules.is_open(episode.clinic, now),
            "nobody_on_call": not follow_up.is_covered(episode.clinic, now),
        },
        status=400 if form.errors else 200,
    )
