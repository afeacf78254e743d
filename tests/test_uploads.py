"""Checking uploads by their content: a corpus of hostile files, each with
the refusal it must get (tests/hostile_uploads/manifest.json, written by
make.py there), good files that must pass, the limits read from settings,
and fuzzing: whatever the bytes, a file is accepted or refused with a
message, never a server error."""

import io
import json
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from dossiers.uploads import EXTENSIONS, CheckedFile, check_upload
from tests.factories import PDF, png

CORPUS = Path(__file__).resolve().parent / "hostile_uploads"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
HOSTILE = MANIFEST["hostile"]
GOOD = MANIFEST["good"]
CODES = {
    "empty",
    "too_large",
    "wrong_type",
    "polyglot",
    "damaged",
    "encrypted",
    "active_content",
    "no_pages",
    "too_many_pages",
    "too_many_pixels",
    "too_much_data",
}
FUZZ = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    return refused.value


def outcome(content: bytes) -> str:
    """What a person uploading `content` gets: "accepted" or the refusal's
    code. Any other exception fails the test that asks."""
    try:
        checked = check_upload(SimpleUploadedFile("upload", content))
    except ValidationError as error:
        assert error.code in CODES and error.messages[0]
        return error.code
    assert isinstance(checked, CheckedFile) and checked.content_type in EXTENSIONS and checked.pages >= 1
    return "accepted"


# The corpus ----------------------------------------------------------------------------


def test_the_corpus_holds_forty_small_hostile_files_and_says_what_each_must_get():
    assert len(HOSTILE) >= 40
    assert {entry["code"] for entry in HOSTILE.values()} >= CODES - {"too_large"}
    for name in HOSTILE:
        assert (CORPUS / name).stat().st_size < 128 * 1024, name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_refused_with_its_code(name):
    expected = HOSTILE[name]
    assert outcome((CORPUS / name).read_bytes()) == expected["code"], expected["why"]


@pytest.mark.parametrize("name", sorted(GOOD))
def test_each_good_file_is_accepted_with_its_pages(name):
    content = (CORPUS / "good" / name).read_bytes()
    checked = check_upload(SimpleUploadedFile(name, content))
    assert checked.pages == GOOD[name]["pages"]
    assert checked.size == len(content) and EXTENSIONS[checked.content_type] == name.rsplit(".", 1)[1]


def test_the_bombs_are_what_they_claim():
    # The pixel bomb: under 100 bytes, its IHDR says 12000 × 12500.
    bomb = (CORPUS / "pixel-bomb.png").read_bytes()
    assert len(bomb) < 100 and bomb[12:16] == b"IHDR"
    assert (int.from_bytes(bomb[16:20], "big"), int.from_bytes(bomb[20:24], "big")) == (12000, 12500)
    # The PDF bomb: about a kilobyte whose stream, inflated twice, is 200 MB.
    pdf = (CORPUS / "pdf-bomb-200mb.pdf").read_bytes()
    assert len(pdf) < 2048
    start = pdf.index(b"stream\n") + len(b"stream\n")
    outer = zlib.decompress(pdf[start : pdf.index(b"\nendstream", start)])
    inner, inflated = zlib.decompressobj(), 0
    for offset in range(0, len(outer), 4096):
        inflated += len(inner.decompress(outer[offset : offset + 4096]))
    assert inflated == 200 * 1024 * 1024


# The rules, one by one -----------------------------------------------------------------------


def test_the_pixel_limit_is_read_from_the_header_before_any_pixel_is_decoded(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image, "open", never)
    with translation.override("en"):
        refused = refusal("bomb.png", (CORPUS / "pixel-bomb.png").read_bytes())
    assert refused.code == "too_many_pixels"
    assert refused.messages == [
        "The image is 12000 × 12500 pixels (150 megapixels); the limit is 40 megapixels. Send a smaller photo or scan."
    ]


def test_the_pixel_limit_is_a_setting_and_pillow_is_held_to_it(settings):
    photo = png()  # 40 × 30 = 1200 pixels
    settings.UPLOAD_MAX_PIXELS = 1199
    assert refusal("photo.png", photo).code == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == 1199
    settings.UPLOAD_MAX_PIXELS = 1200
    assert check_upload(SimpleUploadedFile("photo.png", photo)).pages == 1


def chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def test_an_image_is_decoded_whole_so_broken_pixel_data_is_refused(monkeypatch):
    # As once WeasyPrint (which renders the slips) is imported in the process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    # 40 × 30 RGB: every chunk whole and its checksum right, but the
    # compressed pixel data is garbled in the middle. Only decoding sees it.
    header = (40).to_bytes(4, "big") + (30).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    pixels = zlib.compress(bytes(range(121)) * 30)
    garbled = pixels[:10] + bytes(byte ^ 0x55 for byte in pixels[10:20]) + pixels[20:]
    image = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", garbled) + chunk(b"IEND", b"")
    with Image.open(io.BytesIO(image)) as unchecked:
        unchecked.verify()  # what was enough before
    with translation.override("en"):
        refused = refusal("photo.png", image)
    assert refused.code == "damaged" and refused.messages == ["The image cannot be read: it may be damaged."]
    whole = image.replace(chunk(b"IDAT", garbled), chunk(b"IDAT", pixels))
    assert check_upload(SimpleUploadedFile("photo.png", whole)).pages == 1


def test_the_decompressed_limit_is_a_setting(settings):
    content = zlib.compress(b"0 0 m 100 100 l S\n" * 1000)  # 18,000 bytes of drawing
    page = (CORPUS / "good" / "one-page.pdf").read_bytes()
    pdf = page.replace(
        b"<< /Length 35  >>\nstream\n0.2 0.4 0.8 rg 100 500 300 200 re f\nendstream",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
    )
    # The cross-reference offsets no longer match; a reader finds the objects again.
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = 17_999
    assert refusal("drawing.pdf", pdf).code == "too_much_data"
    settings.UPLOAD_MAX_DECOMPRESSED_BYTES = 18_000
    assert check_upload(SimpleUploadedFile("drawing.pdf", pdf)).pages == 1


def test_active_content_is_named_in_plain_words():
    with translation.override("en"):
        refused = refusal("form.pdf", (CORPUS / "pdf-javascript-on-open.pdf").read_bytes())
        launch = refusal("form.pdf", (CORPUS / "pdf-launch-link.pdf").read_bytes())
    assert refused.messages == [
        "The PDF contains JavaScript, which could run or open something on the computer of whoever opens it. "
        "Send a copy without it: print the document to a new PDF, or scan the paper."
    ]
    assert "an action that starts a program or opens another file" in launch.messages[0]


def test_a_link_to_a_web_address_is_not_active_content():
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://dichvucong.gov.vn/) >> >>"
    pdf = PDF.replace(b"/MediaBox[0 0 612 792]>>", b"/MediaBox[0 0 612 792]/Annots[" + link + b"]>>")
    assert pdf != PDF
    assert check_upload(SimpleUploadedFile("link.pdf", pdf)).pages == 1


def test_a_pdf_with_no_pages_and_an_empty_page_tree_are_explained():
    with translation.override("en"):
        refused = refusal("empty.pdf", (CORPUS / "pdf-no-pages.pdf").read_bytes())
    assert refused.code == "no_pages" and refused.messages == ["The PDF has no pages."]


def test_a_photo_with_what_a_camera_appends_after_it_is_accepted():
    # A motion photo: a video after the picture's end marker.
    photo = (CORPUS / "good" / "photo.jpg").read_bytes()
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64
    assert check_upload(SimpleUploadedFile("motion.jpg", photo + video)).pages == 1


def test_a_pdf_with_more_objects_than_documents_have_is_refused_before_it_is_parsed(monkeypatch):
    from dossiers.uploads import pdf

    page = (CORPUS / "good" / "one-page.pdf").read_bytes()  # four objects and the free entry
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 4)
    monkeypatch.setattr(pdf, "PdfReader", None)  # never reached
    with translation.override("en"):
        refused = refusal("many.pdf", page)
    assert refused.code == "too_much_data"
    assert refused.messages == [
        "The PDF's structure is too large to check. Send a simpler copy: print it to a new PDF."
    ]


# Fuzzing --------------------------------------------------------------------------------------

SIGNATURES = [b"%PDF-1.7\n", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b""]
SEEDS = {name: (CORPUS / "good" / name).read_bytes() for name in sorted(GOOD)}


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_accepted_or_refused_never_an_error(content):
    outcome(content)


@FUZZ
@given(st.sampled_from(SIGNATURES), st.binary(max_size=4096))
def test_random_bytes_behind_a_real_signature_reach_the_parsers_and_are_refused(signature, content):
    assert outcome(signature + content) != "accepted" or signature == b""


@FUZZ
@given(
    st.sampled_from(sorted(SEEDS)),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=24),
)
def test_good_files_with_bits_flipped_are_accepted_or_refused(name, flips):
    content = bytearray(SEEDS[name])
    for where, bit in flips:
        content[int(where * len(content))] ^= 1 << bit
    outcome(bytes(content))


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.floats(0, 1, exclude_max=True))
def test_good_files_cut_short_are_accepted_or_refused(name, where):
    content = SEEDS[name]
    outcome(content[: int(where * len(content))])


@FUZZ
@given(
    st.sampled_from(sorted(SEEDS)),
    st.sampled_from(sorted(SEEDS)),
    st.floats(0, 1, exclude_max=True),
    st.floats(0, 1, exclude_max=True),
    st.binary(max_size=64),
)
def test_good_files_spliced_together_are_accepted_or_refused(first, second, cut, resume, between):
    head, tail = SEEDS[first], SEEDS[second]
    outcome(head[: int(cut * len(head))] + between + tail[int(resume * len(tail)) :])


def test_a_parser_that_fails_in_an_unexpected_way_gives_a_refusal(monkeypatch):
    from dossiers.uploads import pdf

    for failure in (RecursionError("deep"), zlib.error("bad"), KeyError("/Root"), MemoryError()):

        def fail(*args, failure=failure, **kwargs):
            raise failure

        monkeypatch.setattr(pdf, "PdfReader", fail)
        code = outcome(PDF)
        assert code == ("too_much_data" if isinstance(failure, MemoryError) else "damaged")


def test_the_file_is_read_from_its_start_whatever_was_read_before():
    upload = SimpleUploadedFile("scan.pdf", PDF)
    upload.read(10)
    assert check_upload(upload).size == len(PDF)
    assert upload.read() == PDF  # left at the start for whoever stores it
    assert isinstance(upload.file, io.BytesIO)
