"""Bad input and change: clear errors, nothing lost, safe escaping, no code change needed."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import graphviz, icons, waiting
from generator.assemble import all_selections
from generator.build import build
from generator.errors import BuildError, InventoryError
from generator.graphviz import render_dot
from generator.render import render_all
from generator.source import parse_text
from generator.validate import load, semantic, structural

from .cases import page_texts
from .conftest import BUILDERS, CORPUS, INVENTORY, REPO, SMALL, build_site
from .test_site import nav_targets, run_mkdocs
from .test_validation import BAD

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
    """A broken install of the library (an icon file gone) stops the build with what to do."""
    cls = icons.node_class(inventory.components[0].icon)
    monkeypatch.setattr(cls, "_icon", "no-such-icon.png")  # simulates the broken install
    icons.icon_file.cache_clear()
    try:
        with pytest.raises(BuildError) as info:
            render_all(inventory)
    finally:
        monkeypatch.undo()
        icons.icon_file.cache_clear()
    assert "expected every icon file of the `diagrams` library to exist, got missing:" in str(info.value)
    assert "no-such-icon.png" in str(info.value) and "pip install --force-reinstall diagrams" in str(info.value)


def test_graphviz_exit_0_on_missing_image_is_caught(tmp_path: Path):
    source = f'digraph {{ a [shape=box image="{tmp_path / "absent.png"}" label="a"] }}'
    with pytest.raises(BuildError) as info:
        render_dot(source)
    assert "absent.png" in str(info.value)


def test_waiting_for_a_process_wakes_when_it_ends_without_polling(monkeypatch):
    """`Popen.wait(timeout=...)` sleeps between polls (up to 50 ms late); `wait_for` must not."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"waited by polling (slept {seconds} s)")

    if hasattr(os, "pidfd_open"):
        monkeypatch.setattr(time, "sleep", no_sleep)  # where Popen.wait sleeps between polls
    assert waiting.wait_for(proc, 30) == 3
    assert waiting.wait_for(proc, 30) == 3  # reaped already: still answers


def test_waiting_for_a_process_times_out_and_falls_back(monkeypatch):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait_for(proc, 0.2)

        def refuse(pid: int) -> int:
            raise OSError("no pidfd here")

        monkeypatch.setattr(os, "pidfd_open", refuse, raising=False)
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait_for(proc, 0.2)
    finally:
        proc.kill()
        proc.wait()
    assert waiting.wait_for(proc, 30) == -9


def test_the_first_process_to_end_is_named_whatever_its_place(monkeypatch):
    """Diagrams are published in the order their `dot` ends, not in the order they started."""
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        assert waiting.first_to_end({"slow": slow, "quick": quick}, 30) == "quick"
        assert waiting.first_to_end({"slow": slow}, 0.2) == "slow"  # none ended in time: the first
        monkeypatch.delattr(os, "pidfd_open", raising=False)
        assert waiting.first_to_end({"slow": slow, "quick": quick}, 30) == "quick"  # ended already
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            assert waiting.first_to_end({"slow": slow, "other": other}, 30) == "slow"  # cannot watch
        finally:
            other.kill()
            other.wait()
    finally:
        slow.kill()
        slow.wait()
        quick.wait()


def test_graphviz_runs_below_the_builds_priority(tmp_path: Path, monkeypatch):
    """`dot` gives way to the build's own process, whose text rendering is the longest chain."""
    slow = tmp_path / "dot"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")  # exec: closing it kills the sleep itself
    slow.chmod(0o755)
    monkeypatch.setattr(graphviz, "dot_binary", lambda: str(slow))
    run = graphviz.DotRun("digraph { a }")
    try:
        assert run._proc is not None
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, run._proc.pid) == min(own + graphviz.DOT_NICENESS, 19) > own
    finally:
        run.close()


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
    assert secret_names
    for path, data in rendered.items():
        if path.endswith(".png"):
            continue
        # Undo HTML and URL encoding so an escaped value cannot slip past.
        text = unquote(html.unescape(data.decode()))
        if path.endswith(".json"):
            text = "\n".join(_strings(json.loads(data)))
        # deploy.sh's `: "${NAME:?export NAME: <description>}"` lines name a variable and describe it.
        text = re.sub(r":\?export [^\"\n]*", ":?export", text)
        for name in secret_names:
            # A secret is only ever referenced: ${NAME}, "$NAME", a secretKeyRef, a shell's "export it" check.
            for match in re.finditer(rf"\b{name}\b\s*[:=]\s*(\S+)", text):
                value = match.group(1)
                assert value.startswith(('"${', "${", "(secret", "?export", f'"${name}"')) or "secret" in value, (
                    path,
                    name,
                    value,
                )


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
HOSTILE_VALUE = "a: b # c"


def _small() -> dict:
    return yaml.safe_load(SMALL.read_text())


def _write(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _hostile_inventory(path: Path) -> tuple[str, str]:
    """The small inventory with hostile text in a required cloud service; returns its id and endpoints key."""
    data = _small()
    comp = next(c for c in data["components"] if c["required"] and c.get("offerings") and c.get("config", {}).get("endpoints"))
    comp["name"] = HOSTILE_NAME
    comp["summary"] = HOSTILE_TEXT
    comp["description"] = HOSTILE_TEXT
    first_cloud = data["clouds"][0]["id"]
    comp["offerings"][first_cloud]["product"] = 'Service "Edition" <edition> & more'
    block = next(iter(comp["config"]["endpoints"]))
    comp["config"]["endpoints"][block]["note"] = HOSTILE_VALUE
    comp["config"]["env"][0]["description"] = HOSTILE_TEXT
    _write(data, path)
    return comp["id"], block


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
    _, block = _hostile_inventory(site_copy / "inventory.yml")
    inv = load(site_copy / "inventory.yml")
    proc = run_mkdocs(site_copy, "build", "--strict")
    assert proc.returncode == 0, proc.stderr
    site = site_copy / "site"
    # HTML: the text reads back intact, and no script element came from the inventory.
    cloud_pages = [f"generated/clouds/{c.id}.html" for c in inv.clouds]
    for page in ("components.html", "index.html", "configurator.html", *cloud_pages):
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
        assert len(re.findall(r"<td", row)) == 1 + len(inv.clouds)
    # SVG: well-formed XML, text intact.
    gen = site_copy / "docs" / "generated"
    for svg in (gen / "diagrams").glob("*.svg"):
        root = ET.fromstring(svg.read_text())
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "Lock" in texts and "<script>" not in svg.read_text()
        links = [a.get("aria-label") or "" for a in root.iter("{http://www.w3.org/2000/svg}a")]
        titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert any(HOSTILE_NAME in t for t in links) and any(HOSTILE_NAME in t for t in titles), svg.name
    # YAML: every file parses, and the value with a colon and a hash survives.
    for yml in [*(gen / "files").rglob("endpoints.yml"), *(gen / "files").rglob("values.yml")]:
        data = yaml.safe_load(yml.read_text())
        endpoints = data["rasa"]["settings"]["endpoints"] if yml.name == "values.yml" else data
        assert endpoints[block]["note"] == HOSTILE_VALUE, yml
    for cloud in inv.clouds:
        doc = json.loads((gen / "configurator" / f"{cloud.id}.json").read_text())
        for selection in all_selections(inv, cloud.id):
            files = page_texts(inv, doc, selection)
            assert yaml.safe_load(files["endpoints.yml"])[block]["note"] == HOSTILE_VALUE
            yaml.safe_load(files["values.yml"])


# ---------- change without code ----------


def _add_cloud_and_component(path: Path) -> tuple[str, str]:
    """Add a cloud (every service offered by a product named after it) and an optional service."""
    data = yaml.safe_load(path.read_text())
    new_cloud = {
        "id": "newcloud",
        "name": "New Cloud",
        "title": "The New Cloud Platform",
        "kubernetes": "New Cloud Kubernetes",
        "kubernetes_url": "https://example.com/kubernetes",
    }
    data["clouds"].append(new_cloud)
    group = next(g["id"] for g in data["groups"] if g["cloud_services"])
    new_comp = {
        "id": "new-service",
        "name": "New service",
        "group": group,
        "required": False,
        "needed_when": "You need the new service.",
        "summary": "Does something new.",
        "description": "An extra component added by a YAML edit only.",
        "docs_url": "https://rasa.com/docs/",
        "icon": "diagrams.onprem.database.PostgreSQL",
        "config": {
            "endpoints": {"new_block": {"url": "${NEW_URL}"}},
            "env": [{"name": "NEW_URL", "description": "Where it is.", "secret": False, "example": "https://new.example"}],
        },
        "offerings": {},
    }
    data["components"].append(new_comp)
    data["components"][0].setdefault("connections", []).append({"to": "new-service", "label": "feeds", "protocol": "SQL"})
    service_groups = {g["id"] for g in data["groups"] if g["cloud_services"]}
    for comp in data["components"]:
        if comp["group"] in service_groups:
            for cloud in data["clouds"]:
                comp["offerings"].setdefault(
                    cloud["id"],
                    {"product": f"{comp['name']} on {cloud['name']}", "url": "https://example.com/p", "icon": comp["icon"]},
                )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return new_cloud["id"], new_comp["id"]


@pytest.mark.parametrize("builder", ["mkdocs-hook", *BUILDERS])
def test_a_new_cloud_and_a_new_component_are_one_inventory_edit(site_copy: Path, builder: str):
    """Only inventory.yml changes; the built site's nav, pages, diagrams and files all follow,
    whether MkDocs' hook generates or the generator runs first (as Zensical needs)."""
    shutil.copy2(SMALL, site_copy / "inventory.yml")
    before = {p: p.read_bytes() for p in site_copy.rglob("*") if p.is_file() and p.name != "inventory.yml"}
    cloud, comp = _add_cloud_and_component(site_copy / "inventory.yml")
    if builder == "mkdocs-hook":
        proc = run_mkdocs(site_copy, "build", "--strict")
        assert proc.returncode == 0, proc.stderr
        site = site_copy / "site"
    else:
        site = build_site(site_copy, builder)
    after = {p: p.read_bytes() for p in before}
    assert after == before  # no hand-written file was touched
    inv = load(site_copy / "inventory.yml")
    gen = site_copy / "docs" / "generated"
    # Navigation: every page links to the new cloud's page, which exists.
    for page in site.rglob("*.html"):
        assert site / "generated" / "clouds" / f"{cloud}.html" in nav_targets(page, site), page
    cloud_page = (site / "generated" / "clouds" / f"{cloud}.html").read_text()
    assert "The New Cloud Platform" in cloud_page and "New service on New Cloud" in cloud_page
    for diagram in ("overview", *[c.id for c in inv.clouds]):
        svg = html.unescape((gen / "diagrams" / f"{diagram}.svg").read_text())
        assert f'data-node="{comp}"' in svg, diagram
        assert (gen / "diagrams" / f"{diagram}.png").is_file()
    assert "New Cloud" in (gen / "blocks" / "overview-table.md").read_text().splitlines()[1]
    values = yaml.safe_load((site / "generated" / "files" / cloud / "values.yml").read_text())
    assert values["rasa"]["settings"]["endpoints"]
    components = (site / "components.html").read_text()
    assert f'id="{comp}"' in components and "New Cloud" in components
    doc = json.loads((gen / "configurator" / f"{cloud}.json").read_text())
    chosen = next(s for s in all_selections(inv, cloud) if comp in s.enabled)
    files = page_texts(inv, doc, chosen)
    assert "new_block" in yaml.safe_load(files["endpoints.yml"])


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
# Found on CI: a no-break space before a comment with a colon turns it into a key that must be quoted.
@example(position=0, cut=0, insert="\xa0")
@example(position=0, cut=0, insert="a\u2028b: ")
def test_text_mutations_are_valid_or_clearly_rejected(position, cut, insert):
    _check(BASE_TEXT[:position] + insert + BASE_TEXT[position + cut :])


def test_a_valid_inventory_round_trips_through_the_loader(tmp_path: Path):
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    assert load(path).components[0].id == "rasa-pro"


# ---------- faults are messages, never tracebacks ----------


def _generator(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_a_file_where_the_output_folder_must_be_is_a_clear_error(tmp_path: Path):
    out = tmp_path / "generated"
    out.write_text("not a folder")
    proc = _generator("build", "--inventory", str(SMALL), "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: cannot write the generated files: ") and "Traceback" not in proc.stderr


def test_a_file_where_a_generated_folder_must_be_is_a_clear_error(tmp_path: Path):
    out = tmp_path / "generated"
    assert _generator("build", "--inventory", str(SMALL), "--out", str(out)).returncode == 0
    shutil.rmtree(out / "files")
    (out / "files").write_text("in the way")
    proc = _generator("build", "--inventory", str(SMALL), "--out", str(out), "--force")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: cannot write the generated files: ") and "Traceback" not in proc.stderr
    assert "files" in proc.stderr


def test_a_folder_the_generator_did_not_make_is_left_alone(tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    proc = _generator("build", "--inventory", str(SMALL), "--out", str(out))
    assert proc.returncode == 2 and "refusing to overwrite it" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_conflict_stops_check_and_build_alike_with_every_conflict_named():
    bad = CORPUS / "bad" / "conflict.yml"
    check, make = (
        _generator("check", "--inventory", str(bad)),
        _generator("build", "--inventory", str(bad), "--out", "/nonexistent"),
    )
    assert check.returncode == make.returncode == 1
    assert check.stderr == make.stderr and "Traceback" not in make.stderr
    assert make.stderr.count("to be set by one component only") == 2


@settings(max_examples=200, deadline=None)
@given(
    first=st.recursive(st.integers(0, 2), lambda inner: st.dictionaries(st.sampled_from("abc"), inner, max_size=3), max_leaves=8),
    second=st.recursive(
        st.integers(0, 2), lambda inner: st.dictionaries(st.sampled_from("abc"), inner, max_size=3), max_leaves=8
    ),
)
def test_validation_predicts_exactly_the_merges_that_fail(first, second):
    """`clashes` (what validation reports) and `combine` (what assembly does) agree on every pair."""
    if not (isinstance(first, dict) and isinstance(second, dict)):
        return
    from generator.assemble import Conflict, clashes, combine

    predicted = list(clashes(first, second))
    try:
        combine(copy.deepcopy(first), second, {}, "b")
    except Conflict as exc:
        assert predicted and exc.path in [path for path, _, _ in predicted]
    else:
        assert predicted == []


def test_the_drawing_script_prints_dot_source():
    proc = subprocess.run(
        [sys.executable, "diagrams/draw.py", "overview", "--inventory", str(SMALL)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("digraph") and "node-rasa-pro" in proc.stdout
    wrong = subprocess.run(
        [sys.executable, "diagrams/draw.py", "mars", "--inventory", str(SMALL)], cwd=REPO, capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "expected one of overview" in wrong.stderr
