/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acme_core.h - interface between acme_core and the acme drivers
 *
 * See acme_core.c for the kernel-doc of each function.
 */
#ifndef _ACME_CORE_H
#define _ACME_CORE_H

#include <linux/types.h>

struct attribute_group;
struct device;

/* Number of minors in the char device region that acme_core owns. */
#define ACME_MINORS	256

int acme_reserve_minors(unsigned int count, dev_t *first);
void acme_release_minors(dev_t first, unsigned int count);

void acme_device_init(struct device *dev, dev_t devt,
		      const struct attribute_group **groups,
		      void (*release)(struct device *dev));
int acme_device_register(struct device *dev);
void acme_device_unregister(struct device *dev);

ssize_t acme_span(loff_t pos, size_t count, size_t size);
ssize_t acme_write_to_buffer(void *to, size_t size, loff_t *ppos,
			     const void __user *from, size_t count);
loff_t acme_seek_pos(loff_t pos, loff_t offset, int whence, loff_t size);

#endif /* _ACME_CORE_H */
