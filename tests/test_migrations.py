"""A database of the previous layout migrates without losing a row: drafts,
their files, feedback and life events move from the dossiers app to the
citizens app with every field and link, their permissions follow them, and
a demo dossier left waiting for a supplement learns where it resumes; the
audit events written before the hash chain are chained."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from citizens.models import Draft, DraftFile, Feedback, LifeEvent
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("portal", "0005_api_keys"),
    ("procedures", "0004_refold_search_text"),
    ("dossiers", "0008_life_events"),
    ("citizens", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.fixture
def old_layout():
    """The schema as it stood before the split; the latest again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def test_every_row_of_the_old_layout_is_there_after_migrating(old_layout):
    apps = old_layout
    User = apps.get_model("portal", "User")
    Office = apps.get_model("portal", "Office")
    Sector = apps.get_model("procedures", "Sector")
    Procedure = apps.get_model("procedures", "Procedure")
    OldDossier = apps.get_model("dossiers", "Dossier")
    OldEvent = apps.get_model("dossiers", "DossierEvent")
    now = timezone.now()
    lan = User.objects.create(username="lan", full_name="Nguyễn Thị Lan", phone="0912345678")
    hospital = User.objects.create(username="bv", full_name="Bệnh viện Đa khoa tỉnh")
    office = Office.objects.create(code="000.01.00.H61", name="Phường Hoa Lư", level="commune")
    sector = Sector.objects.create(code="ho-tich", name="Hộ tịch")
    birth = Procedure.objects.create(code="1.001193", name="Đăng ký khai sinh", sector=sector, level="commune")
    common = {"procedure": birth, "receiving_office": office, "competent_office": office, "citizen": lan}
    terms = {"time_limit_amount": 3, "time_limit_unit": "working_days", "channel": "online"}
    finished = OldDossier.objects.create(
        code="000.01.00.H61-260112-0001",
        applicant_name="Nguyễn Thị Lan",
        state="returned",
        received_at=now,
        due_at=now,
        finished_at=now,
        **common,
        **terms,
    )
    # Left by the demo generator before it recorded where a supplement resumes.
    waiting = OldDossier.objects.create(
        code="000.01.00.H61-260112-0002",
        applicant_name="Trần Văn Bình",
        state="supplement_requested",
        resume_state="",
        received_at=now,
        due_at=now,
        paused_at=now,
        **common,
        **terms,
    )
    OldEvent.objects.create(
        dossier=waiting, action="request_supplement", from_state="received", to_state="supplement_requested", at=now
    )
    draft = apps.get_model("dossiers", "Draft").objects.create(
        citizen=lan, procedure=birth, office=office, applicant_name="Nguyễn Thị Lan", delivery="post"
    )
    apps.get_model("dossiers", "DraftFile").objects.create(
        draft=draft, position=1, file="drafts/2026/11/to-khai.pdf", original_name="tờ khai.pdf",
        content_type="application/pdf", size=1234, sha256="a" * 64, pages=2,
    )  # fmt: skip
    Feedback_ = apps.get_model("dossiers", "Feedback")
    Feedback_.objects.create(dossier=finished, author=lan, kind="rating", rating=5, comment="Nhanh", stage="returned")
    Feedback_.objects.create(
        dossier=finished, author=lan, kind="complaint", comment="Phải chờ lâu", stage="received", answer="Xin lỗi bà"
    )
    apps.get_model("dossiers", "LifeEvent").objects.create(
        partner=hospital, reference="BV-2026-001", occurred_at=now - dt.timedelta(days=1), place="Bệnh viện Đa khoa",
        details={"sex": "female", "weight_grams": 3100}, parent_name="Nguyễn Thị Lan", parent_id_number="037190012345",
        parent_phone="0912345678", office=office, procedure=birth, token="t" * 43, draft=draft, dossier=finished,
    )  # fmt: skip
    old_types = set(ContentType.objects.filter(app_label="dossiers").values_list("model", flat=True))

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Draft.objects.get()
    assert (moved.citizen.username, moved.procedure.code, moved.office.code, moved.delivery) == (
        "lan",
        "1.001193",
        "000.01.00.H61",
        "post",
    )
    assert list(DraftFile.objects.values_list("draft", "original_name", "size", "pages")) == [
        (moved.pk, "tờ khai.pdf", 1234, 2)
    ]
    assert sorted(Feedback.objects.values_list("kind", "rating", "comment", "answer")) == [
        ("complaint", None, "Phải chờ lâu", "Xin lỗi bà"),
        ("rating", 5, "Nhanh", ""),
    ]
    event = LifeEvent.objects.get()
    assert (event.draft, event.dossier.code, event.details["weight_grams"]) == (moved, finished.code, 3100)
    assert Dossier.objects.get(code=waiting.code).resume_state == "received"
    # The tables carry the citizens app's name now, and the permissions follow the models.
    tables = connection.introspection.table_names()
    assert {"citizens_draft", "citizens_draftfile", "citizens_feedback", "citizens_lifeevent"} <= set(tables)
    assert not {"dossiers_draft", "dossiers_feedback"} & set(tables)
    if {"draft", "feedback"} <= old_types:
        assert {"draft", "draftfile", "feedback", "lifeevent"} <= set(
            ContentType.objects.filter(app_label="citizens").values_list("model", flat=True)
        )


@pytest.fixture
def before_the_chain():
    """The schema with the chain's columns, not yet filled; the latest again afterwards."""
    apps = migrate([("dossiers", "0013_trail_chain"), ("procedures", "0009_pending_versions_schedule")])
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_events_already_written_are_chained_in_the_order_they_were_written(before_the_chain):
    apps = before_the_chain
    User = apps.get_model("portal", "User")
    Office = apps.get_model("portal", "Office")
    Procedure = apps.get_model("procedures", "Procedure")
    OldDossier = apps.get_model("dossiers", "Dossier")
    OldEvent = apps.get_model("dossiers", "DossierEvent")
    clerk = User.objects.create(username="chi", full_name="Trần Thị Chi")
    office = Office.objects.create(code="000.01.00.H61", name="Phường Hoa Lư", level="commune")
    sector = apps.get_model("procedures", "Sector").objects.create(code="ho-tich", name="Hộ tịch")
    birth = Procedure.objects.create(code="1.001193", name="Đăng ký khai sinh", sector=sector, level="commune")
    common = {"procedure": birth, "receiving_office": office, "competent_office": office, "applicant_name": "Lan"}
    terms = {"time_limit_amount": 3, "time_limit_unit": "working_days", "channel": "in_person"}
    appraised = OldDossier.objects.create(code="000.01.00.H61-260112-0001", state="appraised", **common, **terms)
    waiting = OldDossier.objects.create(code="000.01.00.H61-260112-0002", state="submitted", **common, **terms)
    morning = dt.datetime(2026, 1, 12, 8, 0, 0, 123456, tzinfo=dt.UTC)
    written = [
        OldEvent.objects.create(dossier=appraised, action="submit", to_state="submitted", actor=clerk, at=morning),
        OldEvent.objects.create(
            dossier=appraised, action="receive", from_state="submitted", to_state="received", actor=clerk,
            at=morning + dt.timedelta(hours=1), details={"documents_received": [1, 2]},
        ),
        OldEvent.objects.create(dossier=waiting, action="submit", to_state="submitted", at=morning),
        # Written last, stamped earlier (a server's clock behind): the chain
        # follows the order of writing.
        OldEvent.objects.create(
            dossier=appraised, action="appraise", from_state="received", to_state="appraised", actor=clerk,
            at=morning + dt.timedelta(minutes=30), note="Đủ điều kiện",
        ),
    ]  # fmt: skip
    assert all(event.hash == "" for event in written)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from dossiers.models import DossierEvent

    submit, receive, other, appraise = (DossierEvent.objects.get(pk=event.pk) for event in written)
    assert (submit.previous_hash, receive.previous_hash, appraise.previous_hash) == ("", submit.hash, receive.hash)
    assert other.previous_hash == "" and len({submit.hash, receive.hash, other.hash, appraise.hash}) == 4
    assert Dossier.objects.get(pk=appraised.pk).trail_head == appraise.hash
    assert Dossier.objects.get(pk=waiting.pk).trail_head == other.hash
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Checked 2 dossiers and 4 events" in out.getvalue() and "every trail holds" in out.getvalue()
