"""The generator's YAML dump (render_yaml.dump) builds PyYAML's nodes itself and puts a file
together from remembered entries, for speed; it must write exactly what PyYAML's own
SafeDumper writes with the same settings, for any data."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import render_yaml

_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class PlainDumper(_Base):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def pyyaml(data: Any) -> str:
    return yaml.dump(data, Dumper=PlainDumper, sort_keys=False, allow_unicode=True, width=100)


# Strings YAML reads as something else, or must quote, or folds.
TRICKY = ["yes", "No", "null", "~", "", "1.5", "0x1F", "1e3", "- a", "a: b", "#x", "'q'", '"d"', "* x", "@at", "${VAR}"]
TRICKY += ["https://example.test/a:b", "line one\nline two", " lead", "trail ", "ünïcødé ☃", "x " * 80, "\t", "\x85"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)  # not one of the fast path's types: PyYAML's own way
    | st.sampled_from(TRICKY)
    | st.text(max_size=120)
)
# Long and multi-line keys, which PyYAML writes as `? key` and the dump writes whole.
keys = st.text(max_size=12) | st.sampled_from([*TRICKY, "k" * 70, "k" * 130, "multi\nline key"])
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


documents = st.dictionaries(keys, data, min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(documents)
@example({"a": [1, True, None, "yes", {"b": []}, {}], "x" * 30: "y " * 70})
def test_the_dump_writes_what_pyyaml_writes(doc: dict[str, Any]) -> None:
    render_yaml._entries.clear()  # the memo would hide the dumper behind an earlier answer
    assert render_yaml.dump(doc) == pyyaml(doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(documents, min_size=2, max_size=4), st.sampled_from(["a", "rasa", "k" * 70]))
def test_remembered_entries_fit_wherever_they_come_back(docs: list[dict[str, Any]], outer: str) -> None:
    """An entry written for one file comes back in the next at its own depth, not another's."""
    render_yaml._entries.clear()
    for doc in [*docs, {outer: docs[0]}, {outer: [docs[-1], docs[0]]}, *docs]:
        assert render_yaml.dump(doc) == pyyaml(doc)


def test_the_resolve_memo_keeps_strings_that_read_as_other_types_quoted() -> None:
    """Remembered answers are per value: "true" after "truth" still comes out quoted."""
    render_yaml._entries.clear()
    assert render_yaml.dump({"a": "truth", "b": "true", "c": "12", "d": 12}) == "a: truth\nb: 'true'\nc: '12'\nd: 12\n"
