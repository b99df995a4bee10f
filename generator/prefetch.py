"""Resize the diagrams' icons in another process while this one checks the inventory.

A cold build spends its first part on one core: starting Python, reading and
checking the inventory; nothing else can start until the inventory is valid. The
icons are the exception: every `icon:` of the raw YAML names one. So the build
first starts a child process, which loads Pillow while the build reads the file;
as soon as the file is parsed, the build looks up the library's icon file for each
name (importing the modules its checks and drawing need anyway) and sends the
child the list on its standard input. The child caches two copies of each
(`images.py`): first the small ones Graphviz draws into the PNGs, then says so with
one line on its standard output (Graphviz starts on that), then the ones the SVGs
embed. It is only a head start: the build makes any copy the child did not (a wrong
class name, a crash), and the build's own checks report the problems.

    python -m generator.prefetch < ICON_FILES      (started by `start`, not by hand)
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import subprocess

WAIT_S = 60  # shrinking this project's icons takes well under a second
DRAWN = "drawn"  # the child's one line: the icons Graphviz draws are in the cache


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
    """The child process: `send()` gives it the icon files, `wait()` lets it finish (or stops
    it); none of them raises."""

    def __init__(self, proc: subprocess.Popen[bytes] | None) -> None:
        self._proc = proc
        self._drawn: bool | None = None  # what the child said, once read

    def send(self, icons: list[Path]) -> None:
        """Hand the child its icon files, then end its input (it exits after the last one)."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdin.closed:
            return
        # OSError: the child is gone already; the build shrinks what it needs itself.
        with contextlib.suppress(OSError), proc.stdin:
            proc.stdin.write("".join(f"{path}\n" for path in icons).encode())

    def drawn(self, block: bool) -> bool | None:
        """Whether the child has cached the copies of the icons Graphviz draws: True once it says
        so; None while it works (with `block`, waited for up to WAIT_S); False if it ended, or
        took that long, without saying so (the build then makes what is missing)."""
        proc = self._proc
        if self._drawn is not None or proc is None or proc.stdout is None:
            return bool(self._drawn)
        import select

        self._end_input()
        try:
            ready, _, _ = select.select([proc.stdout], [], [], WAIT_S if block else 0)
            if not ready:
                if not block:
                    return None
                self._drawn = False
                return False
            self._drawn = proc.stdout.readline().decode(errors="replace").strip() == DRAWN
        except (OSError, ValueError):
            self._drawn = False
        return self._drawn

    def wait(self) -> None:
        import subprocess

        from .waiting import wait_for

        self._end_input()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            wait_for(proc, WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def close(self) -> None:
        """Stop the child if it still runs (the build failed or is done without it)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self.wait()

    def _end_input(self) -> None:
        """Close the child's input if nothing closed it yet (then it stops waiting for files)."""
        stdin = self._proc.stdin if self._proc is not None else None
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(OSError):
                stdin.close()


def start() -> Prefetch:
    """Start the child, which waits for its icon files; a machine that cannot start it builds
    without it."""
    import subprocess

    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.prefetch"],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return Prefetch(None)
    return Prefetch(proc)


def main(lines: Iterator[str], out: TextIO) -> int:
    """Cache both copies of each icon file named on a line of `lines`; write DRAWN to `out` once
    the copies Graphviz draws are all there."""
    import PIL.Image

    from .images import prepare_icons

    # Loaded while the build reads the inventory: the first Image.open would load these
    # format plugins (a fifth of this child's work) after the icon files have come.
    PIL.Image.preinit()

    icons = [Path(line.strip()).read_bytes() for line in lines if line.strip()]

    def drawn_ready() -> None:
        out.write(DRAWN + "\n")
        out.flush()

    prepare_icons(icons, drawn_ready)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.stdin, sys.stdout))
