"""Shrink the diagrams' icons in another process while this one checks the inventory.

A cold build spends its first part on one core: starting Python, reading and
checking the inventory; nothing else can start until the inventory is valid. The
icons are the exception: every `icon:` of the raw YAML names one. So the build
first starts a child process that reads the file itself, looks up the library's
icon file for each name and shrinks those files into the icon cache (`images.py`)
on the idle core, and only then reads the file. The child is done about when
Graphviz starts. It is only a head start: the build computes any icon the child
did not (a file it could not read, a wrong class name, a crash), and the build's
own checks report the problems.

    python -m generator.prefetch INVENTORY      (started by `start`, not by hand)
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WAIT_S = 60  # shrinking this project's icons takes well under a second


def icon_names(doc: Any) -> Iterator[str]:
    """Every string under a key named `icon`, anywhere in a parsed YAML document."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "icon" and isinstance(value, str):
                yield value
            else:
                yield from icon_names(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from icon_names(item)


def icon_files(doc: Any) -> list[Path]:
    """The icon file of every name under an `icon` key of the raw document that names one.

    Only names inside the `diagrams` package are looked up (a lookup imports the module the name
    gives, and the inventory is not checked yet); a name that names no icon is left to the checks.
    """
    from .icons import IconError, icon_file

    files = []
    for name in sorted(set(icon_names(doc))):
        if not name.startswith("diagrams."):
            continue
        try:
            path = icon_file(name)
        except (IconError, ValueError):  # ValueError: a name importlib refuses
            continue
        if path.is_file():
            files.append(path)
    return files


class Prefetch:
    """The child process; `wait()` lets it finish (or stops it), and never raises."""

    def __init__(self, proc: subprocess.Popen[bytes] | None) -> None:
        self._proc = proc

    def wait(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the child if it still runs (the build failed or is done without it)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self.wait()


def start(inventory: Path) -> Prefetch:
    """Start the child on `inventory`; a machine that cannot start it builds without it."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.prefetch", str(inventory.resolve())],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return Prefetch(None)
    return Prefetch(proc)


def raw_document(inventory: Path) -> Any:
    """The inventory as plain data, unchecked (the build reads it again, with every check)."""
    import yaml

    from .source import MAX_BYTES

    if inventory.stat().st_size > MAX_BYTES:
        return None
    return yaml.load(inventory.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def main(argv: list[str]) -> int:
    from .images import shrink_icon

    (inventory,) = argv
    for path in icon_files(raw_document(Path(inventory))):
        shrink_icon(path.read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
