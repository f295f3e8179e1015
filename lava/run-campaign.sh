#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# One Lockstep campaign against a board, from a LAVA test shell (the test
# definition lava/lockstep-campaign.yaml), reported as one lava-test-case per
# finding class.
#
#   run-campaign.sh [--format F] [--granule G] [--duration D] [--seed N] [--baud B] [--out DIR]
#
# What LAVA provides, through the environment of a docker test action:
#   LAVA_CONNECTION_COMMAND  joins the board's serial line (e.g. "telnet ser2net 7001");
#                            socat turns it into a pty that the bench opens as a serial port.
#                            The line must carry 8-bit data: a raw TCP port, or telnet in
#                            binary mode (-8).
#   LAVA_HARD_RESET_COMMAND  resets the board; run when the campaign ends because the board
#                            stopped answering, so that the next job finds it alive.
# LOCKSTEP names the lockstep command (default: the launcher of this checkout).
# LOCKSTEP_LAVA_SUMMARY=FILE reports an existing summary.json and runs nothing: the dry run
# that the project's own tests use.

set -euo pipefail

die() { echo "lockstep: $*" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
read -r -a LOCKSTEP_CMD <<<"${LOCKSTEP:-$ROOT/lockstep}"
FORMAT=arm64-lpae-s1
GRANULE=4k
DURATION=10m
SEED=1
BAUD=115200
OUT=${LAVA_OUTPUT_DIR:-$PWD}/lockstep-run
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "$1 needs a value (see the top of $0)"
	case $1 in
	--format) FORMAT=$2 ;;
	--granule) GRANULE=$2 ;;
	--duration) DURATION=$2 ;;
	--seed) SEED=$2 ;;
	--baud) BAUD=$2 ;;
	--out) OUT=$2 ;;
	*) die "unknown argument $1 (see the top of $0)" ;;
	esac
	shift 2
done

# Each line is "lava-test-case NAME --result R --measurement N --units U", NAME
# without whitespace: run it where LAVA provides the helper, print it elsewhere.
report() {
	local line
	local -a argv
	"${LOCKSTEP_CMD[@]}" lava-results "$1" | while IFS= read -r line; do
		read -r -a argv <<<"$line"
		[ "${argv[0]:-}" = lava-test-case ] || die "unexpected line from lockstep lava-results: $line"
		if command -v lava-test-case >/dev/null; then
			lava-test-case "${argv[@]:1}"
		else
			echo "$line"
		fi
	done
}

fail_case() {
	if command -v lava-test-case >/dev/null; then
		lava-test-case lockstep-campaign --result fail
	else
		echo "lava-test-case lockstep-campaign --result fail"
	fi
}

if [ -n "${LOCKSTEP_LAVA_SUMMARY:-}" ]; then
	[ -f "$LOCKSTEP_LAVA_SUMMARY" ] || die "LOCKSTEP_LAVA_SUMMARY=$LOCKSTEP_LAVA_SUMMARY: no such file"
	report "$LOCKSTEP_LAVA_SUMMARY"
	exit 0
fi

[ -n "${LAVA_CONNECTION_COMMAND:-}" ] ||
	die "LAVA_CONNECTION_COMMAND is not set: run this from a LAVA docker test action, or set it to a command that joins the board's serial line (e.g. 'telnet ser2net-host 7001')"
command -v socat >/dev/null || die "no socat in this image: apt-get install socat"

mkdir -p "$OUT"
PTY=$OUT/board-tty
socat pty,raw,echo=0,link="$PTY" EXEC:"$LAVA_CONNECTION_COMMAND",pty,raw,echo=0 2>"$OUT/socat.log" &
SOCAT=$!
trap 'kill "$SOCAT" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	[ -e "$PTY" ] && break
	kill -0 "$SOCAT" 2>/dev/null || die "the connection command failed: $(tail -n 1 "$OUT/socat.log")"
	sleep 0.1
done
[ -e "$PTY" ] || die "socat made no pty for '$LAVA_CONNECTION_COMMAND' within 5 s"

set +e
"${LOCKSTEP_CMD[@]}" fuzz --target device --port "$PTY" --baud "$BAUD" --format "$FORMAT" --granule "$GRANULE" \
	--duration "$DURATION" --seed "$SEED" --out "$OUT/campaign"
rc=$?
set -e
echo "lockstep: campaign exit code $rc; results in $OUT/campaign" >&2

if [ -f "$OUT/campaign/summary.json" ]; then
	report "$OUT/campaign/summary.json"
else
	fail_case
fi
# A campaign cut short by a board that stopped answering leaves the board wedged.
if ! grep -q '"complete" *: *true' "$OUT/campaign/summary.json" 2>/dev/null && [ -n "${LAVA_HARD_RESET_COMMAND:-}" ]; then
	echo "lockstep: the campaign did not complete; resetting the board (LAVA_HARD_RESET_COMMAND)" >&2
	sh -c "$LAVA_HARD_RESET_COMMAND" || echo "lockstep: the hard reset command failed" >&2
fi
exit 0
