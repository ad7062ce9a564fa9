"""Reports: outcomes of a therapist's own caseload, of a clinic, of a region's clinics."""

import datetime as dt

from tests.access_rows.base import Row, everyone, only

THERAPISTS = ["therapist", "colleague", "other_therapist"]
CLINIC = ["supervisor", "manager"]
alpha = {"slug": "alpha"}

ROWS: dict[str, Row] = {
    "reports_home": Row(only(THERAPISTS + CLINIC + ["region_admin", "other_manager"])),
    "report_definitions": Row(everyone("ok", anon="login", staff_no_mfa="mfa")),
    "my_outcomes": Row(only(THERAPISTS)),
    "my_outcome_table": Row(only(THERAPISTS)),
    "my_outcome_table_csv": Row(only(THERAPISTS)),
    "my_outcome_table_xlsx": Row(only(THERAPISTS)),
    "clinic_outcomes": Row(only(CLINIC + ["region_admin"]), kwargs=lambda w: alpha),
    "clinic_outcome_table": Row(only(CLINIC), kwargs=lambda w: alpha),
    "clinic_outcome_table_csv": Row(only(CLINIC), kwargs=lambda w: alpha),
    "clinic_outcome_table_xlsx": Row(only(CLINIC), kwargs=lambda w: alpha),
    "clinic_dashboard": Row(only(["manager", "region_admin"]), kwargs=lambda w: alpha),
    "dashboard_csv": Row(
        only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha", "table": "quarters"}
    ),
    "dashboard_xlsx": Row(
        only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha", "table": "areas"}
    ),
    "dashboard_workbook": Row(only(["manager", "region_admin"]), kwargs=lambda w: alpha),
    "region_outcomes": Row(only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk}),
    "region_dashboard": Row(only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk}),
    "region_dashboard_csv": Row(
        only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk, "table": "clinics"}
    ),
    "region_dashboard_xlsx": Row(
        only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk, "table": "areas"}
    ),
    "region_dashboard_workbook": Row(only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk}),
}
ROWS["clinic_costs"] = Row(
    only(["manager"], ok="redirect"),
    method="post",
    kwargs=lambda w: alpha,
    data={"per_therapist_hour": "600", "fixed_per_month": "10000"},
)
ROWS["quarterly_list"] = Row(only(["manager"]), kwargs=lambda w: alpha)
ROWS["register_exports"] = Row(only(["manager"]), kwargs=lambda w: alpha)
ROWS["register_export_csv"] = Row(
    only(["manager"]), kwargs=lambda w: {"slug": "alpha", "pk": w.register_export.pk}
)
ROWS["register_export_job"] = Row(
    only(["manager"]), kwargs=lambda w: {"slug": "alpha", "job": w.register_job.pk}
)
ROWS["region_register_exports"] = Row(only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk})
ROWS["region_register_export_job"] = Row(
    only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk, "job": w.region_job.pk}
)
ROWS["region_register_export_csv"] = Row(
    only(["region_admin"]), kwargs=lambda w: {"pk": w.region.pk, "export": w.region_export.pk}
)
ROWS["quarterly_pdf"] = Row(
    only(["manager"]), kwargs=lambda w: {"slug": "alpha", "pk": w.quarterly_report.pk}
)


def setup(world):
    from tessera.reports.actions import do_build_quarterly_report
    from tessera.reports.models import Register, RegisterExport, RegisterExportJob

    register = Register.objects.create(name="generic-1", profile="generic", version=1)
    world.register_export = RegisterExport.objects.create(
        register=register, clinic=world.clinic, rows=0, content="pseudonym\n"
    )
    world.register_job = RegisterExportJob.objects.create(
        clinic=world.clinic, profile="generic", version=1, requested_by=world["manager"]
    )
    world.region_export = RegisterExport.objects.create(
        register=register, region=world.region, rows=0, content="pseudonym\n"
    )
    world.region_job = RegisterExportJob.objects.create(
        region=world.region, profile="generic", version=1, requested_by=world["region_admin"]
    )
    world.quarterly_report = do_build_quarterly_report(
        world.clinic, dt.date(2026, 1, 1), acting_user=world["manager"]
    )
