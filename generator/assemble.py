"""Combine component fragments into endpoints.yml and Helm values for a selection.

Within one component, later layers override earlier ones (component, then
variant, then cloud offering). Across components nothing may override: two
parts setting the same key differently is a conflict the validator reports.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import Path
from .kube import helm_values
from .model import Component, EnvVar, Fragment, Inventory
from .plain import plain_copy

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Selection:
    """What a user deploys: one cloud, a set of components, a variant per component."""

    cloud: str
    enabled: frozenset[str]
    variants: tuple[tuple[str, str], ...] = ()

    def variant(self, component_id: str) -> str | None:
        return dict(self.variants).get(component_id)


@dataclass
class Layer:
    """One fragment plus where it sits in the inventory (for error lines)."""

    fragment: Fragment
    path: Path


@dataclass
class Assembled:
    endpoints: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # the chart's values (see kube.helm_values)
    args: list[str] = field(default_factory=list)  # extra `rasa run` arguments
    env: list[EnvVar] = field(default_factory=list)  # everything the user exports, in order
    remote_storage: str | None = None
    assistant: dict[str, Any] = field(default_factory=dict)  # the assistant's config.yml settings
    credentials: dict[str, Any] = field(default_factory=dict)  # credentials.yml: the channels


class Conflict(Exception):
    def __init__(self, path: tuple[str, ...], first: str, second: str):
        self.path = path
        self.first = first
        self.second = second
        super().__init__(f"{'.'.join(path)}: set by both {first} and {second}")


def override(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge where `top` wins (maps merge, everything else replaces, as Helm does).

    The result shares nothing with `base` or `top`: later merges change it in place.
    """
    return _override_in_place(plain_copy(base), top)


def _override_in_place(out: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            _override_in_place(out[key], value)
        else:
            out[key] = plain_copy(value)
    return out


def combine(
    base: dict[str, Any],
    top: Mapping[str, Any],
    owners: dict[tuple[str, ...], str],
    owner: str,
    prefix: tuple[str, ...] = (),
) -> None:
    """Deep merge across components: equal values are fine, different ones conflict."""
    for key, value in top.items():
        here = (*prefix, key)
        if key not in base:
            base[key] = plain_copy(value)
            owners[here] = owner
        elif isinstance(base[key], dict) and isinstance(value, Mapping):
            combine(base[key], value, owners, owner, here)
        elif isinstance(base[key], list) and isinstance(value, list):
            base[key].extend(item for item in plain_copy(value) if item not in base[key])
        elif base[key] != value:
            raise Conflict(here, owners.get(here, "another component"), owner)


def clashes(
    first: Mapping[str, Any], second: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """Every key path `combine` would refuse to merge: (path, first's value, second's value)."""
    for key, value in second.items():
        if key not in first:
            continue
        here = (*prefix, key)
        if isinstance(first[key], dict) and isinstance(value, Mapping):
            yield from clashes(first[key], value, here)
        elif isinstance(first[key], list) and isinstance(value, list):
            continue
        elif first[key] != value:
            yield here, first[key], value


def layers(inv: Inventory, index: int, cloud: str, variant: str | None) -> list[Layer]:
    """The fragments of component `index` on `cloud`, most general first."""
    comp = inv.components[index]
    base: Path = ("components", index)
    out = [Layer(comp.config, (*base, "config"))]
    for v_index, var in enumerate(comp.variants):
        if var.id == (variant or comp.variants[0].id):
            out.append(Layer(var.config, (*base, "variants", v_index, "config")))
    if cloud in comp.offerings:
        out.append(Layer(comp.offerings[cloud].config, (*base, "offerings", cloud, "config")))
    return out


# component_fragment's results for the few inventories last asked about (the configurator renders
# the inventory and a copy with marks for the reader's names). Every selection asks again for the
# same few fragments; callers copy what they merge, never change a fragment, and an inventory is
# immutable, so keeping them is safe.
_fragments: dict[int, tuple[Inventory, dict[tuple[int, str, str | None], Fragment]]] = {}


def component_fragment(inv: Inventory, index: int, cloud: str, variant: str | None) -> Fragment:
    """One component's own configuration on one cloud, layers resolved."""
    held = _fragments.get(id(inv))
    if held is None or held[0] is not inv:
        if len(_fragments) >= 4:
            _fragments.clear()
        held = _fragments[id(inv)] = (inv, {})
    known = held[1]
    key = (index, cloud, variant)
    if key not in known:
        known[key] = _resolve_fragment(inv, index, cloud, variant)
    return known[key]


def _resolve_fragment(inv: Inventory, index: int, cloud: str, variant: str | None) -> Fragment:
    endpoints: dict[str, Any] = {}
    values: dict[str, Any] = {}
    assistant: dict[str, Any] = {}
    credentials: dict[str, Any] = {}
    replaces: dict[str, Any] = {}
    args: list[str] = []
    env: dict[str, EnvVar] = {}
    remote_storage = None
    for layer in layers(inv, index, cloud, variant):
        endpoints = override(endpoints, layer.fragment.endpoints)
        values = override(values, layer.fragment.values)
        assistant = override(assistant, layer.fragment.assistant)
        credentials = override(credentials, layer.fragment.credentials)
        replaces = override(replaces, layer.fragment.replaces)
        args.extend(a for a in layer.fragment.args if a not in args)
        for var in layer.fragment.env:
            env[var.name] = var
        remote_storage = layer.fragment.remote_storage or remote_storage
    return Fragment(
        endpoints=endpoints,
        values=values,
        assistant=assistant,
        credentials=credentials,
        replaces=replaces,
        args=args,
        env=list(env.values()),
        remote_storage=remote_storage,
    )


def selected_components(inv: Inventory, selection: Selection) -> list[tuple[int, Component]]:
    return [(i, c) for i, c in enumerate(inv.components) if c.id in selection.enabled]


def assemble(inv: Inventory, selection: Selection) -> Assembled:
    """Merge the selected components into one configuration; raises Conflict."""
    out = Assembled()
    endpoint_owners: dict[tuple[str, ...], str] = {}
    value_owners: dict[tuple[str, ...], str] = {}
    assistant_owners: dict[tuple[str, ...], str] = {}
    credential_owners: dict[tuple[str, ...], str] = {}
    env_owner: dict[str, tuple[str, EnvVar]] = {}
    replaces: list[dict[str, Any]] = []
    for index, comp in selected_components(inv, selection):
        frag = component_fragment(inv, index, selection.cloud, selection.variant(comp.id))
        combine(out.endpoints, frag.endpoints, endpoint_owners, comp.id)
        combine(out.values, frag.values, value_owners, comp.id)
        combine(out.assistant, frag.assistant, assistant_owners, comp.id)
        combine(out.credentials, frag.credentials, credential_owners, comp.id)
        out.args.extend(frag.args)
        out.remote_storage = frag.remote_storage or out.remote_storage
        replaces.append(frag.replaces)
        for var in frag.env:
            if var.name in env_owner:
                first, known = env_owner[var.name]
                if known != var:
                    raise Conflict(("env", var.name), first, comp.id)
                continue
            env_owner[var.name] = (comp.id, var)
            out.env.append(var)
    for replacement in replaces:
        if replacement:
            out.endpoints = override(out.endpoints, replacement)
    if any(replaces):
        out.env = _still_used(inv, selection, out.endpoints, out.env)
    if out.remote_storage:
        out.args = ["--remote-storage", out.remote_storage, "--model", f"{inv.rasa.model}.tar.gz", *out.args]
    out.values = helm_values(inv, out)
    return out


def _still_used(inv: Inventory, selection: Selection, endpoints: dict[str, Any], env: list[EnvVar]) -> list[EnvVar]:
    """Drop the variables whose only use was a ${NAME} placeholder that another part replaced."""
    text = json.dumps(endpoints)
    placeholders: set[str] = set()
    for index, comp in selected_components(inv, selection):
        frag = component_fragment(inv, index, selection.cloud, selection.variant(comp.id))
        placeholders |= set(PLACEHOLDER.findall(json.dumps(frag.endpoints)))
    return [v for v in env if v.name not in placeholders or f"${{{v.name}}}" in text]


def default_selection(inv: Inventory, cloud: str) -> Selection:
    enabled = frozenset(c.id for c in inv.components if c.required or c.default_enabled)
    return Selection(cloud=cloud, enabled=enabled)


def all_selections(inv: Inventory, cloud: str) -> Iterator[Selection]:
    """Every combination of optional parts and of the variants of the parts switched on (each once)."""
    required = [c.id for c in inv.components if c.required]
    optional = [c.id for c in inv.components if not c.required]
    for switches in itertools.product([False, True], repeat=len(optional)):
        enabled = frozenset(required + [cid for cid, on in zip(optional, switches, strict=True) if on])
        if any(need not in enabled for c in inv.components if c.id in enabled for need in c.requires):
            continue
        with_variants = [c for c in inv.components if len(c.variants) > 1 and c.id in enabled]
        for choice in itertools.product(*[[(c.id, v.id) for v in c.variants] for c in with_variants]):
            yield Selection(cloud=cloud, enabled=enabled, variants=tuple(choice))


def selection_key(selection: Selection, inv: Inventory) -> str:
    """Stable key for a selection: its tokens, sorted and comma-joined.

    A token is the id of each optional part switched on, and `component=variant`
    for each enabled component that has variants. The configurator's inputs
    carry these tokens as `data-token`; the page joins the checked ones the same way.
    """
    tokens = [c.id for c in inv.components if not c.required and c.id in selection.enabled]
    for comp in inv.components:
        if len(comp.variants) > 1 and comp.id in selection.enabled:
            tokens.append(f"{comp.id}={selection.variant(comp.id) or comp.variants[0].id}")
    return ",".join(sorted(tokens))
