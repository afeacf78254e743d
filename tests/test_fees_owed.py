"""What a dossier owes: one rule (procedures/fees.py::owed) from the fee rows
it falls under — cases and tiers, quantities per unit, reductions in force on
the day, exemptions claimed and confirmed, other currencies — shown the same
on the citizen's check-your-answers page, the counter's page, the API and the
receipt. Amounts below are worked out by hand."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from citizens import applications
from citizens.models import Draft
from dossiers import fees as dossier_fees
from dossiers import slips
from dossiers.errors import Conflict, NotAllowed, NotPossible
from dossiers.intake import FeeInvalid
from dossiers.models import Dossier, DossierEvent
from procedures import fees
from procedures.models import Fee, FeeExemption, FeeReduction
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, ProcedureFactory, applicant, received_dossier, submitted_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")
DAY = dt.date(2026, 1, 12)
CIRCULAR_64 = {
    "percent": 50,
    "fee_name": "",
    "legal_basis": "Thông tư 64/2025/TT-BTC",
    "valid_from": "2025-07-01",
    "valid_until": "2026-12-31",
}
POOR = {"id": 1, "name": "Hộ nghèo", "fee_name": "", "legal_basis": "Nghị định 20/2021/NĐ-CP", "proof": "Sổ hộ nghèo"}


def row(name="Lệ phí", amount=8000, currency="VND", unit="", case="", valid_from=None, valid_until=None):
    return {
        "name": name,
        "amount": amount,
        "amount_vnd": amount if currency == "VND" else None,
        "currency": currency,
        "unit": unit,
        "case": case,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "exemption_note": "",
    }


# The rule ----------------------------------------------------------------------


def test_a_flat_fee_is_owed_once_with_its_basis():
    owed = fees.owed([row()], on=DAY)
    assert owed.total_vnd == 8000 and owed.is_published
    [line] = owed.lines
    assert (line.label, line.quantity, line.unit_amount, line.amount) == ("Lệ phí", 1, 8000, 8000)
    assert "8,000 VND" in line.basis or "8.000 đồng" in line.basis


def test_a_procedure_without_published_fees_owes_nothing_but_is_not_free():
    owed = fees.owed([], on=DAY)
    assert (owed.total_vnd, owed.lines, owed.is_published) == (0, [], False)
    assert owed.total_text == "not published"
    free = fees.owed([row(amount=0)], on=DAY)
    assert free.is_published and free.total_vnd == 0 and free.total_text == "0 VND"


def test_a_fee_per_unit_is_owed_per_unit_asked_for():
    rows = [row(amount=2000, unit="trang"), row(name="Phí", amount=8000, unit="bản")]
    owed = fees.owed(rows, on=DAY, quantities={"trang": 12, "bản": 3})
    # 12 pages × 2,000 + 3 copies × 8,000 = 24,000 + 24,000.
    assert [(line.quantity, line.amount) for line in owed.lines] == [(12, 24000), (3, 24000)]
    assert owed.total_vnd == 48000
    # None given: one of each.
    assert fees.owed(rows, on=DAY).total_vnd == 10000


def test_tiers_owe_only_the_case_chosen_and_a_single_case_needs_no_choice():
    rows = [row(amount=145, currency="VND", case="Thẻ đến 2 năm"), row(amount=155, case="Thẻ trên 2 năm")]
    unchosen = fees.owed(rows, on=DAY)
    assert unchosen.cases_to_choose == ["Thẻ đến 2 năm", "Thẻ trên 2 năm"] and unchosen.total_vnd == 0
    chosen = fees.owed(rows, on=DAY, case="Thẻ trên 2 năm")
    assert chosen.total_vnd == 155 and chosen.cases_to_choose == []
    assert chosen.lines[0].label == "Lệ phí (Thẻ trên 2 năm)"
    # Published for one case only: that one applies.
    only = fees.owed([row(amount=50000, case="Cấp đổi thẻ"), row(name="Phí", amount=1000)], on=DAY)
    assert only.total_vnd == 51000


def test_a_percentage_reduction_applies_only_on_the_days_it_is_in_force():
    rows = [row(amount=50000)]
    assert fees.owed(rows, on=dt.date(2025, 6, 30), reductions=[CIRCULAR_64]).total_vnd == 50000
    reduced = fees.owed(rows, on=dt.date(2025, 7, 1), reductions=[CIRCULAR_64])
    assert reduced.total_vnd == 25000
    assert reduced.lines[0].usual_amount == 50000 and reduced.lines[0].unit_amount == 25000
    assert "50%" in reduced.lines[0].basis and "64/2025/TT-BTC" in reduced.lines[0].basis
    assert fees.owed(rows, on=dt.date(2026, 12, 31), reductions=[CIRCULAR_64]).total_vnd == 25000
    assert fees.owed(rows, on=dt.date(2027, 1, 1), reductions=[CIRCULAR_64]).total_vnd == 50000


def test_reductions_do_not_add_up_and_do_not_lower_a_dated_amount_again():
    rows = [row(amount=50000)]
    other = {**CIRCULAR_64, "percent": 20, "legal_basis": "Nghị quyết HĐND"}
    # The largest applies: 50 %, not 70 %.
    assert fees.owed(rows, on=DAY, reductions=[other, CIRCULAR_64]).total_vnd == 25000
    # A reduction for another fee leaves this one alone.
    assert fees.owed(rows, on=DAY, reductions=[{**CIRCULAR_64, "fee_name": "Phí"}]).total_vnd == 50000
    # A dated row is already the amount of its period (it replaces the usual one).
    dated = [row(amount=50000), row(amount=30000, valid_from="2026-01-01", valid_until="2026-06-30")]
    assert fees.owed(dated, on=DAY, reductions=[CIRCULAR_64]).total_vnd == 30000
    assert fees.owed(dated, on=dt.date(2026, 7, 1), reductions=[CIRCULAR_64]).total_vnd == 25000
    # Half of an odd amount rounds half up to the đồng.
    assert fees.owed([row(amount=25001)], on=DAY, reductions=[CIRCULAR_64]).total_vnd == 12501


def test_an_exemption_clears_the_fee_only_once_confirmed():
    rows = [row(amount=8000, unit="bản")]
    claimed = fees.owed(rows, on=DAY, quantities={"bản": 2}, exemption=POOR, exemption_status=fees.CLAIMED)
    assert claimed.total_vnd == 16000 and claimed.total_if_exempt_vnd == 0
    assert claimed.exemption_status_label == "claimed, to be confirmed at the counter"
    confirmed = fees.owed(rows, on=DAY, quantities={"bản": 2}, exemption=POOR, exemption_status=fees.CONFIRMED)
    assert confirmed.total_vnd == 0 and confirmed.total_if_exempt_vnd is None
    assert "Hộ nghèo" in confirmed.lines[0].basis and "20/2021/NĐ-CP" in confirmed.lines[0].basis
    assert confirmed.lines[0].usual_amount == 8000
    refused = fees.owed(rows, on=DAY, quantities={"bản": 2}, exemption=POOR, exemption_status=fees.REFUSED)
    assert refused.total_vnd == 16000 and refused.exemption_status_label == "refused"
    # An exemption from the lệ phí leaves the phí owed.
    only_le_phi = {**POOR, "fee_name": "Lệ phí"}
    both = [row(amount=8000), row(name="Phí", amount=3000)]
    assert fees.owed(both, on=DAY, exemption=only_le_phi, exemption_status=fees.CONFIRMED).total_vnd == 3000


def test_a_fee_in_another_currency_is_a_line_of_its_own_never_added_to_the_dong():
    rows = [row(amount=2000, unit="trang"), row(amount=10, currency="USD", unit="bản")]
    owed = fees.owed(rows, on=DAY, quantities={"trang": 3, "bản": 2})
    assert owed.total_vnd == 6000 and owed.other_currencies == {"USD": 20}
    assert owed.lines[1].amount_text == "20 USD"
    assert owed.total_text == "6,000 VND + 20 USD"


# The choices, checked for every door ----------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"case": "Không có"}, "fee_case"),
        ({}, "fee_case"),
        ({"case": "A", "quantities": {"tờ": 2}}, "fee_quantities"),
        ({"case": "A", "quantities": {"bản": 0}}, "fee_quantities"),
        ({"case": "A", "quantities": {"bản": "hai"}}, "fee_quantities"),
        ({"case": "A", "quantities": {"bản": 100_000}}, "fee_quantities"),
        ({"case": "A", "exemption": 999}, "fee_exemption"),
        ({"case": "A", "exemption": "x"}, "fee_exemption"),
    ],
)
def test_bad_choices_are_refused_naming_the_field(given, field):
    rows = [row(unit="bản", case="A"), row(unit="bản", case="B")]
    with pytest.raises(FeeInvalid) as refused:
        dossier_fees.check_choices(rows, on=DAY, **given)
    assert refused.value.field == field


def test_good_choices_come_back_clean():
    rows = [row(unit="bản", case="A"), row(unit="bản", case="B")]
    chosen = dossier_fees.check_choices(rows, on=DAY, case="B", quantities={"bản": "3"})
    assert (chosen.case, chosen.quantities, chosen.exemption) == ("B", {"bản": 3}, None)


# Through the doors ---------------------------------------------------------------

AT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=HCM)


@pytest.fixture
def copies(db):
    """Certifying copies (2.000815-like): 2,000 đồng a page in person and
    online, 10 USD a copy at a mission abroad; a poor-household exemption;
    the online fee halved by a circular in force in 2026."""
    procedure = ProcedureFactory(code="2.000815", name="Chứng thực bản sao từ bản chính", terms=False)
    from procedures.models import ProcedureChannel, RequiredDocument

    for channel in ("online", "in_person"):
        ProcedureChannel.objects.create(
            procedure=procedure, channel=channel, time_limit_amount=1, time_limit_unit="working_days"
        )
        Fee.objects.create(procedure=procedure, channel=channel, name="Lệ phí", amount=2000, unit="trang")
    Fee.objects.create(procedure=procedure, channel="in_person", name="Lệ phí", amount=10, currency="USD", unit="bản")
    RequiredDocument.objects.create(procedure=procedure, position=1, name="Bản chính", originals=1)
    FeeReduction.objects.create(
        channel="online",
        percent=50,
        legal_basis="Thông tư 64/2025/TT-BTC",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    FeeExemption.objects.create(
        procedure=procedure, name="Hộ nghèo", legal_basis="Nghị định 20/2021/NĐ-CP", proof="Sổ hộ nghèo"
    )
    return procedure


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_walk_in_dossier_owes_per_page_and_shows_the_same_total_on_its_page_the_api_and_the_receipt(
    client, api, copies, office_a, chi
):
    office_a.language = "vi"
    office_a.save()
    dossier = received_dossier(copies, office_a, chi, at=AT, fee_quantities={"trang": "12", "bản": "2"})
    owed = dossier.owed()
    # 12 pages × 2,000 đồng (no reduction in person), and 2 copies × 10 USD apart.
    assert (owed.total_vnd, owed.other_currencies) == (24000, {"USD": 20})
    assert dossier.fee_total_vnd == 24000

    page = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    assert 'data-total-vnd="24000"' in page and "Fees owed" in page
    body = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert body["fee_total_vnd"] == body["owed"]["total_vnd"] == 24000
    assert body["owed"]["other_currencies"] == {"USD": 20}
    assert [(line["quantity"], line["amount"]) for line in body["owed"]["lines"]] == [(12, 24000), (2, 20)]

    slip = dossier.slips.get()
    assert slip.context["owed"]["total_vnd"] == 24000
    reader = PdfReader(io.BytesIO(slips.read(slips.ensure_file(slip.pk))))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))
    assert "24.000 đồng + 20 USD" in text, text


def test_the_intake_page_takes_the_quantity_and_a_confirmed_exemption(client, copies, office_a, chi):
    exemption = FeeExemption.objects.get()
    data = {
        "name": "Phạm Thị Hương",
        "delivery": "counter",
        "documents": ["1"],
        "fee_quantity_0": "5",
        "fee_exemption": str(exemption.pk),
        "exemption_confirmed": "on",
    }
    page = sign_in(client, chi).get(f"/counter/intake/{copies.code}/").content.decode()
    assert 'name="fee_quantity_0"' in page and "Sổ hộ nghèo" in page
    # The amount to collect, before anything is received: one page, 10 USD apart.
    assert 'data-total-vnd="2000"' in page
    typed = client.post(f"/counter/intake/{copies.code}/", {**data, "exemption_confirmed": "", "refresh": "1"})
    assert 'data-total-vnd="10000"' in typed.content.decode() and not Dossier.objects.exists()
    response = client.post(f"/counter/intake/{copies.code}/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.fee_quantities == {"trang": 5} and dossier.fee_exemption_status == "confirmed"
    # Exempt from the 5 × 2,000 đồng; the fee in USD is for missions abroad, exempted too.
    assert dossier.owed().total_vnd == 0
    assert DossierEvent.objects.get(dossier=dossier, action="submit").details["fee_exemption"]["status"] == "confirmed"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fee_quantity_0": "0"}, "must be a whole number from 1 to 1000"),
        ({"fee_quantity_0": "mười"}, "must be a whole number from 1 to 1000"),
        ({"fee_exemption": "99999"}, "Select a valid choice"),
    ],
)
def test_bad_fee_choices_on_the_intake_page_open_nothing(client, copies, office_a, chi, change, message):
    data = {"name": "Phạm Thị Hương", "delivery": "counter", "documents": ["1"], **change}
    response = sign_in(client, chi).post(f"/counter/intake/{copies.code}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # Told beside its field.
    field = "fee_exemption" if "fee_exemption" in change else "fee_quantity_0"
    assert f'id="id_{field}_error"' in page or "<legend>Fee exemption claimed</legend>" in page
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fee_quantities": {"trang": 0}}, "must be a whole number from 1 to 1000"),
        ({"fee_quantities": {"tờ": 2}}, "No fee is charged per “tờ”."),
        ({"fee_exemption": 99999}, "Choose one of the fee exemptions offered"),
        ({"fee_case": "Không có"}, "Choose one of the cases"),
    ],
)
def test_bad_fee_choices_through_the_api_open_nothing(api, copies, office_a, chi, change, message):
    data = {"procedure": copies.code, "office": office_a.code, "applicant": applicant(), "received_documents": [1]}
    response = api.as_(chi).post("/api/v1/dossiers/", {**data, **change}, format="json")
    assert response.status_code == 400
    assert message in error_of(response)["message"]
    assert not Dossier.objects.exists()


def test_an_online_claim_waits_for_the_clerk_who_confirms_it_on_the_page(client, copies, office_a, chi, lan):
    exemption = FeeExemption.objects.get()
    dossier = submitted_online(copies, office_a, lan, at=AT, fee_quantities={"trang": 4}, fee_exemption=exemption.pk)
    owed = dossier.owed()
    # Online in 2026: 2,000 đồng halved by the circular, 4 pages; owed until the proof is seen.
    assert (owed.total_vnd, owed.total_if_exempt_vnd, owed.exemption_status) == (4000, 0, "claimed")
    assert dossier.fee_reductions[0]["legal_basis"] == "Thông tư 64/2025/TT-BTC"

    page = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    assert "Confirm the exemption" in page and "Sổ hộ nghèo" in page
    response = client.post(
        f"/counter/dossiers/{dossier.code}/exemption/", {"decision": "confirm", "version": dossier.version}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.fee_exemption_status == "confirmed" and dossier.owed().total_vnd == 0
    event = dossier.events.get(action="confirm_exemption")
    assert event.actor == chi and event.details["exemption"]["legal_basis"] == "Nghị định 20/2021/NĐ-CP"
    # Settled: a second decision (a stale page) is told so and changes nothing.
    again = client.post(
        f"/counter/dossiers/{dossier.code}/exemption/", {"decision": "refuse", "version": dossier.version}
    )
    assert again.status_code == 409 and "no fee exemption waiting to be confirmed" in again.content.decode()
    for hostile in ({"decision": "yes", "version": dossier.version}, {"decision": "refuse", "version": "x"}, {}):
        response = client.post(f"/counter/dossiers/{dossier.code}/exemption/", hostile)
        assert response.status_code == 400
    assert client.get(f"/counter/dossiers/{dossier.code}/exemption/").status_code == 405
    dossier.refresh_from_db()
    assert dossier.fee_exemption_status == "confirmed"
    assert dossier.events.filter(action__endswith="_exemption").count() == 1


def test_the_api_refuses_a_claim_and_says_no_to_strangers_and_stale_versions(api, copies, office_a, chi, binh, lan):
    exemption = FeeExemption.objects.get()
    dossier = submitted_online(copies, office_a, lan, at=AT, fee_exemption=exemption.pk)
    url = f"/api/v1/dossiers/{dossier.code}/exemption/"
    assert api.as_(binh).post(url, {"decision": "confirm"}, format="json").status_code in (403, 404)
    assert api.as_(chi).post(url, {"decision": "maybe"}, format="json").status_code == 400
    stale = api.as_(chi).post(url, {"decision": "confirm", "version": dossier.version - 1}, format="json")
    assert stale.status_code == 409
    response = api.as_(chi).post(url, {"decision": "refuse", "version": dossier.version}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["owed"]["exemption_status"] == "refused" and body["fee_total_vnd"] == 1000
    again = api.as_(chi).post(url, {"decision": "confirm"}, format="json")
    assert again.status_code == 409
    dossier.refresh_from_db()
    assert dossier.fee_exemption_status == "refused"


def test_the_domain_decision_checks_who_and_what(copies, office_a, chi, binh, lan):
    plain = submitted_online(copies, office_a, lan, at=AT)
    with pytest.raises(NotPossible):
        dossier_fees.decide_exemption(plain, confirmed=True, actor=chi)
    claimed = submitted_online(copies, office_a, lan, at=AT, fee_exemption=FeeExemption.objects.get().pk)
    with pytest.raises(NotAllowed):
        dossier_fees.decide_exemption(claimed, confirmed=True, actor=binh)
    with pytest.raises(Conflict):
        dossier_fees.decide_exemption(claimed, confirmed=True, actor=chi, version=claimed.version + 5)


def test_a_dossier_keeps_the_terms_it_was_opened_under(copies, office_a, chi):
    dossier = received_dossier(copies, office_a, chi, at=AT, fee_quantities={"trang": 2})
    Fee.objects.filter(procedure=copies).update(amount=9000)
    FeeExemption.objects.all().delete()
    dossier.refresh_from_db()
    assert dossier.owed().total_vnd == 4000


# The citizen's application -----------------------------------------------------


@pytest.fixture
def citizen(client, lan):
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    client.login(username="lan", password=PASSWORD)
    return client


def test_the_application_asks_about_fees_and_check_your_answers_shows_what_the_counter_will(
    citizen, copies, office_a, chi, api, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    citizen.post(f"/apply/{copies.code}/")
    draft = Draft.objects.latest("pk")
    citizen.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    citizen.post(
        f"/applications/{draft.pk}/documents/",
        {"upload": 1, "file-1": SimpleUploadedFile("ban-chinh.pdf", PDF)},
    )
    response = citizen.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    assert response.url == f"/applications/{draft.pk}/fees/"
    page = citizen.get(response.url).content.decode()
    assert "How many (trang)" in page and "Hộ nghèo" in page
    # A bad quantity is told beside its field and keeps nothing.
    bad = citizen.post(f"/applications/{draft.pk}/fees/", {"fee_quantity_0": "-3"})
    assert "must be a whole number from 1 to 1000" in bad.content.decode()
    draft.refresh_from_db()
    assert draft.fee_quantities == {}
    exemption = FeeExemption.objects.get()
    citizen.post(f"/applications/{draft.pk}/fees/", {"fee_quantity_0": "6", "fee_exemption": str(exemption.pk)})
    draft.refresh_from_db()
    assert draft.fee_quantities == {"trang": 6} and draft.fee_exemption == exemption

    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    # 6 pages × 1,000 đồng (2,000 halved online in 2026), the exemption to be confirmed.
    total = re.search(r'data-total-vnd="(\d+)"', check).group(1)
    assert total == "6000" and "Thông tư 64/2025/TT-BTC" in check and "Sổ hộ nghèo" in check
    with django_capture_on_commit_callbacks(execute=True):
        citizen.post(f"/applications/{draft.pk}/submit/")
    dossier = Dossier.objects.get()
    assert dossier.fee_exemption_status == "claimed" and dossier.fee_quantities == {"trang": 6}
    assert str(api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()["fee_total_vnd"]) == total
    mine = citizen.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert 'data-total-vnd="6000"' in mine


def test_a_procedure_with_nothing_to_ask_about_fees_skips_the_page(citizen, procedure, office_a):
    citizen.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.latest("pk")
    assert "fees" not in applications.steps_for(draft)
    check = citizen.get(f"/applications/{draft.pk}/check/").content.decode()
    # The factory's procedure publishes no online fee: not published, never free.
    assert "Fees owed" in check and "Not published" in check
