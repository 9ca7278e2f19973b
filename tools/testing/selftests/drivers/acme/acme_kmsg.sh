#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# acme_kmsg.sh - the kernel's checkers found nothing in acme
#
# Runs after the other acme tests and reads the kernel log from the last
# "kselftest: Running tests in drivers/acme" line run_kselftest.sh wrote
# (the whole log when run alone). Fails on a report that names acme: a
# BUG, WARNING, INFO (a hung task), Oops, KASAN, KCSAN ("BUG: KCSAN"),
# UBSAN, lockdep or DEBUG_OBJECTS (ODEBUG) report, or a bare stack dump
# that does not follow an allocation failure's warning (acme_faults.sh
# injects those); and on a kmemleak report that names acme. A report names
# acme when it has a frame of acme's functions or modules, or a path in
# drivers/char/acme/. With ACME_KMSG_ALL=1 every report since boot counts,
# whoever it names: for a kernel that boots clean.
#
# Needs root (dmesg and debugfs).

DIR=$(dirname "$0")
. "$DIR/acme_lib.sh"

KMEMLEAK=/sys/kernel/debug/kmemleak
ALL="${ACME_KMSG_ALL:-0}"
BAD='(^|\] )(BUG|WARNING|INFO):|kernel BUG at|Oops|general protection'
BAD="$BAD|Unable to handle kernel|UBSAN:|KASAN:|ODEBUG:"
BAD="$BAD|possible recursive locking|possible circular locking"
BAD="$BAD|inconsistent lock state|suspicious RCU usage"
MINE='\[(acme|acme_core|acme_edu|hello)\]|drivers/char/acme/|acme_[a-z0-9_]+\+0x| in acme_'

# window - the kernel log this run checks.
window() {
	log=$(mktemp)
	dmesg >"$log"
	from=1
	if [ "$ALL" != 1 ]; then
		from=$(grep -n 'kselftest: Running tests in drivers/acme' "$log" |
			tail -n 1 | cut -d: -f1)
	fi
	tail -n +"${from:-1}" "$log"
	rm -f "$log"
}

# reports - the reports of the window that count, each whole; a report
# runs to its "---[ end trace", "</TASK>" or "=====" line, or 40 lines.
reports() {
	window | awk -v all="$ALL" -v bad="$BAD" -v mine_re="$MINE" '
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
		start = $0 ~ bad || (!n && /Call [Tt]race:/ && NR - allocfail > 8)
		if (start && n)
			flush()
		if (!start && !n)
			next
		n++
		blk = blk $0 "\n"
		if ($0 ~ mine_re)
			mine = 1
		if (n > 1 && (/---\[ end trace/ || /<\/TASK>/ || /\] =+$/ || /^=+$/) || n >= 40)
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
	awk -v all="$ALL" -v mine_re="$MINE" '
	function flush() { if (blk != "" && (all || mine)) printf "%s", blk; blk = ""; mine = 0 }
	/^unreferenced object/ { flush() }
	{ blk = blk $0 "\n"; if ($0 ~ mine_re) mine = 1 }
	END { flush() }' "$KMEMLEAK"
}

# none_found DESCRIPTION REPORTS - one result: it passes when REPORTS is
# empty, else fails with their first 60 lines.
none_found() {
	if [ -z "$2" ]; then
		ktap_test_pass "$1"
	else
		printf '%s\n' "$2" | head -n 60 | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

need_root 2
mount -t debugfs none /sys/kernel/debug 2>/dev/null

none_found "kernel log: no BUG, WARNING, Oops or sanitizer report" "$(reports)"
if [ ! -w "$KMEMLEAK" ] || ! echo scan 2>/dev/null >"$KMEMLEAK"; then
	ktap_test_skip "kmemleak: no suspected leak (no $KMEMLEAK, or kmemleak off)"
else
	none_found "kmemleak: no suspected leak" "$(kmemleak_reports)"
fi

ktap_finished
