#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/boot.sh - boot a kernel + initramfs under QEMU, return the guest's rc.
#
# usage: scripts/lib/boot.sh --kernel BZIMAGE --initrd CPIO [--run GUESTSCRIPT | --shell]
#                     [--timeout SECS] [--smp N] [--mem MB] [--append "ARGS"]
#                     [--log FILE] [--accel kvm|tcg] [--hotplug MODE]
#                     [--qmp SOCKET]
#
# Boot BZIMAGE with initramfs CPIO (from scripts/lib/mkinitramfs.sh) in
# qemu-system-x86_64 with the console on a serial port on stdio. An arm64
# Image boots in qemu-system-aarch64 (virt board, cortex-a57, TCG) instead.
# Every boot carries QEMU's edu device (PCI 1234:11e8, for acme_edu), with
# the device options and kernel arguments of the architecture's table
# (ARCH_EDU, ARCH_EDU_APPEND in scripts/lib/arch/).
#
#   --run PATH      run `sh PATH` in the guest (PATH is inside the image);
#                   the console is streamed to stdout while it runs, and
#                   the script's exit status is read from the guest's
#                   "ACME-GUEST-EXIT: <rc>" line (see Exit status). Without
#                   --run and --shell the guest reports 127.
#   --shell         interactive shell on the console, attached to this
#                   terminal, no timeout; exit the shell to power off
#                   (Ctrl-A x kills QEMU, Ctrl-A c is QEMU's monitor)
#   --timeout SECS  kill QEMU after SECS seconds (default 300; not in --shell)
#   --smp N         virtual CPUs (default 2)
#   --mem MB        guest memory (default 512)
#   --append ARGS   extra kernel command line (repeatable)
#   --log FILE      also write the console (CR stripped) to FILE
#   --accel A       kvm or tcg (overrides ACME_ACCEL and the probe)
#   --hotplug MODE  a hotplug boot: the machine of ARCH_HOTPLUG_MACHINE (q35
#                   on x86_64) with the edu device, id edu0, behind a
#                   pcie-root-port rp0, signalled to the guest as MODE says:
#                   acpi (acpiphp; QEMU 7.2's default) or pciehp (the
#                   port's native hotplug); see ARCH_HOTPLUG_MODES. The
#                   device comes and goes with QMP device_del and device_add
#                   (scripts/lib/check-hotplug.sh)
#   --qmp SOCKET    a QMP server on the unix socket SOCKET (no wait)
#   -h, --help      show this help
#
# Accelerator: ACME_ACCEL=kvm|tcg forces one. Otherwise KVM is probed once:
# /dev/kvm must be usable and a probe boot of the same kernel must print
# "Linux version" within ACME_KVM_PROBE_SECS (default 10) seconds; else
# TCG is used (nested KVM can hang silently after the firmware).
# ACME_KVM_CPU sets the -cpu model used with KVM (default host).
#
# Exit status (--run; scripts/lib/status.sh): 0 when the guest script
# exited 0; 1 (ACME_EXIT_CHECK) when it exited with another status, which
# is logged ("acme: guest exited with status N"); 2 (ACME_EXIT_USAGE) for a
# bad option; 124 (ACME_EXIT_TIMEOUT) when the timeout hit before the
# guest reported; 125 (ACME_EXIT_NOREPORT) when QEMU ended without a
# report (kernel panic, QEMU error) or could not start. With --shell:
# QEMU's status.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KERNEL="" INITRD="" RUN="" SHELL_MODE=0 TIMEOUT=300 SMP=2 MEM=512
APPEND="" LOG="" ACCEL="${ACME_ACCEL:-}" HOTPLUG="" QMP=""
# The run's temp dir: main makes it (acme_tmpdir TMP).
declare TMP

parse_args() {
	local -a appends=()
	opts_parse --kernel=KERNEL --initrd=INITRD --run=RUN --timeout=TIMEOUT \
		--smp=SMP --mem=MEM --log=LOG --accel=ACCEL --append+appends \
		--hotplug=HOTPLUG --qmp=QMP --shell!SHELL_MODE -- "$@"
	opts_none
	((${#appends[@]} == 0)) || APPEND="${appends[*]}"
}

check_args() {
	[[ -n "$KERNEL" ]] || usage_error "missing --kernel BZIMAGE"
	[[ -n "$INITRD" ]] || usage_error "missing --initrd CPIO"
	[[ -f "$KERNEL" ]] || usage_error "kernel '$KERNEL' not found"
	[[ -f "$INITRD" ]] || usage_error "initramfs '$INITRD' not found"
	opt_count --timeout "$TIMEOUT"
	opt_count --smp "$SMP"
	opt_count --mem "$MEM"
	[[ "$RUN" != *[[:space:]]* ]] || usage_error "--run path must not contain whitespace"
	[[ "$QMP" != *,* ]] || usage_error "--qmp socket path must not contain a comma (QEMU's option separator)"
	if ((SHELL_MODE)) && [[ -n "$RUN" ]]; then
		usage_error "--run and --shell are exclusive"
	fi
	case "$ACCEL" in
	"" | kvm | tcg) ;;
	*) usage_error "accelerator must be kvm or tcg (got '$ACCEL')" ;;
	esac
}

# qemu_devices - the edu device: on the bus of the machine, or (--hotplug)
# as edu0 behind the hotplug port rp0, with the mode's options.
qemu_devices() {
	local -a extra=()
	if [[ -z "$HOTPLUG" ]]; then
		QEMU+=(-device "$ARCH_EDU")
		return 0
	fi
	read -r -a extra <<<"$(hotplug_args "$HOTPLUG")"
	QEMU+=("${extra[@]}" -device "pcie-root-port,id=rp0,chassis=1,slot=1"
		-device "$ARCH_EDU,id=edu0,bus=rp0")
}

# qemu_base ACCEL - the QEMU command line shared by all boots (no console),
# from the ARCH_* table of the guest's architecture.
qemu_base() {
	QEMU=("$ARCH_QEMU" -nodefaults -no-user-config -display none -no-reboot
		-m "$MEM" -kernel "$KERNEL")
	if [[ -n "$HOTPLUG" ]]; then
		QEMU+=(-M "$ARCH_HOTPLUG_MACHINE")
	elif [[ -n "$ARCH_MACHINE" ]]; then
		QEMU+=(-M "$ARCH_MACHINE")
	fi
	qemu_devices
	if ((ARCH_SMP_SOCKETS)); then
		QEMU+=(-smp "cpus=$SMP,sockets=$SMP")
	else
		QEMU+=(-smp "$SMP")
	fi
	if [[ "$1" == kvm ]]; then
		QEMU+=(-accel kvm -cpu "${ACME_KVM_CPU:-host}")
	else
		QEMU+=(-accel tcg)
		[[ -z "$ARCH_CPU" ]] || QEMU+=(-cpu "$ARCH_CPU")
	fi
}

# kvm_probe - 0 when a KVM boot of KERNEL prints "Linux version" in time.
# Sets PROBE_WHY to the reason on failure.
kvm_probe() {
	local secs="${ACME_KVM_PROBE_SECS:-10}" out pid deadline
	if [[ ! -e /dev/kvm ]]; then
		PROBE_WHY="/dev/kvm does not exist"
		return 1
	fi
	if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
		PROBE_WHY="/dev/kvm is not accessible (add yourself to group kvm)"
		return 1
	fi
	out="$TMP/kvm-probe.log"
	qemu_base kvm
	# disowned: bash would otherwise report "Aborted" when QEMU asserts
	timeout -k 2 "$((secs + 5))" "${QEMU[@]}" -serial "file:$out" \
		-append "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 init=/acme-kvm-probe rdinit=/acme-kvm-probe" \
		</dev/null >"$TMP/kvm-probe.qemu" 2>&1 &
	pid=$!
	disown "$pid"
	PROBE_PID=$pid
	deadline=$(($(date +%s%N) / 1000000 + secs * 1000))
	while (($(date +%s%N) / 1000000 < deadline)); do
		if grep -qa 'Linux version' "$out" 2>/dev/null; then
			stop_probe
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -qa 'Linux version' "$out" 2>/dev/null && return 0
			PROBE_WHY="QEMU exited early with KVM: $(grep -v warning: "$TMP/kvm-probe.qemu" | head -c 200 | tr '\n' ' ')"
			PROBE_PID=""
			return 1
		fi
		sleep 0.1
	done
	stop_probe
	PROBE_WHY="a KVM probe boot printed no 'Linux version' within ${secs} s (nested KVM hang?)"
	return 1
}

# stop_probe - end the probe's `timeout` (it passes SIGTERM on to QEMU).
stop_probe() {
	[[ -n "${PROBE_PID:-}" ]] || return 0
	local i
	kill "$PROBE_PID" 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		kill -0 "$PROBE_PID" 2>/dev/null || break
		sleep 0.1
	done
	PROBE_PID=""
}

choose_accel() {
	if [[ -n "$ACCEL" ]]; then
		log "accelerator: $ACCEL (forced)"
		return 0
	fi
	if ((ARCH_KVM == 0)); then
		ACCEL=tcg
		log "accelerator: tcg (an $ARCH_NAME guest on an $(uname -m) host)"
		return 0
	fi
	local t0 ms memo boot cached why
	# A failed probe is remembered until the host reboots: it costs up to
	# ACME_KVM_PROBE_SECS at every boot otherwise.
	memo="$ACME_CACHE/kvm-probe"
	boot="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)"
	if [[ -f "$memo" ]] && read -r cached why <"$memo" && [[ "$cached" == "$boot" ]]; then
		ACCEL=tcg
		log "accelerator: tcg (KVM unusable: ${why:-?}; found by an earlier probe since the host booted; ACME_ACCEL=kvm forces KVM)"
		return 0
	fi
	t0=$(($(date +%s%N) / 1000000))
	PROBE_WHY=""
	if kvm_probe; then
		ACCEL=kvm
	else
		ACCEL=tcg
		mkdir -p -- "$ACME_CACHE"
		printf '%s %s\n' "$boot" "$PROBE_WHY" >"$memo.tmp.$$" && mv -f -- "$memo.tmp.$$" "$memo"
	fi
	ms=$(($(date +%s%N) / 1000000 - t0))
	if [[ "$ACCEL" == kvm ]]; then
		log "accelerator: kvm (probe ok in ${ms} ms)"
	else
		log "accelerator: tcg (KVM unusable: $PROBE_WHY; probe took ${ms} ms)"
	fi
}

cmdline() {
	local c="console=$ARCH_CONSOLE panic=-1"
	if ((SHELL_MODE)); then
		c+=" acmeguest.shell=1"
	elif [[ -n "$RUN" ]]; then
		c+=" acmeguest.run=$RUN"
	fi
	[[ -z "$ARCH_EDU_APPEND" ]] || c+=" $ARCH_EDU_APPEND"
	[[ -z "$APPEND" ]] || c+=" $APPEND"
	printf '%s\n' "$c"
}

# qemu_qmp - the QMP server of --qmp, added to QEMU (not to the KVM probe's).
qemu_qmp() {
	[[ -n "$QMP" ]] || return 0
	rm -f -- "$QMP"
	QEMU+=(-qmp "unix:$QMP,server=on,wait=off")
}

boot_shell() {
	local chardev="stdio,id=con,mux=on,signal=off"
	[[ -z "$LOG" ]] || chardev+=",logfile=$LOG"
	qemu_base "$ACCEL"
	qemu_qmp
	log "booting $KERNEL (interactive shell; Ctrl-A x kills QEMU)"
	local rc=0
	"${QEMU[@]}" -initrd "$INITRD" -append "$(cmdline)" \
		-chardev "$chardev" -serial chardev:con -mon chardev=con,mode=readline || rc=$?
	[[ -z "$LOG" || ! -f "$LOG" ]] || sed -i 's/\r//g' "$LOG"
	log "QEMU exited with status $rc"
	exit "$rc"
}

# report CAPTURE QEMU_RC T0 - exit with the status the guest reported (any
# but 0 is a check failure) or a diagnosis.
report() {
	local capture="$1" qrc="$2" t0="$3" rc
	rc="$(sed -n 's/.*ACME-GUEST-EXIT: \([0-9]\{1,3\}\).*/\1/p' "$capture" | tail -n1)"
	if [[ -n "$rc" ]]; then
		log "guest exited with status $rc after $(elapsed_since "$t0") s"
		((rc == 0)) || exit "$ACME_EXIT_CHECK"
		exit "$ACME_EXIT_PASS"
	fi
	# timeout(1)'s status, or SIGKILL's after its -k
	if ((qrc == 124 || qrc == 137)); then
		log "error: timed out after $TIMEOUT s without an ACME-GUEST-EXIT report (raise --timeout?)"
		exit "$ACME_EXIT_TIMEOUT"
	fi
	if grep -qa 'Kernel panic' "$capture"; then
		log "error: kernel panic, no ACME-GUEST-EXIT report (see the console output above)"
	else
		log "error: QEMU exited (status $qrc) after $(elapsed_since "$t0") s without an ACME-GUEST-EXIT report"
	fi
	exit "$ACME_EXIT_NOREPORT"
}

boot_run() {
	local capture="${LOG:-$TMP/console.log}" t0 st
	qemu_base "$ACCEL"
	qemu_qmp
	: >"$capture"
	t0="$(now)"
	log "booting $KERNEL (${RUN:-no script}${HOTPLUG:+; hotplug: $HOTPLUG}${QMP:+; QMP: $QMP}; timeout $TIMEOUT s)"
	# subshell: bash's own "Aborted"-style job notes go to a scratch file
	(
		set +e
		timeout --foreground -k 5 "$TIMEOUT" "${QEMU[@]}" -initrd "$INITRD" \
			-append "$(cmdline)" -serial stdio </dev/null 2>&1 |
			sed -u 's/\r//g' | tee "$capture"
		echo "${PIPESTATUS[0]}" >"$TMP/qemu.rc"
	) 2>"$TMP/shell.err"
	st="$(cat "$TMP/qemu.rc" 2>/dev/null || echo "$ACME_EXIT_NOREPORT")"
	report "$capture" "$st" "$t0"
}

main() {
	parse_args "$@"
	check_args
	arch_load "$(image_arch "$KERNEL")"
	[[ -z "$HOTPLUG" ]] || hotplug_args "$HOTPLUG" >/dev/null
	# from here on, a failure means the guest never ran to report
	ACME_DIE_STATUS="$ACME_EXIT_NOREPORT"
	need "$ARCH_QEMU:$ARCH_QEMU_PKG" timeout:coreutils
	if [[ -n "$LOG" ]]; then
		mkdir -p -- "$(dirname "$LOG")"
		LOG="$(cd "$(dirname "$LOG")" && pwd -P)/$(basename "$LOG")"
	fi
	acme_tmpdir TMP
	trap 'stop_probe; _acme_cleanup' EXIT
	choose_accel
	if ((SHELL_MODE)); then
		boot_shell
	else
		boot_run
	fi
}

main "$@"
