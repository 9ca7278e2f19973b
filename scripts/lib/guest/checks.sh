#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/guest/checks.sh - the guest side of the acme suite
#
# usage (in the guest): sh checks.sh [m|y]
#
#   m  acme, acme_core, acme_edu and hello are modules
#   y  they are built in
#
# Without an argument the mode comes from acmeguest.mode= on the kernel
# command line, else m.
#
# Every check of acme is a kselftest program (tools/testing/selftests/
# drivers/acme/), run here the kernel's way, by run_kselftest.sh: as root,
# then as nobody, where each program must skip for want of root. What is
# left here is what only this guest knows: which programs may skip on
# this kernel (the fault injection runs on the debug profile only), the
# examples of acme.rst, and the knobs of the kernel command line.
#
# Prints one KTAP line per case of each program, named "PROGRAM: case",
# and one per program; then "# N passed, N failed, N skipped"; exits
# non-zero when a check failed.
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
# acmeguest.faults=1 (the debug profile): acme_faults.sh and kmemleak's
# check of acme_kmsg.sh must run, not skip.
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
# acmeguest.fault_stride=K: acme_faults.sh fails only every Kth point of a
# module load (ACME_FAULT_STRIDE; default 1, each one).
FAULT_STRIDE=$(cmdline_arg fault_stride)
FAULT_STRIDE="${FAULT_STRIDE:-1}"
# shellcheck source=../ktap.sh
. /acme/ktap.sh

loaded() {
	grep -q "^$1 " /proc/modules
}

# --- the kselftest, the kernel's way ---------------------------------------

RUNNER=/kselftest/run_kselftest.sh

# kselftest_tests [PROGRAM...] - the runner's arguments for the acme
# kselftest programs to run: the PROGRAMs, else the whole collection, or
# every one but acme_edu's without acme_edu (EDU=none).
kselftest_tests() {
	if [ $# -gt 0 ]; then
		printf -- '-t drivers/acme:%s\n' "$@"
		return
	fi
	if [ "$EDU" != none ]; then
		printf -- '-c drivers/acme\n'
		return
	fi
	grep '^drivers/acme:' /kselftest/kselftest-list.txt |
		while IFS= read -r t; do
			case "$t" in
			*:acme_edu*) [ "$EDU" != none ] || continue ;;
			esac
			printf -- '-t %s\n' "$t"
		done
}

# split_runner FILE DIR - the runner's output FILE as one file per program
# in DIR: DIR/NAME.out, its own KTAP (the runner's "# " taken off), and
# DIR/NAME.verdict, the runner's line about it.
split_runner() {
	rm -rf "$2"
	mkdir -p "$2"
	awk -v dir="$2" '
	/^# selftests: drivers\/acme: / { prog = $4; next }
	/^(not )?ok [0-9]+ selftests: drivers\/acme: / {
		v = $0; sub(/^.*drivers\/acme: /, "", v); sub(/ .*/, "", v)
		print $0 > (dir "/" v ".verdict"); close(dir "/" v ".verdict")
		print v >> (dir "/order")
		prog = ""; next
	}
	prog != "" && /^# / { sub(/^# /, ""); print > (dir "/" prog ".out") }
	' "$1"
}

# allowed_skips PROG - the grep pattern of the skips PROG may report here,
# or nothing when it must run every case.
allowed_skips() {
	case "$1" in
	acme_edu*) [ "$MODE" = m ] || echo 'built in' ;;
	acme_modules.sh) [ "$MODE" = m ] || echo 'built in' ;;
	acme_kmsg.sh) [ "$FAULTS" = 1 ] || echo 'kmemleak' ;;
	esac
}

# program_lines PROG DIR - one line per case of PROG, then one for the
# program: the runner said ok, and it skipped nothing it could run here.
program_lines() {
	prog="$1"
	out="$2/$prog.out"
	verdict=$(cat "$2/$prog.verdict")
	touch "$out"
	grep -E '^(not )?ok [0-9]' "$out" >/tmp/selftest.results
	before=$KTAP_N
	ktap_relay "$prog" </tmp/selftest.results
	cases=$((KTAP_N - before))
	allowed=$(allowed_skips "$prog")
	skips=$(grep '^ok [0-9].*# SKIP' "$out" | grep -vc "${allowed:-^$}")
	case "$verdict" in
	*"# SKIP"*)
		if [ "$prog" = acme_faults.sh ] && [ "$FAULTS" != 1 ]; then
			ktap_skip "$prog: the program" \
				"$(sed -n 's/^1\.\.0 # SKIP //p' "$out") (the debug profile runs it)"
		else
			ktap_not_ok "$prog: the program skipped: $(sed -n 's/^1\.\.0 # SKIP //p' "$out")"
		fi
		;;
	"ok "*)
		ktap_check "$prog: ran $cases cases, skipped none it could run here ($skips)" \
			test "$cases" -gt 0 -a "$skips" -eq 0
		;;
	*) ktap_not_ok "$prog: $verdict" ;;
	esac
}

# kselftest_root [PROGRAM...] - the acme kselftest programs (default: all)
# through run_kselftest.sh, as root: each case one "PROGRAM: case" line,
# then one for the program.
kselftest_root() {
	if [ ! -x "$RUNNER" ]; then
		ktap_not_ok "kselftest: $RUNNER is in the initramfs"
		return
	fi
	# shellcheck disable=SC2046 # one word per argument
	ACME_KMSG_ALL=1 ACME_CYCLES="$CYCLES" ACME_FAULT_STRIDE="$FAULT_STRIDE" \
		"$RUNNER" $(kselftest_tests "$@") 2>&1 | tee /tmp/kselftest.out | sed 's/^/    /'
	split_runner /tmp/kselftest.out /tmp/kselftest
	[ -s /tmp/kselftest/order ] || {
		ktap_not_ok "kselftest: run_kselftest.sh ran the acme programs" \
			"$(tail -n 20 /tmp/kselftest.out)"
		return
	}
	while IFS= read -r prog; do
		program_lines "$prog" /tmp/kselftest
	done </tmp/kselftest/order
}

# kselftest_nobody - the same as an unprivileged user: every program
# skips, as a whole or case by case, saying it needs root, and nothing
# fails or passes.
kselftest_nobody() {
	# run_kselftest.sh is installed 0744: nobody runs it with sh. Its
	# runner reopens /dev/stdout, which nobody may do only for a file of
	# its own, and appends: so must the shell's own writes.
	rm -f /tmp/nobody.out
	su -s /bin/sh nobody -c "sh $RUNNER $(kselftest_tests | tr '\n' ' ') >>/tmp/nobody.out 2>&1"
	sed 's/^/    /' /tmp/nobody.out
	progs=$(grep -c '^ok [0-9]* selftests: ' /tmp/nobody.out)
	skips=$(grep -c '^# \(ok [0-9]* .*\|1\.\.0\) # SKIP needs root' /tmp/nobody.out)
	bad=$(grep -c '^\(# \)*not ok\|^# ok [0-9]* [^#]*$' /tmp/nobody.out)
	ktap_check "kselftest: as nobody, $progs programs skip ($skips skips needing root) and nothing fails or passes" \
		test "$progs" -gt 0 -a "$skips" -ge "$progs" -a "$bad" -eq 0
}

# example_prints_page - each example of acme.rst, run in order on a freshly
# loaded driver, prints what the page says it prints.
example_prints_page() {
	n=0
	[ "$MODE" = y ] || modprobe acme || return 1
	# the edu example needs acme_edu
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
	if [ "$MODE" = m ]; then
		for m in acme_edu acme acme_core; do
			! loaded "$m" || rmmod "$m" || return 1
		done
	fi
	echo "$n examples print what the page says"
}

# quick_args - the acme_test arguments of acmeguest.cases (QUICK_CASES);
# NAMED is how many single cases they name (0 with a whole fixture).
quick_args() {
	NAMED=0
	QUICK_ARGS=""
	for c in $(printf '%s' "${CASES:-$QUICK_CASES}" | tr ',' ' '); do
		case "$c" in
		all) NAMED=-1 ;;
		*.*)
			QUICK_ARGS="$QUICK_ARGS -r $c"
			[ "$NAMED" -lt 0 ] || NAMED=$((NAMED + 1))
			;;
		*)
			QUICK_ARGS="$QUICK_ARGS -f $c"
			NAMED=-1
			;;
		esac
	done
}

# kmemleak_start - forget the leaks suspected before the checks (the
# kselftest's acme_kmsg.sh scans at the end).
kmemleak_start() {
	[ ! -w "$KMEMLEAK" ] || echo clear >"$KMEMLEAK"
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
case "$MODE" in
m | y) ;;
*)
	echo "usage: checks.sh [m|y]" >&2
	exit 2
	;;
esac
if [ -n "$QUICK" ]; then
	# the quick checks of scripts/loop: the cases of acmeguest.cases, the
	# modules twice loaded and unloaded, the kernel log
	quick_args
	export KSELFTEST_ACME_TEST_ARGS="$QUICK_ARGS"
	CYCLES=2
	kselftest_root acme_test acme_modules.sh acme_kmsg.sh
	[ "$NAMED" -le 0 ] ||
		ktap_check "acme_test: the $NAMED cases asked for ran" \
			test "$(grep -c '^ok [0-9]' /tmp/kselftest/acme_test.out)" -ge "$NAMED"
else
	ktap_check "docs: the examples of acme.rst print what the page says" \
		example_prints_page
	kselftest_root
	kselftest_nobody
fi
echo "# done in $(($(date +%s) - T_START)) s"
ktap_end
