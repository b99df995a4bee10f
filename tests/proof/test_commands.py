"""The commands around the files: each parses as bash and names only variables the site lists."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from pathlib import Path

import pytest

from generator.render import render_all
from generator.render_commands import workstation_commands
from generator.validate import load

from ..conftest import INVENTORY
from .site_cases import Case, covering_cases, used_variables, variables

# One bash per script of every selection: part of the proof (`make verify`, `make test`), not the edit loop.
pytestmark = pytest.mark.proof

REAL = load(INVENTORY)
# Every pair of part states (the fast tests render every selection).
CASES = covering_cases(REAL)
BASH_BLOCK = re.compile(r"^(?P<indent> *)```\{\.bash[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)


def bash_syntax_errors(script: str) -> str:
    proc = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
    return proc.stderr if proc.returncode else ""


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_deploy_script_parses_and_uses_exactly_the_listed_variables(case: Case):
    script = case.files["deploy.sh"]
    assert bash_syntax_errors(script) == ""
    listed = {v["name"] for v in variables(case.parts, kubernetes=True)}
    assert used_variables(script) == listed
    required = set(re.findall(r'^: "\$\{([A-Z0-9_]+):\?', script, re.M))
    assert required == listed  # each one is checked before anything changes


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_workstation_commands_parse_and_use_only_listed_variables(case: Case):
    commands = workstation_commands(REAL, case.parts)
    assert bash_syntax_errors(commands) == ""
    listed = {v["name"] for v in variables(case.parts, kubernetes=False)}
    assert used_variables(commands) <= listed
    placeholders = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", case.files["endpoints.yml"].split("\n\n", 1)[1]))
    assert placeholders <= listed  # every ${VAR} in endpoints.yml is in its own list


def fill_settings(script: str, settings: dict[str, str]) -> str:
    """The reader's edit: each empty value filled in."""
    return re.sub(r"^export ([A-Z0-9_]+)=''$", lambda m: f"export {m[1]}='{settings[m[1]]}'", script, flags=re.M)


def deploy_checks(deploy: str) -> str:
    """deploy.sh's first lines: each variable it needs is checked before anything changes."""
    return "\n".join(line for line in deploy.splitlines() if line.startswith(': "${'))


def source_then(script: str, settings: dict[str, str], secrets: dict[str, str], then: str) -> subprocess.CompletedProcess[str]:
    """Source variables.sh as the reader does (settings filled in, each secret typed when asked),
    then run `then` in the same shell; nothing of the test's own environment leaks in."""
    order = re.findall(r"^rpa_ask ([A-Z0-9_]+)$", script, re.M)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "variables.sh"
        path.write_text(fill_settings(script, settings))
        return subprocess.run(
            ["bash", "-c", f"source {shlex.quote(str(path))}\n{then}"],
            input="".join(f"{secrets[name]}\n" for name in order),
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": os.environ["PATH"]},
        )


# Each distinct variables.sh once (many selections share one).
VARIABLE_SCRIPTS = {c.files["variables.sh"]: c for c in CASES}


@pytest.mark.parametrize("case", list(VARIABLE_SCRIPTS.values()), ids=[c.name for c in VARIABLE_SCRIPTS.values()])
def test_variables_script_exports_what_deploy_sh_checks(case: Case):
    """Sourced with the settings filled in and the secrets typed, the shell holds every variable
    deploy.sh checks, with exactly those values, and deploy.sh's checks pass."""
    script = case.files["variables.sh"]
    assert bash_syntax_errors(script) == ""
    listed = variables(case.parts, kubernetes=True)
    settings = {v["name"]: f"setting-{v['name'].lower()}" for v in listed if not v["secret"]}
    secrets = {v["name"]: f"secret {v['name'].lower()} with spaces" for v in listed if v["secret"]}
    proc = source_then(script, settings, secrets, deploy_checks(case.files["deploy.sh"]) + "\nenv -0")
    assert proc.returncode == 0, proc.stderr
    env = dict(item.split("=", 1) for item in proc.stdout.split("\0") if "=" in item)
    assert {name: env.get(name) for name in {**settings, **secrets}} == {**settings, **secrets}


def test_an_empty_setting_stops_deploy_sh_before_anything_changes():
    case = next(iter(VARIABLE_SCRIPTS.values()))
    listed = variables(case.parts, kubernetes=True)
    first = next(v["name"] for v in listed if not v["secret"])
    settings = {v["name"]: "set" for v in listed if not v["secret"]} | {first: ""}
    secrets = {v["name"]: "s" for v in listed if v["secret"]}
    proc = source_then(case.files["variables.sh"], settings, secrets, deploy_checks(case.files["deploy.sh"]))
    assert proc.returncode != 0 and f"export {first} first" in proc.stderr


def test_every_bash_block_on_the_site_parses():
    rendered = render_all(REAL)
    blocks = 0
    for path, data in rendered.items():
        if not path.endswith(".md"):
            continue
        for match in BASH_BLOCK.finditer(data.decode()):
            body = "\n".join(line[len(match["indent"]) :] for line in match["body"].splitlines())
            assert bash_syntax_errors(body) == "", (path, body)
            blocks += 1
    assert blocks >= len(REAL.clouds)


def test_a_syntax_error_and_an_unlisted_variable_are_caught():
    assert bash_syntax_errors('if true; then echo "x"\n') != ""
    assert used_variables("# $COMMENT\necho \"$NOT_LISTED\" '$IGNORED'") == {"NOT_LISTED"}
