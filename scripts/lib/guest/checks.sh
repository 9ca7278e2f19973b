#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/guest/checks.sh - the guest checks of the acme series
#
# usage (in the guest): sh checks.sh [m|y]
#
#   m  acme, acme_core and hello are modules: load, use and unload them
#   y  they are built in: the devices must exist without modprobe
#
# Without an argument the mode comes from acmeguest.mode= on the kernel
# command line, else m.
#
# Prints one KTAP line per check ("ok N - name", "not ok N - name",
# "ok N - name # SKIP reason"), then "# N passed, N failed, N skipped", and
# exits non-zero when a check failed. The kselftest acme_test runs as part
# of it; each of its cases becomes one line here.
set -u

# cmdline_arg NAME - the value of acmeguest.NAME= on the kernel command line.
cmdline_arg() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^acmeguest\.$1=//p"
}

MODE="${1:-$(cmdline_arg mode)}"
# acmeguest.cycles=N on the command line: modprobe/rmmod cycles (default 20).
CYCLES=$(cmdline_arg cycles)
CYCLES="${CYCLES:-20}"
# acmeguest.stress_ms=MS: how long each stress test of the kselftest runs
# (ACME_STRESS_MS; the kselftest's default is 1000).
STRESS_MS=$(cmdline_arg stress_ms)
if [ -n "$STRESS_MS" ]; then
	export ACME_STRESS_MS="$STRESS_MS"
fi
# acmeguest.faults=1: the fault injection checks of faults.sh (debug kernel).
FAULTS=$(cmdline_arg faults)
# acmeguest.edu=none (check-distro.sh): no acme_edu, which the out-of-tree
# build leaves out; its checks and its example skip, saying so.
EDU=$(cmdline_arg edu)
# acmeguest.quick=1 (scripts/loop): the quick checks, not the whole set.
QUICK=$(cmdline_arg quick)
[ "$QUICK" = 1 ] || QUICK=""
# acmeguest.cases=LIST: the kselftest cases the quick checks run, comma-
# separated: FIXTURE.TEST (or FIXTURE.VARIANT.TEST) runs one case, FIXTURE
# every case of a fixture, "all" the whole kselftest. The default is
# QUICK_CASES: a few cases of each kind of device (read and write, seek,
# the ioctls, vectored I/O, splice, mmap, poll, blocking, non-blocking,
# a short stress test), about a second under TCG.
CASES=$(cmdline_arg cases)
QUICK_CASES=mem.write_then_read_back,mem.data_persists_across_opens,mem.seek_set_cur_end,mem.write_at_end_fails_enospc,mem.set_size_keeps_data_below_new_size,mem.stats_count_bytes_and_calls,mem.bad_ioctl_pointer_fails_efault,mem.readv_writev_move_bytes_at_the_position,mem.splice_to_and_from_a_pipe,mem.mmap_shares_bytes_with_read_and_write,mem.set_size_while_mapped_fails_ebusy,fifo.write_then_read_in_order,fifo.nonblocking_read_when_empty_fails_eagain,fifo.poll_reports_readiness,fifo.blocking_read_waits_for_a_writer,fifo.resize_only_when_empty,fifo.splice_to_and_from_a_pipe,fifo.k_writers_k_readers_lose_nothing
KMEMLEAK=/sys/kernel/debug/kmemleak
MODE="${MODE:-m}"
SELFTEST=/acme/acme_test
SELFTEST32=/acme/acme_test32
# The seed's messages, exactly: whole lines, with no "hello: " before them
# (hello's pr_fmt() adds nothing; count_kmsg matches the whole line).
GREETING='Good morrow to this fair assembly.'
FAREWELL='Alas, poor world, what treasure hast thou lost!'
# shellcheck source=../ktap.sh
. /acme/ktap.sh

# check_fails NAME CMD... - passes when CMD exits non-zero.
check_fails() {
	name="$1"
	shift
	if out=$("$@" 2>&1); then
		ktap_not_ok "$name" "command succeeded but must fail: $*" "$out"
	else
		ktap_ok "$name"
	fi
}

# count_kmsg TEXT - kernel log lines that are exactly TEXT at KERN_ALERT,
# read past the "[    2.139592] " timestamp of CONFIG_PRINTK_TIME=y kernels.
count_kmsg() {
	dmesg -r | sed 's/^\(<[0-9]*>\)\[ *[0-9]*\.[0-9]*\] /\1/' |
		grep -cxF "<1>$1" || true
}

# kmsg_has TEXT - some kernel log line contains TEXT.
kmsg_has() {
	dmesg | grep -qF "$1"
}

loaded() {
	grep -q "^$1 " /proc/modules
}

file_is() {
	[ "$(cat "$1")" = "$2" ]
}

# text_has TEXT PATTERN - some line of TEXT matches the grep PATTERN.
text_has() {
	printf '%s\n' "$1" | grep -q "$2"
}

# --- hello -------------------------------------------------------------

hello_modular() {
	before=$(count_kmsg "$GREETING")
	ktap_check "hello: modprobe hello succeeds" modprobe hello
	ktap_check "hello: the greeting is one KERN_ALERT line" \
		test "$(count_kmsg "$GREETING")" -eq $((before + 1))
	ktap_check "hello: lsmod lists hello" sh -c 'lsmod | grep -q "^hello "'
	ktap_check "hello: greetings parameter in sysfs" \
		file_is /sys/module/hello/parameters/greetings 1
	info=$(modinfo hello 2>&1)
	for field in "description:.*Greeting module" \
		"author:.*William Shakespeare" "license:.*GPL" "parm:.*greetings"; do
		ktap_check "hello: modinfo shows ${field%%:*}" \
			text_has "$info" "$field"
	done
	before=$(count_kmsg "$FAREWELL")
	ktap_check "hello: rmmod hello succeeds" rmmod hello
	ktap_check "hello: the farewell is one KERN_ALERT line" \
		test "$(count_kmsg "$FAREWELL")" -eq $((before + 1))
	check_fails "hello: greetings=11 is refused" modprobe hello greetings=11
	ktap_check "hello: the refusal names the parameter" \
		kmsg_has "hello: greetings=11 is out of range"
	before=$(count_kmsg "$GREETING")
	ktap_check "hello: greetings=3 greets three times" \
		sh -c 'modprobe hello greetings=3 && rmmod hello'
	ktap_check "hello: three greetings logged" \
		test "$(count_kmsg "$GREETING")" -eq $((before + 3))
}

hello_builtin() {
	ktap_check "hello: built-in hello greeted at boot" \
		test "$(count_kmsg "$GREETING")" -eq 1
	ktap_check "hello: greetings parameter in sysfs" \
		file_is /sys/module/hello/parameters/greetings 1
}

# --- acme devices ---------------------------------------------------------

# kselftest_kernel_way [m|y] - the acme kselftest as the kernel runs it:
# run_kselftest.sh from `make kselftest-install`, with acme not loaded, so
# the test loads it itself (=m) and unloads it at the end; then the same
# test as an unprivileged user, which must skip, not fail.
kselftest_kernel_way() {
	runner=/kselftest/run_kselftest.sh
	if [ ! -x "$runner" ]; then
		ktap_not_ok "kselftest: $runner is in the initramfs"
		return
	fi
	# -s: the summary here (in $ran), the test's
	# KTAP, each line after "# ", in output.log; each of its cases becomes
	# one "selftest:" line here.
	ran=$("$runner" -s -t drivers/acme:acme_test 2>&1)
	printf '%s\n' "$ran" | sed 's/^/    /'
	log=/kselftest/output.log
	sed -n 's/^# //p' "$log" >/tmp/selftest.out
	sed 's/^/    /' /tmp/selftest.out
	cases=$(grep -c '^ok [0-9]' /tmp/selftest.out || true)
	skips=$(grep -c '^ok [0-9].*# SKIP' /tmp/selftest.out || true)
	ktap_check "kselftest: run_kselftest.sh -t drivers/acme:acme_test passes" \
		text_has "$ran" '^ok 1 selftests: drivers/acme: acme_test$'
	ktap_check "kselftest: the run had over 100 cases, none skipped ($cases, $skips)" \
		test "$cases" -gt 100 -a "$skips" -eq 0
	# The runner's verdict stands for the test's exit status.
	rc=1
	text_has "$ran" '^ok 1 selftests: drivers/acme: acme_test$' && rc=0
	selftest_lines /kselftest/drivers/acme/acme_test selftest "$rc"
	if [ "$1" = m ]; then
		ktap_check "kselftest: it loaded acme itself and unloaded it after" \
			sh -c '! grep -q "^acme " /proc/modules'
		modprobe -r acme_core 2>/dev/null
	fi
	# Unprivileged, the whole program skips: KSFT_SKIP (4), no case run.
	unpriv=$(su -s /bin/sh nobody -c "$SELFTEST" 2>&1)
	rc=$?
	printf '%s\n' "$unpriv" | sed 's/^/    /'
	ktap_check "kselftest: as nobody it exits with KSFT_SKIP, 4 (rc=$rc)" test "$rc" -eq 4
	ktap_check "kselftest: as nobody it skips, saying it needs root, and fails nothing" \
		skipped_needing_root "$unpriv"
}

# skipped_needing_root OUTPUT - a kselftest's KTAP says it skipped as a
# whole for want of root, and no case failed.
skipped_needing_root() {
	text_has "$1" '^1\.\.0 # SKIP needs root' && ! text_has "$1" '^not ok'
}

# quiet_load [TEXT] - modprobe acme adds no kernel log line (with TEXT:
# no line that has TEXT, for the quick checks, which load it while the
# devices of the boot may still be probing and logging).
quiet_load() {
	before=$(dmesg | wc -l)
	modprobe acme || return 1
	new=$(dmesg | tail -n +$((before + 1)) | grep -F "${1:-}")
	[ -z "$new" ] || {
		echo "modprobe acme logged: $new"
		return 1
	}
}

devices_present() {
	for d in acme0 acme1 acme2 acme3 acme_fifo0 acme_fifo1; do
		ktap_check "acme: /dev/$d is a char device" test -c "/dev/$d"
	done
	# acme_edu's devices, when it is built in, are in the class too
	ktap_check "acme: /sys/class/acme lists acme's 6 devices" \
		test "$(find /sys/class/acme/ -mindepth 1 -maxdepth 1 ! -name 'acme_edu*' | wc -l)" -eq 6
	ktap_check "acme: /proc/devices has acme" grep -q ' acme$' /proc/devices
	ktap_check "acme: exported helpers in /proc/kallsyms" \
		grep -q ' acme_reserve_minors' /proc/kallsyms
	ktap_check "acme: size attribute shows the default" \
		file_is /sys/class/acme/acme0/size 65536
}

shell_round_trip() {
	ktap_check "acme: shell write then read back" mem_round_trip
	ktap_check "acme: FIFO between two processes" fifo_two_processes
}

mem_round_trip() {
	echo "round trip" >/dev/acme1 &&
		[ "$(head -n 1 /dev/acme1)" = "round trip" ]
}

fifo_two_processes() {
	(echo "across" >/dev/acme_fifo1) &
	[ "$(head -n 1 /dev/acme_fifo1)" = "across" ]
}

small_config() {
	modprobe acme nr_devs=2 nr_fifos=0 size=4096 &&
		[ "$(ls /sys/class/acme/)" = "$(printf 'acme0\nacme1')" ] &&
		[ "$(cat /sys/class/acme/acme1/size)" = 4096 ]
}

fixed_major_core() {
	modprobe acme_core major=240 && grep -qx "240 acme" /proc/devices
}

fixed_major_devices() {
	modprobe acme && [ "$(stat -c %t /dev/acme0)" = f0 ]
}

# rmmod_refused MODULE - rmmod fails with EAGAIN (EWOULDBLOCK: the module
# is in use) and the module stays loaded.
rmmod_refused() {
	if out=$(rmmod "$1" 2>&1); then
		echo "rmmod $1 succeeded"
		return 1
	fi
	case "$out" in
	*"Resource temporarily unavailable"*) ;;
	*)
		echo "rmmod $1: $out (want EAGAIN)"
		return 1
		;;
	esac
	loaded "$1"
}

# blocked_reader_survives_rmmod - a reader blocked on an empty FIFO keeps
# the module in use; after the refused rmmod it still gets what is written.
blocked_reader_survives_rmmod() {
	fifo=/dev/acme_fifo0
	head -c 5 "$fifo" >/tmp/blocked.out &
	reader=$!
	sleep 1
	rc=0
	rmmod_refused acme || rc=1
	printf 'after' >"$fifo"
	i=0
	while kill -0 "$reader" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$reader" 2>/dev/null; then
		kill "$reader"
		echo "the reader did not finish"
		rc=1
	fi
	wait "$reader" 2>/dev/null
	[ "$(cat /tmp/blocked.out)" = after ] || {
		echo "the reader got '$(cat /tmp/blocked.out)'"
		rc=1
	}
	return "$rc"
}

load_unload_cycles() {
	i=0
	while [ "$i" -lt "$1" ]; do
		modprobe acme && rmmod acme acme_core || return 1
		i=$((i + 1))
	done
}

# run_selftest BIN PREFIX - run a kselftest binary and turn each of its
# cases into one line "PREFIX: case".
run_selftest() {
	bin="$1"
	prefix="$2"
	if [ ! -x "$bin" ]; then
		ktap_not_ok "$prefix: $bin is missing from the initramfs"
		return
	fi
	"$bin" >/tmp/selftest.out 2>&1
	rc=$?
	sed 's/^/    /' /tmp/selftest.out
	selftest_lines "$bin" "$prefix" "$rc"
}

# selftest_lines BIN PREFIX RC - /tmp/selftest.out, the KTAP of BIN that
# exited with RC: one line "PREFIX: case" per case, then one for the run.
selftest_lines() {
	bin="$1"
	prefix="$2"
	rc="$3"
	grep -E '^(not )?ok [0-9]' /tmp/selftest.out >/tmp/selftest.results
	before=$KTAP_N
	ktap_relay "$prefix" </tmp/selftest.results
	cases=$((KTAP_N - before))
	ktap_check "$prefix: $(basename "$bin") ran $cases cases and exited 0 (rc=$rc)" \
		test "$cases" -gt 0 -a "$rc" -eq 0
}

# run_compat_selftest - the kselftest built as an i386 program, on a 64-bit
# x86 kernel: every ioctl goes through compat_ioctl.
run_compat_selftest() {
	if [ ! -e "$SELFTEST32" ]; then
		ktap_skip "compat32: the kselftest as a 32-bit program" \
			"no 32-bit build for $(uname -m) (i386 on x86_64 only)"
		return
	fi
	# A kernel without CONFIG_IA32_EMULATION fails the exec: 0 cases.
	run_selftest "$SELFTEST32" compat32
}

# example_prints_page - each example of acme.rst, run in order on a freshly
# loaded driver, prints what the page says it prints.
example_prints_page() {
	n=0
	# the edu example needs acme_edu, which nothing else has loaded yet
	[ "$EDU" = none ] || modprobe acme_edu || return 1
	for ex in /acme/acme-example-*; do
		case "$ex" in *.expected) continue ;; esac
		if [ "$EDU" = none ] && grep -q /dev/acme_edu "$ex"; then
			echo "$ex: skipped, no acme_edu"
			continue
		fi
		n=$((n + 1))
		out=$("$ex") || {
			printf '%s failed: %s\n' "$ex" "$out"
			return 1
		}
		want=$(cat "$ex.expected") || return 1
		[ "$out" = "$want" ] || {
			printf '%s\ngot:  %s\nwant: %s\n' "$ex" "$out" "$want"
			return 1
		}
	done
	[ "$n" -gt 0 ] || {
		echo "no example program in /acme"
		return 1
	}
	[ "$MODE" != m ] || [ "$EDU" = none ] || rmmod acme_edu || return 1
	echo "$n examples print what the page says"
}

acme_modular() {
	kselftest_kernel_way m
	ktap_check "acme: modprobe acme succeeds and logs nothing" quiet_load
	ktap_check "acme: modprobe pulled in acme_core" loaded acme_core
	ktap_check "docs: the examples of acme.rst print what the page says" \
		example_prints_page
	ktap_check "acme: acme_core is used by acme" \
		sh -c 'grep "^acme_core " /proc/modules | grep -q "acme,"'
	devices_present
	shell_round_trip
	run_compat_selftest

	exec 3</dev/acme0
	ktap_check "acme: rmmod acme is refused (EAGAIN) while a device is open" \
		rmmod_refused acme
	ktap_check "acme: the open fd still works after the refused rmmod" \
		sh -c 'dd bs=1 count=1 <&3 2>/dev/null | wc -c | grep -qx 1'
	exec 3<&-
	ktap_check "acme: rmmod acme_core is refused (EAGAIN) while acme is loaded" \
		rmmod_refused acme_core
	ktap_check "acme: rmmod is refused while a reader is blocked, which then reads" \
		blocked_reader_survives_rmmod
	ktap_check "acme: rmmod acme succeeds once closed" rmmod acme
	ktap_check "acme: the devices are gone" \
		test ! -e /dev/acme0 -a ! -e /sys/class/acme/acme0
	ktap_check "acme: rmmod acme_core succeeds" rmmod acme_core
	ktap_check "acme: the class is gone" test ! -e /sys/class/acme

	for p in nr_devs=0 nr_devs=65 nr_fifos=65 size=0 size=16777217 \
		fifo_size=1 fifo_size=1048577; do
		check_fails "acme: $p is refused" modprobe acme "$p"
		ktap_check "acme: the refusal of $p names it" \
			kmsg_has "acme: $p is out of range"
	done
	rmmod acme_core 2>/dev/null

	ktap_check "acme: nr_devs=2 nr_fifos=0 size=4096" small_config
	rmmod acme acme_core 2>/dev/null
	ktap_check "acme: acme_core major=240 takes major 240" fixed_major_core
	ktap_check "acme: the devices use the fixed major" fixed_major_devices
	rmmod acme acme_core 2>/dev/null
	t0=$(date +%s)
	if out=$(load_unload_cycles "$CYCLES" 2>&1); then
		ktap_ok "acme: load and unload $CYCLES times ($(($(date +%s) - t0)) s)"
	else
		ktap_not_ok "acme: load and unload $CYCLES times" "$out"
	fi
}

# edu_selftest TEST PREFIX - one of acme_edu's kselftests through
# run_kselftest.sh, each case one "PREFIX:" line.
edu_selftest() {
	t="$1"
	ran=$(/kselftest/run_kselftest.sh -s -t "drivers/acme:$t" 2>&1)
	printf '%s\n' "$ran" | sed 's/^/    /'
	sed -n 's/^# //p' /kselftest/output.log >/tmp/selftest.out
	sed 's/^/    /' /tmp/selftest.out
	rc=1
	text_has "$ran" "^ok 1 selftests: drivers/acme: $t\$" && rc=0
	selftest_lines "/kselftest/drivers/acme/$t" "$2" "$rc"
	skips=$(grep '^ok [0-9].*# SKIP' /tmp/selftest.out | grep -vc 'built in')
	ktap_check "$2: $t skipped nothing it could run ($skips skipped)" \
		test "$skips" -eq 0
}

# edu_checks m|y - acme_edu on QEMU's edu device, the kernel's way: the
# kselftest program, the same built as an i386 program on x86_64
# (acme_edu_test32: ACME_EDU_IOC_FACTORIAL through compat_ioctl) and the
# lifetime script. Every boot has the device, so nothing may skip but
# what needs a module (=y).
edu_checks() {
	if [ "$EDU" = none ]; then
		ktap_skip "edu: acme_edu's kselftests" "no acme_edu: the out-of-tree build has none"
		return
	fi
	edu_selftest acme_edu_test edu
	if [ -x /kselftest/drivers/acme/acme_edu_test32 ]; then
		edu_selftest acme_edu_test32 edu32
	elif [ -e "$SELFTEST32" ]; then
		# the kselftest Makefile builds it wherever acme_test32 builds
		ktap_not_ok "edu32: acme_edu_test32 is in the initramfs" \
			"$SELFTEST32 is, so gcc -m32 works: the kselftest Makefile did not build it"
	else
		ktap_skip "edu32: acme_edu_test as a 32-bit program" \
			"no 32-bit build for $(uname -m) (i386 on x86_64 only)"
	fi
	edu_selftest acme_edu_lifetime.sh edu
	if [ "$1" = m ]; then
		ktap_check "edu: acme_edu is loaded and uses acme_core" \
			sh -c 'grep "^acme_core " /proc/modules | grep -q "acme_edu,"'
	fi
}

# quick_selftest - the kselftest cases of acmeguest.cases (QUICK_CASES),
# each one line "selftest: case", then one for the run.
quick_selftest() {
	set --
	named=0
	for c in $(printf '%s' "${CASES:-$QUICK_CASES}" | tr ',' ' '); do
		case "$c" in
		all) named=-1 ;;
		*.*)
			set -- "$@" -r "$c"
			[ "$named" -lt 0 ] || named=$((named + 1))
			;;
		*)
			set -- "$@" -f "$c"
			named=-1
			;;
		esac
	done
	"$SELFTEST" "$@" >/tmp/selftest.out 2>&1
	rc=$?
	sed 's/^/    /' /tmp/selftest.out
	selftest_lines "$SELFTEST" selftest "$rc"
	# a case renamed or removed in the kselftest must not go unseen
	[ "$named" -le 0 ] ||
		ktap_check "selftest: the $named cases asked for ran ($cases)" test "$cases" -ge "$named"
}

# quick_modular / quick_builtin - the quick checks of scripts/loop: load
# the modules, the devices, the kselftest cases of quick_selftest, unload;
# hello's greeting and farewell. The whole set is the default.
quick_modular() {
	ktap_check "acme: modprobe acme succeeds and logs nothing about acme" quiet_load acme
	ktap_check "acme: modprobe pulled in acme_core" loaded acme_core
	devices_present
	shell_round_trip
	quick_selftest
	ktap_check "acme: rmmod acme acme_core succeeds" rmmod acme acme_core
	ktap_check "acme: the devices are gone" \
		test ! -e /dev/acme0 -a ! -e /sys/class/acme
	ktap_check "hello: modprobe hello greets once" greets_once
	ktap_check "hello: rmmod hello succeeds" rmmod hello
}

# greets_once - modprobe hello logs one more greeting.
greets_once() {
	before=$(count_kmsg "$GREETING")
	modprobe hello && [ "$(count_kmsg "$GREETING")" -eq $((before + 1)) ]
}

quick_builtin() {
	hello_builtin
	ktap_check "acme: no acme module is loaded (built in)" \
		sh -c '! grep -q "^acme" /proc/modules'
	devices_present
	shell_round_trip
	quick_selftest
}

acme_builtin() {
	ktap_check "acme: no acme module is loaded (built in)" \
		sh -c '! grep -q "^acme" /proc/modules'
	ktap_check "docs: the examples of acme.rst print what the page says" \
		example_prints_page
	devices_present
	shell_round_trip
	kselftest_kernel_way y
	run_compat_selftest
	ktap_skip "acme: rmmod refused while open" "acme is built in"
	ktap_skip "acme: out-of-range parameters refused at load" "acme is built in"
}

# Reports of the kernel's checkers: BUG/WARNING/Oops, KASAN ("BUG:
# KASAN"), KCSAN ("BUG: KCSAN: data-race"; not a bare "KCSAN", which its
# boot banner prints), UBSAN, lockdep, DEBUG_OBJECTS (ODEBUG), kmemleak. A stack dump
# alone ("Call Trace") counts too, except after an allocation failure that
# the fault checks injected.
BAD_LOG='BUG:|WARNING:|Oops|general protection|UBSAN:|KASAN|ODEBUG:|suspected memory leak|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage'

kernel_log_clean() {
	if dmesg | grep -E "$BAD_LOG" >/tmp/bad ||
		{ [ "$FAULTS" != 1 ] && dmesg | grep -E 'Call Trace' >/tmp/bad; }; then
		ktap_not_ok "kernel log has no BUG, WARNING, Oops or sanitizer report" \
			"$(head -n 40 /tmp/bad)"
	else
		ktap_ok "kernel log has no BUG, WARNING, Oops or sanitizer report"
	fi
}

# kmemleak_start / kmemleak_clean - forget the leaks suspected before the
# checks; at the end, scan (twice, after objects are old enough to count)
# and require an empty report.
kmemleak_start() {
	[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
}

kmemleak_clean() {
	if [ ! -w "$KMEMLEAK" ]; then
		# the debug profile (acmeguest.faults=1) has kmemleak: it must be on
		[ "$FAULTS" != 1 ] ||
			ktap_not_ok "kmemleak reports no leak" "no writable $KMEMLEAK on the debug kernel: is kmemleak off (kmemleak=off, or its early log full)?"
		return 0
	fi
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
	if [ -s "$KMEMLEAK" ] && grep -q . "$KMEMLEAK"; then
		ktap_not_ok "kmemleak reports no leak" "$(head -n 60 "$KMEMLEAK")"
	else
		ktap_ok "kmemleak reports no leak"
	fi
}

# kcsan_filter - on a KCSAN kernel, leave out reports in pollwake(): the
# race of fs/select.c on pwq->triggered with poll_schedule_timeout()
# (reported by syzbot in 2019, annotated upstream after 6.12), which any
# driver that wakes a poller triggers now and then. acme's own functions
# stay reported.
kcsan_filter() {
	[ -w /sys/kernel/debug/kcsan ] || return 0
	echo '!pollwake' >/sys/kernel/debug/kcsan
}

ktap_begin
T_START=$(date +%s)
kcsan_filter
kmemleak_start
case "$MODE$QUICK" in
m1) quick_modular ;;
y1) quick_builtin ;;
m)
	hello_modular
	acme_modular
	edu_checks m
	if [ "$FAULTS" = 1 ]; then
		# shellcheck source=faults.sh
		. /acme/faults.sh
		fault_checks
	fi
	;;
y)
	hello_builtin
	acme_builtin
	edu_checks y
	;;
*)
	echo "usage: checks.sh [m|y]" >&2
	exit 2
	;;
esac
kmemleak_clean
kernel_log_clean
echo "# done in $(($(date +%s) - T_START)) s"
ktap_end
