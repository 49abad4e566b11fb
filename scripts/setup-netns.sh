#!/usr/bin/env bash
# Makes sure the namespace tests (simulated internet, dial accounting) have iptables. They need root
# and Linux network namespaces; where iptables is missing and this runs as root with apt-get, it is
# installed from Debian packages. Never fails: without it those tests skip and say why.
set -uo pipefail
if command -v iptables >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-netns: iptables missing (needs root and apt-get to install); the namespace tests will skip" >&2
  exit 0
fi
log="$(mktemp)"
if { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iptables; } >"$log" 2>&1; then
  echo "setup-netns: installed iptables ($(iptables --version))"
else
  echo "setup-netns: could not install iptables; the namespace tests will skip. Last lines:" >&2
  tail -5 "$log" >&2
fi
rm -f "$log"
exit 0
