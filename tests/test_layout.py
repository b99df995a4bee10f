"""Layout in a real browser: phones, variable names, code blocks and downloads.

Every page of the built site is checked (listed from the build, so a new page is
covered without touching this file), with every tab and every "details" opened at
once: content hidden behind a tab must fit as well as the content shown first.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from generator import site
from generator.assemble import component_fragment

from .conftest import starts_with_the_notice

pytestmark = pytest.mark.browser

PHONE = 390
# Material's layouts: phone, tablet without sidebars, tablet with the navigation drawer, desktop.
WIDTHS = [PHONE, 768, 1024, 1280]
SCHEMES = {"light": "default", "dark": "slate"}


def built_pages(site_dir: Path) -> list[str]:
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    assert "index.html" in pages and len(pages) > len(list((Path(__file__).parent.parent / "docs").glob("*.md")))
    return pages


def variable_names(inventory) -> list[str]:
    """Every environment variable any part declares, on any cloud, in any variant."""
    names = {
        var.name
        for index, comp in enumerate(inventory.components)
        for cloud in inventory.clouds
        for variant in [v.id for v in comp.variants] or [None]
        for var in component_fragment(inventory, index, cloud.id, variant).env
    }
    return sorted(names, key=lambda n: (-len(n), n))


REVEAL = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const style = document.createElement('style');
  style.textContent = '.tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }';
  document.head.appendChild(style);
}"""


# Material sets a code block up (its copy button) when it first comes into view (mkdocs.yml:
# content.lazy); it names the block's <pre> "__code_…" then. Every block is brought into view
# once so that the copy buttons are all there to check; the blocks still not set up are returned.
MOUNT_CODE_BLOCKS = """async () => {
  const shown = () => [...document.querySelectorAll('pre > code')].filter((c) => c.getClientRects().length);
  const waiting = () => shown().filter((c) => !c.parentElement.id.startsWith('__code_'));
  for (const code of waiting()) {
    if (code.parentElement.id.startsWith('__code_')) continue;
    code.scrollIntoView({block: 'center'});
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  window.scrollTo(0, 0);
  return waiting().length;
}"""


def configurator_states(page) -> Iterator[str]:
    """On the configurator, its default, then every part on with each n-th variant; elsewhere the page as loaded."""
    form = page.locator("form.rpa-configurator")
    if form.count() == 0:
        yield "as loaded"
        return
    ready = page.locator('.rpa-config-output[data-state="ready"]')
    ready.wait_for()
    yield "default choice"
    for box in form.locator('input[type="checkbox"]').all():
        box.check()
    ready.wait_for()
    yield "every part"
    sets = form.locator("fieldset.rpa-variants").all()
    most = max((s.locator('input[type="radio"]').count() for s in sets), default=0)
    for n in range(1, most):
        for radios in (s.locator('input[type="radio"]') for s in sets):
            if radios.count() > n:
                radios.nth(n).check()
        ready.wait_for()
        yield f"every part, variant {n + 1}"


SIDEWAYS = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth + 0.5;
  const past = (el) => el && el.getBoundingClientRect().right > limit;
  const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('');
  // The outermost elements that reach past the right edge: where a fix belongs.
  const culprits = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().width > 0 && past(el) && !past(el.parentElement))
    .map((el) => name(el) + ' ' + Math.round(el.getBoundingClientRect().width) + 'px');
  const scheme = document.body.getAttribute('data-md-color-scheme');
  return {scroll: root.scrollWidth, client: root.clientWidth, scheme, culprits: culprits.slice(0, 5)};
}"""


BROKEN_NAMES = """(names) => {
  // Each occurrence of a name, even split over several highlighted spans, must lie on one line.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest('script, style') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  const starts = [];
  let flat = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push(n);
    starts.push(flat.length);
    flat += n.data;
  }
  function at(offset, end) {
    let lo = 0, hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] < offset || (!end && starts[mid] === offset)) lo = mid; else hi = mid - 1;
    }
    return [nodes[lo], offset - starts[lo]];
  }
  const pattern = new RegExp('(?<![A-Za-z0-9_])(?:' + names.join('|') + ')(?![A-Za-z0-9_])', 'g');
  const broken = [];
  let seen = 0;
  for (const m of flat.matchAll(pattern)) {
    const range = document.createRange();
    range.setStart(...at(m.index, false));
    range.setEnd(...at(m.index + m[0].length, true));
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    seen += 1;
    const top = Math.max(...rects.map((r) => r.top));
    const bottom = Math.min(...rects.map((r) => r.bottom));
    if (top >= bottom - 1) {
      const holder = range.commonAncestorContainer.parentElement || range.commonAncestorContainer;
      const lines = new Set(rects.map((r) => Math.round(r.top))).size;
      broken.push(m[0] + ' in <' + holder.tagName.toLowerCase() + '> on ' + lines + ' lines');
    }
  }
  return {seen, broken};
}"""


COVERED_TEXT = """() => {
  const out = {blocks: 0, covered: []};
  for (const nav of document.querySelectorAll('pre > .md-code__nav')) {
    const button = nav.getBoundingClientRect();
    if (button.width === 0) continue;
    out.blocks += 1;
    const block = nav.closest('.highlight') || nav.closest('pre');
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (nav.contains(n) || !n.data.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const hit = [...range.getClientRects()].some((r) => r.width > 0 && r.left < button.right && r.right > button.left
        && r.top < button.bottom && r.bottom > button.top);
      if (hit) {
        out.covered.push(JSON.stringify(n.data.trim().slice(0, 40)));
        break;
      }
    }
  }
  return out;
}"""


# Each page is loaded once per view, and every check runs on what that view shows.
VIEWS = [(PHONE, "dark"), *[(w, "light") for w in WIDTHS]]


@pytest.fixture(scope="module")
def views(browser, site_url, built_repo_site, inventory) -> dict[tuple[int, str], list[dict]]:
    names = variable_names(inventory)
    found: dict[tuple[int, str], list[dict]] = {}
    for width, scheme in VIEWS:
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        page.set_default_timeout(10_000)
        results = found[(width, scheme)] = []
        for path in built_pages(built_repo_site):
            # By "load", Material has mounted its components (table wrappers); the code blocks'
            # copy buttons come as each block comes into view (MOUNT_CODE_BLOCKS, first below).
            page.goto(site_url + path, wait_until="load")
            page.evaluate(REVEAL)
            for state in configurator_states(page):
                results.append(
                    {
                        "where": f"{path} ({state})",
                        "unmounted": page.evaluate(MOUNT_CODE_BLOCKS),
                        "sideways": page.evaluate(SIDEWAYS),
                        "names": page.evaluate(BROKEN_NAMES, names),
                        "copy": page.evaluate(COVERED_TEXT),
                    }
                )
        context.close()
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_page_scrolls_sideways_on_a_phone(views, scheme):
    results = views[(PHONE, scheme)]
    # The palette under test is the one shown.
    assert {r["sideways"]["scheme"] for r in results} == {SCHEMES[scheme]}
    failures = [
        f"{r['where']}: {s['scroll']}px > {s['client']}px, {s['culprits']}"
        for r in results
        if (s := r["sideways"])["scroll"] > s["client"]
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v[0]}px-{v[1]}")
def test_variable_names_never_break_mid_word(views, view):
    results = views[view]
    # The names were found on the pages, so the check looked at something.
    assert sum(r["names"]["seen"] for r in results) > 0
    failures = [f"{r['where']}: {b}" for r in results for b in sorted(set(r["names"]["broken"]))]
    assert not failures, "\n".join(failures[:60])


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v[0]}px-{v[1]}")
def test_copy_buttons_cover_no_text(views, view):
    results = views[view]
    assert sum(r["copy"]["blocks"] for r in results) > 0
    # Every code block shown had its buttons put in, so none went unchecked.
    assert not [(r["where"], r["unmounted"]) for r in results if r["unmounted"]]
    failures = [f"{r['where']}: the copy button covers {text}" for r in results for text in r["copy"]["covered"]]
    assert not failures, "\n".join(failures[:60])


DOWNLOADS = """() => [...document.querySelectorAll('a[href]')].map((a) => ({
  href: a.href, download: a.getAttribute('download'), target: a.dataset.target || null,
})).filter((l) => {
  const url = new URL(l.href);
  if (l.download !== null) return true;
  return url.origin === location.origin && !/(\\.html|\\/)$/.test(url.pathname);
})"""


def test_downloads_start_with_the_notice_and_equal_the_generated_files(page, site_url, built_repo_site, rendered):
    generated = urljoin(site_url, site.GENERATED + "/")
    checked: dict[str, str] = {}
    failures = []
    archives = 0
    for path in built_pages(built_repo_site):
        page.goto(site_url + path, wait_until="load")
        for _ in configurator_states(page):
            for link in page.evaluate(DOWNLOADS):
                href = link["href"]
                name = link["download"] or Path(urlparse(href).path).name
                if href.startswith("blob:"):
                    data = page.evaluate("(h) => fetch(h).then((r) => r.text())", href).encode()
                    shown = page.locator(f"#{link['target']}").text_content().encode()
                    if data != shown:
                        failures.append(f"{path}: the download of {name} differs from the file the page shows")
                else:
                    response = page.request.get(href)
                    assert response.ok, href
                    data = response.body()
                    if not href.startswith(generated):
                        failures.append(f"{path}: {href} is not a generated file")
                    elif data != rendered[href.removeprefix(generated)]:
                        failures.append(f"{path}: {href} differs from the generator's output")
                if not starts_with_the_notice(name, data):
                    failures.append(f"{path}: {name} ({href}) does not start with the notice")
                checked[href] = name
            # Archives are built by the page on a click; each file in one must carry the notice too.
            for button in page.locator("button.rpa-zip").all():
                with page.expect_download() as info:
                    button.click()
                with zipfile.ZipFile(info.value.path()) as archive:
                    for member in archive.namelist():
                        if not starts_with_the_notice(member, archive.read(member)):
                            failures.append(f"{path}: {member} in {info.value.suggested_filename} lacks the notice")
                        checked[member] = member
                archives += 1
    assert {n.rsplit(".", 1)[-1] for n in checked.values()} >= {"yml", "sh", "svg", "png"} and archives
    assert not failures, "\n".join(sorted(set(failures))[:40])
