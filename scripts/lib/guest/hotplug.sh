#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/guest/hotplug.sh - the guest side of the hot-unplug check
#
# usage (in the guest, booted by scripts/lib/check-hotplug.sh with
# scripts/guest --hotplug MODE --qmp SOCKET hotplug): sh hotplug.sh
#
# The host unplugs QEMU's edu device (PCI 1234:11e8, id edu0) with QMP
# device_del when this program prints the line "ACME-HOTPLUG-READY:
# unplug", and plugs it back on the same port with device_add when it
# prints "ACME-HOTPLUG-READY: plug". In between, this program checks:
#
#   - before: the device is on the PCI bus; acme_edu is loaded (modprobe,
#     for acme =m) and /dev/acme_edu0 does a DMA round trip and a factorial
#     (acme_edu_io check); then acme_edu_io busy keeps DMA going on it;
#   - unplug: the device leaves /sys/bus/pci/devices, acme_edu_io busy
#     ends with ENODEV (exit 0), /dev/acme_edu0 goes away, and (=m) rmmod
#     acme_edu works and modprobe acme_edu loads it again with no device;
#   - replug: the device comes back, acme_edu binds it and /dev/acme_edu0
#     works again; (=m) rmmod acme_edu;
#   - the kernel log has no BUG, WARNING, Oops or sanitizer report.
#
# Kernel command line: acmeguest.mode=m|y (the acme mode, default m);
# acmeguest.edu=required makes a kernel or image without acme_edu, or
# without acme_edu_io, fail the checks (the host passes it when the
# sources have the driver); without it they skip. Prints KTAP, one line a
# check, and exits non-zero when one failed.
set -u

VENDOR=0x1234
DEVICE=0x11e8
NODE=/dev/acme_edu0
IO=/kselftest/drivers/acme/acme_edu_io
# The waits, in seconds: for the host's unplug and replug (pciehp's
# attention button alone takes 5 s), for the device node, and the longest
# acme_edu_io busy may run before it must have seen ENODEV.
WAIT_SECS=60
NODE_SECS=10
BUSY_SECS=120
# What a clean kernel log must not have (as in checks.sh).
BAD_LOG='BUG:|WARNING:|Oops|general protection|UBSAN:|KASAN|ODEBUG:|suspected memory leak|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|Call Trace'

# shellcheck source=../ktap.sh
. /acme/ktap.sh

# cmdline_arg NAME - the value of acmeguest.NAME= on the kernel command line.
cmdline_arg() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^acmeguest\.$1=//p"
}

MODE="$(cmdline_arg mode)"
MODE="${MODE:-m}"
REQUIRED="$(cmdline_arg edu)"

# uptime_cs - the guest's uptime in centiseconds.
uptime_cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# secs_since CS - seconds since uptime CS, as N.NN.
secs_since() {
	d=$(($(uptime_cs) - $1))
	printf '%d.%02d\n' $((d / 100)) $((d % 100))
}

# edu_dev - the sysfs directory of the edu device; fails when there is none.
edu_dev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null)" = "$VENDOR" ] &&
			[ "$(cat "$d/device" 2>/dev/null)" = "$DEVICE" ] && {
			echo "$d"
			return 0
		}
	done
	return 1
}

# wait_until SECS CMD... - run CMD every 0.1 s until it succeeds (0) or
# SECS pass (1).
wait_until() {
	t0=$(uptime_cs)
	limit=$(($1 * 100))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $(($(uptime_cs) - t0)) -lt "$limit" ] || return 1
		sleep 0.1
	done
}

no_edu_dev() { ! edu_dev; }
no_node() { [ ! -e "$NODE" ]; }
has_node() { [ -c "$NODE" ]; }
# busy_done - acme_edu_io busy has ended: gone, or a zombie not yet waited
# for (busybox sh reaps a background job only in wait).
busy_done() {
	case "$(cat "/proc/$BUSY_PID/stat" 2>/dev/null)" in
	"" | *") Z "*) return 0 ;;
	esac
	return 1
}
# busy_started - acme_edu_io busy has the node open (or said something, or
# ended): its stdout is a file, so its lines may come only at its exit.
busy_started() {
	busy_done || [ -s /tmp/busy.out ] && return 0
	for fd in "/proc/$BUSY_PID/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" != "$NODE" ] || return 0
	done
	return 1
}

# busy_trips - the round trips acme_edu_io busy reports ("... after N round
# trips"), or nothing.
busy_trips() {
	sed -n 's/.* after \([0-9][0-9]*\) round trips.*/\1/p' /tmp/busy.out | tail -n 1
}

# pci_log - the kernel's lines about PCI and hotplug, for a diagnosis.
pci_log() {
	dmesg | grep -iE 'pci|hotplug|acpiphp|pciehp|acme_edu' | tail -n 15
}

# skip_or_fail NAME WHY - a check that cannot run: a failure when the host
# said the driver is required, else a skip.
skip_or_fail() {
	if [ "$REQUIRED" = required ]; then
		ktap_not_ok "$1" "$2 (acmeguest.edu=required)"
	else
		ktap_skip "$1" "$2"
	fi
}

# have_driver - acme_edu is in this kernel: built in, or a module modprobe
# finds. Sets DRIVER=1.
have_driver() {
	DRIVER=""
	if [ -d /sys/bus/pci/drivers/acme_edu ] ||
		grep -q '/acme_edu\.ko' "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null; then
		DRIVER=1
	fi
}

# have_io - acme_edu_io is in the image. Sets IO_OK=1.
have_io() {
	IO_OK=""
	[ ! -x "$IO" ] || IO_OK=1
}

# node_works WHEN - /dev/acme_edu0 appears and acme_edu_io check passes.
node_works() {
	if ! wait_until "$NODE_SECS" has_node; then
		ktap_not_ok "$NODE appears $1" "no $NODE after $NODE_SECS s" "$(pci_log)"
		return 0
	fi
	ktap_ok "$NODE appears $1"
	if [ -n "$IO_OK" ]; then
		ktap_check "acme_edu_io check: a DMA round trip and a factorial $1" "$IO" check "$NODE"
	else
		skip_or_fail "acme_edu_io check: a DMA round trip and a factorial $1" "no $IO in the image"
	fi
}

# before - the device and the driver work; DMA keeps going on it.
before() {
	if d=$(edu_dev); then
		ktap_ok "the edu device ($VENDOR:$DEVICE) is on the PCI bus: ${d##*/}"
	else
		ktap_not_ok "the edu device ($VENDOR:$DEVICE) is on the PCI bus" \
			"$(cat /sys/bus/pci/devices/*/uevent 2>/dev/null | grep PCI_ID)"
	fi
	have_driver
	have_io
	if [ -z "$DRIVER" ]; then
		skip_or_fail "acme_edu binds the edu device" "no acme_edu in this kernel"
		return 0
	fi
	if [ "$MODE" = m ]; then
		ktap_check "modprobe acme_edu" modprobe acme_edu
	fi
	node_works "before the unplug"
	BUSY_PID=""
	if [ -z "$IO_OK" ]; then
		skip_or_fail "acme_edu_io busy: DMA goes on until the unplug" "no $IO in the image"
		return 0
	fi
	"$IO" busy "$NODE" "$BUSY_SECS" >/tmp/busy.out 2>&1 &
	BUSY_PID=$!
	wait_until "$NODE_SECS" busy_started
	if busy_done; then
		wait "$BUSY_PID"
		ktap_not_ok "acme_edu_io busy is running DMA before the unplug" \
			"it exited (status $?) before the unplug: $(cat /tmp/busy.out)"
		BUSY_PID=""
	elif busy_started; then
		ktap_ok "acme_edu_io busy is running DMA before the unplug"
		# a second of round trips before the unplug request
		sleep 1
	else
		ktap_not_ok "acme_edu_io busy is running DMA before the unplug" \
			"it has not opened $NODE within $NODE_SECS s: $(cat /tmp/busy.out)"
	fi
}

# unplugged T0 - after the host's device_del (asked at uptime T0).
unplugged() {
	if wait_until "$WAIT_SECS" no_edu_dev; then
		ktap_ok "the edu device left the PCI bus ($(secs_since "$1") s after the request)"
	else
		ktap_not_ok "the edu device left the PCI bus" \
			"still there $WAIT_SECS s after the request" "$(pci_log)"
		return 0
	fi
	[ -n "$DRIVER" ] || return 0
	if [ -n "$BUSY_PID" ]; then
		if wait_until "$NODE_SECS" busy_done; then
			wait "$BUSY_PID"
			rc=$?
			trips=$(busy_trips)
			if [ "$rc" = 0 ] && [ "${trips:-1}" -gt 0 ]; then
				ktap_ok "acme_edu_io busy ended with ENODEV: $(tr '\n' ' ' </tmp/busy.out)"
			elif [ "$rc" = 0 ]; then
				ktap_not_ok "acme_edu_io busy ended with ENODEV" \
					"but made no round trip before the unplug: $(cat /tmp/busy.out)"
			else
				ktap_not_ok "acme_edu_io busy ended with ENODEV" \
					"exit status $rc (1: wrong data or another errno; 2: no ENODEV)" \
					"$(cat /tmp/busy.out)"
			fi
		else
			kill -9 "$BUSY_PID" 2>/dev/null
			ktap_not_ok "acme_edu_io busy ended with ENODEV" \
				"still running $NODE_SECS s after the unplug (stuck in the driver?)" \
				"$(cat /tmp/busy.out)"
		fi
	fi
	if wait_until "$NODE_SECS" no_node; then
		ktap_ok "$NODE went away with the device"
	else
		ktap_not_ok "$NODE went away with the device" "still there $NODE_SECS s after the unplug"
	fi
	[ "$MODE" = m ] || return 0
	ktap_check "rmmod acme_edu after the unplug" rmmod acme_edu
	ktap_check "modprobe acme_edu with no device" modprobe acme_edu
}

# replugged T0 - after the host's device_add (asked at uptime T0).
replugged() {
	if wait_until "$WAIT_SECS" edu_dev; then
		ktap_ok "the edu device is back on the PCI bus ($(secs_since "$1") s after the request): $(edu_dev)"
	else
		ktap_not_ok "the edu device is back on the PCI bus" \
			"not there $WAIT_SECS s after the request" "$(pci_log)"
		return 0
	fi
	[ -n "$DRIVER" ] || return 0
	node_works "after the replug"
	[ "$MODE" = m ] || return 0
	ktap_check "rmmod acme_edu after the replug" rmmod acme_edu
}

clean_log() {
	if dmesg | grep -E "$BAD_LOG" >/tmp/bad; then
		ktap_not_ok "kernel log has no BUG, WARNING, Oops or sanitizer report" \
			"$(head -n 40 /tmp/bad)"
	else
		ktap_ok "kernel log has no BUG, WARNING, Oops or sanitizer report"
	fi
}

main() {
	ktap_begin
	before
	t0=$(uptime_cs)
	echo "ACME-HOTPLUG-READY: unplug"
	unplugged "$t0"
	t0=$(uptime_cs)
	echo "ACME-HOTPLUG-READY: plug"
	replugged "$t0"
	clean_log
	ktap_end
}

main "$@"
