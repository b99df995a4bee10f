"""The proof fails when it should: faults put into a copy of the inventory are named, file and key."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.assemble import default_selection, selection_key
from generator.validate import load

from ..conftest import INVENTORY, REPO
from .rasa_run import errors, prove_endpoints, rasa_python
from .site_cases import Case, cases
from .test_chart_site import chart_problems


def _broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(INVENTORY.read_text())
    edit({c["id"]: c for c in data["components"]})
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _default_cases(path: Path) -> list[Case]:
    inv = load(path)
    return [c for c in cases(inv) if c.key == selection_key(default_selection(inv, c.cloud), inv)]


def _block_with(components: dict, key: str) -> dict:
    """The endpoints block (in whichever component) that sets `key`."""
    for comp in components.values():
        for block in (comp.get("config", {}).get("endpoints") or {}).values():
            if isinstance(block, dict) and key in block:
                return block
    raise AssertionError(f"no component sets {key}")


@pytest.mark.proof
def test_a_lock_store_url_no_kafka_hostname_check_a_keyless_bedrock_and_an_unknown_channel_are_named(tmp_path: Path):
    def edit(components: dict) -> None:
        lock = _block_with(components, "key_prefix")
        lock["url"] = lock.pop("host")
        del _block_with(components, "ssl_check_hostname")["ssl_check_hostname"]
        components["rasa-pro"]["config"]["credentials"]["no_such_channel"] = {}
        for comp in components.values():  # Bedrock without model_id wants AWS keys, which IRSA does not give
            for offering in comp.get("offerings", {}).values():
                for group in offering.get("config", {}).get("endpoints", {}).get("model_groups", []):
                    for model in group["models"]:
                        if model.get("provider") == "bedrock":
                            model.pop("model_id", None)

    chosen = [c for c in _default_cases(_broken(tmp_path, edit)) if c.cloud == "aws"]
    found = errors(prove_endpoints(chosen, tmp_path / "proof"))
    bedrock = [e for e in found if ": model_groups:" in e]
    assert bedrock and "aws_access_key_id" in bedrock[0], found
    channel = [e for e in found if e.split(":")[0].endswith("credentials.yml")]
    assert channel and "no_such_channel" in channel[0], found
    lock = [e for e in found if ": lock_store:" in e]
    kafka = [e for e in found if ": event_broker:" in e]
    assert lock and all(e.split(":")[0].endswith("endpoints.yml") for e in lock), found
    assert "url" in lock[0]
    assert kafka and "librdkafka" in kafka[0], found


def test_a_dropped_secret_key_is_named(tmp_path: Path):
    def edit(components: dict) -> None:
        env = components["rasa-pro"]["config"]["env"]
        components["rasa-pro"]["config"]["env"] = [v for v in env if v.get("secret_key") != "authToken"]

    inv = load(_broken(tmp_path, edit))
    problems = chart_problems(_default_cases(tmp_path / "inventory.yml")[0], inv.rasa.version)
    assert any("authToken" in p and "rasa-secrets" in p for p in problems), problems


def test_a_stale_chart_image_is_named(tmp_path: Path):
    case = _default_cases(INVENTORY)[0]
    values = yaml.safe_load(case.files["values.yml"])
    del values["rasa"]["image"]
    stale = Case(case.cloud, case.key, case.selection, case.parts, {**case.files, "values.yml": yaml.safe_dump(values)})
    assert any("3.17.0-latest" in p for p in chart_problems(stale, load(INVENTORY).rasa.version))


@pytest.mark.proof
def test_training_without_remote_root_only_is_caught():
    proc = subprocess.run(
        [
            rasa_python(),
            "tests/proof/model_key.py",
            "--train",
            "rasa train --fixed-model-name rasa-model --remote-storage aws",
            "--run",
            "rasa run --remote-storage aws --model rasa-model.tar.gz",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    result = json.loads(proc.stdout)
    assert proc.returncode == 1 and result["uploaded"] == "models/rasa-model.tar.gz" and not result["ok"]


def test_an_ingress_on_the_charts_default_path_is_named(tmp_path: Path):
    def edit(components: dict) -> None:
        components["ingress"]["default_enabled"] = True
        components["ingress"]["config"]["values"]["rasa"]["ingress"]["hosts"][0]["paths"][0]["path"] = "/api"

    inv = load(_broken(tmp_path, edit))
    case = _default_cases(tmp_path / "inventory.yml")[0]
    assert any("no path / to Service" in p for p in chart_problems(case, inv.rasa.version))


def _analytics_case(cloud: str) -> Case:
    inv = load(INVENTORY)
    return next(c for c in cases(inv) if c.cloud == cloud and "analytics" in c.selection.enabled)


@pytest.mark.proof
@pytest.mark.parametrize(
    ("edit", "named"),
    [
        # the chart's own default topic (rasa-core-events) instead of the one Rasa writes
        (lambda v: v["rasaProServices"]["kafka"].pop("topic"), "KAFKA_TOPIC"),
        # $(KAFKA_BOOTSTRAP_SERVERS) with nothing above it to expand from
        (lambda v: v["rasaProServices"].pop("additionalEnv"), "is not defined above it"),
        # the CA file not mounted into the analytics pod
        (lambda v: v["rasaProServices"].pop("volumeMounts"), "nothing is mounted at"),
        # the chart's default: analytics on in a selection that did not choose it
        (lambda v: v.pop("rasaProServices"), None),
    ],
    ids=["chart-default-topic", "unexpandable-broker", "ca-not-mounted", "deployed-unchosen"],
)
def test_analytics_faults_are_named(edit, named: str | None):
    if named is None:
        inv = load(INVENTORY)
        case = next(c for c in cases(inv) if c.cloud == "self-managed" and "analytics" not in c.selection.enabled)
        named = "deployed though analytics was not chosen"
    else:
        case = _analytics_case("self-managed")
    assert not chart_problems(case, load(INVENTORY).rasa.version)
    values = yaml.safe_load(case.files["values.yml"])
    edit(values)
    broken = Case(case.cloud, case.key, case.selection, case.parts, {**case.files, "values.yml": yaml.safe_dump(values)})
    problems = chart_problems(broken, load(INVENTORY).rasa.version)
    assert any(named in p for p in problems), problems


@pytest.mark.proof
def test_a_port_the_provider_does_not_serve_an_unread_ssl_mode_and_kafka_without_tls_are_named(tmp_path: Path):
    def edit(components: dict) -> None:
        components["lock-store"]["offerings"]["azure"]["config"]["endpoints"]["lock_store"]["port"] = 10001
        for layer in [
            components["tracker-store"]["config"],
            *(o.get("config", {}) for o in components["tracker-store"]["offerings"].values()),
        ]:
            for var in layer.get("env", []):
                if var["name"] == "SQL_TRACKER_STORE_SSL_MODE":
                    var["name"] = "SQL_TRACKER_STORE_SSLMODE"  # Rasa reads no such variable
        components["event-queue"]["config"]["endpoints"]["event_broker"]["security_protocol"] = "SASL_PLAINTEXT"

    chosen = [c for c in _default_cases(_broken(tmp_path, edit)) if c.cloud in ("aws", "azure")]
    found = errors(prove_endpoints(chosen, tmp_path / "proof"))
    lock = [e for e in found if ": lock_store:" in e and "-azure/" in e]
    assert lock and "10001" in lock[0], found
    assert not [e for e in found if ": lock_store:" in e and "-aws/" in e], found
    ssl = [e for e in found if ": tracker_store:" in e and "unsafe: sslmode=" in e]
    assert {"aws", "azure"} <= {c for e in ssl for c in ("aws", "azure") if f"-{c}/" in e}, found
    kafka = [e for e in found if ": event_broker:" in e and "unsafe: security.protocol=SASL_PLAINTEXT" in e]
    assert kafka, found


def test_a_misspelled_image_repository_an_unread_chart_value_and_a_moving_image_tag_are_named(tmp_path: Path):
    def edit(components: dict) -> None:
        values = components["rasa-pro"]["config"]["values"]["rasa"]
        values["image"] = {"repository": "europe-west3-docker.pkg.dev/rasa-releases/rasa-pro/rasa-prp"}
        lock = components["lock-store"]["config"]["values"]["rasa"]
        lock["replicas"] = lock.pop("replicaCount")
        components["analytics"]["config"]["env"] = [
            v for v in components["analytics"]["config"]["env"] if v["name"] != "ANALYTICS_IMAGE_TAG"
        ]

    inv = load(_broken(tmp_path, edit))
    case = next(c for c in cases(inv) if c.cloud == "aws" and {"analytics", "lock-store"} <= c.selection.enabled)
    problems = chart_problems(case, inv.rasa.version)
    assert any(p.startswith("aws:") and "rasa-prp" in p for p in problems), problems
    assert any(p.startswith("aws:") and "values.yml: rasa.replicas is not a value" in p for p in problems), problems
    assert any(p.startswith("aws:") and "3.8.1-latest" in p and "not pinned" in p for p in problems), problems


@pytest.mark.proof
def test_a_variable_the_pod_does_not_get_is_named_although_the_workstation_list_has_it(tmp_path: Path):
    # As if the generator forgot to give the pod VAULT_TOKEN: values.yml without its env entry.
    inv = load(INVENTORY)
    case = next(c for c in cases(inv) if c.cloud == "aws" and c.selection.enabled >= {"secrets-manager"})
    values = yaml.safe_load(case.files["values.yml"])
    values["rasa"]["additionalEnv"] = [e for e in values["rasa"]["additionalEnv"] if e["name"] != "VAULT_TOKEN"]
    broken = dataclasses.replace(case, files={**case.files, "values.yml": yaml.safe_dump(values, sort_keys=False)})
    found = errors(prove_endpoints([broken], tmp_path / "proof"))
    pod = [e for e in found if "-aws-pod/" in e]
    assert pod and any(": secrets_manager:" in e or ": tracker_store:" in e for e in pod), found
    assert not [e for e in found if "-aws/" in e], found  # the workstation, which exports it, still works
