"""Validation: exact error text with line numbers, for a corpus of broken inventories."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.errors import InventoryError
from generator.source import MAX_BYTES
from generator.validate import load

from .conftest import CORPUS, INVENTORY, REPO
from .golden import compare_text

BAD = sorted((CORPUS / "bad").glob("*.yml"))
GOOD = sorted((CORPUS / "good").glob("*.yml"))


def test_the_real_inventory_is_valid():
    inv = load(INVENTORY)
    assert inv.clouds and inv.components


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_the_good_corpus_is_valid(path: Path):
    load(path)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_inventory_reports_expected_text(path: Path, capsys, monkeypatch, update_goldens: bool):
    monkeypatch.chdir(REPO)
    rel = path.relative_to(REPO).as_posix()
    assert main(["check", "--inventory", rel]) == 1
    problems = compare_text(path.with_suffix(".expected"), capsys.readouterr().err, update_goldens)
    assert not problems, "\n".join(problems)


def test_every_corpus_file_has_expected_text():
    missing = [p.name for p in BAD if not p.with_suffix(".expected").exists()]
    assert not missing


def test_all_problems_are_reported_not_just_the_first(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    main(["check", "--inventory", "tests/inventories/bad/wrong-type.yml"])
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and lines[-1].startswith("2 problems")


def test_huge_file_is_refused(tmp_path: Path):
    path = tmp_path / "huge.yml"
    path.write_text("# padding\n" * (MAX_BYTES // 10 + 10), encoding="utf-8")
    with pytest.raises(InventoryError) as info:
        load(path, display_name="huge.yml")
    size = path.stat().st_size
    assert info.value.report() == (
        f"huge.yml:1: (file): expected at most {MAX_BYTES} bytes, got {size} bytes\n1 problem in huge.yml"
    )


def test_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(InventoryError) as info:
        load(tmp_path / "nope.yml", display_name="nope.yml")
    assert "expected an inventory file at" in info.value.report()


def test_failed_build_leaves_previous_output_intact(tmp_path: Path):
    out = tmp_path / "generated"
    build(CORPUS / "good" / "minimal.yml", out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before
    with pytest.raises(InventoryError):
        build(CORPUS / "bad" / "duplicate-id.yml", out)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_check_succeeds_on_the_real_inventory(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["check"]) == 0
    assert "inventory.yml: OK" in capsys.readouterr().out
