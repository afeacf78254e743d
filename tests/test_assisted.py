"""Applying on a citizen's behalf: a member of staff (or a volunteer under
their account) sends the online application for a citizen at the kiosk or
the counter, only with the citizen's consent, which the dossier keeps and
the counter's page, the receipt and the API show."""

import io
import re

import pytest
from pypdf import PdfReader

from citizens.models import Draft
from dossiers import slips
from dossiers.models import Assistance, Dossier
from dossiers.workflow import perform
from tests.factories import PASSWORD, PDF
from tests.test_citizen_apply import upload

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def as_chi(client, chi):
    client.login(username="chi", password=PASSWORD)
    return client


def begin(client, procedure, **data):
    fields = {
        "applicant_name": "Nguyễn Thị Lan",
        "helper": "staff",
        "volunteer_name": "",
        "consent_shown": "1",
        "consent": "on",
        **data,
    }
    return client.post(f"/apply/{procedure.code}/on-behalf/", fields)


def send(client, draft, office):
    client.post(f"/applications/{draft.pk}/office/", {"office": office.pk})
    client.post(
        f"/applications/{draft.pk}/applicant/",
        {"name": draft.applicant_name, "id_number": "001190012345", "phone": "0912345678", "address": "Số 1 Hàng Bạc"},
    )
    upload(client, draft, 1, "to-khai.pdf", PDF)
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    return client.post(f"/applications/{draft.pk}/submit/")


def test_staff_name_the_applicant_then_read_them_the_consent_with_both_names(as_chi, procedure):
    assert 'href="/apply/1.000001/on-behalf/"' in as_chi.get("/procedures/1.000001/").content.decode()
    first = as_chi.get("/apply/1.000001/on-behalf/").content.decode()
    assert 'name="applicant_name"' in first and 'name="consent"' not in first
    second = as_chi.post(
        "/apply/1.000001/on-behalf/", {"applicant_name": "  Nguyễn   Thị Lan ", "helper": "staff", "volunteer_name": ""}
    )
    page = second.content.decode()
    assert second.status_code == 200 and not Draft.objects.exists()
    assert "Nguyễn Thị Lan agrees that Trần Thị Chi submits this application on their behalf." in page
    assert 'type="checkbox" name="consent"' in page and 'name="consent_shown" value="1"' in page
    volunteer = as_chi.post(
        "/apply/1.000001/on-behalf/",
        {"applicant_name": "Nguyễn Thị Lan", "helper": "volunteer", "volunteer_name": "Phạm Thu Hà"},
    ).content.decode()
    assert "Nguyễn Thị Lan agrees that Phạm Thu Hà submits this application on their behalf." in volunteer


def test_without_the_consent_nothing_starts(as_chi, procedure):
    response = begin(as_chi, procedure, consent="")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ask the applicant, and tick the box only if they agree." in page
    assert "Nguyễn Thị Lan agrees that Trần Thị Chi submits" in page  # asked again
    assert not Draft.objects.exists()


@pytest.mark.parametrize("step", ["", "1"])
def test_a_volunteer_must_be_named(as_chi, procedure, step):
    response = begin(as_chi, procedure, helper="volunteer", volunteer_name="  ", consent_shown=step)
    assert response.status_code == 400 and "Enter the volunteer&#x27;s full name." in response.content.decode()
    assert not Draft.objects.exists()


@pytest.mark.parametrize("name", ["", "x" * 151])
def test_the_applicant_must_be_named_within_reason(as_chi, procedure, name):
    response = begin(as_chi, procedure, applicant_name=name)
    assert response.status_code == 400 and 'name="consent"' not in response.content.decode()
    assert not Draft.objects.exists()


def test_only_staff_apply_on_behalf_of_someone(client, lan, procedure):
    assert client.get("/apply/1.000001/on-behalf/").status_code == 302  # sign in first
    client.login(username="lan", password=PASSWORD)
    assert "on-behalf" not in client.get("/procedures/1.000001/").content.decode()
    assert begin(client, procedure).status_code == 403
    assert not Draft.objects.exists()


def test_the_consent_travels_to_the_dossier_the_counter_the_receipt_and_the_api(as_chi, procedure, office_a, chi, api):
    assert begin(as_chi, procedure, helper="volunteer", volunteer_name="Phạm Thu Hà").status_code == 302
    draft = Draft.objects.get()
    assert (draft.citizen, draft.applicant_name, draft.applicant_phone) == (chi, "Nguyễn Thị Lan", "")
    response = send(as_chi, draft, office_a)

    dossier = Dossier.objects.get()
    # Nobody's account holds it: the applicant follows it by code and phone.
    assert dossier.citizen is None and (dossier.channel, dossier.applicant_phone) == ("online", "0912345678")
    assert response.url == f"/counter/dossiers/{dossier.code}/"
    assistance = dossier.assistance
    assert (assistance.staff, assistance.volunteer_name, assistance.applicant_name) == (
        chi,
        "Phạm Thu Hà",
        "Nguyễn Thị Lan",
    )
    assert assistance.consented_at == draft.consented_at
    assert assistance.helper == "Phạm Thu Hà (volunteer, with Trần Thị Chi)"

    page = as_chi.get(f"/counter/dossiers/{dossier.code}/").content.decode()
    assert "Sent on their behalf by" in page and "Phạm Thu Hà (volunteer, with Trần Thị Chi)" in page
    assert "Nguyễn Thị Lan agreed at" in page

    office_a.language = "vi"  # the slip speaks the office's language
    office_a.save()
    dossier = perform(dossier, "receive", actor=chi, documents={1})
    receipt = dossier.slips.get(kind="receipt")
    reader = PdfReader(io.BytesIO(slips.read(slips.ensure_file(receipt.pk))))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Nộp thay người yêu cầu: Phạm Thu Hà (tình nguyện viên, dùng tài khoản của Trần Thị Chi)" in text
    assert "Nguyễn Thị Lan đã đồng ý lúc" in text

    body = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert body["assistance"]["helper"] == "Phạm Thu Hà (volunteer, with Trần Thị Chi)"
    assert (body["assistance"]["staff"], body["assistance"]["applicant_name"]) == ("chi", "Nguyễn Thị Lan")
    assert body["assistance"]["consented_at"]


def test_a_dossier_sent_by_the_citizen_says_nobody_helped(procedure, office_a, lan, chi, api):
    from tests.factories import submitted_online

    dossier = submitted_online(procedure, office_a, lan)
    assert api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()["assistance"] is None
    assert not Assistance.objects.exists()


def test_the_consent_holds_for_the_applicant_named_only(as_chi, procedure, office_a):
    begin(as_chi, procedure)
    draft = Draft.objects.get()
    draft.applicant_name = "Someone Else"
    draft.save()
    send(as_chi, Draft.objects.get(), office_a)
    assert not Dossier.objects.exists()
    page = as_chi.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "The applicant is Nguyễn Thị Lan, who agreed to this application" in page
