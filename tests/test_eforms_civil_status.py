"""The civil-status e-forms beyond birth, death and marriage: the
declaration for a certificate of marital status (1.004873) and the others
the national records ask online applicants to fill in as an interactive
form. Each is imported from the national record shipped with the portal,
so the application asks for the declaration where the law does; a valid
declaration renders to the official form in Vietnamese with its
diacritics; what is wrong is named beside its field; the API lists the
fields."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citizens import applications, declarations
from citizens.models import Draft
from dossiers.models import Dossier
from procedures import eforms
from tests.factories import BIRTH_DECLARATION, PASSWORD, PDF, applicant
from tests.test_checklists import imported
from tests.test_eforms import eform_file, text_of

pytestmark = pytest.mark.usefixtures("vn_holidays")

AT = dt.datetime(2026, 3, 26, 9, 30, tzinfo=dt.UTC)
TOMORROW = f"{timezone.localdate() + dt.timedelta(days=1):%d/%m/%Y}"


def rendered(code: str, given: dict, office) -> str:
    eform = eforms.for_procedure(code)
    answers, errors = eform.validated(given)
    assert errors == {}
    office.language = "vi"
    content, pages = declarations.render_pdf(eform, answers, office=office, at=AT)
    assert pages == 1
    return text_of(content)


def refused(code: str, given: dict, field: str, message: str) -> None:
    answers, errors = eforms.for_procedure(code).validated(given)
    assert answers is None
    assert any(text.startswith(message) for text in errors[field]), errors
    assert set(errors) == {field}, errors


@pytest.fixture
def citizen(client, lan):
    client.login(username="lan", password=PASSWORD)
    return client


def applied_online(client, procedure, office, answers: dict, declaration: dict) -> Dossier:
    """An online application sent: the declaration filled in, a file uploaded for each other document asked."""
    client.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.get()
    client.post(f"/applications/{draft.pk}/office/", {"office": office.pk})
    client.post(f"/applications/{draft.pk}/applicant/", {**applicant(id_number="001195012345"), "remember": ""})
    client.post(f"/applications/{draft.pk}/situation/", answers)
    assert "declaration" in applications.steps_for(draft)
    page = client.get(f"/applications/{draft.pk}/declaration/").content.decode()
    assert 'value="Nguyễn Thị Lan"' in page  # the applicant's details fill the declarant's lines
    response = client.post(f"/applications/{draft.pk}/declaration/", declaration)
    assert response.url == f"/applications/{draft.pk}/documents/"
    for document in Draft.objects.get().missing_documents():
        upload = {"upload": document.position, f"file-{document.position}": SimpleUploadedFile("giay-to.pdf", PDF)}
        client.post(f"/applications/{draft.pk}/documents/", upload)
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    response = client.post(f"/applications/{draft.pk}/submit/")
    assert response.status_code == 302, [p.message for p in applications.problems(Draft.objects.get())]
    return Dossier.objects.get()


# The certificate of marital status (1.004873) -----------------------------------------------------

MARITAL = {
    "person_name": "Lò Thị Hương",
    "person_birth_date": "14/02/1998",
    "person_sex": "female",
    "person_ethnicity": "Thái",
    "person_nationality": "Việt Nam",
    "person_residence": "Bản Mường Thanh, xã Thanh Minh, tỉnh Điện Biên",
    "person_id_number": "011198012345",
    "earlier_residence": "Số 12 phố Hàng Gà, phường Hoàn Kiếm, thành phố Hà Nội",
    "earlier_from": "01/09/2016",
    "earlier_to": "30/06/2020",
    "status": "divorced",
    "status_details": "Bản án ly hôn số 15/2023/HNGĐ-ST ngày 12/05/2023 của Tòa án nhân dân quận Hoàn Kiếm",
    "purpose": "Để đăng ký kết hôn với ông Nguyễn Đức Thắng tại Ủy ban nhân dân phường Ba Đình",
    "applicant_name": "Lò Thị Hương",
    "applicant_id_number": "011198012345",
    "applicant_residence": "Bản Mường Thanh, xã Thanh Minh, tỉnh Điện Biên",
    "applicant_relationship": "Bản thân",
}


def test_the_marital_status_declaration_renders_the_official_form(office_a):
    text = rendered("1.004873", MARITAL, office_a)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người yêu cầu: Lò Thị Hương",
        "Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân: Bản thân",
        "Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
        "Ngày, tháng, năm sinh: 14/02/1998",
        "Giới tính: Nữ",
        "Dân tộc: Thái",
        "Trong thời gian cư trú tại: Số 12 phố Hàng Gà, phường Hoàn Kiếm, thành phố Hà Nội",
        "từ ngày 01/09/2016 đến ngày 30/06/2020",
        "Tình trạng hôn nhân: Đã đăng ký kết hôn nhưng đã ly hôn, hiện tại chưa đăng ký kết hôn với ai "
        "(Bản án ly hôn số 15/2023/HNGĐ-ST",
        "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân: Để đăng ký kết hôn với ông Nguyễn Đức Thắng",
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
        "Người yêu cầu",
    ):
        assert words in text, words
    # In the official order: the person declaring, then the person the certificate is for.
    assert text.index("người yêu cầu:") < text.index("Đề nghị cấp") < text.index("Tình trạng hôn nhân:")


def test_one_never_married_needs_no_paper_and_no_earlier_residence(office_a):
    given = {**MARITAL, "status": "single", "status_details": "", **dict.fromkeys(("earlier_residence",
             "earlier_from", "earlier_to"), "")}  # fmt: skip
    text = rendered("1.004873", given, office_a)
    assert "Tình trạng hôn nhân: Hiện tại chưa đăng ký kết hôn với ai" in text
    assert "Trong thời gian cư trú tại: …" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"person_name": ""}, "person_name", "Enter “Full name”."),
        ({"person_birth_date": TOMORROW}, "person_birth_date", "The date cannot be in the future."),
        ({"person_birth_date": "30/02/1998"}, "person_birth_date", "Enter a real date as day/month/year"),
        ({"person_id_number": "12345"}, "person_id_number", "Enter a 12-digit ID number"),
        ({"person_sex": "other"}, "person_sex", "Select a valid choice."),
        ({"status": ""}, "status", "Enter “Marital status”."),
        ({"status": "married", "status_details": ""}, "status_details", "Say which paper shows this marital status"),
        ({"purpose": ""}, "purpose", "Enter “Purpose of the certificate”."),
        (
            {"earlier_to": ""},
            "earlier_to",
            "Give the earlier place of residence with its dates, or leave them all blank: “To” is missing.",
        ),
        ({"earlier_to": "31/08/2016"}, "earlier_to", "The end of the residence cannot be before its start."),
        ({"earlier_from": "01/01/1990"}, "earlier_from", "The residence cannot start before the date of birth."),
        ({"earlier_to": TOMORROW}, "earlier_to", "The date cannot be in the future."),
        ({"applicant_id_number": ""}, "applicant_id_number", "Enter “Identity document number”."),
    ],
)
def test_the_marital_status_declaration_names_what_is_wrong(changes, field, message):
    refused("1.004873", {**MARITAL, **changes}, field, message)


def test_what_the_marital_status_declaration_lacks_names_its_part():
    eform = eforms.for_procedure("1.004873")
    answers, _errors = eform.validated(MARITAL)
    assert eform.problems({**answers, "earlier_from": ""}) == [
        (
            "earlier_from",
            "An earlier place of residence: Give the earlier place of residence with its dates, or leave them all "
            "blank: “From” is missing.",
        )
    ]


def test_the_application_for_a_certificate_of_marital_status_asks_for_the_declaration_and_attaches_it(
    citizen, office_a
):
    procedure = imported("1.004873")["1.004873"]
    dossier = applied_online(citizen, procedure, office_a, {"reissue": "no", "on-behalf": "no"}, MARITAL)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    assert document.attachments.get().original_name == "to-khai-cap-giay-xac-nhan-tinh-trang-hon-nhan.pdf"
    assert "Lò Thị Hương" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_marital_status_declaration_and_its_fields(api, db):
    imported("1.004873")
    described = api.get("/api/v1/procedures/1.004873/").json()["eform"]
    assert described["key"] == "marital-status"
    assert described["title"] == "Declaration for a certificate of marital status"
    fields = {field["name"]: field for field in described["fields"]}
    assert list(fields) == eforms.for_procedure("1.004873").field_names
    assert fields["status"]["kind"] == "choice"
    assert fields["status"]["choices"] == ["single", "married", "divorced", "widowed"]
    assert fields["person_birth_date"]["kind"] == "date" and fields["person_id_number"]["kind"] == "id_number"
    assert not fields["earlier_residence"]["required"] and fields["purpose"]["required"]


# The birth registration of one who already has personal papers (1.004772) -------------------------

LATE_BIRTH = {
    **BIRTH_DECLARATION,
    "child_name": "Trần Văn Hùng",
    "child_birth_date": "20/11/1985",
    "child_birth_place": "Trạm y tế xã Đông Kết, tỉnh Hưng Yên",
    "mother_name": "Nguyễn Thị Mai",
    "mother_birth_year": "1962",
    "mother_id_number": "",
    "applicant_name": "Trần Văn Hùng",
    "applicant_id_number": "033085012345",
    "applicant_relationship": "Bản thân",
}


def test_one_who_already_has_personal_papers_fills_in_the_birth_declaration(citizen, office_a):
    procedure = imported("1.004772")["1.004772"]
    # Its national record leaves unclear when the paper form is needed: in review until an administrator
    # publishes it.
    assert procedure.status == "in_review"
    procedure.publish()
    citizen.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.get()
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    citizen.post(f"/applications/{draft.pk}/applicant/", {**applicant(id_number="033085012345"), "remember": ""})
    questions = [question.key for question in procedure.questions.all()]
    citizen.post(f"/applications/{draft.pk}/situation/", dict.fromkeys(questions, "no"))
    assert "declaration" in applications.steps_for(draft)
    page = citizen.get(f"/applications/{draft.pk}/declaration/").content.decode()
    assert "<legend>The child</legend>" in page
    # The same rules as the birth declaration: the mother born after the person registered is refused.
    response = citizen.post(f"/applications/{draft.pk}/declaration/", {**LATE_BIRTH, "mother_birth_year": "1990"})
    assert "The mother&#x27;s year of birth must be before" in response.content.decode()
    assert Draft.objects.get().declaration == {}
    response = citizen.post(f"/applications/{draft.pk}/declaration/", LATE_BIRTH)
    assert response.url == f"/applications/{draft.pk}/documents/"
    draft.refresh_from_db()
    eform = next(document for document in draft.documents() if document.kind == "eform")
    assert draft.is_filled_in(eform)
    assert eform.position not in [document.position for document in draft.missing_documents()]

    text = rendered("1.004772", LATE_BIRTH, office_a)
    for words in (
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Họ, chữ đệm, tên: Trần Văn Hùng",
        "Ngày, tháng, năm sinh: 20/11/1985 ghi bằng chữ: Ngày hai mươi, tháng mười một, năm một nghìn chín trăm "
        "tám mươi lăm",
        "Quan hệ với người được khai sinh: Bản thân",
    ):
        assert words in text, words


def test_the_catalogue_lists_the_birth_declaration_for_one_with_personal_papers(api, db):
    imported("1.004772")["1.004772"].publish()
    described = api.get("/api/v1/procedures/1.004772/").json()["eform"]
    assert described["key"] == "birth-with-records"
    assert described["title"] == "Birth registration declaration"
    assert [field["name"] for field in described["fields"]] == eforms.for_procedure("1.001193").field_names


# The re-registration of a birth (1.004884) -------------------------------------------------------------

BIRTH_AGAIN = {
    **LATE_BIRTH,
    "earlier_registered_at": "Ủy ban nhân dân xã Đông Kết",
    "earlier_registered_on": "02/12/1985",
    "earlier_register_number": "Số 112, Quyển số 01/1985",
}


def test_the_birth_re_registration_declaration_renders_the_official_form(office_a):
    text = rendered("1.004884", BIRTH_AGAIN, office_a)
    for words in (
        "TỜ KHAI ĐĂNG KÝ LẠI KHAI SINH",
        "Họ, chữ đệm, tên người yêu cầu: Trần Văn Hùng",
        "Đề nghị cơ quan đăng ký lại khai sinh cho người có tên dưới đây:",
        "Họ, chữ đệm, tên: Trần Văn Hùng",
        "Ngày, tháng, năm sinh: 20/11/1985 ghi bằng chữ: Ngày hai mươi, tháng mười một",
        "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Mai",
        "Đã đăng ký khai sinh tại Ủy ban nhân dân xã Đông Kết ngày 02/12/1985, số đăng ký: Số 112, Quyển số 01/1985",
        "Tôi cam đoan đã nộp đủ các giấy tờ hiện có",
    ):
        assert words in text, words
    assert text.index("người mẹ") < text.index("Đã đăng ký khai sinh tại") < text.index("Tôi cam đoan")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"earlier_registered_at": ""}, "earlier_registered_at", "Enter “Registered at”."),
        ({"earlier_registered_on": "19/11/1985"}, "earlier_registered_on", "The registration cannot be before"),
        ({"earlier_registered_on": TOMORROW}, "earlier_registered_on", "The date cannot be in the future."),
        ({"mother_birth_year": "1990"}, "mother_birth_year", "The mother's year of birth must be before"),
    ],
)
def test_the_birth_re_registration_declaration_names_what_is_wrong(changes, field, message):
    refused("1.004884", {**BIRTH_AGAIN, **changes}, field, message)


def test_the_application_to_register_a_birth_again_asks_for_the_declaration_and_attaches_it(citizen, office_a):
    procedure = imported("1.004884")["1.004884"]
    if procedure.status != "published":
        procedure.publish()
    questions = dict.fromkeys((question.key for question in procedure.questions.all()), "no")
    given = {**BIRTH_AGAIN, "earlier_registered_on": "", "earlier_register_number": ""}  # not known
    dossier = applied_online(citizen, procedure, office_a, questions, given)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    assert document.attachments.get().original_name == "to-khai-dang-ky-lai-khai-sinh.pdf"
    assert "Trần Văn Hùng" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_birth_re_registration_declaration_and_its_fields(api, db):
    procedure = imported("1.004884")["1.004884"]
    if procedure.status != "published":
        procedure.publish()
    described = api.get("/api/v1/procedures/1.004884/").json()["eform"]
    assert described["key"] == "birth-again"
    assert described["title"] == "Birth re-registration declaration"
    groups = [field["group"] for field in described["fields"]]
    assert groups.index("earlier") > groups.index("father") and groups[-1] == "applicant"
    fields = {field["name"]: field for field in described["fields"]}
    assert set(fields) == set(eforms.for_procedure("1.004884").field_names)
    assert fields["earlier_registered_at"]["required"] and not fields["earlier_registered_on"]["required"]


# The change, correction or addition of civil-status information (1.004859) -------------------------

CORRECTION = {
    "action": "correction",
    "person_name": "Trần Văn Hùng",
    "person_birth_date": "20/11/1985",
    "person_sex": "male",
    "person_ethnicity": "Kinh",
    "person_nationality": "Việt Nam",
    "person_residence": "Thôn Đông, xã Đông Kết, tỉnh Hưng Yên",
    "person_id_number": "033085012345",
    "registered_event": "birth",
    "registered_at": "Ủy ban nhân dân xã Đông Kết",
    "registered_on": "02/12/1985",
    "content": "Ngày, tháng, năm sinh",
    "content_from": "20/11/1986",
    "content_to": "20/11/1985",
    "reason": "Sai sót khi ghi Sổ đăng ký khai sinh",
    "applicant_name": "Trần Văn Hùng",
    "applicant_id_number": "033085012345",
    "applicant_residence": "Thôn Đông, xã Đông Kết, tỉnh Hưng Yên",
    "applicant_relationship": "Bản thân",
}


def test_the_correction_declaration_renders_the_official_form(office_a):
    text = rendered("1.004859", CORRECTION, office_a)
    for words in (
        "TỜ KHAI ĐĂNG KÝ THAY ĐỔI, CẢI CHÍNH, XÁC ĐỊNH LẠI DÂN TỘC, BỔ SUNG THÔNG TIN HỘ TỊCH",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người yêu cầu: Trần Văn Hùng",
        "Quan hệ với người được thay đổi, cải chính, xác định lại dân tộc, bổ sung thông tin hộ tịch: Bản thân",
        "Đề nghị cơ quan đăng ký việc cải chính thông tin hộ tịch cho người có tên dưới đây:",
        "Ngày, tháng, năm sinh: 20/11/1985",
        "Giới tính: Nam",
        "Đã đăng ký khai sinh tại Ủy ban nhân dân xã Đông Kết ngày 02/12/1985",
        "Nội dung: Ngày, tháng, năm sinh",
        "Từ: 20/11/1986",
        "Thành: 20/11/1985",
        "Lý do: Sai sót khi ghi Sổ đăng ký khai sinh",
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
    ):
        assert words in text, words
    assert text.index("người yêu cầu:") < text.index("Đề nghị cơ quan") < text.index("Lý do:")


def test_an_addition_may_leave_what_the_register_says_blank(office_a):
    given = {**CORRECTION, "action": "addition", "content": "Quê quán", "content_from": "", "content_to": "Hưng Yên"}
    text = rendered("1.004859", given, office_a)
    assert "Đề nghị cơ quan đăng ký việc bổ sung thông tin hộ tịch cho người" in text
    assert "Từ: …" in text and "Thành: Hưng Yên" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"action": ""}, "action", "Enter “What is asked for”."),
        ({"action": "divorce"}, "action", "Select a valid choice."),
        ({"registered_event": ""}, "registered_event", "Enter “Registration concerned”."),
        ({"person_birth_date": TOMORROW}, "person_birth_date", "The date cannot be in the future."),
        ({"registered_on": TOMORROW}, "registered_on", "The date cannot be in the future."),
        ({"registered_on": "19/11/1985"}, "registered_on", "The registration cannot be before the date of birth."),
        ({"person_id_number": "0330"}, "person_id_number", "Enter a 12-digit ID number"),
        ({"content_from": ""}, "content_from", "Say what the register says now; only an addition may leave it"),
        ({"content_to": " 20/11/1986 "}, "content_to", "The new information is the same as what the register says"),
        ({"content_to": ""}, "content_to", "Enter “To”."),
        ({"reason": ""}, "reason", "Enter “Reason”."),
        ({"applicant_relationship": ""}, "applicant_relationship", "Enter “Relationship to the person whose"),
    ],
)
def test_the_correction_declaration_names_what_is_wrong(changes, field, message):
    refused("1.004859", {**CORRECTION, **changes}, field, message)


def test_a_child_without_an_identity_paper_may_have_their_record_corrected():
    answers, errors = eforms.for_procedure("1.004859").validated({**CORRECTION, "person_id_number": ""})
    assert errors == {} and answers["person_id_number"] == ""


def test_the_application_to_correct_civil_status_information_asks_for_the_declaration_and_attaches_it(
    citizen, office_a
):
    procedure = imported("1.004859")["1.004859"]
    if procedure.status != "published":
        procedure.publish()
    questions = dict.fromkeys((question.key for question in procedure.questions.all()), "no")
    dossier = applied_online(citizen, procedure, office_a, questions, CORRECTION)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    attachment = document.attachments.get()
    assert attachment.original_name == "to-khai-thay-doi-cai-chinh-bo-sung-thong-tin-ho-tich.pdf"
    assert "Trần Văn Hùng" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_correction_declaration_and_its_fields(api, db):
    procedure = imported("1.004859")["1.004859"]
    if procedure.status != "published":
        procedure.publish()
    described = api.get("/api/v1/procedures/1.004859/").json()["eform"]
    assert described["key"] == "civil-status-change"
    fields = {field["name"]: field for field in described["fields"]}
    assert list(fields) == eforms.for_procedure("1.004859").field_names
    assert fields["action"]["choices"] == ["change", "correction", "ethnicity", "addition"]
    assert fields["registered_event"]["choices"] == ["birth", "marriage", "death", "parentage", "guardianship"]
    assert fields["registered_on"]["kind"] == "date" and fields["person_id_number"]["kind"] == "id_number"
    assert not fields["person_id_number"]["required"] and not fields["content_from"]["required"]
    assert fields["reason"]["required"]


# The recognition of a father, a mother or a child (1.001022) -----------------------------------------

PARENTAGE = {
    "applicant_name": "Trần Văn Bình",
    "applicant_birth_date": "15/06/1990",
    "applicant_sex": "male",
    "applicant_ethnicity": "Kinh",
    "applicant_nationality": "Việt Nam",
    "applicant_residence": "Số 8 phố Lý Thái Tổ, phường Hoàn Kiếm, thành phố Hà Nội",
    "applicant_id_number": "001090012345",
    "recognised_as": "child",
    "recognised_name": "Nguyễn Hoàng Bảo Anh",
    "recognised_birth_date": "05/03/2020",
    "recognised_sex": "female",
    "recognised_ethnicity": "Kinh",
    "recognised_nationality": "Việt Nam",
    "recognised_residence": "Số 1 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
    "recognised_id_number": "",
    "other_parent_name": "Nguyễn Thị Lan",
}


def test_the_parentage_declaration_renders_the_official_form(office_a):
    text = rendered("1.001022", PARENTAGE, office_a)
    for words in (
        "TỜ KHAI ĐĂNG KÝ NHẬN CHA, MẸ, CON",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người nhận: Trần Văn Bình",
        "Ngày, tháng, năm sinh: 15/06/1990",
        "Đề nghị cơ quan công nhận người có tên dưới đây là con của tôi:",
        "Họ, chữ đệm, tên: Nguyễn Hoàng Bảo Anh",
        "Giới tính: Nữ",
        "Tôi cam đoan việc nhận cha, mẹ, con nói trên là đúng sự thật, tự nguyện, không có tranh chấp",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
        "Ý kiến của người hiện đang là mẹ hoặc cha",
        "Người nhận",
    ):
        assert words in text, words
    # The person recognising first, then the person recognised; both signatories named, the other parent on the left.
    assert text.index("người nhận:") < text.index("Đề nghị cơ quan") < text.index("Nguyễn Hoàng Bảo Anh")
    signatures = text[text.index("Làm tại") :]
    assert signatures.index("Nguyễn Thị Lan") < signatures.index("Trần Văn Bình")


def test_a_father_recognised_by_his_adult_child(office_a):
    given = {
        **PARENTAGE,
        "applicant_name": "Nguyễn Văn Nam",
        "applicant_birth_date": "01/01/2000",
        "applicant_id_number": "001200012345",
        "recognised_as": "father",
        "recognised_name": "Trần Văn Bình",
        "recognised_birth_date": "15/06/1970",
        "recognised_sex": "male",
        "recognised_id_number": "001070012345",
        "other_parent_name": "",
    }
    text = rendered("1.001022", given, office_a)
    assert "Đề nghị cơ quan công nhận người có tên dưới đây là cha của tôi:" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recognised_as": ""}, "recognised_as", "Enter “The person recognised is my”."),
        ({"recognised_as": "uncle"}, "recognised_as", "Select a valid choice."),
        ({"recognised_birth_date": "15/06/1990"}, "recognised_birth_date", "A child cannot be born before their"),
        (
            {"recognised_as": "mother", "recognised_sex": "female"},
            "recognised_birth_date",
            "A parent cannot be born after their child.",
        ),
        (
            {"recognised_as": "father", "recognised_birth_date": "01/01/1960"},
            "recognised_sex",
            "A father recognised is a man",
        ),
        (
            {"recognised_as": "mother", "recognised_birth_date": "01/01/1960", "recognised_sex": "male"},
            "recognised_sex",
            "A mother recognised is a woman",
        ),
        ({"recognised_id_number": "001090012345"}, "recognised_id_number", "The two people cannot have the same"),
        ({"applicant_id_number": ""}, "applicant_id_number", "Enter “Identity document number”."),
        ({"applicant_birth_date": TOMORROW}, "applicant_birth_date", "The date cannot be in the future."),
        ({"recognised_birth_date": "32/01/2020"}, "recognised_birth_date", "Enter a real date as day/month/year"),
        ({"recognised_name": ""}, "recognised_name", "Enter “Full name”."),
    ],
)
def test_the_parentage_declaration_names_what_is_wrong(changes, field, message):
    refused("1.001022", {**PARENTAGE, **changes}, field, message)


def test_the_application_to_recognise_a_child_asks_for_the_declaration_and_attaches_it(citizen, office_a):
    procedure = imported("1.001022")["1.001022"]
    if procedure.status != "published":
        procedure.publish()
    questions = dict.fromkeys((question.key for question in procedure.questions.all()), "no")
    dossier = applied_online(citizen, procedure, office_a, questions, PARENTAGE)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    assert document.attachments.get().original_name == "to-khai-dang-ky-nhan-cha-me-con.pdf"
    assert "Nguyễn Hoàng Bảo Anh" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_parentage_declaration_and_its_fields(api, db):
    procedure = imported("1.001022")["1.001022"]
    if procedure.status != "published":
        procedure.publish()
    described = api.get("/api/v1/procedures/1.001022/").json()["eform"]
    assert described["key"] == "parentage"
    fields = {field["name"]: field for field in described["fields"]}
    assert list(fields) == eforms.for_procedure("1.001022").field_names
    assert [field["group"] for field in described["fields"]][:8] == ["applicant"] * 7 + ["relationship"]
    assert fields["recognised_as"]["choices"] == ["child", "father", "mother"]
    assert fields["applicant_id_number"]["required"] and not fields["recognised_id_number"]["required"]
    assert not fields["other_parent_name"]["required"]


# Copies of a civil-status extract (2.000635) ------------------------------------------------------------

EXTRACT_COPY = {
    "person_name": "Trần Văn Đức",
    "person_birth_date": "12/08/1940",
    "person_sex": "male",
    "person_ethnicity": "Kinh",
    "person_nationality": "Việt Nam",
    "person_residence": "Số 5 phố Hàng Đào, phường Hoàn Kiếm, thành phố Hà Nội",
    "person_id_number": "",
    "registered_event": "death",
    "registered_at": "Ủy ban nhân dân phường Hàng Đào",
    "registered_on": "05/03/2026",
    "register_number": "Số 45, Quyển số 01/2026",
    "copies": "3",
    "applicant_name": "Trần Thị Hồng",
    "applicant_id_number": "001070012345",
    "applicant_residence": "Số 5 phố Hàng Đào, phường Hoàn Kiếm, thành phố Hà Nội",
    "applicant_relationship": "Con gái",
}


def test_the_extract_copy_declaration_renders_the_official_form(office_a):
    text = rendered("2.000635", EXTRACT_COPY, office_a)
    for words in (
        "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người yêu cầu: Trần Thị Hồng",
        "Quan hệ với người được cấp bản sao trích lục hộ tịch: Con gái",
        "Đề nghị cấp bản sao trích lục khai tử cho người có tên dưới đây:",
        "Họ, chữ đệm, tên: Trần Văn Đức",
        "Ngày, tháng, năm sinh: 12/08/1940",
        "Đã đăng ký khai tử tại Ủy ban nhân dân phường Hàng Đào ngày 05/03/2026",
        "Số đăng ký: Số 45, Quyển số 01/2026",
        "Số lượng bản sao yêu cầu: 3 bản",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
    ):
        assert words in text, words
    assert text.index("người yêu cầu:") < text.index("Đề nghị cấp") < text.index("Số lượng bản sao")


def test_the_day_and_number_of_the_registration_may_be_unknown():
    given = {**EXTRACT_COPY, "registered_on": "", "register_number": ""}
    answers, errors = eforms.for_procedure("2.000635").validated(given)
    assert errors == {} and answers["copies"] == 3 and answers["registered_on"] == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"registered_event": ""}, "registered_event", "Enter “Extract of the registration of”."),
        ({"registered_at": ""}, "registered_at", "Enter “Registered at”."),
        ({"registered_on": TOMORROW}, "registered_on", "The date cannot be in the future."),
        ({"registered_on": "11/08/1940"}, "registered_on", "The registration cannot be before the date of birth."),
        ({"copies": "0"}, "copies", "Enter the number of copies, from 1 to 20."),
        ({"copies": "21"}, "copies", "Enter the number of copies, from 1 to 20."),
        ({"copies": "ba"}, "copies", "Enter the number of copies, from 1 to 20."),
        ({"copies": ""}, "copies", "Enter “Number of copies”."),
        ({"person_id_number": "12"}, "person_id_number", "Enter a 12-digit ID number"),
        ({"applicant_relationship": ""}, "applicant_relationship", "Enter “Relationship to the person the extract"),
    ],
)
def test_the_extract_copy_declaration_names_what_is_wrong(changes, field, message):
    refused("2.000635", {**EXTRACT_COPY, **changes}, field, message)


def test_the_application_for_copies_of_an_extract_asks_for_the_declaration_and_attaches_it(citizen, office_a):
    procedure = imported("2.000635")["2.000635"]
    if procedure.status != "published":
        procedure.publish()
    questions = dict.fromkeys((question.key for question in procedure.questions.all()), "no")
    dossier = applied_online(citizen, procedure, office_a, questions, EXTRACT_COPY)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    assert document.attachments.get().original_name == "to-khai-cap-ban-sao-trich-luc-ho-tich.pdf"
    assert "Trần Văn Đức" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_extract_copy_declaration_and_its_fields(api, db):
    procedure = imported("2.000635")["2.000635"]
    if procedure.status != "published":
        procedure.publish()
    described = api.get("/api/v1/procedures/2.000635/").json()["eform"]
    assert described["key"] == "extract-copy"
    assert described["title"] == "Declaration for copies of a civil-status extract"
    fields = {field["name"]: field for field in described["fields"]}
    assert list(fields) == eforms.for_procedure("2.000635").field_names
    assert fields["copies"]["kind"] == "number" and fields["copies"]["required"]
    assert not fields["registered_on"]["required"] and not fields["register_number"]["required"]
    assert fields["registered_event"]["choices"] == ["birth", "marriage", "death", "parentage", "guardianship"]


def test_the_portal_has_the_e_forms_of_ten_civil_status_procedures():
    assert eforms.codes() == {
        "1.001193",
        "1.004772",
        "1.004884",
        "1.000656",
        "1.000894",
        "1.004873",
        "1.004859",
        "1.001022",
        "2.000635",
        "1.004837",
    }
    # Each laid out by its own template, but the two birth registrations, which share the official form.
    templates = {eforms.for_procedure(code).template for code in eforms.codes()}
    assert len(templates) == 9


# The guardianship registration (1.004837) ------------------------------------------------------------------

GUARDIANSHIP = {
    "applicant_name": "Lê Văn Tám",
    "applicant_id_number": "001065012345",
    "applicant_residence": "Thôn Đoài, xã Tây Tựu, thành phố Hà Nội",
    "applicant_relationship": "Ông nội",
    "guardian_name": "Lê Văn Tám",
    "guardian_birth_date": "10/10/1965",
    "guardian_sex": "male",
    "guardian_ethnicity": "Kinh",
    "guardian_nationality": "Việt Nam",
    "guardian_residence": "Thôn Đoài, xã Tây Tựu, thành phố Hà Nội",
    "guardian_id_number": "001065012345",
    "ward_name": "Lê Minh Khang",
    "ward_birth_date": "01/06/2016",
    "ward_sex": "male",
    "ward_ethnicity": "Kinh",
    "ward_nationality": "Việt Nam",
    "ward_residence": "Thôn Đoài, xã Tây Tựu, thành phố Hà Nội",
    "ward_id_number": "",
    "kind": "natural",
    "reason": "Cha mẹ của cháu đều đã chết",
}


def test_the_guardianship_declaration_renders_the_official_form(office_a):
    text = rendered("1.004837", GUARDIANSHIP, office_a)
    for words in (
        "TỜ KHAI ĐĂNG KÝ GIÁM HỘ",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người yêu cầu: Lê Văn Tám",
        "Quan hệ với người được giám hộ: Ông nội",
        "Đề nghị cơ quan đăng ký việc giám hộ giữa những người có tên dưới đây:",
        "Họ, chữ đệm, tên người giám hộ: Lê Văn Tám",
        "Ngày, tháng, năm sinh: 10/10/1965",
        "Họ, chữ đệm, tên người được giám hộ: Lê Minh Khang",
        "Ngày, tháng, năm sinh: 01/06/2016",
        "Loại giám hộ: Giám hộ đương nhiên",
        "Lý do đăng ký giám hộ: Cha mẹ của cháu đều đã chết",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
    ):
        assert words in text, words
    assert text.index("người yêu cầu:") < text.index("tên người giám hộ:") < text.index("tên người được giám hộ:")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"guardian_birth_date": f"{timezone.localdate() - dt.timedelta(days=17 * 365):%d/%m/%Y}"},
            "guardian_birth_date",
            "The guardian must be at least 18 years old on the day of the declaration.",
        ),
        ({"guardian_id_number": ""}, "guardian_id_number", "Enter “Identity document number”."),
        ({"ward_id_number": "001065012345"}, "ward_id_number", "The two people cannot have the same"),
        ({"ward_birth_date": TOMORROW}, "ward_birth_date", "The date cannot be in the future."),
        ({"ward_name": ""}, "ward_name", "Enter “Full name of the person under guardianship”."),
        ({"kind": ""}, "kind", "Enter “Kind of guardianship”."),
        ({"kind": "court"}, "kind", "Select a valid choice."),
        ({"reason": ""}, "reason", "Enter “Reason for the guardianship”."),
    ],
)
def test_the_guardianship_declaration_names_what_is_wrong(changes, field, message):
    refused("1.004837", {**GUARDIANSHIP, **changes}, field, message)


def test_the_application_to_register_a_guardianship_asks_for_the_declaration_and_attaches_it(citizen, office_a):
    procedure = imported("1.004837")["1.004837"]
    if procedure.status != "published":
        procedure.publish()
    questions = dict.fromkeys((question.key for question in procedure.questions.all()), "no")
    dossier = applied_online(citizen, procedure, office_a, questions, GUARDIANSHIP)
    document = dossier.documents.get(kind="eform")
    assert document.is_received and dossier.missing_documents() == []
    assert document.attachments.get().original_name == "to-khai-dang-ky-giam-ho.pdf"
    assert "Lê Minh Khang" in text_of(eform_file(dossier))


def test_the_catalogue_lists_the_guardianship_declaration_and_its_fields(api, db):
    procedure = imported("1.004837")["1.004837"]
    if procedure.status != "published":
        procedure.publish()
    described = api.get("/api/v1/procedures/1.004837/").json()["eform"]
    assert described["key"] == "guardianship"
    fields = {field["name"]: field for field in described["fields"]}
    assert list(fields) == eforms.for_procedure("1.004837").field_names
    assert fields["kind"]["choices"] == ["natural", "appointed"]
    assert fields["guardian_id_number"]["required"] and not fields["ward_id_number"]["required"]
    assert {field["group"] for field in described["fields"]} == {"guardian", "ward", "guardianship", "applicant"}
