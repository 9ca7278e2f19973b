# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/arch/x86_64.sh - the facts of an x86_64 guest (see arch_load
# in scripts/lib/common.sh). Native build; KVM when it works, else TCG.

ARCH_MAKE=()                          # kernel make variables
ARCH_CROSS=""                         # CROSS_COMPILE prefix of user space
ARCH_CC_PKG=gcc                       # Debian package of that compiler
ARCH_LIBC_PKG=libc6-dev               # its static libc
ARCH_DEB=amd64                        # Debian architecture (busybox-static)
ARCH_CONFIG=x86_64.config             # fragment in scripts/configs/
ARCH_IMAGE=arch/x86/boot/bzImage      # bootable image in the build dir
ARCH_QEMU=qemu-system-x86_64
ARCH_QEMU_PKG=qemu-system-x86
ARCH_MACHINE=""                       # QEMU's default pc
ARCH_CPU=""                           # QEMU's default (KVM: ACME_KVM_CPU)
# One socket per CPU: SeaBIOS' MP table, which a kernel without ACPI reads,
# lists only the first CPU of each socket.
ARCH_SMP_SOCKETS=1
ARCH_CONSOLE=ttyS0
ARCH_KVM=1                            # KVM is probed (same host arch)
ARCH_COMPAT32=1                       # the kselftest also as an i386 program
# QEMU's edu device (hw/misc/edu.c, PCI 1234:11e8) for acme_edu, on every
# boot, and what acme_edu needs on the kernel command line for it: the
# spec's 28-bit DMA mask fits the pc machine's RAM (ZONE_DMA).
ARCH_EDU=edu
ARCH_EDU_APPEND=""
# Hotplug boots (boot.sh --hotplug MODE): the machine, then "MODE|QEMU
# ARGS" for each mode; the edu device sits behind a pcie-root-port there.
ARCH_HOTPLUG_MACHINE=q35
ARCH_HOTPLUG_MODES=(
	"acpi|"                               # QEMU 7.2's default: acpiphp in the guest
	"pciehp|-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"
)
