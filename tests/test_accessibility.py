"""Lighthouse (npm) against Debian's Chromium: accessibility 100 and crawlable links on every page.

Every page is audited in one Chromium session (tests/js/lighthouse.mjs), once
per run; each page's verdict is its own test.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO
from .test_browser import PAGES

AUDITED = [*PAGES, "404.html"]
SCRIPT = REPO / "tests" / "js" / "lighthouse.mjs"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reports(site_servers, artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    site_url = site_servers("mkdocs")
    if not (REPO / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: run `make test` (it runs `npm ci`)")
    out = artifacts / "lighthouse"
    profile = tmp_path_factory.mktemp("lighthouse-profile")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={profile}"])
    proc = subprocess.run(
        ["node", str(SCRIPT), str(out), "accessibility,seo", *[site_url + page for page in AUDITED]],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM), "CHROME_FLAGS": flags},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = {}
    for index, page in enumerate(AUDITED):
        report = out / f"{index}.json"
        named = out / (page.replace("/", "_") + ".json")
        report.replace(named)
        found[page] = json.loads(named.read_text())
    return found


@pytest.mark.parametrize("path", AUDITED)
def test_lighthouse_accessibility_is_100(reports: dict[str, dict], path: str):
    result = reports[path]
    assert result["finalDisplayedUrl"].endswith(path)
    failing = [
        f"{key}: {audit['title']}"
        for key, audit in result["audits"].items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    assert result["categories"]["accessibility"]["score"] == 1, failing


@pytest.mark.parametrize("path", AUDITED)
def test_lighthouse_finds_every_link_crawlable(reports: dict[str, dict], path: str):
    # Graphviz wraps tooltips in <a> without a link; search engines (and Lighthouse's SEO score) count them as broken links.
    audit = reports[path]["audits"]["crawlable-anchors"]
    failing = [item["node"].get("snippet") for item in (audit.get("details") or {}).get("items", [])]
    assert audit["score"] == 1, failing[:5]
