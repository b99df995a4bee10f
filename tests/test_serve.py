"""`mkdocs serve` keeps serving the last good site through inventory mistakes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 60.0, what: str = "") -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_serve_survives_a_broken_inventory_and_recovers(site_copy: Path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/components.html"
    log = site_copy / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=site_copy,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        page = _wait_for(lambda: _get(url), what="the first build")
        assert "Locks conversations" not in page and 'id="lock-store"' in page
        inventory = site_copy / "inventory.yml"
        good = inventory.read_text()

        # Break it: a duplicate component id.
        inventory.write_text(good.replace("  - id: tracker-store\n", "  - id: lock-store\n", 1))
        broken = _wait_for(lambda: (p := _get(url)) and "rpa-build-error" in p and p, what="the error banner")
        assert "expected a unique component id, got &#x27;lock-store&#x27; again" in broken
        assert "inventory.yml:" in broken
        assert 'id="tracker-store"' in broken  # the last good content is still served
        assert server.poll() is None
        assert "expected a unique component id" in log.read_text()

        # Fix it with a visible change: the page recovers without a restart.
        fixed_text = good.replace("With several Rasa Pro replicas", "Locks conversations. With several Rasa Pro replicas", 1)
        assert fixed_text != good
        inventory.write_text(fixed_text)
        fixed = _wait_for(
            lambda: (p := _get(url)) and "rpa-build-error" not in p and "Locks conversations" in p and p,
            what="the recovered page",
        )
        assert 'id="tracker-store"' in fixed
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
