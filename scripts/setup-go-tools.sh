#!/usr/bin/env bash
# Installs the Go tools that codegen and the Go tests use, at pinned versions, into a cache directory
# (default .cache/go-tools in the repo; MOLTMESH_GO_TOOLS overrides), from the Go module proxy:
#   protoc-gen-go, protoc-gen-go-grpc   Go stubs of the public API (scripts/gen.ts)
#   grpcurl, grpc-health-probe          reflection and health checks (test/integration/go-client.test.ts)
# Idempotent and fast: a tool is built only when its binary for the pinned version is missing.
# Prints the directory on stdout. Exits 3 (saying so on stderr) when no `go` is on PATH, or 0 with
# `--optional` (npm test runs it so: the Go tests then skip, saying so).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MOLTMESH_GO_TOOLS:-$root/.cache/go-tools}"
# name  package@version (bumping protoc-gen-go or protoc-gen-go-grpc changes clients/go/gen: npm run gen)
tools=(
  "protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12"
  "protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2"
  "grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4"
  "grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe@v0.4.62"
)
if ! command -v go >/dev/null; then
  if [ "${1:-}" = "--optional" ]; then
    echo "go is not on PATH: Go tools not installed (the Go client tests will be skipped)" >&2
    exit 0
  fi
  echo "go is not on PATH: the Go tools cannot be installed" >&2
  exit 3
fi
mkdir -p "$dir"
# Test files and codegen may call this at the same time: one installer at a time.
exec 9>"$dir/.lock"
flock 9
for entry in "${tools[@]}"; do
  read -r name pkg <<<"$entry"
  version="${pkg##*@}"
  # One directory per tool and version, so a bump never reuses a stale binary.
  bin="$dir/$name@$version/$name"
  if [ ! -x "$bin" ]; then
    log="$(mktemp)"
    if ! GOBIN="$dir/$name@$version" GOFLAGS=-buildvcs=false go install "$pkg" >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "installing $pkg failed (log above)" >&2
      exit 1
    fi
    rm -f "$log"
  fi
  ln -sfn "$name@$version/$name" "$dir/$name"
done
echo "$dir"
