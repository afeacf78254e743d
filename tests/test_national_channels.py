"""The channels table of a national portal record (procedures/national/channels.py):
where rows start, time limits and their units, fees and their notes, on real
records from /work/shared/data/vn-procedures/commune.jsonl and on small
hand-written cells. Expected values were read off the raw records by hand."""

import pytest

from procedures.national import parse_record
from tests.test_national_parser import HEADER, channel, raw, real

# ---------------------------------------------------------------- real records


def test_permanent_residence_fees_differ_by_channel():
    parsed = real("1.004222")
    assert not [problem for problem in parsed.problems if not problem.startswith("documents:")]
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


# ---------------------------------------------------------------- hand-written records


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
