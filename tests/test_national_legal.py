"""The legal basis and the results of a national portal record
(procedures/national/legal.py and results.py), both titles or names glued to
their numbers, on real records from /work/shared/data/vn-procedures/commune.jsonl
and on small hand-written cells. Expected values were read off the raw records
by hand."""

from procedures.national import parse_record
from tests.test_national_parser import LEGAL, raw, real

# ---------------------------------------------------------------- real records


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


# ---------------------------------------------------------------- hand-written records


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
    assert parsed.outcome == "complete", parsed.problems


def test_legal_basis_without_numbers_is_reported():
    parsed = parse_record(raw(can_cu_phap_ly=f"{LEGAL}Quyết định của Ủy ban nhân dân tỉnh"))
    assert parsed.record["legal_basis"] == []
    assert parsed.problems == [
        "legal basis: no document number found in 'Quyết định của Ủy ban nhân dân tỉnh'; left out"
    ]
    assert parse_record(raw(can_cu_phap_ly="Không có thông tin")).outcome == "complete"
