"""Render every artefact in memory (inventory -> files); writing is `writer.py`'s job."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import site
from .assemble import default_selection
from .diagram_spec import diagram_ids
from .model import Inventory
from .pictures import Drawing, Label
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
from .svg import rebase_links


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    dot: dict[str, str] = field(default_factory=dict)  # Graphviz source per diagram id
    drawn: tuple[str, ...] = ()  # diagrams that went through Graphviz (the rest came from the cache)


def text_files(inv: Inventory) -> Iterator[tuple[str, str]]:
    """Every generated text file that does not embed a diagram, one at a time (path, text)."""
    yield "blocks/overview-table.md", overview_table(inv)
    yield "blocks/component-list.md", component_list(inv)
    yield "blocks/components.md", components_block(inv)
    yield "blocks/files.md", files_block(inv)
    yield "blocks/deploy.md", deploy_block(inv)
    yield "blocks/configurator.md", configurator_block(inv)
    yield "blocks/message-path.md", message_path_block(inv)
    yield site.CLOUD_NAV.removeprefix(site.GENERATED + "/"), cloud_nav(inv)
    # The overview and the Clouds page both show these, from different folders.
    for page in (site.OVERVIEW_PAGE, site.CLOUDS_PAGE):
        base = site.base_of(page)
        yield site.block_file("cloud-list.md", page), cloud_list(inv, base)
        yield site.block_file("cloud-tables.md", page), cloud_tables(inv, base)
    for cloud in inv.clouds:
        yield data_path(cloud.id), configurator_data(inv, cloud.id)
        for name, text in selection_files(inv, default_selection(inv, cloud.id)).items():
            yield f"files/{cloud.id}/{name}", text


def labels(inv: Inventory) -> dict[str, Label]:
    return {d: Label(f"{inv.title}: {diagram_title(inv, d)}", diagram_description(inv, d)) for d in diagram_ids(inv)}


def render(inv: Inventory, drawing: Drawing | None = None) -> Rendered:
    """Every generated file, keyed by its path under docs/generated/.

    `drawing` is the caller's, already entered (see build.py); else one is entered here.
    """
    if drawing is None:
        with Drawing(inv) as own:
            return render(inv, own)
    prefix = site.GENERATED + "/"
    # Graphviz runs in its own processes; render the text meanwhile. Graphviz may still wait for
    # its icons: it is started between two pieces of text as soon as they are there.
    files: dict[str, str | bytes] = {}
    for path, text in text_files(inv):
        files[path] = text
        drawing.start(block=False)
    diagrams, drawn = drawing.finish(labels(inv))
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
