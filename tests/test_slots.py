"""The configurator's slots give, for every selection, exactly the files the renderers give.

The page's lookup (docs/javascripts/site.js: slotTexts) is mirrored by
slots.texts_from_json; the browser tests run the page's own code on a sample.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from generator import slots, values
from generator.assemble import Selection, all_selections, selection_key
from generator.model import Inventory
from generator.render_configurator import configurator_data, selection_texts, value_marks
from generator.validate import load

from .cases import configurator_cases, page_texts
from .conftest import INVENTORY, SMALL

INVENTORIES = {"real": INVENTORY, "small": SMALL}


@pytest.fixture(scope="module", params=sorted(INVENTORIES))
def inv(request: pytest.FixtureRequest) -> Inventory:
    return load(INVENTORIES[request.param])


def test_every_selection_assembles_to_the_renderers_files(inv: Inventory):
    for cloud in inv.clouds:
        doc = json.loads(configurator_data(inv, cloud.id))
        checked = 0
        for selection in all_selections(inv, cloud.id):
            assert page_texts(inv, doc, selection) == selection_texts(inv, selection), selection_key(selection, inv)
            checked += 1
        assert checked > 1


def test_the_readers_values_fill_in_what_the_renderers_write_for_them(inv: Inventory):
    """With a release, a namespace and every setting given, the page's files are the renderers'
    files for an inventory with that release and namespace and for those settings."""
    given = {values.RELEASE: "support-bot", values.NAMESPACE: "assistants"}
    given |= {name: f"value-of-{name.lower()}" for name in value_marks(inv)}
    own = values.named(inv, "support-bot", "assistants")
    docs = {c.id: json.loads(configurator_data(inv, c.id)) for c in inv.clouds}
    for selection in configurator_cases(inv):
        expected = selection_texts(own, selection, given=given)
        assert page_texts(inv, docs[selection.cloud], selection, given) == expected, selection_key(selection, inv)
        assert "support-bot" in expected["deploy.sh"] and "--namespace=assistants" in expected["deploy.sh"]
        assert "value-of-" in expected["variables.sh"]


def test_a_value_the_fields_refuse_is_one_that_would_change_a_file_beyond_itself():
    for name in ("rasa", "support-bot", "a", "x1"):
        assert values.valid_name(name), name
    for name in ("", "1abc", "no", "yes", "null", "Upper", "a_b", "bot-", "a" * 54, "rasa\n"):
        assert not values.valid_name(name), name
    for value in ("my-bucket", "https://host:8443/path?x=1", "arn:aws:iam::1:role/r", ""):
        assert values.valid_value(value), value
    for value in ("it's", "a b", "back\\slash", "line\nbreak"):
        assert not values.valid_value(value), value


def test_the_data_grows_with_the_parts_not_the_combinations(inv: Inventory):
    """Each region holds one text per state of its group, never one per selection."""
    for cloud in inv.clouds:
        cut = slots.build(inv, cloud.id, lambda s: selection_texts(inv, s))
        combinations = sum(1 for _ in all_selections(inv, cloud.id))
        largest = max(len(g.states) for g in cut.groups)
        assert largest < combinations or (len(cut.groups) == 1 and combinations <= 2)
        for pieces in cut.files.values():
            for piece in pieces:
                if not isinstance(piece, str):
                    assert len(piece[2]) == len(cut.groups[piece[0]].states)


# ---------- the checks that make the cut safe, shown failing without them ----------


def two_optional(inv: Inventory) -> tuple[str, str]:
    free = [c.id for c in inv.components if not c.required and not c.requires and not c.variants[1:]]
    needed = {r for c in inv.components for r in c.requires}
    free = [c for c in free if c not in needed]
    return free[0], free[1]


def renderer(inv: Inventory, line: Callable[[bool, bool], list[str]]) -> Callable[[Selection], slots.Texts]:
    a, b = two_optional(inv)

    def render(selection: Selection) -> slots.Texts:
        on_a, on_b = a in selection.enabled, b in selection.enabled
        body = ["head\n", *(["a\n"] if on_a else []), *(["b\n"] if on_b else []), *line(on_a, on_b), "tail\n"]
        return {"f.txt": "".join(body)}

    return render


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param(lambda a, b: ["neither\n"] if not a and not b else [], id="a line only two parts off make"),
        pytest.param(lambda a, b: ["one\n"] if a != b else [], id="a line exactly one of two parts makes"),
    ],
)
def test_an_interaction_no_single_change_shows_is_found(hidden, monkeypatch: pytest.MonkeyPatch):
    inv = load(SMALL)
    render = renderer(inv, hidden)
    cloud = inv.clouds[0].id
    cut = slots.build(inv, cloud, render)
    for selection in all_selections(inv, cloud):
        assert cut.texts(inv, selection) == render(selection)
    # Without the checks, the cut of one group at a time gets it wrong: the checks are what find it.
    monkeypatch.setattr(slots, "_checks", lambda *args: [])
    naive = slots.build(inv, cloud, render)
    assert any(naive.texts(inv, s) != render(s) for s in all_selections(inv, cloud))


def test_inventory_order_decides_texts_that_meet_and_the_check_proves_it(monkeypatch: pytest.MonkeyPatch):
    """Two parts inserting at the same place come out in the order the renderer puts them."""
    inv = load(SMALL)
    a, b = two_optional(inv)
    cloud = inv.clouds[0].id

    def render(selection: Selection) -> slots.Texts:
        # Each part's line disappears when it is on: both insert between head and tail, b first.
        lines = [*(["B off\n"] if b not in selection.enabled else []), *(["A off\n"] if a not in selection.enabled else [])]
        return {"f.txt": "".join(["head\n", *lines, "tail\n"])}

    cut = slots.build(inv, cloud, render)
    assert all(cut.texts(inv, s) == render(s) for s in all_selections(inv, cloud))
    monkeypatch.setattr(slots, "_checks", lambda *args: [])
    naive = slots.build(inv, cloud, render)
    assert any(naive.texts(inv, s) != render(s) for s in all_selections(inv, cloud))
