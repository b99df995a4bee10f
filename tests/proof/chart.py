"""Render the vendored Rasa Helm chart 2.4.0 offline and check what Kubernetes would get.

`render_chart` is `helm template <release> <chart> -n <namespace> -f values.yml` done in-process by
the Helm v4 engine that the `helm-python-sdk` wheel bundles (no helm binary, no cluster, no network;
`lookup` returns nothing). Like `helm template`, it validates the values against the chart's
values.schema.json and keeps test hooks; it drops NOTES.txt.

Every `check_*` function returns a list of human-readable problems, each naming the manifest
(`Kind/name`) and the fault; an empty list means the check passed.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import helm_python
import kubernetes_validate
import yaml

CHART_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "rasa-helm-chart-2.4.0" / "chart"
CHART_LABEL = "rasa-2.4.0"
KUBE_VERSION = "1.30.0"  # the chart README's minimum ("Kubernetes 1.30+")
RASA_CONTAINER = "rasa"
ACTION_SERVER_CONTAINER = "action-server"
ENDPOINTS_PATH = "/app/endpoints.yml"
ACTION_SERVER_PORT = 5055  # rasa_sdk's default --port
ACTION_WEBHOOK_PATH = "/webhook"
# Rasa's registry for Rasa Pro 3.8 and later: https://rasa.com/docs/rasa-pro/installation/docker/docker/
RASA_IMAGE_REPOSITORY = "europe-west3-docker.pkg.dev/rasa-releases/rasa-pro/rasa-pro"

Manifest = dict[str, Any]

_POD_OWNER_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}
_PROBE_HANDLERS = ("httpGet", "grpc", "tcpSocket", "exec")
_VAR = re.compile(r"\$\{([^}{]+)\}")
_MANIFEST_SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")  # Helm's pkg/release/util/manifest.go


class ChartRenderError(RuntimeError):
    """The chart refused the values or a template failed; the message carries Helm's own error."""


# --------------------------------------------------------------------------- rendering

_chart_lock = threading.Lock()
_chart_handle: helm_python.Chart | None = None


def _chart() -> helm_python.Chart:
    global _chart_handle
    with _chart_lock:
        if _chart_handle is None:
            _chart_handle = helm_python.Chart.load(CHART_DIR)
        return _chart_handle


def _nested(set_values: Mapping[str, Any]) -> dict[str, Any]:
    """`{"rasa.image.tag": "x"}` -> `{"rasa": {"image": {"tag": "x"}}}`; nested dicts are kept as given."""
    out: dict[str, Any] = {}
    for key, value in set_values.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"set_values: {key!r} goes through a non-map value")
        node[leaf] = _merge(node.get(leaf), value) if isinstance(value, Mapping) else value
    return out


def _merge(base: Any, override: Any) -> Any:
    """Helm's merge of -f files and --set values: maps merge key by key, everything else is replaced."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value)
        return merged
    return copy.deepcopy(dict(override)) if isinstance(override, Mapping) else copy.deepcopy(override)


@functools.lru_cache(maxsize=128)
def _render_cached(values_yaml_text: str, release: str, namespace: str, set_json: str) -> tuple[Manifest, ...]:
    try:
        helm_python.validate_release_name(release)
    except helm_python.HelmError as exc:
        raise ChartRenderError(f"release name {release!r} is not valid: {exc}") from exc
    try:
        # Helm's own YAML reader (sigs.k8s.io/yaml), so the values mean what they mean to `helm -f`.
        values = helm_python.values_from_yaml(values_yaml_text)
    except helm_python.HelmError as exc:
        raise ChartRenderError(f"the values file is not a YAML map Helm can read: {exc}") from exc
    if set_json:
        values = _merge(values, _nested(json.loads(set_json)))
    try:
        rendered = _chart().render(values, name=release, namespace=namespace, revision=1, is_install=True)
    except helm_python.HelmError as exc:
        where = f"release {release!r}, namespace {namespace!r}"
        raise ChartRenderError(f"chart {CHART_LABEL} did not render ({where}): {exc}") from exc

    manifests: list[Manifest] = []
    for source in sorted(rendered):
        filename = source.rsplit("/", 1)[-1]
        if filename == "NOTES.txt" or filename.startswith("_"):
            continue
        try:
            # Split where Helm splits (releaseutil.SplitManifests), not where a YAML parser would:
            # templates/rasa/persistence.yaml renders "---apiVersion: v1", which Helm reads as two documents.
            docs = [yaml.safe_load(part) for part in _MANIFEST_SEPARATOR.split(rendered[source]) if part.strip()]
        except yaml.YAMLError as exc:
            raise ChartRenderError(f"chart {CHART_LABEL}: {source} rendered to invalid YAML: {exc}") from exc
        for doc in docs:
            if doc is None:
                continue
            if not isinstance(doc, dict) or "kind" not in doc or "name" not in (doc.get("metadata") or {}):
                what = repr(doc)[:200]
                raise ChartRenderError(
                    f"chart {CHART_LABEL}: {source} rendered something that is not a Kubernetes object: {what}"
                )
            manifests.append(doc)
    return tuple(manifests)


def render_chart(
    values_yaml_text: str, release: str, namespace: str, set_values: Mapping[str, Any] | None = None
) -> list[Manifest]:
    """Render the vendored chart like `helm template <release> <chart> -n <namespace> -f values.yml [--set ...]`.

    `set_values` is merged over the values file the way `--set` is: keys may be dotted paths
    (`{"rasa.image.tag": "3.21.0"}`) or nested maps; values keep their Python types (like `--set-json`).
    Returns the parsed manifests in template-path order. Results are cached per input; each call
    returns a fresh copy. Raises ChartRenderError with Helm's message if the chart refuses the values.
    """
    set_json = json.dumps(set_values, sort_keys=True) if set_values else ""
    return copy.deepcopy(list(_render_cached(values_yaml_text, release, namespace, set_json)))


# --------------------------------------------------------------------------- kubernetes-validate


def validate_manifests(manifests: Iterable[Manifest], kube_version: str = KUBE_VERSION) -> list[str]:
    """Problems `kubernetes-validate --strict -k <kube_version>` finds (the first error of each manifest)."""
    problems: list[str] = []
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(part) for part in exc.path) or "(top level)"
            problems.append(f"{ref(manifest)}: {where}: {exc.message} (Kubernetes {exc.version} schema, strict)")
        except kubernetes_validate.SchemaNotFoundError as exc:
            problems.append(f"{ref(manifest)}: {exc.message}")
    return problems


# --------------------------------------------------------------------------- extractors


def ref(manifest: Manifest) -> str:
    return f"{manifest.get('kind')}/{(manifest.get('metadata') or {}).get('name')}"


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    """The pod spec a workload manifest creates pods from, or None."""
    kind = manifest.get("kind")
    spec = manifest.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind in _POD_OWNER_KINDS:
        return (spec.get("template") or {}).get("spec")
    if kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    return None


def pod_labels(manifest: Manifest) -> dict[str, str]:
    kind = manifest.get("kind")
    spec = manifest.get("spec") or {}
    if kind == "Pod":
        meta = manifest.get("metadata") or {}
    elif kind == "CronJob":
        meta = (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("metadata") or {}
    else:
        meta = (spec.get("template") or {}).get("metadata") or {}
    return {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}


def containers(spec: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for field in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(field) or []


def workloads(manifests: Iterable[Manifest]) -> Iterator[tuple[Manifest, dict[str, Any]]]:
    for manifest in manifests:
        spec = pod_spec(manifest)
        if spec is not None:
            yield manifest, spec


def find_containers(manifests: Iterable[Manifest], name: str) -> list[tuple[Manifest, dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec, container) for every container called `name`."""
    return [(m, spec, c) for m, spec in workloads(manifests) for c in containers(spec) if c.get("name") == name]


def objects(manifests: Iterable[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m.get("kind") == kind}


def object_keys(manifest: Manifest) -> set[str]:
    """Data keys of a rendered ConfigMap or Secret."""
    keys: set[str] = set()
    for field in ("data", "binaryData", "stringData"):
        keys.update((manifest.get(field) or {}).keys())
    return keys


def object_value(manifest: Manifest, key: str) -> str | None:
    if manifest.get("kind") == "Secret":
        if key in (manifest.get("stringData") or {}):
            return str(manifest["stringData"][key])
        if key in (manifest.get("data") or {}):
            return base64.b64decode(manifest["data"][key]).decode("utf-8")
        return None
    if key in (manifest.get("data") or {}):
        return str(manifest["data"][key])
    if key in (manifest.get("binaryData") or {}):
        return base64.b64decode(manifest["binaryData"][key]).decode("utf-8")
    return None


def endpoint_variables(endpoints_text: str) -> dict[str, list[str]]:
    """`${VAR}` names used in the string values of an endpoints file -> the YAML paths that use them.

    Comments are ignored (the file is parsed first), as Rasa ignores them.
    """
    found: dict[str, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")
        elif isinstance(node, str):
            for name in _VAR.findall(node):
                found.setdefault(name.strip(), []).append(path or "(top level)")

    walk(yaml.safe_load(endpoints_text), "")
    return dict(sorted(found.items()))


def image_tag(image: str) -> str:
    """The tag of an image reference (`latest` if none; the digest if pinned by digest only)."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return digest or "latest"


def _flag_value(args: Sequence[str], *flags: str) -> str | None:
    for index, arg in enumerate(args):
        for flag in flags:
            if arg == flag and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None


def command_line(container: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]


def serves_grpc(container: Mapping[str, Any]) -> bool:
    return "--grpc" in command_line(container)


def action_server_port(container: Mapping[str, Any]) -> int:
    port = _flag_value(command_line(container), "--port", "-p")
    return int(port) if port and port.isdigit() else ACTION_SERVER_PORT


def mounted_file(
    manifests: Sequence[Manifest], workload: Manifest, spec: Mapping[str, Any], container: Mapping[str, Any], path: str
) -> tuple[str | None, str, list[str]]:
    """What a container would read at `path`: (content or None, description of its source, problems)."""
    where = f"{ref(workload)} container {container.get('name')}"
    mount = None
    inner = ""
    for candidate in container.get("volumeMounts") or []:
        mount_path = str(candidate.get("mountPath", "")).rstrip("/")
        if mount_path == path:
            mount, inner = candidate, ""
            break
        if path.startswith(mount_path + "/"):
            mount, inner = candidate, path[len(mount_path) + 1 :]
    if mount is None:
        return None, "", [f"{where}: nothing is mounted at {path}, so Rasa would start without that file"]
    sub_path = "/".join(part for part in (str(mount.get("subPath") or ""), inner) if part)
    volume = next((v for v in spec.get("volumes") or [] if v.get("name") == mount.get("name")), None)
    if volume is None:
        return None, "", [f"{where}: {path} is mounted from volume {mount.get('name')!r}, which the pod does not define"]

    sources: list[tuple[str, str, list[dict[str, Any]] | None]] = []
    if "configMap" in volume:
        sources.append(("ConfigMap", volume["configMap"].get("name", ""), volume["configMap"].get("items")))
    elif "secret" in volume:
        sources.append(("Secret", volume["secret"].get("secretName", ""), volume["secret"].get("items")))
    elif "projected" in volume:
        for src in volume["projected"].get("sources") or []:
            if "configMap" in src:
                sources.append(("ConfigMap", src["configMap"].get("name", ""), src["configMap"].get("items")))
            elif "secret" in src:
                sources.append(("Secret", src["secret"].get("name", ""), src["secret"].get("items")))
    else:
        kind = next((k for k in volume if k != "name"), "unknown")
        fault = f"{where}: {path} comes from volume {volume.get('name')!r} of type {kind}, not from a ConfigMap or Secret"
        return None, "", [fault]

    for kind, name, items in sources:
        if items:
            key = next((str(i.get("key")) for i in items if str(i.get("path")) == sub_path), None)
        else:
            key = sub_path if sub_path and "/" not in sub_path else None
        if key is None:
            continue
        described = f"{kind}/{name} key {key}"
        obj = objects(manifests, kind).get(name)
        if obj is None:
            return None, described, [f"{where}: {path} comes from {described}, but the chart does not create {kind}/{name}"]
        value = object_value(obj, key)
        if value is None:
            return None, described, [f"{where}: {path} comes from {described}, but {kind}/{name} has no key {key!r}"]
        return value, described, []
    return None, "", [f"{where}: volume {volume.get('name')!r} mounted for {path} does not project a file {sub_path!r}"]


# --------------------------------------------------------------------------- checks


def _diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    here = path or "(top level)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in expected:
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{sub} is missing")
            else:
                out.extend(_diff(expected[key], actual[key], sub))
        out.extend(f"{path}.{key} is extra" if path else f"{key} is extra" for key in actual if key not in expected)
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in _diff(e, a, f"{path}[{i}]")]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{here}: expected {expected!r}, rendered {actual!r}"]
    return []


def check_endpoints_file(
    manifests: Sequence[Manifest], endpoints_text: str, container: str = RASA_CONTAINER, path: str = ENDPOINTS_PATH
) -> list[str]:
    """(a) The file mounted at /app/endpoints.yml in the rasa container equals (as YAML) `endpoints_text`."""
    found = find_containers(manifests, container)
    if not found:
        return [f"no workload in the render has a container named {container!r}"]
    try:
        expected = yaml.safe_load(endpoints_text)
    except yaml.YAMLError as exc:
        return [f"the expected endpoints text is not valid YAML: {exc}"]
    problems: list[str] = []
    for workload, spec, box in found:
        content, source, faults = mounted_file(manifests, workload, spec, box, path)
        problems.extend(faults)
        if content is None:
            continue
        try:
            actual = yaml.safe_load(content)
        except yaml.YAMLError as exc:
            problems.append(f"{ref(workload)} container {container}: {path} ({source}) is not valid YAML: {exc}")
            continue
        for difference in _diff(expected, actual):
            problems.append(
                f"{ref(workload)} container {container}: {path} ({source}) differs from the endpoints file: {difference}"
            )
    return problems


def check_endpoints_env(
    manifests: Sequence[Manifest],
    endpoints_text: str,
    created: Mapping[str, set[str]] | None = None,
    container: str = RASA_CONTAINER,
) -> list[str]:
    """(b) Every `${VAR}` of the endpoints file is set in the rasa container (env list or envFrom).

    A variable that only envFrom of a whole Secret/ConfigMap could supply is reported with the key that
    would have to exist, unless `created` (name -> keys) or a ConfigMap of the render shows that it does.
    """
    found = find_containers(manifests, container)
    if not found:
        return [f"no workload in the render has a container named {container!r}"]
    variables = endpoint_variables(endpoints_text)
    problems: list[str] = []
    for workload, _spec, box in found:
        where = f"{ref(workload)} container {container}"
        env_names = {str(e.get("name")) for e in box.get("env") or []}
        for name, paths in variables.items():
            if name in env_names:
                continue
            used = f"${{{name}}} (used at {', '.join(paths)})"
            candidates: list[tuple[str, str, str]] = []
            for source in box.get("envFrom") or []:
                prefix = str(source.get("prefix") or "")
                if not name.startswith(prefix):
                    continue
                for field, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                    if field in source:
                        candidates.append((kind, str(source[field].get("name")), name[len(prefix) :]))
            if not candidates:
                problems.append(f"{where}: {used} is not set in the container's environment; Rasa stops at start-up")
                continue
            if any(_has_key(manifests, created, kind, obj, key) for kind, obj, key in candidates):
                continue
            needs = " or ".join(f"{kind} {obj} has key {key!r}" for kind, obj, key in candidates)
            problems.append(f"{where}: {used} is not in the env list; it reaches the container (envFrom) only if {needs}")
    return problems


def _has_key(manifests: Sequence[Manifest], created: Mapping[str, set[str]] | None, kind: str, name: str, key: str) -> bool:
    rendered = objects(manifests, kind).get(name)
    if rendered is not None and key in object_keys(rendered):
        return True
    return created is not None and key in created.get(name, set())


def check_references(manifests: Sequence[Manifest], created: Mapping[str, set[str]]) -> list[str]:
    """(c) Every Secret/ConfigMap (key) a pod needs exists: in `created` (name -> keys) or in the render.

    Covers env valueFrom secretKeyRef/configMapKeyRef (unless optional: true), envFrom, and secret /
    configMap / projected volumes. A missing one keeps the pod in CreateContainerConfigError or
    ContainerCreating.
    """
    available: dict[str, set[str]] = {name: set(keys) for name, keys in created.items()}
    for kind in ("Secret", "ConfigMap"):
        for name, obj in objects(manifests, kind).items():
            available.setdefault(name, set()).update(object_keys(obj))

    def missing(kind: str, name: str, key: str | None) -> str | None:
        if name not in available:
            return f"{kind} {name} is not created"
        if key is not None and key not in available[name]:
            have = ", ".join(sorted(available[name])) or "none"
            return f"{kind} {name} has no key {key!r} (keys created: {have})"
        return None

    problems: list[str] = []
    for workload, spec in workloads(manifests):
        for box in containers(spec):
            where = f"{ref(workload)} container {box.get('name')}"
            for env in box.get("env") or []:
                value_from = env.get("valueFrom") or {}
                for field, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                    sel = value_from.get(field)
                    if sel and not sel.get("optional"):
                        fault = missing(kind, str(sel.get("name")), str(sel.get("key")))
                        if fault:
                            problems.append(
                                f"{where} env {env.get('name')}: {fault}; the pod would stay in CreateContainerConfigError"
                            )
            for source in box.get("envFrom") or []:
                for field, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                    sel = source.get(field)
                    if sel and not sel.get("optional"):
                        fault = missing(kind, str(sel.get("name")), None)
                        if fault:
                            problems.append(f"{where} envFrom: {fault}; the pod would stay in CreateContainerConfigError")
        for volume in spec.get("volumes") or []:
            refs: list[tuple[str, Mapping[str, Any], str]] = []
            if "secret" in volume:
                refs.append(("Secret", volume["secret"], str(volume["secret"].get("secretName"))))
            if "configMap" in volume:
                refs.append(("ConfigMap", volume["configMap"], str(volume["configMap"].get("name"))))
            for src in (volume.get("projected") or {}).get("sources") or []:
                if "secret" in src:
                    refs.append(("Secret", src["secret"], str(src["secret"].get("name"))))
                if "configMap" in src:
                    refs.append(("ConfigMap", src["configMap"], str(src["configMap"].get("name"))))
            for kind, sel, name in refs:
                if sel.get("optional"):
                    continue
                keys: list[str | None] = [str(i.get("key")) for i in sel.get("items") or []] or [None]
                for key in keys:
                    fault = missing(kind, name, key)
                    if fault:
                        problems.append(
                            f"{ref(workload)} volume {volume.get('name')}: {fault}; the pod would stay in ContainerCreating"
                        )
    return list(dict.fromkeys(problems))


# Chart values whose content the chart copies through as it is: any key may sit below them.
FREE_FORM = {("rasa", "settings", "endpoints"), ("rasa", "settings", "credentials")}
# Kubernetes objects the chart copies into the pod spec as they are: any of their fields may be set.
FREE_FORM_LAST = {"livenessProbe", "readinessProbe", "annotations"}


def value_key_paths(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            path = (*prefix, key)
            yield path
            if path not in FREE_FORM and key not in FREE_FORM_LAST:
                yield from value_key_paths(value, path)


@functools.cache
def chart_defaults() -> tuple[dict[str, Any], dict[str, Any]]:
    """The chart's values.yaml and values.schema.json."""
    return yaml.safe_load((CHART_DIR / "values.yaml").read_text()), json.loads((CHART_DIR / "values.schema.json").read_text())


def is_chart_value(path: tuple[str, ...]) -> bool:
    """Whether the chart reads this value: its values.yaml or its schema declares it."""
    values, schema = chart_defaults()
    node: Any = values
    for key in path:
        if not (isinstance(node, dict) and key in node):
            break
        node = node[key]
    else:
        return True
    node = schema
    for key in path:
        props = node.get("properties", {})
        if key not in props:
            return False
        node = props[key]
        if "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return True


def check_value_keys(values_text: str) -> list[str]:
    """Keys of values.yml the chart does not read (Helm renders them without a word, and ignores them)."""
    values = yaml.safe_load(values_text) or {}
    return [
        f"values.yml: {'.'.join(path)} is not a value of chart {CHART_LABEL} (the chart ignores it)"
        for path in value_key_paths(values)
        if not is_chart_value(path)
    ]


def check_image_tag(manifests: Sequence[Manifest], version: str, container: str = RASA_CONTAINER) -> list[str]:
    """(d) The rasa container runs image tag `version`."""
    found = find_containers(manifests, container)
    if not found:
        return [f"no workload in the render has a container named {container!r}"]
    problems = []
    for workload, _spec, box in found:
        image = str(box.get("image", ""))
        tag = image_tag(image)
        if tag != version:
            problems.append(f"{ref(workload)} container {container}: image {image} has tag {tag!r}, expected {version!r}")
        repository = image[: -len(tag) - 1] if tag and image.endswith(f":{tag}") else image
        if container == RASA_CONTAINER and repository != RASA_IMAGE_REPOSITORY:
            problems.append(f"{ref(workload)} container {container}: image {image} is not from {RASA_IMAGE_REPOSITORY}")
    return problems


def check_pinned_images(manifests: Sequence[Manifest]) -> list[str]:
    """Every container runs a fixed release: no image without a tag, `latest` or a moving `-latest` tag."""
    problems = []
    for workload, spec in workloads(manifests):
        hooks = str((workload.get("metadata", {}).get("annotations") or {}).get("helm.sh/hook", ""))
        if "test" in hooks.split(","):
            continue  # made only by `helm test`, which deploy.sh does not run
        for box in [*spec.get("initContainers", []), *spec.get("containers", [])]:
            image = str(box.get("image", ""))
            tag = image_tag(image)
            if not tag or tag == "latest" or tag.endswith("-latest"):
                problems.append(f"{ref(workload)} container {box.get('name')}: image {image} is not pinned to a release")
    return problems


def check_action_server_probes(manifests: Sequence[Manifest], container: str = ACTION_SERVER_CONTAINER) -> list[str]:
    """(e) The action server's probes fit the protocol it serves.

    With `--grpc`, rasa_sdk serves only gRPC (plus grpc.health.v1), so probes must be `grpc: {port: <port>}`:
    an httpGet probe never succeeds and the pod never becomes Ready. Without `--grpc`, a grpc probe
    fails the same way. A probe with two handlers (e.g. grpc added over the chart's default httpGet
    without `httpGet: null`) is rejected by the API server. No action-server container: nothing to check.
    """
    problems: list[str] = []
    for workload, _spec, box in find_containers(manifests, container):
        where = f"{ref(workload)} container {container}"
        grpc = serves_grpc(box)
        port = action_server_port(box)
        for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = box.get(probe_name)
            if not probe:
                continue
            handlers = [h for h in _PROBE_HANDLERS if h in probe and probe[h] is not None]
            if len(handlers) > 1:
                problems.append(
                    f"{where}: {probe_name} has {len(handlers)} handlers ({', '.join(handlers)}); "
                    "the API server rejects the workload (set the unused one to null in the values)"
                )
            if grpc:
                if "httpGet" in handlers:
                    problems.append(
                        f"{where}: {probe_name} is httpGet {(probe['httpGet'] or {}).get('path', '')} "
                        f"but the server runs with --grpc (gRPC only); the probe never succeeds, use grpc: {{port: {port}}}"
                    )
                probe_port = (probe.get("grpc") or {}).get("port")
                if "grpc" in handlers and probe_port != port:
                    problems.append(f"{where}: {probe_name} grpc port {probe_port!r} is not the server port {port}")
            elif "grpc" in handlers:
                problems.append(
                    f"{where}: {probe_name} is a grpc probe but the server runs without --grpc (HTTP only); it never succeeds"
                )
    return problems


def check_action_endpoint(manifests: Sequence[Manifest], url: str, namespace: str | None = None) -> list[str]:
    """(f) An action endpoint URL reaches a Service of the render: host = Service name (optionally
    `.<namespace>[.svc[.cluster.local]]`), port = one of its ports; the Service selects a pod of the render,
    and the URL's protocol (and /webhook path for HTTP) fits the action server behind it."""
    if "${" in url:
        return [f"action endpoint {url!r} still contains an unresolved ${{VAR}}"]
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https", "grpc"}:
        return [f"action endpoint {url!r}: scheme {parts.scheme!r} is not http, https or grpc"]
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        return [f"action endpoint {url!r}: the port is not a number"]
    if port is None:
        if scheme == "grpc":
            return [f"action endpoint {url!r}: a grpc:// URL needs an explicit port"]
        port = 443 if scheme == "https" else 80
    services = objects(manifests, "Service")
    labels = host.split(".")
    name = labels[0]
    suffix = labels[1:]
    if len(suffix) > 1 and suffix[1:] not in (["svc"], ["svc", "cluster", "local"]):
        names = ", ".join(sorted(services)) or "none"
        return [f"action endpoint {url!r}: host {host!r} is not a cluster Service name; Services in the render: {names}"]
    if suffix and namespace is not None and suffix[0] != namespace:
        return [f"action endpoint {url!r}: host {host!r} names namespace {suffix[0]!r}, but the release goes to {namespace!r}"]
    service = services.get(name)
    if service is None:
        return [f"action endpoint {url!r}: no Service {name!r} in the render; Services: {', '.join(sorted(services)) or 'none'}"]
    ports = [p.get("port") for p in (service.get("spec") or {}).get("ports") or []]
    problems: list[str] = []
    if port not in ports:
        problems.append(f"action endpoint {url!r}: Service/{name} has no port {port} (ports: {', '.join(map(str, ports))})")
    selector = {str(k): str(v) for k, v in ((service.get("spec") or {}).get("selector") or {}).items()}
    backends = [(m, spec) for m, spec in workloads(manifests) if selector and selector.items() <= pod_labels(m).items()]
    if not backends:
        problems.append(f"action endpoint {url!r}: Service/{name} selects no pod of the render ({selector or 'no selector'})")
    for workload, spec in backends:
        for box in containers(spec):
            if box.get("name") != ACTION_SERVER_CONTAINER:
                continue
            where = f"{ref(workload)} container {box.get('name')}"
            if serves_grpc(box) and scheme != "grpc":
                problems.append(f"action endpoint {url!r}: {where} runs with --grpc (gRPC only), but the URL is {scheme}://")
            elif not serves_grpc(box) and scheme == "grpc":
                problems.append(f"action endpoint {url!r}: {where} serves HTTP (no --grpc), but the URL is grpc://")
            elif scheme != "grpc" and parts.path.rstrip("/") != ACTION_WEBHOOK_PATH:
                path = parts.path or "/"
                problems.append(f"action endpoint {url!r}: rasa_sdk serves actions at {ACTION_WEBHOOK_PATH}, not {path!r}")
    return problems


def env_value(manifests: Sequence[Manifest], name: str, container: str = RASA_CONTAINER) -> str | None:
    """The literal `value` of env var `name` in the container (None if unset or from a Secret)."""
    for _workload, _spec, box in find_containers(manifests, container):
        for env in box.get("env") or []:
            if env.get("name") == name and "value" in env:
                return str(env["value"])
    return None


def _store_commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(Secret or ConfigMap name, its --from-literal/--from-file arguments) for every `kubectl create
    secret generic` / `kubectl create configmap` in `text` (shell continuations and leading `#`
    comment markers allowed)."""
    lines = [re.sub(r"^\s*#?\s*", "", line) for line in text.splitlines()]
    joined = re.sub(r"\\\s*\n", " ", "\n".join(lines))
    for match in re.finditer(r"kubectl\s+(?:-\S+\s+)*create\s+(?:secret\s+generic|configmap)\s+([A-Za-z0-9.-]+)([^\n]*)", joined):
        yield match.group(1), re.findall(r"--(?:from-literal|from-file)[= ](\S+)", match.group(2))


def created_by_commands(text: str) -> dict[str, set[str]]:
    """Secret/ConfigMap name -> keys the commands in `text` create.

    Understands --from-literal=KEY=..., --from-file=KEY=path and --from-file=path (key = file name).
    """
    created: dict[str, set[str]] = {}
    for name, args in _store_commands(text):
        keys = created.setdefault(name, set())
        for arg in args:
            arg = arg.strip("'\"")
            keys.add(arg.split("=", 1)[0] if "=" in arg else arg.rstrip("/").rsplit("/", 1)[-1])
    return created


def store_sources(text: str) -> dict[tuple[str, str], str]:
    """(Secret or ConfigMap name, key) -> the shell variable deploy.sh fills it from (`KEY="$VAR"`)."""
    return {
        (name, found.group(1)): found.group(2)
        for name, args in _store_commands(text)
        for found in (re.fullmatch(r"([^=\s]+)=\"\$([A-Za-z_][A-Za-z0-9_]*)\"", arg) for arg in args)
        if found
    }


def pod_env_spec(manifests: Sequence[Manifest], deploy_text: str, container: str = RASA_CONTAINER) -> list[dict[str, str]]:
    """The environment the rendered container gets, in order, as what each value comes from.

    Each entry has `name` and one of: `value` (literal; `$(VAR)` still to resolve against the entries
    before it), `var` (the shell variable deploy.sh fills the Secret or ConfigMap key from, or, for a
    path where its ConfigMap mounts a file, the variable naming that file) or `chart` (a key the
    chart's own object holds). A key nothing creates is left out: Kubernetes would not start the
    pod, and the chart proof (check_references) names it.
    """
    sources = store_sources(deploy_text)
    entries: list[dict[str, str]] = []
    for workload, spec, box in find_containers(manifests, container)[:1]:
        for item in box.get("env") or []:
            name = str(item.get("name"))
            if "value" in item:
                entries.append({"name": name, **_file_source(manifests, workload, spec, box, str(item["value"]), sources)})
                continue
            ref_ = item.get("valueFrom") or {}
            kind, field = ("Secret", "secretKeyRef") if "secretKeyRef" in ref_ else ("ConfigMap", "configMapKeyRef")
            if field not in ref_:
                entries.append({"name": name, "value": ""})  # fieldRef and the like: not the deployment's settings
                continue
            obj, key = str(ref_[field].get("name")), str(ref_[field].get("key"))
            held = objects(manifests, kind).get(obj)
            if (obj, key) in sources:
                entries.append({"name": name, "var": sources[(obj, key)]})
            elif held is not None and object_value(held, key) is not None:
                entries.append({"name": name, "chart": str(object_value(held, key))})
    return entries


def _file_source(
    manifests: Sequence[Manifest],
    workload: Manifest,
    spec: Mapping[str, Any],
    box: Mapping[str, Any],
    value: str,
    sources: Mapping[tuple[str, str], str],
) -> dict[str, str]:
    """A literal value that is the path of a file deploy.sh's ConfigMap mounts: that file's shell variable."""
    if value.startswith("/") and any(
        value.startswith(str(m.get("mountPath", "")).rstrip("/") + "/") for m in box.get("volumeMounts") or []
    ):
        _content, described, _problems = mounted_file(manifests, workload, spec, box, value)
        match = re.fullmatch(r"ConfigMap/(\S+) key (\S+)", described)
        if match and (match.group(1), match.group(2)) in sources:
            return {"var": sources[(match.group(1), match.group(2))]}
    return {"value": value}


# --------------------------------------------------------------------------- analytics (Rasa Pro Services)

ANALYTICS_CONTAINER = "rasa-pro-services"
_DEPENDENT = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def check_dependent_env(manifests: Sequence[Manifest]) -> list[str]:
    """Every `$(NAME)` in an env value names a variable defined earlier in the same container.

    Kubernetes expands `$(NAME)` only from entries above it in the list; otherwise the text stays
    literal and the program gets `$(NAME)` as, say, its broker address.
    """
    problems = []
    for workload, spec in workloads(manifests):
        for box in containers(spec):
            seen: set[str] = set()
            for env in box.get("env") or []:
                for name in _DEPENDENT.findall(str(env.get("value", ""))):
                    if name not in seen:
                        problems.append(
                            f"{ref(workload)} container {box.get('name')} env {env.get('name')}: $({name}) is not "
                            "defined above it, so Kubernetes leaves it unexpanded"
                        )
                seen.add(str(env.get("name")))
    return problems


def _source(box: Mapping[str, Any], text: str) -> Any:
    """Where a container's setting comes from: a reference like ${X} or $(X) becomes X's env source."""
    match = re.fullmatch(r"\$[{(]([A-Za-z_][A-Za-z0-9_]*)[})]", text)
    if not match:
        return ("value", text)
    for env in box.get("env") or []:
        if env.get("name") == match.group(1):
            if "valueFrom" in env:
                return ("from", yaml.safe_dump(env["valueFrom"], sort_keys=True))
            return _source(box, str(env.get("value", "")))
    return ("unset", match.group(1))


def check_analytics(manifests: Sequence[Manifest], endpoints_text: str, wanted: bool) -> list[str]:
    """Rasa Pro Services runs only when chosen, and then reads the topic Rasa writes, with the same settings.

    Each Kafka setting of the analytics container must come from the same place (ConfigMap key,
    Secret key, mounted file or literal) as the matching event_broker setting in the rasa container.
    """
    found = find_containers(manifests, ANALYTICS_CONTAINER)
    if not wanted:
        return [f"{ref(w)}: Rasa Pro Services is deployed though analytics was not chosen" for w, _s, _b in found]
    if not found:
        return ["analytics was chosen but the render has no rasa-pro-services container"]
    broker = (yaml.safe_load(endpoints_text) or {}).get("event_broker") or {}
    if not broker:
        return ["analytics was chosen but endpoints.yml has no event_broker for it to read"]
    rasa = find_containers(manifests, RASA_CONTAINER)
    problems: list[str] = []
    pairs = {
        "url": "KAFKA_BROKER_ADDRESS",
        "topic": "KAFKA_TOPIC",
        "security_protocol": "KAFKA_SECURITY_PROTOCOL",
        "sasl_mechanism": "KAFKA_SASL_MECHANISM",
        "sasl_username": "KAFKA_SASL_USERNAME",
        "sasl_password": "KAFKA_SASL_PASSWORD",
        "ssl_cafile": "KAFKA_SSL_CA_LOCATION",
    }
    for workload, spec, box in found:
        where = f"{ref(workload)} container {ANALYTICS_CONTAINER}"
        env = {str(e.get("name")): e for e in box.get("env") or []}
        if "RASA_ANALYTICS_DB_URL" not in env:
            problems.append(f"{where}: no RASA_ANALYTICS_DB_URL, so it has no database to write to")
        for key, name in pairs.items():
            if key not in broker:
                continue
            if name not in env:
                problems.append(f"{where}: {name} is not set, but Rasa's event_broker sets {key}")
                continue
            entry = env[name]
            theirs = (
                ("from", yaml.safe_dump(entry["valueFrom"], sort_keys=True))
                if "valueFrom" in entry
                else _source(box, str(entry.get("value", "")))
            )
            for _rw, rspec, rbox in rasa[:1]:
                ours = _source(rbox, str(broker[key]))
                if key == "ssl_cafile" and ours[0] == "value" and theirs[0] == "value":
                    # Compare where each file is mounted from; whether that ConfigMap exists is check_references's job.
                    _mine, rasa_from, p1 = mounted_file(manifests, _rw, rspec, rbox, ours[1])
                    _other, analytics_from, p2 = mounted_file(manifests, workload, spec, box, theirs[1])
                    if not rasa_from or not analytics_from:
                        problems += p1 + p2
                    elif rasa_from != analytics_from:
                        problems.append(f"{where}: {name} reads {analytics_from} but Rasa's event_broker.{key} reads {rasa_from}")
                elif ours != theirs:
                    problems.append(f"{where}: {name} comes from {theirs[1]!r} but Rasa's event_broker.{key} from {ours[1]!r}")
    return problems
