"""What a citizen types or chooses in an online application is never lost:
"Save and come back later" keeps each page; the documents page keeps every
file chosen whatever button is pressed and names each document missing;
deleting a draft is confirmed; Back after sending leads to the dossier; only
the ways the office can hand a result over are offered; a phone number is
asked for, with the hints a phone's keyboard and autofill need."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens.models import Draft, DraftFile
from dossiers.models import Dossier
from tests.factories import PASSWORD, PDF, UserFactory, png, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

APPLICANT = {
    "name": "Nguyễn Thị Lan",
    "id_number": "001190012345",
    "phone": "0912345678",
    "email": "lan@example.org",
    "address": "Số 1 phố Hàng Bạc",
}


@pytest.fixture
def citizen(client, lan):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    return client


@pytest.fixture
def minh(db):
    """Another citizen."""
    return UserFactory(username="minh", full_name="Lê Văn Minh")


@pytest.fixture
def draft(citizen, procedure):
    citizen.post(f"/apply/{procedure.code}/")
    return Draft.objects.get()


def page(client, draft, step):
    return client.get(f"/applications/{draft.pk}/{step}/").content.decode()


# 1. Save and come back later ----------------------------------------------------------------------


def test_save_and_come_back_later_keeps_the_address_typed_on_the_page(citizen, draft):
    shown = page(citizen, draft, "applicant")
    assert 'name="save_and_leave"' in shown
    response = citizen.post(
        f"/applications/{draft.pk}/applicant/", {**APPLICANT, "address": "Số 9 ngõ Huế", "save_and_leave": "1"}
    )
    assert response.url == "/my/"
    told = citizen.get("/my/").content.decode()
    assert "Your application is saved. Continue it from My dossiers before" in told
    assert 'value="Số 9 ngõ Huế"' in page(citizen, draft, "applicant")
    assert Draft.objects.get().applicant_address == "Số 9 ngõ Huế"


def test_save_and_come_back_later_keeps_what_is_valid_and_says_what_it_could_not(citizen, draft):
    response = citizen.post(
        f"/applications/{draft.pk}/applicant/",
        {**APPLICANT, "address": "Số 9 ngõ Huế", "phone": "12", "save_and_leave": "1"},
    )
    # Not sent away: the page says what was not kept and still shows what was typed.
    assert response.status_code == 200
    shown = response.content.decode()
    assert "The rest is saved, but what is marked below could not be" in shown
    assert "Enter a phone number of 9 to 12 digits" in shown and 'value="12"' in shown
    kept = Draft.objects.get()
    assert (kept.applicant_address, kept.applicant_phone) == ("Số 9 ngõ Huế", "0912345678")


def test_save_and_come_back_later_needs_nothing_filled_in(citizen, draft, office_a):
    # A page left half done is kept as it is, without the rules of "Save and continue".
    response = citizen.post(f"/applications/{draft.pk}/office/", {"office": "", "save_and_leave": "1"})
    assert response.url == "/my/"
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk, "save_and_leave": "1"})
    response = citizen.post(
        f"/applications/{draft.pk}/delivery/", {"delivery": "post", "delivery_address": "", "save_and_leave": "1"}
    )
    assert response.url == "/my/"
    kept = Draft.objects.get()
    assert (kept.office, kept.delivery) == (office_a, "post")
    # Hostile input is refused, never a 500, and changes nothing.
    response = citizen.post(f"/applications/{draft.pk}/office/", {"office": "x' OR 1=1", "save_and_leave": "1"})
    assert response.status_code == 200 and "could not be" in response.content.decode()
    assert Draft.objects.get().office == office_a


def test_every_page_with_the_save_button_saves_it(citizen, draft, office_a):
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    for step in ("office", "applicant", "documents", "delivery"):
        shown = page(citizen, draft, step)
        assert '<button type="submit" name="save_and_leave" value="1"' in shown, step
        assert "Save and come back later</a>" not in shown, step


# 2. One form for the documents ------------------------------------------------------------------


def test_save_and_continue_keeps_the_files_chosen_and_names_each_document_missing(citizen, draft, settings):
    # The file chosen for document 2 is kept though "Save and continue" was pressed, not its "Upload".
    response = citizen.post(
        f"/applications/{draft.pk}/documents/", {"file-2": SimpleUploadedFile("uy-quyen.png", png())}
    )
    assert response.status_code == 200
    assert list(DraftFile.objects.values_list("original_name", "position")) == [("uy-quyen.png", 2)]
    shown = response.content.decode()
    assert "1 document is still missing:" in shown
    assert '<a href="#file-1">Upload “Tờ khai”.</a>' in shown and 'id="file-1"' in shown
    # Both chosen at once, then "Save and continue": on to the next page.
    response = citizen.post(f"/applications/{draft.pk}/documents/", {"file-1": SimpleUploadedFile("to-khai.pdf", PDF)})
    assert response.url == f"/applications/{draft.pk}/delivery/"
    assert DraftFile.objects.count() == 2


def test_a_refused_file_is_named_beside_its_document_and_changes_nothing(citizen, draft):
    response = citizen.post(
        f"/applications/{draft.pk}/documents/",
        {"file-1": SimpleUploadedFile("to-khai.pdf", b"only text"), "upload": "1"},
    )
    shown = response.content.decode()
    assert "There is a problem" in shown
    assert "“to-khai.pdf” is not kept: This file is not a PDF, JPEG or PNG" in shown
    assert '<a href="#file-1">' in shown
    assert not DraftFile.objects.exists()
    # Hostile names of inputs and files: a clear page, never a 500.
    response = citizen.post(
        f"/applications/{draft.pk}/documents/",
        {"file-99": SimpleUploadedFile("x.pdf", PDF), "file-1": SimpleUploadedFile("../../etc/passwd", b"")},
    )
    assert response.status_code == 200 and "The submitted file is empty." in response.content.decode()
    assert not DraftFile.objects.exists()


def test_a_file_can_still_be_removed_and_the_files_chosen_meanwhile_are_kept(citizen, draft, minh):
    citizen.post(f"/applications/{draft.pk}/documents/", {"file-1": SimpleUploadedFile("sai.pdf", PDF), "upload": "1"})
    wrong = DraftFile.objects.get()
    assert f'name="remove" value="{wrong.pk}"' in page(citizen, draft, "documents")
    response = citizen.post(
        f"/applications/{draft.pk}/documents/",
        {"remove": str(wrong.pk), "file-2": SimpleUploadedFile("uy-quyen.png", png())},
    )
    assert response.url == f"/applications/{draft.pk}/documents/"
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["uy-quyen.png"]
    # Another citizen's file is out of reach.
    kept = DraftFile.objects.get()
    citizen.logout()
    citizen.login(username="minh", password=PASSWORD)
    assert citizen.post(f"/applications/{draft.pk}/documents/", {"remove": str(kept.pk)}).status_code == 404
    assert DraftFile.objects.count() == 1


# 3. Deleting a draft is confirmed -------------------------------------------------------------------


def test_deleting_a_draft_asks_first_and_sits_apart_from_sending(citizen, draft):
    check = page(citizen, draft, "check")
    send_at = check.index("Accept and send")
    delete_at = check.index("Delete this unfinished application")
    assert delete_at > send_at and 'class="danger-zone"' in check[send_at : delete_at + 400]
    assert f'href="/applications/{draft.pk}/discard/"' in check
    asked = citizen.get(f"/applications/{draft.pk}/discard/").content.decode()
    assert "Delete this unfinished application?" in asked and "Yes, delete it" in asked and "No, go back" in asked
    assert Draft.objects.exists()  # looking at the question deletes nothing
    assert citizen.post(f"/applications/{draft.pk}/discard/").url == "/my/"
    assert not Draft.objects.exists()


def test_nobody_else_deletes_a_draft(citizen, draft, minh):
    citizen.logout()
    citizen.login(username="minh", password=PASSWORD)
    assert citizen.get(f"/applications/{draft.pk}/discard/").status_code == 404
    assert citizen.post(f"/applications/{draft.pk}/discard/").status_code == 404
    assert Draft.objects.exists()


# 4. Back after sending ------------------------------------------------------------------------------


def sent(citizen, draft, office_a) -> Dossier:
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    citizen.post(f"/applications/{draft.pk}/documents/", {"file-1": SimpleUploadedFile("to-khai.pdf", PDF)})
    citizen.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    citizen.post(f"/applications/{draft.pk}/submit/")
    return Dossier.objects.get()


def test_back_after_sending_lands_on_the_dossier(citizen, draft, office_a):
    dossier = sent(citizen, draft, office_a)
    for step in ("check", "delivery", "documents", "office"):
        response = citizen.get(f"/applications/{draft.pk}/{step}/", follow=True)
        assert response.redirect_chain[-1][0] == f"/my/dossiers/{dossier.code}/", step
        assert re.search(r"This application was sent on \d\d:\d\d \d\d/\d\d/\d{4}", response.content.decode())


def test_a_sent_draft_leads_nobody_else_to_the_dossier(citizen, draft, office_a, minh):
    sent(citizen, draft, office_a)
    citizen.logout()
    citizen.login(username="minh", password=PASSWORD)
    assert citizen.get(f"/applications/{draft.pk}/check/").status_code == 404
    assert citizen.get("/applications/999999/check/").status_code == 404


# 5. Only the ways of delivery the office can fulfil --------------------------------------------


def test_the_electronic_result_is_offered_on_the_delivery_page(citizen, draft):
    shown = page(citizen, draft, "delivery")
    assert 'value="counter"' in shown and 'value="post"' in shown and 'value="electronic"' in shown
    response = citizen.post(f"/applications/{draft.pk}/delivery/", {"delivery": "electronic"})
    assert response.status_code == 302
    assert Draft.objects.get().delivery == "electronic"


def test_a_dossier_that_chose_it_shows_it(citizen, procedure, office_a, lan):
    dossier = submitted_online(procedure, office_a, lan, delivery="electronic")
    assert "Electronically" in citizen.get(f"/my/dossiers/{dossier.code}/").content.decode()


# 7. A phone number to reach the applicant --------------------------------------------------------


def test_the_phone_number_is_needed_and_the_hint_says_why(citizen, draft):
    response = citizen.post(f"/applications/{draft.pk}/applicant/", {**APPLICANT, "phone": ""})
    shown = response.content.decode()
    assert response.status_code == 200 and Draft.objects.get().applicant_phone == "0912345678"
    assert "Enter a phone number: the counter texts you about your dossier" in shown
    assert "and you track the dossier with its last 4 digits" in shown


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("vi", "tra cứu hồ sơ"),
        ("th", "4 หลักสุดท้าย"),
        ("en", "its last 4 digits"),
    ],
)
def test_the_phone_hint_is_in_the_readers_language(citizen, draft, language, hint):
    shown = citizen.get(f"/applications/{draft.pk}/applicant/", headers={"accept-language": language})
    assert hint in shown.content.decode()


def test_the_applicant_fields_tell_a_phone_which_keyboard_and_what_to_fill_in(citizen, draft):
    shown = page(citizen, draft, "applicant")
    phone = re.search(r"<input[^>]*name=\"phone\"[^>]*>", shown).group()
    for attribute in ('type="tel"', 'inputmode="tel"', 'autocomplete="tel"', "required"):
        assert attribute in phone
    assert 'autocomplete="name"' in re.search(r"<input[^>]*name=\"name\"[^>]*>", shown).group()
    assert 'autocomplete="email"' in re.search(r"<input[^>]*name=\"email\"[^>]*>", shown).group()
    assert 'autocomplete="street-address"' in re.search(r"<input[^>]*name=\"address\"[^>]*>", shown).group()


def test_what_the_check_page_says_is_missing_links_to_the_very_field(citizen, draft):
    Draft.objects.filter(pk=draft.pk).update(applicant_phone="", delivery="electronic")
    check = page(citizen, draft, "check")
    url = f"/applications/{draft.pk}"
    assert f'<a href="{url}/applicant/?from=check#id_phone">Enter a phone number: the counter texts you' in check
    assert f'<a href="{url}/documents/?from=check#file-1">Upload “Tờ khai”.</a>' in check
