"""The audit trail holds: every event is chained to the one before it on its
dossier, nothing in the portal can change or remove one, `verify_audit`
finds whatever was changed or removed behind its back, PostgreSQL itself
refuses to, and a member of staff who downloads a citizen's file leaves an
entry the citizen does not read."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction

from dossiers.models import Dossier, DossierEvent, State
from dossiers.workflow import attach_upload, perform
from tests.factories import PASSWORD, PDF, received_dossier, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

REFUSAL = "Thủ tục không thuộc thẩm quyền của xã"


def verify(*args) -> tuple[str, int]:
    """What `manage.py verify_audit` prints, and its exit status."""
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def tamper(sql: str, params=()) -> None:
    """Raw SQL on the events, as someone at the database would send it. On
    PostgreSQL the owner of the table switches the trail's triggers off
    first (in the test's transaction, undone after it): the chain must show
    what gets past them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The foreign keys' checks of the rows written so far come first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE dossiers_dossierevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)


@pytest.fixture
def refused(procedure, office_a, lan, chi):
    dossier = submitted_online(procedure, office_a, lan)
    return perform(dossier, "refuse", actor=chi, note=REFUSAL)


@pytest.fixture
def approved(procedure, office_a, chi, son, hoa):
    """Submitted, received, appraised, approved: four events."""
    dossier = received_dossier(procedure, office_a, chi)
    perform(dossier, "appraise", actor=son)
    return perform(dossier, "approve", actor=hoa)


def event(dossier, action) -> DossierEvent:
    return DossierEvent.objects.get(dossier=dossier, action=action)


# Chained as written -----------------------------------------------------------------------------


def test_every_way_of_writing_an_event_chains_it_to_the_one_before(client, procedure, office_a, lan, chi, son):
    online = submitted_online(procedure, office_a, lan)
    attach_upload(online, upload=SimpleUploadedFile("to-khai.pdf", PDF), document=None, actor=lan)
    walk_in = received_dossier(procedure, office_a, chi)
    perform(walk_in, "request_supplement", actor=son, note="Thiếu bản sao")
    assert client.login(username="chi", password=PASSWORD)
    client.post(f"/counter/dossiers/{walk_in.code}/attachments/", {"file": SimpleUploadedFile("scan.pdf", PDF)})
    perform(walk_in, "supplement", actor=chi)

    for dossier in (online, walk_in):
        dossier.refresh_from_db()
        events = list(dossier.events.order_by("pk"))
        assert [e.previous_hash for e in events] == ["", *(e.hash for e in events[:-1])]
        assert all(len(e.hash) == 64 for e in events) and dossier.trail_head == events[-1].hash
    output, status = verify()
    assert status == 0
    assert "Checked 2 dossiers and 7 events" in output and "every trail holds" in output


def test_nothing_in_the_portal_edits_or_deletes_an_event(refused):
    refusal = event(refused, "refuse")
    with pytest.raises(ValidationError, match="never edited"):
        DossierEvent.objects.filter(pk=refusal.pk).update(note="Đã bổ sung đủ")
    with pytest.raises(ValidationError, match="never edited"), transaction.atomic():
        refusal.note = "Đã bổ sung đủ"
        DossierEvent.objects.bulk_update([refusal], ["note"])
    with pytest.raises(ValidationError, match="never deleted"):
        refused.events.all().delete()
    with pytest.raises(ValidationError, match="never edited"):
        refusal.save()
    assert list(refused.events.values_list("action", "note")) == [("submit", ""), ("refuse", REFUSAL)]
    assert verify()[1] == 0


# Found when changed behind the portal's back ----------------------------------------------------------


def test_an_edited_note_is_found(refused):
    refusal = event(refused, "refuse")
    tamper("UPDATE dossiers_dossierevent SET note = %s WHERE id = %s", ["Hồ sơ đầy đủ", refusal.pk])
    output, status = verify()
    assert status == 1
    assert f"{refused.code}: event {refusal.pk} (refuse at " in output
    assert "was changed after it was written" in output and "1 with a broken trail" in output


def test_a_deleted_event_in_the_middle_is_found(approved):
    appraisal, approval = event(approved, "appraise"), event(approved, "approve")
    tamper("DELETE FROM dossiers_dossierevent WHERE id = %s", [appraisal.pk])
    output, status = verify()
    assert status == 1
    assert f"{approved.code}: event {approval.pk} (approve at " in output
    assert "does not follow the event before it" in output


def test_a_deleted_last_event_is_found(approved):
    appraisal, approval = event(approved, "appraise"), event(approved, "approve")
    tamper("DELETE FROM dossiers_dossierevent WHERE id = %s", [approval.pk])
    output, status = verify()
    assert status == 1
    assert f"{approved.code}: event {appraisal.pk} (appraise at " in output
    assert "is its last event, but the dossier names another" in output


def test_a_dossier_whose_whole_trail_was_deleted_is_found(procedure, office_a, lan):
    dossier = submitted_online(procedure, office_a, lan)
    tamper("DELETE FROM dossiers_dossierevent WHERE dossier_id = %s", [dossier.pk])
    output, status = verify()
    assert status == 1 and f"{dossier.code}: it has no events at all" in output


def test_an_event_moved_in_time_is_found(approved):
    reception, appraisal = event(approved, "receive"), event(approved, "appraise")
    # Appraised before it was received, on the timeline.
    tamper("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s", [reception.at, appraisal.pk])
    tamper("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s", [appraisal.at, reception.pk])
    output, status = verify()
    assert status == 1 and f"event {reception.pk} (receive at " in output and "was changed" in output


def test_an_event_slipped_in_is_found(approved, hoa):
    tamper(
        "INSERT INTO dossiers_dossierevent (dossier_id, action, from_state, to_state, actor_id, at, note, details) "
        "SELECT dossier_id, 'reject', 'approved', 'rejected', %s, at, 'Không đủ điều kiện', '{}' "
        "FROM dossiers_dossierevent WHERE id = %s",
        [hoa.pk, event(approved, "approve").pk],
    )
    forged = DossierEvent.objects.get(dossier=approved, action="reject")
    output, status = verify()
    assert status == 1 and f"event {forged.pk} (reject at " in output
    assert "does not follow the event before it" in output


def test_one_dossier_is_checked_by_its_code(refused, approved):
    tamper("UPDATE dossiers_dossierevent SET note = 'x' WHERE id = %s", [event(refused, "refuse").pk])
    output, status = verify("--dossier", approved.code)
    assert status == 0 and "Checked 1 dossiers and 4 events" in output
    assert verify("--dossier", refused.code)[1] == 1
    output, status = verify("--dossier", "000.01.00.H01-260101-9999")
    assert status == 1 and "There is no dossier 000.01.00.H01-260101-9999." in output


# Refused by PostgreSQL itself ------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_remove_an_event(refused):
    refusal = event(refused, "refuse")
    attempts = [
        ("UPDATE dossiers_dossierevent SET note = %s WHERE id = %s", ["Hồ sơ đầy đủ", refusal.pk]),
        ("DELETE FROM dossiers_dossierevent WHERE id = %s", [refusal.pk]),
        ("TRUNCATE dossiers_dossierevent CASCADE", []),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no check
    for sql, params in attempts:
        with (
            pytest.raises(IntegrityError, match="The audit trail is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # As a session that never said it means to empty the database.
            cursor.execute("SET LOCAL dossiers.allow_trail_truncate = off")
            cursor.execute(sql, params)
    # An ordinary query set, without the portal's own refusal, is refused as well.
    with pytest.raises(IntegrityError, match="UPDATE on dossiers_dossierevent is refused"), transaction.atomic():
        models.QuerySet(DossierEvent).filter(pk=refusal.pk).update(note="Hồ sơ đầy đủ")
    assert DossierEvent.objects.get(pk=refusal.pk).note == REFUSAL
    assert verify()[1] == 0


@pytest.mark.postgres
def test_a_session_that_says_so_may_empty_the_whole_database(refused):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL dossiers.allow_trail_truncate = on")
            cursor.execute("TRUNCATE dossiers_dossierevent CASCADE")
        assert not DossierEvent.objects.exists()
        transaction.set_rollback(True)
    assert refused.events.count() == 2


# Downloads ----------------------------------------------------------------------------------------


def test_a_staff_download_of_a_citizens_file_is_in_the_trail_and_not_in_the_citizens(
    client, api, procedure, office_a, lan, chi
):
    dossier = submitted_online(procedure, office_a, lan)
    attachment = attach_upload(dossier, upload=SimpleUploadedFile("giay-khai-sinh.pdf", PDF), document=None, actor=lan)
    dossier.refresh_from_db()
    version = dossier.version
    assert client.login(username="chi", password=PASSWORD)
    response = client.get(f"/counter/dossiers/{dossier.code}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    download = dossier.events.latest("pk")
    assert (download.action, download.actor, download.note) == ("download", chi, "giay-khai-sinh.pdf")
    assert (download.from_state, download.to_state) == (State.SUBMITTED, State.SUBMITTED)
    assert download.details == {"attachment": attachment.pk, "sha256": attachment.sha256}
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version) == (State.SUBMITTED, version)
    assert "File downloaded" in client.get(dossier.get_absolute_url()).content.decode()
    staff_sees = [e["action"] for e in api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()["events"]]
    assert staff_sees == ["submit", "attach", "download"]

    citizen_sees = [e["action"] for e in api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/").json()["events"]]
    assert citizen_sees == ["submit", "attach"]
    assert client.login(username="lan", password=PASSWORD)
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "giay-khai-sinh.pdf" in page and "File downloaded" not in page
    assert verify()[1] == 0


def test_a_clerk_of_another_commune_downloads_nothing_and_leaves_nothing(client, procedure, office_a, lan, binh):
    dossier = submitted_online(procedure, office_a, lan)
    attachment = attach_upload(dossier, upload=SimpleUploadedFile("cccd.pdf", PDF), document=None, actor=lan)
    assert client.login(username="binh", password=PASSWORD)
    response = client.get(f"/counter/dossiers/{dossier.code}/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert list(dossier.events.values_list("action", flat=True)) == ["submit", "attach"]


def test_a_finished_dossiers_file_downloaded_stays_in_its_final_state(client, procedure, office_a, lan, chi, tuan):
    dossier = submitted_online(procedure, office_a, lan)
    attachment = attach_upload(dossier, upload=SimpleUploadedFile("cccd.pdf", PDF), document=None, actor=lan)
    perform(dossier, "refuse", actor=chi, note=REFUSAL)
    assert client.login(username="tuan", password=PASSWORD)  # the province's supervisor looks too
    response = client.get(f"/counter/dossiers/{dossier.code}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    download = Dossier.objects.get(pk=dossier.pk).events.latest("pk")
    assert (download.action, download.actor, download.from_state, download.to_state) == (
        "download",
        tuan,
        State.REFUSED,
        State.REFUSED,
    )
    assert verify()[1] == 0
