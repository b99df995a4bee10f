"""Problems found in an inventory, and how they are reported."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]

# Keys printed as they are; anything else (spaces, dots, non-ASCII, control or
# invisible characters) is quoted so the path stays one readable, unambiguous token.
PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def quote_key(key: str) -> str:
    """A key as it appears in messages: bare when plain, else a JSON string with escapes."""
    return key if PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=True)


def format_path(path: Path) -> str:
    """('components', 3, 'id') -> 'components[3].id'; ('a', 'b c') -> 'a["b c"]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif PLAIN_KEY.fullmatch(part):
            out += ("." if out else "") + part
        else:
            out += f"[{quote_key(part)}]"
    return out or "(document)"


def describe(value: Any) -> str:
    """Short, quoted rendering of an offending value for 'got ...'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"a {type(value).__name__}"


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    key: str
    message: str

    def render(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.key}: {self.message}"


class InventoryError(Exception):
    """Raised once, carrying every problem found in the file."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [p.render(self.filename) for p in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} in {self.filename}")
        return "\n".join(lines)


class BuildError(Exception):
    """An environment or rendering fault (Graphviz missing, icon missing...)."""
