#!/usr/bin/env bash
# Makes sure a Chromium for the web workspace's browser tests (test/integration/ui-browser.test.ts)
# is installed: Debian's `chromium` package, via apt-get, when /usr/bin/chromium is missing and we
# are root. playwright-core drives that executable; it never downloads a browser of its own.
# Prints the executable's path on stdout. Exits 3 (saying why on stderr) when Chromium cannot be had,
# or 0 with `--optional` (npm test runs it so: the browser tests then skip, saying so).
set -euo pipefail
optional=false
[ "${1:-}" = "--optional" ] && optional=true
give_up() {
  echo "$1: the web workspace browser tests will be skipped" >&2
  if $optional; then exit 0; fi
  exit 3
}
chromium="${MOLTMESH_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "$chromium"
  exit 0
fi
command -v apt-get >/dev/null || give_up "no $chromium and no apt-get to install it"
[ "$(id -u)" = 0 ] || give_up "no $chromium, and installing Debian's chromium needs root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Several test files or helpers may run this at once: one installer at a time.
exec 9>/tmp/moltmesh-setup-chromium.lock
flock 9
if [ ! -x "$chromium" ]; then
  # Another apt-get (outside this script's lock) may hold dpkg's lock: wait for it instead of failing.
  if ! { apt-get -o DPkg::Lock::Timeout=600 update &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium; } \
    >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    give_up "apt-get could not install chromium (log above)"
  fi
fi
[ -x "$chromium" ] || give_up "chromium installed but $chromium is missing"
echo "$chromium"
