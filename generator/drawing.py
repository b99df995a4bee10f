"""Turn a DiagramSpec into Graphviz source with the `diagrams` library.

Validation and drawing share `node_class` and `icon_file`, so a class the
checker accepts is exactly a class the drawing can use. Only the library's
public API is used: the icon file is read from the DOT source the library
writes for a node, not from its private attributes.
"""

from __future__ import annotations

import html
import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from diagrams import Cluster, Diagram, Edge, Node, setcluster, setdiagram

from .diagram_spec import ClusterSpec, DiagramSpec, NodeSpec
from .errors import BuildError

REQUIRED = {"fill": "#E8F5E9", "line": "#1B5E20", "style": "rounded,filled"}
OPTIONAL = {"fill": "#FFF8E1", "line": "#7A5C00", "style": "rounded,filled,dashed"}
ICON_PX = 64
MAX_COLUMN = 4  # parts of one group stacked in one column before it gets a second
STEP_COLOUR = "#4A148C"  # the site's primary colour: numbers of the path of one message
_IMAGE_ATTR = re.compile(r'image="((?:[^"\\]|\\.)*)"')


class IconError(ValueError):
    """`dotted` does not name a `diagrams` node class with an icon."""


class _SourceOnly(Diagram):
    """A Diagram that never renders, opens a viewer or writes to the working directory."""

    def __init__(self, title: str, name: str, **attrs: Any) -> None:
        super().__init__(title, filename=name, show=False, **attrs)

    def __exit__(self, *exc: object) -> None:
        setcluster(None)
        setdiagram(None)


def node_class(dotted: str) -> type[Node]:
    """The node class named `dotted` (e.g. diagrams.aws.storage.S3); raises IconError."""
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise IconError(f"no module {module_name}") from None
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Node)):
        raise IconError(f"no node class {class_name} in {module_name}")
    return cls


@cache
def icon_file(dotted: str) -> Path:
    """The PNG the library draws for `dotted`, read from the DOT source it writes."""
    cls = node_class(dotted)
    with _SourceOnly("probe", "probe") as probe:
        cls("", nodeid="probe")
        found = _IMAGE_ATTR.search(probe.dot.source)
    if not found:
        raise IconError(f"{class_name(dotted)} draws no icon")
    return Path(found.group(1).replace('\\"', '"'))


def class_name(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def icon_problem(dotted: str) -> str | None:
    """None if `dotted` is a node class with an icon, else why not (for validation)."""
    try:
        icon_file(dotted)
    except IconError as exc:
        return str(exc)
    return None


def check_icon_files(dotted: list[str]) -> None:
    missing = sorted({str(icon_file(d)) for d in dotted if not icon_file(d).is_file()})
    if missing:
        raise BuildError(
            "expected every icon file of the `diagrams` library to exist, got missing: "
            + ", ".join(missing)
            + " (reinstall with `pip install --force-reinstall diagrams`)"
        )


def _dot_text(text: str) -> str:
    # Graphviz reads backslash escapes (\n, \N, \G) in plain attributes.
    return text.replace("\\", "\\\\")


def _html_label(spec: NodeSpec) -> str:
    look = REQUIRED if spec.required else OPTIONAL
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PX}" HEIGHT="{ICON_PX}">'
        f'<IMG SRC="{html.escape(str(icon_file(spec.icon)))}" SCALE="TRUE"/></TD></TR>',
        f"<TR><TD><B>{html.escape(spec.name)}</B></TD></TR>",
    ]
    if spec.product:
        rows.append(f'<TR><TD><FONT POINT-SIZE="11">{html.escape(spec.product)}</FONT></TD></TR>')
    status = "required" if spec.required else "optional"
    rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{look["line"]}"><I>{status}</I></FONT></TD></TR>')
    if spec.steps:
        numbers = " ".join(str(n) for n in spec.steps)
        rows.append(f'<TR><TD><FONT POINT-SIZE="11" COLOR="{STEP_COLOUR}"><B>step {numbers}</B></FONT></TD></TR>')
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


class _Ref:
    """Stands in for a Node when connecting by id (Diagram.connect only reads .nodeid)."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def _draw_group(cluster: ClusterSpec) -> None:
    with Cluster(cluster.label, graph_attr={"tooltip": _dot_text(cluster.label), "fontsize": "14"}):
        for node in cluster.nodes:
            look = REQUIRED if node.required else OPTIONAL
            node_class(node.icon)(
                _html_label(node),
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


def dot_source(spec: DiagramSpec) -> str:
    """The Graphviz source of one diagram; no file is written and no viewer opened."""
    graph = {"pad": "0.3", "nodesep": "0.5", "ranksep": "1.4", "fontsize": "18"}
    with _SourceOnly(spec.title, spec.id, direction="LR", curvestyle="curved", graph_attr=graph) as diagram:
        diagram.dot.graph_attr["label"] = _legend()
        diagram.dot.graph_attr["labelloc"] = "b"
        diagram.dot.graph_attr["tooltip"] = _dot_text(spec.title)
        inside = [c for c in spec.clusters if c.in_cluster]
        if inside:
            boundary = {"tooltip": _dot_text(spec.boundary), "fontsize": "15", "bgcolor": "#F3F0FA", "style": "rounded,bold"}
            with Cluster(spec.boundary, graph_attr=boundary):
                for cluster in inside:
                    _draw_group(cluster)
        for cluster in spec.clusters:
            if not cluster.in_cluster:
                _draw_group(cluster)
        # A long group is laid out in two columns: an invisible edge puts every second
        # part one rank further right, which halves the drawing's height.
        for cluster in spec.clusters:
            if len(cluster.nodes) > MAX_COLUMN:
                for left, right in zip(cluster.nodes[0::2], cluster.nodes[1::2], strict=False):
                    diagram.connect(_Ref(left.id), _Ref(right.id), Edge(style="invis"))
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
        return str(diagram.dot.source)
