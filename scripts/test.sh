#!/usr/bin/env bash
# The README's second command: install, build, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
# The extension's test driver (playwright-core, pinned in package-lock.json) from the npm registry;
# the browsers are Debian's, installed above.
(cd extension && npm ci --no-audit --no-fund --loglevel=error)
# The release gate's figures, shown in full (ctest hides the output of tests that pass; the
# gate itself also runs inside ctest as corpus_eval_thresholds).
echo "== dlp-rules eval on the labelled corpora (tests/data/corpus) =="
./build/rules/dlp-rules eval tests/data/corpus/*.jsonl \
  --min-accuracy 0.99 --min-block-recall 0.99 --max-false-block 0.01 | sed -n '1,16p'
echo
cd build
ctest --output-on-failure -j "$(nproc)"
