"""Where things live. Standard library only: the no-op fast path imports this."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INVENTORY = REPO / "inventory.yml"
DEFAULT_OUT = REPO / "docs" / "generated"
SCHEMA_PATH = REPO / "schema" / "inventory.schema.json"
MARKER = ".generated-by-rasa-architecture"  # proves an output folder is ours to rewrite
MANIFEST = ".manifest.json"  # fingerprint and file states of the last complete run


def display(path: Path) -> str:
    """`path` relative to the working directory when it is below it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def atomic_write(target: Path, data: bytes) -> None:
    """Replace `target` in one step, so readers never see half a file (unique temp name per writer)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
