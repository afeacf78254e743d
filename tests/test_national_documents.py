"""The documents table of a national portal record (procedures/national/documents.py):
cases, counts, which documents are mandatory and the form templates' file
names, on real records from /work/shared/data/vn-procedures/commune.jsonl and
on small hand-written tables. Expected values were read off the raw records by
hand."""

import pytest

from procedures.national import parse_record
from tests.test_national_parser import DOCS, raw, real

# ---------------------------------------------------------------- real records


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
    assert parsed.outcome == "review"
    assert any(p.startswith("documents: cannot tell where the form file name starts") for p in parsed.problems)
    # "Tờ khai phí theo mẫu số 01/PH01-PH.doc": form "01/PH" and file "01-PH.doc"? Not certain.
    problems = real("1.008325").problems
    assert any("form file name" in p and "template 'PH01-PH.doc'" in p for p in problems)


# ---------------------------------------------------------------- hand-written records


def test_documents_cases_conditions_notes_and_duplicates():
    text = (
        f"* Giấy tờ phải nộp:{DOCS}- Tờ khai theo Mẫu số 011 bản chính"
        "+ Văn bản ủy quyền (nếu có)0 bản chính,1 bản sao"
        "Trường hợp không khai thác được thông tin thì xuất trình bản chính.0 bản chính"
        "- Tờ khai theo Mẫu số 011 bản chính"
        f"* Giấy tờ phải xuất trình:{DOCS}Nếu là người nước ngoài: hộ chiếu1 bản chính,1 bản sao"
    )
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    assert parsed.outcome == "complete", parsed.problems
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
    assert parsed.outcome == "review"
    assert parsed.problems[0].startswith("documents:")
