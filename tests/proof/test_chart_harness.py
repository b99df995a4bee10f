"""The chart harness itself: every check renders the real Rasa chart 2.4.0 and can both pass and fail.

Pure rendering: nothing here opens a socket or starts a process.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from tests.proof import chart
from tests.proof.chart import (
    ChartRenderError,
    Manifest,
    check_action_endpoint,
    check_action_server_probes,
    check_endpoints_env,
    check_endpoints_file,
    check_image_tag,
    check_references,
    created_by_commands,
    render_chart,
    validate_manifests,
)

RELEASE = "rasa"
NAMESPACE = "rasa"
VENDORED_SHA256 = {  # from the shared reference's SOURCE.md
    "values.yaml": "698871e41b81268319d1366bc145cdcd783053a95dd4c547e29c1d1a9907fab1",
    "values.schema.json": "844ecf9807ff082bec61e8747372784ca1911af74f38caba32c2c6e6340998c5",
}

ENDPOINTS = """\
# a comment that mentions ${NOT_A_VARIABLE}
action_endpoint:
  url: ${ACTION_SERVER_URL}
lock_store:
  type: concurrent_redis
  host: ${REDIS_HOST}
  port: 6379
  password: ${REDIS_PASSWORD}
"""

# The secret every default render needs (see the Corrections in rasa-pro-config-facts.md).
ALL_KEYS = {"rasa-secrets": {"rasaProLicense", "authToken", "jwtSecret", "REDIS_PASSWORD"}}


def values(*, tag: str | None = "3.21.0", action_args: str = "", probes: str = "", extra_env: str = "") -> str:
    """A small values file in the shape the site generates."""
    image = f"  image:\n    tag: {tag}\n" if tag else ""
    return f"""\
rasaProLicense:
  secretName: rasa-secrets
  secretKey: rasaProLicense
rasa:
{image}  settings:
    endpoints:
      action_endpoint:
        url: ${{ACTION_SERVER_URL}}
      lock_store:
        type: concurrent_redis
        host: ${{REDIS_HOST}}
        port: 6379
        password: ${{REDIS_PASSWORD}}
  additionalEnv:
  - name: ACTION_SERVER_URL
    value: http://rasa-action-server:5055/webhook
  - name: REDIS_HOST
    value: redis.example.internal
  - name: REDIS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: rasa-secrets
        key: REDIS_PASSWORD
{extra_env}rasaProServices:
  enabled: false
actionServer:
  enabled: true
  image:
    repository: registry.example.com/actions
    tag: "1.0.0"
{action_args}{probes}"""


GRPC_ARGS = '  args: ["start", "--actions", "actions", "--grpc"]\n'
GRPC_PROBES = """\
  livenessProbe:
    httpGet: null
    grpc:
      port: 5055
  readinessProbe:
    httpGet: null
    grpc:
      port: 5055
"""


def render(text: str, set_values: dict[str, Any] | None = None) -> list[Manifest]:
    return render_chart(text, RELEASE, NAMESPACE, set_values)


# --------------------------------------------------------------------------- the chart and the renderer


def test_vendored_chart_is_unchanged() -> None:
    """chart/ holds exactly the files listed in chart-SOURCE.md, byte for byte."""
    note = (chart.CHART_DIR.parent / "chart-SOURCE.md").read_text()
    assert "af8cdc9139ed03dbd024f9f79c5c1f5d2eba723c" in note and "Apache-2.0" in note
    listed = dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", note, flags=re.MULTILINE))
    on_disk = {
        path.relative_to(chart.CHART_DIR).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in chart.CHART_DIR.rglob("*")
        if path.is_file()
    }
    assert on_disk == listed
    for name, digest in VENDORED_SHA256.items():
        assert listed[name] == digest, name
    assert "Apache License" in (chart.CHART_DIR / "LICENSE.txt").read_text()


def test_chart_defaults_render_and_pass_strict_validation() -> None:
    manifests = render_chart("", "demo", "default")
    kinds = sorted(f"{m['kind']}/{m['metadata']['name']}" for m in manifests)
    assert kinds == [
        "ConfigMap/demo-rasa-configmap",
        "Deployment/demo-rasa",
        "Deployment/demo-rasa-rasa-pro-services",
        "Pod/demo-rasa-test-connection",
        "Service/demo-rasa",
        "Service/demo-rasa-rasa-pro-services",
        "ServiceAccount/demo-rasa",
        "ServiceAccount/demo-rasa-rasa-pro-services",
    ]
    assert validate_manifests(manifests) == []


def test_every_optional_part_renders_and_passes_strict_validation() -> None:
    text = values(action_args=GRPC_ARGS, probes=GRPC_PROBES)
    on = {
        "duckling.enabled": True,
        "networkPolicy.enabled": True,
        "rasa.autoscaling.enabled": True,
        "rasa.ingress.enabled": True,
        "actionServer.ingress.enabled": True,
        "rasa.persistence.create": True,
    }
    manifests = render(text, set_values=on)
    kinds = {m["kind"] for m in manifests}
    assert {"Deployment", "Service", "NetworkPolicy", "HorizontalPodAutoscaler", "Ingress"} <= kinds
    assert validate_manifests(manifests) == []


def test_strict_validation_can_fail() -> None:
    text = values() + "  containerSecurityContext:\n    enabled: true\n    runAsUserr: 1000\n"
    problems = validate_manifests(render(text))
    assert len(problems) == 1
    assert problems[0].startswith("Deployment/rasa-action-server: spec.template.spec.containers.0.securityContext")
    assert "runAsUserr" in problems[0]


def test_render_is_deterministic_and_returns_copies() -> None:
    first = render(values())
    first[0]["metadata"]["name"] = "changed"
    assert render(values()) != first
    assert render(values()) == render(values())


def test_render_failures_name_the_chart_error() -> None:
    with pytest.raises(ChartRenderError, match=r"/rasa/replicaCount': got string, want integer"):
        render("rasa:\n  replicaCount: two\n")
    with pytest.raises(ChartRenderError, match=r"rasa\.settings\.endpointsRaw: invalid YAML"):
        render("rasa:\n  settings:\n    endpointsRaw: 'a: [b'\n")
    with pytest.raises(ChartRenderError, match="not a YAML map"):
        render("- just\n- a list\n")
    with pytest.raises(ChartRenderError, match="release name"):
        render_chart("", "Not_A_Release", NAMESPACE)


def test_set_values_merge_like_helm_set() -> None:
    base = render(values(tag=None))
    assert check_image_tag(base, "3.21.0")
    assert check_image_tag(render(values(tag=None), set_values={"rasa.image.tag": "3.21.0"}), "3.21.0") == []
    nested = render(values(tag=None), set_values={"rasa": {"image": {"tag": "3.21.0"}}})
    assert check_image_tag(nested, "3.21.0") == []
    # the rest of rasa.image survives the merge
    rasa = next(
        c for m in nested if m["kind"] == "Deployment" for c in (chart.pod_spec(m) or {})["containers"] if c["name"] == "rasa"
    )
    assert rasa["image"] == "europe-west3-docker.pkg.dev/rasa-releases/rasa-pro/rasa-pro:3.21.0"


# --------------------------------------------------------------------------- (a) endpoints.yml in the pod


def test_endpoints_file_passes_when_the_configmap_matches() -> None:
    manifests = render(values())
    assert check_endpoints_file(manifests, ENDPOINTS) == []


def test_endpoints_file_fails_on_any_difference() -> None:
    manifests = render(values())
    changed = ENDPOINTS.replace("port: 6379", "port: 6380") + "tracker_store:\n  type: SQL\n"
    problems = check_endpoints_file(manifests, changed)
    assert problems == [
        "Deployment/rasa container rasa: /app/endpoints.yml (ConfigMap/rasa-configmap key endpoints) differs from the "
        "endpoints file: lock_store.port: expected 6380, rendered 6379",
        "Deployment/rasa container rasa: /app/endpoints.yml (ConfigMap/rasa-configmap key endpoints) differs from the "
        "endpoints file: tracker_store is missing",
    ]


def test_endpoints_file_fails_when_nothing_is_mounted() -> None:
    assert check_endpoints_file(render(""), ENDPOINTS) == [
        "Deployment/rasa container rasa: nothing is mounted at /app/endpoints.yml, so Rasa would start without that file"
    ]


def test_endpoints_raw_alone_is_rendered_but_never_mounted() -> None:
    """Chart 2.4.0: the ConfigMap gets `endpointsRaw`, but the mount is added only for `rasa.settings.endpoints`."""
    raw = "rasa:\n  settings:\n    endpointsRaw: |\n" + "".join(f"      {line}\n" for line in ENDPOINTS.splitlines())
    manifests = render(raw)
    configmap = chart.objects(manifests, "ConfigMap")["rasa-configmap"]
    assert "concurrent_redis" in configmap["data"]["endpoints"]
    assert check_endpoints_file(manifests, ENDPOINTS) == [
        "Deployment/rasa container rasa: nothing is mounted at /app/endpoints.yml, so Rasa would start without that file"
    ]


def test_endpoints_structured_map_wins_over_raw() -> None:
    manifests = render(values(), set_values={"rasa.settings.endpointsRaw": "lock_store: {port: 1}\nnlg: {url: x}\n"})
    problems = check_endpoints_file(manifests, ENDPOINTS)
    assert problems == [
        "Deployment/rasa container rasa: /app/endpoints.yml (ConfigMap/rasa-configmap key endpoints) differs from the "
        "endpoints file: nlg is extra"
    ]


# --------------------------------------------------------------------------- (b) ${VAR} reach the container


def test_endpoint_variables_ignore_comments() -> None:
    assert chart.endpoint_variables(ENDPOINTS) == {
        "ACTION_SERVER_URL": ["action_endpoint.url"],
        "REDIS_HOST": ["lock_store.host"],
        "REDIS_PASSWORD": ["lock_store.password"],
    }


def test_endpoint_env_passes_when_every_variable_is_set() -> None:
    assert check_endpoints_env(render(values()), ENDPOINTS) == []


def test_endpoint_env_names_a_missing_variable() -> None:
    problems = check_endpoints_env(render(values()), ENDPOINTS + "nlg:\n  url: ${FOO}\n")
    assert problems == [
        "Deployment/rasa container rasa: ${FOO} (used at nlg.url) is not set in the container's environment; "
        "Rasa stops at start-up"
    ]


def test_endpoint_env_through_env_from_names_the_key_it_needs() -> None:
    env_from = "  envFrom:\n  - secretRef:\n      name: nlg-secrets\n"
    manifests = render(values(extra_env=env_from))
    endpoints = ENDPOINTS + "nlg:\n  url: ${FOO}\n"
    assert check_endpoints_env(manifests, endpoints) == [
        "Deployment/rasa container rasa: ${FOO} (used at nlg.url) is not in the env list; it reaches the container "
        "(envFrom) only if Secret nlg-secrets has key 'FOO'"
    ]
    assert check_endpoints_env(manifests, endpoints, created={"nlg-secrets": {"FOO"}}) == []
    assert check_endpoints_env(manifests, endpoints, created={"nlg-secrets": {"BAR"}})


# --------------------------------------------------------------------------- (c) Secrets and keys exist


def test_references_pass_when_every_key_is_created() -> None:
    assert check_references(render(values()), ALL_KEYS) == []


def test_references_name_a_dropped_secret_key() -> None:
    created = {"rasa-secrets": ALL_KEYS["rasa-secrets"] - {"authToken"}}
    assert check_references(render(values()), created) == [
        "Deployment/rasa container rasa env AUTH_TOKEN: Secret rasa-secrets has no key 'authToken' "
        "(keys created: REDIS_PASSWORD, jwtSecret, rasaProLicense); the pod would stay in CreateContainerConfigError"
    ]


def test_references_the_chart_makes_by_default() -> None:
    """authToken and jwtSecret are required by the chart's defaults (not optional as its README says)."""
    problems = check_references(render(""), {"rasa-secrets": {"rasaProLicense"}})
    assert [p.split(":")[0] for p in problems] == [
        "Deployment/rasa container rasa env AUTH_TOKEN",
        "Deployment/rasa container rasa env JWT_SECRET",
    ]
    off = {"rasa.settings.authToken": None, "rasa.settings.jwtSecret": None}
    assert check_references(render("", set_values=off), {"rasa-secrets": {"rasaProLicense"}}) == []


def test_references_cover_env_from_volumes_and_optional() -> None:
    extra = """\
  envFrom:
  - secretRef:
      name: extra-env
  - configMapRef:
      name: maybe
      optional: true
  volumes:
  - name: ca
    secret:
      secretName: redis-ca
      items:
      - key: ca.crt
        path: ca.crt
  volumeMounts:
  - name: ca
    mountPath: /etc/redis-ca
"""
    text = values(extra_env=extra)
    problems = check_references(render(text), ALL_KEYS)
    assert problems == [
        "Deployment/rasa container rasa envFrom: Secret extra-env is not created; "
        "the pod would stay in CreateContainerConfigError",
        "Deployment/rasa volume ca: Secret redis-ca is not created; the pod would stay in ContainerCreating",
    ]
    created = {**ALL_KEYS, "extra-env": set(), "redis-ca": {"ca.pem"}}
    assert check_references(render(text), created) == [
        "Deployment/rasa volume ca: Secret redis-ca has no key 'ca.crt' (keys created: ca.pem); "
        "the pod would stay in ContainerCreating"
    ]
    created["redis-ca"] = {"ca.crt"}
    assert check_references(render(text), created) == []


def test_created_by_commands_reads_the_page_commands() -> None:
    page = """\
# First create the Kubernetes Secret rasa-secrets that the secretKeyRefs below read:
#   kubectl create secret generic rasa-secrets \\
#     --from-literal=rasaProLicense="${RASA_LICENSE}" \\
#     --from-literal=DB_PASSWORD="${DB_PASSWORD}"
kubectl create secret generic redis-ca --from-file=ca.crt=./server-ca.pem --from-file ./other.pem
kubectl create configmap extra --from-literal=A=1
"""
    assert created_by_commands(page) == {
        "rasa-secrets": {"rasaProLicense", "DB_PASSWORD"},
        "redis-ca": {"ca.crt", "other.pem"},
        "extra": {"A"},
    }


# --------------------------------------------------------------------------- (d) image tag


def test_image_tag_fails_without_rasa_image_tag() -> None:
    assert check_image_tag(render(values(tag=None)), "3.21.0") == [
        "Deployment/rasa container rasa: image europe-west3-docker.pkg.dev/rasa-releases/rasa-pro/rasa-pro:3.17.0-latest "
        "has tag '3.17.0-latest', expected '3.21.0'"
    ]


def test_image_tag_passes_with_rasa_image_tag() -> None:
    assert check_image_tag(render(values(tag="3.21.0")), "3.21.0") == []


@pytest.mark.parametrize(
    ("image", "tag"),
    [("a/b:1.2", "1.2"), ("reg:5000/a/b", "latest"), ("reg:5000/a/b:3.21.0", "3.21.0"), ("a/b@sha256:ab", "sha256:ab")],
)
def test_image_tag_parsing(image: str, tag: str) -> None:
    assert chart.image_tag(image) == tag


# --------------------------------------------------------------------------- (e) action server probes


def test_grpc_action_server_with_default_probes_fails() -> None:
    problems = check_action_server_probes(render(values(action_args=GRPC_ARGS)))
    assert problems == [
        f"Deployment/rasa-action-server container action-server: {probe} is httpGet /health but the server runs with --grpc "
        "(gRPC only); the probe never succeeds, use grpc: {port: 5055}"
        for probe in ("livenessProbe", "readinessProbe")
    ]


def test_grpc_action_server_with_grpc_probes_passes() -> None:
    manifests = render(values(action_args=GRPC_ARGS, probes=GRPC_PROBES))
    assert check_action_server_probes(manifests) == []
    assert validate_manifests(manifests) == []


def test_grpc_probe_added_without_removing_http_get_is_two_handlers() -> None:
    """Helm merges the chart's httpGet into a grpc probe unless it is set to null; the schema cannot see it."""
    probes = GRPC_PROBES.replace("    httpGet: null\n", "")
    manifests = render(values(action_args=GRPC_ARGS, probes=probes))
    problems = check_action_server_probes(manifests)
    assert len(problems) == 4
    assert "livenessProbe has 2 handlers (httpGet, grpc); the API server rejects the workload" in problems[0]
    assert validate_manifests(manifests) == []


def test_http_action_server_probes() -> None:
    assert check_action_server_probes(render(values())) == []
    problems = check_action_server_probes(render(values(probes=GRPC_PROBES)))
    assert len(problems) == 2
    assert "grpc probe but the server runs without --grpc" in problems[0]
    assert check_action_server_probes(render("")) == []  # no action server: nothing to check


# --------------------------------------------------------------------------- (f) action endpoint URL


def test_action_endpoint_reaches_the_chart_service() -> None:
    manifests = render(values())
    assert check_action_endpoint(manifests, "http://rasa-action-server:5055/webhook", NAMESPACE) == []
    assert check_action_endpoint(manifests, "http://rasa-action-server.rasa.svc.cluster.local:5055/webhook", NAMESPACE) == []


def test_action_endpoint_fails_for_a_service_the_chart_does_not_create() -> None:
    manifests = render(values())
    assert check_action_endpoint(manifests, "http://action-server:5055/webhook", NAMESPACE) == [
        "action endpoint 'http://action-server:5055/webhook': no Service 'action-server' in the render; "
        "Services: rasa, rasa-action-server"
    ]
    other_release = render_chart(values(), "prod", NAMESPACE)
    assert check_action_endpoint(other_release, "http://rasa-action-server:5055/webhook", NAMESPACE)


def test_action_endpoint_fails_on_port_namespace_path_and_protocol() -> None:
    manifests = render(values())
    assert check_action_endpoint(manifests, "http://rasa-action-server:5056/webhook", NAMESPACE) == [
        "action endpoint 'http://rasa-action-server:5056/webhook': Service/rasa-action-server has no port 5056 (ports: 5055)"
    ]
    assert (
        "names namespace 'other'"
        in check_action_endpoint(manifests, "http://rasa-action-server.other:5055/webhook", NAMESPACE)[0]
    )
    assert "serves actions at /webhook" in check_action_endpoint(manifests, "http://rasa-action-server:5055/", NAMESPACE)[0]
    assert "serves HTTP (no --grpc)" in check_action_endpoint(manifests, "grpc://rasa-action-server:5055", NAMESPACE)[0]
    grpc = render(values(action_args=GRPC_ARGS, probes=GRPC_PROBES))
    assert check_action_endpoint(grpc, "grpc://rasa-action-server:5055", NAMESPACE) == []
    assert (
        "runs with --grpc (gRPC only), but the URL is http://"
        in check_action_endpoint(grpc, "http://rasa-action-server:5055/webhook", NAMESPACE)[0]
    )
    assert "unresolved" in check_action_endpoint(grpc, "${ACTION_SERVER_URL}", NAMESPACE)[0]
