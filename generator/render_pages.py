"""Markdown blocks and data pages (inventory -> text).

Hand-written pages pull these blocks in with pymdownx.snippets. Blocks meant
for pages at the site root use root-relative links; the per-cloud pages, which
live two folders down, get their own prefix.
"""

from __future__ import annotations

import html
import json

from . import kube, marks, site
from .assemble import assemble, component_fragment, default_selection
from .diagram_spec import OVERVIEW, ClusterSpec, DiagramSpec, NodeSpec, build_spec, diagram_ids
from .markdown import code_block, inline, link, name_code, table, tabs
from .model import Component, EnvVar, Inventory, Offering, Variant
from .prose import needed_when
from .render_commands import kubernetes_variables, train_command, training_variables, workstation_commands
from .render_yaml import file_names, fragment_files
from .values import describe

MD_MARK = marks.markdown()


def diagram_title(inv: Inventory, diagram_id: str) -> str:
    return "All clouds" if diagram_id == OVERVIEW else inv.cloud(diagram_id).name


def diagram_description(inv: Inventory, diagram_id: str) -> str:
    """Text alternative: every node and connection in words."""
    cloud = None if diagram_id == OVERVIEW else inv.cloud(diagram_id)
    parts = []
    for comp in inv.components:
        product = comp.offerings[cloud.id].product if cloud and cloud.id in comp.offerings else None
        status = "required" if comp.required else "optional"
        parts.append(f"{comp.name}{f' ({product})' if product else ''}, {status}")
    links = [
        f"{comp.name} to {inv.component(conn.to).name}: {conn.label} over {conn.protocol}"
        for comp in inv.components
        for conn in comp.connections
    ]
    where = f"on {cloud.title}" if cloud else "on any cloud"
    return f"Rasa Pro architecture {where}. Components: " + "; ".join(parts) + ". Connections: " + "; ".join(links) + "."


def _diagram_part(inv: Inventory, spec: DiagramSpec, node: NodeSpec, base: str) -> str:
    """One part as a list item: what it is on this diagram, then one item per connection it makes."""
    esc = html.escape
    facts = [f'<a href="{esc(base + node.href)}">{esc(node.name)}</a>']
    if node.product:
        facts.append(f'<span class="rpa-part-product">{esc(node.product)}</span>')
    facts.append(f'<span class="rpa-part-status">{"required" if node.required else "optional"}</span>')
    if node.steps:
        facts.append(f'<span class="rpa-part-steps">step {" ".join(str(n) for n in node.steps)}</span>')
    links = []
    for edge in (e for e in spec.edges if e.source == node.id):
        target = inv.component(edge.target)
        links.append(
            f'<li data-from="{esc(edge.source)}" data-to="{esc(edge.target)}">to {esc(target.name)}: '
            f"{esc(edge.label)} ({esc(edge.protocol)}){', optional' if edge.optional else ''}</li>"
        )
    connections = f'<ul class="rpa-part-links">{"".join(links)}</ul>' if links else ""
    look = "rpa-required" if node.required else "rpa-optional"
    return f'<li class="rpa-part {look}" data-node="{esc(node.id)}">{" · ".join(facts)}{connections}</li>'


def diagram_parts(inv: Inventory, diagram_id: str, base: str) -> str:
    """The diagram's parts, grouped as drawn, each with its connections (raw HTML lists).

    It is the text alternative of the picture, and what a phone shows instead of it.
    """
    spec = build_spec(inv, diagram_id)

    def group(cluster: ClusterSpec) -> str:
        parts = "".join(_diagram_part(inv, spec, node, base) for node in cluster.nodes)
        return f'<li class="rpa-group"><span class="rpa-group-name">{html.escape(cluster.label)}</span><ul>{parts}</ul></li>'

    inside = "".join(group(c) for c in spec.clusters if c.in_cluster)
    outside = "".join(group(c) for c in spec.clusters if not c.in_cluster)
    name = f'<span class="rpa-group-name">{html.escape(spec.boundary)}</span>'
    boundary = f'<li class="rpa-group rpa-boundary">{name}<ul>{inside}</ul></li>' if inside else ""
    return f'<ul class="rpa-parts">{boundary}{outside}</ul>'


ZOOM_BAR = (
    '<div class="rpa-zoom" role="group" aria-label="Zoom the diagram" data-search-exclude hidden>'
    '<button type="button" class="md-button rpa-zoom-out" aria-label="Zoom out" aria-disabled="true">−</button>'
    '<button type="button" class="md-button rpa-zoom-fit" aria-label="Fit: show the whole diagram">Fit</button>'
    '<button type="button" class="md-button rpa-zoom-in" aria-label="Zoom in">+</button>'
    "</div>"
)
# Shown for a moment when the wheel scrolls the page over an unzoomed diagram.
ZOOM_HINT = '<p class="rpa-diagram-hint" hidden>To zoom, hold Ctrl (⌘ on a Mac) while scrolling, or use + and −.</p>'
# The keys of the focused picture (site.js: setupViewer). Shown while the picture has keyboard
# focus and read as its description; site.js links it once the keys work, not before.
KEYS_HINT = "Keys: + and − zoom, 0 fits, arrows move a zoomed-in picture, Tab visits parts and connections, Esc closes a note."


def keys_hint(diagram_id: str) -> str:
    return f'<p class="rpa-diagram-keys" id="rpa-keys-{diagram_id}">{html.escape(KEYS_HINT)}</p>'


def diagram_figure(inv: Inventory, diagram_id: str, svg: str, base: str) -> str:
    """One inline diagram, its viewer's controls, its parts as a list and full-size/download links (raw HTML).

    The page's script only shows and hides these and moves the parts' <title>s into the tooltip.
    """
    title = diagram_title(inv, diagram_id)
    svg_file = base + site.diagram_file(diagram_id, "svg")
    png_file = base + site.diagram_file(diagram_id, "png")
    return (
        f'<figure class="rpa-diagram" data-diagram="{diagram_id}">{ZOOM_BAR}'
        # The picture's words are in its text alternative below; the search index takes them from there.
        # A named group: site.js makes it a tab stop whose keys zoom and pan the picture.
        f'<div class="rpa-diagram-canvas" role="group" aria-label="Architecture diagram: {html.escape(title)}" '
        f"data-search-exclude>{svg.strip()}{ZOOM_HINT}{keys_hint(diagram_id)}"
        '<div class="rpa-tip" role="tooltip" hidden></div></div>'
        f'<figcaption><span class="rpa-diagram-caption">Architecture: {html.escape(title)}. '
        f"Point at a part to see its connections; select it to open its section.</span> "
        f'<a class="rpa-fullsize" href="{svg_file}" target="_blank" rel="noopener">Open full size</a> · '
        f'<a href="{svg_file}" download="rasa-pro-{diagram_id}.svg">SVG</a> · '
        f'<a href="{png_file}" download="rasa-pro-{diagram_id}.png">PNG</a>'
        f'<details class="rpa-diagram-text"><summary>Diagram as text</summary>{diagram_parts(inv, diagram_id, base)}</details>'
        f"</figcaption></figure>"
    )


def diagram_tabs(inv: Inventory, svgs: dict[str, str], base: str = "") -> str:
    """Raw-HTML Material tab set (Markdown tabs cannot hold raw SVG), linked by label.

    The clouds come first, in the order of every other cloud tab set, and the first
    is selected: with no choice made, the diagram shows the cloud the tables below
    show. "All clouds" comes last. Only the selected diagram is inline; the others
    are fetched by site.js when their tab is opened, which keeps the overview page
    light. Without JavaScript each tab still links to its diagram file.
    """
    ids = [c.id for c in inv.clouds] + [d for d in diagram_ids(inv) if d not in {c.id for c in inv.clouds}]
    inputs = "".join(
        f'<input {"checked " if i == 0 else ""}id="rpa-dtab-{d}" name="rpa-dtabs" type="radio">' for i, d in enumerate(ids)
    )
    labels = "".join(f'<label for="rpa-dtab-{d}">{html.escape(diagram_title(inv, d))}</label>' for d in ids)
    blocks = []
    for i, d in enumerate(ids):
        if i == 0:
            blocks.append(f'<div class="tabbed-block">{diagram_figure(inv, d, svgs[d], base)}</div>')
            continue
        src = base + site.diagram_file(d, "svg")
        placeholder = (
            f'<div class="rpa-diagram-lazy" data-src="{src}">'
            f'<a href="{src}">Open the {html.escape(diagram_title(inv, d))} diagram</a></div>'
        )
        blocks.append(f'<div class="tabbed-block">{diagram_figure(inv, d, placeholder, base)}</div>')
    clouds = [d if d != OVERVIEW else None for d in ids]
    return (
        MD_MARK
        + f'<div class="rpa-cloud-tabs" data-clouds="{_cloud_list(clouds)}">'
        + f'<div class="tabbed-set tabbed-alternate rpa-diagram-tabs" data-tabs="1:{len(ids)}">'
        + f'{inputs}<div class="tabbed-labels">{labels}</div>'
        + f'<div class="tabbed-content">{"".join(blocks)}</div></div></div>\n'
    )


def _cloud_list(ids: list[str | None]) -> str:
    """The cloud of each tab, in order (null for a tab that is no cloud), as an HTML attribute value."""
    return html.escape(json.dumps(ids), quote=True)


def cloud_tabs(inv: Inventory, bodies: list[str]) -> str:
    """Material tabs, one per cloud in inventory order, marked with the cloud ids.

    The marks let the page's script select the reader's cloud in every set by id (before
    the first paint) and filter the Components page; Material links the sets by label.
    """
    inner = tabs([(c.name, body) for c, body in zip(inv.clouds, bodies, strict=True)])
    return f'<div class="rpa-cloud-tabs" data-clouds="{_cloud_list([c.id for c in inv.clouds])}" markdown>\n\n{inner}\n</div>\n'


def _offer_cell(comp: Component, cloud_id: str) -> str:
    offer = comp.offerings.get(cloud_id)
    return link(offer.product, offer.url) if offer else "—"


def _status(comp: Component) -> str:
    return "**Required**" if comp.required else f"*Optional*: {inline(comp.needed_when or '')}"


def overview_table(inv: Inventory, base: str = "") -> str:
    services = [c for c in inv.components if c.offerings]
    header = ["What", *[inline(c.name) for c in inv.clouds]]
    rows = [
        [link(c.name, base + site.component_anchor(c.id)) + ("" if c.required else " (optional)")]
        + [_offer_cell(c, cloud.id) for cloud in inv.clouds]
        for c in services
    ]
    return MD_MARK + table(header, rows)


def offer_notes(offer: Offering) -> str:
    """The offering's advice, then each provider statement with its source and the day it was checked."""
    texts = [inline(offer.note)] if offer.note else []
    # The source goes inside the sentence it backs: "... (source, checked 2026-12-08)."
    texts += [f"{inline(f.says.rstrip('.'))} ({link('source', f.source)}, checked {f.checked.isoformat()})." for f in offer.facts]
    return " ".join(texts)


def facts_checked(inv: Inventory, cloud_id: str) -> str:
    """When this cloud's provider facts were checked: the oldest check is the one a reader can rely on."""
    days = sorted({f.checked for c in inv.components if cloud_id in c.offerings for f in c.offerings[cloud_id].facts})
    if not days:
        return f"No statement about {inline(inv.cloud(cloud_id).name)}'s services on this page names its source yet.\n"
    when = f"on {days[0].isoformat()}" if len(days) == 1 else f"between {days[0].isoformat()} and {days[-1].isoformat()}"
    return (
        f"Provider facts last checked {when}: each statement below about a provider's product links the page "
        "it was checked against, and the day.\n"
    )


def cloud_table(inv: Inventory, cloud_id: str, base: str = "") -> str:
    header = ["What", "Service", "Required?", "Notes"]
    rows = []
    for comp in inv.components:
        offer = comp.offerings.get(cloud_id)
        service = link(offer.product, offer.url) if offer else inline(inv.group(comp.group).name)
        note = (offer_notes(offer) if offer else "") or inline(comp.summary)
        rows.append([link(comp.name, base + site.component_anchor(comp.id)), service, _status(comp), note])
    return table(header, rows)


def cloud_tables(inv: Inventory, base: str = "") -> str:
    return MD_MARK + cloud_tabs(inv, [cloud_table(inv, c.id, base) for c in inv.clouds])


def component_list(inv: Inventory) -> str:
    lines = []
    for group in inv.groups:
        lines.append(f"**{inline(group.name)}.** {inline(group.description)}\n")
        for comp in (c for c in inv.components if c.group == group.id):
            status = "required" if comp.required else "optional"
            lines.append(f"- {link(comp.name, site.component_anchor(comp.id))} ({status}): {inline(comp.summary)}")
        lines.append("")
    return MD_MARK + "\n".join(lines)


def env_table(inv: Inventory, env: list[EnvVar]) -> str:
    if not env:
        return "No environment variables.\n"
    rows = []
    for var in env:
        example = "secret" if var.secret else code_or_text(var.example or "")
        where = kube.route(inv, var)
        if where.kind == "fixed":
            on_kube = f"set by values.yml: {code_or_text(kube.pod_value(inv, var) or '')}"
        elif where.kind == "helm":
            on_kube = f"passed to helm: `{where.key}`"
        elif where.kind == "file":
            on_kube = f"file mounted from ConfigMap `{where.store}`"
        else:
            # Naming the key only when it differs keeps the column narrow: long names stay whole.
            key = "under the same name" if where.key == var.name else f"key {name_code(where.key or '')}"
            on_kube = f"{'Secret' if where.kind == 'secret' else 'ConfigMap'} `{where.store}`, {key}"
        if var.chart_secret:
            on_kube += " (the chart reads it)"
        rows.append([name_code(var.name), inline(describe(inv, var)), example, on_kube])
    return table(["Variable", "Meaning", "Example", "On Kubernetes"], rows)


def code_or_text(text: str) -> str:
    return f"`{text}`" if text and "`" not in text else inline(text)


def component_section(inv: Inventory, index: int) -> str:
    comp = inv.components[index]
    group = inv.group(comp.group)
    out = [f"## {inline(comp.name)} {{ #{comp.id} }}\n"]
    status = "Required in every deployment." if comp.required else f"Optional, {inline(needed_when(inv, comp))}."
    out.append(f"**{inline(group.name)}** · {status}\n")
    out.append(f"{inline(comp.description)}\n")
    out.append(f"Reference: {link('Rasa documentation', comp.docs_url)}\n")
    if comp.connections:
        out.append("Talks to:\n")
        for conn in comp.connections:
            target = inv.component(conn.to)
            out.append(f"- {link(target.name, f'#{target.id}')}: {inline(conn.label)} ({inline(conn.protocol)})")
        out.append("")
    variants: list[Variant | None] = list(comp.variants) or [None]
    bodies = []
    for cloud in inv.clouds:
        body = []
        offer = comp.offerings.get(cloud.id)
        if offer:
            notes = offer_notes(offer)
            body.append(f"**{link(offer.product, offer.url)}**" + (f": {notes}" if notes else "") + "\n")
        else:
            body.append(f"Runs on {link(cloud.kubernetes, cloud.kubernetes_url)} next to Rasa Pro.\n")
        variant_tabs = []
        for var in variants:
            frag = component_fragment(inv, index, cloud.id, var.id if var else None)
            endpoints, values = fragment_files(inv, index, cloud.id, var.id if var else None, frag)
            frag_body = (
                code_block(endpoints, lang="yaml-plain", title="endpoints.yml", searchable=False)
                + "\n"
                + code_block(values, lang="yaml-plain", title="values.yml", searchable=False)
            )
            frag_body += "\n" + env_table(inv, frag.env)
            if var:
                variant_tabs.append((var.name, f"{inline(var.description)}\n\n{frag_body}"))
            else:
                body.append(frag_body)
        if variant_tabs:
            body.append(tabs(variant_tabs))
        bodies.append("\n".join(body))
    out.append(cloud_tabs(inv, bodies))
    return "\n".join(out)


def cloud_filter(inv: Inventory) -> str:
    """The Components page's filter: one cloud's tabs only, or every cloud's (raw HTML).

    Hidden until the page's script shows it, since only the script can act on it.
    """
    options = [(c.id, c.name) for c in inv.clouds] + [("", "All clouds")]
    radios = "".join(
        f'<label><input type="radio" name="rpa-cloud-filter" value="{value}"{" checked" if not value else ""}> '
        f"{html.escape(name)}</label>"
        for value, name in options
    )
    return f'<form class="rpa-cloud-filter" hidden><fieldset><legend>Clouds shown</legend>{radios}</fieldset></form>\n'


def components_block(inv: Inventory) -> str:
    sections = "\n".join(component_section(inv, i) for i in range(len(inv.components)))
    return MD_MARK + cloud_filter(inv) + "\n" + sections


def _files_body(inv: Inventory, cloud_id: str, base: str) -> str:
    """Where a cloud's files are: the configurator (whole files, any choice, your values), and the
    default files as plain downloads."""
    names = file_names(assemble(inv, default_selection(inv, cloud_id)))
    downloads = " ".join(
        f'[:material-download: {name}]({base}{site.file_path(cloud_id, name)}){{ .md-button download="{name}" }}'
        for name in names
    )
    configurator = base + site.CONFIGURATOR_PAGE
    button = "{ .md-button .md-button--primary }"
    return (
        f"[Open the files for {inline(inv.cloud(cloud_id).name)} in the configurator]({configurator}){button} "
        "to add optional parts, fill in your release, namespace and settings, and download them as one archive. "
        "The files with the required parts and the parts that are on by default:\n\n"
        f"{downloads}\n"
    )


def files_block(inv: Inventory) -> str:
    return MD_MARK + cloud_tabs(inv, [_files_body(inv, c.id, "") for c in inv.clouds])


def _deploy_body(inv: Inventory, cloud_id: str, base: str = "") -> str:
    selection = default_selection(inv, cloud_id)
    parts = assemble(inv, selection)
    cloud = inv.cloud(cloud_id)
    train = train_command(inv, parts)
    folder = base + site.file_path(cloud_id, "")
    out = []
    if train:
        needed = [
            f"- {name_code(v.name)}: {inline(describe(inv, v).rstrip('.'))}"
            + ("." if v.secret else f" (e.g. {code_or_text(v.example or '')}).")
            for v in training_variables(parts)
        ]
        out += [
            "**Train and upload the model** in your assistant's project folder"
            + (f", with the settings of [config.yml]({folder}config.yml) merged into its config.yml" if parts.assistant else "")
            + f" and [endpoints.yml]({folder}endpoints.yml) beside it. Training reads the whole endpoints.yml and "
            "stops at the first variable it names that is not set, uploads the model and embeds your flows with the "
            "embedding model, so on your workstation export exactly these first:\n",
            "\n".join(needed) + "\n",
            "Then train; the model lands at the root of the bucket, where the server looks for it:\n",
            code_block(train, lang="bash"),
        ]
    out += [
        f"**On {link(cloud.kubernetes, cloud.kubernetes_url)}.** Download [values.yml]({folder}values.yml), "
        f"[variables.sh]({folder}variables.sh) and [deploy.sh]({folder}deploy.sh) into one folder (or take all three "
        f"from the {link('configurator', base + site.CONFIGURATOR_PAGE)}, with your values filled in), fill in the "
        "settings below in variables.sh, and run `source ./variables.sh && bash deploy.sh`; variables.sh asks for "
        "each secret. deploy.sh creates the namespace, the Secret and the ConfigMaps from your variables, installs or "
        "upgrades the chart, waits for the pods and checks that Rasa Pro answers.\n",
        env_table(inv, kubernetes_variables(parts)),
        f"**On a workstation** (export the variables listed in [endpoints.yml]({folder}endpoints.yml)):\n",
        code_block(workstation_commands(inv, parts), lang="bash"),
    ]
    return "\n".join(out)


def deploy_block(inv: Inventory) -> str:
    return MD_MARK + cloud_tabs(inv, [_deploy_body(inv, c.id) for c in inv.clouds])


def cloud_list(inv: Inventory, base: str = "") -> str:
    lines = [
        f"- {link(c.title, base + site.cloud_page(c.id))}: Rasa Pro on {link(c.kubernetes, c.kubernetes_url)}" for c in inv.clouds
    ]
    return MD_MARK + "\n".join(lines) + "\n"


def cloud_page(inv: Inventory, cloud_id: str, svg: str) -> str:
    """A data page: every word comes from the inventory or is a fixed heading."""
    cloud = inv.cloud(cloud_id)
    base = site.base_of(site.cloud_page(cloud_id))
    out = [
        MD_MARK,
        f"# Rasa Pro on {inline(cloud.title)}\n",
        # The page's own cloud is the reader's choice here, whatever the address or memory says.
        f'<div class="rpa-page-cloud" data-cloud="{cloud.id}" hidden></div>\n',
        f"Rasa Pro and the services you build run on {link(cloud.kubernetes, cloud.kubernetes_url)}; "
        f"the cloud services below are the managed offerings on {inline(cloud.name)}.\n",
        facts_checked(inv, cloud_id),
        diagram_figure(inv, cloud_id, svg, base) + "\n",
        "## Services\n",
        cloud_table(inv, cloud_id, base),
        "## Files\n",
        _files_body(inv, cloud_id, base),
        "## Deploy\n",
        _deploy_body(inv, cloud_id, base),
    ]
    return "\n".join(out)


def cloud_nav(inv: Inventory) -> str:
    """The Clouds section of the navigation: its own page, then one page per cloud, in inventory order.

    A literate-nav list, which MkDocs (mkdocs-literate-nav) and Zensical both read, so a
    new cloud reaches the navigation of either builder with no hook and no edit of mkdocs.yml.
    """
    lines = [f"- {link(site.CLOUDS_TITLE, site.relative(site.CLOUDS_PAGE, site.CLOUD_NAV))}"]
    lines += [f"- {link(c.name, site.relative(site.cloud_page(c.id), site.CLOUD_NAV))}" for c in inv.clouds]
    return MD_MARK + "\n" + "\n".join(lines) + "\n"


def message_path_block(inv: Inventory) -> str:
    """The path of one message as numbered steps; the same numbers are drawn on the diagrams."""
    if not inv.message_path:
        return MD_MARK + "No message path is described.\n"
    lines = []
    for number, step in enumerate(inv.message_path, 1):
        comp = inv.component(step.component)
        lines.append(
            f"{number}. {link(comp.name, site.component_anchor(comp.id))}"
            + ("" if comp.required else " (optional)")
            + f": {inline(step.text)} Governed by {inline(step.key)}."
        )
    return MD_MARK + "\n".join(lines) + "\n"
