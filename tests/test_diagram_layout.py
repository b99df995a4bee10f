"""The diagrams read at a glance on a 1440x900 screen, measured in Chromium.

Each diagram is measured where a reader meets it (the overview in the home page's "All
clouds" tab, each cloud's on its page) as the page first shows it: at fit width,
filling the canvas.

- Landscape: with the diagram's figure scrolled to just below the sticky header, the
  whole drawing lies inside the viewport and its canvas does not scroll, so the reader
  sees all of it, zoom buttons included, without scrolling.
- Legible: every text of the SVG is at least 12 CSS px (its font size times the
  drawing's scale on screen).
- No line crosses a label: points sampled every CSS pixel along each edge's line and
  arrowhead never fall inside the box of any text (node, cluster and edge labels).
- An edge label, if a drawing has any, sits next to its own edge, and every text of a
  part stays inside the part's box.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from generator import site
from generator.diagram_spec import OVERVIEW, diagram_ids
from generator.render_pages import diagram_title
from generator.validate import load

from .conftest import INVENTORY

pytestmark = pytest.mark.browser

SCREEN = {"width": 1440, "height": 900}
MIN_TEXT_PX = 12.0
EDGE_LABEL_REACH_PX = 24.0  # how far an edge label may sit from its own edge
DIAGRAMS = diagram_ids(load(INVENTORY))  # the overview, then every cloud of the inventory

# Everything is measured in CSS pixels of the viewport.
MEASURE = """(id) => {
  const svg = document.querySelector(`svg[data-diagram="${id}"]`);
  const figure = svg.closest("figure");
  const canvas = svg.closest(".rpa-diagram-canvas");
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
  window.scrollTo(0, window.scrollY + figure.getBoundingClientRect().top - header);
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const style = getComputedStyle(canvas);
  const inner = canvas.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const texts = [...svg.querySelectorAll("text")].map((t) => {
    const m = t.getScreenCTM();
    return {
      text: t.textContent,
      px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
      box: box(t.getBoundingClientRect()),
      edge: t.closest("g.edge") ? t.closest("g.edge").id : null,
    };
  });
  const edges = [...svg.querySelectorAll("g.edge")].map((g) => {
    const points = [];
    for (const shape of g.querySelectorAll("path, polygon")) {
      const m = shape.getScreenCTM();
      const at = (x, y) => {
        const p = new DOMPoint(x, y).matrixTransform(m);
        points.push([p.x, p.y]);
      };
      const scale = Math.hypot(m.a, m.b);
      if (shape.tagName === "path") {
        const length = shape.getTotalLength();
        const steps = Math.max(1, Math.ceil(length * scale));
        for (let i = 0; i <= steps; i++) {
          const p = shape.getPointAtLength((length * i) / steps);
          at(p.x, p.y);
        }
      } else {
        const corners = [...shape.points];
        for (let i = 0; i < corners.length; i++) {
          const a = corners[i], b = corners[(i + 1) % corners.length];
          const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) * scale));
          for (let s = 0; s <= steps; s++) at(a.x + ((b.x - a.x) * s) / steps, a.y + ((b.y - a.y) * s) / steps);
        }
      }
    }
    // The viewer moves each part's <title> into its tooltip: name parts by their data attributes.
    return {id: g.id, name: g.dataset.from ? `${g.dataset.from}->${g.dataset.to}` : g.id, points};
  });
  const parts = [...svg.querySelectorAll("g.node")].map((g) => {
    const shapes = [...g.querySelectorAll("path, polygon")].map((s) => s.getBoundingClientRect());
    return {
      name: g.dataset.node || g.id,
      box: {
        left: Math.min(...shapes.map((r) => r.left)),
        top: Math.min(...shapes.map((r) => r.top)),
        right: Math.max(...shapes.map((r) => r.right)),
        bottom: Math.max(...shapes.map((r) => r.bottom)),
      },
      texts: [...g.querySelectorAll("text")].map((t) => ({text: t.textContent, box: box(t.getBoundingClientRect())})),
    };
  });
  return {
    svg: box(svg.getBoundingClientRect()),
    fitWidth: inner,
    header,
    viewport: window.innerHeight,
    canvasScrolls: canvas.scrollHeight > canvas.clientHeight + 1,
    texts,
    edges,
    parts,
  };
}"""


@pytest.fixture(scope="module")
def screen(browser):
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def measured(screen, site_url, inventory) -> dict[str, dict[str, Any]]:
    found = {}
    for diagram in DIAGRAMS:
        if diagram == OVERVIEW:  # a tab of the home page's diagrams
            screen.goto(site_url + "index.html")
            screen.locator(".rpa-diagram-tabs label", has_text=diagram_title(inventory, OVERVIEW)).click()
        else:
            screen.goto(site_url + site.cloud_page(diagram).replace(".md", ".html"))
        screen.locator(f'svg[data-diagram="{diagram}"]').wait_for(state="visible")
        found[diagram] = screen.evaluate(MEASURE, diagram)
    return found


def _inside(point: list[float], box: dict[str, float]) -> bool:
    x, y = point
    return box["left"] < x < box["right"] and box["top"] < y < box["bottom"]


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_diagram_fills_the_width_and_fits_the_screen(measured, diagram):
    m = measured[diagram]
    svg = m["svg"]
    width = svg["right"] - svg["left"]
    assert abs(width - m["fitWidth"]) <= 1, f"{diagram}: drawn {width:.0f} px wide, the canvas fits {m['fitWidth']:.0f}"
    assert svg["top"] >= m["header"] - 1, f"{diagram}: the drawing starts {m['header'] - svg['top']:.0f} px under the header"
    assert svg["bottom"] <= m["viewport"], (
        f"{diagram}: {svg['bottom'] - svg['top']:.0f} px tall at fit width; its bottom is {svg['bottom'] - m['viewport']:.0f} px "
        f"below a {m['viewport']} px screen"
    )
    assert not m["canvasScrolls"], f"{diagram}: the canvas scrolls inside (taller than its maximum height)"


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_every_text_is_at_least_12_css_px(measured, diagram):
    small = sorted({(round(t["px"], 1), t["text"]) for t in measured[diagram]["texts"] if t["px"] < MIN_TEXT_PX})
    assert measured[diagram]["texts"]
    assert not small, f"{diagram}: {len(small)} texts under {MIN_TEXT_PX} px, e.g. {small[:5]}"


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_every_text_stays_inside_its_part(measured, diagram):
    """Graphviz sizes a part for its text; the browser must draw that text inside it."""
    spill = [
        (part["name"], text["text"])
        for part in measured[diagram]["parts"]
        for text in part["texts"]
        if text["text"].strip()
        and not (
            text["box"]["left"] >= part["box"]["left"] - 0.5
            and text["box"]["right"] <= part["box"]["right"] + 0.5
            and text["box"]["top"] >= part["box"]["top"] - 0.5
            and text["box"]["bottom"] <= part["box"]["bottom"] + 0.5
        )
    ]
    assert measured[diagram]["parts"]
    assert not spill, f"{diagram}: texts outside their part: {spill[:8]}"


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_no_edge_crosses_a_label(measured, diagram):
    m = measured[diagram]
    assert m["edges"]
    crossings = sorted(
        {
            (edge["name"], text["text"])
            for edge in m["edges"]
            for text in m["texts"]
            if text["text"].strip() and any(_inside(p, text["box"]) for p in edge["points"])
        }
    )
    assert not crossings, f"{diagram}: {len(crossings)} edges cross a label: {crossings[:8]}"


@pytest.mark.parametrize("diagram", DIAGRAMS)
def test_edge_labels_sit_next_to_their_edge(measured, diagram):
    m = measured[diagram]
    far = []
    for edge in m["edges"]:
        boxes = [t["box"] for t in m["texts"] if t["edge"] == edge["id"] and t["text"].strip()]
        if not boxes:
            continue
        left, top = min(b["left"] for b in boxes), min(b["top"] for b in boxes)
        right, bottom = max(b["right"] for b in boxes), max(b["bottom"] for b in boxes)
        nearest = min(math.hypot(max(left - x, 0, x - right), max(top - y, 0, y - bottom)) for x, y in edge["points"])
        if nearest > EDGE_LABEL_REACH_PX:
            far.append((edge["name"], round(nearest)))
    assert not far, f"{diagram}: edge labels far from their edge (edge, px): {far[:8]}"
