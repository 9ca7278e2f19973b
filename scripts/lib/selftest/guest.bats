#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The exit statuses of the front door, scripts/guest (scripts/lib/status.sh):
# a bad command line, a configuration that fails and a kernel that does not
# build, on a stand-in kernel tree whose make fails as told, and the
# statuses of a boot, with a stand-in for QEMU; then what the callers read
# them with (status_text, status_booted, guest_relay). Nothing is built or
# booted.

# shellcheck disable=SC2016 # code for a child shell, in single quotes
load helpers

setup() {
	common_setup
	export ACME_CACHE="$PWD/cache" ACME_BUILD="$PWD/build" ACME_CCACHE=0 ACME_JOBS=1
	# what make-guest.sh needs but the stand-in tree never runs; the real
	# command comes first in PATH when there is one
	mkdir -p tools
	local c
	for c in qemu-system-x86_64 flex bison bc depmod cpio perl pkg-config quilt; do
		printf '#!/bin/sh\nexit 1\n' >"tools/$c"
		chmod +x "tools/$c"
	done
	export PATH="$PATH:$PWD/tools"
}

# fake_tree DIR - a stand-in for a Linux 6.12 tree: its make makes the
# .config of the fragments (tinyconfig, merge_config.sh, olddefconfig),
# fails olddefconfig when FAKE_FAIL=olddefconfig, and fails every other
# target, as a kernel that does not build.
fake_tree() {
	mkdir -p "$1/scripts/kconfig"
	printf '%s\n' 'VERSION = 6' 'PATCHLEVEL = 12' 'SUBLEVEL = 0' 'EXTRAVERSION =' \
		'Makefile: ;' \
		'tinyconfig:' $'\t@: >$(KCONFIG_CONFIG)' \
		'olddefconfig:' $'\t@test "$(FAKE_FAIL)" != olddefconfig || { echo "olddefconfig fails" >&2; exit 1; }' \
		'%:' $'\t@echo "$@ does not build" >&2; exit 1' >"$1/Makefile"
	echo 'mainmenu "a stand-in"' >"$1/Kconfig"
	# merge_config.sh -m -O DIR BASE FRAGMENT...: the fragments after BASE
	printf '%s\n' '#!/bin/sh' \
		'while [ "${1#-}" != "$1" ]; do [ "$1" = -O ] && shift; shift; done' \
		'base="$1"; shift; cat "$@" >>"$base"' >"$1/scripts/kconfig/merge_config.sh"
	chmod +x "$1/scripts/kconfig/merge_config.sh"
}

# applied_tree - the cache's 6.12 tree as a stand-in on which the series
# counts as applied (apply.sh's stamp), so that nothing is patched.
applied_tree() {
	local tree="$ACME_CACHE/tree/linux-6.12"
	fake_tree "$tree"
	mkdir -p "$tree/.pc"
	echo 0001-acme.patch >"$tree/.pc/applied-patches"
	bash -c '. "$1/apply.sh"; series_stamp "$(series_file 6.12)"' _ "$ACME_LIB" \
		>"$tree/.pc/.acme-stamp"
}

@test "guest: a bad option or argument exits 2, before anything is built" {
	local args
	for args in "--bogus" "" "frob" "--timeout 0 checks" "--acme n checks" \
		"--arch riscv64 checks" "--cc icc checks" "--kver 5.10 checks" \
		"--hotplug nosuch checks" "--debug --kcsan checks" "--build-only demo" \
		"--build-dir nosuch checks" "--kernel bzImage checks"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$ACME_TOP/scripts/guest" $args
		echo "args: $args"
		[ "$status" -eq 2 ]
		[[ "$output" == "acme: error: "* ]]
	done
	[ ! -e cache ]
	[ ! -e build ]
}

@test "guest: the series does not apply: a configuration failure, 3" {
	fake_tree ksrc
	KSRC="$PWD/ksrc" run "$ACME_TOP/scripts/guest" checks
	[ "$status" -eq 3 ]
	has_line "acme: error: the series does not apply to $PWD/ksrc (quilt output above; the tree is left as it was)"
	KSRC="$PWD/ksrc" run "$ACME_TOP/scripts/guest" --build-only
	[ "$status" -eq 3 ]
	[ ! -e ksrc/.pc ]
}

@test "guest: olddefconfig fails: a configuration failure, 3" {
	applied_tree
	FAKE_FAIL=olddefconfig run "$ACME_TOP/scripts/guest" checks
	[ "$status" -eq 3 ]
	has_line "olddefconfig fails"
	[[ "$output" == *"acme: error: make KCONFIG_CONFIG=$PWD/build/.config.acme-new olddefconfig failed"* ]]
}

@test "guest: the kernel does not build: a build failure, 4" {
	applied_tree
	run "$ACME_TOP/scripts/guest" checks
	[ "$status" -eq 4 ]
	has_line "bzImage does not build"
	[[ "$output" == *"acme: error: kernel build failed after "* ]]
	# the configuration went through
	grep -qx CONFIG_ACME=m build/.config
	run "$ACME_TOP/scripts/guest" --build-only
	[ "$status" -eq 4 ]
}

@test "guest: the guest program's status: 0, 1 for any other, 124, 125" {
	stub_qemu
	head -c 64 /dev/zero >bzImage
	: >initrd.cpio
	run env STUB=exit:0 "$ACME_TOP/scripts/guest" --kernel bzImage --initrd initrd.cpio cmd true
	[ "$status" -eq 0 ]
	run env STUB=exit:7 "$ACME_TOP/scripts/guest" --kernel bzImage --initrd initrd.cpio cmd 'exit 7'
	[ "$status" -eq 1 ]
	[[ "$output" == *"acme: guest exited with status 7 after "* ]]
	run env STUB=panic "$ACME_TOP/scripts/guest" --kernel bzImage --initrd initrd.cpio checks
	[ "$status" -eq 125 ]
	run env STUB=hang "$ACME_TOP/scripts/guest" --kernel bzImage --initrd initrd.cpio \
		--timeout 1 checks
	[ "$status" -eq 124 ]
}

@test "guest_relay: the build's line at the first line of the console, then the checks" {
	run in_common '
. "$ACME_LIB/ktap.sh"
shopt -s lastpipe
printf "%s\n" "Linux version 6.12" "KTAP version 1" "ok 1 - load" "not ok 2 - read" |
	guest_relay g "$(now)"
echo "built=$GUEST_BUILT passed=$KTAP_PASSED failed=$KTAP_FAILED"
: | guest_relay h "$(now)"
echo "built=$GUEST_BUILT passed=$KTAP_PASSED"'
	[ "$status" -eq 0 ]
	# the build's seconds, whatever they were
	same "$(sed 's/ ([0-9]* s)$/ (N s)/' <<<"$output")" "$(printf '%s\n' 'ok 1 - g: build (N s)' 'ok 2 - g: load' \
		'not ok 3 - g: read' 'built=1 passed=2 failed=1' 'built=0 passed=2')"
}

@test "status_text and status_booted: a word for each status" {
	run in_common 'for s in 0 1 2 3 4 124 125 7; do
		printf "%s %s: %s\n" "$s" "$(status_booted "$s" && echo booted || echo not)" "$(status_text "$s")"
	done'
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' '0 booted: passed' '1 booted: checks failed' \
		'2 not: usage error' '3 not: configuration failed' '4 not: build failed' \
		'124 booted: timed out' '125 booted: no report (a panic, or QEMU did not run)' \
		'7 booted: failed (exit status 7)')"
}
