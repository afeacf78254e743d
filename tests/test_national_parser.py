"""The national portal reader (procedures/national/) record by record: sector
codes, a real record read whole, every line of
/work/shared/data/vn-procedures/commune.jsonl in the catalogue's shape, and
small hand-written records for the edge cases. The tables have their own
files (test_national_channels.py, test_national_documents.py,
test_national_legal.py), which take `real`, `raw` and `channel` from here.
Expected values were read off the raw records by hand. No database: these are
plain functions over plain data."""

import gzip
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from procedures.national import RECORD_KEYS, ParsedRecord, parse_file, parse_record, sector_code

DATA = Path("/work/shared/data/vn-procedures/commune.jsonl")
HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCS = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL = "Tên văn bản pháp lýMã văn bản"


@cache
def _raw_records() -> dict[str, dict]:
    with DATA.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return {record["ma_thu_tuc"]: record for record in records}


def real(code: str) -> ParsedRecord:
    return parse_record(_raw_records()[code])


@cache
def _all_parsed() -> tuple[ParsedRecord, ...]:
    return tuple(parse_file(DATA))


def raw(**fields) -> dict:
    """A minimal portal record; fields override the defaults."""
    record = {
        "ma_thu_tuc": "9.000001",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test",
        "ten_thu_tuc": "Thủ tục   thử\nnghiệm",
        "so_quyet_dinh": "1/QĐ-BTP",
        "linh_vuc": " Hộ tịch ",
        "cap_thuc_hien": "Cấp xã",
        "doi_tuong_thuc_hien": "Công dân Việt Nam",
        "trinh_tu_thuc_hien": "Bước 1: nộp hồ sơ.",
        "cach_thuc_thuc_hien": f"{HEADER}Trực tiếp3 Ngày làm việcMiễn phíNộp tại UBND cấp xã",
        "thanh_phan_ho_so": f"--{DOCS}Tờ khai1 bản chính",
        "can_cu_phap_ly": f"{LEGAL}Luật Hộ tịch60/2014/QH13",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tinMô tả",
    }
    record.update(fields)
    return record


def channel(parsed: ParsedRecord, name: str) -> dict:
    assert parsed.record is not None, parsed.problems
    matches = [c for c in parsed.record["channels"] if c["channel"] == name]
    assert len(matches) == 1, parsed.record["channels"]
    return matches[0]


# ---------------------------------------------------------------- sector codes


def test_sector_code_removes_diacritics_and_joins_words():
    assert sector_code("Hộ tịch") == "ho-tich"
    assert sector_code("Đăng ký, quản lý cư trú") == "dang-ky-quan-ly-cu-tru"
    assert sector_code("Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)") == (
        "thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh"
    )
    assert sector_code("Đường bộ") == "duong-bo"


def test_sector_code_is_at_most_120_characters():
    code = sector_code("Quản lý " * 40)
    assert len(code) <= 120
    assert not code.endswith("-")
    assert code.startswith("quan-ly-quan-ly")


# ---------------------------------------------------------------- real records


def test_birth_registration_is_same_day_and_free_on_all_three_channels():
    # The fee cells say "Miễn phí": free, which is not the same as not published.
    parsed = real("1.001193")
    assert parsed.outcome == "complete", parsed.problems
    record = parsed.record
    assert record["name"] == "Thủ tục đăng ký khai sinh"
    assert record["sector"] == "ho-tich"
    assert parsed.sector_name == "Hộ tịch"
    assert record["level"] == "commune"
    assert record["decision_number"] == "163/QĐ-BTP"
    assert record["online_level"] == "partial"
    assert record["conditions"] == ""
    assert record["stages"] == []
    assert {c["channel"] for c in record["channels"]} == {"online", "post", "in_person"}
    for name in ("online", "post", "in_person"):
        assert channel(parsed, name)["time_limit"] == {"amount": "0", "unit": "same_day"}
        assert [(fee["amount"], fee["currency"]) for fee in channel(parsed, name)["fees"]] == [(0, "VND")]


# ---------------------------------------------------------------- every record


def test_every_line_parses_into_records_of_the_catalogue_shape():
    parsed = _all_parsed()
    assert len(parsed) == 588
    assert len({p.code for p in parsed}) == 588
    outcomes = {p.outcome for p in parsed}
    # Every bundled record is a procedure: none is left out.
    assert outcomes == {"complete", "review"}
    for item in parsed:
        # Proposals to confirm (a question, a group) hold nothing back.
        holding = [problem for problem in item.problems if not problem.to_confirm]
        assert item.outcome == ("review" if holding else "complete")
        assert all(isinstance(p, str) and p and p.field and p.message for p in item.problems)
        assert item.record is not None
        record = item.record
        assert tuple(record) == RECORD_KEYS
        assert set(record) == {
            "code",
            "name",
            "sector",
            "level",
            "levels",
            "implementing_agency",
            "competent_agency",
            "applicants",
            "steps",
            "conditions",
            "result",
            "result_code",
            "decision_number",
            "online_level",
            "is_location_independent",
            "is_active",
            "status",
            "review_problems",
            "source_url",
            "channels",
            "questions",
            "documents",
            "stages",
            "legal_basis",
        }
        assert record["level"] == "commune"
        assert "commune" in record["levels"]
        assert record["status"] == ("in_review" if item.problems else "published")
        assert record["review_problems"] == [problem.as_dict() for problem in item.problems]
        assert record["sector"] == sector_code(item.sector_name)
        assert record["online_level"] == (
            "partial"
            if any(c["channel"] == "online" and c["time_limit"]["unit"] for c in record["channels"])
            else "offline"
        )
        assert len(record["result_code"]) <= 200
        seen = [(c["channel"], c["case"]) for c in record["channels"]]
        assert len(seen) == len(set(seen))
        for option in record["channels"]:
            assert set(option) == {"channel", "case", "time_limit", "description", "fees"}
            assert option["channel"] in {"online", "in_person", "post"}
            unit = option["time_limit"]["unit"]
            assert unit in {"working_days", "working_hours", "calendar_days", "months", "same_day", ""}
            if not unit:
                # No unit: in review, with the number (if any) in the problem.
                assert item.problems
                if option["time_limit"]["amount"] is not None:
                    assert any(f"number {option['time_limit']['amount']} is kept" in p for p in item.problems)
                continue
            amount = Decimal(option["time_limit"]["amount"])
            assert amount >= 0
            assert (amount == 0) == (unit == "same_day")
            for fee in option["fees"]:
                assert set(fee) == {
                    "name",
                    "amount",
                    "currency",
                    "unit",
                    "case",
                    "valid_from",
                    "valid_until",
                    "exemption_note",
                }
                assert type(fee["amount"]) is int
                assert fee["amount"] >= 0
                assert 0 < len(fee["name"]) <= 300
        for document in record["documents"]:
            assert set(document) == {
                "name",
                "case",
                "kind",
                "originals",
                "copies",
                "is_mandatory",
                "condition",
                "scope",
                "group",
                "template_name",
            }
            assert not document["condition"] or document["condition"] in {q["key"] for q in record["questions"]}
            assert document["name"]
            assert len(document["case"]) <= 500
            assert document["originals"] + document["copies"] > 0
        for legal in record["legal_basis"]:
            assert set(legal) == {"number", "title", "issued_on"}
            assert 0 < len(legal["number"]) <= 100


# ---------------------------------------------------------------- hand-written records


def test_minimal_record_has_exactly_the_catalogue_values():
    parsed = parse_record(raw())
    assert parsed.outcome == "complete", parsed.problems
    assert parsed.record == {
        "code": "9.000001",
        "name": "Thủ tục thử nghiệm",
        "sector": "ho-tich",
        "level": "commune",
        "levels": ["commune"],
        "implementing_agency": "",
        "competent_agency": "",
        "applicants": "Công dân Việt Nam",
        "steps": "Bước 1: nộp hồ sơ.",
        "conditions": "",
        "result": "Giấy khai sinh",
        "result_code": "KQ.G15.000031",
        "decision_number": "1/QĐ-BTP",
        "online_level": "offline",
        "is_location_independent": False,
        "is_active": True,
        "status": "published",
        "review_problems": [],
        "source_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test",
        "channels": [
            {
                "channel": "in_person",
                "case": "",
                "time_limit": {"amount": "3", "unit": "working_days"},
                "description": "Nộp tại UBND cấp xã",
                "fees": [
                    {
                        "name": "Lệ phí",
                        "amount": 0,
                        "currency": "VND",
                        "unit": "",
                        "case": "",
                        "valid_from": None,
                        "valid_until": None,
                        "exemption_note": "",
                    }
                ],
            }
        ],
        "questions": [],
        "documents": [
            {
                "name": "Tờ khai",
                "case": "",
                "kind": "hand_in",
                "originals": 1,
                "copies": 0,
                "is_mandatory": True,
                "condition": "",
                "scope": "",
                "group": "",
                "template_name": "",
            }
        ],
        "stages": [],
        "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": None}],
    }
    assert parsed.sector_name == "Hộ tịch"


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"ma_thu_tuc": None, "cach_thuc_thuc_hien": None, "thanh_phan_ho_so": 7},
        {"ma_thu_tuc": "1.000001", "cach_thuc_thuc_hien": ["Trực tiếp"], "ket_qua_xu_ly": {"Mã": 1}},
        {
            "ma_thu_tuc": "x",
            "cach_thuc_thuc_hien": f"{HEADER}Trực tiếp5 Ngày làm việc(((",
            "can_cu_phap_ly": ")))",
        },
    ],
)
def test_bad_records_never_raise(bad):
    parsed = parse_record(bad)
    # Without a procedure code it cannot be a procedure; with one it waits in review.
    assert parsed.outcome == ("review" if bad.get("ma_thu_tuc") == "1.000001" else "left_out")
    assert parsed.problems


def test_not_a_dict_never_raises():
    parsed = parse_record(["not", "a", "record"])  # type: ignore[arg-type]
    assert parsed.outcome == "left_out"
    assert parsed.problems == ["record: not a JSON object; not imported"]


def test_bad_code_refuses_the_record_and_a_missing_name_or_sector_waits_in_review():
    assert parse_record(raw(ma_thu_tuc="TTHC-01")).outcome == "left_out"
    # A record with a code enters the catalogue in review, whatever else it lacks.
    nameless = parse_record(raw(ten_thu_tuc="   "))
    assert nameless.outcome == "review" and nameless.record["name"] == ""
    assert [(p.field, p.message) for p in nameless.problems] == [("name", "none published")]
    unsorted = parse_record(raw(linh_vuc=""))
    assert unsorted.outcome == "review" and unsorted.record["sector"] == "chua-co-linh-vuc"


def test_parse_file_gives_one_result_per_line(tmp_path):
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(raw(), ensure_ascii=False), "", "{not json", json.dumps(raw(ma_thu_tuc="9.000002"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse_file(path)
    assert [p.code for p in parsed] == ["9.000001", "", "9.000002"]
    assert [p.outcome for p in parsed] == ["complete", "left_out", "complete"]
    assert parsed[1].problems[0].field == "record"
    assert parsed[1].problems[0].message.startswith("line 3: not valid JSON")
    # Only some procedures: the others are not read; a line that is not JSON is still reported.
    assert [p.code for p in parse_file(path, codes={"9.000002"})] == ["", "9.000002"]


def test_parse_file_reads_gzipped_files(tmp_path):
    path = tmp_path / "records.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as target:
        target.write(json.dumps(raw(), ensure_ascii=False) + "\n")
    assert [p.outcome for p in parse_file(path)] == ["complete"]
