"""Whether concurrent payment notifications ever count money twice, and how
long they take.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/payments.py                   # 100 payments, 200 notifications, 16 threads
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/payments.py --quick           # 30 payments, 8 threads, seconds (CI)
    .venv/bin/python bench/payments.py --quick               # SQLite: one thread (it has no row locks)

Builds its own database and drops it at the end, whatever happens, as
bench/report.py does (PostgreSQL: `bench_payments_<random>` beside the one
DATABASE_URL names, which it never touches). Opens `--payments` online
dossiers, starts one online payment for each, then sends every payment's
success notification (IPN) twice, signed as the gateway signs it, all in
shuffled order from `--threads` threads at once, through the portal's one
write path (`dossiers.payments.notify`, what the IPN address calls).

It checks that exactly one notification of each payment was confirmed and
the other answered "already confirmed", that every payment is paid once, and
that the dossiers' paid totals add up to the money sent, to the đồng: none
double-counted. Prints the time the notifications took, and per notification.
"""

import argparse
import logging
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
SECRET = "bench-merchant-secret"
os.environ["PAYMENT_MERCHANTS"] = f"*=BENCHPAY:{SECRET}"
AMOUNT = 50_000


def setup(count: int) -> list:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The tables straight from the models, as `pytest --nomigrations` makes
    # them: the migrations' data (calendars, schedules) plays no part here.
    settings.MIGRATION_MODULES = {app.label: None for app in django.apps.apps.get_app_configs()}
    began = time.perf_counter()
    call_command("migrate", run_syncdb=True, verbosity=0)
    print(f"tables made in {time.perf_counter() - began:.1f} s")
    from django.utils import timezone

    from dossiers import payments
    from dossiers.models import Dossier, Payment
    from portal.models import Office, User
    from procedures.models import Procedure, Sector

    province = Office.objects.create(code="000.00.00.H98", name="Tỉnh Thử", level=Office.Level.PROVINCE)
    office = Office.objects.create(code="000.01.00.H98", name="Xã Thử", level=Office.Level.COMMUNE, parent=province)
    sector = Sector.objects.create(code="bench-payments", name="Lĩnh vực thử")
    procedure = Procedure.objects.create(
        code="9.900001", name="Thủ tục có lệ phí", sector=sector, level="commune", payment_due="before_processing"
    )
    citizen = User.objects.create_user(username="bench-citizen", password="x", full_name="Nguyễn Thị Lan")
    now = timezone.now()
    # Written in bulk as the write path would leave them (submitted online,
    # one online payment waiting each): the notifications are what is measured.
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            code=f"{office.code}-260112-{n:04d}",
            procedure=procedure,
            receiving_office=office,
            competent_office=office,
            citizen=citizen,
            applicant_name="Nguyễn Thị Lan",
            channel="online",
            time_limit_amount=3,
            time_limit_unit="working_days",
            fees=[{"name": "Lệ phí", "amount_vnd": AMOUNT}],
            payment_due="before_processing",
        )
        for n in range(1, count + 1)
    )
    started = Payment.objects.bulk_create(
        Payment(
            dossier=dossier,
            reference=payments.new_reference(dossier),
            state="pending",
            method="online",
            amount_vnd=AMOUNT,
            office=office,
            gateway="vnpay",
            merchant_code="BENCHPAY",
            created_at=now,
        )
        for dossier in dossiers
    )
    return started


def notification(payment) -> dict[str, str]:
    from dossiers import gateways

    return gateways.sign_params(
        SECRET,
        {
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": "20260112093000",
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": "BENCHPAY",
            "vnp_TransactionNo": f"{payment.pk:08d}",
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.reference,
        },
    )


def send(params: dict[str, str]) -> str:
    from dossiers import payments

    return payments.notify(params).code


def run(args: argparse.Namespace, url: str) -> bool:
    began = time.perf_counter()
    started = setup(args.payments)
    print(
        f"set up {len(started)} dossiers, each with an online payment waiting, in {time.perf_counter() - began:.1f} s"
    )
    # The replays are refused as they should be: one line each is noise here.
    logging.getLogger("dossiers.payments").setLevel(logging.ERROR)
    from django.db import connection
    from django.db.models import Sum

    from dossiers.models import Dossier, DossierEvent, Payment

    threads = args.threads if connection.vendor == "postgresql" else 1
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]}); {threads} threads")
    notices = [notification(payment) for payment in started for _ in range(2)]
    random.Random(2026).shuffle(notices)
    connection.close()
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(send, notices))
    took = time.perf_counter() - began

    paid = Payment.objects.filter(state="paid").count()
    total = Dossier.objects.aggregate(total=Sum("fee_received_vnd"))["total"] or 0
    pay_events = DossierEvent.objects.filter(action="pay").count()
    double = sum(1 for dossier in Dossier.objects.all() if dossier.fee_received_vnd > dossier.fee_total_vnd)
    print(
        f"{len(notices)} notifications for {len(started)} payments in {took:.2f} s "
        f"({took / len(notices) * 1000:.1f} ms each)"
    )
    confirmed, already = answers.count("00"), answers.count("02")
    print(f"  answers: {confirmed} confirmed, {already} already confirmed, others {len(answers) - confirmed - already}")
    print(f"  paid payments: {paid}; 'pay' events: {pay_events}; dossiers paid more than owed: {double}")
    print(f"  money counted: {total:,} đồng for {len(started) * AMOUNT:,} sent")
    right = (
        answers.count("00") == len(started)
        and answers.count("02") == len(started)
        and paid == pay_events == len(started)
        and double == 0
        and total == len(started) * AMOUNT
    )
    print("  exactly once: yes" if right else "  exactly once: NO")
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=100)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="a few seconds: what CI runs")
    args = parser.parse_args()
    if args.quick:
        args.payments, args.threads = min(args.payments, 30), min(args.threads, 8)
    from report import bench_database

    url, drop = bench_database("payments")
    try:
        right = run(args, url)
    finally:
        drop()
    sys.exit(0 if right else 1)


if __name__ == "__main__":
    main()
