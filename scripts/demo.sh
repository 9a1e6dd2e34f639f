#!/usr/bin/env bash
# The README's first command: install what is missing, build, start the agent (dlp-agentd) in
# user mode with the built-in default rules, and talk to it the way the browser hook and the
# tray will: scan the sample document as a paste into ChatGPT, then a harmless text, then show
# the cadre's own history. The agent is stopped at the end; README.md says how to keep one up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

demo=$(mktemp -d)
export XDG_RUNTIME_DIR="$demo/run" XDG_STATE_HOME="$demo/state" XDG_CONFIG_HOME="$demo/config"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
./build/service/dlp-agentd --user 2>"$demo/agentd.log" &
agent=$!
trap 'kill $agent 2>/dev/null; wait $agent 2>/dev/null; rm -rf "$demo"' EXIT
ctl() { ./build/service/dlp-agentctl --user "$@"; }
for _ in $(seq 100); do ctl status >/dev/null 2>&1 && break; sleep 0.1; done

echo
echo "== dlp-agentd --user is running (pid $agent); dlp-agentctl --user status =="
ctl status
echo
echo "== a cadre pastes docs/samples/bao-cao-mat.txt into https://chatgpt.com =="
status=0
ctl scan docs/samples/bao-cao-mat.txt --channel paste --destination https://chatgpt.com/ || status=$?
echo "(exit status $status: 0 allow, 1 warn, 2 block)"
echo
echo "== a harmless question to the same AI =="
echo "Viết giúp tôi lời chúc mừng ngày Nhà giáo Việt Nam 20/11." |
  ctl scan - --channel paste --destination https://chatgpt.com/ || true
echo
echo "== the cadre's own history (dlp-agentctl --user history) =="
ctl history
echo
echo "== the agent's log: rule ids and incident numbers, never the pasted text =="
cat "$demo/agentd.log"
