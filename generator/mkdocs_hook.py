"""MkDocs hook: regenerate docs/generated/ before each build.

A thin wrapper around `python -m generator build`. Set RPA_GENERATE=0 to build
from what is already generated (as a hook-less builder such as Zensical does).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import DEFAULT_INVENTORY, DEFAULT_OUT, build
from generator.errors import BuildError, InventoryError

log = logging.getLogger("mkdocs.hooks.generator")


def on_pre_build(config, **kwargs) -> None:
    if os.environ.get("RPA_GENERATE", "1") == "0":
        return
    try:
        report = build(DEFAULT_INVENTORY, DEFAULT_OUT)
    except InventoryError as exc:
        raise PluginError(f"inventory.yml has problems; docs/generated/ was left as it was:\n{exc.report()}") from None
    except BuildError as exc:
        raise PluginError(f"generation failed; docs/generated/ was left as it was: {exc}") from None
    if report.written or report.removed:
        log.info("generator: %d written, %d removed", len(report.written), len(report.removed))
