"""Early, on time and late as shares of the finished dossiers, and the
on-time rate, to two decimals: one rule (reports/stats.py `shares`), the
same figures on the dashboard, the sector table, the API, the CSV, the XLSX
and the PDF; and the PDF issued by the real office or province, signed."""

import csv
import io
import itertools
import re
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import rollups
from dossiers.models import Dossier
from dossiers.states import State
from reports import exports
from reports.stats import Shares, shares
from tests.conftest import at
from tests.factories import PASSWORD, OfficeFactory, received_dossier

JANUARY = "period=2026-01"


def test_the_three_shares_add_up_to_100_by_the_largest_remainder():
    # Each alone rounds to 33.33, which would add up to 99.99.
    assert shares(1, 1, 1) == Shares(Decimal("33.34"), Decimal("33.33"), Decimal("33.33"))
    assert shares(1993, 1, 6) == Shares(Decimal("99.65"), Decimal("0.05"), Decimal("0.30"))
    # 1994, 2, 7 of 2003: 99.5507, 0.0998, 0.3494 → the two hundredths
    # missing after the cut go to the two largest remainders.
    assert shares(1994, 2, 7) == Shares(Decimal("99.55"), Decimal("0.10"), Decimal("0.35"))
    assert shares(2, 1, 0).on_time_rate == Decimal("100.00")
    for counts in itertools.product(range(8), repeat=3):
        found = shares(*counts)
        if sum(counts) == 0:
            assert found is None
        else:
            assert found.early + found.on_time + found.late == Decimal("100.00"), counts
            assert found.on_time_rate == found.early + found.on_time


def test_nothing_finished_has_no_share():
    assert shares(0, 0, 0) is None


@pytest.fixture
def finished_january(vn_holidays, province, office_a, office_b, chi, procedure):
    """Phường Ba Đình: 2,000 finished, 1,993 early, 1 on time, 6 late
    (99.65 / 0.05 / 0.30); Xã Tây Tựu: one of each (33.34 / 33.33 / 33.33);
    Xã Không Việc finished nothing. Due 15/01/2026."""
    OfficeFactory(code="000.03.00.H01", name="Xã Không Việc", parent=province)
    model = received_dossier(procedure, office_a, chi, at=at("12/01/2026"))
    due = at("15/01/2026", "09:00")
    finished = {"early": at("14/01/2026", "10:00"), "on_time": at("15/01/2026", "16:00"), "late": at("16/01/2026")}
    made = []
    # The model itself is one of Phường Ba Đình's early ones.
    for office, counts in ((office_a, (1992, 1, 6)), (office_b, (1, 1, 1))):
        for kind, count in zip(("early", "on_time", "late"), counts, strict=True):
            for _ in range(count):
                copy = Dossier.objects.get(pk=model.pk)
                copy.pk = None
                copy.code = f"{office.code}-{kind}-{len(made):05d}"
                copy.receiving_office = copy.competent_office = office
                made.append(copy)
    Dossier.objects.bulk_create(made, batch_size=500)
    for kind, moment in finished.items():
        wanted = Q(code__contains=f"-{kind}-") | Q(pk=model.pk) if kind == "early" else Q(code__contains=f"-{kind}-")
        Dossier.objects.filter(wanted).update(state=State.STAMPED, due_at=due, appointment_at=due, finished_at=moment)
    rollups.rebuild()


@pytest.fixture
def signed_in(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


FIGURES = {
    "Phường Ba Đình": ["99.65", "0.05", "0.30", "99.70"],
    "Xã Tây Tựu": ["33.34", "33.33", "33.33", "66.67"],
    "Total": ["99.55", "0.10", "0.35", "99.65"],
}


def page_row(html: str, label: str) -> list[str]:
    found = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', html, re.S)
    assert found, label
    # Early, on time and late are shown with all columns and on paper; the rate always.
    return re.findall(r"<td class=\"number[^\"]*\">(\d+\.\d\d) %</td>", found.group(1)) or re.findall(
        r"<td class=\"number[^\"]*\">(—)</td>", found.group(1)
    )


def test_every_path_shows_the_same_shares(finished_january, signed_in, tuan, api):
    dashboard = signed_in.get(reverse("reports:dashboard") + "?" + JANUARY).content.decode()
    for label, figures in FIGURES.items():
        assert page_row(dashboard, label) == figures, label
    # Nothing finished: no share, not 0 %.
    assert page_row(dashboard, "Xã Không Việc") == ["—"] * 4
    assert "99.65 %" in dashboard and "early 99.55 % · on time 0.10 % · late 0.35 %" in dashboard

    sectors = signed_in.get(reverse("reports:sectors") + "?" + JANUARY).content.decode()
    assert page_row(sectors, "Total") == FIGURES["Total"]

    body = api.as_(tuan).get("/api/v1/reports/timeliness/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    by_name = {row["name"]: row for row in [*body["rows"], body["total"]]}
    for label, figures in FIGURES.items():
        row = by_name[label]
        assert [row["early_share"], row["on_time_share"], row["late_share"], row["on_time_rate"]] == [
            float(f) for f in figures
        ]
    assert by_name["Xã Không Việc"]["early_share"] is None and by_name["Xã Không Việc"]["on_time_rate"] is None

    text = signed_in.get(reverse("reports:export", args=["csv"]) + "?" + JANUARY).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[2]
    columns = [head.index(name) for name in ("Early share (%)", "On-time share (%)", "Late share (%)")]
    columns.append(head.index("On-time rate (%)"))
    csv_rows = {row[0]: [row[n] for n in columns] for row in rows[3:]}
    for label, figures in FIGURES.items():
        assert csv_rows[label] == figures
    assert csv_rows["Xã Không Việc"] == ["—"] * 4

    response = signed_in.get(reverse("reports:export", args=["xlsx"]) + "?" + JANUARY)
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[4]]
    xlsx_columns = [header.index(rows[2][n]) for n in columns]
    for line in sheet.iter_rows(min_row=5):
        label = line[0].value
        cells = [line[n] for n in xlsx_columns]
        if label in FIGURES:
            # Numbers, shown as percents: 0.9965 reads 99.65%.
            assert all(isinstance(cell.value, float) and cell.number_format == "0.00%" for cell in cells)
            assert [f"{cell.value * 100:.2f}" for cell in cells] == FIGURES[label]
        else:
            assert [cell.value for cell in cells] == ["—"] * 4

    pdf = signed_in.get(reverse("reports:export", args=["pdf"]) + "?" + JANUARY).content
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for label, figures in FIGURES.items():
        assert re.search(re.escape(label) + r"[\d\s]*" + r"\s+".join(map(re.escape, figures)), pdf_text), label


def test_the_pdf_is_issued_by_the_province_and_signed(history, signed_in, province):
    province.authority = "UBND tỉnh Mẫu"
    province.save()
    signed_in.cookies["django_language"] = "vi"
    response = signed_in.get(reverse("reports:export", args=["pdf"]) + "?" + JANUARY)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UBND TỈNH MẪU" in text and "TỈNH MẪU" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and "(Ký và ghi rõ họ tên)" in text
    assert "của tôi" not in text.lower()
    # The file name keeps the "d" of "đơn vị".
    assert "tat-ca-don-vi-cua-toi-2.pdf" in response["Content-Disposition"]


def test_one_office_issues_its_own_report(history, signed_in, office_a):
    signed_in.cookies["django_language"] = "vi"
    response = signed_in.get(reverse("reports:export", args=["pdf"]) + f"?{JANUARY}&office={office_a.pk}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert text.startswith("TỈNH MẪU\nPHƯỜNG BA ĐÌNH")
    assert "phuong-ba-dinh.pdf" in response["Content-Disposition"]


def test_a_file_name_keeps_the_d_of_dj():
    assert exports.file_slug("Tất cả đơn vị của tôi (3)") == "tat-ca-don-vi-cua-toi-3"
    assert exports.file_slug("ĐỒNG HỚI") == "dong-hoi"


def test_the_csv_says_how_it_is_written(history, signed_in):
    response = signed_in.get(reverse("reports:export", args=["csv"]) + "?" + JANUARY)
    assert response.content.startswith("\ufeff".encode())
    first = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "UTF-8" in first[0] and "decimal point" in first[0] and "XLSX" in first[0]
    page = signed_in.get(reverse("reports:dashboard") + "?" + JANUARY).content.decode()
    assert "The CSV is UTF-8 text, comma-separated, with a decimal point" in page


def test_an_export_in_an_unknown_format_is_not_found(history, signed_in):
    assert signed_in.get(reverse("reports:export", args=["docx"]) + "?" + JANUARY).status_code == 404
