"""The documents table of a national portal record (procedures/national/documents.py):
cases, counts, which documents are mandatory and the form templates' file
names, on real records from /work/shared/data/vn-procedures/commune.jsonl and
on small hand-written tables. Expected values were read off the raw records by
hand."""

import pytest

from procedures.national import parse_record
from tests.test_national_parser import DOCS, raw, real

# ---------------------------------------------------------------- real records


def test_birth_registration_documents_are_read_as_the_law_states_them():
    parsed = real("1.001193")
    documents = parsed.record["documents"]
    # "Giấy tờ phải nộp" and "Giấy tờ phải xuất trình" are kinds of document,
    # not alternative cases: no document belongs to a case.
    assert {d["case"] for d in documents} == {""}
    table = [(d["name"].split()[:3], d["kind"], d["scope"], d["is_mandatory"], d["condition"]) for d in documents]
    assert table == [
        (["Trường", "hợp", "trẻ"], "hand_in", "", True, "abandoned-child"),
        (["Văn", "bản", "ủy"], "hand_in", "", True, "on-behalf"),
        (["Trường", "hợp", "khai"], "hand_in", "", True, "surrogacy"),
        (["Giấy", "chứng", "sinh;"], "hand_in", "", True, ""),
        # Needed only if the office cannot look the residence up: not the applicant's question.
        (["Giấy", "tờ", "có"], "show", "", False, ""),
        # The ID is shown "khi làm thủ tục trực tiếp"; online, identity comes from VNeID.
        (["Hộ", "chiếu/Thẻ", "căn"], "show", "paper", True, ""),
        # The paper declaration "(nếu ... trực tiếp hoặc ... bưu chính)", the e-form online.
        (["Tờ", "khai", "đăng"], "hand_in", "paper", True, ""),
        (["Mẫu", "hộ", "tịch"], "eform", "online", True, ""),
    ]
    # Situations that come back in many records are asked in plain words, in three languages.
    assert [(q["text"], q["text_en"]) for q in parsed.record["questions"]] == [
        ("Trẻ em bị bỏ rơi?", "Was the child abandoned?"),
        (
            "Bạn nộp hồ sơ thay cho người khác (theo ủy quyền)?",
            "Are you applying on someone else's behalf (with their authorisation)?",
        ),
        ("Trẻ em được sinh ra do mang thai hộ?", "Was the child born to a surrogate mother?"),
    ]
    assert parsed.problems == []
    certificate = documents[3]
    assert (certificate["originals"], certificate["copies"]) == (1, 0)
    # "0 bản chính" rows are notes, not papers to bring.
    assert all(d["originals"] + d["copies"] > 0 for d in documents)
    assert not any("đã nộp bản điện tử Giấy chứng sinh" in d["name"] for d in documents)
    assert not any(d["name"].startswith(("- ", "+ ")) for d in documents)


@pytest.mark.parametrize(
    ("heading", "kind", "scope", "group", "case"),
    [
        ("* Giấy tờ phải nộp:", "hand_in", "", "", ""),
        ("* Giấy tờ phải xuất trình:", "show", "", "", ""),
        ("Xuất trình một trong các loại giấy tờ sau đây để cơ quan đăng ký phương tiện kiểm tra:", "show", "", "x", ""),
        ("* Trường hợp đăng ký trên môi trường điện tử:", "hand_in", "online", "", ""),
        ("Trường hợp hồ sơ không được gửi trên môi trường điện tử:", "hand_in", "paper", "", ""),
        ("a) Hồ sơ đề nghị gia hạn:", "hand_in", "", "", "a) Hồ sơ đề nghị gia hạn"),
    ],
)
def test_a_table_heading_gives_its_rows_a_kind_a_channel_a_group_or_a_case(heading, kind, scope, group, case):
    parsed = parse_record(raw(thanh_phan_ho_so=f"{heading}{DOCS}- Giấy tờ A1 bản chính"))
    (document,) = parsed.record["documents"]
    assert (document["kind"], document["scope"], bool(document["group"]), document["case"]) == (
        kind,
        scope,
        bool(group),
        case,
    )


def test_rows_after_one_of_the_following_are_alternatives_and_reported():
    text = (
        f"--{DOCS}- Tờ khai1 bản chính"
        "- Một trong các giấy tờ sau đây chứng minh chỗ ở hợp pháp:0 bản chính"
        "+ Giấy chứng nhận quyền sử dụng đất0 bản chính,1 bản sao"
        "+ Hợp đồng thuê nhà0 bản chính,1 bản sao"
        "- Giấy khám sức khỏe1 bản chính"
    )
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    groups = [(d["name"], bool(d["group"]), d["is_mandatory"]) for d in parsed.record["documents"]]
    assert groups == [
        ("Tờ khai", False, True),
        ("Giấy chứng nhận quyền sử dụng đất", True, True),
        ("Hợp đồng thuê nhà", True, True),
        ("Giấy khám sức khỏe", False, True),
    ]
    assert sum("one of the alternatives" in problem for problem in parsed.problems) == 2


def test_a_condition_in_brackets_is_a_channel_a_question_or_if_any():
    text = (
        f"--{DOCS}- Tờ khai (nếu nộp hồ sơ theo hình thức trực tuyến)1 bản chính"
        "- Văn bản ủy quyền (nếu có)1 bản chính"
        "- Giấy xác nhận khuyết tật đối với trường hợp người khuyết tật1 bản sao"
    )
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    rows = [(d["scope"], d["is_mandatory"], d["condition"]) for d in parsed.record["documents"]]
    assert rows == [("online", True, ""), ("", False, ""), ("", True, "nguoi-khuyet-tat")]
    # A situation seen for the first time is proposed as a question and reported.
    assert parsed.record["questions"] == [
        {"key": "nguoi-khuyet-tat", "text": "Có phải trường hợp người khuyết tật không?"}
    ]
    assert [problem.split(" for ")[0] for problem in parsed.problems] == [
        "documents: proposed the question 'Có phải trường hợp người khuyết tật không?'"
    ]


def test_a_management_unit_that_is_direct_is_not_a_channel():
    text = f"--{DOCS}- Giấy giới thiệu của Thủ trưởng đơn vị quản lý trực tiếp (nếu có)1 bản chính"
    (document,) = parse_record(raw(thanh_phan_ho_so=text)).record["documents"]
    assert (document["scope"], document["is_mandatory"]) == ("", False)


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
    assert [
        (d["kind"], d["name"], d["originals"], d["copies"], d["is_mandatory"]) for d in parsed.record["documents"]
    ] == [
        ("hand_in", "Tờ khai theo Mẫu số 01", 1, 0, True),
        ("hand_in", "Văn bản ủy quyền (nếu có)", 0, 1, False),
        ("show", "Nếu là người nước ngoài: hộ chiếu", 1, 1, True),
    ]
    # The situation it opens with is proposed as a question, to confirm.
    assert parsed.record["questions"] == [
        {"key": "la-nguoi-nuoc-ngoai", "text": "Có phải trường hợp là người nước ngoài không?"}
    ]
    assert [problem.cause for problem in parsed.problems] == ["to confirm"]
    assert parsed.outcome == "complete"


def test_a_condition_the_reader_cannot_phrase_holds_the_procedure_in_review():
    text = f"--{DOCS}- Trừ trường hợp quy định tại khoản 1 Điều 12, bản sao giấy phép1 bản sao"
    parsed = parse_record(raw(thanh_phan_ho_so=text))
    (document,) = parsed.record["documents"]
    assert document["is_mandatory"] is False
    assert [problem.cause for problem in parsed.problems] == ["documents"]
    assert "cannot tell when" in parsed.problems[0]
    assert parsed.outcome == "review"


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
