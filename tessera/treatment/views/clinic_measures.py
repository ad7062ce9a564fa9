"""A clinic's measurement schedule and risk thresholds, kept by its managers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors, refused_as
from tessera.core.known_related import clinic_by_slug
from tessera.core.models import Clinic
from tessera.instruments.scoring import load_definition

from ..actions import schedule as schedule_actions
from ..forms import MeasureRuleForm, RiskThresholdForm
from ..models import MeasureRule, RiskThreshold


def _managed(user, slug: str) -> Clinic:
    # From the clinics kept with the manager when it is one of their role clinics (no
    # read of the clinics' table), otherwise by its short name up to its row (0091).
    clinic = clinic_by_slug(user, slug)
    if clinic is None or clinic.pk not in access.managed_clinic_ids(user):
        raise Http404
    return clinic


def _risk_rows(clinic, rules, refused=None):
    """Every risk rule of the instruments on the schedule, with the clinic's threshold.
    ``refused``: (prefix, typed value, message) of a save refused because another
    manager saved the threshold meanwhile; that row's form keeps the typed value and is
    drawn with the threshold as it is now, so saving again replaces it (0152)."""
    own = {
        (t.instrument, t.rule_code): t.at_least for t in RiskThreshold.objects.filter(clinic=clinic)
    }
    lang = (get_language() or "en")[:2]
    rows = []
    for code in sorted({rule.instrument for rule in rules}):
        definition = load_definition(code)
        for risk in definition.risk_rules:
            current = own.get((definition.code, risk.code), risk.at_least)
            prefix = f"{definition.code}-{risk.code}"
            typed = refused[1] if refused and refused[0] == prefix else current
            rows.append(
                {
                    "definition": definition,
                    "rule": risk,
                    "label": risk.label.get(lang) or risk.label.get("en") or risk.code,
                    "current": current,
                    "refused": refused[2] if refused and refused[0] == prefix else "",
                    "form": RiskThresholdForm(
                        initial={
                            "instrument": definition.code,
                            "rule_code": risk.code,
                            "at_least": typed,
                            "drawn": schedule_actions.threshold_digest(current),
                        },
                        prefix=prefix,
                    ),
                }
            )
    return rows


def _measures_page(request, clinic, form, refused=None, status=200):
    rules = list(MeasureRule.objects.of_clinic_schedule(clinic))
    return render(
        request,
        "treatment/clinic_measures.html",
        {
            "clinic": clinic,
            "rules": rules,
            "form": form,
            "risk_rows": _risk_rows(clinic, rules, refused),
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_measures(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed(request.user, slug)
    form = MeasureRuleForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_actions.do_add_measure_rule(
                clinic, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The questionnaire was added to the schedule."))
            return redirect("clinic_measures", slug=clinic.slug)
    return _measures_page(request, clinic, form)


@staff_required
@require_POST
def clinic_measure_remove(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    clinic = _managed(request.user, slug)
    rule = get_object_or_404(MeasureRule, pk=rule_id, clinic=clinic)
    schedule_actions.do_remove_measure_rule(rule, acting_user=request.user)
    messages.success(request, _("The questionnaire was taken off the schedule."))
    return redirect("clinic_measures", slug=clinic.slug)


@staff_required
@require_POST
def clinic_risk_threshold(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _managed(request.user, slug)
    prefix = request.POST.get("prefix", "")
    form = RiskThresholdForm(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            schedule_actions.do_set_risk_threshold(
                clinic,
                data["instrument"],
                data["rule_code"],
                data["at_least"],
                acting_user=request.user,
                drawn=data["drawn"],
            )
        except ValidationError as exc:
            if not refused_as(exc, "threshold_changed_meanwhile"):
                messages.error(
                    request, _("The threshold was not saved: %(reason)s") % {"reason": exc}
                )
            else:  # another manager's threshold kept; the typed value too (0152)
                refused = (prefix, data["at_least"], exc.messages[0])
                return _measures_page(request, clinic, MeasureRuleForm(clinic=clinic), refused, 409)
        except LookupError as exc:
            messages.error(request, _("The threshold was not saved: %(reason)s") % {"reason": exc})
        else:
            messages.success(request, _("The risk threshold was saved."))
    else:
        messages.error(request, _("The threshold was not saved: give a whole number."))
    return redirect("clinic_measures", slug=clinic.slug)
