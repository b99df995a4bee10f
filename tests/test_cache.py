"""Only redo what changed: run-level fingerprint and per-diagram cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.diagram_spec import diagram_ids
from generator.validate import load

from .conftest import SMALL


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("RPA_CACHE_DIR", str(tmp_path / "cache"))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(SMALL.read_text())
    return inventory, tmp_path / "generated"


def _state(out: Path) -> dict[str, int]:
    return {p.as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_cold_build_draws_every_diagram_and_unchanged_inventory_regenerates_nothing(fresh):
    inventory, out = fresh
    first = build(inventory, out)
    assert sorted(first.drawn) == sorted(diagram_ids(load(inventory)))
    before = _state(out)
    second = build(inventory, out)
    assert second.skipped and second.written == [] and second.drawn == []
    assert _state(out) == before


def test_changing_one_clouds_offering_redraws_only_that_diagram(fresh):
    inventory, out = fresh
    build(inventory, out)
    data = yaml.safe_load(inventory.read_text())
    last, other = data["clouds"][-1]["id"], data["clouds"][0]["id"]
    offer = next(c for c in data["components"] if c.get("offerings"))["offerings"][last]
    offer["product"] += " (another edition)"
    inventory.write_text(yaml.safe_dump(data, sort_keys=False))
    report = build(inventory, out)
    assert not report.skipped
    assert report.drawn == [last]
    assert f"diagrams/{last}.svg" in report.written and f"diagrams/{other}.svg" not in report.written


def test_a_hand_edited_generated_file_is_put_back(fresh):
    inventory, out = fresh
    build(inventory, out)
    target = next((out / "files").rglob("values.yml"))
    original = target.read_bytes()
    target.write_text("edited by hand\n")
    report = build(inventory, out)
    assert not report.skipped and report.drawn == []
    assert target.read_bytes() == original


def test_a_failed_build_after_success_keeps_output_and_retries_next_time(fresh):
    inventory, out = fresh
    build(inventory, out)
    good = inventory.read_text()
    inventory.write_text(good.replace("title: Small", "title: [not, a, text]", 1))
    with pytest.raises(Exception):  # noqa: B017 - InventoryError; its text is tested elsewhere
        build(inventory, out)
    inventory.write_text(good)
    assert build(inventory, out).skipped  # back to the state the output already reflects
