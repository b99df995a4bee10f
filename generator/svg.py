"""Make Graphviz's SVG publishable: icons embedded once, no file paths, unique ids.

Graphviz writes `<image xlink:href="/abs/site-packages/resources/...png">`,
which only works on the machine that drew it. Each distinct PNG becomes one
`<symbol>` in `<defs>` and every occurrence a `<use>`, so an icon drawn five
times is stored once.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable

from . import marks
from .errors import BuildError

IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([\d.]+)px" height="([\d.]+)px" '
    r'preserveAspectRatio="([^"]+)" x="([-\d.e+]+)" y="([-\d.e+]+)"/>'
)
SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise BuildError("expected a PNG icon, got another file type")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def publish(svg: str, prefix: str, read_icon: Callable[[str], bytes], title: str, description: str) -> str:
    """Return a self-contained SVG element with ids prefixed by `prefix`."""
    symbols: dict[str, str] = {}

    def embed(match: re.Match[str]) -> str:
        path, width, height, aspect, x, y = match.groups()
        data = read_icon(html.unescape(path))
        digest = hashlib.sha256(data).hexdigest()[:12]
        symbol_id = f"{prefix}-icon-{digest}"
        if symbol_id not in symbols:
            pw, ph = png_size(data)
            uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
            symbols[symbol_id] = (
                f'<symbol id="{symbol_id}" viewBox="0 0 {pw} {ph}" preserveAspectRatio="{aspect}">'
                f'<image width="{pw}" height="{ph}" xlink:href="{uri}"/></symbol>'
            )
        return f'<use xlink:href="#{symbol_id}" x="{x}" y="{y}" width="{width}" height="{height}"/>'

    body = IMAGE.sub(embed, svg)
    if "<image " in body:
        raise BuildError("Graphviz wrote an <image> this generator cannot embed; the SVG would depend on local files")
    # Drop the XML prolog and Graphviz comments so the SVG can be inlined in HTML.
    start = body.index("<svg")
    body = re.sub(r"<!--.*?-->\n?", "", body[start:], flags=re.S)
    body = re.sub(r' id="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"', body)
    # Screen readers name SVG links by aria-label more reliably than by xlink:title.
    body = re.sub(r'<a xlink:href="([^"]*)" xlink:title="([^"]*)"', r'<a xlink:href="\1" xlink:title="\2" aria-label="\2"', body)
    title_id = f"{prefix}-title"
    desc_id = f"{prefix}-desc"
    opening = SVG_OPEN.search(body)
    assert opening is not None
    tag = opening.group(0)
    new_tag = tag[:-1] + (
        f' role="group" aria-labelledby="{title_id} {desc_id}" class="rpa-diagram-svg" data-diagram="{prefix}">'
    )
    defs = (
        marks.xml_comment() + f'<title id="{title_id}">{html.escape(title)}</title>'
        f'<desc id="{desc_id}">{html.escape(description)}</desc>'
        f"<defs>{''.join(symbols[k] for k in sorted(symbols))}</defs>"
    )
    body = body.replace(tag, new_tag + defs, 1)
    return body.strip() + "\n"


def rebase_links(svg: str, base: str) -> str:
    """Prefix the relative node links for a page at another depth."""
    if not base:
        return svg
    return re.sub(r'xlink:href="(?!#|data:|[a-z]+:)', f'xlink:href="{base}', svg)
