"""Excel workbooks (openpyxl, decision 0021): the dashboard's tables, the whole
dashboard, and the per-episode table, opened again with openpyxl and checked."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.reports import exports
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def _values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_workbook_keeps_numbers_as_numbers_and_text_as_text():
    body = exports.xlsx_bytes(
        [
            ("Waits: in days [all]", ["Between", "Median"], [["=HYPERLINK(1)", 2.5], ["x", None]]),
            ("Waits: in days [all]", ["a"], []),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(body))
    # Excel refuses ":[]" in sheet names; a second sheet of the same title is numbered.
    assert book.sheetnames == ["Waits  in days  all", "Waits  in days  all (2)"]
    sheet = book.worksheets[0]
    assert _values(sheet) == [
        ["Waits: in days [all]", None],
        ["Between", "Median"],
        ["=HYPERLINK(1)", 2.5],
        ["x", None],
    ]
    assert sheet["A3"].data_type == "s"  # text, never a formula
    assert sheet["A2"].font.bold and sheet.freeze_panes == "A3"


def test_a_dashboard_table_downloads_as_a_workbook(cohort, world, client):
    for i in range(3):
        make_application(world.clinic, f"xl{i}@apply.test")
    sign_in(client, world["manager"])
    book = _open(client.get(reverse("dashboard_xlsx", args=["alpha", "referrals"])))
    assert book.sheetnames == ["Where applications came from"]
    rows = _values(book.worksheets[0])
    assert rows[1] == ["Route", "Applications"]
    assert ["Self-referral", 3] in rows  # a number, not the text "3"
    assert client.get(reverse("dashboard_xlsx", args=["alpha", "nothing"])).status_code == 404
    event = AuditEvent.objects.filter(action="report.downloaded").latest("pk")
    assert event.changes == {"table": "referrals", "format": "xlsx"}


def test_the_whole_dashboard_is_one_workbook_suppressed_for_the_region(cohort, world, client):
    for i in range(3):
        make_application(world.clinic, f"xr{i}@apply.test")
    sign_in(client, world["manager"])
    book = _open(client.get(reverse("dashboard_workbook", args=["alpha"])))
    assert len(book.sheetnames) == 10
    quarters = _values(book[book.sheetnames[-1]])
    assert quarters[1][:4] == ["Quarter", "Applications", "From professionals", "Started"]
    assert sum(row[3] for row in quarters[2:]) == 6  # the cohort's six courses started
    sign_in(client, world["region_admin"])
    book = _open(client.get(reverse("dashboard_workbook", args=["alpha"])))
    mix = _values(book["Where applications came from"])
    assert ["Self-referral", "fewer than 5"] in mix


def test_the_episode_table_downloads_as_a_workbook_with_the_csv_columns(cohort, world, client):
    sign_in(client, world["manager"])
    book = _open(client.get(reverse("clinic_outcome_table_xlsx", args=["alpha"])))
    rows = _values(book.worksheets[0])
    csv = client.get(reverse("clinic_outcome_table_csv", args=["alpha"]))
    csv_lines = b"".join(csv.streaming_content).decode().splitlines()
    assert rows[1] == csv_lines[0].split(",")
    assert len(rows) == 2 + 6  # title, header, six episodes
    first = dict(zip(rows[1], rows[2], strict=True))
    assert first["dep_first"] == 15 and first["recovered"] == 1  # course A
    sign_in(client, world["therapist"])
    own = _values(_open(client.get(reverse("my_outcome_table_xlsx"))).worksheets[0])
    assert len(own) == 2 + 5  # the colleague's course F is not the therapist's
    sign_in(client, world["region_admin"])
    assert client.get(reverse("clinic_outcome_table_xlsx", args=["alpha"])).status_code == 404
