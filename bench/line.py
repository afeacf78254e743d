"""What a call to the feedback line's switchboard costs the portal, and
what an SMS costs the webhook, on the real catalogue.

    .venv/bin/python bench/line.py            # 20 rounds of every message
    .venv/bin/python bench/line.py --quick    # 1 round (CI)

A SQLite database of its own, in memory (gone at the end): a province and
three communes, the 588 commune procedures shipped with the portal,
published, and a switchboard operator. The messages are
what callers say (a question about a procedure, a complaint naming a
commune, a pothole). Measured, each as p50 / p95 / max in milliseconds,
and the queries of one:
- suggest: the type, procedure and office read from the words (the
  operator's "Suggest" button, and every case from the web, SMS and API);
- the switchboard's two requests through Django: "Suggest", then "Record
  and send" (the case received and routed, the SMS queued);
- an inbound SMS through the signed webhook, opening a case.
"""

import argparse
import gzip
import hashlib
import hmac
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# In memory: one connection, this process's own; nothing on disk to remove.
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["LINE_SENDER_ATTEMPTS"] = "1000000"
os.environ["LINE_SMS_SECRET"] = "bench-line-secret"

MESSAGES = (
    "Tôi muốn hỏi làm giấy khai sinh cho con cần gì, ở phường Hoa Lư",
    "Cán bộ một cửa xã Gia Viễn có thái độ hách dịch khi tôi đăng ký kết hôn",
    "Đường trước UBND phường Tam Điệp có ổ gà lớn",
    "thu tuc cap ban sao trich luc ho tich mat bao lau?",
    "Chứng thực bản sao ở Hoa Lư phải chờ 3 ngày, quá lâu",
    "Đăng ký thường trú cho con ở Gia Viễn mất bao lâu?",
    "Đề nghị mở cửa bộ phận một cửa vào sáng thứ bảy",
    "Xin hỏi đăng ký hộ kinh doanh cần giấy tờ gì",
    "Cán bộ yêu cầu thêm giấy không có trong quy định khi tôi đăng ký tạm trú",
    "Đèn đường ở xóm 3 hỏng đã một tháng",
)


def summary(label: str, timings: list[float], queries: int | None = None) -> None:
    timings = sorted(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    extra = f"  {queries} queries" if queries is not None else ""
    print(
        f"{label:<22} n={len(timings):>4}  p50 {statistics.median(timings):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {timings[-1]:7.1f} ms{extra}"
    )


def setup():
    from django.utils.text import slugify

    from bench.prepared import migrate
    from portal.models import Membership, Office, User
    from procedures.models import Procedure, Sector

    migrate()
    province = Office.objects.create(code="BENCH.LINE.P", name="Tỉnh Ninh Bình", level="province")
    for number, name in enumerate(("Phường Hoa Lư", "Xã Gia Viễn", "Phường Tam Điệp"), start=1):
        Office.objects.create(
            code=f"BENCH.LINE.C{number}", name=f"Bộ phận Một cửa {name}", parent=province, level="commune"
        )
    with gzip.open(ROOT / "procedures/data/commune-procedures.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    sectors: dict[str, Sector] = {}
    for record in records:
        name = str(record["linh_vuc"]).strip()[:200] or "Khác"
        if name not in sectors:
            sectors[name] = Sector.objects.create(code=slugify(name)[:100] or f"s{len(sectors)}", name=name)
    Procedure.objects.bulk_create(
        Procedure(
            code=record["ma_thu_tuc"],
            name=record["ten_thu_tuc"],
            sector=sectors[str(record["linh_vuc"]).strip()[:200] or "Khác"],
            status=Procedure.Status.PUBLISHED,
        )
        for record in records
    )
    operator = User.objects.create_user(
        "bench-line-operator", password="bench-line-password", full_name="Trực tổng đài"
    )
    Membership.objects.create(user=operator, office=province, role=Membership.Role.OPERATOR)
    print(f"catalogue: {Procedure.objects.count()} procedures; 1 province, 3 communes")
    return province, operator


def measure(rounds: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from petitions import classify

    setup_test_environment()  # the responses carry their context
    logging.getLogger("django-q").setLevel(logging.WARNING)  # one line per queued SMS otherwise
    from petitions.models import Case

    province, operator = setup()
    started = time.perf_counter()
    classify.suggest("làm giấy khai sinh", province)  # builds the search index once
    print(f"first suggestion (the search index built): {(time.perf_counter() - started) * 1000:.0f} ms")

    suggest = []
    for _ in range(rounds):
        for text in MESSAGES:
            started = time.perf_counter()
            classify.suggest(text, province)
            suggest.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        classify.suggest(MESSAGES[0], province)
    summary("suggest", suggest, len(queries))

    client = Client()
    client.force_login(operator)
    asked, recorded = [], []
    for round_number in range(rounds):
        for number, text in enumerate(MESSAGES):
            call = {"name": "Người gọi", "phone": f"09{round_number:02d}{number:06d}", "text": text}
            started = time.perf_counter()
            response = client.post("/line/switchboard/", {**call, "suggest": "1"})
            asked.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            office = response.context["form"].initial.get("office", "")
            kind = response.context["form"].initial.get("kind", "")
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post("/line/switchboard/", {**call, "kind": kind, "office": office, "record": "1"})
            recorded.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
    summary("switchboard: suggest", asked)
    summary("switchboard: record", recorded, len(queries))

    sms = []
    for round_number in range(rounds):
        for number, text in enumerate(MESSAGES):
            body = json.dumps({"from": f"08{round_number:02d}{number:06d}", "text": text}).encode()
            signature = hmac.new(b"bench-line-secret", body, hashlib.sha256).hexdigest()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    "/line/sms/", body, content_type="application/json", HTTP_X_LINE_SIGNATURE=signature
                )
            sms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.content
    summary("sms webhook", sms, len(queries))
    print(f"cases opened: {Case.objects.count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round instead of 20 (CI)")
    args = parser.parse_args()
    measure(rounds=1 if args.quick else 20)


if __name__ == "__main__":
    main()
