"""How long working out what is owed takes, on every real procedure.

    .venv/bin/python bench/owed.py [--runs 200]
    .venv/bin/python bench/owed.py --quick     # 60 procedures, 20 runs (CI)

Reads the fee rows of the 588 commune-level procedures the portal ships
(`procedures/data/`), as a dossier keeps them, and works out what is owed
(`procedures.fees.owed`) on each channel with two units of each unit charged
per, the first case chosen, a 50 % reduction in force and a confirmed
exemption: the median time of one call, the slowest procedure, and how many
owed something. Pure: no database is made or touched.
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

REDUCTION = {
    "percent": 50,
    "fee_name": "",
    "legal_basis": "Thông tư 64/2025/TT-BTC",
    "valid_from": "2025-07-01",
    "valid_until": "2026-12-31",
}
EXEMPTION = {"id": 1, "name": "Hộ nghèo", "fee_name": "Phí", "legal_basis": "—", "proof": "—"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200, help="calls per procedure and channel")
    parser.add_argument("--quick", action="store_true", help="60 procedures, 20 runs (CI)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.utils import translation

    from procedures import fees
    from procedures.national import parse_file

    translation.activate("vi")
    records = list(parse_file(ROOT / "procedures/data/commune-procedures.jsonl.gz"))
    if args.quick:
        records, args.runs = records[:60], 20
    day = dt.date(2026, 1, 12)
    fees.owed([{"name": "Lệ phí", "amount": 1}], on=day, reductions=[REDUCTION])  # translations loaded once
    timings, owing, slowest = [], 0, (0.0, "")
    for parsed in records:
        for option in parsed.record.get("channels", []):
            rows = [
                {
                    "name": fee["name"],
                    "amount": fee.get("amount_vnd", fee.get("amount", 0)),
                    "currency": fee.get("currency", "VND"),
                    "unit": fee.get("unit", ""),
                    "case": fee.get("case", ""),
                    "valid_from": fee.get("valid_from"),
                    "valid_until": fee.get("valid_until"),
                }
                for fee in option.get("fees", [])
            ]
            if not rows:
                continue
            quantities = {row["unit"]: 2 for row in rows if row["unit"]}
            case = fees.fee_cases(rows, day)[:1]
            start = time.perf_counter()
            for _ in range(args.runs):
                owed = fees.owed(
                    rows,
                    on=day,
                    case=case[0] if case else "",
                    quantities=quantities,
                    reductions=[REDUCTION],
                    exemption=EXEMPTION,
                    exemption_status=fees.CONFIRMED,
                )
            each = (time.perf_counter() - start) / args.runs
            timings.append(each)
            slowest = max(slowest, (each, f"{parsed.code} {option['channel']} ({len(rows)} rows)"))
            owing += owed.total_vnd > 0 or bool(owed.other_currencies)
    print(f"procedures read: {len(records)}; channels with published fees: {len(timings)}; owing something: {owing}")
    print(f"owed(), median of one call: {statistics.median(timings) * 1e6:.0f} µs")
    print(f"slowest: {slowest[0] * 1e6:.0f} µs — {slowest[1]}")


if __name__ == "__main__":
    main()
