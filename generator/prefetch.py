"""Shrink the inventory's icons in another process while this one starts up.

A cold build spends its first third importing pydantic and validating the
inventory, on one core; nothing else can start until the inventory is valid.
The icons are the exception: every `icon:` of the raw YAML names one, so a child
process reads them from the raw file and fills the icon cache (`images.py`)
on the idle core meanwhile. It is only a head start: the build computes any icon
the child did not (a broken inventory, a wrong class name, a crash), and the
build's own checks report the problems.

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
    """Start the child for `inventory`; a machine that cannot start it builds without it."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.prefetch", str(inventory)],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return Prefetch(None)
    return Prefetch(proc)


def main(argv: list[str]) -> int:
    import yaml

    from .icons import IconError, icon_file
    from .images import shrink_icon

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc = yaml.load(Path(argv[0]).read_bytes(), Loader=loader)
    for name in sorted(set(icon_names(doc))):
        try:
            path = icon_file(name)
        except IconError:
            continue  # the build reports it
        if path.is_file():
            shrink_icon(path.read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
