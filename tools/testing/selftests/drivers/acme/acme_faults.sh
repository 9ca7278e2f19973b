#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# acme_faults.sh - every fault-injection point of loading acme, of open(2)
# and of a resize, failed in turn
#
# For each call under test, acme_failnth makes the 1st, 2nd, 3rd, ...
# injectable call (slab and page allocations) of that one system call fail,
# until a run passes fewer points than asked: that count is the call's
# number of distinct failure points. Every injected failure must leave a
# clean state: a failed load leaves no module behind (and acme_core
# unused), a failed open leaves the device usable, a failed
# ACME_IOC_SET_SIZE leaves the old buffer and size; and the call must then
# succeed.
#
# Needs root, acme as modules and a kernel with CONFIG_FAULT_INJECTION,
# CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS
# (tools/testing/selftests/drivers/acme/config lists what the rest needs);
# skips, saying which is missing, otherwise. ACME_FAULT_STRIDE=K fails only
# every Kth point of a module load (default 1: each one).

DIR=$(dirname "$0")
. "$DIR/acme_lib.sh"

FAILNTH="$DIR/acme_failnth"
FAULT_MAX=3000
STRIDE="${ACME_FAULT_STRIDE:-1}"
case "$STRIDE" in
'' | *[!0-9]* | 0*)
	echo "acme_faults.sh: ACME_FAULT_STRIDE=$STRIDE: give a whole number of at least 1" >&2
	exit 1
	;;
esac
DEBUGFS=/sys/kernel/debug
TOTAL_POINTS=0
INJECTED=0
SAVED=""

# knob FILE VALUE - set a fault-injection knob, remembering its value.
knob() {
	SAVED="$SAVED $1=$(cat "$1")" && echo "$2" >"$1"
}

restore_knobs() {
	for kv in $SAVED; do
		echo "${kv#*=}" >"${kv%%=*}"
	done
}

# fault_setup - every allocation of the calls can fail: GFP_KERNEL ones
# too, quietly.
fault_setup() {
	for d in failslab fail_page_alloc; do
		knob "$DEBUGFS/$d/ignore-gfp-wait" N || return 1
		knob "$DEBUGFS/$d/verbose" 0 || return 1
	done
	knob "$DEBUGFS/fail_page_alloc/min-order" 0 &&
		knob "$DEBUGFS/fail_page_alloc/ignore-gfp-highmem" N
}

module_file() {
	find "/lib/modules/$(uname -r)" -name "$1.ko*" | head -n 1
}

# use_count MODULE - the module's use count in /proc/modules.
use_count() {
	sed -n "s/^$1 [0-9]* \([0-9]*\) .*/\1/p" /proc/modules
}

# inject_load MODULE - fail each STRIDE-th injection point of loading
# MODULE in turn; POINTS is then how many the load has, about.
inject_load() {
	mod="$1"
	ko=$(module_file "$mod")
	[ -n "$ko" ] || {
		echo "no $mod.ko under /lib/modules/$(uname -r)"
		return 1
	}
	fn=1
	while [ "$fn" -le "$FAULT_MAX" ]; do
		line=$("$FAILNTH" "$fn" load "$ko") || return 1
		case "$line" in
		*"injected=0 result=0") break ;;
		*"injected=0 "*)
			echo "uninjected load of $mod failed: $line"
			return 1
			;;
		*"injected=1 result=0")
			INJECTED=$((INJECTED + 1))
			rmmod "$mod" || return 1
			;;
		*"injected=1 result=-"*)
			INJECTED=$((INJECTED + 1))
			if loaded "$mod"; then
				echo "$mod is loaded after a failed load: $line"
				return 1
			fi
			;;
		*)
			echo "unexpected: $line"
			return 1
			;;
		esac
		fn=$((fn + STRIDE))
	done
	[ "$fn" -le "$FAULT_MAX" ] || {
		echo "more than $FAULT_MAX injection points"
		return 1
	}
	rmmod "$mod" || return 1
	POINTS=$((fn - 1))
}

# size_of NODE - the size attribute of the device NODE.
size_of() {
	cat "/sys/class/acme/${1#/dev/}/size"
}

# inject_setsize NODE SIZE - fail each injection point of ACME_IOC_SET_SIZE
# of SIZE on NODE in turn: a failed resize leaves the old size, and the
# call then succeeds; the old size is set back after each success.
inject_setsize() {
	old=$(size_of "$1")
	fn=1
	while [ "$fn" -le "$FAULT_MAX" ]; do
		line=$("$FAILNTH" "$fn" setsize "$1" "$2") || return 1
		case "$line" in
		*"injected=0 result=0") break ;;
		*"injected=1 result=-12")
			INJECTED=$((INJECTED + 1))
			[ "$(size_of "$1")" = "$old" ] || {
				echo "$1: size $(size_of "$1") after a failed resize, not $old"
				return 1
			}
			;;
		*"injected=1 result=0")
			INJECTED=$((INJECTED + 1))
			"$FAILNTH" 2147483647 setsize "$1" "$old" >/dev/null || return 1
			;;
		*)
			echo "set size of $1: $line"
			return 1
			;;
		esac
		fn=$((fn + 1))
	done
	[ "$fn" -le "$FAULT_MAX" ] || return 1
	[ "$(size_of "$1")" = "$2" ] || {
		echo "$1: size $(size_of "$1") after the resize, not $2"
		return 1
	}
	POINTS=$((fn - 1))
}

# inject_open NODE - fail each injection point of open(NODE) in turn.
inject_open() {
	fn=1
	while [ "$fn" -le "$FAULT_MAX" ]; do
		line=$("$FAILNTH" "$fn" open "$1") || return 1
		case "$line" in
		*"injected=0 result=0") break ;;
		*"injected=1 result=0" | *"injected=1 result=-12" | *"injected=1 result=-23")
			INJECTED=$((INJECTED + 1))
			;;
		*)
			echo "open $1: $line"
			return 1
			;;
		esac
		fn=$((fn + 1))
	done
	[ "$fn" -le "$FAULT_MAX" ] || return 1
	POINTS=$((fn - 1))
}

# points NAME FUNC ARG - run FUNC ARG in this shell (so that the counters
# survive) and report one result with its number of points.
points() {
	name="$1"
	shift
	POINTS=0
	t0=$(date +%s)
	out=$(mktemp)
	if "$@" >"$out" 2>&1; then
		TOTAL_POINTS=$((TOTAL_POINTS + POINTS))
		how="each failed in turn"
		[ "$STRIDE" -eq 1 ] || [ "$1" != inject_load ] ||
			how="every ${STRIDE}th failed"
		secs=$(($(date +%s) - t0))
		ktap_print_msg "$name: $POINTS injection points, $how, each a clean error ($secs s)"
		ktap_test_pass "faults: $name"
	else
		sed 's/^/# /' "$out"
		ktap_test_fail "faults: $name"
	fi
	rm -f "$out"
}

mem_round_trip() {
	is_node /dev/acme1 &&
		echo "round trip" >/dev/acme1 &&
		[ "$(head -n 1 /dev/acme1)" = "round trip" ]
}

# missing - what this kernel lacks for the checks, or nothing.
missing() {
	[ -e /proc/thread-self/fail-nth ] || echo "CONFIG_FAULT_INJECTION"
	[ -d "$DEBUGFS/failslab" ] || echo "CONFIG_FAILSLAB (and debugfs)"
	[ -d "$DEBUGFS/fail_page_alloc" ] || echo "CONFIG_FAIL_PAGE_ALLOC (and debugfs)"
	[ "$(build_of acme)" = module ] || echo "acme as a module (CONFIG_ACME=m)"
	[ -x "$FAILNTH" ] || echo "$FAILNTH"
}

ktap_print_header
if [ "$(id -u)" -ne 0 ]; then
	ktap_skip_all "needs root"
	exit "$KSFT_SKIP"
fi
mount -t debugfs none "$DEBUGFS" 2>/dev/null
lacks=$(missing | tr '\n' , | sed 's/,$//; s/,/, /g')
if [ -n "$lacks" ]; then
	ktap_skip_all "needs $lacks"
	exit "$KSFT_SKIP"
fi
for m in acme_edu acme acme_core; do
	if loaded "$m" && ! rmmod "$m"; then
		ktap_skip_all "$m is in use: close its files first"
		exit "$KSFT_SKIP"
	fi
done
ktap_set_plan 9
if ! fault_setup; then
	restore_knobs
	ktap_exit_fail_msg "cannot set up failslab and fail_page_alloc in $DEBUGFS"
fi
trap restore_knobs EXIT
# the runner's timeout sends TERM: exit, and so restore the knobs
trap 'exit 1' INT TERM HUP

points "acme_core init" inject_load acme_core
modprobe acme_core
points "acme init" inject_load acme
check "faults: acme_core is unused after the failed loads of acme" \
	test "$(use_count acme_core)" = 0
check "faults: modprobe acme succeeds after the injections" modprobe acme
points "open of /dev/acme0" inject_open /dev/acme0
points "open of /dev/acme_fifo0" inject_open /dev/acme_fifo0
points "ACME_IOC_SET_SIZE of /dev/acme0" inject_setsize /dev/acme0 131072
points "ACME_IOC_SET_SIZE of /dev/acme_fifo0" inject_setsize /dev/acme_fifo0 8192
check "faults: the devices still work" mem_round_trip
ktap_print_msg "$INJECTED failures injected at $TOTAL_POINTS injection points"
rmmod acme acme_core 2>/dev/null
ktap_finished
