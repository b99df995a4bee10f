"""The commands around the files (inventory -> shell text): deploy.sh, training and a workstation run.

Every command reads the user's values from exported variables, so no file has
to be edited; `kube.py` decides where each variable goes, so the Secret and
ConfigMap keys created here are the ones values.yml references.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from . import kube
from .assemble import PLACEHOLDER, Assembled, Selection, assemble
from .marks import NOTICE
from .model import EnvVar, Inventory
from .values import describe

APPLY = "--dry-run=client --output=yaml | kubectl apply --filename=-"
CHECK_TRIES = 10


def kubernetes_variables(parts: Assembled) -> list[EnvVar]:
    return [v for v in parts.env if kube.exported_on_kubernetes(v)]


def workstation_variables(parts: Assembled) -> list[EnvVar]:
    return [v for v in parts.env if kube.exported_on_workstation(v)]


def _continued(lines: list[str]) -> str:
    return " \\\n  ".join(lines)


def _require(variables: list[EnvVar]) -> list[str]:
    # One line per variable: a missing export stops the script before anything changes.
    return [f': "${{{var.name}:?export {var.name} first (values.yml says what it holds)}}"' for var in variables]


def tls_secrets(values: Any) -> list[str]:
    """The Secrets an Ingress of the chart's values serves its certificate from (`tls[].secretName`)."""
    # A walk without recursion that skips scalars: it runs for every selection the configurator
    # renders.
    found: set[str] = set()
    stack = [values] if isinstance(values, (dict, list)) else []
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if key == "tls" and isinstance(value, list):
                found.update(t["secretName"] for t in value if isinstance(t, dict) and isinstance(t.get("secretName"), str))
            elif isinstance(value, (dict, list)):
                stack.append(value)
    return sorted(found)


def tls_checks(inv: Inventory, parts: Assembled) -> list[str]:
    """deploy.sh's lines that look for each certificate Secret the Ingress serves."""
    # Not an error: cert-manager, say, issues the Secret only once the Ingress exists.
    ns = f"--namespace={inv.rasa.namespace}"
    return [
        f'kubectl {ns} get secret {name} >/dev/null 2>&1 || echo "note: the Ingress serves HTTPS with the '
        f'certificate in the Secret {name}, which does not exist yet: create it, or let cert-manager issue it" >&2'
        # The chart values the parts set: the same entries values.yml holds, without laying them out again.
        for name in tls_secrets(parts.values)
    ]


def training_variables(parts: Assembled) -> list[EnvVar]:
    """What `rasa train` needs exported on a workstation.

    It expands every ${NAME} of endpoints.yml, whatever the part, and stops at the first unset
    one; it also reads the licence, the model storage's settings (it uploads the model) and the
    embedding model's provider settings (it embeds the flows) from the environment.
    """
    used = set(PLACEHOLDER.findall(json.dumps(parts.endpoints)))
    return [v for v in parts.env if v.training or v.name in used]


def train_command(inv: Inventory, parts: Assembled) -> str | None:
    """Train and upload to the key the server fetches (the bucket's root: --remote-root-only)."""
    if not parts.remote_storage:
        return None
    return f"rasa train --fixed-model-name {inv.rasa.model} --remote-storage {parts.remote_storage} --remote-root-only"


def run_command(parts: Assembled) -> str:
    """`rasa run` on a workstation, with the API enabled and protected as the chart does it."""
    flags = ["rasa run", "--enable-api"]
    flags += [f'{v.run_flag} "${v.name}"' for v in parts.env if v.run_flag]
    flags += ["--endpoints endpoints.yml", *[shlex.quote(a) for a in parts.args]]
    return " ".join(flags)


def workstation_commands(inv: Inventory, parts: Assembled) -> str:
    lines = [
        "# Next to endpoints.yml"
        + (" and credentials.yml" if parts.credentials else "")
        + ", with the variables endpoints.yml lists exported:",
        run_command(parts),
        "# Then, in another terminal, Rasa Pro answers with its version:",
        "curl http://127.0.0.1:5005/",
    ]
    return "\n".join(lines) + "\n"


def _store_commands(inv: Inventory, variables: list[EnvVar]) -> list[str]:
    ns = f"--namespace={inv.rasa.namespace}"
    secret, config, files = [], [], []
    for var in variables:
        where = kube.route(inv, var)
        if where.kind == "secret":
            secret.append(f'--from-literal={where.key}="${var.name}"')
        elif where.kind == "config":
            config.append(f'--from-literal={where.key}="${var.name}"')
        elif where.kind == "file":
            files.append(f'--from-file={where.key}="${var.name}"')
    out = []
    for kind, name, items in (
        ("secret generic", inv.rasa.kubernetes_secret, secret),
        ("configmap", inv.rasa.config_map, config),
        ("configmap", kube.files_config_map(inv), files),
    ):
        if items:
            out.append(_continued([f"kubectl {ns} create {kind} {name}", *items, APPLY]))
    return out


def variables_script(inv: Inventory, selection: Selection, parts: Assembled, given: Mapping[str, str]) -> str:
    """The settings deploy.sh reads, with the reader's values (`given`, by name) filled in.

    Sourced, not run, so that the exports reach the shell that runs deploy.sh. Secrets are never
    written down: each one not exported yet is asked for without echo.
    """
    variables = kubernetes_variables(parts)
    settings = [v for v in variables if not v.secret]
    secrets = [v for v in variables if v.secret]
    lines = [
        f"# {NOTICE}",
        f"# The settings deploy.sh reads, for Rasa Pro {inv.rasa.version} on {inv.cloud(selection.cloud).title}.",
        "# Fill in each empty value (deploy.sh stops at one before it changes anything), then, with bash:",
        "#   source ./variables.sh && bash deploy.sh",
        "",
    ]
    for var in settings:
        # Quoted as it is: the configurator only admits values without quotes, backslashes or spaces.
        lines += [f"# {describe(inv, var)}", f"export {var.name}='{given.get(var.name, '')}'"]
    if secrets:
        lines += [
            "",
            "# Secrets are asked for (not shown as you type) unless exported already; none is written to a file.",
            "rpa_ask() {",
            '  if [ -z "${!1:-}" ]; then IFS= read -rsp "$1: " "$1" && echo >&2; fi',
            '  export "${1?}"',
            "}",
            # One line per secret: each part's lines stay its own (see slots.py).
            *(f"rpa_ask {v.name}" for v in secrets),
            "unset -f rpa_ask",
        ]
    return "\n".join(lines) + "\n"


def deploy_script(inv: Inventory, selection: Selection, parts: Assembled | None = None) -> str:
    """A script that deploys the selection with values.yml from the same folder; safe to run again."""
    parts = parts or assemble(inv, selection)
    h, ns = inv.rasa.helm, f"--namespace={inv.rasa.namespace}"
    variables = kubernetes_variables(parts)
    # Quoted: the shell would otherwise eat the backslashes that escape dots inside a key.
    sets = [f'--set-string {shlex.quote(kube.route(inv, v).key or "")}="${v.name}"' for v in variables if v.helm_value]
    install = [
        f"helm upgrade --install {h.release} {h.repo_name}/{h.chart} --version {h.version} {ns}",
        "--values=values.yml",
        *sets,
        "--wait --timeout=10m",
    ]
    lines = [
        "#!/usr/bin/env bash",
        f"# {NOTICE}",
        f"# Deploy Rasa Pro {inv.rasa.version} on {inv.cloud(selection.cloud).title} with the {h.chart} Helm chart {h.version}.",
        "# Run it next to values.yml with kubectl and helm (3.8 or later) pointed at your cluster, after",
        "# exporting the variables below. Running it again updates the deployment.",
        "set -euo pipefail",
        "",
        "# The values this deployment takes from your shell:",
        *_require(variables),
        "",
        "# 1. The namespace",
        f"kubectl create namespace {inv.rasa.namespace} {APPLY}",
        "",
        "# 2. The credentials (Secret) and settings (ConfigMaps) that values.yml reads",
        *_store_commands(inv, variables),
        "",
        "# 3. Install or upgrade the chart, and wait until its pods are ready",
        f"helm repo add {h.repo_name} {h.repo_url} --force-update",
        _continued(install),
        *tls_checks(inv, parts),
        "",
        "# 4. Restart Rasa Pro so that it reads changed settings, and wait for the new pods",
        f"kubectl {ns} rollout restart deployment/{h.release}",
        f"kubectl {ns} rollout status deployment/{h.release} --timeout=10m",
        "",
        "# 5. First check: Rasa Pro answers with its version",
        f"kubectl {ns} port-forward service/{h.release} 5005:5005 >/dev/null &",
        "forward=$!",
        "trap 'kill \"$forward\"' EXIT",
        f"for attempt in $(seq 1 {CHECK_TRIES}); do",
        "  if curl --silent --show-error --fail http://127.0.0.1:5005/; then echo; exit 0; fi",
        '  echo "waiting for Rasa Pro ($attempt)..." >&2',
        "  sleep 3",
        "done",
        f'echo "Rasa Pro did not answer; see: kubectl {ns} logs deployment/{h.release}" >&2',
        "exit 1",
    ]
    return "\n".join(lines) + "\n"
