"""MkDocs hook: regenerate docs/generated/ before each build.

A thin wrapper around `python -m generator build`, so that `mkdocs serve` follows
edits of inventory.yml. Set RPA_GENERATE=0 to build from what is already generated.
The site needs nothing else from it: the navigation of the cloud pages is a generated
file too (generated/clouds/SUMMARY.md), so a builder without hooks such as Zensical
builds the same site after `python -m generator build`.

Under `mkdocs serve` a broken inventory must not take the site down: the last
good generated files stay in place, the problems are printed, and every page
carries a banner naming them until the file is fixed.
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import build
from generator.errors import BuildError, InventoryError
from generator.paths import DEFAULT_INVENTORY, DEFAULT_OUT, MARKER

_state: dict[str, str | None] = {"command": None, "problem": None}


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: Any) -> Any:
    # Generation runs before MkDocs collects the files, whose navigation (SUMMARY.md) it writes.
    _state["problem"] = None
    if os.environ.get("RPA_GENERATE", "1") != "0":
        _generate()
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


def _fail(message: str) -> None:
    serving = _state["command"] == "serve"
    if not serving or not (DEFAULT_OUT / MARKER).exists():
        raise PluginError(message)
    # Printed, not logged: with `strict: true` a logged warning would abort the
    # build and leave the browser on a stale page with no explanation.
    print(f"\n*** {message}\n*** Serving the last good build until this is fixed.\n", file=sys.stderr, flush=True)
    _state["problem"] = message


class _Bytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process.

    `mkdocs serve` rebuilds with a new Jinja environment every time, which compiled the
    theme's templates again on each rebuild; Jinja checks each template's source against
    what it compiled, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_bytecode = _Bytecode()


def on_env(env: jinja2.Environment, config: Any, files: Any) -> jinja2.Environment:
    env.bytecode_cache = _bytecode
    return env


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
