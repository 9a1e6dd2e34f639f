#!/usr/bin/env bash
# The README's first command: install, build, and scan the sample document with the built-in
# default rule pack toward a public AI platform.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
echo
echo "== dlp-scan docs/samples/bao-cao-mat.txt (destination: public AI) =="
status=0
./build/agent/dlp-scan docs/samples/bao-cao-mat.txt || status=$?
echo
echo "(exit status $status: 0 allow, 1 warn, 2 block, 3 error)"
[ "$status" -le 2 ]
