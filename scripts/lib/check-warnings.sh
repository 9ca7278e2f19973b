#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-warnings.sh - the compiler (W=1) and sparse find nothing in acme
#
# usage: scripts/lib/check-warnings.sh [--kver 6.12|6.1] [--arch x86_64|arm64]
#            [--cc gcc|clang] [VAR=value]...
#
# Builds drivers/char/acme/ with acme and its KUnit tests =m, W=1 and C=1
# (every file of the directory recompiled and checked by sparse) and fails
# when the output has any warning or error. --arch arm64 cross-builds
# (ARCH=arm64, with gcc CROSS_COMPILE=aarch64-linux-gnu-); --cc clang
# builds with LLVM=1 (clang and lld). The build dir is
# $ACME_CACHE/build/KVER-warnings[-arm64][-llvm]. VAR=value arguments go
# to configure and make (LLVM=... counts as clang).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

main() {
	local kver="" arch=x86_64 cc=gcc tree build out f v
	local -a vars=() tc
	opts_parse --kver=kver --arch=arch --cc=cc -- "$@"
	for v in "${OPTS_REST[@]}"; do
		[[ "$v" == *=* ]] || die "unexpected argument '$v': give make variables as VAR=value (see ${0##*/} --help)"
		vars+=("$v")
	done
	kver="$(kver_normalize "$kver")"
	need sparse:sparse
	if has_make_var LLVM "${vars[@]}"; then
		cc=clang
	fi
	toolchain_vars "$arch" "$cc"
	tc=()
	for v in "${TOOLCHAIN_VARS[@]}"; do
		has_make_var "${v%%=*}" "${vars[@]}" || tc+=("$v")
	done
	vars=("${tc[@]}" "${vars[@]}")
	build="$ACME_CACHE/build/$kver-warnings"
	[[ "$arch" == x86_64 ]] || build+="-$arch"
	[[ "$cc" == gcc ]] || build+="-llvm"

	tree="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	"$ACME_ROOT/scripts/lib/configure.sh" --tree "$tree" --build "$build" --acme m \
		--extra "$ACME_ROOT/scripts/configs/kunit.config" "${vars[@]}"
	# The tree's own findings stay out: prepare first (arm64 builds its vDSO
	# there, which sparse flags), then recompile and check only acme's files.
	log "preparing $build"
	out="$(make -C "$tree" O="$build" -j"$(acme_jobs)" W=1 "${vars[@]}" prepare 2>&1)" || {
		printf '%s\n' "$out"
		die "make prepare failed in $build"
	}
	if [[ -d "$build/drivers/char/acme" ]]; then
		find "$build/drivers/char/acme" -name '*.o' -delete
	fi
	log "building drivers/char/acme/ with W=1 C=1 ${vars[*]}"
	out="$(make -C "$tree" O="$build" -j"$(acme_jobs)" W=1 C=1 "${vars[@]}" \
		drivers/char/acme/ 2>&1)" || {
		printf '%s\n' "$out"
		die "drivers/char/acme/ does not build"
	}
	for f in acme_core.c acme.c hello.c tests/acme_core_kunit.c; do
		grep -q "CHECK .*drivers/char/acme/$f\$" <<<"$out" || {
			printf '%s\n' "$out"
			die "sparse did not check drivers/char/acme/$f (make's output above)"
		}
	done
	if grep -E 'warning:|error:' <<<"$out"; then
		die "W=1 or sparse reported the findings above"
	fi
	log "no W=1 or sparse finding in drivers/char/acme (Linux $kver, $arch, $cc)"
}

main "$@"
