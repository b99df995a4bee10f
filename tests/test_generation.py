"""Renderers: diagrams, tables and snippets agree with the inventory and with the Helm chart."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator import marks, slots
from generator.assemble import Assembled, all_selections, assemble, default_selection, override, selection_key
from generator.cli import SCHEMA_PATH, schema_text
from generator.diagram_spec import OVERVIEW, build_spec, diagram_ids
from generator.render import render
from generator.render_commands import run_command, tls_checks
from generator.render_configurator import ENV_ROWS
from generator.render_yaml import selection_files
from tests.proof.chart import chart_defaults, is_chart_value, value_key_paths

from .cases import configurator_cases
from .conftest import FIXTURES, REPO, starts_with_the_notice

CHART = FIXTURES / "rasa-helm-chart-2.4.0"
# Maps whose keys the chart passes through untouched: no key path below them can be checked.
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
YAML_BLOCK = re.compile(r"^(?P<indent> *)```\{\.yaml[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)


def test_two_cold_builds_are_byte_identical(inventory, tmp_path: Path, monkeypatch):
    """Each run starts from an empty cache, so Graphviz really draws every diagram twice."""
    runs = []
    for name in ("first", "second"):
        monkeypatch.setenv("RPA_CACHE_DIR", str(tmp_path / name))
        runs.append(render(inventory))
    assert runs[0].drawn == runs[1].drawn == tuple(diagram_ids(inventory))
    assert runs[0].files == runs[1].files


def test_every_component_appears_in_every_diagram_a_table_and_a_snippet(inventory, text):
    for diagram in diagram_ids(inventory):
        svg = html.unescape(text(f"diagrams/{diagram}.svg"))
        for comp in inventory.components:
            assert f'data-node="{comp.id}"' in svg, (diagram, comp.id)
    for cloud in inventory.clouds:
        page = text(f"clouds/{cloud.id}.md")
        for comp in inventory.components:
            assert f"](<../../components.md#{comp.id}>)" in page, (cloud.id, comp.id)
    components = text("blocks/components.md")
    for comp in inventory.components:
        assert f"{{ #{comp.id} }}" in components
        for cloud in inventory.clouds:
            assert f"# {comp.name} on {cloud.name}." in components, (comp.id, cloud.id)


def test_overview_table_has_a_column_per_cloud_and_a_row_per_cloud_service(inventory, text):
    table = text("blocks/overview-table.md")
    header = table.splitlines()[1]
    assert header == "| What | " + " | ".join(c.name for c in inventory.clouds) + " |"
    for comp in inventory.components:
        for cloud_id, offer in comp.offerings.items():
            assert offer.product in table, (comp.id, cloud_id)


def _yaml_documents(rendered: dict[str, bytes]):
    for path, data in rendered.items():
        if path.endswith(".yml"):
            yield path, data.decode()
        elif path.endswith(".md"):
            for match in YAML_BLOCK.finditer(data.decode()):
                body = "\n".join(line[len(match["indent"]) :] for line in match["body"].splitlines())
                yield path, body


def test_every_generated_yaml_parses(rendered):
    count = 0
    for path, body in _yaml_documents(rendered):
        assert isinstance(yaml.safe_load(body), (dict, type(None))), path
        count += 1
    assert count > 50


def _values_files(rendered):
    return [(p, yaml.safe_load(d)) for p, d in rendered.items() if p.endswith("values.yml")]


def test_values_files_validate_against_the_chart_schema(rendered):
    chart_values, schema = chart_defaults()
    files = _values_files(rendered)
    assert files
    for path, values in files:
        merged = _without_nulls(override(chart_values, values))
        jsonschema.Draft7Validator(schema).validate(merged)
        assert merged["rasa"]["settings"]["endpoints"], path


def _without_nulls(data: Any) -> Any:
    """Helm deletes a chart default that a values file sets to null."""
    if isinstance(data, dict):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    return data


def test_every_values_key_path_exists_in_the_chart(rendered, inventory):
    from generator.render_yaml import fragment_files

    docs = [v for _, v in _values_files(rendered)]
    for index in range(len(inventory.components)):
        for cloud in inventory.clouds:
            for var in inventory.components[index].variants or [None]:
                docs.append(yaml.safe_load(fragment_files(inventory, index, cloud.id, var and var.id)[1]))
    for doc in docs:
        for path in value_key_paths(doc):
            assert is_chart_value(path), ".".join(path)


def test_assembled_files_declare_every_placeholder_they_use(text, inventory):
    for cloud in inventory.clouds:
        endpoints = text(f"files/{cloud.id}/endpoints.yml")
        header = "".join(line for line in endpoints.splitlines(keepends=True) if line.startswith("#"))
        body = yaml.safe_load(endpoints)
        used = set(re.findall(r"\$\{([A-Z0-9_]+)\}", json.dumps(body)))
        assert used, cloud.id
        for name in used:
            assert re.search(rf"^#\s+{name}\s", header, re.M), (cloud.id, name)
        assert run_command(assemble(inventory, default_selection(inventory, cloud.id))) in header
        values = text(f"files/{cloud.id}/values.yml")
        assert "deploy.sh" in values and "helm upgrade --install" in values


def test_credentials_are_only_placeholders(rendered, inventory):
    secrets = {
        v.name
        for c in inventory.components
        for frag in [c.config, *[v.config for v in c.variants], *[o.config for o in c.offerings.values()]]
        for v in frag.env
        if v.secret
    }
    assert secrets
    for path, body in _yaml_documents(rendered):
        data = yaml.safe_load(body) or {}
        for entry in (data.get("rasa", {}) or {}).get("additionalEnv", []):
            if entry["name"] in secrets:
                assert "value" not in entry and "secretKeyRef" in entry["valueFrom"], (path, entry)
        for key, value in _leaves(data):
            if key in {"password", "sasl_password", "token"}:
                assert re.fullmatch(r"\$\{[A-Z0-9_]+\}", value), (path, key, value)


def _leaves(data: Any):
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                yield from _leaves(value)
            else:
                yield key, value
    elif isinstance(data, list):
        for item in data:
            yield from _leaves(item)


def test_selection_defaults_include_required_parts(inventory):
    for cloud in inventory.clouds:
        enabled = default_selection(inventory, cloud.id).enabled
        assert {c.id for c in inventory.components if c.required} <= enabled


def test_every_generated_file_is_marked_generated(rendered):
    for path, data in rendered.items():
        if path.endswith(".png"):
            assert b"tEXt" + marks.png_text() in data[:200], path
        else:
            assert marks.NOTICE.encode() in data[:600], path


def test_every_file_offered_for_download_starts_with_the_notice(rendered, inventory):
    """A downloaded copy says on its top line that it is generated and from what (the browser test follows the links)."""
    offered = {p: d for p, d in rendered.items() if p.startswith(("files/", "diagrams/"))}
    for path, data in offered.items():
        assert starts_with_the_notice(path, data), path
    data = {p: json.loads(d) for p, d in rendered.items() if p.startswith("configurator/")}
    for path, doc in data.items():
        for selection in all_selections(inventory, doc["cloud"]):
            key = selection_key(selection, inventory)
            for name, text in slots.texts_from_json(doc, key.split(",") if key else []).items():
                if text and name != ENV_ROWS:
                    assert starts_with_the_notice(name, text.encode()), (path, key, name)
    assert {p.rsplit(".", 1)[-1] for p in offered} >= {"yml", "sh", "svg", "png"} and data


def test_svgs_are_self_contained_and_every_node_links(inventory, text):
    for diagram in diagram_ids(inventory):
        svg = text(f"diagrams/{diagram}.svg")
        assert "<image" not in svg.replace("<image width=", "")  # only the embedded ones inside <symbol>
        for leak in ("site-packages", "/work/", "/usr/", "/tmp/", "file:", "\\\\", "C:"):
            assert leak not in svg, (diagram, leak)
        hrefs = re.findall(r'xlink:href="([^"]+)"', svg)
        # A cloud's diagram opens each section on its own cloud; the overview names no cloud.
        page = "../../components.html" + ("" if diagram == OVERVIEW else f"?cloud={diagram}")
        assert all(h.startswith(("data:image/png;base64,", "#", page + "#")) for h in hrefs)
        root = ET.fromstring(svg)
        nodes = {g.get("data-node", ""): g for g in root.iter(f"{{{SVG}}}g") if g.get("data-node")}
        assert sorted(nodes) == sorted(c.id for c in inventory.components)
        for node_id, group in nodes.items():
            anchors = list(group.iter(f"{{{SVG}}}a"))
            assert [a.get(f"{{{XLINK}}}href") for a in anchors] == [f"{page}#{node_id}"]
            assert anchors[0].get("aria-label")


def test_every_part_of_a_diagram_carries_its_tooltip_and_no_anchor_goes_nowhere(inventory, text):
    for diagram in diagram_ids(inventory):
        spec = build_spec(inventory, diagram)
        root = ET.fromstring(text(f"diagrams/{diagram}.svg"))
        groups = list(root.iter(f"{{{SVG}}}g"))
        tips = {g.get("data-node"): g.findtext(f"{{{SVG}}}title") for g in groups if g.get("data-node")}
        assert tips == {n.id: n.tooltip for n in spec.nodes()}
        drawn = [g for g in groups if g.get("data-from")]
        edges = sorted((g.get("data-from", ""), g.get("data-to", ""), g.findtext(f"{{{SVG}}}title", "")) for g in drawn)
        assert edges == sorted((e.source, e.target, e.tooltip) for e in spec.edges)
        assert sorted(e[:2] for e in edges) == sorted((c.id, conn.to) for c in inventory.components for conn in c.connections)
        # An anchor without a link is a broken link to crawlers; a tooltip only on xlink:title
        # would show the browser's own tooltip over the page's.
        for element in root.iter():
            assert f"{{{XLINK}}}title" not in element.attrib, (diagram, element.tag)
        assert all(a.get(f"{{{XLINK}}}href") for a in root.iter(f"{{{SVG}}}a")), diagram
        # Each connection's wide hit area names a drawn connection.
        ids = {g.get("id") for g in groups if g.get("data-from")}
        hits = [p.get("data-edge") for p in root.iter(f"{{{SVG}}}path") if p.get("class") == "rpa-hit"]
        assert hits and set(hits) == ids


def test_repeated_icons_are_stored_once(text):
    svg = text("diagrams/overview.svg")
    uris = re.findall(r'xlink:href="(data:image/png;base64,[^"]+)"', svg)
    assert len(uris) == len(set(uris))


def test_schema_file_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run `make schema`"


def test_inventory_points_editors_at_the_schema():
    first = (REPO / "inventory.yml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schema/inventory.schema.json"


def test_inventory_validates_against_the_exported_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    # An editor's YAML 1.2 reads 2026-12-08 as text; PyYAML (YAML 1.1) as a date: compare as text.
    data = json.loads(json.dumps(yaml.safe_load((REPO / "inventory.yml").read_text()), default=str))
    jsonschema.validate(data, schema)


def test_diagrams_folder_never_shadows_the_library():
    assert not (REPO / "diagrams" / "__init__.py").exists()
    import diagrams

    assert "site-packages" in Path(diagrams.__file__).parts
    assert str(REPO) in sys.path or "." in sys.path  # the repo is importable, yet the library wins


def test_every_selection_is_offered_once(tmp_path: Path):
    """Variants of a part that is switched off do not multiply the selections."""
    from generator.assemble import all_selections, selection_key
    from generator.validate import load

    from .conftest import SMALL

    data = yaml.safe_load(SMALL.read_text())
    optional = next(c for c in data["components"] if not c["required"])
    optional["variants"] = [
        {"id": "one", "name": "One", "description": "The first way."},
        {"id": "two", "name": "Two", "description": "The second way."},
    ]
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    inv = load(path)
    for cloud in inv.clouds:
        keys = [selection_key(s, inv) for s in all_selections(inv, cloud.id)]
        assert len(keys) == len(set(keys))
        with_optional_on = [k for k in keys if optional["id"] in k.split(",")]
        assert len(with_optional_on) == 2 * (len(keys) - len(with_optional_on))  # on: once per variant
        assert {f"{optional['id']}=one", f"{optional['id']}=two"} <= {t for k in keys for t in k.split(",")}


def test_the_path_of_one_message_is_listed_and_drawn(inventory, text):
    """Every step is listed in order with a link to its part, and its number is drawn on that part."""
    from generator.render import render

    block = text("blocks/message-path.md")
    for number, step in enumerate(inventory.message_path, 1):
        assert f"\n{number}. [" in block and f"(<components.md#{step.component}>)" in block
    dot = render(inventory).dot
    for diagram_id, source in dot.items():
        for comp in inventory.components:
            numbers = [str(n) for n, step in enumerate(inventory.message_path, 1) if step.component == comp.id]
            found = re.search(rf'^\s*"?{re.escape(comp.id)}"? \[.*$', source, re.M)
            assert found, (diagram_id, comp.id)
            label = found.group(0)
            assert (f"step {' '.join(numbers)}" in label) == bool(numbers), (diagram_id, comp.id)


def test_set_string_paths_escape_what_helm_reads_as_separators():
    """Helm splits a --set-string path at dots, commas and equals signs; a backslash escapes each."""
    from generator.kube import set_path

    assert set_path(["rasa", "eks.amazonaws.com/role-arn"]) == r"rasa.eks\.amazonaws\.com/role-arn"
    assert set_path(["a,b", "c=d", "e\\f"]) == r"a\,b.c\=d.e\\f"


def test_deploy_sh_checks_each_certificate_the_ingress_serves(inventory):
    """Whatever values.yml's Ingress names in `tls[].secretName`, deploy.sh looks for that Secret
    after installing (read from the rendered files of every selection, or past the limit of
    tests/cases.py a sample and every single change)."""
    named = 0
    for selection in configurator_cases(inventory):
        files = selection_files(inventory, selection)
        ingress = yaml.safe_load(files["values.yml"]).get("rasa", {}).get("ingress", {})
        secrets = sorted({t["secretName"] for t in ingress.get("tls", [])})
        checks = re.findall(r"^kubectl --namespace=\S+ get secret (\S+) ", files["deploy.sh"], re.MULTILINE)
        assert checks == secrets, (selection.cloud, selection_key(selection, inventory))
        named += len(secrets)
    if any(
        "tls" in (o.config.values.get("rasa", {}).get("ingress", {})) for c in inventory.components for o in c.offerings.values()
    ):
        assert named, "the inventory names a TLS Secret but no selection's deploy.sh checks it"


@pytest.mark.parametrize(("found", "note"), [(True, False), (False, True)])
def test_a_missing_certificate_is_a_note_not_a_stop(inventory, tmp_path: Path, found: bool, note: bool):
    """cert-manager may issue the Secret only once the Ingress exists: deploy.sh goes on either way."""
    (tmp_path / "kubectl").write_text(f"#!/bin/sh\nexit {0 if found else 1}\n")
    (tmp_path / "kubectl").chmod(0o755)
    parts = Assembled(values={"rasa": {"ingress": {"enabled": True, "tls": [{"secretName": "site-cert"}]}}})
    script = "set -euo pipefail\n" + "\n".join(tls_checks(inventory, parts)) + "\necho went on\n"
    proc = subprocess.run(
        ["bash", "-c", script], env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0 and proc.stdout == "went on\n"
    assert ("Secret site-cert, which does not exist yet" in proc.stderr) is note


def test_each_cloud_page_shows_when_its_provider_facts_were_checked_and_links_each_source(inventory, text):
    for cloud in inventory.clouds:
        page = text(f"clouds/{cloud.id}.md")
        facts = [f for c in inventory.components if cloud.id in c.offerings for f in c.offerings[cloud.id].facts]
        if not facts:
            assert "names its source yet" in page
            continue
        oldest = min(f.checked for f in facts).isoformat()
        assert f"Provider facts last checked on {oldest}" in page or f"between {oldest} and" in page, cloud.id
        for fact in facts:
            assert f"([source](<{fact.source}>), checked {fact.checked.isoformat()})." in page, (cloud.id, fact.says)


def test_every_selection_lists_exactly_the_variables_its_commands_and_files_use(inventory):
    """For every selection (the slow proofs take a covering set): deploy.sh checks and uses exactly
    its variables, endpoints.yml's ${VAR}s are listed for a workstation, and training needs them all."""
    from generator.render_commands import training_variables
    from tests.proof.site_cases import cases, used_variables, variables

    for case in cases(inventory):
        listed = {v["name"] for v in variables(case.parts, kubernetes=True)}
        script = case.files["deploy.sh"]
        assert used_variables(script) == listed, case.name
        assert set(re.findall(r'^: "\$\{([A-Z0-9_]+):\?', script, re.M)) == listed, case.name
        placeholders = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", case.files["endpoints.yml"].split("\n\n", 1)[1]))
        assert placeholders <= {v["name"] for v in variables(case.parts, kubernetes=False)}, case.name
        assert placeholders <= {v.name for v in training_variables(case.parts)}, case.name
