"""Image work: marking PNGs as generated, and the copies of each icon a diagram uses: one at the
size a PNG draws it (for Graphviz), one at twice the size the page shows it (embedded in SVGs)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import marks
from .cache import cached_icon, icon_path
from .paths import atomic_write

if TYPE_CHECKING:
    from PIL import Image

ICON_EMBED_PX = 128  # icons are drawn 64 px wide; embed them at 2x for sharp high-DPI screens
ICON_PT = 28  # the side of an icon's cell in a diagram, in points (drawing.py)
BITMAP_DPI = 96  # Graphviz's resolution for PNG output (its default: the graphs set none)
# The PNG downloads draw each icon from a copy at the size they show it. Graphviz's cairo
# renderer resamples an image cheaply when it draws it at close to its own size, and through a
# convolution when it shrinks it by more than about a third: the library's 256 px icons cost
# each `dot` run a fifth of its time (README, Performance).
ICON_DRAWN_PX = round(ICON_PT * BITMAP_DPI / 72)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IHDR_END = 8 + 4 + 4 + 13 + 4  # signature, then IHDR's length, type, 13 data bytes and CRC


def mark_png(data: bytes) -> bytes:
    """`data` with a tEXt chunk after IHDR carrying the generated-file notice."""
    if data[:8] != _PNG_SIGNATURE:
        raise ValueError("expected a PNG image")
    body = marks.png_text()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return data[:_IHDR_END] + chunk + data[_IHDR_END:]


# Bump when _shrunk or _drawn changes: cached icons are keyed by them.
SHRINK_VERSION = "palette-2"
EMBED_SIZE = f"{ICON_EMBED_PX}-{SHRINK_VERSION}"
DRAWN_SIZE = f"{ICON_DRAWN_PX}-drawn-1"


def shrink_icon(data: bytes) -> bytes:
    """The icon downscaled to ICON_EMBED_PX (cached by content), or unchanged if already small."""
    return cached_icon(data, EMBED_SIZE, _shrink)


def drawn_icon_path(data: bytes) -> Path:
    """Where the copy of an icon at the size the PNG draws it is kept (see drawn_icon_file)."""
    return icon_path(data, DRAWN_SIZE)


def drawn_icon_file(data: bytes) -> Path:
    """A file of the icon at ICON_DRAWN_PX, for Graphviz to draw (made if the cache lacks it)."""
    path = drawn_icon_path(data)
    if not path.is_file():
        atomic_write(path, _drawn(_medium(_open(data)), data))
    return path


def prepare_icons(icons: list[bytes], drawn_ready: Callable[[], None]) -> None:
    """Cache both copies of each icon, decoding and resampling each once: every drawn copy
    first (Graphviz waits for those), then `drawn_ready()`, then the copies the SVGs embed."""
    pending = []
    for data in icons:
        drawn, embedded = drawn_icon_path(data), icon_path(data, EMBED_SIZE)
        if drawn.is_file() and embedded.is_file():
            continue
        medium = _medium(_open(data))
        if not drawn.is_file():
            atomic_write(drawn, _drawn(medium, data))
        if not embedded.is_file():
            pending.append((data, medium))
    drawn_ready()
    for data, medium in pending:
        atomic_write(icon_path(data, EMBED_SIZE), _embedded(medium, data))


def _shrink(data: bytes) -> bytes:
    return _embedded(_medium(_open(data)), data)


def _open(data: bytes) -> Image.Image:
    from PIL import Image

    return Image.open(io.BytesIO(data))


def _medium(img: Image.Image) -> Image.Image | None:
    """The icon in RGBA at most ICON_EMBED_PX wide and high; None if it is that small already."""
    from PIL import Image

    if max(img.size) <= ICON_EMBED_PX:
        return None
    small = img.convert("RGBA")
    small.thumbnail((ICON_EMBED_PX, ICON_EMBED_PX), Image.Resampling.LANCZOS, reducing_gap=1.0)
    return small


def _embedded(medium: Image.Image | None, data: bytes) -> bytes:
    from PIL import Image

    if medium is None:
        return data
    # 256 colours with alpha: the icons are flat artwork, and a palette makes them about
    # 3.5x smaller, which is most of the overview page's weight (its diagram is inline).
    out = io.BytesIO()
    medium.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _drawn(medium: Image.Image | None, data: bytes) -> bytes:
    """Made from the medium copy (a twelfth of its pixels), so that no icon is decoded twice."""
    from PIL import Image

    small = _open(data).convert("RGBA") if medium is None else medium.copy()
    if max(small.size) <= ICON_DRAWN_PX:
        return data
    small.thumbnail((ICON_DRAWN_PX, ICON_DRAWN_PX), Image.Resampling.LANCZOS, reducing_gap=None)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=1)  # read once, by `dot`
    return out.getvalue()
