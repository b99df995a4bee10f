"""The configurator: a form, the default files, and per cloud the JSON the page assembles files from.

The files of every selection are cut into slots (slots.py): static text and regions
whose text depends on one group of parts. The page fetches one JSON file per cloud
(its size grows with the number of parts, not of combinations); its JavaScript never
builds text: it collects the `data-token` of each checked, enabled input (the rule
`assemble.selection_key` states), picks each region's text for the tokens of its
group and concatenates what Python rendered.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping

from . import marks, site, slots, values
from .assemble import Assembled, Selection, all_selections, assemble, default_selection, selection_key
from .errors import BuildError
from .markdown import CODE_SPAN, NAME_CLASS, is_name
from .model import Component, EnvVar, Inventory
from .render_commands import kubernetes_variables
from .render_yaml import selection_files


def _code_html(code: str) -> str:
    name = f' class="{NAME_CLASS}"' if is_name(code) else ""
    return f"<code{name}>{html.escape(code)}</code>"


def _text_html(text: str) -> str:
    """Inventory text as HTML, its `code spans` as code (as the Markdown pages show them)."""
    return "".join(
        _code_html(piece[1:-1]) if CODE_SPAN.fullmatch(piece) else html.escape(piece)
        for piece in CODE_SPAN.split(" ".join(text.split()))
    )


def _value_cell(var: EnvVar) -> str:
    if var.secret:
        return "secret: variables.sh asks for it"
    # The page puts what is typed here into variables.sh, in place of the variable's mark.
    return (
        f'<input type="text" class="rpa-value" data-field="{var.name}" pattern="{html.escape(values.VALUE_PATTERN)}" '
        f'placeholder="e.g. {html.escape(var.example or "")}" aria-label="Your value of {var.name}" '
        'autocomplete="off" spellcheck="false">'
    )


def env_rows(inv: Inventory, env: list[EnvVar]) -> str:
    """The variable table's body rows, as HTML."""
    rows = []
    for var in env:
        rows.append(
            f"<tr><td>{_code_html(var.name)}</td><td>{_text_html(values.describe(inv, var))}</td>"
            f"<td>{_value_cell(var)}</td></tr>\n"
        )
    return "".join(rows)


# The variable table's rows travel with the files, under a name no file has.
ENV_ROWS = "env_rows"


def selection_texts(
    inv: Inventory, selection: Selection, parts: Assembled | None = None, given: Mapping[str, str] | None = None
) -> slots.Texts:
    """Everything the configurator shows for one selection: its files and the variable table's rows."""
    parts = parts or assemble(inv, selection)
    return {**selection_files(inv, selection, parts, given), ENV_ROWS: env_rows(inv, kubernetes_variables(parts))}


def value_marks(inv: Inventory) -> dict[str, str]:
    """Variable name -> its mark, for every variable of the inventory."""
    names = {
        v.name
        for c in inv.components
        for frag in [c.config, *(v.config for v in c.variants), *(o.config for o in c.offerings.values())]
        for v in frag.env
    }
    return {name: values.value_mark(name) for name in sorted(names)}


# The archive is named <prefix>-<cloud>.zip and holds the files under <prefix>-<cloud>/.
ARCHIVE_PREFIX = "rasa-pro"


def file_id(name: str) -> str:
    """The id of the element that shows file `name` (endpoints.yml -> rpa-config-endpoints)."""
    return "rpa-config-" + name.split(".")[0]


def cloud_slots(inv: Inventory, cloud_id: str) -> slots.CloudSlots:
    """Every selection's texts with marks where the reader's values go (see values.py)."""
    with_marks, given = values.marked(inv), value_marks(inv)
    cut = slots.build(with_marks, cloud_id, lambda selection: selection_texts(with_marks, selection, given=given))
    # The marks must stand exactly where the names go: filled with the inventory's own names,
    # the default selection reads as the plain rendering does.
    default = default_selection(inv, cloud_id)
    filled = {n: values.fill(t, inv, {}) for n, t in cut.texts(with_marks, default).items() if t}
    if filled != selection_texts(inv, default):
        raise BuildError(f"the configurator's marks for the reader's values do not fit the {cloud_id} files")
    return cut


def configurator_data(inv: Inventory, cloud_id: str) -> str:
    """The JSON the page fetches for a cloud: every file of every selection as slots, with marks."""
    doc = {
        "_generated": marks.NOTICE,
        "cloud": cloud_id,
        "marks": {mark: name for name, mark in value_marks(inv).items()},
        **cloud_slots(inv, cloud_id).to_json(values.marked(inv)),
    }
    return json.dumps(doc, indent=None, sort_keys=True, ensure_ascii=False) + "\n"


def offered_selections(inv: Inventory) -> Iterator[Selection]:
    """Every selection the page's form allows, cloud by cloud."""
    for cloud in inv.clouds:
        yield from all_selections(inv, cloud.id)


def data_path(cloud_id: str) -> str:
    return f"configurator/{cloud_id}.json"


def _output(filename: str, text: str, href: str) -> str:
    # Without JavaScript the download serves the same default file the cloud page offers.
    target = file_id(filename)
    return (
        f'<div class="rpa-config-file" data-name="{filename}"{"" if text else " hidden"}>'
        f'<div class="rpa-config-file-head"><strong>{filename}</strong> '
        f'<button type="button" class="md-button rpa-copy" data-target="{target}">Copy {filename}</button> '
        f'<a class="md-button rpa-download" data-target="{target}" download="{filename}" '
        f'href="{html.escape(href)}">Download {filename}</a></div>'
        # Out of the search index: a search should land on a part's section, not on a file's body.
        # (On the <pre>: Material stops excluding at the first closing tag of the excluded tag's name.)
        f'<pre class="rpa-config-pre" data-search-exclude><code id="{target}" tabindex="0">{html.escape(text)}</code></pre></div>'
    )


def configurator_block(inv: Inventory) -> str:
    """The form and its default output, as raw HTML (works without JavaScript for the default)."""
    first = inv.clouds[0].id
    selection = default_selection(inv, first)
    parts = assemble(inv, selection)
    entry = selection_texts(inv, selection, parts)
    # A box for every file any selection of any cloud has; the page hides the ones a choice lacks.
    file_names: list[str] = []
    for cloud in inv.clouds:
        file_names += [n for n in selection_files(inv, slots.base_selection(inv, cloud.id)) if n not in file_names]
    clouds = "".join(
        f'<label><input type="radio" name="cloud" value="{c.id}"{" checked" if c.id == first else ""}> '
        f"{html.escape(c.name)}</label>"
        for c in inv.clouds
    )
    names = {c.id: c.name for c in inv.components}

    def needs(comp: Component) -> str:
        if not comp.requires:
            return ""
        return f" <em>(needs {html.escape(' and '.join(names[r] for r in comp.requires))})</em>"

    optional = "".join(
        f'<label><input type="checkbox" name="part" value="{c.id}" data-token="{c.id}"'
        + (f' data-requires="{" ".join(c.requires)}"' if c.requires else "")
        + f"{' checked' if c.id in selection.enabled else ''}> "
        f"<strong>{html.escape(c.name)}</strong>: <span>{html.escape(c.needed_when or '')}</span>{needs(c)}</label>"
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

    def name_field(field: str, label: str, default: str) -> str:
        return (
            f'<label>{label} <input type="text" class="rpa-value" data-field="{field}" data-default="{default}" '
            f'pattern="{html.escape(values.NAME_PATTERN)}" maxlength="53" placeholder="{default}" '
            'autocomplete="off" spellcheck="false"></label>'
        )

    names_set = (
        '<fieldset class="rpa-names"><legend>Your names</legend>'
        + name_field(values.RELEASE, "Helm release", inv.rasa.helm.release)
        + name_field(values.NAMESPACE, "Namespace", inv.rasa.namespace)
        + "</fieldset>"
    )
    form_marks = {values.RELEASE_MARK: values.RELEASE, values.NAMESPACE_MARK: values.NAMESPACE}
    outputs = "".join(
        _output(name, entry.get(name, ""), site.base_of(site.CONFIGURATOR_PAGE) + site.file_path(first, name))
        for name in file_names
    )
    return (
        marks.markdown()
        + f'<form class="rpa-configurator" data-base="{site.GENERATED}/configurator/" '
        + f"data-marks='{html.escape(json.dumps(form_marks, sort_keys=True))}' aria-label=\"Deployment choices\">"
        + f'<fieldset class="rpa-clouds"><legend>Cloud</legend>{clouds}</fieldset>'
        + f'<fieldset class="rpa-parts"><legend>Optional parts</legend>{optional}</fieldset>'
        + variant_sets
        + names_set
        + "</form>"
        + f'<div class="rpa-config-output" aria-live="polite" data-cloud="{first}" '
        + f'data-key="{html.escape(selection_key(selection, inv))}">'
        + '<details class="rpa-config-diff" open hidden><summary>What your last change did</summary>'
        + '<div class="rpa-config-diff-list" data-search-exclude></div></details>'
        + '<p class="rpa-config-archive">'
        + f'<button type="button" class="md-button md-button--primary rpa-zip" data-name="{ARCHIVE_PREFIX}">'
        + "Download all files (.zip)</button></p>"
        + outputs
        + '<p class="rpa-config-env-title"><strong>The settings deploy.sh reads</strong>: '
        + "type yours to fill them into variables.sh (they stay in this page; secrets are asked for when it runs)</p>"
        # A plain table, so that Material styles it like every other and scrolls it in its own box.
        + '<div class="rpa-config-env"><table><thead><tr><th scope="col">Variable</th><th scope="col">Meaning</th>'
        + f'<th scope="col">Value</th></tr></thead><tbody>{entry[ENV_ROWS]}</tbody></table></div>'
        + "</div>\n"
    )
