#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, skipping what is already there.
# Everything comes from Debian's own packages; nothing is downloaded from anywhere else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhyperscan-dev libicu-dev libyaml-cpp-dev nlohmann-json3-dev
  libsqlite3-dev libssl-dev catch2
)
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
