#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# acme_modules.sh - hello, acme_core and acme as modules and built in
#
# hello prints the seed's two lines, exactly, at KERN_ALERT and refuses a
# bad parameter. acme pulls in acme_core, makes its devices and logs
# nothing; it cannot be removed while a file is open or a reader sleeps
# in it, nor acme_core while acme uses it; out-of-range parameters are
# refused at load, naming the parameter; and it loads and unloads
# ACME_CYCLES times (default 20). Built in, the devices are there at boot
# and what needs a module skips, saying so.
#
# Needs root. Unloads acme_edu and acme first when they are modules.

DIR=$(dirname "$0")
. "$DIR/acme_lib.sh"

CYCLES="${ACME_CYCLES:-20}"
# The seed's messages, exactly: whole lines, with no "hello: " before them.
GREETING='Good morrow to this fair assembly.'
FAREWELL='Alas, poor world, what treasure hast thou lost!'
BAD_PARAMS="nr_devs=0 nr_devs=65 nr_fifos=65 size=0 size=16777217 fifo_size=1 fifo_size=1048577"
NODES="acme0 acme1 acme2 acme3 acme_fifo0 acme_fifo1"

file_is() {
	[ "$(cat "$1")" = "$2" ]
}

# text_has TEXT PATTERN - some line of TEXT matches the grep PATTERN.
text_has() {
	printf '%s\n' "$1" | grep -q "$2"
}

# greeted N COMMAND... - COMMAND logs N more greetings.
greeted() {
	n="$1"
	shift
	before=$(count_kmsg "$GREETING")
	"$@" || return 1
	after=$(count_kmsg "$GREETING")
	[ "$after" -eq $((before + n)) ] || {
		echo "$((after - before)) greetings logged, not $n"
		return 1
	}
}

# farewelled COMMAND... - COMMAND logs one more farewell.
farewelled() {
	before=$(count_kmsg "$FAREWELL")
	"$@" || return 1
	[ "$(count_kmsg "$FAREWELL")" -eq $((before + 1)) ]
}

HELLO_TESTS=12

hello_module() {
	rmmod hello 2>/dev/null
	kmsg_mark
	check "hello: modprobe hello logs the seed's greeting once, at KERN_ALERT" \
		greeted 1 modprobe hello
	check "hello: lsmod lists hello" loaded hello
	check "hello: the greetings parameter reads 1" \
		file_is /sys/module/hello/parameters/greetings 1
	info=$(modinfo hello 2>&1)
	for field in "description:.*Greeting module" \
		"author:.*William Shakespeare" "license:.*GPL" "parm:.*greetings"; do
		check "hello: modinfo shows ${field%%:*}" text_has "$info" "$field"
	done
	check "hello: rmmod hello logs the seed's farewell once, at KERN_ALERT" \
		farewelled rmmod hello
	check_fails "hello: greetings=11 is refused" modprobe hello greetings=11
	check "hello: the refusal names the parameter" \
		kmsg_has "hello: greetings=11 is out of range"
	check "hello: greetings=3 greets three times" \
		greeted 3 modprobe hello greetings=3
	check "hello: rmmod hello" rmmod hello
}

hello_builtin() {
	check "hello: built-in hello greeted once at boot" \
		test "$(count_kmsg "$GREETING")" -eq 1
	check "hello: the greetings parameter reads 1" \
		file_is /sys/module/hello/parameters/greetings 1
	skip $((HELLO_TESTS - 2)) "hello is built in"
}

# quiet_load - modprobe acme adds no kernel log line.
quiet_load() {
	kmsg_mark
	modprobe acme || return 1
	new=$(kmsg_new)
	[ -z "$new" ] || {
		echo "modprobe acme logged: $new"
		return 1
	}
}

DEVICE_TESTS=12

devices_present() {
	for d in $NODES; do
		check "acme: /dev/$d is a char device" test -c "/dev/$d"
	done
	# acme_edu's devices, when it is built in, are in the class too
	n=$(find /sys/class/acme/ -mindepth 1 -maxdepth 1 ! -name 'acme_edu*' | wc -l)
	check "acme: /sys/class/acme lists acme's 6 devices" test "$n" -eq 6
	check "acme: /proc/devices has acme" grep -q ' acme$' /proc/devices
	check "acme: acme_core's exports are in /proc/kallsyms" \
		grep -q ' acme_reserve_minors' /proc/kallsyms
	check "acme: the size attribute shows the default, 65536" \
		file_is /sys/class/acme/acme0/size 65536
	check "acme: a shell writes and reads back a memory device" mem_round_trip
	check "acme: a FIFO carries a line between two processes" fifo_two_processes
}

mem_round_trip() {
	is_node /dev/acme1 &&
		echo "round trip" >/dev/acme1 &&
		[ "$(head -n 1 /dev/acme1)" = "round trip" ]
}

# fifo_two_processes - a line written by one process is read by another;
# a FIFO never reports end of file, so the reader has a time limit.
fifo_two_processes() {
	is_node /dev/acme_fifo1 || return 1
	(echo "across" >/dev/acme_fifo1) &
	[ "$(timeout 10 head -n 1 /dev/acme_fifo1)" = "across" ]
}

# rmmod_refused MODULE - rmmod fails because the module is in use, and
# the module stays loaded.
rmmod_refused() {
	if out=$(rmmod "$1" 2>&1); then
		echo "rmmod $1 succeeded"
		return 1
	fi
	# the kernel's EAGAIN (busybox), or kmod's own check of the users
	case "$out" in
	*"Resource temporarily unavailable"* | *"in use"*) ;;
	*)
		echo "rmmod $1: $out (want EAGAIN, or kmod's \"in use\")"
		return 1
		;;
	esac
	loaded "$1"
}

# blocked_reader_survives_rmmod - a reader asleep on an empty FIFO keeps
# the module in use; after the refused rmmod it still gets what is written.
blocked_reader_survives_rmmod() {
	is_node /dev/acme_fifo0 || return 1
	rfile=$(mktemp)
	head -c 5 /dev/acme_fifo0 >"$rfile" &
	reader=$!
	sleep 1
	rc=0
	rmmod_refused acme || rc=1
	printf 'after' >/dev/acme_fifo0
	i=0
	while kill -0 "$reader" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$reader" 2>/dev/null; then
		kill "$reader"
		echo "the reader did not finish"
		rc=1
	fi
	wait "$reader" 2>/dev/null
	[ "$(cat "$rfile")" = after ] || {
		echo "the reader got '$(cat "$rfile")'"
		rc=1
	}
	rm -f "$rfile"
	return "$rc"
}

small_config() {
	modprobe acme nr_devs=2 nr_fifos=0 size=4096 &&
		[ "$(ls /sys/class/acme/)" = "$(printf 'acme0\nacme1')" ] &&
		[ "$(cat /sys/class/acme/acme1/size)" = 4096 ]
}

fixed_major() {
	modprobe acme_core major=240 && grep -qx "240 acme" /proc/devices
}

fixed_major_devices() {
	modprobe acme && [ "$(stat -c %t /dev/acme0)" = f0 ]
}

load_unload_cycles() {
	i=0
	while [ "$i" -lt "$CYCLES" ]; do
		modprobe acme && rmmod acme acme_core || return 1
		i=$((i + 1))
	done
}

unload_all() {
	rmmod acme 2>/dev/null
	rmmod acme_core 2>/dev/null
	true
}

param_count() {
	# shellcheck disable=SC2086 # one word per parameter
	set -- $BAD_PARAMS
	echo $#
}

# quiet_load and the two after it, the devices, the eight of rmmod, each
# parameter twice, small_config, the fixed major's two and the cycles
MODULE_TESTS=$((3 + DEVICE_TESTS + 8 + 2 * $(param_count) + 4))

acme_module() {
	check "acme: modprobe acme succeeds and logs nothing" quiet_load
	kmsg_mark
	check "acme: modprobe pulled in acme_core" loaded acme_core
	check "acme: acme_core is used by acme" \
		sh -c 'grep "^acme_core " /proc/modules | grep -q "acme,"'
	devices_present

	# a failed redirection of exec would end the script
	if [ -c /dev/acme0 ] && { command exec 3</dev/acme0; } 2>/dev/null; then
		check "acme: rmmod acme is refused while a device is open" \
			rmmod_refused acme
		check "acme: the open file still reads after the refused rmmod" \
			sh -c 'dd bs=1 count=1 <&3 2>/dev/null | wc -c | grep -qx 1'
		exec 3<&-
	else
		ktap_test_fail "acme: rmmod is refused while a device is open: no /dev/acme0"
		ktap_test_fail "acme: the open file still reads after the refused rmmod"
	fi
	check "acme: rmmod acme_core is refused while acme is loaded" \
		rmmod_refused acme_core
	check "acme: rmmod is refused while a reader sleeps, which then reads" \
		blocked_reader_survives_rmmod
	check "acme: rmmod acme succeeds once its files are closed" rmmod acme
	check "acme: the devices are gone" \
		test ! -e /dev/acme0 -a ! -e /sys/class/acme/acme0
	check "acme: rmmod acme_core succeeds" rmmod acme_core
	check "acme: the class is gone" test ! -e /sys/class/acme

	for p in $BAD_PARAMS; do
		check_fails "acme: $p is refused" modprobe acme "$p"
		check "acme: the refusal of $p names it" \
			kmsg_has "acme: $p is out of range"
	done
	unload_all

	check "acme: nr_devs=2 nr_fifos=0 size=4096 makes two small devices" small_config
	unload_all
	check "acme: acme_core major=240 takes major 240" fixed_major
	check "acme: the devices use the fixed major" fixed_major_devices
	unload_all
	t0=$(date +%s)
	check "acme: load and unload $CYCLES times" load_unload_cycles
	echo "# $CYCLES cycles in $(($(date +%s) - t0)) s"
}

acme_builtin() {
	check "acme: no acme module is loaded (built in)" \
		sh -c '! grep -q "^acme" /proc/modules'
	devices_present
	skip $((MODULE_TESTS - DEVICE_TESTS - 1)) "acme is built in"
}

# unload_users - acme_edu and acme, when they are modules, so that the
# checks start from nothing loaded.
unload_users() {
	for m in acme_edu acme acme_core; do
		loaded "$m" || continue
		rmmod "$m" || {
			ktap_print_header
			ktap_skip_all "$m is in use: close its files first"
			exit "$KSFT_SKIP"
		}
	done
}

[ "$(id -u)" -ne 0 ] || unload_users
if [ "$(build_of hello)" = none ] && [ "$(build_of acme)" = none ]; then
	ktap_print_header
	ktap_skip_all "neither hello nor acme on this kernel (CONFIG_ACME_HELLO, CONFIG_ACME)"
	exit "$KSFT_SKIP"
fi
need_root $((HELLO_TESTS + MODULE_TESTS))

case "$(build_of hello)" in
module) hello_module ;;
builtin) hello_builtin ;;
*) skip "$HELLO_TESTS" "no hello on this kernel (CONFIG_ACME_HELLO)" ;;
esac

case "$(build_of acme)" in
module) acme_module ;;
builtin) acme_builtin ;;
*) skip "$MODULE_TESTS" "no acme on this kernel (CONFIG_ACME)" ;;
esac

ktap_finished
