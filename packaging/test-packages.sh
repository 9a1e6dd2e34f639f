#!/bin/bash
# End-to-end test of the Debian packages on THIS machine (a disposable root container or VM
# running Debian 12): build the .debs, install them, check every file is where the browsers and
# the service look, start dlp-agentd as its unit would (user dlp-agent, also without systemd),
# scan through the system socket (dlp-agentctl, as root and as an unprivileged user, and
# dlp-nmhost as a browser would start it), turn the state into what the root-run versions left
# (root-owned files, a download in /etc/dlp-agent/bundles) and upgrade to a newer build of the
# same tree (state handed to dlp-agent, audit log and a locally edited conffile kept), fetch a
# bundle from a directory source into the state directory through the packaged links and show
# the fleet state in `status`, remove (audit log kept), purge (configuration and state gone,
# the system user kept).
#
#   packaging/test-packages.sh [BUILD_DIR]     (default: build-pkg beside the sources)
#
# BUILD_DIR is configured when needed (Release, prefix /usr, DLP_PACKAGING=ON, DLP_BUILD_QT=ON
# when Qt 6 is installed) and left at the same package version as before. Exit 0 pass, 1 fail,
# 77 skipped (not root, or not Debian). Leaves the machine without dlp-agent / dlp-tray.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$src/build-pkg}")
jobs=${DLP_JOBS:-2}
log() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
check_file() { [ -e "$1" ] || fail "missing $1"; echo "  ok  $1"; }
check_gone() { [ ! -e "$1" ] && [ ! -L "$1" ] || fail "still present: $1"; echo "  gone $1"; }

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (installs packages)"; exit 77; }
command -v dpkg >/dev/null && command -v apt-get >/dev/null || { echo "SKIP: not a Debian system"; exit 77; }
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps missing: apt-get install dpkg-dev"
if [ -S /run/dlp-agent/agent.sock ] && pgrep -x dlp-agentd >/dev/null; then
  echo "SKIP: a system dlp-agentd already runs here; this test would disturb it"; exit 77
fi

daemon_pid=
stop_daemon() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
  fi
  daemon_pid=
}
purge_all() { dpkg --purge dlp-tray dlp-agent >/dev/null 2>&1 || true; }
restore_version= need_restore=
cleanup() {
  stop_daemon
  purge_all
  if [ -n "$need_restore" ]; then
    cmake -S "$src" -B "$build" "-DDLP_PACKAGE_VERSION=$restore_version" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# Starts dlp-agentd the way packaging/systemd/dlp-agentd.service does (systemd would create the
# runtime and state directories owned by User=dlp-agent, mode 0755 / 0700, and set UMask=0077),
# without systemd. `start_daemon root` runs it as the versions before the dlp-agent user did.
start_daemon() {
  local as=${1:-dlp-agent}
  install -d -m 0755 -o "$as" -g "$(id -gn "$as")" /run/dlp-agent
  [ -d /var/lib/dlp-agent ] || install -d -m 0700 -o "$as" -g "$(id -gn "$as")" /var/lib/dlp-agent
  (umask 0077; exec setpriv --reuid="$as" --regid="$(id -gn "$as")" --init-groups \
     /usr/bin/dlp-agentd >>"$work/agentd.log" 2>&1) &
  daemon_pid=$!
  for _ in $(seq 1 300); do
    dlp-agentctl status >/dev/null 2>&1 && return 0
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/agentd.log"; fail "dlp-agentd exited"; }
    sleep 0.1
  done
  cat "$work/agentd.log"; fail "dlp-agentd did not answer on /run/dlp-agent/agent.sock"
}

# One native-messaging exchange with /usr/bin/dlp-nmhost, started as Chromium starts it.
nmhost_scan() {
  python3 - "$1" <<'EOF'
import json, struct, subprocess, sys
msg = json.dumps({"v": 1, "id": 7, "op": "scan", "channel": "paste", "app": "chromium",
                  "destination": "https://chatgpt.com/", "text": sys.argv[1]}).encode()
p = subprocess.run(["/usr/bin/dlp-nmhost", "chrome-extension://fkildceildknkhoiinifeenocliiglgl/"],
                   input=struct.pack("=I", len(msg)) + msg, capture_output=True, timeout=60)
out = p.stdout
n = struct.unpack("=I", out[:4])[0]
reply = json.loads(out[4:4 + n])
print(reply.get("action"), reply.get("bundle", {}).get("name"))
EOF
}

expect_version() {
  local v; v=$(dpkg-query -W -f='${Version}' "$1")
  [ "$v" = "$2" ] || fail "$1 is $v, expected $2"
  echo "  ok  $1 $v installed"
}

# ---- 1. Build -------------------------------------------------------------------------------
log "configure and build $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  qt=OFF; ls -d /usr/lib/*/cmake/Qt6 >/dev/null 2>&1 && qt=ON
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DDLP_BUILD_TESTS=OFF -DDLP_BUILD_QT=$qt -DDLP_PACKAGING=ON \
    "-DCMAKE_CXX_FLAGS=-fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2" \
    "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-z,relro -Wl,-z,now" >/dev/null
else
  cmake -S "$src" -B "$build" -DDLP_PACKAGING=ON -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
fi
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
[ "$(cache CMAKE_INSTALL_PREFIX)" = /usr ] || fail "$build must have CMAKE_INSTALL_PREFIX=/usr"
restore_version=$(cache DLP_PACKAGE_VERSION)
base_version=${restore_version:-$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")}
IFS=. read -r maj min pat <<<"${base_version%%[-~+]*}"
new_version="$maj.$min.$((pat + 1))"
with_tray=$(cache DLP_BUILD_QT)
cmake --build "$build" -j "$jobs"
work=$(mktemp -d /tmp/dlp-test-packages.XXXXXX)
log "cpack $base_version"
(cd "$build" && cpack -B "$work/v1" >/dev/null)
agent_deb=$(ls "$work"/v1/dlp-agent_"$base_version"_*.deb)
debs=("$agent_deb")
if [ "$with_tray" = ON ]; then debs+=("$(ls "$work"/v1/dlp-tray_"$base_version"_*.deb)"); fi
ls -l "${debs[@]}"

# ---- 2. Install on this machine -------------------------------------------------------------
log "install ${debs[*]##*/}"
purge_all
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${debs[@]}" >"$work/apt-install.log" 2>&1 ||
  { cat "$work/apt-install.log"; fail "apt-get install"; }
expect_version dlp-agent "$base_version"

log "files where the service and the browsers look"
for b in dlp-agentd dlp-agentctl dlp-scan dlp-rules dlp-nmhost; do check_file /usr/bin/$b; done
check_file /lib/systemd/system/dlp-agentd.service
check_file /usr/lib/tmpfiles.d/dlp-agent.conf
check_file /etc/dlp-agent/agentd.conf
check_file /var/lib/dlp-agent
[ "$(stat -c %a /var/lib/dlp-agent)" = 700 ] || fail "/var/lib/dlp-agent is not 0700"
getent passwd dlp-agent >/dev/null || fail "no dlp-agent system user"
pw=$(getent passwd dlp-agent)
[ "$(echo "$pw" | cut -d: -f3)" -lt 1000 ] || fail "dlp-agent is not a system user: $pw"
[ "$(echo "$pw" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "dlp-agent has a login shell: $pw"
echo "  ok  system user $pw"
[ "$(stat -c %U:%G /var/lib/dlp-agent)" = dlp-agent:dlp-agent ] || fail "/var/lib/dlp-agent is not dlp-agent's"
[ "$(stat -c %U:%a /var/lib/dlp-agent/bundles)" = dlp-agent:700 ] || fail "/var/lib/dlp-agent/bundles is not dlp-agent's 0700"
[ "$(stat -c %U /etc/dlp-agent/bundles)" = root ] || fail "/etc/dlp-agent/bundles is not root's"
for slot in a b; do
  [ "$(readlink /etc/dlp-agent/bundles/fleet-$slot.dlpb)" = /var/lib/dlp-agent/bundles/fleet-$slot.dlpb ] ||
    fail "/etc/dlp-agent/bundles/fleet-$slot.dlpb does not link to the state directory"
done
echo "  ok  download slots /etc/dlp-agent/bundles/fleet-{a,b}.dlpb -> /var/lib/dlp-agent/bundles/"
check_file /usr/share/dlp-agent/bundles/dlp-agent-default.dlpb
check_file /etc/dlp-agent/bundles/dlp-agent-default.dlpb
check_file /etc/dlp-agent/trusted-keys/dlp-agent-release.pub
dlp-rules verify /etc/dlp-agent/bundles/dlp-agent-default.dlpb --trusted /etc/dlp-agent/trusted-keys ||
  fail "the packaged bundle does not verify against the packaged key"
# Native-messaging manifests: Debian's Chromium, Google Chrome, Microsoft Edge, Firefox (ESR).
for d in /etc/chromium/native-messaging-hosts /etc/opt/chrome/native-messaging-hosts \
         /etc/opt/edge/native-messaging-hosts /usr/lib/mozilla/native-messaging-hosts; do
  check_file "$d/com.vn_dlp.agent.json"
  python3 - "$d/com.vn_dlp.agent.json" <<'EOF' || fail "bad manifest $d"
import json, os, sys
m = json.load(open(sys.argv[1]))
assert m["name"] == "com.vn_dlp.agent" and m["type"] == "stdio", m
assert m["path"] == "/usr/bin/dlp-nmhost" and os.access(m["path"], os.X_OK), m
if "mozilla" in sys.argv[1]:
    assert m["allowed_extensions"] == ["dlp-guard@vn-dlp"], m
else:
    assert m["allowed_origins"] == ["chrome-extension://fkildceildknkhoiinifeenocliiglgl/"], m
EOF
done
# Force-install policies and the packaged extension.
for d in /etc/chromium /etc/opt/chrome /etc/opt/edge; do
  check_file "$d/policies/managed/dlp-agent.json"
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["ExtensionInstallForcelist"][0].startswith("fkildceildknkhoiinifeenocliiglgl;")' \
    "$d/policies/managed/dlp-agent.json" || fail "bad Chromium policy in $d"
done
for f in /etc/firefox/policies/policies.json; do
  check_file "$f"
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["policies"]["ExtensionSettings"]["dlp-guard@vn-dlp"]; assert e["installation_mode"]=="force_installed" and e["install_url"]=="file:///usr/share/dlp-agent/extension/dlp-guard.xpi"' \
    "$f" || fail "bad Firefox policy $f"
done
check_file /etc/firefox-esr/dlp-agent.js
check_file /usr/share/dlp-agent/extension/chromium/manifest.json
check_file /usr/share/dlp-agent/extension/firefox/manifest.json
check_file /usr/share/dlp-agent/extension/dlp-guard.xpi
python3 - <<'EOF' || fail "the XPI is not the Firefox build of the extension"
import json, zipfile
m = json.loads(zipfile.ZipFile("/usr/share/dlp-agent/extension/dlp-guard.xpi").read("manifest.json"))
assert m["browser_specific_settings"]["gecko"]["id"] == "dlp-guard@vn-dlp", m
EOF
if [ "$with_tray" = ON ]; then
  check_file /usr/bin/dlp-tray
  check_file /etc/xdg/autostart/dlp-tray.desktop
  check_file /usr/share/dlp-agent/guarded_apps.json
fi
dpkg-query -W -f='${Conffiles}\n' dlp-agent | grep -q ' /etc/dlp-agent/agentd.conf ' ||
  fail "agentd.conf is not a conffile"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/dlp-agentd.service 2>&1 | tee "$work/analyze.log" || true
fi

# ---- 3. Start the service and scan through the socket ---------------------------------------
log "start dlp-agentd (system mode, /run/dlp-agent/agent.sock) and scan"
start_daemon
[ "$(ps -o user= -p "$daemon_pid")" = dlp-agent ] || fail "dlp-agentd runs as $(ps -o user= -p "$daemon_pid")"
echo "  ok  dlp-agentd runs as $(ps -o user= -p "$daemon_pid")"
[ "$(stat -c %a:%U /run/dlp-agent/agent.sock)" = 666:dlp-agent ] || fail "socket is not dlp-agent's with mode 0666"
dlp-agentctl status | tee "$work/status1.txt"
grep -q "dlp-agent-default" "$work/status1.txt" || fail "the packaged bundle is not active"
secret="Số CCCD của tôi là 001085012345"
rc=0; echo "$secret" | dlp-agentctl scan --destination chatgpt.com || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "scan as root: exit $rc (expected warn 1 or block 2)"
rc=0; echo "$secret" | setpriv --reuid=nobody --regid=nogroup --clear-groups dlp-agentctl scan --destination chatgpt.com || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "scan as nobody: exit $rc"
out=$(nmhost_scan "$secret")
echo "  dlp-nmhost: $out"
case "$out" in warn*|block*) ;; *) fail "scan through dlp-nmhost: $out" ;; esac
# The scan as nobody is recorded under nobody's name: peer credentials work for a non-root service.
dlp-agentctl audit export --format ndjson | grep -q '"name":"nobody"' || fail "no incident recorded for nobody"
dlp-agentctl audit verify || fail "audit verify"
incidents=$(dlp-agentctl audit export --format ndjson | wc -l)
[ "$incidents" -ge 3 ] || fail "expected 3 incidents, audit has $incidents"
echo "  ok  $incidents incidents recorded"
for f in audit.db install.key cache; do
  [ "$(stat -c %U /var/lib/dlp-agent/$f)" = dlp-agent ] || fail "/var/lib/dlp-agent/$f is not dlp-agent's"
done
others=$(find /var/lib/dlp-agent ! -user dlp-agent | head -3)
[ -z "$others" ] || fail "not dlp-agent's after audit verify/export as root: $others"
echo "  ok  /var/lib/dlp-agent and everything in it belong to dlp-agent (also after root's audit commands)"

# ---- 3b. What a root-run version (before the dlp-agent user) left behind -----------------------
log "turn the state into a root-era install"
stop_daemon
chown -R root:root /var/lib/dlp-agent
start_daemon root
rc=0; echo "$secret" | dlp-agentctl scan --destination chatgpt.com || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "scan as the root-run service: exit $rc"
stop_daemon
incidents=$((incidents + 1))
# The root-run updater kept its downloads in /etc/dlp-agent/bundles as fleet-<16 hex>.dlpb.
legacy=/etc/dlp-agent/bundles/fleet-0123456789abcdef.dlpb
cp /usr/share/dlp-agent/bundles/dlp-agent-default.dlpb "$legacy"
[ "$(find /var/lib/dlp-agent -user root | wc -l)" -ge 3 ] || fail "no root-owned state"
echo "  ok  root-owned state: $(find /var/lib/dlp-agent -user root | wc -l) files; legacy download $legacy"

# ---- 4. Upgrade to a newer build of the same tree -------------------------------------------
log "build $new_version and upgrade"
cp /usr/share/dlp-agent/bundles/dlp-agent-default.dlpb "$work/v1-default.dlpb"
echo "# local edit kept across upgrades" >>/etc/dlp-agent/agentd.conf
need_restore=1
cmake -S "$src" -B "$build" "-DDLP_PACKAGE_VERSION=$new_version" >/dev/null
cmake --build "$build" -j "$jobs" --target dlp-package-artifacts >/dev/null
(cd "$build" && cpack -B "$work/v2" >/dev/null)
cmake -S "$src" -B "$build" "-DDLP_PACKAGE_VERSION=$restore_version" >/dev/null
cmake --build "$build" -j "$jobs" --target dlp-package-artifacts >/dev/null
need_restore=
new_debs=("$(ls "$work"/v2/dlp-agent_"$new_version"_*.deb)")
if [ "$with_tray" = ON ]; then new_debs+=("$(ls "$work"/v2/dlp-tray_"$new_version"_*.deb)"); fi
# The service keeps running through the upgrade; systemd's postinst would restart it, here the
# test does (postinst only touches the service when systemd is PID 1).
apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold "${new_debs[@]}" \
  >"$work/apt-upgrade.log" 2>&1 || { cat "$work/apt-upgrade.log"; fail "upgrade"; }
expect_version dlp-agent "$new_version"
grep -q "local edit kept" /etc/dlp-agent/agentd.conf || fail "the edited conffile was replaced"
echo "  ok  edited /etc/dlp-agent/agentd.conf kept"
others=$(find /var/lib/dlp-agent ! -user dlp-agent | head -3)
[ -z "$others" ] || fail "the upgrade left files in /var/lib/dlp-agent that are not dlp-agent's: $others"
echo "  ok  the upgrade handed /var/lib/dlp-agent to dlp-agent"
check_gone "$legacy"
check_file /var/lib/dlp-agent/bundles/fleet-a.dlpb
cmp -s /var/lib/dlp-agent/bundles/fleet-a.dlpb "$work/v1-default.dlpb" ||
  fail "the legacy download was not the one moved"
echo "  ok  the root-era download moved to the first slot"
start_daemon
dlp-agentctl status | tee "$work/status2.txt"
v1=$(sed -n 's/.*dlp-agent-default version \([0-9]*\).*/\1/p' "$work/status1.txt" | head -1)
v2=$(sed -n 's/.*dlp-agent-default version \([0-9]*\).*/\1/p' "$work/status2.txt" | head -1)
[ -n "$v2" ] && [ "$v2" -gt "${v1:-0}" ] || fail "upgraded bundle not active (before '$v1', after '$v2')"
echo "  ok  bundle version $v1 -> $v2"
rc=0; echo "$secret" | dlp-agentctl scan --destination chatgpt.com || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "scan after upgrade: exit $rc"
dlp-agentctl audit verify || fail "audit verify after upgrade"
after=$(dlp-agentctl audit export --format ndjson | wc -l)
[ "$after" -gt "$incidents" ] || fail "audit log lost incidents across the upgrade ($incidents -> $after)"
echo "  ok  audit log kept across the upgrade ($incidents -> $after incidents)"

# ---- 4b. Fleet: a directory source, downloads in the state directory, fleet state in status --
log "rule update from a directory source as dlp-agent; fleet state in status"
key=${DLP_RELEASE_KEY:-$build/packaging/release-work/dev-release.key}
install -d -m 0755 "$work/usb"
chmod 0755 "$work"
dlp-rules build "$src/rules/packs" --key "$key" --version 5000 --name dlp-agent-fleet-test \
  --out "$work/usb/current.dlpb" >/dev/null
chmod 0644 "$work/usb/current.dlpb"
printf 'update-url = %s\nupdate-interval = 2\nsiem = tcp://127.0.0.1:9\nsiem-max-backoff = 2\n' \
  "$work/usb" >>/etc/dlp-agent/agentd.conf
stop_daemon
start_daemon
ok=
for _ in $(seq 1 150); do
  dlp-agentctl status --json >"$work/status3.json"
  if python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["bundle"]["version"]==5000 else 1)' "$work/status3.json"; then ok=1; break; fi
  sleep 0.2
done
[ -n "$ok" ] || { cat "$work/status3.json"; tail -20 "$work/agentd.log"; fail "the bundle from the directory source was not activated"; }
sleep 0.5  # the updater reports once the bundle manager has answered
dlp-agentctl status --json >"$work/status3.json"
python3 - "$work/status3.json" <<'PYEOF' || { cat "$work/status3.json"; fail "fleet state in status"; }
import json, sys
s = json.load(open(sys.argv[1]))
u, f = s["fleet"]["updates"], s["fleet"]["siem"]
assert u["last_result"] in ("installed", "not_modified") and u["next_check"], u
assert u["installed_version"] == 5000, u
assert f["collector"] == "tcp://127.0.0.1:9" and f["connected"] is False and not f["disabled"], f
assert f["backlog"] >= 1 and f["last_error"], f
print("  ok  status: updates", u["last_result"], u["message"], "next", u["next_check"],
      "| siem", f["collector"], "connected", f["connected"], "backlog", f["backlog"])
PYEOF
dlp-agentctl status | grep -E '^(updates|siem|  )' || true
slot=$(ls /var/lib/dlp-agent/bundles/fleet-?.dlpb | head -1)
cmp -s "$slot" "$work/usb/current.dlpb" || fail "the download is not in a slot of /var/lib/dlp-agent/bundles"
[ "$(ls /var/lib/dlp-agent/bundles/fleet-?.dlpb | wc -l)" = 1 ] || fail "the older slot was not removed"
[ "$(stat -c %U "$slot")" = dlp-agent ] || fail "$slot is not dlp-agent's"
[ ! -e /etc/dlp-agent/bundles/.staging ] || fail "the updater wrote into /etc/dlp-agent/bundles"
for f in update-state.json siem-cursor.json; do
  [ "$(stat -c %U /var/lib/dlp-agent/$f)" = dlp-agent ] || fail "/var/lib/dlp-agent/$f is not dlp-agent's"
done
echo "  ok  $slot (dlp-agent's), update-state.json and siem-cursor.json written by the service user"

# ---- 5. Remove: binaries go, configuration and the audit log stay -----------------------------
log "remove"
stop_daemon
apt-get remove -y dlp-tray dlp-agent >"$work/apt-remove.log" 2>&1 || { cat "$work/apt-remove.log"; fail "remove"; }
check_gone /usr/bin/dlp-agentd
check_gone /lib/systemd/system/dlp-agentd.service
check_file /var/lib/dlp-agent/audit.db
check_file /etc/dlp-agent/agentd.conf
dpkg-query -W -f='${db:Status-Abbrev}\n' dlp-agent | grep -q '^rc' || fail "dlp-agent is not in state rc"

# ---- 6. Purge: configuration and state go ---------------------------------------------------
log "purge"
dpkg --purge dlp-tray dlp-agent >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge"; }
for f in /etc/dlp-agent /var/lib/dlp-agent /run/dlp-agent /etc/chromium/policies/managed/dlp-agent.json \
         /etc/chromium/native-messaging-hosts/com.vn_dlp.agent.json /etc/opt/chrome/policies/managed/dlp-agent.json \
         /etc/opt/edge/native-messaging-hosts/com.vn_dlp.agent.json /etc/firefox/policies/policies.json \
         /etc/firefox-esr/dlp-agent.js /usr/lib/mozilla/native-messaging-hosts/com.vn_dlp.agent.json \
         /usr/share/dlp-agent /etc/xdg/autostart/dlp-tray.desktop; do
  check_gone "$f"
done
if dpkg-query -W dlp-agent >/dev/null 2>&1 && dpkg-query -W -f='${db:Status-Abbrev}' dlp-agent | grep -qv '^un'; then
  fail "dlp-agent still known to dpkg after purge"
fi
getent passwd dlp-agent >/dev/null || fail "purge removed the dlp-agent system user (Debian keeps system users)"
echo "  ok  the dlp-agent system user stays (owns nothing any more)"
rm -rf "$work"
log "PASS: build, install, files, service as dlp-agent, scans, root-era upgrade, fleet, remove, purge"
