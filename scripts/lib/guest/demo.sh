#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/guest/demo.sh - runs in the guest for scripts/run: the seed's
# module transcript, then a short tour of the acme devices.
set -eu

# show CMD... - print the command as typed at a root prompt, then run it.
show() {
	echo "# $*"
	"$@"
}

# Only KERN_EMERG and KERN_ALERT reach the console, so hello's two lines
# show up where the seed shows them and nothing else interleaves.
dmesg -n 2

echo "=== the seed transcript ==="
show modprobe hello
show lsmod
show rmmod hello
show modinfo hello

echo
echo "=== acme ==="
show modprobe acme
show lsmod
echo "# grep -E ' [Tt] acme_' /proc/kallsyms"
grep -E ' [Tt] acme_' /proc/kallsyms

echo
echo "# echo 'To be, or not to be' > /dev/acme0"
echo 'To be, or not to be' >/dev/acme0
show head -n 1 /dev/acme0
echo "# cat /sys/class/acme/acme0/bytes_written"
cat /sys/class/acme/acme0/bytes_written

echo
echo "# a reader blocks on /dev/acme_fifo0 until a second process writes"
(
	line=$(head -n 1 /dev/acme_fifo0)
	echo "reader: got '$line'"
) &
sleep 1
echo "# echo 'Brevity is the soul of wit' > /dev/acme_fifo0"
echo 'Brevity is the soul of wit' >/dev/acme_fifo0
wait

echo
show grep acme /proc/devices
show ls /sys/class/acme
show ls -l /dev/acme0 /dev/acme_fifo0
for attr in kind size bytes_read bytes_written; do
	printf '/sys/class/acme/acme0/%s: %s\n' "$attr" \
		"$(cat "/sys/class/acme/acme0/$attr")"
done

echo
echo "=== acme_edu, on QEMU's edu device ==="
show modprobe acme_edu
show ls -l /dev/acme_edu0
echo "# echo 'What a piece of work is a man' > /dev/acme_edu0"
echo 'What a piece of work is a man' >/dev/acme_edu0
show head -n 1 /dev/acme_edu0
show grep acme_edu /proc/interrupts
