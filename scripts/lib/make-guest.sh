#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/make-guest.sh - build a bootable acme kernel and its initramfs
#
# usage: scripts/lib/make-guest.sh [--kver 6.12|6.1] [--acme m|y|n] [--no-modules]
#                           [--arch x86_64|arm64] [--cc gcc|clang]
#                           [--debug | --kcsan | --kcsan-strict] [VAR=value]...
#
# Applies the series (scripts/lib/prepare-tree.sh), configures (scripts/lib/configure.sh),
# builds the kernel (scripts/lib/build.sh), the acme kselftest as a static binary,
# and the busybox initramfs with the guest scripts in /acme. Prints the build
# directory on stdout: its bzImage (arm64: arch/arm64/boot/Image) and BUILD/initramfs.cpio
# are ready for scripts/lib/boot.sh. Every step is incremental.
#
# --debug merges scripts/configs/debug.config: KASAN, UBSAN, lockdep,
# kmemleak, DEBUG_OBJECTS and fault injection (failslab, fail_page_alloc).
#
# --kcsan merges scripts/configs/kcsan.config instead: KCSAN (the data-race
# detector; "BUG: KCSAN: data-race in ..." in the kernel log), lockdep and
# DEBUG_ATOMIC_SLEEP. KCSAN excludes KASAN, so it is a kernel of its own and
# --debug and --kcsan do not combine. Under TCG its guest checks take about
# 5 times as long as on the plain kernel (6.12 =m: 128 s against 27 s).
#
# --kcsan-strict merges scripts/configs/kcsan-strict.config after
# kcsan.config: KCSAN_STRICT and KCSAN_WEAK_MEMORY, which report a plain
# access in place of an smp_load_acquire() or smp_store_release(), and
# races of core kernel code too (see the fragment). Its own build
# directory, with -kcsan-strict, so that it never rebuilds the --kcsan one.
#
# --arch arm64 cross-builds with Debian's gcc-aarch64-linux-gnu
# (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-), the kselftest too, and
# the initramfs gets Debian's busybox-static for arm64. --cc clang builds
# the kernel with LLVM=1 (Debian's clang and lld); user space stays gcc.
#
# The build directory is $ACME_CACHE/build/KVER-ACME[-nomod][-ARCH][-clang]
# [-debug|-kcsan|-kcsan-strict] (-ARCH only for arm64; with KSRC set:
# ksrc-NAME-ACME...), or $ACME_BUILD when set.
# VAR=value arguments (W=1, LLVM=1, ...) go to the kernel's make.
#
# Exit status (scripts/lib/status.sh): 0; 2 (ACME_EXIT_USAGE) for a bad
# option, before any work; 3 (ACME_EXIT_CONFIG) when the packages, the
# tree (the series does not apply) or the .config fail (configure.sh,
# olddefconfig, a fragment, a profile's checkers missing); 4
# (ACME_EXIT_BUILD) when the kernel, the modules, the kselftest or the
# initramfs do not build.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# check_debug_config BUILD - the checkers of the debug profile are on.
check_debug_config() {
	local sym
	local -a missing=()
	for sym in KASAN UBSAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK \
		DEBUG_OBJECTS FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC \
		FAULT_INJECTION_DEBUG_FS; do
		[[ "$(kconfig_get "$1" "$sym")" == y ]] || missing+=("CONFIG_$sym")
	done
	((${#missing[@]} == 0)) ||
		die "the debug profile lacks ${missing[*]} in $1/.config (see its configure log)"
}

# check_kcsan_config BUILD - the checkers of the KCSAN profile are on.
check_kcsan_config() {
	local sym
	local -a missing=()
	for sym in KCSAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP; do
		[[ "$(kconfig_get "$1" "$sym")" == y ]] || missing+=("CONFIG_$sym")
	done
	((${#missing[@]} == 0)) ||
		die "the KCSAN profile lacks ${missing[*]} in $1/.config (HAVE_ARCH_KCSAN and a compiler with -fsanitize=thread are needed; see its configure log)"
}

# check_kcsan_strict_config BUILD - and strict mode with weak memory is on.
check_kcsan_strict_config() {
	local sym
	local -a missing=()
	check_kcsan_config "$1"
	for sym in KCSAN_STRICT KCSAN_WEAK_MEMORY; do
		[[ "$(kconfig_get "$1" "$sym")" == y ]] || missing+=("CONFIG_$sym")
	done
	((${#missing[@]} == 0)) ||
		die "the strict KCSAN profile lacks ${missing[*]} in $1/.config (see its configure log)"
}

main() {
	local kver="" acme=m nomod=0 debug=0 kcsan=0 strict=0 arch=x86_64 cc=gcc
	local tree build
	local -a makevars=() cfgargs=()

	opts_parse --kver=kver --acme=acme --no-modules!nomod --arch=arch --cc=cc --debug!debug --kcsan!kcsan \
		--kcsan-strict!strict -- "$@"
	for v in "${OPTS_REST[@]}"; do
		[[ "$v" == *=* ]] || usage_error "unexpected argument '$v': give make variables as VAR=value (see ${0##*/} --help)"
		makevars+=("$v")
	done
	kver="$(kver_normalize "$kver")"
	[[ "$acme" =~ ^[ymn]$ ]] || usage_error "--acme must be y, m or n"
	((strict == 0)) || kcsan=1
	((debug + kcsan < 2)) ||
		usage_error "--debug and --kcsan (or --kcsan-strict) do not combine (KCSAN excludes KASAN): build them apart"
	[[ "$cc" == gcc || "$cc" == clang ]] || usage_error "the compiler must be gcc or clang, not '$cc'"
	arch_load "$arch"

	# Up to the .config, a failure is one of the configuration: the
	# packages, the tree and the series, configure.sh, the profile.
	ACME_DIE_STATUS="$ACME_EXIT_CONFIG"
	toolchain_vars "$arch" "$cc"
	makevars=("${TOOLCHAIN_VARS[@]}" "${makevars[@]}")
	need "$ARCH_QEMU:$ARCH_QEMU_PKG"
	need make:make gcc:gcc flex:flex bison:bison bc:bc cpio:cpio \
		depmod:kmod quilt:quilt
	need_file /usr/include/libelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev
	need_static_busybox

	# The tree and the build directory stay locked until the initramfs
	# is made: another run must not re-apply the series under this build.
	lock_tree "$kver"
	build="$(guest_build_dir "$kver" "$acme" "$nomod" "$debug" "$arch" "$cc" "$kcsan")"
	# strict: KVER-ACME...-kcsan-strict, beside the --kcsan directory
	[[ -n "${ACME_BUILD:-}" ]] || ((strict == 0)) || build+="-strict"
	acme_lock "build-${build##*/}"
	# scripts/loop's record of what the directory holds: void from here
	rm -f -- "$build/.acme-loop.key" "$build/.acme-loop.manifest"
	tree="$(timed "tree (get source, apply the series)" \
		"$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")" || fail_step "$?"
	cfgargs=(--tree "$tree" --build "$build" --acme "$acme" "${makevars[@]}")
	((nomod)) && cfgargs+=(--no-modules)
	((debug)) && cfgargs+=(--extra "$ACME_ROOT/scripts/configs/debug.config")
	((kcsan)) && cfgargs+=(--extra "$ACME_ROOT/scripts/configs/kcsan.config")
	((strict)) && cfgargs+=(--extra "$ACME_ROOT/scripts/configs/kcsan-strict.config")
	timed configure "$ACME_ROOT/scripts/lib/configure.sh" "${cfgargs[@]}" || fail_step "$?"
	((debug == 0)) || check_debug_config "$build"
	if ((strict)); then
		check_kcsan_strict_config "$build"
	elif ((kcsan)); then
		check_kcsan_config "$build"
	fi

	# From here on, a failure is one of the build.
	ACME_DIE_STATUS="$ACME_EXIT_BUILD"
	timed "kernel build" "$ACME_ROOT/scripts/lib/build.sh" --tree "$tree" \
		--build "$build" --headers "${makevars[@]}" >/dev/null || fail_step "$?"
	timed "kselftest build" build_kselftest "$tree" "$build" || fail_step "$?"
	timed initramfs guest_initramfs "$tree" "$build" "$build/initramfs.cpio" >&2 ||
		fail_step "$?"
	printf '%s\n' "$build"
}

main "$@"
