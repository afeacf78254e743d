"""Complaint hotspots (reports/hotspots.py): complaints and low ratings
grouped by procedure, office, stage and theme, counted per month over six
months, recurring problems first; the theme read from the words in
Vietnamese (with or without diacritics), English and Thai."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import Feedback
from reports.hotspots import hotspots, themes_of
from tests.conftest import HCM
from tests.factories import PASSWORD, ProcedureFactory, received_dossier


def keys(text):
    return [theme.key for theme in themes_of(text)]


def test_the_theme_is_read_from_the_words():
    assert keys("Cán bộ có thái độ không tốt") == ["conduct"]
    assert keys("bat nop them giay to khong can thiet") == ["papers"]
    assert keys("Phải chờ mãi, trễ hẹn hai tuần") == ["slow"]
    assert keys("The clerk charged a fee that is not in the list") == ["fees"]
    assert keys("ระบบล่มตอนส่งคำขอ") == ["system"]
    assert keys("รอนานมาก") == ["slow"]
    # Several at once; and "phí" inside "phía" is no fee.
    assert keys("Rude staff and a slow system") == ["conduct", "slow", "system"]
    assert keys("Quầy ở phía sau tòa nhà, khó tìm") == ["other"]
    assert keys("") == ["other"]


def write(dossier, kind, when, comment="", rating=None):
    return Feedback.objects.create(
        dossier=dossier, kind=kind, rating=rating, comment=comment, stage=dossier.state, created_at=when
    )


def month_ago(today, months, day=10):
    year, month = today.year, today.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, day, 9, 0, tzinfo=HCM)


@pytest.fixture
def complaints(vn_holidays, office_a, office_b, chi, binh, procedure):
    """Against the test procedure at Phường Ba Đình: "extra papers" in three
    of the last six months, and a slow one; a rude clerk once at Xã Tây
    Tựu, on another procedure. Around them what does not count: a rating of
    4, feedback, and a complaint seven months ago."""
    today = timezone.localdate()
    other = ProcedureFactory(code="1.000009", name="Cấp bản sao")
    here = received_dossier(procedure, office_a, chi)
    there = received_dossier(other, office_b, binh)
    pleased = received_dossier(procedure, office_a, chi)
    write(here, "complaint", month_ago(today, 0, 1), "Yêu cầu thêm giấy tờ không có trong danh mục")
    write(here, "complaint", month_ago(today, 2), "Lại bắt bổ sung giấy tờ")
    write(here, "rating", month_ago(today, 3), "Phải nộp thêm giấy tờ và chờ lâu", rating=1)
    write(here, "complaint", month_ago(today, 3), "Chậm quá")
    write(there, "complaint", month_ago(today, 1), "Thái độ cán bộ không tốt")
    write(pleased, "rating", month_ago(today, 1), "Khá ổn", rating=4)
    write(here, "feedback", month_ago(today, 1), "Nên có thêm ghế ngồi chờ")
    write(here, "complaint", month_ago(today, 7), "Giấy tờ")
    return today


def test_recurring_problems_come_first_with_their_months(complaints, office_a, office_b):
    found = hotspots([office_a, office_b], today=complaints)
    assert found.messages == 5
    assert [p.start.month for p in found.months][-1] == complaints.month and len(found.months) == 6
    themes = {line.label: line for line in found.by["theme"]}
    papers = themes["Extra papers asked for"]
    # Months oldest first: three, two and nought months ago.
    assert papers.months == [0, 0, 1, 1, 0, 1] and papers.is_recurring
    assert themes["Slow or late"].months == [0, 0, 2, 0, 0, 0] and not themes["Slow or late"].is_recurring
    assert found.by["theme"][0] is papers
    assert [(line.label, line.total, line.is_recurring) for line in found.by["office"]] == [
        ("Phường Ba Đình", 4, True),
        ("Xã Tây Tựu", 1, False),
    ]
    assert found.by["procedure"][0].label.startswith("1.000001 · ")
    assert {line.label for line in found.by["stage"]} == {"Received, being appraised"}


def test_the_page_shows_only_the_offices_one_oversees(complaints, client, tuan, office_b):
    client.login(username=tuan.username, password=PASSWORD)
    page = client.get(reverse("reports:hotspots")).content.decode()
    assert "Extra papers asked for" in page and "recurring" in page and "Xã Tây Tựu" in page
    assert "Lại bắt bổ sung giấy tờ" in page  # what citizens wrote
    assert "Nên có thêm ghế ngồi chờ" not in page  # feedback is not a complaint
    only_b = client.get(reverse("reports:hotspots") + f"?office={office_b.pk}").content.decode()
    assert "Thái độ cán bộ không tốt" in only_b and "Lại bắt bổ sung" not in only_b


def test_nobody_else_sees_them(complaints, client, chi):
    client.login(username=chi.username, password=PASSWORD)
    assert client.get(reverse("reports:hotspots")).status_code == 403


def test_no_complaint_says_so(db, office_a, client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    page = client.get(reverse("reports:hotspots")).content.decode()
    assert "No complaint and no low rating in the last six months." in page
