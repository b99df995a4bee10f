"""Which PNG the `diagrams` library draws for a node class.

Validation and drawing share `node_class` and `icon_file`, so a class the
checker accepts is exactly a class the drawing can use. Only the library's
public API is used: the icon file is read from the DOT source the library
writes for a node, not from its private attributes. This module imports no
more than the library, so the icon prefetch (`prefetch.py`) starts quickly.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from diagrams import Diagram, Node, setcluster, setdiagram

from .errors import BuildError

_IMAGE_ATTR = re.compile(r'image="((?:[^"\\]|\\.)*)"')


class IconError(ValueError):
    """`dotted` does not name a `diagrams` node class with an icon."""


class SourceOnly(Diagram):
    """A Diagram that never renders, opens a viewer or writes to the working directory."""

    def __init__(self, title: str, name: str, **attrs: Any) -> None:
        super().__init__(title, filename=name, show=False, **attrs)

    def __exit__(self, *exc: object) -> None:
        setcluster(None)
        setdiagram(None)


def node_class(dotted: str) -> type[Node]:
    """The node class named `dotted` (e.g. diagrams.aws.storage.S3); raises IconError."""
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise IconError(f"no module {module_name}") from None
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Node)):
        raise IconError(f"no node class {class_name} in {module_name}")
    return cls


@cache
def icon_file(dotted: str) -> Path:
    """The PNG the library draws for `dotted`, read from the DOT source it writes."""
    cls = node_class(dotted)
    with SourceOnly("probe", "probe") as probe:
        cls("", nodeid="probe")
        found = _IMAGE_ATTR.search(probe.dot.source)
    if not found:
        raise IconError(f"{class_name(dotted)} draws no icon")
    return Path(found.group(1).replace('\\"', '"'))


def class_name(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def icon_problem(dotted: str) -> str | None:
    """None if `dotted` is a node class with an icon, else why not (for validation)."""
    try:
        icon_file(dotted)
    except IconError as exc:
        return str(exc)
    return None


def check_icon_files(dotted: list[str]) -> None:
    missing = sorted({str(icon_file(d)) for d in dotted if not icon_file(d).is_file()})
    if missing:
        raise BuildError(
            "expected every icon file of the `diagrams` library to exist, got missing: "
            + ", ".join(missing)
            + " (reinstall with `pip install --force-reinstall diagrams`)"
        )
