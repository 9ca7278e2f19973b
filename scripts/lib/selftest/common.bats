#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/common.sh: kver_normalize, the arch tables and arch_load,
# toolchain_vars, make_var/has_make_var, and the library run as a program.

# shellcheck disable=SC2016 # code for a child shell, in single quotes
load helpers

setup() {
	common_setup
}

# kvers - the kernels of ACME_KVERS, space-separated.
kvers() {
	in_common 'echo "${ACME_KVERS[*]}"'
}

# archs - the entries of ACME_ARCHS, one a line.
archs() {
	in_common 'printf "%s\n" "${ACME_ARCHS[@]}"'
}

@test "kver_normalize: the default is the first of ACME_KVERS; v and linux-source- prefixes" {
	local first
	first="$(kvers)"
	first="${first%% *}"
	[ "$first" = 6.12 ]
	mkprog 'for v in "$@"; do printf "%s=%s\n" "$v" "$(kver_normalize "$v")"; done
		printf "none=%s\n" "$(kver_normalize)"'
	run bash "$PROG" 6.12 6.1 v6.12 v6.1 linux-source-6.12 linux-source-6.1
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 6.12=6.12 6.1=6.1 v6.12=6.12 v6.1=6.1 \
		linux-source-6.12=6.12 linux-source-6.1=6.1 "none=$first")"
}

@test "kver_normalize: ACME_KVER is the default; an argument wins over it" {
	mkprog 'printf "%s\n" "$(kver_normalize)" "$(kver_normalize "$@")"'
	ACME_KVER=6.1 run bash "$PROG" 6.12
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 6.1 6.12)"
	ACME_KVER=v6.1 run bash "$PROG" ""
	same "$output" "$(printf '%s\n' 6.1 6.1)"
}

@test "kver_normalize: 5.10 and other versions die (usage) with the supported list" {
	local list v
	list="$(kvers)"
	mkprog 'kver_normalize "$@"; echo reached'
	for v in 5.10 6.12.1 6 6.1x linux-6.1 ""; do
		if [[ -z "$v" ]]; then
			ACME_KVER=5.10 run bash "$PROG"
			v=5.10
		else
			run bash "$PROG" "$v"
		fi
		echo "version: $v"
		[ "$status" -eq 2 ]
		[[ "$output" == "acme: error: unsupported kernel version '$v'"*"$list"* ]]
		[[ "$output" != *reached* ]]
	done
}

# arch_facts ARCH - "KEY=VALUE" of every ARCH_* variable after arch_load
# ARCH in a new shell (arrays as their words), sorted.
arch_facts() {
	in_common '
before="$(compgen -v ARCH_ || true)"
[[ -z "$before" ]] || { echo "ARCH_* set before arch_load: $before"; exit 1; }
arch_load "$1"
for k in $(compgen -v ARCH_); do
	declare -n ref="$k"
	printf "%s=%s\n" "$k" "${ref[*]}"
	unset -n ref
done | sort' "$1" 2>&1
}

@test "arch tables: every arch of ACME_ARCHS sets the same ARCH_* keys" {
	local a first="" keys want
	for a in $(archs); do
		arch_facts "$a" >"facts.$a" || {
			cat "facts.$a"
			false
		}
		keys="$(cut -d= -f1 "facts.$a")"
		if [[ -z "$first" ]]; then
			first="$a" want="$keys"
			continue
		fi
		same "$keys" "$want" || {
			echo "$a and $first set different ARCH_* keys"
			false
		}
	done
	[[ -n "$first" ]]
}

@test "arch tables: the facts each needs are not empty; ARCH_NAME; the config exists" {
	local a k
	for a in $(archs); do
		arch_facts "$a" >"facts.$a"
		grep -qx "ARCH_NAME=$a" "facts.$a"
		for k in ARCH_QEMU ARCH_QEMU_PKG ARCH_IMAGE ARCH_CONSOLE ARCH_CONFIG \
			ARCH_CC_PKG ARCH_LIBC_PKG ARCH_DEB ARCH_EDU; do
			grep -q "^$k=." "facts.$a" || {
				echo "$a: $k is not set or empty"
				false
			}
		done
		k="$(sed -n 's/^ARCH_CONFIG=//p' "facts.$a")"
		[[ -f "$ACME_TOP/scripts/configs/$k" ]] || {
			echo "$a: no scripts/configs/$k"
			false
		}
	done
}

@test "arch tables: ARCH_MAKE is an array; every table in scripts/lib/arch/ is in ACME_ARCHS" {
	local a f
	for a in $(archs); do
		run in_common 'arch_load "$1"; declare -p ARCH_MAKE' "$a"
		[[ "$output" == "declare -a ARCH_MAKE="* ]]
	done
	for f in "$ACME_LIB"/arch/*.sh; do
		f="${f##*/}"
		archs | grep -qx "${f%.sh}" || {
			echo "scripts/lib/arch/$f is not in ACME_ARCHS"
			false
		}
	done
}

@test "arch tables: the edu device and the hotplug modes" {
	local a
	for a in $(archs); do
		run in_common '
arch_load "$1"
[[ "$ARCH_EDU" == edu || "$ARCH_EDU" == edu,* ]] || { echo "ARCH_EDU=$ARCH_EDU is no edu device"; exit 1; }
[[ "$ARCH_EDU" != *,id=* && "$ARCH_EDU" != *,bus=* ]] || { echo "ARCH_EDU names an id or bus: boot.sh adds them"; exit 1; }
declare -p ARCH_HOTPLUG_MODES | grep -q "^declare -a " || { echo "ARCH_HOTPLUG_MODES is no array"; exit 1; }
if [[ -z "$ARCH_HOTPLUG_MACHINE" ]]; then
	((${#ARCH_HOTPLUG_MODES[@]} == 0)) || { echo "hotplug modes without ARCH_HOTPLUG_MACHINE"; exit 1; }
fi
for m in "${ARCH_HOTPLUG_MODES[@]}"; do
	[[ "$m" =~ ^[a-z0-9]+\|.*$ ]] || { echo "hotplug mode \"$m\" is not MODE|QEMU ARGS"; exit 1; }
done
echo ok' "$a"
		echo "$a: $output"
		[ "$status" -eq 0 ]
		same "$output" ok
	done
}

@test "arch_load: an unknown architecture dies (usage)" {
	mkprog 'arch_load "$1"; echo reached'
	run bash "$PROG" riscv64
	[ "$status" -eq 2 ]
	same "$output" "acme: error: unknown architecture 'riscv64': use one of $(archs | paste -sd' ')"
	run bash "$PROG" ""
	[ "$status" -eq 2 ]
	[[ "$output" == "acme: error: unknown architecture ''"* ]]
}

# toolchain ARCH CC - TOOLCHAIN_VARS as "<word>..." and the calls of a
# stubbed need (no package gets installed).
toolchain() {
	in_common '
need() { printf "need %s\n" "$*"; }
toolchain_vars "$1" "$2"
printf "vars:"
printf " <%s>" "${TOOLCHAIN_VARS[@]}"
echo' "$1" "$2" 2>&1
}

@test "toolchain_vars: x86_64 and arm64 with gcc" {
	run toolchain x86_64 gcc
	[ "$status" -eq 0 ]
	same "$output" "vars: <>"
	run toolchain arm64 gcc
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'need aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu' \
		'vars: <ARCH=arm64> <CROSS_COMPILE=aarch64-linux-gnu->')"
}

@test "toolchain_vars: x86_64 and arm64 with clang (LLVM=1, no CROSS_COMPILE)" {
	run toolchain x86_64 clang
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'need clang:clang ld.lld:lld llvm-ar:llvm' \
		'vars: <LLVM=1>')"
	run toolchain arm64 clang
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'need clang:clang ld.lld:lld llvm-ar:llvm' \
		'vars: <ARCH=arm64> <LLVM=1>')"
}

@test "toolchain_vars: another compiler or architecture dies (usage)" {
	run toolchain x86_64 icc
	[ "$status" -eq 2 ]
	same "$output" "acme: error: the compiler must be gcc or clang, not 'icc'"
	run toolchain mips gcc
	[ "$status" -eq 2 ]
	[[ "$output" == "acme: error: unknown architecture 'mips'"* ]]
}

@test "make_var and has_make_var: the last NAME= wins; absent is empty and false" {
	run in_common 'make_var CC A=1 CC=gcc B=2 CC=clang
		make_var LD A=1 || echo "status $?"
		has_make_var CC A=1 CC=x && echo has
		has_make_var C CC=x || echo "has not"'
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' clang has 'has not')"
}

@test "common.sh run as a program (not sourced) exits non-zero with an error" {
	run bash "$ACME_LIB/common.sh"
	[ "$status" -ne 0 ]
	[[ "$output" == "acme: error: "*library* ]]
	if [[ -x "$ACME_LIB/common.sh" ]]; then
		run "$ACME_LIB/common.sh"
		[ "$status" -ne 0 ]
		[[ "$output" == "acme: error: "*library* ]]
	fi
}
