# SPDX-License-Identifier: GPL-2.0-only
#
# acme_lib.sh - what the acme kselftest scripts share
#
# Sourced by acme_modules.sh, acme_faults.sh and acme_kmsg.sh. KTAP output
# comes from kselftest's ktap_helpers.sh; the helpers here turn a command's
# status into one result and tell how acme is built.

. "$(dirname "$0")/../../kselftest/ktap_helpers.sh"

# check DESCRIPTION COMMAND... - one result from COMMAND's status; what it
# printed becomes diagnostic lines when it fails.
check() {
	desc="$1"
	shift
	if out=$("$@" 2>&1); then
		ktap_test_pass "$desc"
	else
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	fi
}

# check_fails DESCRIPTION COMMAND... - passes when COMMAND fails.
check_fails() {
	desc="$1"
	shift
	if out=$("$@" 2>&1); then
		printf '# succeeded but must fail: %s\n' "$*"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	else
		ktap_test_pass "$desc"
	fi
}

# skip N REASON - N results skipped for the same reason.
skip() {
	i=0
	while [ "$i" -lt "$1" ]; do
		ktap_test_skip "$2"
		i=$((i + 1))
	done
}

# need_root PLAN - print the header; skip the whole program unless root,
# else print the plan of PLAN results.
need_root() {
	ktap_print_header
	if [ "$(id -u)" -ne 0 ]; then
		ktap_skip_all "needs root"
		exit "$KSFT_SKIP"
	fi
	ktap_set_plan "$1"
}

# build_of MODULE - how MODULE is built on this kernel: "builtin" (its
# /sys/module directory has no refcnt), "module" (modprobe can load it)
# or "none".
build_of() {
	if [ -d "/sys/module/$1" ] && [ ! -e "/sys/module/$1/refcnt" ]; then
		echo builtin
	elif [ -e "/sys/module/$1/refcnt" ] || modinfo "$1" >/dev/null 2>&1; then
		echo module
	else
		echo none
	fi
}

# loaded MODULE - MODULE is a loaded module.
loaded() {
	grep -q "^$1 " /proc/modules
}

# kmsg_mark - write a mark to the kernel log: kmsg_new, count_kmsg and
# kmsg_has read only what comes after the last one.
kmsg_mark() {
	KMSG_MARK="acme kselftest mark $$.$(date +%s).$KTAP_TESTNO"
	echo "$KMSG_MARK" >/dev/kmsg
}

# kmsg_new - the kernel log after the mark, raw (dmesg -r): "<LEVEL>" and
# the timestamp of CONFIG_PRINTK_TIME=y or the caller of CONFIG_PRINTK_CALLER
# taken off, so that "<1>TEXT" is TEXT at KERN_ALERT.
kmsg_new() {
	dmesg -r | if [ -n "${KMSG_MARK:-}" ]; then sed "1,/$KMSG_MARK/d"; else cat; fi |
		sed -e 's/^\(<[0-9]*>\)\[ *[0-9]*\.[0-9]*\] /\1/' \
			-e 's/^\(<[0-9]*>\)\[ *[TC][0-9]*\] /\1/'
}

# count_kmsg TEXT - lines after the mark that are exactly TEXT at KERN_ALERT.
count_kmsg() {
	kmsg_new | grep -cxF "<1>$1" || true
}

# kmsg_has TEXT - some kernel log line after the mark contains TEXT.
kmsg_has() {
	kmsg_new | grep -qF "$1"
}

# is_node PATH - PATH is a character device: writing to a missing node
# would make a regular file in /dev and read it back.
is_node() {
	[ -c "$1" ] || {
		echo "$1 is not a character device"
		return 1
	}
}
