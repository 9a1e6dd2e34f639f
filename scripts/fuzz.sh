#!/usr/bin/env bash
# Each libFuzzer target for a short time under ctest (label `fuzz`; DLP_FUZZ_SECONDS per target,
# default 25), on its committed seeds. The targets live in the sanitizer build ./build-asan
# (scripts/sanitize.sh: clang, every library instrumented for libFuzzer with ASan + UBSan); this
# script configures it and builds only the fuzz targets (nothing if scripts/sanitize.sh has just
# built everything). A crash, leak, sanitizer report or broken invariant fails that target's
# test; the input is kept in build-asan/fuzz/artifacts/, new corpus inputs in
# build-asan/fuzz/corpus/<target>/. Longer runs: fuzz/run.sh TARGET SECONDS (docs/RELIABILITY.md).
# Usage: scripts/fuzz.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export DLP_FUZZ_SECONDS="${DLP_FUZZ_SECONDS:-25}"
bash scripts/sanitize.sh --build-only --target dlp_fuzzers
cd build-asan
# Two at a time at most: each target is single-threaded except agentd_handler's worker.
ctest --output-on-failure -L fuzz -j "${FUZZ_JOBS:-2}" "$@"
