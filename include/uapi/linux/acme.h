/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * acme.h - user-space interface of the acme reference character driver
 *
 * Every ioctl argument is a pointer to a fixed-width type, so the layout is
 * the same for 32-bit and 64-bit user space and no compat translation is
 * needed.
 *
 * The structures have room to grow: their flags and reserved fields must
 * be zero today, and the driver fails the call with EINVAL otherwise. A
 * later version gives them a meaning, out of the reserved space, so that
 * the size of each structure, and with it the ioctl number, stays the
 * same; a program that sets one learns from EINVAL that the running
 * kernel is older.
 */
#ifndef _UAPI_LINUX_ACME_H
#define _UAPI_LINUX_ACME_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct acme_stats - per-device counters, read with ACME_IOC_GET_STATS
 * @flags: in: must be 0
 * @bytes_read: out: bytes copied to user space since the device was created
 * @bytes_written: out: bytes copied from user space since then
 * @reads: out: read calls into the driver that moved at least one byte:
 *	one per read(2), readv(2) or io_uring read, but splice(2) and
 *	sendfile(2) may make several, so it does not count system calls
 * @writes: out: write calls into the driver that moved at least one byte,
 *	counted as @reads
 * @reserved: in: must be 0; out: 0
 */
struct acme_stats {
	__u64 flags;
	__u64 bytes_read;
	__u64 bytes_written;
	__u64 reads;
	__u64 writes;
	__u64 reserved[3];
};

/**
 * struct acme_clear - argument of ACME_IOC_CLEAR
 * @flags: must be 0
 * @reserved: must be 0
 */
struct acme_clear {
	__u32 flags;
	__u32 reserved;
};

#define ACME_IOC_MAGIC		0x9A

/* Get the buffer (memory device) or FIFO capacity in bytes. */
#define ACME_IOC_GET_SIZE	_IOR(ACME_IOC_MAGIC, 0x00, __u64)
/* Resize the buffer or FIFO; needs CAP_SYS_ADMIN. */
#define ACME_IOC_SET_SIZE	_IOW(ACME_IOC_MAGIC, 0x01, __u64)
/* Zero the buffer (memory device) or drop queued data (FIFO). */
#define ACME_IOC_CLEAR		_IOW(ACME_IOC_MAGIC, 0x02, struct acme_clear)
/* Fill in the device's struct acme_stats. */
#define ACME_IOC_GET_STATS	_IOWR(ACME_IOC_MAGIC, 0x03, struct acme_stats)

/*
 * acme_edu, QEMU's edu PCI device: in, n; out, n! as the device computes
 * it, in 32 bits (13! and above wrap).
 */
#define ACME_EDU_IOC_FACTORIAL	_IOWR(ACME_IOC_MAGIC, 0x10, __u32)

#endif /* _UAPI_LINUX_ACME_H */
