"""A PDF read as a reader would, within limits: what it may not contain
(active content, hidden markup), how many pages, how large its images, and
how much its streams inflate to, counted as they are decoded and stopped as
soon as the total passes the limit."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NullObject,
    StreamObject,
)

from dossiers.uploads import markup, refusals

# A document of 50 pages has a few thousand objects and well under a
# megabyte of syntax outside its streams; beyond these, a file is a way to
# keep the parser busy (pypdf parses a megabyte of syntax in one to three
# seconds).
MAX_OBJECTS = 20_000
MAX_SYNTAX_BYTES = 2 * 1024 * 1024

# PDF names that run something, open or send something, or carry a file or a
# player; wherever they occur (a key, an action type, an annotation
# subtype), the PDF is refused. Each with its kind, which `feature` names.
ACTIVE = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/AA": "actions",
    "/Launch": "launch",
    "/GoToR": "launch",
    "/GoToE": "launch",
    "/SubmitForm": "form",
    "/ImportData": "form",
    "/XFA": "form",
    "/EmbeddedFiles": "files",
    "/EmbeddedFile": "files",
    "/EF": "files",
    "/FileAttachment": "files",
    "/RichMedia": "media",
    "/RichMediaExecute": "media",
    "/RichMediaContent": "media",
    "/Rendition": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/3D": "media",
}

# The general-purpose filters (full names and the abbreviations some
# readers accept in streams too): what can inflate a stream. Image codecs
# (DCT, JPX, JBIG2, CCITT) are left to the viewer; their size is what the
# pixel limit holds.
GENERAL_FILTERS = {
    "/FlateDecode": "/FlateDecode",
    "/Fl": "/FlateDecode",
    "/LZWDecode": "/LZWDecode",
    "/LZW": "/LZWDecode",
    "/RunLengthDecode": "/RunLengthDecode",
    "/RL": "/RunLengthDecode",
    "/ASCIIHexDecode": "/ASCIIHexDecode",
    "/AHx": "/ASCIIHexDecode",
    "/ASCII85Decode": "/ASCII85Decode",
    "/A85": "/ASCII85Decode",
}

_STEP = 1024 * 1024
_STREAM_START = re.compile(rb">>[\x00\t\n\x0c\r ]*stream(?:\r\n|\n|\r)")
_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_TABLE_ENTRY = re.compile(rb"\d{10} \d{5} [nf]")
_DECLARED = re.compile(rb"/(?:Size|N)[\x00\t\n\x0c\r ]+(\d+)")
_INDEX = re.compile(rb"/Index[\x00\t\n\x0c\r ]*\[([\d\x00\t\n\x0c\r ]*)\]")


class _OverBudget(Exception):
    """Decoding produced more than the budget left."""


@dataclass(frozen=True)
class Limits:
    pages: int
    pixels: int
    decompressed_bytes: int


def feature(kind: str) -> str:
    return {
        "JavaScript": _("JavaScript"),
        "actions": _("actions that run by themselves"),
        "launch": _("an action that starts a program or opens another file"),
        "form": _("a form that sends or loads data"),
        "files": _("embedded files"),
        "media": _("multimedia"),
    }[kind]


def check(data: bytes, limits: Limits) -> int:
    """The number of pages of `data`, a PDF from byte 0; a ValidationError
    unless it passes every rule of the package's docstring."""
    syntax = outside_streams(data)
    end = data.rfind(b"%%EOF")
    if markup.hides_markup(data, text=[syntax], after_end=data[end + 5 :] if end >= 0 else b""):
        raise refusals.polyglot()
    plain = unescaped(syntax)
    _refuse_active(plain)
    if _too_complex(plain):
        raise refusals.too_complex()
    budget = limits.decompressed_bytes
    # What pypdf inflates itself to read the file (object and cross-reference
    # streams) stops at the budget too; a broken one is not pieced together
    # byte by byte; no outside program ever runs on an upload.
    with apply_configuration(
        zlib_maximum_output_length=budget,
        lzw_maximum_output_length=budget,
        run_length_maximum_output_length=budget,
        zlib_maximum_recovery_input_length=0,
        page_tree_maximum_entries=MAX_OBJECTS,
        page_tree_maximum_page_entries=MAX_OBJECTS,
        jbig2dec_binary=None,
    ):
        try:
            return _check_structure(PdfReader(io.BytesIO(data), strict=False), limits)
        except LimitReachedError as error:
            # One of pypdf's own limits: a broken stream it would have pieced
            # together, too much to inflate, or a page tree or array too large.
            if isinstance(error.__cause__, zlib.error):
                raise refusals.damaged("application/pdf") from error
            if "decompress" in str(error):
                raise refusals.too_much_data(budget) from error
            raise refusals.too_complex() from error
        except _OverBudget as error:
            raise refusals.too_much_data(budget) from error


def _check_structure(reader: PdfReader, limits: Limits) -> int:
    if reader.is_encrypted:
        raise refusals.encrypted()
    streams = list(_streams(reader))
    # Objects packed in object streams are syntax too, only compressed:
    # read for active content and markup like the rest (not parsed).
    produced = 0
    for stream in streams:
        if stream.get("/Type") == "/ObjStm":
            count, content = _decoded(stream, limits.decompressed_bytes - produced, keep=True)
            produced += count
            _refuse_active(unescaped(content))
            if markup.tag_in(content):
                raise refusals.polyglot()
    pages = len(reader.pages)
    if not pages:
        raise refusals.no_pages()
    if pages > limits.pages:
        raise refusals.too_many_pages(pages, limits.pages)
    for stream in streams:
        _check_pixels(stream, limits.pixels)
    for stream in streams:
        if stream.get("/Type") != "/ObjStm":
            produced += _decoded(stream, limits.decompressed_bytes - produced, keep=False)[0]
    return pages


def outside_streams(data: bytes) -> bytes:
    """The PDF's object syntax: everything but the bodies of its streams."""
    parts, position = [], 0
    while (start := _STREAM_START.search(data, position)) is not None:
        parts.append(data[position : start.end()])
        position = data.find(b"endstream", start.end())
        if position < 0:
            return b"".join(parts)
    parts.append(data[position:])
    return b"".join(parts)


def unescaped(syntax: bytes) -> bytes:
    """Syntax with the #-escapes of names decoded (`/J#61vaScript` is
    `/JavaScript`; a `#` means nothing elsewhere but in strings)."""
    return _ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), syntax)


def _refuse_active(syntax: bytes) -> None:
    """Refuse any active name in the syntax, wherever it stands, so that
    objects a reader would find by rebuilding a broken table count too."""
    for match in _NAME.finditer(syntax):
        name = match[0].decode("latin-1")
        if name in ACTIVE:
            raise refusals.active_content(feature(ACTIVE[name]))


def _too_complex(syntax: bytes) -> bool:
    """More object syntax than documents have, or more objects listed or
    declared (a table's /Size, an object stream's /N, an /Index) than
    MAX_OBJECTS: pypdf reads each in Python, and a few bytes can declare
    millions."""
    if len(syntax) > MAX_SYNTAX_BYTES or _count(_TABLE_ENTRY, syntax) > MAX_OBJECTS:
        return True
    if any(int(match[1]) > MAX_OBJECTS for match in _DECLARED.finditer(syntax)):
        return True
    return any(sum(int(n) for n in match[1].split()[1::2]) > MAX_OBJECTS for match in _INDEX.finditer(syntax))


def _count(pattern: re.Pattern[bytes], syntax: bytes) -> int:
    return sum(1 for _ in pattern.finditer(syntax))


def _streams(reader: PdfReader) -> Iterator[StreamObject]:
    """Every stream the cross-reference table lists (streams are never
    packed in object streams)."""
    numbers = sorted((number, generation) for generation, table in reader.xref.items() for number in table)
    if len(numbers) + len(reader.xref_objStm) > MAX_OBJECTS:
        raise refusals.too_complex()
    for number, generation in numbers:
        item = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(item, StreamObject):
            yield item


def _check_pixels(stream: StreamObject, limit: int) -> None:
    if stream.get("/Subtype") != "/Image":
        return
    width, height = _number(stream.get("/Width")), _number(stream.get("/Height"))
    if width * height > limit:
        raise refusals.too_many_pixels(width, height, limit, in_pdf=True)


def _number(value: Any) -> int:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return int(value) if isinstance(value, int | float) else 0


def _decoded(stream: StreamObject, remaining: int, *, keep: bool) -> tuple[int, bytes]:
    """How many bytes the stream's general filters produce, every stage
    counted (an _OverBudget as soon as that passes `remaining`), and the
    last stage's bytes if `keep` (the raw bytes when there is no such filter)."""
    filters, parameters = _as_list(stream.get("/Filter")), _as_list(stream.get("/DecodeParms"))
    names = []
    for given in filters:
        name = str(given.get_object() if isinstance(given, IndirectObject) else given)
        if name not in GENERAL_FILTERS:
            break
        names.append(GENERAL_FILTERS[name])
    data, produced = stream._data, 0
    for index, name in enumerate(names):
        given = parameters[index] if index < len(parameters) else None
        if name == "/FlateDecode":
            count, data = _inflate(data, remaining - produced, keep=keep or index < len(names) - 1)
        else:
            data = _decode(name, data, given, remaining - produced)
            count = len(data)
        produced += count
        if produced > remaining:
            raise _OverBudget
    return produced, data if keep else b""


def _decode(name: str, data: bytes, parameters: Any, limit: int) -> bytes:
    """`data` decoded by filter `name` (not Flate), or an _OverBudget past `limit` bytes."""
    decoders: dict[str, Callable[[bytes], bytes]] = {
        "/LZWDecode": lambda data: LZWDecode.decode(data, _parameters(parameters)),
        "/RunLengthDecode": RunLengthDecode.decode,
        "/ASCIIHexDecode": ASCIIHexDecode.decode,
        "/ASCII85Decode": ASCII85Decode.decode,
    }
    with apply_configuration(lzw_maximum_output_length=limit + 1, run_length_maximum_output_length=limit + 1):
        try:
            return decoders[name](data)
        except LimitReachedError as error:
            raise _OverBudget from error


def _inflate(data: bytes, limit: int, *, keep: bool) -> tuple[int, bytes]:
    """Inflate a megabyte at a time until the data ends or breaks (what came
    before the break counts, as a reader would show it): how many bytes
    came, and those bytes if `keep`; an _OverBudget once more than `limit` came."""
    inflater, kept, count = zlib.decompressobj(), bytearray(), 0
    pending, piece = data, b""
    while (pending or len(piece) == _STEP) and not inflater.eof:
        try:
            piece = inflater.decompress(pending, _STEP)
        except zlib.error:
            break
        pending = inflater.unconsumed_tail
        count += len(piece)
        if count > limit:
            raise _OverBudget
        if keep:
            kept += piece
    return count, bytes(kept)


def _parameters(value: Any) -> DictionaryObject:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _as_list(value: Any) -> list[Any]:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if value is None or isinstance(value, NullObject):
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]
