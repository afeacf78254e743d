"""Province and ministry records the reader was not written against: 20 real
records from the chatbot-tthc/chatbot_tthc crawl (scripts/crawler/data/raw/),
kept in tests/data/national-tricky.jsonl, each showing one way a record is
hard to read: several levels, limits in months or in more than 8 hours, no
limit, a bare number, several limits per channel, fees in USD, per unit, in
tiers, reduced or waived between two dates, a cell in thousands, a name over
1,000 characters. Expected values were read off the raw records by hand."""

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest

from procedures.national import ParsedRecord, parse_file, parse_record

TRICKY = Path(__file__).resolve().parent / "data" / "national-tricky.jsonl"


@cache
def _records() -> dict[str, dict]:
    lines = TRICKY.read_text(encoding="utf-8").splitlines()
    return {record["ma_thu_tuc"]: record for record in map(json.loads, filter(None, lines))}


def read(code: str) -> ParsedRecord:
    return parse_record(_records()[code])


def rows(parsed: ParsedRecord, name: str) -> list[dict]:
    assert parsed.record is not None
    return [c for c in parsed.record["channels"] if c["channel"] == name]


def fees(option: dict) -> list[tuple]:
    return [
        (f["amount"], f["currency"], f["unit"], f["case"], f["valid_from"], f["valid_until"]) for f in option["fees"]
    ]


def test_every_tricky_record_enters_the_catalogue():
    parsed = parse_file(TRICKY)
    assert len(parsed) == 20
    assert all(p.record is not None for p in parsed)
    for item in parsed:
        assert item.record["status"] == ("in_review" if item.problems else "published")
        for problem in item.problems:
            assert problem.field and problem.message


def test_levels_are_all_kept_with_the_nearest_as_main():
    # "Cấp Bộ, Cấp Tỉnh, Cơ quan khác"
    parsed = read("1.000025")
    assert parsed.record["levels"] == ["ministry", "province", "other"]
    assert parsed.record["level"] == "province"
    assert read("1.000111").record["levels"] == ["ministry", "province"]
    assert read("1.003358").record["level"] == "ministry"


def test_agencies_are_kept():
    record = read("1.003358").record
    assert record["implementing_agency"] == "Cục quản lý xuất nhập cảnh"
    assert record["competent_agency"] == "Cục quản lý xuất nhập cảnh"


def test_a_name_over_a_thousand_characters_is_kept_whole():
    parsed = read("1.013980")
    assert len(parsed.record["name"]) > 1000
    assert parsed.record["name"] == " ".join(_records()["1.013980"]["ten_thu_tuc"].split())
    # Complete but for the questions its documents table proposes, to confirm.
    assert {problem.cause for problem in parsed.problems} == {"to confirm"}, parsed.problems
    assert parsed.outcome == "complete"


@pytest.mark.parametrize(("code", "months"), [("1.001010", "6"), ("1.004030", "3")])
def test_limits_in_months(code, months):
    (option,) = rows(read(code), "in_person")
    assert option["time_limit"] == {"amount": months, "unit": "months"}


def test_more_than_eight_hours_is_imported_as_working_hours_and_reviewed():
    parsed = read("1.002886")  # "24 Giờ": an airport closure, perhaps clock hours
    assert rows(parsed, "online")[0]["time_limit"] == {"amount": "24", "unit": "working_hours"}
    assert [p.cause for p in parsed.problems if p.cause != "documents"] == ["more than 8 hours"] * 3


def test_no_time_limit_and_a_bare_number_wait_in_review():
    silent = read("1.000221")
    assert [c["time_limit"] for c in silent.record["channels"]] == [{"amount": None, "unit": ""}] * 3
    assert {p.cause for p in silent.problems} == {"no time limit published"}
    bare = read("1.000016")
    assert [c["time_limit"] for c in bare.record["channels"]] == [{"amount": "1", "unit": ""}] * 2
    assert all("the number 1 is kept without a unit" in p for p in bare.problems)


def test_a_time_glued_to_the_fee_is_kept_as_unknown():
    parsed = read("2.002009")
    assert parsed.outcome == "review"
    assert any("time and fee cells run together" in p for p in parsed.problems)


def test_two_steps_published_as_two_rows_are_reviewed():
    # ABTC card lost: 2 working days at the police, then 3 at the department.
    parsed = read("1.011726")
    assert [c["time_limit"]["amount"] for c in rows(parsed, "online")] == ["2", "3"]
    assert rows(parsed, "online")[1]["case"].startswith("+ Trong thời hạn 03 ngày làm việc kể từ khi tiếp nhận")
    assert {p.cause for p in parsed.problems} == {"several time limits"}


def test_rows_that_only_repeat_a_limit_are_one_row():
    # Three in-person rows of 10 days, one per police level.
    parsed = read("1.003777")
    (option,) = rows(parsed, "in_person")
    assert option["case"] == "" and option["time_limit"] == {"amount": "10", "unit": "calendar_days"}
    assert option["description"].count("10 ngày kể từ ngày nhận đủ hồ sơ hợp lệ") == 3


def test_temporary_residence_cards_in_usd_by_tier():
    parsed = read("1.003358")
    tiers = [
        (145, "USD", "thẻ", "Thẻ tạm trú có thời hạn không quá 02 năm", None, None),
        (155, "USD", "thẻ", "Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm", None, None),
        (165, "USD", "thẻ", "Thẻ tạm trú có thời hạn từ trên 05 năm đến 10 năm", None, None),
    ]
    assert fees(rows(parsed, "online")[0]) == tiers
    # The in-person cells say "155 VNĐ" where their notes say 155 USD: read as USD, and reported.
    assert sorted(fees(rows(parsed, "in_person")[0])) == tiers
    mismatch = [p for p in parsed.problems if "its note says" in p]
    assert len(mismatch) == 3 and mismatch[0].field == "fee for in-person"


def test_passport_fee_and_its_case_of_a_lost_passport():
    parsed = read("1.001471")
    assert fees(rows(parsed, "online")[0]) == [
        (200000, "VND", "hộ chiếu", "", None, None),
        (400000, "VND", "hộ chiếu", "Trường hợp cấp lại do bị hỏng hoặc bị mất", None, None),
    ]
    assert [c["time_limit"]["amount"] for c in rows(parsed, "online")] == ["5", "3"]


def test_a_reduction_between_two_dates():
    # "4,000,000 Việt Nam Đồng((Áp dụng mức phí: 2.000.000 đồng (Hai triệu đồng) kể từ ngày
    # 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC)"
    parsed = read("1.001609")
    assert parsed.outcome == "complete", parsed.problems
    assert fees(rows(parsed, "online")[0]) == [
        (4000000, "VND", "", "", None, None),
        (2000000, "VND", "", "", dt.date(2025, 7, 1), dt.date(2026, 12, 31)),
    ]


def test_a_reduction_until_a_date_with_its_unit():
    parsed = read("1.014899")
    assert fees(rows(parsed, "in_person")[0]) == [
        (50000, "VND", "tem “AB”", "", None, None),
        (25000, "VND", "tem “AB”", "", None, dt.date(2026, 12, 31)),
    ]


def test_a_waiver_between_two_dates_for_each_tier():
    # "250,000 VNĐ(Thực hành\t250.000đ/lần(Miễn kể từ ngày 07/4/2026 đến 30/6/2026 …))"
    parsed = read("1.000246")
    assert fees(rows(parsed, "online")[0]) == [
        (250000, "VND", "lần", "Thực hành", None, None),
        (0, "VND", "lần", "Thực hành", dt.date(2026, 4, 7), dt.date(2026, 6, 30)),
    ]
    assert fees(rows(parsed, "in_person")[0])[0] == (600000, "VND", "lần", "Lý thuyết", None, None)


def test_a_dated_amount_for_one_case_is_reviewed():
    parsed = read("1.001456")
    assert any("a dated amount 320,000 VND is given for a case" in p for p in parsed.problems)


def test_a_cell_in_thousands_is_reviewed():
    # "40 VNĐ(40.000đ/giấy thông hành …)"
    parsed = read("1.001200")
    assert "fee for online: cell says 40 VND, too little to be a fee; check" in parsed.problems
    cell_in_thousands = read("1.002010")
    assert {p.cause for p in cell_in_thousands.problems} == {"fee not read with confidence"}


def test_a_lecturer_certificate_fee_per_certificate_reduced_for_a_while():
    parsed = read("1.005319")
    assert fees(rows(parsed, "online")[0]) == [
        (50000, "VND", "CCHN", "", None, None),
        (25000, "VND", "CCHN", "", dt.date(2025, 7, 1), dt.date(2026, 12, 31)),
    ]
