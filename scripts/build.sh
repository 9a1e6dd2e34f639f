#!/usr/bin/env bash
# Configures and builds into ./build (Release with debug info), using every core.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLP_BUILD_QT=ON "$@" >/dev/null
cmake --build build -j "$(nproc)"
