"""Roles and offices decide what staff see and may do."""

import pytest

from portal.models import Membership, Office
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


def test_only_a_superuser_makes_a_superuser(client, mai, lan):
    client.login(username="mai", password=PASSWORD)
    page = client.get(f"/admin/portal/user/{lan.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page


def test_signing_in_and_out(client, chi):
    page = client.post("/accounts/login/", {"username": "chi", "password": "wrong"})
    assert "Please enter a correct username and password" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "chi", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == chi
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated
