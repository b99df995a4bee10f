"""The configurator: every combination, pre-rendered by the same renderers (inventory -> text).

The page's JavaScript only looks files up by key; it never assembles YAML
itself, so what it shows is exactly what `python -m generator` writes.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from .assemble import all_selections, assemble, default_selection, selection_key
from .model import Inventory
from .render_pages import MD_MARK
from .render_yaml import MARK, endpoints_file, values_file


def configurator_data(inv: Inventory, cloud_id: str) -> str:
    files = {}
    for selection in all_selections(inv, cloud_id):
        parts = assemble(inv, selection)
        files[selection_key(selection, inv)] = {
            "endpoints": endpoints_file(inv, selection, parts),
            "values": values_file(inv, selection, parts),
            "env": [{"name": v.name, "description": v.description, "secret": v.secret, "example": v.example} for v in parts.env],
        }
    doc = {"generated": MARK, "cloud": cloud_id, "files": files}
    return json.dumps(doc, indent=None, sort_keys=True, ensure_ascii=False) + "\n"


def _env_rows(env: list[dict]) -> str:
    rows = []
    for var in env:
        value = "secret (from the Kubernetes Secret)" if var["secret"] else f"e.g. {var['example']}"
        rows.append(
            f"<tr><td><code>{html.escape(var['name'])}</code></td>"
            f"<td>{html.escape(var['description'])}</td><td>{html.escape(value)}</td></tr>"
        )
    return "".join(rows)


def _output(kind: str, filename: str, text: str) -> str:
    return (
        f'<div class="rpa-config-file" data-kind="{kind}">'
        f'<div class="rpa-config-file-head"><strong>{filename}</strong> '
        f'<button type="button" class="md-button rpa-copy" data-target="rpa-config-{kind}">Copy {filename}</button> '
        f'<a class="md-button rpa-download" data-target="rpa-config-{kind}" download="{filename}" '
        f'href="data:text/yaml;charset=utf-8,{html.escape(_uri(text))}">Download {filename}</a></div>'
        f'<pre class="rpa-config-pre"><code id="rpa-config-{kind}" tabindex="0">{html.escape(text)}</code></pre></div>'
    )


def _uri(text: str) -> str:
    return quote(text, safe="")


def configurator_block(inv: Inventory) -> str:
    """The form and its default output, as raw HTML (works without JavaScript for the default)."""
    first = inv.clouds[0].id
    selection = default_selection(inv, first)
    parts = assemble(inv, selection)
    env = [{"name": v.name, "description": v.description, "secret": v.secret, "example": v.example} for v in parts.env]
    clouds = "".join(
        f'<label><input type="radio" name="cloud" value="{c.id}"{" checked" if c.id == first else ""}> '
        f"{html.escape(c.name)}</label>"
        for c in inv.clouds
    )
    optional = "".join(
        f'<label><input type="checkbox" name="part" value="{c.id}"{" checked" if c.id in selection.enabled else ""}> '
        f"<strong>{html.escape(c.name)}</strong>: <span>{html.escape(c.needed_when or '')}</span></label>"
        for c in inv.components
        if not c.required
    )
    variant_sets = "".join(
        f'<fieldset class="rpa-variants" data-component="{c.id}"><legend>{html.escape(c.name)}</legend>'
        + "".join(
            f'<label><input type="radio" name="variant-{c.id}" value="{v.id}"{" checked" if i == 0 else ""}> '
            f"<strong>{html.escape(v.name)}</strong>: <span>{html.escape(v.description)}</span></label>"
            for i, v in enumerate(c.variants)
        )
        + "</fieldset>"
        for c in inv.components
        if len(c.variants) > 1
    )
    return (
        MD_MARK
        + '<form class="rpa-configurator" data-base="generated/configurator/" aria-label="Deployment choices">'
        + f'<fieldset class="rpa-clouds"><legend>Cloud</legend>{clouds}</fieldset>'
        + f'<fieldset class="rpa-parts"><legend>Optional parts</legend>{optional}</fieldset>'
        + variant_sets
        + "</form>"
        + f'<div class="rpa-config-output" aria-live="polite" data-key="{html.escape(selection_key(selection, inv))}">'
        + _output("endpoints", "endpoints.yml", endpoints_file(inv, selection, parts))
        + _output("values", "values.yml", values_file(inv, selection, parts))
        + '<p class="rpa-config-env-title"><strong>Environment variables to set</strong></p>'
        + '<table class="rpa-config-env"><thead><tr><th scope="col">Variable</th><th scope="col">Meaning</th>'
        + f'<th scope="col">Value</th></tr></thead><tbody>{_env_rows(env)}</tbody></table>'
        + "</div>\n"
    )
