"""Read the inventory file into plain data plus a map from key path to line.

PyYAML's composer keeps the position of every node; building the Python
values ourselves from that tree lets every later check report a line number,
and lets us reject duplicate keys, which PyYAML would silently overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from .errors import InventoryError, Path, Problem, describe, format_path

MAX_BYTES = 1024 * 1024


@dataclass
class Source:
    filename: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """Line of the deepest known ancestor of `path` (missing keys report their parent)."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1


def _build(node: yaml.Node, path: Path, loader: Any, src: Source, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                problems.append(Problem(line, format_path(path), f"expected a text key, got {describe(key)}"))
                continue
            child = (*path, key)
            if key in result:
                problems.append(
                    Problem(
                        line,
                        format_path(child),
                        f"expected each key once in a mapping, got {describe(key)} again (first on line {src.lines[child]})",
                    )
                )
                continue
            src.lines[child] = line
            result[key] = _build(value_node, child, loader, src, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            src.lines[child] = item.start_mark.line + 1
            items.append(_build(item, child, loader, src, problems))
        return items
    try:
        return loader.construct_object(node)
    except ValueError:
        # A timestamp that names no real day (2026-02-30): kept as its text, which the
        # declared type then reports at its key and line.
        return node.value


def read_source(path: FsPath, display_name: str | None = None) -> Source:
    """Load `path`; raise InventoryError with every structural YAML problem."""
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InventoryError(name, [Problem(1, "(file)", f"expected an inventory file at {path}, got no such file")]) from None
    # Check the size before reading, so a runaway file is refused without loading it.
    if size > MAX_BYTES:
        raise InventoryError(name, [Problem(1, "(file)", f"expected at most {MAX_BYTES} bytes, got {size} bytes")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InventoryError(
            name,
            [
                Problem(
                    line,
                    "(file)",
                    f"expected UTF-8 text, got the byte 0x{raw[exc.start]:02x} that is not UTF-8",
                )
            ],
        ) from None
    return parse_text(text, name)


# libyaml parses the inventory about 10x faster; on any YAML error the pure-Python parser
# reads it again, so the messages (and their line numbers) are always the same.
_FastLoader = getattr(yaml, "CSafeLoader", None)


def parse_text(text: str, name: str) -> Source:
    if _FastLoader is not None:
        try:
            return _parse(text, name, _FastLoader)
        except (yaml.YAMLError, InventoryError):
            pass
    return _parse(text, name, yaml.SafeLoader)


def _parse(text: str, name: str, loader_class: Any) -> Source:
    src = Source(filename=name, data=None, lines={(): 1})
    problems: list[Problem] = []
    loader: Any = None
    try:
        loader = loader_class(text)
        root = loader.get_single_node()
        if root is None:
            raise InventoryError(
                name,
                [Problem(1, "(document)", "expected a mapping with the inventory keys, got an empty file")],
            )
        src.data = _build(root, (), loader, src, problems)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise InventoryError(
            name,
            [Problem(line, "(yaml)", f"expected printable text, got the control character U+{exc.character:04X}")],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f" at column {mark.column + 1}" if mark else ""
        what = "; ".join(part for part in (exc.context, exc.problem) if part) or "unreadable text"
        raise InventoryError(
            name, [Problem(line, "(yaml)", f"expected valid YAML, got a syntax error{column}: {what}")]
        ) from None
    except yaml.YAMLError as exc:
        raise InventoryError(name, [Problem(1, "(yaml)", f"expected valid YAML, got {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if problems:
        raise InventoryError(name, problems)
    return src
