"""Golden outputs: every file kind of a small inventory, compared byte for byte.

Any change to a header, a table, a file or a diagram's DOT source shows up as a
diff of tests/inventories/good/small.expected/. After an intended change, run
`make goldens` and review `git diff` like any other change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import load

from .conftest import CORPUS, SMALL
from .golden import compare_tree, golden_outputs

GOOD = sorted((CORPUS / "good").glob("*.yml"))


@pytest.mark.parametrize("path", [SMALL], ids=["small"])
def test_outputs_match_the_golden_files(path: Path, update_goldens: bool):
    actual = golden_outputs(load(path))
    problems = compare_tree(path.with_suffix(".expected"), actual, update_goldens)
    assert not problems, "outputs differ from the golden files (run `make goldens` if intended):\n" + "\n".join(problems)


def test_the_goldens_cover_every_file_kind():
    expected = SMALL.with_suffix(".expected")
    names = {p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file()}
    inv = load(SMALL)
    for cloud in inv.clouds:
        kinds = ("endpoints.yml", "values.yml", "deploy.sh", "config.yml")
        assert {f"files/{cloud.id}/{kind}" for kind in kinds} | {f"configurator/{cloud.id}.json"} <= names
        assert f"clouds/{cloud.id}.md" in names and f"dot/{cloud.id}.dot" in names
    assert "dot/overview.dot" in names and "clouds/SUMMARY.md" in names
    assert sum(n.startswith("blocks/") for n in names) >= 8


def test_a_changed_output_fails_with_a_diff(tmp_path: Path):
    actual = golden_outputs(load(SMALL))
    compare_tree(tmp_path, actual, update=True)
    first = next(iter(sorted(actual)))
    changed = {**actual, first: actual[first] + "one more line\n"}
    problems = compare_tree(tmp_path, changed, update=False)
    assert len(problems) == 1 and "+one more line" in problems[0]
    stale = dict(actual)
    del stale[first]
    assert compare_tree(tmp_path, stale, update=False) == [f"{first}: expected no such output, got none (stale golden file)"]
