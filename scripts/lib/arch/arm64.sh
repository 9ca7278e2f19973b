# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/arch/arm64.sh - the facts of an arm64 guest (see arch_load in
# scripts/lib/common.sh). Cross-built with Debian's aarch64 toolchain,
# booted on QEMU's virt board (PL011 UART, GICv2, PSCI), always TCG.

ARCH_MAKE=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
ARCH_CROSS=aarch64-linux-gnu-
ARCH_CC_PKG=gcc-aarch64-linux-gnu
ARCH_LIBC_PKG=libc6-dev-arm64-cross
ARCH_DEB=arm64
ARCH_CONFIG=arm64.config
ARCH_IMAGE=arch/arm64/boot/Image
ARCH_QEMU=qemu-system-aarch64
ARCH_QEMU_PKG=qemu-system-arm
ARCH_MACHINE=virt
ARCH_CPU=cortex-a57
ARCH_SMP_SOCKETS=0
ARCH_CONSOLE=ttyAMA0
ARCH_KVM=0
ARCH_COMPAT32=0
# virt's RAM starts at 1 GiB: the edu spec's 28-bit DMA mask cannot be met,
# so the device decodes 32 bits and acme_edu is told so.
ARCH_EDU=edu,dma_mask=0xffffffff
ARCH_EDU_APPEND=acme_edu.dma_bits=32
# No hotplug boot: arm64.config has no PCIe port driver (pciehp).
ARCH_HOTPLUG_MACHINE=""
ARCH_HOTPLUG_MODES=()
