"""Turn a Source into a checked Inventory, collecting every problem first."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path as FsPath
from typing import Any

from .assemble import clashes, component_fragment, layers
from .errors import InventoryError, Path, Problem, describe, format_path
from .icons import icon_problem
from .model import PATTERN_PHRASES, Fragment, Inventory
from .source import Source, read_source
from .typed import Error, Record, convert, dump, record_at, record_fields

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# Keys whose value is a credential in Rasa's endpoint configs.
CREDENTIAL_KEYS = {
    "password",
    "token",
    "sasl_password",
    "ssl_password",
    "api_key",
    "secret",
    "client_secret",
    "aws_secret_access_key",
}

TYPE_PHRASES = {
    "string_type": "a text",
    "bool_type": "true or false",
    "date_type": "a date such as 2026-12-08",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "list_type": "a list",
}


def _record_at(path: Path) -> type[Record] | None:
    """The record that owns the mapping at `path` (for listing known keys)."""
    current: type[Record] = Inventory
    dict_key_next = False
    for part in path:
        if isinstance(part, int):
            continue
        if dict_key_next:
            dict_key_next = False
            continue
        inner, dict_key_next = record_at(current, str(part))
        if inner is None:
            return None
        current = inner
    return current


def _message(err: Error) -> str:
    if err.kind == "missing":
        return "expected this required key, got nothing (the key is missing)"
    if err.kind == "extra_forbidden":
        owner = _record_at(err.loc[:-1])
        known = f" ({', '.join(f.name for f in record_fields(owner))})" if owner else ""
        return f"expected one of the known keys{known}, got unknown key {describe(err.loc[-1])}"
    if err.kind == "string_pattern_mismatch":
        phrase = PATTERN_PHRASES.get(err.pattern or "", f"text matching {err.pattern}")
        return f"expected {phrase}, got {describe(err.value)}"
    return f"expected {TYPE_PHRASES[err.kind]}, got {describe(err.value)}"


def structural(src: Source) -> tuple[Inventory | None, list[Problem]]:
    if not isinstance(src.data, dict):
        return None, [Problem(1, "(document)", f"expected a mapping with the inventory keys, got {describe(src.data)}")]
    errors: list[Error] = []
    inv = convert(Inventory, src.data, (), errors)
    problems = [Problem(src.line(err.loc), format_path(err.loc), _message(err)) for err in errors]
    return (None if problems else inv), problems


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, Any, Any]]:
    """Yield (path, key, value) for every mapping entry below `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key, item
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def semantic(inv: Inventory, src: Source) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: Path, message: str) -> None:
        problems.append(Problem(src.line(path), format_path(path), message))

    def unique(items: list[Any], path: str, what: str) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in seen:
                add(
                    (path, index, "id"),
                    f"expected a unique {what} id, got '{item.id}' again (also {path}[{seen[item.id]}])",
                )
            seen.setdefault(item.id, index)

    unique(inv.groups, "groups", "group")
    unique(inv.clouds, "clouds", "cloud")
    unique(inv.components, "components", "component")
    if not inv.clouds:
        add(("clouds",), "expected at least one cloud, got an empty list")

    group_ids = [g.id for g in inv.groups]
    cloud_ids = [c.id for c in inv.clouds]
    comp_ids = [c.id for c in inv.components]
    cloud_groups = {g.id for g in inv.groups if g.cloud_services}

    for index, comp in enumerate(inv.components):
        here: Path = ("components", index)
        if comp.group not in group_ids:
            add((*here, "group"), f"expected one of the group ids ({', '.join(group_ids)}), got '{comp.group}'")
        if comp.required and comp.needed_when is not None:
            add((*here, "needed_when"), "expected no needed_when on a required component, got a text")
        if not comp.required and comp.needed_when is None:
            add(here, "expected needed_when on an optional component (when it becomes necessary), got nothing")
        for c_index, conn in enumerate(comp.connections):
            if conn.to not in comp_ids:
                add(
                    (*here, "connections", c_index, "to"),
                    f"expected one of the component ids ({', '.join(comp_ids)}), got '{conn.to}'",
                )
            elif conn.to == comp.id:
                add((*here, "connections", c_index, "to"), f"expected another component, got '{conn.to}' itself")
        for r_index, needed in enumerate(comp.requires):
            if needed not in comp_ids or needed == comp.id:
                others = ", ".join(i for i in comp_ids if i != comp.id)
                add((*here, "requires", r_index), f"expected the id of another component ({others}), got '{needed}'")
            else:
                other = next(c for c in inv.components if c.id == needed)
                if comp.default_enabled and not (other.required or other.default_enabled):
                    add(
                        (*here, "requires", r_index),
                        f"expected '{needed}' to be on by default like '{comp.id}', got default_enabled: false "
                        "(the default files would lack it)",
                    )
        if comp.required and comp.requires:
            add((*here, "requires"), "expected requires only on an optional component, got a list on a required one")
        unique_variants = {}
        for v_index, var in enumerate(comp.variants):
            if var.id in unique_variants:
                add((*here, "variants", v_index, "id"), f"expected a unique variant id, got '{var.id}' again")
            unique_variants[var.id] = v_index
        icon_error = icon_problem(comp.icon)
        if icon_error:
            add((*here, "icon"), f"expected a `diagrams` node class, got '{comp.icon}' ({icon_error})")
        if comp.group in cloud_groups:
            for cloud in cloud_ids:
                if cloud not in comp.offerings:
                    add((*here, "offerings"), f"expected an offering for cloud '{cloud}', got none")
        elif comp.offerings:
            add((*here, "offerings"), f"expected no offerings outside cloud-service groups, got {len(comp.offerings)}")
        for cloud, offer in comp.offerings.items():
            if cloud not in cloud_ids:
                add(
                    (*here, "offerings", cloud),
                    f"expected one of the cloud ids ({', '.join(cloud_ids)}), got '{cloud}'",
                )
            icon_error = icon_problem(offer.icon)
            if icon_error:
                add(
                    (*here, "offerings", cloud, "icon"),
                    f"expected a `diagrams` node class, got '{offer.icon}' ({icon_error})",
                )
        problems.extend(_fragment_problems(inv, index, src))

    for s_index, step in enumerate(inv.message_path):
        if step.component not in comp_ids:
            add(
                ("message_path", s_index, "component"),
                f"expected one of the component ids ({', '.join(comp_ids)}), got '{step.component}'",
            )
    if problems:
        return problems
    return _conflicts(inv, src)


def _conflicts(inv: Inventory, src: Source) -> list[Problem]:
    """Keys two components set differently, in any selection the site offers.

    Merging never overrides across components, so a selection conflicts exactly
    when some pair of its components does: checking every pair of components,
    with every variant of each, on every cloud, covers every combination the
    configurator offers without walking all 2^n of them.
    """

    @cache
    def fragment(index: int, cloud: str, variant: str | None) -> Fragment:
        return component_fragment(inv, index, cloud, variant)

    found: dict[tuple[int, str, tuple[str, ...]], tuple[Path, str, dict[str, list[str]]]] = {}
    comps = inv.components
    for cloud in (c.id for c in inv.clouds):
        pairs = [(i, j) for i in range(len(comps)) for j in range(i + 1, len(comps))]
        for a, b in pairs:
            for va, vb in itertools.product(_variant_ids(comps[a]), _variant_ids(comps[b])):
                fa, fb = fragment(a, cloud, va), fragment(b, cloud, vb)
                for section, path, first, second in _fragment_clashes(fa, fb):
                    picks = ", ".join(f"{comps[i].id}={v}" for i, v in ((a, va), (b, vb)) if v)
                    key = (b, section, path)
                    if key in found:
                        found[key][2].setdefault(picks, []).append(cloud)
                        continue
                    message = (
                        f"expected {section}.{'.'.join(path)} to be set by one component only, "
                        f"got {describe(first)} from {comps[a].id} and {describe(second)} from {comps[b].id}"
                    )
                    found[key] = (_blame(inv, b, cloud, vb, section, path), message, {picks: [cloud]})
    problems = []
    for blamed, message, where in found.values():
        places = "; ".join(
            f"on {', '.join(dict.fromkeys(clouds))}" + (f" with {picks}" if picks else "") for picks, clouds in where.items()
        )
        problems.append(Problem(src.line(blamed), format_path(blamed), f"{message} ({places})"))
    return problems


def _variant_ids(comp: Any) -> list[str | None]:
    return [v.id for v in comp.variants] if len(comp.variants) > 1 else [None]


def _fragment_clashes(first: Fragment, second: Fragment) -> Iterator[tuple[str, tuple[str, ...], Any, Any]]:
    for section in ("endpoints", "values", "assistant", "credentials"):
        for path, a, b in clashes(getattr(first, section), getattr(second, section)):
            yield section, path, a, b
    env = {v.name: v for v in first.env}
    for var in second.env:
        if var.name in env and env[var.name] != var:
            yield "env", (var.name,), dump(env[var.name], exclude_none=True), dump(var, exclude_none=True)


def _blame(inv: Inventory, index: int, cloud: str, variant: str | None, section: str, path: Path) -> Path:
    """The inventory path of the most specific layer of component `index` that sets `path`."""
    for layer in reversed(layers(inv, index, cloud, variant)):
        if section == "env":
            for e_index, var in enumerate(layer.fragment.env):
                if var.name == path[0]:
                    return (*layer.path, "env", e_index)
            continue
        node: Any = getattr(layer.fragment, section)
        for key in path:
            found = (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and key < len(node)
            )
            if not found:
                break
            node = node[key]
        else:
            return (*layer.path, section, *path)
    return ("components", index, "config")


def _fragment_problems(inv: Inventory, index: int, src: Source) -> list[Problem]:
    """Env declarations, placeholders and credentials of every layer of one component."""
    problems: list[Problem] = []
    comp = inv.components[index]
    here: Path = ("components", index)

    def add(path: Path, message: str) -> None:
        problems.append(Problem(src.line(path), format_path(path), message))

    layers: list[tuple[Path, Fragment]] = [((*here, "config"), comp.config)]
    layers += [((*here, "variants", i, "config"), v.config) for i, v in enumerate(comp.variants)]
    layers += [((*here, "offerings", cid, "config"), o.config) for cid, o in comp.offerings.items()]
    for path, frag in layers:
        for e_index, var in enumerate(frag.env):
            if var.secret and var.example is not None:
                add(
                    (*path, "env", e_index, "example"),
                    "expected no example value for a secret, got one (secrets are never written out)",
                )
            if not var.secret and var.example is None:
                add((*path, "env", e_index), "expected an example value for a non-secret variable, got nothing")
            if var.chart_secret_fields is not None and (len(var.chart_secret_fields) != 2 or not var.chart_secret):
                add(
                    (*path, "env", e_index, "chart_secret_fields"),
                    "expected two names (the Secret's name, then its key) next to a chart_secret, "
                    f"got {len(var.chart_secret_fields)}" + ("" if var.chart_secret else " without a chart_secret"),
                )
        for key_path, key, value in _walk(frag.values, (*path, "values")):
            if key in CREDENTIAL_KEYS and not isinstance(value, dict):
                add(
                    key_path,
                    "expected credentials to come from a secret environment variable, got a literal value in Helm values",
                )

    clouds = [c.id for c in inv.clouds] or [""]
    variants: list[str | None] = [v.id for v in comp.variants] or [None]
    for cloud in clouds:
        for variant in variants:
            frag = component_fragment(inv, index, cloud, variant)
            declared = {v.name: v for v in frag.env}
            for merged_path, key, value in _walk(frag.endpoints, ()):
                key_path = _blame(inv, index, cloud, variant, "endpoints", merged_path)
                if not isinstance(value, str):
                    if key in CREDENTIAL_KEYS and not isinstance(value, dict):
                        add(key_path, f"expected a ${{VAR}} placeholder for credential '{key}', got {describe(value)}")
                    continue
                names = PLACEHOLDER.findall(value)
                for name in names:
                    if name not in declared:
                        add(key_path, f"expected ${{{name}}} to be declared in env, got no such variable")
                if key in CREDENTIAL_KEYS:
                    whole = re.fullmatch(r"\$\{([A-Z_][A-Z0-9_]*)\}", value)
                    if not whole:
                        add(key_path, f"expected a ${{VAR}} placeholder for credential '{key}', got a literal value")
                    elif whole.group(1) in declared and not declared[whole.group(1)].secret:
                        add(
                            key_path,
                            f"expected credential '{key}' to use a secret variable, got non-secret ${{{whole.group(1)}}}",
                        )
    return problems


def load(path: FsPath, display_name: str | None = None) -> Inventory:
    """Read and check an inventory; raise InventoryError listing every problem."""
    return check(read_source(path, display_name))


def check(src: Source) -> Inventory:
    """The inventory `src` holds; raise InventoryError listing every problem."""
    inv, problems = structural(src)
    if inv is not None:
        problems = semantic(inv, src)
    if problems:
        raise InventoryError(src.filename, problems)
    assert inv is not None
    return inv
