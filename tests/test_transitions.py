"""The dossier's state machine: every transition, its guards, its audit row,
and the deadline clock it drives. Expected moments are worked out by hand on
office hours 07:00–11:30 and 13:30–17:00."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.errors import Conflict, Invalid, NotAllowed, NotPossible
from dossiers.models import Dossier, DossierEvent, Pause, State
from dossiers.workflow import attach_upload, perform
from portal.models import Office
from tests.factories import PDF, ProcedureFactory, received_dossier, staff_member, submitted_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def walk_in(procedure, office, clerk, when=None, **kwargs) -> Dossier:
    return received_dossier(procedure, office, clerk, at=when or at("12/01/2026", "09:00"), **kwargs)


def online(procedure, office, citizen, when=None) -> Dossier:
    return submitted_online(procedure, office, citizen, at=when or at("12/01/2026", "09:00"))


def test_the_transition_graph_is_exactly_the_designed_one():
    pairs = {(t.source, t.target) for t in Dossier._meta.get_field("state").get_all_transitions(Dossier)}
    returning = next(
        t.target for t in Dossier._meta.get_field("state").get_all_transitions(Dossier) if t.name == "supplement"
    )
    pairs = {(s, "resume" if t is returning else t) for s, t in pairs}
    assert pairs == {
        ("submitted", "received"),
        ("submitted", "supplement_requested"),
        ("received", "supplement_requested"),
        ("appraised", "supplement_requested"),
        ("supplement_requested", "resume"),  # back to submitted, received or appraised
        ("submitted", "refused"),
        ("supplement_requested", "refused"),
        ("received", "appraised"),
        ("received", "rejected"),
        ("appraised", "rejected"),
        ("appraised", "approved"),
        ("approved", "stamped"),
        ("stamped", "returned"),
        ("submitted", "withdrawn"),
        ("received", "withdrawn"),
        ("appraised", "withdrawn"),
        ("approved", "withdrawn"),
        ("supplement_requested", "withdrawn"),
        ("received", None),  # apologise: a new appointment, same state
        ("appraised", None),
        ("approved", None),
        ("supplement_requested", None),
    }
    assert set(returning.allowed_states) == {"submitted", "received", "appraised"}


def test_a_walk_in_dossier_is_received_at_once_with_its_deadline(procedure, office_a, chi):
    dossier = walk_in(procedure, office_a, chi)
    assert dossier.state == State.RECEIVED
    assert dossier.code == "000.01.00.H01-260112-0001"
    assert dossier.received_by == chi
    # 3 working days from Mon 12/01 09:00: 6 h on Monday, Tue, Wed, 2 h on Thursday.
    assert dossier.due_at == dossier.appointment_at == at("15/01/2026", "09:00")
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in dossier.events.all()] == [
        ("submit", "", "submitted", chi),
        ("receive", "submitted", "received", chi),
    ]
    # The terms are a snapshot: editing the procedure later changes nothing.
    assert (dossier.time_limit_amount, dossier.time_limit_unit) == (3, "working_days")
    assert dossier.fees == [
        {
            "name": "Lệ phí",
            "amount_vnd": 8000,
            "amount": 8000,
            "currency": "VND",
            "unit": "",
            "case": "",
            "valid_from": None,
            "valid_until": None,
            "exemption_note": "",
        }
    ]
    procedure.channels.update(time_limit_amount=10)
    procedure.fees.update(amount=50000)
    dossier.refresh_from_db()
    assert dossier.time_limit_amount == 3 and dossier.fees[0]["amount_vnd"] == 8000


def test_receiving_needs_every_mandatory_document_and_creates_nothing_otherwise(procedure, office_a, chi):
    with pytest.raises(Invalid, match="These mandatory documents are not ticked as received: Tờ khai"):
        walk_in(procedure, office_a, chi, received_documents={2})
    assert not Dossier.objects.exists()
    # The number was not used up either.
    assert walk_in(procedure, office_a, chi).code.endswith("-0001")


def test_a_full_path_writes_one_event_per_action_with_who_when_and_why(procedure, office_a, chi, son, hoa):
    dossier = walk_in(procedure, office_a, chi)
    steps = [
        ("appraise", son, "Đủ điều kiện", at("13/01/2026", "10:00")),
        ("approve", hoa, "", at("13/01/2026", "15:00")),
        ("stamp", chi, "Số 12/GKS", at("14/01/2026", "08:00")),
        ("return", chi, "Đã trao tận tay", at("14/01/2026", "09:30")),
    ]
    for action, actor, note, when in steps:
        dossier = perform(dossier, action, actor=actor, note=note, at=when)
    assert dossier.state == State.RETURNED
    assert dossier.specialist == son and dossier.approver == hoa
    assert dossier.finished_at == at("14/01/2026", "08:00")  # the stamp, not the hand-over
    assert dossier.returned_at == at("14/01/2026", "09:30")
    events = list(dossier.events.values_list("action", "from_state", "to_state", "actor__username", "note", "at"))
    assert events[2:] == [
        ("appraise", "received", "appraised", "son", "Đủ điều kiện", at("13/01/2026", "10:00")),
        ("approve", "appraised", "approved", "hoa", "", at("13/01/2026", "15:00")),
        ("stamp", "approved", "stamped", "chi", "Số 12/GKS", at("14/01/2026", "08:00")),
        ("return", "stamped", "returned", "chi", "Đã trao tận tay", at("14/01/2026", "09:30")),
    ]
    assert dossier.timeliness() == "early"  # finished 14/01, due 15/01


@pytest.mark.parametrize("action", ["request_supplement", "reject"])
def test_reasons_are_required_and_nothing_changes_without_them(procedure, office_a, chi, son, action):
    dossier = walk_in(procedure, office_a, chi)
    with pytest.raises(Invalid, match=r"(Say what|Give the reasons)"):
        perform(dossier, action, actor=son, note="   ")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version, dossier.events.count()) == (State.RECEIVED, 2, 2)
    assert not Pause.objects.exists()


def test_an_action_not_possible_from_the_state_is_refused_clearly(procedure, office_a, chi, hoa):
    dossier = walk_in(procedure, office_a, chi)
    with pytest.raises(NotPossible, match="“Approve” is not possible for a dossier in the state “Received"):
        perform(dossier, "approve", actor=hoa)
    # An action that does not exist is a mistake in the request (400), not a state.
    with pytest.raises(Invalid, match="no action called “sign”"):
        perform(dossier, "sign", actor=hoa)


def test_each_step_belongs_to_a_role_of_the_competent_office(procedure, office_a, office_b, chi, son, hoa, binh):
    specialist_b = staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    dossier = walk_in(procedure, office_a, chi)
    for actor in (chi, hoa, specialist_b, binh):
        with pytest.raises(NotAllowed, match="needs another role or another office"):
            perform(dossier, "appraise", actor=actor)
    dossier = perform(dossier, "appraise", actor=son)
    for actor in (son, chi):
        with pytest.raises(NotAllowed):
            perform(dossier, "approve", actor=actor)
    perform(dossier, "approve", actor=hoa)


def test_an_online_submission_is_received_by_a_clerk_of_its_office_only(procedure, office_a, chi, binh, lan):
    dossier = online(procedure, office_a, lan)
    assert dossier.state == State.SUBMITTED and dossier.due_at is None
    assert dossier.timeliness() == "not_started"
    for actor in (lan, binh):
        with pytest.raises(NotAllowed):
            perform(dossier, "receive", actor=actor)
    dossier.documents.filter(position=1).update(is_received=True)
    dossier = perform(dossier, "receive", actor=chi, at=at("13/01/2026", "16:00"))
    # 3 working days from Tue 13/01 16:00: 1 h, then Wed, Thu, and 7 h on Friday.
    assert dossier.due_at == at("16/01/2026", "16:00")


def test_a_supplement_during_processing_pauses_the_clock_and_moves_the_deadline(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)  # due Thu 15/01 09:00
    dossier = perform(
        dossier,
        "request_supplement",
        actor=son,
        note="Thiếu giấy chứng sinh bản chính",
        at=at("13/01/2026", "10:00"),
    )
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    assert dossier.supplement_requests == 1
    dossier = perform(dossier, "supplement", actor=chi, at=at("19/01/2026", "10:00"))
    assert dossier.state == State.RECEIVED
    # Paused Tue 10:00 → Mon 10:00: 5 + 8 + 8 + 8 + 3 = 32 working hours.
    pause = dossier.pauses.get()
    assert pause.working_seconds == 32 * 3600 and pause.reason == "Thiếu giấy chứng sinh bản chính"
    assert dossier.paused_seconds == 32 * 3600
    assert dossier.due_at == dossier.appointment_at == at("21/01/2026", "09:00")


def test_a_pause_across_tet_counts_only_working_time(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi, when=at("11/02/2026", "09:00"))
    # 3 days from Wed 11/02 09:00: 6 h, Thu 12, Fri 13, Tết, then 2 h on Mon 23/02.
    assert dossier.due_at == at("23/02/2026", "09:00")
    perform(dossier, "request_supplement", actor=son, note="Bổ sung tờ khai", at=at("12/02/2026", "10:00"))
    dossier = perform(dossier, "supplement", actor=chi, at=at("23/02/2026", "09:00"))
    # Paused Thu 10:00 → Mon 23/02 09:00 = 5 + 8 + 2 = 15 h; from Mon 09:00:
    # 6 h that day, 8 h on Tuesday, 1 h on Wednesday.
    assert dossier.due_at == at("25/02/2026", "08:00")
    assert "skipped Tết Nguyên Đán 14/02–22/02" in dossier.explain_deadline()


def test_a_second_supplement_during_processing_counts_as_overdue(procedure, office_a, chi, son, hoa):
    dossier = walk_in(procedure, office_a, chi)
    for day in ("12/01/2026", "13/01/2026"):
        perform(dossier, "request_supplement", actor=son, note="Thiếu giấy tờ", at=at(day, "10:00"))
        dossier = perform(dossier, "supplement", actor=chi, at=at(day, "14:00"))
    assert dossier.supplement_requests == 2
    assert dossier.timeliness(on=dt.date(2026, 1, 13)) == "overdue"
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi)):
        dossier = perform(dossier, action, actor=actor, at=at("14/01/2026", "08:00"))
    assert dossier.timeliness() == "late"  # although finished before its due date


def test_a_supplement_at_intake_does_not_start_or_pause_the_clock(procedure, office_a, chi, lan):
    dossier = online(procedure, office_a, lan)
    dossier = perform(dossier, "request_supplement", actor=chi, note="Ảnh chụp tờ khai bị mờ")
    assert (dossier.supplement_requests, dossier.pauses.count()) == (0, 0)
    attach_upload(dossier, upload=SimpleUploadedFile("to-khai.pdf", PDF), document=None, actor=lan)
    dossier = perform(dossier, "supplement", actor=lan)
    assert dossier.state == State.SUBMITTED and dossier.due_at is None
    perform(dossier, "request_supplement", actor=chi, note="Vẫn thiếu tờ khai")
    dossier = perform(dossier, "refuse", actor=chi, note="Không bổ sung được hồ sơ", at=at("14/01/2026", "09:00"))
    assert dossier.state == State.REFUSED and dossier.timeliness() == "on_time"


def test_a_dossier_waiting_for_a_supplement_during_processing_cannot_be_refused(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    perform(dossier, "request_supplement", actor=son, note="Thiếu")
    with pytest.raises(NotPossible):
        perform(dossier, "refuse", actor=chi, note="Không bổ sung")


def test_the_citizen_withdraws_their_own_dossier_and_nobody_elses(procedure, office_a, chi, lan):
    other_citizen = staff_member("hung", "Trịnh Văn Hùng", office_a, "specialist")
    other_citizen.memberships.all().delete()
    dossier = online(procedure, office_a, lan)
    with pytest.raises(NotAllowed):
        perform(dossier, "withdraw", actor=other_citizen)
    dossier = perform(dossier, "withdraw", actor=lan, note="Không còn nhu cầu")
    assert dossier.state == State.WITHDRAWN and dossier.finished_at is not None
    assert dossier.timeliness() == "on_time"


def test_a_clerk_withdraws_a_paused_dossier_and_the_pause_ends(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    perform(dossier, "request_supplement", actor=son, note="Thiếu", at=at("13/01/2026", "10:00"))
    dossier = perform(dossier, "withdraw", actor=chi, note="Công dân rút hồ sơ", at=at("14/01/2026", "10:00"))
    assert dossier.pauses.get().ended_at == at("14/01/2026", "10:00")
    assert dossier.due_at == at("15/01/2026", "09:00")  # not moved


def test_an_apology_re_appoints_once_and_timeliness_still_counts_the_due_date(procedure, office_a, chi, son, hoa):
    dossier = walk_in(procedure, office_a, chi)  # due Thu 15/01 09:00
    with pytest.raises(Invalid, match="must come after the current one"):
        perform(dossier, "apologise", actor=hoa, note="Cần xác minh", new_appointment=at("14/01/2026", "09:00"))
    with pytest.raises(NotAllowed):
        perform(dossier, "apologise", actor=son, note="Cần xác minh", new_appointment=at("20/01/2026", "09:00"))
    dossier = perform(dossier, "apologise", actor=hoa, note="Cần xác minh", new_appointment=at("20/01/2026", "09:00"))
    assert dossier.state == State.RECEIVED
    assert dossier.appointment_at == at("20/01/2026", "09:00") and dossier.due_at == at("15/01/2026", "09:00")
    event = dossier.events.last()
    assert (event.action, event.from_state, event.to_state) == ("apologise", "received", "received")
    assert event.details == {"new_appointment": "2026-01-20T09:00:00+07:00"}
    with pytest.raises(Invalid, match="re-appointed only once"):
        perform(dossier, "apologise", actor=hoa, note="Lần nữa", new_appointment=at("22/01/2026", "09:00"))
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi)):
        dossier = perform(dossier, action, actor=actor, at=at("19/01/2026", "08:00"))
    assert dossier.timeliness() == "late"  # finished 19/01, due 15/01, whatever the apology said


@pytest.mark.parametrize(
    ("stamped", "expected"),
    [
        (("15/01/2026", "09:00"), "on_time"),  # exactly at the due moment
        (("15/01/2026", "16:30"), "on_time"),  # later on the due day
        (("14/01/2026", "16:59"), "early"),
        (("16/01/2026", "07:00"), "late"),
    ],
)
def test_finished_dossiers_are_classed_by_calendar_date(procedure, office_a, chi, son, hoa, stamped, expected):
    dossier = walk_in(procedure, office_a, chi)
    perform(dossier, "appraise", actor=son, at=at("13/01/2026", "09:00"))
    perform(dossier, "approve", actor=hoa, at=at("13/01/2026", "10:00"))
    dossier = perform(dossier, "stamp", actor=chi, at=at(*stamped))
    assert dossier.timeliness() == expected


def test_open_dossiers_are_within_deadline_until_their_due_date_has_passed(procedure, office_a, chi):
    dossier = walk_in(procedure, office_a, chi)  # due Thu 15/01 09:00
    assert dossier.timeliness(on=dt.date(2026, 1, 15)) == "within"
    assert dossier.timeliness(on=dt.date(2026, 1, 16)) == "overdue"
    assert list(Dossier.objects.overdue(dt.date(2026, 1, 16))) == [dossier]
    assert not Dossier.objects.overdue(dt.date(2026, 1, 15)).exists()


def test_a_stale_page_is_told_the_dossier_changed_and_changes_nothing(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    seen = dossier.version
    perform(dossier, "appraise", actor=son, version=seen)
    with pytest.raises(Conflict, match="changed since you opened it"):
        perform(dossier, "request_supplement", actor=son, note="Thiếu", version=seen)
    dossier.refresh_from_db()
    assert dossier.state == State.APPRAISED and not Pause.objects.exists()


def test_the_state_cannot_be_written_directly_and_events_are_never_edited(procedure, office_a, chi):
    dossier = walk_in(procedure, office_a, chi)
    with pytest.raises(AttributeError):
        dossier.state = State.STAMPED
    event = dossier.events.first()
    event.note = "sửa"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert DossierEvent.objects.filter(note="sửa").count() == 0


def test_codes_count_per_office_and_day(procedure, office_a, office_b, chi, binh):
    first = walk_in(procedure, office_a, chi)
    second = walk_in(procedure, office_a, chi)
    other_office = walk_in(procedure, office_b, binh)
    next_day = walk_in(procedure, office_a, chi, when=at("13/01/2026", "08:00"))
    assert [first.code, second.code, other_office.code, next_day.code] == [
        "000.01.00.H01-260112-0001",
        "000.01.00.H01-260112-0002",
        "000.02.00.H01-260112-0001",
        "000.01.00.H01-260113-0001",
    ]


# Location-independent procedures ------------------------------------------------


def test_any_counter_of_the_province_receives_a_location_independent_procedure(office_a, office_b, chi, binh):
    specialist_b = staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    specialist_a = staff_member("son", "Phạm Văn Sơn", office_a, "specialist")
    copies = ProcedureFactory(code="2.000635", is_location_independent=True)
    dossier = walk_in(copies, office_a, chi, competent_office=office_b, delivery="counter")
    # The code comes from the competent office; the work goes to its staff.
    assert dossier.code.startswith("000.02.00.H01-")
    assert (dossier.receiving_office, dossier.competent_office) == (office_a, office_b)
    with pytest.raises(NotAllowed):
        perform(dossier, "appraise", actor=specialist_a)
    perform(dossier, "appraise", actor=specialist_b)
    # Both counters see it.
    assert dossier in Dossier.objects.visible_to(chi) and dossier in Dossier.objects.visible_to(binh)


def test_an_ordinary_procedure_stays_with_the_office_that_receives_it(procedure, office_a, office_b, chi):
    with pytest.raises(Invalid, match="handled only by the office that receives it"):
        walk_in(procedure, office_a, chi, competent_office=office_b)
    far = Office.objects.create(code="000.00.00.H09", name="Tỉnh Xa", level="province")
    far_commune = Office.objects.create(code="000.01.00.H09", name="Xã Xa", level="commune", parent=far)
    copies = ProcedureFactory(code="2.000635", is_location_independent=True)
    with pytest.raises(Invalid, match="in another province"):
        walk_in(copies, office_a, chi, competent_office=far_commune)
    assert not Dossier.objects.exists()


def test_documents_of_one_case_are_enough(office_a, chi):
    residence = ProcedureFactory(code="1.004194", terms=False)
    residence.channels.create(channel="in_person", time_limit_amount=3, time_limit_unit="working_days")
    for position, (case, name) in enumerate(
        [
            ("", "Tờ khai CT01"),
            ("Nhà thuộc sở hữu của mình", "Giấy chứng nhận quyền sở hữu nhà"),
            ("Nhà thuê, mượn, ở nhờ", "Hợp đồng thuê nhà"),
            ("Nhà thuê, mượn, ở nhờ", "Văn bản đồng ý của chủ nhà"),
        ],
        start=1,
    ):
        residence.documents.create(position=position, case_name=case, name=name)
    with pytest.raises(Invalid, match="not ticked as received: Giấy chứng nhận quyền sở hữu nhà"):
        walk_in(residence, office_a, chi, received_documents={1})
    with pytest.raises(Invalid, match="not ticked as received: Tờ khai CT01"):
        walk_in(residence, office_a, chi, received_documents={3, 4})
    assert walk_in(residence, office_a, chi, received_documents={1, 3, 4}).state == State.RECEIVED
    assert walk_in(residence, office_a, chi, received_documents={1, 2}).state == State.RECEIVED


def test_a_pause_outside_office_hours_moves_nothing(procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)  # due Thu 15/01 09:00
    perform(dossier, "request_supplement", actor=son, note="Thiếu", at=at("12/01/2026", "18:00"))
    dossier = perform(dossier, "supplement", actor=chi, at=at("12/01/2026", "19:30"))
    assert dossier.pauses.get().working_seconds == 0
    assert dossier.due_at == at("15/01/2026", "09:00")


def test_only_the_competent_office_stamps_and_pauses_a_location_independent_dossier(office_a, office_b, chi, binh):
    specialist_b = staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    approver_b = staff_member("long", "Bùi Văn Long", office_b, "approver")
    copies = ProcedureFactory(code="2.000635", is_location_independent=True)
    dossier = walk_in(copies, office_a, chi, competent_office=office_b, delivery="counter")
    with pytest.raises(NotAllowed):
        perform(dossier, "request_supplement", actor=chi, note="Thiếu")  # the receiving counter of A
    perform(dossier, "appraise", actor=specialist_b)
    perform(dossier, "approve", actor=approver_b)
    with pytest.raises(NotAllowed):
        perform(dossier, "stamp", actor=chi)
    perform(dossier, "stamp", actor=binh)
    # Collected at the counter of A, where the citizen handed it in.
    with pytest.raises(NotAllowed):
        perform(dossier, "return", actor=binh)
    assert perform(dossier, "return", actor=chi).state == State.RETURNED


def test_a_posted_result_is_sent_by_the_competent_office(office_a, office_b, chi, binh):
    staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    copies = ProcedureFactory(code="2.000635", is_location_independent=True)
    dossier = walk_in(copies, office_a, chi, competent_office=office_b, delivery="post", delivery_address="Hà Nội")
    Dossier.objects.filter(pk=dossier.pk).update(state=State.STAMPED, finished_at=dossier.received_at)
    with pytest.raises(NotAllowed):
        perform(dossier, "return", actor=chi, postal_item="EB123456785VN")
    posted = perform(dossier, "return", actor=binh, postal_item="EB123456785VN")
    assert posted.state == State.RETURNED and posted.postal_item_number == "EB123456785VN"


def test_ticking_documents_at_receipt_is_recorded_in_the_event(procedure, office_a, chi, lan):
    dossier = online(procedure, office_a, lan)
    with pytest.raises(Invalid):
        perform(dossier, "receive", actor=chi, documents=set())
    assert not dossier.documents.filter(is_received=True).exists()
    dossier = perform(dossier, "receive", actor=chi, documents={1, 2})
    assert set(dossier.documents.filter(is_received=True).values_list("position", flat=True)) == {1, 2}
    assert dossier.events.last().details["documents_received"] == [1, 2]
