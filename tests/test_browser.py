"""The site in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from generator import values
from generator.assemble import Selection, all_selections, assemble, default_selection, selection_key
from generator.render_commands import kubernetes_variables
from generator.render_configurator import file_id
from generator.render_yaml import fragment_files, selection_files
from generator.validate import load

from .cases import EXHAUSTIVE_LIMIT, configurator_cases
from .conftest import INVENTORY, REPO

pytestmark = pytest.mark.browser

DOCS = REPO / "docs"
HAND_WRITTEN = sorted(
    p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md") if "generated" not in p.parts
)
PAGES = [*HAND_WRITTEN, *[f"generated/clouds/{c.id}.html" for c in load(INVENTORY).clouds]]


def cloud_service(inventory):
    """A component with an offering on every cloud (the parts whose product changes with the cloud)."""
    return next(c for c in inventory.components if c.offerings)


def visible_text(page, selector: str) -> str:
    return page.locator(selector).filter(visible=True).first.inner_text()


def copied_by(page, button) -> str:
    """What clicking `button` put on the clipboard.

    The clipboard is the browser's, shared by every test, and the page writes it asynchronously:
    reading right after the click can return an earlier test's text. A marker written first shows
    when the click's own text has arrived.
    """
    marker = f"clipboard marker {time.monotonic_ns()}"
    page.evaluate("text => navigator.clipboard.writeText(text)", marker)
    button.click()
    deadline = time.monotonic() + 10
    for _ in range(200):
        text = page.evaluate("navigator.clipboard.readText()")
        if text != marker or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert text != marker, "the click put nothing on the clipboard within 10 s"
    return text


def section_url(comp_id: str) -> re.Pattern[str]:
    """The Components page at a section, with or without the cloud choice the link carries."""
    return re.compile(rf"components\.html(\?[^#]*)?#{comp_id}$")


def test_clicking_a_node_lands_on_its_section(page, site_url, inventory):
    comp = cloud_service(inventory)
    page.goto(site_url + "index.html")
    node = page.locator(f'svg[data-diagram="{inventory.clouds[0].id}"] a[aria-label^="{comp.name}"]')
    node.click()
    page.wait_for_url(section_url(comp.id))
    heading = page.locator(f"h2#{comp.id}")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900


def test_node_links_work_in_lazily_loaded_cloud_diagrams(page, site_url, inventory):
    cloud, comp = inventory.clouds[-1], cloud_service(inventory)
    page.goto(site_url + "index.html")
    page.locator(".rpa-diagram-tabs label", has_text=cloud.name).click()
    node = page.locator(f'svg[data-diagram="{cloud.id}"] a[aria-label^="{comp.name}"]')
    node.wait_for(state="visible")
    assert comp.offerings[cloud.id].product in node.get_attribute("aria-label")
    node.click()
    page.wait_for_url(section_url(comp.id))


def test_hover_names_part_service_and_status(page, site_url, inventory):
    cloud = inventory.clouds[-1].id
    page.goto(site_url + f"generated/clouds/{cloud}.html")
    tip = page.locator(f'figure[data-diagram="{cloud}"] [role="tooltip"]')
    for comp in inventory.components:
        page.mouse.move(0, 0)
        tip.wait_for(state="hidden")
        page.locator(f'svg[data-diagram="{cloud}"] [data-node="{comp.id}"]').hover()
        tip.wait_for(state="visible")
        title = tip.inner_text()
        assert comp.name in title
        assert ("required" if comp.required else "optional") in title
        if comp.offerings:
            assert comp.offerings[cloud].product in title


def test_node_links_are_reachable_with_the_keyboard(page, site_url, inventory):
    first = inventory.components[0]
    page.goto(site_url + f"generated/clouds/{inventory.clouds[0].id}.html")
    for _ in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')")
        if label and label.startswith(first.name):
            break
    else:
        pytest.fail("Tab never reached a diagram node")
    page.keyboard.press("Enter")
    page.wait_for_url(section_url(first.id))


def test_diagram_zoom_and_full_size(page, site_url, inventory):
    cloud = inventory.clouds[0].id
    page.goto(site_url + f"generated/clouds/{cloud}.html")
    svg = page.locator(f'svg[data-diagram="{cloud}"] > g.graph')
    before = svg.bounding_box()["width"]
    page.locator(".rpa-zoom-in").click()
    page.locator(".rpa-zoom-in").click()
    assert svg.bounding_box()["width"] > before * 1.3
    page.locator(".rpa-zoom-fit").click()
    assert abs(svg.bounding_box()["width"] - before) < 2
    full = page.locator("a.rpa-fullsize")
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + full.get_attribute("href"))
    assert response.ok and response.text().lstrip().startswith("<svg")


def test_every_diagram_has_a_text_alternative(page, site_url, inventory):
    page.goto(site_url + "index.html")
    for svg in page.locator("svg.rpa-diagram-svg").all():
        label_ids = svg.get_attribute("aria-labelledby").split()
        texts = [page.locator(f"#{i}").text_content() for i in label_ids]
        assert all(texts)
        assert all(c.name in texts[1] for c in inventory.components)


def test_copy_button_puts_the_exact_snippet_on_the_clipboard(page, site_url, inventory):
    comp = cloud_service(inventory)
    page.goto(site_url + "components.html")
    index = inventory.components.index(comp)
    expected = fragment_files(inventory, index, inventory.clouds[0].id, None)[0]
    block = page.locator(f"#{comp.id} ~ .rpa-cloud-tabs > .tabbed-set").first.locator(".tabbed-block").first.locator("pre").first
    block.hover()
    copied = copied_by(page, block.locator('button[data-md-type="copy"]'))
    assert copied.strip() == expected.strip()


def test_cloud_switch_changes_diagram_table_and_snippet_and_sticks(page, site_url, inventory):
    first, chosen = inventory.clouds[0], inventory.clouds[-1]
    comp = cloud_service(inventory)
    page.goto(site_url + "index.html")
    page.locator(".rpa-diagram-tabs label", has_text=chosen.name).click()
    page.locator(f'svg[data-diagram="{chosen.id}"]').wait_for(state="visible")
    assert not page.locator('svg[data-diagram="overview"]').is_visible()
    tables = [t.inner_text() for t in page.locator(".tabbed-block table").filter(visible=True).all()]
    assert any(comp.offerings[chosen.id].product in t for t in tables)
    assert not any(comp.offerings[first.id].product in t for t in tables)
    # The choice holds on the next page too, down to the files it offers.
    page.goto(site_url + "deploy.html")
    files = [a.get_attribute("href") or "" for a in page.locator(".tabbed-block a[download]").filter(visible=True).all()]
    assert files and all(f"/files/{chosen.id}/" in href for href in files)
    # The choice follows the reader to the next page.
    page.goto(site_url + "components.html")
    code = page.locator(f"#{comp.id} ~ .rpa-cloud-tabs > .tabbed-set").first.locator("pre code").filter(visible=True).first
    assert f"{comp.name} on {chosen.name}." in code.inner_text()
    page.goto(site_url + "configurator.html")
    page.locator('.rpa-config-output[data-state="ready"]').wait_for()
    assert page.locator(f'.rpa-config-output[data-cloud="{chosen.id}"]').count() == 1


def _set_configurator(page, inventory, selection: Selection) -> None:
    page.locator(f'input[name="cloud"][value="{selection.cloud}"]').check()
    optional = [c for c in inventory.components if not c.required]
    needed = {r for c in optional for r in c.requires}
    # A part that needs another is disabled while that one is off: switch the needed parts on
    # first, set the others, then give the needed parts their final state.
    for comp_id in needed:
        page.locator(f'input[name="part"][value="{comp_id}"]').set_checked(True)
    for comp in optional:
        if comp.id not in needed:
            page.locator(f'input[name="part"][value="{comp.id}"]').set_checked(comp.id in selection.enabled)
    for comp_id in needed:
        page.locator(f'input[name="part"][value="{comp_id}"]').set_checked(comp_id in selection.enabled)
    for comp_id, variant in selection.variants:
        page.locator(f'input[name="variant-{comp_id}"][value="{variant}"]').check()


def test_configurator_output_equals_the_generator(page, site_url, inventory):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/generated/configurator/" in r.url else None)
    page.goto(site_url + "configurator.html")
    checked = 0
    for selection in configurator_cases(inventory):
        key = selection_key(selection, inventory)
        _set_configurator(page, inventory, selection)
        out = page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{selection.cloud}"]')
        out.and_(page.locator(f'[data-key="{key}"]')).wait_for()
        parts = assemble(inventory, selection)
        files = selection_files(inventory, selection, parts)
        for name, text in files.items():
            assert page.locator(f"#{file_id(name)}").text_content() == text, (key, name)
        shown = page.locator(".rpa-config-file:not([hidden])").evaluate_all("boxes => boxes.map(b => b.dataset.name)")
        assert shown == list(files), key
        names = page.locator(".rpa-config-env tbody td:first-child").all_text_contents()
        assert names == [v.name for v in kubernetes_variables(parts)]
        checked += 1
    total = sum(1 for c in inventory.clouds for _ in all_selections(inventory, c.id))
    assert checked == (total if total <= EXHAUSTIVE_LIMIT else len(configurator_cases(inventory)))
    # One file per cloud, fetched once: a change of part is answered from it.
    assert sorted(fetched) == sorted({u for u in fetched}) and len(fetched) <= len(inventory.clouds)


def test_configurator_fills_in_the_readers_values(page, site_url, inventory):
    """Typed names and settings reach the files exactly as the generator writes them for those
    values; a value the field refuses reaches no file."""
    page.goto(site_url + "configurator.html")
    cases = configurator_cases(inventory)
    chosen = [cases[0], cases[len(cases) // 2], cases[-1]]
    for selection in chosen:
        _set_configurator(page, inventory, selection)
        key = selection_key(selection, inventory)
        page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{selection.cloud}"][data-key="{key}"]').wait_for()
        page.locator('input[data-field="release"]').fill("support-bot")
        page.locator('input[data-field="namespace"]').fill("assistants")
        given = {values.RELEASE: "support-bot", values.NAMESPACE: "assistants"}
        for field in page.locator(".rpa-config-env input[data-field]").all():
            name = field.get_attribute("data-field") or ""
            field.fill(f"value-of-{name.lower()}")
            given[name] = f"value-of-{name.lower()}"
        expected = selection_files(values.named(inventory, "support-bot", "assistants"), selection, given=given)
        for name, text in expected.items():
            assert page.locator(f"#{file_id(name)}").text_content() == text, (key, name)
    # A quote would end the shell's quoting in variables.sh: the field refuses it, the file keeps ''.
    field = page.locator(".rpa-config-env input[data-field]").first
    name = field.get_attribute("data-field")
    field.fill("it's")
    assert field.evaluate("f => f.matches(':invalid')")
    assert f"export {name}=''" in (page.locator("#rpa-config-variables").text_content() or "")
    page.locator('input[data-field="namespace"]').fill("no")  # YAML would read it as false
    assert "--namespace=no" not in (page.locator("#rpa-config-deploy").text_content() or "")


def _apply(text: str, edits: list[tuple[int, str, str]]) -> str:
    """Apply (line, removed, added) edits in order, as a reader reads the diff: each line number
    counts in the file after the change, so the text before it is already as it will be."""
    for line, old, new in edits:
        at = sum(len(x) for x in text.splitlines(keepends=True)[: line - 1])
        assert text[at : at + len(old)] == old, (line, old)
        text = text[:at] + new + text[at + len(old) :]
    return text


def test_configurator_shows_what_one_change_did(page, site_url, inventory):
    """After each change of one option, the diff shown turns the files before into the files after,
    and names no file the change left alone."""
    page.goto(site_url + "configurator.html")
    for cloud in inventory.clouds[:2]:
        before = default_selection(inventory, cloud.id)
        _set_configurator(page, inventory, before)
        key = selection_key(before, inventory)
        page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{cloud.id}"][data-key="{key}"]').wait_for()
        changes = [c for c in inventory.components if not c.required and not c.requires]
        changes += [c for c in inventory.components if len(c.variants) > 1]
        for comp in changes:
            if comp.variants[1:]:
                after = Selection(cloud.id, before.enabled | {comp.id}, ((comp.id, comp.variants[1].id),))
                page.locator(f'input[name="variant-{comp.id}"][value="{comp.variants[1].id}"]').check()
            else:
                after = Selection(cloud.id, before.enabled ^ {comp.id})
                page.locator(f'input[name="part"][value="{comp.id}"]').set_checked(comp.id in after.enabled)
            key = selection_key(after, inventory)
            page.locator(f'.rpa-config-output[data-state="ready"][data-key="{key}"]').wait_for()
            old, new = selection_files(inventory, before), selection_files(inventory, after)
            edits: dict[str, list[tuple[int, str, str]]] = {}
            for block in page.locator(".rpa-config-diff-list pre").all():
                name, line = block.evaluate(
                    "pre => [pre.previousElementSibling.dataset.file, pre.previousElementSibling.dataset.line]"
                )
                context, removed, added = (block.locator(tag).text_content() or "" for tag in ("span", "del", "ins"))
                edits.setdefault(name, []).append((int(line), removed, added))
                # The line shown before a change is the one just above it.
                assert new[name].splitlines(keepends=True)[int(line) - 2 : int(line) - 1] == ([context] if context else []), (
                    name,
                    line,
                )
            changed = {n for n in {*old, *new} if old.get(n) != new.get(n)}
            assert set(edits) == changed, comp.id
            for name, file_edits in edits.items():
                assert _apply(old.get(name, ""), file_edits) == new.get(name, ""), (comp.id, name)
            # Back to the default for the next option.
            if comp.variants[1:]:
                page.locator(f'input[name="variant-{comp.id}"][value="{comp.variants[0].id}"]').check()
            else:
                page.locator(f'input[name="part"][value="{comp.id}"]').set_checked(comp.id in before.enabled)
            key = selection_key(before, inventory)
            page.locator(f'.rpa-config-output[data-state="ready"][data-key="{key}"]').wait_for()


def test_configurator_copy_and_download(page, site_url, inventory, tmp_path: Path):
    cloud = inventory.clouds[-1].id
    optional = next(c for c in inventory.components if not c.required)
    base = default_selection(inventory, cloud)
    page.goto(site_url + "configurator.html")
    _set_configurator(page, inventory, Selection(cloud, base.enabled | {optional.id, *optional.requires}))
    page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{cloud}"]').wait_for()
    expected = page.locator("#rpa-config-values").text_content()
    assert copied_by(page, page.locator('button.rpa-copy[data-target="rpa-config-values"]')) == expected
    with page.expect_download() as info:
        page.locator('a.rpa-download[data-target="rpa-config-endpoints"]').click()
    target = tmp_path / "endpoints.yml"
    info.value.save_as(target)
    assert info.value.suggested_filename == "endpoints.yml"
    assert target.read_text() == page.locator("#rpa-config-endpoints").text_content()


def test_configurator_archive_holds_the_files_the_page_shows(page, site_url, inventory, tmp_path: Path):
    cloud = inventory.clouds[-1].id
    optional = [c for c in inventory.components if not c.required]
    selection = Selection(cloud, default_selection(inventory, cloud).enabled | {c.id for c in optional[:2]})
    selection = Selection(cloud, selection.enabled | {r for c in optional[:2] for r in c.requires})
    page.goto(site_url + "configurator.html")
    _set_configurator(page, inventory, selection)
    key = selection_key(selection, inventory)
    page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{cloud}"][data-key="{key}"]').wait_for()
    with page.expect_download() as info:
        page.locator("button.rpa-zip").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    expected = selection_files(inventory, selection, assemble(inventory, selection))
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None  # every CRC matches
        names = archive.namelist()
        folder = target.stem
        assert target.name == f"rasa-pro-{cloud}.zip"
        assert names == [f"{folder}/{name}" for name in expected]
        for name, text in expected.items():
            data = archive.read(f"{folder}/{name}")
            assert data == page.locator(f"#{file_id(name)}").text_content().encode(), name
            assert data == text.encode(), name
            mode = archive.getinfo(f"{folder}/{name}").external_attr >> 16
            assert mode & 0o111 == (0o111 if name.endswith(".sh") else 0), (name, oct(mode))


def test_download_buttons_serve_the_assembled_files(page, site_url, rendered, inventory):
    cloud = inventory.clouds[-1].id
    page.goto(site_url + f"generated/clouds/{cloud}.html")
    for name in ("endpoints.yml", "values.yml"):
        link = page.locator(f'a.md-button[download="{name}"]')
        with page.expect_download() as info:
            link.click()
        path = info.value.path()
        assert Path(path).read_bytes() == rendered[f"files/{cloud}/{name}"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_offline_with_no_failed_request_or_console_error(browser, site_url, path):
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    host = urlparse(site_url).netloc

    def route(r):
        if urlparse(r.request.url).netloc == host:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + path, wait_until="networkidle")
    for label in page.locator(".tabbed-labels label").filter(visible=True).all()[:4]:
        label.click()
    # A click's diagram arrives later (a fetch after the tab shows): wait until every visible one
    # has arrived or failed, so that its requests and errors are seen before the context closes.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.rpa-diagram-lazy')]"
        ".every(h => h.offsetParent === null || h.dataset.state === 'failed')"
    )
    unloaded = page.locator('.rpa-diagram-lazy[data-state="failed"]').count()
    context.close()
    assert outside == [] and failed == [] and errors == [] and unloaded == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_overview(browser, site_url, builder, artifacts, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + "index.html", wait_until="networkidle")
    # The README's pictures are MkDocs' (`make readme-images`); the other builders' sit beside them.
    suffix = "" if builder == "mkdocs" else f"-{builder}"
    shot = artifacts / "screenshots" / f"overview-{scheme}{suffix}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(animations="disabled", path=str(shot))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    diagram_bg = page.evaluate("getComputedStyle(document.querySelector('.rpa-diagram-canvas')).backgroundColor")
    context.close()
    assert shot.stat().st_size > 20_000
    dark = background in ("rgb(30, 33, 41)",) or sum(map(int, re.findall(r"\d+", background)[:3])) < 200
    assert dark == (scheme == "dark")
    dark_card = sum(map(int, re.findall(r"\d+", diagram_bg)[:3])) < 200
    assert dark_card == (scheme == "dark")  # the diagram's card follows the palette


def test_screenshots_for_the_readme(browser, site_servers, artifacts, inventory):
    """The README's pictures of the tool at work, from the MkDocs build (`make readme-images`
    copies them): the configurator with a reader's values, a lit part of a cloud diagram, a phone."""
    site_url = site_servers("mkdocs")
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    cloud = inventory.clouds[0]
    # The configurator, filled in.
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(site_url + f"configurator.html?cloud={cloud.id}")
    page.locator('.rpa-config-output[data-state="ready"]').wait_for()
    optional = next(c for c in inventory.components if not c.required and not c.default_enabled and not c.requires)
    page.locator(f'input[name="part"][value="{optional.id}"]').check()
    page.locator('.rpa-config-output[data-state="ready"]').wait_for()
    page.locator('input[data-field="release"]').fill("support-bot")
    page.locator('input[data-field="namespace"]').fill("assistants")
    # Each setting as its example says (the picture shows a plausible deployment).
    for field in page.locator(".rpa-config-env input[data-field]").all():
        field.fill((field.get_attribute("placeholder") or "").removeprefix("e.g. "))
    first = page.locator(".rpa-config-env input[data-field]").first
    filled, value = first.get_attribute("data-field"), first.input_value()
    shown = page.locator("#rpa-config-variables").text_content() or ""
    diff = page.locator(".rpa-config-diff-list").text_content() or ""
    page.locator(".rpa-config-diff summary").click()  # folded: the files are the picture
    page.locator('.rpa-config-file[data-name="variables.sh"]').evaluate("box => box.scrollIntoView()")
    page.screenshot(animations="disabled", path=str(folder / "configurator-values.png"))
    context.close()
    assert f"export {filled}='{value}'" in shown and "--namespace=assistants" in diff
    # A cloud's diagram with one part lit and its tooltip.
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(site_url + f"generated/clouds/{cloud.id}.html", wait_until="networkidle")
    figure = page.locator(".rpa-diagram").first
    figure.scroll_into_view_if_needed()
    part = figure.locator("svg [data-node]").nth(1)
    part.hover()
    figure.locator(".rpa-tip").wait_for(state="visible")
    figure.screenshot(animations="disabled", path=str(folder / "viewer.png"))
    context.close()
    # A phone: the list of parts stands in for the picture.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(site_url + f"generated/clouds/{cloud.id}.html", wait_until="networkidle")
    page.locator(".rpa-diagram li[data-node]").filter(visible=True).first.wait_for()
    page.screenshot(animations="disabled", path=str(folder / "phone.png"))  # the page's top: its title, then the list
    wide = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert wide <= 390
    for name in ("configurator-values.png", "viewer.png", "phone.png"):
        assert (folder / name).stat().st_size > 20_000, name


# Where each builder's theme takes a query, what opens it first, and where it lists the best
# match: Material groups results by page (the page, then its sections), Zensical lists sections.
SEARCH = {
    "mkdocs": (None, ".md-search__input", ".md-search-result__list > .md-search-result__item:first-child a"),
    "zensical": (
        "button.md-search__button",
        '[role="combobox"][aria-label="Search"]',
        '[role="listbox"] [role="option"][aria-posinset="1"]',
    ),
}


def test_searching_a_components_name_finds_its_section_first(browser, site_url, builder, inventory):
    opener, field, best = SEARCH[builder]
    for comp in inventory.components:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(site_url + "index.html", wait_until="networkidle")
        # The button opens the search once the theme's script listens: try until the field shows.
        for _ in range(10 if opener else 0):
            if page.locator(field).is_visible():
                break
            try:
                page.locator(opener).click(timeout=1000)
                page.locator(field).wait_for(state="visible", timeout=1000)
            except PlaywrightTimeout:
                continue
        # One query for the whole name: typing it key by key would race the results of its prefixes.
        page.locator(field).fill(comp.name)
        page.locator(field).press("End")
        page.locator(best).first.wait_for()
        hrefs = [a.get_attribute("href") or "" for a in page.locator(best).all()]
        context.close()
        sections = [h for h in hrefs if "#" in h]
        assert sections and sections[0].endswith(f"components.html#{comp.id}"), (comp.name, hrefs)


def test_each_cloud_page_opens_the_configurator_on_its_cloud(page, site_url, inventory):
    """Whole files live in the configurator: a cloud page's link opens it with that cloud chosen."""
    for cloud in reversed(inventory.clouds):
        page.goto(site_url + f"generated/clouds/{cloud.id}.html")
        page.locator("a.md-button--primary", has_text="in the configurator").click()
        page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{cloud.id}"]').wait_for()
        assert page.locator(f'input[name="cloud"][value="{cloud.id}"]').is_checked()
