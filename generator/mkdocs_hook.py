"""MkDocs hook: regenerate docs/generated/ before each build, and add the cloud pages to the nav.

A thin wrapper around `python -m generator build`. Set RPA_GENERATE=0 to build
from what is already generated (as a hook-less builder such as Zensical does).
The cloud pages come from `docs/generated/nav.json`, which the generator
renders from the inventory, so a new cloud needs no edit of mkdocs.yml.

Under `mkdocs serve` a broken inventory must not take the site down: the last
good generated files stay in place, the problems are printed, and every page
carries a banner naming them until the file is fixed.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import build
from generator.errors import BuildError, InventoryError
from generator.paths import DEFAULT_INVENTORY, DEFAULT_OUT, MARKER

_state: dict[str, str | None] = {"command": None, "problem": None}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: Any) -> Any:
    # Generation runs here, not in on_pre_build, because the nav needs its output.
    _state["problem"] = None
    if os.environ.get("RPA_GENERATE", "1") != "0":
        _generate()
    config["nav"] = with_cloud_pages(config["nav"], DEFAULT_OUT / "nav.json")
    return config


def _generate() -> None:
    try:
        report = build(DEFAULT_INVENTORY, DEFAULT_OUT)
    except InventoryError as exc:
        _fail(f"inventory.yml has problems; docs/generated/ was left as it was.\n{exc.report()}")
        return
    except BuildError as exc:
        _fail(f"generation failed; docs/generated/ was left as it was.\n{exc}")
        return
    if report.written or report.removed:
        print(f"generator: {len(report.written)} written, {len(report.removed)} removed", file=sys.stderr)


def with_cloud_pages(nav: list[Any] | None, nav_file: Path) -> list[Any] | None:
    """`nav` with the generated pages inserted after the entry they name."""
    if nav is None or not nav_file.is_file():
        return nav
    data = json.loads(nav_file.read_text(encoding="utf-8"))
    pages = [{page["title"]: page["path"]} for page in data["pages"]]

    def insert(items: list[Any]) -> bool:
        for index, item in enumerate(items):
            if item == data["after"] or (isinstance(item, dict) and data["after"] in item.values()):
                items[index + 1 : index + 1] = pages
                return True
            if isinstance(item, dict):
                for value in item.values():
                    if isinstance(value, list) and insert(value):
                        return True
        return False

    out = json.loads(json.dumps(nav))  # a copy: MkDocs may reuse the config between builds
    if not insert(out):
        raise PluginError(f"mkdocs.yml: expected a nav entry for {data['after']}, got none to put the cloud pages after")
    return out


def _fail(message: str) -> None:
    serving = _state["command"] == "serve"
    if not serving or not (DEFAULT_OUT / MARKER).exists():
        raise PluginError(message)
    # Printed, not logged: with `strict: true` a logged warning would abort the
    # build and leave the browser on a stale page with no explanation.
    print(f"\n*** {message}\n*** Serving the last good build until this is fixed.\n", file=sys.stderr, flush=True)
    _state["problem"] = message


def on_post_page(output: str, page: Any, config: Any) -> str:
    problem = _state["problem"]
    if not problem:
        return output
    banner = (
        '<div class="rpa-build-error" role="alert" style="background:#b71c1c;color:#fff;'
        'padding:0.8rem 1.2rem;font-size:0.8rem;position:relative;z-index:10">'
        "<strong>The inventory has problems. This page shows the last good build.</strong>"
        f'<pre style="white-space:pre-wrap;margin:0.5rem 0 0;color:#fff;background:none">{html.escape(problem)}</pre>'
        "</div>"
    )
    head, sep, rest = output.partition("<body")
    if not sep:
        return banner + output
    tag_end = rest.index(">") + 1
    return head + sep + rest[:tag_end] + banner + rest[tag_end:]
