"""Snippets: endpoints.yml and values.yml text (inventory -> text)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .assemble import Assembled, Selection, assemble, component_fragment, helm_values
from .marks import NOTICE
from .model import EnvVar, Fragment, Inventory

# Every character YAML treats as a line break.
LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]+")


# libyaml's emitter is ~10x faster than PyYAML's pure-Python one; the configurator
# writes hundreds of files, so it matters. Same YAML either way.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    """Block style and no YAML aliases even for repeated values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    if not data:
        return "{}\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _comment_block(lines: list[str]) -> str:
    # Inventory text may hold line breaks; each must stay inside its comment.
    return "".join(f"# {LINE_BREAKS.sub(' ', line)}".rstrip() + "\n" for line in lines)


def env_lines(env: list[EnvVar]) -> list[str]:
    if not env:
        return ["Environment variables: none."]
    width = max(len(v.name) for v in env)
    out = ["Environment variables this file needs:"]
    for var in env:
        kind = "secret" if var.secret else f"e.g. {var.example}"
        out.append(f"  {var.name.ljust(width)}  {var.description} ({kind})")
    return out


def rasa_command(args: list[str]) -> str:
    return " ".join(["rasa run --endpoints endpoints.yml", *args])


def helm_install(inv: Inventory) -> list[str]:
    h = inv.rasa.helm
    return [
        f"helm repo add {h.repo_name} {h.repo_url} && helm repo update",
        f"helm install {h.release} {h.repo_name}/{h.chart} --version {h.version} --values values.yml",
    ]


def secret_command(inv: Inventory, env: list[EnvVar]) -> str | None:
    secrets = [v for v in env if v.secret]
    if not secrets:
        return None
    parts = [f"kubectl create secret generic {inv.rasa.kubernetes_secret}"]
    parts += [f'--from-literal={v.secret_key or v.name}="${{{v.name}}}"' for v in secrets]
    return " \\\n  ".join(parts)


def endpoints_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    parts = parts or assemble(inv, selection)
    cloud = inv.cloud(selection.cloud)
    head = [
        f"endpoints.yml for Rasa Pro {inv.rasa.version} on {cloud.title}",
        NOTICE,
        f"Start Rasa Pro with: {rasa_command(parts.args)}",
        "Rasa expands each ${VAR} from the environment when it starts.",
        "",
        *env_lines(parts.env),
    ]
    return _comment_block(head) + "\n" + dump(parts.endpoints)


def values_file(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    parts = parts or assemble(inv, selection)
    cloud = inv.cloud(selection.cloud)
    h = inv.rasa.helm
    secret = secret_command(inv, parts.env)
    head = [
        f"values.yml for the {h.chart} Helm chart {h.version} (Rasa Pro {inv.rasa.version}) on {cloud.title}",
        NOTICE,
        "Install with:",
        *[f"  {line}" for line in helm_install(inv)],
    ]
    if secret:
        head += [
            f"First create the Kubernetes Secret {inv.rasa.kubernetes_secret} that the secretKeyRefs below read:",
            *[f"  {line}" for line in secret.splitlines()],
        ]
    head += ["", *env_lines(parts.env)]
    return _comment_block(head) + "\n" + dump(parts.values)


def fragment_files(inv: Inventory, index: int, cloud: str, variant: str | None, frag: Fragment | None = None) -> tuple[str, str]:
    """(endpoints.yml fragment, values.yml fragment) for one component on one cloud.

    Pass `frag` when the caller already resolved the component's layers.
    """
    comp = inv.components[index]
    frag = frag or component_fragment(inv, index, cloud, variant)
    parts = Assembled(endpoints=frag.endpoints, values=frag.values, args=frag.args, env=frag.env)
    values = helm_values(inv, parts)
    head = _comment_block([f"{comp.name} on {inv.cloud(cloud).name}. {NOTICE}"])
    endpoints = head + (dump(frag.endpoints) if frag.endpoints else "# Nothing in endpoints.yml for this part.\n")
    if frag.args:
        endpoints += f"# Extra rasa run arguments: {' '.join(frag.args)}\n"
    return endpoints, head + dump(values)
