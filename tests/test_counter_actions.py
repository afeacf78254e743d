"""The counter's dossier page: the forward action first with its shortcut,
ending a dossier apart and confirmed, a paused clock said as such, the
messages that went to the citizen, and the menu staff see."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from dossiers.models import Dossier, Notification, State
from dossiers.workflow import perform
from tests.factories import PASSWORD, received_dossier, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")
TZ = timezone.get_default_timezone()


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def buttons(html: str) -> list[tuple[str, str]]:
    """The action buttons in page order: (action, class attribute)."""
    return re.findall(r'<button type="submit" name="action" value="(\w+)" class="([^"]*)"', html)


def appraised(procedure, office, clerk, specialist):
    dossier = received_dossier(procedure, office, clerk)
    return perform(dossier, "appraise", actor=specialist, note="Đủ điều kiện")


def test_the_approver_sees_approve_first_as_the_primary_button_with_the_first_shortcut(
    client, procedure, office_a, chi, son, hoa
):
    dossier = appraised(procedure, office_a, chi, son)
    html = sign_in(client, hoa).get(dossier.get_absolute_url()).content.decode()
    order = buttons(html)
    assert order[0] == ("approve", "button")  # first, in the primary style: no secondary or stop class
    assert order[-1][0] == "reject"
    assert "button--stop" in dict(order)["reject"]
    approve = re.search(r'<button[^>]*value="approve"[^>]*>', html).group(0)
    reject = re.search(r'<button[^>]*value="reject"[^>]*>', html).group(0)
    assert 'data-shortcut="1"' in approve and "data-shortcut" not in reject and "accesskey" not in html
    assert "Shortcut: <kbd>1</kbd>" in html
    # Rejecting stands apart, in its own group, after the confirmation box.
    stopping = html[html.index('<fieldset class="stopping') :]
    assert stopping.index('name="confirm"') < stopping.index('value="reject"')
    assert 'value="approve"' not in stopping


def test_checking_an_online_dossier_offers_receive_first_and_refusals_apart(client, procedure, office_a, chi, lan):
    dossier = submitted_online(procedure, office_a, lan)
    html = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    names = [name for name, _ in buttons(html)]
    assert names[0] == "receive"
    stopping = html[html.index('<fieldset class="stopping') :]
    assert set(re.findall(r'value="(refuse|withdraw)"', stopping)) == {"refuse", "withdraw"}
    assert 'value="receive"' not in stopping


def test_rejecting_without_confirming_changes_nothing_and_says_why(client, procedure, office_a, chi, son, hoa):
    dossier = appraised(procedure, office_a, chi, son)
    events, messages = dossier.events.count(), Notification.objects.count()
    response = sign_in(client, hoa).post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "reject", "version": dossier.version, "note": "Không đủ điều kiện"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick “I confirm” to reject the dossier: it ends here and the citizen is told." in page
    assert "Không đủ điều kiện" in page  # the reasons typed are kept
    dossier.refresh_from_db()
    assert dossier.state == State.APPRAISED
    assert dossier.events.count() == events and Notification.objects.count() == messages


def test_rejecting_with_the_box_ticked_rejects(client, procedure, office_a, chi, son, hoa):
    dossier = appraised(procedure, office_a, chi, son)
    response = sign_in(client, hoa).post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "reject", "version": dossier.version, "note": "Không đủ điều kiện", "confirm": "on"},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == State.REJECTED


@pytest.mark.parametrize("action", ["refuse", "withdraw"])
def test_refusing_or_withdrawing_an_online_dossier_needs_the_confirmation_too(
    client, procedure, office_a, chi, lan, action
):
    dossier = submitted_online(procedure, office_a, lan)
    url = f"/counter/dossiers/{dossier.code}/act/"
    sign_in(client, chi)
    response = client.post(url, {"action": action, "version": dossier.version, "note": "Lý do"})
    assert response.status_code == 400 and "Tick “I confirm”" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    response = client.post(url, {"action": action, "version": dossier.version, "note": "Lý do", "confirm": "on"})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state in {State.REFUSED, State.WITHDRAWN}


def test_the_api_needs_no_confirmation(api, procedure, office_a, chi, son, hoa):
    dossier = appraised(procedure, office_a, chi, son)
    response = api.as_(hoa).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "reject", "note": "Không đủ"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Dossier.objects.get(pk=dossier.pk).state == State.REJECTED


def test_a_paused_dossier_says_since_when_and_the_due_date_on_resuming(
    client, procedure, office_a, chi, son, monkeypatch
):
    # Received Mon 12/01/2026 09:00, three working days: due Thu 15/01 09:00.
    dossier = received_dossier(procedure, office_a, chi, at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=TZ))
    dossier = perform(
        dossier, "request_supplement", actor=son, note="Thiếu tờ khai", at=dt.datetime(2026, 1, 13, 9, 0, tzinfo=TZ)
    )
    # A working day later (Wed 14/01 09:00) the due date would move one day on.
    now = dt.datetime(2026, 1, 14, 9, 0, tzinfo=TZ)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    sign_in(client, chi)
    page = client.get(dossier.get_absolute_url()).content.decode()
    header = page[
        page.index('<p class="dossier-status">') : page.index("</p>", page.index('<p class="dossier-status">'))
    ]
    assert "Paused since 09:00 13/01/2026 (waiting for the citizen)" in header
    assert "Due if it resumes now <strong>09:00 16/01/2026</strong>" in header
    assert "Within the deadline" not in header
    rows = client.get("/counter/queue/waiting/").content.decode()
    assert "Paused since 09:00 13/01/2026 (waiting for the citizen)" in rows
    # The supplement coming in now moves the deadline to what the page said.
    dossier = perform(dossier, "supplement", actor=chi, at=now)
    assert timezone.localtime(dossier.due_at) == dt.datetime(2026, 1, 16, 9, 0, tzinfo=TZ)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Paused since" not in page and "Due <strong>09:00 16/01/2026</strong>" in page


def test_messages_to_the_citizen_leave_out_those_to_staff(client, procedure, office_a, chi):
    dossier = received_dossier(procedure, office_a, chi)
    Notification.objects.create(
        dossier=dossier,
        kind=Notification.Kind.FEEDBACK,
        medium=Notification.Medium.EMAIL,
        recipient="giam-sat@office.example",
        body="Góp ý của công dân",
    )
    page = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    section = page[page.index('id="messages-title"') :]
    assert "lan@example.org" in section and "0912345678" in section
    assert "giam-sat@office.example" not in page


def test_staff_see_my_dossiers_only_once_they_have_applied(client, procedure, office_a, chi, lan):
    sign_in(client, lan)
    assert "My dossiers</a>" in nav(client)
    sign_in(client, chi)
    assert "My dossiers</a>" not in nav(client)
    submitted_online(procedure, office_a, chi)  # the clerk applies for themself
    sign_in(client, chi)
    assert "My dossiers</a>" in nav(client)


def nav(client) -> str:
    html = client.get("/procedures/").content.decode()
    return html[html.index('class="site-nav"') : html.index("</nav>")]


def test_the_workspace_says_its_shortcut_for_each_browser(client, office_a, chi):
    html = sign_in(client, chi).get("/counter/").content.decode()
    hint = html[html.index('accesskey="n"') :]
    hint = re.sub(r"<[^>]+>", "", hint[: hint.index("</span>\n")])
    assert "Alt+N (Chrome, Cốc Cốc, Edge) · Alt+Shift+N (Firefox)" in hint
