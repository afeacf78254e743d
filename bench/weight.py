"""How many bytes the citizen's pages cost over the wire: compressed HTML
plus the one stylesheet, no web fonts, no scripts to download.

    .venv/bin/python bench/weight.py            # every procedure page
    .venv/bin/python bench/weight.py --quick    # 30 procedure pages (CI)

Builds a database of its own (SQLite, in a fresh temporary folder removed at
the end) with the real national catalogue, then asks the portal, through its own middleware (gzip),
for every procedure page and for each page of an online application, in
Vietnamese, English and Thai. The stylesheet is counted gzipped at level 9,
as the static file storage precompresses it. The goal: each page ≤ 50 KB.
"""

import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
FOLDER = Path(tempfile.mkdtemp(prefix="bench-weight-"))
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'bench.sqlite3'}"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

GOAL = 50 * 1024
LANGUAGES = ("vi", "en", "th")


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    from bench.prepared import migrate
    from dossiers.management.commands.demo import COMMUNES, PROVINCE
    from portal.models import Office, User
    from procedures.models import Procedure
    from procedures.names import load_names

    migrate()
    if not Procedure.objects.exists():
        call_command(
            "import_national_catalogue", quiet=True, completions=str(ROOT / "procedures/data/completions.json")
        )
        load_names()
    province, _ = Office.objects.get_or_create(code=PROVINCE["code"], defaults={**PROVINCE, "level": "province"})
    for commune in COMMUNES:
        Office.objects.get_or_create(code=commune["code"], defaults={**commune, "level": "commune", "parent": province})
    citizen, _created = User.objects.get_or_create(
        username="0912345678",
        defaults={
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "email": "lan@example.vn",
            "id_number": "001190012345",
            "address": "Số 21 Trần Hưng Đạo, phường Hoa Lư",
        },
    )
    return citizen


def wire_bytes(client, url: str, language: str) -> int:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    assert response.get("Content-Encoding") == "gzip", url
    return len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 procedure pages instead of all (CI)")
    args = parser.parse_args()
    try:
        measure(quick=args.quick)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)


def measure(*, quick: bool) -> None:
    citizen = setup()
    from django.test import Client

    from citizens import applications
    from citizens.models import Draft
    from portal.models import Office
    from procedures.models import Procedure

    css = gzip.compress((ROOT / "static/css/portal.css").read_bytes(), 9)
    print(f"Stylesheet: {len(css):,} bytes gzipped (the only asset; no web fonts, no script files).")
    client = Client()

    sizes = {}
    procedures = Procedure.objects.active().order_by("code")
    for procedure in procedures[:30] if quick else procedures:
        sizes[procedure.code] = wire_bytes(client, procedure.get_absolute_url(), "vi")
    heaviest = max(sizes, key=sizes.get)
    print(
        f"Procedure pages, Vietnamese, {len(sizes)} procedures: median {statistics.median(sizes.values()):,.0f} B, "
        f"heaviest {heaviest} {sizes[heaviest]:,} B (+ CSS = {sizes[heaviest] + len(css):,} B)"
    )

    birth = Procedure.objects.get(code="1.001193")
    Draft.objects.filter(citizen=citizen).delete()
    draft = applications.start(citizen, birth)
    draft.office = Office.objects.get(code="000.01.00.H37")
    draft.delivery = "counter"
    draft.save()
    client.force_login(citizen)
    pages = {
        "procedure 1.001193": birth.get_absolute_url(),
        f"procedure {heaviest} (heaviest)": f"/procedures/{heaviest}/",
        "search 'dang ky khai sinh'": "/procedures/?q=dang+ky+khai+sinh",
        "apply: start": f"/apply/{birth.code}/",
        "apply: office": f"/applications/{draft.pk}/office/",
        "apply: applicant": f"/applications/{draft.pk}/applicant/",
        "apply: documents": f"/applications/{draft.pk}/documents/",
        "apply: delivery": f"/applications/{draft.pk}/delivery/",
        "apply: check answers": f"/applications/{draft.pk}/check/",
        "track": "/track/",
    }
    print(f"\n{'page':34} " + " ".join(f"{lang:>9}" for lang in LANGUAGES) + "   worst+CSS  goal 50 KB")
    worst_overall = 0
    for name, url in pages.items():
        row = [wire_bytes(client, url, lang) for lang in LANGUAGES]
        total = max(row) + len(css)
        worst_overall = max(worst_overall, total)
        verdict = "met" if total <= GOAL else "NOT MET"
        print(f"{name:34} " + " ".join(f"{n:>9,}" for n in row) + f"   {total:>9,}  {verdict}")
    print(f"\nHeaviest page with its stylesheet: {worst_overall:,} B ({worst_overall / 1024:.1f} KB).")
    applications.discard(draft)
    if worst_overall > GOAL:
        raise SystemExit("a page weighs more than the goal")


if __name__ == "__main__":
    main()
