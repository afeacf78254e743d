"""How fast a receipt renders, how many pages it takes, and how much memory
rendering takes.

    .venv/bin/python bench/slips.py [--runs 200]
    .venv/bin/python bench/slips.py --quick     # 5 runs, a few seconds (CI)

Renders the receipt and appointment slip of a real procedure (birth
registration 1.001193, its eight documents as the national portal lists them)
through the portal's own renderer: the first render in a fresh process
(imports, fonts, stylesheet), then the median of the warm ones against the
goal (60 ms; wall clock, and the process's CPU time, which other work on a
shared machine disturbs less), the pages of receipts for 1 to 20 documents,
and the peak resident memory of the process.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

GOAL_MS = 60

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def receipt():
    from dossiers.models import Slip
    from procedures.national import parse_file

    birth = next(p for p in parse_file(ROOT / "procedures/data/commune-procedures.jsonl.gz") if p.code == "1.001193")
    documents = [
        {"name": d["name"], "case": d["case"], "originals": d["originals"], "copies": d["copies"], "received": True}
        for d in birth.record["documents"]
    ]
    context = {
        "kind": "receipt",
        "form_number": "01",
        "authority": "UBND PHƯỜNG HOA LƯ",
        "office": "Bộ phận Một cửa phường Hoa Lư",
        "office_address": "Số 8 Lê Hồng Phong, phường Hoa Lư",
        "office_phone": "0229 3872 101",
        "competent_office": "",
        "place_date": "Hoa Lư, ngày 12 tháng 01 năm 2026",
        "code": "000.01.00.H37-260112-0007",
        "procedure": birth.record["name"],
        "procedure_code": birth.code,
        "applicant": {
            "name": "Nguyễn Thị Lan",
            "id_number": "037190012345",
            "phone": "0912345678",
            "email": "lan@example.vn",
            "address": "Số 1 phố Hàng Bạc, phường Hoa Lư",
        },
        "channel": "Trực tiếp",
        "delivery": "Tại Bộ phận Một cửa",
        "delivery_address": "",
        "documents": documents,
        "time_limit": "trong ngày (trước 15 giờ)",
        "fees": [{"name": "Lệ phí", "amount_vnd": 0, "exemption_note": ""}],
        "fee_total": 0,
        "received_at": "09 giờ 12 phút, ngày 12/01/2026",
        "due_at": "17 giờ 00 phút, ngày 12/01/2026",
        "appointment_at": "17 giờ 00 phút, ngày 12/01/2026",
        "note": "",
        "actor": "Trần Thị Chi",
        "state": "Đã tiếp nhận, đang thẩm định",
        "check_code": "K7Q2-M9XA",
        "verify_url": "https://motcua.example.gov.vn/v/K7Q2M9XA",
    }
    return Slip(kind="receipt", number=1, language="vi", context=context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="5 warm runs, 3 per phase (CI)")
    args = parser.parse_args()
    if args.quick:
        args.runs = 5
    phase_runs = 3 if args.quick else 30

    started = time.perf_counter()
    import django

    django.setup()
    from dossiers import slips

    slip = receipt()
    setup = time.perf_counter() - started

    started = time.perf_counter()
    pdf = slips.render_pdf(slip)
    cold = time.perf_counter() - started

    warm, warm_cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        slips.render_pdf(slip)
        warm.append(time.perf_counter() - started)
        warm_cpu.append(time.process_time() - started_cpu)

    # Where the time goes, on the same receipt (CPU time of this process).
    from weasyprint import HTML

    fonts, css = slips._renderer(slips.STYLESHEET)
    html = slips.render_html(slip)
    document = HTML(string=html).render(stylesheets=[css], font_config=fonts)
    qr = slips.qr_svg(slip.context["verify_url"])
    phases = {
        "Django template and QR code": lambda: slips.render_html(slip),
        "HTML parsing": lambda: HTML(string=html),
        "style and layout": lambda: HTML(string=html).render(stylesheets=[css], font_config=fonts),
        "PDF writing (fonts subset, streams compressed)": lambda: document.write_pdf(),
        "the same receipt without its QR code": lambda: HTML(string=html.replace(qr, "")).write_pdf(
            stylesheets=[css], font_config=fonts
        ),
    }
    short = receipt()
    short.context["documents"] = short.context["documents"][:2]
    phases["a receipt with two documents"] = lambda: slips.render_pdf(short)
    breakdown = {}
    for name, run in phases.items():
        run()
        times = []
        for _ in range(phase_runs):
            started = time.process_time()
            run()
            times.append(time.process_time() - started)
        breakdown[name] = statistics.median(times)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"receipt: {len(slip.context['documents'])} documents, {len(pdf):,} bytes")
    print(f"setup (django + catalogue file): {setup * 1000:.0f} ms")
    print(f"cold render (first in the process): {cold * 1000:.0f} ms")
    print(
        f"warm render over {args.runs}: median {statistics.median(warm) * 1000:.1f} ms, "
        f"p90 {statistics.quantiles(warm, n=10, method='inclusive')[-1] * 1000:.1f} ms, min {min(warm) * 1000:.1f} ms"
    )
    median_ms = statistics.median(warm) * 1000
    print(f"warm render CPU time: median {statistics.median(warm_cpu) * 1000:.1f} ms")
    print(f"goal: median <= {GOAL_MS} ms: {'met' if median_ms <= GOAL_MS else 'NOT met'} ({median_ms:.1f} ms)")
    print(f"pages: {len(document.pages)}")
    for count in (1, 2, 8, 12, 20):
        sized = receipt()
        sized.context["documents"] = (sized.context["documents"] * 3)[:count]
        pages = len(slips.layout(slips.render_html(sized)).pages)
        print(f"  a receipt for {count} document{'s' if count > 1 else ''}: {pages} page{'s' if pages > 1 else ''}")
    for name, seconds in breakdown.items():
        print(f"  {name}: {seconds * 1000:.1f} ms (median CPU time)")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
