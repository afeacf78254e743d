"""The catalogue's JSON format: export, idempotent import, all-or-nothing
refusal of a bad file, from the command line and from the admin."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from procedures.interchange import CatalogueImportError, export_catalogue, import_catalogue
from procedures.models import LegalDocument, Procedure, RequiredDocument, Sector, Stage
from tests.factories import PASSWORD, ProcedureFactory, change_form_data


def birth_registration() -> dict:
    return {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "sector": "ho-tich",
        "level": "commune",
        "online_level": "partial",
        "applicants": "Công dân Việt Nam",
        "result": "Giấy khai sinh",
        "result_code": "KQ.G15.000031",
        "channels": [
            {"channel": "online", "time_limit": {"amount": "0", "unit": "same_day"}},
            {
                "channel": "in_person",
                "time_limit": {"amount": "0", "unit": "same_day"},
                "fees": [{"name": "Lệ phí", "amount_vnd": 0, "exemption_note": "Miễn lệ phí đăng ký đúng hạn"}],
            },
        ],
        "documents": [
            {"name": "Giấy chứng sinh", "originals": 1},
            {"name": "Văn bản ủy quyền (nếu có)", "is_mandatory": False, "case": "Ủy quyền"},
        ],
        "stages": [
            {"kind": "receive", "share_percent": "10"},
            {"kind": "appraise", "share_percent": "50"},
            {"kind": "approve", "share_percent": "30"},
            {"kind": "stamp", "share_percent": "10"},
        ],
        "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": "2014-11-20"}],
    }


def residence() -> dict:
    return {
        "code": "1.004222",
        "name": "Đăng ký thường trú",
        "sector": "cu-tru",
        "level": "commune",
        "online_level": "partial",
        "channels": [
            {
                "channel": "online",
                "time_limit": {"amount": "7", "unit": "working_days"},
                "fees": [{"name": "Lệ phí", "amount_vnd": 10000}],
            },
            {
                "channel": "in_person",
                "time_limit": {"amount": "7", "unit": "working_days"},
                "fees": [{"name": "Lệ phí", "amount_vnd": 20000}],
            },
        ],
    }


def catalogue(*procedures) -> dict:
    return {
        "format": "one-stop-catalogue",
        "version": 1,
        "sectors": [{"code": "ho-tich", "name": "Hộ tịch"}, {"code": "cu-tru", "name": "Cư trú"}],
        "procedures": list(procedures),
    }


pytestmark = pytest.mark.django_db


def test_a_file_imports_with_every_part():
    summary = import_catalogue(catalogue(birth_registration(), residence()))
    assert (summary.created, summary.updated) == (["1.001193", "1.004222"], [])

    birth = Procedure.objects.get(code="1.001193")
    assert birth.sector.name == "Hộ tịch"
    assert birth.channel("online").time_limit.unit == "same_day"
    assert birth.channel("post") is None
    assert [(f.channel, f.amount_vnd) for f in birth.fees.all()] == [("in_person", 0)]
    assert [(d.name, d.is_mandatory, d.case_name) for d in birth.documents.all()] == [
        ("Giấy chứng sinh", True, ""),
        ("Văn bản ủy quyền (nếu có)", False, "Ủy quyền"),
    ]
    assert birth.stage_shares()["appraise"] == Decimal(50)
    assert LegalDocument.objects.get(procedure=birth).issued_on.isoformat() == "2014-11-20"
    assert Procedure.objects.get(code="1.004222").terms_for("online")["fees"] == [
        {
            "name": "Lệ phí",
            "amount_vnd": 10000,
            "amount": 10000,
            "currency": "VND",
            "unit": "",
            "case": "",
            "valid_from": None,
            "valid_until": None,
            "exemption_note": "",
        }
    ]


def test_export_then_import_gives_back_the_same_catalogue():
    import_catalogue(catalogue(birth_registration(), residence()))
    exported = export_catalogue()
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    import_catalogue(json.loads(json.dumps(exported)))
    assert export_catalogue() == exported


def test_importing_twice_changes_nothing_and_a_changed_record_updates_by_code():
    import_catalogue(catalogue(birth_registration(), residence()))
    document_ids = set(RequiredDocument.objects.values_list("pk", flat=True))

    again = import_catalogue(catalogue(birth_registration(), residence()))
    assert (again.created, again.updated, again.unchanged) == ([], [], ["1.001193", "1.004222"])
    assert set(RequiredDocument.objects.values_list("pk", flat=True)) == document_ids

    changed = residence()
    changed["channels"][0]["time_limit"]["amount"] = "5"
    summary = import_catalogue(catalogue(birth_registration(), changed))
    assert summary.updated == ["1.004222"]
    assert Procedure.objects.count() == 2
    assert Procedure.objects.get(code="1.004222").channel("online").time_limit.amount == 5


@pytest.mark.parametrize(
    ("break_it", "field", "message"),
    [
        (lambda r: r.pop("name"), "name", "This field is required."),
        (
            lambda r: r["channels"][1]["fees"][0].update(amount_vnd=-5000),
            "channels[1].fees[0].amount_vnd",
            "greater than or equal to 0",
        ),
        (lambda r: r.update(sector="khong-co"), "sector", "Unknown sector khong-co"),
        (
            lambda r: r["stages"].pop(),
            "stages",
            "The stages' shares of the time limit add up to 90 %; they must add up to 100 %.",
        ),
        (lambda r: r["channels"].append(dict(r["channels"][0])), "channels", "only once"),
        (
            lambda r: r["channels"][0]["time_limit"].update(unit="fortnights"),
            "channels[0].time_limit.unit",
            "not a valid choice",
        ),
        (lambda r: r.update(channels=[]), "channels", "needs at least one channel"),
        (lambda r: r.update(code="KS-01"), "code", "digits, a dot and digits"),
    ],
)
def test_a_bad_record_is_reported_by_position_and_rule_and_nothing_is_imported(break_it, field, message):
    bad = birth_registration()
    break_it(bad)
    with pytest.raises(CatalogueImportError) as raised:
        import_catalogue(catalogue(residence(), bad))
    (problem,) = raised.value.problems
    assert (problem.position, problem.field) == (2, field)
    assert message in problem.message
    assert str(problem).startswith("procedure #2")
    # The good record before it was not imported either, nor the sectors.
    assert not Procedure.objects.exists()
    assert not Sector.objects.exists()


def test_every_problem_of_a_file_is_reported_at_once():
    first, second = birth_registration(), residence()
    first["channels"][1]["fees"][0]["amount_vnd"] = -1
    second["sector"] = "unknown"
    with pytest.raises(CatalogueImportError) as raised:
        import_catalogue(catalogue(first, second, copy.deepcopy(second) | {"sector": "cu-tru"}))
    assert [(p.position, p.field) for p in raised.value.problems] == [
        (1, "channels[1].fees[0].amount_vnd"),
        (2, "sector"),
    ]


def test_a_repeated_code_and_a_foreign_file_are_refused():
    with pytest.raises(CatalogueImportError) as raised:
        import_catalogue(catalogue(residence(), residence()))
    assert raised.value.problems[0].field == "code"
    with pytest.raises(CatalogueImportError) as raised:
        import_catalogue({"procedures": []})
    assert "not a catalogue file" in str(raised.value.problems[0])


def test_an_uploaded_form_template_survives_an_update(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    import_catalogue(catalogue(birth_registration()))
    document = RequiredDocument.objects.get(name="Giấy chứng sinh")
    document.template.save("to-khai.docx", io.BytesIO(b"form"))
    changed = birth_registration()
    changed["name"] = "Đăng ký khai sinh"
    import_catalogue(catalogue(changed))
    assert RequiredDocument.objects.get(name="Giấy chứng sinh").template.name == document.template.name


# Commands -----------------------------------------------------------------


def test_the_commands_export_and_import_a_file(tmp_path):
    import_catalogue(catalogue(birth_registration(), residence()))
    path = tmp_path / "catalogue.json"
    call_command("export_catalogue", str(path), "--sector", "cu-tru", stderr=io.StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [p["code"] for p in data["procedures"]] == ["1.004222"]
    assert "Đăng ký thường trú" in path.read_text(encoding="utf-8")  # not \u-escaped

    Procedure.objects.all().delete()
    out = io.StringIO()
    call_command("import_catalogue", str(path), stdout=out)
    assert "1 created, 0 updated, 0 unchanged" in out.getvalue()


def test_the_import_command_lists_the_problems_and_fails(tmp_path):
    bad = residence()
    bad["channels"][0]["fees"][0]["amount_vnd"] = -10
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(catalogue(bad)), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_catalogue", str(path), stderr=err)
    assert "procedure #1 (1.004222): channels[0].fees[0].amount_vnd" in err.getvalue()
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_catalogue", str(tmp_path / "broken.json"))


# Admin --------------------------------------------------------------------


def upload(text: str, name="catalogue.json"):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


def test_a_catalogue_administrator_imports_a_file_in_the_admin(client, mai):
    client.login(username="mai", password=PASSWORD)
    page = client.get("/admin/procedures/procedure/import/")
    assert page.status_code == 200

    response = client.post(
        "/admin/procedures/procedure/import/",
        {"file": upload(json.dumps(catalogue(birth_registration())))},
        follow=True,
    )
    assert "Catalogue imported: 1 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Procedure.objects.filter(code="1.001193").exists()


def test_a_bad_file_in_the_admin_shows_every_problem_and_imports_nothing(client, mai):
    client.login(username="mai", password=PASSWORD)
    bad = residence()
    bad["channels"][0]["fees"][0]["amount_vnd"] = -1
    response = client.post(
        "/admin/procedures/procedure/import/",
        {"file": upload(json.dumps(catalogue(birth_registration(), bad)))},
    )
    page = response.content.decode()
    assert "Nothing was imported: 1 problem in the file." in page
    assert "procedure #2 (1.004222): channels[0].fees[0].amount_vnd" in page
    assert not Procedure.objects.exists()

    response = client.post("/admin/procedures/procedure/import/", {"file": upload("<xml/>")})
    assert "This file is not JSON" in response.content.decode()


def test_the_admin_exports_the_selected_procedures(client, mai):
    chosen = ProcedureFactory(code="1.000001")
    ProcedureFactory(code="1.000002")
    client.login(username="mai", password=PASSWORD)
    response = client.post("/admin/procedures/procedure/", {"action": "export_json", "_selected_action": [chosen.pk]})
    assert response["Content-Disposition"].startswith('attachment; filename="catalogue-')
    data = json.loads(response.content)
    assert [p["code"] for p in data["procedures"]] == ["1.000001"]
    fees = {c["channel"]: c["fees"] for c in data["procedures"][0]["channels"]}
    assert fees == {
        "in_person": [{"name": "Lệ phí", "amount_vnd": 8000, "exemption_note": ""}],
        "online": [],
        "post": [],
    }


def test_stage_shares_must_add_up_in_the_admin(client, mai):
    procedure = ProcedureFactory()
    client.login(username="mai", password=PASSWORD)
    page = client.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert page.status_code == 200
    data = change_form_data(procedure)
    data.update(
        {
            "stages-TOTAL_FORMS": "2",
            "stages-0-kind": "appraise",
            "stages-0-share_percent": "60",
            "stages-1-kind": "approve",
            "stages-1-share_percent": "30",
        }
    )
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert "add up to 90 %; they must add up to 100 %" in response.content.decode()
    assert not Stage.objects.exists()

    data["stages-1-share_percent"] = "40"
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert response.status_code == 302
    assert Stage.objects.filter(procedure=procedure).count() == 2


def test_a_fee_for_a_channel_not_offered_is_refused_in_the_admin(client, mai):
    procedure = ProcedureFactory()
    client.login(username="mai", password=PASSWORD)
    data = change_form_data(procedure)
    data["channels-2-DELETE"] = "on"  # stop offering "post"
    data.update({"fees-TOTAL_FORMS": "2", "fees-1-channel": "post", "fees-1-name": "Phí", "fees-1-amount": "5"})
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert "The procedure is not offered on this channel" in response.content.decode()
    assert procedure.channels.count() == 3


def test_the_admin_search_ignores_diacritics(client, mai):
    ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    client.login(username="mai", password=PASSWORD)
    page = client.get("/admin/procedures/procedure/", {"q": "dang ky khai sinh"}).content.decode()
    assert "1.001193" in page and "1.000894" not in page


@pytest.mark.parametrize(
    ("sector", "field", "message"),
    [
        ({"code": ["a"], "name": "Hộ tịch"}, "sectors[0].code", "valid"),
        ({"code": "ho-tich-2", "name": "Hộ tịch"}, "sectors[0].name", "Sector “Hộ tịch” already has the code ho-tich."),
        ({"name": "Không mã"}, "sectors[0].code", "This field is required."),
    ],
)
def test_a_bad_sector_is_reported_like_any_record(sector, field, message):
    Sector.objects.create(code="ho-tich", name="Hộ tịch")
    data = catalogue(residence())
    data["sectors"] = [sector, {"code": "cu-tru", "name": "Cư trú"}]
    with pytest.raises(CatalogueImportError) as raised:
        import_catalogue(data)
    (problem,) = raised.value.problems
    assert problem.field == field and message in problem.message
    assert not Procedure.objects.exists()
