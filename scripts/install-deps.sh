#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, skipping what is already there.
# Everything comes from Debian's own packages; nothing is downloaded from anywhere else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhyperscan-dev libicu-dev libyaml-cpp-dev nlohmann-json3-dev libsimdjson-dev
  libsqlite3-dev libssl-dev catch2 libre2-dev libpcre2-dev ripgrep
  # dlp-tray (Qt 6) and its Linguist translations
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  # Real-client tests: Debian's browsers, an X server, clipboard and input tools, screenshots
  chromium xvfb xauth xclip xdotool x11-apps imagemagick firefox-esr trayer fonts-dejavu-core
  zip
  # Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # Fleet: rule updates over HTTPS (libcurl), and the real servers its tests run against
  libcurl4-openssl-dev nginx-light rsyslog rsyslog-openssl openssl
  # Debian packages (packaging/): dpkg-shlibdeps for CPack, lintian for the checks
  dpkg-dev lintian
)
# The extension's tests run on Node; the machine's own Node is used when there is one.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Hyperscan is x86-only; Vectorscan has the same API and builds the same code elsewhere.
case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
  amd64|x86_64) ;;
  *) packages=("${packages[@]/libhyperscan-dev/libvectorscan-dev}") ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all build dependencies are present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
