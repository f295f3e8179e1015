#!/usr/bin/env bash
# Installs what Lockstep needs on a Debian machine, and nothing when it is already there:
# a JDK 17, Maven, gcc/make for the host agent, linux-source-6.1 (the driver code under test,
# extracted at build time, never committed), and the QEMU oracle's cross gcc and QEMU. Safe to run
# any number of times.
set -euo pipefail
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
# The device target (docs/hardware.md) packs its initramfs with cpio.
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v sha256sum >/dev/null 2>&1 || need+=(coreutils)
[ -f /usr/src/linux-source-6.1.tar.xz ] || need+=(linux-source-6.1)
# The QEMU oracle (docs/qemu-oracle.md): the bare-metal agent's cross compiler, and QEMU.
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
command -v qemu-system-aarch64 >/dev/null 2>&1 || need+=(qemu-system-arm)

if [ ${#need[@]} -eq 0 ]; then
    [ $quiet = 1 ] || echo "lockstep setup: everything is installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "lockstep: missing Debian packages ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
        exit 2
    fi
fi
echo "lockstep setup: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"; } >&2; then
    echo "lockstep: apt-get could not install ${need[*]}; check the network and apt sources, then re-run" >&2
    exit 2
fi
