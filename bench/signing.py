"""What signing adds to a slip: the receipt rendered, and rendered and
signed by its office (PAdES, the development CA's ECDSA P-256 key), in
alternating runs; the medians, their difference against the 20 ms goal,
and what checking a signed slip takes.

    .venv/bin/python bench/signing.py [--runs 100]
    .venv/bin/python bench/signing.py --quick     # 5 runs each (CI)

The keys live in a temporary folder made and removed by the run.
"""

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
GOAL_MS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="5 runs each (CI)")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs

    import django

    django.setup()
    from django.conf import settings

    from dossiers import slips
    from portal import signing
    from portal.models import Office

    spec = importlib.util.spec_from_file_location("bench_slips", ROOT / "bench" / "slips.py")
    assert spec and spec.loader
    bench_slips = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_slips)
    slip = bench_slips.receipt()

    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    settings.PDF_SIGNING_KEYS_DIR = folder
    settings.PDF_SIGNING_DEVELOPMENT_CA = True
    settings.PDF_SIGNING_TSA_URL = ""
    office = Office(code="999.99.99.B99", name="Bộ phận Một cửa phường Hoa Lư", authority="UBND phường Hoa Lư")
    try:
        signed = signing.sign(slips.render_pdf(slip), office, reason="Phiếu tiếp nhận")  # warm: keys, imports
        plain_times, signed_times, sign_only, sign_cpu = [], [], [], []
        for _ in range(runs):
            started = time.perf_counter()
            slips.render_pdf(slip)
            plain_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf = slips.render_pdf(slip)
            middle, middle_cpu = time.perf_counter(), time.process_time()
            signed = signing.sign(pdf, office, reason="Phiếu tiếp nhận")
            ended = time.perf_counter()
            sign_cpu.append(time.process_time() - middle_cpu)
            signed_times.append(ended - started)
            sign_only.append(ended - middle)
        checks = []
        for _ in range(runs):
            started = time.perf_counter()
            report = signing.validate(signed)
            checks.append(time.perf_counter() - started)
        assert report.valid, report
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    plain, both = statistics.median(plain_times) * 1000, statistics.median(signed_times) * 1000
    added = statistics.median(sign_only) * 1000
    print(f"receipt: {len(pdf):,} bytes, signed {len(signed):,} bytes; {runs} runs each, alternating")
    print(f"render: median {plain:.1f} ms; render and sign: median {both:.1f} ms")
    print(f"signing adds: median {added:.1f} ms (goal ≤ {GOAL_MS} ms) — {'met' if added <= GOAL_MS else 'NOT met'}")
    # CPU time: what the signing costs this process, whatever else runs on the machine.
    print(f"signing's CPU time: median {statistics.median(sign_cpu) * 1000:.1f} ms")
    print(f"validating a signed slip: median {statistics.median(checks) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
