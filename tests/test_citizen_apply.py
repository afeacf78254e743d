"""Applying online, page by page: a draft kept between visits, files checked
by their content, "check your answers", and the dossier the counter gets."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens import applications
from citizens.models import Draft, DraftFile
from dossiers.models import Attachment, Dossier, Notification, State
from dossiers.tasks import send_submission_digests
from procedures.models import Procedure
from tests.conftest import at
from tests.factories import PASSWORD, PDF, ProcedureFactory, png

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def citizen(client, lan):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    return client


def start(client, procedure) -> Draft:
    response = client.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.latest("pk")
    assert response.url == f"/applications/{draft.pk}/office/"
    return draft


def upload(client, draft, position, name, content):
    return client.post(
        f"/applications/{draft.pk}/documents/",
        {"upload": position, f"file-{position}": SimpleUploadedFile(name, content)},
        follow=True,
    )


def fill_in(client, draft, office):
    client.post(f"/applications/{draft.pk}/office/", {"office": office.pk})
    upload(client, draft, 1, "to-khai.pdf", PDF)
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})


def private_files(settings):
    folder = settings.STORAGES["private"]["OPTIONS"]["location"]
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_signing_in_comes_first_and_the_profile_fills_the_applicant(client, lan, procedure):
    response = client.post(f"/apply/{procedure.code}/")
    assert response.url == f"/accounts/login/?next=/apply/{procedure.code}/"
    assert not Draft.objects.exists()

    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    draft = start(client, procedure)
    page = client.get(f"/applications/{draft.pk}/applicant/").content.decode()
    for typed_once in ("Nguyễn Thị Lan", "001190012345", "0912345678", "Số 1 phố Hàng Bạc"):
        assert typed_once in page


def test_the_whole_application_reaches_the_counter(
    citizen, procedure, office_a, chi, settings, django_capture_on_commit_callbacks
):
    office_a.email = "motcua@phuongbadinh.gov.vn"
    office_a.save()
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    upload(citizen, draft, 2, "uy-quyen.png", png())

    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "Some answers are missing" not in check
    assert "to-khai.pdf" in check and "uy-quyen.png" in check and "Phường Ba Đình" in check

    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(f"/applications/{draft.pk}/submit/")
    dossier = Dossier.objects.get()
    assert response.url == f"/my/dossiers/{dossier.code}/submitted/"
    assert (dossier.state, dossier.channel, dossier.citizen.username) == (State.SUBMITTED, "online", "lan")
    assert (dossier.receiving_office, dossier.competent_office) == (office_a, office_a)
    assert dossier.applicant_id_number == "001190012345"
    files = {a.original_name: a.document.position for a in Attachment.objects.all()}
    assert files == {"to-khai.pdf": 1, "uy-quyen.png": 2}
    with Attachment.objects.get(original_name="to-khai.pdf").file.open("rb") as stored:
        assert stored.read() == PDF
    # The documents uploaded come ticked for the clerk, who confirms them.
    assert set(dossier.documents.filter(is_received=True).values_list("position", flat=True)) == {1, 2}
    # The draft and its copies are gone; the dossier keeps its own files.
    assert not Draft.objects.exists() and not DraftFile.objects.exists()
    assert all(not name.startswith("draft-") for name in private_files(settings))

    # The counter hears of it in its next digest, not at once.
    assert not Notification.objects.exists()
    assert send_submission_digests(now=at("13/01/2026", "09:00")) == 2
    told = Notification.objects.filter(kind=Notification.Kind.SUBMISSION_DIGEST)
    assert sorted(told.values_list("recipient", flat=True)) == ["chi@example.org", "motcua@phuongbadinh.gov.vn"]
    assert dossier.code in told.first().body

    confirmation = citizen.get(response.url).content.decode()
    assert dossier.code in confirmation and "What happens next" in confirmation
    # The files sent with the application make one line of the citizen's timeline.
    mine = citizen.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "to-khai.pdf, uy-quyen.png" in mine
    citizen.logout()
    citizen.login(username="chi", password=PASSWORD)
    queue = citizen.get("/counter/queue/to_check/").content.decode()
    assert dossier.code in queue


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "giay-to.pdf",
            b"MZ\x90\x00 an executable renamed",
            "This file is not a PDF, JPEG or PNG, whatever its name says.",
        ),
        ("anh.jpg", png()[:40], "The image cannot be read: it may be damaged."),
        ("trong.pdf", b"", "The submitted file is empty."),
        ("to.pdf", PDF + b" " * 2048, "The file is 0.0 MB; the limit is 0 MB."),
    ],
)
def test_a_bad_file_is_explained_and_nothing_is_stored(citizen, procedure, office_a, settings, name, content, message):
    settings.UPLOAD_MAX_BYTES = 1024
    draft = start(citizen, procedure)
    page = upload(citizen, draft, 1, name, content)
    assert message in page.content.decode()
    assert "There is a problem" in page.content.decode()
    assert not DraftFile.objects.exists()
    assert private_files(settings) == []


def test_the_application_cannot_be_sent_until_complete(citizen, procedure, office_a):
    draft = start(citizen, procedure)
    # Continuing past the documents without the mandatory one is refused.
    page = citizen.post(f"/applications/{draft.pk}/documents/", {}).content.decode()
    assert "1 document is still missing:" in page and '<a href="#file-1">Upload “Tờ khai”.</a>' in page
    assert "<title>Error: " in page
    # Post needs an address.
    page = citizen.post(f"/applications/{draft.pk}/delivery/", {"delivery": "post", "delivery_address": ""})
    assert "Give the address the result is posted to." in page.content.decode()

    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "Choose the counter to send the application to." in check
    assert "Upload “Tờ khai”." in check
    response = citizen.post(f"/applications/{draft.pk}/submit/")
    assert response.url == f"/applications/{draft.pk}/office/"
    assert not Dossier.objects.exists() and Draft.objects.filter(pk=draft.pk).exists()


def test_a_draft_is_kept_for_later_and_only_for_its_citizen(citizen, procedure, office_a, client, binh):
    draft = start(citizen, procedure)
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    upload(citizen, draft, 1, "to-khai.pdf", PDF)
    page = citizen.get("/my/").content.decode()
    assert "Not sent yet" in page and procedure.name in page

    citizen.logout()
    citizen.login(username="binh", password=PASSWORD)
    assert citizen.get(f"/applications/{draft.pk}/check/").status_code == 404
    assert citizen.post(f"/applications/{draft.pk}/submit/").status_code == 404
    assert not Dossier.objects.exists()


def test_changing_an_answer_from_the_summary_goes_back_to_the_summary(citizen, procedure, office_a, office_b):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    response = citizen.post(f"/applications/{draft.pk}/office/", {"office": office_b.pk, "from_check": "1"})
    assert response.url == f"/applications/{draft.pk}/check/"
    draft.refresh_from_db()
    assert draft.office == office_b


def test_the_applicant_page_checks_each_answer_and_changes_nothing_when_wrong(citizen, procedure):
    draft = start(citizen, procedure)
    bad = {"name": "Nguyễn Thị Lan", "id_number": "12345", "phone": "", "email": "", "address": ""}
    page = citizen.post(f"/applications/{draft.pk}/applicant/", bad).content.decode()
    assert "Enter a 12-digit ID number (9 on an old card), a 13-digit Thai ID number" in page
    assert "This field is required." in page
    draft.refresh_from_db()
    assert draft.applicant_id_number == "001190012345"


def test_only_a_procedure_offered_online_can_be_applied_for(citizen, office_a):
    offline = ProcedureFactory(code="1.999999", online_level=Procedure.OnlineLevel.OFFLINE)
    response = citizen.post(f"/apply/{offline.code}/", follow=True)
    assert "cannot be applied for online" in response.content.decode()
    assert not Draft.objects.exists()
    assert "Apply online" not in citizen.get(offline.get_absolute_url()).content.decode()


def test_a_location_independent_procedure_goes_to_any_counter_of_the_province(citizen, office_a, office_b):
    anywhere = ProcedureFactory(code="2.000635", is_location_independent=True)
    draft = start(citizen, anywhere)
    page = citizen.get(f"/applications/{draft.pk}/office/").content.decode()
    assert "Any one-stop counter of the province handles this procedure" in page
    fill_in(citizen, draft, office_b)
    citizen.post(f"/applications/{draft.pk}/submit/")
    assert Dossier.objects.get().receiving_office == office_b


def test_the_counter_must_be_chosen_and_fits_the_procedure(citizen, procedure, province, office_a):
    draft = start(citizen, procedure)
    page = citizen.get(f"/applications/{draft.pk}/office/").content.decode()
    # A commune procedure goes to a commune or ward, not the province centre.
    assert "Phường Ba Đình" in page and "Tỉnh Mẫu" not in page
    response = citizen.post(f"/applications/{draft.pk}/office/", {"office": ""})
    assert "Choose the counter to send the application to." in response.content.decode()
    response = citizen.post(f"/applications/{draft.pk}/office/", {"office": province.pk})
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.office is None


class _Fields(HTMLParser):
    """The form controls of a page, and the ids its labels point at."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.depth = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.depth += 1
            self.labelled.add(attrs.get("for"))
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append((attrs.get("id"), attrs.get("name"), self.depth > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.depth -= 1


def test_every_field_of_the_citizen_pages_has_a_label(citizen, procedure, office_a):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    urls = [f"/applications/{draft.pk}/{step}/" for step in ("office", "applicant", "documents", "delivery")]
    urls += ["/procedures/", "/track/", "/accounts/profile/", f"/apply/{procedure.code}/"]
    for url in urls:
        parser = _Fields()
        parser.feed(citizen.get(url).content.decode())
        assert parser.controls, url
        for control_id, name, inside_label in parser.controls:
            assert inside_label or control_id in parser.labelled, (url, name)


def test_sending_twice_opens_one_dossier(citizen, procedure, office_a):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    citizen.post(f"/applications/{draft.pk}/submit/")
    again = citizen.post(f"/applications/{draft.pk}/submit/", follow=True)
    dossier = Dossier.objects.get()
    assert again.redirect_chain[-1][0] == f"/my/dossiers/{dossier.code}/"
    assert "This application was sent on" in again.content.decode()


def test_a_failure_while_sending_keeps_the_draft_and_leaves_no_files(citizen, procedure, office_a, monkeypatch):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    upload(citizen, draft, 2, "uy-quyen.png", png())
    real_attach, stored = applications.workflow.attach, []

    def attach(*args, **kwargs):
        attachment = real_attach(*args, **kwargs)
        stored.append((attachment.file.storage, attachment.file.name))
        return attachment

    def disk_full_after_the_files(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(applications.workflow, "attach", attach)
    monkeypatch.setattr(applications.LifeEvent.objects, "filter", disk_full_after_the_files)
    with pytest.raises(OSError):
        applications.submit(draft)
    assert not Dossier.objects.exists() and not Attachment.objects.exists()
    assert len(stored) == 2 and not any(storage.exists(name) for storage, name in stored)
    assert DraftFile.objects.filter(draft=draft).count() == 2


def test_a_procedure_taken_offline_stops_its_drafts_with_a_message(citizen, procedure, office_a):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    procedure.channels.filter(channel="online").delete()
    check = citizen.get(f"/applications/{draft.pk}/check/")
    assert check.status_code == 200 and "no longer offered online" in check.content.decode()
    assert citizen.get(f"/applications/{draft.pk}/documents/").status_code == 200
    citizen.post(f"/applications/{draft.pk}/submit/")
    assert not Dossier.objects.exists()


def test_thai_id_cards_and_passports_are_accepted(citizen, procedure):
    draft = start(citizen, procedure)
    for number in ("1101700203451", "C1234567", "b 1234567"):
        details = {
            "name": "Somchai Jaidee",
            "id_number": number,
            "phone": "0812345678",
            "email": "",
            "address": "Vientiane",
        }
        assert citizen.post(f"/applications/{draft.pk}/applicant/", details).status_code == 302, number
    draft.refresh_from_db()
    assert draft.applicant_id_number == "B1234567"


def test_uploading_from_the_summary_leads_back_to_it(citizen, procedure, office_a):
    draft = start(citizen, procedure)
    fill_in(citizen, draft, office_a)
    response = citizen.post(
        f"/applications/{draft.pk}/documents/",
        {"upload": 2, "from_check": "1", "file-2": SimpleUploadedFile("uy-quyen.pdf", PDF)},
    )
    assert response.url == f"/applications/{draft.pk}/documents/?from=check#document-2"


def test_the_catalogues_vietnamese_names_are_marked_vietnamese_on_a_thai_page(citizen, procedure, office_a):
    # A Thai screen reader reads a document's official Vietnamese name with a Vietnamese voice.
    draft = start(citizen, procedure)
    page = citizen.get(f"/applications/{draft.pk}/documents/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<span lang="vi">Tờ khai' in page
    check = citizen.get(f"/applications/{draft.pk}/check/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<dt lang="vi">Tờ khai' in check
