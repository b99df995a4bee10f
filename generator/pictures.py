"""Every diagram, drawn while the caller renders the text (inventory -> SVG and PNG).

Graphviz is most of a cold build's work, so `Drawing` starts it as soon as it
can: one `dot` process per diagram whose Graphviz source or icons changed (the
rest come from the cache). `dot` draws the icons from copies at the size the PNG
shows them (images.py), which the icon child makes (prefetch.py); until they are
there, the caller renders text and asks again between pieces (`start`), so no core
waits. This module imports only what that needs; the text renderers are imported
while `dot` runs (`build.py`).

Graphviz's own SVG names those copies; `publish` embeds the larger copies the page
shows in their place.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .cache import diagram_key, load_rendering, store_rendering
from .diagram_spec import build_spec, diagram_ids
from .drawing import dot_source
from .errors import BuildError
from .graphviz import DOT_TIMEOUT_S, DotRun, VersionProbe
from .icons import check_icon_files, icon_file
from .images import DRAWN_SIZE, drawn_icon_file, drawn_icon_path, mark_png, shrink_icon
from .model import Inventory
from .prefetch import Prefetch
from .svg import publish
from .waiting import first_to_end


@dataclass(frozen=True)
class Diagram:
    dot: str  # the Graphviz source
    svg: str  # published, links relative to the site root
    png: bytes


@dataclass(frozen=True)
class Label:
    title: str
    description: str


def as_drawn(source: str, copies: dict[str, Path]) -> str:
    """`source` with each icon file (a key of `copies`) replaced by its copy at the size the PNG
    draws it (images.drawn_icon_path)."""
    for path, copy in copies.items():
        source = source.replace(f'SRC="{html.escape(path)}"', f'SRC="{html.escape(str(copy))}"')
    return source


class Drawing:
    """Every diagram of `inv`; `finish()` collects them. Leaving early stops every `dot` still running.

    `prefetch` (the caller's, who also stops it) is waited for before the icons are read.
    """

    def __init__(self, inv: Inventory, prefetch: Prefetch | None = None) -> None:
        probe = VersionProbe()  # answers while the sources are made
        specs = {d: build_spec(inv, d) for d in diagram_ids(inv)}
        classes = sorted({n.icon for s in specs.values() for n in s.nodes()})
        check_icon_files(classes)
        self.icon_bytes = {str(icon_file(c)): icon_file(c).read_bytes() for c in classes}
        self.sources = {d: dot_source(spec) for d, spec in specs.items()}
        # The PNGs draw copies of the icons at their drawn size (images.py): part of the rendering.
        version = f"{probe.result()}; icons {DRAWN_SIZE}"
        self.copies = {path: drawn_icon_path(data) for path, data in self.icon_bytes.items()}
        self.keys = {
            d: diagram_key(self.sources[d], [self.icon_bytes[str(icon_file(n.icon))] for n in spec.nodes()], version)
            for d, spec in specs.items()
        }
        self.renderings = {d: load_rendering(key) for d, key in self.keys.items()}
        self.missing = [d for d, r in self.renderings.items() if r is None]
        self.used = sorted({str(icon_file(n.icon)) for d in self.missing for n in specs[d].nodes()})
        self.prefetch = prefetch
        self.runs: dict[str, DotRun] = {}
        self.started = False

    def __enter__(self) -> Drawing:
        self.start(block=False)
        return self

    def start(self, block: bool) -> bool:
        """Start a `dot` process for each diagram to draw once the copies of the icons it draws
        are in the cache (the child makes them, `prefetch.py`); without `block`, only if they are.
        True once started. Called between pieces of text, it leaves no core waiting."""
        if self.started:
            return True
        ready = all(self.copies[path].is_file() for path in self.used)
        if not ready and self.prefetch is not None and self.prefetch.drawn(block) is None:
            return False  # the child is still making them
        self.started = True
        try:
            for path in self.used:
                drawn_icon_file(self.icon_bytes[path])  # makes any copy the child did not
            for diagram_id in self.missing:
                self.runs[diagram_id] = DotRun(as_drawn(self.sources[diagram_id], self.copies))
        except BaseException:
            self.__exit__()
            raise
        return True

    def __exit__(self, *exc: object) -> None:
        for run in self.runs.values():
            run.close()

    def finish(self, labels: dict[str, Label]) -> tuple[dict[str, Diagram], list[str]]:
        """Every diagram (with its title and description), and which ones went through Graphviz."""
        self.start(block=True)
        if self.prefetch is not None:
            self.prefetch.wait()  # then shrink_icon finds the icons it shrank in the cache
        # Graphviz's SVG names the copies it drew.
        shrunk = {str(self.copies[path]): shrink_icon(data) for path, data in self.icon_bytes.items()}

        def read_icon(path: str) -> bytes:
            if path not in shrunk:
                raise BuildError(f"expected an icon the diagram names, got an unknown image {path}")
            return shrunk[path]

        def published(diagram_id: str, rendered: dict[str, bytes]) -> Diagram:
            svg = publish(
                rendered["svg"].decode("utf-8"),
                prefix=diagram_id,
                read_icon=read_icon,
                title=labels[diagram_id].title,
                description=labels[diagram_id].description,
            )
            return Diagram(dot=self.sources[diagram_id], svg=svg, png=mark_png(rendered["png"]))

        done = {d: published(d, r) for d, r in self.renderings.items() if r is not None}
        # In the order the `dot` processes end: each diagram is published while the others still
        # draw, and only the last one is left for after the last `dot`.
        running = {d: self.runs[d] for d in self.missing}
        while running:
            diagram_id = first_to_end({d: run.process for d, run in running.items()}, DOT_TIMEOUT_S)
            rendered = self.renderings[diagram_id] = running.pop(diagram_id).result()
            store_rendering(self.keys[diagram_id], rendered)
            done[diagram_id] = published(diagram_id, rendered)
        return {d: done[d] for d in self.renderings}, self.missing
