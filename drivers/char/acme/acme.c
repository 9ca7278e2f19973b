// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme.c - reference character driver: memory and FIFO devices
 *
 * acme creates two kinds of character device on top of acme_core:
 *
 * - memory devices, /dev/acme0 .. /dev/acme<nr_devs - 1>: a buffer of size=
 *   bytes that keeps its contents across opens. read(2) and write(2), and
 *   their vectored and positioned forms, move bytes at the file position
 *   and stop at the end of the buffer: reading there returns 0, writing
 *   fails with ENOSPC. lseek(2) works as on a regular file without holes
 *   (SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE). sendfile(2) and
 *   splice(2) work in both directions, and mmap(MAP_SHARED) maps the buffer
 *   itself. The buffer is full of data from the start, so an O_APPEND
 *   write, which goes at the end, fails with ENOSPC; fsync(2) has nothing
 *   to write back and succeeds.
 *
 * - FIFO devices, /dev/acme_fifo0 .. /dev/acme_fifo<nr_fifos - 1>: a byte
 *   queue of fifo_size= bytes, rounded up to a power of two. read(2) blocks
 *   while it is empty, whether or not a writer has the device open (there
 *   is no end of file: the queue outlives its openers); write(2) blocks
 *   until its bytes fit. As for a pipe, a write of at most PIPE_BUF bytes
 *   (or of at most the capacity, when that is smaller) is atomic: it is
 *   queued whole, never split or interleaved with another writer's.
 *   O_NONBLOCK, or RWF_NOWAIT for one call, makes a call that would block
 *   fail with EAGAIN, and poll(2) reports when a read, or an atomic write of
 *   any size, would not block, for the directions the file was opened for.
 *   splice(2) moves bytes between a FIFO device and a pipe.
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
 * Each kind has its own file operations, storage and resize and clear, in
 * acme_kinds[]; struct acme_dev keeps the kind's state in a union. Every
 * device has its own locks and buffer; nothing on the data path is shared
 * between devices. A FIFO's readers and its writers take different
 * locks, so that a reader and a writer copy at the same time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <linux/acme.h>

#include "acme_core.h"
#include "acme_ring.h"

#define ACME_MAX_DEVS		64
#define ACME_MAX_SIZE		SZ_16M
#define ACME_FIFO_MIN		2
#define ACME_FIFO_MAX		SZ_1M
/*
 * A FIFO copy moves at most this many bytes before it publishes them and
 * wakes the other side, so that a large read and a large write overlap.
 */
#define ACME_FIFO_PIECE		SZ_16K

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

struct acme_dev;

/**
 * struct acme_kind - what makes a memory device or a FIFO, as mem.c's
 *	devlist[] does for /dev/mem, /dev/null and the others
 * @name: the kind, in /sys/class/acme/<name>/kind
 * @node: prefix of the device names: @node0, @node1, ...
 * @count: the module parameter with the number of such devices
 * @fops: file operations of the devices' nodes
 * @alloc: set up the kind's part of a new device, and allocate its storage;
 *	on failure, @free is still called
 * @free: free the storage, when the last reference to the device goes
 * @capacity: size in bytes, for ACME_IOC_GET_SIZE and sysfs; called with
 *	&acme_dev->lock held
 * @resize: ACME_IOC_SET_SIZE, once the caller is checked
 * @clear: ACME_IOC_CLEAR, once the caller is checked
 */
struct acme_kind {
	const char *name;
	const char *node;
	const unsigned int *count;
	const struct file_operations *fops;
	int (*alloc)(struct acme_dev *adev);
	void (*free)(struct acme_dev *adev);
	size_t (*capacity)(struct acme_dev *adev);
	int (*resize)(struct acme_dev *adev, u64 size);
	int (*clear)(struct acme_dev *adev);
};

/**
 * struct acme_dev - one memory or FIFO device
 * @dev: class device, /sys/class/acme/<name>; its reference count decides
 *	when the structure is freed
 * @cdev: character device of this minor; an open file holds it, and through
 *	cdev_set_parent() it holds @dev
 * @kind: memory device or FIFO; says which member of the union is in use
 * @lock: serializes the users of a memory device; for a FIFO, its readers
 *	(@fifo.ring's tail, the read counters of @stats). Held across user
 *	copies.
 * @write_lock: serializes the writers of a FIFO (@fifo.ring's head, the
 *	write counters of @stats); a memory device's reads and writes do not
 *	take it. Held across user copies. What needs the whole device (a
 *	resize, ACME_IOC_CLEAR, ACME_IOC_GET_STATS, the counters in sysfs)
 *	takes @lock, then @write_lock; either is enough to read the size.
 * @mem: a memory device
 * @mem.map_lock: serializes mmap(2) of @mem.buf with a resize; taken inside
 *	@lock and @write_lock, and inside the caller's mmap_lock, so never
 *	held across a user copy. The order is lock, write_lock, map_lock,
 *	and mmap_lock before map_lock; a user copy under lock or write_lock
 *	may take mmap_lock to fault a page in.
 * @mem.mappings: mappings of @mem.buf: VMAs made by mmap(2), fork(2) or a
 *	split
 * @mem.buf: the buffer, from vmalloc_user() so that it can be mapped
 * @mem.size: size of @mem.buf in bytes
 * @fifo: a FIFO device
 * @fifo.ring: the queue
 * @fifo.readq: readers waiting for data in @fifo.ring
 * @fifo.writeq: writers waiting for room in @fifo.ring
 * @stats: counters reported by ACME_IOC_GET_STATS and sysfs; only the
 *	counters are used, flags and reserved stay 0
 */
struct acme_dev {
	struct device dev;
	struct cdev cdev;
	const struct acme_kind *kind;
	struct mutex lock;	/* memory device; FIFO readers */
	struct mutex write_lock; /* FIFO writers */
	union {
		struct {
			struct mutex map_lock; /* mmap against resize */
			atomic_t mappings;
			u8 *buf;
			size_t size;
		} mem;
		struct {
			struct acme_ring ring;
			wait_queue_head_t readq;
			wait_queue_head_t writeq;
		} fifo;
	};
	struct acme_stats stats;
};

static struct acme_dev **acme_devs;
static unsigned int acme_nr;
static dev_t acme_first;

static inline struct acme_dev *to_acme_dev(struct device *dev)
{
	return container_of(dev, struct acme_dev, dev);
}

/*
 * Count a ->read_iter() call that moved @n bytes: one per read(2), readv(2)
 * or io_uring read, but a splice(2) or sendfile(2) may call it several
 * times, so the counter counts calls into the driver, not system calls.
 */
static void acme_count_read(struct acme_dev *adev, ssize_t n)
{
	lockdep_assert_held(&adev->lock);
	if (n > 0) {
		adev->stats.bytes_read += n;
		adev->stats.reads++;
	}
}

/* Count a ->write_iter() call of a memory device, as acme_count_read(). */
static void acme_count_write(struct acme_dev *adev, ssize_t n)
{
	lockdep_assert_held(&adev->lock);
	if (n > 0) {
		adev->stats.bytes_written += n;
		adev->stats.writes++;
	}
}

/*
 * Stop the readers and the writers of a device, for what changes or reads
 * the whole of it: @lock, then @write_lock, interruptibly.
 */
static int acme_lock_all(struct acme_dev *adev)
{
	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	if (mutex_lock_interruptible(&adev->write_lock)) {
		mutex_unlock(&adev->lock);
		return -ERESTARTSYS;
	}
	return 0;
}

static void acme_unlock_all(struct acme_dev *adev)
{
	mutex_unlock(&adev->write_lock);
	mutex_unlock(&adev->lock);
}

/* Size in bytes, of the buffer or the FIFO, which the lock keeps. */
static size_t acme_capacity(struct acme_dev *adev)
{
	lockdep_assert_held(&adev->lock);
	return adev->kind->capacity(adev);
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

	return adev->kind->resize(adev, size);
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

	return adev->kind->clear(adev);
}

static int acme_get_stats(struct acme_dev *adev, struct acme_stats __user *argp)
{
	struct acme_stats stats;

	if (copy_from_user(&stats, argp, sizeof(stats)))
		return -EFAULT;
	if (stats.flags || memchr_inv(stats.reserved, 0, sizeof(stats.reserved)))
		return -EINVAL;

	/* Both locks: the reads and the writes counted up to one moment. */
	if (acme_lock_all(adev))
		return -ERESTARTSYS;
	stats = adev->stats;
	acme_unlock_all(adev);

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

/* open: remember the device; the position starts at 0. */
static int acme_mem_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct acme_dev, cdev);
	return 0;
}

/*
 * read_iter: copy from the buffer at the position, 0 at the end. One
 * function for read(2), readv(2), preadv2(2), io_uring, and for splice(2)
 * and sendfile(2) through copy_splice_read().
 */
static ssize_t acme_mem_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct acme_dev *adev = iocb->ki_filp->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	ret = acme_read_buffer_iter(adev->mem.buf, adev->mem.size, &iocb->ki_pos, to);
	acme_count_read(adev, ret);
	mutex_unlock(&adev->lock);
	return ret;
}

/*
 * write_iter: copy into the buffer at the position, -ENOSPC at the end; for
 * write(2), writev(2), pwritev2(2), io_uring, and splice(2) from a pipe
 * through iter_file_splice_write().
 *
 * O_APPEND (set at open or by fcntl(2)) and RWF_APPEND write at the end of
 * the data, as on a regular file. The device is a fixed-size buffer that is
 * all data, so the end of the data is the end of the buffer and such a
 * write fails with -ENOSPC, as on a full file system, and leaves the
 * position alone. Refusing O_APPEND at open would miss fcntl(2) and
 * RWF_APPEND; ignoring it would overwrite what the caller meant to keep.
 */
static ssize_t acme_mem_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct acme_dev *adev = iocb->ki_filp->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&adev->lock))
		return -ERESTARTSYS;
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = adev->mem.size;
	ret = acme_write_buffer_iter(adev->mem.buf, adev->mem.size, &iocb->ki_pos, from);
	acme_count_write(adev, ret);
	mutex_unlock(&adev->lock);
	return ret;
}

/* A new VMA shares the buffer: fork(2), a split by munmap(2) or mprotect(2). */
static void acme_vma_open(struct vm_area_struct *vma)
{
	struct acme_dev *adev = vma->vm_private_data;

	atomic_inc(&adev->mem.mappings);
}

static void acme_vma_close(struct vm_area_struct *vma)
{
	struct acme_dev *adev = vma->vm_private_data;

	atomic_dec(&adev->mem.mappings);
}

/*
 * fault: map a page of the buffer again after its PTE went away without the
 * VMA, as madvise(MADV_DONTNEED) does; without it the next access would get
 * SIGBUS. As relay_buf_fault(): the page a vmalloc() address is backed by,
 * with a reference for the PTE that finish_fault() installs. The buffer
 * cannot change under a VMA, since a resize fails while one exists, and
 * acme_mem_mmap() checked that the VMA lies within it.
 */
static vm_fault_t acme_vma_fault(struct vm_fault *vmf)
{
	struct acme_dev *adev = vmf->vma->vm_private_data;
	struct page *page;

	if (vmf->pgoff >= PAGE_ALIGN(adev->mem.size) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(adev->mem.buf + (vmf->pgoff << PAGE_SHIFT));
	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct acme_vm_ops = {
	.open	= acme_vma_open,
	.close	= acme_vma_close,
	.fault	= acme_vma_fault,
};

/*
 * mmap: map the buffer itself, so that the mapping, read(2) and write(2) see
 * the same bytes. Only MAP_SHARED: a private copy of a device's memory has
 * no use, so MAP_PRIVATE fails with -EINVAL. The mapping must lie within
 * the buffer rounded up to whole pages (-EINVAL otherwise); the bytes past
 * the size in the last page are no part of the device and read as zero
 * whenever it is mapped while no other mapping exists. While a mapping
 * exists the buffer cannot be resized (-EBUSY), so it cannot be freed under
 * the mapping.
 *
 * mmap(2) runs under the caller's mmap_lock, which a read or write faulting
 * in user memory takes inside adev->lock: taking adev->lock here could
 * deadlock, so mmap and resize meet on map_lock instead.
 */
static int acme_mem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct acme_dev *adev = file->private_data;
	unsigned long pages, len;
	int ret;

	/* VM_MAYSHARE: do_mmap() drops VM_SHARED for a read-only file. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;

	if (mutex_lock_killable(&adev->mem.map_lock))
		return -EINTR;
	len = PAGE_ALIGN(adev->mem.size);
	pages = len >> PAGE_SHIFT;
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff) {
		ret = -EINVAL;
		goto unlock;
	}
	if (!atomic_read(&adev->mem.mappings))
		memset(adev->mem.buf + adev->mem.size, 0, len - adev->mem.size);

	/*
	 * remap_vmalloc_range() makes the VMA VM_DONTEXPAND (and VM_MIXEDMAP),
	 * so VM_SPECIAL: mmap_region() never merges it away without ->close(),
	 * and mremap() cannot grow it, which keeps mem.mappings exact. It also
	 * maps every page now, so that an access never faults while the
	 * mapping lasts, as in vfb and videobuf2-vmalloc; acme_vma_fault()
	 * only puts back pages that were zapped.
	 */
	ret = remap_vmalloc_range(vma, adev->mem.buf, vma->vm_pgoff);
	if (ret)
		goto unlock;
	vma->vm_private_data = adev;
	vma->vm_ops = &acme_vm_ops;
	atomic_inc(&adev->mem.mappings);
unlock:
	mutex_unlock(&adev->mem.map_lock);
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
					READ_ONCE(adev->mem.size));
}

/*
 * Whether a page of the buffer may be pinned: pin_user_pages() through a
 * mapping, by io_uring's registered buffers or RDMA, say, which outlives the
 * mapping. Called with map_lock held and no mapping left, so nothing can
 * pin a page now, and a pin taken before shows in the page's count. It is
 * a best effort, as folio_maybe_dma_pinned() is: a false positive (a page
 * with very many plain references) only costs a spurious -EBUSY, and a
 * plain reference (get_user_pages() without FOLL_PIN) is not seen at all.
 */
static bool acme_mem_pinned(struct acme_dev *adev)
{
	struct page *page;
	size_t off;

	lockdep_assert_held(&adev->mem.map_lock);
	for (off = 0; off < adev->mem.size; off += PAGE_SIZE) {
		page = vmalloc_to_page(adev->mem.buf + off);
		if (folio_maybe_dma_pinned(page_folio(page)))
			return true;
	}
	return false;
}

/*
 * Resize a memory buffer, keeping the bytes below the smaller size; not
 * while it is mapped, nor while a page of it is pinned (-EBUSY): the pages
 * would stay with whoever pinned them, whose I/O would then miss the
 * device. The buffer comes from vmalloc_user(), which mmap needs and which
 * takes no gfp flags, so unlike a FIFO it is not charged to the caller's
 * memory cgroup.
 */
static int acme_mem_resize(struct acme_dev *adev, u64 size)
{
	int ret = 0;
	u8 *buf;

	if (!size || size > ACME_MAX_SIZE)
		return -EINVAL;

	buf = vmalloc_user(size);
	if (!buf)
		return -ENOMEM;

	if (acme_lock_all(adev)) {
		vfree(buf);
		return -ERESTARTSYS;
	}
	mutex_lock(&adev->mem.map_lock);
	if (atomic_read(&adev->mem.mappings) || acme_mem_pinned(adev)) {
		ret = -EBUSY;
	} else {
		memcpy(buf, adev->mem.buf, min_t(size_t, size, adev->mem.size));
		swap(adev->mem.buf, buf);
		/* acme_mem_llseek() reads the size without the lock. */
		WRITE_ONCE(adev->mem.size, size);
	}
	mutex_unlock(&adev->mem.map_lock);
	acme_unlock_all(adev);

	vfree(buf);
	return ret;
}

/* ACME_IOC_CLEAR: zero the buffer. */
static int acme_mem_clear(struct acme_dev *adev)
{
	if (acme_lock_all(adev))
		return -ERESTARTSYS;
	memset(adev->mem.buf, 0, adev->mem.size);
	acme_unlock_all(adev);
	return 0;
}

static size_t acme_mem_capacity(struct acme_dev *adev)
{
	return adev->mem.size;
}

static int acme_mem_alloc(struct acme_dev *adev)
{
	mutex_init(&adev->mem.map_lock);
	adev->mem.size = mem_size;
	adev->mem.buf = vmalloc_user(mem_size);
	return adev->mem.buf ? 0 : -ENOMEM;
}

static void acme_mem_free(struct acme_dev *adev)
{
	vfree(adev->mem.buf);
	mutex_destroy(&adev->mem.map_lock);
}

/*
 * A memory device's data lives in memory only, as on tmpfs: fsync(2) and
 * fdatasync(2) have nothing to write back and succeed (noop_fsync()). A FIFO
 * has no .fsync, so they fail there with -EINVAL, as on a pipe.
 */
static const struct file_operations acme_mem_fops = {
	.owner		= THIS_MODULE,
	.open		= acme_mem_open,
	.read_iter	= acme_mem_read_iter,
	.write_iter	= acme_mem_write_iter,
	.splice_read	= copy_splice_read,
	.splice_write	= iter_file_splice_write,
	.mmap		= acme_mem_mmap,
	.llseek		= acme_mem_llseek,
	.fsync		= noop_fsync,
	.unlocked_ioctl	= acme_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/*
 * Wake the waiters of @wq, if there are any: most reads and writes of a busy
 * FIFO find nobody waiting, and wq_has_sleeper() saves them the wait queue
 * lock. Its full barrier orders the FIFO update before the check for
 * waiters. It pairs with the barrier a waiter has between queueing itself
 * and reading the FIFO state: set_current_state() in
 * prepare_to_wait_event() for read(2) and write(2), the smp_mb() in
 * acme_fifo_poll() for poll(2), select(2) and epoll.
 * So either the waiter sees the new state, or this sees the waiter.
 */
static void acme_wake(wait_queue_head_t *wq, __poll_t events)
{
	if (wq_has_sleeper(wq))
		wake_up_interruptible_poll(wq, events);
}

/* A ring of @size bytes, a power of two; charged to the caller if @gfp says. */
static int acme_ring_alloc(struct acme_ring *ring, unsigned int size, gfp_t gfp)
{
	ring->data = kvmalloc(size, gfp);
	if (!ring->data)
		return -ENOMEM;
	ring->mask = size - 1;
	ring->head = 0;
	ring->tail = 0;
	return 0;
}

/*
 * Lockless peeks at the FIFO, for the wait conditions and poll: the state
 * may change under them (a reader, a writer, a resize), so the fields are
 * read once each, as pipe_poll() reads the pipe's head and tail. A stale
 * answer is checked again under the lock, or followed by a wake-up.
 */
static bool acme_fifo_peek_empty(struct acme_dev *adev)
{
	struct acme_ring *ring = &adev->fifo.ring;

	return READ_ONCE(ring->head) == READ_ONCE(ring->tail);
}

/* Whether @need bytes, or the whole capacity if it is smaller, are free. */
static bool acme_fifo_peek_room(struct acme_dev *adev, size_t need)
{
	struct acme_ring *ring = &adev->fifo.ring;
	unsigned int size = READ_ONCE(ring->mask) + 1;
	unsigned int len = READ_ONCE(ring->head) - READ_ONCE(ring->tail);

	return len <= size && size - len >= min_t(size_t, need, size);
}

/* Whether a FIFO call must fail with -EAGAIN rather than wait. */
static bool acme_nowait(struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * Take @lock, the readers' or the writers' lock, for a FIFO call.
 * IOCB_NOWAIT (io_uring's first, non-blocking attempt on a pollable file)
 * must not sleep even for the lock: -EAGAIN, and io_uring retries from a
 * worker. Else interruptibly.
 */
static int acme_fifo_lock(struct mutex *lock, struct kiocb *iocb)
{
	if (iocb->ki_flags & IOCB_NOWAIT)
		return mutex_trylock(lock) ? 0 : -EAGAIN;
	return mutex_lock_interruptible(lock) ? -ERESTARTSYS : 0;
}

/*
 * open: a FIFO has no position, so lseek and pread/pwrite fail (ESPIPE).
 * FMODE_NOWAIT, as on a pipe: read_iter and write_iter honour IOCB_NOWAIT
 * (acme_nowait(), acme_fifo_lock()), so RWF_NOWAIT works rather than
 * failing with -EOPNOTSUPP, and io_uring tries a call without blocking and
 * then waits for poll(2) readiness instead of taking a worker thread.
 */
static int acme_fifo_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct acme_dev, cdev);
	file->f_mode |= FMODE_NOWAIT;
	return stream_open(inode, file);
}

/*
 * Take what is queued into @to, ACME_FIFO_PIECE bytes at a time, waking a
 * writer waiting for room after each piece: it refills the ring while this
 * copies the next piece. At most the capacity in one call, so that a
 * writer that keeps ahead does not hold a reader here. Called with
 * adev->lock held; returns the bytes taken, fewer than queued on a fault.
 */
static size_t acme_fifo_take(struct acme_dev *adev, struct iov_iter *to)
{
	size_t max = min_t(size_t, iov_iter_count(to),
			   acme_ring_size(&adev->fifo.ring));
	size_t total = 0, left, piece, n;

	lockdep_assert_held(&adev->lock);
	do {
		piece = min_t(size_t, ACME_FIFO_PIECE, max - total);
		left = iov_iter_count(to);
		iov_iter_truncate(to, piece);
		n = acme_ring_to_iter(&adev->fifo.ring, to);
		iov_iter_reexpand(to, left - n);
		if (n)
			acme_wake(&adev->fifo.writeq, EPOLLOUT | EPOLLWRNORM);
		total += n;
	} while (n == piece && total < max);
	return total;
}

/*
 * read_iter: wait for data unless O_NONBLOCK, then take what is queued, up
 * to the size of @to. Like a pipe, it does not wait for @to to fill. Unlike
 * a pipe, it waits even when no writer has the device open: the queue
 * outlives its openers, so there is no end of file. Readers serialize on
 * lock; writers do not take it.
 */
static ssize_t acme_fifo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct acme_dev *adev = iocb->ki_filp->private_data;
	size_t copied;
	int ret;

	if (!iov_iter_count(to))
		return 0;

	for (;;) {
		ret = acme_fifo_lock(&adev->lock, iocb);
		if (ret)
			return ret;
		if (acme_ring_len(&adev->fifo.ring))
			break;
		mutex_unlock(&adev->lock);

		if (acme_nowait(iocb))
			return -EAGAIN;
		if (wait_event_interruptible(adev->fifo.readq,
					     !acme_fifo_peek_empty(adev)))
			return -ERESTARTSYS;
	}

	copied = acme_fifo_take(adev, to);
	acme_count_read(adev, copied);
	mutex_unlock(&adev->lock);

	if (!copied)
		return -EFAULT;
	return copied;
}

/* Sleep until @need bytes, or the whole capacity if smaller, are free. */
static int acme_fifo_wait_room(struct acme_dev *adev, size_t need)
{
	return wait_event_interruptible(adev->fifo.writeq,
					acme_fifo_peek_room(adev, need));
}

/*
 * write_iter: queue the bytes of @from, waiting for room unless O_NONBLOCK.
 * A write of at most PIPE_BUF bytes that fits in the FIFO is atomic, as on
 * a pipe: it waits until all of it fits and is queued in one piece, or,
 * with O_NONBLOCK, fails with -EAGAIN; if it faults part way, nothing is
 * queued and it fails with -EFAULT. A larger write queues what fits and
 * waits for room for the rest, so it may be split. A signal or a fault part
 * way through it returns the bytes already queued.
 *
 * Whether a write is atomic is decided once, by the capacity it finds when
 * it starts, as its caller may rely on it. If the FIFO is resized under a
 * waiting atomic write to less than the write's size, the write can never
 * be queued whole: it fails with -EMSGSIZE and queues nothing, as
 * mq_send(3) does with a message larger than the queue takes, rather than
 * being split (a write that starts then is larger than the capacity, and
 * so not atomic).
 *
 * Writers serialize on write_lock and readers on lock, so a writer copies
 * while a reader copies (acme_ring.h). The room a writer finds can only
 * grow until it queues, so an atomic write that fits stays whole.
 */
static ssize_t acme_fifo_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct acme_dev *adev = iocb->ki_filp->private_data;
	struct acme_ring *ring = &adev->fifo.ring;
	size_t count = iov_iter_count(from), done = 0;
	bool started = false, atomic = false;
	ssize_t ret = 0;

	while (done < count) {
		size_t need, n, copied;

		/*
		 * A reader that keeps pace never makes this wait, where a
		 * signal would end it, so a write of a gigabyte could keep a
		 * killed process alive for seconds: a fatal signal ends it
		 * between pieces, as nobody sees the result. Other signals
		 * are left for when it waits, as on a pipe.
		 */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = acme_fifo_lock(&adev->write_lock, iocb);
		if (ret)
			break;
		if (!started) {
			atomic = count <= min_t(unsigned int, PIPE_BUF,
						acme_ring_size(ring));
			started = true;
		} else if (atomic && count > acme_ring_size(ring)) {
			mutex_unlock(&adev->write_lock);
			ret = -EMSGSIZE;
			break;
		}
		need = atomic ? count : 1;
		if (acme_ring_free(ring) < need) {
			mutex_unlock(&adev->write_lock);
			if (acme_nowait(iocb)) {
				ret = -EAGAIN;
				break;
			}
			ret = acme_fifo_wait_room(adev, need);
			if (ret)
				break;
			continue;
		}

		n = min_t(size_t, count - done, acme_ring_free(ring));
		if (!atomic)
			n = min_t(size_t, n, ACME_FIFO_PIECE);
		copied = acme_ring_from_iter(ring, n, from);
		if (copied < n && atomic) {
			/* Drop the partial copy, and give its bytes back to @from. */
			iov_iter_revert(from, copied);
			copied = 0;
		}
		acme_ring_commit(ring, copied);
		/* One write(2) counts once, however many rounds it takes. */
		adev->stats.bytes_written += copied;
		if (copied && !done)
			adev->stats.writes++;
		mutex_unlock(&adev->write_lock);

		if (copied)
			acme_wake(&adev->fifo.readq, EPOLLIN | EPOLLRDNORM);
		done += copied;
		if (copied < n) {
			ret = -EFAULT;
			break;
		}
		/* Nor may it let this sleep: give the CPU up between pieces. */
		cond_resched();
	}

	if (done)
		return done;
	return ret;
}

/*
 * poll: readable while data is queued, writable while an atomic write of
 * any size would not block (PIPE_BUF bytes free, or the whole capacity if it
 * is smaller), each only if the file was opened for it. It peeks without
 * the lock, as pipe_poll() does: a reader or writer holding the lock while
 * it faults in user memory must not stall poll(2).
 *
 * poll_wait() adds the poll table entry to the wait queue, under the wait
 * queue's lock, which does not order that store before the loads of the
 * FIFO state that follow. The smp_mb() does, as in sock_poll_wait(), and
 * pairs with the one in wq_has_sleeper() in acme_wake(): otherwise a reader
 * could make room, find no waiter on writeq and skip the wake-up, while
 * this still sees a full FIFO, and the poller would sleep with room free.
 * poll_wait() has such a barrier itself from Linux 6.14 ("poll_wait: add
 * mb() to fix theoretical race between waitqueue_active() and .poll()"),
 * and in the 6.1 and 6.12 stable releases that took that fix, but not in
 * the earlier ones, which acme builds for too: keep it.
 */
static __poll_t acme_fifo_poll(struct file *file, poll_table *wait)
{
	struct acme_dev *adev = file->private_data;
	__poll_t mask = 0;

	if (file->f_mode & FMODE_READ)
		poll_wait(file, &adev->fifo.readq, wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &adev->fifo.writeq, wait);
	/* Order the queueing above before the peeks: pairs with acme_wake(). */
	smp_mb();

	if ((file->f_mode & FMODE_READ) && !acme_fifo_peek_empty(adev))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((file->f_mode & FMODE_WRITE) && acme_fifo_peek_room(adev, PIPE_BUF))
		mask |= EPOLLOUT | EPOLLWRNORM;

	return mask;
}

/*
 * Resize a FIFO. Only an empty FIFO is resized, so no queued byte is lost.
 * The new FIFO is charged to the caller's memory cgroup, as above.
 */
static int acme_fifo_resize(struct acme_dev *adev, u64 size)
{
	struct acme_ring fifo;
	int ret;

	if (size < ACME_FIFO_MIN || size > ACME_FIFO_MAX)
		return -EINVAL;

	ret = acme_ring_alloc(&fifo, roundup_pow_of_two(size),
			      GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;

	if (acme_lock_all(adev)) {
		kvfree(fifo.data);
		return -ERESTARTSYS;
	}
	/*
	 * With no reader and no writer inside, swap in the new buffer. The
	 * ring is empty, head equal to tail, and stays so: the lockless peeks
	 * of waiters and poll see an empty ring of the old or the new size.
	 * Readers and writers touch the data only under their lock. No writer
	 * waits for room in an empty FIFO, nor does poll, so there is nobody
	 * to wake: the read or the clear that emptied it woke them.
	 */
	if (!acme_ring_len(&adev->fifo.ring)) {
		swap(adev->fifo.ring.data, fifo.data);
		WRITE_ONCE(adev->fifo.ring.mask, fifo.mask);
	} else {
		ret = -EBUSY;
	}
	acme_unlock_all(adev);

	kvfree(fifo.data);
	return ret;
}

/*
 * ACME_IOC_CLEAR: drop what is queued, with every reader and writer
 * stopped, and wake the writers waiting for room.
 */
static int acme_fifo_clear(struct acme_dev *adev)
{
	if (acme_lock_all(adev))
		return -ERESTARTSYS;
	WRITE_ONCE(adev->fifo.ring.tail, adev->fifo.ring.head);
	acme_unlock_all(adev);

	wake_up_interruptible_poll(&adev->fifo.writeq, EPOLLOUT | EPOLLWRNORM);
	return 0;
}

static size_t acme_fifo_capacity(struct acme_dev *adev)
{
	return acme_ring_size(&adev->fifo.ring);
}

static int acme_fifo_alloc(struct acme_dev *adev)
{
	init_waitqueue_head(&adev->fifo.readq);
	init_waitqueue_head(&adev->fifo.writeq);
	return acme_ring_alloc(&adev->fifo.ring, roundup_pow_of_two(fifo_size),
			       GFP_KERNEL);
}

static void acme_fifo_free(struct acme_dev *adev)
{
	kvfree(adev->fifo.ring.data);
}

/* No .mmap: mmap(2) of a FIFO fails with -ENODEV. */
static const struct file_operations acme_fifo_fops = {
	.owner		= THIS_MODULE,
	.open		= acme_fifo_open,
	.read_iter	= acme_fifo_read_iter,
	.write_iter	= acme_fifo_write_iter,
	.splice_read	= copy_splice_read,
	.splice_write	= iter_file_splice_write,
	.poll		= acme_fifo_poll,
	.unlocked_ioctl	= acme_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* The kinds of device; their minors follow each other in this order. */
static const struct acme_kind acme_kinds[] = {
	{
		.name		= "memory",
		.node		= "acme",
		.count		= &nr_devs,
		.fops		= &acme_mem_fops,
		.alloc		= acme_mem_alloc,
		.free		= acme_mem_free,
		.capacity	= acme_mem_capacity,
		.resize		= acme_mem_resize,
		.clear		= acme_mem_clear,
	},
	{
		.name		= "fifo",
		.node		= "acme_fifo",
		.count		= &nr_fifos,
		.fops		= &acme_fifo_fops,
		.alloc		= acme_fifo_alloc,
		.free		= acme_fifo_free,
		.capacity	= acme_fifo_capacity,
		.resize		= acme_fifo_resize,
		.clear		= acme_fifo_clear,
	},
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

	return sysfs_emit(buf, "%s\n", adev->kind->name);
}
static DEVICE_ATTR_RO(kind);

/*
 * Read one counter with both locks held, as ACME_IOC_GET_STATS does: its
 * updates hold adev->lock or, for a FIFO's writes, adev->write_lock, and
 * either keeps a 64-bit value whole on 32-bit CPUs. Killable, as the
 * other attributes: a reader of sysfs waits for a user copy to end.
 */
static ssize_t acme_show_counter(struct acme_dev *adev, const u64 *counter,
				 char *buf)
{
	u64 n;

	if (mutex_lock_killable(&adev->lock))
		return -EINTR;
	if (mutex_lock_killable(&adev->write_lock)) {
		mutex_unlock(&adev->lock);
		return -EINTR;
	}
	n = *counter;
	acme_unlock_all(adev);

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

	adev->kind->free(adev);
	mutex_destroy(&adev->write_lock);
	mutex_destroy(&adev->lock);
	kfree(adev);
}

/* Allocate a device with its storage; nothing is visible to user space yet. */
static struct acme_dev *__init acme_dev_alloc(const struct acme_kind *kind,
					      unsigned int index, dev_t devt)
{
	struct acme_dev *adev;
	int ret;

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		return ERR_PTR(-ENOMEM);

	adev->kind = kind;
	mutex_init(&adev->lock);
	mutex_init(&adev->write_lock);

	/* From here on, put_device() frees adev through acme_dev_release(). */
	acme_device_init(&adev->dev, devt, acme_groups, acme_dev_release);
	ret = kind->alloc(adev) ?:
	      dev_set_name(&adev->dev, "%s%u", kind->node, index);
	if (ret) {
		put_device(&adev->dev);
		return ERR_PTR(ret);
	}

	cdev_init(&adev->cdev, kind->fops);
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
	const struct acme_kind *kind;
	unsigned int i, n, added;
	int ret;

	ret = acme_check_params();
	if (ret)
		return ret;

	acme_nr = 0;
	for (kind = acme_kinds; kind < acme_kinds + ARRAY_SIZE(acme_kinds); kind++)
		acme_nr += *kind->count;
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
	i = 0;
	for (kind = acme_kinds; kind < acme_kinds + ARRAY_SIZE(acme_kinds); kind++) {
		for (n = 0; n < *kind->count; n++, i++) {
			acme_devs[i] = acme_dev_alloc(kind, n, acme_first + i);
			if (IS_ERR(acme_devs[i])) {
				ret = PTR_ERR(acme_devs[i]);
				goto put_devs;
			}
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
