"""The files the site offers, as cases for the proof: every selection of every cloud of an inventory."""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass
from typing import Any

import yaml

from generator import slots
from generator.assemble import Assembled, Selection, all_selections, assemble, default_selection, selection_key
from generator.model import Inventory
from generator.render_commands import kubernetes_variables, train_command, workstation_commands, workstation_variables
from generator.render_yaml import selection_files
from generator.typed import dump


@dataclass(frozen=True)
class Case:
    cloud: str
    key: str
    selection: Selection
    parts: Assembled
    files: dict[str, str]

    @property
    def name(self) -> str:
        return f"{self.cloud}:{self.key or 'required-only'}"


def case_of(inv: Inventory, selection: Selection) -> Case:
    parts = assemble(inv, selection)
    return Case(selection.cloud, selection_key(selection, inv), selection, parts, selection_files(inv, selection, parts))


def cases(inv: Inventory) -> list[Case]:
    return [case_of(inv, selection) for cloud in inv.clouds for selection in all_selections(inv, cloud.id)]


def covering_cases(inv: Inventory) -> list[Case]:
    """Per cloud, selections in which every pair of states of two groups of parts occurs at least once
    (groups as the configurator has them: a part with the parts it `requires`), plus the default,
    the fewest and the most parts. A few dozen instead of every combination: for the slow proofs,
    while the fast tests check every selection."""
    out: dict[tuple[str, str], Case] = {}
    for cloud in inv.clouds:
        groups = [slots.make_group(inv, parts) for parts in slots.initial_groups(inv, cloud.id)]
        base = slots.minimum_selection(inv, cloud.id)
        chosen = [default_selection(inv, cloud.id), base, slots.base_selection(inv, cloud.id)]
        for row in pairwise([len(g.states) for g in groups]):
            merged: slots.State = {}
            for group, state in zip(groups, row, strict=True):
                merged |= group.states[state]
            chosen.append(slots.with_states(inv, base, merged))
        for selection in chosen:
            out.setdefault((cloud.id, selection_key(selection, inv)), case_of(inv, selection))
    return list(out.values())


def pairwise(levels: list[int]) -> list[list[int]]:
    """Rows of level indexes that together hold every pair of levels of every two factors (greedy,
    deterministic): each row starts from the first pair still missing and adds, factor by factor,
    the level that completes the most missing pairs."""
    missing = {
        (i, a, j, b) for i, j in itertools.combinations(range(len(levels)), 2) for a in range(levels[i]) for b in range(levels[j])
    }
    rows: list[list[int]] = []
    for _ in range(len(missing) + 1):  # each row completes at least the pair it starts from
        if not missing:
            break
        i, a, j, b = min(missing)
        row: list[int | None] = [None] * len(levels)
        row[i], row[j] = a, b
        for k in range(len(levels)):
            if row[k] is None:
                gains = [_gain(missing, row, k, v) for v in range(levels[k])]
                row[k] = gains.index(max(gains))  # the first best level: the same rows every run
        full = [v for v in row if v is not None]
        rows.append(full)
        missing -= {(p, full[p], q, full[q]) for p, q in itertools.combinations(range(len(levels)), 2)}
    return rows


def _gain(missing: set[tuple[int, int, int, int]], row: list[int | None], k: int, v: int) -> int:
    """How many missing pairs level v of factor k completes with the levels chosen so far in `row`."""
    return sum(
        (min(k, m), v if k < m else w, max(k, m), w if k < m else v) in missing
        for m, w in enumerate(row)
        if w is not None and m != k
    )


# Names a script sets itself, and the shell's own.
SCRIPT_LOCAL = {"forward", "attempt"}


def used_variables(script: str) -> set[str]:
    """The shell variables a script reads (comments and single-quoted text expand nothing)."""
    without_comments = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    quoted_single = re.sub(r"'[^']*'", "''", without_comments)
    names = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", quoted_single))
    return names - SCRIPT_LOCAL


def variables(parts: Assembled, kubernetes: bool) -> list[dict[str, Any]]:
    chosen = kubernetes_variables(parts) if kubernetes else workstation_variables(parts)
    return [dump(v) for v in chosen]


def helm_command(script: str) -> list[str]:
    """The `helm upgrade --install ...` command of a deploy script, as words."""
    joined = re.sub(r"\\\n\s*", " ", script)
    line = next(line for line in joined.splitlines() if line.startswith("helm upgrade --install "))
    return shlex.split(line)


def install_facts(script: str, exported: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    """(release, namespace, --set-string values) of the deploy script, with `exported` standing in for the shell."""
    words = helm_command(script)
    release = words[3]
    namespace = next(w.split("=", 1)[1] for w in words if w.startswith("--namespace="))
    sets: dict[str, Any] = {}
    for index, word in enumerate(words):
        if word == "--set-string":
            path, _, value = words[index + 1].partition("=")
            value = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda m: exported[m.group(1)], value)
            keys = [k.replace("\\.", ".") for k in re.split(r"(?<!\\)\.", path)]
            node = sets
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = value
    return release, namespace, sets


@dataclass(frozen=True)
class Install:
    """What deploy.sh installs for a case, with each exported variable at its example value."""

    exported: dict[str, str]
    release: str
    namespace: str
    manifests: list[dict[str, Any]]


def install(case: Case) -> Install:
    """The chart rendered with the values and --set-string values deploy.sh passes to Helm."""
    from .chart import render_chart  # the Helm engine: only the proofs that render need it

    deploy = case.files["deploy.sh"]
    exported = {v["name"]: str(v.get("example") or "x") for v in variables(case.parts, kubernetes=True)}
    release, namespace, sets = install_facts(deploy, exported)
    return Install(exported, release, namespace, list(render_chart(case.files["values.yml"], release, namespace, sets)))


def model_commands(inv: Inventory, parts: Assembled) -> tuple[str | None, str]:
    """(training command, run command) as the site prints them for a workstation."""
    lines = workstation_commands(inv, parts).splitlines()
    run = next(line for line in lines if line.startswith("rasa run "))  # as the page prints it
    return train_command(inv, parts), run


def endpoints(case: Case) -> dict[str, Any]:
    return yaml.safe_load(case.files["endpoints.yml"]) or {}
