"""The result document: attached or written at "stamp", signed with the
office's certificate (checked by pyHanko's validator through
portal.signing.validate), refused whole when the file or the signing is
wrong, through the counter's page and the API alike."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from dossiers.models import Dossier, DossierEvent, Notification, Result, State
from dossiers.workflow import perform
from portal import signing
from tests.factories import BIRTH_DECLARATION, PASSWORD, ProcedureFactory, UserFactory, png, received_dossier

pytestmark = pytest.mark.usefixtures("vn_holidays")
ISSUED_ON = dt.date(2026, 1, 20)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def approved(procedure, office, clerk, specialist, approver, **kwargs):
    dossier = received_dossier(procedure, office, clerk, **kwargs)
    perform(dossier, "appraise", actor=specialist, note="Đủ điều kiện")
    return perform(dossier, "approve", actor=approver)


def a_pdf(text: str = "Giấy chứng nhận") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_page(client, dossier, **fields):
    data = {"action": "stamp", "version": dossier.version, "note": "", **fields}
    return client.post(f"/counter/dossiers/{dossier.code}/act/", data)


def upload(content: bytes, name: str = "ket-qua.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_result_attached_at_stamp_is_stored_signed_by_the_office(client, procedure, office_a, chi, son, hoa):
    dossier = approved(procedure, office_a, chi, son, hoa)
    response = stamp_page(
        sign_in(client, hoa),
        dossier,
        result_source="upload",
        result_file=upload(a_pdf()),
        result_number="12/GCN",
        result_issued_on="2026-01-20",
        result_title="Giấy chứng nhận đăng ký hộ kinh doanh",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    result = Result.objects.get(dossier=dossier)
    assert (result.number, result.issued_on, result.source) == ("12/GCN", ISSUED_ON, "uploaded")
    with result.file.open("rb") as stored:
        content = stored.read()
    checked = signing.validate(content)
    assert checked.signed and checked.intact and checked.trusted and checked.valid
    assert checked.signer == office_a.name == result.signer
    assert any("dev" in name.lower() or "development" in name.lower() for name in checked.chain)
    assert Dossier.objects.get(pk=dossier.pk).state == State.STAMPED


def stored_result(result: Result) -> bytes:
    with result.file.open("rb") as stored:
        return stored.read()


def nothing_issued(dossier) -> None:
    """The dossier as it was before the refused stamp: no result, no event."""
    dossier.refresh_from_db()
    assert dossier.state == State.APPROVED
    assert not Result.objects.filter(dossier=dossier).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, action="stamp").exists()


def private_files(settings) -> list:
    folder = settings.STORAGES["private"]["OPTIONS"]["location"] / "results"
    return list(folder.rglob("*.pdf")) if folder.exists() else []


@pytest.fixture
def birth(db):
    return ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")


def test_the_api_stamps_with_an_extract_the_portal_writes_from_the_declaration(api, birth, office_a, chi, son, hoa):
    dossier = approved(birth, office_a, chi, son, hoa)
    Dossier.objects.filter(pk=dossier.pk).update(declaration=BIRTH_DECLARATION)
    response = api.as_(hoa).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "stamp", "result_source": "write", "result_number": "105/TLKS", "result_issued_on": "2026-01-20"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    result = Result.objects.get(dossier=dossier)
    assert result.source == "generated" and result.title == "Extract of the birth registration"
    content = stored_result(result)
    checked = signing.validate(content)
    assert checked.valid and checked.signer == office_a.name
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Nguyễn Hoàng Bảo Anh" in text and "105/TLKS" in text and result.check_code in text
    listed = api.as_(hoa).get(f"/api/v1/dossiers/{dossier.code}/results/").json()
    assert [(item["number"], item["status"], item["is_signed"]) for item in listed] == [("105/TLKS", "current", True)]
    pdf = api.as_(hoa).get(listed[0]["url"])
    assert pdf.status_code == 200 and pdf.content == content


def test_the_portal_writes_no_result_for_a_procedure_it_has_no_extract_for(api, procedure, office_a, chi, son, hoa):
    dossier = approved(procedure, office_a, chi, son, hoa)
    response = api.as_(hoa).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "stamp", "result_source": "write", "result_number": "1", "result_issued_on": "2026-01-20"},
        format="json",
    )
    assert response.status_code == 400
    assert "upload the result" in response.json()["error"]["message"]
    nothing_issued(dossier)


def test_an_altered_byte_breaks_the_signature(client, procedure, office_a, chi, son, hoa):
    dossier = approved(procedure, office_a, chi, son, hoa)
    perform(dossier, "stamp", actor=hoa, result=results_draft(a_pdf()))
    content = stored_result(Result.objects.get(dossier=dossier))
    position = content.index(b"/Title")
    altered = content[: position + 1] + b"X" + content[position + 2 :]
    checked = signing.validate(altered)
    assert checked.signed and not checked.valid
    assert signing.validate(content).valid


def results_draft(content: bytes | None, number: str = "12/GCN"):
    from dossiers.results import Draft

    return Draft(number=number, issued_on=ISSUED_ON, title="Giấy chứng nhận", content=content)


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(a_pdf())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (png, "must be a PDF"),
        (lambda: b"not a pdf at all", "not a PDF"),
        (encrypted_pdf, "password"),
    ],
    ids=["an image", "text", "encrypted"],
)
def test_a_bad_result_file_is_refused_with_nothing_stored_on_the_page_and_the_api(
    client, api, settings, procedure, office_a, chi, son, hoa, make, says
):
    dossier = approved(procedure, office_a, chi, son, hoa)
    fields = {"result_number": "12/GCN", "result_issued_on": "2026-01-20", "result_source": "upload"}
    response = stamp_page(sign_in(client, hoa), dossier, result_file=upload(make()), **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert says.lower() in page.lower()
    nothing_issued(dossier)
    response = api.as_(hoa).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "stamp", "result_file": upload(make()), **fields},
        format="multipart",
    )
    assert response.status_code == 400
    assert says.lower() in response.json()["error"]["message"].lower()
    nothing_issued(dossier)
    assert private_files(settings) == []


def test_a_pdf_whose_signature_does_not_validate_is_refused(client, settings, procedure, office_a, chi, son, hoa):
    first = approved(procedure, office_a, chi, son, hoa)
    perform(first, "stamp", actor=hoa, result=results_draft(a_pdf()))
    signed = stored_result(Result.objects.get(dossier=first))
    position = signed.index(b"/Title")
    tampered = signed[: position + 1] + b"X" + signed[position + 2 :]
    dossier = approved(procedure, office_a, chi, son, hoa)
    response = stamp_page(
        sign_in(client, hoa),
        dossier,
        result_source="upload",
        result_file=upload(tampered),
        result_number="13/GCN",
        result_issued_on="2026-01-20",
    )
    assert response.status_code == 400
    assert "signature that does not validate" in response.content.decode()
    nothing_issued(dossier)
    assert len(private_files(settings)) == 1  # the first dossier's only


def test_an_office_that_cannot_sign_is_told_which_certificate_and_the_stamp_is_not_lost(
    client, api, settings, procedure, office_a, chi, son, hoa
):
    dossier = approved(procedure, office_a, chi, son, hoa)
    settings.PDF_SIGNING_DEVELOPMENT_CA = False
    settings.PDF_SIGNING_KEYS_DIR = settings.PDF_SIGNING_KEYS_DIR / "empty"
    response = api.as_(hoa).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "stamp", "result_file": upload(a_pdf()), "result_source": "upload",
         "result_number": "1", "result_issued_on": "2026-01-20"},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 503
    assert office_a.name in response.json()["error"]["message"]
    nothing_issued(dossier)
    response = stamp_page(
        sign_in(client, hoa),
        dossier,
        result_source="upload",
        result_file=upload(a_pdf()),
        result_number="1",
        result_issued_on="2026-01-20",
    )
    assert response.status_code == 503 and f"{office_a.code}.p12" in response.content.decode()
    nothing_issued(dossier)


def test_an_electronic_result_is_stamped_with_its_document_and_sent_by_a_link(
    client, procedure, office_a, chi, son, hoa, lan
):
    dossier = approved(procedure, office_a, chi, son, hoa, delivery="electronic")
    Dossier.objects.filter(pk=dossier.pk).update(citizen=lan)
    response = stamp_page(sign_in(client, hoa), dossier)
    assert response.status_code == 400
    assert "receives this result electronically" in response.content.decode()
    nothing_issued(dossier)
    perform(dossier, "stamp", actor=hoa, result=results_draft(a_pdf()))
    result = Result.objects.get(dossier=dossier)
    perform(dossier, "return", actor=chi)
    sent = Notification.objects.filter(dossier=dossier, kind="result_sent")
    assert {n.medium for n in sent} == {"email", "sms"}
    link = f"/r/{result.download_token}"
    assert all(link in n.body for n in sent)
    client.logout()
    download = client.get(link)
    assert download.status_code == 200 and download.content == stored_result(result)
    assert client.get("/r/not-a-token").status_code == 404
    # In the citizen's space, with its signature, any time.
    sign_in(client, lan)
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Giấy chứng nhận — 12/GCN" in page and f"Signed by {office_a.name}" in page
    mine = client.get(f"/my/dossiers/{dossier.code}/results/{result.pk}/")
    assert mine.status_code == 200 and mine.content == stored_result(result)
    listing = client.get("/my/").content.decode()
    assert f"/my/dossiers/{dossier.code}/results/{result.pk}/" in listing


def test_another_citizen_cannot_download_the_result(client, procedure, office_a, chi, son, hoa, lan):
    dossier = approved(procedure, office_a, chi, son, hoa)
    Dossier.objects.filter(pk=dossier.pk).update(citizen=lan)
    perform(dossier, "stamp", actor=hoa, result=results_draft(a_pdf()))
    result = Result.objects.get(dossier=dossier)
    other = UserFactory(username="other", full_name="Người Khác")
    sign_in(client, other)
    assert client.get(f"/my/dossiers/{dossier.code}/results/{result.pk}/").status_code == 404


# Revocation, correction and /verify/ ---------------------------------------------


def issued(procedure, office, chi, son, hoa, **kwargs) -> Result:
    dossier = approved(procedure, office, chi, son, hoa, **kwargs)
    perform(dossier, "stamp", actor=hoa, result=results_draft(a_pdf()))
    return Result.objects.get(dossier=dossier)


def verify_file(client, content: bytes):
    return client.post("/verify/", {"file": upload(content, "giay-to.pdf")})


def test_verify_tells_a_genuine_result_from_an_altered_or_forged_one(client, procedure, office_a, chi, son, hoa):
    result = issued(procedure, office_a, chi, son, hoa)
    content = stored_result(result)
    page = verify_file(client, content)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Issued by this portal." in text and "Giấy chứng nhận" in text and "N. T. L." in text
    assert "Nguyễn Thị Lan" not in text  # initials only
    assert office_a.name in text and "Unchanged since signing" in text and "Trusted" in text
    assert "not legally valid" in text  # the development certificate says so
    position = content.index(b"/Title")
    altered = verify_file(client, content[: position + 1] + b"X" + content[position + 2 :]).content.decode()
    assert "Altered after signing" in altered and "Issued by this portal." not in altered
    forged = verify_file(client, a_pdf("Giả mạo")).content.decode()
    assert "Not issued by this portal" in forged and "No digital signature" in forged
    for junk in (b"", b"%PDF-1.7\n\x00\xff garbage", png()):
        response = verify_file(client, junk)
        assert response.status_code == 200 and "Not issued by this portal" in response.content.decode()


def test_the_check_code_shows_what_was_issued_and_its_qr_link_leads_there(client, procedure, office_a, chi, son, hoa):
    result = issued(procedure, office_a, chi, son, hoa)
    short = client.get(f"/v/{result.check_code.replace('-', '')}")
    assert short.status_code == 302 and short["Location"] == f"/verify/?k={result.check_code}"
    page = client.get(short["Location"]).content.decode()
    assert "Issued by this portal." in page and "12/GCN" in page and "Valid" in page
    assert client.get("/verify/?k=AAAA-BBBB").status_code == 404


def test_a_revoked_result_says_so_on_verify_through_the_page(client, procedure, office_a, chi, son, hoa):
    result = issued(procedure, office_a, chi, son, hoa)
    dossier = result.dossier
    refused = sign_in(client, chi).post(
        f"/counter/dossiers/{dossier.code}/results/amend/", {"result": result.pk, "amend": "revoke", "reason": "Sai"}
    )
    assert refused.status_code == 403 and "Only a leader" in refused.content.decode()
    client.logout()
    sign_in(client, hoa)
    no_reason = client.post(
        f"/counter/dossiers/{dossier.code}/results/amend/", {"result": result.pk, "amend": "revoke", "reason": ""}
    )
    assert no_reason.status_code == 400
    result.refresh_from_db()
    assert result.is_current
    done = client.post(
        f"/counter/dossiers/{dossier.code}/results/amend/",
        {"result": result.pk, "amend": "revoke", "reason": "Cấp nhầm người"},
    )
    assert done.status_code == 302
    result.refresh_from_db()
    assert result.status == "revoked" and result.revoked_by == hoa
    event = DossierEvent.objects.get(dossier=dossier, action="revoke_result")
    assert event.note == "Cấp nhầm người" and event.actor == hoa and event.from_state == event.to_state
    client.logout()
    page = verify_file(client, stored_result(result)).content.decode()
    assert "no longer in force" in page and "Revoked" in page and "Cấp nhầm người" in page
    again = sign_in(client, hoa).post(
        f"/counter/dossiers/{dossier.code}/results/amend/", {"result": result.pk, "amend": "revoke", "reason": "x"}
    )
    assert again.status_code == 409


def test_a_correction_through_the_api_supersedes_the_result_and_verify_points_to_it(
    api, client, procedure, office_a, chi, son, hoa
):
    result = issued(procedure, office_a, chi, son, hoa)
    dossier = result.dossier
    url = f"/api/v1/dossiers/{dossier.code}/results/{result.pk}/amend/"
    fields = {"amend": "correct", "reason": "Sai ngày sinh", "result_source": "upload", "result_number": "12b/GCN",
              "result_issued_on": "2026-01-21"}  # fmt: skip
    assert api.as_(chi).post(url, {**fields, "result_file": upload(a_pdf("v2"))}, format="multipart").status_code == 403
    response = api.as_(hoa).post(url, {**fields, "result_file": upload(a_pdf("v2"))}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["number"] == "12b/GCN" and response.json()["status"] == "current"
    result.refresh_from_db()
    corrected = result.superseded_by
    assert result.status == "superseded" and corrected.number == "12b/GCN"
    assert signing.validate(stored_result(corrected)).valid
    page = client.get(f"/verify/?k={result.check_code}").content.decode()
    assert "Superseded by a correction" in page and f"?k={corrected.check_code}" in page
    assert "Sai ngày sinh" in page
    assert client.get(f"/r/{result.download_token}").status_code == 404
    assert client.get(f"/r/{corrected.download_token}").status_code == 200
