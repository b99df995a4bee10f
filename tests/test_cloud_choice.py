"""One cloud choice everywhere, in a real browser: links carry it, the URL shows it, and no
frame the reader sees shows one cloud in one place and another cloud elsewhere.

Tab sets are recognised as cloud tab sets by their labels (every cloud name of the inventory
the test is given), so these tests judge what the reader sees, not how the page marks it.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlparse

import pytest

from generator import site
from generator.validate import load

from .conftest import INVENTORY

pytestmark = pytest.mark.browser

CLOUD_IDS = [c.id for c in load(INVENTORY).clouds]
CLOUDS_PAGE = str(PurePosixPath(site.CLOUDS_PAGE).with_suffix(".html"))
PAGES_WITH_CLOUD_TABS = ["index.html", CLOUDS_PAGE, "components.html", "deploy.html"]
BUNDLE = re.compile(r"/assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")

# Every animation frame, the cloud each cloud tab set shows (its checked label), from the moment
# the page is parsed past its content and Material's tab restore (the #__config script follows
# both). rAF callbacks run right before each paint, so a flash of another cloud is recorded.
RECORDER = """
(names => {
  window.__cloudFrames = [];
  function shown() {
    const out = [];
    for (const set of document.querySelectorAll(".tabbed-set")) {
      const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")];
      const texts = labels.map(l => l.textContent.trim());
      if (!names.every(n => texts.includes(n))) continue;
      const input = set.querySelector(":scope > input:checked");
      const label = input && labels.find(l => l.htmlFor === input.id);
      out.push(label ? label.textContent.trim() : null);
    }
    return out;
  }
  function configurator() {
    // The configurator's files: which cloud's they are, and whether the reader can see them.
    const out = document.querySelector(".rpa-config-output");
    return out && { cloud: out.dataset.cloud, visible: getComputedStyle(out).visibility === "visible" };
  }
  function tick() {
    if (document.getElementById("__config")) window.__cloudFrames.push({ sets: shown(), configurator: configurator() });
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})(NAMES);
"""


def recorder(inventory) -> str:
    return RECORDER.replace("NAMES", json.dumps([c.name for c in inventory.clouds]))


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def other_cloud(inventory, cloud_id: str):
    """A cloud other than `cloud_id` and, where there are three or more, other than the first (the default)."""
    others = [c for c in inventory.clouds if c.id != cloud_id]
    return others[-1] if len(others) > 1 else others[0]


def choose_on_overview(page, site_url: str, cloud) -> None:
    """The reader picks a cloud the way the site invites: a tab on the overview."""
    page.goto(site_url + "index.html")
    page.locator(".tabbed-labels label", has_text=re.compile(rf"^\s*{re.escape(cloud.name)}\s*$")).first.click()


def shown_in_sets(page, inventory) -> list[str | None]:
    return page.evaluate(
        """names => [...document.querySelectorAll('.tabbed-set')].flatMap(set => {
            const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
            const texts = labels.map(l => l.textContent.trim());
            if (!names.every(n => texts.includes(n))) return [];
            const input = set.querySelector(':scope > input:checked');
            const label = input && labels.find(l => l.htmlFor === input.id);
            return [label ? label.textContent.trim() : null];
        })""",
        [c.name for c in inventory.clouds],
    )


def visible_labels_in_sets(page, inventory) -> list[list[str]]:
    return page.evaluate(
        """names => [...document.querySelectorAll('.tabbed-set')].flatMap(set => {
            const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
            if (!names.every(n => labels.some(l => l.textContent.trim() === n))) return [];
            return [labels.filter(l => l.getClientRects().length > 0).map(l => l.textContent.trim())];
        })""",
        [c.name for c in inventory.clouds],
    )


def section_tabs(page, comp_id: str):
    """The first tab set after a component's heading: its cloud tabs."""
    return page.locator(f"h2#{comp_id}").locator("xpath=following::div[contains(concat(' ', @class, ' '), ' tabbed-set ')][1]")


def context_that_chose(browser, site_url: str, cloud):
    """A fresh browser context whose stored choice is `cloud`, made on the overview as a reader would."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    choose_on_overview(page, site_url, cloud)
    page.close()
    return context


def load_and_record(context, inventory, url: str, ready: str | None = None) -> list[dict]:
    """Open `url` with Material's script held back until frames were painted without it, and
    return every frame: the cloud per tab set, and the configurator's files. Holding the script
    opens the window in which a page that only fixes the choice once its scripts run would show
    the reader another cloud. `ready`: a selector to wait for once the scripts ran."""
    held = []
    context.route(BUNDLE, lambda route: held.append(route))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(recorder(inventory))
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__cloudFrames && window.__cloudFrames.length >= 3")
    for _ in range(200):  # the request is reported to Python a moment after the browser makes it
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "Material's script was not requested"
    for route in held:
        route.continue_()
    context.unroute(BUNDLE)
    page.wait_for_load_state("load")
    if ready:
        page.locator(ready).wait_for()
    seen = page.evaluate("window.__cloudFrames.length")
    page.wait_for_function(f"() => window.__cloudFrames.length >= {seen + 3}")
    return page.evaluate("window.__cloudFrames")


@pytest.mark.parametrize("cloud_id", CLOUD_IDS)
def test_a_diagram_node_on_a_cloud_page_opens_its_section_on_that_cloud(page, site_url, inventory, cloud_id):
    cloud = inventory.cloud(cloud_id)
    stale = other_cloud(inventory, cloud_id)
    comp = next(c for c in inventory.components if c.offerings)
    # The reader chose another cloud before, and even the link that brought them here names it:
    # on a cloud page its own cloud wins.
    choose_on_overview(page, site_url, stale)
    page.goto(site_url + f"generated/clouds/{cloud.id}.html?cloud={stale.id}")
    page.locator(f'svg[data-diagram="{cloud.id}"] a[aria-label^="{comp.name}"]').click()
    page.wait_for_url(lambda url: urlparse(url).path.endswith("/components.html") and urlparse(url).fragment == comp.id)
    tabs = section_tabs(page, comp.id)
    assert (
        tabs.evaluate(
            "set => { const i = set.querySelector(':scope > input:checked'); "
            'return set.querySelector(`label[for="${i.id}"]`).textContent.trim(); }'
        )
        == cloud.name
    )
    block = tabs.locator(":scope > .tabbed-content > .tabbed-block").filter(visible=True)
    assert block.count() == 1
    assert comp.offerings[cloud.id].product in block.inner_text()
    assert set(shown_in_sets(page, inventory)) == {cloud.name}
    assert query(page.url).get("cloud") == [cloud.id]


@pytest.mark.parametrize("cloud_id", CLOUD_IDS)
def test_the_configurator_link_on_a_cloud_page_opens_that_cloud(page, site_url, inventory, cloud_id):
    stale = other_cloud(inventory, cloud_id)
    choose_on_overview(page, site_url, stale)
    page.goto(site_url + f"generated/clouds/{cloud_id}.html")
    page.locator("article a", has_text=re.compile(r"^configurator$")).first.click()
    page.wait_for_url(lambda url: urlparse(url).path.endswith("/configurator.html"))
    assert query(page.url).get("cloud") == [cloud_id]
    page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{cloud_id}"]').wait_for()
    assert page.locator('input[name="cloud"]:checked').get_attribute("value") == cloud_id


@pytest.mark.parametrize("path", PAGES_WITH_CLOUD_TABS)
def test_first_load_shows_one_cloud_everywhere_in_every_frame(browser, site_url, inventory, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        frames = load_and_record(context, inventory, site_url + path)
    finally:
        context.close()
    sets = [f["sets"] for f in frames]
    assert sets and all(sets)
    for frame in sets:
        assert len(set(frame)) == 1 and None not in frame, frame
    assert {tuple(set(f)) for f in sets} == {(inventory.clouds[0].name,)}


@pytest.mark.parametrize("path", PAGES_WITH_CLOUD_TABS)
def test_a_shared_url_restores_the_choice_without_a_flash_of_the_stored_one(browser, site_url, inventory, path):
    shared = inventory.clouds[-1]
    stale = other_cloud(inventory, shared.id)
    # The person who shares: a choice on the overview puts it into the address.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        choose_on_overview(page, site_url, shared)
        page.wait_for_url(lambda url: query(url).get("cloud") == [shared.id])
        page.goto(site_url + path)
        page.wait_for_url(lambda url: query(url).get("cloud") == [shared.id])
        link = page.url
    finally:
        context.close()
    # The person who receives it once chose another cloud.
    context = context_that_chose(browser, site_url, stale)
    try:
        frames = load_and_record(context, inventory, link)
        opened = context.pages[-1]
        assert query(opened.url).get("cloud") == [shared.id]
    finally:
        context.close()
    sets = [f["sets"] for f in frames]
    assert sets and all(sets)
    for frame in sets:
        assert set(frame) == {shared.name}, frame


def test_the_configurator_never_shows_the_files_of_another_cloud(browser, site_url, inventory):
    shared = inventory.clouds[-1]
    stale = other_cloud(inventory, shared.id)
    context = context_that_chose(browser, site_url, stale)
    try:
        ready = f'.rpa-config-output[data-state="ready"][data-cloud="{shared.id}"]'
        frames = load_and_record(context, inventory, site_url + f"configurator.html?cloud={shared.id}", ready)
    finally:
        context.close()
    shown = [f["configurator"] for f in frames]
    assert all(shown)
    assert shown[-1] == {"cloud": shared.id, "visible": True}
    for frame in shown:
        assert frame["cloud"] == shared.id or not frame["visible"], frame


def test_the_configurator_opened_from_a_shared_url_shows_its_cloud(page, site_url, inventory):
    shared = inventory.clouds[-1]
    stale = other_cloud(inventory, shared.id)
    choose_on_overview(page, site_url, stale)
    page.goto(site_url + f"configurator.html?cloud={shared.id}")
    page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{shared.id}"]').wait_for()
    assert page.locator('input[name="cloud"]:checked').get_attribute("value") == shared.id
    # Changing the cloud there changes the address and the choice of every other page.
    page.locator(f'input[name="cloud"][value="{stale.id}"]').check()
    page.wait_for_url(lambda url: query(url).get("cloud") == [stale.id])
    page.goto(site_url + "deploy.html")
    assert set(shown_in_sets(page, inventory)) == {stale.name}


def test_links_between_pages_carry_the_choice(page, site_url, inventory):
    chosen = inventory.clouds[-1]
    before = other_cloud(inventory, chosen.id)
    deploy = page.locator(".md-nav__link", has_text=re.compile(r"^\s*Deploy\s*$")).first
    choose_on_overview(page, site_url, before)
    deploy.click(button="right")  # a link opened or copied carries the choice of that moment
    page.keyboard.press("Escape")
    page.locator(".rpa-diagram-tabs label", has_text=re.compile(rf"^\s*{re.escape(chosen.name)}\s*$")).click()
    page.wait_for_url(lambda url: query(url).get("cloud") == [chosen.id])
    assert set(shown_in_sets(page, inventory)) == {chosen.name}
    # With nothing remembered, only the link can tell the next page.
    page.evaluate("localStorage.clear()")
    deploy.click()
    page.wait_for_url(lambda url: urlparse(url).path.endswith("/deploy.html"))
    assert query(page.url).get("cloud") == [chosen.id]
    assert set(shown_in_sets(page, inventory)) == {chosen.name}
    page.evaluate("localStorage.clear()")
    page.locator("article a", has_text=re.compile(r"^configurator$")).first.click()
    page.wait_for_url(lambda url: urlparse(url).path.endswith("/configurator.html"))
    assert query(page.url).get("cloud") == [chosen.id]
    page.locator(f'.rpa-config-output[data-state="ready"][data-cloud="{chosen.id}"]').wait_for()


def test_the_components_page_filters_to_the_chosen_cloud(page, site_url, inventory):
    chosen, other = inventory.clouds[-1], inventory.clouds[0]
    names = [c.name for c in inventory.clouds]
    page.goto(site_url + f"components.html?cloud={chosen.id}")
    sets = visible_labels_in_sets(page, inventory)
    assert len(sets) == len(inventory.components)
    assert all(labels == [chosen.name] for labels in sets), sets
    assert set(shown_in_sets(page, inventory)) == {chosen.name}
    filter_ = page.get_by_role("group", name="Clouds shown")
    # Show all: every cloud's tab is back, the reader's cloud stays selected, and the address keeps it.
    filter_.get_by_role("radio", name="All clouds").check()
    assert all(labels == names for labels in visible_labels_in_sets(page, inventory))
    assert set(shown_in_sets(page, inventory)) == {chosen.name}
    page.reload()
    assert all(labels == names for labels in visible_labels_in_sets(page, inventory))
    assert query(page.url).get("cloud") == [chosen.id]
    # Filter to another cloud: it becomes the choice, here and on the next page.
    filter_.get_by_role("radio", name=other.name).check()
    page.wait_for_url(lambda url: query(url).get("cloud") == [other.id])
    assert all(labels == [other.name] for labels in visible_labels_in_sets(page, inventory))
    assert set(shown_in_sets(page, inventory)) == {other.name}
    page.goto(site_url + "deploy.html")
    assert set(shown_in_sets(page, inventory)) == {other.name}


def test_the_components_page_shows_every_cloud_until_one_is_chosen(page, site_url, inventory):
    names = [c.name for c in inventory.clouds]
    page.goto(site_url + "components.html")
    assert all(labels == names for labels in visible_labels_in_sets(page, inventory))
    assert page.get_by_role("group", name="Clouds shown").get_by_role("radio", name="All clouds").is_checked()
    assert "cloud" not in query(page.url)
