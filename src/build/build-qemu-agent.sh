#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the bare-metal QEMU agent (src/qemu), or finds it in the cache, and
# prints the absolute path of agent.elf as the last line of stdout.  Progress
# goes to stderr.
#
#   build-qemu-agent.sh
#
# The agent lands in ${LOCKSTEP_CACHE:-~/.cache/lockstep}/qemu-agent/<key>/,
# where the key hashes the agent sources, this script and the compiler, so a
# second call with nothing changed does no work.  CROSS_COMPILE picks another
# cross toolchain (default aarch64-linux-gnu-, Debian's gcc-aarch64-linux-gnu).

set -euo pipefail

say() { echo "lockstep: $*" >&2; }
die() { echo "lockstep: $*" >&2; exit 2; }

case ${1:-} in
-h | --help)
	echo "usage: build-qemu-agent.sh" >&2
	exit 0
	;;
"") ;;
*) die "build-qemu-agent.sh takes no arguments: $1" ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../qemu" && pwd)
CACHE=${LOCKSTEP_CACHE:-$HOME/.cache/lockstep}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
CC=${CROSS_COMPILE}gcc

command -v "$CC" >/dev/null ||
	die "no AArch64 cross compiler '$CC': apt-get install gcc-aarch64-linux-gnu (or run src/build/setup.sh)"
command -v make >/dev/null || die "no make: apt-get install make"

CC_VERSION=$("$CC" --version 2>/dev/null | sed -n 1p)
SRC_HASH=$(cd "$SRC" && find . -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \
	-o -name '*.ld' -o -name Makefile \) | LC_ALL=C sort | while read -r f; do
	printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
done | sha256sum | cut -c1-64)
SCRIPT_HASH=$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-64)
KEY=$(printf '%s\n' "qemu-agent v1" "$CC_VERSION" "$SRC_HASH" "$SCRIPT_HASH" | sha256sum | cut -c1-32)

mkdir -p "$CACHE/qemu-agent"
CACHE=$(cd "$CACHE" && pwd)
OUT=$CACHE/qemu-agent/$KEY
ELF=$OUT/agent.elf

if [ -f "$ELF" ]; then
	echo "$ELF"
	exit 0
fi

exec 9>"$OUT.lock"
flock 9
if [ ! -f "$ELF" ]; then
	rm -rf "$OUT"
	mkdir -p "$OUT"
	LOG=$OUT/build.log
	say "building the QEMU agent in $OUT"
	if ! make -C "$SRC" O="$OUT/obj" CROSS_COMPILE="$CROSS_COMPILE" >"$LOG" 2>&1; then
		cat "$LOG" >&2
		die "the QEMU agent does not build: see $LOG"
	fi
	mv "$OUT/obj/agent.elf" "$ELF"
fi
exec 9>&-

echo "$ELF"
