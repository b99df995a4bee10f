"""The training and server commands, run as the page says: exactly the variables it lists for each,
through Rasa's own CLI, until Rasa asks the embedding model for the flows' vectors (training) or
loads the model from the storage (the server): the first calls that need an account.

For each cloud: the selection with only the required parts and the one with every optional
part (each variant of each), so every part's endpoints.yml block and variables take part; which
variables training needs follows one rule (render_commands.training_variables) that the fast
tests check for every selection.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.model import EnvVar
from generator.render_commands import train_command, training_variables, workstation_variables
from generator.validate import load

from ..conftest import INVENTORY
from .rasa_run import rasa_python
from .site_cases import Case, cases, model_commands

pytestmark = pytest.mark.proof

REAL = load(INVENTORY)
SCRIPT = Path(__file__).with_name("rasa_cli.py")
# What any shell has; nothing of the deployment's.
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}


def covering(inv) -> list[Case]:
    """Per cloud: the fewest parts, and every part with each variant."""
    out = []
    for cloud in inv.clouds:
        every = [c for c in cases(inv) if c.cloud == cloud.id]
        fewest = min(len(c.selection.enabled) for c in every)
        most = max(len(c.selection.enabled) for c in every)
        out += [c for c in every if len(c.selection.enabled) in (fewest, most)]
    return out


def value(var: EnvVar, project: Path) -> str:
    if var.file:
        path = project / f"{var.name.lower()}.pem"
        path.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
        return str(path)
    return "set-by-the-proof" if var.secret else str(var.example)


def cli(case: Case, workdir: Path, command: str, listed: list[EnvVar], drop: str | None = None) -> dict:
    """Run `command` in a project with the case's files and exactly the `listed` variables (less `drop`)."""
    project = workdir / case.name.replace(":", "_").replace(",", "+").replace("=", "-")
    project.mkdir(parents=True)
    for name in ("endpoints.yml", "config.yml", "credentials.yml"):
        if name in case.files:
            (project / name).write_text(case.files[name])
    env = dict(BASE_ENV)
    env.update({v.name: value(v, project) for v in listed if v.name != drop})
    # A private network namespace: nothing the command does can reach out (telemetry, a model),
    # and the server's port is no one else's.
    runner = ["unshare", "--net", "--"] if shutil.which("unshare") else []
    proc = subprocess.run(
        [*runner, rasa_python(), str(SCRIPT), "--project", str(project), "--command", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pytest.fail(f"{case.name}: the script printed no report (exit {proc.returncode}): {proc.stderr[-3000:]}")
    # What Rasa printed before it stopped (it prints its error, then exits).
    report["output"] = (proc.stdout + proc.stderr)[-6000:]
    return report


def train(case: Case, workdir: Path, drop: str | None = None) -> dict:
    command = train_command(REAL, case.parts)
    assert command, case.name
    return cli(case, workdir, command, training_variables(case.parts), drop)


def serve(case: Case, workdir: Path, drop: str | None = None) -> dict:
    return cli(case, workdir, model_commands(REAL, case.parts)[1], workstation_variables(case.parts), drop)


@pytest.mark.parametrize("case", covering(REAL), ids=lambda c: c.name)
def test_training_with_the_listed_variables_reaches_the_embedding_model(case: Case, tmp_path: Path):
    report = train(case, tmp_path)
    assert report["reached"] == "embedding model", (
        f"{case.name}: `{train_command(REAL, case.parts)}` stopped first: {report['output']}"
    )


@pytest.mark.parametrize("case", covering(REAL), ids=lambda c: c.name)
def test_the_server_with_the_listed_variables_reaches_loading_the_model(case: Case, tmp_path: Path):
    report = serve(case, tmp_path)
    run = model_commands(REAL, case.parts)[1]
    assert report["reached"] == "model storage", f"{case.name}: `{run}` stopped first: {report['output']}"
    # The model it would load, from the storage the training command uploads to.
    assert report["detail"] == f"{REAL.rasa.model}.tar.gz from {case.parts.remote_storage}", report


def test_training_stops_without_a_variable_endpoints_yml_names(tmp_path: Path):
    case = next(c for c in covering(REAL) if c.cloud == REAL.clouds[0].id)
    used = [v.name for v in training_variables(case.parts) if not v.training]
    report = train(case, tmp_path, drop=used[-1])
    assert report["reached"] is None and used[-1] in report["output"], report


def test_training_stops_without_the_licence(tmp_path: Path):
    case = covering(REAL)[0]
    report = train(case, tmp_path, drop="RASA_LICENSE")
    assert report["reached"] is None and "RASA_LICENSE" in report["output"], report


def test_the_server_stops_without_a_variable_endpoints_yml_names(tmp_path: Path):
    case = next(c for c in covering(REAL) if c.cloud == REAL.clouds[-1].id)
    placeholder = next(v.name for v in workstation_variables(case.parts) if f"${{{v.name}}}" in case.files["endpoints.yml"])
    report = serve(case, tmp_path, drop=placeholder)
    assert report["reached"] is None and placeholder in report["output"], report


if __name__ == "__main__":  # one case by hand: python -m tests.proof.test_training DIR
    print(serve(covering(REAL)[0], Path(sys.argv[1])))
