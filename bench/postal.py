"""How fast the papers of results sent by post render: the envelope label
and the hand-over list (danh sách bàn giao) for a day's post.

    .venv/bin/python bench/postal.py [--rows 100] [--runs 20] [--out /tmp/postal]
    .venv/bin/python bench/postal.py --quick     # 10 rows, 3 runs (CI)

Renders through the portal's own code (dossiers/handover.py) from dossiers
built in memory: nothing is read from or written to a database. `--out`
keeps the PDFs to look at.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

NAMES = ["Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Hồng Nhung", "Phạm Quốc Khánh", "Đặng Thị Thu Hà"]
STREETS = ["Số 12 đường Trần Hưng Đạo", "Ngõ 5 phố Lê Lợi", "Thôn Đông, xã Gia Vân", "Số 8 Lê Hồng Phong"]


def serial_item(number: int) -> str:
    from dossiers import postal

    serial = f"{number:08d}"
    return f"EB{serial}{postal.check_digit(serial)}VN"


def day_of_post(rows: int):
    from django.contrib.auth import get_user_model

    from dossiers.models import Dossier
    from portal.models import Office
    from procedures.models import Procedure

    office = Office(
        code="000.01.00.H37",
        name="Bộ phận Một cửa phường Hoa Lư",
        authority="UBND phường Hoa Lư",
        locality="Hoa Lư",
        address="Số 8 Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình",
        phone="0229 3872 101",
        language="vi",
    )
    birth = Procedure(code="1.001193", name="Thủ tục đăng ký khai sinh")
    dossiers = [
        Dossier(
            code=f"000.01.00.H37-260112-{n:04d}",
            procedure=birth,
            applicant_name=NAMES[n % len(NAMES)],
            applicant_phone=f"09123{n:05d}",
            delivery="post",
            delivery_address=f"{STREETS[n % len(STREETS)]}, phường Hoa Lư, tỉnh Ninh Bình",
            postal_item_number=serial_item(1000 + n),
            posted_on=dt.date(2026, 1, 12),
        )
        for n in range(1, rows + 1)
    ]
    clerk = get_user_model()(username="chi", first_name="Trần Thị Chi")
    return office, dossiers, clerk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None, help="a folder to keep the PDFs in")
    parser.add_argument("--quick", action="store_true", help="10 rows, 3 runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.runs = 10, 3

    import django

    django.setup()
    from pypdf import PdfReader

    from dossiers import handover

    office, dossiers, clerk = day_of_post(args.rows)
    day = dt.date(2026, 1, 12)
    papers = {
        "one envelope label": lambda: handover.labels_pdf(dossiers[:1], office),
        f"{args.rows} envelope labels": lambda: handover.labels_pdf(dossiers, office),
        f"hand-over list of {args.rows} rows": lambda: handover.handover_pdf(dossiers, office, clerk=clerk, day=day),
    }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for number, (name, render) in enumerate(papers.items()):
        started = time.perf_counter()
        pdf = render()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            render()
            warm.append(time.perf_counter() - started)
        pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
        print(
            f"{name}: {pages} page(s), {len(pdf):,} bytes; first {cold * 1000:.0f} ms, "
            f"warm median over {args.runs} {statistics.median(warm) * 1000:.1f} ms"
        )
        if args.out:
            (args.out / f"{number}-{name.replace(' ', '-')}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
