"""The public catalogue pages, in the three languages."""

import re

import pytest

from procedures.models import Fee
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth():
    procedure = ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    Fee.objects.filter(procedure=procedure).update(amount=20000, exemption_note="Miễn cho hộ nghèo")
    return procedure


def test_the_portal_speaks_vietnamese_by_default(client, settings, birth):
    settings.LANGUAGE_CODE = "vi"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="vi">' in page
    assert "Danh mục thủ tục hành chính" in page


def test_a_thai_reader_gets_thai(client, birth):
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<html lang="th">' in page
    assert "ภาษาไทย" in page  # the language switcher names Thai in Thai


def test_searching_without_diacritics_finds_the_procedure(client, birth):
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    page = client.get("/procedures/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in page
    assert "kết hôn" not in page


def test_a_procedure_page_says_what_to_bring_what_it_costs_and_how_long_it_takes(client, birth):
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 working days" in page
    assert "20,000 VND" in page and "Miễn cho hộ nghèo" in page
    assert "Tờ khai" in page and "Giấy ủy quyền (nếu có)" in page
    assert "if you have one" in page
    vietnamese = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "20.000 đ" in vietnamese and "3 ngày làm việc" in vietnamese


def test_an_inactive_procedure_is_not_shown(client, birth):
    birth.is_active = False
    birth.save()
    assert client.get("/procedures/1.001193/").status_code == 404
    assert "Thủ tục đăng ký khai sinh" not in client.get("/procedures/").content.decode()


def test_the_next_page_keeps_the_search(client, db):
    for n in range(30):
        ProcedureFactory(code=f"1.{n:06d}", name=f"Đăng ký thử {n}")
    page = client.get("/procedures/", {"q": "dang ky"}).content.decode()
    assert 'href="?q=dang+ky&amp;page=2"' in page
    assert "Page 1 of 2" in page


@pytest.fixture
def births(birth):
    """The general procedure and two longer variants, named in three languages."""
    birth.name_en, birth.name_th = "Birth registration", "การจดทะเบียนการเกิด"
    birth.save()
    ProcedureFactory(
        code="2.000528",
        name="Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
        name_en="Birth registration with a foreign element",
    )
    ProcedureFactory(code="1.003583", name="Thủ tục đăng ký khai sinh lưu động", online_level="offline")
    ProcedureFactory(code="1.000656", name="Thủ tục đăng ký khai tử", level="province")
    return birth


def names_found(client, **query) -> list[str]:
    page = client.get("/procedures/", query, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    return [code for code in ("1.001193", "2.000528", "1.003583", "1.000656") if f"/procedures/{code}/" in page]


def order_found(client, **query) -> list[str]:
    page = client.get("/procedures/", query, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    found = [(page.find(f"/procedures/{code}/"), code) for code in ("1.001193", "2.000528", "1.003583", "1.000656")]
    return [code for position, code in sorted(found) if position >= 0]


def test_the_general_procedure_comes_before_its_variants(client, births):
    assert order_found(client, q="dang ky khai sinh")[0] == "1.001193"
    assert set(names_found(client, q="dang ky khai sinh")) == {"1.001193", "2.000528", "1.003583"}
    assert names_found(client, q="1.000656") == ["1.000656"]


def test_english_and_thai_names_are_searched_and_shown(client, births):
    assert names_found(client, q="birth registration") == ["1.001193", "2.000528", "1.003583"]
    assert order_found(client, q="birth registration")[0] == "1.001193"
    assert names_found(client, q="จดทะเบียนการเกิด") == ["1.001193"]
    thai = client.get("/procedures/", {"q": "khai sinh"}, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "การจดทะเบียนการเกิด" in thai
    english = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Birth registration</h1>" in english and "Thủ tục đăng ký khai sinh" in english


def test_filters_by_level_and_online_service(client, births):
    assert names_found(client, level="province") == ["1.000656"]
    assert "1.003583" not in names_found(client, online="partial")
    assert names_found(client, q="khai sinh", online="offline") == ["1.003583"]
    refused = client.get("/procedures/", {"level": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


def test_apply_online_is_offered_only_where_the_procedure_allows_it(client, births):
    assert "/apply/1.001193/" in client.get("/procedures/1.001193/").content.decode()
    assert "/apply/1.003583/" not in client.get("/procedures/1.003583/").content.decode()


def test_the_printable_checklist_lists_what_to_bring(client, births):
    page = client.get("/procedures/1.001193/checklist/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tờ khai" in page and "Giấy ủy quyền (nếu có)" in page and "if you have one" in page
    assert 'class="tick"' in page


def test_the_names_file_fills_english_and_thai_names(births, tmp_path):
    from procedures.models import Procedure, Sector
    from procedures.names import DEFAULT_FILE, load_names

    assert load_names(DEFAULT_FILE)["procedures"] >= 1
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.name_en, birth.name_th) == ("Birth registration", "การจดทะเบียนการเกิด")
    assert Sector.objects.get(code="ho-tich").name_en == "Civil status"
    # A sector's names are searched with its procedures.
    assert "1.000656" in Procedure.objects.matching("civil status").values_list("code", flat=True)


def test_a_fee_the_source_does_not_publish_never_reads_free(client, birth):
    # In person: a fee of 20,000 VND. Online and by post: none listed, as when
    # the national record says "Không có thông tin".
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Not published") == 2 and ">Free<" not in page and "free" not in page.lower()
    Fee.objects.create(procedure=birth, channel="online", name="Lệ phí", amount=0, exemption_note="")
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Not published") == 1 and "Lệ phí: free" in page
    checklist = client.get("/procedures/1.001193/checklist/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chưa công bố" in checklist


def test_a_procedure_page_leads_with_what_a_citizen_needs_and_folds_the_law(client, birth):
    on_behalf = birth.questions.create(key="on-behalf", text="Bạn nộp thay người khác?", text_en="On someone's behalf?")
    birth.documents.all().delete()
    birth.documents.create(
        position=1, name="Giấy ủy quyền có chứng thực. Người thân không cần chứng thực.", condition=on_behalf
    )
    birth.documents.create(position=2, name="Giấy xác nhận cư trú", is_mandatory=False)
    birth.documents.create(position=3, name="Giấy chứng sinh; nếu không có thì văn bản của người làm chứng.")
    birth.steps, birth.conditions = "Bước 1: nộp hồ sơ.", "Không có điều kiện."
    birth.applicants = "Công dân Việt Nam"
    birth.save()
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Who, what and where first; then what to bring; the law's text folded below.
    order = [page.index(text) for text in ("Who it is for", "What to bring", "Time limit and fees", "Bước 1")]
    assert order == sorted(order)
    assert page.index("<details>") < page.index("Bước 1")
    # Needed by everyone first, then what depends on a question, then "if you have one".
    documents = [page.index(name) for name in ("Giấy chứng sinh", "Giấy ủy quyền", "Giấy xác nhận cư trú")]
    assert documents == sorted(documents)
    assert "only if the answer is yes: On someone&#x27;s behalf?" in page
    # A long name shows its first sentence; the rest is one click away.
    assert "Giấy ủy quyền có chứng thực." in page
    assert "<summary>More about this document</summary><p>Người thân không cần chứng thực.</p>" in page


@pytest.mark.parametrize("language", ["en", "th"])
def test_an_english_or_thai_procedure_page_keeps_no_vietnamese_heading_of_its_own(client, birth, language):
    """The portal's headings and the catalogue's recurring document headings
    read in the reader's language; what stays Vietnamese is the procedure's
    own wording, marked as Vietnamese and said to be so."""
    birth.documents.all().delete()
    birth.documents.create(position=1, case_name="Giấy tờ phải nộp:", name="Tờ khai đăng ký khai sinh")
    birth.documents.create(position=2, case_name="Trường hợp ủy quyền thực hiện thủ tục", name="Văn bản ủy quyền")
    birth.documents.create(position=3, case_name="Trẻ em sinh ra ở nước ngoài", name="Giấy tờ chứng minh")
    page = client.get("/procedures/1.001193/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    headings = re.findall(r"<(h[1-4]|dt|th|summary)( lang=\"vi\")?[^>]*>(.*?)</\1>", page, re.S)
    vietnamese = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
    own = [re.sub(r"<[^>]+>", "", body) for tag, marked, body in headings if marked]
    portal = [re.sub(r"<[^>]+>", "", body) for tag, marked, body in headings if not marked]
    assert not [heading for heading in portal if vietnamese.search(heading)]
    assert "Trẻ em sinh ra ở nước ngoài" in own  # the procedure's own case, as published
    expected = {
        "en": ("Documents to hand in", "If someone else applies on your behalf", "are in Vietnamese"),
        "th": ("เอกสารที่ต้องยื่น", "กรณีมอบอำนาจให้ผู้อื่นยื่นแทน", "เป็นภาษาเวียดนาม"),
    }[language]
    assert all(text in page for text in expected)
