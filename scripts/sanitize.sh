#!/usr/bin/env bash
# The sanitizer build: ONE clang build in ./build-asan, every library, tool, test and fuzz target
# compiled with ASan + UBSan (-O1, line tables, frame pointers) plus libFuzzer's coverage hooks
# (fuzzer-no-link), so the same objects serve the whole ctest suite and `ctest -L fuzz`
# (scripts/fuzz.sh). Runs every ctest test except the labels that need real browsers or idle
# timing (e2e, bench) and the fuzz label (scripts/fuzz.sh runs those).
# Any sanitizer report fails the test that triggered it: UBSan does not recover, ASan aborts,
# LeakSanitizer reports at exit; the real processes the tests start (dlp-agentd, dlp-nmhost,
# dlp-scan, dlp-rules, dlp-agentctl) are the instrumented ones.
# Usage: scripts/sanitize.sh [ctest args]       build everything, run the suite
#        scripts/sanitize.sh --build-only [cmake --build args, e.g. --target dlp_fuzzers]
# Figures (build and test times on 2 cores): docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
build_only=0
if [ "${1:-}" = "--build-only" ]; then build_only=1; shift; fi

# fuzzer-no-link only adds coverage counters and comparison hooks (no-ops outside a fuzz target);
# it costs the tests little next to ASan itself (docs/RELIABILITY.md has the measurement).
SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
# Qt is off by default: building the tray app and its translations under ASan costs CI minutes
# while only its display-free core has a test here, and that core runs in the release build.
# DLP_ASAN_QT=ON includes it (tray_core then runs under the sanitizers too).
QT="${DLP_ASAN_QT:-OFF}"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS="$SAN" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DDLP_BUILD_TESTS=ON -DDLP_BUILD_QT="$QT" -DDLP_BUILD_FUZZ=ON \
  -DDLP_FUZZ_SECONDS="${DLP_FUZZ_SECONDS:-25}" >/dev/null
if [ "$build_only" -eq 1 ]; then
  cmake --build build-asan -j "$JOBS" "$@"
  exit 0
fi
cmake --build build-asan -j "$JOBS"

# detect_stack_use_after_return is off: the service's many connection threads would each carry a
# fake stack. abort_on_error makes a report a failed test even where the exit code is checked
# loosely. No suppressions: none are needed today.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
ctest --output-on-failure -j "$JOBS" -LE 'e2e|bench|fuzz' "$@"
