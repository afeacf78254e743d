"""What a citizen may store before a counter takes the files in hand: files
per document, bytes per application (a draft, or what is added to a dossier
between two requests of the counter), bytes of all the drafts of an
account. A refusal says how much room is left and stores nothing; the
counter's staff are held only to the size of each file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from citizens import applications
from citizens.models import Draft, DraftFile
from dossiers.models import Attachment, Dossier
from dossiers.workflow import attach_upload, perform
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, ProcedureFactory, pdf_of_size, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

MB = 1024 * 1024


@pytest.fixture
def citizen(client, lan):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    return client


def start(client, procedure) -> Draft:
    client.post(f"/apply/{procedure.code}/")
    return Draft.objects.latest("pk")


def upload(client, draft, position, content, name="scan.pdf"):
    return client.post(
        f"/applications/{draft.pk}/documents/",
        {"upload": position, f"file-{position}": SimpleUploadedFile(name, content)},
    )


def stored_files(settings) -> list[str]:
    """The citizens' files kept (the slips the actions issued are not theirs)."""
    folder = settings.STORAGES["private"]["OPTIONS"]["location"]
    files = folder.rglob("*") if folder.exists() else []
    return sorted(p.name for p in files if p.is_file() and "slips" not in p.relative_to(folder).parts)


def test_thirty_heavy_scans_in_one_draft_stop_at_the_application_limit(citizen, procedure, settings):
    # The report: 30 files of 9.9 MB in one draft in 33 seconds. Five fit in
    # 50 MB; the sixth is refused, saying what is left, and nothing of it stays.
    settings.UPLOAD_MAX_FILES_PER_DOCUMENT = 30
    draft, scan = start(citizen, procedure), pdf_of_size(int(9.9 * MB))
    for _n in range(5):
        assert upload(citizen, draft, 1, scan).status_code == 302
    refused = upload(citizen, draft, 1, scan)
    assert refused.status_code == 200
    assert (
        "This file is 9.9 MB, but only 0.5 MB of the 50 MB an application may hold are left. "
        "Remove a file you do not need, or send a smaller scan." in refused.content.decode()
    )
    assert DraftFile.objects.filter(draft=draft).count() == 5 and len(stored_files(settings)) == 5


def test_a_document_takes_so_many_files_and_the_next_document_still_has_room(citizen, procedure, settings):
    settings.UPLOAD_MAX_FILES_PER_DOCUMENT = 2
    draft = start(citizen, procedure)
    upload(citizen, draft, 1, PDF, "trang-1.pdf")
    upload(citizen, draft, 1, PDF, "trang-2.pdf")
    refused = upload(citizen, draft, 1, PDF, "trang-3.pdf").content.decode()
    assert "This document has 2 files already, the most one document takes." in refused
    assert upload(citizen, draft, 2, PDF, "uy-quyen.pdf").status_code == 302
    assert sorted(DraftFile.objects.values_list("original_name", flat=True)) == [
        "trang-1.pdf",
        "trang-2.pdf",
        "uy-quyen.pdf",
    ]


def test_the_drafts_of_one_account_share_their_room(citizen, procedure, settings):
    settings.APPLICATION_MAX_BYTES, settings.ACCOUNT_DRAFTS_MAX_BYTES = 3 * MB, 4 * MB
    first = start(citizen, procedure)
    second = start(citizen, ProcedureFactory(code="1.000002"))
    upload(citizen, first, 1, pdf_of_size(2 * MB))
    upload(citizen, first, 2, pdf_of_size(MB))
    refused = upload(citizen, second, 1, pdf_of_size(int(1.5 * MB))).content.decode()
    assert (
        "This file is 1.5 MB, but only 1 MB of the 4 MB your unsent applications may hold together are left. "
        "Send or delete an application you no longer need." in refused
    )
    assert not second.files.exists() and len(stored_files(settings)) == 2
    # Deleting the first draft gives the room back.
    citizen.post(f"/applications/{first.pk}/discard/")
    assert upload(citizen, second, 1, pdf_of_size(int(1.5 * MB))).status_code == 302


def test_the_documents_page_says_how_much_room_is_left(citizen, procedure, settings):
    draft = start(citizen, procedure)
    upload(citizen, draft, 1, pdf_of_size(int(2.5 * MB)))
    page = citizen.get(f"/applications/{draft.pk}/documents/").content.decode()
    assert "This application can take 47.5 MB more, and each document up to 10 files." in page


def test_a_sent_draft_keeps_its_files_even_if_the_limits_shrank_meanwhile(citizen, procedure, office_a, settings):
    draft = start(citizen, procedure)
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    upload(citizen, draft, 1, pdf_of_size(2 * MB))
    citizen.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    settings.APPLICATION_MAX_BYTES = MB
    response = citizen.post(f"/applications/{draft.pk}/submit/")
    dossier = Dossier.objects.get()
    assert response.url == f"/my/dossiers/{dossier.code}/submitted/" and dossier.attachments.count() == 1


# A dossier: the citizen's door on the web and through the API -------------------------------


def scan(size: int, name: str = "bo-sung.pdf"):
    return SimpleUploadedFile(name, pdf_of_size(size))


def test_files_added_to_a_dossier_stop_at_the_application_limit_through_both_doors(
    api, client, lan, chi, procedure, office_a, settings
):
    settings.APPLICATION_MAX_BYTES = 3 * MB
    dossier = submitted_online(procedure, office_a, lan)
    dossier = perform(dossier, "request_supplement", actor=chi, note="Thiếu giấy ủy quyền")
    attach_upload(dossier, upload=scan(2 * MB), document=None, actor=lan)
    client.login(username="lan", password=PASSWORD)
    page = client.post(
        f"/my/dossiers/{dossier.code}/supplement/", {"document": "", "file": scan(int(1.5 * MB), "trang-2.pdf")}
    )
    assert page.status_code == 400
    message = "This file is 1.5 MB, but only 1 MB of the 3 MB an application may hold are left."
    assert message in page.content.decode()
    refused = api.as_(lan).post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 1, "file": scan(int(1.5 * MB))}
    )
    assert refused.status_code == 400
    assert error_of(refused)["fields"]["file"][0].startswith(message)
    assert dossier.attachments.count() == 1 and len(stored_files(settings)) == 1
    # The counter scans what it needs: only the size of each file holds it.
    attach_upload(dossier, upload=scan(int(1.5 * MB), "quet.pdf"), document=None, actor=chi)
    assert dossier.attachments.count() == 2


def test_each_supplement_request_opens_a_new_room(api, lan, chi, procedure, office_a, settings):
    settings.APPLICATION_MAX_BYTES, settings.UPLOAD_MAX_FILES_PER_DOCUMENT = 3 * MB, 1
    dossier = submitted_online(procedure, office_a, lan)
    first = dossier.documents.get(position=1)
    attach_upload(dossier, upload=scan(2 * MB), document=first, actor=lan)
    refused = api.as_(lan).post(f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 1, "file": scan(MB)})
    assert "This document has 1 files already" in error_of(refused)["fields"]["file"][0]
    perform(dossier, "request_supplement", actor=chi, note="Tờ khai mờ, xin gửi lại")
    answered = api.as_(lan).post(f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 1, "file": scan(MB)})
    assert answered.status_code == 201
    assert Attachment.objects.filter(dossier=dossier, uploaded_by=lan).count() == 2


def test_the_limits_are_read_in_the_domain_for_any_caller(lan, procedure, settings):
    settings.UPLOAD_MAX_FILES_PER_DOCUMENT = 1
    draft = applications.start(lan, procedure)
    applications.add_file(draft, 1, SimpleUploadedFile("a.pdf", PDF))
    with translation.override("en"), pytest.raises(Exception, match="the most one document takes"):
        applications.add_file(draft, 1, SimpleUploadedFile("b.pdf", PDF))
    assert draft.files.count() == 1
