"""How long checking an upload takes: the largest good files the limits
allow, and the hostile files that cost the most.

    .venv/bin/python bench/uploads.py [--runs 5]
    .venv/bin/python bench/uploads.py --quick     # a tenth of the sizes, 1 run each (CI)

Good files made here: a 50-page scan as a scanner makes it (a JPEG per
page, the PDF just under 10 MB), a 40-megapixel phone photo (JPEG, just
under the pixel limit) and a 4000 × 3000 PNG screenshot. Hostile ones from
tests/hostile_uploads/: the decompression bombs, the pixel bomb, a 5,000-deep
nesting, a million declared objects, and two made here: 10 MB of RunLength runs and of ASCII85, the
slowest of the filters pypdf decodes in Python. Prints the median time of `check_upload`
for each and what it answered.
"""

import argparse
import base64
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
CORPUS = ROOT / "tests" / "hostile_uploads"


def photo(width: int, height: int, grain: int = 24):
    from PIL import Image

    fractal = Image.effect_mandelbrot((width // 4, height // 4), (-2.2, -1.2, 0.8, 1.2), 128).resize((width, height))
    noise = Image.effect_noise((width, height), grain)
    return Image.merge("RGB", (fractal, noise, fractal.rotate(180)))


def scan(pages: int, limit: int) -> bytes:
    """A multi-page scan of JPEG pages, each as large as fits under `limit`."""
    page = photo(1240, 1754, grain=4)  # A4 at 150 dpi
    for quality in (90, 80, 70, 60, 50, 40, 30, 20):
        buffer = io.BytesIO()
        page.save(buffer, format="PDF", save_all=True, append_images=[page] * (pages - 1), quality=quality)
        if buffer.tell() < limit:
            return buffer.getvalue()
    raise SystemExit("no quality fits")


def filtered(data: bytes, filter_name: bytes) -> bytes:
    """A one-page PDF whose page content is `data`, to be decoded by `filter_name`."""
    body = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(data), filter_name, data),
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, item in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, item)
    start = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run each (CI)")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs

    import logging

    import django

    django.setup()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its notes on each broken file
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.uploads import check_upload

    # --quick: a tenth of everything, so that CI spends a few seconds.
    scale = 10 if args.quick else 1
    limit = (settings.UPLOAD_MAX_BYTES - 1024) // scale
    pages = 50 // scale
    width, height = 7300 // scale, 5470 // scale  # 39.9 megapixels
    big_photo = io.BytesIO()
    photo(width, height, grain=3).save(big_photo, format="JPEG", quality=80)
    screenshot = io.BytesIO()
    photo(4000 // scale, 3000 // scale, grain=0).save(screenshot, format="PNG")
    megabytes = f"{limit / 1024 / 1024:.0f} MB"
    files = {
        f"good: {pages}-page scan (PDF)": scan(pages, settings.UPLOAD_MAX_BYTES // scale),
        f"good: {width * height / 1e6:.1f}-megapixel photo (JPEG)": big_photo.getvalue(),
        f"good: {4000 // scale} × {3000 // scale} screenshot (PNG)": screenshot.getvalue(),
        f"hostile: {megabytes} of RunLength runs": filtered(b"\x00 " * (limit // 2), b"/RunLengthDecode"),
        f"hostile: {megabytes} of ASCII85": filtered(
            base64.a85encode(random.randbytes(limit * 4 // 5)), b"/ASCII85Decode"
        ),
    }
    for name in ("pdf-bomb-200mb.pdf", "pdf-bomb-110mb.pdf", "pdf-bomb-many-streams.pdf", "pixel-bomb.png"):
        files[f"hostile: {name}"] = (CORPUS / name).read_bytes()
    for name in ("pdf-deep-nesting.pdf", "pdf-million-objects.pdf"):
        files[f"hostile: {name}"] = (CORPUS / name).read_bytes()

    for name, content in files.items():
        times, answer = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            try:
                checked = check_upload(SimpleUploadedFile("upload", content))
                answer = f"accepted, {checked.pages} page(s)"
            except ValidationError as error:
                answer = f"refused: {error.code}"
            times.append(time.perf_counter() - started)
        print(f"{name}: {len(content):,} bytes, {statistics.median(times) * 1000:.0f} ms, {answer}")


if __name__ == "__main__":
    main()
