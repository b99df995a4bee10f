"""What each diagram shows, as plain data (inventory -> DiagramSpec).

The drawing itself happens in `diagrams/draw.py`, which turns a spec into
Graphviz source with the `diagrams` library; keeping the spec pure makes it
testable without Graphviz and makes the cache key obvious.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import site
from .model import Inventory
from .prose import needed_when

OVERVIEW = "overview"


@dataclass(frozen=True)
class NodeSpec:
    id: str
    name: str
    product: str | None
    icon: str
    required: bool
    href: str
    tooltip: str
    steps: tuple[int, ...] = ()  # its numbers in the path of one message


@dataclass(frozen=True)
class EdgeSpec:
    source: str
    target: str
    label: str
    protocol: str
    optional: bool
    tooltip: str


@dataclass(frozen=True)
class ClusterSpec:
    id: str
    label: str
    nodes: tuple[NodeSpec, ...]
    in_cluster: bool  # drawn inside the Kubernetes cluster's boundary


@dataclass(frozen=True)
class DiagramSpec:
    id: str
    title: str
    clusters: tuple[ClusterSpec, ...]
    edges: tuple[EdgeSpec, ...]
    boundary: str  # label of the Kubernetes cluster that holds the in-cluster groups

    def nodes(self) -> list[NodeSpec]:
        return [n for c in self.clusters for n in c.nodes]


def diagram_ids(inv: Inventory) -> list[str]:
    return [OVERVIEW] + [c.id for c in inv.clouds]


def build_spec(inv: Inventory, diagram_id: str) -> DiagramSpec:
    """The overview (cloud-neutral icons) or one cloud's diagram."""
    cloud = None if diagram_id == OVERVIEW else inv.cloud(diagram_id)
    clusters = []
    for group in inv.groups:
        nodes = []
        for comp in (c for c in inv.components if c.group == group.id):
            offer = comp.offerings.get(cloud.id) if cloud else None
            # Product names often carry the cloud already ("HCP Vault Dedicated on AWS"): the tab names it.
            status = "required." if comp.required else f"optional, {needed_when(inv, comp)}."
            product = offer.product if offer else None
            tooltip = f"{comp.name}" + (f": {product}" if product else "") + f" - {status} {comp.summary}"
            nodes.append(
                NodeSpec(
                    id=comp.id,
                    name=comp.name,
                    product=product,
                    icon=offer.icon if offer else comp.icon,
                    required=comp.required,
                    href=site.component_anchor(comp.id, html=True, cloud=cloud.id if cloud else None),
                    steps=tuple(n for n, step in enumerate(inv.message_path, 1) if step.component == comp.id),
                    tooltip=tooltip,
                )
            )
        if not nodes:
            continue
        label = f"{group.name} on {cloud.name}" if cloud and group.cloud_services else group.name
        clusters.append(ClusterSpec(id=group.id, label=label, nodes=tuple(nodes), in_cluster=not group.cloud_services))
    by_id = {c.id: c for c in inv.components}
    edges = []
    for comp in inv.components:
        for conn in comp.connections:
            target = by_id[conn.to]
            optional = not (comp.required and target.required)
            edges.append(
                EdgeSpec(
                    source=comp.id,
                    target=conn.to,
                    label=conn.label,
                    protocol=conn.protocol,
                    optional=optional,
                    tooltip=f"{comp.name} to {target.name}: {conn.label} ({conn.protocol})" + (" - optional" if optional else ""),
                )
            )
    title = f"{inv.title}: {cloud.title}" if cloud else f"{inv.title}: overview"
    boundary = f"Kubernetes cluster: {cloud.kubernetes}" if cloud else "Your Kubernetes or OpenShift cluster"
    return DiagramSpec(id=diagram_id, title=title, clusters=tuple(clusters), edges=tuple(edges), boundary=boundary)
