"""Bad input and change: clear errors, nothing lost, safe escaping, no code change needed."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build, render_all
from generator.errors import BuildError, InventoryError
from generator.graphviz import render
from generator.source import parse_text
from generator.validate import load, semantic, structural

from .conftest import INVENTORY, REPO
from .test_site import run_mkdocs
from .test_validation import BAD, CORPUS

PROBLEM_LINE = re.compile(r"^[^:\n]+:\d+: \S.*: expected .+, got .+$")


# ---------- the corpus leaves the last good output alone ----------


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "generated"
    build(CORPUS / "good" / "minimal.yml", out)
    return out


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_inventory_never_touches_previous_output(path: Path, good_output: Path):
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in good_output.rglob("*") if p.is_file()}
    with pytest.raises(InventoryError) as info:
        build(path, good_output)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in good_output.rglob("*") if p.is_file()}
    assert after == before
    for line in info.value.report().splitlines()[:-1]:
        assert PROBLEM_LINE.match(line), line


# ---------- environment faults ----------


def test_graphviz_missing_is_a_clear_error(tmp_path: Path):
    out = tmp_path / "generated"
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Graphviz is not installed: expected the `dot` command on PATH, got none." in proc.stderr
    assert not out.exists()


def test_missing_icon_file_is_a_clear_error(monkeypatch, inventory):
    from diagrams.aws.storage import S3

    monkeypatch.setattr(S3, "_icon", "no-such-icon.png")
    with pytest.raises(BuildError) as info:
        render_all(inventory)
    assert "expected every icon file of the `diagrams` library to exist, got missing:" in str(info.value)
    assert "no-such-icon.png" in str(info.value)


def test_graphviz_exit_0_on_missing_image_is_caught(tmp_path: Path):
    source = f'digraph {{ a [shape=box image="{tmp_path / "absent.png"}" label="a"] }}'
    with pytest.raises(BuildError) as info:
        render(source)
    assert "absent.png" in str(info.value)


# ---------- no secrets ----------


def test_no_generated_file_carries_a_credential_value(rendered, inventory):
    """Secrets have no value anywhere in the inventory, so none can reach a file; prove both."""
    raw = yaml.safe_load(INVENTORY.read_text())
    secret_names = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("secret") is True:
                assert "example" not in node, node["name"]
                secret_names.add(node["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(raw)
    assert len(secret_names) >= 8
    for path, data in rendered.items():
        if path.endswith(".png"):
            continue
        # Undo HTML and URL encoding so an escaped value cannot slip past.
        text = unquote(html.unescape(data.decode()))
        if path.endswith(".json"):
            text = "\n".join(_strings(json.loads(data)))
        for name in secret_names:
            # A secret is only ever referenced: ${NAME}, a secretKeyRef, or a kubectl placeholder.
            for match in re.finditer(rf"\b{name}\b\s*[:=]\s*(\S+)", text):
                value = match.group(1)
                assert value.startswith(('"${', "${", "(secret")) or "secret" in value, (path, name, value)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# ---------- escaping ----------

HOSTILE_NAME = "Lock <script>alert(\"x\")</script> & 'quoted' | café: 日本 {x} \\ [y]"
HOSTILE_TEXT = 'Use <b>bold</b> & "quotes": colons, ümlauts — and a | pipe.\nSecond line # not a comment'


def _hostile_inventory(tmp: Path) -> Path:
    data = yaml.safe_load(INVENTORY.read_text())
    lock = next(c for c in data["components"] if c["id"] == "lock-store")
    lock["name"] = HOSTILE_NAME
    lock["summary"] = HOSTILE_TEXT
    lock["description"] = HOSTILE_TEXT
    lock["offerings"]["aws"]["product"] = 'ElastiCache "Valkey" <edition> & more'
    lock["config"]["endpoints"]["lock_store"]["key_prefix"] = "a: b # c"
    lock["config"]["env"][0]["description"] = HOSTILE_TEXT
    path = tmp / "inventory.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.chunks).append(data)


def test_hostile_text_is_safe_and_intact_everywhere(site_copy: Path):
    _hostile_inventory(site_copy)
    proc = run_mkdocs(site_copy, "build", "--strict")
    assert proc.returncode == 0, proc.stderr
    site = site_copy / "site"
    # HTML: the text reads back intact, and no script element came from the inventory.
    for page in ("components.html", "index.html", "configurator.html", "generated/clouds/aws.html"):
        raw = (site / page).read_text()
        parser = _Text()
        parser.feed(raw)
        text = " ".join(" ".join(parser.chunks).split())
        assert 'alert("x")' not in " ".join(parser.scripts)
        assert "<script>alert" not in raw
        if page != "configurator.html":
            assert " ".join(HOSTILE_NAME.split()) in text, page
    components = (site / "components.html").read_text()
    parser = _Text()
    parser.feed(components)
    assert " ".join(HOSTILE_TEXT.split()) in " ".join(" ".join(parser.chunks).split())
    # Markdown tables: the pipe did not split a cell.
    overview = (site / "index.html").read_text()
    table = overview[overview.index("<table") : overview.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        assert len(re.findall(r"<td", row)) == 4
    # SVG: well-formed XML, text intact.
    gen = site_copy / "docs" / "generated"
    for svg in (gen / "diagrams").glob("*.svg"):
        root = ET.fromstring(svg.read_text())
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "Lock" in texts and "<script>" not in svg.read_text()
        titles = [a.get("{http://www.w3.org/1999/xlink}title") or "" for a in root.iter("{http://www.w3.org/2000/svg}a")]
        assert any(HOSTILE_NAME in t for t in titles), svg.name
    # YAML: every file parses, and the value with a colon and a hash survives.
    for yml in (gen / "files").rglob("*.yml"):
        data = yaml.safe_load(yml.read_text())
        endpoints = data["rasa"]["settings"]["endpoints"] if yml.name == "values.yml" else data
        assert endpoints["lock_store"]["key_prefix"] == "a: b # c", yml
    doc = json.loads((gen / "configurator" / "aws.json").read_text())
    for files in doc["files"].values():
        yaml.safe_load(files["endpoints"])
        yaml.safe_load(files["values"])


# ---------- change without code ----------


def _fourth_cloud_inventory(path: Path) -> None:
    data = yaml.safe_load(INVENTORY.read_text())
    data["clouds"].append(
        {
            "id": "oci",
            "name": "Oracle Cloud",
            "title": "Oracle Cloud Infrastructure",
            "kubernetes": "OCI Kubernetes Engine (OKE)",
            "kubernetes_url": "https://www.oracle.com/cloud/cloud-native/kubernetes-engine/",
        }
    )
    icons = {
        "model-storage": ("OCI Object Storage", "diagrams.oci.storage.ObjectStorage"),
        "lock-store": ("OCI Cache", "diagrams.oci.database.DatabaseService"),
        "tracker-store": ("OCI Database with PostgreSQL", "diagrams.oci.database.DBService"),
        "event-queue": ("OCI Streaming", "diagrams.oci.database.Stream"),
        "secrets-manager": ("Self-managed Vault on OKE", "diagrams.onprem.security.Vault"),
        "analytics": ("OCI Autonomous Database", "diagrams.oci.database.Autonomous"),
    }
    data["components"].append(
        {
            "id": "analytics",
            "name": "Analytics database",
            "group": "cloud",
            "required": False,
            "needed_when": "You run Rasa Pro Services.",
            "default_enabled": False,
            "summary": "Stores analytics.",
            "description": "An extra component added by a YAML edit only.",
            "docs_url": "https://rasa.com/docs/",
            "icon": "diagrams.onprem.database.PostgreSQL",
            "offerings": {
                cloud["id"]: {
                    "product": f"Analytics on {cloud['name']}",
                    "url": "https://example.com/analytics",
                    "icon": "diagrams.onprem.database.PostgreSQL",
                }
                for cloud in data["clouds"]
            },
        }
    )
    data["components"][0]["connections"].append({"to": "analytics", "label": "feeds", "protocol": "SQL"})
    for comp in data["components"]:
        if comp["group"] == "cloud":
            product, icon = icons[comp["id"]]
            comp["offerings"]["oci"] = {"product": product, "url": "https://www.oracle.com/cloud/", "icon": icon}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_fourth_cloud_and_a_new_component_need_no_code_change(site_copy: Path):
    _fourth_cloud_inventory(site_copy / "inventory.yml")
    proc = run_mkdocs(site_copy, "build", "--strict")
    assert proc.returncode == 0, proc.stderr
    gen = site_copy / "docs" / "generated"
    site = site_copy / "site"
    for name in ("oci.svg", "oci.png"):
        assert (gen / "diagrams" / name).is_file()
    svg = html.unescape((gen / "diagrams" / "oci.svg").read_text())
    assert "<title>analytics</title>" in svg and "OCI Streaming" in svg
    assert "<title>analytics</title>" in html.unescape((gen / "diagrams" / "aws.svg").read_text())
    overview = (gen / "blocks" / "overview-table.md").read_text()
    assert overview.splitlines()[1].endswith("| Oracle Cloud |")
    assert "Analytics on Azure" in overview
    values = yaml.safe_load((gen / "files" / "oci" / "values.yml").read_text())
    assert "tracker_store" in values["rasa"]["settings"]["endpoints"]
    assert (site / "generated" / "clouds" / "oci.html").is_file()
    assert 'href="generated/clouds/oci.html"' in (site / "clouds.html").read_text()
    components = (site / "components.html").read_text()
    assert 'id="analytics"' in components and "Oracle Cloud" in components
    config = json.loads((gen / "configurator" / "oci.json").read_text())
    assert any("analytics" in key for key in config["files"])


# ---------- property test: random mutations never crash the loader ----------

BASE_TEXT = (CORPUS / "good" / "minimal.yml").read_text()
BASE = yaml.safe_load(BASE_TEXT)

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=12),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


ALL_PATHS = [p for p in _paths(BASE) if p]


def _mutate(data, path, kind, value):
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if kind == "delete":
        del parent[last]
    elif kind == "replace":
        parent[last] = value
    elif kind == "unknown-key" and isinstance(parent, dict):
        parent[f"x_{last}"] = value
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


def _check(text: str) -> None:
    try:
        src = parse_text(text, "fuzz.yml")
        inv, problems = structural(src)
        if inv is not None:
            problems = semantic(inv, src)
    except InventoryError as exc:
        problems = exc.problems
    for problem in problems:
        line = problem.render("fuzz.yml")
        assert PROBLEM_LINE.match(line), line
        assert problem.line >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(ALL_PATHS),
    kind=st.sampled_from(["delete", "replace", "unknown-key", "duplicate"]),
    value=values,
)
def test_structured_mutations_are_valid_or_clearly_rejected(path, kind, value):
    data = _mutate(copy.deepcopy(BASE), path, kind, value)
    _check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@settings(max_examples=150, deadline=None)
@given(position=st.integers(0, len(BASE_TEXT)), cut=st.integers(0, 40), insert=st.text(max_size=8))
def test_text_mutations_are_valid_or_clearly_rejected(position, cut, insert):
    _check(BASE_TEXT[:position] + insert + BASE_TEXT[position + cut :])


def test_a_valid_inventory_round_trips_through_the_loader(tmp_path: Path):
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    assert load(path).components[0].id == "rasa-pro"
