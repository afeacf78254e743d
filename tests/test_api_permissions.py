"""Who may call what: for every dossier endpoint, a clerk of another office,
a citizen who does not own the dossier and an anonymous caller are refused
and learn nothing of it, not even whether it exists."""

import io

import pytest

from dossiers.models import Attachment, Dossier, DossierEvent
from dossiers.workflow import perform
from tests.factories import PDF, UserFactory, applicant, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def dossier(procedure, office_a, lan, chi):
    dossier = submitted_online(procedure, office_a, lan)
    return perform(dossier, "receive", actor=chi, documents={1})


def pdf():
    file = io.BytesIO(PDF)
    file.name = "scan.pdf"
    return file


# (method, path, body, format) for every endpoint that names a dossier.
ENDPOINTS = [
    ("get", "/api/v1/dossiers/{code}/", None, None),
    ("post", "/api/v1/dossiers/{code}/transitions/", {"action": "withdraw", "note": "Tôi rút"}, "json"),
    ("post", "/api/v1/dossiers/{code}/transitions/", {"action": "appraise"}, "json"),
    ("post", "/api/v1/dossiers/{code}/attachments/", "file", "multipart"),
    ("get", "/api/v1/dossiers/{code}/slips/", None, None),
    ("get", "/api/v1/dossiers/{code}/slips/receipt/", None, None),
]


@pytest.fixture(params=["clerk of another office", "another citizen", "anonymous", "partner system"])
def stranger(request, api, binh):
    if request.param == "clerk of another office":
        return 404, api.as_(binh)
    if request.param == "another citizen":
        return 404, api.as_(UserFactory(username="other-citizen"))
    if request.param == "partner system":
        return 403, api.as_(UserFactory(username="hospital"), scopes=["events:birth"])
    return 401, api


@pytest.mark.parametrize(("method", "path", "body", "fmt"), ENDPOINTS)
def test_strangers_learn_nothing_of_a_dossier(stranger, dossier, method, path, body, fmt):
    status, client = stranger
    before = (DossierEvent.objects.count(), Attachment.objects.count(), dossier.version)
    data = {"file": pdf()} if body == "file" else body
    response = getattr(client, method)(path.format(code=dossier.code), data, format=fmt)
    assert response.status_code == status
    text = response.content.decode()
    assert dossier.code not in text and dossier.applicant_name not in text and "received" not in text
    # A code that does not exist gets the very same answer.
    missing = getattr(client, method)(path.format(code="000.01.00.H01-260101-9999"), data, format=fmt)
    assert missing.status_code == status and missing.json() == response.json()
    dossier.refresh_from_db()
    assert (DossierEvent.objects.count(), Attachment.objects.count(), dossier.version) == before


def test_lists_show_strangers_nothing(api, binh, dossier):
    assert api.as_(binh).get("/api/v1/dossiers/").json()["count"] == 0
    assert api.as_(UserFactory(username="other-citizen")).get("/api/v1/dossiers/").json()["count"] == 0
    assert api.get("/api/v1/dossiers/").status_code == 401


def test_nobody_opens_a_dossier_for_someone_else_without_being_its_clerk(api, binh, procedure, office_a):
    data = {"procedure": "1.000001", "office": "000.01.00.H01", "applicant": applicant(), "received_documents": [1]}
    assert api.post("/api/v1/dossiers/", data, format="json").status_code == 401
    assert api.as_(binh).post("/api/v1/dossiers/", data, format="json").status_code == 403
    hospital = api.as_(UserFactory(username="hospital"), scopes=["events:birth"])
    assert hospital.post("/api/v1/dossiers/", data, format="json").status_code == 403
    assert not Dossier.objects.exists()


def test_the_owner_and_the_office_do_see_it(api, lan, chi, tuan, dossier):
    for user in (lan, chi, tuan):
        assert api.as_(user).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 200
