#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-hotplug.sh - hot-unplug and replug QEMU's edu device under acme_edu
#
# usage: scripts/lib/check-hotplug.sh [--kver 6.12|6.1] [--acme m|y]
#                                     [--mode MODE]... [--build-dir DIR]
#                                     [--kernel IMAGE --initrd CPIO]
#
# Builds the guest (scripts/guest --build-only; --build-dir DIR boots what
# DIR holds instead, and --kernel with --initrd a kernel and test
# initramfs made elsewhere, as scripts/guest does) and, for each hotplug
# MODE (default: every mode of the architecture's table,
# ARCH_HOTPLUG_MODES: acpi, then pciehp on x86_64), boots it with
# scripts/guest --hotplug MODE --qmp SOCKET hotplug: q35, the edu device as
# edu0 behind the pcie-root-port rp0, and scripts/lib/guest/hotplug.sh in
# the guest. Then, over QMP:
#
#   1. waits for the guest's "ACME-HOTPLUG-READY: unplug" (acme_edu loaded,
#      /dev/acme_edu0 checked, DMA running on it);
#   2. device_del edu0, and waits for QEMU's DEVICE_DELETED event: the
#      guest has released the device (acpiphp, or pciehp after its 5 s
#      attention button); prints the time it took;
#   3. waits for "ACME-HOTPLUG-READY: plug" (the guest has checked the
#      unplug: ENODEV to the I/O, the node gone, rmmod acme_edu);
#   4. device_add of the same device on rp0, then waits for the guest to
#      check the replug and power off.
#
# Prints KTAP: the host's steps, then the guest's checks, relayed. When the
# sources have the driver (drivers/char/acme/acme_edu.c), a guest without
# acme_edu or acme_edu_io fails (acmeguest.edu=required); before that, the
# driver's checks skip and the device alone comes and goes. Every wait has
# a limit (the table below); a failed step stops that boot, with the end
# of its console. Needs /usr/bin/python3 (Debian's python3) for QMP.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/lib/ktap.sh
. "$ACME_ROOT/scripts/lib/ktap.sh"

# The limits, in seconds: the boot up to the guest's first marker (TCG),
# device_del to DEVICE_DELETED, the guest's unplug checks, a QMP command,
# the guest's replug checks to its power-off, and scripts/guest's timeout.
READY_SECS=240
DEL_SECS=30
CHECKED_SECS=60
QMP_SECS=10
END_SECS=120
GUEST_SECS=600
# The names boot.sh --hotplug gives the device and its port.
EDU_ID=edu0
EDU_PORT=rp0
PY=/usr/bin/python3

KVER="" ACME=m BUILD="" KERNEL="" INITRD="" MODES=() GUEST_PID="" APPENDS=()
BOOT=()
# The run's temp dir: main makes it (acme_tmpdir TMP).
declare TMP

# qmp SOCKET SECS del ID | add DRIVER,PROP=V,... | quit - one QMP command on
# SOCKET, within SECS. del waits for the DEVICE_DELETED event of ID too, and
# prints the milliseconds from the request to the event; add prints the
# milliseconds to QEMU's answer. Fails with the reason on stdout.
qmp() {
	"$PY" - "$@" <<'PY'
import json, socket, sys, time

path, secs, op = sys.argv[1], float(sys.argv[2]), sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""
deadline = time.monotonic() + secs
buf = b""

def fail(msg):
    print(msg)
    sys.exit(1)

def recv(what):
    global buf
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("%s within %g s" % (what, secs))
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            fail("QEMU closed the QMP socket while waiting for %s (did it exit?)" % what)
        buf += chunk
    line, buf = buf.split(b"\n", 1)
    return json.loads(line)

def execute(cmd, args, missed="", event=None):
    """Run cmd; with event, wait for it about args["id"] too (missed: why not)."""
    s.sendall(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
    answered, seen = False, event is None
    while not (answered and seen):
        m = recv(missed if answered else "QEMU did not answer " + cmd)
        if "error" in m:
            fail("QEMU refused %s: %s" % (cmd, m["error"].get("desc", m["error"])))
        if "return" in m:
            answered = True
        elif m.get("event") == event and m.get("data", {}).get("device") == args.get("id"):
            seen = True

def device(spec):
    """DRIVER,PROP=V,... as device_add's arguments (numbers as numbers)."""
    driver, *props = spec.split(",")
    args = {"driver": driver}
    for p in props:
        k, v = p.split("=", 1)
        try:
            args[k] = int(v, 0)
        except ValueError:
            args[k] = v
    return args

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
while True:
    try:
        s.connect(path)
        break
    except OSError as e:
        if time.monotonic() > deadline:
            fail("cannot connect to QEMU's QMP socket %s: %s" % (path, e))
        time.sleep(0.1)
if "QMP" not in recv("QEMU sent no QMP greeting on " + path):
    fail("%s does not speak QMP" % path)
execute("qmp_capabilities", {})
t0 = time.monotonic()
if op == "del":
    execute("device_del", {"id": arg},
            "QEMU sent no DEVICE_DELETED event for %s: the guest did not release "
            "the device (is its kernel without acpiphp or pciehp, or stuck in a "
            "driver's remove? see its console below)" % arg,
            event="DEVICE_DELETED")
elif op == "add":
    execute("device_add", device(arg))
elif op == "quit":
    execute("quit", {})
else:
    fail("unknown QMP operation " + op)
print(round((time.monotonic() - t0) * 1000))
PY
}

# start_guest MODE DIR - boot the hotplug guest in the background, in a
# session of its own (GUEST_PID is its process group): console in
# DIR/console.log, QMP on DIR/qmp.sock, scripts/guest's own output in
# DIR/guest.out.
start_guest() {
	local mode="$1" dir="$2"
	setsid "$ACME_ROOT/scripts/guest" "${BOOT[@]}" --hotplug "$mode" \
		--qmp "$dir/qmp.sock" --log "$dir/console.log" --timeout "$GUEST_SECS" \
		"${APPENDS[@]}" hotplug >"$dir/guest.out" 2>&1 &
	GUEST_PID=$!
}

# stop_guest DIR - end the guest when it still runs: QMP quit, then SIGTERM
# to its process group.
stop_guest() {
	local dir="$1" i
	[[ -n "$GUEST_PID" ]] || return 0
	if kill -0 "$GUEST_PID" 2>/dev/null; then
		qmp "$dir/qmp.sock" 2 quit >/dev/null 2>&1 || true
		for ((i = 0; i < 30; i++)); do
			kill -0 "$GUEST_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM -- "-$GUEST_PID" 2>/dev/null || true
	fi
	wait "$GUEST_PID" 2>/dev/null || true
	GUEST_PID=""
}

# wait_marker DIR WHICH SECS - wait for the guest's "ACME-HOTPLUG-READY:
# WHICH" line; fails, with the reason in WHY, when the guest ends first or
# SECS pass.
wait_marker() {
	local dir="$1" which="$2" secs="$3" t0
	t0="$(now_ms)"
	while ! grep -qa "ACME-HOTPLUG-READY: $which" "$dir/console.log" 2>/dev/null; do
		if ! kill -0 "$GUEST_PID" 2>/dev/null; then
			WHY="the guest ended before it printed ACME-HOTPLUG-READY: $which (see its console below)"
			return 1
		fi
		if (($(now_ms) - t0 > secs * 1000)); then
			WHY="no ACME-HOTPLUG-READY: $which from the guest within $secs s (a slow TCG host? see its console below)"
			return 1
		fi
		sleep 0.2
	done
}

# wait_exit SECS - scripts/guest's exit status (0 when the guest program
# passed, 1 when it failed, ...), or 124 when it runs SECS more.
wait_exit() {
	local secs="$1" t0 rc=0
	t0="$(now_ms)"
	while kill -0 "$GUEST_PID" 2>/dev/null; do
		if (($(now_ms) - t0 > secs * 1000)); then
			WHY="the guest did not power off within $secs s of the replug"
			return 124
		fi
		sleep 0.2
	done
	wait "$GUEST_PID" || rc=$?
	GUEST_PID=""
	return "$rc"
}

# console_tail DIR - the end of the boot's console and of scripts/guest's
# output, for a failure's diagnostics.
console_tail() {
	echo "console (last 25 lines of $1/console.log):"
	tail -n 25 "$1/console.log" 2>/dev/null
	echo "scripts/guest (last 5 lines):"
	tail -n 5 "$1/guest.out" 2>/dev/null
}

# step_fail MODE DIR NAME - a failed host step: report it, stop the guest.
step_fail() {
	ktap_not_ok "$1: $3" "$WHY" "$(console_tail "$2")"
	stop_guest "$2"
	log "hotplug ($1): failed: $3: $WHY"
}

# run_mode MODE - one hotplug boot, unplug and replug.
run_mode() {
	local mode="$1" dir t0 ms rc=0
	dir="$TMP/$mode"
	mkdir -p -- "$dir"
	t0="$(now_ms)"
	log "hotplug ($mode): booting ${BUILD:-$KERNEL} (q35, $EDU_ID behind $EDU_PORT, QMP on $dir/qmp.sock)"
	start_guest "$mode" "$dir"
	wait_marker "$dir" unplug "$READY_SECS" || {
		! grep -qa "can't open '/acme/hotplug.sh'" "$dir/console.log" ||
			WHY+="; its initramfs has no /acme/hotplug.sh, so it predates it: rebuild it (scripts/guest --build-only)"
		step_fail "$mode" "$dir" "the guest boots and is ready for the unplug"
		return 0
	}
	ktap_ok "$mode: the guest boots and is ready for the unplug ($(secs_since "$t0") s)"
	log "hotplug ($mode): device_del $EDU_ID; waiting for DEVICE_DELETED (at most $DEL_SECS s)"
	if ms="$(qmp "$dir/qmp.sock" "$DEL_SECS" del "$EDU_ID")"; then
		ktap_ok "$mode: device_del $EDU_ID: DEVICE_DELETED after $ms ms"
		log "hotplug ($mode): device_del latency $ms ms"
	else
		WHY="$ms"
		step_fail "$mode" "$dir" "device_del $EDU_ID: DEVICE_DELETED"
		return 0
	fi
	wait_marker "$dir" plug "$CHECKED_SECS" || {
		step_fail "$mode" "$dir" "the guest checks the unplug"
		return 0
	}
	log "hotplug ($mode): device_add $ARCH_EDU,id=$EDU_ID,bus=$EDU_PORT"
	if ms="$(qmp "$dir/qmp.sock" "$QMP_SECS" add "$ARCH_EDU,id=$EDU_ID,bus=$EDU_PORT")"; then
		ktap_ok "$mode: device_add $EDU_ID on $EDU_PORT ($ms ms)"
	else
		WHY="$ms"
		step_fail "$mode" "$dir" "device_add $EDU_ID on $EDU_PORT"
		return 0
	fi
	log "hotplug ($mode): waiting for the guest's replug checks (at most $END_SECS s)"
	wait_exit "$END_SECS" || rc=$?
	((rc != 124)) || {
		step_fail "$mode" "$dir" "the guest checks the replug and powers off"
		return 0
	}
	ktap_relay "$mode: guest" <"$dir/console.log"
	if ((rc == 0)); then
		ktap_ok "$mode: the guest program exits 0 ($(secs_since "$t0") s in all)"
	else
		ktap_not_ok "$mode: the guest program exits 0 (exit status $rc)" "$(console_tail "$dir")"
	fi
	log "hotplug ($mode): done in $(secs_since "$t0") s"
}

# pick_modes - MODES, checked against the table, or all of it.
pick_modes() {
	local m entry ok
	local -a all=()
	for entry in "${ARCH_HOTPLUG_MODES[@]}"; do
		all+=("${entry%%|*}")
	done
	((${#MODES[@]})) || MODES=("${all[@]}")
	for m in "${MODES[@]}"; do
		ok=0
		for entry in "${all[@]}"; do
			[[ "$m" != "$entry" ]] || ok=1
		done
		((ok)) || die "unknown --mode '$m': use one of ${all[*]} (ARCH_HOTPLUG_MODES in scripts/lib/arch/$ARCH_NAME.sh)"
	done
}

# pick_kernel - BOOT, the scripts/guest options of the kernel to boot, and
# the architecture's table loaded; builds the guest unless told what to boot.
pick_kernel() {
	if [[ -n "$KERNEL" || -n "$INITRD" ]]; then
		[[ -f "$KERNEL" && -f "$INITRD" ]] ||
			die "--kernel IMAGE and --initrd CPIO go together, and both must exist (got '$KERNEL', '$INITRD')"
		[[ -z "$BUILD" ]] || die "--build-dir and --kernel exclude each other: pick one"
		BOOT=(--kernel "$KERNEL" --initrd "$INITRD" --acme "$ACME")
		arch_load "$(image_arch "$KERNEL")"
	else
		if [[ -z "$BUILD" ]]; then
			log "building the $KVER =$ACME guest (scripts/guest --build-only)"
			BUILD="$("$ACME_ROOT/scripts/guest" --kver "$KVER" --acme "$ACME" --build-only)"
		fi
		[[ -d "$BUILD" ]] || die "--build-dir '$BUILD' does not exist: build it with scripts/guest --build-only"
		BOOT=(--build-dir "$BUILD")
		arch_load "$(build_arch "$BUILD")"
	fi
	[[ -n "$ARCH_HOTPLUG_MACHINE" ]] ||
		die "${BUILD:-$KERNEL} is an $ARCH_NAME kernel, which has no hotplug boot (ARCH_HOTPLUG_MACHINE in scripts/lib/arch/$ARCH_NAME.sh): use an x86_64 one"
}

main() {
	local t0 mode
	opts_parse --kver=KVER --acme=ACME --mode+MODES --build-dir=BUILD \
		--kernel=KERNEL --initrd=INITRD -- "$@"
	opts_none
	KVER="$(kver_normalize "$KVER")"
	[[ "$ACME" == m || "$ACME" == y ]] || die "--acme must be m or y, not '$ACME'"
	need_file "$PY:python3"
	need setsid:util-linux od:coreutils
	t0="$(now_ms)"
	pick_kernel
	pick_modes
	[[ ! -f "$ACME_ROOT/drivers/char/acme/acme_edu.c" ]] ||
		APPENDS=(--append acmeguest.edu=required)
	acme_tmpdir TMP
	trap 'stop_guest "$TMP/${mode:-none}"; _acme_cleanup' EXIT
	ktap_begin
	for mode in "${MODES[@]}"; do
		run_mode "$mode"
	done
	log "time: hotplug check ${MODES[*]} $(secs_since "$t0") s"
	ktap_end
}

main "$@"
