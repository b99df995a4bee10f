"""Draw a DiagramSpec with the `diagrams` library and return Graphviz source.

This folder is a plain script folder on purpose: it has no __init__.py, so it
can never shadow the `diagrams` library it uses. The generator loads this file
by path. Run it directly to print the source of one diagram:

    python diagrams/draw.py overview
"""

from __future__ import annotations

import html
import importlib
import sys
from pathlib import Path
from typing import Any

from diagrams import Cluster, Diagram, Edge, Node, setcluster, setdiagram

REQUIRED = {"fill": "#E8F5E9", "line": "#1B5E20", "style": "rounded,filled"}
OPTIONAL = {"fill": "#FFF8E1", "line": "#7A5C00", "style": "rounded,filled,dashed"}
ICON_PX = 64


class _SourceOnly(Diagram):
    """A Diagram that never renders, opens a viewer or writes to the working directory."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__(
            title,
            filename=name,
            show=False,
            direction="LR",
            curvestyle="curved",
            graph_attr={"pad": "0.3", "nodesep": "0.5", "ranksep": "1.4", "fontsize": "18"},
        )

    def __exit__(self, *exc: object) -> None:
        setcluster(None)
        setdiagram(None)


def node_class(dotted: str) -> type[Node]:
    module_name, _, class_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def icon_path(dotted: str) -> Path:
    """Where the library keeps the class's PNG (same rule as Node._load_icon)."""
    cls = node_class(dotted)
    base = Path(importlib.import_module("diagrams").__file__).resolve().parent.parent
    return base / cls._icon_dir / cls._icon


def _dot_text(text: str) -> str:
    # Graphviz reads backslash escapes (\n, \N, \G) in plain attributes.
    return text.replace("\\", "\\\\")


def _html_label(spec: Any, icon: Path) -> str:
    look = REQUIRED if spec.required else OPTIONAL
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PX}" HEIGHT="{ICON_PX}">'
        f'<IMG SRC="{html.escape(str(icon))}" SCALE="TRUE"/></TD></TR>',
        f"<TR><TD><B>{html.escape(spec.name)}</B></TD></TR>",
    ]
    if spec.product:
        rows.append(f'<TR><TD><FONT POINT-SIZE="11">{html.escape(spec.product)}</FONT></TD></TR>')
    status = "required" if spec.required else "optional"
    rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{look["line"]}"><I>{status}</I></FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def _legend() -> str:
    cells = []
    for text, look in (
        ("Required: solid border", REQUIRED),
        ("Optional: dashed border and dashed lines", OPTIONAL),
    ):
        cells.append(
            f'<TD BGCOLOR="{look["fill"]}" COLOR="{look["line"]}" BORDER="1" STYLE="rounded">'
            f'<FONT POINT-SIZE="11">{text}</FONT></TD>'
        )
    return '<<TABLE BORDER="0" CELLSPACING="6"><TR><TD><B>Legend</B></TD>' + "".join(cells) + "</TR></TABLE>>"


def draw(spec: Any) -> str:
    """Return the Graphviz source for `spec` (a generator.diagram_spec.DiagramSpec)."""
    with _SourceOnly(spec.title, spec.id) as diagram:
        diagram.dot.graph_attr["label"] = _legend()
        diagram.dot.graph_attr["labelloc"] = "b"
        diagram.dot.graph_attr["tooltip"] = _dot_text(spec.title)
        for cluster in spec.clusters:
            with Cluster(cluster.label, graph_attr={"tooltip": _dot_text(cluster.label), "fontsize": "14"}):
                for node in cluster.nodes:
                    look = REQUIRED if node.required else OPTIONAL
                    node_class(node.icon)(
                        _html_label(node, icon_path(node.icon)),
                        nodeid=node.id,
                        image="",
                        shape="box",
                        style=look["style"],
                        fillcolor=look["fill"],
                        color=look["line"],
                        penwidth="2",
                        fixedsize="false",
                        width="0",
                        height="0",
                        margin="0.1",
                        URL=node.href,
                        target="_top",
                        tooltip=_dot_text(node.tooltip),
                        id=f"node-{node.id}",
                    )
        for edge in spec.edges:
            label = f'<{html.escape(edge.label)}<BR/><FONT POINT-SIZE="10">{html.escape(edge.protocol)}</FONT>>'
            diagram.connect(
                _Ref(edge.source),
                _Ref(edge.target),
                Edge(
                    label=label,
                    style="dashed" if edge.optional else "solid",
                    forward=True,
                    tooltip=_dot_text(edge.tooltip),
                    labeltooltip=_dot_text(edge.tooltip),
                    fontsize="11",
                ),
            )
        return diagram.dot.source


class _Ref:
    """Stands in for a Node when connecting by id (Diagram.connect only reads .nodeid)."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


if __name__ == "__main__":
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    from generator.diagram_spec import build_spec
    from generator.validate import load

    inventory = load(repo / "inventory.yml")
    print(draw(build_spec(inventory, sys.argv[1] if len(sys.argv) > 1 else "overview")))
