#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# acme_kmsg.sh - the kernel's checkers found nothing in acme
#
# Runs after the other acme tests. Fails on a report in the kernel log
# that names acme: BUG, WARNING (of WARN()), Oops, KASAN, KCSAN ("BUG: KCSAN"), UBSAN,
# lockdep, DEBUG_OBJECTS (ODEBUG), or a bare stack dump that does not follow
# an allocation failure's warning (acme_faults.sh injects them); and on a
# kmemleak report whose backtrace names acme. A report names acme when a
# line of it other than "Modules linked in:" does. With ACME_KMSG_ALL=1,
# every report counts, whoever it names: for a kernel that boots clean.
#
# Needs root (dmesg and debugfs).

DIR=$(dirname "$0")
. "$DIR/acme_lib.sh"

KMEMLEAK=/sys/kernel/debug/kmemleak
ALL="${ACME_KMSG_ALL:-0}"
BAD='BUG:|WARNING: CPU:|Oops|general protection|UBSAN:|KASAN|ODEBUG:'
BAD="$BAD|possible recursive locking|possible circular locking"
BAD="$BAD|inconsistent lock state|suspicious RCU usage"

# reports - the reports of the kernel log that count, each whole; a report
# runs to its "---[ end trace" or "=====" line, or 80 lines.
reports() {
	dmesg | awk -v all="$ALL" -v bad="$BAD" '
	BEGIN { allocfail = -100 }
	function flush() {
		if (n && (all || mine))
			printf "%s", blk
		n = 0; mine = 0; blk = ""
	}
	# the first line of a warn_alloc(): "page allocation failure: order:0,
	# mode:0xcc0(GFP_KERNEL), nodemask=...", or "vmalloc error: ..."
	/, mode:0x[0-9a-f]+\(.*\), nodemask=/ { allocfail = NR }
	{
		start = $0 ~ bad || (!n && /Call Trace:/ && NR - allocfail > 8)
		if (start && n)
			flush()
		if (!start && !n)
			next
		n++
		blk = blk $0 "\n"
		if (/acme/ && !/Modules linked in:/)
			mine = 1
		if (n > 1 && (/---\[ end trace/ || /\] =+$/ || /^=+$/) || n >= 80)
			flush()
	}
	END { flush() }'
}

# kmemleak_reports - the suspected leaks whose report names acme (or all).
kmemleak_reports() {
	echo scan >"$KMEMLEAK"
	# an object is reported once it is older than 5 s and seen twice
	sleep 6
	echo scan >"$KMEMLEAK"
	awk -v all="$ALL" '
	function flush() { if (blk != "" && (all || mine)) printf "%s", blk; blk = ""; mine = 0 }
	/^unreferenced object/ { flush() }
	{ blk = blk $0 "\n"; if (/acme/) mine = 1 }
	END { flush() }' "$KMEMLEAK"
}

need_root 2
mount -t debugfs none /sys/kernel/debug 2>/dev/null

found=$(reports)
if [ -z "$found" ]; then
	ktap_test_pass "kernel log: no BUG, WARNING, Oops or sanitizer report"
else
	printf '%s\n' "$found" | head -n 60 | sed 's/^/# /'
	ktap_test_fail "kernel log: no BUG, WARNING, Oops or sanitizer report"
fi

if [ ! -w "$KMEMLEAK" ]; then
	ktap_test_skip "kmemleak: no suspected leak (no $KMEMLEAK: CONFIG_DEBUG_KMEMLEAK off)"
else
	leaks=$(kmemleak_reports)
	if [ -z "$leaks" ]; then
		ktap_test_pass "kmemleak: no suspected leak"
	else
		printf '%s\n' "$leaks" | head -n 60 | sed 's/^/# /'
		ktap_test_fail "kmemleak: no suspected leak"
	fi
fi

ktap_finished
