/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * acme.h - user-space interface of the acme reference character driver
 *
 * Every ioctl argument is a pointer to a fixed-width type, so the layout is
 * the same for 32-bit and 64-bit user space and no compat translation is
 * needed.
 */
#ifndef _UAPI_LINUX_ACME_H
#define _UAPI_LINUX_ACME_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct acme_stats - per-device counters returned by ACME_IOC_GET_STATS
 * @bytes_read: bytes copied to user space since the device was created
 * @bytes_written: bytes copied from user space since the device was created
 * @reads: read() calls that moved at least one byte
 * @writes: write() calls that moved at least one byte
 */
struct acme_stats {
	__u64 bytes_read;
	__u64 bytes_written;
	__u64 reads;
	__u64 writes;
};

#define ACME_IOC_MAGIC		0x9A

/* Get the buffer (memory device) or FIFO capacity in bytes. */
#define ACME_IOC_GET_SIZE	_IOR(ACME_IOC_MAGIC, 0x00, __u64)
/* Resize the buffer or FIFO; needs CAP_SYS_ADMIN. */
#define ACME_IOC_SET_SIZE	_IOW(ACME_IOC_MAGIC, 0x01, __u64)
/* Zero the buffer (memory device) or drop queued data (FIFO). */
#define ACME_IOC_CLEAR		_IO(ACME_IOC_MAGIC, 0x02)
/* Copy the device's struct acme_stats to user space. */
#define ACME_IOC_GET_STATS	_IOR(ACME_IOC_MAGIC, 0x03, struct acme_stats)

#endif /* _UAPI_LINUX_ACME_H */
