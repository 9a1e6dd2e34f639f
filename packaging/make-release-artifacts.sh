#!/bin/bash
# Builds what the dlp-agent package ships besides the binaries, into OUT (a tree rooted at /):
#   usr/share/dlp-agent/bundles/dlp-agent-default.dlpb   rules/packs signed into a bundle
#   etc/dlp-agent/trusted-keys/dlp-agent-release.pub     the public key that signed it
#   usr/share/dlp-agent/extension/{chromium,firefox}/    the unpacked extension (extension/build.mjs)
#   usr/share/dlp-agent/extension/dlp-guard.xpi          Firefox package (force-installed by policy)
#   usr/share/dlp-agent/extension/dlp-guard.crx, updates.xml   Chromium package + update manifest
#                                                        (only with DLP_EXTENSION_KEY or _CRX)
#   etc/{chromium,opt/chrome,opt/edge}/policies/managed/dlp-agent.json,
#   etc/firefox/policies/policies.json, etc/firefox-esr/dlp-agent.js
# Run by the `dlp-package-artifacts` target (packaging/CMakeLists.txt) before cpack.
#
#   make-release-artifacts.sh --source SRC --rules-tool DLP_RULES --version X.Y.Z --out OUT --work DIR
#
# Release secrets and settings (environment):
#   DLP_RELEASE_KEY      Ed25519 private key (dlp-rules keygen) that signs the default bundle; its
#                        public half must sit beside it as *.pub. A RELEASE BUILD MUST SET IT.
#                        Unset: a development key is made once per build directory (WORK/dev-release.*)
#                        and agents trust that key: fine for tests, never for workstations.
#   DLP_BUNDLE_VERSION   bundle version (default: from the package version, MAJOR*1000000 +
#                        MINOR*1000 + PATCH, far below the officers' date-based versions, so a
#                        package upgrade never overrides a bundle an officer has deployed).
#   DLP_EXTENSION_KEY    PEM RSA private key of the Chromium extension (the half of the public
#                        `key` in extension/build.mjs): signs dlp-guard.crx. Or DLP_EXTENSION_CRX:
#                        an already signed CRX of this version.
#   DLP_EXTENSION_UPDATE_URL  update manifest named in the Chromium-family force-install policy
#                        (default file:///usr/share/dlp-agent/extension/updates.xml).
#   DLP_FIREFOX_XPI      an XPI signed by Mozilla (AMO, unlisted) to ship instead of the unsigned
#                        one; then signature checking stays on in Firefox ESR.
set -euo pipefail

src= rules_tool= version= out= work=
while [ $# -gt 0 ]; do
  case "$1" in
    --source) src=$2; shift 2 ;;
    --rules-tool) rules_tool=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "make-release-artifacts: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$src" ] && [ -x "$rules_tool" ] && [ -n "$version" ] && [ -n "$out" ] && [ -n "$work" ] || {
  echo "usage: $0 --source SRC --rules-tool DLP_RULES --version X.Y.Z --out OUT --work DIR" >&2; exit 2; }
command -v node >/dev/null || { echo "make-release-artifacts: node is needed to build the extension" >&2; exit 1; }
command -v zip >/dev/null || { echo "make-release-artifacts: zip is needed to pack the XPI" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$work" "$out/usr/share/dlp-agent/bundles" "$out/etc/dlp-agent/trusted-keys" \
  "$out/usr/share/dlp-agent/extension"
share=$out/usr/share/dlp-agent

# ---- The default signed bundle and its key ------------------------------------------------
if [ -n "${DLP_RELEASE_KEY:-}" ]; then
  key=$DLP_RELEASE_KEY
  pub=${key%.key}.pub
  [ -f "$key" ] && [ -f "$pub" ] || { echo "DLP_RELEASE_KEY=$key: need $key and $pub" >&2; exit 1; }
else
  key=$work/dev-release.key pub=$work/dev-release.pub
  if [ ! -f "$key" ]; then
    "$rules_tool" keygen --out "$work/dev-release" >/dev/null
    echo "make-release-artifacts: WARNING: DLP_RELEASE_KEY unset; signed with a development key" \
         "($key). Release builds must set DLP_RELEASE_KEY." >&2
  fi
fi
IFS=. read -r major minor patch <<<"${version%%[-~+]*}"
bundle_version=${DLP_BUNDLE_VERSION:-$(( ${major:-0} * 1000000 + ${minor:-0} * 1000 + ${patch:-0} ))}
[ "$bundle_version" -gt 0 ] || bundle_version=1
"$rules_tool" build "$src/rules/packs" --key "$key" --version "$bundle_version" \
  --name dlp-agent-default --out "$share/bundles/dlp-agent-default.dlpb" >/dev/null
install -m 0644 "$pub" "$out/etc/dlp-agent/trusted-keys/dlp-agent-release.pub"
chmod 0644 "$share/bundles/dlp-agent-default.dlpb"

# ---- The extension ------------------------------------------------------------------------
ext=$share/extension
node "$src/extension/build.mjs" --out "$ext" >/dev/null
find "$ext" -type d -exec chmod 0755 {} + ; find "$ext" -type f -exec chmod 0644 {} +
ext_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' \
  "$ext/chromium/manifest.json")
# Fixed timestamps so the archives of one source tree are the same bytes.
find "$ext" -exec touch -h -d @"${SOURCE_DATE_EPOCH:-1700000000}" {} +
if [ -n "${DLP_FIREFOX_XPI:-}" ]; then
  install -m 0644 "$DLP_FIREFOX_XPI" "$ext/dlp-guard.xpi"
  xpi_signed=1
else
  (cd "$ext/firefox" && find . -type f | LC_ALL=C sort | zip -q -X -D -@ "$work/dlp-guard.xpi.new")
  mv "$work/dlp-guard.xpi.new" "$ext/dlp-guard.xpi"; chmod 0644 "$ext/dlp-guard.xpi"
  xpi_signed=0
fi

update_url=${DLP_EXTENSION_UPDATE_URL:-file:///usr/share/dlp-agent/extension/updates.xml}
crx=
if [ -n "${DLP_EXTENSION_CRX:-}" ]; then
  install -m 0644 "$DLP_EXTENSION_CRX" "$ext/dlp-guard.crx"; crx=1
elif [ -n "${DLP_EXTENSION_KEY:-}" ]; then
  node "$src/packaging/crx3.mjs" --dir "$ext/chromium" --key "$DLP_EXTENSION_KEY" --out "$ext/dlp-guard.crx"
  chmod 0644 "$ext/dlp-guard.crx"; crx=1
fi
if [ -n "$crx" ]; then
  crx_id=$(node "$src/packaging/crx3.mjs" --id-of "$ext/dlp-guard.crx")
  if [ "$crx_id" != fkildceildknkhoiinifeenocliiglgl ]; then
    echo "make-release-artifacts: WARNING: the CRX's id is $crx_id, not fkildceildknkhoiinifeenocliiglgl" \
         "(DLP_EXTENSION_KEY is not the extension's key): the native host will refuse it" >&2
  fi
  cat >"$ext/updates.xml" <<EOF
<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='$crx_id'>
    <updatecheck codebase='file:///usr/share/dlp-agent/extension/dlp-guard.crx' version='$ext_version' />
  </app>
</gupdate>
EOF
  chmod 0644 "$ext/updates.xml"
fi

# ---- Browser policies ---------------------------------------------------------------------
chromium_policy() {
  cat <<EOF
{
  "ExtensionInstallForcelist": [
    "fkildceildknkhoiinifeenocliiglgl;$update_url"
  ]
}
EOF
}
for d in etc/chromium etc/opt/chrome etc/opt/edge; do
  mkdir -p "$out/$d/policies/managed"
  chromium_policy >"$out/$d/policies/managed/dlp-agent.json"
done
firefox_policy() {
  cat <<EOF
{
  "policies": {
    "ExtensionSettings": {
      "dlp-guard@vn-dlp": {
        "installation_mode": "force_installed",
        "install_url": "file:///usr/share/dlp-agent/extension/dlp-guard.xpi"
      }
    }
  }
}
EOF
}
# Firefox (Debian's firefox-esr included) reads /etc/firefox/policies/policies.json before its
# distribution/ directory; Debian's /usr/lib/firefox-esr/distribution is a link owned by firefox-esr.
mkdir -p "$out/etc/firefox/policies" "$out/etc/firefox-esr"
firefox_policy >"$out/etc/firefox/policies/policies.json"
{
  echo '// dlp-agent: settings for the force-installed leak-prevention extension (dlp-guard@vn-dlp).'
  echo '// Debian reads every *.js file in /etc/firefox-esr as default preferences.'
  if [ "$xpi_signed" = 1 ]; then
    echo '// The packaged XPI is signed by Mozilla: add-on signature checking stays on.'
  else
    echo '// The packaged XPI is not signed by Mozilla (release builds may ship a signed one: see'
    echo '// /usr/share/doc/dlp-agent/ADMIN.md). Firefox ESR installs it only with signature'
    echo '// checking off; the enterprise policy still decides which add-ons may be installed.'
    echo 'pref("xpinstall.signatures.required", false, locked);'
  fi
} >"$out/etc/firefox-esr/dlp-agent.js"
find "$out/etc" -type f -exec chmod 0644 {} +
find "$out" -type d -exec chmod 0755 {} +

echo "release artifacts in $out: bundle version $bundle_version (key $(basename "$pub")), extension $ext_version," \
     "xpi $([ "$xpi_signed" = 1 ] && echo signed || echo unsigned), crx $([ -n "$crx" ] && echo yes || echo 'none (no DLP_EXTENSION_KEY)')"
