"""Measure generation and site build side by side, in one run on one machine.

    make bench            (or: .venv/bin/python scripts/benchmark.py)

Every figure is a median of several runs of real commands (subprocesses, as a
maintainer would run them), each in a scratch copy of the project, so the
working tree and its cache are never touched.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PY = sys.executable
# Python as a maintainer runs it: it keeps each module's compiled bytecode (some sandboxes turn
# that off with PYTHONDONTWRITEBYTECODE). A clone's first run also compiles: measured apart.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_MKDOCS_2_WARNING": "1"}


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "inventory.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("docs", "generator", "diagrams", "schema", "overrides"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("generated", "__pycache__"))
    return dest


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return elapsed


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def _cold_run(project: Path, tag: str, inventory: str = "inventory.yml") -> float:
    """One `python -m generator build` with an empty cache into a new folder (out-<tag>)."""
    env = {**ENV, "RPA_CACHE_DIR": str(project / f".cache-{tag}")}
    cmd = [PY, "-m", "generator", "build", "--inventory", inventory, "--out", str(project / f"out-{tag}")]
    return timed(cmd, project, env)


def _dot_sources(project: Path, drawn: bool = False) -> list[Path]:
    """The Graphviz source of each diagram as the `diagrams` library writes it (its icons), or
    with `drawn` as the build hands it to `dot` (copies of the icons at the size drawn)."""
    from generator.diagram_spec import build_spec, diagram_ids
    from generator.drawing import dot_source
    from generator.icons import icon_file
    from generator.images import drawn_icon_file
    from generator.pictures import as_drawn
    from generator.validate import load

    inv = load(project / "inventory.yml")
    sources = []
    before = os.environ.get("RPA_CACHE_DIR")
    os.environ["RPA_CACHE_DIR"] = str(project / ".cache-floor")  # where the drawn copies go
    try:
        for diagram in diagram_ids(inv):
            spec = build_spec(inv, diagram)
            source = dot_source(spec)
            if drawn:
                icons = {str(icon_file(n.icon)): icon_file(n.icon).read_bytes() for n in spec.nodes()}
                source = as_drawn(source, {path: drawn_icon_file(data) for path, data in icons.items()})
            path = project / f"{diagram}{'-drawn' if drawn else ''}.gv"
            path.write_text(source)
            sources.append(path)
    finally:
        if before is None:
            os.environ.pop("RPA_CACHE_DIR")
        else:
            os.environ["RPA_CACHE_DIR"] = before
    return sources


def _dot_run(sources: list[Path]) -> float:
    start = time.perf_counter()
    for path in sources:
        subprocess.run(["dot", "-Tsvg", f"-o{path}.svg", "-Tpng", f"-o{path}.png", str(path)], check=True, capture_output=True)
    return time.perf_counter() - start


def cold_and_floor(project: Path, reps: int = 7) -> tuple[float, float, float]:
    """Cold generation (empty cache, output folder new) and bare `dot` on the same graphs, one
    after another: what drawing cannot go below, with the library's icons (the floor) and with
    the copies the build draws. Taken in turns, so that a machine that slows down for a while
    weighs on all alike."""
    subprocess.run([PY, "-m", "compileall", "-q", "generator"], cwd=project, env=ENV, check=True)
    sources, drawn_sources = _dot_sources(project), _dot_sources(project, drawn=True)
    cold, floor, drawn = [], [], []
    for i in range(reps):
        cold.append(_cold_run(project, f"cold-{i}"))
        floor.append(_dot_run(sources))
        drawn.append(_dot_run(drawn_sources))
    return median(cold), median(floor), median(drawn)


def first_run(tmp: Path, reps: int = 3) -> float:
    """Cold generation in a fresh copy, where Python also compiles the generator's modules."""
    return median([_cold_run(copy_project(tmp / f"first-{i}"), "first") for i in range(reps)])


def noop_generation(project: Path, reps: int = 7) -> float:
    env = {**ENV, "RPA_CACHE_DIR": str(project / ".cache-noop")}
    out = project / "out-noop"
    timed([PY, "-m", "generator", "build", "--out", str(out)], project, env)
    return median([timed([PY, "-m", "generator", "build", "--out", str(out)], project, env) for _ in range(reps)])


def site_builds(project: Path, reps: int = 3) -> tuple[float, float]:
    mkdocs = [PY, "-m", "mkdocs", "build", "--quiet", "--site-dir"]
    timed([*mkdocs, str(project / "site-warmup")], project)  # fills the cache and docs/generated
    warm = median([timed([*mkdocs, str(project / f"site-{i}")], project) for i in range(reps)])
    off_env = {**ENV, "RPA_GENERATE": "0"}
    off = median([timed([*mkdocs, str(project / f"site-off-{i}")], project, off_env) for i in range(reps)])
    return warm, off


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def edit_to_page(project: Path, edits: int = 5) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/components.html"
    server = subprocess.Popen(
        [PY, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while "lock-store" not in _get(url):
            if time.monotonic() > deadline:
                raise SystemExit("mkdocs serve did not start")
            time.sleep(0.2)
        time.sleep(2)  # let the follow-up rebuild of the first start settle
        inventory = project / "inventory.yml"
        original = inventory.read_text()
        samples = []
        for i in range(edits):
            token = f"Benchmark edit number {i}."
            inventory.write_text(original.replace("With several Rasa Pro replicas", f"{token} With several Rasa Pro replicas"))
            start = time.perf_counter()
            while token not in _get(url):
                if time.perf_counter() - start > 60:
                    raise SystemExit("the edit never reached the page")
                time.sleep(0.05)
            samples.append(time.perf_counter() - start)
            time.sleep(2)  # let the follow-up rebuild finish before the next edit
        return median(samples)
    finally:
        server.terminate()
        server.wait(timeout=10)


def page_bytes(project: Path) -> tuple[int, int]:
    from generator.diagram_spec import diagram_ids
    from generator.validate import load

    inv = load(project / "inventory.yml")
    site = project / "site-0"
    html = (site / "index.html").stat().st_size  # the first cloud's diagram is inline
    lazy = sum((site / "generated" / "diagrams" / f"{d}.svg").stat().st_size for d in diagram_ids(inv) if d != inv.clouds[0].id)
    return html, lazy


def synthetic(project: Path, size: int) -> Path:
    """The real inventory padded with copies of a cloud service up to `size` components."""
    data = yaml.safe_load((REPO / "inventory.yml").read_text())
    template = next(c for c in data["components"] if c["id"] == "tracker-store")
    n = 0
    while len(data["components"]) < size:
        n += 1
        clone = yaml.safe_load(yaml.safe_dump(template))
        clone["id"] = f"service-{n}"
        clone["name"] = f"Service {n}"
        data["components"].append(clone)
        data["components"][0]["connections"].append({"to": clone["id"], "label": "uses", "protocol": "TCP"})
    path = project / f"inventory-{size}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def cold_builds(project: Path, inventory: Path, tag: str, reps: int) -> tuple[float, Path]:
    """Median of `reps` cold generations of `inventory` (each with its own empty cache), and the
    last one's output folder."""
    samples = [_cold_run(project, f"{tag}-{i}", str(inventory)) for i in range(reps)]
    return median(samples), project / f"out-{tag}-{reps - 1}"


def scaling(project: Path, sizes: tuple[int, ...] = (25, 50, 100, 200), reps: int = 3) -> dict[int, float]:
    return {size: cold_builds(project, synthetic(project, size), f"scale-{size}", reps)[0] for size in sizes}


def configurator_bytes(project: Path) -> tuple[int, int]:
    """(configurator page HTML, largest cloud's slot data as served compressed)."""
    import gzip

    site = project / "site-0"
    page = (site / "configurator.html").stat().st_size
    data = max(len(gzip.compress(p.read_bytes())) for p in (site / "generated" / "configurator").glob("*.json"))
    return page, data


def with_optional_parts(project: Path, extra: int) -> Path:
    """The real inventory with `extra` more optional parts, each an HTTP endpoint of its own."""
    data = yaml.safe_load((REPO / "inventory.yml").read_text())
    template = next(c for c in data["components"] if c["id"] == "nlg-server")
    for n in range(1, extra + 1):
        clone = yaml.safe_load(yaml.safe_dump(template))
        clone["id"], clone["name"] = f"extra-{n}", f"Extra service {n}"
        clone["config"] = {
            "endpoints": {f"extra_{n}": {"url": f"${{EXTRA_{n}_URL}}"}},
            "env": [{"name": f"EXTRA_{n}_URL", "description": "URL of the service.", "secret": False, "example": "http://x:80"}],
        }
        data["components"].append(clone)
        data["components"][0]["connections"].append({"to": clone["id"], "label": "uses", "protocol": "HTTP"})
    path = project / f"inventory-optional-{extra}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def configurator_scaling(project: Path, extras: tuple[int, ...] = (0, 4, 8), reps: int = 3) -> dict[int, tuple[int, float, int]]:
    """Extra optional parts -> (combinations per cloud, cold generation, largest compressed cloud data)."""
    import gzip

    from generator.assemble import all_selections
    from generator.validate import load

    results = {}
    for extra in extras:
        inventory = with_optional_parts(project, extra)
        inv = load(inventory)
        combinations = sum(1 for _ in all_selections(inv, inv.clouds[0].id))
        seconds, out = cold_builds(project, inventory, f"optional-{extra}", reps)
        data = max(len(gzip.compress(p.read_bytes())) for p in (out / "configurator").glob("*.json"))
        results[extra] = (combinations, seconds, data)
    return results


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rpa-bench-") as tmp:
        project = copy_project(Path(tmp) / "project")
        dot_version = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
        print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {dot_version}")
        print("Medians of repeated runs; every command is run as a subprocess.\n")

        first = first_run(Path(tmp))
        cold, floor, drawn_floor = cold_and_floor(project)
        noop = noop_generation(project)
        warm, off = site_builds(project)
        edit = edit_to_page(copy_project(Path(tmp) / "serve"))
        html, lazy = page_bytes(project)
        scale = scaling(project)
        page, data = configurator_bytes(project)
        options = configurator_scaling(project)

        rows = [
            ("cold generation (python -m generator build)", f"{cold:.3f} s", verdict(cold < 1.0) + " (< 1 s)"),
            ("bare dot on the same graphs, in sequence", f"{floor:.3f} s", "the floor"),
            ("cold / floor", f"{cold / floor:.2f}x", verdict(cold / floor < 2.0) + " (< 2x)"),
            ("  bare dot as the build runs it (icons at drawn size)", f"{drawn_floor:.3f} s", "what its dot draws"),
            ("  cold / that", f"{cold / drawn_floor:.2f}x", ""),
            ("  a clone's first run (Python compiles the generator too)", f"{first:.3f} s", "once"),
            ("regeneration, nothing changed", f"{noop:.3f} s", verdict(noop < 0.15) + " (< 0.15 s)"),
            ("  share of cold", f"{noop / cold:.0%}", ""),
            ("mkdocs build, warm cache", f"{warm:.3f} s", ""),
            ("mkdocs build, generation off", f"{off:.3f} s", ""),
            ("  warm / off", f"{warm / off:.2f}x", verdict(warm / off <= 1.3) + " (<= 1.3x)"),
            ("inventory edit to rebuilt page (mkdocs serve)", f"{edit:.2f} s", verdict(edit < 2.0) + " (< 2 s)"),
            ("overview page: HTML with its inline diagram", f"{html / 1000:.0f} KB", verdict(html < 250_000) + " (< 250 KB)"),
            ("  cloud diagrams fetched only when their tab opens", f"{lazy / 1000:.0f} KB", "not loaded by default"),
            ("configurator page: HTML", f"{page / 1000:.0f} KB", verdict(page <= 150_000) + " (<= 150 KB)"),
            ("  a change of cloud fetches (compressed)", f"{data / 1000:.1f} KB", verdict(data <= 20_000) + " (<= 20 KB)"),
            ("  a change of part fetches", "0 KB", "answered from the cloud's data"),
        ]
        width = max(len(r[0]) for r in rows)
        for name, value, note in rows:
            print(f"{name.ljust(width)}  {value:>9}  {note}")
        print("\nCold generation by inventory size:")
        base_size = min(scale)
        for size, seconds in scale.items():
            print(f"  {size:>4} components  {seconds:.3f} s  {seconds / size * 1000:.1f} ms per component")
        print("\nThe configurator by number of optional parts (slots, not combinations):")
        for extra, (combinations, seconds, size) in options.items():
            print(
                f"  +{extra:<2} optional parts  {combinations:>7} combinations per cloud  cold generation {seconds:.3f} s  "
                f"largest cloud data {size / 1000:.1f} KB compressed"
            )
        fewest, most = options[min(options)], options[max(options)]
        print(
            f"  combinations grew {most[0] / fewest[0]:.0f}x; "
            f"generation {most[1] / fewest[1]:.2f}x, data {most[2] / fewest[2]:.2f}x: "
            + verdict(most[2] <= 20_000)
            + " (data <= 20 KB whatever the number of parts)"
        )
        big, small = max(scale), min(scale)
        growth = (scale[big] / scale[small]) / (big / small)
        print(
            f"  time grew {scale[big] / scale[small]:.2f}x for {big // base_size}x the components: "
            + verdict(growth <= 1.0)
            + " (no faster than linear)"
        )


if __name__ == "__main__":
    main()
