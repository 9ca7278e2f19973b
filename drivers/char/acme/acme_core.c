// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_core.c - shared library of the acme drivers
 *
 * acme_core owns the "acme" character device region (see /proc/devices) and
 * the "acme" device class (/sys/class/acme). A client driver reserves a range
 * of minors and embeds a struct device and a struct cdev in each of its
 * devices; acme_device_add() adds both with cdev_device_add(), which makes
 * devtmpfs create the /dev node:
 *
 *	acme_reserve_minors(count, &first);
 *	acme_device_init(&priv->dev, first + i, groups, release);
 *	cdev_init(&priv->cdev, &fops);
 *	priv->cdev.owner = THIS_MODULE;
 *	acme_device_add(&priv->cdev, &priv->dev);
 *
 * It also holds the bounded read and write of the acme memory devices, on
 * iov_iters, so that their edge cases (negative positions, the end of the
 * buffer) are written and tested once. Seeks use the kernel's
 * generic_file_llseek_size().
 *
 * Every function is exported in the ACME symbol namespace.
 *
 * Locking: the minor bitmap is protected by acme_minors_lock, which is held
 * for a bitmap operation only, never across a sleep or a user copy. The
 * read and write helpers take no lock; the caller serializes access to its
 * buffer.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "acme_core.h"

static unsigned int major;
module_param(major, uint, 0444);
MODULE_PARM_DESC(major, "Major number to use (default 0: allocate one)");

/* Set once the region and the class are registered, never cleared. */
static bool acme_core_ready;
static dev_t acme_devt;
static DEFINE_MUTEX(acme_minors_lock);
static DECLARE_BITMAP(acme_minors, ACME_MINORS);

/* Not const: class_register() takes a non-const class on Linux 6.1. */
static struct class acme_class = {
	.name = "acme",
};

/**
 * acme_reserve_minors() - reserve a contiguous range of acme minors
 * @count: number of minors wanted
 * @first: where to store the device number of the first minor
 *
 * The caller owns the range until it passes it to acme_release_minors().
 *
 * Context: Process context. Takes and releases acme_minors_lock.
 * Return: 0 on success, -ENODEV if acme_core failed to initialize (possible
 * when built in), -EINVAL if @count is 0 or larger than ACME_MINORS, -ENOSPC
 * if no free range of @count minors is left.
 */
int acme_reserve_minors(unsigned int count, dev_t *first)
{
	unsigned long start;

	if (!acme_core_ready)
		return -ENODEV;
	if (!count || count > ACME_MINORS)
		return -EINVAL;

	mutex_lock(&acme_minors_lock);
	start = bitmap_find_next_zero_area(acme_minors, ACME_MINORS, 0, count, 0);
	if (start < ACME_MINORS)
		bitmap_set(acme_minors, start, count);
	mutex_unlock(&acme_minors_lock);

	if (start >= ACME_MINORS)
		return -ENOSPC;

	*first = acme_devt + start;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(acme_reserve_minors, ACME);

/**
 * acme_release_minors() - give back a range from acme_reserve_minors()
 * @first: device number of the first minor of the range
 * @count: number of minors in the range
 *
 * Context: Process context. Takes and releases acme_minors_lock.
 */
void acme_release_minors(dev_t first, unsigned int count)
{
	unsigned int start = first - acme_devt;

	if (WARN_ON(first < acme_devt || count > ACME_MINORS ||
		    start > ACME_MINORS - count))
		return;

	mutex_lock(&acme_minors_lock);
	bitmap_clear(acme_minors, start, count);
	mutex_unlock(&acme_minors_lock);
}
EXPORT_SYMBOL_NS_GPL(acme_release_minors, ACME);

static bool acme_devt_valid(dev_t devt)
{
	return acme_core_ready && devt >= acme_devt &&
	       devt - acme_devt < ACME_MINORS;
}

/**
 * acme_device_init() - initialize a device embedded in a driver's structure
 * @dev: the device to initialize
 * @devt: device number, from a range reserved with acme_reserve_minors()
 * @groups: NULL-terminated list of sysfs attribute groups, or NULL
 * @release: frees the structure that embeds @dev; called when the last
 *	reference to @dev is dropped
 *
 * After this call the device is reference counted: give it up with
 * put_device(), never with kfree(). The caller names it with dev_set_name()
 * and adds it with acme_device_add().
 *
 * Context: Process context.
 */
void acme_device_init(struct device *dev, dev_t devt,
		      const struct attribute_group **groups,
		      void (*release)(struct device *dev))
{
	device_initialize(dev);
	dev->class = &acme_class;
	dev->devt = devt;
	dev->groups = groups;
	dev->release = release;
}
EXPORT_SYMBOL_NS_GPL(acme_device_init, ACME);

/**
 * acme_device_add() - add a char device and its acme class device
 * @cdev: the char device, set up with cdev_init() and its owner set
 * @dev: device set up with acme_device_init() and named
 *
 * Adds @cdev for @dev's device number and then @dev, with
 * cdev_device_add(): /sys/class/acme/<name> with its attribute groups, and
 * the KOBJ_ADD uevent that makes devtmpfs create /dev/<name>. The cdev is
 * live before the node appears, and an open file holds @dev, so the
 * structure that embeds both outlives its last user.
 *
 * Context: Process context. May sleep.
 * Return: 0 on success, -EINVAL if the device number does not belong to
 * acme_core, or the error of cdev_device_add().
 */
int acme_device_add(struct cdev *cdev, struct device *dev)
{
	if (!acme_devt_valid(dev->devt))
		return -EINVAL;

	return cdev_device_add(cdev, dev);
}
EXPORT_SYMBOL_NS_GPL(acme_device_add, ACME);

/**
 * acme_device_del() - remove a device added by acme_device_add()
 * @cdev: the char device
 * @dev: the device
 *
 * Removes the sysfs directory and the /dev node, then the cdev, with
 * cdev_device_del(): no new open reaches the driver afterwards, while files
 * already open keep working. The caller still holds the reference from
 * acme_device_init() and drops it with put_device().
 *
 * Context: Process context. May sleep.
 */
void acme_device_del(struct cdev *cdev, struct device *dev)
{
	cdev_device_del(cdev, dev);
}
EXPORT_SYMBOL_NS_GPL(acme_device_del, ACME);

/**
 * acme_read_buffer_iter() - copy from a fixed-size buffer into an iov_iter
 * @from: kernel buffer
 * @size: size of @from in bytes
 * @ppos: file position; advanced by the bytes copied
 * @to: destination: user memory of read(2) and readv(2), or the pages of
 *	splice(2) and sendfile(2)
 *
 * The ->read_iter() of a memory device: like simple_read_from_buffer(),
 * for any kind of iov_iter. A read at or past the end returns 0.
 *
 * Context: Process context; may fault in user pages, so no spinlocks held.
 * Return: bytes copied, 0 at or past the end of the buffer or when @to is
 * empty, -EINVAL for a negative position, -EFAULT if nothing could be
 * copied.
 */
ssize_t acme_read_buffer_iter(const void *from, size_t size, loff_t *ppos,
			      struct iov_iter *to)
{
	ssize_t n = acme_span(*ppos, iov_iter_count(to), size);
	size_t copied;

	if (n <= 0)
		return n;

	copied = copy_to_iter(from + *ppos, n, to);
	if (!copied)
		return -EFAULT;
	*ppos += copied;
	return copied;
}
EXPORT_SYMBOL_NS_GPL(acme_read_buffer_iter, ACME);

/**
 * acme_write_buffer_iter() - copy from an iov_iter into a fixed-size buffer
 * @to: kernel buffer
 * @size: size of @to in bytes
 * @ppos: file position; advanced by the bytes copied
 * @from: source: user memory of write(2) and writev(2), or the pages of
 *	splice(2)
 *
 * The ->write_iter() of a memory device. Unlike simple_write_to_buffer(), a
 * write at or past the end of the buffer fails with -ENOSPC, as on a full
 * device, instead of returning 0, which user space would retry forever. A
 * write that crosses the end copies what fits; the caller's next write then
 * fails with -ENOSPC.
 *
 * Context: Process context; may fault in user pages, so no spinlocks held.
 * Return: bytes copied, 0 when @from is empty, -ENOSPC at or past the end
 * of the buffer, -EINVAL for a negative position, -EFAULT if nothing could
 * be copied.
 */
ssize_t acme_write_buffer_iter(void *to, size_t size, loff_t *ppos,
			       struct iov_iter *from)
{
	size_t count = iov_iter_count(from), copied;
	ssize_t n = acme_span(*ppos, count, size);

	if (n < 0)
		return n;
	if (!n)
		return count ? -ENOSPC : 0;

	copied = copy_from_iter(to + *ppos, n, from);
	if (!copied)
		return -EFAULT;
	*ppos += copied;
	return copied;
}
EXPORT_SYMBOL_NS_GPL(acme_write_buffer_iter, ACME);

/*
 * Built in, a failure here does not stop the drivers' initcalls: they find
 * acme_core_ready false and fail with -ENODEV.
 */
static int __init acme_core_init(void)
{
	dev_t devt;
	int ret;

	if (major >= CHRDEV_MAJOR_MAX) {
		pr_err("major=%u is out of range [0, %u]\n", major,
		       CHRDEV_MAJOR_MAX - 1);
		return -EINVAL;
	}

	if (major) {
		devt = MKDEV(major, 0);
		ret = register_chrdev_region(devt, ACME_MINORS, "acme");
	} else {
		ret = alloc_chrdev_region(&devt, 0, ACME_MINORS, "acme");
	}
	if (ret) {
		pr_err("cannot get a char device region (major=%u): %d\n",
		       major, ret);
		return ret;
	}

	ret = class_register(&acme_class);
	if (ret) {
		pr_err("cannot register class acme: %d\n", ret);
		goto unregister_region;
	}

	acme_devt = devt;
	acme_core_ready = true;
	return 0;

unregister_region:
	unregister_chrdev_region(devt, ACME_MINORS);
	return ret;
}

static void __exit acme_core_exit(void)
{
	class_unregister(&acme_class);
	unregister_chrdev_region(acme_devt, ACME_MINORS);
}

/* Built in, the class and region exist before any acme driver initializes. */
subsys_initcall(acme_core_init);
module_exit(acme_core_exit);

MODULE_DESCRIPTION("acme core: char device region, class and copy helper");
MODULE_AUTHOR("The acme developers <acme-devel@example.org>");
MODULE_LICENSE("GPL");
