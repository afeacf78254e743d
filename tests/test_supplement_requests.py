"""A supplement request names the documents of the checklist that are
missing or faulty, each with what is wrong; the slip and the citizen's page
list exactly those; the citizen's files answer them one by one. The rule
lives once (dossiers/supplements.py, `actions.reason_missing`): the counter's
page and the API answer the same, and bad input changes nothing."""

import datetime as dt
import html
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from dossiers import slips
from dossiers.errors import Invalid
from dossiers.models import Attachment, Dossier, DossierEvent, Pause, RequestedDocument, State
from dossiers.supplements import Asked
from dossiers.workflow import attach_upload, perform
from procedures.models import RequiredDocument
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, ProcedureFactory, received_dossier

pytestmark = pytest.mark.usefixtures("vn_holidays")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def upload(name="to-khai.pdf"):
    file = io.BytesIO(PDF)
    file.name = name
    return file


@pytest.fixture
def dossier(procedure, office_a, chi, lan):
    """Received at the counter for Lan: 1. Tờ khai (ticked), 2. Giấy ủy quyền."""
    return received_dossier(procedure, office_a, chi, citizen=lan, at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=HCM))


def unchanged(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.events.count(),
        RequestedDocument.objects.count(),
        Pause.objects.count(),
        fresh.slips.count(),
    )


# Asking ---------------------------------------------------------------------------------------


def test_the_clerk_picks_documents_from_the_checklist_on_the_page(client, dossier, son):
    sign_in(client, son)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Request a supplement: pick what is missing or faulty" in page
    assert 'name="requested" value="1"' in page and 'name="requested" value="2"' in page
    answer = client.post(
        f"/counter/dossiers/{dossier.code}/act/",
        {
            "action": "request_supplement",
            "version": dossier.version,
            "note": "",
            "requested": ["1", "2"],
            "problem-1": "faulty",
            "detail-1": "Ảnh chụp bị mờ, không đọc được số CCCD",
            "problem-2": "missing",
            "detail-2": "",
        },
    )
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    asked = DossierEvent.objects.get(dossier=dossier, action="request_supplement")
    items = list(asked.requested_documents.order_by("document__position"))
    assert [(i.document.position, i.problem, i.note, i.is_answered) for i in items] == [
        (1, "faulty", "Ảnh chụp bị mờ, không đọc được số CCCD", False),
        (2, "missing", "", False),
    ]
    # The trail keeps what was asked for; the pause says why without a written note.
    assert asked.note == "" and asked.details["requested"][0] == {
        "document": 1,
        "problem": "faulty",
        "note": "Ảnh chụp bị mờ, không đọc được số CCCD",
    }
    assert Pause.objects.get(dossier=dossier).reason == (
        "1. Tờ khai — faulty: Ảnh chụp bị mờ, không đọc được số CCCD\n2. Giấy ủy quyền (nếu có) — missing"
    )
    after = client.get(dossier.get_absolute_url()).content.decode()
    assert "Documents asked for in the last supplement request" in after
    assert after.count("not answered yet") == 2


def test_a_request_with_neither_documents_nor_a_reason_is_refused_through_both_doors(client, api, dossier, son):
    before = unchanged(dossier)
    sign_in(client, son)
    page = client.post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "request_supplement", "version": dossier.version, "note": "  "},
    )
    assert page.status_code == 400
    message = (
        "Say what the citizen must add or correct: pick the documents from the checklist, or write it in the note."
    )
    assert message in text_of(page)
    through_api = api.as_(son).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "request_supplement"}, format="json"
    )
    assert through_api.status_code == 400 and error_of(through_api)["message"] == message
    with pytest.raises(Invalid, match="pick the documents"):
        perform(dossier, "request_supplement", actor=son, note="")
    assert unchanged(dossier) == before


def test_a_written_reason_alone_still_makes_a_request(dossier, son):
    perform(dossier, "request_supplement", actor=son, note="Mang bản chính để đối chiếu")
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    assert not RequestedDocument.objects.exists()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"document": 3}], "The dossier's checklist has no document number 3."),
        ([{"document": 999}], "The dossier's checklist has no document number 999."),
        ([{"document": 1}, {"document": 1}], "Document 1 is named twice."),
        ([{"document": 1, "problem": "faulty"}], "Say what is wrong with “Tờ khai”."),
        ([{"document": 1, "note": "x" * 501}], "The note on “Tờ khai” is 501 characters long; write at most 500."),
    ],
)
def test_documents_outside_the_checklist_and_bad_notes_are_refused_through_both_doors(
    client, api, dossier, son, lan, office_a, chi, items, message
):
    # Another procedure's dossier at the same counter has a third document:
    # its number means nothing on this dossier's checklist.
    other = ProcedureFactory(code="1.000002", name="Thủ tục khác")
    RequiredDocument.objects.create(procedure=other, position=3, name="Sổ hộ khẩu", originals=1)
    received_dossier(other, office_a, chi, citizen=lan, received_documents={1, 3})
    before = unchanged(dossier)
    asked = [Asked(i["document"], i.get("problem", "missing"), i.get("note", "")) for i in items]
    with pytest.raises(Invalid) as refused:
        perform(dossier, "request_supplement", actor=son, note="Bổ sung", requested=asked)
    assert message in refused.value.errors
    form = {"action": "request_supplement", "version": dossier.version, "note": "Bổ sung"}
    form["requested"] = [str(i["document"]) for i in items]
    for i in items:
        form[f"problem-{i['document']}"] = i.get("problem", "missing")
        form[f"detail-{i['document']}"] = i.get("note", "")
    page = sign_in(client, son).post(f"/counter/dossiers/{dossier.code}/act/", form)
    assert page.status_code == 400
    if message != "Document 1 is named twice.":  # a form names each checkbox once
        assert message in text_of(page)
    through_api = api.as_(son).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "request_supplement", "note": "Bổ sung", "requested_documents": items},
        format="json",
    )
    assert through_api.status_code == 400, through_api.content
    assert unchanged(dossier) == before


def test_an_id_that_is_no_number_and_documents_on_another_action_are_refused(client, api, dossier, son, chi):
    before = unchanged(dossier)
    page = sign_in(client, son).post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "request_supplement", "version": dossier.version, "note": "", "requested": ["1 OR 1=1"]},
    )
    assert page.status_code == 400 and "no document number 0" in text_of(page)
    with pytest.raises(Invalid, match="Only a supplement request names documents"):
        perform(dossier, "appraise", actor=son, requested=[Asked(1)])
    through_api = api.as_(son).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "appraise", "requested_documents": [{"document": 1}]},
        format="json",
    )
    assert through_api.status_code == 400
    assert unchanged(dossier) == before


# The slip ----------------------------------------------------------------------------------------


def test_the_slip_lists_exactly_the_documents_asked_for_with_their_notes(dossier, son, office_a):
    office_a.language = "vi"
    office_a.save()
    perform(
        dossier,
        "request_supplement",
        actor=son,
        note="Đề nghị bổ sung trong 5 ngày làm việc",
        requested=[Asked(1, "faulty", "Chữ ký không rõ, ký lại")],
    )
    slip = dossier.slips.get(kind="supplement")
    reader = PdfReader(io.BytesIO(slips.read(slips.ensure_file(slip.pk))))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Đề nghị bổ sung trong 5 ngày làm việc" in text
    assert "Tờ khai" in text and "Sai sót" in text and "Chữ ký không rõ, ký lại" in text
    # Only what was asked for: not the other document, not the old list of unticked ones.
    assert "Giấy ủy quyền" not in text and "Giấy tờ chưa nhận" not in text


# The citizen's reply --------------------------------------------------------------------------------


def ask_for_both(dossier, son):
    return perform(
        dossier,
        "request_supplement",
        actor=son,
        requested=[Asked(1, "faulty", "Ảnh bị mờ"), Asked(2, "missing")],
    )


def test_the_citizen_answers_each_document_on_the_page_and_sends_when_all_are_in(client, dossier, son, chi, lan):
    ask_for_both(dossier, son)
    sign_in(client, lan)
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Documents to send again or add" in page
    assert page.count("Still missing</span>") == 2 and "Ảnh bị mờ" in page
    form_document, power = dossier.documents.order_by("position")
    client.post(
        f"/my/dossiers/{dossier.code}/supplement/",
        {"document": form_document.pk, "file": SimpleUploadedFile("to-khai-moi.pdf", PDF)},
    )
    item = RequestedDocument.objects.get(document=form_document)
    assert item.is_answered and item.answer.original_name == "to-khai-moi.pdf"
    # One still missing: sending is refused, naming it; nothing changes.
    sent = client.post(
        f"/my/dossiers/{dossier.code}/supplement/send/", {"version": Dossier.objects.get(pk=dossier.pk).version}
    )
    refused = text_of(client.get(sent.url))
    assert "Upload a file for each document the counter asked for. Still missing: Giấy ủy quyền (nếu có)." in refused
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    assert refused.count("Answered</span>") == 1 and refused.count("Still missing</span>") == 1
    client.post(
        f"/my/dossiers/{dossier.code}/supplement/",
        {"document": power.pk, "file": SimpleUploadedFile("uy-quyen.pdf", PDF)},
    )
    client.post(
        f"/my/dossiers/{dossier.code}/supplement/send/", {"version": Dossier.objects.get(pk=dossier.pk).version}
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED
    # The clerk sees which documents were answered, and by which file.
    counter = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    assert counter.count("answered ") == 2 and "to-khai-moi.pdf" in counter and "uy-quyen.pdf" in counter


def test_the_citizen_answers_through_the_api_under_the_same_rule(api, dossier, son, lan):
    ask_for_both(dossier, son)
    citizen = api.as_(lan)
    shown = citizen.get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert [(d["document"], d["problem"], d["note"], d["answered"]) for d in shown["requested_documents"]] == [
        (1, "faulty", "Ảnh bị mờ", False),
        (2, "missing", "", False),
    ]
    sent = citizen.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 1, "file": upload()}, format="multipart"
    )
    assert sent.status_code == 201
    early = citizen.post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "supplement"}, format="json")
    assert early.status_code == 400
    assert "Still missing: Giấy ủy quyền (nếu có)." in error_of(early)["message"]
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    citizen.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/",
        {"document": 2, "file": upload("uy-quyen.pdf")},
        format="multipart",
    )
    done = citizen.post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "supplement"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == State.RECEIVED
    assert RequestedDocument.objects.filter(answered_at=None).count() == 0


def test_a_file_for_another_dossiers_document_answers_nothing(client, api, dossier, son, lan, procedure, office_a, chi):
    ask_for_both(dossier, son)
    elsewhere = received_dossier(procedure, office_a, chi, citizen=lan)
    foreign = elsewhere.documents.get(position=1)
    page = sign_in(client, lan).post(
        f"/my/dossiers/{dossier.code}/supplement/",
        {"document": foreign.pk, "file": SimpleUploadedFile("la.pdf", PDF)},
    )
    assert page.status_code == 400
    unknown = api.as_(lan).post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"document": 7, "file": upload()}, format="multipart"
    )
    assert unknown.status_code == 400
    assert not Attachment.objects.filter(dossier=dossier, uploaded_by=lan).exists()
    assert RequestedDocument.objects.filter(answered_at=None).count() == 2


def test_a_document_shown_at_the_counter_is_brought_there_and_does_not_hold_the_reply_back(client, dossier, son, lan):
    dossier.documents.filter(position=2).update(kind="show")
    perform(dossier, "request_supplement", actor=son, requested=[Asked(1, "missing"), Asked(2, "missing")])
    attach_upload(
        dossier, upload=SimpleUploadedFile("to-khai.pdf", PDF), document=dossier.documents.get(position=1), actor=lan
    )
    page = sign_in(client, lan).get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Bring it to the counter to show it." in page
    assert perform(dossier, "supplement", actor=lan).state == State.RECEIVED
    # Still open on the record: the clerk sees it was not answered online.
    assert RequestedDocument.objects.get(document__position=2).is_answered is False


def test_a_file_sent_after_the_round_answers_nothing_of_it(dossier, son, chi, lan):
    ask_for_both(dossier, son)
    perform(dossier, "supplement", actor=chi)  # brought to the counter
    attach_upload(
        dossier, upload=SimpleUploadedFile("scan.pdf", PDF), document=dossier.documents.get(position=1), actor=chi
    )
    assert RequestedDocument.objects.filter(answered_at=None).count() == 2


# Brought to the counter --------------------------------------------------------------------------


def test_the_clerk_ticks_documents_brought_on_paper_and_they_count_as_answered(client, dossier, son, chi):
    ask_for_both(dossier, son)
    sign_in(client, chi)
    page = text_of(client.get(dossier.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Brought to the counter" in page
    assert page.count('name="documents" value="1"') == 1 and page.count('name="documents" value="2"') == 1
    dossier.refresh_from_db()
    answer = client.post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "supplement", "version": dossier.version, "note": "", "documents": ["2"]},
    )
    assert answer.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED
    answered = dict(RequestedDocument.objects.values_list("document__position", "answered_at"))
    assert answered[1] is None and answered[2] is not None
    assert DossierEvent.objects.filter(dossier=dossier, action="supplement").get().details["brought"] == [2]


def test_the_api_ticks_documents_brought_under_the_same_rule(api, dossier, son, chi):
    ask_for_both(dossier, son)
    dossier.refresh_from_db()
    done = api.as_(chi).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/",
        {"action": "supplement", "version": dossier.version, "documents": [1, 2]},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == State.RECEIVED
    assert RequestedDocument.objects.filter(answered_at=None).count() == 0


def test_a_document_not_asked_for_or_a_citizen_ticking_brought_changes_nothing(client, api, dossier, son, chi, lan):
    perform(dossier, "request_supplement", actor=son, requested=[Asked(1, "faulty", "Ảnh bị mờ")])
    dossier.refresh_from_db()
    before = unchanged(dossier)
    sign_in(client, chi)
    page = client.post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "supplement", "version": dossier.version, "note": "", "documents": ["2"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    message = "Document 2 was not asked for in the last request, or is answered already."
    assert page.status_code == 400 and message in text_of(page)
    through_api = api.as_(chi).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "supplement", "documents": [2]}, format="json"
    )
    assert through_api.status_code == 400 and error_of(through_api)["message"] == message
    by_citizen = api.as_(lan).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "supplement", "documents": [1]}, format="json"
    )
    assert by_citizen.status_code == 400
    assert error_of(by_citizen)["message"] == "Only the counter ticks documents as brought."
    assert unchanged(dossier) == before
    assert RequestedDocument.objects.filter(answered_at=None).count() == 1
