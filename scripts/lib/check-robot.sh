#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-robot.sh - the kernel test robot's builds of drivers/char/acme
#
# usage: scripts/lib/check-robot.sh [--kver 6.12|6.1] [--w1 i386|arm]...
#            [--randconfig N] [--seed SEED]... [--uapi-header-test]
#            [--headers-install]
#
# Each build or check prints one line, PASS or FAIL, its name and its
# seconds; a FAIL is followed by the offending lines. The last line is
# "N passed, N failed" and the exit status is non-zero when one failed.
# With no option (but --kver), everything runs: --w1 i386, --w1 arm,
# --randconfig 20, --uapi-header-test and --headers-install.
#
#   --w1 i386|arm      Linux built with W=1 for 32-bit x86 (host gcc) or
#                      ARMv7 (arm-linux-gnueabihf-gcc): allnoconfig with
#                      scripts/configs/base.config (and robot-arm.config),
#                      acme, acme_core, hello, KUnit and the KUnit test
#                      =m; vmlinux and modules, so that modpost
#                      links the modules against vmlinux (a u64 division
#                      without div_u64 shows there as an undefined
#                      __udivdi3 or __aeabi_uldivmod). The acme objects are
#                      always recompiled. Fails on a warning or error from
#                      a compile of an acme file, on modpost's about acme
#                      and on a libgcc division helper among the modules'
#                      undefined symbols.
#   --randconfig N     N (e.g. 20) randconfig builds for ARCH=x86 (the
#                      seed picks 32 or 64 bits) with the seeds
#                      0xac3e01...: KCONFIG_ALLCONFIG forces
#                      CONFIG_ACME_DRIVERS=y and, by the seed's low bits,
#                      ACME, ACME_HELLO and ACME_KUNIT_TEST =y or =m (with
#                      KUNIT, KUNIT_ALL_TESTS=n, and MODULES=y when one is
#                      =m). A forced symbol that randconfig did not set is
#                      a failure, shown with its dependencies. Then make
#                      prepare and drivers/char/acme/ only (no W=1): no
#                      warning allowed.
#   --seed SEED        one randconfig build with KCONFIG_SEED=SEED
#                      (repeatable), e.g. to repeat a failed one.
#   --uapi-header-test x86_64 (scripts/lib/configure.sh, robot-uapi.config) with
#                      CONFIG_UAPI_HEADER_TEST=y; builds usr/, which
#                      compile-tests every exported header as
#                      usr/include/Makefile does (gcc -std=c90 -Wall, and
#                      headers_check.pl); no warning about linux/acme.h.
#   --headers-install  make headers_install, then a file that includes only
#                      <linux/acme.h> and asserts the ioctl numbers'
#                      direction, type and size against the structs,
#                      compiled with gcc -std=c90 (-m64 and -m32) and
#                      g++, each -Wall -Wextra -Werror -pedantic
#                      -nostdinc, with the installed acme.h alone on -I
#                      and the other installed headers on -isystem (the
#                      kernel's own linux/types.h is not -pedantic clean).
#   --kver 6.12|6.1    kernel (default 6.12)
#
# Build dirs, reused: $ACME_CACHE/build/robot-KVER-w1-ARCH, -rand-SEED,
# -uapi and -headers; make's output of the last run is in BUILD/robot.log.
# The compiler runs through ccache (see scripts/lib/build.sh). Times on 2 cores,
# cold (empty build dirs) then warm: --w1 10-16 min then 10 s per arch;
# --randconfig 20 14 min (15-95 s a build) then 3 min; --uapi-header-test
# 2 min then 3 s; --headers-install 20 s then 2 s.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KVER="" TREE="" JOBS=""
SEED_BASE=$((0xac3e00))
PASSED=0 FAILED=0
LOG=""
VARS=()

# result PASS|FAIL NAME T0 [DETAIL...] - print the line of one build or
# check (seconds since T0, from now_ms), then DETAIL lines indented.
result() {
	local status="$1" name="$2" t0="$3"
	shift 3
	printf '%s %s (%s s)\n' "$status" "$name" "$(secs_since "$t0")"
	if [[ "$status" == PASS ]]; then
		PASSED=$((PASSED + 1))
	else
		FAILED=$((FAILED + 1))
	fi
	(($# == 0)) || printf '%s\n' "$@" | sed 's/^/    /'
}

# kmake BUILD ARGS... - make in TREE with O=BUILD and VARS, output
# appended to LOG.
kmake() {
	local build="$1"
	shift
	make -C "$TREE" O="$build" -j"$JOBS" "${VARS[@]}" "$@" >>"$LOG" 2>&1
}

# cc_var COMPILER - VARS gets CC="ccache COMPILER" (when ccache is used).
cc_var() {
	local cc
	cc="$(ccache_cc "$1")"
	[[ -z "$cc" ]] || VARS+=("CC=$cc")
}

# acme_findings REGEX - from make's output on stdin, every diagnostic
# (warning or error, with the include chain, function context, notes and
# source lines that gcc prints with it; or a modpost WARNING/ERROR) that
# mentions a path matching REGEX: a warning in a header that a compile of
# an acme file triggers counts too.
acme_findings() {
	awk -v re="$1" '
	function add() { grp = grp $0 "\n"; if ($0 ~ re) hit = 1 }
	function flush() {
		if (bad && hit) printf "%s", grp
		grp = ""; bad = 0; hit = 0; ctx = 0
	}
	# kbuild command lines ("  CC [M]  x.o") and make own lines end one
	/^  [A-Z][A-Z0-9_]*( \[M\])? / || /^make(\[[0-9]+\])?: / { flush(); next }
	/^In file included from / || /: In (static |member )?function / ||
	/: At top level:/ || /^In function / {
		if (!ctx) flush()
		ctx = 1; add(); next
	}
	/: (warning|error|fatal error):/ || /^(WARNING|ERROR): / {
		if (!ctx) flush()
		ctx = 0; bad = 1; add(); next
	}
	{ add() }
	END { flush() }'
}

# acme_fragment ACME HELLO TEST KUNIT - Kconfig lines forcing acme's
# symbols (TEST or KUNIT "-": left alone); MODULES=y when one is =m.
acme_fragment() {
	local acme="$1" hello="$2" test="$3" kunit="$4"
	echo "CONFIG_ACME_DRIVERS=y"
	echo "CONFIG_ACME=$acme"
	echo "CONFIG_ACME_HELLO=$hello"
	if [[ "$test" != - ]]; then
		echo "CONFIG_ACME_KUNIT_TEST=$test"
		echo "# CONFIG_KUNIT_ALL_TESTS is not set"
	fi
	[[ "$kunit" == - ]] || echo "CONFIG_KUNIT=$kunit"
	[[ " $acme $hello $test $kunit " != *" m "* ]] || echo "CONFIG_MODULES=y"
}

# gen_config BUILD TARGET ALLCONFIG [SEED] - make TARGET (allnoconfig,
# randconfig) with KCONFIG_ALLCONFIG=ALLCONFIG (and KCONFIG_SEED=SEED)
# into BUILD/.config, which is only replaced when it changes.
gen_config() {
	local build="$1" target="$2" allconfig="$3" seed="${4:-}"
	local new="$build/.config.robot-new"
	rm -f -- "$new" "$new.old"
	KCONFIG_ALLCONFIG="$allconfig" KCONFIG_SEED="$seed" \
		kmake "$build" KCONFIG_CONFIG="$new" "$target" || return 1
	rm -f -- "$new.old"
	replace_if_changed "$new" "$build/.config"
}

# kconfig_depends SYM - the dependencies of SYM in TREE's Kconfig files,
# one a line: its "depends on" lines and the condition of its prompt.
kconfig_depends() {
	local f
	f="$(grep -rlE --include='Kconfig*' "^(menu)?config $1\$" "$TREE" | head -n1)" || true
	[[ -n "$f" ]] || return 0
	awk -v sym="$1" '
	$0 ~ "^(menu)?config " sym "$" { on = 1; next }
	on && /^[^[:space:]#]/ { exit }
	on && /^[[:space:]]+depends on / { sub(/^[[:space:]]+depends on /, ""); print }
	on && /^[[:space:]]+(bool|tristate) ".*" if / { sub(/^.*" if /, ""); print }
	' "$f"
}

# forced_mismatches BUILD SYM=VAL... - print a line for every symbol whose
# value in BUILD/.config is not VAL, with its dependencies and their values.
forced_mismatches() {
	local build="$1" sv sym want got deps ids id
	shift
	for sv in "$@"; do
		sym="${sv%%=*}" want="${sv#*=}"
		got="$(kconfig_get "$build" "$sym")"
		[[ "$got" != "$want" ]] || continue
		deps="$(kconfig_depends "$sym" | awk '{ s = s (NR > 1 ? " && " : "") "(" $0 ")" } END { print s }')"
		ids=""
		while read -r id; do
			ids+=" $id=$(kconfig_get "$build" "$id")"
		done < <(grep -oE '[A-Z][A-Z0-9_]+' <<<"$deps MODULES" | sort -u)
		printf 'CONFIG_%s: wanted %s, got %s (needs %s;%s)\n' \
			"$sym" "$want" "$got" "${deps:-nothing}" "$ids"
	done
}

# clean_acme BUILD - remove the acme objects and modules and
# Module.symvers, so that the next make recompiles every acme file and
# reruns modpost.
clean_acme() {
	rm -f -- "$1/Module.symvers"
	[[ -d "$1/drivers/char/acme" ]] || return 0
	find "$1/drivers/char/acme" -type f \( -name '*.o' -o -name '*.ko' \
		-o -name '*.mod' -o -name '*.mod.[co]' \) -delete
}

# compiled_all LOG FILE... - every drivers/char/acme/FILE.c was compiled
# in LOG; print those that were not.
compiled_all() {
	local log="$1" f
	shift
	for f in "$@"; do
		grep -qE "^  CC( \[M\])? +drivers/char/acme/$f\.o\$" "$log" ||
			echo "drivers/char/acme/$f.c was not compiled (see $log)"
	done
}

# acme_objs BUILD - the acme files the .config of BUILD builds (names
# without .c under drivers/char/acme/).
acme_objs() {
	[[ "$(kconfig_get "$1" ACME_CORE)" == n ]] || echo acme_core
	[[ "$(kconfig_get "$1" ACME)" == n ]] || echo acme
	[[ "$(kconfig_get "$1" ACME_HELLO)" == n ]] || echo hello
	[[ "$(kconfig_get "$1" ACME_KUNIT_TEST)" == n ]] || echo tests/acme_core_kunit
}

# w1_vars ARCH - VARS for a build for ARCH (i386 or arm).
w1_vars() {
	VARS=()
	case "$1" in
	i386)
		VARS+=(ARCH=i386)
		cc_var gcc
		;;
	arm)
		need arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf
		VARS+=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-)
		cc_var arm-linux-gnueabihf-gcc
		;;
	*) die "--w1 takes i386 or arm, not '$1'" ;;
	esac
}

# libgcc_calls BUILD ARCH FILE... - the undefined symbols of the objects
# drivers/char/acme/FILE.o that are libgcc's 64-bit division helpers,
# which the kernel does not have (modpost reports them too, as undefined).
libgcc_calls() {
	local build="$1" nm=nm f
	[[ "$2" != arm ]] || nm=arm-linux-gnueabihf-nm
	shift 2
	for f in "$@"; do
		[[ -f "$build/drivers/char/acme/$f.o" ]] || continue
		"$nm" -u "$build/drivers/char/acme/$f.o" | awk -v o="drivers/char/acme/$f.o" \
			'$2 ~ /^__(u?(div|mod)di3|aeabi_u?ldivmod)$/ { print o ": calls " $2 " (a 64-bit division: use div_u64() and friends)" }'
	done
}

# check_w1 ARCH - the W=1 build for ARCH.
check_w1() {
	local arch="$1" build="$ACME_CACHE/build/robot-$KVER-w1-$1" t0 allconfig
	local -a forced=(ACME_DRIVERS=y ACME=m ACME_CORE=m ACME_HELLO=m MODULES=y)
	local -a bad=() objs=()
	local name="w1 $arch: Linux $KVER ARCH=$arch W=1 vmlinux modules, acme =m"
	local out
	t0="$(now_ms)"
	w1_vars "$arch"
	mkdir -p -- "$build"
	LOG="$build/robot.log"
	: >"$LOG"
	allconfig="$build/.config.robot-allconfig"
	{
		cat "$ACME_ROOT/scripts/configs/base.config"
		[[ "$arch" != arm ]] || cat "$ACME_ROOT/scripts/configs/robot-arm.config"
		acme_fragment m m m m
	} >"$allconfig"
	log "w1 $arch: allnoconfig in $build"
	if ! gen_config "$build" allnoconfig "$allconfig"; then
		result FAIL "$name" "$t0" "allnoconfig failed:" "$(tail -n 20 "$LOG")"
		return 0
	fi
	# The KUnit test only where KUnit can be enabled.
	if [[ "$(kconfig_get "$build" KUNIT)" != n ]]; then
		forced+=(ACME_KUNIT_TEST=m)
	else
		warn "w1 $arch: KUNIT cannot be enabled, the KUnit test is not built"
	fi
	[[ "$(kconfig_get "$build" 64BIT)" == n ]] || bad+=("CONFIG_64BIT=y: not a 32-bit kernel")
	out="$(forced_mismatches "$build" "${forced[@]}")"
	[[ -z "$out" ]] || bad+=("$out")
	if ((${#bad[@]})); then
		result FAIL "$name" "$t0" "${bad[@]}"
		return 0
	fi
	clean_acme "$build"
	log "w1 $arch: make W=1 vmlinux modules (log: $LOG)"
	if ! kmake "$build" W=1 vmlinux modules; then
		bad+=("make W=1 vmlinux modules failed; the end of $LOG:")
		bad+=("$(tail -n 20 "$LOG")")
	fi
	out="$(acme_findings 'drivers/char/acme/' <"$LOG")"
	[[ -z "$out" ]] || bad+=("$out")
	mapfile -t objs < <(acme_objs "$build")
	out="$(compiled_all "$LOG" "${objs[@]}")"
	[[ -z "$out" ]] || bad+=("$out")
	out="$(libgcc_calls "$build" "$arch" "${objs[@]}")"
	[[ -z "$out" ]] || bad+=("$out")
	if ((${#bad[@]})); then
		result FAIL "$name" "$t0" "${bad[@]}"
	else
		result PASS "$name ($(printf '%s.ko ' "${objs[@]}" | sed 's/ $//'))" "$t0"
	fi
}

# seed_mix SEED - "ACME HELLO TEST KUNIT" for the seed's low bits: bit 0
# hello =m, bit 1 acme =m, bit 2 the test =m (it is =m when acme is, as it
# depends on ACME_CORE), bit 3 KUnit =y when the test is =m.
seed_mix() {
	local s="$1" acme=y hello=y test=y kunit=y
	((s & 1)) && hello=m
	((s & 2)) && acme=m
	if [[ "$acme" == m ]] || ((s & 4)); then
		test=m
		((s & 8)) || kunit=m
	fi
	echo "$acme $hello $test $kunit"
}

# check_randconfig SEED - one randconfig build.
check_randconfig() {
	local seed hex build t0 t1 allconfig acme hello test kunit bits name
	local out tcfg tprep
	local -a bad=() objs=() forced=()
	seed=$(($1))
	hex="$(printf '0x%x' "$seed")"
	build="$ACME_CACHE/build/robot-$KVER-rand-$hex"
	read -r acme hello test kunit <<<"$(seed_mix "$seed")"
	name="randconfig KCONFIG_SEED=$hex ACME=$acme ACME_HELLO=$hello ACME_KUNIT_TEST=$test KUNIT=$kunit"
	VARS=(ARCH=x86)
	cc_var gcc
	mkdir -p -- "$build"
	LOG="$build/robot.log"
	: >"$LOG"
	allconfig="$build/.config.robot-allconfig"
	acme_fragment "$acme" "$hello" "$test" "$kunit" >"$allconfig"
	t0="$(now_ms)"
	log "$name: randconfig in $build"
	if ! gen_config "$build" randconfig "$allconfig" "$hex"; then
		result FAIL "$name" "$t0" "randconfig failed:" "$(tail -n 20 "$LOG")"
		return 0
	fi
	tcfg="$(secs_since "$t0")"
	bits=x86_64
	[[ "$(kconfig_get "$build" 64BIT)" == y ]] || bits=i386
	name+=" ($bits)"
	mapfile -t forced < <(sed -n -e 's/^CONFIG_\([A-Z0-9_]*=[ymn]\)$/\1/p' \
		-e 's/^# CONFIG_\([A-Z0-9_]*\) is not set$/\1=n/p' "$allconfig")
	out="$(forced_mismatches "$build" "${forced[@]}")"
	if [[ -n "$out" ]]; then
		result FAIL "$name" "$t0" "randconfig did not honour KCONFIG_ALLCONFIG=$allconfig:" \
			"$out"
		return 0
	fi
	t1="$(now_ms)"
	log "$name: make prepare"
	if ! kmake "$build" prepare; then
		result FAIL "$name" "$t0" "make prepare failed; the end of $LOG:" "$(tail -n 20 "$LOG")"
		return 0
	fi
	tprep="$(secs_since "$t1")"
	clean_acme "$build"
	t1="$(now_ms)"
	log "$name: make drivers/char/acme/"
	: >"$LOG.acme"
	if ! make -C "$TREE" O="$build" -j"$JOBS" "${VARS[@]}" drivers/char/acme/ >"$LOG.acme" 2>&1; then
		bad+=("make drivers/char/acme/ failed; the end of $LOG.acme:" "$(tail -n 20 "$LOG.acme")")
	fi
	cat "$LOG.acme" >>"$LOG"
	out="$(acme_findings 'drivers/char/acme/' <"$LOG.acme")"
	[[ -z "$out" ]] || bad+=("$out")
	mapfile -t objs < <(acme_objs "$build")
	out="$(compiled_all "$LOG.acme" "${objs[@]}")"
	[[ -z "$out" ]] || bad+=("$out")
	rm -f -- "$LOG.acme"
	name+=", randconfig $tcfg s, prepare $tprep s, acme $(secs_since "$t1") s"
	if ((${#bad[@]})); then
		result FAIL "$name" "$t0" "${bad[@]}" \
			"reproduce: KCONFIG_ALLCONFIG=$allconfig KCONFIG_SEED=$hex make ARCH=x86 randconfig"
	else
		result PASS "$name" "$t0"
	fi
}

# check_uapi_header_test - CONFIG_UAPI_HEADER_TEST's compile test of the
# exported headers, acme.h among them.
check_uapi_header_test() {
	local build="$ACME_CACHE/build/robot-$KVER-uapi" t0 out
	local name="uapi-header-test: Linux $KVER x86_64 CONFIG_UAPI_HEADER_TEST=y, make usr/"
	local -a bad=()
	t0="$(now_ms)"
	need perl:perl
	need_file /usr/include/stdio.h:libc6-dev
	VARS=()
	cc_var gcc
	mkdir -p -- "$build"
	LOG="$build/robot.log"
	: >"$LOG"
	log "uapi-header-test: configuring $build"
	if ! "$ACME_ROOT/scripts/lib/configure.sh" --tree "$TREE" --build "$build" --acme m \
		--extra "$ACME_ROOT/scripts/configs/robot-uapi.config" "${VARS[@]}" >>"$LOG" 2>&1; then
		result FAIL "$name" "$t0" "scripts/lib/configure.sh failed:" "$(tail -n 20 "$LOG")"
		return 0
	fi
	out="$(forced_mismatches "$build" HEADERS_INSTALL=y UAPI_HEADER_TEST=y)"
	if [[ -n "$out" ]]; then
		result FAIL "$name" "$t0" "$out"
		return 0
	fi
	# The test of a header reruns only when it is missing or changed.
	rm -f -- "$build/usr/include/linux/acme.hdrtest"
	log "uapi-header-test: make usr/ (log: $LOG)"
	kmake "$build" usr/ ||
		bad+=("make usr/ failed; the end of $LOG:" "$(tail -n 20 "$LOG")")
	grep -qE '^  HDRTEST usr/include/linux/acme\.h$' "$LOG" ||
		bad+=("usr/include/linux/acme.h was not tested (no HDRTEST line in $LOG)")
	out="$(acme_findings 'linux/acme\.h' <"$LOG")"
	[[ -z "$out" ]] || bad+=("$out")
	# headers_check.pl reports without "warning:"
	out="$(grep -E '^(\./)?usr/include/linux/acme\.h:[0-9]+: ' "$LOG" || true)"
	[[ -z "$out" ]] || bad+=("$out")
	if ((${#bad[@]})); then
		result FAIL "$name" "$t0" "${bad[@]}"
	else
		result PASS "$name (HDRTEST of $(grep -c '^  HDRTEST ' "$LOG") headers)" "$t0"
	fi
}

# uapi_tu - a C and C++ translation unit that includes only <linux/acme.h>
# and checks the ioctl numbers against the structs at compile time.
uapi_tu() {
	cat <<'EOF'
/* scripts/lib/check-robot.sh --headers-install: only <linux/acme.h>. */
#include <linux/acme.h>

/* A static assertion that C90 and C++ both have: a negative array size. */
#define ACME_ASSERT(name, cond) typedef char acme_assert_##name[(cond) ? 1 : -1]
#define ACME_ASSERT_IOC(name, ioc, dir, type) \
	ACME_ASSERT(name##_type, _IOC_TYPE(ioc) == ACME_IOC_MAGIC); \
	ACME_ASSERT(name##_dir, _IOC_DIR(ioc) == (dir)); \
	ACME_ASSERT(name##_size, _IOC_SIZE(ioc) == sizeof(type))

ACME_ASSERT_IOC(get_size, ACME_IOC_GET_SIZE, _IOC_READ, __u64);
ACME_ASSERT_IOC(set_size, ACME_IOC_SET_SIZE, _IOC_WRITE, __u64);
ACME_ASSERT_IOC(clear, ACME_IOC_CLEAR, _IOC_WRITE, struct acme_clear);
ACME_ASSERT_IOC(get_stats, ACME_IOC_GET_STATS, _IOC_READ | _IOC_WRITE,
		struct acme_stats);
ACME_ASSERT(nr_distinct,
	    (1u << _IOC_NR(ACME_IOC_GET_SIZE) | 1u << _IOC_NR(ACME_IOC_SET_SIZE) |
	     1u << _IOC_NR(ACME_IOC_CLEAR) | 1u << _IOC_NR(ACME_IOC_GET_STATS)) ==
	    (1u << _IOC_NR(ACME_IOC_GET_SIZE)) + (1u << _IOC_NR(ACME_IOC_SET_SIZE)) +
	    (1u << _IOC_NR(ACME_IOC_CLEAR)) + (1u << _IOC_NR(ACME_IOC_GET_STATS)));
/* The same layout for 32-bit and 64-bit user space: no tail padding. */
ACME_ASSERT(stats_u64s, sizeof(struct acme_stats) % sizeof(__u64) == 0);
ACME_ASSERT(clear_u32s, sizeof(struct acme_clear) == 2 * sizeof(__u32));

static const unsigned long acme_ioctls[] = {
	ACME_IOC_GET_SIZE, ACME_IOC_SET_SIZE, ACME_IOC_CLEAR, ACME_IOC_GET_STATS,
};

unsigned long acme_uapi_use(struct acme_stats *stats, struct acme_clear *clear);

unsigned long acme_uapi_use(struct acme_stats *stats, struct acme_clear *clear)
{
	stats->flags = 0;
	clear->flags = 0;
	clear->reserved = 0;
	return acme_ioctls[3] + (unsigned long)stats->bytes_read +
	       sizeof(acme_ioctls) / sizeof(acme_ioctls[0]);
}
EOF
}

# compile_tu NAME DIR CMD... - compile a file with CMD in DIR, with
# hdr/acme (a copy of the installed linux/acme.h alone) on -I and
# hdr/include on -isystem: the base uapi headers are not -pedantic clean
# (long long in asm-generic/posix_types.h, named variadic macros in
# linux/stddef.h, __int128 in linux/types.h) and are system headers for
# user space. One result line.
compile_tu() {
	local name="$1" dir="$2" t0 out
	local -a cmd=("${@:3}" -nostdinc -Ihdr/acme -isystem hdr/include -c -o /dev/null)
	t0="$(now_ms)"
	if out="$(cd "$dir" && "${cmd[@]}" 2>&1)"; then
		result PASS "$name: ${cmd[*]}" "$t0"
	else
		result FAIL "$name: ${cmd[*]} (in $dir)" "$t0" "$out"
	fi
}

# check_headers_install - make headers_install, then <linux/acme.h> alone
# in C90 (64-bit and 32-bit x86) and C++.
check_headers_install() {
	local build="$ACME_CACHE/build/robot-$KVER-headers" t0 out hdr
	local name="headers-install: Linux $KVER make headers_install"
	local -a bad=()
	need g++:g++
	hdr="$build/hdr"
	t0="$(now_ms)"
	VARS=()
	mkdir -p -- "$build"
	LOG="$build/robot.log"
	: >"$LOG"
	rm -rf -- "$hdr"
	log "headers-install: make headers_install INSTALL_HDR_PATH=$hdr"
	kmake "$build" INSTALL_HDR_PATH="$hdr" headers_install ||
		bad+=("make headers_install failed; the end of $LOG:" "$(tail -n 20 "$LOG")")
	[[ -f "$hdr/include/linux/acme.h" ]] || bad+=("no $hdr/include/linux/acme.h")
	out="$(acme_findings 'acme\.h' <"$LOG")"
	[[ -z "$out" ]] || bad+=("$out")
	if ((${#bad[@]})); then
		result FAIL "$name" "$t0" "${bad[@]}"
		return 0
	fi
	result PASS "$name" "$t0"
	mkdir -p -- "$hdr/acme/linux"
	cp -f -- "$hdr/include/linux/acme.h" "$hdr/acme/linux/"
	uapi_tu >"$build/acme-uapi.c"
	cp -f -- "$build/acme-uapi.c" "$build/acme-uapi.cc"
	local -a warn=(-Wall -Wextra -Werror -pedantic)
	compile_tu "headers-install C90" "$build" gcc -std=c90 -m64 "${warn[@]}" acme-uapi.c
	compile_tu "headers-install C90 i386" "$build" gcc -std=c90 -m32 "${warn[@]}" acme-uapi.c
	compile_tu "headers-install C++" "$build" g++ "${warn[@]}" acme-uapi.cc
}

main() {
	local all=1 uapi=0 headers=0 n="" t0 arch seed
	local -a w1=() seeds=() seedargs=()
	opts_parse --kver=KVER --w1+w1 --randconfig=n --seed+seedargs \
		--uapi-header-test!uapi --headers-install!headers -- "$@"
	opts_none
	if [[ -n "$n" ]]; then
		[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--randconfig takes a number of builds, not '$n'"
		for ((seed = SEED_BASE + 1; seed <= SEED_BASE + n; seed++)); do
			seeds+=("$seed")
		done
	fi
	for seed in "${seedargs[@]}"; do
		[[ "$seed" =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] || die "--seed takes a number, not '$seed'"
		seeds+=("$((seed))")
	done
	((${#w1[@]} + ${#seeds[@]} + uapi + headers == 0)) || all=0
	KVER="$(kver_normalize "$KVER")"
	if ((all)); then
		w1=(i386 arm) uapi=1 headers=1
		for ((seed = SEED_BASE + 1; seed <= SEED_BASE + 20; seed++)); do
			seeds+=("$seed")
		done
	fi
	for arch in "${w1[@]}"; do
		w1_vars "$arch"
	done
	need make:make gcc:gcc flex:flex bison:bison bc:bc nm:binutils
	need_file /usr/include/openssl/ssl.h:libssl-dev /usr/include/libelf.h:libelf-dev
	JOBS="$(acme_jobs)"
	TREE="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$KVER")"
	t0="$(now_ms)"
	for arch in "${w1[@]}"; do
		check_w1 "$arch"
	done
	for seed in "${seeds[@]}"; do
		check_randconfig "$seed"
	done
	((uapi == 0)) || check_uapi_header_test
	((headers == 0)) || check_headers_install
	echo "$PASSED passed, $FAILED failed (Linux $KVER, $(secs_since "$t0") s)"
	((FAILED == 0))
}

main "$@"
