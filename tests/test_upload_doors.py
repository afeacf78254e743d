"""A hostile file through every door — the citizen's application and
supplement, the counter's scan, the API — gets a clear refusal and leaves
nothing stored; a stored file goes back out only as a download that cannot
run in the portal's pages."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens.models import Draft, DraftFile
from dossiers.models import Attachment
from dossiers.workflow import perform
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, received_dossier, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

CORPUS = Path(__file__).resolve().parent / "hostile_uploads"
# A file of each kind of refusal, and words of the message the person reads.
HOSTILE = [
    ("pdf-javascript-on-open.pdf", "active_content", "The PDF contains JavaScript"),
    ("pixel-bomb.png", "too_many_pixels", "The image is 12000 × 12500 pixels"),
    ("jpeg-page-after-end.jpg", "polyglot", "This file hides something else inside it"),
    ("pdf-bomb-200mb.pdf", "too_much_data", "Unpacked, the PDF would take more than 100 MB"),
]


def hostile(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def stored_files(settings) -> list[str]:
    """The citizens' files kept (the dossier's page makes its slips' PDFs,
    which are not theirs)."""
    folder = settings.STORAGES["private"]["OPTIONS"]["location"]
    files = folder.rglob("*") if folder.exists() else []
    return sorted(p.name for p in files if p.is_file() and "slips" not in p.relative_to(folder).parts)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(("name", "code", "message"), HOSTILE)
def test_the_citizen_applying_online_is_told_and_nothing_is_kept(client, lan, procedure, settings, name, code, message):
    sign_in(client, lan)
    client.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.get()
    page = client.post(
        f"/applications/{draft.pk}/documents/", {"upload": 1, "file-1": SimpleUploadedFile(name, hostile(name))}
    ).content.decode()
    assert "There is a problem" in page and message in page
    assert not DraftFile.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(("name", "code", "message"), HOSTILE)
def test_the_citizen_answering_a_supplement_request_is_told_and_nothing_is_kept(
    client, lan, chi, son, procedure, office_a, settings, name, code, message
):
    dossier = perform(submitted_online(procedure, office_a, lan), "receive", actor=chi, documents={1})
    perform(dossier, "request_supplement", actor=son, note="Bản sao giấy khai sinh")
    files_before = stored_files(settings)
    response = sign_in(client, lan).post(
        f"/my/dossiers/{dossier.code}/supplement/", {"file": SimpleUploadedFile(name, hostile(name))}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(settings) == files_before


@pytest.mark.parametrize(("name", "code", "message"), HOSTILE)
def test_the_counter_scanning_a_file_is_told_and_nothing_is_kept(
    client, chi, procedure, office_a, settings, name, code, message
):
    dossier = received_dossier(procedure, office_a, chi)
    files_before = stored_files(settings)
    page = sign_in(client, chi).post(
        f"/counter/dossiers/{dossier.code}/attachments/",
        {"file": SimpleUploadedFile(name, hostile(name))},
        follow=True,
    )
    assert page.status_code == 200 and message in page.content.decode()
    assert not Attachment.objects.exists() and stored_files(settings) == files_before
    assert not dossier.events.filter(action="attach").exists()


@pytest.mark.parametrize(("name", "code", "message"), HOSTILE)
def test_a_partner_system_gets_a_400_in_the_error_shape_and_nothing_is_kept(
    api, lan, procedure, office_a, settings, name, code, message
):
    dossier = submitted_online(procedure, office_a, lan)
    file = io.BytesIO(hostile(name))
    file.name = name
    response = api.as_(lan).post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 1, "file": file}, format="multipart"
    )
    assert response.status_code == 400
    assert message in error_of(response)["fields"]["file"][0]
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_staff_download_a_citizen_file_only_as_an_attachment_that_cannot_run(client, chi, procedure, office_a):
    dossier = received_dossier(procedure, office_a, chi)
    sign_in(client, chi).post(
        f"/counter/dossiers/{dossier.code}/attachments/", {"file": SimpleUploadedFile("Tờ khai.pdf", PDF)}
    )
    attachment = Attachment.objects.get()
    response = client.get(f"/counter/dossiers/{dossier.code}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "T%E1%BB%9D%20khai.pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"


def test_slips_stay_inline_and_are_neither_sniffed_nor_cached(client, lan, chi, procedure, office_a):
    dossier = perform(submitted_online(procedure, office_a, lan), "receive", actor=chi, documents={1})
    slip = dossier.slips.get(kind="receipt")
    for user, address in (
        (chi, f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/"),
        (lan, f"/my/dossiers/{dossier.code}/slips/{slip.pk}/"),
    ):
        response = sign_in(client, user).get(address)
        assert response.status_code == 200, address
        assert response["Content-Disposition"].startswith("inline;")
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
