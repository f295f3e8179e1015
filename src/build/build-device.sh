#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds what the QEMU `device` target boots, or finds it in the cache, and
# prints the absolute path of a directory holding it as the last line of
# stdout.  Progress goes to stderr.
#
#   build-device.sh
#
# The directory holds:
#   vmlinuz             Debian's arm64 kernel (linux-image-6.1.0-N-arm64-unsigned)
#   initramfs.cpio.gz   busybox (Debian's busybox-static:arm64), /init
#                       (src/kmod/initramfs/init), lockstep.ko built against
#                       that kernel's headers, and lockstep-relay
#   lockstep.ko, lockstep-relay, kernel-release, package-version, build.log
#
# Packages come from Debian with apt, through an apt state of our own under
# ${LOCKSTEP_CACHE:-~/.cache/lockstep}/device/apt (arm64 and the host's
# architecture), so the machine's dpkg and apt configuration are never
# touched and no root is needed.  The kernel is the version of the
# installed linux-source-6.1 when Debian has it for arm64 (the host target
# then runs the same driver sources), else the newest linux-image-arm64.
# LOCKSTEP_DEVICE_KERNEL_VERSION=6.1.x-y picks another.
#
# The build lands in .../device/build/<key>/, where the key hashes the
# kernel package version, the module, relay and init sources, the shared
# agent files, this script and the cross compiler: a second call with
# nothing changed does no work.

set -euo pipefail

say() { echo "lockstep: $*" >&2; }
die() { echo "lockstep: $*" >&2; exit 2; }

case ${1:-} in
-h | --help)
	echo "usage: build-device.sh" >&2
	exit 0
	;;
"") ;;
*) die "build-device.sh takes no arguments: $1" ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KMOD=$(cd "$HERE/../kmod" && pwd)
AGENT=$(cd "$HERE/../agent" && pwd)
CACHE=${LOCKSTEP_CACHE:-$HOME/.cache/lockstep}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}

for tool in "${CROSS_COMPILE}gcc:gcc-aarch64-linux-gnu" make:make cpio:cpio gzip:gzip \
	dpkg-deb:dpkg apt-get:apt flock:util-linux; do
	command -v "${tool%%:*}" >/dev/null ||
		die "no ${tool%%:*}: apt-get install ${tool#*:} (or run src/build/setup.sh)"
done

mkdir -p "$CACHE/device"
CACHE=$(cd "$CACHE" && pwd)
DEV=$CACHE/device
exec 8>"$DEV/.lock"
flock 8

# --- Debian packages, through our own apt state -----------------------------
HOST_ARCH=$(dpkg --print-architecture)
APTDIR=$DEV/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/sources" "$APTDIR/prefs"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$APTDIR/sources/debian.sources"
elif [ -f /etc/apt/sources.list ]; then
	grep -E '^deb ' /etc/apt/sources.list >"$APTDIR/sources/debian.list" ||
		die "/etc/apt/sources.list names no Debian archive; add one, then re-run"
else
	die "no apt sources (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list); this needs a Debian machine"
fi
APT_OPTS=(
	-o "APT::Architecture=$HOST_ARCH"
	-o "APT::Architectures::=$HOST_ARCH" -o "APT::Architectures::=arm64"
	-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::State::status=/dev/null"
	-o "Dir::Cache=$APTDIR/cache" -o "Dir::Cache::archives=$APTDIR/cache/archives"
	-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APTDIR/sources"
	-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$APTDIR/prefs"
	-o "APT::Sandbox::User=$(id -un)" -q
)
apt_get() { apt-get "${APT_OPTS[@]}" "$@"; }
apt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }

# The lists are fetched once, and again only when a wanted version is missing.
refresh_lists() {
	say "fetching Debian's package lists for arm64 into $APTDIR"
	apt_get update >"$APTDIR/update.log" 2>&1 ||
		die "apt-get update failed (see $APTDIR/update.log); check the network and apt sources"
}
{ ls "$APTDIR/lists/"*binary-arm64_Packages* && ls "$APTDIR/lists/"*"binary-${HOST_ARCH}_Packages"*; } >/dev/null 2>&1 ||
	refresh_lists

has_version() { apt_cache show "linux-image-arm64=$1" >/dev/null 2>&1; }
VERSION=${LOCKSTEP_DEVICE_KERNEL_VERSION:-}
if [ -z "$VERSION" ]; then
	VERSION=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || true)
	if [ -n "$VERSION" ] && ! has_version "$VERSION"; then
		refresh_lists
		has_version "$VERSION" || VERSION=
	fi
	if [ -z "$VERSION" ]; then
		VERSION=$(apt_cache policy linux-image-arm64 | sed -n 's/^ *Candidate: //p')
		[ -n "$VERSION" ] && [ "$VERSION" != "(none)" ] ||
			die "Debian offers no linux-image-arm64 in the configured archives; add a Debian archive with arm64 packages"
	fi
elif ! has_version "$VERSION"; then
	refresh_lists
	has_version "$VERSION" ||
		die "LOCKSTEP_DEVICE_KERNEL_VERSION=$VERSION: Debian has no linux-image-arm64 of that version (apt-cache policy linux-image-arm64 lists them)"
fi
IMAGE_PKG=$(apt_cache show "linux-image-arm64=$VERSION" | sed -n 's/^Depends: .*\(linux-image-[0-9][^ ,]*-arm64\).*/\1/p' | head -n1)
[ -n "$IMAGE_PKG" ] || die "cannot tell which kernel linux-image-arm64 $VERSION stands for"
ABI=${IMAGE_PKG#linux-image-}
PKGS=("$IMAGE_PKG-unsigned:arm64=$VERSION" "linux-headers-$ABI:arm64=$VERSION"
	"linux-headers-${ABI%-arm64}-common=$VERSION" "linux-kbuild-6.1:$HOST_ARCH=$VERSION"
	"busybox-static:arm64")

ROOT=$DEV/root-$VERSION
if [ ! -f "$ROOT/.complete" ]; then
	rm -rf "$ROOT" "$DEV/debs-$VERSION"
	mkdir -p "$DEV/debs-$VERSION" "$ROOT"
	say "downloading Debian's arm64 kernel $ABI ($VERSION), its headers and busybox"
	(cd "$DEV/debs-$VERSION" && apt_get download "${PKGS[@]}") >"$DEV/download.log" 2>&1 ||
		die "apt-get download ${PKGS[*]} failed (see $DEV/download.log)"
	for deb in "$DEV/debs-$VERSION"/*.deb; do
		dpkg-deb -x "$deb" "$ROOT"
	done
	# The headers' Makefile names its common half by absolute path.
	sed -i "s#^include /usr/src/#include $ROOT/usr/src/#" "$ROOT/usr/src/linux-headers-$ABI/Makefile"
	rm -rf "$DEV/debs-$VERSION"
	touch "$ROOT/.complete"
fi
KDIR=$ROOT/usr/src/linux-headers-$ABI
CONFIG=$ROOT/boot/config-$ABI
KERNEL=$ROOT/boot/vmlinuz-$ABI
BUSYBOX=$ROOT/bin/busybox
for f in "$KDIR/Makefile" "$CONFIG" "$KERNEL" "$BUSYBOX"; do
	[ -f "$f" ] || die "the unpacked packages in $ROOT lack $f; remove $ROOT and re-run"
done
grep -qx 'CONFIG_IOMMU_IO_PGTABLE_LPAE=y' "$CONFIG" ||
	die "kernel $ABI is built without CONFIG_IOMMU_IO_PGTABLE_LPAE=y: it has no io-pgtable to test"
grep -qw alloc_io_pgtable_ops "$KDIR/Module.symvers" ||
	die "kernel $ABI does not export alloc_io_pgtable_ops to modules"

# --- The module, the relay, the initramfs -----------------------------------
CC_VERSION=$("${CROSS_COMPILE}gcc" --version 2>/dev/null | sed -n 1p)
SRC_HASH=$({
	(cd "$KMOD" && find . -type f ! -path './build/*' | LC_ALL=C sort | xargs sha256sum)
	# The module's Makefile names the host agent's files it builds.
	# shellcheck disable=SC2046
	(cd "$AGENT" && sha256sum $(make -s --no-print-directory -C "$KMOD" shared-files))
	sha256sum <"${BASH_SOURCE[0]}"
} | sha256sum | cut -c1-64)
KEY=$(printf '%s\n' "device v1" "$VERSION" "$CC_VERSION" "$SRC_HASH" | sha256sum | cut -c1-32)
OUT=$DEV/build/$KEY
if [ -f "$OUT/.complete" ]; then
	echo "$OUT"
	exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT"
LOG=$OUT/build.log
say "building lockstep.ko for $ABI and the device initramfs in $OUT"
if ! make -C "$KMOD" BUILD="$OUT/kbuild" KDIR="$KDIR" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
	LOCKSTEP_AGENT_BUILD="lockstep.ko for $ABI ($VERSION), $CC_VERSION, src ${SRC_HASH:0:12}" \
	module relay >"$LOG" 2>&1; then
	tail -n 30 "$LOG" >&2
	die "lockstep.ko does not build against $ABI: see $LOG"
fi
cp "$OUT/kbuild/lockstep.ko" "$OUT/kbuild/lockstep-relay" "$OUT/"

STAGE=$OUT/initramfs
mkdir -p "$STAGE/bin" "$STAGE/lib/modules" "$STAGE/dev" "$STAGE/proc" "$STAGE/sys"
cp "$BUSYBOX" "$STAGE/bin/busybox"
cp "$KMOD/initramfs/init" "$STAGE/init"
cp "$OUT/lockstep.ko" "$STAGE/lib/modules/lockstep.ko"
cp "$OUT/lockstep-relay" "$STAGE/bin/lockstep-relay"
chmod 755 "$STAGE/init" "$STAGE/bin/busybox" "$STAGE/bin/lockstep-relay"
# Owned by root in the archive, whoever builds it; /dev/console comes from the kernel's own.
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9n >"$OUT/initramfs.cpio.gz"
cp "$KERNEL" "$OUT/vmlinuz"
echo "$ABI" >"$OUT/kernel-release"
echo "$VERSION" >"$OUT/package-version"
touch "$OUT/.complete"
echo "$OUT"
