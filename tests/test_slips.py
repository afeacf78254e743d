"""Official slips: issued by the transitions, read back from the PDF, stored
once and verifiable in public."""

import datetime as dt
import hashlib
import html
import io
import re
import subprocess
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import strip_tags
from pypdf import PdfReader

from dossiers import slips
from dossiers.models import Slip
from dossiers.workflow import perform
from tests.factories import PASSWORD, received_dossier, submitted_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")

# What WeasyPrint may embed: Liberation Serif (metric twin of Times New Roman)
# for Vietnamese, its mono sibling for the check code, Noto Serif Thai for Thai.
EXPECTED_FONTS = re.compile(
    r"^[A-Z]{6}\+(Liberation-(Serif|Mono)(-Bold|-Italic|-BoldItalic)?|Noto-Serif-Thai(-Bold)?)$"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://motcua.example.gov.vn"


@pytest.fixture
def office(office_a):
    office_a.authority = "UBND phường Ba Đình"
    office_a.locality = "Ba Đình"
    office_a.phone = "024 3823 0000"
    office_a.language = "vi"
    office_a.save()
    return office_a


def received(procedure, office, clerk, name="Nguyễn Thị Lan"):
    return received_dossier(procedure, office, clerk, name=name, at=dt.datetime(2026, 1, 12, 9, 12, tzinfo=HCM))


def pdf_of(slip: Slip) -> tuple[bytes, str, PdfReader]:
    data = slips.read(slips.ensure_file(slip.pk))
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return data, re.sub(r"\s+", " ", text), reader


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/"))
    return names


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[str]:
    """Every character the slip fonts draw themselves (their cmaps)."""
    from fontTools.ttLib import TTFont

    characters: set[str] = set()
    for pattern in ("Liberation Serif", "Liberation Serif:bold", "Liberation Serif:italic", "Liberation Mono",
                    "Liberation Mono:bold", "Noto Serif Thai", "Noto Serif Thai:bold"):  # fmt: skip
        path = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True).stdout
        characters |= {chr(code) for code in TTFont(path).getBestCmap()}
    return frozenset(characters)


def missing_glyphs(reader: PdfReader, text: str) -> set[str]:
    """Of the text a slip was rendered from: the characters no slip font has
    a glyph for (drawn as a missing-glyph box), and any font other than the
    slip fonts WeasyPrint had to embed (a fallback)."""
    unexpected = {name for name in embedded_fonts(reader) if not EXPECTED_FONTS.match(name)}
    return unexpected | {ch for ch in text if not ch.isspace() and ch not in covered_characters()}


def test_the_receipt_is_issued_at_receipt_and_says_what_the_form_says(procedure, office, chi):
    dossier = received(procedure, office, chi)
    (slip,) = dossier.slips.all()
    assert (slip.kind, slip.number, slip.event.action) == ("receipt", 1, "receive")
    _data, text, reader = pdf_of(slip)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Ba Đình, ngày 12 tháng 01 năm 2026",
        f"Mã hồ sơ: {dossier.code}",
        "tiếp nhận hồ sơ của: Nguyễn Thị Lan",
        "Tờ khai",  # the document received
        "Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 12 phút, ngày 12/01/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 12 phút, ngày 15/01/2026",
        "Đăng ký nhận kết quả tại: Tại Bộ phận Một cửa",
        "Lệ phí: 8.000 đồng; Tổng số phải nộp: 8.000 đồng",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Thị Chi",
        f"Mã kiểm tra: {slip.check_code}",
        f"https://motcua.example.gov.vn/v/{slip.check_code.replace('-', '')}",
    ]:
        assert expected in text, expected
    assert "Giấy ủy quyền" not in text  # not received, not listed
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_vietnamese_and_thai_render_with_real_glyphs(procedure, office, chi):
    dossier = received(procedure, office, chi, name="สมชาย ใจดี")
    slip = dossier.slips.get()
    _data, text, reader = pdf_of(slip)
    assert "สมชาย ใจดี" in text
    assert "Nội dung yêu cầu giải quyết" in text
    fonts = embedded_fonts(reader)
    assert all(EXPECTED_FONTS.match(name) for name in fonts), fonts
    assert any("Noto-Serif-Thai" in name for name in fonts)
    source = html.unescape(strip_tags(slips.render_html(slip)))
    assert "สมชาย ใจดี" in source and "Độc lập" in source
    assert missing_glyphs(reader, source) == set()


@pytest.mark.parametrize(
    ("character", "why"),
    [("\u0378", "no font has it: a missing-glyph box"), ("\U0001f600", "drawn by a fallback font")],
)
def test_the_font_check_catches_a_glyph_the_slip_fonts_lack(character, why):
    from weasyprint import HTML

    text = f"Đăng ký {character}"
    reader = PdfReader(io.BytesIO(HTML(string=f"<p style='font-family: Liberation Serif'>{text}</p>").write_pdf()))
    assert missing_glyphs(reader, text), why


def test_each_transition_issues_its_own_slip(procedure, office, chi, son, hoa):
    dossier = received(procedure, office, chi)
    perform(dossier, "request_supplement", actor=son, note="Bổ sung bản chính giấy chứng sinh")
    perform(dossier, "supplement", actor=chi)
    perform(
        dossier,
        "apologise",
        actor=hoa,
        note="Cần xác minh với Công an tỉnh",
        new_appointment=dt.datetime(2026, 1, 30, 10, 0, tzinfo=HCM),
    )
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi), ("return", chi)):
        perform(dossier, action, actor=actor)
    kinds = list(dossier.slips.values_list("kind", flat=True))
    assert kinds == ["receipt", "supplement", "apology", "control"]
    texts = {slip.kind: pdf_of(slip)[1] for slip in dossier.slips.all()}
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in texts["supplement"]
    assert "Bổ sung bản chính giấy chứng sinh" in texts["supplement"]
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in texts["apology"]
    assert "Cần xác minh với Công an tỉnh" in texts["apology"]
    assert "10 giờ 00 phút, ngày 30/01/2026" in texts["apology"]
    control = texts["control"]
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    for stage in ("Tiếp nhận", "Thẩm định", "Phê duyệt", "Trả kết quả"):
        assert stage in control
    assert "Phạm Văn Sơn" in control and "Đỗ Thị Hoa" in control


def test_refusal_and_stop_notice(procedure, office, chi, lan):
    online = submitted_online(procedure, office, lan)
    perform(online, "refuse", actor=chi, note="Không thuộc thẩm quyền của phường")
    refusal = pdf_of(online.slips.get(kind="refusal"))[1]
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal and "Không thuộc thẩm quyền của phường" in refusal
    walk_in = received(procedure, office, chi)
    perform(walk_in, "withdraw", actor=chi, note="Công dân có đơn rút hồ sơ")
    stop = pdf_of(walk_in.slips.get(kind="stop"))[1]
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in stop and "Công dân có đơn rút hồ sơ" in stop


def test_a_slip_is_stored_once_and_never_changes(procedure, office, chi, monkeypatch):
    dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    first, _, _ = pdf_of(slip)
    slip.refresh_from_db()
    assert slip.sha256 == hashlib.sha256(first).hexdigest()

    # Later edits to the dossier and the catalogue do not reach the slip,
    # and it is never rendered again.
    procedure.name = "Tên đã đổi"
    procedure.save()
    dossier.applicant_name = "Người Khác"
    dossier.save()
    monkeypatch.setattr(slips, "render_pdf", lambda slip: pytest.fail("rendered twice"))
    again, text, _ = pdf_of(slip)
    assert again == first and "Nguyễn Thị Lan" in text


def test_the_counter_prints_and_only_staff_of_the_office_may(client, procedure, office, chi, binh):
    dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    url = f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/"
    client.login(username="binh", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="chi", password=PASSWORD)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{dossier.code}-receipt-1.pdf"'
    assert hashlib.sha256(response.content).hexdigest() == Slip.objects.get(pk=slip.pk).sha256
    assert client.get(url).content == response.content
    assert (
        f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/" in client.get(dossier.get_absolute_url()).content.decode()
    )


def test_the_citizen_who_owns_the_dossier_downloads_its_slips(client, procedure, office, chi, lan):
    dossier = submitted_online(procedure, office, lan)
    dossier.documents.filter(position=1).update(is_received=True)
    perform(dossier, "receive", actor=chi)
    slip = dossier.slips.get()
    url = f"/my/dossiers/{dossier.code}/slips/{slip.pk}/"
    assert client.get(url).status_code == 302  # sign in first
    client.login(username="chi", password=PASSWORD)
    assert client.get(url).status_code == 404  # staff use the counter's link
    client.login(username="lan", password=PASSWORD)
    assert client.get(url).content.startswith(b"%PDF-")


def test_the_verification_page_confirms_a_genuine_slip_with_initials_only(client, procedure, office, chi):
    dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    page = client.get(f"/verify/{dossier.code}/", {"k": slip.check_code.lower()})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Genuine" in text and "Receipt and appointment slip No. 1" in text
    assert "Thủ tục thử nghiệm" in text and "Phường Ba Đình" in text
    assert "Received, being appraised" in text and "09:12 15/01/2026" in text
    assert "N. T. L." in text
    for personal in ("Nguyễn Thị Lan", "0912345678", "001190012345", "lan@example.org", "Hàng Bạc"):
        assert personal not in text


@pytest.mark.parametrize("wrong", ["ABCD-EFGH", ""])
def test_a_forged_slip_is_not_confirmed_and_reveals_nothing(client, procedure, office, chi, wrong):
    dossier = received(procedure, office, chi)
    for code in (dossier.code, "000.99.00.H01-260112-0001"):
        page = client.get(f"/verify/{code}/", {"k": wrong} if wrong else {"k": "ZZZZ-ZZZZ"})
        assert page.status_code == 404
        text = page.content.decode()
        assert "Not found" in text and "Genuine" not in text
        assert "Thủ tục thử nghiệm" not in text and "N. T. L." not in text


def test_the_pdf_itself_can_be_checked(client, procedure, office, chi):
    dossier = received(procedure, office, chi)
    data, _, _ = pdf_of(dossier.slips.get())
    genuine = client.post(f"/verify/{dossier.code}/", {"file": SimpleUploadedFile("slip.pdf", data)})
    assert genuine.status_code == 200 and "Genuine" in genuine.content.decode()
    altered = data + b"\n% edited\n"
    forged = client.post(f"/verify/{dossier.code}/", {"file": SimpleUploadedFile("slip.pdf", altered)})
    assert forged.status_code == 404


def test_rendering_twice_in_the_background_stores_one_file(procedure, office, chi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    assert slip.sha256  # the task ran after commit
    from dossiers import tasks

    assert tasks.render_slip(slip.pk) == "stored"
    slip.refresh_from_db()
    assert hashlib.sha256(slips.read(slip)).hexdigest() == slip.sha256


def test_the_qr_code_address_leads_to_the_verification(client, procedure, office, chi):
    dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    short = slip.context["verify_url"].removeprefix("https://motcua.example.gov.vn")
    response = client.get(short)
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{dossier.code}/?k={slip.check_code}"
    assert "Genuine" in client.get(response["Location"]).content.decode()
    assert client.get("/v/ZZZZ2222").status_code == 404


def test_guessing_check_codes_is_stopped_per_address_with_a_clear_answer(client, procedure, office, chi, settings):
    settings.VERIFY_ATTEMPTS = 3
    dossier = received(procedure, office, chi)
    slip = dossier.slips.get()
    url = f"/verify/{dossier.code}/"
    for _ in range(5):
        assert client.get(url).status_code == 200  # the form alone checks nothing
    for guess in ("AAAA-AAAA", "AAAA-AAAB", "AAAA-AAAC"):
        assert client.get(url, {"k": guess}).status_code == 404
    # Past the limit even the right code is not looked up.
    refused = client.get(url, {"k": slip.check_code})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    text = refused.content.decode()
    assert "Too many slips were checked from your connection. Try again in 10 minutes." in text
    assert "Genuine" not in text and "N. T. L." not in text
    assert client.get(f"/v/{slip.check_code}").status_code == 429
    assert client.post(url, {"k": slip.check_code}).status_code == 429
    # Another address is counted on its own.
    other = client.get(url, {"k": slip.check_code}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200 and "Genuine" in other.content.decode()


def test_the_short_address_of_the_qr_code_counts_too(client, procedure, office, chi, settings):
    settings.VERIFY_ATTEMPTS = 2
    for guess in ("AAAA-AAAA", "AAAA-AAAB"):
        assert client.get(f"/v/{guess}").status_code == 404
    assert client.get("/v/AAAA-AAAC").status_code == 429
