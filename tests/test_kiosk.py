"""The kiosk in the commune hall: it opens on what its counter receives most,
grouped by life event, with a big search box; it offers no accounts; the
terminal keeps its counter between visitors."""

import re

import pytest

from citizens.topics import topic_of
from tests.factories import PASSWORD, ProcedureFactory, SectorFactory, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


def a_procedure(code, name, sector_code, sector_name):
    return ProcedureFactory(code=code, name=name, sector=SectorFactory(code=sector_code, name=sector_name))


@pytest.fixture
def catalogue(db):
    return {
        "sea": a_procedure("3.000439", "Giao khu vực biển cho cá nhân", "bien-va-hai-dao", "Biển và hải đảo"),
        "birth": a_procedure("1.001193", "Thủ tục đăng ký khai sinh", "ho-tich", "Hộ tịch"),
        "birth_abroad": a_procedure(
            "1.000110", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới", "ho-tich", "Hộ tịch"
        ),
        "marriage": a_procedure("1.000894", "Thủ tục đăng ký kết hôn", "ho-tich", "Hộ tịch"),
        "stay": a_procedure("1.004194", "Đăng ký tạm trú", "dang-ky-quan-ly-cu-tru", "Đăng ký, quản lý cư trú"),
        "copy": a_procedure("2.000815", "Chứng thực bản sao từ bản chính", "chung-thuc", "Chứng thực"),
    }


def used(procedure, office, citizen, times):
    for _ in range(times):
        submitted_online(procedure, office, citizen)


@pytest.fixture
def usage(catalogue, office_a, office_b, lan):
    """At office A: 3 temporary residences, 2 births, 1 marriage; at
    office B: 10 births, 2 of them of the variant with a foreign element."""
    used(catalogue["stay"], office_a, lan, 3)
    used(catalogue["birth"], office_a, lan, 2)
    used(catalogue["marriage"], office_a, lan, 1)
    used(catalogue["birth"], office_b, lan, 8)
    used(catalogue["birth_abroad"], office_b, lan, 2)
    used(catalogue["sea"], office_a, lan, 1)
    return catalogue


def headings(page: str) -> list[str]:
    return re.findall(r'<h3 id="topic-(\w+)">', page)


def test_the_kiosk_opens_on_its_counters_most_used_procedures_by_life_event(client, settings, usage, office_a):
    settings.KIOSK_OFFICE = office_a.code
    client.get("/kiosk/")
    page = client.get("/").content.decode()
    # Residence (3 dossiers here), birth (2), marriage (1), then the event
    # nobody asked for here, in the usual order.
    assert headings(page) == ["residence", "birth", "marriage", "certification"]
    assert office_a.name in page and "Most asked for at this counter" in page
    assert '<input id="kiosk-q" type="search" name="q"' in page
    assert page.index('id="kiosk-q"') < page.index('id="topic-residence"')
    # The general birth registration before its rarer variant.
    assert page.index("Thủ tục đăng ký khai sinh<") < page.index("có yếu tố nước ngoài tại khu vực biên giới")
    # Sea areas belong to no life event: only behind "all procedures".
    assert "Giao khu vực biển" not in page
    assert 'href="/procedures/">All 6 procedures</a>' in page


def test_without_a_counter_every_offices_dossiers_count(client, settings, usage):
    settings.KIOSK_MODE = True
    page = client.get("/").content.decode()
    assert headings(page) == ["birth", "residence", "marriage", "certification"]
    assert "Most asked for at this counter" not in page


def test_staff_set_the_counter_a_terminal_stands_at_and_it_outlasts_each_reset(client, usage, office_b, chi):
    client.login(username="chi", password=PASSWORD)
    client.get(f"/kiosk/?office={office_b.code}")
    client.get("/kiosk/reset/")
    page = client.get("/").content.decode()
    assert office_b.name in page and headings(page)[0] == "birth"
    assert client.get("/my/").status_code == 302  # the clerk is signed out


def test_a_visitor_cannot_move_the_kiosk_to_another_counter(client, usage, office_a, office_b, settings):
    settings.KIOSK_OFFICE = office_a.code
    client.get(f"/kiosk/?office={office_b.code}")
    page = client.get("/").content.decode()
    assert office_a.name in page and office_b.name not in page


@pytest.mark.parametrize("code", ["NOPE", "<script>alert(1)</script>", "x" * 5000])
def test_an_unknown_counter_is_refused_in_plain_words(client, chi, office_a, settings, code):
    settings.KIOSK_OFFICE = office_a.code
    client.login(username="chi", password=PASSWORD)
    response = client.get("/kiosk/", {"office": code}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no office with the code" in page and "<script>alert" not in page
    assert office_a.name in page


def account_links(page: str) -> list[str]:
    return re.findall(r'href="(/accounts/login/|/accounts/register/|/my/)[^"]*"', page)


def test_a_public_terminal_offers_no_accounts(client, catalogue):
    assert set(account_links(client.get("/").content.decode())) == {"/accounts/login/", "/accounts/register/"}
    client.get("/kiosk/")
    for address in ("/", "/procedures/", "/procedures/1.001193/", "/track/"):
        page = client.get(address).content.decode()
        assert account_links(page) == [], address
    procedure_page = client.get("/procedures/1.001193/").content.decode()
    assert "Apply online" not in procedure_page and "What to bring" in procedure_page


def test_someone_signed_in_at_a_kiosk_sees_no_account_pages_but_can_sign_out(client, lan, catalogue):
    client.login(username="lan", password=PASSWORD)
    assert "/my/" in account_links(client.get("/procedures/").content.decode())
    client.get("/kiosk/")
    page = client.get("/procedures/").content.decode()
    assert account_links(page) == [] and "Sign out" in page
    # Tracking by code stays.
    assert 'href="/track/"' in page


@pytest.mark.parametrize(
    ("sector", "name", "topic"),
    [
        ("ho-tich", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "marriage"),
        ("ho-tich", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", "birth"),
        ("ho-tich", "Thủ tục đăng ký khai tử", None),
        ("dang-ky-quan-ly-cu-tru", "Tách hộ", "residence"),
        ("chung-thuc", "Thủ tục cấp bản sao từ sổ gốc", "certification"),
        ("tai-chinh-dat-dai", "Khấu trừ kinh phí bồi thường", "land"),
        ("thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh", "Chấm dứt hoạt động hộ kinh doanh", "business"),
        ("thue", "Khai thuế đối với hộ kinh doanh", "business"),
        ("bien-va-hai-dao", "Giao khu vực biển cho cá nhân", None),
    ],
)
def test_each_procedure_belongs_to_its_life_event(sector, name, topic):
    found = topic_of(sector, name)
    assert (found.key if found else None) == topic
