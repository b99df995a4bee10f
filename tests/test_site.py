"""The MkDocs site: strict build, links that land, nothing fetched from elsewhere."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
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


def test_diagram_node_links_land_on_component_sections(built_repo_site: Path, inventory):
    components = (built_repo_site / "components.html").read_text()
    anchors = set(re.findall(r'id="([^"]+)"', components))
    pages = [built_repo_site / "index.html", *sorted((built_repo_site / "generated" / "clouds").glob("*.html"))]
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
                assert target == (built_repo_site / "components.html").resolve(), (page, href)
                assert anchor in anchors, (page, anchor)
                # A cloud's diagram opens the section on its own cloud.
                expected = f"cloud={diagram}" if diagram in {c.id for c in inventory.clouds} else ""
                assert query == expected, (page, diagram, href)


def test_no_request_leaves_the_site(built_repo_site: Path):
    for page in built_repo_site.rglob("*.html"):
        html = page.read_text()
        external = re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(https?:)?//[^"]+"', html)
        assert not external, (page, external)
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_downloads_are_served(built_repo_site: Path, inventory):
    index = (built_repo_site / "deploy.html").read_text()
    for cloud in inventory.clouds:
        for name in ("endpoints.yml", "values.yml"):
            assert f'href="generated/files/{cloud.id}/{name}"' in index
            assert (built_repo_site / "generated" / "files" / cloud.id / name).is_file()


# ---------- navigation: readers' pages, no title twice in a row ----------


@dataclass
class NavItem:
    title: str = ""
    href: str | None = None
    children: list[NavItem] = field(default_factory=list)


class _NavParser(HTMLParser):
    """The primary navigation of a page as a tree of items (the table of contents inside it left out)."""

    VOID = frozenset({"input", "img", "br", "hr", "meta", "link", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.root = NavItem()
        self.items = [self.root]
        self.open: list[str] = []  # tags open inside the primary nav
        self.skip_from: int | None = None  # depth at which a skipped subtree started
        self.title_from: int | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done or tag in self.VOID:
            return
        cls = (dict(attrs).get("class") or "").split()
        if not self.open:
            if tag == "nav" and "md-nav--primary" in cls:
                self.open.append(tag)
            return
        self.open.append(tag)
        if self.skip_from is not None:
            return
        if tag == "nav" and "md-nav--secondary" in cls:
            self.skip_from = len(self.open)
        elif tag == "li" and "md-nav__item" in cls:
            item = NavItem()
            self.items[-1].children.append(item)
            self.items.append(item)
        elif tag == "a" and self.items[-1].href is None and len(self.items) > 1:
            self.items[-1].href = dict(attrs).get("href")
        elif tag == "span" and "md-ellipsis" in cls and not self.items[-1].title and len(self.items) > 1:
            self.title_from = len(self.open)

    def handle_endtag(self, tag: str) -> None:
        if self.done or not self.open or tag in self.VOID:
            return
        depth = len(self.open)
        if self.skip_from is not None and depth == self.skip_from:
            self.skip_from = None
        elif self.skip_from is None and tag == "li" and len(self.items) > 1:
            self.items.pop()
        if self.title_from == depth:
            self.title_from = None
        self.open.pop()
        if not self.open:
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.title_from is not None and self.skip_from is None:
            self.items[-1].title = " ".join((self.items[-1].title + " " + data).split())


def nav_tree(page: Path) -> NavItem:
    parser = _NavParser()
    parser.feed(page.read_text())
    assert parser.done and parser.root.children, page
    return parser.root


def heading(page: Path) -> str:
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", page.read_text(), re.S)
    assert match, page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("¶", "").split())


def nav_targets(page: Path, site: Path) -> set[Path]:
    """The pages the primary navigation of `page` links to (404.html links from the site root)."""
    hrefs: list[str] = []

    def walk(item: NavItem) -> None:
        if item.href and not item.href.startswith("#"):
            hrefs.append(item.href.split("#")[0])
        for child in item.children:
            walk(child)

    walk(nav_tree(page))
    return {resolve_href(page, site, h) for h in hrefs}


def resolve_href(page: Path, site: Path, href: str) -> Path:
    """The file a link of `page` opens (404.html is served at any depth: it links from the site root)."""
    base = site if href.startswith("/") or page.name == "404.html" else page.parent
    return (base / href.lstrip("/")).resolve()


def test_every_page_links_every_cloud_page(built_repo_site: Path, inventory):
    for page in built_repo_site.rglob("*.html"):
        targets = nav_targets(page, built_repo_site)
        for cloud in inventory.clouds:
            assert built_repo_site / "generated" / "clouds" / f"{cloud.id}.html" in targets, (page, cloud.id)


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


def test_the_configurator_stays_light_whatever_the_number_of_combinations(built_repo_site: Path):
    """The page loads at most 150 KB; a change of cloud fetches that cloud's slots, at most 20 KB as
    served (compressed, as every static host serves JSON); a change of part fetches nothing (the
    browser test sees every choice answered from the cloud's one file)."""
    import gzip

    page = (built_repo_site / "configurator.html").read_bytes()
    assert len(page) <= 150_000, len(page)
    data = list((built_repo_site / "generated" / "configurator").rglob("*.json"))
    assert data
    largest = max(len(gzip.compress(p.read_bytes())) for p in data)
    assert largest <= 20_000, largest


def test_the_navigation_holds_readers_pages_only(built_repo_site: Path, inventory):
    """Maintaining the site is not a reader's page: it is linked from every footer instead."""
    maintaining = (built_repo_site / "maintaining.html").resolve()
    for page in built_repo_site.rglob("*.html"):
        assert maintaining not in nav_targets(page, built_repo_site), page
        text = page.read_text()
        footer = text[text.index('<footer class="md-footer"') :]
        hrefs = re.findall(r'href="([^"#]+\.html)"', footer)
        assert maintaining in {resolve_href(page, built_repo_site, h) for h in hrefs}, page


def test_no_title_follows_itself_in_the_navigation_or_a_breadcrumb(built_repo_site: Path):
    """No section holds an item of its own name ("Clouds > Clouds"), and no page in a section
    is headed with the section's name: a section's own page is its landing page instead."""
    site = built_repo_site
    tree = nav_tree(site / "index.html")
    sections = 0

    def walk(item: NavItem, trail: list[str]) -> None:
        nonlocal sections
        for child in item.children:
            assert child.title and child.title not in trail, (trail, child.title)
            if child.children:
                sections += 1
                walk(child, [*trail, child.title])
            else:
                assert child.href, child.title
                target = (site / child.href).resolve()
                assert target.is_file(), child.href
                if trail:
                    assert heading(target) not in trail, (trail, child.title, heading(target))

    walk(tree, [])
    assert sections  # the cloud pages form a section


def test_a_section_with_a_page_of_its_own_lands_on_it(built_repo_site: Path):
    from generator import site as layout

    clouds = next(item for item in nav_tree(built_repo_site / "index.html").children if item.children)
    assert clouds.title == layout.CLOUDS_TITLE
    assert clouds.href, "the Clouds section has no page of its own"
    landing = (built_repo_site / layout.CLOUDS_PAGE).with_suffix(".html")
    assert (built_repo_site / clouds.href).resolve() == landing.resolve()
    assert heading(built_repo_site / clouds.href) == layout.CLOUDS_TITLE


# ---------- search: sections, not file dumps ----------


def search_entries(site: Path) -> list[dict[str, str]]:
    """The built search index of either builder, as (location, title, text) with the text as plain words."""
    material, zensical = site / "search" / "search_index.json", site / "search.json"
    index = json.loads((material if material.is_file() else zensical).read_text())
    entries = index["docs"] if "docs" in index else index["items"]
    assert entries
    return [
        {
            "location": e["location"],
            "title": e["title"],
            "text": " ".join(html.unescape(re.sub(r"<[^>]+>", " ", e["text"])).split()),
        }
        for e in entries
    ]


def test_generated_files_stay_out_of_the_search_index(built_repo_site: Path, rendered, inventory):
    """No line of a generated file (endpoints.yml, values.yml, deploy.sh, config.yml) is in the index."""
    text = "\n".join(e["text"] for e in search_entries(built_repo_site))
    checked = 0
    for path, data in rendered.items():
        if not path.startswith("files/"):
            continue
        for line in data.decode().splitlines():
            line = " ".join(line.split())
            # Short lines ("type: redis") could be ordinary words; comment lines repeat prose the page shows.
            if len(line) >= 30 and not line.startswith("#"):
                assert line not in text, (path, line)
                checked += 1
    assert checked > 50 * len(inventory.clouds)


def test_a_components_name_finds_its_section(built_repo_site: Path, inventory):
    """Each component's section is in the index under its own name, with its words, not its files."""
    entries = search_entries(built_repo_site)
    for comp in inventory.components:
        sections = [e for e in entries if e["location"].endswith(f"components.html#{comp.id}")]
        assert [e["title"] for e in sections] == [comp.name], comp.id
        words = re.findall(r"[A-Za-z]{4,}", comp.description)[:6]
        assert words and all(w in sections[0]["text"] for w in words), comp.id
