"""The public catalogue pages, in the three languages."""

import pytest

from procedures.models import Fee
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth():
    procedure = ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    Fee.objects.filter(procedure=procedure).update(amount_vnd=20000, exemption_note="Miễn cho hộ nghèo")
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
    assert "if applicable" in page
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
    assert 'href="?q=dang+ky&amp;sector=&amp;page=2"' in page
    assert "Page 1 of 2" in page
