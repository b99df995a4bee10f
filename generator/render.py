"""Render every artefact in memory (inventory -> files); writing is `writer.py`'s job."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import site
from .assemble import default_selection
from .cache import diagram_key, load_rendering, store_rendering
from .diagram_spec import build_spec, diagram_ids
from .drawing import check_icon_files, dot_source, icon_file
from .errors import BuildError
from .graphviz import graphviz_version, render_dot
from .images import mark_png, shrink_icon
from .model import Inventory
from .render_configurator import configurator_block, configurator_data, data_path
from .render_pages import (
    cloud_list,
    cloud_nav,
    cloud_page,
    cloud_tables,
    component_list,
    components_block,
    deploy_block,
    diagram_description,
    diagram_tabs,
    diagram_title,
    files_block,
    message_path_block,
    overview_table,
)
from .render_yaml import selection_files
from .svg import publish, rebase_links


@dataclass(frozen=True)
class Diagram:
    dot: str  # the Graphviz source
    svg: str  # published, links relative to the site root
    png: bytes


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    dot: dict[str, str] = field(default_factory=dict)  # Graphviz source per diagram id
    drawn: tuple[str, ...] = ()  # diagrams that went through Graphviz (the rest came from the cache)


def draw_all(inv: Inventory) -> tuple[dict[str, Diagram], list[str]]:
    """Every diagram, and which ones had to go through Graphviz (source or icons changed)."""
    specs = {d: build_spec(inv, d) for d in diagram_ids(inv)}
    classes = sorted({n.icon for s in specs.values() for n in s.nodes()})
    check_icon_files(classes)
    icon_bytes = {str(icon_file(c)): icon_file(c).read_bytes() for c in classes}
    version = graphviz_version()
    sources = {d: dot_source(spec) for d, spec in specs.items()}
    keys = {
        d: diagram_key(sources[d], [icon_bytes[str(icon_file(n.icon))] for n in spec.nodes()], version)
        for d, spec in specs.items()
    }
    renderings = {d: load_rendering(key) for d, key in keys.items()}
    missing = [d for d, r in renderings.items() if r is None]
    # dot and Pillow's encoder both run outside the GIL: overlap them on every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        dots = {d: pool.submit(render_dot, sources[d]) for d in missing}
        small = {path: pool.submit(shrink_icon, data) for path, data in icon_bytes.items()}
        for diagram_id, future in dots.items():
            renderings[diagram_id] = future.result()
            store_rendering(keys[diagram_id], future.result())
        shrunk = {path: future.result() for path, future in small.items()}

    def read_icon(path: str) -> bytes:
        if path not in shrunk:
            raise BuildError(f"expected an icon the diagram names, got an unknown image {path}")
        return shrunk[path]

    out = {}
    for diagram_id, rendered in renderings.items():
        assert rendered is not None
        svg = publish(
            rendered["svg"].decode("utf-8"),
            prefix=diagram_id,
            read_icon=read_icon,
            title=f"{inv.title}: {diagram_title(inv, diagram_id)}",
            description=diagram_description(inv, diagram_id),
        )
        out[diagram_id] = Diagram(dot=sources[diagram_id], svg=svg, png=mark_png(rendered["png"]))
    return out, missing


def render_text(inv: Inventory) -> dict[str, str]:
    """Every generated text file that does not embed a diagram."""
    files = {
        "blocks/overview-table.md": overview_table(inv),
        "blocks/component-list.md": component_list(inv),
        "blocks/components.md": components_block(inv),
        "blocks/files.md": files_block(inv),
        "blocks/deploy.md": deploy_block(inv),
        "blocks/configurator.md": configurator_block(inv),
        "blocks/message-path.md": message_path_block(inv),
        site.CLOUD_NAV.removeprefix(site.GENERATED + "/"): cloud_nav(inv),
    }
    # The overview and the Clouds page both show these, from different folders.
    for page in (site.OVERVIEW_PAGE, site.CLOUDS_PAGE):
        base = site.base_of(page)
        files[site.block_file("cloud-list.md", page)] = cloud_list(inv, base)
        files[site.block_file("cloud-tables.md", page)] = cloud_tables(inv, base)
    for cloud in inv.clouds:
        files[data_path(cloud.id)] = configurator_data(inv, cloud.id)
        for name, text in selection_files(inv, default_selection(inv, cloud.id)).items():
            files[f"files/{cloud.id}/{name}"] = text
    return files


def render(inv: Inventory) -> Rendered:
    """Every generated file, keyed by its path under docs/generated/."""
    prefix = site.GENERATED + "/"
    # Graphviz runs in subprocesses; render the text meanwhile.
    with ThreadPoolExecutor(max_workers=1) as background:
        pending = background.submit(draw_all, inv)
        files: dict[str, str | bytes] = dict(render_text(inv))
        diagrams, drawn = pending.result()
    for diagram_id, diagram in diagrams.items():
        svg_path = site.diagram_file(diagram_id, "svg")
        files[svg_path.removeprefix(prefix)] = rebase_links(diagram.svg, site.base_of(svg_path))
        files[site.diagram_file(diagram_id, "png").removeprefix(prefix)] = diagram.png
    svgs = {d: diagram.svg for d, diagram in diagrams.items()}
    files["blocks/diagrams.md"] = diagram_tabs(inv, svgs)
    for cloud in inv.clouds:
        page = site.cloud_page(cloud.id)
        files[page.removeprefix(prefix)] = cloud_page(inv, cloud.id, rebase_links(svgs[cloud.id], site.base_of(page)))
    return Rendered(
        files={k: v.encode("utf-8") if isinstance(v, str) else v for k, v in sorted(files.items())},
        dot={d: diagram.dot for d, diagram in diagrams.items()},
        drawn=tuple(drawn),
    )


def render_all(inv: Inventory) -> dict[str, bytes]:
    return render(inv).files
