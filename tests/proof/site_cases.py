"""The files the site offers, as cases for the proof: every selection of every cloud of an inventory."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

import yaml

from generator.assemble import Assembled, Selection, all_selections, assemble, selection_key
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


def model_commands(inv: Inventory, parts: Assembled) -> tuple[str | None, str]:
    """(training command, run command) as the site prints them for a workstation."""
    lines = workstation_commands(inv, parts).splitlines()
    run = next(line for line in lines if line.startswith("rasa run "))  # as the page prints it
    return train_command(inv, parts), run


def endpoints(case: Case) -> dict[str, Any]:
    return yaml.safe_load(case.files["endpoints.yml"]) or {}
