"""Content-keyed caching, so regeneration only redoes what changed.

Two levels:
- the whole run: a fingerprint of everything that shapes the output (the
  inventory, this package's code, Graphviz and the
  `diagrams` package). It is stored in the output folder's manifest with the
  size and mtime of every file; if both match, nothing is regenerated. This
  module imports only the standard library so that the check stays cheap.
- each diagram: keyed on its Graphviz source, the bytes of its icons and the
  Graphviz version, so editing one cloud's offering redraws that cloud only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from . import marks
from .paths import MANIFEST, REPO, atomic_write


def cache_dir() -> Path:
    return Path(os.environ.get("RPA_CACHE_DIR", REPO / ".cache" / "generator"))


def _stat_key(path: Path | None) -> str:
    if path is None or not path.exists():
        return "missing"
    st = path.stat()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def fingerprint(inventory: Path) -> str:
    digest = hashlib.sha256()
    digest.update(inventory.read_bytes())
    code = sorted((REPO / "generator").glob("*.py"))
    for path in code:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    dot = shutil.which("dot")
    digest.update(_stat_key(Path(dot) if dot else None).encode())
    spec = importlib.util.find_spec("diagrams")
    origin = Path(spec.origin) if spec and spec.origin else None
    digest.update(_stat_key(origin).encode())
    return digest.hexdigest()


def _file_state(out_dir: Path, rel: str) -> list[int] | None:
    path = out_dir / rel
    if not path.is_file():
        return None
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def up_to_date(out_dir: Path, key: str) -> bool:
    """True if out_dir holds exactly the output of a run with this fingerprint, untouched since."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("fingerprint") != key:
        return False
    files = manifest.get("files", {})
    return bool(files) and all(_file_state(out_dir, rel) == state for rel, state in files.items())


def write_manifest(out_dir: Path, key: str, rels: list[str]) -> None:
    doc = {
        "generated": marks.NOTICE,
        "fingerprint": key,
        "files": {rel: _file_state(out_dir, rel) for rel in sorted(rels)},
    }
    atomic_write(out_dir / MANIFEST, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode())


def invalidate(out_dir: Path) -> None:
    (out_dir / MANIFEST).unlink(missing_ok=True)


def diagram_key(source: str, icons: list[bytes], graphviz: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8"))
    for icon in icons:
        digest.update(hashlib.sha256(icon).digest())
    digest.update(graphviz.encode())
    return digest.hexdigest()


def load_rendering(key: str) -> dict[str, bytes] | None:
    folder = cache_dir() / "diagrams"
    paths = {fmt: folder / f"{key}.{fmt}" for fmt in ("svg", "png")}
    if all(p.is_file() for p in paths.values()):
        return {fmt: p.read_bytes() for fmt, p in paths.items()}
    return None


def store_rendering(key: str, rendered: dict[str, bytes]) -> None:
    for fmt, data in rendered.items():
        atomic_write(cache_dir() / "diagrams" / f"{key}.{fmt}", data)


def icon_path(data: bytes, size: str) -> Path:
    """Where the cache keeps the icon `data` resized to `size` (a name with the method's version)."""
    return cache_dir() / "icons" / f"{hashlib.sha256(data).hexdigest()}-{size}.png"


def cached_icon(data: bytes, size: str, shrink: Callable[[bytes], bytes]) -> bytes:
    """`shrink(data)`, remembered by the icon's content and the target size (with the method's version)."""
    path = icon_path(data, size)
    if path.is_file():
        return path.read_bytes()
    small = shrink(data)
    atomic_write(path, small)
    return small
