#!/bin/sh
# Installs the ccmux release binary for this OS and CPU into ~/.local/bin, after checking its
# SHA-256. Safe to re-run (e.g. from a dotfiles bootstrap). Needs curl, tar and xz.
#   CCMUX_VERSION=v0.1.0   a release tag (default: the latest release)
#   CCMUX_REPO=owner/name  the GitHub repository to download from
#   CCMUX_RELEASE_URL=...  download from this base URL instead of GitHub (mirrors, tests)
#   CCMUX_BIN_DIR=...      install there instead of ~/.local/bin
set -eu
repo=${CCMUX_REPO:-}
if [ -z "$repo" ] && [ -z "${CCMUX_RELEASE_URL:-}" ]; then
  echo "ccmux: set CCMUX_REPO=owner/name, the GitHub repository ccmux is released from" >&2
  exit 2
fi
version=${CCMUX_VERSION:-latest}
bin_dir=${CCMUX_BIN_DIR:-$HOME/.local/bin}

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "ccmux: no release for $(uname -s); on Windows use the .zip" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  arm64 | aarch64) arch=arm64 ;;
  *) echo "ccmux: no release for CPU $(uname -m)" >&2; exit 1 ;;
esac
variant=
if [ "$os" = linux ]; then
  if ls /lib/ld-musl-* >/dev/null 2>&1 || (ldd --version 2>&1 | grep -qi musl); then
    variant=-musl
  elif [ "$arch" = x64 ] && ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    variant=-baseline
  fi
fi
name="ccmux-$os-$arch$variant.tar.xz"

if [ -n "${CCMUX_RELEASE_URL:-}" ]; then base=$CCMUX_RELEASE_URL
elif [ "$version" = latest ]; then base="https://github.com/$repo/releases/latest/download"
else base="https://github.com/$repo/releases/download/$version"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL -o "$tmp/$name" "$base/$name"
curl -fsSL -o "$tmp/$name.sha256" "$base/$name.sha256"
if command -v sha256sum >/dev/null 2>&1; then check="sha256sum -c"; else check="shasum -a 256 -c"; fi
(cd "$tmp" && $check "$name.sha256" >/dev/null) || { echo "ccmux: checksum mismatch for $name" >&2; exit 1; }
mkdir -p "$bin_dir"
tar -xJf "$tmp/$name" -C "$tmp"
mv -f "$tmp/ccmux" "$bin_dir/ccmux"
echo "ccmux $("$bin_dir/ccmux" --version) installed in $bin_dir/ccmux"
