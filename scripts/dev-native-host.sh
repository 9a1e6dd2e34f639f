#!/usr/bin/env bash
# Registers the built dlp-nmhost as the extension's native-messaging host, for development and
# tests (the package installs its own manifests system-wide, see packaging/native-messaging).
#
#   scripts/dev-native-host.sh chromium|chrome|edge|firefox [DIR] [--host PATH]
#
# DIR is where the browser looks for host manifests; the default is the per-user folder of the
# browser's default profile. A Chromium started with --user-data-dir=X reads X/NativeMessagingHosts.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
browser=${1:?usage: dev-native-host.sh chromium|chrome|edge|firefox [DIR] [--host PATH]}
shift
dir="" host="$top/build/service/dlp-nmhost"
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host=$(realpath "$2"); shift 2 ;;
    *) dir=$1; shift ;;
  esac
done
[ -x "$host" ] || { echo "dev-native-host: $host is not built (bash scripts/build.sh)" >&2; exit 1; }
# The ids are fixed in the extension's build script: read them from there, never copy them.
chromium_id=$(sed -n "s/^export const CHROMIUM_ID = '\([a-p]\{32\}\)';/\1/p" "$top/extension/build.mjs")
gecko_id=$(sed -n "s/^export const GECKO_ID = '\(.*\)';/\1/p" "$top/extension/build.mjs")
name=com.vn_dlp.agent
case "$browser" in
  chromium) dir=${dir:-$HOME/.config/chromium/NativeMessagingHosts} ;;
  chrome) dir=${dir:-$HOME/.config/google-chrome/NativeMessagingHosts} ;;
  edge) dir=${dir:-$HOME/.config/microsoft-edge/NativeMessagingHosts} ;;
  firefox) dir=${dir:-$HOME/.mozilla/native-messaging-hosts} ;;
  *) echo "dev-native-host: unknown browser '$browser'" >&2; exit 2 ;;
esac
mkdir -p "$dir"
if [ "$browser" = firefox ]; then
  allowed="\"allowed_extensions\": [\"$gecko_id\"]"
else
  allowed="\"allowed_origins\": [\"chrome-extension://$chromium_id/\"]"
fi
cat > "$dir/$name.json" <<JSON
{
  "name": "$name",
  "description": "Leak-prevention agent: relays the extension's requests to dlp-agentd",
  "path": "$host",
  "type": "stdio",
  $allowed
}
JSON
echo "dev-native-host: wrote $dir/$name.json"
