#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/ci-deps.sh - install what the harness needs on Debian 12 (root)
#
# usage: scripts/lib/ci-deps.sh
#
# The one list of the Debian packages of the test suite, scripts/matrix and
# their checks, installed with apt-get as root on Debian 12 (bookworm;
# linux-source-6.12 comes from bookworm-security), up front: what a CI
# container (.github/workflows/ci.yml) runs first. A user need not run
# it: every command installs what it runs itself (need, need_file,
# need_py). As this list hides a missing need from CI, the fresh group
# (scripts/lib/check-fresh.sh) runs the README's commands on a
# debootstrapped root without it. arm64 guests take
# Debian's busybox-static:arm64 (downloaded, not installed), which apt only
# sees with the arm64 architecture added, so that is added too.
# scripts/lib/check-workflow.sh installs nodejs and npm when they are
# missing: they are not listed here, as Debian's npm conflicts with a
# nodejs from NodeSource, which brings its own npm.
#
# Then, when git is there, the repository is marked a safe.directory for
# root's git: a CI container checks it out as another user, and git
# refuses ("dubious ownership") a repository that root does not own.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod
	xz-utils rsync perl python3 git quilt patch ccache shellcheck sparse
	clang lld llvm coccinelle ocaml-nox qemu-system-x86 busybox-static
	python3-sphinx git-email libmailtools-perl b4 dkms linux-headers-amd64
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	libc6-dev-i386 dwarves gcc-arm-linux-gnueabihf g++
	bats python3-matplotlib python3-yaml
)

main() {
	opts_parse -- "$@"
	opts_none
	((EUID == 0)) ||
		die "installing packages needs root: run it as root (sudo scripts/lib/ci-deps.sh), or install by hand: apt-get install ${PACKAGES[*]}"
	command -v apt-get >/dev/null 2>&1 ||
		die "no apt-get: this installs Debian 12's packages; elsewhere install the equivalents of: ${PACKAGES[*]}"
	local k gccv
	# the kernel sources of ACME_KVERS, and the 32-bit libgcc of the
	# installed gcc (named after its major version: lib32gcc-12-dev)
	for k in "${ACME_KVERS[@]}"; do
		PACKAGES+=("linux-source-$k")
	done
	dpkg --add-architecture arm64
	apt-get update -qq || die "apt-get update failed: check the network and /etc/apt/sources.list*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${PACKAGES[@]}" >/dev/null ||
		die "apt-get install failed: run apt-get install ${PACKAGES[*]} to see why"
	gccv="$(gcc -dumpversion | cut -d. -f1)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"lib32gcc-$gccv-dev" >/dev/null ||
		die "apt-get install lib32gcc-$gccv-dev failed: run it by hand to see why"
	if command -v git >/dev/null 2>&1; then
		git config --global --get-all safe.directory 2>/dev/null |
			grep -qxF -- "$ACME_ROOT" ||
			git config --global --add safe.directory "$ACME_ROOT"
	fi
	log "installed ${#PACKAGES[@]} packages"
}

main "$@"
