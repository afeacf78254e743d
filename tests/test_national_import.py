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


def test_every_record_enters_published_or_in_review(demo_records):
    result = import_national(demo_records)
    assert result.left_out == []
    assert set(Procedure.objects.values_list("code", flat=True)) == {p.code for p in demo_records}
    published = set(Procedure.objects.active().values_list("code", flat=True))
    assert published == {p.code for p in result.complete}
    # Birth registration: "1" on every channel, and the steps state the 15:00 rule.
    birth = Procedure.objects.get(code="1.001193")
    assert {c.channel: c.time_limit_unit for c in birth.channels.all()} == {
        "online": "same_day",
        "in_person": "same_day",
        "post": "same_day",
    }
    assert birth.sector.name == "Hộ tịch" and birth.sector.code == "ho-tich"
    assert birth.result_code == "KQ.G15.000031"
    assert birth.levels == ["commune"] and birth.level == "commune"
    # Permanent residence: 7 working days, 10,000 VND online and 20,000 VND in person.
    residence = Procedure.objects.get(code="1.004222")
    assert str(residence.channel("online").time_limit) == "7 working days"
    assert {f.channel: f.amount_vnd for f in residence.fees.all()} == {"online": 10000, "in_person": 20000}
    # Certification of copies publishes no time limit: in review, with its problem and source.
    certification = Procedure.objects.get(code="2.000815")
    assert certification.status == "in_review" and not certification.is_offered
    assert certification.channel("in_person").time_limit is None
    assert {
        "field": "in-person channel",
        "message": "no time limit published ('Không có thông tin')",
        "source": "Không có thông tin",
        "template": "no time limit published (%(text)s)",
        "params": {"text": "'Không có thông tin'"},
    } in certification.review_problems
    assert "It has no name." not in certification.publishing_problems()
    assert any("no time limit" in reason for reason in certification.publishing_problems())


def test_completions_fill_what_the_records_leave_out(demo_records):
    result = import_national(demo_records, load_completions(DATA / "completions.json"))
    certification = Procedure.objects.get(code="2.000815")
    assert certification.is_location_independent
    assert str(certification.channel("in_person").time_limit) == "same day (15:00 cut-off)"
    assert certification.fees.get().amount_vnd == 2000
    # The completion answers the channel problems; what it does not answer keeps it in review.
    assert certification.status == "published", certification.review_problems
    copies = Procedure.objects.get(code="2.000635")
    assert copies.online_level == "partial"  # an online channel came with the completion
    assert "2.000815" in {p.code for p in result.complete}


def test_importing_again_changes_nothing_and_never_unpublishes(demo_records):
    import_national(demo_records)
    again = import_national(demo_records)
    assert again.summary.created == again.summary.updated == []
    assert len(again.summary.unchanged) == Procedure.objects.count() - len(again.kept)
    # An administrator completes and publishes one: a new import leaves it as published.
    certification = Procedure.objects.get(code="2.000815")
    certification.channels.update(time_limit_amount=0, time_limit_unit="same_day")
    certification.publish()
    third = import_national(demo_records)
    assert "2.000815" in {p.code for p in third.kept}
    certification.refresh_from_db()
    assert certification.status == "published" and certification.review_problems == []


def test_the_command_reports_complete_in_review_and_left_out_by_cause(tmp_path):
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
    assert "12 records: 1 complete, 11 in review, 0 left out" in text
    assert "In review, by cause: no time limit published ×11" in text
    assert "2.000815 [in review]" in text
    data = json.loads(report.read_text(encoding="utf-8"))
    # Complete, with a question about the applicant's situation proposed to confirm.
    assert [r["code"] for r in data["complete"]] == ["2.000908"]
    assert [p["cause"] for p in data["complete"][0]["problems"]] == ["to confirm"]
    assert Procedure.objects.get(code="2.000908").status == "published"
    assert len(data["in_review"]) == 11 and all(r["problems"] for r in data["in_review"])
    assert set(data["in_review"][0]["problems"][0]) == {"field", "message", "source", "cause"}
    assert data["left_out"] == []


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
