from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import render_all
from generator.validate import load

REPO = Path(__file__).resolve().parent.parent
INVENTORY = REPO / "inventory.yml"
FIXTURES = REPO / "tests" / "fixtures"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def inventory():
    return load(INVENTORY)


@pytest.fixture(scope="session")
def rendered(inventory) -> dict[str, bytes]:
    """Every generated file of the real inventory, in memory."""
    return render_all(inventory)


@pytest.fixture(scope="session")
def text(rendered):
    def get(path: str) -> str:
        return rendered[path].decode("utf-8")

    return get


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def copy_project(parent: Path) -> Path:
    """A copy of the project's site sources, so a test may break it freely."""
    dest = parent / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "inventory.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("docs", "generator", "diagrams", "schema"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("generated", "__pycache__"))
    return dest


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)
