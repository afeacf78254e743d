"""The four-eyes rule (dossiers/permissions.py `objection`), beyond what
tests/test_both_doors.py and the state space walk show: who counts as the
applicant, and the staff actions besides the transitions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens import feedback
from dossiers.errors import Invalid, NotAllowed
from dossiers.models import Attachment, State
from dossiers.permissions import names_as_applicant
from dossiers.workflow import available_actions, perform
from portal.models import Membership
from tests.factories import PASSWORD, PDF, received_dossier, staff_member, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


def test_the_applicant_is_the_account_or_the_phone_or_id_number_and_a_blank_names_nobody(
    chi, son, lan, procedure, office_a
):
    walk_in = received_dossier(procedure, office_a, chi, details={"phone": "", "id_number": ""})
    assert not names_as_applicant(walk_in, son)  # neither has a phone or an ID number
    son.phone = "+84 912 345 678"
    assert not names_as_applicant(walk_in, son)
    online = submitted_online(procedure, office_a, lan)  # gives 0912345678 and 001190012345
    assert names_as_applicant(online, lan) and names_as_applicant(online, son)
    son.phone, son.id_number = "", "001 190 012 345"
    assert names_as_applicant(online, son)
    son.id_number = "001190012346"
    assert not names_as_applicant(online, son)


def test_a_specialist_neither_appraises_nor_scans_into_her_own_dossier(client, chi, son, procedure, office_a):
    son.id_number = "001190012345"  # the applicant's, as the factory gives it
    son.save(update_fields=["id_number"])
    dossier = received_dossier(procedure, office_a, chi)
    assert available_actions(dossier, son) == []
    with pytest.raises(NotAllowed, match="names you as its applicant"):
        perform(dossier, "appraise", actor=son)
    assert client.login(username="son", password=PASSWORD)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Attach a scan" not in page and "names you as its applicant" in page
    url = f"/counter/dossiers/{dossier.code}/attachments/"
    page = client.post(url, {"file": SimpleUploadedFile("scan.pdf", PDF)}, follow=True).content.decode()
    assert f"Dossier {dossier.code} names you as its applicant" in page
    assert not Attachment.objects.exists()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED and dossier.specialist is None


def test_a_clerk_sends_the_supplement_to_her_own_dossier_as_any_citizen_does(chi, son, procedure, office_a):
    """Her clerk's role does not let her skip the file a citizen must send."""
    thu = staff_member("thu", "Đinh Thị Thu", office_a, Membership.Role.CLERK)
    dossier = submitted_online(procedure, office_a, chi)
    dossier = perform(dossier, "receive", actor=thu, documents={1})
    dossier = perform(dossier, "request_supplement", actor=son, note="Thiếu bản sao")
    with pytest.raises(Invalid, match="Upload what the counter asked for"):
        perform(dossier, "supplement", actor=chi)
    assert perform(dossier, "supplement", actor=thu).state == State.RECEIVED


def test_a_supervisor_does_not_answer_a_complaint_about_her_own_dossier(client, tuan, procedure, office_a):
    dossier = submitted_online(procedure, office_a, tuan)  # Tuấn applied as a citizen
    complaint = feedback.send(dossier, tuan, "complaint", "Chậm quá")
    assert client.login(username="tuan", password=PASSWORD)
    page = client.post(f"/reports/feedback/{complaint.pk}/answer/", {"answer": "Đã xử lý"}, follow=True)
    assert f"Dossier {dossier.code} names you as its applicant" in page.content.decode()
    complaint.refresh_from_db()
    assert complaint.answered_at is None and complaint.answer == ""
