"""endpoints.yml and values.yml text (inventory -> text)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import yaml

from . import kube
from .assemble import Assembled, Selection, assemble, component_fragment
from .marks import NOTICE
from .model import EnvVar, Fragment, Inventory
from .render_commands import kubernetes_variables, run_command, workstation_variables
from .values import describe

# Every character YAML treats as a line break.
LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]+")


# libyaml's emitter is ~10x faster than PyYAML's pure-Python one; the configurator
# writes hundreds of files, so it matters. Same YAML either way.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    """Block style and no YAML aliases even for repeated values.

    Most of a dump's time is PyYAML's Python side, not libyaml: for the plain types the
    renderers produce, nodes are built here exactly as SafeRepresenter builds them (with
    `dump`'s settings) minus its per-node bookkeeping, and the check whether a plain
    scalar would read back as a string is remembered. Any other type goes PyYAML's way.
    tests/test_text.py compares the output with PyYAML's own on random data.
    """

    _resolved: ClassVar[dict[tuple[str, Any], Any]] = {}  # shared: the answer depends on the class alone

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_data(self, data: Any) -> yaml.Node:
        if self.sort_keys or self.default_flow_style is not False or self.default_style is not None:
            return super().represent_data(data)  # not `dump`'s settings
        kind = type(data)
        if kind is str:
            return yaml.ScalarNode(_STR, data)
        if kind is dict:
            items = [(self.represent_data(k), self.represent_data(v)) for k, v in data.items()]
            return yaml.MappingNode(_MAP, items, flow_style=False)
        if kind is list:
            return yaml.SequenceNode(_SEQ, [self.represent_data(item) for item in data], flow_style=False)
        if kind is bool:
            return yaml.ScalarNode(_BOOL, "true" if data else "false")
        if kind is int:
            return yaml.ScalarNode(_INT, str(data))
        if data is None:
            return yaml.ScalarNode(_NULL, "null")
        return super().represent_data(data)

    def resolve(self, kind: type, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        found = self._resolved.get(key)
        if found is None:
            if len(self._resolved) > 65536:
                self._resolved.clear()
            found = self._resolved[key] = super().resolve(kind, value, implicit)
        return found


def _pyyaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# The configurator renders hundreds of files that differ in a few entries. PyYAML writes each
# entry of a block mapping, and each item of a block sequence, the same wherever it stands
# at a given depth (no aliases, no sorting, nothing carried from one sibling to the next):
# so a file is put together from its entries, each written once by PyYAML and remembered.
# An entry at depth d is cut out of PyYAML's text for it under d one-line keys ("_:"), so it
# keeps the indentation, and the line folding that goes with it, it has in the whole file.
_entries: dict[tuple[Any, ...], str] = {}
_ENTRIES_MAX = 16384


def _nested(depth: int, inner: dict[Any, Any]) -> dict[Any, Any]:
    for _ in range(depth):
        inner = {"_": inner}
    return inner


def _simple_key(key: Any) -> bool:
    # Written on one line as `key:` (PyYAML writes a long or multi-line key as `? key`).
    return type(key) is str and len(key) <= 64 and not LINE_BREAKS.search(key)


def _remembered(key: tuple[Any, ...], make: Callable[[], str]) -> str:
    found = _entries.get(key)
    if found is None:
        if len(_entries) > _ENTRIES_MAX:
            _entries.clear()
        found = _entries[key] = make()
    return found


def _entry(depth: int, key: Any, value: Any) -> str:
    """One `key: value` entry of a block mapping at `depth`, as PyYAML writes it."""

    def make() -> str:
        if value and type(value) in (dict, list) and _simple_key(key):
            # `key:` on its own line, then the entries (or the items, at the same depth) below it.
            head = _pyyaml(_nested(depth, {key: {"_": None}})).splitlines(keepends=True)[depth]
            if type(value) is dict:
                return head + "".join(_entry(depth + 1, k, v) for k, v in value.items())
            return head + "".join(_item(depth, item) for item in value)
        return "".join(_pyyaml(_nested(depth, {key: value})).splitlines(keepends=True)[depth:])

    # repr tells 1 from "1" and True from "True", as YAML does
    return _remembered((depth, repr(key), repr(value)), make)


def _item(depth: int, item: Any) -> str:
    """One `- item` of a block sequence that is the value of a mapping entry at `depth`."""

    def make() -> str:
        return "".join(_pyyaml(_nested(depth, {"_": [item]})).splitlines(keepends=True)[depth + 1 :])

    return _remembered((depth, "-", repr(item)), make)


def dump(data: Any) -> str:
    """`data` in YAML, block style, as PyYAML's SafeDumper writes it with `yaml.dump`'s settings
    here (tests/test_yaml_dump.py compares the two on random data)."""
    if not data:
        return "{}\n"
    if type(data) is not dict:
        return _pyyaml(data)
    return "".join(_entry(0, key, value) for key, value in data.items())


def _comment_block(lines: list[str]) -> str:
    # Inventory text may hold line breaks; each must stay inside its comment.
    return "".join(f"# {LINE_BREAKS.sub(' ', line)}".rstrip() + "\n" for line in lines)


def yaml_file(head: list[str], data: Any) -> str:
    """A generated YAML file: the notice, its comment header, a blank line, then the data.

    The notice comes first so that a downloaded copy says on its top line what made it.
    """
    return _comment_block([NOTICE, *head]) + "\n" + dump(data)


def where_text(inv: Inventory, var: EnvVar, kubernetes: bool) -> str:
    """What the user does with the variable, in a few words."""
    if not kubernetes:
        return "secret" if var.secret else f"e.g. {var.example}"
    where = kube.route(inv, var)
    if where.kind == "secret":
        return f"secret, stored in Secret {where.store} as {where.key}"
    if where.kind == "file":
        return f"a file, mounted from ConfigMap {where.store}; e.g. {var.example}"
    if where.kind == "helm":
        return f"passed to helm as {where.key}; e.g. {var.example}"
    return f"stored in ConfigMap {where.store}; e.g. {var.example}"


def env_lines(inv: Inventory, env: list[EnvVar], kubernetes: bool) -> list[str]:
    if not env:
        return ["Environment variables: none."]
    # Not aligned in columns: a column's width would tie every line to every other part's names.
    out = ["Variables to export first:"]
    for var in env:
        out.append(f"  {var.name}  {describe(inv, var)} ({where_text(inv, var, kubernetes)})")
    return out


def endpoints_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    parts = parts or assemble(inv, selection)
    cloud = inv.cloud(selection.cloud)
    head = [
        f"endpoints.yml for Rasa Pro {inv.rasa.version} on {cloud.title}",
        f"On a workstation: {run_command(parts)}",
        "On Kubernetes, values.yml carries these settings and deploy.sh installs them.",
        "Rasa expands each ${VAR} from its environment when it starts.",
        "",
        *env_lines(inv, workstation_variables(parts), kubernetes=False),
    ]
    return yaml_file(head, parts.endpoints)


def values_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    parts = parts or assemble(inv, selection)
    cloud = inv.cloud(selection.cloud)
    h = inv.rasa.helm
    head = [
        f"values.yml for the {h.chart} Helm chart {h.version} (Rasa Pro {inv.rasa.version}) on {cloud.title}",
        "Deploy with deploy.sh from the same folder: it creates the Secret and ConfigMaps these values",
        f"read and runs helm upgrade --install {h.release} {h.repo_name}/{h.chart} --version {h.version}.",
        "",
        *env_lines(inv, kubernetes_variables(parts), kubernetes=True),
    ]
    return yaml_file(head, parts.values)


def fragment_files(inv: Inventory, index: int, cloud: str, variant: str | None, frag: Fragment | None = None) -> tuple[str, str]:
    """(endpoints.yml fragment, values.yml fragment) for one component on one cloud.

    Pass `frag` when the caller already resolved the component's layers.
    """
    comp = inv.components[index]
    frag = frag or component_fragment(inv, index, cloud, variant)
    parts = Assembled(endpoints=frag.endpoints, values=frag.values, args=frag.args, env=frag.env)
    values = kube.helm_values(inv, parts)
    values.pop("fullnameOverride")  # every values.yml sets it; it is not this part's
    head = _comment_block([f"{comp.name} on {inv.cloud(cloud).name}. {NOTICE}"])
    endpoints = head + (dump(frag.endpoints) if frag.endpoints else "# Nothing in endpoints.yml for this part.\n")
    if frag.replaces:
        endpoints += "# With this part, these settings of other parts change:\n" + dump(frag.replaces)
    if frag.assistant:
        uses = _comment_block(dump(frag.assistant).splitlines())
        endpoints += "# The assistant's config.yml refers to these settings with:\n" + uses
    if frag.remote_storage:
        endpoints += f"# rasa run and rasa train take: --remote-storage {frag.remote_storage}\n"
    if frag.args:
        endpoints += f"# Extra rasa run arguments: {' '.join(frag.args)}\n"
    return endpoints, head + dump(values)


def config_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    """The settings the assistant's config.yml needs for these files (it is trained with it)."""
    parts = parts or assemble(inv, selection)
    head = [
        f"config.yml settings for a Rasa Pro {inv.rasa.version} assistant that runs with the endpoints.yml beside it",
        "Merge these keys into your project's config.yml, then train (rasa train) with the endpoints.yml",
        "beside it: training embeds your flows with its embedding model, so run the trained model with the",
        "same provider's embedding model (another provider's vectors differ, even in length): retrain to switch.",
    ]
    return yaml_file(head, parts.assistant)


def credentials_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    """The channels Rasa Pro opens (rasa run reads credentials.yml from its working folder)."""
    parts = parts or assemble(inv, selection)
    head = [
        f"credentials.yml for Rasa Pro {inv.rasa.version}: the channels it opens",
        "On a workstation it sits next to endpoints.yml; on Kubernetes values.yml carries it.",
    ]
    return yaml_file(head, parts.credentials)


def file_names(parts: Assembled) -> list[str]:
    """The names of the files a selection with these parts gets, in the order they are shown."""
    names = ["endpoints.yml", "values.yml", "variables.sh", "deploy.sh"]
    if parts.credentials:
        names.append("credentials.yml")
    if parts.assistant:
        names.append("config.yml")
    return names


def selection_files(
    inv: Inventory, selection: Selection, parts: Assembled | None = None, given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The files the site offers for one selection, by file name, in the order they are shown.

    `given` holds the reader's settings by variable name (variables.sh fills them in).
    """
    from .render_commands import deploy_script, variables_script

    parts = parts or assemble(inv, selection)
    render: dict[str, Callable[[], str]] = {
        "endpoints.yml": lambda: endpoints_file(inv, selection, parts),
        "values.yml": lambda: values_file(inv, selection, parts),
        "variables.sh": lambda: variables_script(inv, selection, parts, given or {}),
        "deploy.sh": lambda: deploy_script(inv, selection, parts),
        "credentials.yml": lambda: credentials_file(inv, selection, parts),
        "config.yml": lambda: config_file(inv, selection, parts),
    }
    return {name: render[name]() for name in file_names(parts)}
