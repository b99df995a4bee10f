"""Render every artefact in memory (read -> model -> render), then write once."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble, default_selection
from .diagram_spec import build_spec, diagram_ids
from .graphviz import check_icons, drawing_module, render
from .model import Inventory
from .render_configurator import configurator_block, configurator_data
from .render_pages import (
    GEN,
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

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INVENTORY = REPO / "inventory.yml"
DEFAULT_OUT = REPO / "docs" / GEN
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


def draw_all(inv: Inventory) -> dict[str, Diagram]:
    draw = drawing_module()
    specs = {d: build_spec(inv, d) for d in diagram_ids(inv)}
    check_icons([draw.icon_path(n.icon) for s in specs.values() for n in s.nodes()])
    out = {}
    for diagram_id, spec in specs.items():
        rendered = render(draw.draw(spec))
        svg = publish(
            rendered["svg"].decode("utf-8"),
            prefix=diagram_id,
            read_icon=lambda p: Path(p).read_bytes(),
            title=f"{inv.title}: {diagram_title(inv, diagram_id)}",
            description=diagram_description(inv, diagram_id),
        )
        out[diagram_id] = Diagram(svg=svg, png=mark_png(rendered["png"]))
    return out


def render_all(inv: Inventory) -> dict[str, bytes]:
    """Every generated file, keyed by its path under docs/generated/."""
    files: dict[str, str | bytes] = {}
    diagrams = draw_all(inv)
    for diagram_id, diagram in diagrams.items():
        files[f"diagrams/{diagram_id}.svg"] = rebase_links(diagram.svg, "../../")
        files[f"diagrams/{diagram_id}.png"] = diagram.png
    svgs = {d: diagram.svg for d, diagram in diagrams.items()}
    files["blocks/diagrams.md"] = diagram_tabs(inv, svgs)
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
        files[f"clouds/{cloud.id}.md"] = cloud_page(inv, cloud.id, rebase_links(svgs[cloud.id], "../../"))
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


def build(inventory: Path = DEFAULT_INVENTORY, out_dir: Path = DEFAULT_OUT) -> WriteReport:
    """Check, render everything, and only then write. A failure writes nothing."""
    inv = load(inventory, display_name=_display(inventory))
    files = render_all(inv)
    return write_tree(out_dir, files)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
