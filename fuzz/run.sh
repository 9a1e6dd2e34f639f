#!/usr/bin/env bash
# Runs one fuzz target for a given time on its committed seeds plus a growing corpus kept in
# build-asan/fuzz/corpus/TARGET, and prints libFuzzer's final figures.
# Usage: fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
#   TARGET: engine_scan | pack_loader | bundle_verify | frame_decoder | agentd_handler |
#           nmhost_stdio   (build them first: scripts/sanitize.sh --build-only --target dlp_fuzzers)
# BUILD_DIR overrides build-asan. A crash leaves its input in build-asan/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: fuzz/run.sh TARGET SECONDS}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS}"
shift 2
build="${BUILD_DIR:-build-asan}"
bin="$build/fuzz/fuzz_$target"
[ -x "$bin" ] || { echo "run.sh: $bin is not built (scripts/sanitize.sh --build-only --target dlp_fuzzers builds it)" >&2; exit 2; }
work="$build/fuzz/corpus/$target"
mkdir -p "$work" "$build/fuzz/artifacts"
dict=()
[ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
# The handler logs a line per request on stderr; libFuzzer keeps its own output with this.
[ "$target" = agentd_handler ] && dict+=(-close_fd_mask=2)
export DLP_FUZZ_SEED_KEY="$PWD/fuzz/keys/fuzz-seed.pub"
log="$build/fuzz/$target.log"
set +e
"$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
  -print_final_stats=1 "${dict[@]}" -artifact_prefix="$build/fuzz/artifacts/$target-" "$@" \
  "$work" "fuzz/corpus/$target" >"$log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::|==[0-9]+==|SUMMARY|.*invariant broken|Test unit written)' "$log" || true
echo "corpus: $(ls "$work" | wc -l) inputs in $work; full log: $log"
[ "$rc" -eq 0 ] || echo "FINDING: libFuzzer exited with status $rc (input in $build/fuzz/artifacts/)"
exit "$rc"
