"""Make Graphviz's SVG publishable: icons embedded once, no file paths, unique ids.

Graphviz writes `<image xlink:href="/abs/site-packages/resources/...png">`,
which only works on the machine that drew it. Each distinct PNG becomes one
`<symbol>` in `<defs>` and every occurrence a `<use>`, so an icon drawn five
times is stored once.

The page's viewer only reads what this module marks: every part (a node or a
connection) carries its tooltip as the `<title>` of its group, nodes name their
component in `data-node`, connections their ends in `data-from` and `data-to`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from . import marks
from .errors import BuildError

IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([\d.]+)px" height="([\d.]+)px" '
    r'preserveAspectRatio="([^"]+)" x="([-\d.e+]+)" y="([-\d.e+]+)"/>'
)
SVG_OPEN = re.compile(r"<svg\b[^>]*>")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
HREF = f"{{{XLINK_NS}}}href"
TITLE = f"{{{XLINK_NS}}}title"
# Graphviz names an edge "tail->head" (a port may follow a node name after a colon).
EDGE_NAME = re.compile(r"^([^:]+?)(?::[^-]*)?->([^:]+?)(?::.*)?$")
ICON_PLATE_PAD = 4  # points of backing around an icon, drawn only in the dark palette
HIT_WIDTH = "12"  # points: a connection's line is easy to point at, not only its label


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
    return mark_parts(body.strip()) + "\n"


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _insert_before(parent: ET.Element, child: ET.Element, new: ET.Element) -> None:
    parent.insert(list(parent).index(child), new)


def mark_parts(svg: str) -> str:
    """Tooltips, part ids and real links for the viewer (and for search engines).

    A part is a node or a connection Graphviz gave a tooltip.
    - a node's group gets `data-node` and its tooltip as `<title>`; its link keeps
      the tooltip as `aria-label` (screen readers name SVG links by it most reliably);
    - a connection's group gets `data-from`/`data-to`, its tooltip as `<title>` and,
      as an image, as `aria-label` too: the viewer takes the `<title>` away (the browser's
      own tooltip would cover its own) and makes the group a tab stop, which must keep a name;
      a wide transparent copy of its line to point at (`data-edge` names the group)
      lies under all parts;
    - `<a>` without a link (Graphviz's way of carrying a tooltip) gives way to its
      contents: an anchor that goes nowhere is a broken link to crawlers;
    - the graph's and the groups' own `<title>`s (Graphviz's internal names) go;
    - each icon gets a plate behind it that the dark palette paints.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    parent_of = {child: parent for parent in root.iter() for child in parent}
    hits: list[ET.Element] = []
    for group in list(root.iter(_q("g"))):
        classes = _classes(group)
        title = group.find(_q("title"))
        if not classes & {"node", "edge", "graph", "cluster"} or title is None:
            continue
        name = title.text or ""
        tip = next((a.get(TITLE) for a in group.iter(_q("a")) if a.get(TITLE)), None)
        if not tip or not classes & {"node", "edge"}:
            # Not a part (the graph, a group, or a node without a tooltip such as a legend).
            group.remove(title)
            continue
        title.text = tip
        if "node" in classes:
            group.set("data-node", name)
        else:
            ends = EDGE_NAME.match(name)
            if ends is None:
                raise BuildError(f"expected Graphviz to name an edge tail->head, got {name!r}")
            group.set("data-from", ends.group(1))
            group.set("data-to", ends.group(2))
            group.set("role", "img")
            group.set("aria-label", tip)
            for path in group.iter(_q("path")):
                hit = {"d": path.get("d", ""), "data-edge": group.get("id", ""), "fill": "none", "stroke": "transparent"}
                hits.append(ET.Element(_q("path"), {"class": "rpa-hit", **hit, "stroke-width": HIT_WIDTH}))
    graph = next((g for g in root.iter(_q("g")) if "graph" in _classes(g)), None)
    if graph is not None and hits:
        # Under every part, so that a line's wide hit area never covers a node or a label.
        first_part = next(i for i, g in enumerate(graph) if _classes(g) & {"node", "edge"})
        graph.insert(first_part, ET.Element(_q("g"), {"class": "rpa-hits"}))
        graph[first_part].extend(hits)
    for use in list(root.iter(_q("use"))):
        x, y = float(use.get("x", 0)), float(use.get("y", 0))
        w, h = float(use.get("width", 0)), float(use.get("height", 0))
        plate = {
            "class": "rpa-plate",
            "x": f"{x - ICON_PLATE_PAD:g}",
            "y": f"{y - ICON_PLATE_PAD:g}",
            "width": f"{w + 2 * ICON_PLATE_PAD:g}",
            "height": f"{h + 2 * ICON_PLATE_PAD:g}",
            "rx": f"{2 * ICON_PLATE_PAD:g}",
            "fill": "none",
        }
        _insert_before(parent_of[use], use, ET.Element(_q("rect"), plate))
    for anchor in list(root.iter(_q("a"))):
        tip = anchor.attrib.pop(TITLE, None)
        if anchor.get(HREF):
            if tip:
                anchor.set("aria-label", tip)
        else:
            parent = parent_of[anchor]
            at = list(parent).index(anchor)
            parent[at : at + 1] = list(anchor)
    background = graph.find(f".//{_q('polygon')}") if graph is not None else None
    if background is not None:
        background.set("class", "rpa-bg")  # the page paints its own card behind the drawing
    return ET.tostring(root, encoding="unicode")


def rebase_links(svg: str, base: str) -> str:
    """Prefix the relative node links for a page at another depth."""
    if not base:
        return svg
    return re.sub(r'xlink:href="(?!#|data:|[a-z]+:)', f'xlink:href="{base}', svg)
