#!/usr/bin/env bash
# The ASan + UBSan build: configures ./build-asan (g++, Debug-ish -O1 with frame pointers, no Qt),
# builds, and runs the whole ctest suite except the browser (e2e) and benchmark labels.
# Any sanitizer report fails the test that triggered it: UBSan does not recover, ASan aborts,
# LeakSanitizer reports at exit. Usage: scripts/sanitize.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLP_BUILD_QT=OFF \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="$SAN" >/dev/null
cmake --build build-asan -j "$JOBS"
# detect_stack_use_after_return is off: the service's many connection threads would each carry a
# fake stack. abort_on_error makes a report a failed test even where the exit code is checked
# loosely; the suppressions cover only third-party libraries (none needed today).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
ctest --output-on-failure -j "$JOBS" -LE 'e2e|bench|fuzz' "$@"
