"""The interactive diagram viewer in a real browser (Debian's Chromium through Playwright).

Fit, zoom and pan, highlight and tooltips, both palettes, phones and the text alternative.
Expected parts, connections and tooltip texts come from the inventory and the diagram
specs Python draws from; nothing here repeats a drawn text.
"""

from __future__ import annotations

import io
import math
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from generator.diagram_spec import OVERVIEW, build_spec
from generator.render_pages import KEYS_HINT, diagram_title
from generator.validate import load

from .conftest import INVENTORY
from .test_browser import SEARCH

pytestmark = pytest.mark.browser

INV = load(INVENTORY)
# Every diagram the site shows: on the Overview page its first tab (inline) and "All clouds"
# (fetched when its tab opens), and each cloud page's. "page#diagram" names a tab to open.
DIAGRAM_PAGES = [
    ("index.html", INV.clouds[0].id),
    (f"index.html#{OVERVIEW}", OVERVIEW),
    *[(f"generated/clouds/{c.id}.html", c.id) for c in INV.clouds],
]
CLOUD_PAGE, CLOUD = DIAGRAM_PAGES[2]
XLINK = "http://www.w3.org/1999/xlink"


def section(comp_id: str) -> re.Pattern[str]:
    """A link to a part's section on the Components page, with or without the cloud choice it carries."""
    return re.compile(rf"components\.html(\?[^#]*)?#{comp_id}$")


# ---------- helpers ----------


def svg_of(page, diagram: str):
    return page.locator(f'svg[data-diagram="{diagram}"]')


def figure_of(page, diagram: str):
    return page.locator(f'figure[data-diagram="{diagram}"]')


def node(page, diagram: str, comp_id: str):
    # The id Graphviz writes, or the data attribute the viewer uses (the test must run on both).
    return svg_of(page, diagram).locator(f'[data-node="{comp_id}"], g[id="{diagram}-node-{comp_id}"]').first


def edge(page, diagram: str, source: str, target: str):
    return svg_of(page, diagram).locator(f'[data-from="{source}"][data-to="{target}"]')


def spot(page, diagram: str, comp_id: str) -> tuple[float, float]:
    """Where the middle of a part's outline is on screen, from the browser's own geometry.

    The outline, not the part's box: text extents change a little with the zoom.
    """
    point = node(page, diagram, comp_id).evaluate(
        """g => {
            const outline = g.querySelector("path, polygon");
            const b = outline.getBBox();
            const p = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2).matrixTransform(outline.getScreenCTM());
            return [p.x, p.y];
        }"""
    )
    return point[0], point[1]


def edge_point(page, diagram: str, source: str, target: str) -> tuple[float, float]:
    """A point on a connection's line with nothing drawn over it, in page coordinates."""
    point = svg_of(page, diagram).evaluate(
        """(svg, [source, target]) => {
            const edge = svg.querySelector(`[data-from="${source}"][data-to="${target}"]`);
            for (const path of [...svg.querySelectorAll("path")].filter(p => edge.contains(p) || p.dataset.edge === edge.id)) {
                const length = path.getTotalLength();
                for (const share of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
                    const p = path.getPointAtLength(length * share).matrixTransform(path.getScreenCTM());
                    const top = document.elementFromPoint(p.x, p.y);
                    if (top && (edge.contains(top) || top.dataset.edge === edge.id)) return [p.x, p.y];
                }
            }
            return null;
        }""",
        [source, target],
    )
    assert point, f"no point of {source} -> {target} to point at"
    return point[0], point[1]


def drawing(page, diagram: str) -> dict:
    """Where the whole drawing is on screen (Graphviz's graph group spans its viewBox)."""
    box = svg_of(page, diagram).locator(":scope > g.graph").bounding_box()
    assert box is not None
    return box


def backdrop(page, diagram: str) -> dict:
    """Where the drawing's backdrop is on screen: it spans the viewBox exactly (texts may reach
    a little past it). The browser's own box: Playwright's would add the outline's stroke."""
    return svg_of(page, diagram).evaluate("s => s.querySelector('.rpa-bg').getBoundingClientRect().toJSON()")


def inside(small: dict, big: dict) -> bool:
    return (
        small["x"] >= big["x"]
        and small["y"] >= big["y"]
        and small["x"] + small["width"] <= big["x"] + big["width"]
        and small["y"] + small["height"] <= big["y"] + big["height"]
    )


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def show(page, site_url: str, path: str, diagram: str) -> None:
    """Open `path` and, for a diagram behind a tab, its tab."""
    page.goto(site_url + path.partition("#")[0])
    if "#" in path:
        page.locator(f'.rpa-diagram-tabs label[for="rpa-dtab-{diagram}"]').click()


def open_viewer(page, site_url: str, path: str, diagram: str):
    show(page, site_url, path, diagram)
    svg_of(page, diagram).wait_for(state="visible")
    figure = figure_of(page, diagram)
    figure.locator(".rpa-zoom-fit").wait_for(state="visible")
    figure.locator(".rpa-diagram-canvas").evaluate("c => c.scrollIntoView({block: 'end'})")
    return figure


def wait_for_width_change(page, diagram: str, old: float, grow: bool) -> float:
    """Wait until the drawing is wider (or narrower) than `old`, then return its width."""
    page.wait_for_function(
        "([d, old, grow]) => { const w = document.querySelector(`svg[data-diagram='${d}'] > g.graph`)"
        ".getBoundingClientRect().width; return grow ? w > old + 1 : w < old - 1; }",
        arg=[diagram, old, grow],
        timeout=3000,
    )
    return drawing(page, diagram)["width"]


def highlighted(page, diagram: str) -> tuple[set[str], set[tuple[str, str]]]:
    found = svg_of(page, diagram).evaluate(
        "svg => [...svg.querySelectorAll('.rpa-hl')].map(e => [e.dataset.node || '', e.dataset.from || '', e.dataset.to || ''])"
    )
    return {n for n, _, _ in found if n}, {(s, t) for n, s, t in found if not n}


def expected_highlight(comp_id: str) -> tuple[set[str], set[tuple[str, str]]]:
    edges = {(c.id, conn.to) for c in INV.components for conn in c.connections if comp_id in (c.id, conn.to)}
    return {comp_id} | {end for e in edges for end in e}, edges


def focused_part(page, diagram: str) -> str | tuple[str, str] | None:
    """The part of `diagram` that has the focus: a node's id, a connection's ends, or None."""
    found = page.evaluate(
        "d => { const a = document.activeElement;"
        " const g = a && a.closest(`svg[data-diagram='${d}'] [data-node], svg[data-diagram='${d}'] [data-from]`);"
        " return g ? [g.dataset.node || '', g.dataset.from || '', g.dataset.to || ''] : null; }",
        diagram,
    )
    if found is None:
        return None
    return found[0] or (found[1], found[2])


def parts_in_document_order(page, diagram: str) -> list[str | tuple[str, str]]:
    found = svg_of(page, diagram).evaluate(
        "svg => [...svg.querySelectorAll('[data-node], [data-from]')]"
        ".map(g => [g.dataset.node || '', g.dataset.from || '', g.dataset.to || ''])"
    )
    return [n or (s, t) for n, s, t in found]


def canvas_has_focus(page, diagram: str) -> bool:
    return page.evaluate(
        "d => document.activeElement === document.querySelector(`figure[data-diagram='${d}'] .rpa-diagram-canvas`)",
        diagram,
    )


def tab_to_canvas(page, diagram: str) -> None:
    """Tab from the top of the page until the diagram's picture has the focus; no part of it first."""
    for _ in range(150):
        page.keyboard.press("Tab")
        assert focused_part(page, diagram) is None, "Tab reached a part before the picture"
        if canvas_has_focus(page, diagram):
            return
    pytest.fail("Tab never reached the picture")


def scroll_y(page) -> float:
    return page.evaluate("scrollY")


def frame(page) -> None:
    """Let the browser draw once (a key's effect is synchronous, a scroll may not be)."""
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")


def settle(page) -> None:
    """Wait until the page has stopped scrolling (a key scrolls it smoothly, over several frames)."""
    page.wait_for_function(
        """() => new Promise(done => {
            let last = scrollY, same = 0;
            const step = () => {
                if (scrollY === last) same += 1; else { same = 0; last = scrollY; }
                if (same >= 5) done(true); else requestAnimationFrame(step);
            };
            requestAnimationFrame(step);
        })""",
        timeout=3000,
    )


def tooltip(page, diagram: str):
    return figure_of(page, diagram).locator('[role="tooltip"]')


def words(text: str) -> str:
    return " ".join(text.split())


def luminance(rgb: tuple[int, ...]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def lin(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def css_luminance(color: str) -> float:
    numbers = [int(float(x)) for x in color[color.index("(") + 1 : color.index(")")].split(",")[:3]]
    return luminance(tuple(numbers))


def pixel_luminances(png: bytes) -> list[float]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((160, 160))
    table: dict[tuple[int, ...], float] = {}
    out = []
    for pixel in image.get_flattened_data():
        assert isinstance(pixel, tuple)
        if pixel not in table:
            table[pixel] = luminance(pixel)
        out.append(table[pixel])
    return sorted(out)


def spread(lums: list[float]) -> float:
    """Contrast ratio between the darkest and the lightest few per cent of an area."""
    lo, hi = lums[len(lums) // 20], lums[-1 - len(lums) // 20]
    return (hi + 0.05) / (lo + 0.05)


# ---------- fit ----------


@pytest.mark.parametrize("size", [(1280, 720), (1024, 1300), (1600, 640)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("path", "diagram"), DIAGRAM_PAGES)
def test_fit_shows_the_whole_drawing_in_the_viewport(browser, site_url, path, diagram, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    figure = open_viewer(page, site_url, path, diagram)
    figure.locator(".rpa-zoom-in").click()
    figure.locator(".rpa-zoom-fit").click()
    figure.locator(".rpa-diagram-canvas").evaluate("c => c.scrollIntoView({block: 'end'})")
    box = drawing(page, diagram)
    canvas = figure.locator(".rpa-diagram-canvas").bounding_box()
    bar = figure.locator(".rpa-zoom").bounding_box()
    header = page.locator(".md-header").bounding_box()
    context.close()
    tol = 1.5
    # Inside its card ...
    assert box["x"] >= canvas["x"] - tol and box["x"] + box["width"] <= canvas["x"] + canvas["width"] + tol
    assert box["y"] >= canvas["y"] - tol and box["y"] + box["height"] <= canvas["y"] + canvas["height"] + tol
    # ... and on screen at once, both ways, with its buttons, below the sticky header.
    assert box["x"] >= -tol and box["x"] + box["width"] <= size[0] + tol
    assert bar["y"] >= header["y"] + header["height"] - tol
    assert box["y"] + box["height"] <= size[1] + tol
    # Fitted, not merely small: it spans the card one way or the other.
    inner_w, inner_h = canvas["width"] - 24, canvas["height"] - 24
    assert box["width"] >= inner_w or box["height"] >= inner_h, (box, canvas)


# ---------- zoom and pan ----------


def test_wheel_zooms_around_the_pointer_and_lets_the_page_scroll_at_fit(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    canvas = figure.locator(".rpa-diagram-canvas").bounding_box()
    middle = centre(canvas)
    # The part farthest from the middle: zooming around anything but the pointer moves it most.
    far = max(INV.components, key=lambda c: math.dist(spot(page, CLOUD, c.id), middle))
    # Whole pixels: a mouse event's position is one.
    x, y = (round(v) for v in spot(page, CLOUD, far.id))
    start = drawing(page, CLOUD)["width"]
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -240)
    page.keyboard.up("Control")
    width = wait_for_width_change(page, CLOUD, start, grow=True)
    assert width > start * 1.2
    moved = math.dist(spot(page, CLOUD, far.id), (x, y))
    assert moved <= 2, f"the point under the pointer moved {moved:.1f} px"
    # Once zoomed in, the plain wheel zooms too, still around the pointer.
    page.mouse.wheel(0, -240)
    width = wait_for_width_change(page, CLOUD, width, grow=True)
    assert math.dist(spot(page, CLOUD, far.id), (x, y)) <= 2
    # Zooming out stops at the fitted size ...
    for _ in range(20):
        page.mouse.wheel(0, 240)
        if abs(drawing(page, CLOUD)["width"] - start) < 1:
            break
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    assert abs(drawing(page, CLOUD)["width"] - start) < 1
    # ... after which the wheel scrolls the page instead of trapping the reader.
    before = page.evaluate("scrollY")
    page.mouse.wheel(0, 300)
    page.wait_for_function("y => scrollY > y", arg=before, timeout=3000)
    assert abs(drawing(page, CLOUD)["width"] - start) < 1


def test_plus_and_minus_zoom_around_the_centre_within_limits(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    plus, minus = figure.locator(".rpa-zoom-in"), figure.locator(".rpa-zoom-out")
    mx, my = centre(figure.locator(".rpa-diagram-canvas").bounding_box())
    comp = INV.components[0]
    x0, y0 = spot(page, CLOUD, comp.id)
    start = drawing(page, CLOUD)["width"]
    # At the fitted size there is nothing to zoom out to.
    assert minus.get_attribute("aria-disabled") == "true"
    minus.click(force=True)
    assert abs(drawing(page, CLOUD)["width"] - start) < 1
    plus.click()
    factor = wait_for_width_change(page, CLOUD, start, grow=True) / start
    assert factor > 1.2
    x1, y1 = spot(page, CLOUD, comp.id)
    # Around the middle of the card: every point moves away from it by the same factor.
    assert abs((x1 - mx) - (x0 - mx) * factor) <= 2 and abs((y1 - my) - (y0 - my) * factor) <= 2
    minus.click()
    wait_for_width_change(page, CLOUD, start * factor, grow=False)
    assert abs(drawing(page, CLOUD)["width"] - start) < 1
    widths = [start]
    for _ in range(40):
        if plus.get_attribute("aria-disabled") == "true":
            break
        plus.click()
        widths.append(wait_for_width_change(page, CLOUD, widths[-1], grow=True))
    else:
        pytest.fail("zooming in never reached a limit")
    plus.click(force=True)
    assert abs(drawing(page, CLOUD)["width"] - widths[-1]) < 1
    assert 3 <= widths[-1] / start <= 40


def test_keys_zoom_around_the_centre_fit_and_pan_only_when_zoomed_in(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    canvas = figure.locator(".rpa-diagram-canvas")
    page.evaluate("scrollTo(0, 0)")
    tab_to_canvas(page, CLOUD)
    canvas.evaluate("c => c.scrollIntoView({block: 'end'})")
    start = drawing(page, CLOUD)["width"]
    # At the fitted size: − has nothing to zoom out to, and the arrows scroll the page.
    page.keyboard.press("-")
    before = scroll_y(page)
    page.keyboard.press("ArrowDown")
    page.wait_for_function("y => scrollY > y", arg=before, timeout=3000)
    settle(page)
    assert abs(drawing(page, CLOUD)["width"] - start) < 1
    assert canvas_has_focus(page, CLOUD)
    canvas.evaluate("c => c.scrollIntoView({block: 'end'})")
    settle(page)
    mx, my = centre(canvas.bounding_box())
    comp = INV.components[0]
    x0, y0 = spot(page, CLOUD, comp.id)
    fitted = backdrop(page, CLOUD)
    # + zooms around the middle of the picture: every point moves away from it alike.
    page.keyboard.press("+")
    factor = drawing(page, CLOUD)["width"] / start
    assert factor > 1.2
    x1, y1 = spot(page, CLOUD, comp.id)
    assert abs((x1 - mx) - (x0 - mx) * factor) <= 2 and abs((y1 - my) - (y0 - my) * factor) <= 2
    page.keyboard.press("=")  # the same key without Shift
    assert drawing(page, CLOUD)["width"] > start * factor + 1
    page.keyboard.press("-")
    assert abs(drawing(page, CLOUD)["width"] - start * factor) < 1
    # Zoomed in, the arrows move the picture (the view goes the arrow's way), not the page.
    scroll = scroll_y(page)
    x1, y1 = spot(page, CLOUD, comp.id)
    page.keyboard.press("ArrowRight")
    x2, y2 = spot(page, CLOUD, comp.id)
    assert x2 < x1 - 10 and abs(y2 - y1) < 1
    page.keyboard.press("ArrowDown")
    x3, y3 = spot(page, CLOUD, comp.id)
    assert y3 < y2 - 10 and abs(x3 - x2) < 1
    # ... and stop at the drawing's edges, as a drag does.
    edges = {}
    for key, side in [("ArrowLeft", "left"), ("ArrowUp", "top"), ("ArrowRight", "right"), ("ArrowDown", "bottom")]:
        for _ in range(60):
            old = backdrop(page, CLOUD)
            page.keyboard.press(key)
            if old == backdrop(page, CLOUD):
                break
        else:
            pytest.fail(f"{key} never reached an edge")
        edges[side] = backdrop(page, CLOUD)[side]
    settle(page)
    assert scroll_y(page) == scroll
    assert all(abs(edges[side] - fitted[side]) < 1 for side in edges), (edges, fitted)
    # Ctrl or ⌘ with these keys is the browser's own zoom: left alone.
    for mods in [{"ctrlKey": True}, {"metaKey": True}]:
        taken = canvas.evaluate(
            "(c, m) => !c.dispatchEvent(new KeyboardEvent('keydown', {key: '0', bubbles: true, cancelable: true, ...m}))",
            mods,
        )
        assert not taken and drawing(page, CLOUD)["width"] > start * 1.2
    # 0 fits.
    page.keyboard.press("0")
    assert abs(drawing(page, CLOUD)["width"] - start) < 1


def test_keys_work_only_while_the_picture_has_the_focus(page, site_url, builder):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    start = drawing(page, CLOUD)["width"]
    # Typing into the search field, or pressing keys with nothing focused, leaves the picture alone.
    opener, field, _ = SEARCH[builder]
    search = page.locator(field)
    # The theme's button opens its search once its script listens: try until the field shows.
    for _ in range(10 if opener else 0):
        if search.is_visible():
            break
        try:
            page.locator(opener).click(timeout=1000)
            search.wait_for(state="visible", timeout=1000)
        except PlaywrightTimeout:
            continue
    search.click()
    page.keyboard.type("+=+")
    assert search.input_value() == "+=+"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("+")
    frame(page)
    assert abs(drawing(page, CLOUD)["width"] - start) < 1
    # The control is there: once the picture has the focus, the same key zooms.
    figure.locator(".rpa-diagram-canvas").focus()
    page.keyboard.press("+")
    assert drawing(page, CLOUD)["width"] > start * 1.2


def test_the_picture_is_a_named_tab_stop_that_tells_its_keys(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    canvas = figure.locator(".rpa-diagram-canvas")
    hint = figure.locator(".rpa-diagram-keys")
    assert not hint.is_visible()
    page.evaluate("scrollTo(0, 0)")
    tab_to_canvas(page, CLOUD)
    expect(canvas).to_have_accessible_name(re.compile(re.escape(diagram_title(INV, CLOUD))))
    expect(canvas).to_have_accessible_description(KEYS_HINT)
    expect(hint).to_be_visible()
    assert inside(hint.bounding_box(), canvas.bounding_box())
    assert words(hint.inner_text()) == words(KEYS_HINT)
    # It gives way to the parts' notes once Tab goes on into the drawing ...
    page.keyboard.press("Tab")
    assert focused_part(page, CLOUD) is not None
    expect(hint).to_be_hidden()
    # ... and a pointer user never sees it: a press on the card (its padding, off the
    # drawing's links) focuses the picture without showing it.
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + box["height"] / 2)
    assert canvas_has_focus(page, CLOUD)
    expect(hint).to_be_hidden()


PART_BOX = "document.activeElement.closest('[data-node], [data-from]').getBoundingClientRect().toJSON()"
SVG_BOX = "d => document.querySelector(`svg[data-diagram='${d}']`).getBoundingClientRect().toJSON()"
# A point of a part's link that shows in the picture, but not all of the part does.
HALF_SHOWN = """d => {
    const svg = document.querySelector(`svg[data-diagram='${d}']`);
    const view = svg.getBoundingClientRect();
    for (const part of svg.querySelectorAll("[data-node]")) {
        const r = part.getBoundingClientRect();
        const left = Math.max(r.left, view.left), right = Math.min(r.right, view.right);
        const top = Math.max(r.top, view.top), bottom = Math.min(r.bottom, view.bottom);
        const whole = r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom;
        if (whole || right - left < 20 || bottom - top < 20) continue;
        for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.5], [0.7, 0.5], [0.5, 0.3], [0.5, 0.7]]) {
            const x = Math.round(left + (right - left) * fx), y = Math.round(top + (bottom - top) * fy);
            const hit = document.elementFromPoint(x, y);
            if (hit && hit.closest("a") && part.contains(hit)) return [part.dataset.node, x, y];
        }
    }
    return null;
}"""


def test_keyboard_focus_brings_a_part_into_view_and_a_press_does_not_move_the_picture(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    canvas = figure.locator(".rpa-diagram-canvas")
    canvas.focus()
    for _ in range(2):
        page.keyboard.press("+")
    view = page.evaluate(SVG_BOX, CLOUD)
    hidden = svg_of(page, CLOUD).evaluate(
        "(svg, v) => [...svg.querySelectorAll('[data-node], [data-from]')].filter(g => { const r = g.getBoundingClientRect();"
        " const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;"
        " return x < v.left || x > v.right || y < v.top || y > v.bottom; }).length",
        view,
    )
    assert hidden, "every part is in view already: nothing to bring into view"
    reached = 0
    for _ in range(250):
        page.keyboard.press("Tab")
        if focused_part(page, CLOUD) is None:
            if reached:
                break
            continue
        reached += 1
        x, y = centre(page.evaluate(PART_BOX))
        assert view["left"] <= x <= view["right"] and view["top"] <= y <= view["bottom"], focused_part(page, CLOUD)
        # The picture came to the part, and the page stayed where the reader had it.
        assert page.evaluate(SVG_BOX, CLOUD) == view, focused_part(page, CLOUD)
    assert reached == len(parts_in_document_order(page, CLOUD))
    # A press on a part that shows only in part starts a drag or a click, where the picture
    # must stay under the hand: it is not brought into view.
    canvas.focus()
    page.keyboard.press("0")
    for _ in range(2):
        page.keyboard.press("+")
    found = page.evaluate(HALF_SHOWN, CLOUD)
    assert found, "no part shows only in part"
    part, x, y = found
    before = backdrop(page, CLOUD)
    page.mouse.move(x, y)
    page.mouse.down()
    assert focused_part(page, CLOUD) == part
    assert backdrop(page, CLOUD) == before
    page.mouse.move(x + 40, y + 40, steps=4)  # a drag, so that letting go follows no link
    page.mouse.up()


def test_dragging_pans_and_does_not_follow_the_link(page, site_url):
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    for _ in range(2):
        figure.locator(".rpa-zoom-in").click()
    canvas = figure.locator(".rpa-diagram-canvas").bounding_box()
    middle = centre(canvas)
    comp = min(INV.components, key=lambda c: math.dist(spot(page, CLOUD, c.id), middle))
    x, y = (round(v) for v in spot(page, CLOUD, comp.id))
    url = page.url
    page.evaluate("window.__clicks = []; addEventListener('click', e => __clicks.push(e), true)")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 70, steps=8)
    page.mouse.up()
    after = spot(page, CLOUD, comp.id)
    assert math.dist(after, (x - 120, y - 70)) <= 2, after
    # A drag that starts on a part is not a click on its link.
    assert page.evaluate("__clicks.every(e => e.defaultPrevented)")
    assert page.url == url


def test_pinch_zooms_around_the_fingers_and_one_finger_then_pans(browser, site_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    cdp = context.new_cdp_session(page)

    def touch(kind: str, points: list[tuple[float, float]]) -> None:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]},
        )

    canvas = figure_of(page, CLOUD).locator(".rpa-diagram-canvas").bounding_box()
    middle = centre(canvas)
    comp = max(INV.components, key=lambda c: math.dist(spot(page, CLOUD, c.id), middle))
    x, y = (round(v) for v in spot(page, CLOUD, comp.id))
    start = drawing(page, CLOUD)["width"]
    touch("touchStart", [(x - 20, y), (x + 20, y)])
    for step in range(1, 7):
        touch("touchMove", [(x - 20 - 10 * step, y), (x + 20 + 10 * step, y)])
    touch("touchEnd", [])
    assert abs(drawing(page, CLOUD)["width"] / start - 160 / 40) < 0.05  # the fingers went from 40 to 160 px apart
    assert math.dist(spot(page, CLOUD, comp.id), (x, y)) <= 2
    # Zoomed in, one finger moves the picture (and not the page).
    scroll = page.evaluate("scrollY")
    touch("touchStart", [(x, y)])
    for step in range(1, 7):
        touch("touchMove", [(x - 10 * step, y - 5 * step)])
    touch("touchEnd", [])
    after = spot(page, CLOUD, comp.id)
    moved_page = page.evaluate("scrollY") - scroll
    context.close()
    assert math.dist(after, (x - 60, y - 30)) <= 2 and moved_page == 0


# ---------- highlight and tooltip ----------


@pytest.mark.parametrize(("path", "diagram"), DIAGRAM_PAGES[:2])
def test_hover_and_focus_highlight_a_part_and_its_connections(page, site_url, path, diagram):
    open_viewer(page, site_url, path, diagram)
    for comp in INV.components:
        node(page, diagram, comp.id).hover()
        assert highlighted(page, diagram) == expected_highlight(comp.id), f"hover {comp.id}"
        page.mouse.move(1, 1)
        tooltip(page, diagram).wait_for(state="hidden")
    assert highlighted(page, diagram) == (set(), set())
    for comp in INV.components:
        node(page, diagram, comp.id).locator("a").focus()
        assert highlighted(page, diagram) == expected_highlight(comp.id), f"focus {comp.id}"
    # Hovering a connection lights it and the parts at its ends.
    source = next(c for c in INV.components if c.connections)
    target = source.connections[0].to
    page.mouse.move(1, 1)
    page.evaluate("document.activeElement.blur()")
    page.mouse.move(*edge_point(page, diagram, source.id, target))
    assert highlighted(page, diagram) == ({source.id, target}, {(source.id, target)})


def test_tooltip_follows_keyboard_focus_and_hover_and_escape_closes_it(page, site_url):
    open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    spec = build_spec(INV, CLOUD)
    tip = tooltip(page, CLOUD)
    # The browser's own tooltip would show on top of this one.
    native = svg_of(page, CLOUD).evaluate(
        "(svg, x) => [...svg.querySelectorAll('*')].filter(e => e.hasAttributeNS(x, 'title')"
        " || (e.localName === 'title' && e.parentNode !== svg)).length",
        XLINK,
    )
    assert native == 0
    # Tab goes through every part, connections included, in the drawing's order: each shows
    # its note, lights itself and what it joins, and is named by its note.
    expected_tips = {n.id: words(n.tooltip) for n in spec.nodes()} | {(e.source, e.target): words(e.tooltip) for e in spec.edges}
    order: list[str | tuple[str, str]] = []
    for _ in range(250):
        page.keyboard.press("Tab")
        part = focused_part(page, CLOUD)
        if part is None:
            if order:
                break  # out of the drawing again
            continue
        order.append(part)
        tip.wait_for(state="visible")
        assert words(tip.inner_text()) == expected_tips[part], part
        if isinstance(part, str):
            assert highlighted(page, CLOUD) == expected_highlight(part), part
        else:
            assert highlighted(page, CLOUD) == (set(part), {part}), part
            expect(page.locator(":focus")).to_have_accessible_name(expected_tips[part])
    assert order == parts_in_document_order(page, CLOUD)
    assert set(order) == set(expected_tips)
    assert any(isinstance(p, tuple) for p in order)
    # Tab has left the drawing, and its note went with it; back on the last connection,
    # Escape closes the note and keeps the focus.
    tip.wait_for(state="hidden")
    last = max(i for i, p in enumerate(order) if isinstance(p, tuple))
    for _ in range(len(order) - last):
        page.keyboard.press("Shift+Tab")
    assert focused_part(page, CLOUD) == order[last]
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    assert highlighted(page, CLOUD) == (set(), set())
    assert focused_part(page, CLOUD) == order[last]  # Escape keeps the focus
    for spec_edge in spec.edges:
        page.mouse.move(1, 1)
        tip.wait_for(state="hidden")
        page.mouse.move(*edge_point(page, CLOUD, spec_edge.source, spec_edge.target))
        tip.wait_for(state="visible")
        assert words(tip.inner_text()) == words(spec_edge.tooltip)


def test_tap_shows_the_tooltip_and_a_second_tap_follows_the_link(browser, site_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    spec = build_spec(INV, CLOUD)
    tip = tooltip(page, CLOUD)
    part = next(n for n in spec.nodes() if any(e.source == n.id for e in spec.edges))
    url = page.url
    node(page, CLOUD, part.id).locator("a").tap()
    tip.wait_for(state="visible")
    assert words(tip.inner_text()) == words(part.tooltip)
    assert highlighted(page, CLOUD) == expected_highlight(part.id)
    assert page.url == url
    link = next(e for e in spec.edges if e.source == part.id)
    page.touchscreen.tap(*edge_point(page, CLOUD, link.source, link.target))
    expect(tip).to_have_text(words(link.tooltip))
    page.locator("h1").tap()
    tip.wait_for(state="hidden")
    node(page, CLOUD, part.id).locator("a").tap()
    tip.wait_for(state="visible")
    node(page, CLOUD, part.id).locator("a").tap()
    page.wait_for_url(section(part.id))
    context.close()


# ---------- palettes ----------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_diagram_card_follows_the_palette_and_icons_stay_legible(browser, site_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(10_000)
    figure = open_viewer(page, site_url, CLOUD_PAGE, CLOUD)
    canvas = figure.locator(".rpa-diagram-canvas")
    card = css_luminance(canvas.evaluate("c => getComputedStyle(c).backgroundColor"))
    picture = pixel_luminances(canvas.screenshot())
    mean = sum(picture) / len(picture)
    for _ in range(2):
        figure.locator(".rpa-zoom-in").click()
    box = canvas.bounding_box()
    icons = []
    for use in svg_of(page, CLOUD).locator(".node use").all():
        b = use.bounding_box()
        if b and inside(b, box):
            icons.append(spread(pixel_luminances(page.screenshot(clip=b))))
    context.close()
    if scheme == "dark":
        assert card < 0.05, f"the card glares: luminance {card:.3f}"
        assert mean < 0.15, f"the picture glares: mean luminance {mean:.3f}"
    else:
        assert card > 0.85 and mean > 0.6
    assert icons, "no icon in view"
    assert min(icons) >= 3, f"an icon blends into its background: contrast {min(icons):.2f}"


# ---------- phones and the text alternative ----------


@pytest.mark.parametrize(("path", "diagram"), DIAGRAM_PAGES)
def test_a_phone_shows_the_list_of_parts_instead_of_the_picture(browser, site_url, path, diagram):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    show(page, site_url, path, diagram)
    figure = figure_of(page, diagram)
    items = figure.locator("li[data-node]").filter(visible=True)
    items.first.wait_for(state="visible")
    canvas_visible = figure.locator(".rpa-diagram-canvas").is_visible()
    names = [words(t) for t in items.all_inner_texts()]
    hrefs = [a.get_attribute("href") for a in figure.locator("li[data-node] > a").all()]
    width = figure.bounding_box()["width"]
    context.close()
    assert not canvas_visible
    # Every part, in the groups the picture draws.
    drawn = build_spec(INV, diagram).nodes()
    assert len(names) == len(INV.components) == len(drawn)
    for part, text, href in zip(drawn, names, hrefs, strict=True):
        assert text.startswith(INV.component(part.id).name) and section(part.id).search(href), href
    assert width <= 390


def test_a_phone_has_the_list_open_before_the_sites_script_runs(browser, site_url):
    """Opened in the first frame (by the script inlined after the content), not later by site.js:
    a list opened late would push the page down under the reader."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.route("**/javascripts/site.js", lambda route: route.abort())
    page.goto(site_url + DIAGRAM_PAGES[-1][0], wait_until="domcontentloaded")
    opened = page.evaluate("[...document.querySelectorAll('details.rpa-diagram-text')].map(d => d.open)")
    context.close()
    assert opened and all(opened)


@pytest.mark.parametrize(("path", "diagram"), DIAGRAM_PAGES[:2])
def test_diagram_as_text_is_a_list_of_parts_and_connections(page, site_url, path, diagram):
    figure = open_viewer(page, site_url, path, diagram)
    assert figure.locator(".rpa-diagram-canvas").is_visible()
    details = figure.locator("details.rpa-diagram-text")
    assert not details.locator("li[data-node]").first.is_visible()  # closed on a desktop
    details.locator("summary").click()
    parts = details.locator("li[data-node]")
    parts.first.wait_for(state="visible")
    assert [p.get_attribute("data-node") for p in parts.all()] == [n.id for n in build_spec(INV, diagram).nodes()]
    assert parts.count() == len(INV.components)
    assert details.locator("li[data-from]").count() == sum(len(c.connections) for c in INV.components)
    for comp in INV.components:
        item = details.locator(f'li[data-node="{comp.id}"]')
        assert words(item.inner_text()).startswith(comp.name)
        for conn in comp.connections:
            text = words(item.locator(f'li[data-from="{comp.id}"][data-to="{conn.to}"]').inner_text())
            assert INV.component(conn.to).name in text and conn.label in text and conn.protocol in text
