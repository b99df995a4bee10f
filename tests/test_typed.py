"""The typed records the inventory is declared with (generator/typed.py)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import pytest

from generator.model import Inventory
from generator.typed import Error, Field, Pattern, Record, convert, dump, json_schema, record_at, replace

from .conftest import SMALL


class Leaf(Record):
    """A leaf."""

    name: Annotated[str, Pattern(r"^[a-z]+$")] = Field(description="A lower-case word.")
    note: str | None = Field(default=None, description="Optional text.")


class Tree(Record):
    """A tree."""

    on: bool = Field(description="A switch.")
    leaves: list[Leaf] = Field(default_factory=list, description="Leaves, in order.")
    named: dict[Annotated[str, Pattern(r"^[a-z]+$")], Leaf] = Field(default_factory=dict, description="By name.")
    extra: dict[str, Any] = Field(default_factory=dict, description="Anything.")


def _convert(value: Any) -> tuple[Any, list[tuple[tuple[str | int, ...], str]]]:
    errors: list[Error] = []
    result = convert(Tree, value, (), errors)
    return result, [(e.loc, e.kind) for e in errors]


def test_a_valid_value_becomes_records_with_defaults():
    tree, errors = _convert({"on": True, "leaves": [{"name": "oak"}], "named": {"fir": {"name": "fir", "note": "x"}}})
    assert errors == []
    assert tree == Tree(on=True, leaves=[Leaf(name="oak")], named={"fir": Leaf(name="fir", note="x")})
    assert dump(tree, exclude_none=True) == {
        "on": True,
        "leaves": [{"name": "oak"}],
        "named": {"fir": {"name": "fir", "note": "x"}},
        "extra": {},
    }


def test_every_problem_is_collected_in_one_pass_each_at_its_key():
    tree, errors = _convert(
        {
            "leaves": [{"name": "Oak"}, "pine", {"name": "ash", "colour": "green"}],
            "named": {"Fir": {"name": 3}},
            "extra": [],
            "unknown": 1,
        }
    )
    assert tree is None
    assert errors == [
        (("on",), "missing"),
        (("leaves", 0, "name"), "string_pattern_mismatch"),
        (("leaves", 1), "model_type"),
        (("leaves", 2, "colour"), "extra_forbidden"),
        (("named", "Fir"), "string_pattern_mismatch"),  # the key itself
        (("named", "Fir", "name"), "string_type"),
        (("extra",), "dict_type"),
        (("unknown",), "extra_forbidden"),
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({"on": "true"}, "bool_type"),
        ({"on": 1}, "bool_type"),
        ({"on": True, "leaves": {"name": "oak"}}, "list_type"),
        ({"on": True, "leaves": [{"name": True}]}, "string_type"),
        ({"on": True, "leaves": [{"name": "oak", "note": 5}]}, "string_type"),
    ],
)
def test_no_value_is_coerced_into_another_type(value, kind):
    assert [k for _, k in _convert(value)[1]] == [kind]


@pytest.mark.parametrize(("name", "ok"), [("oak", True), ("oak\n", False), ("\noak", False), ("oak tree", False)])
def test_an_anchored_pattern_must_match_the_whole_text(name, ok):
    """Python's `$` also matches before a final line break; a declaration's `$` means the end."""
    assert (_convert({"on": True, "leaves": [{"name": name}]})[1] == []) is ok


def test_records_are_frozen_and_replace_copies():
    leaf = Leaf(name="oak")
    with pytest.raises(dataclasses.FrozenInstanceError):
        leaf.name = "ash"  # type: ignore[misc]
    assert replace(leaf, note="n") == Leaf(name="oak", note="n") and leaf.note is None


def test_the_record_a_key_holds_is_found_through_lists_and_mappings():
    assert record_at(Tree, "leaves") == (Leaf, False)
    assert record_at(Tree, "named") == (Leaf, True)
    assert record_at(Tree, "extra") == (None, False)
    assert record_at(Tree, "nothing") == (None, False)


def test_the_schema_lists_fields_in_order_with_descriptions_and_patterns():
    schema = json_schema(Tree)
    assert schema["required"] == ["on"] and schema["additionalProperties"] is False
    assert list(schema["properties"]) == ["on", "leaves", "named", "extra"]
    assert schema["properties"]["named"]["patternProperties"] == {"^[a-z]+$": {"$ref": "#/$defs/Leaf"}}
    leaf = schema["$defs"]["Leaf"]
    assert leaf["properties"]["note"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
        "description": "Optional text.",
        "title": "Note",
    }


def test_a_type_the_schema_does_not_know_is_a_bug_not_a_user_error():
    class Odd(Record):
        """Odd."""

        n: int = Field(description="A number.")

    with pytest.raises(TypeError, match="no conversion declared"):
        convert(Odd, {"n": 1}, (), [])


def test_the_inventory_round_trips_through_its_records():
    """Every key of a real inventory lands in a field and comes back out unchanged."""
    import yaml

    data = yaml.safe_load(SMALL.read_text())
    errors: list[Error] = []
    inv = convert(Inventory, data, (), errors)
    assert errors == []

    def without_defaults(full: Any, given: Any) -> Any:
        if isinstance(given, dict) and isinstance(full, dict):
            return {k: without_defaults(full[k], v) for k, v in given.items()}
        if isinstance(given, list):
            return [without_defaults(f, g) for f, g in zip(full, given, strict=True)]
        return full

    assert without_defaults(dump(inv), data) == data
