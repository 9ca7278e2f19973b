#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/boot.sh's checks of its options, before it starts QEMU: the
# hotplug modes come from the architecture's table.

load helpers

setup() {
	common_setup
	# stand-ins: an x86_64 "image" (no arm64 magic) and an initramfs
	head -c 64 /dev/zero >bzImage
	: >initrd.cpio
	# an arm64 Image: "ARMd" at offset 56
	{ head -c 56 /dev/zero; printf ARMd; } >Image
}

@test "boot.sh --hotplug: an unknown mode dies and names the table's modes" {
	run "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio --hotplug nosuch
	[ "$status" -eq 1 ]
	same "$output" "acme: error: --hotplug: unknown mode 'nosuch' for an x86_64 guest: use one of acpi, pciehp"
}

@test "boot.sh --hotplug: an arm64 guest has no hotplug boot" {
	run "$ACME_LIB/boot.sh" --kernel Image --initrd initrd.cpio --hotplug acpi
	[ "$status" -eq 1 ]
	[[ "$output" == "acme: error: --hotplug: an arm64 guest has no hotplug boot"* ]]
}

@test "boot.sh --qmp: a socket path with a comma dies" {
	run "$ACME_LIB/boot.sh" --kernel bzImage --initrd initrd.cpio --qmp a,b
	[ "$status" -eq 1 ]
	same "$output" "acme: error: --qmp socket path must not contain a comma (QEMU's option separator)"
}
