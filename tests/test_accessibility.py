"""Lighthouse (npm) against Debian's Chromium, beside a bare Material site built in the same run.

On every page, in both palettes: performance at least the bare site's, and accessibility,
best practices and SEO 100; links are crawlable.

The bare site is Material for MkDocs with nothing of ours: `theme: material` and the
offline settings this site needs (no Google Fonts, the same two palettes), and two plain
Markdown pages with a table and a code block. It is audited with the same script, the
same Chromium flags and the same Lighthouse settings, in the same Chromium session as our
pages and interleaved with them, so both see the same load on the machine.

Settings, and why:
- Lighthouse's desktop preset with its simulated throttling (computed from the trace, the
  least noisy of its methods). The mobile preset multiplies every observed main-thread task
  by 4 before it scores blocking time: on a shared 2-CPU runner the same page's total
  blocking time then swings several-fold between runs (measured: 230 to 940 ms), so a
  comparison with it would be decided by the neighbours' load, not by the site. Readers of
  a reference architecture read it at a desk, too (the diagrams are laid out for a 1440 px
  screen).
- Both sites are served compressed (gzip), as GitHub Pages and every static host serve
  them: an uncompressed test server would measure the server, not the pages.
- The dark palette is the slate scheme that Material picks for `prefers-color-scheme: dark`
  (Chromium's --force-dark-mode); Lighthouse clears the storage where a reader's toggle
  would be remembered, so the media query decides. Each report's final screenshot is
  checked to be dark or light as asked.
- Performance is the median of runs. The bare site is audited BARE_ROUNDS times, spread
  over the session. A page of ours is audited once, and four times more (the median of the
  five decides) unless that first run is unambiguous: at the bar or above, with no more than
  UNCOUNTED_MS of blocking left out of its score. Lighthouse counts blocking time only after
  the first paint, and where the first paint falls among the page's tasks varies from run
  to run: a page that blocks its main thread for 0.4 s at start-up scored 0.94, 0.96 and
  1.00 in three runs (the third drew its first paint after the block), so a lucky run must
  not decide alone. A page passes within PERFORMANCE_TOLERANCE of the bar (see there why).
  The other categories do not depend on timing: a page's first run decides them.

Every report and a summary of the comparison land in test-artifacts/lighthouse/.
"""

from __future__ import annotations

import base64
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO
from .test_browser import PAGES

AUDITED = [*PAGES, "404.html"]
SCRIPT = REPO / "tests" / "js" / "lighthouse.mjs"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PRESET = "desktop"  # see the module's docstring
# Material's palette for each, and the Chromium flags that make Material choose it.
PALETTES = {"default": [], "slate": ["--force-dark-mode"]}
BARE_PAGES = ["index.html", "guide.html"]
# A bare page is audited before, between the halves of, and after our pages in each palette,
# so that its runs meet the load our pages met; their median is the bar.
BARE_ROUNDS = 3
# Runs of a page of ours whose first run is not unambiguous (see the docstring).
# Five, not three: under the other tests' load the median of three of the heaviest page met a
# run of 0.98 now and then (its runs spread over 0.97-1.00).
PERFORMANCE_RUNS = 5
# Blocking time (the part of each long task over 50 ms) that a first run may leave out of its
# score and still decide alone: 50 ms of it, had it counted, costs the desktop score 0.0005.
UNCOUNTED_MS = 50
# A page passes at the bar less this, one step of Lighthouse's 2-decimal score. Load on the
# machine reaches a page in proportion to its own work, so the bare page (about 100 elements)
# stays at 1.00 while ours do not: on this 2-CPU machine under other tests (Lighthouse's CPU
# benchmark at 900-1600, against 2300 idle) the heaviest page, Components (2 600 elements
# drawn), scored 0.97-1.00 over 8 runs, median 0.99, and 1.00 when the machine was quiet.
# A page that blocks for 0.4 s at start-up scores 0.92-0.96: still caught.
PERFORMANCE_TOLERANCE = 0.01

pytestmark = pytest.mark.browser

Runs = dict[tuple[str, str], list[dict]]  # (palette, page) -> its Lighthouse reports

BARE_CONFIG = """\
site_name: Bare Material
site_description: A Material for MkDocs site with nothing added, to compare against.
use_directory_urls: false
strict: true
theme:
  name: material
  # No Google Fonts: the site must work offline, as ours does.
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
markdown_extensions:
  - tables
  - pymdownx.highlight
  - pymdownx.superfences
nav:
  - Overview: index.md
  - Guide: guide.md
"""

BARE_PROSE = """\
A deployment has three kinds of parts: the server, which the vendor provides; services
you build, such as an action server; and cloud services you provision, such as the
database that keeps conversations. This page shows how they fit together, which managed
product to pick for each, and the configuration that connects them.

Use managed services where you can: the providers take care of availability, patching and
backups. The table lists a proven choice on each cloud; the guide explains the
alternatives and what each part needs from the others.
"""

BARE_TABLE = """\
| Part | AWS | Azure | Google Cloud |
| --- | --- | --- | --- |
| Tracker store | Amazon RDS for PostgreSQL | Azure Database for PostgreSQL | Cloud SQL for PostgreSQL |
| Lock store | Amazon ElastiCache for Redis | Azure Cache for Redis | Memorystore for Redis |
| Event queue | Amazon MSK | Event Hubs for Kafka | Managed Service for Apache Kafka |
| Model storage | Amazon S3 | Azure Blob Storage | Cloud Storage |
| Secrets | AWS Secrets Manager | Azure Key Vault | Secret Manager |
"""

BARE_CODE = """\
```yaml
tracker_store:
  type: sql
  dialect: postgresql
  url: ${DB_HOST}
  port: 5432
  username: ${DB_USER}
  password: ${DB_PASSWORD}
  db: rasa
lock_store:
  type: redis
  url: ${REDIS_HOST}
  port: 6379
  password: ${REDIS_PASSWORD}
event_broker:
  type: kafka
  url: ${KAFKA_BROKERS}
  topic: rasa-events
```
"""


def bare_page(title: str) -> str:
    sections = [f"## {name}\n\n{BARE_PROSE}" for name in ("Architecture", "Services", "Configuration")]
    return f"# {title}\n\n{BARE_PROSE}\n{sections[0]}\n{BARE_TABLE}\n{sections[1]}\n{BARE_CODE}\n{sections[2]}"


def build_bare_site(parent: Path) -> Path:
    project = parent / "bare"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(BARE_CONFIG)
    (project / "docs" / "index.md").write_text(bare_page("Bare Material"))
    (project / "docs" / "guide.md").write_text(bare_page("Guide"))
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project / "site"


class CompressedHandler(http.server.SimpleHTTPRequestHandler):
    """A static host as readers meet one: text files sent gzip-compressed when asked."""

    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".yml", ".map")

    def log_message(self, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if not (path.is_file() and path.suffix in self.COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def compressed_servers() -> Iterator[Callable[[Path], str]]:
    """Serve a folder compressed on a free loopback port; stop every server at the end."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(directory: Path) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CompressedHandler, directory=str(directory)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def run_lighthouse(out: Path, palette: str, urls: list[str], profile: Path, categories: Sequence[str] = CATEGORIES) -> list[dict]:
    """One Chromium session in `palette` that audits `urls` in turn: their reports, in order."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS, *PALETTES[palette], f"--user-data-dir={profile}"])
    proc = subprocess.run(
        ["node", str(SCRIPT), str(out), ",".join(categories), PRESET, *urls],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM), "CHROME_FLAGS": flags},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    reports = []
    for index, url in enumerate(urls):
        path = out / f"{index}.json"
        report = json.loads(path.read_text())
        path.unlink()
        assert report["finalDisplayedUrl"] == url, (report["finalDisplayedUrl"], url)
        reports.append(report)
    return reports


def performance(report: dict) -> float:
    return report["categories"]["performance"]["score"]


def uncounted_blocking(report: dict) -> float:
    """Blocking time of the page's long tasks (simulated) that its total blocking time left out."""
    tasks = (report["audits"]["long-tasks"].get("details") or {}).get("items", [])
    return sum(max(0.0, task["duration"] - 50) for task in tasks) - report["audits"]["total-blocking-time"]["numericValue"]


def unambiguous(report: dict, bar: float) -> bool:
    return performance(report) >= bar - PERFORMANCE_TOLERANCE and uncounted_blocking(report) <= UNCOUNTED_MS


def page_performance(runs: list[dict]) -> float:
    """The first run's score if that run decides alone, else the median of all runs."""
    return performance(runs[0]) if len(runs) == 1 else statistics.median(performance(r) for r in runs)


def scores(report: dict) -> dict[str, float]:
    return {name: report["categories"][name]["score"] for name in CATEGORIES}


METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")


def metrics(report: dict) -> dict[str, float]:
    return {name: round(report["audits"][name]["numericValue"], 3) for name in METRICS}


@pytest.fixture(scope="module")
def lighthouse(site_builds, compressed_servers, artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every page and the bare site's pages, audited in each palette; the summary is written out.

    Returns {"pages": {(palette, page): [report, ...]}, "bare": {palette: [report, ...]},
    "bars": {palette: score}}; a page's first report is its only one unless its performance
    was not unambiguous, when it is audited PERFORMANCE_RUNS times in all.
    """
    if not (REPO / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: run `make test` (it runs `npm ci`)")
    site_url = compressed_servers(site_builds("mkdocs"))
    bare_url = compressed_servers(build_bare_site(tmp_path_factory.mktemp("bare-material")))
    out = artifacts / "lighthouse"
    shutil.rmtree(out, ignore_errors=True)  # no report of an earlier session may pass for this one's
    pages: Runs = {}
    bare: dict[str, list[dict]] = {}
    bars: dict[str, float] = {}
    # Our pages in BARE_ROUNDS - 1 parts, with a bare page audited before, between and after them.
    parts = [AUDITED[i :: BARE_ROUNDS - 1] for i in range(BARE_ROUNDS - 1)]
    for palette in PALETTES:
        order: list[tuple[str, str]] = []
        for round_ in range(BARE_ROUNDS):
            order.append((bare_url, BARE_PAGES[round_ % len(BARE_PAGES)]))
            order += [(site_url, page) for page in (parts[round_] if round_ < len(parts) else [])]
        profile = tmp_path_factory.mktemp(f"lighthouse-profile-{palette}")
        reports = run_lighthouse(out / palette, palette, [base + page for base, page in order], profile)
        bare[palette] = [report for (base, _), report in zip(order, reports, strict=True) if base == bare_url]
        for (base, page), report in zip(order, reports, strict=True):
            if base == site_url:
                pages[(palette, page)] = [report]
        bars[palette] = statistics.median(performance(report) for report in bare[palette])
        unsure = [page for page in AUDITED if not unambiguous(pages[(palette, page)][0], bars[palette])]
        if unsure:
            again = [page for _ in range(PERFORMANCE_RUNS - 1) for page in unsure]
            reports = run_lighthouse(out / palette, palette, [site_url + p for p in again], profile, ["performance"])
            for page, report in zip(again, reports, strict=True):
                pages[(palette, page)].append(report)
        for index, report in enumerate(bare[palette]):
            (out / palette / f"bare-{index}-{BARE_PAGES[index % len(BARE_PAGES)]}.json").write_text(json.dumps(report))
        for page in AUDITED:
            for index, report in enumerate(pages[(palette, page)]):
                suffix = f".run-{index + 1}" if index else ""
                (out / palette / f"{page.replace('/', '_')}{suffix}.json").write_text(json.dumps(report))
    write_summary(out, pages, bare, bars)
    return {"pages": pages, "bare": bare, "bars": bars}


def write_summary(out: Path, pages: Runs, bare: dict[str, list[dict]], bars: dict[str, float]) -> None:
    summary = {
        "settings": {"preset": PRESET, "throttling": "simulate", "served": "gzip", "palettes": list(PALETTES)},
        "performance_tolerance": PERFORMANCE_TOLERANCE,
        "bare": {
            palette: {
                "performance_bar": bars[palette],
                "runs": [{"url": r["finalDisplayedUrl"], "scores": scores(r), "metrics": metrics(r)} for r in runs],
            }
            for palette, runs in bare.items()
        },
        "pages": {
            palette: {
                page: {
                    "scores": {**scores(runs[0]), "performance": page_performance(runs)},
                    "performance_runs": [performance(r) for r in runs],
                    "first_run_uncounted_blocking_ms": round(uncounted_blocking(runs[0])),
                    "metrics_runs": [metrics(r) for r in runs],
                }
                for page in AUDITED
                for runs in [pages[(palette, page)]]
            }
            for palette in PALETTES
        },
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    lines = [
        f"Lighthouse, {PRESET} preset, simulated throttling, served gzipped. Scores: " + " / ".join(CATEGORIES),
        f"A page's performance is its first run's, or the median of {PERFORMANCE_RUNS} runs where shown.",
    ]
    for palette in PALETTES:
        lines.append(f"\n[{palette}] bar: the bare Material site's median performance, {bars[palette]:.2f}")
        for report in bare[palette]:
            name = "bare Material " + report["finalDisplayedUrl"].rsplit("/", 1)[-1]
            lines.append(f"  {name:<40} " + " ".join(f"{scores(report)[c]:.2f}" for c in CATEGORIES))
        for page in AUDITED:
            runs = pages[(palette, page)]
            shown = {**scores(runs[0]), "performance": page_performance(runs)}
            each = ", ".join(f"{performance(r):.2f}" for r in runs)
            more = f"   (median of {len(runs)} runs: {each})" if len(runs) > 1 else ""
            lines.append(f"  {page:<40} " + " ".join(f"{shown[c]:.2f}" for c in CATEGORIES) + more)
    (out / "summary.txt").write_text("\n".join(lines) + "\n")


def failing_audits(report: dict, category: str) -> list[str]:
    """The category's scored audits that fell short, with Lighthouse's title and the items at fault."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items", [])
            found.append(f"{ref['id']} ({audit['score']}): {audit['title']} {json.dumps(items)[:400]}")
    return found


def palette_of_screenshot(report: dict) -> str:
    from PIL import Image, ImageStat

    data = report["audits"]["final-screenshot"]["details"]["data"].split(",", 1)[1]
    with Image.open(io.BytesIO(base64.b64decode(data))) as shot:
        mean = ImageStat.Stat(shot.convert("L")).mean[0]
    return "slate" if mean < 128 else "default"


CASES = [pytest.param(palette, path, id=f"{palette}-{path}") for palette in PALETTES for path in AUDITED]


@pytest.mark.parametrize(("palette", "path"), CASES)
def test_lighthouse_performance_is_at_least_the_bare_material_sites(lighthouse: dict[str, Any], palette: str, path: str):
    runs = lighthouse["pages"][(palette, path)]
    bar = lighthouse["bars"][palette]
    bare_metrics = [metrics(r) for r in lighthouse["bare"][palette]]
    shortfall = [failing_audits(r, "performance") for r in runs]
    assert page_performance(runs) >= bar - PERFORMANCE_TOLERANCE, (
        [performance(r) for r in runs],
        bar,
        [metrics(r) for r in runs],
        bare_metrics,
        shortfall,
    )


@pytest.mark.parametrize(("palette", "path"), CASES)
@pytest.mark.parametrize("category", ["accessibility", "best-practices", "seo"])
def test_lighthouse_category_is_100(lighthouse: dict[str, Any], palette: str, path: str, category: str):
    report = lighthouse["pages"][(palette, path)][0]
    assert report["categories"][category]["score"] == 1, failing_audits(report, category)


@pytest.mark.parametrize(("palette", "path"), CASES)
def test_lighthouse_finds_every_link_crawlable(lighthouse: dict[str, Any], palette: str, path: str):
    # Graphviz wraps tooltips in <a> without a link; search engines (and Lighthouse's SEO score) count them as broken links.
    audit = lighthouse["pages"][(palette, path)][0]["audits"]["crawlable-anchors"]
    failing = [item["node"].get("snippet") for item in (audit.get("details") or {}).get("items", [])]
    assert audit["score"] == 1, failing[:5]


@pytest.mark.parametrize(("palette", "path"), CASES)
def test_lighthouse_saw_the_palette_asked_for(lighthouse: dict[str, Any], palette: str, path: str):
    assert all(palette_of_screenshot(report) == palette for report in lighthouse["pages"][(palette, path)])


@pytest.mark.parametrize("palette", PALETTES)
def test_the_bare_material_site_was_audited_in_each_round_and_palette(lighthouse: dict[str, Any], palette: str):
    runs = lighthouse["bare"][palette]
    assert len(runs) == BARE_ROUNDS
    assert all(palette_of_screenshot(run) == palette for run in runs)
    # Material alone, with nothing of ours: no stylesheet or script beyond its own.
    requested = [item["url"] for run in runs for item in run["audits"]["network-requests"]["details"]["items"]]
    assert not [url for url in requested if "extra.css" in url or "site.js" in url]
