"""The channels table of a national portal record (procedures/national/channels.py):
where rows start, time limits and their units, fees and their notes, on real
records from /work/shared/data/vn-procedures/commune.jsonl and on small
hand-written cells. Expected values were read off the raw records by hand."""

import pytest

from procedures.national import parse_record
from tests.test_national_parser import HEADER, channel, raw, real

# ---------------------------------------------------------------- real records


def fees(option: dict) -> list[tuple]:
    return [(f["name"], f["amount"], f["currency"], f["unit"], f["case"]) for f in option["fees"]]


def test_permanent_residence_fees_differ_by_channel():
    parsed = real("1.004222")
    assert not [problem for problem in parsed.problems if not problem.startswith("documents:")]
    online, in_person = channel(parsed, "online"), channel(parsed, "in_person")
    assert online["time_limit"] == {"amount": "7", "unit": "working_days"}
    assert in_person["time_limit"] == {"amount": "7", "unit": "working_days"}
    assert [(f["name"], f["amount"], f["currency"]) for f in online["fees"]] == [("Lệ phí", 10000, "VND")]
    assert online["fees"][0]["exemption_note"] == (
        "Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 đồng/lần đăng ký."
    )
    assert [(f["name"], f["amount"]) for f in in_person["fees"]] == [("Lệ phí", 20000)]
    assert in_person["fees"][0]["exemption_note"].startswith(
        "Trường hợp công dân thuộc diện được miễn phí theo quy định tại Điều 4 Thông tư số 75/2022/TT-BTC"
    )
    assert {c["channel"] for c in parsed.record["channels"]} == {"online", "in_person"}
    assert parsed.record["result_code"] == "KQ.G01.000064, KQ.G01.000065, KQ.G01.000067, KQ.G01.000066"


def test_certification_without_time_limit_waits_in_review_with_its_fees_in_vnd_and_usd():
    # "Trực tiếpKhông có thông tin2,000 Việt Nam Đồng(/trang)…"
    # "Trực tiếpKhông có thông tin10 USD(/bản)Tại cơ quan đại diện"
    parsed = real("2.000815")
    assert parsed.outcome == "review"
    assert parsed.sector_name == "Chứng thực"
    assert parsed.record["levels"] == ["commune", "other"]
    in_person = channel(parsed, "in_person")
    assert in_person["time_limit"] == {"amount": None, "unit": ""}
    assert fees(in_person) == [("Lệ phí", 2000, "VND", "trang", ""), ("Lệ phí", 10, "USD", "bản", "")]
    no_limit = [p for p in parsed.problems if p.cause == "no time limit published"]
    assert no_limit and no_limit[0].field == "in-person channel" and no_limit[0].source == "Không có thông tin"
    assert any("2 rows publish different fees (2,000 VND; 10 USD)" in p for p in parsed.problems)


def test_calendar_day_cell_stated_as_working_days_in_the_description():
    # "Trực tiếp7 NgàyKhông có thông tin07 ngày làm việc, kể từ ngày nhận đủ hồ sơ…"
    parsed = real("3.000244")
    for name in ("in_person", "online", "post"):
        assert channel(parsed, name)["time_limit"] == {"amount": "7", "unit": "working_days"}
        assert channel(parsed, name)["fees"] == []  # "Không có thông tin": not published


def test_plain_calendar_days_stay_calendar_days():
    # "Trực tiếp7 NgàyKhông có thông tinNộp trực tiếp tại trụ sở Công an cấp xã"
    parsed = real("1.000253")
    assert parsed.outcome == "complete", parsed.problems
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
    assert online["fees"][0]["amount"] == 5000
    assert "thu 7.000 đồng/lần đăng ký" in online["fees"][0]["exemption_note"]
    assert "fee for online: cell says 5,000 VND, its note mentions 7,000 VND; check" in parsed.problems
    assert parsed.outcome == "review"


def test_time_glued_to_fee_is_not_guessed():
    # Customs: "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)" is "1" (no unit) + "20 VNĐ", or 12 + 0.
    parsed = real("1.000014")
    assert parsed.outcome == "review"
    glued = [p for p in parsed.problems if "time and fee cells run together" in p]
    assert glued and glued[0].source.startswith("120 VNĐ")
    assert all(c["time_limit"] == {"amount": None, "unit": ""} for c in parsed.record["channels"] if not c["fees"])


def test_several_rows_of_a_channel_are_kept_each_with_its_case():
    # 5 working days for a citizen already in the population database, 30 otherwise.
    parsed = real("1.010040")
    assert parsed.outcome == "review"
    rows = [(c["channel"], c["time_limit"]["amount"], c["case"][:40]) for c in parsed.record["channels"]]
    assert rows == [
        ("online", "5", "Nộp hồ sơ trực tuyến qua các cổng cung c"),
        ("online", "30", "Đối với trường hợp công dân chưa có thôn"),
        ("in_person", "5", "Đối với trường hợp công dân đã có thông "),
        ("in_person", "30", "Đối với trường hợp công dân chưa có thôn"),
    ]
    several = [p for p in parsed.problems if p.cause == "several time limits"]
    assert [p.field for p in several] == ["online channel", "in-person channel"]
    assert "(5 working days; 30 working days)" in several[0]


def test_unitless_time_without_a_statement_keeps_the_number_in_the_problem():
    # Marriage registration: "Trực tuyến1Miễn phí(…)", and the steps state no 15:00 rule.
    parsed = real("1.000894")
    assert parsed.outcome == "review"
    assert {c["time_limit"]["amount"] for c in parsed.record["channels"]} == {"1"}
    assert {c["time_limit"]["unit"] for c in parsed.record["channels"]} == {""}
    unitless = [p for p in parsed.problems if p.cause == "number without a unit"]
    assert len(unitless) == 3 and all("the number 1 is kept without a unit" in p for p in unitless)


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
    assert parsed.outcome == "complete"


def test_unitless_one_with_the_15_oclock_rule_is_same_day():
    steps = "Nếu tiếp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tuyến1Miễn phí", trinh_tu_thuc_hien=steps))
    assert channel(parsed, "online")["time_limit"] == {"amount": "0", "unit": "same_day"}
    assert parsed.record["online_level"] == "partial"
    # Without the next-working-day half of the rule it is not certain.
    half = "Nếu tiếp nhận hồ sơ sau 15 giờ thì có Phiếu hẹn."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tuyến1Miễn phí", trinh_tu_thuc_hien=half))
    assert parsed.outcome == "review"
    assert channel(parsed, "online")["time_limit"] == {"amount": "1", "unit": ""}


def test_unitless_number_stated_as_working_days_in_the_steps():
    steps = "Trong thời hạn 03 (ba) ngày làm việc, công chức tư pháp báo cáo."
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tiếp3Miễn phí", trinh_tu_thuc_hien=steps))
    assert channel(parsed, "in_person")["time_limit"] == {"amount": "3", "unit": "working_days"}
    assert parsed.outcome == "complete"


def test_unitless_number_not_stated_is_kept_without_a_unit_for_review():
    text = f"{HEADER}Trực tuyến5Miễn phíDịch vụ bưu chính5 Ngày làm việcMiễn phí"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text, trinh_tu_thuc_hien="Trong 15 ngày làm việc."))
    assert [c["time_limit"] for c in parsed.record["channels"]] == [
        {"amount": "5", "unit": ""},
        {"amount": "5", "unit": "working_days"},
    ]
    assert parsed.record["online_level"] == "offline"  # no online channel with a time limit yet
    assert parsed.outcome == "review" and parsed.record["status"] == "in_review"
    assert parsed.problems == [
        "online channel: time limit '5' has no unit and neither the steps nor the description state it; "
        "the number 5 is kept without a unit"
    ]
    assert parsed.record["review_problems"] == [
        {
            "field": "online channel",
            "message": "time limit '5' has no unit and neither the steps nor the description state it; "
            "the number 5 is kept without a unit",
            "source": "5",
            # The sentence to translate, with its parameters.
            "template": "time limit '%(amount)s' has no unit and neither the steps nor the description state it; "
            "the number %(amount)s is kept without a unit",
            "params": {"amount": 5},
        }
    ]


@pytest.mark.parametrize("cell", ["Không có thông tin", "Không quy định", "Không phải trả kết quả", "Không"])
def test_no_time_limit_keeps_the_channel_without_one_for_review(cell):
    parsed = parse_record(raw(cach_thuc_thuc_hien=f"{HEADER}Trực tiếp{cell}Miễn phíTại UBND"))
    assert parsed.outcome == "review"
    assert channel(parsed, "in_person")["time_limit"] == {"amount": None, "unit": ""}
    assert channel(parsed, "in_person")["description"] == "Tại UBND"
    assert [p.cause for p in parsed.problems] == ["no time limit published"]
    assert parsed.problems[0].startswith("in-person channel: no time limit published")


def test_fee_cells():
    text = (
        f"{HEADER}Trực tuyến2 Ngày làm việc8,000 VNĐ(/trang)Mô tả A"
        "Trực tiếp2 Ngày làm việcLệ phí : 10.000 ĐồngMô tả B"
        "Dịch vụ bưu chính2 Ngày làm việcMiễn phí(Miễn cho hộ nghèo)Mô tả C"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert fees(channel(parsed, "online")) == [("Lệ phí", 8000, "VND", "trang", "")]
    assert channel(parsed, "online")["fees"][0]["exemption_note"] == "/trang"
    assert channel(parsed, "online")["description"] == "Mô tả A"
    assert fees(channel(parsed, "in_person")) == [("Lệ phí", 10000, "VND", "", "")]
    assert fees(channel(parsed, "post")) == [("Lệ phí", 0, "VND", "", "")]
    assert channel(parsed, "post")["fees"][0]["exemption_note"] == "Miễn cho hộ nghèo"
    assert channel(parsed, "post")["description"] == "Mô tả C"
    assert parsed.outcome == "complete", parsed.problems


def test_fee_named_in_its_note_and_trivial_free_notes():
    text = (
        f"{HEADER}Trực tuyến5 Ngày làm việc100,000 VNĐ(Phí Thẩm tra, thẩm định: 100.000 đồng/lần)"
        "Trực tiếp5 Ngày làm việcMiễn phí(Không)Nộp tại UBND"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert fees(channel(parsed, "online")) == [("Phí Thẩm tra, thẩm định", 100000, "VND", "lần", "")]
    assert channel(parsed, "online")["fees"][0]["exemption_note"] == "Phí Thẩm tra, thẩm định: 100.000 đồng/lần"
    # "Miễn phí(Không)": free, with nothing to note.
    assert fees(channel(parsed, "in_person")) == [("Lệ phí", 0, "VND", "", "")]
    assert channel(parsed, "in_person")["fees"][0]["exemption_note"] == ""
    assert channel(parsed, "in_person")["description"] == "Nộp tại UBND"
    assert parsed.outcome == "complete", parsed.problems


def test_fee_note_with_another_amount_is_reported():
    text = f"{HEADER}Trực tuyến1 Giờ20 VNĐ(20.000 đ/tờ khai)"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "online")["fees"][0]["amount"] == 20
    assert parsed.problems == [
        "fee for online: cell says 20 VND, too little to be a fee; check",
        "fee for online: cell says 20 VND, its note mentions 20,000 VND; check",
    ]


def test_unknown_fee_is_not_a_problem():
    text = f"{HEADER}Trực tiếp5 Ngày làm việcKhông có thông tinNộp tại UBND"
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    assert channel(parsed, "in_person")["fees"] == []  # not published: no row, never "free"
    assert channel(parsed, "in_person")["description"] == "Nộp tại UBND"
    assert parsed.outcome == "complete"


def test_a_row_in_usd_is_kept_in_usd_beside_the_one_in_vnd():
    text = (
        f"{HEADER}Trực tiếp3 Ngày làm việc10 USD(/bản)Tại cơ quan đại diện"
        "Trực tiếp2 Ngày làm việc2,000 Việt Nam Đồng(/trang)Tại UBND cấp xã"
    )
    parsed = parse_record(raw(cach_thuc_thuc_hien=text))
    rows = parsed.record["channels"]
    assert [(r["time_limit"]["amount"], r["case"]) for r in rows] == [
        ("3", "Tại cơ quan đại diện"),
        ("2", "Tại UBND cấp xã"),
    ]
    assert fees(rows[0]) == [("Lệ phí", 10, "USD", "bản", ""), ("Lệ phí", 2000, "VND", "trang", "")]
    assert {p.cause for p in parsed.problems} == {"several time limits", "fee not read with confidence"}
