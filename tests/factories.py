import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.models import CalendarYear, Membership, Office, User
from procedures.models import Fee, Procedure, ProcedureChannel, RequiredDocument, Sector

PASSWORD = "correct-horse-battery"

# A one-page PDF that a PDF reader accepts.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n"
)


def pdf_of_size(size: int) -> bytes:
    """A one-page PDF of `size` bytes whose weight is the page's image
    stream, as in a heavy scan (a scan's bytes are its pictures, not its
    structure)."""

    def build(data_length: int) -> bytes:
        objects = [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</Im0 4 0 R>>>>>>",
            b"<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8"
            b"/Length %d>>stream\n" % data_length + b"\x80" * data_length + b"\nendstream",
        ]
        pdf, offsets = b"%PDF-1.4\n", []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(pdf))
            pdf += b"%d 0 obj" % number + body + b"endobj\n"
        xref = len(pdf)
        pdf += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
        return pdf + b"trailer<</Size 5/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref

    overhead = len(build(0))
    pdf = build(size - overhead)
    while len(pdf) != size:  # the digits of the lengths and offsets may differ by one
        pdf = build(size - overhead - (len(pdf) - size))
        overhead = len(pdf) - (size - overhead)
    return pdf


def png() -> bytes:
    """A small real PNG, as a phone photo would be (only smaller)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"000.{n:02d}.00.H99")
    name = factory.Sequence(lambda n: f"Xã số {n}")
    level = Office.Level.COMMUNE
    parent = None

    @factory.post_generation
    def calendar_years(office, create, extracted, **kwargs):
        """The years the tests count deadlines in, marked loaded (their
        holidays: only where a test seeds them)."""
        if create:
            years = extracted or range(2024, 2029)
            CalendarYear.objects.bulk_create(
                [CalendarYear(country=office.holiday_country, year=year) for year in years], ignore_conflicts=True
            )


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(DjangoModelFactory):
    """A procedure on every channel, 3 working days, one 8,000 VND fee in
    person, two documents (one mandatory)."""

    class Meta:
        model = Procedure
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử số {n}")
    sector = factory.SubFactory(SectorFactory)
    level = Procedure.Level.COMMUNE
    online_level = Procedure.OnlineLevel.PARTIAL

    @factory.post_generation
    def terms(procedure, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for channel in ("online", "in_person", "post"):
            ProcedureChannel.objects.create(
                procedure=procedure, channel=channel, time_limit_amount=3, time_limit_unit="working_days"
            )
        Fee.objects.create(procedure=procedure, channel="in_person", name="Lệ phí", amount=8000)
        RequiredDocument.objects.create(procedure=procedure, position=1, name="Tờ khai", originals=1)
        RequiredDocument.objects.create(
            procedure=procedure, position=2, name="Giấy ủy quyền (nếu có)", originals=1, is_mandatory=False
        )


def staff_member(username: str, full_name: str, office: Office, role: str) -> User:
    user = UserFactory(username=username, full_name=full_name)
    Membership.objects.create(user=user, office=office, role=role)
    return user


def applicant(**overrides) -> dict:
    return {
        "name": "Nguyễn Thị Lan",
        "id_number": "001190012345",
        "phone": "0912345678",
        "email": "lan@example.org",
        "address": "Số 1 phố Hàng Bạc, phường Hoàn Kiếm",
        **overrides,
    }


def received_dossier(procedure, office, clerk, *, name: str | None = None, details: dict | None = None, **kwargs):
    """A walk-in dossier received at the counter, its first document ticked
    (the applicant's `details` in place of the usual ones)."""
    from dossiers.workflow import open_dossier

    kwargs.setdefault("received_documents", {1})
    kwargs.setdefault("channel", "in_person")
    return open_dossier(
        procedure=procedure,
        receiving_office=office,
        applicant=applicant(**({"name": name} if name else {}), **(details or {})),
        actor=clerk,
        receive=True,
        **kwargs,
    )


def submitted_online(procedure, office, citizen, **kwargs):
    """A dossier a citizen submitted online, waiting for the counter."""
    from dossiers.workflow import open_dossier

    return open_dossier(
        procedure=procedure,
        receiving_office=office,
        channel="online",
        applicant=applicant(),
        actor=citizen,
        citizen=citizen,
        **kwargs,
    )


def change_form_data(procedure: Procedure) -> dict:
    """What the admin's procedure page posts when saved unchanged."""
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector_id,
        "level": procedure.level,
        "online_level": procedure.online_level,
        "is_active": "on",
        "status": procedure.status,
        "levels": "[]",
        "implementing_agency": "",
        "competent_agency": "",
        "applicants": "",
        "conditions": "",
        "steps": "",
        "result": "",
        "result_code": "",
        "decision_number": "",
        "source_url": "",
    }
    for prefix, rows, fields in [
        (
            "channels",
            procedure.channels.all(),
            ["channel", "case_name", "time_limit_amount", "time_limit_unit", "description"],
        ),
        (
            "fees",
            procedure.fees.all(),
            ["channel", "name", "case_name", "amount", "currency", "unit", "exemption_note"],
        ),
        ("questions", procedure.questions.all(), ["position", "key", "text", "text_en", "text_th", "help_text"]),
        (
            "documents",
            procedure.documents.all(),
            ["position", "case_name", "name", "kind", "originals", "copies", "scope", "group", "template_name"],
        ),
        ("stages", procedure.stages.all(), ["kind", "share_percent"]),
        ("legal_basis", procedure.legal_basis.all(), ["position", "number", "title"]),
    ]:
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-procedure"] = procedure.pk
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = getattr(row, name)
            if prefix == "documents" and row.is_mandatory:
                data[f"{prefix}-{i}-is_mandatory"] = "on"
            if prefix == "documents" and row.condition_id:
                data[f"{prefix}-{i}-condition"] = row.condition_id
    return data


# The birth declaration (procedures/eforms/birth.py) a mother types for her
# son, born three weeks ago, the father unknown.
BIRTH_DECLARATION_BORN_ON = timezone.localdate() - dt.timedelta(days=21)
BIRTH_DECLARATION = {
    "child_name": "Nguyễn Hoàng Bảo Anh",
    "child_sex": "male",
    "child_birth_date": f"{BIRTH_DECLARATION_BORN_ON:%d/%m/%Y}",
    "child_birth_place": "Bệnh viện Phụ sản Hà Nội, phường Láng, thành phố Hà Nội",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
    "child_home_town": "xã Đông Kết, tỉnh Hưng Yên",
    "mother_name": "Nguyễn Thị Lan",
    "mother_birth_year": "1995",
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "mother_residence": "Số 1 phố Hàng Bạc, phường Hoàn Kiếm",
    "mother_id_number": "001195012345",
    "father_name": "",
    "father_birth_year": "",
    "father_ethnicity": "",
    "father_nationality": "",
    "father_residence": "",
    "father_id_number": "",
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_id_number": "001195012345",
    "applicant_residence": "Số 1 phố Hàng Bạc, phường Hoàn Kiếm",
    "applicant_relationship": "Mẹ",
}


def migrated_schedule(migration: str, func: str):
    """The schedule of `func` as migration `migration` makes it. Run again
    here: a test with a live server empties the tables after it, schedules too."""
    import importlib

    from django.apps import apps

    importlib.import_module(migration).create_schedule(apps, None)
    return apps.get_model("django_q", "Schedule").objects.get(func=func)


def what_the_hand_over_needs(dossier, action: str) -> dict:
    """What `perform` needs besides the action where the delivery asks for
    it: a result PDF to stamp a dossier whose result goes out electronically,
    the envelope's item number to hand a result to the postal service."""
    import datetime as dt

    from dossiers import postal, results

    if action == "stamp" and dossier.delivery == "electronic":
        return {"result": results.Draft(number=f"{dossier.pk}/QĐ", issued_on=dt.date(2026, 1, 5), content=PDF)}
    if action == "return" and dossier.delivery == "post":
        serial = f"{dossier.pk:08d}"
        return {"postal_item": f"EB{serial}{postal.check_digit(serial)}VN"}
    return {}
