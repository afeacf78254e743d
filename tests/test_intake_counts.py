"""The walk-in intake records how many originals and copies of each document
the counter took in and the fee it collected with its receipt's number: the
same rule through the page and the API (dossiers/intake.py), shown on the
dossier's page and printed on the receipt."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from dossiers import slips
from dossiers.errors import Invalid
from dossiers.intake import Count, check_counts, check_fee
from dossiers.models import Dossier
from tests.conftest import error_of
from tests.factories import PASSWORD, applicant

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")
INTAKE = "/counter/intake/1.000001/"


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page_data(**change):
    return {"name": "Phạm Thị Hương", "delivery": "counter", "documents": ["1"], **change}


def api_data(**change):
    return {
        "procedure": "1.000001",
        "office": "000.01.00.H01",
        "applicant": applicant(),
        "received_documents": [1],
        **change,
    }


# The rule itself ------------------------------------------------------------------


DOCS = [(1, "Tờ khai", False), (2, "Giấy ủy quyền", False), (3, "Căn cước", True)]
DEFAULTS = {1: Count(1, 0), 2: Count(1, 2), 3: Count(1, 0)}


def test_blank_counts_take_what_the_procedure_asks_and_unticked_documents_count_nothing():
    counts = check_counts({1: ("", None), 2: ("3", "0")}, DOCS, {1, 3}, DEFAULTS)
    assert counts == {1: Count(1, 0), 3: Count(1, 0)}
    assert check_counts({1: ("2", "1"), 3: ("0", "0")}, DOCS, {1, 3}, DEFAULTS) == {1: Count(2, 1), 3: Count(0, 0)}
    # A catalogue that gives no numbers: left blank, none of either stands.
    assert check_counts({}, DOCS, {2}, {2: Count(0, 0)}) == {2: Count(0, 0)}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("-1", "0"), "The number of originals of “Tờ khai” must be between 0 and 50."),
        (("2", "500"), "The number of copies of “Tờ khai” must be between 0 and 50."),
        (("hai", "0"), "The number of originals of “Tờ khai” must be a whole number."),
        (("1.5", "0"), "The number of originals of “Tờ khai” must be a whole number."),
        (("0", "0"), "“Tờ khai” is ticked as handed in: give how many originals or copies were received."),
    ],
)
def test_bad_counts_are_refused_with_a_message(typed, message):
    with pytest.raises(Invalid) as refused:
        check_counts({1: typed}, DOCS, {1}, DEFAULTS)
    assert message in refused.value.errors


@pytest.mark.parametrize(
    ("amount", "receipt", "fee"),
    [("", "", (0, "")), ("50.000", "BL-0012", (50000, "BL-0012")), (8000, " 77 ", (8000, "77")), ("0", "", (0, ""))],
)
def test_a_fee_in_whole_dong_as_people_write_it(amount, receipt, fee):
    checked = check_fee(amount, receipt)
    assert (checked.amount_vnd, checked.receipt_number) == fee


@pytest.mark.parametrize(
    ("amount", "receipt", "message"),
    [
        ("-8000", "BL-1", "The fee received cannot be negative."),
        (-1, "BL-1", "The fee received cannot be negative."),
        ("tám nghìn", "BL-1", "Enter the fee received in whole đồng, for example 50000 or 50.000."),
        ("8000.5", "BL-1", "Enter the fee received in whole đồng"),
        ("8000", "", "Give the number of the receipt (biên lai) for the fee received."),
        (10**12, "BL-1", "The fee received cannot be more than 1.000.000.000 đồng."),
        ("8000", "X" * 41, "A receipt number has at most 40 characters."),
    ],
)
def test_a_bad_fee_is_refused_with_a_message(amount, receipt, message):
    with pytest.raises(Invalid) as refused:
        check_fee(amount, receipt)
    assert message in refused.value.message


# Through the page -----------------------------------------------------------------


def test_the_intake_page_asks_for_counts_and_the_fee(client, procedure, office_a, chi):
    page = sign_in(client, chi).get(INTAKE).content.decode()
    assert 'name="originals-1" value="1"' in page and 'name="copies-1" value="0"' in page
    assert 'name="fee_received"' in page and 'name="fee_receipt_number"' in page


def test_the_page_records_counts_and_fee_and_shows_them(client, procedure, office_a, chi):
    data = page_data(**{"originals-1": "2", "copies-1": "3", "fee_received": "8.000", "fee_receipt_number": "BL-0042"})
    response = sign_in(client, chi).post(INTAKE, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.fee_received_vnd, dossier.fee_receipt_number) == (8000, "BL-0042")
    form, power = dossier.documents.all()
    assert (form.originals_received, form.copies_received) == (2, 3)
    assert (power.originals_received, power.copies_received) == (0, 0)  # not handed in
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "received: 2 originals, 3 copies" in page
    assert "Fee received" in page and "8,000 VND · receipt no. BL-0042" in page
    submit = dossier.events.get(action="submit")
    assert submit.details == {"fee_received_vnd": 8000, "fee_receipt_number": "BL-0042"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"originals-1": "-1"}, "The number of originals of “Tờ khai” must be between 0 and 50."),
        ({"copies-1": "9999"}, "The number of copies of “Tờ khai” must be between 0 and 50."),
        ({"originals-1": "một"}, "The number of originals of “Tờ khai” must be a whole number."),
        ({"originals-1": "0", "copies-1": "0"}, "give how many originals or copies were received"),
        ({"fee_received": "-8000", "fee_receipt_number": "BL-1"}, "The fee received cannot be negative."),
        ({"fee_received": "tám nghìn"}, "Enter the fee received in whole đồng"),
        ({"fee_received": "8000"}, "Give the number of the receipt (biên lai) for the fee received."),
    ],
)
def test_bad_counts_or_fee_on_the_page_are_explained_and_open_nothing(
    client, procedure, office_a, chi, change, message
):
    response = sign_in(client, chi).post(INTAKE, page_data(**change))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message.replace("“", "&ldquo;") in page.replace("“", "&ldquo;")
    assert not Dossier.objects.exists()
    # A refused fee is told beside its field.
    if "fee_received" in change:
        field = "fee_receipt_number" if "receipt" in message else "fee_received"
        assert f'id="id_{field}_error"' in page
    # What was typed is kept for correcting.
    for name, value in change.items():
        assert f'name="{name}" value="{value}"' in page or f'value="{value}"' in page


# Through the API ------------------------------------------------------------------


def test_the_api_records_counts_and_fee(api, procedure, office_a, chi):
    data = api_data(
        received_counts=[{"document": 1, "originals": 2, "copies": 3}], fee_received=8000, fee_receipt_number="BL-7"
    )
    clerk = api.as_(chi)
    response = clerk.post("/api/v1/dossiers/", data, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["fee_received_vnd"], response.json()["fee_receipt_number"]) == (8000, "BL-7")
    body = clerk.get(response["Location"]).json()
    assert (body["fee_received_vnd"], body["fee_receipt_number"]) == (8000, "BL-7")
    assert (body["documents"][0]["originals_received"], body["documents"][0]["copies_received"]) == (2, 3)
    # Left out: as the procedure asks.
    response = clerk.post("/api/v1/dossiers/", api_data(), format="json")
    assert response.json()["fee_received_vnd"] == 0
    assert clerk.get(response["Location"]).json()["documents"][0]["originals_received"] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"received_counts": [{"document": 1, "originals": -1}]}, "must be between 0 and 50"),
        ({"received_counts": [{"document": 1, "copies": 51}]}, "must be between 0 and 50"),
        ({"received_counts": [{"document": 1, "originals": 0, "copies": 0}]}, "give how many originals or copies"),
        ({"fee_received": -5, "fee_receipt_number": "BL-1"}, "The fee received cannot be negative."),
        ({"fee_received": 8000}, "Give the number of the receipt (biên lai) for the fee received."),
    ],
)
def test_bad_counts_or_fee_through_the_api_say_why_and_open_nothing(api, procedure, office_a, chi, change, message):
    response = api.as_(chi).post("/api/v1/dossiers/", api_data(**change), format="json")
    assert response.status_code == 400
    assert message in error_of(response)["message"]
    assert not Dossier.objects.exists()


def test_a_non_numeric_amount_through_the_api_is_refused(api, procedure, office_a, chi):
    response = api.as_(chi).post("/api/v1/dossiers/", api_data(fee_received="tám nghìn"), format="json")
    assert response.status_code == 400 and "fee_received" in error_of(response)["fields"]
    assert not Dossier.objects.exists()


# On the receipt -------------------------------------------------------------------


def test_the_receipt_prints_the_counts_and_the_fee(client, procedure, office_a, chi):
    office_a.language = "vi"
    office_a.save()
    data = page_data(**{"originals-1": "2", "copies-1": "3", "fee_received": "8000", "fee_receipt_number": "BL-0042"})
    sign_in(client, chi).post(INTAKE, data)
    slip = Dossier.objects.get().slips.get()
    reader = PdfReader(io.BytesIO(slips.read(slips.ensure_file(slip.pk))))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    # The line of the document: its number, name, originals and copies.
    assert "1. Tờ khai — bản chính: 2, bản sao: 3" in text, text
    assert "Lệ phí đã thu: 8.000 đ — biên lai số BL-0042" in text, text


def test_a_receipt_without_a_fee_says_nothing_of_one(procedure, office_a, chi):
    from tests.factories import received_dossier

    dossier = received_dossier(procedure, office_a, chi, at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=HCM))
    assert "fee_received" in dossier.slips.get().context
    assert dossier.slips.get().context["fee_received"] == 0
