"""Report URLs (every one has a row in tests/access_rows/reports.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.reports_home, name="reports_home"),
    path("reports/definitions/", views.definitions, name="report_definitions"),
    path("reports/mine/", views.my_outcomes, name="my_outcomes"),
    path("reports/mine/episodes/", views.outcome_table, name="my_outcome_table"),
    path("reports/mine/episodes.csv", views.outcome_table_csv, name="my_outcome_table_csv"),
    path("reports/mine/episodes.xlsx", views.outcome_table_xlsx, name="my_outcome_table_xlsx"),
    path("reports/clinics/<slug:slug>/outcomes/", views.clinic_outcomes, name="clinic_outcomes"),
    path(
        "reports/clinics/<slug:slug>/outcomes/episodes/",
        views.outcome_table,
        name="clinic_outcome_table",
    ),
    path(
        "reports/clinics/<slug:slug>/outcomes/episodes.csv",
        views.outcome_table_csv,
        name="clinic_outcome_table_csv",
    ),
    path(
        "reports/clinics/<slug:slug>/outcomes/episodes.xlsx",
        views.outcome_table_xlsx,
        name="clinic_outcome_table_xlsx",
    ),
    path("reports/clinics/<slug:slug>/dashboard/", views.clinic_dashboard, name="clinic_dashboard"),
    path(
        "reports/clinics/<slug:slug>/dashboard/<slug:table>.csv",
        views.dashboard_csv,
        name="dashboard_csv",
    ),
    path(
        "reports/clinics/<slug:slug>/dashboard/<slug:table>.xlsx",
        views.dashboard_xlsx,
        name="dashboard_xlsx",
    ),
    path(
        "reports/clinics/<slug:slug>/dashboard.xlsx",
        views.dashboard_xlsx,
        name="dashboard_workbook",
    ),
    path("reports/clinics/<slug:slug>/costs/", views.clinic_costs, name="clinic_costs"),
    path("reports/clinics/<slug:slug>/quarterly/", views.quarterly_list, name="quarterly_list"),
    path(
        "reports/clinics/<slug:slug>/quarterly/<id:pk>.pdf",
        views.quarterly_pdf,
        name="quarterly_pdf",
    ),
    path(
        "reports/clinics/<slug:slug>/registers/",
        views.register_exports,
        name="register_exports",
    ),
    path(
        "reports/clinics/<slug:slug>/registers/jobs/<uuid:job>/",
        views.register_export_job,
        name="register_export_job",
    ),
    path(
        "reports/clinics/<slug:slug>/registers/<id:pk>.csv",
        views.register_export_csv,
        name="register_export_csv",
    ),
    path("reports/regions/<id:pk>/outcomes/", views.region_outcomes, name="region_outcomes"),
    path("reports/regions/<id:pk>/dashboard/", views.region_dashboard, name="region_dashboard"),
    path(
        "reports/regions/<id:pk>/dashboard/<slug:table>.csv",
        views.dashboard_csv,
        name="region_dashboard_csv",
    ),
    path(
        "reports/regions/<id:pk>/dashboard/<slug:table>.xlsx",
        views.dashboard_xlsx,
        name="region_dashboard_xlsx",
    ),
    path(
        "reports/regions/<id:pk>/dashboard.xlsx",
        views.dashboard_xlsx,
        name="region_dashboard_workbook",
    ),
    path(
        "reports/regions/<id:pk>/registers/",
        views.region_register_exports,
        name="region_register_exports",
    ),
    path(
        "reports/regions/<id:pk>/registers/jobs/<uuid:job>/",
        views.region_register_export_job,
        name="region_register_export_job",
    ),
    path(
        "reports/regions/<id:pk>/registers/<id:export>.csv",
        views.region_register_export_csv,
        name="region_register_export_csv",
    ),
]
