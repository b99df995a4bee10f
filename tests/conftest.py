from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from generator import marks
from generator.render import render_all
from generator.validate import load

REPO = Path(__file__).resolve().parent.parent
INVENTORY = REPO / "inventory.yml"
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = REPO / "tests" / "inventories"
SMALL = CORPUS / "good" / "small.yml"
ARTIFACTS = REPO / "test-artifacts"

# Property tests draw the same examples on every run and every machine: CI starts with no
# example database, so a random seed would make a rare failure look like flakiness.
# HYPOTHESIS_PROFILE=explore searches afresh (and remembers what it finds) when you want that.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the expected outputs and error texts under tests/inventories/ instead of comparing",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests never read or fill the working tree's cache (subprocesses inherit this too)."""
    cache = tmp_path_factory.mktemp("generator-cache")
    old = os.environ.get("RPA_CACHE_DIR")
    os.environ["RPA_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("RPA_CACHE_DIR", None)
    else:
        os.environ["RPA_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def inventory():
    return load(INVENTORY)


@pytest.fixture(scope="session")
def rendered(inventory) -> dict[str, bytes]:
    """Every generated file of the real inventory, in memory."""
    return render_all(inventory)


@pytest.fixture(scope="session")
def text(rendered):
    def get(path: str) -> str:
        return rendered[path].decode("utf-8")

    return get


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def copy_project(parent: Path) -> Path:
    """A copy of the project's site sources, so a test may break it freely."""
    dest = parent / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "inventory.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("docs", "generator", "diagrams", "schema", "overrides"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("generated", "__pycache__"))
    return dest


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Every builder that publishes this site from mkdocs.yml. Zensical runs no MkDocs hooks, so
# each build here generates first, then builds, as a hook-less builder must.
BUILDERS = ("mkdocs", "zensical")


def build_site(project: Path, builder: str) -> Path:
    """`python -m generator build`, then a strict build of `project` by `builder`, into project/site."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RPA_GENERATE": "0"}
    gen = subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=project, capture_output=True, text=True, env=env, timeout=300
    )
    assert gen.returncode == 0, gen.stderr
    # Zensical writes to the site_dir of mkdocs.yml and has no option to change it: both use project/site.
    proc = subprocess.run(
        [sys.executable, "-m", builder, "build", "--strict"], cwd=project, capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "site" / "index.html").is_file(), proc.stdout + proc.stderr
    assert "generator:" not in proc.stderr  # RPA_GENERATE=0: MkDocs' hook used what was generated
    return project / "site"


@pytest.fixture(scope="session")
def site_builds(tmp_path_factory) -> Callable[[str], Path]:
    """The working tree's site built by a builder, once per session and builder, in a copy of the project."""
    built: dict[str, Path] = {}

    def get(builder: str) -> Path:
        if builder not in built:
            built[builder] = build_site(copy_project(tmp_path_factory.mktemp(f"built-{builder}")), builder)
        return built[builder]

    return get


@pytest.fixture(scope="session", params=BUILDERS)
def builder(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def built_repo_site(builder: str, site_builds) -> Path:
    return site_builds(builder)


@pytest.fixture(scope="session")
def site_servers(site_builds) -> Iterator[Callable[[str], str]]:
    """Serve a builder's site on a free loopback port (each once per session); stop them all at the end."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    servers: dict[str, http.server.ThreadingHTTPServer] = {}

    def url(builder: str) -> str:
        if builder not in servers:
            handler = functools.partial(Quiet, directory=str(site_builds(builder)))
            servers[builder] = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=servers[builder].serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{servers[builder].server_address[1]}/"

    yield url
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(builder: str, site_servers) -> str:
    """The site as built by each builder in turn: tests that use it run once per builder."""
    return site_servers(builder)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make test` (it installs it) or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


PNG_TOP = re.compile(rb"^\x89PNG\r\n\x1a\n(?:(?!IDAT).)*?tEXt" + re.escape(marks.png_text()), re.S)
SVG_TOP = re.compile(r"^(?:<\?xml[^>]*>\s*)?<svg[^>]*>\s*" + re.escape(marks.xml_comment()))


def starts_with_the_notice(name: str, data: bytes) -> bool:
    """The notice at the top, in the file's own syntax (after the line a script must start with)."""
    if name.endswith(".png"):
        return PNG_TOP.match(data) is not None
    text = data.decode("utf-8")
    if name.endswith(".svg"):
        return SVG_TOP.match(text) is not None
    lines = text.splitlines()
    if lines and lines[0].startswith("#!"):
        lines = lines[1:]
    return bool(lines) and lines[0] == f"# {marks.NOTICE}"
