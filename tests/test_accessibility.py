"""Lighthouse (npm) against Debian's Chromium: accessibility 100 on every page."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO
from .test_browser import PAGES

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", [*PAGES, "404.html"])
def test_lighthouse_accessibility_is_100(site_url, path, artifacts, tmp_path: Path):
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is not installed: run `make test` (it runs `npm ci`)")
    report = artifacts / "lighthouse" / (path.replace("/", "_") + ".json")
    report.parent.mkdir(parents=True, exist_ok=True)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}"])
    proc = subprocess.run(
        [
            str(LIGHTHOUSE),
            site_url + path,
            "--only-categories=accessibility",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={flags}",
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(report.read_text())
    failing = [
        f"{key}: {audit['title']}"
        for key, audit in result["audits"].items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    assert result["categories"]["accessibility"]["score"] == 1, failing
