#!/usr/bin/env bash
# shellcheck shell=bash
#
# scripts/lib/common.sh - shared helpers for the acme build/boot harness.
#
# Source it from a user command in scripts/ (a stage in scripts/lib/ sources
# "$(dirname "${BASH_SOURCE[0]}")/common.sh"):
#     . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Provides:
#   ACME_ROOT            repository root (derived from this file's location)
#   ACME_CACHE           cache dir, default $HOME/.cache/acme
#   log MSG...           "acme: MSG" on stderr
#   warn MSG...          "acme: warning: MSG" on stderr
#   die MSG...           "acme: error: MSG" on stderr, exit 1 (ACME_DIE_STATUS)
#   ACME_EXIT_*, usage_error, die_with, ...  the exit statuses (status.sh)
#   check_error MSG...   "acme: SCRIPT: MSG" on stderr, counted in CHECK_ERRORS
#   need CMD:PKG...      make sure commands exist (apt-get install as root)
#   need_file PATH:PKG.. same, detected by a file path
#   need_py PY MOD:PKG...  make sure python PY imports the modules
#   need_static_busybox  make sure /bin/busybox is the static busybox
#   need_busybox_deb A   print the path of Debian's static busybox for A (fetched)
#   guest_busybox        ACME_BUSYBOX for the guest of ARCH_NAME
#   acme_lock NAME       hold the lock NAME of the shared cache until exit
#   kver_normalize [V]   6.12|6.1 (default $ACME_KVER, else 6.12)
#   acme_jobs            number of parallel jobs ($ACME_JOBS, else nproc)
#   opt_value OPT VAL    die unless an option has a value, else print it
#   opt_count OPT VAL    die unless VAL is a positive integer
#   has_make_var NAME VAR=VAL...  NAME=... is among the VAR=VAL words
#   make_var NAME VAR=VAL...      print the value of the last NAME=..., if any
#   hotplug_args MODE    the QEMU arguments of a hotplug mode of ARCH_NAME
#   toolchain_vars ARCH CC  set TOOLCHAIN_VARS to the make variables of a
#                        build for ARCH (x86_64|arm64) with CC (gcc|clang)
#   is_kernel_tree DIR   true when DIR looks like a kernel source tree
#   build_srctree BUILD  print the source tree of an O= build dir
#   kconfig_get BUILD SYM  print the value of CONFIG_SYM in BUILD/.config
#   acme_tmpdir VAR      make a temp dir (path in VAR), removed at exit
#   elapsed_since T0     print seconds since epoch T0
#   now_ms, secs_since MS  milliseconds now, seconds since (0.1 s)
#   timed LABEL CMD...   run CMD, log "time: LABEL N.N s"
#   tree_version DIR     VERSION.PATCHLEVEL of the tree in DIR
#   series_file KVER     the series file for Linux KVER (series, series-6.1)
#   series_is_sources KVER  KVER's series applies the sources unedited
#   tree_series TREE     the series file for the kernel in TREE
#   series_patches SERIES  the patch paths SERIES lists
#   quilt_series TREE ARGS  quilt in TREE on the series for its kernel
#   quilt_unapply TREE   pop the acme stack and clean up after quilt
#   CCACHE_DIR           ccache dir, default $ACME_CACHE/ccache (exported)
#   ccache_cc CC         print "ccache CC" (as root installing ccache), or
#                        nothing when ACME_CCACHE=0 or ccache is missing
#                        for a normal user
#   example_source, example_expected  the example program of acme.rst and
#                        the output the page promises for it
#   build_example INCDIR OUTDIR  that example, static, with -Werror
#   cc_cached OUT CC ARGS...  a compiler command that writes OUT, skipped
#                        when none of the files it read last changed
#   build_kselftest TREE BUILD  the acme kselftest and the example of
#                        acme.rst, static, in BUILD/kselftest/drivers/acme/
#                        (cross-compiled for arm64; on x86_64 with its i386
#                        programs)
#   guest_image KSBUILD OUT ARGS  the test initramfs: the guest scripts and
#                        the kselftest of KSBUILD, plus mkinitramfs ARGS
#   guest_initramfs TREE BUILD OUT [ARGS]  guest_image for the kernel in BUILD
#   boot_kernel_checks KERNEL INITRD MODE TIMEOUT [ARGS]  boot KERNEL and run
#                        the guest checks (ARGS go to scripts/lib/boot.sh)
#   boot_checks BUILD INITRD MODE TIMEOUT [ARGS]  the same for the kernel
#                        in BUILD
#   guest_build_dir KVER ACME NOMOD DEBUG ARCH CC KCSAN  the build directory
#                        of scripts/lib/make-guest.sh for those options
#   cache_tree KVER      the cache's tree of Linux KVER, the series applied
#   build_arch BUILD     arm64 or x86_64, from BUILD/.config
#   kernel_image BUILD   BUILD's bootable image (Image or bzImage)
#   image_arch IMAGE     arm64 or x86_64, from a kernel image's header
#   oot_sources DEST     copy what the out-of-tree build needs to DEST
#   stock_release        release of Debian's stock kernel (linux-headers-amd64)
#   stock_headers KREL   print the headers dir of KREL, installed when missing
#   check_vermagic KREL KO...  every KO's vermagic is KREL's
#   replace_if_changed NEW DEST  mv NEW over DEST unless identical

set -euo pipefail

# shellcheck source=scripts/lib/status.sh
. "$(dirname "${BASH_SOURCE[0]}")/status.sh"

ACME_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ACME_CACHE="${ACME_CACHE:-$HOME/.cache/acme}"
# Set here, not in ccache_cc, which runs in $(...) where an export is lost.
CCACHE_DIR="${CCACHE_DIR:-$ACME_CACHE/ccache}"
export ACME_ROOT ACME_CACHE CCACHE_DIR

# The kernels the series supports, newest (the default) first, the modules
# it builds, and the architectures the harness boots (one table each in
# scripts/lib/arch/).
ACME_KVERS=(6.12 6.1)
# shellcheck disable=SC2034 # read by the sourcing scripts
ACME_MODULES=(acme_core acme hello)
ACME_ARCHS=(x86_64 arm64)
# The series file of each kernel: series targets 6.12; series-6.1 is the
# series for 6.1, with the patches that need it swapped for their 6.1
# variants in patches/6.1/ (scripts/mkpatches writes both).
declare -A ACME_SERIES=([6.12]=series [6.1]=series-6.1)

# acme_env_help - every environment variable and cache directory of the
# harness, for --help.
acme_env_help() {
	cat <<EOF
Environment:
  KSRC=DIR              use the kernel tree DIR instead of Debian's linux-source
  ACME_KVER=V           default --kver (${ACME_KVERS[*]}; default ${ACME_KVERS[0]})
  ACME_CACHE=DIR        cache root (default \$HOME/.cache/acme; now $ACME_CACHE)
  ACME_BUILD=DIR        build directory of make-guest (default under ACME_CACHE/build)
  ACME_JOBS=N           parallel make jobs (default: nproc)
  ACME_CCACHE=0         build without ccache
  CCACHE_DIR=DIR        ccache directory (default ACME_CACHE/ccache)
  ACME_ACCEL=kvm|tcg    force QEMU's accelerator (default: probe KVM, else TCG)
  ACME_KVM_PROBE_SECS=N seconds the KVM probe boot may take (default 10)
  ACME_KVM_CPU=MODEL    -cpu with KVM (default host)
  ACME_BUSYBOX=PATH     static busybox for the initramfs (default /bin/busybox)
Cache directories, under ACME_CACHE:
  src/      Debian's linux-source trees, extracted     tree/   trees with the series applied
  build/    kernel build directories (O=)              ccache/ compiler cache
  busybox/  busybox-static of foreign architectures    logs/   logs of scripts/test and matrix
  distro/   Debian's stock kernel and headers          git/    git trees of the apply checks
  uapi/     installed uapi headers                     bench/  scripts/bench results
  mutate/   scripts/mutate work trees                  bin/    helper programs
  npm/      action-validator (check-workflow)          locks/  locks of the shared trees and builds
  fresh/    check-fresh.sh: debootstrap tarball, logs, root
  kvm-probe a failed KVM probe, remembered until the host reboots
EOF
}

# usage_exit - print the header comment of the running script (from line 4
# to "set -euo"), then the environment, and exit 0.
usage_exit() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"
	echo
	acme_env_help
	exit 0
}

# arch_load ARCH - set the ARCH_* facts of ARCH from scripts/lib/arch/ARCH.sh.
arch_load() {
	local a
	for a in "${ACME_ARCHS[@]}"; do
		if [[ "$1" == "$a" ]]; then
			# shellcheck source=scripts/lib/arch/x86_64.sh
			. "$ACME_ROOT/scripts/lib/arch/$1.sh"
			# shellcheck disable=SC2034 # read by the sourcing scripts
			ARCH_NAME="$1"
			return 0
		fi
	done
	usage_error "unknown architecture '$1': use one of ${ACME_ARCHS[*]}"
}

# hotplug_args MODE - the QEMU arguments of hotplug mode MODE, from
# ARCH_HOTPLUG_MODES of the loaded table (arch_load), as words on stdout;
# a usage error for a mode the table lacks.
hotplug_args() {
	local m modes=""
	[[ -n "$ARCH_HOTPLUG_MACHINE" ]] ||
		usage_error "--hotplug: an $ARCH_NAME guest has no hotplug boot (ARCH_HOTPLUG_MACHINE is empty in scripts/lib/arch/$ARCH_NAME.sh): use an x86_64 kernel"
	for m in "${ARCH_HOTPLUG_MODES[@]}"; do
		if [[ "${m%%|*}" == "$1" ]]; then
			printf '%s\n' "${m#*|}"
			return 0
		fi
		modes+="${modes:+, }${m%%|*}"
	done
	usage_error "--hotplug: unknown mode '$1' for an $ARCH_NAME guest: use one of $modes"
}

# arch_cc - the C compiler for the user-space programs of ARCH_NAME's guest.
arch_cc() {
	printf '%sgcc\n' "$ARCH_CROSS"
}

# need_arch_toolchain - ARCH_NAME's compiler and static libc are installed.
need_arch_toolchain() {
	local cc libc
	cc="$(arch_cc)"
	need "$cc:$ARCH_CC_PKG"
	libc="$("$cc" -print-file-name=libc.a)"
	[[ "$libc" == /* && -f "$libc" ]] || apt_install "$ARCH_LIBC_PKG"
	libc="$("$cc" -print-file-name=libc.a)"
	[[ "$libc" == /* && -f "$libc" ]] ||
		die "$cc finds no static libc (libc.a) even after installing $ARCH_LIBC_PKG"
}

log() { printf 'acme: %s\n' "$*" >&2; }
warn() { printf 'acme: warning: %s\n' "$*" >&2; }
die() {
	die_with "$ACME_DIE_STATUS" "$@"
}

# check_error MSG... - report a failed check and count it in CHECK_ERRORS,
# for scripts that run all their checks before they fail.
CHECK_ERRORS=0
check_error() {
	printf 'acme: %s: %s\n' "${0##*/}" "$*" >&2
	CHECK_ERRORS=$((CHECK_ERRORS + 1))
}

# apt_install PKG... - install Debian packages (root) or die with the command.
_ACME_APT_UPDATED=0
apt_install() {
	(($# > 0)) || return 0
	if ((EUID != 0)); then
		printf 'acme: error: missing packages (%s); as root, run:\napt-get install %s\n' "$*" "$*" >&2
		exit "$ACME_DIE_STATUS"
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "missing packages and no apt-get: install $* by hand"
	log "installing missing packages: $*"
	local t0
	t0="$(now_ms)"
	if ((_ACME_APT_UPDATED == 0)); then
		apt-get update -qq >/dev/null || die "apt-get update failed"
		_ACME_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
	log "time: installing packages $(secs_since "$t0") s"
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

# need_py PYTHON "module:debpkg"... - PYTHON (python3, the one in PATH that
# the kernel's make runs, or /usr/bin/python3) imports every module;
# a missing one's package gets installed.
need_py() {
	local py="$1" spec missing=()
	shift
	need python3:python3
	for spec in "$@"; do
		_split "$spec"
		"$py" -c "import $_key" 2>/dev/null || missing+=("$_pkg")
	done
	((${#missing[@]} == 0)) && return 0
	apt_install "${missing[@]}"
	for spec in "$@"; do
		_split "$spec"
		"$py" -c "import $_key" 2>/dev/null ||
			die "$(command -v "$py") cannot import $_key even after installing $_pkg (is it Debian's python3? $_pkg is for /usr/bin/python3)"
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
ACME_BUSYBOX="${ACME_BUSYBOX:-/bin/busybox}"
need_static_busybox() {
	is_static_elf "$ACME_BUSYBOX" && return 0
	apt_install busybox-static
	is_static_elf "$ACME_BUSYBOX" ||
		die "$ACME_BUSYBOX is not statically linked even after installing busybox-static"
}

# need_busybox_deb DEBARCH - print the path of Debian's busybox-static for
# DEBARCH (ARCH_DEB of an arch table), unpacked once into
# $ACME_CACHE/busybox/DEBARCH/ from `apt-get download busybox-static:DEBARCH`
# (as root, this adds DEBARCH to dpkg's architectures first, which only lets
# apt see its packages; nothing is installed).
need_busybox_deb() {
	local a="$1" dir="$ACME_CACHE/busybox/$1" deb
	if [[ ! -x "$dir/busybox" ]]; then
		if ! dpkg --print-foreign-architectures | grep -qx "$a" ||
			! apt-cache show "busybox-static:$a" >/dev/null 2>&1; then
			((EUID == 0)) ||
				die "$a guests need Debian's busybox-static:$a; as root, run: dpkg --add-architecture $a && apt-get update"
			log "adding the $a architecture to dpkg, for busybox-static:$a"
			dpkg --add-architecture "$a"
			apt-get update -q >&2 || die "apt-get update failed: check /etc/apt/sources.list*"
		fi
		rm -rf -- "$dir.tmp"
		mkdir -p -- "$dir.tmp"
		(cd "$dir.tmp" && apt-get download "busybox-static:$a" >&2 2>/dev/null) ||
			die "apt-get download busybox-static:$a failed: run it by hand to see why"
		deb="$(ls "$dir.tmp"/busybox-static_*_"$a".deb)"
		dpkg-deb -x "$deb" "$dir.tmp/x" || die "cannot unpack $deb"
		is_static_elf "$dir.tmp/x/bin/busybox" ||
			die "$deb holds no static busybox"
		mkdir -p -- "$dir"
		mv -f -- "$dir.tmp/x/bin/busybox" "$dir/busybox"
		rm -rf -- "$dir.tmp"
	fi
	printf '%s\n' "$dir/busybox"
}

# guest_busybox - set ACME_BUSYBOX to a static busybox for ARCH_NAME's
# guest (arch_load first): the host's own when the architectures agree.
guest_busybox() {
	if [[ "$ARCH_DEB" == "$(dpkg --print-architecture)" ]]; then
		need_static_busybox
	else
		ACME_BUSYBOX="$(need_busybox_deb "$ARCH_DEB")"
	fi
}

# kver_normalize [VERSION] - print 6.12 or 6.1, die on anything else.
kver_normalize() {
	local v="${1:-${ACME_KVER:-${ACME_KVERS[0]}}}"
	v="${v#v}"
	v="${v#linux-source-}"
	local k
	for k in "${ACME_KVERS[@]}"; do
		if [[ "$v" == "$k" ]]; then
			printf '%s\n' "$v"
			return 0
		fi
	done
	usage_error "unsupported kernel version '$v': use one of ${ACME_KVERS[*]} (or KSRC=DIR for another tree)"
}

# acme_lock NAME - hold the exclusive lock $ACME_CACHE/locks/NAME.lock until
# this process ends, waiting (with a line saying so) while another run holds
# it: checkouts and runs share the trees and build directories of the cache.
# A child process inherits the lock; ACME_LOCKS names the locks held, so a
# child asking for one of them goes on at once instead of waiting for its
# parent.
acme_lock() {
	local name="$1" fd
	[[ ":${ACME_LOCKS:-}:" != *":$name:"* ]] || return 0
	need flock:util-linux
	mkdir -p -- "$ACME_CACHE/locks"
	exec {fd}>>"$ACME_CACHE/locks/$name.lock"
	if ! flock -n "$fd"; then
		log "waiting for another run, which holds $ACME_CACHE/locks/$name.lock"
		flock "$fd"
	fi
	ACME_LOCKS="${ACME_LOCKS:-}:$name"
	export ACME_LOCKS
}

# lock_tree KVER - acme_lock the tree prepare-tree.sh gives for KVER (the
# cache's, or KSRC).
lock_tree() {
	if [[ -n "${KSRC:-}" ]]; then
		acme_lock "tree-ksrc-$(printf '%s' "$KSRC" | sha256sum | cut -c1-12)"
	else
		acme_lock "tree-$1"
	fi
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

# opts_parse SPEC... -- ARG... - the one option parser of the harness.
# Each SPEC names an option and the variable it sets:
#   --name=VAR    takes a value:   --name V or --name=V sets VAR=V
#   --name+ARR    takes a value, appended to the array ARR (repeatable)
#   --name!VAR    a flag: sets VAR=1
# -h/--help prints the script's help (usage_exit). An unknown option dies
# with ACME_EXIT_USAGE, as every error of the command line does.
# What follows the options (after "--", or from the first non-option word)
# is left in the array OPTS_REST.
opts_parse() {
	local -a specs=()
	local arg name val spec kind var found
	while (($#)) && [[ "$1" != -- ]]; do
		specs+=("$1")
		shift
	done
	(($#)) && shift
	OPTS_REST=()
	while (($#)); do
		arg="$1"
		case "$arg" in
		-h | --help) usage_exit ;;
		--)
			shift
			break
			;;
		--*) ;;
		*) break ;;
		esac
		name="${arg%%=*}"
		found=""
		for spec in "${specs[@]}"; do
			if [[ "$spec" == "$name"[=+!]* ]]; then
				found="$spec"
				break
			fi
		done
		[[ -n "$found" ]] || usage_error "unknown option '$arg' (see ${0##*/} --help)"
		kind="${found:${#name}:1}"
		var="${found:${#name}+1}"
		if [[ "$kind" == "!" ]]; then
			[[ "$arg" != *=* ]] || usage_error "option $name takes no value"
			printf -v "$var" 1
			shift
			continue
		fi
		if [[ "$arg" == *=* ]]; then
			val="${arg#*=}"
			shift
		else
			val="$(opt_value "$name" "${2:-}")"
			shift 2
		fi
		[[ -n "$val" ]] || usage_error "option $name needs a value (see ${0##*/} --help)"
		if [[ "$kind" == "+" ]]; then
			eval "$var+=(\"\$val\")"
		else
			printf -v "$var" '%s' "$val"
		fi
	done
	OPTS_REST=("$@")
}

# opts_kver VAR ARG... - the command line of a script whose one option is
# --kver: set VAR to the kernel version it names (kver_normalize), or die.
# Not in $(...): --help must reach the terminal and end the script.
opts_kver() {
	local _var="$1" _kver=""
	shift
	opts_parse --kver=_kver -- "$@"
	opts_none
	_kver="$(kver_normalize "$_kver")"
	printf -v "$_var" '%s' "$_kver"
}

# opts_none - die when OPTS_REST holds an argument the script does not take.
opts_none() {
	((${#OPTS_REST[@]} == 0)) ||
		usage_error "unexpected argument '${OPTS_REST[0]}' (see ${0##*/} --help)"
}

# opt_value OPT VALUE - print VALUE, or die when the option lacks one.
opt_value() {
	[[ $# -ge 2 && -n "$2" && "$2" != --* ]] || usage_error "option $1 needs a value (see ${0##*/} --help)"
	printf '%s\n' "$2"
}

# opt_count OPT VALUE - die (usage) unless VALUE is a positive integer.
opt_count() {
	[[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_error "$1 must be a positive integer (got '$2')"
}

# has_make_var NAME VAR=VAL... - NAME=... is among the VAR=VAL words.
has_make_var() {
	local name="$1" v
	shift
	for v in "$@"; do
		[[ "$v" == "$name="* ]] && return 0
	done
	return 1
}

# make_var NAME VAR=VAL... - print the value of the last NAME=... among the
# VAR=VAL words (make takes the last one too), else nothing.
make_var() {
	local name="$1" v val=""
	shift
	for v in "$@"; do
		[[ "$v" == "$name="* ]] && val="${v#*=}"
	done
	[[ -z "$val" ]] || printf '%s\n' "$val"
}

# toolchain_vars ARCH CC - set TOOLCHAIN_VARS to the make variables of a
# kernel build for ARCH (x86_64, or arm64 cross-built) with CC (gcc, or
# clang and lld with LLVM=1), after making sure the compiler is there.
toolchain_vars() {
	local v
	TOOLCHAIN_VARS=()
	arch_load "$1"
	case "$2" in
	gcc)
		TOOLCHAIN_VARS+=("${ARCH_MAKE[@]}")
		[[ -z "$ARCH_CROSS" ]] || need "$(arch_cc):$ARCH_CC_PKG"
		;;
	clang)
		# LLVM=1 cross-compiles by itself: ARCH= of the table only.
		need clang:clang ld.lld:lld llvm-ar:llvm
		for v in "${ARCH_MAKE[@]}"; do
			[[ "$v" == CROSS_COMPILE=* ]] || TOOLCHAIN_VARS+=("$v")
		done
		TOOLCHAIN_VARS+=(LLVM=1)
		;;
	*) usage_error "the compiler must be gcc or clang, not '$2'" ;;
	esac
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
	[[ -s "$f" ]] || die "no $f: build the kernel first (scripts/lib/build.sh)"
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

# tree_version DIR - VERSION.PATCHLEVEL from DIR's top Makefile.
tree_version() {
	local v p
	v="$(sed -n 's/^VERSION = *//p' "$1/Makefile" | head -n1)"
	p="$(sed -n 's/^PATCHLEVEL = *//p' "$1/Makefile" | head -n1)"
	printf '%s.%s\n' "$v" "$p"
}

# series_file KVER - the series file to apply to Linux KVER (ACME_SERIES;
# series for any other version).
series_file() {
	printf '%s\n' "$ACME_ROOT/${ACME_SERIES[$1]:-series}"
}

# series_is_sources KVER - KVER's series applies the sources as they are
# (series); a series with backports (series-6.1) edits some of them.
series_is_sources() {
	[[ "${ACME_SERIES[$1]:-series}" == series ]]
}

# tree_series TREE - the series file for the kernel in TREE.
tree_series() {
	series_file "$(tree_version "$1")"
}

# series_patches SERIES - the patches SERIES lists, one path per line.
series_patches() {
	local p
	while read -r p; do
		[[ -n "$p" ]] && printf '%s\n' "$ACME_ROOT/patches/$p"
	done <"$1"
}

# quilt_series TREE ARGS... - run quilt in TREE on this repository's series
# for the tree's kernel.
quilt_series() {
	local tree="$1" f series
	shift
	series="$(tree_series "$tree")"
	# Once a tree has a stack, quilt reads the patches and series paths from
	# .pc/ and ignores QUILT_PATCHES. The cache is shared by every checkout,
	# so point them at this one: a stack applied from a removed clone would
	# otherwise not pop ("does not remove cleanly"). A new file, not an
	# overwrite, as trees may share inodes (cp -al).
	if [[ -d "$tree/.pc" ]]; then
		printf '%s\n' "$ACME_ROOT/patches" >"$tree/.pc/.quilt_patches.tmp"
		printf '%s\n' "$series" >"$tree/.pc/.quilt_series.tmp"
		for f in patches series; do
			mv -f -- "$tree/.pc/.quilt_$f.tmp" "$tree/.pc/.quilt_$f"
		done
	fi
	(cd "$tree" && QUILT_PATCHES="$ACME_ROOT/patches" QUILT_SERIES="$series" \
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

# now_ms - wall clock milliseconds; secs_since MS - seconds since, 0.1 s.
now_ms() { date +%s%3N; }
secs_since() {
	local ms=$(($(date +%s%3N) - $1))
	printf '%d.%d\n' $((ms / 1000)) $((ms % 1000 / 100))
}

# timed LABEL CMD... - run CMD (stdout passes through) and, when it
# succeeds, log its time as "acme: time: LABEL N.N s"; CMD's status is
# returned (a failed CMD has said why: no time line after its error).
timed() {
	local label="$1" t0
	shift
	t0="$(now_ms)"
	"$@" || return
	log "time: $label $(secs_since "$t0") s"
}

# ccache_cc CC - "ccache CC" for make's CC=, or nothing when
# ACME_CCACHE=0. As root it installs ccache when it is missing (its output
# and log lines go to stderr); a normal user without ccache builds
# without it, with a note. The cache is $CCACHE_DIR (set above).
ccache_cc() {
	[[ "${ACME_CCACHE:-1}" != 0 ]] || return 0
	if ! command -v ccache >/dev/null 2>&1 && ((EUID != 0)); then
		log "note: no ccache, so every build is cold (as root: apt-get install ccache; ACME_CCACHE=0 hides this)"
		return 0
	fi
	need ccache:ccache
	mkdir -p -- "$CCACHE_DIR"
	printf 'ccache %s\n' "$1"
}

# example_part N src|out - the Nth example program of acme.rst, or the
# output the page promises for it. An example is the literal block after a
# paragraph that starts "The program below" and ends with "::"; its output
# is the literal block after the next line that ends with "prints::".
example_part() {
	awk -v n="$1" -v want="$2" '
		/^The program below/ { k++; state = "intro" }
		state == "intro" && /::$/ { state = "src"; next }
		state == "src" && /^[^ ]/ { state = "after" }
		state == "after" && /prints::$/ { state = "out"; next }
		state == "out" && /^[^ ]/ { state = "" }
		(state == "src" || state == "out") && k == n && state == want {
			sub(/^  /, ""); print
		}' "$ACME_ROOT/Documentation/misc-devices/acme.rst" |
		sed -e '/./,$!d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'
}

# example_count - how many example programs acme.rst has.
example_count() {
	grep -c '^The program below' "$ACME_ROOT/Documentation/misc-devices/acme.rst"
}

# build_example INCDIR OUTDIR [CC] - the examples of acme.rst, static, built
# with -Werror against the uapi headers in INCDIR, as
# OUTDIR/acme-example-N, each with its promised output in
# OUTDIR/acme-example-N.expected. The guest runs them in order after a
# fresh load of the driver.
build_example() {
	local inc="$1" out="$2" cc="${3:-gcc}" n k f
	need gcc:gcc
	mkdir -p -- "$out"
	n="$(example_count)"
	((n > 0)) || die "no example program in Documentation/misc-devices/acme.rst"
	# the examples the page no longer has
	for f in "$out"/acme-example-*; do
		[[ -e "$f" ]] || continue
		k="${f##*/acme-example-}"
		k="${k%%.*}"
		if [[ ! "$k" =~ ^[0-9]+$ ]] || ((k > n)); then
			rm -f -- "$f"
		fi
	done
	for ((k = 1; k <= n; k++)); do
		# rewritten only when they change: their programs are then not rebuilt
		example_part "$k" src >"$out/acme-example-$k.c.new"
		example_part "$k" out >"$out/acme-example-$k.expected.new"
		for f in c expected; do
			replace_if_changed "$out/acme-example-$k.$f.new" "$out/acme-example-$k.$f"
		done
		grep -q '^int main' "$out/acme-example-$k.c" ||
			die "example $k of Documentation/misc-devices/acme.rst has no main()"
		[[ -s "$out/acme-example-$k.expected" ]] ||
			die "example $k of Documentation/misc-devices/acme.rst has no expected output (a block after \"prints::\")"
		cc_cached "$out/acme-example-$k" "$cc" -static -O2 -Wall -Wextra -Werror -I"$inc" \
			-o "$out/acme-example-$k" "$out/acme-example-$k.c" >&2 ||
			die "example $k of Documentation/misc-devices/acme.rst does not build"
	done
}

# cc_cached OUT CC ARGS... - run the compiler command CC ARGS..., which
# writes the program OUT, unless OUT is newer than every file the last run
# read (the compiler's -MD list) and the command is the same: programs
# that did not change keep their timestamps, and the initramfs that holds
# them is not rebuilt. The list and the command are kept in
# DIR/.cc-cached/ (DIR is OUT's directory).
cc_cached() {
	local out="$1" meta cmd dep
	shift
	meta="$(dirname -- "$out")/.cc-cached/${out##*/}"
	cmd="$(printf '%q ' "$@")"
	if [[ -f "$out" && -f "$meta.d" && "$(cat -- "$meta.cmd" 2>/dev/null)" == "$cmd" ]]; then
		while read -r dep; do
			[[ -e "$dep" && ! "$dep" -nt "$out" ]] || break
		done < <(sed -e 's/^[^:]*://' -e 's/\\$//' "$meta.d" | tr ' ' '\n' | grep .; echo /nonexistent/end)
		[[ "$dep" != /nonexistent/end ]] || return 0
	fi
	mkdir -p -- "${meta%/*}"
	rm -f -- "$meta.cmd"
	"$@" -MD -MF "$meta.d" || return
	printf '%s' "$cmd" >"$meta.cmd"
}

# need_libc32 - what gcc -m32 needs to link a static program, so that the
# kselftest Makefile builds its i386 programs (acme_test32 and
# acme_edu_test32: the ioctls through compat_ioctl). Debian names the
# 32-bit libgcc after gcc's major version (lib32gcc-12-dev).
need_libc32() {
	local libgcc32
	libgcc32="$(gcc -m32 -print-libgcc-file-name)"
	[[ -f "$libgcc32" && -f "$(gcc -m32 -print-file-name=libc.a)" ]] ||
		apt_install libc6-dev-i386 "lib32gcc-$(gcc -dumpversion | cut -d. -f1)-dev"
}

# build_kselftest TREE BUILD - the acme kselftest of TREE (the series
# applied), statically linked, against the uapi headers made in BUILD (no
# kernel build needed: `make headers` works without a .config).
build_kselftest() {
	local tree="$1" build="$2" cc
	local -a vars=()
	arch_load "$(build_arch "$build")"
	need_arch_toolchain
	cc="$(arch_cc)"
	vars=("${ARCH_MAKE[@]}")
	# the kselftest's install copies with rsync (tools/testing/selftests/lib.mk)
	need make:make rsync:rsync
	((ARCH_COMPAT32 == 0)) || need_libc32
	log "building the acme kselftest (static${vars[*]:+, ${vars[*]}})"
	make -s -C "$tree" O="$build" "${vars[@]}" headers >&2 ||
		die "make headers failed in $build"
	# What `make kselftest-install` runs after `make headers`: the test in
	# BUILD/kselftest/drivers/acme/, and run_kselftest.sh with it and its
	# settings in BUILD/kselftest/kselftest_install/. Called directly, as
	# the top Makefile of 6.1 does not pass LDFLAGS=-static through.
	local prog
	for prog in acme_test acme-bench; do
		# a dynamic program is from before LDFLAGS=-static: rebuild it
		[[ ! -e "$build/kselftest/drivers/acme/$prog" ]] ||
			is_static_elf "$build/kselftest/drivers/acme/$prog" ||
			rm -f -- "$build/kselftest/drivers/acme/$prog"
	done
	LDFLAGS=-static make -s -C "$tree/tools/testing/selftests" \
		TARGETS=drivers/acme O="$build" "${vars[@]}" install >&2 ||
		die "the acme kselftest does not build (make -C tools/testing/selftests TARGETS=drivers/acme install)"
	for prog in acme_test acme-bench; do
		is_static_elf "$build/kselftest/kselftest_install/drivers/acme/$prog" ||
			die "the installed $prog is not a static program: remove $build/kselftest and build again"
	done
	build_example "$build/usr/include" "$build/kselftest/drivers/acme" "$cc"
}

# guest_image KSBUILD OUT ARGS... - the test initramfs OUT: the guest scripts
# in /acme/, the kselftest built in KSBUILD, and mkinitramfs ARGS (the
# kernel: --build or --release, with --tree; more --add).
guest_image() {
	local ksbuild="$1" out="$2" inst f
	local -a examples=()
	shift 2
	for f in "$ksbuild"/kselftest/drivers/acme/acme-example-*; do
		[[ "$f" == *.c ]] || examples+=(--add "$f:/acme/${f##*/}")
	done
	inst="$ksbuild/kselftest/kselftest_install"
	[[ -f "$inst/run_kselftest.sh" ]] ||
		die "no $inst/run_kselftest.sh: rebuild the kselftest (scripts/lib/make-guest.sh)"
	"$ACME_ROOT/scripts/lib/mkinitramfs.sh" --out "$out" \
		--add "$ACME_ROOT/scripts/lib/guest/:/acme/" \
		--add "$ACME_ROOT/scripts/lib/ktap.sh:/acme/ktap.sh" \
		--add "$ksbuild/kselftest/drivers/acme/acme_test:/acme/acme_test" \
		"${examples[@]}" \
		--add "$ksbuild/kselftest/drivers/acme/acme-bench:/acme/acme-bench" \
		--add "$inst/:/kselftest/" \
		"$@"
}

guest_initramfs() {
	local tree="$1" build="$2" out="$3"
	shift 3
	guest_image "$build" "$out" --tree "$tree" --build "$build" "$@"
}

# guest_build_dir KVER ACME NOMOD DEBUG ARCH CC KCSAN - the build directory
# of scripts/lib/make-guest.sh: $ACME_BUILD when set, else
# $ACME_CACHE/build/KVER-ACME[-nomod][-ARCH][-CC][-debug][-kcsan] (-ARCH
# only for arm64, -CC only for clang; ksrc-NAME-ACME... with KSRC set).
guest_build_dir() {
	local kver="$1" acme="$2" nomod="$3" debug="$4" arch="$5" cc="$6" kcsan="$7" name
	if [[ -n "${ACME_BUILD:-}" ]]; then
		printf '%s\n' "$ACME_BUILD"
		return
	fi
	if [[ -n "${KSRC:-}" ]]; then
		name="ksrc-$(basename "$KSRC")-$acme"
	else
		name="$kver-$acme"
	fi
	((nomod)) && name+="-nomod"
	[[ "$arch" == x86_64 ]] || name+="-$arch"
	[[ "$cc" == gcc ]] || name+="-$cc"
	((debug)) && name+="-debug"
	((kcsan)) && name+="-kcsan"
	printf '%s\n' "$ACME_CACHE/build/$name"
}

# cache_tree KVER - the cache's copy of Linux KVER that
# scripts/lib/prepare-tree.sh applies the series to.
cache_tree() {
	printf '%s\n' "$ACME_CACHE/tree/linux-$1"
}

# build_arch BUILD - the architecture of the kernel in BUILD: arm64 or
# x86_64, from its .config.
build_arch() {
	if [[ -f "$1/.config" && "$(kconfig_get "$1" ARM64)" == y ]]; then
		echo arm64
	else
		echo x86_64
	fi
}

# kernel_image BUILD - the image scripts/lib/boot.sh takes: arch/arm64/boot/Image
# or arch/x86/boot/bzImage.
kernel_image() {
	arch_load "$(build_arch "$1")"
	printf '%s\n' "$1/$ARCH_IMAGE"
}

# image_arch IMAGE - arm64 for an arm64 Image (magic "ARMd" at offset 56),
# else x86_64.
image_arch() {
	if [[ "$(od -An -c -j 56 -N 4 -- "$1" | tr -d ' ')" == ARMd ]]; then
		echo arm64
	else
		echo x86_64
	fi
}

# An oops panics the guest (oops=panic), so that it ends the run at once.
boot_kernel_checks() {
	local kernel="$1" initrd="$2" mode="$3" timeout="$4"
	shift 4
	"$ACME_ROOT/scripts/lib/boot.sh" --kernel "$kernel" --initrd "$initrd" \
		--timeout "$timeout" --append "quiet oops=panic acmeguest.mode=$mode" \
		--run /acme/checks.sh "$@"
}

boot_checks() {
	boot_kernel_checks "$(kernel_image "$1")" "$2" "$3" "$4" "${@:5}"
}

# oot_sources DEST - the files of the out-of-tree build (top Makefile,
# dkms.conf, drivers/char/acme/, the uapi header) copied to DEST.
oot_sources() {
	local dest="$1"
	mkdir -p -- "$dest/drivers/char" "$dest/include/uapi/linux"
	cp -- "$ACME_ROOT/Makefile" "$ACME_ROOT/dkms.conf" "$dest/"
	cp -a -- "$ACME_ROOT/drivers/char/acme" "$dest/drivers/char/"
	cp -- "$ACME_ROOT/include/uapi/linux/acme.h" "$dest/include/uapi/linux/"
	find "$dest" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '.*.d' -o -name '*.order' -o -name '*.symvers' \) -delete
}

# stock_release - the release of Debian's stock kernel: the one Debian's
# linux-headers-amd64 metapackage depends on (e.g. 6.1.0-56-amd64).
stock_release() {
	local krel
	need apt-cache:apt
	krel="$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-headers-\([0-9][^ ]*\)$/\1/p' | head -n1)"
	[[ -n "$krel" ]] ||
		die "apt-cache knows no linux-headers-amd64 that depends on a linux-headers-<release> (run apt-get update, or give the release with --release KREL)"
	printf '%s\n' "$krel"
}

# stock_headers KREL - print the headers (kbuild) dir of release KREL;
# linux-headers-KREL is installed when there is none.
stock_headers() {
	local krel="$1" d
	for d in "/usr/src/linux-headers-$krel" "/lib/modules/$krel/build"; do
		if [[ -f "$d/Makefile" ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	apt_install "linux-headers-$krel"
	[[ -f "/usr/src/linux-headers-$krel/Makefile" ]] ||
		die "no /usr/src/linux-headers-$krel/Makefile even after installing linux-headers-$krel"
	printf '%s\n' "/usr/src/linux-headers-$krel"
}

# replace_if_changed NEW DEST - mv NEW over DEST unless identical, so that
# an unchanged DEST keeps its timestamp.
replace_if_changed() {
	if cmp -s -- "$1" "$2"; then
		rm -f -- "$1"
	else
		mv -f -- "$1" "$2"
	fi
}

# check_vermagic KREL KO... - every module was built for release KREL.
check_vermagic() {
	local krel="$1" ko magic
	shift
	need modinfo:kmod
	for ko in "$@"; do
		[[ -f "$ko" ]] || die "$ko was not built"
		magic="$(modinfo -F vermagic "$ko")" || die "modinfo cannot read $ko"
		[[ "$magic" == "$krel "* ]] ||
			die "$ko has vermagic '$magic', not one of release $krel"
	done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	die "scripts/lib/common.sh is a library: source it from a script, do not run it"
fi
