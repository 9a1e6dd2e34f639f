#!/usr/bin/env bash
# The fuzz build: configures ./build-fuzz with clang, every library instrumented for libFuzzer
# with ASan + UBSan (no tests, no Qt), builds the fuzz targets only, and runs each for a short
# time under ctest (label `fuzz`; DLP_FUZZ_SECONDS per target, default 25). A crash, leak,
# sanitizer report or broken invariant fails that target's test; the input is kept in
# build-fuzz/fuzz/artifacts/. Longer runs: fuzz/run.sh TARGET SECONDS (docs/RELIABILITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
SECONDS_EACH="${DLP_FUZZ_SECONDS:-25}"
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS="$SAN" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DDLP_BUILD_TESTS=OFF -DDLP_BUILD_QT=OFF -DDLP_BUILD_FUZZ=ON \
  -DDLP_FUZZ_SECONDS="$SECONDS_EACH" >/dev/null
cmake --build build-fuzz -j "$JOBS" --target dlp_fuzzers
cd build-fuzz
# Two at a time at most: each target is single-threaded except agentd_handler's worker.
ctest --output-on-failure -L fuzz -j "${FUZZ_JOBS:-2}" "$@"
