"""Where generated things sit in the site, and how pages link to each other.

Pages at different depths need different relative prefixes; every prefix is
computed here from a page's path, never written out by hand.
"""

from __future__ import annotations

import posixpath

GENERATED = "generated"  # folder under docs/ that the generator owns
OVERVIEW_PAGE = "index.md"
COMPONENTS_PAGE = "components.md"
CONFIGURATOR_PAGE = "configurator.md"
# The query parameter that carries the reader's cloud choice between pages (value: a cloud id);
# the page's script (overrides/partials/cloud-choice.html) reads and writes the same name.
CLOUD_PARAM = "cloud"
# The Clouds section's own page: an index.md, so that both builders make it the section's
# landing page (navigation.indexes) instead of a "Clouds" page inside a "Clouds" section.
CLOUDS_PAGE = "clouds/index.md"
CLOUDS_TITLE = "Clouds"
# The Clouds section of the navigation, in the literate-nav format that MkDocs (through the
# mkdocs-literate-nav plugin) and Zensical (natively) both read; mkdocs.yml points at its folder.
CLOUD_NAV = f"{GENERATED}/clouds/SUMMARY.md"


def base_of(path: str) -> str:
    """Prefix from the folder of `path` (relative to the docs or site root) back to the root."""
    return "../" * path.count("/")


def relative(target: str, source: str) -> str:
    """Link from the file `source` to the file `target`, both relative to the docs root."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def block_file(name: str, page: str) -> str:
    """The block `name` rendered for `page`: blocks for pages below the root sit in a folder of the same name."""
    folder = posixpath.dirname(page)
    return f"blocks/{folder}/{name}" if folder else f"blocks/{name}"


def cloud_page(cloud_id: str) -> str:
    return f"{GENERATED}/clouds/{cloud_id}.md"


def diagram_file(diagram_id: str, ext: str) -> str:
    return f"{GENERATED}/diagrams/{diagram_id}.{ext}"


def file_path(cloud_id: str, name: str) -> str:
    return f"{GENERATED}/files/{cloud_id}/{name}"


def component_anchor(component_id: str, html: bool = False, cloud: str | None = None) -> str:
    """The component's section, relative to the root (.html for links inside SVG, which MkDocs does not rewrite).

    With `cloud`, the link opens the section on that cloud (a cloud's diagram names its own).
    """
    page = COMPONENTS_PAGE.replace(".md", ".html") if html else COMPONENTS_PAGE
    query = f"?{CLOUD_PARAM}={cloud}" if cloud else ""
    return f"{page}{query}#{component_id}"
