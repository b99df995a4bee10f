"""Image work: marking PNGs as generated and shrinking icons to the size they are drawn at."""

from __future__ import annotations

import io
import struct
import zlib

from . import marks
from .cache import cached_icon

ICON_EMBED_PX = 128  # icons are drawn 64 px wide; embed them at 2x for sharp high-DPI screens
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IHDR_END = 8 + 4 + 4 + 13 + 4  # signature, then IHDR's length, type, 13 data bytes and CRC


def mark_png(data: bytes) -> bytes:
    """`data` with a tEXt chunk after IHDR carrying the generated-file notice."""
    if data[:8] != _PNG_SIGNATURE:
        raise ValueError("expected a PNG image")
    body = marks.png_text()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return data[:_IHDR_END] + chunk + data[_IHDR_END:]


# Bump when _shrink changes: cached icons are keyed by it.
SHRINK_VERSION = "palette-2"


def shrink_icon(data: bytes) -> bytes:
    """The icon downscaled to ICON_EMBED_PX (cached by content), or unchanged if already small."""
    return cached_icon(data, f"{ICON_EMBED_PX}-{SHRINK_VERSION}", _shrink)


def _shrink(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        if max(img.size) <= ICON_EMBED_PX:
            return data
        small = img.convert("RGBA")
        small.thumbnail((ICON_EMBED_PX, ICON_EMBED_PX), Image.Resampling.LANCZOS, reducing_gap=1.0)
        # 256 colours with alpha: the icons are flat artwork, and a palette makes them about
        # 3.5x smaller, which is most of the overview page's weight (its diagram is inline).
        out = io.BytesIO()
        small.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=6)
        return out.getvalue()
