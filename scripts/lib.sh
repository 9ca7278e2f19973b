#!/usr/bin/env bash
# shellcheck shell=bash
#
# scripts/lib.sh - shared helpers for the acme build/boot harness.
#
# Source it from a script that lives in scripts/:
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Provides:
#   ACME_ROOT            repository root (derived from this file's location)
#   ACME_CACHE           cache dir, default $HOME/.cache/acme
#   log MSG...           "acme: MSG" on stderr
#   warn MSG...          "acme: warning: MSG" on stderr
#   die MSG...           "acme: error: MSG" on stderr, exit 1
#   need CMD:PKG...      make sure commands exist (apt-get install as root)
#   need_file PATH:PKG.. same, detected by a file path
#   need_static_busybox  make sure /bin/busybox is the static busybox
#   kver_normalize [V]   6.12|6.1 (default $ACME_KVER, else 6.12)
#   acme_jobs            number of parallel jobs ($ACME_JOBS, else nproc)
#   opt_value OPT VAL    die unless an option has a value, else print it
#   is_kernel_tree DIR   true when DIR looks like a kernel source tree
#   build_srctree BUILD  print the source tree of an O= build dir
#   kconfig_get BUILD SYM  print the value of CONFIG_SYM in BUILD/.config
#   acme_tmpdir VAR      make a temp dir (path in VAR), removed at exit
#   elapsed_since T0     print seconds since epoch T0
#   quilt_series TREE ARGS  quilt in TREE on the repository's patches/series
#   quilt_unapply TREE   pop the acme stack and clean up after quilt
#   ccache_cc CC         print "ccache CC" (CCACHE_DIR set up), or nothing
#                        when ccache is missing or ACME_CCACHE=0
#   guest_initramfs TREE BUILD OUT [ARGS]  the test initramfs: the guest
#                        scripts and the kselftest, plus mkinitramfs ARGS
#   boot_checks BUILD INITRD MODE TIMEOUT  boot and run the guest checks

set -euo pipefail

ACME_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
ACME_CACHE="${ACME_CACHE:-$HOME/.cache/acme}"
export ACME_ROOT ACME_CACHE

log() { printf 'acme: %s\n' "$*" >&2; }
warn() { printf 'acme: warning: %s\n' "$*" >&2; }
die() {
	printf 'acme: error: %s\n' "$*" >&2
	exit 1
}

# apt_install PKG... - install Debian packages (root) or die with the command.
_ACME_APT_UPDATED=0
apt_install() {
	(($# > 0)) || return 0
	if ((EUID != 0)); then
		printf 'acme: error: missing packages (%s); as root, run:\napt-get install %s\n' "$*" "$*" >&2
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "missing packages and no apt-get: install $* by hand"
	log "installing missing packages: $*"
	if ((_ACME_APT_UPDATED == 0)); then
		apt-get update -qq >/dev/null || die "apt-get update failed"
		_ACME_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
}

# _split SPEC -> sets _key and _pkg from "key:pkg" (pkg defaults to key).
_split() {
	_key="${1%%:*}"
	_pkg="${1#*:}"
	[[ "$1" == *:* && -n "$_pkg" ]] || _pkg="$_key"
}

# need "cmd:debpkg"... - every missing command's package gets installed.
need() {
	local spec missing=()
	for spec in "$@"; do
		_split "$spec"
		command -v "$_key" >/dev/null 2>&1 || missing+=("$_pkg")
	done
	((${#missing[@]} == 0)) && return 0
	apt_install "${missing[@]}"
	for spec in "$@"; do
		_split "$spec"
		command -v "$_key" >/dev/null 2>&1 ||
			die "command '$_key' still missing after installing $_pkg"
	done
}

# need_file "/path:debpkg"... - like need, detected by a file's existence.
need_file() {
	local spec missing=()
	for spec in "$@"; do
		_split "$spec"
		[[ -e "$_key" ]] || missing+=("$_pkg")
	done
	((${#missing[@]} == 0)) && return 0
	apt_install "${missing[@]}"
	for spec in "$@"; do
		_split "$spec"
		[[ -e "$_key" ]] || die "'$_key' still missing after installing $_pkg"
	done
}

# is_static_elf FILE - true when FILE has no ELF program interpreter.
is_static_elf() {
	local f="$1"
	[[ -f "$f" ]] || return 1
	local hdrs
	if command -v readelf >/dev/null 2>&1; then
		hdrs="$(LC_ALL=C readelf -lW "$f" 2>/dev/null)" || return 1
		[[ "$hdrs" != *"program interpreter"* ]]
	else
		dpkg-query -W -f='${Status}' busybox-static 2>/dev/null |
			grep -q 'install ok installed'
	fi
}

# need_static_busybox - /bin/busybox must be the statically linked one.
ACME_BUSYBOX=/bin/busybox
need_static_busybox() {
	is_static_elf "$ACME_BUSYBOX" && return 0
	apt_install busybox-static
	is_static_elf "$ACME_BUSYBOX" ||
		die "$ACME_BUSYBOX is not statically linked even after installing busybox-static"
}

# kver_normalize [VERSION] - print 6.12 or 6.1, die on anything else.
kver_normalize() {
	local v="${1:-${ACME_KVER:-6.12}}"
	v="${v#v}"
	v="${v#linux-source-}"
	case "$v" in
	6.12 | 6.1) printf '%s\n' "$v" ;;
	*) die "unsupported kernel version '$v' (supported: 6.12, 6.1)" ;;
	esac
}

# acme_jobs - number of parallel make jobs.
acme_jobs() {
	if [[ -n "${ACME_JOBS:-}" ]]; then
		[[ "$ACME_JOBS" =~ ^[1-9][0-9]*$ ]] || die "ACME_JOBS must be a positive integer"
		printf '%s\n' "$ACME_JOBS"
	else
		nproc 2>/dev/null || echo 1
	fi
}

# opt_value OPT VALUE - print VALUE, or die when the option lacks one.
opt_value() {
	[[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "option $1 needs a value (see --help)"
	printf '%s\n' "$2"
}

# is_kernel_tree DIR - DIR has a top Makefile with VERSION = and a Kconfig.
is_kernel_tree() {
	[[ -f "$1/Makefile" && -f "$1/Kconfig" ]] &&
		grep -q '^VERSION = ' "$1/Makefile"
}

# require_kernel_tree DIR - die unless DIR is a kernel tree; print abs path.
require_kernel_tree() {
	[[ -n "$1" ]] || die "no kernel tree given (--tree DIR)"
	[[ -d "$1" ]] || die "kernel tree '$1' does not exist"
	is_kernel_tree "$1" || die "'$1' does not look like a kernel tree (no Makefile with 'VERSION =' or no Kconfig)"
	(cd "$1" && pwd -P)
}

# build_srctree BUILD - print the source tree of a kbuild O= directory.
build_srctree() {
	local b="$1" t
	if [[ -L "$b/source" ]]; then
		t="$(readlink -f "$b/source")"
	elif [[ -f "$b/Makefile" ]]; then
		t="$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$b/Makefile" | head -n1)"
	else
		t=""
	fi
	if [[ -z "$t" ]] || ! is_kernel_tree "$t"; then
		die "cannot find the kernel tree of build dir '$b' (no 'source' link); pass --tree DIR"
	fi
	printf '%s\n' "$t"
}

# kconfig_get BUILD SYM - value of CONFIG_SYM (y, m, string...) or "n".
kconfig_get() {
	local v
	v="$(sed -n "s/^CONFIG_$2=//p" "$1/.config" | tail -n1)"
	printf '%s\n' "${v:-n}"
}

# kernel_release BUILD - content of include/config/kernel.release.
kernel_release() {
	local f="$1/include/config/kernel.release"
	[[ -s "$f" ]] || die "no $f: build the kernel first (scripts/build)"
	cat "$f"
}

# acme_tmpdir VAR - create a temp dir and store its path in VAR (do not call
# it in $(...): the dir is removed when the shell that made it exits).
_ACME_TMPDIRS=()
_acme_cleanup() {
	local d
	for d in "${_ACME_TMPDIRS[@]}"; do
		[[ -n "$d" && -d "$d" ]] && rm -rf -- "$d"
	done
	return 0
}
acme_tmpdir() {
	local _d
	_d="$(mktemp -d "${TMPDIR:-/tmp}/acme.XXXXXX")" || die "mktemp failed"
	_ACME_TMPDIRS+=("$_d")
	trap _acme_cleanup EXIT
	printf -v "$1" '%s' "$_d"
}

# quilt_series TREE ARGS... - run quilt in TREE on this repository's series.
quilt_series() {
	local tree="$1"
	shift
	(cd "$tree" && QUILT_PATCHES="$ACME_ROOT/patches" QUILT_SERIES="$ACME_ROOT/series" \
		QUILT_PC=.pc quilt --quiltrc=- "$@")
}

# quilt_unapply TREE - pop the whole acme stack and remove what quilt leaves
# behind (.pc/ and the directories the series created, empty).
quilt_unapply() {
	quilt_series "$1" pop -a -f -q >/dev/null || return 1
	rm -rf "$1/.pc"
	find "$1/drivers/char/acme" "$1/tools/testing/selftests/drivers/acme" \
		-depth -type d -empty -delete 2>/dev/null || true
}

# now / elapsed_since - wall clock seconds.
now() { date +%s; }
elapsed_since() { echo $(($(date +%s) - $1)); }

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
fi

ccache_cc() {
	[[ "${ACME_CCACHE:-1}" != 0 ]] || return 0
	command -v ccache >/dev/null 2>&1 || return 0
	export CCACHE_DIR="${CCACHE_DIR:-$ACME_CACHE/ccache}"
	mkdir -p -- "$CCACHE_DIR"
	printf 'ccache %s\n' "$1"
}

guest_initramfs() {
	local tree="$1" build="$2" out="$3"
	shift 3
	"$ACME_ROOT/scripts/mkinitramfs" --tree "$tree" --build "$build" \
		--out "$out" --add "$ACME_ROOT/scripts/guest/:/acme/" \
		--add "$build/kselftest/drivers/acme/acme_test:/acme/acme_test" "$@"
}

# An oops panics the guest (oops=panic), so that it ends the run at once.
boot_checks() {
	"$ACME_ROOT/scripts/boot" --kernel "$1/arch/x86/boot/bzImage" \
		--initrd "$2" --timeout "$4" \
		--append "quiet oops=panic acmeguest.mode=$3" --run /acme/checks.sh
}
