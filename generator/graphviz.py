"""Run Graphviz's `dot`, failing loudly where Graphviz would not.

`DotRun` returns at once with `dot` running in its own process, so the caller
renders text meanwhile on its own core; `DotRun.result` collects it. Nothing in
this process waits on `dot` until then (no thread, no pipe to drain): `dot` reads
its source from a file and writes its images and messages to files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError
from .waiting import wait_for

DOT_TIMEOUT_S = 120  # a graph this project draws takes well under a second
# The build's own process is its longest chain: it renders every text file while `dot` draws.
# At equal priority the `dot` processes (one per diagram) would take most of the cores and the
# text would finish last, alone on one core; a lower priority lets `dot` use what the text
# leaves. Measured on two cores: a cold build about a tenth faster, with the same CPU time.
DOT_NICENESS = 10  # added to the build's own niceness


def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise BuildError(
            "Graphviz is not installed: expected the `dot` command on PATH, got none. "
            "Install it with `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`, "
            "or run `make setup`."
        )
    return found


def _lower_priority(pid: int) -> None:
    if not hasattr(os, "setpriority"):  # Windows: there `dot` keeps the build's priority
        return
    # OSError: it has already finished, or the system refuses; the build is only slower.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, min(os.getpriority(os.PRIO_PROCESS, 0) + DOT_NICENESS, 19))


class DotRun:
    """One `dot` process drawing one graph into every format; `result()` waits for it once."""

    def __init__(self, source: str, formats: tuple[str, ...] = ("svg", "png")) -> None:
        dot = dot_binary()
        self._dir = Path(tempfile.mkdtemp(prefix="rpa-dot-"))
        self._outputs = {fmt: self._dir / f"out.{fmt}" for fmt in formats}
        graph = self._dir / "in.gv"
        args = [dot, *(a for fmt, out in self._outputs.items() for a in (f"-T{fmt}", f"-o{out}")), str(graph)]
        try:
            graph.write_bytes(source.encode("utf-8"))
            with open(self._dir / "stderr", "wb") as err:
                self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                    args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
                )
            _lower_priority(self._proc.pid)
        except BaseException:
            self.close()
            raise
        self.process: subprocess.Popen[bytes] = self._proc  # to watch; `result()` waits for it

    def result(self) -> dict[str, bytes]:
        """The images, or BuildError on a failure or on any warning about images."""
        assert self._proc is not None, "result() is called once"
        try:
            try:
                code = wait_for(self._proc, DOT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise BuildError(f"Graphviz did not finish within {DOT_TIMEOUT_S} s") from None
            err = (self._dir / "stderr").read_bytes().decode("utf-8", "replace")
            # Graphviz exits 0 when an image cannot be loaded; its warning is the only signal.
            if code != 0 or "No such file" in err or "couldn't open" in err.lower():
                raise BuildError(f"Graphviz failed (exit {code}): {err.strip() or 'no message'}")
            return {fmt: path.read_bytes() for fmt, path in self._outputs.items()}
        finally:
            self.close()

    def close(self) -> None:
        """Stop `dot` if it still runs and remove its files (safe to call more than once)."""
        proc, self._proc = getattr(self, "_proc", None), None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


def render_dot(source: str, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    """Render `source` once into every format; raise BuildError on any warning about images."""
    return DotRun(source, formats).result()


class VersionProbe:
    """`dot -V`, asked at once and read when needed (it keys the diagram cache)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [dot_binary(), "-V"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def result(self) -> str:
        _, err = self._proc.communicate(timeout=DOT_TIMEOUT_S)
        return err.decode("utf-8", "replace").strip()
