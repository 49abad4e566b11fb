#!/usr/bin/env bash
# Creates the repo's Python environment (.venv) for the Python SDK: codegen (grpcio-tools), tests
# (pytest) and the SDK itself installed in editable mode. Idempotent: does nothing when the
# requirements have not changed since the last run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/clients/python/requirements-dev.txt"
stamp="$venv/.moltmesh-requirements"
want="$(cat "$req" "$root/clients/python/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# pip is chatty (build backend warnings): keep its output and show it only when something fails.
if ! {
  python3 -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root/clients/python"
} >"$log" 2>&1; then
  cat "$log" >&2
  echo "setting up the Python environment in $venv failed" >&2
  exit 1
fi
echo "$want" > "$stamp"
echo "python environment ready in $venv"
