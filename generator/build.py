"""Render every artefact in memory (read -> model -> render), then write once."""

from __future__ import annotations

import io
import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble, default_selection
from .cache import cached_icon, diagram_key, fingerprint, invalidate, load_rendering, store_rendering, up_to_date, write_manifest
from .diagram_spec import build_spec, diagram_ids
from .errors import BuildError
from .graphviz import check_icons, drawing_module, graphviz_version, render
from .model import Inventory
from .paths import DEFAULT_INVENTORY, DEFAULT_OUT, MARKER, display
from .render_configurator import configurator_block, configurator_data
from .render_pages import (
    cloud_list,
    cloud_page,
    cloud_tables,
    component_list,
    components_block,
    deploy_block,
    diagram_description,
    diagram_tabs,
    diagram_title,
    files_block,
    overview_table,
)
from .render_yaml import endpoints_file, values_file
from .svg import publish, rebase_links
from .validate import load
from .writer import WriteReport, write_tree

ICON_EMBED_PX = 128
PNG_NOTE = b"Generated from inventory.yml by python -m generator build. Do not edit."


@dataclass(frozen=True)
class Diagram:
    svg: str  # published, links relative to the site root
    png: bytes


def mark_png(data: bytes) -> bytes:
    """Insert a tEXt chunk after IHDR saying the file is generated."""
    chunk_type = b"tEXt"
    body = b"Comment\x00" + PNG_NOTE
    chunk = struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", zlib.crc32(chunk_type + body))
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def shrink_icon(data: bytes) -> bytes:
    """Icons are drawn 64 px wide; embed them at 2x that, not at their 256+ px source size."""
    return cached_icon(data, ICON_EMBED_PX, _shrink)


def _shrink(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        if max(img.size) <= ICON_EMBED_PX:
            return data
        img.thumbnail((ICON_EMBED_PX, ICON_EMBED_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=True)
        return out.getvalue()


def draw_all(inv: Inventory, drawn: list[str] | None = None) -> dict[str, Diagram]:
    """Every diagram; only those whose source or icons changed go through Graphviz."""
    draw = drawing_module()
    specs = {d: build_spec(inv, d) for d in diagram_ids(inv)}
    icon_paths = {n.icon: draw.icon_path(n.icon) for s in specs.values() for n in s.nodes()}
    check_icons(list(icon_paths.values()))
    icon_bytes = {str(path): path.read_bytes() for path in icon_paths.values()}
    version = graphviz_version()
    jobs = {}
    for diagram_id, spec in specs.items():
        source = draw.draw(spec)
        icons = [icon_bytes[str(icon_paths[n.icon])] for n in spec.nodes()]
        jobs[diagram_id] = (source, diagram_key(source, icons, version))
    renderings = {d: load_rendering(key) for d, (_, key) in jobs.items()}
    missing = [d for d, r in renderings.items() if r is None]
    # dot and Pillow's encoder both run outside the GIL: overlap them on every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        dots = {d: pool.submit(render, jobs[d][0]) for d in missing}
        small = {path: pool.submit(shrink_icon, data) for path, data in icon_bytes.items()}
        for diagram_id, future in dots.items():
            renderings[diagram_id] = future.result()
            store_rendering(jobs[diagram_id][1], renderings[diagram_id])
        shrunk = {path: future.result() for path, future in small.items()}
    if drawn is not None:
        drawn.extend(missing)

    def read_icon(path: str) -> bytes:
        if path not in shrunk:
            raise BuildError(f"expected an icon the diagram names, got an unknown image {path}")
        return shrunk[path]

    out = {}
    for diagram_id, rendered in renderings.items():
        svg = publish(
            rendered["svg"].decode("utf-8"),
            prefix=diagram_id,
            read_icon=read_icon,
            title=f"{inv.title}: {diagram_title(inv, diagram_id)}",
            description=diagram_description(inv, diagram_id),
        )
        out[diagram_id] = Diagram(svg=svg, png=mark_png(rendered["png"]))
    return out


def render_all(inv: Inventory, drawn: list[str] | None = None) -> dict[str, bytes]:
    """Every generated file, keyed by its path under docs/generated/."""
    files: dict[str, str | bytes] = {}
    # Graphviz runs in subprocesses; render the text artefacts meanwhile.
    with ThreadPoolExecutor(max_workers=1) as background:
        pending = background.submit(draw_all, inv, drawn)
        files["blocks/overview-table.md"] = overview_table(inv)
        files["blocks/cloud-tables.md"] = cloud_tables(inv)
        files["blocks/component-list.md"] = component_list(inv)
        files["blocks/components.md"] = components_block(inv)
        files["blocks/files.md"] = files_block(inv)
        files["blocks/deploy.md"] = deploy_block(inv)
        files["blocks/cloud-list.md"] = cloud_list(inv)
        files["blocks/configurator.md"] = configurator_block(inv)
        for cloud in inv.clouds:
            files[f"configurator/{cloud.id}.json"] = configurator_data(inv, cloud.id)
            selection = default_selection(inv, cloud.id)
            parts = assemble(inv, selection)
            files[f"files/{cloud.id}/endpoints.yml"] = endpoints_file(inv, selection, parts)
            files[f"files/{cloud.id}/values.yml"] = values_file(inv, selection, parts)
        diagrams = pending.result()
    for diagram_id, diagram in diagrams.items():
        files[f"diagrams/{diagram_id}.svg"] = rebase_links(diagram.svg, "../../")
        files[f"diagrams/{diagram_id}.png"] = diagram.png
    svgs = {d: diagram.svg for d, diagram in diagrams.items()}
    files["blocks/diagrams.md"] = diagram_tabs(inv, svgs)
    for cloud in inv.clouds:
        files[f"clouds/{cloud.id}.md"] = cloud_page(inv, cloud.id, rebase_links(svgs[cloud.id], "../../"))
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


def build(
    inventory: Path = DEFAULT_INVENTORY, out_dir: Path = DEFAULT_OUT, force: bool = False, key: str | None = None
) -> WriteReport:
    """Check, render everything, and only then write. A failure writes nothing.

    With nothing changed since the last successful run, returns at once.
    """
    if key is None:
        key = fingerprint(inventory) if inventory.is_file() else ""
    if key and not force and up_to_date(out_dir, key):
        return WriteReport(skipped=True)
    inv = load(inventory, display_name=display(inventory))
    drawn: list[str] = []
    files = render_all(inv, drawn)
    if out_dir.exists():
        invalidate(out_dir)  # a crash while writing must not leave a manifest that looks complete
    report = write_tree(out_dir, files)
    report.drawn = drawn
    write_manifest(out_dir, key, [*files, MARKER])
    return report
