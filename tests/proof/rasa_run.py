"""Run the Rasa side of the proof: the rasa-pro virtualenv, real services in a private network namespace."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from .chart import pod_env_spec
from .site_cases import Case, install, variables

REPO = Path(__file__).resolve().parent.parent.parent


def rasa_python() -> str:
    """The rasa-pro virtualenv's Python (made by `make rasa-venv`; RPA_RASA_PYTHON overrides)."""
    python = os.environ.get("RPA_RASA_PYTHON", str(REPO / ".venv-rasa" / "bin" / "python"))
    if not Path(python).exists():
        pytest.fail(f"no rasa-pro virtualenv at {python}: run `make rasa-venv` (or `make test`, which makes it)")
    return python


def prove_endpoints(cases: list[Case], workdir: Path) -> dict[str, Any]:
    """Probe each case's endpoints.yml with Rasa's code against real services; the probe's JSON report."""
    if shutil.which("unshare") is None:
        pytest.fail("`unshare` (util-linux) is needed to give the services a private network namespace")
    workdir.mkdir(parents=True, exist_ok=True)
    entries = []
    for index, case in enumerate(unique(cases)):
        # Each file twice: with the variables the page lists for a workstation, and with exactly
        # the environment the chart renders into the Rasa Pro pod (deploy.sh's Secret and ConfigMap).
        for where in ("workstation", "pod"):
            path = workdir / f"{index:03d}-{case.cloud}{'-pod' if where == 'pod' else ''}" / "endpoints.yml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(case.files["endpoints.yml"])
            entry: dict[str, Any] = {"file": str(path), "case": f"{case.name} ({where})", "cloud": case.cloud}
            if where == "pod":
                entry["variables"] = variables(case.parts, kubernetes=True)
                # What the Rasa Pro container's environment is made of when deploy.sh installs it.
                entry["pod"] = pod_env_spec(install(case).manifests, case.files["deploy.sh"])
            else:
                entry["variables"] = variables(case.parts, kubernetes=False)
            for name, key in (("config.yml", "config"), ("credentials.yml", "credentials")):
                if name in case.files:
                    extra = path.with_name(name)
                    extra.write_text(case.files[name])
                    entry[key] = str(extra)
            entries.append(entry)
    plan = workdir / "cases.json"
    plan.write_text(json.dumps(entries, indent=1))
    # Not under pytest's tmp_path: that tree is 0700 root, and PostgreSQL runs as `postgres`.
    run = Path(tempfile.mkdtemp(prefix="rpa-proof-"))
    run.chmod(0o755)
    try:
        proc = subprocess.run(
            ["unshare", "--net", "--", sys.executable, "-m", "tests.proof.site_proof", str(run), str(plan), rasa_python()],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        shutil.rmtree(run, ignore_errors=True)
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"the proof printed no report (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return report


def unique(cases: list[Case]) -> list[Case]:
    """One case per distinct (cloud, endpoints.yml, config.yml, credentials.yml, variables): Rasa sees nothing
    else of a selection."""
    seen: dict[str, Case] = {}
    for case in cases:
        key = json.dumps(
            [
                case.cloud,  # the stand-ins listen on that provider's ports
                case.files["endpoints.yml"],
                case.files.get("config.yml"),
                case.files.get("credentials.yml"),
                variables(case.parts, kubernetes=False),
                # What the Rasa Pro pod's environment is made of: helm --set-string values never reach
                # it, nor do the settings only another container reads (workstation: false).
                [v for v in variables(case.parts, kubernetes=True) if not v.get("helm_value") and v.get("workstation", True)],
            ],
            sort_keys=True,
        )
        seen.setdefault(key, case)
    return list(seen.values())


def errors(report: dict[str, Any]) -> list[str]:
    out = [report["error"]] if report.get("error") else []
    for file_report in report.get("reports", []):
        out += [part["error"] for part in file_report["parts"].values() if part.get("error")]
        # A warning about safety is a failure: it names the file and the part.
        out += [
            f"{file_report.get('file')}: {key}: {warning}"
            for key, part in file_report["parts"].items()
            for warning in part.get("warnings", [])
            if warning.startswith("unsafe:")
        ]
    return out
