"""Roles and offices decide what staff see and may do."""

import datetime as dt
import re

import pyotp
import pytest

from portal.models import CalendarDay, CalendarYear, Membership, Office, User
from procedures.models import Procedure
from tests.factories import PASSWORD, ProcedureFactory, staff_member

pytestmark = pytest.mark.django_db


def test_a_clerk_sees_their_own_office_and_nothing_of_another_commune(chi, office_a, office_b):
    assert list(Office.objects.visible_to(chi)) == [office_a]
    assert chi.roles_at(office_a) == {"clerk"}
    assert chi.roles_at(office_b) == set()
    assert not chi.has_role("clerk", office_b)


def test_a_province_supervisor_oversees_every_commune_of_the_province(tuan, province, office_a, office_b):
    other_province = Office.objects.create(code="000.00.00.H02", name="Tỉnh Khác", level="province")
    elsewhere = Office.objects.create(code="000.01.00.H02", name="Xã Khác", level="commune", parent=other_province)
    visible = set(Office.objects.visible_to(tuan))
    assert visible == {province, office_a, office_b}
    assert tuan.has_role("supervisor", office_b)
    assert not tuan.has_role("supervisor", elsewhere)


def test_a_province_clerk_does_not_see_the_communes(province, office_a):
    clerk = staff_member("pclerk", "Ngô Văn Tỉnh", province, Membership.Role.CLERK)
    assert list(Office.objects.visible_to(clerk)) == [province]
    assert not clerk.has_role("clerk", office_a)


def test_roles_can_be_asked_for_one_role_only(chi, son, office_a):
    Membership.objects.create(user=chi, office=office_a, role=Membership.Role.SPECIALIST)
    assert chi.roles_at(office_a) == {"clerk", "specialist"}
    assert list(Office.objects.visible_to(son, roles=["approver"])) == []


def test_the_administration_site_opens_to_administrators_and_supervisors_only(client, chi, mai, tuan):
    client.login(username="chi", password=PASSWORD)
    assert client.get("/admin/").status_code == 302  # sent to the sign-in page
    client.login(username="mai", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.login(username="tuan", password=PASSWORD)
    assert client.get("/admin/procedures/procedure/").status_code == 200


def test_a_supervisor_may_look_at_the_catalogue_but_not_change_it(client, tuan):
    procedure = ProcedureFactory()
    client.login(username="tuan", password=PASSWORD)
    page = client.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Procedure.objects.filter(pk=procedure.pk).exists()


def test_only_a_superuser_makes_a_superuser(client, ngoc, chi):
    client.login(username="ngoc", password=PASSWORD)
    page = client.get(f"/admin/portal/user/{chi.pk}/change/").content.decode()
    assert 'name="username"' in page and 'name="is_superuser"' not in page


def test_signing_in_and_out(client, chi):
    page = client.post("/accounts/login/", {"username": "chi", "password": "wrong"})
    assert "The phone number, email or password is not right" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "chi", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == chi
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


# The organisation in the admin: a province's office administrator manages its own ---


@pytest.fixture
def elsewhere(db):
    other = Office.objects.create(code="000.00.00.H02", name="Tỉnh Khác", level="province")
    return Office.objects.create(code="000.01.00.H02", name="Xã Khác", level="commune", parent=other)


def test_a_catalogue_administrator_signs_in_on_the_admin_page_in_two_steps(client, mai, chi):
    to_sign_in = client.get("/admin/login/?next=/admin/")
    assert to_sign_in["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(to_sign_in["Location"], {"username": "mai", "password": PASSWORD})
    assert response["Location"] == "/accounts/login/code/"
    assert client.get("/admin/").status_code == 302  # no session before the second step
    secret = re.search(r'id="totp-secret">(\w+)<', client.get("/accounts/login/code/").content.decode()).group(1)
    response = client.post("/accounts/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()
    response = client.post("/accounts/login/?next=/admin/", {"username": "chi", "password": PASSWORD})
    assert response["Location"] == "/admin/"  # a clerk signs in in one step, but the admin is not for her
    assert client.get("/admin/login/").status_code == 403


def test_a_province_administrator_cannot_touch_a_superuser(client, ngoc):
    boss = User.objects.create_superuser("boss", "boss@example.org", "x-secret-1")
    client.login(username="ngoc", password=PASSWORD)
    assert client.get("/admin/portal/user/").context["cl"].result_count == 0
    assert client.get(f"/admin/portal/user/{boss.pk}/change/").status_code == 302  # "does not exist"
    response = client.post(
        f"/admin/portal/user/{boss.pk}/password/", {"password1": "Hijack-123", "password2": "Hijack-123"}
    )
    assert response.status_code == 404
    boss.refresh_from_db()
    assert boss.check_password("x-secret-1")


def test_nobody_gives_themselves_a_role(client, ngoc, office_a):
    client.login(username="ngoc", password=PASSWORD)
    data = _office_form(office_a)
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": ngoc.pk, "memberships-0-role": "approver"})
    page = client.post(f"/admin/portal/office/{office_a.pk}/change/", data).content.decode()
    assert "You cannot change your own roles." in page
    assert not Membership.objects.filter(user=ngoc, office=office_a).exists()


def test_a_province_administrator_stays_in_the_province(client, ngoc, elsewhere, office_a):
    client.login(username="ngoc", password=PASSWORD)
    assert client.get(f"/admin/portal/office/{elsewhere.pk}/change/").status_code == 302
    response = client.post(
        "/admin/portal/calendarday/add/",
        {"date": "2026-03-10", "kind": "closure", "name": "Bão", "office": elsewhere.pk},
    )
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        "/admin/portal/calendarday/add/",
        {"date": "2026-03-10", "kind": "closure", "name": "Bão", "office": office_a.pk},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(name="Bão").office == office_a


def test_the_national_holiday_table_is_for_superusers(client, ngoc, db):
    national = CalendarDay.objects.create(date="2026-09-02", kind="day_off", name="Quốc khánh", country="VN")
    client.login(username="ngoc", password=PASSWORD)
    page = client.get(f"/admin/portal/calendarday/{national.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/portal/calendarday/{national.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CalendarDay.objects.filter(pk=national.pk).exists()


def test_new_staff_start_with_a_role_in_the_province(client, ngoc, office_a, elsewhere):
    client.login(username="ngoc", password=PASSWORD)
    data = {
        "username": "new-clerk",
        "full_name": "Lò Văn Mới",
        "email": "",
        "phone": "",
        "office": office_a.pk,
        "role": "clerk",
        "password1": "Counter-2026-x",
        "password2": "Counter-2026-x",
    }
    assert client.post("/admin/portal/user/add/", data).status_code == 302
    assert User.objects.get(username="new-clerk").roles_at(office_a) == {"clerk"}
    data.update(username="far-clerk", office=elsewhere.pk)
    assert "Select a valid choice" in client.post("/admin/portal/user/add/", data).content.decode()


def test_a_catalogue_administrator_has_no_say_in_the_organisation(client, office_a, tuan, chi):
    hanh = staff_member("hanh", "Cao Thị Hạnh", office_a, Membership.Role.CATALOGUE_ADMIN)
    client.login(username="hanh", password=PASSWORD)
    assert client.get("/admin/procedures/procedure/").status_code == 200
    assert client.get("/admin/portal/office/").status_code == 403
    client.login(username="tuan", password=PASSWORD)  # province supervisor: looks at staff of the province
    listed = client.get("/admin/portal/user/").context["cl"].result_list
    assert set(listed) == {chi, hanh}  # not citizens, not other provinces, not themselves


def _office_form(office: Office) -> dict:
    return {
        "code": office.code,
        "name": office.name,
        "parent": office.parent_id or "",
        "is_active": "on",
        "address": "",
        "phone": "",
        "email": "",
        "authority": "",
        "locality": "",
        "language": "vi",
        "morning_opens_at": "07:00",
        "morning_closes_at": "11:30",
        "afternoon_opens_at": "13:30",
        "afternoon_closes_at": "17:00",
        "holiday_country": "VN",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


def test_an_office_that_follows_a_new_countrys_holidays_gets_them_loaded(client, ngoc, province, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: dt.date(2026, 11, 30))
    client.login(username="ngoc", password=PASSWORD)
    data = {
        "code": "000.31.00.H01",
        "name": "Xã Biên Giới",
        "parent": province.pk,
        "is_active": "on",
        "language": "th",
        "morning_opens_at": "07:00",
        "morning_closes_at": "11:30",
        "afternoon_opens_at": "13:30",
        "afternoon_closes_at": "17:00",
        "holiday_country": "TH",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/portal/office/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(CalendarYear.objects.filter(country="TH").values_list("year", flat=True)) == {2026, 2027}
    # Songkran 2027 is there, so a Thai office's deadlines skip it.
    assert CalendarDay.objects.filter(country="TH", date=dt.date(2027, 4, 13), kind="day_off").exists()


def test_the_loaded_years_are_the_superusers_to_change(client, ngoc, db):
    year = CalendarYear.objects.create(country="VN", year=2031)
    client.login(username="ngoc", password=PASSWORD)
    assert client.get("/admin/portal/calendaryear/").status_code == 200
    assert client.get("/admin/portal/calendaryear/add/").status_code == 403
    assert client.post(f"/admin/portal/calendaryear/{year.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CalendarYear.objects.filter(pk=year.pk).exists()
