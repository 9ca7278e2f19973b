#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/boot.sh's checks of its options, before it starts QEMU (the
# hotplug modes come from the architecture's table), and its exit statuses
# with a stand-in for QEMU.

load helpers

setup() {
	common_setup
	# stand-ins: an x86_64 "image" (no arm64 magic) and an initramfs
	head -c 64 /dev/zero >bzImage
	: >initrd.cpio
	# an arm64 Image: "ARMd" at offset 56
	{ head -c 56 /dev/zero; printf ARMd; } >Image
}

@test "boot.sh --hotplug: an unknown mode dies (usage) and names the table's modes" {
	run "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio --hotplug nosuch
	[ "$status" -eq 2 ]
	same "$output" "acme: error: --hotplug: unknown mode 'nosuch' for an x86_64 guest: use one of acpi, pciehp"
}

@test "boot.sh --hotplug: an arm64 guest has no hotplug boot" {
	run "$ACME_LIB/boot.sh" --kernel Image --initrd initrd.cpio --hotplug acpi
	[ "$status" -eq 2 ]
	[[ "$output" == "acme: error: --hotplug: an arm64 guest has no hotplug boot"* ]]
}

@test "boot.sh --qmp: a socket path with a comma dies" {
	run "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio --qmp a,b
	[ "$status" -eq 2 ]
	same "$output" "acme: error: --qmp socket path must not contain a comma (QEMU's option separator)"
}

@test "boot.sh: a bad option or value is a usage error (2)" {
	run "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio --timeout 0
	[ "$status" -eq 2 ]
	same "$output" "acme: error: --timeout must be a positive integer (got '0')"
	run "$ACME_LIB/boot.sh" --kernel nosuch --initrd initrd.cpio
	[ "$status" -eq 2 ]
	run "$ACME_LIB/boot.sh" --bogus
	[ "$status" -eq 2 ]
}

# boot STUB [SECS] - boot.sh with the stand-in QEMU doing STUB.
boot() {
	STUB="$1" "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio \
		--run /acme/run.sh --timeout "${2:-20}"
}

@test "boot.sh: the guest's status 0 passes, any other is a check failure (1)" {
	stub_qemu
	run boot exit:0
	[ "$status" -eq 0 ]
	[[ "$output" == *"acme: guest exited with status 0 after "* ]]
	run boot exit:3
	[ "$status" -eq 1 ]
	[[ "$output" == *"acme: guest exited with status 3 after "* ]]
}

@test "boot.sh: a panic, or QEMU without a report, is no report (125)" {
	stub_qemu
	run boot panic
	[ "$status" -eq 125 ]
	has_line "acme: error: kernel panic, no ACME-GUEST-EXIT report (see the console output above)"
	run boot ""
	[ "$status" -eq 125 ]
}

@test "boot.sh: a guest that runs past --timeout is a timeout (124)" {
	stub_qemu
	run boot hang 1
	[ "$status" -eq 124 ]
	has_line "acme: error: timed out after 1 s without an ACME-GUEST-EXIT report (raise --timeout?)"
}
