"""Procedures in review, time limits per case and fees as published: a
procedure in review is offered nowhere until it is published, publishing
needs what a dossier needs, the review queue lists the most used first,
a dossier keeps the case it was received under, the fee charged on a day
is the one in force that day, and an unpublished fee never reads "free"."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from citizens.applications import offices_for
from dossiers.errors import Invalid
from dossiers.models import Dossier
from dossiers.workflow import open_dossier
from portal.models import Office
from procedures.fees import fee_text, in_force
from procedures.models import Fee, Procedure, ProcedureChannel
from tests.factories import PASSWORD, ProcedureFactory, applicant, received_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review():
    procedure = ProcedureFactory(code="2.000815", name="Chứng thực bản sao từ bản chính")
    procedure.channels.filter(channel="in_person").update(time_limit_amount=None, time_limit_unit="")
    procedure.status = Procedure.Status.IN_REVIEW
    procedure.review_problems = [
        {
            "field": "in-person channel",
            "message": "no time limit published ('Không có thông tin')",
            "source": "Không có thông tin",
        }
    ]
    procedure.save()
    return procedure


def test_a_procedure_in_review_is_offered_nowhere(client, in_review, chi):
    assert not Procedure.objects.active().filter(pk=in_review.pk).exists()
    assert not in_review.may_apply_online
    assert client.get("/procedures/2.000815/").status_code == 404
    assert client.get("/procedures/2.000815/checklist/").status_code == 404
    assert "Chứng thực bản sao từ bản chính" not in client.get("/procedures/", {"q": "chung thuc"}).content.decode()
    assert client.get("/api/v1/procedures/2.000815/").status_code == 404
    client.login(username="chi", password=PASSWORD)
    assert client.get("/counter/intake/2.000815/").status_code == 404


def test_publishing_needs_a_time_limit_on_every_channel(in_review):
    with pytest.raises(ValidationError) as refused:
        in_review.publish()
    assert refused.value.messages == ["The in person row  has no time limit with a unit."]
    in_review.channels.filter(channel="in_person").update(time_limit_amount=0, time_limit_unit="same_day")
    in_review.publish()
    in_review.refresh_from_db()
    assert in_review.status == "published" and in_review.review_problems == []
    assert Procedure.objects.active().filter(pk=in_review.pk).exists()


def test_the_review_queue_lists_the_most_used_first_with_their_problems(client, mai, in_review, chi, office_a):
    used = ProcedureFactory(code="1.000001", name="Thủ tục hay dùng")
    received_dossier(used, office_a, chi)
    Procedure.objects.filter(pk=used.pk).update(status=Procedure.Status.IN_REVIEW)
    client.login(username="mai", password=PASSWORD)
    page = client.get("/admin/procedures/procedure/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index("1.000001") < page.index("2.000815")
    assert "no time limit published" in page and "Không có thông tin" in page
    assert f"/admin/procedures/procedure/{in_review.pk}/change/" in page
    # Publishing from the queue is refused while a time limit is missing.
    client.post(f"/admin/procedures/procedure/{in_review.pk}/publish/")
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_proposals_to_confirm_leave_a_procedure_offered_and_are_confirmed_from_the_queue(client, mai):
    proposed = ProcedureFactory(code="1.004222", name="Đăng ký thường trú")
    proposed.review_problems = [
        {
            "field": "documents",
            "message": "proposed the question 'Có phải trường hợp người khuyết tật không?'",
            "source": "Giấy xác nhận khuyết tật đối với trường hợp người khuyết tật",
            "to_confirm": True,
        }
    ]
    proposed.save()
    assert Procedure.objects.active().filter(pk=proposed.pk).exists()
    client.login(username="mai", password=PASSWORD)
    page = client.get("/admin/procedures/procedure/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 published procedure has proposals to confirm" in page
    assert "Có phải trường hợp người khuyết tật không?" in page
    client.post(f"/admin/procedures/procedure/{proposed.pk}/publish/")
    proposed.refresh_from_db()
    assert proposed.status == "published" and proposed.review_problems == []
    page = client.get("/admin/procedures/procedure/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "proposals to confirm" not in page


def test_the_admin_refuses_to_publish_a_channel_without_a_time_limit(client, mai, in_review):
    from tests.factories import change_form_data

    client.login(username="mai", password=PASSWORD)
    data = {key: "" if value is None else value for key, value in change_form_data(in_review).items()}
    data["status"] = "published"
    response = client.post(f"/admin/procedures/procedure/{in_review.pk}/change/", data)
    assert "needs a time limit with its unit on every channel" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_a_channel_with_several_time_limits_lets_the_counter_choose_the_case(client, chi, office_a):
    procedure = ProcedureFactory(code="1.010040")
    ProcedureChannel.objects.create(
        procedure=procedure,
        channel="in_person",
        case_name="Công dân chưa có thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
        time_limit_amount=30,
        time_limit_unit="working_days",
    )
    assert procedure.terms_for("in_person")["time_limit"] == {"amount": "3.00", "unit": "working_days", "case": ""}
    case = "Công dân chưa có thông tin trong Cơ sở dữ liệu quốc gia về dân cư"
    assert procedure.terms_for("in_person", case=case)["time_limit"]["amount"] == "30.00"
    with pytest.raises(ValidationError):
        procedure.terms_for("in_person", case="không có")

    dossier = received_dossier(procedure, office_a, chi, time_limit_case=case)
    assert dossier.time_limit_case == case and dossier.time_limit_amount == Decimal(30)

    client.login(username="chi", password=PASSWORD)
    page = client.get("/counter/intake/1.010040/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="time_limit_case"' in page and "30 working days — Công dân chưa có thông tin" in page
    single = ProcedureFactory(code="1.000002")
    assert 'name="time_limit_case"' not in client.get(f"/counter/intake/{single.code}/").content.decode()


def test_the_api_takes_the_case_too(client, chi, office_a):
    procedure = ProcedureFactory(code="1.010040")
    ProcedureChannel.objects.create(
        procedure=procedure,
        channel="in_person",
        case_name="Chưa có dữ liệu",
        time_limit_amount=30,
        time_limit_unit="working_days",
    )
    client.login(username="chi", password=PASSWORD)
    body = {
        "procedure": "1.010040",
        "office": office_a.code,
        "applicant": {"name": "Nguyễn Văn An"},
        "received_documents": [1],
        "time_limit_case": "Chưa có dữ liệu",
    }
    response = client.post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    from dossiers.models import Dossier

    assert Dossier.objects.get().time_limit_case == "Chưa có dữ liệu"


def test_the_fee_charged_on_a_day_is_the_one_in_force():
    usual = SimpleNamespace(name="Phí", case_name="", unit="hồ sơ", valid_from=None, valid_until=None, amount=800000)
    reduced = SimpleNamespace(
        name="Phí",
        case_name="",
        unit="hồ sơ",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2026, 12, 31),
        amount=400000,
    )
    other = SimpleNamespace(name="Lệ phí", case_name="", unit="", valid_from=None, valid_until=None, amount=50000)
    fees = [usual, reduced, other]
    assert in_force(fees, dt.date(2025, 6, 30)) == [usual, other]
    assert in_force(fees, dt.date(2025, 7, 1)) == [reduced, other]
    assert in_force(fees, dt.date(2026, 12, 31)) == [reduced, other]
    assert in_force(fees, dt.date(2027, 1, 1)) == [usual, other]


def test_terms_keep_only_the_fees_in_force_that_day():
    procedure = ProcedureFactory()
    Fee.objects.create(
        procedure=procedure,
        channel="in_person",
        name="Lệ phí",
        amount=4000,
        unit="bản",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    on_reduction = procedure.terms_for("in_person", on=dt.date(2026, 1, 5))["fees"]
    assert [(f["amount"], f["unit"], f["valid_until"]) for f in on_reduction] == [(4000, "bản", "2026-12-31")]
    after = procedure.terms_for("in_person", on=dt.date(2027, 1, 4))["fees"]
    assert [f["amount"] for f in after] == [8000]


def test_a_fee_reads_as_published():
    reduced = {
        "amount": 1500000,
        "currency": "VND",
        "unit": "bản",
        "valid_from": "2025-07-01",
        "valid_until": "2026-12-31",
    }
    with translation.override("vi"):
        assert fee_text(reduced) == "1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026"
        assert fee_text({"amount": 10, "currency": "USD", "unit": "bản"}) == "10 USD/bản"
        assert fee_text({"amount": 0, "currency": "VND"}) == "miễn phí"
        assert fee_text({"name": "Lệ phí", "amount_vnd": 8000, "exemption_note": ""}) == "8.000 đồng"
    with translation.override("en"):
        assert fee_text(reduced) == "1,500,000 VND/bản from 01/07/2025 to 31/12/2026"


def test_an_unpublished_fee_never_reads_free(client):
    procedure = ProcedureFactory(code="1.000003")
    procedure.fees.all().delete()  # "Không có thông tin" gives no fee rows
    Fee.objects.create(procedure=procedure, channel="online", name="Phí", amount=3000000)
    Fee.objects.create(
        procedure=procedure,
        channel="online",
        name="Phí",
        amount=1500000,
        unit="bản",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    page = client.get("/procedures/1.000003/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    in_person_row = page[page.index("Trực tiếp") :]
    in_person_row = in_person_row[: in_person_row.index("</tr>")]
    assert "Chưa công bố" in in_person_row and "miễn phí" not in in_person_row.lower()
    assert "1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026" in page
    assert "3.000.000 đồng" in page
    checklist = client.get("/procedures/1.000003/checklist/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not published" in checklist and "free" not in checklist.lower().split("time limit and fees")[-1]


def test_no_bundled_procedure_reads_free_where_its_record_says_no_information(client):
    from procedures.interchange import import_national
    from procedures.national import parse_file
    from tests.test_national_import import NATIONAL

    records = [p for p in parse_file(NATIONAL) if p.sector_name == "Hộ tịch"]
    import_national(records)
    for procedure in Procedure.objects.active().prefetch_related("channels", "fees"):
        raw_cells = procedure.channels.all()
        for option in raw_cells:
            fees = procedure.fees_for(option.channel)
            if not fees:
                page = client.get(procedure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
                assert "Chưa công bố" in page, procedure.code


def test_a_procedure_of_the_province_and_the_communes_is_offered_at_both(province, office_a):
    both = ProcedureFactory(level="commune", levels=["province", "commune"])
    assert set(offices_for(both).values_list("level", flat=True)) == {Office.Level.PROVINCE, Office.Level.COMMUNE}
    commune = ProcedureFactory(level="commune", levels=["ministry", "commune"])
    assert set(offices_for(commune).values_list("level", flat=True)) == {Office.Level.COMMUNE}
    ministry = ProcedureFactory(level="ministry", levels=["ministry"])
    assert not offices_for(ministry).exists()


def test_a_procedure_of_a_ministry_alone_is_neither_applied_for_here_nor_received_at_a_counter(
    client, province, office_a, chi
):
    ministry = ProcedureFactory(level="ministry", levels=["ministry"], online_level="partial")
    assert not ministry.may_apply_online
    page = client.get(ministry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At the ministry or agency that handles it" in page
    assert f"/apply/{ministry.code}/" not in page
    with pytest.raises(Invalid) as refused:
        open_dossier(
            procedure=ministry,
            receiving_office=office_a,
            channel="in_person",
            applicant=applicant(),
            actor=chi,
        )
    assert "handled by a ministry or another agency" in refused.value.message
    assert not Dossier.objects.exists()
    # One of the province alone is received at the province's centre.
    centre = ProcedureFactory(level="province", levels=["province"])
    page = client.get(centre.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the province's public administration service centre" in page
