"""The catalogue editor (the procedure page of the admin): amounts typed
with a comma or a dot, ambiguous amounts refused, the error summary, same-day
limits, rows added at the end, help on the page."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from procedures.forms import AmountField, AmountInput
from procedures.models import LegalDocument, Procedure, ProcedureChannel, RequiredDocument
from tests.factories import PASSWORD, ProcedureFactory, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, mai):
    client.login(username="mai", password=PASSWORD)
    return client


def change_page(procedure: Procedure) -> str:
    return f"/admin/procedures/procedure/{procedure.pk}/change/"


def post(client, procedure, data, language="vi"):
    return client.post(change_page(procedure), data, HTTP_ACCEPT_LANGUAGE=language)


def channel_index(data: dict, channel: str) -> int:
    return next(i for i in range(int(data["channels-TOTAL_FORMS"])) if data[f"channels-{i}-channel"] == channel)


def input_value(page: str, name: str) -> str | None:
    """The value attribute of the input named `name` (None: no value)."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


# Amounts ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["1,5", "1.5"])
def test_a_time_limit_typed_with_a_comma_or_a_dot_is_one_and_a_half(editor, language, typed):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data[f"channels-{channel_index(data, 'online')}-time_limit_amount"] = typed
    response = post(editor, procedure, data, language)
    assert response.status_code == 302
    assert procedure.channel("online").time_limit_amount == Decimal("1.5")


@pytest.mark.parametrize("typed", ["1.234,5", "1,234.5", "1.234", "1,234"])
def test_an_amount_that_reads_two_ways_is_refused_and_nothing_changes(editor, typed):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data["name"] = "Tên mới"
    data[f"channels-{channel_index(data, 'online')}-time_limit_amount"] = typed
    for language, message in [
        ("en", f"“{typed}” could be read two ways."),
        ("vi", f"“{typed}” có thể hiểu theo hai cách."),
    ]:
        response = post(editor, procedure, data, language)
        assert response.status_code == 200
        assert message in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.name != "Tên mới"
    assert procedure.channel("online").time_limit_amount == 3


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1,5", "1.5"), ("1.5", "1.5"), (" 2 ", "2"), ("0,25", "0.25"), (",5", "0.5"), ("12.", "12"), ("1.50", "1.50")],
)
def test_the_amount_field_reads_one_separator_either_way(typed, amount):
    assert AmountField(max_digits=6, decimal_places=2).clean(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.234,5", "ambiguous"),
        ("1,234", "ambiguous"),
        ("1.2.3", "ambiguous"),
        ("1 5", "invalid"),
        ("1e3", "invalid"),
        ("NaN", "invalid"),
        ("một", "invalid"),
    ],
)
def test_the_amount_field_refuses_what_it_would_have_to_guess(typed, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        AmountField(max_digits=6, decimal_places=2).clean(typed)
    assert raised.value.code == code


def test_an_amount_is_shown_without_trailing_zeros_with_the_readers_separator():
    box = AmountInput()
    for language, expected in [("vi", "1,5"), ("en", "1.5"), ("th", "1.5")]:
        with translation.override(language):
            assert box.format_value(Decimal("1.50")) == expected
            assert box.format_value(Decimal("3.00")) == "3"
    assert box.format_value("1.234,5") == "1.234,5"  # what was typed comes back as typed


def test_the_page_shows_a_time_limit_in_the_readers_notation(editor):
    procedure = ProcedureFactory()
    ProcedureChannel.objects.filter(procedure=procedure).update(time_limit_amount=Decimal("1.50"))
    data = change_form_data(procedure)
    name = f"channels-{channel_index(data, 'online')}-time_limit_amount"
    vietnamese = editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    english = editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert input_value(vietnamese, name) == "1,5"
    assert input_value(english, name) == "1.5"
    assert 'type="number"' not in vietnamese.split('id="documents-group"')[0].split('id="channels-group"')[1]


def test_stage_shares_take_a_comma_too(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    shares = {"receive": "5", "appraise": "62,5", "approve": "17.5", "stamp": "10", "return": "5"}
    data["stages-TOTAL_FORMS"] = str(len(shares))
    for i, (kind, share) in enumerate(shares.items()):
        data[f"stages-{i}-kind"] = kind
        data[f"stages-{i}-share_percent"] = share
    assert post(editor, procedure, data).status_code == 302
    assert procedure.stage_shares()["appraise"] == Decimal("62.5")


# Same day --------------------------------------------------------------------


def test_a_same_day_limit_stores_0_and_shows_no_amount(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    online, in_person = channel_index(data, "online"), channel_index(data, "in_person")
    data[f"channels-{online}-time_limit_unit"] = "same_day"
    data[f"channels-{online}-time_limit_amount"] = ""  # the box is hidden for same day
    data[f"channels-{in_person}-time_limit_unit"] = "same_day"
    data[f"channels-{in_person}-time_limit_amount"] = "5"  # left from before: ignored
    assert post(editor, procedure, data).status_code == 302
    assert procedure.channel("online").time_limit_amount == 0
    assert procedure.channel("in_person").time_limit_amount == 0

    page = editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert input_value(page, f"channels-{online}-time_limit_amount") is None
    assert input_value(page, f"channels-{in_person}-time_limit_amount") is None
    assert "0.00" not in page and "0,00" not in page
    assert "không cần: giải quyết trong ngày" in page


def test_any_other_unit_needs_an_amount(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data[f"channels-{channel_index(data, 'online')}-time_limit_amount"] = ""
    response = post(editor, procedure, data, "en")
    assert response.status_code == 200
    assert "Channels and time limits, row" in response.content.decode()
    assert procedure.channel("online").time_limit_amount == 3


# The error summary -------------------------------------------------------------


def test_the_error_summary_lists_every_error_in_vietnamese_and_links_each_to_its_field(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    online = channel_index(data, "online")
    data["name"] = ""
    data[f"channels-{online}-time_limit_amount"] = "1.234,5"
    data["documents-1-name"] = ""
    data.update({"stages-TOTAL_FORMS": "1", "stages-0-kind": "appraise", "stages-0-share_percent": "60"})
    response = post(editor, procedure, data)
    assert response.status_code == 200
    page = response.content.decode()

    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert "Chưa lưu gì: có 4 lỗi cần sửa" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [(anchor, " ".join(text.split())) for anchor, text in links] == [
        ("id_name", "Tên: Trường này là bắt buộc."),
        (
            f"id_channels-{online}-time_limit_amount",
            f"Hình thức nộp và thời hạn giải quyết, dòng {online + 1}: "
            "Thời hạn giải quyết: “1.234,5” có thể hiểu theo hai cách. "
            "Hãy viết phần thập phân sau một dấu phẩy hoặc một dấu chấm, không dùng dấu phân cách hàng nghìn: "
            "1,5 hoặc 1.5.",
        ),
        ("id_documents-1-name", "Thành phần hồ sơ, dòng 2: Tên: Trường này là bắt buộc."),
        (
            "stages-group",
            "Bước xử lý: Tổng tỷ lệ thời hạn giải quyết của các bước là 60 %; tổng này phải bằng 100 %.",
        ),
    ]
    # Every link lands on the field, marked beside the message.
    for anchor, _text in links[:3]:
        field = re.search(rf'<[^>]*id="{anchor}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field
        assert f'<ul class="errorlist" id="{anchor}_error">' in page
    assert 'id="stages-group"' in page
    # The stages are folded away, except when they hold an error.
    stages = page.split('id="stages-group"')[1].split('id="legal_basis-group"')[0]
    assert "<details>" not in stages
    assert "Please correct" not in page


def test_the_error_summary_is_in_the_readers_language(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data["documents-0-name"] = ""
    page = post(editor, procedure, data, "en").content.decode()
    assert "Nothing was saved: 1 problem to correct" in page
    assert '<a href="#id_documents-0-name">Required documents, row 1: Name: This field is required.</a>' in page
    page = post(editor, procedure, data, "th").content.decode()
    assert "เอกสารประกอบคำขอ แถว 1: ชื่อ:" in page


def test_a_row_marked_for_deletion_is_not_in_the_summary(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data.update({"documents-0-name": "", "documents-0-DELETE": "on", "documents-1-name": ""})
    page = post(editor, procedure, data, "en").content.decode()
    assert "Nothing was saved: 1 problem to correct" in page
    assert "Required documents, row 2: Name: This field is required." in page


def test_a_channel_given_twice_is_named_in_the_summary(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data[f"channels-{channel_index(data, 'post')}-channel"] = "online"
    page = post(editor, procedure, data, "en").content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert (
        '<a href="#channels-group">Channels and time limits: Please correct the duplicate data for channel' in summary
    )
    assert procedure.channel("post") is not None


# Rows added at the end -----------------------------------------------------------


def test_a_new_document_goes_after_the_last_one(editor):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data["documents-TOTAL_FORMS"] = "4"
    for i, name in [(2, "Bản sao giấy tờ tùy thân"), (3, "Giấy xác nhận cư trú")]:
        data.update({f"documents-{i}-position": "", f"documents-{i}-name": name})
        data.update(
            {
                f"documents-{i}-originals": "1",
                f"documents-{i}-copies": "0",
                f"documents-{i}-is_mandatory": "on",
                f"documents-{i}-kind": "hand_in",
            }
        )
    assert post(editor, procedure, data).status_code == 302
    assert [(d.position, d.name) for d in RequiredDocument.objects.filter(procedure=procedure)] == [
        (1, "Tờ khai"),
        (2, "Giấy ủy quyền (nếu có)"),
        (3, "Bản sao giấy tờ tùy thân"),
        (4, "Giấy xác nhận cư trú"),
    ]


def test_a_new_legal_document_goes_after_the_last_one(editor):
    procedure = ProcedureFactory()
    LegalDocument.objects.create(procedure=procedure, position=7, number="60/2014/QH13")
    data = change_form_data(procedure)
    data.update({"legal_basis-TOTAL_FORMS": "2", "legal_basis-1-number": "123/2015/NĐ-CP"})
    assert post(editor, procedure, data).status_code == 302
    assert list(procedure.legal_basis.values_list("position", "number")) == [
        (7, "60/2014/QH13"),
        (8, "123/2015/NĐ-CP"),
    ]


def test_the_page_shows_help_under_fields_not_in_tooltips(editor):
    procedure = ProcedureFactory()
    page = editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "help-tooltip" not in page
    assert "Blank when the document belongs to every case." in page
    assert "A comma or a dot before the decimals: 1,5 or 1.5" in page


# Fees in whole dong -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["50000", "50.000", "50,000", "50 000"])
def test_a_fee_typed_with_or_without_thousands_separators_is_fifty_thousand_dong(editor, language, typed):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data["fees-0-amount"] = typed
    assert post(editor, procedure, data, language).status_code == 302
    assert procedure.fees.get().amount_vnd == 50000


@pytest.mark.parametrize("typed", ["1,5", "50.5", "5.0000", "50.00.0", "-"])
def test_a_fee_with_decimals_is_refused(editor, typed):
    procedure = ProcedureFactory()
    data = change_form_data(procedure)
    data["fees-0-amount"] = typed
    response = post(editor, procedure, data, "en")
    assert "An amount in dong is a whole number" in response.content.decode()
    assert procedure.fees.get().amount_vnd == 8000


def test_a_fee_is_shown_grouped_the_readers_way(editor):
    procedure = ProcedureFactory()
    assert (
        input_value(editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="vi").content.decode(), "fees-0-amount")
        == "8.000"
    )
    assert (
        input_value(editor.get(change_page(procedure), HTTP_ACCEPT_LANGUAGE="en").content.decode(), "fees-0-amount")
        == "8,000"
    )
