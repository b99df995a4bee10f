"""The commands around the files: each parses as bash and names only variables the site lists."""

from __future__ import annotations

import re
import subprocess

import pytest

from generator.render import render_all
from generator.render_commands import workstation_commands
from generator.validate import load

from ..conftest import INVENTORY
from .site_cases import Case, cases, variables

# One bash per script of every selection: part of the proof (`make verify`, `make test`), not the edit loop.
pytestmark = pytest.mark.proof

REAL = load(INVENTORY)
CASES = cases(REAL)
BASH_BLOCK = re.compile(r"^(?P<indent> *)```\{\.bash[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
# Names a script sets itself, and the shell's own.
SCRIPT_LOCAL = {"forward", "attempt"}


def used_variables(script: str) -> set[str]:
    without_comments = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    quoted_single = re.sub(r"'[^']*'", "''", without_comments)  # single quotes expand nothing
    names = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", quoted_single))
    return names - SCRIPT_LOCAL


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
