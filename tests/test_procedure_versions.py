"""Versions of published procedures: recorded when the record changes (the
editor, publishing, imports) and never otherwise, a later effective date
kept pending until the daily task, dossiers keeping the version they were
received under, and the version shown on the page, in the API and in the
national import's report."""

import datetime as dt
import importlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from procedures.interchange import export_catalogue, import_catalogue, procedure_record, record_version
from procedures.models import Fee, LegalDocument, Procedure, ProcedureVersion, Question, RequiredDocument, Stage
from procedures.tasks import apply_due_versions
from procedures.versions import changed_parts, merged, overlap
from tests.factories import PASSWORD, ProcedureFactory, change_form_data, received_dossier
from tests.test_national_import import NATIONAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, mai):
    client.login(username="mai", password=PASSWORD)
    return client


@pytest.fixture
def procedure():
    """A published procedure with its version 1."""
    procedure = ProcedureFactory()
    record_version(procedure)
    return procedure


def save_page(client, procedure, **changes):
    data = {**change_form_data(procedure), **changes}
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context.get("error_summary")
    return response


def fee_field(procedure, name: str) -> str:
    """A field of the procedure's one fee (the factory's 8,000 VND in person)."""
    assert procedure.fees.count() == 1
    return f"fees-0-{name}"


def test_what_changed_is_told_by_part_of_the_record():
    old = {
        "name": "Đăng ký khai sinh",
        "documents": [{"name": "Tờ khai"}],
        "channels": [{"channel": "online", "case": "", "description": "", "time_limit": {"amount": "3"}, "fees": []}],
        "legal_basis": [],
    }
    new = {
        **old,
        "documents": [{"name": "Tờ khai"}, {"name": "Giấy chứng sinh"}],
        "channels": [
            {"channel": "online", "case": "", "description": "", "time_limit": {"amount": "2"}, "fees": [{"a": 1}]}
        ],
    }
    assert changed_parts(old, new) == ["documents", "time_limits", "fees"]
    assert changed_parts(old, old) == []
    assert changed_parts(None, new) == []


def test_a_pending_version_sets_only_the_parts_it_changed_over_the_record_in_force():
    def option(channel, limit, fees):
        return {"channel": channel, "case": "", "description": "", "time_limit": {"amount": limit}, "fees": fees}

    recorded_over = {"name": "A", "documents": ["x"], "channels": [option("online", "3", []), option("post", "5", [])]}
    pending = {**recorded_over, "channels": [option("online", "3", [{"a": 1}]), option("post", "5", [])]}
    in_force_now = {"name": "B", "documents": ["y"], "channels": [option("online", "2", []), option("post", "4", [])]}
    result = merged(in_force_now, pending, changed_parts(recorded_over, pending))
    assert result["name"] == "B" and result["documents"] == ["y"]
    assert [(o["time_limit"]["amount"], o["fees"]) for o in result["channels"]] == [("2", [{"a": 1}]), ("4", [])]
    # New ways to apply are taken whole.
    added = {**recorded_over, "channels": [*recorded_over["channels"], option("in_person", "1", [])]}
    assert len(merged(in_force_now, added, ["channels"])["channels"]) == 3
    assert overlap(["channels"], ["fees", "name"]) == ["fees"]
    assert overlap(["documents"], ["fees"]) == []


def test_saving_the_page_unchanged_records_no_version(editor, procedure):
    save_page(editor, procedure)
    assert list(procedure.versions.values_list("number", flat=True)) == [1]


def test_saving_a_change_records_the_next_version_with_what_changed(editor, mai, procedure):
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000", "documents-0-name": "Tờ khai mới"})
    version = procedure.versions.get(number=2)
    assert version.changes == ["documents", "fees"]
    assert version.recorded_by == mai
    assert version.effective_from == timezone.localdate()
    assert not version.is_pending
    in_person = next(option for option in version.record["channels"] if option["channel"] == "in_person")
    assert in_person["fees"][0]["amount_vnd"] == 10000
    assert procedure.version_in_force() == version


def test_a_change_taking_effect_later_waits_and_the_daily_task_applies_it_once(editor, procedure):
    today = timezone.localdate()
    later = today + dt.timedelta(days=10)
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000", "effective_from": later.isoformat()})
    version = procedure.versions.get(number=2)
    assert version.is_pending and version.effective_from == later
    # Until then the procedure's rows, and the terms of a dossier, are today's.
    assert procedure.fees.get().amount == 8000
    assert procedure.terms_for("in_person", {})["fees"][0]["amount"] == 8000
    assert procedure.version_in_force().number == 1

    assert apply_due_versions(today) == 0
    assert apply_due_versions(later) == 1
    assert apply_due_versions(later) == 0
    assert procedure.fees.get().amount == 10000
    assert procedure.version_in_force().number == 2
    assert procedure.versions.count() == 2


def test_a_change_cannot_take_effect_in_the_past(editor, procedure):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {**change_form_data(procedure), "effective_from": yesterday.isoformat()}
    response = editor.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert response.status_code == 200
    assert procedure.versions.count() == 1


def test_publishing_records_a_version_and_a_procedure_in_review_has_none():
    procedure = ProcedureFactory(status=Procedure.Status.IN_REVIEW)
    assert record_version(procedure) is None
    procedure.publish()
    assert procedure.versions.get().number == 1


def test_a_json_import_run_twice_records_one_version(procedure):
    data = export_catalogue([procedure])
    data["procedures"][0]["documents"].append({"name": "Giấy chứng sinh", "originals": 1})
    assert import_catalogue(data).changes == {procedure.code: ["documents"]}
    again = import_catalogue(data)
    assert again.unchanged == [procedure.code]
    assert list(procedure.versions.values_list("number", "changes")) == [(1, []), (2, ["documents"])]


def test_the_national_import_run_twice_records_one_version_and_reports_what_changed():
    out = io.StringIO()
    call_command("import_national_catalogue", str(NATIONAL), "--sector", "Chứng thực", "--quiet", stdout=out)
    published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
    assert published.exists()
    assert {p.versions.count() for p in published} == {1}
    call_command("import_national_catalogue", str(NATIONAL), "--sector", "Chứng thực", "--quiet", stdout=out)
    assert {p.versions.count() for p in published} == {1}

    # A fee changed here since: the national release puts it back, and says so.
    fee = Fee.objects.filter(procedure__in=published).first()
    fee.amount += 1000
    fee.save()
    out = io.StringIO()
    call_command("import_national_catalogue", str(NATIONAL), "--sector", "Chứng thực", stdout=out)
    report = out.getvalue()
    assert f"{fee.procedure.code} [changed] fees" in report
    assert "1 updated" in report
    assert "Changed, by part: fees ×1" in report


def test_a_new_version_changes_nothing_of_a_dossier_in_progress(vn_holidays, office_a, chi, editor, procedure):
    dossier = received_dossier(procedure, office_a, chi)
    before = (dossier.fees, sorted(dossier.documents.values_list("name", flat=True)), dossier.due_at)
    assert dossier.procedure_version == 1

    data = change_form_data(procedure)
    save_page(
        editor,
        procedure,
        **{
            fee_field(procedure, "amount"): "20000",
            "documents-0-name": "Tờ khai theo mẫu mới",
            **{f"channels-{i}-time_limit_amount": "10" for i in range(int(data["channels-TOTAL_FORMS"]))},
        },
    )
    assert procedure.version_in_force().changes == ["documents", "time_limits", "fees"]
    dossier.refresh_from_db()
    assert (dossier.fees, sorted(dossier.documents.values_list("name", flat=True)), dossier.due_at) == before
    assert dossier.procedure_version == 1
    editor.logout()
    editor.login(username="chi", password=PASSWORD)
    page = editor.get(dossier.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version 1 of the procedure" in page
    assert received_dossier(Procedure.objects.get(pk=procedure.pk), office_a, chi).procedure_version == 2


def test_the_page_and_the_api_show_the_version_in_force(client, editor, procedure):
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000"})
    today = timezone.localdate()
    page = client.get(procedure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Version 2, in force since {today:%d/%m/%Y}" in page
    assert "What changed: fees" in page
    detail = client.get(f"/api/v1/procedures/{procedure.code}/").json()
    assert (detail["version"], detail["in_force_since"]) == (2, today.isoformat())


def test_the_migration_records_version_1_as_the_record_reads():
    procedure = ProcedureFactory()
    question = Question.objects.create(procedure=procedure, key="on-behalf", text="Nộp thay?")
    RequiredDocument.objects.create(procedure=procedure, position=3, name="Giấy ủy quyền", condition=question)
    Fee.objects.create(
        procedure=procedure, channel="online", name="Lệ phí", amount=4000, valid_until=dt.date(2026, 12, 31)
    )
    Fee.objects.create(procedure=procedure, channel="online", name="Phí", amount=5, currency="USD", unit="bản")
    Stage.objects.create(procedure=procedure, kind="approve", share_percent=40)
    Stage.objects.create(procedure=procedure, kind="receive", share_percent=60)
    LegalDocument.objects.create(procedure=procedure, number="60/2014/QH13", issued_on=dt.date(2014, 11, 20))
    migration = importlib.import_module("procedures.migrations.0008_first_versions")
    procedure = Procedure.objects.get(pk=procedure.pk)
    assert migration.record(procedure) == procedure_record(procedure)
    assert not ProcedureVersion.objects.exists()


def test_a_pending_version_keeps_a_change_applied_since_in_the_parts_it_did_not_change(editor, procedure):
    today = timezone.localdate()
    later = today + dt.timedelta(days=10)
    # Recorded first, for later: a new fee.
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000", "effective_from": later.isoformat()})
    # Then a correction that applies at once: a document renamed.
    save_page(editor, procedure, **{"documents-0-name": "Tờ khai theo mẫu mới"})
    assert procedure.versions.get(number=3).changes == ["documents"]

    assert apply_due_versions(later) == 1
    procedure.refresh_from_db()
    assert procedure.fees.get().amount == 10000
    assert procedure.documents.order_by("position").first().name == "Tờ khai theo mẫu mới"
    version = procedure.versions.get(number=2)
    assert version == procedure.version_in_force()
    assert version.changes == ["fees"]
    assert version.record == procedure_record(Procedure.objects.get(pk=procedure.pk))


def test_a_change_applied_now_is_warned_of_the_parts_a_pending_version_will_set_again(editor, procedure):
    later = timezone.localdate() + dt.timedelta(days=10)
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000", "effective_from": later.isoformat()})
    response = editor.post(
        f"/admin/procedures/procedure/{procedure.pk}/change/",
        {**change_form_data(procedure), fee_field(procedure, "amount"): "9000"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"Version 2, which takes effect on {later:%d/%m/%Y}, also changes fees" in m for m in shown), shown
    assert procedure.fees.get().amount == 9000
    # On its day the version announced for it sets the fee it was recorded with.
    apply_due_versions(later)
    assert procedure.fees.get().amount == 10000


def test_the_versions_page_lists_what_is_announced_in_force_and_before(client, editor, procedure):
    today = timezone.localdate()
    later = today + dt.timedelta(days=10)
    save_page(editor, procedure, **{"documents-0-name": "Tờ khai theo mẫu mới"})
    save_page(editor, procedure, **{fee_field(procedure, "amount"): "10000", "effective_from": later.isoformat()})

    detail = client.get(procedure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/procedures/{procedure.code}/versions/"' in detail
    response = client.get(f"/procedures/{procedure.code}/versions/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    announced = page.index(f"Version 3: takes effect on {later:%d/%m/%Y}")
    in_force = page.index(f"Version 2: in force since {today:%d/%m/%Y}")
    before = page.index(f"Version 1: in force on {today:%d/%m/%Y}, replaced the same day")
    assert announced < in_force < before
    assert "What changes: fees." in page and "What changed: documents." in page
    # The announced fee, and the fee in force, each under its version.
    assert "10,000 VND" in page[announced:in_force] and "8,000 VND" in page[in_force:before]
    assert "Tờ khai theo mẫu mới" in page[in_force:before]

    vietnamese = client.get(f"/procedures/{procedure.code}/versions/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "10.000 đồng" in vietnamese


def test_the_versions_page_of_an_unknown_procedure_is_not_found(client):
    assert client.get("/procedures/9.999999/versions/").status_code == 404
