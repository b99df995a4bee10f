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

from generator.validate import load

from ..conftest import INVENTORY
from .chart import (
    check_action_endpoint,
    check_action_server_probes,
    check_endpoints_env,
    check_endpoints_file,
    check_image_tag,
    check_references,
    created_by_commands,
    env_value,
    render_chart,
    validate_manifests,
)
from .site_cases import Case, cases, install_facts, variables

REAL = load(INVENTORY)
CASES = cases(REAL)


def chart_problems(case: Case, version: str) -> list[str]:
    """Every fault the chart render of one selection shows, each prefixed with the files' cloud and selection."""
    deploy = case.files["deploy.sh"]
    exported = {v["name"]: str(v.get("example") or "x") for v in variables(case.parts, kubernetes=True)}
    release, namespace, sets = install_facts(deploy, exported)
    manifests = render_chart(case.files["values.yml"], release, namespace, sets)
    created = created_by_commands(deploy)
    problems = validate_manifests(manifests)
    problems += check_endpoints_file(manifests, case.files["endpoints.yml"])
    problems += check_endpoints_env(manifests, case.files["endpoints.yml"], created)
    problems += check_references(manifests, created)
    problems += check_image_tag(manifests, version)
    problems += check_action_server_probes(manifests)
    action = (yaml.safe_load(case.files["endpoints.yml"]) or {}).get("action_endpoint", {}).get("url", "")
    if action.startswith("${"):
        action = env_value(manifests, action[2:-1]) or action
    if action:
        problems += check_action_endpoint(manifests, action, namespace)
    return [f"{case.name}: {p}" for p in problems]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_values_file_renders_into_pods_that_can_start(case: Case):
    assert chart_problems(case, REAL.rasa.version) == []


def test_the_proof_covers_every_selection_the_site_offers():
    from generator.render_configurator import configurator_index

    offered = {(cloud, key) for cloud, keys in configurator_index(REAL).items() for key in keys}
    assert {(c.cloud, c.key) for c in CASES} == offered
