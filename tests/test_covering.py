"""The covering set the slow proofs run: every pair of part states, far fewer than every selection."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from generator import slots
from generator.assemble import selection_key
from tests.proof.site_cases import covering_cases, pairwise


@given(st.lists(st.integers(min_value=1, max_value=4), min_size=0, max_size=9))
def test_pairwise_rows_hold_every_pair_of_levels(levels: list[int]):
    rows = pairwise(levels)
    for i, j in itertools.combinations(range(len(levels)), 2):
        for a, b in itertools.product(range(levels[i]), range(levels[j])):
            assert any(r[i] == a and r[j] == b for r in rows), (levels, i, a, j, b)
    assert all(len(r) == len(levels) and all(0 <= v < n for v, n in zip(r, levels, strict=True)) for r in rows)


def test_the_covering_cases_hold_every_pair_of_group_states_on_every_cloud(inventory):
    chosen = covering_cases(inventory)
    for cloud in inventory.clouds:
        groups = [slots.make_group(inventory, parts) for parts in slots.initial_groups(inventory, cloud.id)]
        comps = {c.id: c for c in inventory.components}
        seen = [
            [g.states.index({p: slots.option_in(c.selection, comps[p]) for p in g.parts}) for g in groups]
            for c in chosen
            if c.cloud == cloud.id
        ]
        for i, j in itertools.combinations(range(len(groups)), 2):
            for a, b in itertools.product(range(len(groups[i].states)), range(len(groups[j].states))):
                assert any(r[i] == a and r[j] == b for r in seen), (cloud.id, groups[i].parts, a, groups[j].parts, b)
    keys = [(c.cloud, selection_key(c.selection, inventory)) for c in chosen]
    assert len(keys) == len(set(keys))
