#!/bin/busybox sh
# shellcheck shell=sh
# scripts/lib/guest-init.sh - /init of the acme test initramfs (busybox sh).
#
# Kernel command line (read from /proc/cmdline):
#   acmeguest.run=PATH   run `sh PATH` (a script inside the image), then print
#                   "ACME-GUEST-EXIT: <rc>" on the console and power off
#   acmeguest.shell=1    interactive shell on the console; power off when it exits
# With neither, it reports "ACME-GUEST-EXIT: 127" and powers off.
# Powering off uses `reboot -f` (QEMU runs with -no-reboot, so a reboot
# ends it, whether or not the kernel has ACPI to power off). If even that
# fails, /init exits, the kernel panics and panic=-1 reboots: never a hang.

case "${1:-}" in
-h | --help)
	sed -n '3,12s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

# Refuse to run anywhere but as PID 1 (it mounts and reboots -f).
if [ "$$" != 1 ]; then
	echo "guest-init: this is the guest's /init; refusing to run as PID $$ (see --help)" >&2
	exit 1
fi

BB=/bin/busybox

mount_fs() {
	$BB mkdir -p /proc /sys /dev /tmp /root /run
	$BB mount -t proc proc /proc
	$BB mount -t sysfs sysfs /sys
	$BB mount -t devtmpfs devtmpfs /dev 2>/dev/null ||
		$BB grep -q ' /dev devtmpfs ' /proc/mounts ||
		echo "acme-init: warning: cannot mount devtmpfs on /dev"
	# what udev would add: kselftest's runner writes to /dev/stdout
	$BB ln -sf /proc/self/fd /dev/fd
	$BB ln -sf fd/0 /dev/stdin
	$BB ln -sf fd/1 /dev/stdout
	$BB ln -sf fd/2 /dev/stderr
	$BB mount -t tmpfs -o mode=1777 tmpfs /tmp
	$BB mount -t tmpfs -o mode=0755 tmpfs /run
	# only when the kernel has CONFIG_DEBUG_FS (not in base.config)
	$BB mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
}

setup_env() {
	$BB --install -s
	PATH=/sbin:/bin:/usr/sbin:/usr/bin
	HOME=/root
	PS1='acme:\w# '
	export PATH HOME PS1
	hostname acme
	cd / || true
}

power_off() {
	sync
	reboot -f
	sleep 5
	echo "acme-init: reboot -f failed; exiting /init (kernel will panic and reboot)"
	exit 1
}

# cmdline_get KEY - value of KEY=... on the kernel command line.
cmdline_get() {
	read -r cmdline </proc/cmdline
	set -f
	for arg in $cmdline; do
		case "$arg" in
		"$1="*)
			set +f
			echo "${arg#*=}"
			return 0
			;;
		esac
	done
	set +f
	return 1
}

run_shell() {
	echo
	echo "=== acme guest shell ($(uname -r)); exit or Ctrl-D powers off ==="
	echo "=== (Ctrl-A x kills QEMU) ==="
	setsid cttyhack sh -l
}

run_script() {
	rc=0
	if [ -z "$1" ]; then
		echo "acme-init: error: no acmeguest.run=PATH (or acmeguest.shell=1) on the kernel command line"
		rc=127
	elif [ ! -f "$1" ]; then
		echo "acme-init: error: acmeguest.run script '$1' not found in the image"
		rc=127
	else
		echo "acme-init: running $1"
		sh "$1" || rc=$?
	fi
	echo
	echo "ACME-GUEST-EXIT: $rc"
}

main() {
	mount_fs
	setup_env
	if [ "$(cmdline_get acmeguest.shell)" = 1 ]; then
		run_shell
	else
		run_script "$(cmdline_get acmeguest.run)"
	fi
	power_off
}

main "$@"
