#!/usr/bin/env bash
# The README's second command: install, build, and run every test: ctest (unit, process,
# corpus, real-browser, tray, fleet, fault-injection tests), the packages, the same suite again
# under ASan + UBSan (without the browser and benchmark tests), and the fuzz targets.
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
(cd build && ctest --output-on-failure -j "$(nproc)")
# The .debs as an administrator gets them: built from the same tree, installed on this machine,
# checked where browsers and the service look, upgraded, removed and purged.
echo "== Debian packages (packaging/test-packages.sh) =="
bash packaging/test-packages.sh build
# One clang build in ./build-asan with ASan + UBSan (and libFuzzer's coverage hooks): the ctest
# suite except the e2e, bench and fuzz labels, then each fuzz target briefly from the same build
# (docs/RELIABILITY.md: about 15 min together on 2 cores).
export DLP_FUZZ_SECONDS="${DLP_FUZZ_SECONDS:-10}"
echo "== ctest under ASan + UBSan (scripts/sanitize.sh) =="
bash scripts/sanitize.sh
echo "== fuzz targets, $DLP_FUZZ_SECONDS s each (scripts/fuzz.sh) =="
bash scripts/fuzz.sh
