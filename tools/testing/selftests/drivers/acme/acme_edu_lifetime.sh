#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# acme_edu_lifetime.sh - acme_edu while its device goes away
#
# With files open and I/O in flight on /dev/acme_edu<N>, the device is
# unbound from the driver, then removed through sysfs. Every open file
# must then fail with ENODEV, sleepers included, the node must go, and a
# bind or a rescan must give a working device again. With acme_edu as a
# module, it is also loaded by the device's modalias and removed with
# rmmod once the files are closed.
#
# Needs root and QEMU's edu device; skips (exit 4) with the reason
# otherwise.

DIR=$(dirname "$0")
IO="$DIR/acme_edu_io"
PCI=/sys/bus/pci
DRV=$PCI/drivers/acme_edu
KSFT_SKIP=4
TIMEOUT=/sys/module/acme_edu/parameters/timeout_ms
# The transfers' timeout while the device goes away, the longest there
# is: a removal that waited for the sleepers to time out, instead of waking
# them, would take that long. Half of it is the limit of a removal, which
# on a slow kernel (KCSAN, KASAN, under an emulator) itself takes seconds.
LONG_MS=60000
LIMIT_CS=$((LONG_MS / 20))
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $*"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $*"
}

# check DESCRIPTION COMMAND... - one test line from a command's status.
check() {
	desc="$1"
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# edu_addr - the PCI address of the first edu device (1234:11e8).
edu_addr() {
	for d in "$PCI"/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] &&
			[ "$(cat "$d/device")" = 0x11e8 ] &&
			basename "$d" && return 0
	done
	return 1
}

# node ADDR - /dev/acme_edu<N> of the device at ADDR.
node() {
	for c in "$PCI/devices/$1"/acme/acme_edu*; do
		[ -e "$c" ] && echo "/dev/${c##*/}" && return 0
	done
	return 1
}

# uptime_cs - the time since boot in centiseconds.
uptime_cs() {
	sed 's/^\([0-9]*\)\.\([0-9][0-9]\).*/\1\2/; s/^0*\([0-9]\)/\1/' /proc/uptime
}

modular() {
	[ -d /sys/module/acme_edu ] && [ -e /sys/module/acme_edu/refcnt ]
}

# wait_node ADDR - wait up to 5 s for the device's node.
wait_node() {
	i=0
	while ! node "$1" >/dev/null; do
		i=$((i + 1))
		[ $i -le 50 ] || return 1
		sleep 0.1
	done
	[ -c "$(node "$1")" ]
}

# start_io DEV - two processes doing I/O on DEV until it goes away; their
# PIDs in $IO_PIDS once both are busy.
start_io() {
	IO_PIDS=""
	for k in 1 2; do
		"$IO" busy "$1" 120 >"/tmp/acme_edu_io.$k" 2>&1 &
		IO_PIDS="$IO_PIDS $!"
	done
	for k in 1 2; do
		i=0
		until grep -q "in use" "/tmp/acme_edu_io.$k"; do
			i=$((i + 1))
			[ $i -le 100 ] || return 1
			sleep 0.1
		done
	done
}

# io_saw_enodev - both I/O processes ended with ENODEV on every call.
io_saw_enodev() {
	rc=0
	for p in $IO_PIDS; do
		wait "$p" || rc=1
	done
	cat /tmp/acme_edu_io.1 /tmp/acme_edu_io.2 | sed 's/^/# /'
	return $rc
}

# away KIND ADDR - the device goes away while in use, and comes back.
away() {
	kind="$1"
	addr="$2"
	dev=$(node "$addr") || { not_ok "$kind: acme_edu is bound to $addr"; return; }
	check "$kind: two processes are doing I/O on $dev" start_io "$dev"
	exec 3<>"$dev"
	t0=$(uptime_cs)
	case "$kind" in
	unbind) echo "$addr" >$DRV/unbind ;;
	remove) echo 1 >"$PCI/devices/$addr/remove" ;;
	esac
	t1=$(uptime_cs)
	check "$kind: it took $((t1 - t0))0 ms, not a transfer's timeout of $LONG_MS ms" \
		test $((t1 - t0)) -lt $LIMIT_CS
	check "$kind: every call on the open files then failed with ENODEV" io_saw_enodev
	check "$kind: $dev is gone" test ! -e "$dev"
	case "$kind" in
	unbind) echo "$addr" >$DRV/bind ;;
	remove) echo 1 >$PCI/rescan ;;
	esac
	back=rescan
	[ "$kind" = remove ] || back=bind
	check "$kind: the device is back after $back" wait_node "$addr"
	check "$kind: and works" "$IO" check "$(node "$addr")"
	check "$kind: a file opened before still fails with ENODEV" old_file_gone
	exec 3>&-
}

# old_file_gone - a read on fd 3, opened before the device went, fails
# with ENODEV, while a new device may have the same node and minor.
old_file_gone() {
	err=$(dd bs=16 count=1 <&3 2>&1 >/dev/null) && return 1
	echo "# $err"
	case "$err" in
	*"No such device"*) return 0 ;;
	esac
	return 1
}

# never_ends ADDR - a caller asleep for an interrupt that never comes (bus
# mastering off drops the MSI) wakes with ENODEV as soon as the device is
# unbound, not when its transfer times out; then the device is bound again.
never_ends() {
	addr="$1"
	dev=$(node "$addr") || return 1
	: >/tmp/acme_edu_io.stuck
	"$IO" stuck "$dev" "$addr" >/tmp/acme_edu_io.stuck 2>&1 &
	pid=$!
	i=0
	until grep -q waiting /tmp/acme_edu_io.stuck; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
	sleep 0.5
	t0=$(uptime_cs)
	echo "$addr" >$DRV/unbind
	wait $pid
	rc=$?
	t1=$(uptime_cs)
	sed 's/^/# /' /tmp/acme_edu_io.stuck
	echo "# the unbind and the sleeper's ENODEV took $((t1 - t0))0 ms"
	echo "$addr" >$DRV/bind
	wait_node "$addr" || return 1
	[ $rc -eq 0 ] && [ $((t1 - t0)) -lt $LIMIT_CS ]
}

# user_stall ADDR - a pwrite whose copy from user space waits on its own
# program (a userfaultfd page) does not hold the unbind up, since the
# driver copies with its lock released: the unbind ends while the copy
# waits. The program then lets the copy go on, and the pwrite fails with
# ENODEV. A driver that copied under its lock would keep the unbind
# waiting until then.
user_stall() {
	addr="$1"
	desc="unbind: a pwrite waiting on user space (userfaultfd) does not hold it up"
	dev=$(node "$addr") || { not_ok "$desc"; return; }
	: >/tmp/acme_edu_io.stall
	"$IO" stall "$dev" $((LIMIT_CS / 50)) >/tmp/acme_edu_io.stall 2>&1 &
	pid=$!
	i=0
	until grep -q "stalled\|no userfaultfd" /tmp/acme_edu_io.stall; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
			sed 's/^/# /' /tmp/acme_edu_io.stall
			not_ok "$desc"
			return
		fi
		sleep 0.1
	done
	if grep -q "no userfaultfd" /tmp/acme_edu_io.stall; then
		wait $pid
		ok "$desc # SKIP $(sed -n 's/^acme_edu_io: //p' /tmp/acme_edu_io.stall)"
		return
	fi
	rm -f /tmp/acme_edu_unbound
	(echo "$addr" >$DRV/unbind; touch /tmp/acme_edu_unbound) &
	unbind=$!
	i=0
	while [ ! -e /tmp/acme_edu_unbound ] && [ $i -lt $((LIMIT_CS / 10)) ]; do
		i=$((i + 1))
		sleep 0.1
	done
	unbound=no
	[ -e /tmp/acme_edu_unbound ] && unbound=yes
	kill -USR1 $pid
	wait $pid
	rc=$?
	wait $unbind
	sed 's/^/# /' /tmp/acme_edu_io.stall
	echo "# the unbind had ended within $((LIMIT_CS / 100)) s, while the copy waited: $unbound"
	echo "$addr" >$DRV/bind
	if wait_node "$addr" && [ $unbound = yes ] && [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

# log_since MARK - the kernel log after the line MARK wrote to /dev/kmsg.
log_since() {
	dmesg | sed -n "/$1/,\$p"
}

# bad_dma_bits - dma_bits outside [28, 32] is refused at load, and the
# kernel log names it. Needs acme_edu unloaded.
bad_dma_bits() {
	for v in 27 33; do
		echo "acme_edu_lifetime: dma_bits=$v" >/dev/kmsg
		if modprobe acme_edu dma_bits=$v 2>/dev/null; then
			echo "# dma_bits=$v was taken"
			rmmod acme_edu
			return 1
		fi
		log_since "acme_edu_lifetime: dma_bits=$v" |
			grep -q "dma_bits=$v is out of range" || return 1
	done
}

# narrow_dma_bits ADDR - with the spec's 28-bit mask, either the probe
# works and the device moves the right bytes (x86, with memory below 256
# MiB), or, where no memory is that low (arm64's virt machine), it fails
# with a message saying how to widen the device: never wrong data.
# Needs acme_edu unloaded; leaves it so.
narrow_dma_bits() {
	echo "acme_edu_lifetime: dma_bits=28" >/dev/kmsg
	modprobe acme_edu dma_bits=28 || return 1
	if wait_node "$1"; then
		echo "# dma_bits=28: the probe worked; a round trip:"
		"$IO" check "$(node "$1")"
		rc=$?
	else
		log_since "acme_edu_lifetime: dma_bits=28" | sed 's/^/# /'
		log_since "acme_edu_lifetime: dma_bits=28" |
			grep -q "below the device's 28-bit DMA limit.*dma_mask=0xffffffff"
		rc=$?
	fi
	rmmod acme_edu
	return $rc
}

main() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	addr=$(edu_addr) || skip_all "no edu device (start QEMU with -device edu)"
	[ -x "$IO" ] || skip_all "$IO is missing"
	if ! node "$addr" >/dev/null; then
		modprobe "$(cat "$PCI/devices/$addr/modalias")"
	fi
	echo "1..22"
	check "modalias: $addr has acme_edu bound" wait_node "$addr"
	old_ms=$(cat $TIMEOUT)
	trap 'echo "$old_ms" >$TIMEOUT' EXIT
	echo $LONG_MS >$TIMEOUT
	if [ -n "$(ls "$PCI/devices/$addr/msi_irqs" 2>/dev/null)" ]; then
		check "unbind: a sleeper the device never wakes gets ENODEV at once" \
			never_ends "$addr"
	else
		# Masking INTx behind the kernel's back leaves the line stuck.
		ok "unbind: a sleeper the device never wakes # SKIP needs MSI, not INTx"
	fi

	user_stall "$addr"
	away unbind "$addr"
	away remove "$addr"

	echo "$old_ms" >$TIMEOUT
	if modular; then
		exec 3<>"$(node "$addr")"
		check "rmmod: refused while a file is open" sh -c '! rmmod acme_edu'
		exec 3>&-
		check "rmmod: acme_edu goes once its files are closed" rmmod acme_edu
		check "dma_bits: 27 and 33 are refused at load, naming it" bad_dma_bits
		check "dma_bits: 28 works or fails the probe saying how to widen the device" \
			narrow_dma_bits "$addr"
		modprobe "$(cat "$PCI/devices/$addr/modalias")"
		check "modalias: modprobe of $addr's modalias loads acme_edu again" \
			wait_node "$addr"
	else
		ok "rmmod: refused while a file is open # SKIP acme_edu is built in"
		ok "rmmod: acme_edu goes once its files are closed # SKIP acme_edu is built in"
		ok "dma_bits: 27 and 33 are refused at load # SKIP acme_edu is built in"
		ok "dma_bits: 28 works or fails the probe # SKIP acme_edu is built in"
		ok "modalias: modprobe loads acme_edu again # SKIP acme_edu is built in"
	fi
	[ $failed -eq 0 ]
}

main
