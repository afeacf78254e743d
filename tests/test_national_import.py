"""Importing the national portal's records, and the demo data built on them."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.models import CalendarDay, Membership, Office, User
from procedures.interchange import import_national
from procedures.models import Procedure
from procedures.national import load_completions, parse_file

DATA = Path(__file__).resolve().parent.parent / "procedures" / "data"
NATIONAL = DATA / "commune-procedures.jsonl.gz"
DEMO_SECTORS = {
    "Hộ tịch",
    "Chứng thực",
    "Đăng ký, quản lý cư trú",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_records():
    return [p for p in parse_file(NATIONAL) if p.sector_name in DEMO_SECTORS]


def test_what_parses_with_confidence_is_imported_and_the_rest_is_reported(demo_records):
    result = import_national(demo_records)
    imported = set(Procedure.objects.values_list("code", flat=True))
    assert imported == {p.code for p in result.full + result.partial}
    assert not imported & {p.code for p in result.none}
    # Birth registration: "1" on every channel, and the steps state the 15:00 rule.
    birth = Procedure.objects.get(code="1.001193")
    assert {c.channel: c.time_limit_unit for c in birth.channels.all()} == {
        "online": "same_day",
        "in_person": "same_day",
        "post": "same_day",
    }
    assert birth.sector.name == "Hộ tịch" and birth.sector.code == "ho-tich"
    assert birth.result_code == "KQ.G15.000031"
    # Permanent residence: 7 working days, 10,000 VND online and 20,000 VND in person.
    residence = Procedure.objects.get(code="1.004222")
    assert str(residence.channel("online").time_limit) == "7 working days"
    assert {f.channel: f.amount_vnd for f in residence.fees.all()} == {"online": 10000, "in_person": 20000}
    # Certification of copies publishes no time limit: reported, not imported.
    certification = next(p for p in result.none if p.code == "2.000815")
    assert any("no time limit published" in problem for problem in certification.problems)


def test_completions_fill_what_the_records_leave_out(demo_records):
    result = import_national(demo_records, load_completions(DATA / "completions.json"))
    certification = Procedure.objects.get(code="2.000815")
    assert certification.is_location_independent
    assert str(certification.channel("in_person").time_limit) == "same day (15:00 cut-off)"
    assert certification.fees.get().amount_vnd == 2000
    copies = Procedure.objects.get(code="2.000635")
    assert copies.online_level == "partial"  # an online channel came with the completion
    assert "2.000815" in {p.code for p in result.partial}


def test_importing_again_changes_nothing(demo_records):
    import_national(demo_records)
    again = import_national(demo_records)
    assert again.summary.created == again.summary.updated == []
    assert len(again.summary.unchanged) == Procedure.objects.count()


def test_the_command_reports_every_record_that_was_not_imported_fully(tmp_path):
    out = io.StringIO()
    report = tmp_path / "report.json"
    call_command(
        "import_national_catalogue",
        str(NATIONAL),
        "--sector",
        "Chứng thực",
        "--report",
        str(report),
        stdout=out,
    )
    text = out.getvalue()
    assert "12 records: 0 imported fully, 1 partly, 11 not at all" in text
    assert "2.000815 [none]" in text
    # Partly: a question about the applicant's situation, proposed for an administrator to confirm.
    assert "2.000908 [partial]\n    documents: proposed the question" in text
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [r["code"] for r in data["partial"]] == ["2.000908"]
    assert len(data["none"]) == 11 and all(r["problems"] for r in data["none"])


def test_the_demo_data(client):
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Demo data ready" in out.getvalue()
    province = Office.objects.get(level="province")
    assert province.children.count() == 3
    assert Office.objects.get(code="000.02.00.H37").opens_saturday_morning
    for role in Membership.Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    assert User.objects.get(username="admin").is_superuser
    assert client.login(username="clerk", password="demo-2026")
    assert CalendarDay.objects.filter(kind="working_day").exists()
    for sector in DEMO_SECTORS:
        assert Procedure.objects.filter(sector__name=sector, is_active=True).count() >= 3, sector

    count = Procedure.objects.count()
    call_command("demo", stdout=io.StringIO())  # safe to run again
    assert Procedure.objects.count() == count
    assert Membership.objects.filter(user__username="clerk").count() == 1
