"""The national portal reader (procedures/national.py) on real records from
/work/shared/data/vn-procedures/commune.jsonl and on small hand-written
records for the edge cases. Expected values were read off the raw records
by hand. No database: these are plain functions over plain data."""

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
    parsed = real("1.001193")
    assert parsed.outcome == "full", parsed.problems
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
        assert channel(parsed, name)["fees"] == []


def test_birth_registration_documents_are_grouped_by_case():
    documents = real("1.001193").record["documents"]
    assert {d["case"] for d in documents} == {"Giấy tờ phải nộp", "Giấy tờ phải xuất trình", ""}
    by_case = {case: [d for d in documents if d["case"] == case] for case in {d["case"] for d in documents}}
    # 4 to submit, 2 to show, 2 in the unlabelled table; the "* Lưu ý:" table holds only notes.
    assert [len(by_case[c]) for c in ("Giấy tờ phải nộp", "Giấy tờ phải xuất trình", "")] == [4, 2, 2]
    certificate = next(d for d in documents if d["name"].startswith("Giấy chứng sinh;"))
    assert certificate["case"] == "Giấy tờ phải nộp"
    assert (certificate["originals"], certificate["copies"], certificate["is_mandatory"]) == (1, 0, True)
    abandoned = next(d for d in documents if d["name"].startswith("Trường hợp trẻ em bị bỏ rơi"))
    assert abandoned["is_mandatory"] is False
    passport = next(d for d in documents if d["name"].startswith("Hộ chiếu/Thẻ căn cước công dân"))
    assert passport["case"] == "Giấy tờ phải xuất trình"
    # "0 bản chính" rows are notes, not papers to bring.
    assert all(d["originals"] + d["copies"] > 0 for d in documents)
    assert not any("đã nộp bản điện tử Giấy chứng sinh" in d["name"] for d in documents)
    assert not any(d["name"].startswith(("- ", "+ ")) for d in documents)


def test_birth_registration_legal_basis_and_result():
    record = real("1.001193").record
    legal = {item["number"]: item for item in record["legal_basis"]}
    assert len(record["legal_basis"]) == 15
    assert legal["60/2014/QH13"]["title"] == "Luật 60/2014/QH13"
    assert legal["123/2015/NĐ-CP"]["title"].startswith(
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết"
    )
    assert legal["66.7/2025/NQ-CP"]["title"].startswith("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ")
    # "…Bộ Tư pháp18/2026/NĐ-CP Nghị định quy định…": a space, not glue, before the next title.
    assert legal["18/2026/NĐ-CP"]["title"].endswith("thuộc phạm vi quản lý của Bộ Tư pháp")
    assert legal["87/2020/NĐ-CP"]["title"] == (
        "Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến"
    )
    # The title contains its own number and a date; the number cell follows it.
    assert legal["Thông tư số 03/2023/TT-BTP"]["title"] == (
        "Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp"
    )
    assert all(item["issued_on"] is None for item in record["legal_basis"])
    assert record["result"] == "Giấy khai sinh"
    assert record["result_code"] == "KQ.G15.000031"


def test_permanent_residence_fees_differ_by_channel():
    parsed = real("1.004222")
    assert parsed.outcome == "full", parsed.problems
    online, in_person = channel(parsed, "online"), channel(parsed, "in_person")
    assert online["time_limit"] == {"amount": "7", "unit": "working_days"}
    assert in_person["time_limit"] == {"amount": "7", "unit": "working_days"}
    assert [(f["name"], f["amount_vnd"]) for f in online["fees"]] == [("Lệ phí", 10000)]
    assert online["fees"][0]["exemption_note"] == (
        "Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 đồng/lần đăng ký."
    )
    assert [(f["name"], f["amount_vnd"]) for f in in_person["fees"]] == [("Lệ phí", 20000)]
    assert in_person["fees"][0]["exemption_note"].startswith(
        "Trường hợp công dân thuộc diện được miễn phí theo quy định tại Điều 4 Thông tư số 75/2022/TT-BTC"
    )
    assert {c["channel"] for c in parsed.record["channels"]} == {"online", "in_person"}
    assert parsed.record["result_code"] == "KQ.G01.000064, KQ.G01.000065, KQ.G01.000067, KQ.G01.000066"


def test_certification_without_time_limit_is_not_imported_and_usd_row_is_dropped():
    parsed = real("2.000815")
    assert parsed.outcome == "none"
    assert parsed.record["channels"] == []  # kept for an administrator's completions
    assert parsed.record["documents"]
    assert parsed.code == "2.000815"
    assert parsed.sector_name == "Chứng thực"
    assert any(
        p.startswith("in-person channel: a row with a fee in USD ('10 USD(/bản)') was dropped") for p in parsed.problems
    )
    assert any(
        p.startswith("in-person channel: no time limit published ('Không có thông tin')") for p in parsed.problems
    )
    assert any(p.startswith("channels:") for p in parsed.problems)


def test_calendar_day_cell_stated_as_working_days_in_the_description():
    # "Trực tiếp7 NgàyKhông có thông tin07 ngày làm việc, kể từ ngày nhận đủ hồ sơ…"
    parsed = real("3.000244")
    for name in ("in_person", "online", "post"):
        assert channel(parsed, name)["time_limit"] == {"amount": "7", "unit": "working_days"}
        assert channel(parsed, name)["fees"] == []


def test_plain_calendar_days_stay_calendar_days():
    # "Trực tiếp7 NgàyKhông có thông tinNộp trực tiếp tại trụ sở Công an cấp xã"
    parsed = real("1.000253")
    assert parsed.outcome == "full", parsed.problems
    in_person = channel(parsed, "in_person")
    assert in_person["time_limit"] == {"amount": "7", "unit": "calendar_days"}
    assert in_person["description"] == "Nộp trực tiếp tại trụ sở Công an cấp xã"
    assert parsed.record["online_level"] == "offline"


def test_hours_are_working_hours():
    online = channel(real("1.013065"), "online")
    assert online["time_limit"] == {"amount": "8", "unit": "working_hours"}
    assert "Không quá 8 giờ làm việc" in online["description"]


def test_count_glued_to_a_form_number_takes_one_digit():
    # "…theo Mẫu số 131 bản chính,1 bản sao" is form 13, one original and one copy.
    documents = real("1.013965").record["documents"]
    form = next(d for d in documents if d["name"].startswith("Văn bản đề nghị sử dụng đất kết hợp"))
    assert form["name"] == "Văn bản đề nghị sử dụng đất kết hợp đa mục đích theo Mẫu số 13"
    assert (form["originals"], form["copies"]) == (1, 1)
    assert form["case"].startswith("a) Hồ sơ đề nghị phê duyệt phương án sử dụng đất kết hợp")
    renewal = next(d for d in documents if d["case"].startswith("b) Hồ sơ gia hạn"))
    assert renewal["name"] == "Văn bản đề nghị gia hạn phương án sử dụng đất kết hợp."


def test_template_file_name_is_split_off():
    document = real("1.000253").record["documents"][0]
    assert document["name"] == "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)"
    assert document["template_name"] == "101-Mau A17 tam tru cho nguoi nuoc ngoai.doc"
    document = real("1.010041").record["documents"][0]
    assert document["name"] == (
        "Tờ khai thay đổi thông tin cư trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA)."
    )
    assert document["template_name"] == "1.MuCT01banhnhkmtheoThngts53.doc"


def test_template_file_name_with_accents_is_split_at_the_glue():
    names = {d["template_name"]: d["name"] for d in real("1.014061").record["documents"] if d["template_name"]}
    assert "Mẫu DC02 Phiếu đề nghị giải quyết thủ tục về căn cước.doc" in names
    assert names["Mẫu DC02 Phiếu đề nghị giải quyết thủ tục về căn cước.doc"].endswith("của Bộ Công an)")


def test_unclear_template_start_keeps_the_whole_name_and_is_reported():
    # "…theo quy địnhvăn bản đề nghị.docx": lowercase glued to lowercase, no visible start.
    parsed = real("1.000314")
    document = next(d for d in parsed.record["documents"] if d["name"].endswith(".docx"))
    assert document["name"] == "Bản chính Văn bản đề nghị theo quy địnhvăn bản đề nghị.docx"
    assert document["template_name"] == "nghị.docx"
    assert parsed.outcome == "partial"
    assert any(p.startswith("documents: cannot tell where the form file name starts") for p in parsed.problems)
    # "Tờ khai phí theo mẫu số 01/PH01-PH.doc": form "01/PH" and file "01-PH.doc"? Not certain.
    problems = real("1.008325").problems
    assert any("form file name" in p and "template 'PH01-PH.doc'" in p for p in problems)


def test_result_codes_are_split_from_glued_names_and_page_junk():
    record = real("1.013965").record
    assert record["result_code"] == "KQ.G10.000910, KQ.G10.000913, KQ.G10.000911, KQ.G10.000912"
    assert record["result"].split("; ")[0] == "Phương án sử dụng đất kết hợp đối với trường hợp phê duyệt lần đầu"
    assert "Từ khóa" not in record["result"]
    # "Mã: KQ.G12.001299xác nhận của cơ quan hải quan…"
    record = real("1.009069").record
    assert record["result_code"].split(", ") == ["KQ.G12.000417", "KQ.G12.001299", "KQ.G12.001300"]
    assert "xác nhận của cơ quan hải quan trên hệ thống xử lý dữ liệu điện tử về số liệu báo cáo" in (
        record["result"].split("; ")
    )


def test_too_many_result_codes_are_cut_to_the_column_and_reported():
    assert "result: 18 result codes do not fit 200 characters; kept the first 13" in real("3.000115").problems
    results = "".join(f"Kết quả {n}Mã: KQ.G12.{n:06d}" for n in range(20)) + "Từ khóaKhông có thông tin"
    parsed = parse_record(raw(ket_qua_xu_ly=results))
    codes = parsed.record["result_code"].split(", ")
    assert len(parsed.record["result_code"]) <= 200
    assert codes == [f"KQ.G12.{n:06d}" for n in range(len(codes))]
    assert len(codes) == 13
    assert parsed.record["result"].split("; ") == [f"Kết quả {n}" for n in range(20)]
    assert parsed.problems == ["result: 20 result codes do not fit 200 characters; kept the first 13"]


def test_fee_note_with_a_different_amount_is_imported_and_reported():
    parsed = real("1.002755")
    online = channel(parsed, "online")
    assert online["fees"][0]["amount_vnd"] == 5000
    assert "thu 7.000 đồng/lần đăng ký" in online["fees"][0]["exemption_note"]
    assert "fee for online: cell says 5,000 VND, its note mentions 7,000 VND; check" in parsed.problems
    assert parsed.outcome == "partial"


def test_time_glued_to_fee_is_not_guessed():
    # Customs: "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)" is "1" (no unit) + "20 VNĐ", or 12 + 0.
    parsed = real("1.000014")
    assert parsed.outcome == "none"
    assert any("time and fee cells run together" in p for p in parsed.problems)


def test_second_row_for_a_channel_is_dropped_and_reported():
    parsed = real("1.010040")
    assert parsed.outcome == "partial"
    assert channel(parsed, "online")["time_limit"] == {"amount": "5", "unit": "working_days"}
    assert channel(parsed, "in_person")["time_limit"] == {"amount": "5", "unit": "working_days"}
    dropped = [p for p in parsed.problems if "a further row" in p]
    assert len(dropped) == 2
    assert all("30 Ngày làm việc" in p for p in dropped)


def test_unitless_time_without_a_statement_is_not_imported():
    # Marriage registration: "Trực tuyến1Miễn phí(…)", and the steps state no 15:00 rule.
    parsed = real("1.000894")
    assert parsed.outcome == "none"
    assert sum("has no unit" in p for p in parsed.problems) == 3


# ---------------------------------------------------------------- every record


def test_every_line_parses_into_records_of_the_catalogue_shape():
    parsed = _all_parsed()
    assert len(parsed) == 588
    assert len({p.code for p in parsed}) == 588
    outcomes = {p.outcome for p in parsed}
    assert outcomes == {"full", "partial", "none"}
    for item in parsed:
        importable = item.record is not None and item.record["channels"]
        assert item.outcome == ("none" if not importable else ("partial" if item.problems else "full"))
        assert all(isinstance(p, str) and p for p in item.problems)
        if not importable:
            assert item.problems, item.code
        if item.record is None:
            continue
        record = item.record
        assert tuple(record) == RECORD_KEYS
        assert set(record) == {
            "code",
            "name",
            "sector",
            "level",
            "applicants",
            "steps",
            "conditions",
            "result",
            "result_code",
            "decision_number",
            "online_level",
            "is_location_independent",
            "is_active",
            "source_url",
            "channels",
            "documents",
            "stages",
            "legal_basis",
        }
        assert record["level"] == "commune"
        assert record["sector"] == sector_code(item.sector_name)
        assert record["online_level"] == (
            "partial" if any(c["channel"] == "online" for c in record["channels"]) else "offline"
        )
        assert len(record["result_code"]) <= 200
        seen = [c["channel"] for c in record["channels"]]
        assert len(seen) == len(set(seen))
        for option in record["channels"]:
            assert set(option) == {"channel", "time_limit", "description", "fees"}
            assert option["channel"] in {"online", "in_person", "post"}
            assert option["time_limit"]["unit"] in {
                "working_days",
                "working_hours",
                "calendar_days",
                "same_day",
            }
            amount = Decimal(option["time_limit"]["amount"])
            assert amount >= 0
            assert (amount == 0) == (option["time_limit"]["unit"] == "same_day")
            for fee in option["fees"]:
                assert set(fee) == {"name", "amount_vnd", "exemption_note"}
                assert type(fee["amount_vnd"]) is int
                assert fee["amount_vnd"] >= 0
                assert 0 < len(fee["name"]) <= 300
        for document in record["documents"]:
            assert set(document) == {"name", "case", "originals", "copies", "is_mandatory", "template_name"}
            assert document["name"]
            assert len(document["case"]) <= 500
            assert document["originals"] + document["copies"] > 0
        for legal in record["legal_basis"]:
            assert set(legal) == {"number", "title", "issued_on"}
            assert 0 < len(legal["number"]) <= 100


# ---------------------------------------------------------------- hand-written records


def test_minimal_record_has_exactly_the_catalogue_values():
    parsed = parse_record(raw())
    assert parsed.outcome == "full", parsed.problems
    assert parsed.record == {
        "code": "9.000001",
        "name": "Thủ tục thử nghiệm",
        "sector": "ho-tich",
        "level": "commune",
        "applicants": "Công dân Việt Nam",
        "steps": "Bước 1: nộp hồ sơ.",
        "conditions": "",
        "result": "Giấy khai sinh",
        "result_code": "KQ.G15.000031",
        "decision_number": "1/QĐ-BTP",
        "online_level": "offline",
        "is_location_independent": False,
        "is_active": True,
        "source_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test",
        "channels": [
            {
                "channel": "in_person",
                "time_limit": {"amount": "3", "unit": "working_days"},
                "description": "Nộp tại UBND cấp xã",
                "fees": [],
            }
        ],
        "documents": [
            {
                "name": "Tờ khai",
                "case": "",
                "originals": 1,
                "copies": 0,
                "is_mandatory": True,
                "template_name": "",
            }
        ],
        "stages": [],
        "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": None}],
    }
    assert parsed.sector_name == "Hộ tịch"


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("1,5 Ngày làm việc", "1.5"),
        ("1.5 Ngày làm việc", "1.5"),
        ("0.5 Ngày làm việc", "0.5"),
        ("2.25 Giờ", "2.25"),
    ],
)
def test_fractional_time_limits(cell, amount):
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tiếp{cell}Miễn phí"))
    assert channel(parsed, "in_person")["time_limit"]["amount"] == amount


def test_channel_words_inside_a_description_do_not_start_rows():
    text = (
        f"{HEADER}Trực tiếp5 Ngày làm việcMiễn phíNộp hồ sơ trực tiếp tại UBND. Trực tiếp thực hiện "
        "hoặc ủy quyền; Trực tuyến: nộp qua Cổng dịch vụ công.Dịch vụ bưu chính5 Ngày làm việcMiễn phí"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert [c["channel"] for c in parsed.record["channels"]] == ["in_person", "post"]
    assert channel(parsed, "in_person")["description"] == (
        "Nộp hồ sơ trực tiếp tại UBND. Trực tiếp thực hiện hoặc ủy quyền; Trực tuyến: nộp qua Cổng dịch vụ công."
    )
    assert parsed.outcome == "full"


def test_unitless_one_with_the_15_oclock_rule_is_same_day():
    steps = "Nếu tiếp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tuyến1Miễn phí", trinh_tu_thuc_hien=steps))
    assert channel(parsed, "online")["time_limit"] == {"amount": "0", "unit": "same_day"}
    assert parsed.record["online_level"] == "partial"
    # Without the next-working-day half of the rule it is not certain.
    half = "Nếu tiếp nhận hồ sơ sau 15 giờ thì có Phiếu hẹn."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tuyến1Miễn phí", trinh_tu_thuc_hien=half))
    assert parsed.outcome == "none"


def test_unitless_number_stated_as_working_days_in_the_steps():
    steps = "Trong thời hạn 03 (ba) ngày làm việc, công chức tư pháp báo cáo."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tiếp3Miễn phí", trinh_tu_thuc_hien=steps))
    assert channel(parsed, "in_person")["time_limit"] == {"amount": "3", "unit": "working_days"}
    assert parsed.outcome == "full"


def test_unitless_number_not_stated_drops_the_channel_and_keeps_the_others():
    text = f"{HEADER}Trực tuyến5Miễn phíDịch vụ bưu chính5 Ngày làm việcMiễn phí"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text, trinh_tu_thuc_hien="Trong 15 ngày làm việc."))
    assert [c["channel"] for c in parsed.record["channels"]] == ["post"]
    assert parsed.record["online_level"] == "offline"
    assert parsed.outcome == "partial"
    assert parsed.problems == [
        "online channel: time limit '5' has no unit and neither the steps nor the description state it; "
        "channel not imported"
    ]


@pytest.mark.parametrize("cell", ["Không có thông tin", "Không quy định", "Không phải trả kết quả", "Không"])
def test_no_time_limit_means_no_channel_and_no_import(cell):
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tiếp{cell}Miễn phíTại UBND"))
    assert parsed.outcome == "none"
    assert parsed.record["channels"] == []
    assert parsed.problems[-1] == "channels: no channel with a certain time limit; record not imported"
    assert parsed.problems[0].startswith("in-person channel: no time limit published")


def test_fee_cells():
    text = (
        f"{HEADER}Trực tuyến2 Ngày làm việc8,000 VNĐ(/trang)Mô tả A"
        "Trực tiếp2 Ngày làm việcLệ phí : 10.000 ĐồngMô tả B"
        "Dịch vụ bưu chính2 Ngày làm việcMiễn phí(Miễn cho hộ nghèo)Mô tả C"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "online")["fees"] == [{"name": "Lệ phí", "amount_vnd": 8000, "exemption_note": "/trang"}]
    assert channel(parsed, "online")["description"] == "Mô tả A"
    assert channel(parsed, "in_person")["fees"] == [{"name": "Lệ phí", "amount_vnd": 10000, "exemption_note": ""}]
    assert channel(parsed, "post")["fees"] == [
        {"name": "Lệ phí", "amount_vnd": 0, "exemption_note": "Miễn cho hộ nghèo"}
    ]
    assert channel(parsed, "post")["description"] == "Mô tả C"
    assert parsed.outcome == "full", parsed.problems


def test_fee_named_in_its_note_and_trivial_free_notes():
    text = (
        f"{HEADER}Trực tuyến5 Ngày làm việc100,000 VNĐ(Phí Thẩm tra, thẩm định: 100.000 đồng/lần)"
        "Trực tiếp5 Ngày làm việcMiễn phí(Không)Nộp tại UBND"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "online")["fees"] == [
        {
            "name": "Phí Thẩm tra, thẩm định",
            "amount_vnd": 100000,
            "exemption_note": "Phí Thẩm tra, thẩm định: 100.000 đồng/lần",
        }
    ]
    assert channel(parsed, "in_person")["fees"] == []
    assert channel(parsed, "in_person")["description"] == "Nộp tại UBND"
    assert parsed.outcome == "full", parsed.problems


def test_fee_note_with_another_amount_is_reported():
    text = f"{HEADER}Trực tuyến1 Giờ20 VNĐ(20.000 đ/tờ khai)"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "online")["fees"][0]["amount_vnd"] == 20
    assert parsed.problems == ["fee for online: cell says 20 VND, its note mentions 20,000 VND; check"]


def test_unknown_fee_is_not_a_problem():
    text = f"{HEADER}Trực tiếp5 Ngày làm việcKhông có thông tinNộp tại UBND"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "in_person")["fees"] == []
    assert channel(parsed, "in_person")["description"] == "Nộp tại UBND"
    assert parsed.outcome == "full"


def test_only_vnd_rows_are_kept():
    text = (
        f"{HEADER}Trực tiếp3 Ngày làm việc10 USD(/bản)Tại cơ quan đại diện"
        "Trực tiếp2 Ngày làm việc2,000 Việt Nam Đồng(/trang)Tại UBND cấp xã"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    in_person = channel(parsed, "in_person")
    assert in_person["time_limit"] == {"amount": "2", "unit": "working_days"}
    assert in_person["fees"] == [{"name": "Lệ phí", "amount_vnd": 2000, "exemption_note": "/trang"}]
    assert in_person["description"] == "Tại UBND cấp xã"
    assert len(parsed.problems) == 1
    assert "USD" in parsed.problems[0]


def test_documents_cases_conditions_notes_and_duplicates():
    text = (
        f"* Giấy tờ phải nộp:{DOCS}- Tờ khai theo Mẫu số 011 bản chính"
        "+ Văn bản ủy quyền (nếu có)0 bản chính,1 bản sao"
        "Trường hợp không khai thác được thông tin thì xuất trình bản chính.0 bản chính"
        "- Tờ khai theo Mẫu số 011 bản chính"
        f"* Giấy tờ phải xuất trình:{DOCS}Nếu là người nước ngoài: hộ chiếu1 bản chính,1 bản sao"
    )
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    assert parsed.outcome == "full", parsed.problems
    assert [
        (d["case"], d["name"], d["originals"], d["copies"], d["is_mandatory"]) for d in parsed.record["documents"]
    ] == [
        ("Giấy tờ phải nộp", "Tờ khai theo Mẫu số 01", 1, 0, True),
        ("Giấy tờ phải nộp", "Văn bản ủy quyền (nếu có)", 0, 1, False),
        ("Giấy tờ phải xuất trình", "Nếu là người nước ngoài: hộ chiếu", 1, 1, False),
    ]


def test_count_phrase_inside_a_name_is_not_a_count():
    text = (
        f"--{DOCS}Giấy phép xây dựng (01 bản chính hoặc 01 bản sao có chứng thực)1 bản chính"
        "Tờ khai: 01 bản chính;1 bản sao"
    )
    documents = parse_record(raw(thanh_phan_ho_so=text)).record["documents"]
    assert [(d["name"], d["originals"], d["copies"]) for d in documents] == [
        ("Giấy phép xây dựng (01 bản chính hoặc 01 bản sao có chứng thực)", 1, 0),
        ("Tờ khai: 01 bản chính", 0, 1),
    ]


def test_long_case_label_is_cut_to_500_characters():
    label = "Trường hợp " + "rất dài " * 80
    parsed = parse_record(raw(thanh_phan_ho_so=f"{label}:{DOCS}Tờ khai1 bản chính"))
    case = parsed.record["documents"][0]["case"]
    assert 490 <= len(case) <= 500
    assert case.startswith("Trường hợp rất dài")
    assert case.endswith("…")


@pytest.mark.parametrize("text", ["", "Không có thông tin", "Bước 2. Nộp hồ sơ cho cơ quan BHXH."])
def test_missing_documents_table_is_reported(text):
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    assert parsed.record["documents"] == []
    assert parsed.outcome == "partial"
    assert parsed.problems[0].startswith("documents:")


def test_legal_basis_pairs_and_duplicates():
    text = (
        f"{LEGAL}Luật Nhập cảnh, xuất cảnh của người nước ngoài tại Việt NamLuật 47/2014/QH13"
        "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA."
        "53/2025/TT-BCA"
        "Nghị định 126/2020/NĐ-CP126/2020/NĐ-CP"
        "Nghị định 126/2020/NĐ-CP126/2020/NĐ-CP"
        "Luật số 43/2024/QH15 ngày 29/6/202443/2024/QH15"
        "Nghị định 101/2024/NĐ-CPNghị định 101/2024/NĐ-CP"
    )
    parsed = parse_record(raw(can_cu_phap_ly=text))
    assert [(item["number"], item["title"]) for item in parsed.record["legal_basis"]] == [
        ("Luật 47/2014/QH13", "Luật Nhập cảnh, xuất cảnh của người nước ngoài tại Việt Nam"),
        (
            "53/2025/TT-BCA",
            "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA.",
        ),
        ("126/2020/NĐ-CP", "Nghị định 126/2020/NĐ-CP"),
        ("43/2024/QH15", "Luật số 43/2024/QH15 ngày 29/6/2024"),
        ("Nghị định 101/2024/NĐ-CP", "Nghị định 101/2024/NĐ-CP"),
    ]
    assert parsed.outcome == "full", parsed.problems


def test_legal_basis_without_numbers_is_reported():
    parsed = parse_record(raw(can_cu_phap_ly=f"{LEGAL}Quyết định của Ủy ban nhân dân tỉnh"))
    assert parsed.record["legal_basis"] == []
    assert parsed.problems == [
        "legal basis: no document number found in 'Quyết định của Ủy ban nhân dân tỉnh'; left out"
    ]
    assert parse_record(raw(can_cu_phap_ly="Không có thông tin")).outcome == "full"


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
    assert parsed.outcome == "none"
    assert parsed.problems


def test_not_a_dict_never_raises():
    parsed = parse_record(["not", "a", "record"])  # type: ignore[arg-type]
    assert parsed.outcome == "none"
    assert parsed.problems == ["record: not a JSON object; not imported"]


def test_bad_code_name_or_sector_refuses_the_record():
    assert parse_record(raw(ma_thu_tuc="TTHC-01")).outcome == "none"
    assert parse_record(raw(ten_thu_tuc="   ")).outcome == "none"
    assert parse_record(raw(linh_vuc="")).outcome == "none"


def test_parse_file_gives_one_result_per_line(tmp_path):
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(raw(), ensure_ascii=False), "", "{not json", json.dumps(raw(ma_thu_tuc="9.000002"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse_file(path)
    assert [p.code for p in parsed] == ["9.000001", "", "9.000002"]
    assert [p.outcome for p in parsed] == ["full", "none", "full"]
    assert parsed[1].problems[0].startswith("line 3: not valid JSON")


def test_parse_file_reads_gzipped_files(tmp_path):
    path = tmp_path / "records.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as target:
        target.write(json.dumps(raw(), ensure_ascii=False) + "\n")
    assert [p.outcome for p in parse_file(path)] == ["full"]


def test_documents_needed_only_in_some_cases_are_not_mandatory():
    # A counter cannot receive a dossier until every mandatory document is
    # ticked, so a power of attorney "in case of authorisation" must not be.
    documents = real("1.001193").record["documents"]
    assert [(d["name"].split()[:3], d["is_mandatory"]) for d in documents] == [
        (["Trường", "hợp", "trẻ"], False),
        (["Văn", "bản", "ủy"], False),
        (["Trường", "hợp", "khai"], False),
        (["Giấy", "chứng", "sinh;"], True),
        (["Giấy", "tờ", "có"], False),
        (["Hộ", "chiếu/Thẻ", "căn"], True),
        (["Tờ", "khai", "đăng"], False),
        (["Mẫu", "hộ", "tịch"], True),
    ]
