"""The configurator: every combination, pre-rendered by the same renderers (inventory -> text).

The page's JavaScript never builds text: it collects the `data-token` of each
checked, enabled input, sorts and joins them into the selection key (the rule
`selection_key` states), looks that key up in the cloud's JSON and shows what
Python rendered there: the two files and the rows of the variable table.
"""

from __future__ import annotations

import html
import json

from . import marks, site
from .assemble import Assembled, Selection, all_selections, assemble, default_selection, selection_key
from .model import EnvVar, Inventory
from .render_yaml import endpoints_file, values_file

FILES = (("endpoints", "endpoints.yml", endpoints_file), ("values", "values.yml", values_file))


def env_rows(env: list[EnvVar]) -> str:
    """The variable table's body rows, as HTML."""
    rows = []
    for var in env:
        value = "secret (from the Kubernetes Secret)" if var.secret else f"e.g. {var.example}"
        rows.append(
            f"<tr><td><code>{html.escape(var.name)}</code></td>"
            f"<td>{html.escape(var.description)}</td><td>{html.escape(value)}</td></tr>"
        )
    return "".join(rows)


def _entry(inv: Inventory, selection: Selection, parts: Assembled) -> dict[str, str]:
    entry = {kind: render(inv, selection, parts) for kind, _, render in FILES}
    entry["env_rows"] = env_rows(parts.env)
    return entry


def configurator_data(inv: Inventory, cloud_id: str) -> str:
    files = {selection_key(s, inv): _entry(inv, s, assemble(inv, s)) for s in all_selections(inv, cloud_id)}
    doc = {"generated": marks.NOTICE, "cloud": cloud_id, "files": files}
    return json.dumps(doc, indent=None, sort_keys=True, ensure_ascii=False) + "\n"


def _output(kind: str, filename: str, text: str, href: str) -> str:
    # Without JavaScript the download serves the same default file the cloud page offers.
    return (
        f'<div class="rpa-config-file" data-kind="{kind}">'
        f'<div class="rpa-config-file-head"><strong>{filename}</strong> '
        f'<button type="button" class="md-button rpa-copy" data-target="rpa-config-{kind}">Copy {filename}</button> '
        f'<a class="md-button rpa-download" data-target="rpa-config-{kind}" download="{filename}" '
        f'href="{html.escape(href)}">Download {filename}</a></div>'
        f'<pre class="rpa-config-pre"><code id="rpa-config-{kind}" tabindex="0">{html.escape(text)}</code></pre></div>'
    )


def configurator_block(inv: Inventory) -> str:
    """The form and its default output, as raw HTML (works without JavaScript for the default)."""
    first = inv.clouds[0].id
    selection = default_selection(inv, first)
    parts = assemble(inv, selection)
    entry = _entry(inv, selection, parts)
    clouds = "".join(
        f'<label><input type="radio" name="cloud" value="{c.id}"{" checked" if c.id == first else ""}> '
        f"{html.escape(c.name)}</label>"
        for c in inv.clouds
    )
    optional = "".join(
        f'<label><input type="checkbox" name="part" value="{c.id}" data-token="{c.id}"'
        f"{' checked' if c.id in selection.enabled else ''}> "
        f"<strong>{html.escape(c.name)}</strong>: <span>{html.escape(c.needed_when or '')}</span></label>"
        for c in inv.components
        if not c.required
    )
    variant_sets = "".join(
        f'<fieldset class="rpa-variants" data-component="{c.id}"><legend>{html.escape(c.name)}</legend>'
        + "".join(
            f'<label><input type="radio" name="variant-{c.id}" value="{v.id}" data-token="{c.id}={v.id}"'
            f"{' checked' if i == 0 else ''}> "
            f"<strong>{html.escape(v.name)}</strong>: <span>{html.escape(v.description)}</span></label>"
            for i, v in enumerate(c.variants)
        )
        + "</fieldset>"
        for c in inv.components
        if len(c.variants) > 1
    )
    outputs = "".join(
        _output(kind, name, entry[kind], site.base_of(site.CONFIGURATOR_PAGE) + site.file_path(first, name))
        for kind, name, _ in FILES
    )
    return (
        marks.markdown()
        + f'<form class="rpa-configurator" data-base="{site.GENERATED}/configurator/" aria-label="Deployment choices">'
        + f'<fieldset class="rpa-clouds"><legend>Cloud</legend>{clouds}</fieldset>'
        + f'<fieldset class="rpa-parts"><legend>Optional parts</legend>{optional}</fieldset>'
        + variant_sets
        + "</form>"
        + f'<div class="rpa-config-output" aria-live="polite" data-key="{html.escape(selection_key(selection, inv))}">'
        + outputs
        + '<p class="rpa-config-env-title"><strong>Environment variables to set</strong></p>'
        + '<table class="rpa-config-env"><thead><tr><th scope="col">Variable</th><th scope="col">Meaning</th>'
        + f'<th scope="col">Value</th></tr></thead><tbody>{entry["env_rows"]}</tbody></table>'
        + "</div>\n"
    )
