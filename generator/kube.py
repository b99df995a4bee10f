"""How each variable the user exports reaches Kubernetes, stated once.

Renderers of values.yml, of the deploy commands and of the variable tables all
ask this module, so the Secret and ConfigMap keys the commands create are the
keys the values reference, by construction.

- a secret goes into the Secret `rasa.kubernetes_secret` under its secret_key;
- a file (a CA certificate) goes into the ConfigMap `<config_map>-files`, which
  the values mount read-only; the variable then holds the mounted path;
- a chart value (`helm_value`) is passed to `helm upgrade --install --set-string`;
- a variable with a `pod_value` gets that fixed value from the values;
- any other variable goes into the ConfigMap `rasa.config_map`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import EnvVar, Inventory
from .plain import plain_copy

FILES_MOUNT = "/etc/rasa/files"
FILES_VOLUME = "rasa-files"


@dataclass(frozen=True)
class Route:
    """Where one variable's value lives on Kubernetes."""

    kind: str  # "secret" | "config" | "file" | "helm" | "fixed"
    store: str | None = None  # Secret or ConfigMap name
    key: str | None = None  # key in it, or the --set-string path


def files_config_map(inv: Inventory) -> str:
    return f"{inv.rasa.config_map}-files"


def file_key(var: EnvVar) -> str:
    return var.name.lower().replace("_", "-")


def route(inv: Inventory, var: EnvVar) -> Route:
    if var.secret:
        return Route("secret", inv.rasa.kubernetes_secret, var.secret_key or var.name)
    if var.helm_value:
        return Route("helm", None, set_path(var.helm_value))
    if var.file:
        return Route("file", files_config_map(inv), file_key(var))
    if var.pod_value:
        return Route("fixed")
    return Route("config", inv.rasa.config_map, var.name)


# Helm reads these as separators inside a --set-string path; a backslash before each escapes it.
_SET_ESCAPES = str.maketrans({c: "\\" + c for c in ".,=\\"})


def set_path(keys: list[str]) -> str:
    """A chart value path for --set-string: dots inside a key are escaped (eks.amazonaws.com/role-arn)."""
    return ".".join(key.translate(_SET_ESCAPES) for key in keys)


def pod_value(inv: Inventory, var: EnvVar) -> str | None:
    if var.file:
        return f"{FILES_MOUNT}/{file_key(var)}"
    if var.pod_value:
        return var.pod_value.replace("{release}", inv.rasa.helm.release)
    return None


def env_entry(inv: Inventory, var: EnvVar) -> dict[str, Any] | None:
    """The container's env entry for `var`, or None when the chart sets it or it is a chart value."""
    if var.chart_secret:
        return None
    where = route(inv, var)
    if where.kind == "secret":
        return {"name": var.name, "valueFrom": {"secretKeyRef": {"name": where.store, "key": where.key}}}
    if where.kind == "config":
        return {"name": var.name, "valueFrom": {"configMapKeyRef": {"name": where.store, "key": where.key}}}
    if where.kind in ("file", "fixed"):
        return {"name": var.name, "value": pod_value(inv, var)}
    return None


def exported_on_kubernetes(var: EnvVar) -> bool:
    """Whether the deploy commands read the variable from the user's shell."""
    return not var.pod_value


def exported_on_workstation(var: EnvVar) -> bool:
    """Whether `rasa run` on a workstation needs the variable (chart values do not)."""
    return var.workstation and not var.helm_value


def helm_values(inv: Inventory, parts: Any) -> dict[str, Any]:
    """Lay the merged parts (an assemble.Assembled) onto the rasa chart 2.x layout."""
    # Every resource is named after the release, whatever the release is called: the chart would
    # otherwise add "-rasa" to a release whose name lacks it, and the action server URL, the
    # service account the cloud's identity trusts and deploy.sh's commands name the release.
    values: dict[str, Any] = {"fullnameOverride": inv.rasa.helm.release}
    values.update(plain_copy(parts.values))
    for var in parts.env:
        if var.chart_secret:
            name, key = var.chart_secret_fields or ("secretName", "secretKey")
            place = values
            for step in var.chart_secret:
                place = place.setdefault(step, {})
            place.update({name: inv.rasa.kubernetes_secret, key: var.secret_key or var.name})
    rasa = values.setdefault("rasa", {})
    # The chart's default image lags behind; the files are proven with this release.
    rasa.setdefault("image", {})["tag"] = inv.rasa.version
    if parts.endpoints:
        rasa.setdefault("settings", {})["endpoints"] = plain_copy(parts.endpoints)
    if parts.credentials:
        rasa.setdefault("settings", {})["credentials"] = plain_copy(parts.credentials)
    if parts.args:
        rasa["additionalArgs"] = list(parts.args)
    env = [entry for var in parts.env if (entry := env_entry(inv, var))]
    if env:
        rasa["additionalEnv"] = env
    if any(var.file for var in parts.env):
        mount_files(inv, rasa)
    # The chart turns Rasa Pro Services on by default with no Kafka or database settings,
    # which gives a pod that cannot work: off unless a part switches it on.
    services = values.setdefault("rasaProServices", {})
    services.setdefault("enabled", False)
    if services["enabled"]:
        analytics_kafka(inv, parts, services)
    return values


def mount_files(inv: Inventory, container: dict[str, Any]) -> None:
    """Mount the files ConfigMap read-only where the variables of `file` kind point."""
    volume = {"name": FILES_VOLUME, "configMap": {"name": files_config_map(inv)}}
    container["volumes"] = [*container.get("volumes", []), volume]
    mount = {"name": FILES_VOLUME, "mountPath": FILES_MOUNT, "readOnly": True}
    container["volumeMounts"] = [*container.get("volumeMounts", []), mount]


# Rasa's event_broker keys -> the chart's rasaProServices.kafka keys for the same setting.
ANALYTICS_KAFKA = {
    "url": "brokerAddress",
    "topic": "topic",
    "security_protocol": "securityProtocol",
    "sasl_mechanism": "saslMechanism",
    "sasl_username": "saslUsername",
    "ssl_cafile": "sslCaLocation",
    "ssl_certfile": "sslCertFileLocation",
    "ssl_keyfile": "sslKeyFileLocation",
}
WHOLE_PLACEHOLDER = re.compile(r"^\$\{([A-Z_][A-Z0-9_]*)\}$")
PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def analytics_kafka(inv: Inventory, parts: Any, services: dict[str, Any]) -> None:
    """Point Rasa Pro Services at the Kafka topic Rasa's event broker writes, with the same credentials.

    Derived from the assembled event_broker, so the topic (the chart says rasa-core-events,
    Rasa rasa_core_events) and the credentials cannot drift apart. The chart writes these
    values into the analytics container's env after `additionalEnv`, so a value of
    `$(NAME)` is expanded by Kubernetes from the same ConfigMap or Secret the Rasa pod reads.
    """
    broker = parts.endpoints.get("event_broker") or {}
    declared = {var.name: var for var in parts.env}
    env: list[dict[str, Any]] = []

    def pod_text(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            var = declared[match.group(1)]
            fixed = pod_value(inv, var)
            if fixed is not None:
                return fixed
            entry = env_entry(inv, var)
            if entry is not None and entry not in env:
                env.append(entry)
            return f"$({var.name})"

        return PLACEHOLDER.sub(one, text)

    kafka = services.setdefault("kafka", {})
    for key, chart_key in ANALYTICS_KAFKA.items():
        if key in broker:
            kafka[chart_key] = pod_text(str(broker[key]))
    password = WHOLE_PLACEHOLDER.match(str(broker.get("sasl_password", "")))
    if password:
        where = route(inv, declared[password.group(1)])
        kafka["saslPassword"] = {"secretName": where.store, "secretKey": where.key}
    if env:
        services["additionalEnv"] = [*services.get("additionalEnv", []), *env]
    if any(declared[name].file for name in PLACEHOLDER.findall(str(broker))):
        mount_files(inv, services)


def set_in(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value
