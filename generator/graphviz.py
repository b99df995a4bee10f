"""Run Graphviz's `dot`, failing loudly where Graphviz would not."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError


def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise BuildError(
            "Graphviz is not installed: expected the `dot` command on PATH, got none. "
            "Install it with `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`, "
            "or run `make setup`."
        )
    return found


def render_dot(source: str, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    """Render `source` once into every format; raise BuildError on any warning about images."""
    dot = dot_binary()
    with tempfile.TemporaryDirectory(prefix="rpa-dot-") as tmp:
        args = [dot]
        outputs = {}
        for fmt in formats:
            out = Path(tmp) / f"out.{fmt}"
            outputs[fmt] = out
            args += [f"-T{fmt}", f"-o{out}"]
        proc = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=False)
        err = proc.stderr.decode("utf-8", "replace")
        # Graphviz exits 0 when an image cannot be loaded; its warning is the only signal.
        if proc.returncode != 0 or "No such file" in err or "couldn't open" in err.lower():
            raise BuildError(f"Graphviz failed (exit {proc.returncode}): {err.strip() or 'no message'}")
        return {fmt: path.read_bytes() for fmt, path in outputs.items()}


def graphviz_version() -> str:
    proc = subprocess.run([dot_binary(), "-V"], capture_output=True, check=False)
    return proc.stderr.decode("utf-8", "replace").strip()
