"""Which selections a test checks when checking every one would take too long."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from generator import slots, values
from generator.assemble import Selection, all_selections, default_selection, selection_key
from generator.model import Inventory

# Past this many combinations the browser checks a seeded sample plus every single change from
# each cloud's default, instead of all of them (the generator's own tests cover every one).
EXHAUSTIVE_LIMIT = 512
SAMPLE = 48


def configurator_cases(inventory: Inventory) -> list[Selection]:
    """Every selection, or past EXHAUSTIVE_LIMIT a seeded sample plus every single change from each
    cloud's default (each optional part flipped, each other variant)."""
    every = [s for cloud in inventory.clouds for s in all_selections(inventory, cloud.id)]
    if len(every) <= EXHAUSTIVE_LIMIT:
        return every
    keys = {(s.cloud, selection_key(s, inventory)): s for s in every}
    chosen: dict[tuple[str, str], Selection] = {}
    for cloud in inventory.clouds:
        base = default_selection(inventory, cloud.id)
        for comp in inventory.components:
            if comp.required:
                continue
            flipped = base.enabled ^ {comp.id, *(r for r in comp.requires if r not in base.enabled)}
            for s in every:
                if s.cloud == cloud.id and s.enabled == flipped:
                    chosen.setdefault((s.cloud, selection_key(s, inventory)), s)
                    break
        for comp in inventory.components:
            for variant in comp.variants[1:]:
                on = base.enabled | {comp.id, *comp.requires}
                s = Selection(cloud=cloud.id, enabled=frozenset(on), variants=((comp.id, variant.id),))
                key = (cloud.id, selection_key(s, inventory))
                chosen.setdefault(key, keys[key])
    rest = sorted(set(keys) - set(chosen))
    for key in random.Random(7).sample(rest, min(SAMPLE, len(rest))):
        chosen[key] = keys[key]
    return list(chosen.values())


def page_texts(
    inv: Inventory, doc: dict[str, Any], selection: Selection, given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What the configurator shows for a selection: its cloud's data looked up as the page does,
    the marks filled with `given` (by field) as the page does, files that are empty left out."""
    key = selection_key(selection, inv)
    texts = slots.texts_from_json(doc, key.split(",") if key else [])
    return {name: values.fill(text, inv, given or {}) for name, text in texts.items() if text}
