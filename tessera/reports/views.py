"""Report pages: what a user may see (``scope.py``), the figures (``figures.py``), the
audit trail. Views stay thin: filters come from ``forms.PeriodForm``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from tessera.core import access, audit
from tessera.core.decorators import staff_required
from tessera.core.models import Clinic

from . import exports, figures, scope
from .forms import PeriodForm
from .models import EpisodeOutcome

TABLE_PAGE_SIZE = 50


@staff_required
def reports_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.has_reports(user):
        raise PermissionDenied
    clinic_ids = access.clinic_outcome_ids(user) | access.dashboard_clinic_ids(user)
    regions = access.region_report_ids(user)
    context = {
        "own": bool(access.own_outcome_clinic_ids(user)),
        "clinics": Clinic.objects.filter(pk__in=clinic_ids).order_by("name"),
        "dashboard_ids": access.dashboard_clinic_ids(user),
        "regions": user.region_roles.filter(region_id__in=regions).select_related("region"),
    }
    return render(request, "reports/home.html", context)


def _report(request, rows, *, clinic_ids, suppress: bool, therapists=None):
    form = PeriodForm(request.GET or None, therapists=therapists)
    start, end = form.period()
    rows = rows.filter(**form.filters())
    report = figures.outcome_report(
        rows, clinic_ids=clinic_ids, start=start, end=end, suppress=suppress
    )
    return form, report, {"start": str(start or ""), "end": str(end or ""), **form.filters()}


@staff_required
def my_outcomes(request: HttpRequest) -> HttpResponse:
    rows = scope.own_rows(request.user)
    form, report, filters = _report(request, rows, clinic_ids=None, suppress=False)
    audit.record("report.outcomes_viewed", actor=request.user, changes={"scope": "own", **filters})
    return render(
        request,
        "reports/outcomes.html",
        {"form": form, "report": report, "own": True, "suppress": False},
    )


@staff_required
def clinic_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    found = scope.clinic_scope(request.user, slug)
    therapists = None if found.suppress else access.therapists(found.clinic).order_by("pk")
    form, report, filters = _report(
        request,
        found.rows,
        clinic_ids={found.clinic.pk},
        suppress=found.suppress,
        therapists=therapists,
    )
    audit.record(
        "report.outcomes_viewed",
        actor=request.user,
        clinic=found.clinic,
        changes={"scope": "clinic", **filters},
    )
    context = {
        "form": form,
        "report": report,
        "clinic": found.clinic,
        "suppress": found.suppress,
    }
    return render(request, "reports/outcomes.html", context)


@staff_required
def region_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    region = scope.region_scope(request.user, pk)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    clinics = list(region.clinics.order_by("name"))
    rows = EpisodeOutcome.objects.filter(clinic__region=region, **form.filters())
    reports = figures.by_clinic(rows, start, end, suppress=True)
    empty = figures.build(figures.empty_values(), None, suppress=True)
    table = [(clinic, reports.get(clinic.pk, empty)) for clinic in clinics]
    audit.record(
        "report.outcomes_viewed",
        actor=request.user,
        changes={"scope": "region", "region": region.pk, "start": str(start or "")},
    )
    return render(request, "reports/region.html", {"form": form, "region": region, "table": table})


def _table_rows(request, slug: str | None):
    if slug is None:
        return None, scope.own_rows(request.user)
    found = scope.clinic_scope(request.user, slug)
    if found.suppress:  # beyond the clinic: aggregates only, never a row per patient
        raise Http404
    return found.clinic, found.rows


@staff_required
def outcome_table(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    clinic, rows = _table_rows(request, slug)
    rows = rows.select_related("episode__patient", "therapist").order_by("-ended_on", "-pk")
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        audit.record(
            "report.outcome_table_viewed",
            actor=request.user,
            clinic=clinic,
            changes={"episodes": [row.episode_id for row in page.object_list]},
        )
    return render(request, "reports/table.html", {"page": page, "clinic": clinic})


@staff_required
def outcome_table_csv(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    clinic, rows = _table_rows(request, slug)
    audit.record(
        "report.downloaded",
        actor=request.user,
        clinic=clinic,
        changes={"table": "episode_outcomes", "rows": rows.count()},
    )
    response = StreamingHttpResponse(
        exports.csv_lines(exports.engine_rows(rows)), content_type="text/csv; charset=utf-8"
    )
    name = f"outcomes-{clinic.slug if clinic else 'own'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/definitions.html")
