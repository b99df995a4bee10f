"""The MkDocs site: strict build, links that land, nothing fetched from elsewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import copy_project

MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_mkdocs(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MKDOCS, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """`mkdocs build --strict` of a copy of the project, generation by the hook."""
    project = copy_project(tmp_path_factory.mktemp("site"))
    proc = run_mkdocs(project, "build", "--strict")
    assert proc.returncode == 0, proc.stderr
    return project / "site"


def test_strict_build_passes_and_regenerates(built_site: Path, inventory):
    assert (built_site / "index.html").exists()
    for cloud in inventory.clouds:
        assert (built_site / "generated" / "clouds" / f"{cloud.id}.html").exists()
        assert (built_site / "generated" / "files" / cloud.id / "values.yml").exists()


def test_diagram_node_links_land_on_component_sections(built_site: Path, inventory):
    components = (built_site / "components.html").read_text()
    anchors = set(re.findall(r'id="([^"]+)"', components))
    pages = [built_site / "index.html", *sorted((built_site / "generated" / "clouds").glob("*.html"))]
    for page in pages:
        html = page.read_text()
        svgs = re.findall(r'<svg\b[^>]*data-diagram="([^"]+)"(.*?)</svg>', html, re.S)
        assert svgs, page
        for diagram, svg in svgs:
            links = re.findall(r'xlink:href="([^"#][^"]*)#([^"]+)"', svg)
            assert links, (page, diagram)
            for href, anchor in links:
                path, _, query = href.partition("?")
                target = (page.parent / path).resolve()
                assert target == (built_site / "components.html").resolve(), (page, href)
                assert anchor in anchors, (page, anchor)
                # A cloud's diagram opens the section on its own cloud.
                expected = f"cloud={diagram}" if diagram in {c.id for c in inventory.clouds} else ""
                assert query == expected, (page, diagram, href)


def test_no_request_leaves_the_site(built_site: Path):
    for page in built_site.rglob("*.html"):
        html = page.read_text()
        external = re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(https?:)?//[^"]+"', html)
        assert not external, (page, external)
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_downloads_are_served(built_site: Path, inventory):
    index = (built_site / "deploy.html").read_text()
    for cloud in inventory.clouds:
        for name in ("endpoints.yml", "values.yml"):
            assert f'href="generated/files/{cloud.id}/{name}"' in index
            assert (built_site / "generated" / "files" / cloud.id / name).is_file()


def test_build_without_hook_uses_generated_files(site_copy: Path):
    """Zensical runs no hooks: generating first, then building must work alone."""
    gen = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=site_copy, capture_output=True, text=True, timeout=120)
    assert gen.returncode == 0, gen.stderr
    proc = run_mkdocs(site_copy, "build", "--strict", env={"RPA_GENERATE": "0"})
    assert proc.returncode == 0, proc.stderr
    assert "generator:" not in proc.stderr


def nav_targets(page: Path, site: Path) -> set[Path]:
    """The pages the primary navigation of `page` links to (404.html links from the site root)."""
    text = page.read_text()
    nav = text[text.index('<nav class="md-nav md-nav--primary') :]
    hrefs = re.findall(r'href="([^"#]+\.html)"', nav)
    return {(site / h.lstrip("/") if h.startswith("/") else page.parent / h).resolve() for h in hrefs}


def test_every_page_links_every_cloud_page(built_site: Path, inventory):
    for page in built_site.rglob("*.html"):
        targets = nav_targets(page, built_site)
        for cloud in inventory.clouds:
            assert built_site / "generated" / "clouds" / f"{cloud.id}.html" in targets, (page, cloud.id)


def test_build_fails_clearly_on_a_broken_inventory(site_copy: Path):
    inventory = site_copy / "inventory.yml"
    data = yaml.safe_load(inventory.read_text())
    data["components"][1]["id"] = data["components"][0]["id"]
    inventory.write_text(yaml.safe_dump(data, sort_keys=False))
    proc = run_mkdocs(site_copy, "build", "--strict")
    assert proc.returncode == 1
    assert "inventory.yml has problems; docs/generated/ was left as it was." in proc.stderr
    assert re.search(r"inventory\.yml:\d+: components\[\d+\]\.id: expected a unique component id", proc.stderr)
    assert not (site_copy / "site" / "index.html").exists()


def test_the_configurator_stays_light_whatever_the_number_of_combinations(built_site: Path):
    """The page loads at most 150 KB; each change of choice fetches one shard of at most 20 KB as served
    (compressed, as every static host serves JSON)."""
    import gzip

    page = (built_site / "configurator.html").read_bytes()
    assert len(page) <= 150_000, len(page)
    shards = list((built_site / "generated" / "configurator").rglob("*.json"))
    assert shards
    largest = max(len(gzip.compress(p.read_bytes())) for p in shards)
    assert largest <= 20_000, largest
