"""The one place that writes generated files.

Everything is rendered in memory first; only then does this module touch the
output folder, replacing each changed file atomically and leaving unchanged
files alone (so `mkdocs serve` sees no spurious changes and cannot loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .paths import MANIFEST, MARKER, atomic_write


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: bool = False
    drawn: list[str] = field(default_factory=list)


def write_tree(out_dir: Path, files: dict[str, bytes]) -> WriteReport:
    report = WriteReport()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise FileExistsError(f"{out_dir} exists and was not made by this generator (no {MARKER}); refusing to overwrite it")
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {**files, MARKER: b"Everything in this folder is generated from inventory.yml; do not edit.\n"}
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
