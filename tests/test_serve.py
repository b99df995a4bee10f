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
import yaml

from .conftest import SMALL

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


def _wait_for(
    predicate, timeout: float = 60.0, what: str = "", server: subprocess.Popen | None = None, log: Path | None = None
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if server is not None and server.poll() is not None:
            tail = log.read_text()[-2000:] if log else ""
            pytest.fail(f"mkdocs serve exited ({server.returncode}) while waiting for {what}:\n{tail}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


MARKER = "Edited under mkdocs serve."


def test_serve_survives_a_broken_inventory_and_recovers(site_copy: Path):
    good = SMALL.read_text()
    (site_copy / "inventory.yml").write_text(good)
    first, second = yaml.safe_load(good)["components"][:2]
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
        page = _wait_for(lambda: _get(url), what="the first build", server=server, log=log)
        assert MARKER not in page and f'id="{second["id"]}"' in page
        inventory = site_copy / "inventory.yml"

        # Break it: a duplicate component id.
        broken_data = yaml.safe_load(good)
        broken_data["components"][1]["id"] = first["id"]
        inventory.write_text(yaml.safe_dump(broken_data, sort_keys=False))
        broken = _wait_for(
            lambda: (p := _get(url)) and "rpa-build-error" in p and p, what="the error banner", server=server, log=log
        )
        assert f"expected a unique component id, got &#x27;{first['id']}&#x27; again" in broken
        assert "inventory.yml:" in broken
        assert f'id="{second["id"]}"' in broken  # the last good content is still served
        assert server.poll() is None
        assert "expected a unique component id" in log.read_text()

        # Fix it with a visible change: the page recovers without a restart.
        fixed_data = yaml.safe_load(good)
        fixed_data["components"][1]["description"] = MARKER
        inventory.write_text(yaml.safe_dump(fixed_data, sort_keys=False))
        fixed = _wait_for(
            lambda: (p := _get(url)) and "rpa-build-error" not in p and MARKER in p and p,
            what="the recovered page",
            server=server,
            log=log,
        )
        assert f'id="{second["id"]}"' in fixed
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
