"""A JPEG or PNG read as its format says, before and after decoding: the
structure walked by hand (segments and chunks, to the end marker), the
pixel count from the header refused above the limit before a single pixel
is decoded, then the whole image decoded by Pillow within that limit."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field

from PIL import Image, ImageFile

from dossiers.uploads import markup, refusals

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers: every JPEG coding process except DHT (C4), JPG
# (C8) and DAC (CC), which share the range.
_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# After a scan's header comes entropy-coded data up to the next marker:
# 0xFF followed by anything but a stuffed zero or a restart marker.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")
# Text chunks are inflated up to this much to be searched; no more.
_TEXT_LIMIT = 1024 * 1024


@dataclass
class Structure:
    width: int = 0
    height: int = 0
    end: int = 0  # where the image ends: after EOI or IEND
    text: list[bytes] = field(default_factory=list)  # metadata meant for words


def check(data: bytes, content_type: str, *, max_pixels: int) -> None:
    """Raise a ValidationError unless `data` is one whole JPEG or PNG of at
    most `max_pixels` pixels with nothing hidden in it. Pillow's own bomb
    check is held to the same limit: it refuses above twice
    MAX_IMAGE_PIXELS, which the header check never lets through unless
    Pillow reads the size differently."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    if markup.PDF_HEADER in data:
        raise refusals.polyglot()
    structure = png_structure(data) if content_type == "image/png" else jpeg_structure(data)
    if structure.width * structure.height > max_pixels:
        raise refusals.too_many_pixels(structure.width, structure.height, max_pixels)
    after_end = data[structure.end :]
    if content_type == "image/png" and after_end:
        raise refusals.polyglot()
    if markup.hides_markup(data, text=structure.text, after_end=after_end):
        raise refusals.polyglot()
    try:
        decode(data, content_type, max_pixels=max_pixels)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise refusals.too_many_pixels(structure.width, structure.height, max_pixels) from error


def decode(data: bytes, content_type: str, *, max_pixels: int) -> None:
    """Decode every pixel, so that a truncated or corrupt image is refused."""
    # WeasyPrint, once imported, tells Pillow to make do with broken image
    # data; an upload must be whole (the portal's own slips hold no broken
    # images, so they do not mind).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with Image.open(io.BytesIO(data), formats=["PNG" if content_type == "image/png" else "JPEG"]) as image:
        if image.width * image.height > max_pixels:
            raise refusals.too_many_pixels(image.width, image.height, max_pixels)
        image.load()


def png_structure(data: bytes) -> Structure:
    """Walk the chunks from the signature to IEND, checking each checksum."""
    found = Structure()
    position = len(PNG_SIGNATURE)
    first = True
    while True:
        if position + 12 > len(data):
            raise refusals.damaged("image/png")
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        checksum = data[position + 8 + length : position + 12 + length]
        if length > 2**31 - 1 or len(checksum) != 4 or zlib.crc32(kind + body) != int.from_bytes(checksum, "big"):
            raise refusals.damaged("image/png")
        if first:
            if kind != b"IHDR" or length != 13:
                raise refusals.damaged("image/png")
            found.width = int.from_bytes(body[0:4], "big")
            found.height = int.from_bytes(body[4:8], "big")
            if not (0 < found.width < 2**31 and 0 < found.height < 2**31):
                raise refusals.damaged("image/png")
            first = False
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            found.text.append(_png_text(kind, body))
        position += 12 + length
        if kind == b"IEND":
            found.end = position
            return found


def _png_text(kind: bytes, body: bytes) -> bytes:
    """The words of a text chunk, inflated (up to a limit) if compressed."""
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"tEXt":
        return keyword + b" " + rest
    if kind == b"zTXt":
        return keyword + b" " + _inflate(rest[1:])
    compressed, rest = rest[:1] == b"\x01", rest[2:]
    language, _, rest = rest.partition(b"\x00")
    translated, _, text = rest.partition(b"\x00")
    return b" ".join((keyword, language, translated, _inflate(text) if compressed else text))


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, _TEXT_LIMIT)
    except zlib.error as error:
        raise refusals.damaged("image/png") from error


def jpeg_structure(data: bytes) -> Structure:
    """Walk the segments from SOI to the EOI that ends the image, skipping
    each scan's entropy-coded data; the frame header gives the size."""
    found = Structure()
    position = 2
    while True:
        if data[position : position + 1] != b"\xff":
            raise refusals.damaged("image/jpeg")
        while data[position : position + 1] == b"\xff":  # fill bytes before a marker
            position += 1
        if position >= len(data):
            raise refusals.damaged("image/jpeg")
        marker = data[position]
        position += 1
        if marker == 0xD9:  # EOI
            if not found.width:
                raise refusals.damaged("image/jpeg")
            found.end = position
            return found
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            continue
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > len(data):
            raise refusals.damaged("image/jpeg")
        segment = data[position + 2 : position + length]
        position += length
        if marker in _FRAMES:
            if len(segment) < 5:
                raise refusals.damaged("image/jpeg")
            height, width = int.from_bytes(segment[1:3], "big"), int.from_bytes(segment[3:5], "big")
            found.width, found.height = max(found.width, width), max(found.height, height)
        elif marker == 0xFE or 0xE0 <= marker <= 0xEF:  # comment, application data
            found.text.append(segment)
        elif marker == 0xDA:  # start of scan
            following = _NEXT_MARKER.search(data, position)
            if following is None:
                raise refusals.damaged("image/jpeg")
            position = following.start()
