"""Report reads go to the read replica, everything else to the primary.

A second PostgreSQL database stands in for the replica: a copy of the test
database made when the module starts (so it has the schema, as replication
would give it) and dropped at the end. Nothing replicates into it, so what a
page shows tells which database it read: the history of January is written
to the primary only, and a report that reads the replica finds none of it
until the rollups are copied there, as replication would.
"""

import datetime as dt
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dossiers.models import BalancedMonth, DailyTally, Dossier, MonthlyTally
from portal.models import Membership, Office
from portal.replicas import REPLICA, ReportReadsRouter, report_reads
from procedures.models import Sector
from reports import tasks
from reports.models import Export
from reports.periods import Period
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(databases=["default", REPLICA])]

JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}
TODAY = dt.date(2026, 3, 15)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    primary = connections["default"]
    source = primary.settings_dict["NAME"]
    name = f"{source}_replica_{secrets.token_hex(4)}"
    with django_db_blocker.unblock():
        # CREATE DATABASE … TEMPLATE needs the template to have no session.
        for connection in connections.all(initialized_only=True):
            connection.close()
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    connections.settings[REPLICA] = {**primary.settings_dict, "NAME": name}
    yield name
    with django_db_blocker.unblock():
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def january(history, replica, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return history


def replicate_the_rollups() -> None:
    """What streaming replication would bring: the rollups the report reads,
    with the offices and sectors they name."""
    for model in (Sector, Office, DailyTally, MonthlyTally):
        model.objects.using(REPLICA).bulk_create(model.objects.using("default").order_by("pk"))


def the_dashboard(client) -> str:
    page = client.get(reverse("reports:dashboard") + "?period=2026-01")
    assert page.status_code == 200
    return page.content.decode()


def test_the_report_api_reads_the_replica(january, api, tuan):
    asked = api.as_(tuan)
    # The primary holds January's eight finished dossiers; the replica has
    # not received them yet, and the report reads the replica.
    assert Dossier.objects.count() > 8
    empty = asked.get("/api/v1/reports/timeliness/", JANUARY)
    assert empty.status_code == 200, empty.json()
    assert empty.json()["total"]["finished"] == 0
    replicate_the_rollups()
    caught_up = asked.get("/api/v1/reports/timeliness/", JANUARY).json()
    assert caught_up["total"]["finished"] == 8
    # The stored opening balances went to the primary, computed from it.
    assert BalancedMonth.objects.using("default").exists()
    assert not BalancedMonth.objects.using(REPLICA).exists()


def test_the_report_page_reads_the_replica_and_the_counter_the_primary(january, client, tuan, chi, office_a):
    client.login(username=tuan.username, password=PASSWORD)
    assert "71.43 %" not in the_dashboard(client)  # nothing replicated yet
    replicate_the_rollups()
    # Phường Ba Đình finished 5 of 7 early or on time.
    assert "71.43 %" in the_dashboard(client)
    # The counter's queues are not a report: they read the primary.
    client.logout()
    client.login(username=chi.username, password=PASSWORD)
    dossier = Dossier.objects.filter(competent_office=office_a).first()
    page = client.get(reverse("counter:dossier", args=[dossier.code]))
    assert page.status_code == 200 and dossier.code in page.content.decode()


def codes_in(export: Export) -> set[str]:
    with export.file.open("rb") as stored:
        sheet = load_workbook(stored).active
        return {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}


def test_the_register_made_in_the_background_reads_the_replica(january, tuan, office_a):
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    received = set(Dossier.objects.filter(competent_office=office_a).values_list("code", flat=True))
    export = tasks.ask_register(tuan, office_a, period, "xlsx")
    assert tasks.make_export(export.pk) == "done"  # as the task cluster runs it
    # The export's own row lives on the primary, where the task found it; the
    # dossiers it lists were read from the replica, which holds none yet.
    made = Export.objects.using("default").get(pk=export.pk)
    assert made.state == Export.State.DONE
    assert not Export.objects.using(REPLICA).exists()
    assert received and not received & codes_in(made)


def test_outside_a_report_every_read_is_the_primarys(replica):
    router = ReportReadsRouter()
    assert router.db_for_read(Dossier) is None  # Django's default: the primary
    with report_reads():
        assert router.db_for_read(Dossier) == REPLICA
        assert router.db_for_read(MonthlyTally) == REPLICA
        # Accounts and roles, and what a report stores and reads back.
        assert router.db_for_read(get_user_model()) is None
        assert router.db_for_read(Membership) is None
        assert router.db_for_read(BalancedMonth) is None
        assert router.db_for_read(Export) is None
        assert router.db_for_write(Dossier) == "default"
    assert router.allow_migrate(REPLICA, "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is True
