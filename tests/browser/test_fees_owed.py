"""What is owed, in the browser: a citizen chooses the quantity and claims an
exemption on the application's Fees page and reads the total on "check your
answers"; the clerk confirms the exemption on the dossier's page."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from procedures.models import Fee, FeeExemption, FeeReduction, ProcedureChannel, RequiredDocument
from tests.factories import PASSWORD, PDF, ProcedureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Phone number, email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


@pytest.fixture
def copies(db):
    procedure = ProcedureFactory(code="2.000635", name="Cấp bản sao Trích lục hộ tịch", terms=False)
    for channel in ("online", "in_person"):
        ProcedureChannel.objects.create(
            procedure=procedure, channel=channel, time_limit_amount=1, time_limit_unit="working_days"
        )
        Fee.objects.create(procedure=procedure, channel=channel, name="Lệ phí", amount=8000, unit="bản")
    RequiredDocument.objects.create(procedure=procedure, position=1, name="Tờ khai", originals=1)
    FeeReduction.objects.create(
        channel="online", percent=50, legal_basis="Thông tư 64/2025/TT-BTC", valid_until=dt.date(2099, 12, 31)
    )
    FeeExemption.objects.create(name="Hộ nghèo", legal_basis="Nghị định 20/2021/NĐ-CP", proof="Sổ hộ nghèo")
    return procedure


def test_the_citizen_sees_what_is_owed_and_the_clerk_confirms_the_exemption(
    page: Page, live_server, copies, office_a, chi, lan, tmp_path
):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    base = live_server.url
    sign_in(page, base, "lan")
    page.goto(f"{base}/apply/{copies.code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Counter").select_option(label="Phường Ba Đình")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # the profile filled the applicant
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(PDF)
    page.locator("#file-1").set_input_files(str(pdf))
    page.locator("#document-1").get_by_role("button", name="Upload").click()
    expect(page.locator("#document-1 .files")).to_contain_text("to-khai.pdf")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("At the counter").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Fees", exact=True)).to_be_visible()
    page.get_by_label("How many (bản)").fill("3")
    page.get_by_label("Hộ nghèo", exact=False).check()
    page.get_by_role("button", name="Save and continue").click()
    # 3 copies × 4,000 đồng (8,000 halved online); the exemption to be confirmed.
    expect(page.locator("[data-total-vnd]")).to_have_text("12,000 VND")
    expect(page.get_by_text("Once it is confirmed, the total is 0 VND.")).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()
    code = page.locator("main").inner_text().split("000.01.00.H01-")[1][:11]

    page.context.clear_cookies()
    sign_in(page, base, "chi")
    page.goto(f"{base}/counter/dossiers/000.01.00.H01-{code}/")
    expect(page.locator("[data-total-vnd]")).to_have_text("12,000 VND")
    page.get_by_role("button", name="Confirm the exemption").click()
    expect(page.get_by_text("Fee exemption confirmed for dossier")).to_be_visible()
    expect(page.locator("[data-total-vnd]")).to_have_text("0 VND")
