/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acme_core.h - interface between acme_core and the acme drivers
 *
 * The functions are exported in the ACME symbol namespace: a module that
 * calls them says MODULE_IMPORT_NS(ACME). See acme_core.c for their
 * kernel-doc.
 */
#ifndef _ACME_CORE_H
#define _ACME_CORE_H

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/types.h>

struct attribute_group;
struct cdev;
struct device;
struct iov_iter;

/* Number of minors in the char device region that acme_core owns. */
#define ACME_MINORS	256

int acme_reserve_minors(unsigned int count, dev_t *first);
void acme_release_minors(dev_t first, unsigned int count);

void acme_device_init(struct device *dev, dev_t devt,
		      const struct attribute_group **groups,
		      void (*release)(struct device *dev));
int acme_device_add(struct cdev *cdev, struct device *dev);
void acme_device_del(struct cdev *cdev, struct device *dev);

ssize_t acme_read_buffer_iter(const void *from, size_t size, loff_t *ppos,
			      struct iov_iter *to);
ssize_t acme_write_buffer_iter(void *to, size_t size, loff_t *ppos,
			       struct iov_iter *from);

/**
 * acme_span() - bytes a transfer may move inside a buffer
 * @pos: file position where the transfer starts
 * @count: bytes asked for
 * @size: size of the buffer in bytes, at most SSIZE_MAX
 *
 * Context: Any context.
 * Return: -EINVAL if @pos is negative, 0 if @count is 0 or @pos is at or past
 * the end of the buffer, else the smaller of @count and @size - @pos.
 */
static inline ssize_t acme_span(loff_t pos, size_t count, size_t size)
{
	if (pos < 0)
		return -EINVAL;
	if ((u64)pos >= size)
		return 0;

	return min_t(size_t, count, size - (size_t)pos);
}

#endif /* _ACME_CORE_H */
