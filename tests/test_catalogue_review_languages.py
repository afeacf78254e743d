"""What the importer could not read, in the catalogue administrators' own
language: a problem is stored as a sentence to translate with its parameters
(and its English reading), and the review queue and the procedure's admin
page read it in Vietnamese, Thai or English; numbers are written the way the
language writes them; a problem stored before problems carried their sentence
still shows its English message; every sentence and field the importer
reports on the bundled and the tricky records has its Vietnamese and Thai."""

from pathlib import Path

import pytest
from django.utils import translation

from procedures.interchange import import_national
from procedures.models import Procedure
from procedures.national import FIELDS, Problem, parse_file, parse_record
from tests.factories import PASSWORD, ProcedureFactory
from tests.test_national_parser import HEADER, raw

pytestmark = pytest.mark.django_db

BUNDLED = Path(__file__).resolve().parents[1] / "procedures" / "data" / "commune-procedures.jsonl.gz"
TRICKY = Path(__file__).resolve().parent / "data" / "national-tricky.jsonl"

QUEUE = "/admin/procedures/procedure/review/"

# No time limit in person, and a fee note naming another amount.
CHANNELS = f"{HEADER}Trực tiếpKhông có thông tin1,500,000 VNĐ(3.000.000 đồng/lần)Nộp tại UBND cấp xã"


@pytest.fixture
def imported():
    parsed = parse_record(raw(ma_thu_tuc="9.000007", cach_thuc_thuc_hien=CHANNELS))
    import_national([parsed])
    procedure = Procedure.objects.get(code="9.000007")
    assert procedure.status == Procedure.Status.IN_REVIEW
    return procedure


def page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_importer_stores_the_sentence_to_translate_and_its_english(imported):
    stored = {problem["template"]: problem for problem in imported.review_problems}
    no_limit = stored["no time limit published (%(text)s)"]
    assert no_limit["field"] == "in-person channel"
    assert no_limit["message"] == "no time limit published ('Không có thông tin')"
    assert no_limit["params"] == {"text": "'Không có thông tin'"}
    fee = stored["cell says %(amount)s, its note mentions %(amounts)s; check"]
    assert fee["message"] == "cell says 1,500,000 VND, its note mentions 3,000,000 VND; check"
    assert fee["params"]["amount"] == {"amount": 1500000, "currency": "VND"}


def test_the_review_queue_reads_the_problems_in_vietnamese(client, mai, imported):
    client.login(username="mai", password=PASSWORD)
    text = page(client, QUEUE, "vi")
    assert "Hình thức nộp trực tiếp" in text
    assert "không công bố thời hạn giải quyết (&#x27;Không có thông tin&#x27;)" in text
    # Numbers as Vietnamese writes them: 1.500.000, never 1,500,000.
    assert "ô phí ghi 1.500.000 VND, ghi chú lại nêu 3.000.000 VND; cần kiểm tra" in text
    assert "no time limit published" not in text.lower()


def test_the_review_queue_reads_the_problems_in_english_and_thai(client, mai, imported):
    client.login(username="mai", password=PASSWORD)
    english = page(client, QUEUE, "en")
    assert "In-person channel" in english
    assert "no time limit published (&#x27;Không có thông tin&#x27;)" in english
    assert "cell says 1,500,000 VND, its note mentions 3,000,000 VND; check" in english
    assert "không công bố thời hạn" not in english
    thai = page(client, QUEUE, "th")
    assert "ช่องทางยื่นด้วยตนเอง" in thai and "ไม่ได้ประกาศระยะเวลาดำเนินการ" in thai


def test_the_procedures_admin_page_reads_them_in_the_language_too(client, mai, imported):
    client.login(username="mai", password=PASSWORD)
    url = f"/admin/procedures/procedure/{imported.pk}/change/"
    vietnamese = page(client, url, "vi")
    assert "Hình thức nộp trực tiếp" in vietnamese and "không công bố thời hạn giải quyết" in vietnamese
    assert "no time limit published" in page(client, url, "en")


def test_a_problem_stored_with_only_its_message_still_shows(client, mai):
    older = ProcedureFactory(code="2.000815", name="Chứng thực bản sao từ bản chính")
    Procedure.objects.filter(pk=older.pk).update(
        status=Procedure.Status.IN_REVIEW,
        review_problems=[
            {
                "field": "in-person channel",
                "message": "no time limit published ('Không có thông tin')",
                "source": "Không có thông tin",
            },
            {"field": "a field of its day", "message": "read with 50% confidence", "source": ""},
        ],
    )
    client.login(username="mai", password=PASSWORD)
    for language in ("vi", "en"):
        text = page(client, QUEUE, language)
        assert "no time limit published (&#x27;Không có thông tin&#x27;)" in text
        assert "read with 50% confidence" in text and "A field of its day" in text
    # Its field is one the catalogue knows: labelled in Vietnamese.
    assert "Hình thức nộp trực tiếp" in page(client, QUEUE, "vi")
    assert "no time limit published" in page(client, f"/admin/procedures/procedure/{older.pk}/change/", "vi")


def test_a_stored_sentence_whose_parameters_do_not_fit_reads_its_english_message():
    stored = Problem("documents", "none published; no documents imported").as_dict()
    stored.update(template="cell says %(amount)s, too little to be a fee; check", params={"other": 1})
    with translation.override("vi"):
        assert Problem.stored(stored).translated == "none published; no documents imported"
    unknown = Problem("documents", "a sentence %(n)s no catalogue has", n=3).as_dict()
    with translation.override("vi"):
        assert Problem.stored(unknown).translated == "a sentence 3 no catalogue has"


def test_several_time_limits_read_with_their_units_in_the_language():
    text = f"{HEADER}Trực tiếp10 Ngày làm việcMiễn phíTrường hợp ATrực tiếp1,5 GiờMiễn phíTrường hợp B"
    (problem,) = [p for p in parse_record(raw(cach_thuc_thuc_hien=text)).problems if p.cause == "several time limits"]
    assert problem.message.startswith("2 time limits published (10 working days; 1.5 working hours);")
    stored = Problem.stored(problem.as_dict())
    with translation.override("vi"):
        assert stored.translated.startswith("công bố 2 thời hạn (10 ngày làm việc; 1,5 giờ làm việc);")
    with translation.override("th"):
        assert stored.translated.startswith("ประกาศระยะเวลาไว้ 2 แบบ (10 วันทำการ; 1.5 ชั่วโมงทำการ)")


def _sentences(problem: Problem):
    yield problem.template
    for value in problem.params.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "template" in item:
                yield item["template"]


def test_every_sentence_and_field_the_importer_reports_is_translated():
    problems = [p for path in (BUNDLED, TRICKY) for record in parse_file(path) for p in record.problems]
    assert len(problems) > 500
    assert {problem.field for problem in problems} <= set(FIELDS)
    templates = {sentence for problem in problems for sentence in _sentences(problem)}
    assert len(templates) > 20
    with translation.override("en"):
        english = {key: str(label) for key, label in FIELDS.items()}
    for language in ("vi", "th"):
        with translation.override(language):
            untranslated = [t for t in templates if translation.gettext(t) == t]
            unlabelled = [key for key, label in FIELDS.items() if str(label) == english[key]]
        assert untranslated == [] and unlabelled == [], language
