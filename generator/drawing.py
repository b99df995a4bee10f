"""Turn a DiagramSpec into Graphviz source with the `diagrams` library."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

from diagrams import Cluster, Edge

from .diagram_spec import DiagramSpec, NodeSpec
from .icons import SourceOnly, icon_file, node_class
from .images import ICON_PT

REQUIRED = {"fill": "#E8F5E9", "line": "#1B5E20", "style": "rounded,filled", "legend": "rounded"}
OPTIONAL = {"fill": "#FFF8E1", "line": "#7A5C00", "style": "rounded,filled,dashed", "legend": "rounded,dashed"}
# Sizes in points. At fit width on a 1440 px screen a drawing is shown at about 1.15 px
# per point, so no text may be under 11 pt (tests/test_diagram_layout.py). Names are bold,
# not larger: every point of width the widest text takes costs the whole drawing's scale.
NAME_PT = 11
TEXT_PT = 11
WRAP = 17  # characters per line of a part's text
TALL_WRAP = 36  # in the column with the most parts: fewer, longer lines keep it short
CLUSTER_WRAP = 30
STEP_COLOUR = "#4A148C"  # the site's primary colour: numbers of the path of one message


def _dot_text(text: str) -> str:
    # Graphviz reads backslash escapes (\n, \N, \G) in plain attributes.
    return text.replace("\\", "\\\\")


def _lines(text: str, width: int) -> list[str]:
    """`text` wrapped at `width` characters, escaped for an HTML-like label."""
    return [html.escape(line) for line in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)]


def _html_label(spec: NodeSpec, wrap: int) -> str:
    """Icon on the left, text on the right: a short, wide node keeps the drawing landscape."""
    texts = [f'<B><FONT POINT-SIZE="{NAME_PT}">{line}</FONT></B>' for line in _lines(spec.name, wrap)]
    texts += [f'<FONT POINT-SIZE="{TEXT_PT}">{line}</FONT>' for line in _lines(spec.product or "", wrap)]
    if spec.steps:
        numbers = " ".join(str(n) for n in spec.steps)
        texts.append(f'<FONT POINT-SIZE="{TEXT_PT}" COLOR="{STEP_COLOUR}"><B>step {numbers}</B></FONT>')
    icon = (
        f'<TD ROWSPAN="{len(texts)}" FIXEDSIZE="TRUE" WIDTH="{ICON_PT}" HEIGHT="{ICON_PT}">'
        f'<IMG SRC="{html.escape(str(icon_file(spec.icon)))}" SCALE="TRUE"/></TD>'
    )
    rows = [f'<TR>{icon if i == 0 else ""}<TD ALIGN="LEFT">{text}</TD></TR>' for i, text in enumerate(texts)]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _cluster_label(text: str) -> str:
    return "<" + '<BR ALIGN="LEFT"/>'.join(_lines(text, CLUSTER_WRAP)) + '<BR ALIGN="LEFT"/>>'


def _legend() -> str:
    cells = "".join(
        f'<TR><TD BGCOLOR="{look["fill"]}" COLOR="{look["line"]}" BORDER="1" STYLE="{look["legend"]}">'
        f'<FONT POINT-SIZE="{TEXT_PT}">{text}</FONT></TD></TR>'
        for text, look in (("Required", REQUIRED), ("Optional", OPTIONAL))
    )
    return f'<<TABLE BORDER="0" CELLSPACING="4">{cells}</TABLE>>'


class _Ref:
    """Stands in for a Node when connecting by id (Diagram.connect only reads .nodeid)."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


@dataclass(frozen=True)
class Layout:
    """Which column of the left-to-right drawing each part sits in.

    Traffic enters on the left, then comes the cluster's hub (its part with the most
    connections), then the parts the hub calls. The groups outside the cluster, largest
    first, go either under the cluster (`beside`, sharing the hub's callees' column) or
    into the column after it (`after`), whichever holds fewer parts, so that no column
    grows much taller than the others and the drawing stays wider than it is tall.
    """

    entry: tuple[str, ...]  # outside the cluster, sending traffic into it; drawn outside any group
    hub: tuple[str, ...]
    beside: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def columns(self) -> list[tuple[str, ...]]:
        return [c for c in (self.entry, self.hub, self.beside, self.after) if c]


def layout(spec: DiagramSpec) -> Layout:
    inside = [n.id for c in spec.clusters if c.in_cluster for n in c.nodes]
    into = {e.source for e in spec.edges if e.target in inside and e.source not in inside}
    out_of = {e.target for e in spec.edges if e.source in inside}
    entry = [n.id for n in spec.nodes() if n.id in into and n.id not in out_of]
    calls = {i: sum(1 for e in spec.edges if i in (e.source, e.target)) for i in inside}
    hub = [max(inside, key=lambda i: calls[i])] if inside else []  # max keeps the first of equals
    beside = [i for i in inside if i not in hub]
    after: list[str] = []
    groups = [[n.id for n in c.nodes if n.id not in entry] for c in spec.clusters if not c.in_cluster]
    for ids in sorted((g for g in groups if g), key=len, reverse=True):  # stable: equals keep inventory order
        (beside if len(beside) < len(after) else after).extend(ids)
    return Layout(entry=tuple(entry), hub=tuple(hub), beside=tuple(beside), after=tuple(after))


def _draw_node(node: NodeSpec, wrap: int) -> None:
    look = REQUIRED if node.required else OPTIONAL
    node_class(node.icon)(
        _html_label(node, wrap),
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
        margin="0.08,0.05",
        URL=node.href,
        target="_top",
        tooltip=_dot_text(node.tooltip),
        id=f"node-{node.id}",
    )


def _group(label: str, key: str, **attrs: str) -> Cluster:
    # The library names a subgraph after its label; the key keeps names unique and stable.
    look = {"label": _cluster_label(label), "tooltip": _dot_text(label), "fontsize": str(NAME_PT), "labeljust": "l"}
    return Cluster(key, graph_attr={**look, **attrs})


def dot_source(spec: DiagramSpec) -> str:
    """The Graphviz source of one diagram; no file is written and no viewer opened."""
    plan = layout(spec)
    tallest = max(plan.columns, key=len, default=())
    wrap = {n.id: TALL_WRAP if n.id in tallest else WRAP for n in spec.nodes()}
    graph = {
        "pad": "0.15",
        "nodesep": "0.1",
        "ranksep": "0.35",
        "newrank": "true",  # rank=same may then hold parts of different groups
        "splines": "true",  # edges bend around parts instead of running through them
        "fontsize": str(TEXT_PT),
    }
    with SourceOnly(spec.title, spec.id, direction="LR", curvestyle="curved", graph_attr=graph) as diagram:
        diagram.dot.graph_attr["label"] = ""
        diagram.dot.graph_attr["tooltip"] = _dot_text(spec.title)
        for node in spec.nodes():
            if node.id in plan.entry:
                _draw_node(node, wrap[node.id])
        legend = {"shape": "plaintext", "fixedsize": "false", "width": "0", "height": "0", "id": "legend"}
        diagram.node("legend", _legend(), **legend)
        inside = [c for c in spec.clusters if c.in_cluster]
        if inside:
            with _group(spec.boundary, "boundary", bgcolor="#F3F0FA", style="rounded,bold", pencolor="#AEB6BE"):
                for cluster in inside:
                    with _group(cluster.label, f"group {cluster.id}", bgcolor="#EBF3E7"):
                        for node in cluster.nodes:
                            _draw_node(node, wrap[node.id])
        for cluster in spec.clusters:
            nodes = [n for n in cluster.nodes if n.id not in plan.entry]
            if cluster.in_cluster or not nodes:
                continue
            # A group under the cluster is entered from above: its name goes underneath.
            under = "b" if nodes[0].id in plan.beside else "t"
            with _group(cluster.label, f"group {cluster.id}", bgcolor="#E5F5FD", labelloc=under):
                for node in nodes:
                    _draw_node(node, wrap[node.id])
        # newrank lets one column hold parts of different groups.
        for column in [(*plan.entry, "legend"), plan.hub, plan.beside, plan.after]:
            with diagram.dot.subgraph() as same:
                same.attr(rank="same")
                for nodeid in column:
                    same.node(nodeid)
        # Columns follow each other in this order even where no edge says so.
        for left, right in zip(plan.columns, plan.columns[1:], strict=False):
            diagram.connect(_Ref(left[0]), _Ref(right[0]), Edge(style="invis"))
        for edge in spec.edges:
            diagram.connect(
                _Ref(edge.source),
                _Ref(edge.target),
                Edge(style="dashed" if edge.optional else "solid", forward=True, tooltip=_dot_text(edge.tooltip)),
            )
        return str(diagram.dot.source)
