#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/build.sh - compile the kernel (bzImage + modules) in an O= build dir.
#
# usage: scripts/lib/build.sh --build DIR [--tree DIR] [--quiet] [VAR=value]...
#
# Run `make -C TREE O=BUILD -jN bzImage modules` (Image for arm64; modules
# only when CONFIG_MODULES=y) on a build dir prepared by scripts/configure,
# and print the path of the image on stdout. For the harness's own tree
# ($ACME_CACHE/tree/), make is skipped when the series applied, .config and
# the make variables are those of the last successful build. make's output
# (CC/LD lines) goes to stderr and to BUILD/.acme-build.log; on failure the
# last 40 lines of the log are repeated and the exit status is non-zero.
#
# Options:
#   --build DIR   build directory (must contain .config)
#   --tree DIR    kernel source tree (default: BUILD/source)
#   --quiet       do not stream make's output, only progress lines
#   --headers     also install the uapi headers into BUILD/usr/include (for
#                 user-space tests), in the same make run
#   --modules-in DIR
#                 build only the modules that BUILD/modules.order lists
#                 under DIR (a kbuild directory such as drivers/char/acme),
#                 as make's single .ko targets: what changed is compiled,
#                 modpost and the final link run for those modules, and
#                 the image is left alone (BUILD must have been built
#                 whole, with CONFIG_MODULES=y). Prints the modules.
#   -h, --help    show this help
#   VAR=value     extra make variables, e.g. W=1, LLVM=1, V=1
#
# Environment:
#   ACME_JOBS     parallel jobs (default: nproc)
#   CCACHE_DIR    ccache dir (default: $ACME_CACHE/ccache); ccache is used
#                 (CC="ccache gcc", or "ccache clang" with LLVM=...; as
#                 root it is installed when missing), unless CC=... is
#                 given or ACME_CCACHE=0
#
# Exit status: 0; 2 (ACME_EXIT_USAGE) for a bad option; 3
# (ACME_EXIT_CONFIG) when BUILD has no .config or the tree is no kernel
# tree; 4 (ACME_EXIT_BUILD) when make fails.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TREE="" BUILD="" QUIET=0 HEADERS=0 MODULES_IN=""
MAKE_VARS=()

parse_args() {
	opts_parse --tree=TREE --build=BUILD --quiet!QUIET --headers!HEADERS \
		--modules-in=MODULES_IN -- "$@"
	for v in "${OPTS_REST[@]}"; do
		[[ "$v" == [A-Za-z_]*=* ]] || usage_error "unexpected argument '$v': give make variables as VAR=value (see ${0##*/} --help)"
		MAKE_VARS+=("$v")
	done
}

check_args() {
	[[ -n "$BUILD" ]] || usage_error "missing --build DIR"
	# a build directory that is not configured, or a tree that is no tree
	ACME_DIE_STATUS="$ACME_EXIT_CONFIG"
	[[ -d "$BUILD" ]] || die "build dir '$BUILD' does not exist (run scripts/configure first)"
	BUILD="$(cd "$BUILD" && pwd -P)"
	[[ -f "$BUILD/.config" ]] || die "no $BUILD/.config (run scripts/configure first)"
	[[ -n "$TREE" ]] || TREE="$(build_srctree "$BUILD")"
	TREE="$(require_kernel_tree "$TREE")"
}

# setup_ccache - add CC="ccache <compiler>" unless disabled or overridden:
# the compiler is $(CROSS_COMPILE)gcc, or clang with LLVM=.
setup_ccache() {
	has_make_var CC "${MAKE_VARS[@]}" && return 0
	local cc
	cc="$(make_var CROSS_COMPILE "${MAKE_VARS[@]}")gcc"
	has_make_var LLVM "${MAKE_VARS[@]}" && cc=clang
	cc="$(ccache_cc "$cc")"
	[[ -n "$cc" ]] || return 0
	MAKE_VARS=("CC=$cc" "${MAKE_VARS[@]}")
}

run_make() {
	local log="$BUILD/.acme-build.log" rc=0
	local -a cmd=(make -C "$TREE" O="$BUILD" -j"$(acme_jobs)" "${MAKE_VARS[@]}" "${TARGETS[@]}")
	log "building ${TARGETS[*]} in $BUILD (-j$(acme_jobs)${MAKE_VARS[*]:+ ${MAKE_VARS[*]}})"
	printf '%q ' "${cmd[@]}" >"$log"
	echo >>"$log"
	if ((QUIET)); then
		"${cmd[@]}" >>"$log" 2>&1 || rc=$?
	else
		"${cmd[@]}" 2>&1 | tee -a "$log" >&2 || rc=$?
	fi
	if ((rc != 0)); then
		log "---- last 40 lines of $log ----"
		tail -n 40 "$log" >&2
		die "kernel build failed after $(elapsed_since "$T0") s (log: $log)"
	fi
}

# build_stamp - what a build of the cache tree depends on that make does not
# see cheaply: the series applied (its stamp), .config, the targets and the
# make variables. Empty for any other tree, which may be edited by hand.
build_stamp() {
	case "$TREE/" in
	"$(realpath -m -- "$ACME_CACHE/tree")"/*) ;;
	*) return 0 ;;
	esac
	[[ -f "$TREE/.pc/.acme-stamp" ]] || return 0
	{
		cat "$TREE/.pc/.acme-stamp" "$BUILD/.config"
		printf '%s\n' "${TARGETS[@]}" "${MAKE_VARS[@]}"
	} | sha256sum | cut -d' ' -f1
}

# restore_order - put back the modules.order of the whole build, which a
# build of single .ko targets overwrites and then removes.
restore_order() {
	[[ -f "$BUILD/modules.order.acme-keep" ]] || return 0
	mv -f -- "$BUILD/modules.order.acme-keep" "$BUILD/modules.order"
}

# build_modules_in DIR - the --modules-in build: the modules of DIR only.
build_modules_in() {
	local dir="${1%/}" order="$BUILD/modules.order"
	[[ "$(kconfig_get "$BUILD" MODULES)" == y ]] ||
		die "--modules-in needs a kernel with CONFIG_MODULES=y ($BUILD/.config)"
	[[ -s "$order" && -f "$BUILD/vmlinux.o" ]] ||
		die "no $order or vmlinux.o: build $BUILD whole first"
	mapfile -t TARGETS < <(sed -n "s|^\($dir/.*\)\.o\$|\1.ko|p" "$order")
	((${#TARGETS[@]})) || die "$order lists no module under $dir/"
	# the tree changed under the build: no skip by the stamp of the series
	rm -f -- "$BUILD/.acme-built"
	cp -p -- "$order" "$order.acme-keep"
	trap 'restore_order; _acme_cleanup' EXIT
	run_make
	restore_order
	log "built ${TARGETS[*]} in $(elapsed_since "$T0") s; the image is left as it was"
	printf '%s\n' "${TARGETS[@]/#/$BUILD/}"
}

main() {
	parse_args "$@"
	[[ -z "$MODULES_IN" || "$HEADERS" == 0 ]] || usage_error "--modules-in and --headers do not combine"
	check_args
	# from here on, a failure is one of the build
	ACME_DIE_STATUS="$ACME_EXIT_BUILD"
	acme_lock "build-${BUILD##*/}"
	need make:make gcc:gcc flex:flex bison:bison bc:bc perl:perl \
		pkg-config:pkg-config
	need_file /usr/include/libelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev
	T0="$(now)"
	arch_load "$(build_arch "$BUILD")"
	if [[ -n "$MODULES_IN" ]]; then
		setup_ccache
		build_modules_in "$MODULES_IN"
		return 0
	fi
	TARGETS=("${ARCH_IMAGE##*/}")
	((HEADERS == 0)) || TARGETS+=(headers)
	[[ "$(kconfig_get "$BUILD" MODULES)" == y ]] && TARGETS+=(modules)
	setup_ccache
	local image stamp
	image="$(kernel_image "$BUILD")"
	stamp="$(build_stamp)"
	if [[ -n "$stamp" && -f "$image" && "$(cat "$BUILD/.acme-built" 2>/dev/null)" == "$stamp" ]]; then
		log "nothing changed since the last build of $BUILD (series, .config, make variables); make skipped"
		printf '%s\n' "$image"
		return 0
	fi
	rm -f -- "$BUILD/.acme-built"
	run_make
	[[ -f "$image" ]] || die "build finished but $image is missing"
	[[ -z "$stamp" ]] || printf '%s\n' "$stamp" >"$BUILD/.acme-built"
	log "built $(cat "$BUILD/include/config/kernel.release" 2>/dev/null || echo '?') in $(elapsed_since "$T0") s: $image"
	printf '%s\n' "$image"
}

main "$@"
