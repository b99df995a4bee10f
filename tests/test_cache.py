"""Only redo what changed: run-level fingerprint and per-diagram cache."""

from __future__ import annotations

import hashlib
import importlib
import io
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image, ImageChops, ImageStat

from generator import pictures
from generator.build import build
from generator.cache import cache_dir, icon_path
from generator.diagram_spec import build_spec, diagram_ids
from generator.drawing import dot_source
from generator.errors import InventoryError
from generator.graphviz import render_dot
from generator.icons import icon_file
from generator.images import (
    DRAWN_SIZE,
    EMBED_SIZE,
    ICON_DRAWN_PX,
    ICON_EMBED_PX,
    SHRINK_VERSION,
    _drawn,
    _medium,
    _shrink,
    drawn_icon_file,
    drawn_icon_path,
)
from generator.prefetch import DRAWN, Prefetch, icon_files, icon_names, start
from generator.prefetch import main as prefetch_main
from generator.render import render
from generator.source import MAX_BYTES, read_source
from generator.validate import load

from .conftest import REPO, SMALL


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("RPA_CACHE_DIR", str(tmp_path / "cache"))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(SMALL.read_text())
    return inventory, tmp_path / "generated"


def _state(out: Path) -> dict[str, int]:
    return {p.as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_cold_build_draws_every_diagram_and_unchanged_inventory_regenerates_nothing(fresh):
    inventory, out = fresh
    first = build(inventory, out)
    assert sorted(first.drawn) == sorted(diagram_ids(load(inventory)))
    before = _state(out)
    second = build(inventory, out)
    assert second.skipped and second.written == [] and second.drawn == []
    assert _state(out) == before


def test_changing_one_clouds_offering_redraws_only_that_diagram(fresh):
    inventory, out = fresh
    build(inventory, out)
    data = yaml.safe_load(inventory.read_text())
    last, other = data["clouds"][-1]["id"], data["clouds"][0]["id"]
    offer = next(c for c in data["components"] if c.get("offerings"))["offerings"][last]
    offer["product"] += " (another edition)"
    inventory.write_text(yaml.safe_dump(data, sort_keys=False))
    report = build(inventory, out)
    assert not report.skipped
    assert report.drawn == [last]
    assert f"diagrams/{last}.svg" in report.written and f"diagrams/{other}.svg" not in report.written


def test_a_hand_edited_generated_file_is_put_back(fresh):
    inventory, out = fresh
    build(inventory, out)
    target = next((out / "files").rglob("values.yml"))
    original = target.read_bytes()
    target.write_text("edited by hand\n")
    report = build(inventory, out)
    assert not report.skipped and report.drawn == []
    assert target.read_bytes() == original


def test_a_failed_build_after_success_keeps_output_and_retries_next_time(fresh):
    inventory, out = fresh
    build(inventory, out)
    good = inventory.read_text()
    inventory.write_text(good.replace("title: Small", "title: [not, a, text]", 1))
    with pytest.raises(Exception):  # noqa: B017 - InventoryError; its text is tested elsewhere
        build(inventory, out)
    inventory.write_text(good)
    assert build(inventory, out).skipped  # back to the state the output already reflects


# ---------- the icons' head start (generator/prefetch.py) ----------


def _drawn_copy(data: bytes) -> bytes:
    return _drawn(_medium(Image.open(io.BytesIO(data))), data)


def test_the_prefetch_alone_caches_both_copies_of_every_icon_the_diagrams_draw(fresh):
    """Given the icon files the raw file names, the child leaves in the cache exactly the copies a
    build draws and embeds, so the build only reads them, and says when the drawn ones are in."""
    inventory, _ = fresh
    files = "".join(f"{path}\n" for path in icon_files(read_source(inventory).data))
    proc = subprocess.run(
        [sys.executable, "-m", "generator.prefetch"], input=files.encode(), cwd=REPO, capture_output=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode() == DRAWN + "\n"
    inv = load(inventory)
    icons = {icon_file(n.icon) for d in diagram_ids(inv) for n in build_spec(inv, d).nodes()}
    cached = {p.name: p.read_bytes() for p in (cache_dir() / "icons").iterdir()}
    expected = {}
    for data in (p.read_bytes() for p in icons):
        digest = hashlib.sha256(data).hexdigest()
        expected[f"{digest}-{ICON_EMBED_PX}-{SHRINK_VERSION}.png"] = _shrink(data)
        expected[f"{digest}-{DRAWN_SIZE}.png"] = _drawn_copy(data)
    assert cached == expected


def test_the_child_says_so_once_every_drawn_copy_is_in_and_before_the_embedded_ones(fresh):
    """Graphviz starts on the child's line: every copy it draws must be there by then; the
    embedded copies, which only the SVGs need later, come after."""
    inventory, _ = fresh
    paths = icon_files(read_source(inventory).data)
    icons = [p.read_bytes() for p in paths]
    seen: list[tuple[str, bool, bool]] = []

    class Out:
        def write(self, text: str) -> None:
            drawn = all(drawn_icon_path(data).is_file() for data in icons)
            embedded = any(icon_path(data, EMBED_SIZE).is_file() for data in icons)
            seen.append((text, drawn, embedded))

        def flush(self) -> None:
            pass

    assert prefetch_main(iter(f"{p}\n" for p in paths), Out()) == 0  # type: ignore[arg-type]
    assert seen == [(DRAWN + "\n", True, False)]
    assert all(icon_path(data, EMBED_SIZE).is_file() for data in icons)


def test_the_drawn_copies_are_the_size_the_png_shows_an_icon():
    """28 pt at Graphviz's 96 dpi: the copy is drawn at its own size, not shrunk again."""
    assert ICON_DRAWN_PX == round(28 * 96 / 72) == 37
    inv = load(REPO / "inventory.yml")
    for path in sorted({icon_file(n.icon) for d in diagram_ids(inv) for n in build_spec(inv, d).nodes()}):
        original = Image.open(path)
        copy = Image.open(io.BytesIO(_drawn_copy(path.read_bytes())))
        assert max(copy.size) == min(ICON_DRAWN_PX, max(original.size)), path
        ratio = (copy.size[0] / copy.size[1]) / (original.size[0] / original.size[1])
        assert abs(ratio - 1) < 0.05, path  # the icon's shape is kept


def test_prefetch_reports_drawn_once_said_none_while_working_and_false_if_it_ends_without(tmp_path):
    script = "import sys, time; sys.stdin.read(); print('drawn', flush=True); time.sleep(float(sys.argv[1]))"

    def child(code: str, *args: str) -> Prefetch:
        return Prefetch(subprocess.Popen([sys.executable, "-c", code, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE))

    working = child("import time; time.sleep(30)")
    try:
        assert working.drawn(block=False) is None
    finally:
        working.close()
    saying = child(script, "0")
    assert saying.drawn(block=True) is True and saying.drawn(block=False) is True
    saying.wait()
    silent = child("import sys; sys.stdin.read()")
    assert silent.drawn(block=True) is False and silent.drawn(block=False) is False
    silent.wait()
    assert Prefetch(None).drawn(block=True) is False


class _LateChild:
    """A prefetch whose child has not made the drawn copies until asked `answers_after` times."""

    def __init__(self, answers_after: int, says: bool) -> None:
        self.asked = 0
        self.answers_after = answers_after
        self.says = says

    def drawn(self, block: bool) -> bool | None:
        self.asked += 1
        if not block and self.asked <= self.answers_after:
            return None
        return self.says

    def wait(self) -> None:
        pass


@pytest.mark.parametrize("says", [True, False], ids=["child-says-drawn", "child-gone"])
def test_graphviz_waits_for_the_drawn_copies_while_the_text_is_rendered(fresh, monkeypatch, says):
    """Until the copies are in, `dot` is not started and the text goes on; then each `dot` gets a
    source naming only copies at the drawn size (made by the build itself if the child is gone)."""
    inventory, _ = fresh
    inv = load(inventory)
    given: list[str] = []
    real = pictures.DotRun

    def recording(source: str, *args: Any) -> Any:
        given.append(source)
        return real(source, *args)

    monkeypatch.setattr(pictures, "DotRun", recording)
    late = _LateChild(answers_after=3, says=says)
    with pictures.Drawing(inv, late) as drawing:  # type: ignore[arg-type]
        assert not drawing.started and given == []
        rendered = render(inv, drawing)
    assert late.asked >= 4 and drawing.started
    assert sorted(rendered.drawn) == sorted(diagram_ids(inv)) and len(given) == len(rendered.drawn)
    library = {str(icon_file(n.icon)) for d in diagram_ids(inv) for n in build_spec(inv, d).nodes()}
    for source in given:
        named = set(re.findall(r'SRC="([^"]+)"', source))
        assert named and not named & library
        for path in named:
            assert Path(path).parent == cache_dir() / "icons"
            assert max(Image.open(path).size) <= ICON_DRAWN_PX


def test_the_png_drawn_from_the_copies_looks_as_drawn_from_the_library_icons(fresh):
    """The copies change how fast `dot` draws, not what the PNG shows."""
    inventory, _ = fresh
    inv = load(inventory)
    diagram = diagram_ids(inv)[-1]
    spec = build_spec(inv, diagram)
    source = dot_source(spec)
    icons = {str(icon_file(n.icon)): icon_file(n.icon).read_bytes() for n in spec.nodes()}
    drawn = pictures.as_drawn(source, {path: drawn_icon_file(data) for path, data in icons.items()})
    library = Image.open(io.BytesIO(render_dot(source)["png"])).convert("RGB")
    copies = Image.open(io.BytesIO(render_dot(drawn)["png"])).convert("RGB")
    assert library.size == copies.size
    difference = ImageStat.Stat(ImageChops.difference(library, copies)).mean
    assert max(difference) < 1.0, difference  # of 255, on average over the image


def test_the_prefetch_names_icons_anywhere_in_the_raw_yaml():
    doc = {"a": {"icon": "diagrams.x.Y"}, "b": [{"icon": "diagrams.z.W", "c": {"icon": 3}}], "icon": ["not", "one"]}
    assert sorted(icon_names(doc)) == ["diagrams.x.Y", "diagrams.z.W"]


def test_the_prefetch_looks_up_only_names_in_the_drawing_library(monkeypatch):
    """The raw file is not checked yet: a name outside `diagrams` is never imported, and a name
    that draws nothing is left to the checks."""
    imported: list[str] = []
    real = importlib.import_module

    def recording(name: str, package: str | None = None) -> object:
        imported.append(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", recording)
    doc: dict[str, object] = {"icon": "os.path.Join", "b": {"icon": "diagrams.aws..X", "c": {"icon": "diagrams.Node"}}}
    doc["a"] = [{"icon": "diagrams.aws.compute.EC2"}, {"icon": "diagrams.aws.compute.Nope"}]
    assert [p.name for p in icon_files(doc)] == ["ec2.png"]
    assert imported and all(name.startswith("diagrams") for name in imported)


@pytest.mark.parametrize("text", ["components: [unclosed\n", "title: [not, a, text]\n", "x" * (MAX_BYTES + 1)])
def test_a_broken_inventory_is_reported_and_leaves_no_prefetch_behind(fresh, monkeypatch, text):
    """The child starts before the file is read: whatever it holds, the build reports the
    problems and the child is gone when the build returns."""
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(subprocess, "Popen", recording)
    inventory, out = fresh
    inventory.write_text(text)
    with pytest.raises(InventoryError):
        build(inventory, out)
    assert len(children) == 1 and children[0].poll() is not None


def test_a_child_sent_no_files_exits_on_its_own_when_waited_for(monkeypatch, tmp_path):
    """Waiting ends the child's input, so it never waits for files that will not come."""
    monkeypatch.setenv("RPA_CACHE_DIR", str(tmp_path / "cache"))
    prefetch = start()
    child = prefetch._proc
    started = time.monotonic()
    prefetch.wait()
    assert child is not None and child.returncode == 0 and time.monotonic() - started < 30


def test_a_missing_inventory_starts_no_prefetch(tmp_path, monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", None)  # starting any process would fail the test
    with pytest.raises(InventoryError):
        build(tmp_path / "nowhere.yml", tmp_path / "out")


def test_closing_the_prefetch_stops_a_child_that_still_runs():
    """A build that fails early does not leave the child behind (nor waits for it)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    Prefetch(child).close()
    assert child.poll() is not None and time.monotonic() - started < 10


# ---------- compiled templates kept across `mkdocs serve` rebuilds (generator/mkdocs_hook.py) ----------


def test_the_template_cache_serves_compiled_templates_and_recompiles_an_edited_one():
    import jinja2

    hook = _load_hook()
    sources = {"page.html": "first {{ n }}"}
    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def _compile(self, source, filename):
            compiled.append(source)
            return super()._compile(source, filename)

    def render() -> str:
        # A new environment each time, as each rebuild of `mkdocs serve` makes.
        env = hook.on_env(Counting(loader=jinja2.DictLoader(sources)), config=None, files=None)
        return env.get_template("page.html").render(n=1)

    assert render() == "first 1" and len(compiled) == 1
    assert render() == "first 1" and len(compiled) == 1  # the kept code, not compiled again
    sources["page.html"] = "second {{ n }}"
    assert render() == "second 1" and len(compiled) == 2  # the edit is compiled afresh


def _load_hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("rpa_mkdocs_hook", REPO / "generator" / "mkdocs_hook.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
