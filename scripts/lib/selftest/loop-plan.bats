#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/loop-plan.sh: what scripts/loop rebuilds after an edit: the
# manifest of a checkout, the changes between two, the plan, and the key;
# and common.sh's cc_cached, which leaves unchanged guest programs alone.

load helpers

setup() {
	common_setup
	# shellcheck source=scripts/lib/loop-plan.sh
	. "$ACME_LIB/loop-plan.sh"
}

# checkout - a small checkout in ./co with a file in each input directory.
checkout() {
	local f
	for f in Documentation/misc-devices/acme.rst drivers/char/acme/acme.c \
		drivers/char/acme/acme_core.h drivers/char/acme/Kconfig \
		include/uapi/linux/acme.h tools/testing/selftests/drivers/acme/acme_test.c \
		Kconfig.snippet scripts/mkpatches scripts/series.d/0003-memory-devices.msg \
		scripts/lib/guest/checks.sh; do
		mkdir -p "co/$(dirname "$f")"
		echo "$f" >"co/$f"
	done
}

# plan_for CHANGE... ACME FASTOK - loop_plan for "KIND PATH" lines.
plan_for() {
	local n=$(($# - 2))
	printf '%s\n' "${@:1:n}" | grep . >changes || : >changes
	loop_plan changes "${@:n+1:1}" "${@:n+2:1}"
}

@test "loop_manifest: every input file, hashed and sorted; objects, docs and the selftest left out" {
	checkout
	mkdir -p co/scripts/lib/selftest
	touch co/drivers/char/acme/acme.o co/drivers/char/acme/acme.ko \
		co/drivers/char/acme/.acme.o.cmd co/drivers/char/acme/acme.mod.c \
		co/scripts/README.md co/scripts/lib/selftest/x.bats co/README
	run loop_manifest co
	[ "$status" -eq 0 ]
	same "$(cut -d' ' -f3 <<<"$output")" "$(printf '%s\n' \
		Documentation/misc-devices/acme.rst Kconfig.snippet drivers/char/acme/Kconfig \
		drivers/char/acme/acme.c drivers/char/acme/acme_core.h \
		include/uapi/linux/acme.h scripts/lib/guest/checks.sh scripts/mkpatches \
		scripts/series.d/0003-memory-devices.msg \
		tools/testing/selftests/drivers/acme/acme_test.c)"
	has_line "$(sha256sum <co/drivers/char/acme/acme.c | cut -d' ' -f1)  drivers/char/acme/acme.c"
}

@test "loop_changes: a changed, an added and a removed file; a touched one is no change" {
	checkout
	loop_manifest co >old
	echo "one more line" >>co/drivers/char/acme/acme.c
	touch -d '2001-01-01' co/include/uapi/linux/acme.h
	echo new >co/drivers/char/acme/acme_new.h
	rm co/Kconfig.snippet
	loop_manifest co >new
	run loop_changes old new
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' "removed Kconfig.snippet" \
		"changed drivers/char/acme/acme.c" "added drivers/char/acme/acme_new.h")"
	run loop_changes new new
	same "$output" ""
}

@test "loop_plan: no change is none; C files and headers of the driver are a module swap" {
	run plan_for m 1
	same "$output" none
	run plan_for "changed drivers/char/acme/acme.c" m 1
	same "$output" "modules drivers/char/acme/acme.c"
	run plan_for "changed drivers/char/acme/acme_core.c" "changed drivers/char/acme/acme_ring.h" m 1
	same "$output" "modules drivers/char/acme/acme_core.c drivers/char/acme/acme_ring.h"
}

@test "loop_plan: any other file, an added or removed file, =y or a backport is a full build" {
	local p
	for p in drivers/char/acme/Kconfig drivers/char/acme/Makefile \
		drivers/char/acme/tests/acme_core_kunit.c include/uapi/linux/acme.h \
		Documentation/misc-devices/acme.rst tools/testing/selftests/drivers/acme/acme_test.c \
		Kconfig.snippet scripts/mkpatches scripts/series.d/0003-memory-devices.msg \
		scripts/configs/base.config \
		scripts/lib/guest/checks.sh drivers/char/acme/acme.c.orig drivers/char/acmex/acme.c; do
		run plan_for "changed drivers/char/acme/acme.c" "changed $p" m 1
		same "$output" "full $p changed"
	done
	run plan_for "added drivers/char/acme/acme_new.h" m 1
	same "$output" "full drivers/char/acme/acme_new.h was added"
	run plan_for "changed drivers/char/acme/acme.c" "removed drivers/char/acme/hello.c" m 1
	same "$output" "full drivers/char/acme/hello.c was removed"
	run plan_for "changed drivers/char/acme/acme.c" y 1
	[[ "$output" == "full drivers/char/acme/acme.c changed and acme is built in (=y)"* ]]
	run plan_for "changed drivers/char/acme/acme.c" m 0
	[[ "$output" == "full drivers/char/acme/acme.c changed and this kernel's series edits the sources"* ]]
	# nothing changed is none whatever the mode
	run plan_for y 0
	same "$output" none
}

@test "loop_key_diff: the first line that differs, or is in one key only; nothing for equal keys" {
	printf '%s\n' "options kver=6.12 acme=m" "config 1234" "tree abcd" "image x 1 2 3" >old
	cp old same
	run loop_key_diff old same
	same "$output" ""
	sed 's/^config 1234/config 5678/' old >new
	run loop_key_diff old new
	same "$output" config
	sed 's/^image .*/image x 1 2 4/' old >new
	run loop_key_diff old new
	same "$output" image
	grep -v '^tree ' old >new
	run loop_key_diff old new
	same "$output" tree
	run loop_key_diff new old
	same "$output" tree
}

@test "cc_cached: a program is rebuilt only when a file it was built from or its command changed" {
	command -v gcc >/dev/null || skip "no gcc"
	mkdir -p src out
	printf '#define GREETING "hi"\n' >src/greeting.h
	printf '#include <stdio.h>\n#include "greeting.h"\nint main(void) { puts(GREETING); return 0; }\n' >src/prog.c
	mkprog 'cc_cached "$1" gcc -O2 -o "$1" "${@:2}" && stat -c %.9Y "$1"'
	run bash "$PROG" out/prog src/prog.c
	[ "$status" -eq 0 ]
	local first="$output"
	[ "$(out/prog)" = hi ]
	run bash "$PROG" out/prog src/prog.c
	same "$output" "$first"
	# a header it includes
	sleep 0.01
	printf '#define GREETING "hello"\n' >src/greeting.h
	run bash "$PROG" out/prog src/prog.c
	[ "$status" -eq 0 ]
	[ "$output" != "$first" ]
	[ "$(out/prog)" = hello ]
	first="$output"
	# another command
	run bash "$PROG" out/prog src/prog.c -Wall
	[ "$output" != "$first" ]
	first="$output"
	# the program removed
	rm out/prog
	run bash "$PROG" out/prog src/prog.c -Wall
	[ "$status" -eq 0 ]
	[ "$(out/prog)" = hello ]
	# a failed build leaves no record: the next run builds again
	printf 'int main(void) { return }\n' >src/bad.c
	run bash "$PROG" out/bad src/bad.c
	[ "$status" -ne 0 ]
	printf 'int main(void) { return 0; }\n' >src/bad.c
	run bash "$PROG" out/bad src/bad.c
	[ "$status" -eq 0 ]
	[ -x out/bad ]
}
