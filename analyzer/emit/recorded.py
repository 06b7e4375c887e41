"""The DOT text an SVG or PNG was drawn from, recorded inside it.

``wfgraph dot --check`` tells whether a committed image is fresh by comparing the DOT it would
write now with the DOT recorded in the image: Graphviz versions lay out and rasterise the same
DOT differently, so pixels cannot be compared, and the DOT is what wfgraph controls.

- SVG: a ``<metadata id="wfgraph-dot">`` element, first inside ``<svg>``, holding the DOT text
  XML-escaped (readable in the file, ignored by viewers).
- PNG: an ``iTXt`` chunk with keyword ``wfgraph-dot`` (UTF-8, zlib-compressed) after ``IHDR``.
"""

from __future__ import annotations

import re
import struct
import zlib
from xml.sax.saxutils import escape, unescape

__all__ = ["RECORDING_FORMATS", "embed_source", "recorded_source"]

RECORDING_FORMATS = ("svg", "png")
KEYWORD = b"wfgraph-dot"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")
_SVG_META = re.compile(rb'<metadata id="wfgraph-dot">(.*?)</metadata>', re.S)


def embed_source(data: bytes, fmt: str, dot_text: str) -> bytes:
    """``data`` (an image Graphviz wrote) with ``dot_text`` recorded in it; other formats as is."""
    if fmt == "svg":
        found = _SVG_OPEN.search(data)
        if found is None:
            return data
        meta = b'\n<metadata id="wfgraph-dot">' + escape(dot_text).encode("utf-8") + b"</metadata>"
        return data[: found.end()] + meta + data[found.end() :]
    if fmt == "png" and data.startswith(_PNG_MAGIC):
        ihdr_end = len(_PNG_MAGIC) + 8 + struct.unpack(">I", data[8:12])[0] + 4
        body = KEYWORD + b"\x00\x01\x00" + b"\x00" + b"\x00" + zlib.compress(dot_text.encode("utf-8"), 9)
        return data[:ihdr_end] + _chunk(b"iTXt", body) + data[ihdr_end:]
    return data


def recorded_source(data: bytes, fmt: str) -> str | None:
    """The DOT text recorded by :func:`embed_source`, or None (not recorded, or unreadable)."""
    if fmt == "svg":
        found = _SVG_META.search(data)
        return unescape(found.group(1).decode("utf-8", "replace")) if found else None
    if fmt == "png" and data.startswith(_PNG_MAGIC):
        for kind, body in _chunks(data):
            if kind == b"iTXt" and body.startswith(KEYWORD + b"\x00"):
                return _itxt_text(body[len(KEYWORD) + 1 :])
    return None


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _chunks(data: bytes):
    at = len(_PNG_MAGIC)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + length]
        if kind == b"IEND":
            return
        at += 12 + length


def _itxt_text(rest: bytes) -> str | None:
    """compression flag, method, language tag\\0, translated keyword\\0, text."""
    if len(rest) < 2:
        return None
    compressed = rest[0] == 1
    parts = rest[2:].split(b"\x00", 2)
    if len(parts) != 3:
        return None
    text = parts[2]
    try:
        return (zlib.decompress(text) if compressed else text).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return None
