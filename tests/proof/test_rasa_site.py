"""The Rasa proof: every endpoints.yml the site offers, loaded and built by Rasa Pro's own code.

Each file is read by Rasa's loader with the environment set as the site tells a user to set
it, and every part it configures is built by Rasa's factories: the tracker store saves a
conversation in a real PostgreSQL (TLS) and reads it back, the lock store locks and releases one
in a real Redis (TLS) on the port the file names, the Kafka producer is built by librdkafka,
the secrets manager logs in to a real Vault-API server (OpenBao) and the tracker store reads its
credentials from it, and the action endpoint and NLG clients are built. Nothing is mocked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.validate import load

from ..conftest import INVENTORY
from .rasa_run import errors, prove_endpoints, rasa_python, unique
from .site_cases import cases, covering_cases, model_commands

pytestmark = pytest.mark.proof

REAL = load(INVENTORY)


def test_rasa_builds_every_part_of_every_endpoints_file_against_real_services(tmp_path: Path):
    every = covering_cases(REAL)  # every pair of part states; the fast tests render every selection
    report = prove_endpoints(every, tmp_path)
    assert errors(report) == []
    # Each distinct file twice: as a workstation runs it, and as the pod runs it.
    assert report["ok"] and len(report["reports"]) == 2 * len(unique(every))
    built = {part for r in report["reports"] for part, facts in r["parts"].items() if facts.get("built")}
    configured = {key for c in every for key in (yaml.safe_load(c.files["endpoints.yml"]) or {})}
    if any("credentials.yml" in c.files for c in every):
        configured.add("channels")
    assert configured <= built, f"parts no file's proof built: {configured - built}"


def test_the_run_command_fetches_the_model_the_training_command_uploads():
    import json
    import subprocess

    checked = set()
    for case in cases(REAL):
        train, run = model_commands(REAL, case.parts)
        if train is None or (train, run) in checked:
            continue
        checked.add((train, run))
        proc = subprocess.run(
            [rasa_python(), "tests/proof/model_key.py", "--train", train, "--run", run],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=Path(__file__).resolve().parent.parent.parent,
        )
        result = json.loads(proc.stdout)
        assert result["ok"], f"{case.cloud}: {train} / {run}: {result}"
    assert checked


def test_the_proof_runs_the_rasa_pro_release_the_site_states():
    import subprocess

    proc = subprocess.run(
        [rasa_python(), "-c", "import importlib.metadata as m; print(m.version('rasa-pro'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == REAL.rasa.version
