"""The configurator's files as ordered slots the page concatenates, whatever the choice.

Pre-rendering every combination grows as 2^(optional parts). Instead, for each cloud,
the whole-file renderers run once for the *base* selection (every optional part on,
first variants) and once per state of each group of parts, the other parts left as
in the base. Each file becomes the base text cut into static runs and regions; a
region belongs to one group and holds, for each state of that group, the text the
renderers produced there. The page picks each region's text for the reader's
choice and concatenates. No text is built on either side: every character comes
from the renderers (render_yaml, render_commands).

A group is a set of parts whose choices interact: a part that `requires` another,
or that `replaces` another's settings, or whose changes share lines with another's
(found by the diff; such groups are merged). Where one group's text is inserted at
the edge of another's region, the two are placed in group order and checked in every
pair of their states; every part at its default and every optional part off are checked too. A
failed check merges the groups concerned, so the slots always reproduce the checked
files; one group of every part is exact. The tests check every selection (or, past a
limit, a seeded sample plus every single change) against the renderers.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .assemble import Selection, component_fragment, default_selection
from .model import Component, Inventory

# A part's state in a selection: whether it is on, and its variant (None: it has one or is off).
Option = tuple[bool, str | None]
State = dict[str, Option]  # component id -> option, for the parts of one group
Texts = dict[str, str]  # name -> text; "" where the selection has no such file


def dimensions(inv: Inventory) -> list[Component]:
    """The parts a reader chooses something about: optional ones and ones with variants."""
    return [c for c in inv.components if not c.required or len(c.variants) > 1]


def options(comp: Component) -> list[Option]:
    variants = [v.id for v in comp.variants] if len(comp.variants) > 1 else [None]
    on: list[Option] = [(True, v) for v in variants]
    return on if comp.required else [*on, (False, None)]


def tokens(comp: Component, option: Option) -> list[str]:
    """The data-token values an option checks on the page (as assemble.selection_key counts them)."""
    enabled, variant = option
    if not enabled:
        return []
    return ([] if comp.required else [comp.id]) + ([f"{comp.id}={variant}"] if variant else [])


def token_part(token: str) -> str:
    return token.split("=", 1)[0]


def option_in(selection: Selection, comp: Component) -> Option:
    if comp.id not in selection.enabled:
        return (False, None)
    return (True, (selection.variant(comp.id) or comp.variants[0].id) if len(comp.variants) > 1 else None)


def base_selection(inv: Inventory, cloud: str) -> Selection:
    """Every optional part on, every part at its first variant: each part's lines are in the text."""
    variants = tuple((c.id, c.variants[0].id) for c in inv.components if len(c.variants) > 1)
    return Selection(cloud=cloud, enabled=frozenset(c.id for c in inv.components), variants=variants)


def minimum_selection(inv: Inventory, cloud: str) -> Selection:
    return Selection(cloud=cloud, enabled=frozenset(c.id for c in inv.components if c.required))


def with_states(inv: Inventory, base: Selection, state: State) -> Selection:
    enabled = set(base.enabled)
    variants = dict(base.variants)
    for comp_id, (on, variant) in state.items():
        (enabled.add if on else enabled.discard)(comp_id)
        if variant:
            variants[comp_id] = variant
    chosen = tuple((c.id, variants[c.id]) for c in inv.components if c.id in variants and c.id in enabled)
    return Selection(cloud=base.cloud, enabled=frozenset(enabled), variants=chosen)


@dataclass
class Group:
    parts: list[str]  # component ids, in inventory order
    states: list[State]  # every combination of the parts' options that `requires` allows

    def key(self, state: State, inv: Inventory) -> str:
        """The state as the page computes it: the group's tokens, sorted and comma-joined."""
        comps = {c.id: c for c in inv.components}
        return ",".join(sorted(t for p in self.parts for t in tokens(comps[p], state[p])))


def make_group(inv: Inventory, parts: set[str]) -> Group:
    comps = [c for c in inv.components if c.id in parts]
    states = []
    for combo in itertools.product(*(options(c) for c in comps)):
        state = {c.id: o for c, o in zip(comps, combo, strict=True)}
        # A part and what it requires are always in one group (initial_groups joins them).
        if all(state[need][0] for c in comps if state[c.id][0] for need in c.requires if need in state):
            states.append(state)
    return Group(parts=[c.id for c in comps], states=states)


def initial_groups(inv: Inventory, cloud: str) -> list[set[str]]:
    """One group per part a reader chooses about, joined where the inventory says two interact."""
    owner = {c.id: {c.id} for c in dimensions(inv)}

    def join(a: str, b: str) -> None:
        if a in owner and b in owner and owner[a] is not owner[b]:
            merged = owner[a] | owner[b]
            for part in merged:
                owner[part] = merged

    writes: dict[str, set[str]] = {}
    replaces: dict[str, set[str]] = {}
    for index, comp in enumerate(inv.components):
        for need in comp.requires:
            join(comp.id, need)
        variants: list[str | None] = [v.id for v in comp.variants] or [None]
        for variant in variants:
            frag = component_fragment(inv, index, cloud, variant)
            writes.setdefault(comp.id, set()).update(frag.endpoints)
            replaces.setdefault(comp.id, set()).update(frag.replaces)
    # A part whose `replaces` rewrites another's endpoints keys changes that part's lines.
    for a, keys in replaces.items():
        for b, written in writes.items():
            if a != b and keys & written:
                join(a, b)
    unique: list[set[str]] = []
    for group in owner.values():
        if group not in unique:
            unique.append(group)
    return unique


@dataclass(frozen=True)
class Region:
    start: int  # first base line the region stands for
    end: int  # the base line after it (start == end: text inserted before line `start`)


def _merge_touching(regions: list[Region]) -> list[Region]:
    out: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.start, r.end)):
        if out and region.start <= out[-1].end:
            out[-1] = Region(out[-1].start, max(out[-1].end, region.end))
        else:
            out.append(region)
    return out


def _overlap(a: Region, b: Region) -> bool:
    """Two groups' regions share a line, or one's inserted text falls inside the other."""
    if max(a.start, b.start) < min(a.end, b.end):
        return True
    if a.start == a.end and b.start < a.start < b.end:
        return True
    return b.start == b.end and a.start < b.start < a.end


def _meet(a: Region, b: Region) -> bool:
    """Text of one is inserted right at the other's edge: which comes first is not in the base."""
    inserted = a.start == a.end or b.start == b.end
    return inserted and max(a.start, b.start) <= min(a.end, b.end)


@dataclass
class _Diff:
    """One rendering of a file against the base: its changed regions, and where each equal base
    line stands in it."""

    lines: list[str]
    changes: list[Region]
    position: dict[int, int]

    def segment(self, region: Region, base_length: int) -> str:
        """The text standing where `region` stands in the base (the lines at its edges are equal)."""
        start = self.position[region.start - 1] + 1 if region.start > 0 else 0
        end = self.position[region.end] if region.end < base_length else len(self.lines)
        return "".join(self.lines[start:end])


def _diff(base: list[str], text: str) -> _Diff:
    lines = text.splitlines(keepends=True)
    if lines == base:  # many files do not change with one group's state: no matcher needed
        return _Diff(lines, [], {i: i for i in range(len(lines))})
    matcher = difflib.SequenceMatcher(None, base, lines, autojunk=False)
    tags = [op[0] for op in matcher.get_opcodes()]
    spans = [list(op[1:]) for op in matcher.get_opcodes()]  # [i1, i2, j1, j2]
    # Where removed lines could be placed several ways (a comment line that both the removed
    # block and the next one start with), always place them as early as they can go, so that
    # two parts' blocks are cut the same way whichever is removed, and do not overlap.
    k = 0
    while k < len(tags):
        if tags[k] == "delete" and k > 0 and tags[k - 1] == "equal":
            before, (i1, i2, j1, _) = spans[k - 1], spans[k]
            shift = 0
            while before[1] - shift > before[0] and base[i1 - 1 - shift] == base[i2 - 1 - shift]:
                shift += 1
            if shift:
                before[1] -= shift
                before[3] -= shift
                spans[k] = [i1 - shift, i2 - shift, j1 - shift, j1 - shift]
                if k + 1 < len(tags) and tags[k + 1] == "equal":
                    spans[k + 1][0] -= shift
                    spans[k + 1][2] -= shift
                else:
                    tags.insert(k + 1, "equal")
                    spans.insert(k + 1, [i2 - shift, i2, j1 - shift, j1])
        k += 1
    ops = [(tag, span) for tag, span in zip(tags, spans, strict=True) if span[0] < span[1] or span[2] < span[3]]
    position = {i1 + n: j1 + n for tag, (i1, i2, j1, _) in ops if tag == "equal" for n in range(i2 - i1)}
    changes = [Region(span[0], span[1]) for tag, span in ops if tag != "equal"]
    return _Diff(lines, changes, position)


# A piece of a file: static text, or (group index, its distinct texts, text index per group state).
Piece = str | tuple[int, list[str], list[int]]


class SlotsDisagree(Exception):
    """The slots do not reproduce the renderers' files even with every part in one group."""


@dataclass
class CloudSlots:
    """Everything the page needs for one cloud: the groups, and each file as pieces."""

    groups: list[Group]
    files: dict[str, list[Piece]]
    meeting: set[tuple[int, int]] = field(default_factory=set)  # groups whose regions meet

    def to_json(self, inv: Inventory) -> dict[str, Any]:
        return {
            "groups": [{"parts": g.parts, "states": [g.key(s, inv) for s in g.states]} for g in self.groups],
            "files": {
                name: [p if isinstance(p, str) else {"group": p[0], "texts": p[1], "pick": p[2]} for p in pieces]
                for name, pieces in self.files.items()
            },
        }

    def texts(self, inv: Inventory, selection: Selection) -> Texts:
        """What the page shows for a selection (texts_from_json's lookup, on the model)."""
        comps = {c.id: c for c in inv.components}
        picks = [g.states.index({p: option_in(selection, comps[p]) for p in g.parts}) for g in self.groups]
        return {
            name: "".join(p if isinstance(p, str) else p[1][p[2][picks[p[0]]]] for p in pieces)
            for name, pieces in self.files.items()
        }


def texts_from_json(doc: dict[str, Any], selection_tokens: list[str]) -> Texts:
    """The page's lookup (docs/javascripts/site.js: slotTexts) in Python, for the tests."""
    picks = []
    for group in doc["groups"]:
        members = set(group["parts"])
        picks.append(group["states"].index(",".join(sorted(t for t in selection_tokens if token_part(t) in members))))
    return {
        name: "".join(p if isinstance(p, str) else p["texts"][p["pick"][picks[p["group"]]]] for p in pieces)
        for name, pieces in doc["files"].items()
    }


def build(inv: Inventory, cloud: str, render: Callable[[Selection], Texts]) -> CloudSlots:
    """Slots for one cloud; `render` gives the whole files of a selection (memoised here)."""
    cache: dict[Selection, Texts] = {}

    def rendered(selection: Selection) -> Texts:
        if selection not in cache:
            cache[selection] = render(selection)
        return cache[selection]

    base = base_selection(inv, cloud)
    order = {c.id: i for i, c in enumerate(inv.components)}
    groups = [make_group(inv, parts) for parts in initial_groups(inv, cloud)]
    diffs: dict[tuple[str, Selection], _Diff] = {}
    # Each round returns or merges groups, and one group of every part is exact (each of
    # its states is a whole rendering), so this ends within len(groups) rounds.
    while True:
        slots, merge = _attempt(inv, groups, base, rendered, diffs)
        if not merge:
            merge = _failing(inv, slots, _checks(inv, slots, base), rendered)
            if not merge:
                return slots
        if len(groups) == 1:
            raise SlotsDisagree(f"the configurator's slots for {cloud} do not reproduce the files")
        merged = set().union(*(set(groups[i].parts) for i in merge))
        groups = [g for i, g in enumerate(groups) if i not in merge] + [make_group(inv, merged)]
        groups.sort(key=lambda g: min(order[p] for p in g.parts))


def _attempt(
    inv: Inventory,
    groups: list[Group],
    base: Selection,
    rendered: Callable[[Selection], Texts],
    diffs: dict[tuple[str, Selection], _Diff],
) -> tuple[CloudSlots, list[int]]:
    """Cut every file into pieces; or name two groups whose regions overlap."""
    base_texts = rendered(base)
    selections = [[with_states(inv, base, state) for state in group.states] for group in groups]
    names = list(base_texts)
    for selection in itertools.chain.from_iterable(selections):
        names += [n for n in rendered(selection) if n not in names]
    files: dict[str, list[Piece]] = {}
    meeting: set[tuple[int, int]] = set()
    for name in names:
        base_lines = base_texts.get(name, "").splitlines(keepends=True)

        for selection in itertools.chain.from_iterable(selections):
            if (name, selection) not in diffs:
                diffs[name, selection] = _diff(base_lines, rendered(selection).get(name, ""))
        diff = {s: diffs[name, s] for s in itertools.chain.from_iterable(selections)}
        owned = [
            (region, g)
            for g, per_group in enumerate(selections)
            for region in _merge_touching([r for s in per_group for r in diff[s].changes])
        ]
        owned.sort(key=lambda item: (item[0].start, item[0].end, item[1]))
        for (a, ga), (b, gb) in itertools.combinations(owned, 2):
            if ga != gb and _overlap(a, b):
                return CloudSlots(groups, {}), [ga, gb]
            if ga != gb and _meet(a, b):
                meeting.add((min(ga, gb), max(ga, gb)))
        pieces: list[Piece] = []
        at = 0
        for region, g in owned:
            if region.start > at:
                pieces.append("".join(base_lines[at : region.start]))
            distinct: list[str] = []
            pick = []
            for selection in selections[g]:
                text = diff[selection].segment(region, len(base_lines))
                if text not in distinct:
                    distinct.append(text)
                pick.append(distinct.index(text))
            pieces.append((g, distinct, pick))
            at = region.end
        if at < len(base_lines):
            pieces.append("".join(base_lines[at:]))
        files[name] = pieces
    return CloudSlots(groups, files, meeting), []


def _checks(inv: Inventory, slots: CloudSlots, base: Selection) -> list[tuple[Selection, list[int]]]:
    """Selections to compare with the renderers, each with the groups to merge if it fails."""
    out: list[tuple[Selection, list[int]]] = []
    for a, b in sorted(slots.meeting):
        away_a = [s for s in slots.groups[a].states if with_states(inv, base, s) != base]
        away_b = [s for s in slots.groups[b].states if with_states(inv, base, s) != base]
        out += [(with_states(inv, base, {**sa, **sb}), [a, b]) for sa, sb in itertools.product(away_a, away_b)]
    every = list(range(len(slots.groups)))
    return [*out, (default_selection(inv, base.cloud), every), (minimum_selection(inv, base.cloud), every)]


def _failing(
    inv: Inventory, slots: CloudSlots, checks: list[tuple[Selection, list[int]]], rendered: Callable[[Selection], Texts]
) -> list[int]:
    """The groups to merge after the first check the slots fail (none when all pass)."""

    def fails(selection: Selection) -> bool:
        expected, got = rendered(selection), slots.texts(inv, selection)
        return any(got.get(n, "") != expected.get(n, "") for n in {*got, *expected})

    for selection, suspects in checks:
        if not fails(selection):
            continue
        if len(suspects) <= 2:
            return suspects
        # Far from the base: find two groups that already fail together (a ConfigMap that exists
        # while any of two parts needs it, say), so that only those two are merged.
        base = base_selection(inv, selection.cloud)
        comps = {c.id: c for c in inv.components}
        away = [
            g for g in suspects if any(option_in(selection, comps[p]) != option_in(base, comps[p]) for p in slots.groups[g].parts)
        ]
        for a, b in itertools.combinations(away, 2):
            state = {p: option_in(selection, comps[p]) for g in (a, b) for p in slots.groups[g].parts}
            if fails(with_states(inv, base, state)):
                return [a, b]
        return away if len(away) >= 2 else suspects
    return []
