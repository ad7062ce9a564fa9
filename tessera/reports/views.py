"""Report pages: what a user may see (``scope.py``), the figures (``figures.py``), the
audit trail. Views stay thin: filters come from ``forms.PeriodForm``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access, audit, clinic_dates
from tessera.core import drawn as drawn_values
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Clinic
from tessera.core.refusals import say_refused

from . import actions, dashboard, exports, figures, pdf, scope
from . import charts as charts_
from .actions.quarterly import quarter_bounds
from .actions.registers import register_for
from .forms import CostsForm, PeriodForm, QuarterForm, RegisterExportForm
from .models import (
    ClinicCosts,
    EpisodeOutcome,
    QuarterlyReport,
    RegisterExport,
    RegisterExportJob,
    quarter_label,
)
from .register import export as register_export

TABLE_PAGE_SIZE = 50
# Above this many courses the register page previews nothing and offers only the
# background export (the preview reads every course within the request).
PREVIEW_LIMIT = 5000


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


def _programmes(rows) -> list[str]:
    """The programmes the rows in scope were treated with, for the programme filter
    (one query)."""
    found = rows.exclude(programme_key="").values_list("programme_key", flat=True)
    return sorted(set(found.order_by().distinct()))


def _therapist_choices(clinic) -> list:
    """The clinic's active therapists for the filter, in the order of their ids: made
    from their roles' copy of the name (core 0023), not the user table the planner
    hashed whole (issue 16: 5 → 47 pages at 1,000 → 100,000 patients)."""
    return sorted(access.active_therapists_by_name(clinic), key=lambda user: user.pk)


def _report(request, rows, *, clinics, suppress: bool, therapists=None):
    form = PeriodForm(request.GET or None, therapists=therapists, programmes=_programmes(rows))
    start, end = form.period()
    rows = rows.filter(**form.filters())
    report = figures.outcome_report(rows, clinics=clinics, start=start, end=end, suppress=suppress)
    return form, report, {"start": str(start or ""), "end": str(end or ""), **form.filters()}


@staff_required
def my_outcomes(request: HttpRequest) -> HttpResponse:
    rows = scope.own_rows(request.user)
    form, report, filters = _report(request, rows, clinics=None, suppress=False)
    audit.record("report.outcomes_viewed", actor=request.user, changes={"scope": "own", **filters})
    return render(
        request,
        "reports/outcomes.html",
        {"form": form, "report": report, "own": True, "suppress": False},
    )


@staff_required
def clinic_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    found = scope.clinic_scope(request.user, slug)
    therapists = None if found.suppress else _therapist_choices(found.clinic)
    form, report, filters = _report(
        request,
        found.rows,
        clinics=[found.clinic],
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
    rows = EpisodeOutcome.objects.filter(clinic__region=region)
    form = PeriodForm(request.GET or None, programmes=_programmes(rows))
    start, end = form.period()
    clinics = list(region.clinics.order_by("name"))
    rows = rows.filter(**form.filters())
    reports = figures.by_clinic(rows, start, end, suppress=True, clinics=clinics)
    empty = figures.build(figures.empty_values(), None, suppress=True)
    table = [(clinic, reports.get(clinic.pk, empty)) for clinic in clinics]
    # Clinics on different outcome rules: the page says so and names the Swedish ones.
    swedish = [c.name for c in clinics if c.outcome_rule == "swedish"]
    mixed_rules = ", ".join(swedish) if swedish and len(swedish) < len(clinics) else ""
    audit.record(
        "report.outcomes_viewed",
        actor=request.user,
        changes={
            "scope": "region",
            "region": region.pk,
            "start": str(start or ""),
            "end": str(end or ""),
            **form.filters(),
        },
    )
    return render(
        request,
        "reports/region.html",
        {"form": form, "region": region, "table": table, "mixed_rules": mixed_rules},
    )


def _table_rows(request, slug: str | None):
    """The clinic (None for one's own caseload) and its per-episode rows, filtered as
    the outcome report is (the same query string): a period, care model, referral
    route, problem area, programme, and in a clinic a therapist."""
    if slug is None:
        clinic, rows, therapists = None, scope.own_rows(request.user), None
    else:
        found = scope.clinic_scope(request.user, slug)
        if found.suppress:  # beyond the clinic: aggregates only, never a row per patient
            raise Http404
        clinic, rows = found.clinic, found.rows
        therapists = _therapist_choices(clinic)
    form = PeriodForm(request.GET or None, therapists=therapists, programmes=_programmes(rows))
    return clinic, form.in_period(rows.filter(**form.filters())), form


@staff_required
def outcome_table(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    clinic, rows, form = _table_rows(request, slug)
    rows = rows.select_related("episode__patient", "therapist").order_by("-ended_on", "-pk")
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        audit.record(
            "report.outcome_table_viewed",
            actor=request.user,
            clinic=clinic,
            changes={"episodes": [row.episode_id for row in page.object_list]},
        )
    context = {"page": page, "clinic": clinic, "form": form}
    return render(request, "reports/table.html", context)


@staff_required
def outcome_table_csv(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    clinic, rows, _form = _table_rows(request, slug)
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


@staff_required
def outcome_table_xlsx(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The per-episode table as an Excel workbook, with the CSV's columns."""
    clinic, rows, _form = _table_rows(request, slug)
    audit.record(
        "report.downloaded",
        actor=request.user,
        clinic=clinic,
        changes={"table": "episode_outcomes", "format": "xlsx", "rows": rows.count()},
    )
    lines = exports.engine_rows(rows, as_text=False)
    header = next(lines)
    body = exports.xlsx_bytes([(str(_("Outcomes per episode")), header, lines)])
    name = f"outcomes-{clinic.slug if clinic else 'own'}.xlsx"
    return _attachment(body, exports.XLSX_TYPE, name)


def _attachment(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/definitions.html")


def _suppressed(table: dashboard.Table, suppress: bool) -> dashboard.Table:
    """Counts from 1 to 4 shown as "fewer than 5" beyond the clinic (in the columns
    that count people)."""
    if not suppress:
        return table
    small = str(_("fewer than 5"))
    columns = table.count_columns or range(1, len(table.header))

    def cell(i, value):
        hidden = i in columns and isinstance(value, int) and 0 < value < access.SMALL_NUMBER
        return small if hidden else value

    rows = [[cell(i, v) for i, v in enumerate(row)] for row in table.rows]
    return dashboard.Table(table.key, table.title, table.header, rows, table.count_columns)


def _dashboard_tables(clinic, suppress: bool, region_clinics=None) -> tuple[dict, dict]:
    """Every table of the dashboard by its key (the order of the page and the workbook),
    and the steadiness of the weekly intake. With ``region_clinics`` (a region's
    dashboard) the tables count those clinics together, reply times are one row per
    clinic, and the clinics side by side come first."""
    place = clinic
    if region_clinics is not None:
        place = dashboard.Clinics(tuple(c.pk for c in region_clinics))
    today = clinic_dates.today_at(region_clinics or [clinic])
    weekly, steadiness = dashboard.applications_per_week(place, today)
    routes = dashboard.route_counts(place)
    tables = [
        weekly,
        dashboard.referral_mix(place, routes),
        dashboard.uptake_areas(place),
        dashboard.decisions(place, routes),
        dashboard.decline_reasons(place),
        dashboard.gp_adoption(place),
        dashboard.waits_table(place),
        dashboard.replies_and_online(clinic)
        if region_clinics is None
        else dashboard.replies_by_clinic(region_clinics),
        dashboard.adherence(place),
        dashboard.by_quarter(place),
    ]
    if region_clinics is not None:
        settings = {c.clinic_id: c for c in ClinicCosts.objects.filter(clinic__in=region_clinics)}
        tables.insert(0, dashboard.clinic_comparison(region_clinics, settings, today))
    return {t.key: _suppressed(t, suppress) for t in tables}, steadiness


def _numbers(table: dashboard.Table, column: int) -> list:
    return [row[column] if isinstance(row[column], int | float) else 0 for row in table.rows]


def _dashboard_charts(tables: dict, swedish: bool) -> dict:
    """The dashboard's SVG charts, each beside its table (the clinic's and the region's)."""
    weekly, quarters = tables["applications"], tables["quarters"]
    replies, adoption = tables["replies"], tables["gp_adoption"]
    by_week = "clinics" not in tables  # a region's reply times are per clinic
    charts = {
        "applications": charts_.bar_chart(
            [row[0][5:] for row in weekly.rows], _numbers(weekly, 1), title=weekly.title
        ),
        "gp_adoption": charts_.bar_chart(
            [row[0] for row in adoption.rows],
            _numbers(adoption, 1),
            title=str(_("Referrals from professionals per quarter")),
        ),
        "replies": charts_.bar_chart(
            [row[0][5:] if by_week else row[0] for row in replies.rows],
            _numbers(replies, 4),
            title=str(
                _("Online share of therapists' working time per week (%)")
                if by_week
                else _("Online share of therapists' working time per clinic (%)")
            ),
        ),
        "quarters": charts_.bar_chart(
            [row[0] for row in quarters.rows],
            _numbers(quarters, 4),
            title=str(_("Courses ended per quarter")),
        ),
    }
    if not by_week:
        clinics = tables["clinics"]
        charts["clinics"] = charts_.bar_chart(
            [row[0] for row in clinics.rows],
            _numbers(clinics, 4),
            title=str(_("Courses finished per clinic")),
        )
    if swedish:  # the clinic's rule, and the national beside it
        charts["improved"] = charts_.bar_chart(
            [row[0] for row in quarters.rows],
            _numbers(quarters, 8),
            title=str(_("Courses substantially improved per quarter (Swedish rule)")),
        )
        charts["recovered"] = charts_.bar_chart(
            [row[0] for row in quarters.rows],
            _numbers(quarters, 6),
            title=str(_("Courses recovered per quarter (national rules)")),
        )
    return charts


@staff_required
def clinic_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    clinic, suppress = scope.dashboard_clinic(request.user, slug)
    return _render_dashboard(request, clinic, suppress)


def _render_dashboard(request, clinic, suppress, costs_form=None, status=200) -> HttpResponse:
    """``costs_form``: the costs form as sent, when a save of it was refused."""
    tables, steadiness = _dashboard_tables(clinic, suppress)
    charts = _dashboard_charts(tables, clinic.outcome_rule == "swedish")
    audit.record("report.dashboard_viewed", actor=request.user, clinic=clinic)
    settings = ClinicCosts.objects.filter(clinic=clinic).first()
    initial = {"drawn": drawn_values.costs_digest(settings)}
    if settings:
        initial |= {
            "per_therapist_hour": settings.per_therapist_hour,
            "fixed_per_month": settings.fixed_per_month,
        }
    if costs_form is None and not suppress:
        costs_form = CostsForm(initial=initial)
    context = {
        "costs": dashboard.costs(clinic, settings),
        "costs_form": costs_form,
        "clinic": clinic,
        "suppress": suppress,
        "tables": tables,
        "charts": charts,
        "steadiness": steadiness,
        "time": dashboard.therapist_time(clinic),
    }
    return render(request, "reports/dashboard.html", context, status=status)


def _dashboard_place(request, slug: str | None, pk: int | None):
    """(clinic or region, its tables, name for files, audit keywords) of a dashboard
    download: a clinic's (suppressed beyond it) or a region's (always suppressed)."""
    if pk is not None:
        region = scope.region_scope(request.user, pk)
        clinics = list(region.clinics.order_by("name"))
        tables = _dashboard_tables(None, True, region_clinics=clinics)[0]
        return tables, f"region-{region.pk}", {"changes": {"region": region.pk}}
    clinic, suppress = scope.dashboard_clinic(request.user, slug)
    return _dashboard_tables(clinic, suppress)[0], clinic.slug, {"clinic": clinic}


@staff_required
def region_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """The implementation dashboard of a region: the clinic dashboard's sections over
    all its clinics together, the clinics side by side where it makes sense (one table
    of each clinic's figures, reply times per clinic), small numbers suppressed."""
    region = scope.region_scope(request.user, pk)
    clinics = list(region.clinics.order_by("name"))
    tables, steadiness = _dashboard_tables(None, True, region_clinics=clinics)
    audit.record("report.dashboard_viewed", actor=request.user, changes={"region": region.pk})
    context = {
        "region": region,
        "clinics": clinics,
        "suppress": True,
        "tables": tables,
        "charts": _dashboard_charts(tables, swedish=False),
        "steadiness": steadiness,
        "time": dashboard.therapist_time(dashboard.Clinics(tuple(c.pk for c in clinics))),
        "mixed_rules": any(c.outcome_rule == "swedish" for c in clinics),
    }
    return render(request, "reports/dashboard.html", context)


@staff_required
def dashboard_csv(
    request: HttpRequest, table: str, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    tables, name, where = _dashboard_place(request, slug, pk)
    found = tables.get(table)
    if found is None:
        raise Http404
    changes = {**where.pop("changes", {}), "table": table}
    audit.record("report.downloaded", actor=request.user, changes=changes, **where)
    return _attachment(
        "".join(exports.csv_lines([found.header, *found.rows])),
        "text/csv; charset=utf-8",
        f"{name}-{table}.csv",
    )


@staff_required
def dashboard_xlsx(
    request: HttpRequest, slug: str | None = None, table: str | None = None, pk: int | None = None
) -> HttpResponse:
    """One dashboard table as an Excel workbook, or (without ``table``) every table of
    the dashboard, one sheet each; suppressed as the page is."""
    found, name, where = _dashboard_place(request, slug, pk)
    tables = list(found.values())
    if table is not None:
        tables = [t for t in tables if t.key == table]
        if not tables:
            raise Http404
    changes = {**where.pop("changes", {}), "table": table or "dashboard", "format": "xlsx"}
    audit.record("report.downloaded", actor=request.user, changes=changes, **where)
    body = exports.xlsx_bytes((t.title, t.header, t.rows) for t in tables)
    return _attachment(body, exports.XLSX_TYPE, f"{name}-{table or 'dashboard'}.xlsx")


def _quarters(today) -> list:
    start = quarter_bounds(today)[0]
    found = []
    for _number in range(4):
        found.append((start, quarter_label(start)))
        start = quarter_bounds(start - dt.timedelta(days=1))[0]
    return found


@staff_required
@require_http_methods(["GET", "POST"])
def quarterly_list(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = scope.quarterly_clinic(request.user, slug)
    quarters = _quarters(clinic_dates.clinic_today(clinic))
    form = QuarterForm(request.POST or None, quarters=quarters, initial={"quarter": quarters[1][0]})
    if request.method == "POST" and form.is_valid():
        start = dt.date.fromisoformat(form.cleaned_data["quarter"])
        built = actions.do_build_quarterly_report(clinic, start, acting_user=request.user)
        messages.success(request, _("The report of %(label)s was built.") % {"label": built.label})
        return redirect("quarterly_list", slug=clinic.slug)
    reports = QuarterlyReport.objects.filter(clinic=clinic).only(
        "pk", "clinic_id", "quarter_start", "built_at"
    )
    return render(
        request, "reports/quarterly_list.html", {"clinic": clinic, "form": form, "reports": reports}
    )


@staff_required
def quarterly_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = scope.quarterly_clinic(request.user, slug)
    report = QuarterlyReport.objects.filter(clinic=clinic, pk=pk).first()
    if report is None:
        raise Http404
    audit.record(
        "report.quarterly_downloaded",
        actor=request.user,
        clinic=clinic,
        obj=report,
        changes={"quarter": report.label},
    )
    response = HttpResponse(pdf.to_pdf(report), content_type="application/pdf")
    name = f"{clinic.slug}-{report.quarter_start:%Y}-q{(report.quarter_start.month - 1) // 3 + 1}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@staff_required
@require_POST
def clinic_costs(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = scope.quarterly_clinic(request.user, slug)  # the clinic's managers
    form = CostsForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_clinic_costs(
                clinic,
                acting_user=request.user,
                per_therapist_hour=form.cleaned_data["per_therapist_hour"],
                fixed_per_month=form.cleaned_data["fixed_per_month"],
                drawn=form.cleaned_data["drawn"] or None,
            )
        except ValidationError as exc:
            now = ClinicCosts.objects.filter(clinic=clinic).first()
            if not form.refused_meanwhile(exc, now):
                raise
            # Another manager's costs kept; the dashboard again, what was typed in its
            # form, their costs in its figures (decision 0152's follow-up).
            clinic, suppress = scope.dashboard_clinic(request.user, slug)
            return _render_dashboard(request, clinic, suppress, costs_form=form, status=409)
        messages.success(request, _("The costs were saved."))
    else:
        messages.error(request, _("Enter both costs as numbers of 0 or more."))
    return redirect("clinic_dashboard", slug=clinic.slug)


@staff_required
@require_http_methods(["GET", "POST"])
def register_exports(request: HttpRequest, slug: str) -> HttpResponse:
    """The clinic's exports to quality registers: choose a profile and a period, see how
    many courses would be sent and the codebook, export (POST), download past exports."""
    clinic = scope.quarterly_clinic(request.user, slug)  # the clinic's managers
    available = register_export.profiles()
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RegisterExportForm(data, profiles=available)
    preview = profile = None
    courses = 0
    if form.is_valid():
        name, version = form.chosen()
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if request.method == "POST" and "background" in request.POST:
            try:
                job = actions.do_queue_register_export(
                    clinic, name, version, acting_user=request.user, start=start, end=end
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return redirect("register_export_job", slug=clinic.slug, job=job.pk)
        elif request.method == "POST":
            try:
                made = actions.do_export_clinic_to_register(
                    clinic, name, version, acting_user=request.user, start=start, end=end
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                if made is None:
                    say_refused(request, _("Nothing new to export: every course was sent."))
                else:
                    text = ngettext(
                        "%(rows)s course was exported.",
                        "%(rows)s courses were exported.",
                        made.rows,
                    )
                    messages.success(request, text % {"rows": made.rows})
                return redirect("register_exports", slug=clinic.slug)
        profile = register_export.load_profile(name, version)
        courses = register_export.count(clinic_ids={clinic.pk}, start=start, end=end)
        if courses <= PREVIEW_LIMIT:
            preview = register_export.pending(
                register_for(name, version), clinic_ids={clinic.pk}, start=start, end=end
            )
    exports_made = RegisterExport.objects.listed(clinic=clinic)
    context = {
        "clinic": clinic,
        "form": form,
        "profile": profile,
        "preview": preview,
        "courses": courses,
        "exports": exports_made,
        "jobs": RegisterExportJob.objects.filter(clinic=clinic)[:5],
    }
    return render(request, "reports/registers.html", context)


@staff_required
def register_export_job(request: HttpRequest, slug: str, job) -> HttpResponse:
    """The progress of a background export, refreshed every few seconds while it runs,
    with its download when it is done. The clinic's managers only (404 otherwise)."""
    clinic = scope.quarterly_clinic(request.user, slug)
    found = (
        RegisterExportJob.objects.filter(clinic=clinic, pk=job)
        .select_related("export", "requested_by")
        .first()
    )
    if found is None:
        raise Http404
    return render(request, "reports/register_job.html", {"clinic": clinic, "job": found})


@staff_required
def register_export_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = scope.quarterly_clinic(request.user, slug)
    export = RegisterExport.objects.filter(clinic=clinic, pk=pk).select_related("register").first()
    if export is None:
        raise Http404
    audit.record(
        "report.downloaded",
        actor=request.user,
        clinic=clinic,
        obj=export,
        changes={"table": "register_export", "register": export.register.name, "rows": export.rows},
    )
    name = f"{clinic.slug}-{export.register.name}-{export.pk}.csv"
    return _attachment(export.content, "text/csv; charset=utf-8", name)


@staff_required
@require_http_methods(["GET", "POST"])
def region_register_exports(request: HttpRequest, pk: int) -> HttpResponse:
    """A region's exports to quality registers, for its administrators: every course of
    the region's clinics, always in the background (a region is too large to check
    within a request), with the exports made for the region to download."""
    region = scope.region_register(request.user, pk)
    form = RegisterExportForm(
        request.POST if request.method == "POST" else None, profiles=register_export.profiles()
    )
    if request.method == "POST" and form.is_valid():
        name, version = form.chosen()
        try:
            job = actions.do_queue_region_register_export(
                region,
                name,
                version,
                acting_user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("region_register_export_job", pk=region.pk, job=job.pk)
    exports_made = RegisterExport.objects.listed(region=region)
    context = {
        "region": region,
        "form": form,
        "exports": exports_made,
        "jobs": RegisterExportJob.objects.filter(region=region)[:5],
    }
    return render(request, "reports/region_registers.html", context)


@staff_required
def region_register_export_job(request: HttpRequest, pk: int, job) -> HttpResponse:
    """The progress of a region's background export (its administrators only)."""
    region = scope.region_register(request.user, pk)
    found = (
        RegisterExportJob.objects.filter(region=region, pk=job)
        .select_related("export", "requested_by")
        .first()
    )
    if found is None:
        raise Http404
    return render(request, "reports/register_job.html", {"region": region, "job": found})


@staff_required
def region_register_export_csv(request: HttpRequest, pk: int, export: int) -> HttpResponse:
    region = scope.region_register(request.user, pk)
    found = (
        RegisterExport.objects.filter(region=region, pk=export).select_related("register").first()
    )
    if found is None:
        raise Http404
    audit.record(
        "report.downloaded",
        actor=request.user,
        obj=found,
        changes={
            "table": "register_export",
            "register": found.register.name,
            "region": region.pk,
            "rows": found.rows,
        },
    )
    return _attachment(
        found.content,
        "text/csv; charset=utf-8",
        f"region-{region.pk}-{found.register.name}-{found.pk}.csv",
    )
