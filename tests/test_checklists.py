"""What to bring, as the law states it: the applicant's answers and the
channel give the exact checklist, and the checklist decides what is asked
for online, what the clerk must tick and what the dossier lists — through
the citizen's pages, the counter's intake and the API alike. The birth
registration and the other most used procedures are imported from the
national records shipped with the portal."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens.models import Draft
from dossiers.errors import Invalid
from dossiers.models import Dossier
from dossiers.workflow import open_dossier
from procedures import checklist
from procedures.interchange import import_national
from procedures.models import Procedure
from tests.conftest import error_of
from tests.factories import BIRTH_DECLARATION, PASSWORD, PDF, applicant
from tests.test_national_parser import real

pytestmark = pytest.mark.usefixtures("vn_holidays")

# The demo's most used commune procedures (dossiers/management/commands/demo.py).
MOST_USED = (
    "1.004194",
    "1.004222",
    "1.004873",
    "1.001193",
    "1.000656",
    "2.000884",
    "2.000635",
    "2.000815",
    "1.001612",
    "2.000720",
)
CHANNELS = ("online", "in_person", "post")


def imported(*codes: str) -> dict[str, Procedure]:
    completions = {code: {"channels": [_channel(c) for c in CHANNELS]} for code in codes}
    result = import_national([real(code) for code in codes], completions)
    assert not result.left_out, [(r.code, r.problems) for r in result.left_out]
    return {procedure.code: procedure for procedure in Procedure.objects.filter(code__in=codes)}


def _channel(channel: str) -> dict:
    return {"channel": channel, "time_limit": {"amount": "3", "unit": "working_days"}, "description": "", "fees": []}


@pytest.fixture
def birth(db, office_a):
    return imported("1.001193")["1.001193"]


def names(terms: dict) -> list[str]:
    return [" ".join(document["name"].split()[:4]) for document in terms["documents"]]


# The checklist, from the answers ------------------------------------------------------------------


def test_a_parent_applying_online_for_their_own_child_is_asked_for_the_birth_certificate_and_the_e_form(birth):
    terms = birth.terms_for("online", {"abandoned-child": False, "on-behalf": False, "surrogacy": False})
    assert [
        (name, document["kind"], document["need"])
        for name, document in zip(names(terms), terms["documents"], strict=True)
    ] == [
        ("Giấy chứng sinh; trường", "hand_in", "required"),
        # Brought only if the office cannot look the residence up.
        ("Giấy tờ có giá", "show", "if_any"),
        ("Mẫu hộ tịch điện", "eform", "required"),
    ]
    # No ID card to upload (identity comes from the electronic ID) and no paper declaration.
    assert not any(name.startswith(("Hộ chiếu", "Tờ khai")) for name in names(terms))


def test_at_the_counter_the_paper_declaration_and_the_id_card_are_needed_instead_of_the_e_form(birth):
    terms = birth.terms_for("in_person", {"abandoned-child": False, "on-behalf": False, "surrogacy": False})
    assert [(name, document["need"]) for name, document in zip(names(terms), terms["documents"], strict=True)] == [
        ("Giấy chứng sinh; trường", "required"),
        ("Giấy tờ có giá", "if_any"),
        ("Hộ chiếu/Thẻ căn cước", "required"),
        ("Tờ khai đăng ký", "required"),
    ]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("answers", list(itertools.product([False, True], repeat=3)))
def test_each_yes_adds_exactly_its_document_on_every_channel(birth, channel, answers):
    keys = ("abandoned-child", "on-behalf", "surrogacy")
    terms = birth.terms_for(channel, dict(zip(keys, answers, strict=True)))
    listed = names(terms)
    for key, answer, document in zip(
        keys, answers, ("Trường hợp trẻ em", "Văn bản ủy quyền", "Trường hợp khai sinh"), strict=True
    ):
        assert (document in listed) is answer, (key, listed)
        if answer:
            assert terms["documents"][listed.index(document)]["need"] == "required"
    # The positions are the procedure's own: an answer never renumbers a document.
    assert [d["position"] for d in terms["documents"]] == sorted(d["position"] for d in terms["documents"])


def test_the_ten_most_used_procedures_give_a_consistent_checklist_for_every_answer(db):
    procedures = imported(*MOST_USED)
    assert len(procedures) == 10
    combinations = 0
    for procedure, channel in itertools.product(procedures.values(), CHANNELS):
        every = procedure.terms_for(channel)
        keys = [question["key"] for question in every["questions"]]
        for values in itertools.product([False, True], repeat=len(keys)):
            answers = dict(zip(keys, values, strict=True))
            listed = procedure.terms_for(channel, answers)["documents"]
            combinations += 1
            for document in every["documents"]:
                wanted = not document["condition"] or answers[document["condition"]]
                assert any(d["position"] == document["position"] for d in listed) is wanted
            for document in listed:
                assert checklist.on_channel(document["scope"], channel)
                assert document["need"] != checklist.IF_YES
    assert combinations > 30


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Answer yes or no: “Trẻ em bị bỏ rơi?” (abandoned-child)."),
        ({"abandoned-child": False, "on-behalf": False}, "(surrogacy)"),
        ({"abandoned-child": False, "on-behalf": False, "surrogacy": "yes"}, "(surrogacy)"),
        (
            {"abandoned-child": False, "on-behalf": False, "surrogacy": False, "twins": True},
            "“twins” is not a question of this procedure.",
        ),
    ],
)
def test_answers_that_leave_a_question_open_open_nothing(birth, office_a, chi, answers, message):
    with pytest.raises(Invalid) as raised:
        open_dossier(
            procedure=birth,
            receiving_office=office_a,
            channel="in_person",
            applicant=applicant(),
            answers=answers,
            actor=chi,
        )
    assert any(message in text for text in raised.value.errors)
    assert not Dossier.objects.exists()


def test_one_document_of_a_group_is_enough_to_receive(procedure, office_a, chi):
    procedure.documents.all().delete()
    procedure.documents.create(position=1, name="Tờ khai")
    procedure.documents.create(position=2, name="Sổ đỏ", group="Chỗ ở hợp pháp")
    procedure.documents.create(position=3, name="Hợp đồng thuê nhà", group="Chỗ ở hợp pháp")
    with pytest.raises(Invalid) as raised:
        open_dossier(
            procedure=procedure,
            receiving_office=office_a,
            channel="in_person",
            applicant=applicant(),
            received_documents={1},
            actor=chi,
            receive=True,
        )
    assert "Sổ đỏ or Hợp đồng thuê nhà" in raised.value.message
    dossier = open_dossier(
        procedure=procedure,
        receiving_office=office_a,
        channel="in_person",
        applicant=applicant(),
        received_documents={1, 3},
        actor=chi,
        receive=True,
    )
    assert dossier.state == "received"


# Through the citizen's pages ----------------------------------------------------------------------


def test_online_the_answers_choose_what_is_uploaded_and_the_dossier_keeps_them(client, lan, birth, office_a):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    client.post(f"/apply/{birth.code}/")
    draft = Draft.objects.get()
    client.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    response = client.post(f"/applications/{draft.pk}/applicant/", {**applicant(), "remember": ""})
    assert response.url == f"/applications/{draft.pk}/situation/"

    # Unanswered: a clear message, nothing kept.
    response = client.post(f"/applications/{draft.pk}/situation/", {"abandoned-child": "no"})
    assert response.status_code == 200
    # Each question named in the error summary (in the reader's language: English here).
    assert "Answer yes or no: Was the child abandoned?" not in response.content.decode()
    assert "Answer yes or no: Are you applying on someone" in response.content.decode()
    assert "Answer yes or no: Was the child born to a surrogate mother?" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}

    response = client.post(
        f"/applications/{draft.pk}/situation/", {"abandoned-child": "no", "on-behalf": "yes", "surrogacy": "no"}
    )
    # The e-form is the portal's own declaration page, next.
    assert response.url == f"/applications/{draft.pk}/declaration/"
    response = client.post(f"/applications/{draft.pk}/declaration/", BIRTH_DECLARATION)
    assert response.url == f"/applications/{draft.pk}/documents/"
    page = client.get(f"/applications/{draft.pk}/documents/").content.decode()
    assert "Văn bản ủy quyền" in page and "biên bản về việc trẻ bị bỏ rơi" not in page
    # Shown at the counter, not uploaded; no paper declaration online.
    assert "Nothing to upload" in page and "Tờ khai đăng ký khai sinh theo mẫu" not in page

    positions = {" ".join(d.name.split()[:2]): d.position for d in Draft.objects.get().documents()}
    for position in (positions["Văn bản"], positions["Giấy chứng"]):
        client.post(
            f"/applications/{draft.pk}/documents/",
            {"upload": position, f"file-{position}": SimpleUploadedFile("scan.pdf", PDF)},
        )
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    check = client.get(f"/applications/{draft.pk}/check/").content.decode()
    # In the reader's language (English here).
    assert "Are you applying on someone" in check
    sent = client.post(f"/applications/{draft.pk}/submit/")
    assert sent.status_code == 302

    dossier = Dossier.objects.get()
    assert dossier.answers == {"abandoned-child": False, "on-behalf": True, "surrogacy": False}
    listed = [(d.name.split()[0], d.kind, d.is_mandatory) for d in dossier.documents.all()]
    assert listed == [
        ("Văn", "hand_in", True),
        ("Giấy", "hand_in", True),
        ("Giấy", "show", False),
        ("Mẫu", "eform", True),
    ]
    assert dossier.missing_documents() == []


# Through the counter's intake and the API ---------------------------------------------------------


def test_the_clerk_asks_the_questions_and_must_tick_what_a_yes_adds(client, chi, birth, office_a):
    client.login(username="chi", password=PASSWORD)
    url = f"/counter/intake/{birth.code}/"
    page = client.get(url).content.decode()
    assert "Trẻ em bị bỏ rơi?" in page and "only if the answer is yes" in page
    positions = {" ".join(d["name"].split()[:2]): d["position"] for d in birth.terms_for("in_person")["documents"]}
    usual = [positions["Giấy chứng"], positions["Hộ chiếu/Thẻ"], positions["Tờ khai"]]
    base = {**applicant(), "delivery": "counter", "documents": usual}

    unanswered = client.post(url, base)
    assert unanswered.status_code == 400
    assert "Ask the citizen and answer yes or no: Was the child abandoned?" in unanswered.content.decode()

    # "Update the list" applies the answers and receives nothing.
    answers = {"answer-abandoned-child": "no", "answer-on-behalf": "yes", "answer-surrogacy": "no"}
    refreshed = client.post(url, {**base, **answers, "refresh": "1"})
    assert refreshed.status_code == 200
    assert "Văn bản ủy quyền" in refreshed.content.decode()
    assert "biên bản về việc trẻ bị bỏ rơi" not in refreshed.content.decode()
    assert not Dossier.objects.exists()

    missing = client.post(url, {**base, **answers})
    assert missing.status_code == 400 and "Văn bản ủy quyền" in missing.content.decode()
    assert not Dossier.objects.exists()

    done = client.post(url, {**base, **answers, "documents": [*usual, positions["Văn bản"]]})
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.answers["on-behalf"] is True and dossier.state == "received"


def test_through_the_api_the_catalogue_lists_the_questions_and_a_dossier_must_answer_them(api, chi, birth, office_a):
    described = api.get(f"/api/v1/procedures/{birth.code}/").json()
    assert [question["key"] for question in described["questions"]] == ["abandoned-child", "on-behalf", "surrogacy"]
    conditional = [d for d in described["documents"] if d["condition"]]
    assert {d["condition"] for d in conditional} == {"abandoned-child", "on-behalf", "surrogacy"}

    walk_in = {"procedure": birth.code, "office": office_a.code, "applicant": applicant()}
    refused = api.as_(chi).post("/api/v1/dossiers/", walk_in, format="json")
    assert refused.status_code == 400
    assert "(abandoned-child)" in error_of(refused)["message"]
    assert not Dossier.objects.exists()

    answers = {"abandoned-child": False, "on-behalf": False, "surrogacy": False}
    positions = [d["position"] for d in birth.terms_for("in_person", answers)["documents"] if d["need"] == "required"]
    created = api.as_(chi).post(
        "/api/v1/dossiers/", {**walk_in, "answers": answers, "received_documents": positions}, format="json"
    )
    assert created.status_code == 201, created.json()
    whole = api.as_(chi).get(created.json()["links"]["self"]).json()
    kinds = [(d["kind"], d["mandatory"]) for d in whole["documents"]]
    assert kinds == [("hand_in", True), ("show", False), ("show", True), ("hand_in", True)]
