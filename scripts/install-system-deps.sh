#!/usr/bin/env bash
# Install the system packages the project needs, only those that are missing.
# Usage: scripts/install-system-deps.sh [venv] [graphviz] [chromium] [node] [proof]
# proof: PostgreSQL, Redis, openssl and ip, which the proof that the files run starts (tests/proof/).
set -euo pipefail

need=()
for what in "$@"; do
  case "$what" in
    # Debian splits venv/ensurepip out of python3; without it `python3 -m venv` fails.
    venv) python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv) ;;
    graphviz) command -v dot >/dev/null 2>&1 || need+=(graphviz) ;;
    chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
    node) command -v npm >/dev/null 2>&1 || need+=(nodejs npm) ;;
    proof)
      compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
      command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
      command -v openssl >/dev/null 2>&1 || need+=(openssl)
      command -v ip >/dev/null 2>&1 || need+=(iproute2)
      command -v unshare >/dev/null 2>&1 || need+=(util-linux)
      ;;
    *) echo "unknown dependency: $what" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${need[*]} with apt-get..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
elif command -v brew >/dev/null 2>&1; then
  for pkg in "${need[@]}"; do
    case "$pkg" in
      chromium) brew install --cask chromium ;;
      postgresql | redis-server | iproute2 | util-linux)
        echo "The proof (tests/proof/) needs Linux: PostgreSQL and Redis in a private network namespace." >&2
        exit 1 ;;
      nodejs) brew install node ;;
      npm) ;;
      *) brew install "$pkg" ;;
    esac
  done
else
  echo "Please install: ${need[*]} (no apt-get or brew found)" >&2
  exit 1
fi
