"""The one place that writes generated files.

Everything is rendered in memory first; only then does this module touch the
output folder, replacing each changed file atomically and leaving unchanged
files alone (so `mkdocs serve` sees no spurious changes and cannot loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import marks
from .cache import invalidate, write_manifest
from .errors import BuildError
from .paths import MANIFEST, MARKER, atomic_write, display


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: bool = False
    drawn: list[str] = field(default_factory=list)


def write_tree(out_dir: Path, files: dict[str, bytes], key: str = "") -> WriteReport:
    """Make `out_dir` hold exactly `files`, then record `key` (the run's fingerprint) in its manifest.

    A fault of the file system becomes a BuildError naming the path.
    """
    try:
        report = _write_tree(out_dir, files)
        if key:
            write_manifest(out_dir, key, [*files, MARKER])
        return report
    except OSError as exc:
        where = display(Path(exc.filename)) if exc.filename else display(out_dir)
        raise BuildError(f"cannot write the generated files: {where}: {exc.strerror or exc}") from None


def _write_tree(out_dir: Path, files: dict[str, bytes]) -> WriteReport:
    report = WriteReport()
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise BuildError(
            f"expected {display(out_dir)} to be a folder this generator made (with {MARKER}) or empty, "
            "got a folder with other files; refusing to overwrite it"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    invalidate(out_dir)  # a crash while writing must not leave a manifest that looks complete
    files = {**files, MARKER: marks.folder_marker()}
    for rel, data in sorted(files.items()):
        target = out_dir / rel
        if target.is_file() and target.read_bytes() == data:
            report.unchanged += 1
            continue
        atomic_write(target, data)
        report.written.append(rel)
    for path in sorted(out_dir.rglob("*"), reverse=True):
        rel = path.relative_to(out_dir).as_posix()
        if path.is_file() and rel not in files and rel != MANIFEST:
            path.unlink()
            report.removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return report
