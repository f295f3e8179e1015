#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds lockstep-agent, or finds it in the cache, and prints the absolute
# path of the binary as the last line of stdout.  Progress goes to stderr.
#
#   build-agent.sh [--kernel-src DIR] [--sanitize] [--selftest]
#
# The driver files come from Debian's linux-source-6.1 tarball, or from the
# kernel tree DIR.  Only the files the agent compiles are taken, into
# ${LOCKSTEP_CACHE:-~/.cache/lockstep}/kernel-src/, and compiled unmodified
# over src/agent/shim.  The agent lands in .../agent/<key>/, where the key
# hashes every input (driver files, agent sources, this script, compiler,
# flags), so a second call with nothing changed does no work.
#
# --selftest builds lockstep-selftest instead, under its own key: the same
# driver files with the kernel's in-file selftests on, run as at boot; it
# exits 0 when they all pass (see src/agent/selftest.c).

set -euo pipefail

say() { echo "lockstep: $*" >&2; }
die() { echo "lockstep: $*" >&2; exit 2; }

usage() {
	echo "usage: build-agent.sh [--kernel-src DIR] [--sanitize] [--selftest]" >&2
}

KERNEL_SRC=
SANITIZE=
SELFTEST=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-src)
		[ $# -ge 2 ] || die "--kernel-src needs a directory: the top of a kernel tree"
		KERNEL_SRC=$2
		shift 2
		;;
	--kernel-src=*)
		KERNEL_SRC=${1#*=}
		shift
		;;
	--sanitize)
		SANITIZE=1
		shift
		;;
	--selftest)
		SELFTEST=1
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage
		die "unknown argument: $1"
		;;
	esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT_SRC=$(cd "$HERE/../agent" && pwd)
CACHE=${LOCKSTEP_CACHE:-$HOME/.cache/lockstep}
CC=${CC:-gcc}
DEBIAN_PKG=linux-source-6.1
DEBIAN_TARBALL=/usr/src/$DEBIAN_PKG.tar.xz

# What the agent compiles, relative to the top of a kernel tree.  The DART
# file is absent from trees before 5.18, RTKit from trees before 5.19; the
# Makefile then leaves them out.
DRIVER_FILES=(
	drivers/iommu/io-pgtable.c
	drivers/iommu/io-pgtable-arm.c
	drivers/iommu/io-pgtable-arm.h
	drivers/iommu/io-pgtable-dart.c
	drivers/soc/apple/rtkit.c
	drivers/soc/apple/rtkit-crashlog.c
	drivers/soc/apple/rtkit-internal.h
	include/linux/io-pgtable.h
	include/linux/soc/apple/rtkit.h
	include/linux/apple-mailbox.h
	include/linux/bitfield.h
	include/linux/sizes.h
	Makefile
)
# The staged copy of the Debian tarball is named after this list too.
FILES_TAG=$(printf '%s\n' "${DRIVER_FILES[@]}" | sha256sum | cut -c1-8)

FLAGS="-std=gnu11 -O1 -g -fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks -Wall"

command -v "$CC" >/dev/null || die "no C compiler '$CC': apt-get install gcc make"
command -v make >/dev/null || die "no make: apt-get install make"

# "X.Y.Z[EXTRA]" from the top-level Makefile of a tree.
kernel_version() {
	awk -F' *= *' '
		/^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION) *=/ && !seen[$1]++ { v[$1] = $2 }
		END { printf "%s.%s.%s%s", v["VERSION"], v["PATCHLEVEL"], v["SUBLEVEL"], v["EXTRAVERSION"] }
	' "$1/Makefile" 2>/dev/null || echo unknown
}

# The strings end up inside C string literals passed through make and sh.
plain() {
	printf '%s' "$1" | tr -d '"'"'"'\\$`'
}

# sha256 over the named files under a directory (names included).
hash_files() {
	local dir=$1
	shift
	(cd "$dir" && for f in "$@"; do
		if [ -f "$f" ]; then
			printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
		fi
	done) | sha256sum | cut -c1-64
}

mkdir -p "$CACHE/kernel-src" "$CACHE/agent"
CACHE=$(cd "$CACHE" && pwd)

if [ -n "$KERNEL_SRC" ]; then
	[ -d "$KERNEL_SRC" ] ||
		die "--kernel-src $KERNEL_SRC: not a Linux source tree (no such directory); pass the top of a kernel tree"
	for f in drivers/iommu/io-pgtable-arm.c include/linux/io-pgtable.h; do
		[ -f "$KERNEL_SRC/$f" ] ||
			die "--kernel-src $KERNEL_SRC: not a Linux source tree (no $f); pass the top of a kernel tree"
	done
	TREE=$(cd "$KERNEL_SRC" && pwd)
	STAGE=$CACHE/kernel-src/tree-$(hash_files "$TREE" "${DRIVER_FILES[@]}" | cut -c1-24)
	if [ ! -f "$STAGE/.complete" ]; then
		rm -rf "$STAGE"
		for f in "${DRIVER_FILES[@]}"; do
			if [ -f "$TREE/$f" ]; then
				mkdir -p "$STAGE/$(dirname "$f")"
				cp "$TREE/$f" "$STAGE/$f"
			fi
		done
		touch "$STAGE/.complete"
	fi
	DRIVER_VERSION="linux $(kernel_version "$TREE") (tree $TREE)"
else
	[ -f "$DEBIAN_TARBALL" ] ||
		die "$DEBIAN_TARBALL not found: apt-get install $DEBIAN_PKG (or pass --kernel-src DIR)"
	PKG_VERSION=$(dpkg-query -W -f='${Version}' "$DEBIAN_PKG" 2>/dev/null || echo unknown)
	STAGE=$CACHE/kernel-src/debian-$DEBIAN_PKG-$PKG_VERSION-$(stat -c '%s-%Y' "$DEBIAN_TARBALL")-$FILES_TAG
	if [ ! -f "$STAGE/.complete" ]; then
		exec 8>"$STAGE.lock"
		flock 8
		if [ ! -f "$STAGE/.complete" ]; then
			say "extracting the driver files from $DEBIAN_TARBALL"
			TMP=$(mktemp -d "$CACHE/kernel-src/.extract.XXXXXX")
			MEMBERS=("${DRIVER_FILES[@]/#/$DEBIAN_PKG/}")
			tar -xJf "$DEBIAN_TARBALL" -C "$TMP" "${MEMBERS[@]}" ||
				die "cannot extract the driver files from $DEBIAN_TARBALL"
			rm -rf "$STAGE"
			mv "$TMP/$DEBIAN_PKG" "$STAGE"
			rmdir "$TMP"
			touch "$STAGE/.complete"
		fi
		exec 8>&-
	fi
	DRIVER_VERSION="linux $(kernel_version "$STAGE") (debian $DEBIAN_PKG $PKG_VERSION)"
fi

CC_VERSION=$("$CC" --version 2>/dev/null | sed -n 1p)
DRIVER_HASH=$(hash_files "$STAGE" "${DRIVER_FILES[@]}")
AGENT_FILES=$(cd "$AGENT_SRC" && find . -type f \( -name '*.c' -o -name '*.h' -o -name Makefile \) \
	-not -path './build/*' | LC_ALL=C sort)
# shellcheck disable=SC2086
AGENT_HASH=$(hash_files "$AGENT_SRC" $AGENT_FILES)
SCRIPT_HASH=$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-64)

if [ -n "$SELFTEST" ]; then
	PROGRAM=lockstep-selftest
	TARGET=selftest
else
	PROGRAM=lockstep-agent
	TARGET=
fi

KEY=$(printf '%s\n' "$PROGRAM v1" "$CC_VERSION" "$FLAGS" "sanitize=$SANITIZE" \
	"$DRIVER_VERSION" "$DRIVER_HASH" "$AGENT_HASH" "$SCRIPT_HASH" | sha256sum | cut -c1-32)
OUT=$CACHE/agent/$KEY
BIN=$OUT/$PROGRAM

if [ -x "$BIN" ]; then
	echo "$BIN"
	exit 0
fi

exec 9>"$OUT.lock"
flock 9
if [ ! -x "$BIN" ]; then
	SAN_NOTE=
	[ -n "$SANITIZE" ] && SAN_NOTE=" -fsanitize=address,undefined"
	AGENT_BUILD="$CC_VERSION; $FLAGS$SAN_NOTE; agent sources sha256:${AGENT_HASH:0:16}; driver files sha256:${DRIVER_HASH:0:16}"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	LOG=$OUT/build.log
	say "building $PROGRAM for $DRIVER_VERSION${SANITIZE:+ with sanitizers} in $OUT"
	# shellcheck disable=SC2086
	if ! make -C "$AGENT_SRC" -j"$(nproc 2>/dev/null || echo 2)" $TARGET \
		KSRC="$STAGE" O="$OUT/obj" CC="$CC" CFLAGS="$FLAGS" SANITIZE="$SANITIZE" \
		LOCKSTEP_DRIVER_VERSION="$(plain "$DRIVER_VERSION")" \
		LOCKSTEP_AGENT_BUILD="$(plain "$AGENT_BUILD")" >"$LOG" 2>&1; then
		if [ -n "$KERNEL_SRC" ]; then
			die "the driver in $KERNEL_SRC does not build: see $LOG"
		fi
		die "the agent does not build against $DRIVER_VERSION: see $LOG"
	fi
	if grep -q 'warning:' "$LOG"; then
		say "the build had warnings: see $LOG"
	fi
	if [ -f "$OUT/obj/$PROGRAM.cov-sites" ]; then
		mv "$OUT/obj/$PROGRAM.cov-sites" "$BIN.cov-sites"
	fi
	mv "$OUT/obj/$PROGRAM" "$BIN"
fi
exec 9>&-

echo "$BIN"
