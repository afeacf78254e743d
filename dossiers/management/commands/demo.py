"""Demo data: a province with three one-stop counters, one account per role,
the public holidays, and the real national catalogue. Safe to run again."""

import datetime as dt
import functools
import time
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dossiers import payments, synthetic
from dossiers.models import Dossier, Payment
from dossiers.payments import TAKES_MONEY
from portal import two_factor
from portal.models import CalendarDay, Membership, Office, User
from procedures.interchange import import_national
from procedures.models import Procedure
from procedures.names import load_names
from procedures.national import load_completions, parse_file

Role = Membership.Role
DATA = Path(__file__).resolve().parents[3] / "procedures" / "data"
PASSWORD = "demo-2026"


@functools.cache
def _demo_password_hash() -> str:
    return make_password(PASSWORD)


DEMO_AUTHENTICATOR_KEY = "DEMOKEYSDEMOKEYSDEMOKEYSDEMOKEYS"

PROVINCE = {
    "code": "000.00.00.H37",
    "name": "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình",
    "authority": "UBND tỉnh Ninh Bình",
    "locality": "Ninh Bình",
    "address": "Số 2 Đinh Tiên Hoàng, Ninh Bình",
    "phone": "0229 3871 000",
}
COMMUNES = [
    {
        "code": "000.01.00.H37",
        "name": "Bộ phận Một cửa phường Hoa Lư",
        "authority": "UBND phường Hoa Lư",
        "locality": "Hoa Lư",
        "address": "Số 8 Lê Hồng Phong, phường Hoa Lư",
        "phone": "0229 3872 101",
    },
    {
        "code": "000.02.00.H37",
        "name": "Bộ phận Một cửa xã Gia Viễn",
        "authority": "UBND xã Gia Viễn",
        "locality": "Gia Viễn",
        "address": "Thôn Tập Ninh, xã Gia Viễn",
        "phone": "0229 3872 202",
        "opens_saturday_morning": True,
    },
    {
        "code": "000.03.00.H37",
        "name": "Bộ phận Một cửa phường Tam Điệp",
        "authority": "UBND phường Tam Điệp",
        "locality": "Tam Điệp",
        "address": "Số 15 Quang Trung, phường Tam Điệp",
        "phone": "0229 3872 303",
    },
]
# username, full name, office (index into COMMUNES, or None for the province), role
STAFF = [
    ("clerk", "Trần Thị Chi", 0, Role.CLERK),
    ("specialist", "Phạm Văn Sơn", 0, Role.SPECIALIST),
    ("approver", "Đỗ Thị Hoa", 0, Role.APPROVER),
    ("clerk2", "Lê Văn Bình", 1, Role.CLERK),
    ("specialist2", "Ngô Thị Hằng", 1, Role.SPECIALIST),
    ("approver2", "Bùi Văn Long", 1, Role.APPROVER),
    ("clerk3", "Đinh Thị Thu", 2, Role.CLERK),
    ("specialist3", "Lý Văn Minh", 2, Role.SPECIALIST),
    ("approver3", "Vương Thị Yến", 2, Role.APPROVER),
    ("supervisor", "Vũ Minh Tuấn", None, Role.SUPERVISOR),
    ("officeadmin", "Lương Thị Ngọc", None, Role.OFFICE_ADMIN),
    ("cataloguer", "Hoàng Thị Mai", None, Role.CATALOGUE_ADMIN),
    ("operator", "Trịnh Thị Oanh", None, Role.OPERATOR),
    ("accountant", "Ngô Thị Kế", 0, Role.ACCOUNTANT),
]
CITIZEN = ("citizen", "Nguyễn Thị Lan", "0912345678", "001190012345", "Số 21 Trần Hưng Đạo, phường Hoa Lư")


# The procedures of the demo history, most asked first, then the rest of
# their sectors. Residence and household business dossiers lead: their
# limits run over days, so that most dossiers can finish early (a same-day
# procedure finished the same day is on time, never early).
POPULAR = {
    "1.004194": 10,  # đăng ký tạm trú
    "1.004222": 8,  # đăng ký thường trú
    "1.001612": 6,  # đăng ký thành lập hộ kinh doanh
    "1.004873": 6,  # xác nhận tình trạng hôn nhân
    "2.000720": 4,  # thay đổi nội dung đăng ký hộ kinh doanh
    "2.000815": 3,  # chứng thực bản sao từ bản chính (same day)
    "1.001193": 2,  # đăng ký khai sinh (same day)
    "1.000656": 1,  # đăng ký khai tử (same day)
    "2.000884": 1,  # chứng thực chữ ký (same day)
    "2.000635": 1,  # bản sao trích lục hộ tịch (same day)
    "1.000894": 1,  # đăng ký kết hôn (same day)
}
OTHERS_WEIGHT = 0.08
HISTORY_SECTORS = [
    "ho-tich",
    "chung-thuc",
    "dang-ky-quan-ly-cu-tru",
    "thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh",
]


class Command(BaseCommand):
    help = "Create the demo province, counters, accounts, holidays, catalogue and dossiers (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=10000, help="historical dossiers over the last 12 months")
        parser.add_argument(
            "--only",
            action="append",
            metavar="CODE",
            help="import only these procedures of the national catalogue (may be given again); a quick demo",
        )

    def handle(self, *args, dossiers, only=None, **options):
        started = time.monotonic()
        province, communes = self.offices()
        self.accounts(province, communes)
        this_year = timezone.localdate().year
        CalendarDay.seed_public_holidays("VN", [this_year - 1, this_year, this_year + 1])
        self.catalogue(only)
        self.history(communes, dossiers)
        self.fees_of_yesterday(communes[0])
        # Every office signs its slips out of the box (not legally valid).
        call_command("signing_keys", "--issue", stdout=self.stdout)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
        self.stdout.write(
            f"Accounts (password {PASSWORD} for all): admin (superuser), "
            + ", ".join(f"{username} ({role.label})" for username, _name, _office, role in STAFF)
            + f", {CITIZEN[0]} (citizen)."
        )

    @transaction.atomic
    def offices(self) -> tuple[Office, list[Office]]:
        province, _ = Office.objects.update_or_create(
            code=PROVINCE["code"], defaults={**PROVINCE, "level": Office.Level.PROVINCE, "parent": None}
        )
        communes = [
            Office.objects.update_or_create(
                code=commune["code"],
                defaults={**commune, "level": Office.Level.COMMUNE, "parent": province},
            )[0]
            for commune in COMMUNES
        ]
        return province, communes

    @transaction.atomic
    def accounts(self, province: Office, communes: list[Office]) -> None:
        admin = self.user("admin", "Quản trị hệ thống")
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        for username, full_name, office_index, role in STAFF:
            user = self.user(username, full_name)
            office = province if office_index is None else communes[office_index]
            Membership.objects.get_or_create(user=user, office=office, role=role)
        # Those who must sign in in two steps share one authenticator key,
        # printed in the README: a demonstration, never a real deployment.
        for user in User.objects.filter(totp_secret=""):
            if two_factor.required_for(user):
                user.totp_secret = DEMO_AUTHENTICATOR_KEY
                user.save(update_fields=["totp_secret"])
        citizen = self.user(CITIZEN[0], CITIZEN[1])
        citizen.phone, citizen.id_number, citizen.address = CITIZEN[2:]
        citizen.save(update_fields=["phone", "id_number", "address"])

    def user(self, username: str, full_name: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "email": f"{username}@demo.example.vn"}
        )
        if created:
            # One hash for the one public demo password: hashing it for each
            # account took most of a quick demo's time.
            user.password = _demo_password_hash()
            user.save(update_fields=["password"])
        return user

    def history(self, communes: list[Office], count: int) -> None:
        if Dossier.objects.exists():
            self.stdout.write("Dossiers: kept the ones already there.")
            return
        active = Procedure.objects.active().prefetch_related("channels", "fees", "documents", "stages")
        popular = {p.code: p for p in active.filter(code__in=POPULAR)}
        others = active.filter(sector__code__in=HISTORY_SECTORS).exclude(code__in=POPULAR).order_by("code")
        procedures = [popular[code] for code in POPULAR if code in popular] + list(others)
        weights = [POPULAR.get(p.code, OTHERS_WEIGHT) for p in procedures]
        written = synthetic.generate(count, communes, procedures, weights=weights)
        self.stdout.write(f"Dossiers: {written} over the last 12 months.")

    def fees_of_yesterday(self, office: Office) -> None:
        """Fees taken at the first counter yesterday, in cash and by card, for
        its daily statement (the history itself records no payment)."""
        if Payment.objects.exists():
            return
        clerk = User.objects.get(username="clerk")
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        before = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(0)))
        received = Dossier.objects.filter(receiving_office=office, state__in=TAKES_MONEY, received_at__lt=before)
        owing = [dossier for dossier in received.order_by("-received_at")[:300] if dossier.amount_outstanding_vnd][:8]
        for n, dossier in enumerate(owing):
            moment = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(8, 10))) + dt.timedelta(minutes=37 * n)
            amount = dossier.amount_outstanding_vnd // 2 if n == 3 else dossier.amount_outstanding_vnd
            payments.record_at_counter(
                dossier,
                amount=amount,
                receipt_number=f"{yesterday:%y%m%d}-{n + 1:03d}",
                method="card" if n % 3 == 2 else "cash",
                actor=clerk,
                at=moment,
            )
        self.stdout.write(f"Fees: {len(owing)} payments at {office.name} on {yesterday:%d/%m/%Y}.")

    def catalogue(self, only: list[str] | None = None) -> None:
        completions = load_completions(DATA / "completions.json")
        records = parse_file(DATA / "commune-procedures.jsonl.gz", codes=set(only) if only else None)
        result = import_national(records, completions)
        load_names()
        self.stdout.write(
            f"National catalogue: {len(result.complete)} procedures published, "
            f"{len(result.in_review)} in review, "
            f"{len(result.left_out)} left out ({result.summary})."
        )
