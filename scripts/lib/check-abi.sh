#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-abi.sh - acme's uapi has one layout on every ABI, and no hole
#
# usage: scripts/lib/check-abi.sh [--header FILE]
#
# Compiles a file that declares every struct of include/uapi/linux/acme.h
# (or FILE) with -g for x86_64 (gcc -m64), i386 (gcc -m32), x32 (gcc
# -mx32) and arm64 (aarch64-linux-gnu-gcc), against the kernel's own uapi
# headers (-nostdinc), and reads the layouts back with pahole. Fails when a
# struct has a hole or tail padding, or when a struct's layout (size, and
# offset and size of each member) differs between two ABIs. The ioctl
# numbers encode the size of their argument, so equal layouts give equal
# numbers: then 32-bit user space on a 64-bit kernel needs nothing more
# than compat_ptr_ioctl.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# ABIs: name, compiler and flags.
ABIS=(
	"x86_64 gcc -m64"
	"i386 gcc -m32"
	"x32 gcc -mx32"
	"arm64 aarch64-linux-gnu-gcc"
)

# uapi_dir ARCH - print the include dir of the kernel's uapi headers for
# ARCH, installed once into $ACME_CACHE/uapi/6.12-ARCH by headers_install
# of the pristine 6.12 tree.
uapi_dir() {
	local arch="$1" dest="$ACME_CACHE/uapi/6.12-$1" src
	if [[ ! -f "$dest/include/linux/types.h" ]]; then
		src="$(KSRC="" "$ACME_ROOT/scripts/lib/get-source.sh" --kver 6.12)"
		rm -rf -- "$dest"
		make -s -C "$src" O="$dest/build" ARCH="$arch" INSTALL_HDR_PATH="$dest" \
			headers_install >&2 || die "headers_install ARCH=$arch failed"
	fi
	printf '%s\n' "$dest/include"
}

# layouts OBJ STRUCT... - pahole's view of each struct: offsets and sizes
# of the members and the struct's size, without the cacheline notes.
layouts() {
	local obj="$1" s
	shift
	for s in "$@"; do
		pahole -C "$s" "$obj" | grep -v 'last cacheline\|cacheline [0-9]* boundary\|^$' ||
			die "pahole found no struct $s in $obj"
	done
}

main() {
	local header="$ACME_ROOT/include/uapi/linux/acme.h" tmp abi name cc flags s
	local x86_inc arm64_inc inc
	local -a structs=()
	local bad=0 first="" ref=""
	opts_parse --header=header -- "$@"
	opts_none
	[[ -f "$header" ]] || die "no header $header"
	need pahole:dwarves gcc:gcc aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
	mapfile -t structs < <(sed -n 's/^struct \([a-z0-9_]*\) {$/\1/p' "$header")
	((${#structs[@]} > 0)) || die "no struct in $header"
	acme_tmpdir tmp
	x86_inc="$(uapi_dir x86)"
	arm64_inc="$(uapi_dir arm64)"
	printf '#include <linux/acme.h>\n' >"$tmp/abi.c"
	for s in "${structs[@]}"; do
		printf 'struct %s acme_abi_%s;\n' "$s" "$s" >>"$tmp/abi.c"
	done
	for abi in "${ABIS[@]}"; do
		read -r name cc flags <<<"$abi"
		inc="$x86_inc"
		[[ "$name" != arm64 ]] || inc="$arm64_inc"
		mkdir -p -- "$tmp/$name/linux"
		cp -- "$header" "$tmp/$name/linux/acme.h"
		# shellcheck disable=SC2086 # flags is one word or none
		"$cc" $flags -g -c -nostdinc -I"$tmp/$name" -I"$inc" \
			-o "$tmp/$name.o" "$tmp/abi.c" ||
			die "$header does not compile for $name ($cc ${flags:-})"
		layouts "$tmp/$name.o" "${structs[@]}" >"$tmp/$name.layout"
		log "$name: $(grep -c '^struct' "$tmp/$name.layout") structs"
		if grep -E 'XXX|padding' "$tmp/$name.layout"; then
			echo "$name: a hole or padding (pahole's XXX or padding lines above)"
			bad=1
		fi
		if [[ -z "$first" ]]; then
			first="$name" ref="$tmp/$name.layout"
		elif ! diff -u --label "$first" --label "$name" "$ref" "$tmp/$name.layout"; then
			echo "$name: the layout differs from $first's (diff above)"
			bad=1
		fi
	done
	((bad == 0)) || die "the uapi of $header is not the same on every ABI"
	cat "$ref"
	log "${#structs[@]} structs, one layout on ${#ABIS[@]} ABIs (x86_64, i386, x32, arm64), no hole"
}

main "$@"
