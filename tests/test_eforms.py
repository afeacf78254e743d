"""The portal's own e-form: the birth declaration (Tờ khai đăng ký khai
sinh) filled in online instead of a photo of the paper form. Its page
keeps only what is valid, "check your answers" reads it back, the
documents page counts it as filled in, and sending the application
attaches it to the dossier as the official form in PDF — through the
citizen's pages and through the API alike, with the same words. The birth
registration is imported from the national record, as the demo does."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from citizens import applications, declarations
from citizens.models import Draft
from dossiers.models import Dossier
from procedures import eforms
from procedures.eforms.marriage import age_on
from procedures.eforms.words import date_in_words, number_in_words
from tests.conftest import error_of
from tests.factories import (
    BIRTH_DECLARATION,
    BIRTH_DECLARATION_BORN_ON,
    PASSWORD,
    PDF,
    ProcedureFactory,
    applicant,
)
from tests.test_checklists import imported

pytestmark = pytest.mark.usefixtures("vn_holidays")

ANSWERS = {"abandoned-child": "no", "on-behalf": "no", "surrogacy": "no"}
BORN_ON, DECLARATION = BIRTH_DECLARATION_BORN_ON, BIRTH_DECLARATION


@pytest.fixture
def birth(db, office_a):
    return imported("1.001193")["1.001193"]


@pytest.fixture
def citizen(client, lan):
    lan.phone, lan.id_number, lan.address = "0912345678", "001195012345", "Số 1 phố Hàng Bạc, phường Hoàn Kiếm"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    return client


def started(client, birth, office_a) -> Draft:
    client.post(f"/apply/{birth.code}/")
    draft = Draft.objects.get()
    client.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    client.post(f"/applications/{draft.pk}/applicant/", {**applicant(id_number="001195012345"), "remember": ""})
    client.post(f"/applications/{draft.pk}/situation/", ANSWERS)
    return draft


def finish(client, draft):
    """The birth certificate uploaded and the result collected at the counter."""
    certificate = next(d for d in Draft.objects.get(pk=draft.pk).documents() if d.name.startswith("Giấy chứng sinh"))
    client.post(
        f"/applications/{draft.pk}/documents/",
        {
            "upload": certificate.position,
            f"file-{certificate.position}": SimpleUploadedFile("giay-chung-sinh.pdf", PDF),
        },
    )
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})


def text_of(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def eform_file(dossier: Dossier) -> bytes:
    document = dossier.documents.get(kind="eform")
    (attachment,) = document.attachments.all()
    with attachment.file.open("rb") as stored:
        return stored.read()


# The page ---------------------------------------------------------------------------------


def test_the_declaration_comes_after_the_situation_and_before_the_documents(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    assert applications.steps_for(draft) == (
        "office",
        "applicant",
        "situation",
        "declaration",
        "documents",
        "delivery",
    )
    response = citizen.post(f"/applications/{draft.pk}/situation/", ANSWERS)
    assert response.url == f"/applications/{draft.pk}/declaration/"

    page = citizen.get(f"/applications/{draft.pk}/declaration/").content.decode()
    for legend in ("The child", "The mother", "The father", "The person declaring"):
        assert f"<legend>{legend}</legend>" in page
    # The applicant's details fill the declarant's lines at first.
    assert 'value="001195012345"' in page and 'value="Nguyễn Thị Lan"' in page

    response = citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    assert response.url == f"/applications/{draft.pk}/documents/"
    draft.refresh_from_db()
    assert draft.declaration["child_name"] == "Nguyễn Hoàng Bảo Anh"
    # Kept as plain data: the day in ISO form, the year a number, a parent left out blank.
    assert draft.declaration["child_birth_date"] == BORN_ON.isoformat()
    assert draft.declaration["mother_birth_year"] == 1995
    assert draft.declaration["father_name"] == ""

    # Coming back shows what was kept, the date as it was typed.
    page = citizen.get(f"/applications/{draft.pk}/declaration/").content.decode()
    assert f'value="{BORN_ON:%d/%m/%Y}"' in page and "Nguyễn Hoàng Bảo Anh" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"child_name": ""}, "child_name", "The child: Enter “Child&#x27;s full name”."),
        ({"child_sex": ""}, "child_sex_0", "The child: Enter “Sex”."),
        ({"child_sex": "other"}, "child_sex_0", "Select a valid choice."),
        ({"child_birth_date": "31/02/2026"}, "child_birth_date", "Enter a real date as day/month/year"),
        (
            {"child_birth_date": f"{timezone.localdate() + dt.timedelta(days=1):%d/%m/%Y}"},
            "child_birth_date",
            "The date cannot be in the future.",
        ),
        (
            {"mother_birth_year": str(BORN_ON.year)},
            "mother_birth_year",
            "The mother&#x27;s year of birth must be before the child&#x27;s year of birth.",
        ),
        ({"mother_birth_year": "95"}, "mother_birth_year", "Enter a year from 1900 to"),
        ({"mother_id_number": "12345"}, "mother_id_number", "Enter a 12-digit ID number"),
        ({"applicant_id_number": ""}, "applicant_id_number", "The person declaring: Enter"),
        (
            {"father_name": "Trần Văn Bình"},
            "father_birth_year",
            "Give all of the father&#x27;s details, or leave them all blank: “Year of birth” is missing.",
        ),
        ({"applicant_relationship": ""}, "applicant_relationship", "Enter “Relationship to the child”."),
    ],
)
def test_each_invalid_answer_is_named_at_the_top_and_beside_its_field_and_nothing_is_kept(
    citizen, birth, office_a, changes, field, message
):
    draft = started(citizen, birth, office_a)
    citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    response = citizen.post(f"/applications/{draft.pk}/declaration/", {**DECLARATION, **changes})
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert f'href="#id_{field}"' in summary and message in summary
    assert 'class="field-error"' in page
    draft.refresh_from_db()
    assert draft.declaration == eforms.for_procedure(birth.code).validated(DECLARATION)[0]


def test_either_parent_may_be_unknown(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    unknown_mother = {key: "" for key in DECLARATION if key.startswith("mother_")}
    response = citizen.post(f"/applications/{draft.pk}/declaration/", {**DECLARATION, **unknown_mother})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.declaration["mother_name"] == "" and draft.declaration["father_name"] == ""


def test_check_your_answers_reads_the_declaration_back_and_change_returns_to_it(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "Fill in the declaration “Birth registration declaration”." in check
    assert f'href="/applications/{draft.pk}/declaration/?from=check"' in check

    citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    finish(citizen, draft)
    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "Some answers are missing" not in check
    assert "Nguyễn Hoàng Bảo Anh" in check and f"{BORN_ON:%d/%m/%Y}" in check and "Male" in check
    assert "Filled in online" in check
    assert f'href="/applications/{draft.pk}/declaration/?from=check#id_child_home_town"' in check

    # Change: the page goes back to the summary, and saving returns there.
    page = citizen.get(f"/applications/{draft.pk}/declaration/?from=check").content.decode()
    assert f'href="/applications/{draft.pk}/check/"' in page and 'name="from_check"' in page
    response = citizen.post(
        f"/applications/{draft.pk}/declaration/", {**DECLARATION, "child_home_town": "Hà Nội", "from_check": "1"}
    )
    assert response.url == f"/applications/{draft.pk}/check/"
    assert Draft.objects.get().declaration["child_home_town"] == "Hà Nội"


def test_the_documents_page_asks_no_upload_for_the_declaration_once_filled_in(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    eform = next(d for d in draft.documents() if d.kind == "eform")
    section = citizen.get(f"/applications/{draft.pk}/documents/").content.decode()
    section = section.split(f'id="document-{eform.position}"')[1].split("</section>")[0]
    assert "Fill in the declaration" in section and 'type="file"' not in section
    assert [p.step for p in applications.problems(draft)].count("declaration") == 1

    citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    section = citizen.get(f"/applications/{draft.pk}/documents/").content.decode()
    section = section.split(f'id="document-{eform.position}"')[1].split("</section>")[0]
    assert "Filled in online" in section and 'type="file"' not in section
    draft.refresh_from_db()
    assert eform.position not in [d.position for d in draft.missing_documents()]
    left = [(p.step, p.message[:25]) for p in applications.problems(draft) if p.step in ("declaration", "documents")]
    assert left == [("documents", "Upload “Giấy chứng sinh; ")]


def test_what_the_declaration_lacks_is_listed_among_the_problems(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    # Kept valid once; a rule that changed since (a passport number no longer read) makes it lack something.
    draft.declaration = {**eforms.for_procedure(birth.code).validated(DECLARATION)[0], "applicant_id_number": "12"}
    draft.save()
    messages = [p.message for p in applications.problems(draft) if p.step == "declaration"]
    assert messages == [
        "The person declaring: Enter a 12-digit ID number (9 on an old card), a 13-digit Thai ID number, "
        "or a passport number."
    ]


# The PDF ----------------------------------------------------------------------------------


def test_sending_attaches_the_declaration_as_the_official_form_counted_as_handed_in(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    finish(citizen, draft)
    response = citizen.post(f"/applications/{draft.pk}/submit/")
    assert response.status_code == 302, response
    dossier = Dossier.objects.get()
    document = dossier.documents.get(kind="eform")
    assert document.is_received
    assert dossier.missing_documents() == []
    (attachment,) = document.attachments.all()
    assert attachment.original_name == "to-khai-dang-ky-khai-sinh.pdf"
    assert attachment.content_type == "application/pdf"
    content = eform_file(dossier)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    assert abs(float(reader.pages[0].mediabox.width) - 595.3) < 1  # A4
    # The clerk sees it among the dossier's files, written in the trail.
    assert dossier.events.filter(action="attach", note="to-khai-dang-ky-khai-sinh.pdf").exists()


def test_the_pdf_is_the_official_form_in_vietnamese_with_its_diacritics(birth, office_a):
    eform = eforms.for_procedure(birth.code)
    answers = eform.validated({**DECLARATION, "child_birth_date": "05/03/2026"})[0]
    office_a.language = "vi"
    content, pages = declarations.render_pdf(
        eform, answers, office=office_a, at=dt.datetime(2026, 3, 26, 9, 30, tzinfo=dt.UTC)
    )
    text = text_of(content)
    assert pages == 1
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Lan",
        "Quan hệ với người được khai sinh: Mẹ",
        "Họ, chữ đệm, tên: Nguyễn Hoàng Bảo Anh",
        "Ngày, tháng, năm sinh: 05/03/2026 ghi bằng chữ: Ngày năm, tháng ba, năm hai nghìn không trăm hai mươi sáu",
        "Giới tính: Nam",
        "Quê quán: xã Đông Kết, tỉnh Hưng Yên",
        "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Lan",
        "Năm sinh: 1995",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
        "Người yêu cầu",
    ):
        assert words in text, words
    # In the official order: the declarant, the child, the mother, then the father.
    assert (
        text.index("người yêu cầu:")
        < text.index("Họ, chữ đệm, tên:")
        < text.index("người mẹ")
        < text.index("người cha")
    )
    assert "16 giờ 30 phút, ngày 26/03/2026" in text  # declared at 09:30 UTC, said in Vietnam's time
    # The fonts are embedded (subsets of Liberation Serif): the diacritics
    # are drawn, not left to the reader's machine.
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for page in PdfReader(io.BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert descriptors
    for descriptor in descriptors:
        assert "Liberation-Serif" in str(descriptor["/FontName"])
        assert {"/FontFile2", "/FontFile3"} & set(descriptor)


def test_the_page_and_the_api_give_the_same_declaration(citizen, api, lan, birth, office_a):
    draft = started(citizen, birth, office_a)
    citizen.post(f"/applications/{draft.pk}/declaration/", DECLARATION)
    finish(citizen, draft)
    citizen.post(f"/applications/{draft.pk}/submit/")
    by_page = Dossier.objects.get()

    body = {
        "procedure": birth.code,
        "office": office_a.code,
        "channel": "online",
        "applicant": applicant(id_number="001195012345"),
        "answers": {key: value == "yes" for key, value in ANSWERS.items()},
        "declaration": {**DECLARATION, "child_birth_date": BORN_ON.isoformat()},
    }
    response = api.as_(lan).post("/api/v1/dossiers/", body, format="json")
    assert response.status_code == 201, response.json()
    by_api = Dossier.objects.get(code=response.json()["code"])
    shown = api.as_(lan).get(response["Location"]).json()
    eform_row = next(d for d in shown["documents"] if d["kind"] == "eform")
    assert eform_row["received"] is True
    assert by_api.documents.get(kind="eform").is_received
    assert text_of(eform_file(by_api)) == text_of(eform_file(by_page))
    assert "Nguyễn Hoàng Bảo Anh" in text_of(eform_file(by_api))


def test_the_api_names_each_invalid_field_of_the_declaration_and_opens_nothing(api, lan, birth, office_a):
    body = {
        "procedure": birth.code,
        "office": office_a.code,
        "channel": "online",
        "answers": {key: False for key in ANSWERS},
        "declaration": {
            **DECLARATION,
            "child_birth_date": "2999-01-01",
            "mother_id_number": "12",
            "twins": "yes",
        },
    }
    response = api.as_(lan).post("/api/v1/dossiers/", body, format="json")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert fields["declaration.child_birth_date"] == ["The date cannot be in the future."]
    assert "declaration.mother_id_number" in fields
    assert fields["declaration.twins"] == ["This declaration has no such field."]
    assert not Dossier.objects.exists()


def test_the_catalogue_says_which_procedures_have_an_e_form_and_its_fields(api, birth, procedure):
    described = api.get(f"/api/v1/procedures/{birth.code}/").json()["eform"]
    assert described["key"] == "birth"
    names = [field["name"] for field in described["fields"]]
    assert names == eforms.for_procedure(birth.code).field_names
    sex = next(field for field in described["fields"] if field["name"] == "child_sex")
    assert sex["kind"] == "choice" and sex["choices"] == ["male", "female"] and sex["required"]
    assert next(f for f in described["fields"] if f["name"] == "father_name")["required"] is False
    assert api.get(f"/api/v1/procedures/{procedure.code}/").json()["eform"] is None


# The death declaration and the date in words ----------------------------------------------------


def test_the_death_declaration_checks_its_dates_and_renders_the_official_form(office_a):
    eform = eforms.for_procedure("1.000656")
    given = {
        "deceased_name": "Trần Văn Đức",
        "deceased_sex": "male",
        "deceased_birth_date": "12/08/1940",
        "deceased_ethnicity": "Kinh",
        "deceased_nationality": "Việt Nam",
        "deceased_id_number": "001040012345",
        "deceased_last_residence": "Số 5 phố Hàng Đào, phường Hoàn Kiếm",
        "death_date": "02/03/2026",
        "death_time": "14:30",
        "death_place": "Bệnh viện Bạch Mai",
        "death_cause": "Tuổi cao",
        "notice_number": "123/GBT",
        "notice_issuer": "Bệnh viện Bạch Mai",
        "notice_issued_on": "03/03/2026",
        "applicant_name": "Trần Thị Hồng",
        "applicant_id_number": "001070012345",
        "applicant_residence": "Số 5 phố Hàng Đào, phường Hoàn Kiếm",
        "applicant_relationship": "Con gái",
    }
    _answers, errors = eform.validated({**given, "death_date": "11/08/1940", "notice_issued_on": ""})
    assert errors["death_date"] == ["The date of death cannot be before the date of birth."]
    assert "notice_issued_on" in errors
    answers, errors = eform.validated(given)
    assert errors == {}
    office_a.language = "vi"
    content, _pages = declarations.render_pdf(eform, answers, office=office_a, at=timezone.now())
    text = text_of(content)
    for words in (
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        "Quan hệ với người đã chết: Con gái",
        "Họ, chữ đệm, tên: Trần Văn Đức",
        "Đã chết vào lúc: 14 giờ 30 phút, ngày 02 tháng 03 năm 2026",
        "Nguyên nhân chết: Tuổi cao",
        "do Bệnh viện Bạch Mai cấp ngày 03 tháng 03 năm 2026",
    ):
        assert words in text, words


# The marriage declaration ----------------------------------------------------------------------


def years_ago(years: int, *, days: int = 0) -> dt.date:
    """The day `years` years before today, `days` later."""
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day + dt.timedelta(days=days)


MARRIAGE = {
    "woman_name": "Lò Thị Hương",
    "woman_birth_date": "14/02/1998",
    "woman_ethnicity": "Thái",
    "woman_nationality": "Việt Nam",
    "woman_residence": "Bản Mường Thanh, xã Thanh Minh, tỉnh Điện Biên",
    "woman_id_number": "011198012345",
    "woman_marriage_number": "1",
    "man_name": "Nguyễn Đức Thắng",
    "man_birth_date": "03/09/1994",
    "man_ethnicity": "Kinh",
    "man_nationality": "Việt Nam",
    "man_residence": "Số 12 phố Hàng Gà, phường Hoàn Kiếm, thành phố Hà Nội",
    "man_id_number": "001094067890",
    "man_marriage_number": "2",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"woman_birth_date": f"{years_ago(18, days=1):%d/%m/%Y}"},
            "woman_birth_date",
            "The woman must be at least 18 years old on the day of the declaration.",
        ),
        (
            {"man_birth_date": f"{years_ago(20, days=1):%d/%m/%Y}"},
            "man_birth_date",
            "The man must be at least 20 years old on the day of the declaration.",
        ),
        # A man of 19 is old enough to be the woman, not the man.
        (
            {"man_birth_date": f"{years_ago(19):%d/%m/%Y}"},
            "man_birth_date",
            "The man must be at least 20 years old on the day of the declaration.",
        ),
        (
            {"woman_birth_date": f"{timezone.localdate() + dt.timedelta(days=1):%d/%m/%Y}"},
            "woman_birth_date",
            "The date cannot be in the future.",
        ),
        ({"man_birth_date": "31/02/1994"}, "man_birth_date", "Enter a real date as day/month/year, e.g. 25/03/2026."),
        ({"woman_id_number": "12345"}, "woman_id_number", "Enter a 12-digit ID number"),
        ({"man_id_number": ""}, "man_id_number", "Enter “Identity document number”."),
        ({"man_id_number": "011198012345"}, "man_id_number", "The two parties cannot have the same identity"),
        ({"woman_marriage_number": "0"}, "woman_marriage_number", "Enter a number: 1 for a first marriage"),
        ({"man_marriage_number": "hai"}, "man_marriage_number", "Enter a number: 1 for a first marriage"),
        ({"woman_name": ""}, "woman_name", "Enter “The woman's full name”."),
    ],
)
def test_the_marriage_declaration_checks_age_dates_and_identity_numbers(changes, field, message):
    eform = eforms.for_procedure("1.000894")
    answers, errors = eform.validated({**MARRIAGE, **changes})
    assert answers is None
    assert any(text.startswith(message) for text in errors[field]), errors
    assert set(errors) == {field}


def test_the_parties_are_of_age_on_the_very_day_of_their_birthday():
    eform = eforms.for_procedure("1.000894")
    answers, errors = eform.validated(
        {**MARRIAGE, "woman_birth_date": f"{years_ago(18):%d/%m/%Y}", "man_birth_date": f"{years_ago(20):%d/%m/%Y}"}
    )
    assert errors == {}
    # Kept as plain data: the day in ISO form, which marriage a number.
    assert answers["woman_birth_date"] == years_ago(18).isoformat()
    assert answers["woman_marriage_number"] == 1
    # Born on 29 February: of age on 1 March of a common year, not on 28 February.
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18
    # What each party lacks is named with their side of the form.
    problems = eform.problems({**answers, "man_name": ""})
    assert problems == [("man_name", "The man: Enter “The man's full name”.")]


def test_the_marriage_declaration_renders_the_official_form_with_both_parties(office_a):
    eform = eforms.for_procedure("1.000894")
    answers, errors = eform.validated(MARRIAGE)
    assert errors == {}
    office_a.language = "vi"
    content, pages = declarations.render_pdf(
        eform, answers, office=office_a, at=dt.datetime(2026, 3, 26, 9, 30, tzinfo=dt.UTC)
    )
    assert pages == 1
    text = text_of(content)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        "Kính gửi: Ủy ban nhân dân Phường Ba Đình",
        "Thông tin Bên nữ Bên nam",
        "Họ, chữ đệm, tên Lò Thị Hương Nguyễn Đức Thắng",
        "Ngày, tháng, năm sinh 14/02/1998 03/09/1994",
        "Dân tộc Thái Kinh",
        "Giấy tờ tùy thân 011198012345 001094067890",
        "Kết hôn lần thứ mấy Lần thứ nhất Lần thứ hai",
        "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
        "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam",
        "Làm tại: Phường Ba Đình, ngày 26 tháng 03 năm 2026",
        "16 giờ 30 phút, ngày 26/03/2026",
    ):
        assert words in text, words
    # Both sign: the woman on the left, the man on the right, each named under their side.
    signatures = text[text.index("Làm tại") :]
    assert signatures.index("Bên nữ") < signatures.index("Bên nam")
    assert signatures.index("Lò Thị Hương") < signatures.index("Nguyễn Đức Thắng")
    assert "Người yêu cầu" not in text


def test_the_catalogue_lists_the_marriage_declaration_and_its_fields(api, db):
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    described = api.get("/api/v1/procedures/1.000894/").json()["eform"]
    assert described["key"] == "marriage"
    assert described["title"] == "Marriage registration declaration"
    assert [field["name"] for field in described["fields"]] == eforms.for_procedure("1.000894").field_names
    assert {field["group"] for field in described["fields"]} == {"woman", "man"}
    kinds = {field["name"]: field["kind"] for field in described["fields"]}
    assert kinds["woman_birth_date"] == "date" and kinds["man_id_number"] == "id_number"
    assert kinds["man_marriage_number"] == "number"
    assert all(field["required"] for field in described["fields"])


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2026, 3, 5), "Ngày năm, tháng ba, năm hai nghìn không trăm hai mươi sáu"),
        (dt.date(2025, 12, 21), "Ngày hai mươi mốt, tháng mười hai, năm hai nghìn không trăm hai mươi lăm"),
        (dt.date(2005, 1, 14), "Ngày mười bốn, tháng một, năm hai nghìn không trăm linh năm"),
        (dt.date(2015, 4, 24), "Ngày hai mươi tư, tháng bốn, năm hai nghìn không trăm mười lăm"),
        (dt.date(1999, 10, 31), "Ngày ba mươi mốt, tháng mười, năm một nghìn chín trăm chín mươi chín"),
    ],
)
def test_the_date_of_birth_in_words(day, words):
    assert date_in_words(day) == words


def test_numbers_in_words_at_their_edges():
    assert number_in_words(2000) == "hai nghìn"
    assert number_in_words(2010) == "hai nghìn không trăm mười"
    assert number_in_words(2001) == "hai nghìn không trăm linh một"
    assert number_in_words(105) == "một trăm linh năm"


def test_save_and_come_back_later_keeps_a_declaration_half_filled_in(citizen, birth, office_a):
    draft = started(citizen, birth, office_a)
    # Only the child's name and the father's name typed (the father's other details not yet):
    # kept as typed, though "Save and continue" would refuse it.
    half = {"child_name": "Nguyễn Hoàng Bảo Anh", "father_name": "Trần Văn Bình", "save_and_leave": "1"}
    response = citizen.post(f"/applications/{draft.pk}/declaration/", half)
    assert response.url == "/my/"
    kept = Draft.objects.get().declaration
    assert (kept["child_name"], kept["father_name"]) == ("Nguyễn Hoàng Bảo Anh", "Trần Văn Bình")
    page = citizen.get(f"/applications/{draft.pk}/declaration/").content.decode()
    assert 'value="Trần Văn Bình"' in page
    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "“Year of birth” is missing" in check
    # A value that is wrong in itself is not kept, and the page says so with the rest kept.
    response = citizen.post(
        f"/applications/{draft.pk}/declaration/", {**half, "child_name": "", "mother_birth_year": "abc"}
    )
    assert response.status_code == 200 and "could not be" in response.content.decode()
    kept = Draft.objects.get().declaration
    assert kept["child_name"] == "" and kept.get("mother_birth_year", "") == ""
