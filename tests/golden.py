"""Golden files: compare an output with its expected text, or rewrite it with --update-goldens."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from generator.render import render

# The icon paths in DOT source are wherever the library is installed (a venv may be a symlink).
ICON_ROOT = re.compile(r'(?<=")[^"]*(?=/resources/)')
INLINE_SVG = re.compile(r'<svg\b[^>]*\bdata-diagram="([^"]+)".*?</svg>', re.S)


def normalise(path: str, data: bytes) -> str:
    """A reviewable text for one generated file: machine paths and drawn pictures left out."""
    text = data.decode("utf-8")
    if path.endswith(".json"):
        # One line in the site; one value per line here, so a change reads as a diff.
        return json.dumps(json.loads(text), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    # The pictures depend on Graphviz's layout; their DOT source is compared instead.
    return INLINE_SVG.sub(lambda m: f'<svg data-diagram="{m.group(1)}"><!-- see dot/{m.group(1)}.dot --></svg>', text)


def golden_outputs(inventory) -> dict[str, str]:
    """Every text output of `inventory`, plus the DOT source of each diagram, normalised."""
    rendered = render(inventory)
    out = {path: normalise(path, data) for path, data in rendered.files.items() if not path.startswith("diagrams/")}
    for diagram_id, source in rendered.dot.items():
        out[f"dot/{diagram_id}.dot"] = ICON_ROOT.sub("<site-packages>", source)
    return out


def compare_tree(expected_dir: Path, actual: dict[str, str], update: bool) -> list[str]:
    """Problems (as unified diffs) between `expected_dir` and `actual`; with `update`, rewrite instead."""
    present = {p.relative_to(expected_dir).as_posix() for p in expected_dir.rglob("*") if p.is_file()}
    if update:
        for rel in present - set(actual):
            (expected_dir / rel).unlink()
        for rel, text in actual.items():
            target = expected_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return []
    problems = [f"{rel}: expected no such output, got none (stale golden file)" for rel in sorted(present - set(actual))]
    for rel, text in sorted(actual.items()):
        problems += compare_text(expected_dir / rel, text, update=False)
    return problems


def compare_text(expected: Path, actual: str, update: bool) -> list[str]:
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
        return []
    if not expected.is_file():
        return [f"{expected.name}: no golden file; run `make goldens` and review the diff"]
    want = expected.read_text(encoding="utf-8")
    if want == actual:
        return []
    diff = difflib.unified_diff(want.splitlines(), actual.splitlines(), f"expected/{expected.name}", "actual", lineterm="", n=2)
    return ["\n".join(list(diff)[:60])]
