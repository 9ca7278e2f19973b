// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme.c - reference character driver: memory and FIFO devices
 *
 * acme creates two kinds of character device on top of acme_core:
 *
 * - memory devices, /dev/acme0 .. /dev/acme<nr_devs - 1>: a buffer of size=
 *   bytes that keeps its contents across opens. read(2) and write(2) move
 *   bytes at the file position and stop at the end of the buffer: reading
 *   there returns 0, writing fails with ENOSPC. lseek(2) works as on a
 *   regular file without holes (SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA,
 *   SEEK_HOLE).
 *
 * - FIFO devices, /dev/acme_fifo0 .. /dev/acme_fifo<nr_fifos - 1>: a byte
 *   queue of fifo_size= bytes. read(2) blocks while it is empty, write(2)
 *   while it is full; O_NONBLOCK makes both fail with EAGAIN instead, and
 *   poll(2) reports when they would not block, for the directions the file
 *   was opened for.
 *
 * Both kinds take the ioctls of <linux/acme.h> and show their size and byte
 * counters in /sys/class/acme/<name>/. From user space (no error handling):
 *
 *	fd = open("/dev/acme0", O_RDWR);
 *	write(fd, "hello", 5);
 *	lseek(fd, 0, SEEK_SET);
 *	read(fd, buf, 5);
 *	ioctl(fd, ACME_IOC_GET_SIZE, &size);
 *
 * Every device has its own lock and buffer; nothing on the data path is
 * shared between devices.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kfifo.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <linux/acme.h>

#include "acme_core.h"

#define ACME_MAX_DEVS		64
#define ACME_MAX_SIZE		SZ_16M
#define ACME_FIFO_MIN		2
#define ACME_FIFO_MAX		SZ_1M

static unsigned int nr_devs = 4;
module_param(nr_devs, uint, 0444);
MODULE_PARM_DESC(nr_devs, "Number of memory devices (1-64, default 4)");

static unsigned int nr_fifos = 2;
module_param(nr_fifos, uint, 0444);
MODULE_PARM_DESC(nr_fifos, "Number of FIFO devices (0-64, default 2)");

static unsigned long mem_size = 65536;
module_param_named(size, mem_size, ulong, 0444);
MODULE_PARM_DESC(size, "Buffer size of each memory device in bytes (1-16 MiB, default 64 KiB)");

static unsigned int fifo_size = 65536;
module_param(fifo_size, uint, 0444);
MODULE_PARM_DESC(fifo_size, "Capacity of each FIFO in bytes, rounded up to a power of two (2-1 MiB, default 64 KiB)");

enum acme_kind {
	ACME_MEM,
	ACME_FIFO,
};

/**
 * struct acme_dev - one memory or FIFO device
 * @dev: class device, /sys/class/acme/<name>; its reference count decides
 *	when the structure is freed
 * @cdev: character device of this minor; an open file holds it, and through
 *	cdev_set_parent() it holds @dev
 * @kind: memory or FIFO device
 * @lock: serializes the data, its size and @stats
 * @buf: buffer of a memory device
 * @size: size of @buf in bytes
 * @fifo: queue of a FIFO device
 * @readq: readers waiting for data in @fifo
 * @writeq: writers waiting for room in @fifo
 * @stats: counters reported by ACME_IOC_GET_STATS and sysfs; only the
 *	counters are used, flags and reserved stay 0
 */
struct acme_dev {
	struct device dev;
	struct cdev cdev;
	enum acme_kind kind;
	struct mutex lock;	/* serializes data, size and stats */
	u8 *buf;
	size_t size;
	struct kfifo fifo;
	wait_queue_head_t readq;
	wait_queue_head_t writeq;
	struct acme_stats stats;
};

static struct acme_dev **acme_devs;
static unsigned int acme_nr;
static dev_t acme_first;

static inline struct acme_dev *to_acme_dev(struct device *dev)
{
	return container_of(dev, struct acme_dev, dev);
}

/* Count a read(2) that moved @n bytes; called with adev->lock held. */
static void acme_count_read(struct acme_dev *adev, ssize_t n)
{
	if (n > 0) {
		adev->stats.bytes_read += n;
		adev->stats.reads++;
	}
}

/* Count a write(2) that moved @n bytes; called with adev->lock held. */
static void acme_count_write(struct acme_dev *adev, ssize_t n)
{
	if (n > 0) {
		adev->stats.bytes_written += n;
		adev->stats.writes++;
	}
}

/*
 * Wake the waiters of @wq, if there are any: most reads and writes of a busy
 * FIFO find nobody waiting, and wq_has_sleeper() saves them the wait queue
 * lock. Its full barrier orders the FIFO update before the check for
 * waiters. It pairs with the barrier a waiter has between queueing itself
 * and reading the FIFO state: set_current_state() in
 * prepare_to_wait_event() for read(2) and write(2), the smp_mb() in
 * acme_fifo_poll() for poll(2), select(2) and epoll. So either the waiter
 * sees the new state, or this sees the waiter.
 */
static void acme_wake(wait_queue_head_t *wq, __poll_t events)
{
	if (wq_has_sleeper(wq))
		wake_up_interruptible_poll(wq, events);
}

/*
 * Lockless peeks at the FIFO, for the wait conditions and poll: the state
 * may change under them (a reader, a writer, a resize), so the fields are
 * read once each, as pipe_poll() reads the pipe's head and tail. A stale
 * answer is checked again under the lock, or followed by a wake-up.
 */
static bool acme_fifo_peek_empty(struct acme_dev *adev)
{
	return READ_ONCE(adev->fifo.kfifo.in) == READ_ONCE(adev->fifo.kfifo.out);
}

static bool acme_fifo_peek_full(struct acme_dev *adev)
{
	unsigned int len = READ_ONCE(adev->fifo.kfifo.in) -
			   READ_ONCE(adev->fifo.kfifo.out);

	return len > READ_ONCE(adev->fifo.kfifo.mask);
}

/* Capacity in bytes: buffer size or FIFO size. Called with adev->lock held. */
static size_t acme_capacity(struct acme_dev *adev)
{
	return adev->kind == ACME_MEM ? adev->size : kfifo_size(&adev->fifo);
}

/* open: remember the device; the position starts at 0. */
static int acme_mem_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct acme_dev, cdev);
	return 0;
}

/* read: copy from the buffer at the file position, 0 at the end. */
static ssize_t acme_mem_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct acme_dev *adev = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	ret = simple_read_from_buffer(buf, count, ppos, adev->buf, adev->size);
	acme_count_read(adev, ret);
	mutex_unlock(&adev->lock);
	return ret;
}

/* write: copy into the buffer at the file position, -ENOSPC at the end. */
static ssize_t acme_mem_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct acme_dev *adev = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	ret = acme_write_to_buffer(adev->buf, adev->size, ppos, buf, count);
	acme_count_write(adev, ret);
	mutex_unlock(&adev->lock);
	return ret;
}

/*
 * llseek: as for a regular file of the buffer's size, positions past the
 * end included, up to OFFSET_MAX on every architecture (reads there return
 * 0, writes fail with ENOSPC). The whole buffer is data: SEEK_DATA returns
 * the offset, SEEK_HOLE the size. A resize may race with SEEK_END; either
 * size is a valid answer.
 */
static loff_t acme_mem_llseek(struct file *file, loff_t offset, int whence)
{
	struct acme_dev *adev = file->private_data;

	return generic_file_llseek_size(file, offset, whence, OFFSET_MAX,
					READ_ONCE(adev->size));
}

/* open: a FIFO has no position, so lseek and pread/pwrite fail (ESPIPE). */
static int acme_fifo_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct acme_dev, cdev);
	return stream_open(inode, file);
}

/*
 * read: wait for data unless O_NONBLOCK, then take what is queued, up to
 * @count. Like a pipe, it does not wait for @count bytes to arrive.
 */
static ssize_t acme_fifo_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct acme_dev *adev = file->private_data;
	unsigned int copied;
	int ret;

	if (!count)
		return 0;

	for (;;) {
		if (mutex_lock_interruptible(&adev->lock))
			return -ERESTARTSYS;
		if (!kfifo_is_empty(&adev->fifo))
			break;
		mutex_unlock(&adev->lock);

		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(adev->readq,
					     !acme_fifo_peek_empty(adev)))
			return -ERESTARTSYS;
	}

	ret = kfifo_to_user(&adev->fifo, buf, count, &copied);
	acme_count_read(adev, copied);
	mutex_unlock(&adev->lock);

	if (copied)
		acme_wake(&adev->writeq, EPOLLOUT | EPOLLWRNORM);

	if (copied)
		return copied;
	return ret;
}

/*
 * write: queue as much as fits and, unless O_NONBLOCK, wait for room for the
 * rest. A signal or a fault part way returns the bytes already queued.
 */
static ssize_t acme_fifo_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct acme_dev *adev = file->private_data;
	size_t done = 0;
	int ret = 0;

	while (done < count) {
		unsigned int copied;

		if (mutex_lock_interruptible(&adev->lock)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (kfifo_is_full(&adev->fifo)) {
			mutex_unlock(&adev->lock);
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			ret = wait_event_interruptible(adev->writeq,
						       !acme_fifo_peek_full(adev));
			if (ret)
				break;
			continue;
		}

		ret = kfifo_from_user(&adev->fifo, buf + done, count - done,
				      &copied);
		/* One write(2) counts once, however many rounds it takes. */
		adev->stats.bytes_written += copied;
		if (copied && !done)
			adev->stats.writes++;
		mutex_unlock(&adev->lock);

		if (copied)
			acme_wake(&adev->readq, EPOLLIN | EPOLLRDNORM);
		done += copied;
		if (ret)
			break;
	}

	if (done)
		return done;
	return ret;
}

/*
 * poll: readable while data is queued, writable while there is room, each
 * only if the file was opened for it. It peeks without the lock, as
 * pipe_poll() does: a reader or writer holding the lock while it faults in
 * user memory must not stall poll(2).
 *
 * poll_wait() only adds the poll table entry to the wait queue, under the
 * wait queue's lock, which does not order that store before the loads of
 * the FIFO state that follow. The smp_mb() does, as in sock_poll_wait(), and
 * pairs with the one in wq_has_sleeper() in acme_wake(): otherwise a reader
 * could make room, find no waiter on writeq and skip the wake-up, while
 * this still sees a full FIFO, and the poller would sleep with room free.
 */
static __poll_t acme_fifo_poll(struct file *file, poll_table *wait)
{
	struct acme_dev *adev = file->private_data;
	__poll_t mask = 0;

	if (file->f_mode & FMODE_READ)
		poll_wait(file, &adev->readq, wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &adev->writeq, wait);
	/* Order the queueing above before the peeks: pairs with acme_wake(). */
	smp_mb();

	if ((file->f_mode & FMODE_READ) && !acme_fifo_peek_empty(adev))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((file->f_mode & FMODE_WRITE) && !acme_fifo_peek_full(adev))
		mask |= EPOLLOUT | EPOLLWRNORM;

	return mask;
}

/*
 * Resize a memory buffer, keeping the bytes below the smaller size. The
 * new buffer is charged to the memory cgroup of the caller, who asked for
 * it; the buffers made at load are not, as they belong to the driver.
 */
static int acme_mem_resize(struct acme_dev *adev, u64 size)
{
	u8 *buf;

	if (!size || size > ACME_MAX_SIZE)
		return -EINVAL;

	buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;

	if (mutex_lock_interruptible(&adev->lock)) {
		kvfree(buf);
		return -ERESTARTSYS;
	}
	memcpy(buf, adev->buf, min_t(size_t, size, adev->size));
	swap(adev->buf, buf);
	/* acme_mem_llseek() reads the size without the lock. */
	WRITE_ONCE(adev->size, size);
	mutex_unlock(&adev->lock);

	kvfree(buf);
	return 0;
}

/*
 * Resize a FIFO. Only an empty FIFO is resized, so no queued byte is lost.
 * The new FIFO is charged to the caller's memory cgroup, as above.
 */
static int acme_fifo_resize(struct acme_dev *adev, u64 size)
{
	struct kfifo fifo;
	int ret;

	if (size < ACME_FIFO_MIN || size > ACME_FIFO_MAX)
		return -EINVAL;

	ret = kfifo_alloc(&fifo, size, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&adev->lock)) {
		kfifo_free(&fifo);
		return -ERESTARTSYS;
	}
	/*
	 * The peeks of waiters and poll may see a mix of the old and the new
	 * FIFO: both are empty, so they see it empty, or, mid-swap, anything,
	 * which the wake-up below corrects.
	 */
	if (kfifo_is_empty(&adev->fifo))
		swap(adev->fifo, fifo);
	else
		ret = -EBUSY;
	mutex_unlock(&adev->lock);

	kfifo_free(&fifo);
	if (!ret)
		wake_up_interruptible_poll(&adev->writeq, EPOLLOUT | EPOLLWRNORM);
	return ret;
}

static int acme_get_size(struct acme_dev *adev, u64 __user *argp)
{
	u64 size;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	size = acme_capacity(adev);
	mutex_unlock(&adev->lock);

	return put_user(size, argp);
}

/*
 * Resizing may drop data, so it needs a file opened for writing, checked
 * first (EBADF), and CAP_SYS_ADMIN in the credentials of the opener (EPERM),
 * as for other privileged ioctls of an open file: a privileged process may
 * hand the file to a less privileged one.
 */
static int acme_set_size(struct acme_dev *adev, struct file *file,
			 u64 __user *argp)
{
	u64 size;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(size, argp))
		return -EFAULT;

	if (adev->kind == ACME_MEM)
		return acme_mem_resize(adev, size);
	return acme_fifo_resize(adev, size);
}

/* Zero a memory buffer or drop what a FIFO holds. */
static int acme_clear(struct acme_dev *adev, struct file *file,
		      struct acme_clear __user *argp)
{
	struct acme_clear args;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	if (adev->kind == ACME_MEM)
		memset(adev->buf, 0, adev->size);
	else
		kfifo_reset(&adev->fifo);
	mutex_unlock(&adev->lock);

	if (adev->kind == ACME_FIFO)
		wake_up_interruptible_poll(&adev->writeq, EPOLLOUT | EPOLLWRNORM);
	return 0;
}

static int acme_get_stats(struct acme_dev *adev, struct acme_stats __user *argp)
{
	struct acme_stats stats;

	if (copy_from_user(&stats, argp, sizeof(stats)))
		return -EFAULT;
	if (stats.flags || memchr_inv(stats.reserved, 0, sizeof(stats.reserved)))
		return -EINVAL;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	stats = adev->stats;
	mutex_unlock(&adev->lock);

	return copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
}

/* ioctl: the commands of <linux/acme.h>, the same for both kinds. */
static long acme_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct acme_dev *adev = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case ACME_IOC_GET_SIZE:
		return acme_get_size(adev, argp);
	case ACME_IOC_SET_SIZE:
		return acme_set_size(adev, file, argp);
	case ACME_IOC_CLEAR:
		return acme_clear(adev, file, argp);
	case ACME_IOC_GET_STATS:
		return acme_get_stats(adev, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations acme_mem_fops = {
	.owner		= THIS_MODULE,
	.open		= acme_mem_open,
	.read		= acme_mem_read,
	.write		= acme_mem_write,
	.llseek		= acme_mem_llseek,
	.unlocked_ioctl	= acme_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static const struct file_operations acme_fifo_fops = {
	.owner		= THIS_MODULE,
	.open		= acme_fifo_open,
	.read		= acme_fifo_read,
	.write		= acme_fifo_write,
	.poll		= acme_fifo_poll,
	.unlocked_ioctl	= acme_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct acme_dev *adev = to_acme_dev(dev);
	size_t size;

	if (mutex_lock_killable(&adev->lock))
		return -EINTR;
	size = acme_capacity(adev);
	mutex_unlock(&adev->lock);

	return sysfs_emit(buf, "%zu\n", size);
}
static DEVICE_ATTR_RO(size);

static ssize_t kind_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct acme_dev *adev = to_acme_dev(dev);

	return sysfs_emit(buf, "%s\n", adev->kind == ACME_MEM ? "memory" : "fifo");
}
static DEVICE_ATTR_RO(kind);

/* Read one counter; the lock keeps a 64-bit value whole on 32-bit CPUs. */
static ssize_t acme_show_counter(struct acme_dev *adev, const u64 *counter,
				 char *buf)
{
	u64 n;

	if (mutex_lock_killable(&adev->lock))
		return -EINTR;
	n = *counter;
	mutex_unlock(&adev->lock);

	return sysfs_emit(buf, "%llu\n", n);
}

static ssize_t bytes_read_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct acme_dev *adev = to_acme_dev(dev);

	return acme_show_counter(adev, &adev->stats.bytes_read, buf);
}
static DEVICE_ATTR_RO(bytes_read);

static ssize_t bytes_written_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct acme_dev *adev = to_acme_dev(dev);

	return acme_show_counter(adev, &adev->stats.bytes_written, buf);
}
static DEVICE_ATTR_RO(bytes_written);

static struct attribute *acme_attrs[] = {
	&dev_attr_kind.attr,
	&dev_attr_size.attr,
	&dev_attr_bytes_read.attr,
	&dev_attr_bytes_written.attr,
	NULL
};
ATTRIBUTE_GROUPS(acme);

/* Called when the last reference to the device is dropped. */
static void acme_dev_release(struct device *dev)
{
	struct acme_dev *adev = to_acme_dev(dev);

	kvfree(adev->buf);
	kfifo_free(&adev->fifo);
	mutex_destroy(&adev->lock);
	kfree(adev);
}

static int __init acme_alloc_storage(struct acme_dev *adev)
{
	if (adev->kind == ACME_FIFO)
		return kfifo_alloc(&adev->fifo, fifo_size, GFP_KERNEL);

	adev->size = mem_size;
	adev->buf = kvzalloc(mem_size, GFP_KERNEL);
	return adev->buf ? 0 : -ENOMEM;
}

/* Allocate a device with its storage; nothing is visible to user space yet. */
static struct acme_dev *__init acme_dev_alloc(enum acme_kind kind,
					      unsigned int index, dev_t devt)
{
	struct acme_dev *adev;
	int ret;

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		return ERR_PTR(-ENOMEM);

	adev->kind = kind;
	mutex_init(&adev->lock);
	init_waitqueue_head(&adev->readq);
	init_waitqueue_head(&adev->writeq);

	/* From here on, put_device() frees adev through acme_dev_release(). */
	acme_device_init(&adev->dev, devt, acme_groups, acme_dev_release);
	if (kind == ACME_MEM)
		ret = dev_set_name(&adev->dev, "acme%u", index);
	else
		ret = dev_set_name(&adev->dev, "acme_fifo%u", index);
	if (!ret)
		ret = acme_alloc_storage(adev);
	if (ret) {
		put_device(&adev->dev);
		return ERR_PTR(ret);
	}

	cdev_init(&adev->cdev, kind == ACME_MEM ? &acme_mem_fops : &acme_fifo_fops);
	adev->cdev.owner = THIS_MODULE;
	return adev;
}

/* Make the device reachable: the cdev, then the node in /dev. */
static int __init acme_dev_add(struct acme_dev *adev)
{
	int ret;

	ret = acme_device_add(&adev->cdev, &adev->dev);
	if (ret)
		dev_err(&adev->dev, "cannot add device: %d\n", ret);
	return ret;
}

static void acme_dev_del(struct acme_dev *adev)
{
	acme_device_del(&adev->cdev, &adev->dev);
}

static int __init acme_check_param(const char *name, unsigned long val,
				   unsigned long min, unsigned long max)
{
	if (val >= min && val <= max)
		return 0;

	pr_err("%s=%lu is out of range [%lu, %lu]\n", name, val, min, max);
	return -EINVAL;
}

static int __init acme_check_params(void)
{
	return acme_check_param("nr_devs", nr_devs, 1, ACME_MAX_DEVS) ?:
	       acme_check_param("nr_fifos", nr_fifos, 0, ACME_MAX_DEVS) ?:
	       acme_check_param("size", mem_size, 1, ACME_MAX_SIZE) ?:
	       acme_check_param("fifo_size", fifo_size, ACME_FIFO_MIN,
				ACME_FIFO_MAX);
}

static int __init acme_init(void)
{
	unsigned int i, added;
	int ret;

	ret = acme_check_params();
	if (ret)
		return ret;

	acme_nr = nr_devs + nr_fifos;
	acme_devs = kcalloc(acme_nr, sizeof(*acme_devs), GFP_KERNEL);
	if (!acme_devs)
		return -ENOMEM;

	ret = acme_reserve_minors(acme_nr, &acme_first);
	if (ret) {
		pr_err("cannot reserve %u minors: %d\n", acme_nr, ret);
		goto free_array;
	}

	/*
	 * Allocate every device before adding any: once a node is in /dev it
	 * may be open, and failing the load after that is best avoided.
	 */
	for (i = 0; i < acme_nr; i++) {
		if (i < nr_devs)
			acme_devs[i] = acme_dev_alloc(ACME_MEM, i, acme_first + i);
		else
			acme_devs[i] = acme_dev_alloc(ACME_FIFO, i - nr_devs,
						      acme_first + i);
		if (IS_ERR(acme_devs[i])) {
			ret = PTR_ERR(acme_devs[i]);
			goto put_devs;
		}
	}

	for (added = 0; added < acme_nr; added++) {
		ret = acme_dev_add(acme_devs[added]);
		if (ret)
			goto del_devs;
	}

	return 0;

del_devs:
	while (added--)
		acme_dev_del(acme_devs[added]);
put_devs:
	while (i--)
		put_device(&acme_devs[i]->dev);
	acme_release_minors(acme_first, acme_nr);
free_array:
	kfree(acme_devs);
	return ret;
}

static void __exit acme_exit(void)
{
	unsigned int i = acme_nr;

	while (i--) {
		acme_dev_del(acme_devs[i]);
		put_device(&acme_devs[i]->dev);
	}
	acme_release_minors(acme_first, acme_nr);
	kfree(acme_devs);
}

module_init(acme_init);
module_exit(acme_exit);

MODULE_IMPORT_NS(ACME);
MODULE_DESCRIPTION("acme reference character driver: memory and FIFO devices");
MODULE_AUTHOR("The acme developers <acme-devel@example.org>");
MODULE_LICENSE("GPL");
