#!/usr/bin/env bash
# A busybox with the applets Wolfi's busybox has and Debian's leaves out (adduser, addgroup, deluser,
# delgroup, install, nohup...), for the stand-ins and for tests/rewrite/test_busybox_users.py.
# Debian's busybox is built without adduser/addgroup (Debian has its own adduser); the migrator turns
# useradd/groupadd into busybox's, so the stand-ins must run the real applets, not an imitation.
#
#   scripts/standins/busybox.sh OUTDIR
#
# Builds from Debian bookworm's busybox source package (downloaded from the Debian archive, checked
# against the hashes below, Debian's patches applied), with Debian's own static configuration plus
# the applets in WOLFI_APPLETS: a static binary per architecture, OUTDIR/busybox-amd64 and
# OUTDIR/busybox-arm64 (the foreign one with Debian's cross compiler). Nothing is rebuilt when both
# exist. Needs root for apt-get when the compilers are missing. Progress goes to stderr.
set -euo pipefail

VERSION=1.35.0
DEBIAN_REVISION=4+deb12u1
ARCHIVES=(http://deb.debian.org/debian http://snapshot.debian.org/archive/debian/20250520T000000Z)
declare -A SHA256=(
  [busybox_${VERSION}.orig.tar.bz2]=faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694
  [busybox_${VERSION}-${DEBIAN_REVISION}.debian.tar.xz]=1cacbe095ef4880ea7879933c8e3c5075d1527cd6fbcb626a9b41e5daefd1a46
)
# config symbols of applets (and the features they need) that Wolfi's busybox has and Debian's
# static configuration leaves out
WOLFI_APPLETS=(
  ADDUSER ADDGROUP DELUSER DELGROUP FEATURE_ADDUSER_TO_GROUP FEATURE_DEL_USER_FROM_GROUP
  FEATURE_CHECK_NAMES ADD_SHELL REMOVE_SHELL CHPASSWD CRYPTPW
  INSTALL FEATURE_INSTALL_LONG_OPTIONS NOHUP PRINTENV SPLIT COMM CKSUM NICE SUM
  FLOCK FSYNC MOUNTPOINT PGREP PKILL PSTREE PWDX FUSER LSOF IPCRM IPCS CHRT
)
# what Debian's static busybox does and Wolfi's does not: run an applet in place of the program a
# command names (`wget` in sh would be busybox's even where GNU wget is installed); have package
# managers' applets (validate would report dpkg or rpm in a distroless image)
NOT_WOLFI=(FEATURE_PREFER_APPLETS FEATURE_SH_STANDALONE DPKG DPKG_DEB RPM RPM2CPIO)
# the applets that must be there afterwards (the migrator's user and group translations use them)
REQUIRED=(sh adduser addgroup deluser delgroup id grep chown install nohup)

OUT=${1:?usage: busybox.sh OUTDIR}
say() { echo "busybox.sh: $*" >&2; }

native=$(dpkg --print-architecture)
case "$native" in
  amd64) declare -A TOOLCHAIN=([amd64]="" [arm64]=aarch64-linux-gnu-) CROSS_PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
  arm64) declare -A TOOLCHAIN=([arm64]="" [amd64]=x86-64-linux-gnu-) CROSS_PKGS=(gcc-x86-64-linux-gnu libc6-dev-amd64-cross) ;;
  *) say "unsupported machine architecture $native"; exit 1 ;;
esac

if [[ -x $OUT/busybox-amd64 && -x $OUT/busybox-arm64 ]]; then exit 0; fi

ensure_tools() {
  local missing=() p
  for p in gcc make patch bzip2 xz-utils libc6-dev "${CROSS_PKGS[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || {
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    }
  fi
}

fetch() { # file -> $SRC/file, checked
  local file=$1 base
  if [[ -f $SRC/$file ]] && echo "${SHA256[$file]}  $SRC/$file" | sha256sum -c --quiet - 2>/dev/null; then return 0; fi
  for base in "${ARCHIVES[@]}"; do
    say "downloading $file from $base"
    if curl -fsS -m 300 -o "$SRC/$file.part" "$base/pool/main/b/busybox/$file" &&
      echo "${SHA256[$file]}  $SRC/$file.part" | sha256sum -c --quiet -; then
      mv "$SRC/$file.part" "$SRC/$file"
      return 0
    fi
  done
  rm -f "$SRC/$file.part"
  say "cannot download $file (or its hash differs)"
  exit 1
}

build() { # arch
  local arch=$1 tree
  tree=$(mktemp -d "$WORK/build-$arch.XXXXXX")
  tar -xjf "$SRC/busybox_${VERSION}.orig.tar.bz2" -C "$tree" --strip-components=1
  tar -xJf "$SRC/busybox_${VERSION}-${DEBIAN_REVISION}.debian.tar.xz" -C "$tree"
  local p
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    patch -d "$tree" -p1 -s <"$tree/debian/patches/${p%% *}" >&2
  done <"$tree/debian/patches/series"
  cp "$tree/debian/config/pkg/static" "$tree/.config"
  local sym
  for sym in "${WOLFI_APPLETS[@]}"; do
    sed -i -e "/^# CONFIG_${sym} is not set\$/d" -e "/^CONFIG_${sym}=/d" "$tree/.config"
    echo "CONFIG_${sym}=y" >>"$tree/.config"
  done
  for sym in "${NOT_WOLFI[@]}"; do
    sed -i -e "s/^CONFIG_${sym}=y\$/# CONFIG_${sym} is not set/" "$tree/.config"
  done
  # the id ranges of Wolfi's adduser/addgroup (Debian's configuration has 0 for them: no applet uses them)
  for sym in LAST_ID=256000 FIRST_SYSTEM_ID=100 LAST_SYSTEM_ID=999; do
    sed -i -e "/^CONFIG_${sym%%=*}=/d" "$tree/.config"
    echo "CONFIG_${sym}" >>"$tree/.config"
  done
  say "building busybox $VERSION for $arch"
  make -C "$tree" -s CROSS_COMPILE="${TOOLCHAIN[$arch]}" oldconfig < <(yes "") >/dev/null
  make -C "$tree" -s -j"$(nproc)" CROSS_COMPILE="${TOOLCHAIN[$arch]}" busybox >&2
  install -m 0755 "$tree/busybox" "$OUT/busybox-$arch.new"
  rm -rf "$tree"
}

check() { # arch: a static binary with the required applets (the foreign one runs through QEMU when registered)
  local arch=$1 listed a
  [[ $arch == "$native" ]] || return 0
  listed=$("$OUT/busybox-$arch.new" --list)
  for a in "${REQUIRED[@]}"; do
    grep -qx "$a" <<<"$listed" || { say "the $arch busybox lacks the $a applet"; exit 1; }
  done
}

mkdir -p "$OUT"
SRC="$(dirname "$OUT")/src"
mkdir -p "$SRC"
WORK=$(mktemp -d "$(dirname "$OUT")/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ensure_tools
for f in "${!SHA256[@]}"; do fetch "$f"; done
for arch in amd64 arm64; do
  build "$arch"
  check "$arch"
done
for arch in amd64 arm64; do mv "$OUT/busybox-$arch.new" "$OUT/busybox-$arch"; done
