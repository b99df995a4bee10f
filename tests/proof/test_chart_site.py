"""The chart proof: every values.yml the site offers, rendered by the real chart as deploy.sh installs it.

For each selection (cloud, optional parts, variants) the vendored chart 2.4.0 is rendered with
the release, namespace and --set-string values that deploy.sh passes to helm, and the render
must hold up as Kubernetes would take it: strict schema validation, /app/endpoints.yml equal to
the site's endpoints.yml, every ${VAR} of it set in the container, every Secret or ConfigMap key
a pod reads created by deploy.sh, the image the site states, probes that fit the server, and an
action endpoint that names a Service of the release.
"""

from __future__ import annotations

import pytest
import yaml

from generator import slots, values
from generator.assemble import Selection, default_selection, selection_key
from generator.validate import load

from ..conftest import INVENTORY
from .chart import (
    check_action_endpoint,
    check_action_server_probes,
    check_analytics,
    check_dependent_env,
    check_endpoints_env,
    check_endpoints_file,
    check_image_tag,
    check_pinned_images,
    check_references,
    check_value_keys,
    created_by_commands,
    env_value,
    objects,
    validate_manifests,
)
from .site_cases import Case, case_of, covering_cases, install, install_facts, variables

# The real chart takes a fraction of a second a selection: part of the proof (`make verify`, `make test`).
pytestmark = pytest.mark.proof

REAL = load(INVENTORY)
# Every pair of part states through the real chart (the fast tests render every selection).
CASES = covering_cases(REAL)


def chart_problems(case: Case, version: str) -> list[str]:
    """Every fault the chart render of one selection shows, each prefixed with the files' cloud and selection."""
    installed = install(case)
    manifests, exported, release, namespace = installed.manifests, installed.exported, installed.release, installed.namespace
    created = created_by_commands(case.files["deploy.sh"])
    problems = validate_manifests(manifests)
    problems += check_value_keys(case.files["values.yml"])
    problems += check_endpoints_file(manifests, case.files["endpoints.yml"])
    if "credentials.yml" in case.files:
        problems += check_endpoints_file(manifests, case.files["credentials.yml"], path="/app/credentials.yml")
    problems += check_endpoints_env(manifests, case.files["endpoints.yml"], created)
    problems += check_references(manifests, created)
    problems += check_image_tag(manifests, version)
    problems += check_pinned_images(manifests)
    problems += check_action_server_probes(manifests)
    action = (yaml.safe_load(case.files["endpoints.yml"]) or {}).get("action_endpoint", {}).get("url", "")
    if action.startswith("${"):
        action = env_value(manifests, action[2:-1]) or action
    if action:
        problems += check_action_endpoint(manifests, action, namespace)
    problems += ingress_problems(manifests, exported, release)
    problems += check_dependent_env(manifests)
    problems += check_analytics(manifests, case.files["endpoints.yml"], "analytics" in case.selection.enabled)
    return [f"{case.name}: {p}" for p in problems]


# Where each load balancer takes its certificate from, when not from the Ingress's own tls list.
TLS_ANNOTATIONS = (
    "alb.ingress.kubernetes.io/certificate-arn",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "route.openshift.io/termination",
)


def ingress_problems(manifests: list, exported: dict[str, str], release: str) -> list[str]:
    """An Ingress serves the exported host, sends `/` to Rasa Pro's port 5005, and has TLS."""
    problems = []
    for name, ingress in objects(manifests, "Ingress").items():
        spec, annotations = ingress["spec"], ingress["metadata"].get("annotations") or {}
        for rule in spec.get("rules", []):
            if rule.get("host") != exported.get("RASA_HOST"):
                problems.append(f"Ingress/{name}: host {rule.get('host')!r} is not the exported RASA_HOST")
            backends = {
                (p["path"], p["backend"]["service"]["name"], p["backend"]["service"]["port"]["number"])
                for p in rule["http"]["paths"]
            }
            if ("/", release, 5005) not in backends:
                problems.append(f"Ingress/{name}: no path / to Service {release} port 5005 (has {sorted(backends)})")
        if not spec.get("tls") and not any(key in annotations for key in TLS_ANNOTATIONS):
            problems.append(f"Ingress/{name}: no TLS (neither a tls list nor a load balancer certificate)")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_values_file_renders_into_pods_that_can_start(case: Case):
    assert chart_problems(case, REAL.rasa.version) == []


# The configurator fills in the reader's release and namespace: the files still fit the chart.
OWN = values.named(REAL, "support-bot", "assistants")
OWN_SELECTIONS = [
    *(default_selection(OWN, c.id) for c in OWN.clouds),
    *(slots.base_selection(OWN, c.id) for c in OWN.clouds),
    # Each other variant (the action server's URL names the release) on the first cloud.
    *(
        Selection(OWN.clouds[0].id, default_selection(OWN, OWN.clouds[0].id).enabled | {comp.id}, ((comp.id, v.id),))
        for comp in OWN.components
        for v in comp.variants[1:]
    ),
]
OWN_CASES = [case_of(OWN, s) for s in OWN_SELECTIONS]


@pytest.mark.parametrize("case", OWN_CASES, ids=[c.name for c in OWN_CASES])
def test_your_own_release_and_namespace_render_into_pods_that_can_start(case: Case):
    exported = {v["name"]: "x" for v in variables(case.parts, kubernetes=True)}
    release, namespace, _ = install_facts(case.files["deploy.sh"], exported)
    assert (release, namespace) == ("support-bot", "assistants")
    assert chart_problems(case, REAL.rasa.version) == []


def test_the_proof_takes_its_selections_from_those_the_site_offers():
    # Every pair of part states (tests/test_covering.py); each selection the configurator offers.
    from generator.render_configurator import offered_selections

    offered = {(s.cloud, selection_key(s, REAL)) for s in offered_selections(REAL)}
    assert {(c.cloud, c.key) for c in CASES} <= offered
