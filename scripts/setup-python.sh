#!/usr/bin/env bash
# Creates the repo's Python environment (.venv) for the Python SDK: codegen (grpcio-tools), tests
# (pytest) and the SDK itself (clients/python) installed in editable mode. Uses the `python3` on PATH.
# Idempotent and fast: does nothing when the venv works and a stamp matches the hash of the
# requirements, the SDK's pyproject.toml and this script.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/clients/python/requirements-dev.txt"
stamp="$venv/.moltmesh-requirements"
want="$(cat "$req" "$root/clients/python/pyproject.toml" "$0" | sha256sum | cut -d' ' -f1)"
venv_works() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '' 2>/dev/null; }
if venv_works && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! command -v python3 >/dev/null; then
  echo "python3 (>= 3.10) is needed on PATH to set up $venv" >&2
  exit 1
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# A venv whose interpreter went away (python3 upgraded or removed) is rebuilt from scratch.
clear=()
if [ -e "$venv" ] && ! venv_works; then clear=(--clear); fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input)
# pip is chatty (build backend warnings): keep its output and show it only when something fails.
if ! {
  python3 -m venv "${clear[@]}" "$venv" &&
    "${pip[@]}" -r "$req" &&
    "${pip[@]}" -e "$root/clients/python"
} >"$log" 2>&1; then
  cat "$log" >&2
  echo "setting up the Python environment in $venv failed (log above)" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "python environment ready in $venv ($("$venv/bin/python" -V))"
