# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# scripts/lib/guest/faults.sh - fault injection into acme's module init and open
#
# Sourced by checks.sh on a debug kernel (scripts/configs/debug.config) when
# acmeguest.faults=1 is on the command line; uses its check helpers.
#
# For each call under test, /acme/failnth makes the 1st, 2nd, 3rd, ...
# injectable call (slab and page allocations) of that one system call fail,
# until a run passes fewer points than asked: that count is the call's
# number of distinct failure points. Every injected failure must leave a
# clean state: a failed load leaves no module behind (and acme_core unused),
# a failed open leaves the device usable; and the call must then succeed.

FAILNTH=/acme/failnth
FAULT_MAX=3000
# acmeguest.fault_stride=K: fail only every Kth point of a module load
# (the bounded run); 1, the default, fails each one.
FAULT_STRIDE=$(cmdline_arg fault_stride)
FAULT_STRIDE="${FAULT_STRIDE:-1}"

fault_setup() {
	for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
		[ -d "$d" ] || return 1
		# GFP_KERNEL allocations are skipped unless told otherwise
		echo N >"$d/ignore-gfp-wait" || return 1
		echo 0 >"$d/verbose" || return 1
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order &&
		echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
}

module_file() {
	find "/lib/modules/$(uname -r)" -name "$1.ko" | head -n 1
}

# use_count MODULE - the module's use count in /proc/modules.
use_count() {
	sed -n "s/^$1 [0-9]* \([0-9]*\) .*/\1/p" /proc/modules
}

# inject_load MODULE - fail each injection point of loading MODULE in turn
# (every FAULT_STRIDE-th); POINTS is then how many the load has, about.
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
		fn=$((fn + FAULT_STRIDE))
	done
	[ "$fn" -le "$FAULT_MAX" ] || {
		echo "more than $FAULT_MAX injection points"
		return 1
	}
	rmmod "$mod" || return 1
	POINTS=$((fn - 1))
	TOTAL_POINTS=$((TOTAL_POINTS + POINTS))
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
	TOTAL_POINTS=$((TOTAL_POINTS + POINTS))
}

fault_checks() {
	TOTAL_POINTS=0
	INJECTED=0
	if ! fault_setup; then
		ktap_not_ok "faults: failslab and fail_page_alloc in debugfs" \
			"this kernel lacks CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC or debugfs"
		return
	fi
	if [ ! -x "$FAILNTH" ]; then
		ktap_not_ok "faults: $FAILNTH is missing from the initramfs"
		return
	fi
	rmmod acme acme_core 2>/dev/null
	fault_point_check "acme_core init" inject_load acme_core
	modprobe acme_core
	fault_point_check "acme init" inject_load acme
	ktap_check "faults: acme_core is unused after the failed acme loads" \
		test "$(use_count acme_core)" = 0
	ktap_check "faults: modprobe acme succeeds after the injections" modprobe acme
	fault_point_check "open of /dev/acme0" inject_open /dev/acme0
	fault_point_check "open of /dev/acme_fifo0" inject_open /dev/acme_fifo0
	ktap_check "faults: the devices still work" mem_round_trip
	echo "# faults: $INJECTED failures injected at $TOTAL_POINTS injection points"
	rmmod acme acme_core 2>/dev/null
}

fault_summary() {
	if [ "$FAULT_STRIDE" -gt 1 ] && [ "$1" = inject_load ]; then
		echo "about $POINTS injection points, every ${FAULT_STRIDE}th failed, each a clean error"
	else
		echo "$POINTS injection points, each failed in turn, each a clean error"
	fi
}

# fault_point_check NAME FUNC ARG - run FUNC ARG in this shell (so that the
# counters survive) and report one check with its number of points.
fault_point_check() {
	name="$1"
	shift
	POINTS=0
	t0=$(date +%s)
	if "$@" >/tmp/fault.out 2>&1; then
		ktap_ok "faults: $name: $(fault_summary "$1") ($(($(date +%s) - t0)) s)"
	else
		ktap_not_ok "faults: $name" "$(cat /tmp/fault.out)"
	fi
}
