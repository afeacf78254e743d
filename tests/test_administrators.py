"""Each administrator has one job. The catalogue administrator edits the
catalogue and sees no staff, office, calendar, dossier, scan or slip. The
office administrator manages the staff, roles, offices and calendar of their
offices, gives only the roles below their own (portal/roles.py), never
touches their own roles, a superuser, or an account holding a role they
could not give — above all not its password — and sees no dossier either."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dossiers.models import Attachment
from portal import roles
from portal.models import Membership, Office, User
from tests.factories import PASSWORD, PDF, received_dossier, staff_member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def elsewhere(db):
    other = Office.objects.create(code="000.00.00.H02", name="Tỉnh Khác", level="province")
    return Office.objects.create(code="000.01.00.H02", name="Xã Khác", level="commune", parent=other)


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@example.org", "x-secret-1")


def new_account(username: str, office: Office, role: str) -> dict:
    return {
        "username": username,
        "full_name": "Lò Văn Mới",
        "email": "",
        "phone": "",
        "id_number": "",
        "office": office.pk,
        "role": role,
        "password1": "Counter-2026-x",
        "password2": "Counter-2026-x",
    }


def user_form(user: User, **changes) -> dict:
    """The user change page as it would be posted, with no role changed."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "id_number": user.id_number,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    existing = list(user.memberships.order_by("pk"))
    for index, membership in enumerate(existing):
        data.update(
            {
                f"memberships-{index}-id": membership.pk,
                f"memberships-{index}-user": user.pk,
                f"memberships-{index}-office": membership.office_id,
                f"memberships-{index}-role": membership.role,
            }
        )
    data["memberships-TOTAL_FORMS"] = data["memberships-INITIAL_FORMS"] = str(len(existing))
    data.update(changes)
    return data


def office_form(office: Office, memberships: list[dict], initial: int) -> dict:
    """The office change page as it would be posted, with `memberships` rows."""
    data = {
        "code": office.code,
        "name": office.name,
        "is_active": "on",
        "language": "vi",
        "morning_opens_at": "07:00",
        "morning_closes_at": "11:30",
        "afternoon_opens_at": "13:30",
        "afternoon_closes_at": "17:00",
        "holiday_country": "VN",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(memberships):
        data.update({f"memberships-{index}-{key}": value for key, value in row.items()})
    return data


def rows_of(office: Office) -> list[dict]:
    return [
        {"id": m.pk, "office": office.pk, "user": m.user_id, "role": m.role}
        for m in Membership.objects.filter(office=office).order_by("pk")
    ]


def memberships() -> set[tuple[str, str, str]]:
    return set(Membership.objects.values_list("user__username", "office__code", "role"))


# The catalogue administrator: the catalogue, and nothing else ---------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/portal/user/",
        "/admin/portal/user/add/",
        "/admin/portal/user/{chi}/change/",
        "/admin/portal/office/",
        "/admin/portal/office/add/",
        "/admin/portal/office/{office}/change/",
        "/admin/portal/calendarday/",
        "/admin/portal/calendarday/add/",
        "/admin/portal/calendaryear/",
        "/admin/dossiers/dossier/",
        "/admin/dossiers/notification/",
    ],
)
def test_a_catalogue_administrator_is_refused_staff_offices_calendar_and_dossiers(client, mai, chi, office_a, url):
    sign_in(client, mai)
    assert client.get(url.format(chi=chi.pk, office=office_a.pk)).status_code == 403
    assert client.get("/admin/procedures/procedure/").status_code == 200


def test_a_catalogue_administrator_cannot_reset_a_clerks_password_or_give_roles(client, mai, chi, office_a):
    sign_in(client, mai)
    response = client.post(
        f"/admin/portal/user/{chi.pk}/password/", {"password1": "Hijack-123-x", "password2": "Hijack-123-x"}
    )
    assert response.status_code == 403
    chi.refresh_from_db()
    assert chi.check_password(PASSWORD)
    assert client.post("/admin/portal/user/add/", new_account("mai-approver", office_a, "approver")).status_code == 403
    assert not User.objects.filter(username="mai-approver").exists()


@pytest.mark.usefixtures("vn_holidays")
def test_a_catalogue_administrator_reads_no_dossier_scan_or_slip(client, api, mai, chi, procedure, office_a):
    dossier = received_dossier(procedure, office_a, chi)
    sign_in(client, chi)
    client.post(f"/counter/dossiers/{dossier.code}/attachments/", {"file": SimpleUploadedFile("scan.pdf", PDF)})
    attachment, slip = Attachment.objects.get(), dossier.slips.get()
    sign_in(client, mai)
    for url in (
        "/counter/",
        f"/counter/dossiers/{dossier.code}/",
        f"/counter/dossiers/{dossier.code}/attachments/{attachment.pk}/",
        f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/",
        "/counter/queue/to_appraise/",
    ):
        assert client.get(url).status_code == 403, url
    as_mai = api.as_(mai)
    assert as_mai.get("/api/v1/dossiers/").json()["count"] == 0
    for url in (f"/api/v1/dossiers/{dossier.code}/", f"/api/v1/dossiers/{dossier.code}/slips/receipt/"):
        assert as_mai.get(url).status_code == 404, url
    assert "Counter" not in client.get("/").content.decode()


# The office administrator: staff and roles of their offices ---------------------


def test_a_commune_office_administrator_adds_the_roles_below_their_own_at_their_commune(
    client, dung, office_a, office_b
):
    sign_in(client, dung)
    for username, role in (("new-clerk", "clerk"), ("new-approver", "approver"), ("new-supervisor", "supervisor")):
        response = client.post("/admin/portal/user/add/", new_account(username, office_a, role))
        assert response.status_code == 302, response.content.decode()[:3000]
        assert User.objects.get(username=username).roles_at(office_a) == {role}

    with translation.override("en"):
        page = client.get("/admin/portal/user/add/").content.decode()
        assert 'value="supervisor"' in page and 'value="office_admin"' not in page  # not offered
        for username, role in (("new-admin", "office_admin"), ("new-cataloguer", "catalogue_admin")):
            page = client.post("/admin/portal/user/add/", new_account(username, office_a, role))
            assert page.status_code == 200 and "Select a valid choice" in page.content.decode(), role
        page = client.post("/admin/portal/user/add/", new_account("far-clerk", office_b, "clerk"))
        assert "Select a valid choice" in page.content.decode()
    assert not User.objects.filter(username__in=["new-admin", "new-cataloguer", "far-clerk"]).exists()


def test_a_province_office_administrator_appoints_commune_administrators_but_not_peers(
    client, ngoc, province, office_a
):
    sign_in(client, ngoc)
    assert client.post("/admin/portal/user/add/", new_account("a-admin", office_a, "office_admin")).status_code == 302
    assert User.objects.get(username="a-admin").roles_at(office_a) == {"office_admin"}
    with translation.override("en"):
        page = client.post("/admin/portal/user/add/", new_account("p-admin", province, "office_admin"))
        assert "Only a superuser gives the role “Office administrator (staff and roles)”" in page.content.decode()
        page = client.post("/admin/portal/user/add/", new_account("p-cataloguer", province, "catalogue_admin"))
        assert "Select a valid choice" in page.content.decode()  # never offered to an office administrator
    assert not User.objects.filter(username__in=["p-admin", "p-cataloguer"]).exists()


def test_an_office_administrator_cannot_change_their_own_roles(client, dung, office_a):
    sign_in(client, dung)
    assert client.get(f"/admin/portal/user/{dung.pk}/change/").status_code == 302  # not among the accounts listed
    before = memberships()
    # Adding a role to themselves, or taking their own away, on the office's page.
    added = [*rows_of(office_a), {"office": office_a.pk, "user": dung.pk, "role": "approver"}]
    page = client.post(f"/admin/portal/office/{office_a.pk}/change/", office_form(office_a, added, initial=1))
    assert "You cannot change your own roles." in page.content.decode()
    removed = [{**row, "DELETE": "on"} for row in rows_of(office_a)]
    page = client.post(f"/admin/portal/office/{office_a.pk}/change/", office_form(office_a, removed, initial=1))
    assert "You cannot change your own roles." in page.content.decode()
    assert memberships() == before


def test_an_office_administrator_cannot_reset_a_catalogue_administrators_or_a_superusers_password(
    client, ngoc, mai, boss
):
    sign_in(client, ngoc)
    hijack = {"password1": "Hijack-123-x", "password2": "Hijack-123-x"}
    with translation.override("en"):
        refused = client.post(f"/admin/portal/user/{mai.pk}/password/", hijack)
        assert refused.status_code == 403
        assert "Hoàng Thị Mai is Catalogue administrator at Tỉnh Mẫu, a role you may not give" in (
            refused.content.decode()
        )
        page = client.get(f"/admin/portal/user/{mai.pk}/change/").content.decode()
        assert "a role you may not give" in page and 'name="_save"' not in page and "Reset password" not in page
    assert client.post(f"/admin/portal/user/{mai.pk}/change/", user_form(mai, full_name="Kẻ Khác")).status_code == 403
    assert client.post(f"/admin/portal/user/{boss.pk}/password/", hijack).status_code == 404
    mai.refresh_from_db()
    boss.refresh_from_db()
    assert mai.check_password(PASSWORD) and mai.full_name == "Hoàng Thị Mai"
    assert boss.check_password("x-secret-1")


def test_an_office_administrator_cannot_reach_an_account_that_also_works_elsewhere(
    client, dung, chi, ngoc, office_b, elsewhere
):
    sign_in(client, dung)
    Membership.objects.create(user=chi, office=office_b, role=Role.CLERK)
    hijack = {"password1": "Hijack-123-x", "password2": "Hijack-123-x"}
    with translation.override("en"):
        refused = client.post(f"/admin/portal/user/{chi.pk}/password/", hijack)
    assert refused.status_code == 403 and "Counter clerk at Xã Tây Tựu" in refused.content.decode()
    # The province's administrator reaches both communes, until Chi works in another province too.
    sign_in(client, ngoc)
    assert client.post(f"/admin/portal/user/{chi.pk}/password/", hijack).status_code == 302
    Membership.objects.create(user=chi, office=elsewhere, role=Role.CLERK)
    assert client.post(f"/admin/portal/user/{chi.pk}/password/", {**hijack, "password1": "X"}).status_code == 403
    chi.refresh_from_db()
    assert chi.check_password("Hijack-123-x")


def test_an_office_administrator_resets_a_clerks_password_but_makes_nobody_a_superuser(client, dung, chi):
    sign_in(client, dung)
    assert "Reset password" in client.get(f"/admin/portal/user/{chi.pk}/change/").content.decode()
    reset = {"password1": "New-counter-2026", "password2": "New-counter-2026"}
    assert client.post(f"/admin/portal/user/{chi.pk}/password/", reset).status_code == 302
    changed = user_form(chi, full_name="Trần Thị Chi (Một cửa)", is_superuser="on", is_staff="on")
    assert client.post(f"/admin/portal/user/{chi.pk}/change/", changed).status_code == 302
    chi.refresh_from_db()
    assert chi.check_password("New-counter-2026") and chi.full_name == "Trần Thị Chi (Một cửa)"
    assert not chi.is_superuser and not chi.is_staff
    assert client.post(f"/admin/portal/user/{chi.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=chi.pk).exists()


def test_an_office_administrator_gives_roles_only_to_staff_they_manage(client, dung, chi, lan, office_a):
    colleague = staff_member("tam", "Hồ Thị Tâm", office_a, Role.OFFICE_ADMIN)
    sign_in(client, dung)
    before = memberships()
    rows = rows_of(office_a)
    with translation.override("en"):
        # A citizen's account, by its number: not one of the staff.
        citizen = office_form(office_a, [*rows, {"office": office_a.pk, "user": lan.pk, "role": "clerk"}], len(rows))
        page = client.post(f"/admin/portal/office/{office_a.pk}/change/", citizen).content.decode()
        assert "Select a valid choice" in page
        # A fellow office administrator's role: not theirs to take away or change.
        for change in ({"DELETE": "on"}, {"role": "clerk"}):
            edited = [{**row, **change} if row["user"] == colleague.pk else row for row in rows]
            page = client.post(f"/admin/portal/office/{office_a.pk}/change/", office_form(office_a, edited, len(rows)))
            assert "Hồ Thị Tâm is Office administrator (staff and roles) at Phường Ba Đình" in page.content.decode()
        # Chi, a clerk, made an office administrator: above what Dũng gives.
        promoted = [{**row, "role": "office_admin"} if row["user"] == chi.pk else row for row in rows]
        page = client.post(f"/admin/portal/office/{office_a.pk}/change/", office_form(office_a, promoted, len(rows)))
        assert "appoints the office administrators of Phường Ba Đình" in page.content.decode()
    assert memberships() == before
    # What is Dũng's to give goes through.
    specialist = [*rows, {"office": office_a.pk, "user": chi.pk, "role": "specialist"}]
    response = client.post(f"/admin/portal/office/{office_a.pk}/change/", office_form(office_a, specialist, len(rows)))
    assert response.status_code == 302
    assert chi.roles_at(office_a) == {"clerk", "specialist"}


def test_a_commune_office_administrator_keeps_to_their_commune(client, dung, chi, binh, office_a, office_b):
    sign_in(client, dung)
    assert set(client.get("/admin/portal/user/").context["cl"].result_list) == {chi}
    assert client.get(f"/admin/portal/user/{binh.pk}/change/").status_code == 302  # "does not exist"
    assert client.get("/admin/portal/office/add/").status_code == 403  # a province opens counters
    assert client.get(f"/admin/portal/office/{office_b.pk}/change/").status_code == 302
    hours = office_form(office_a, rows_of(office_a), initial=2)
    hours.update({"afternoon_closes_at": "16:30", "opens_saturday_morning": "on"})
    assert client.post(f"/admin/portal/office/{office_a.pk}/change/", hours).status_code == 302
    office_a.refresh_from_db()
    assert office_a.opens_saturday_morning and office_a.parent.level == "province"
    closure = {"date": "2026-03-10", "kind": "closure", "name": "Bão", "office": office_b.pk}
    assert "Select a valid choice" in client.post("/admin/portal/calendarday/add/", closure).content.decode()
    assert client.post("/admin/portal/calendarday/add/", {**closure, "office": office_a.pk}).status_code == 302


@pytest.mark.usefixtures("vn_holidays")
def test_an_office_administrator_sees_no_dossier(client, api, ngoc, chi, procedure, office_a):
    dossier = received_dossier(procedure, office_a, chi)
    sign_in(client, ngoc)
    for url in ("/admin/dossiers/dossier/", f"/admin/dossiers/dossier/{dossier.pk}/change/", "/counter/"):
        assert client.get(url).status_code == 403, url
    assert api.as_(ngoc).get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
    assert client.get("/admin/portal/user/").status_code == 200


# The rule itself ---------------------------------------------------------------------


def test_who_gives_which_role_where(province, office_a, office_b, elsewhere, ngoc, dung, mai, tuan, chi, boss):
    gives = {
        # granter: {(role, office): may}, worked out from the order in portal/roles.py
        ngoc: {
            ("clerk", office_a): True,
            ("supervisor", province): True,
            ("office_admin", office_a): True,
            ("office_admin", province): False,
            ("catalogue_admin", province): False,
            ("clerk", elsewhere): False,
        },
        dung: {
            ("clerk", office_a): True,
            ("approver", office_a): True,
            ("office_admin", office_a): False,
            ("clerk", office_b): False,
            ("clerk", province): False,
        },
        mai: {("clerk", office_a): False, ("catalogue_admin", province): False},
        tuan: {("clerk", office_a): False},
        chi: {("clerk", office_a): False},
        boss: {("catalogue_admin", province): True, ("office_admin", elsewhere.parent): True},
    }
    found = {
        granter: {(role, office): roles.may_grant(granter, role, office) for role, office in table}
        for granter, table in gives.items()
    }
    assert found == gives
    assert [roles.may_manage(ngoc, user) for user in (chi, dung, mai, tuan, boss, ngoc)] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    ngoc.is_active = False
    assert not roles.may_grant(ngoc, "clerk", office_a) and not roles.may_manage(ngoc, chi)


# Upgrading -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_a_province_catalogue_administrators_staff_powers():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.test_migrations import migrate

    apps = migrate([("portal", "0012_office_administrator_role")])
    OldOffice, OldUser = apps.get_model("portal", "Office"), apps.get_model("portal", "User")
    OldMembership = apps.get_model("portal", "Membership")
    province = OldOffice.objects.create(code="000.00.00.H09", name="Tỉnh Cũ", level="province")
    commune = OldOffice.objects.create(code="000.01.00.H09", name="Xã Cũ", level="commune", parent=province)
    for username, office, role in (
        ("old-mai", province, "catalogue_admin"),
        ("old-commune-cataloguer", commune, "catalogue_admin"),
        ("old-clerk", commune, "clerk"),
    ):
        OldMembership.objects.create(user=OldUser.objects.create(username=username), office=office, role=role)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert memberships() == {
        ("old-mai", "000.00.00.H09", "catalogue_admin"),
        # Before, only a province role gave staff powers: so after, too.
        ("old-mai", "000.00.00.H09", "office_admin"),
        ("old-commune-cataloguer", "000.01.00.H09", "catalogue_admin"),
        ("old-clerk", "000.01.00.H09", "clerk"),
    }
