// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_edu.c - driver for QEMU's edu PCI device
 *
 * edu (PCI 1234:11e8) is the educational device of QEMU, specified in its
 * docs/specs/edu.rst: a 32-bit factorial unit, an interrupt raised when a
 * computation or a DMA ends, and a DMA engine that moves bytes between RAM
 * and a 4 KiB buffer inside the device. Start QEMU with "-device edu".
 *
 * Each device is /dev/acme_edu<N>, a device of the acme class made through
 * acme_core. pread(2) and pwrite(2) move bytes between user space and the
 * device's buffer with the device's DMA engine, and ACME_EDU_IOC_FACTORIAL
 * of <linux/acme.h> has the device compute n!. From user space (no error
 * handling):
 *
 *	fd = open("/dev/acme_edu0", O_RDWR);
 *	pwrite(fd, "hello", 5, 0);
 *	pread(fd, buf, 5, 0);
 *	n = 5;
 *	ioctl(fd, ACME_EDU_IOC_FACTORIAL, &n);	// n is now 120
 *
 * Lifetime: the device may go away while files are open, and while their
 * callers sleep waiting for the device: through unbind, through the
 * device's remove in sysfs, or through hot-unplug. As in usb-skeleton.c,
 * the structure of a device is reference counted (its struct device), and
 * every open file holds it, so it outlives the hardware. What belongs to
 * the hardware (the mapped registers, the interrupt, the DMA buffer) is
 * devres-managed and released after acme_edu_remove() returns. So
 * acme_edu_remove() removes the node, wakes every sleeper, takes the lock
 * that every operation holds while it touches the hardware, waits for a
 * DMA still in flight to end, and lets go. The lock is never held across
 * a user copy, which could wait on user space for ever (userfaultfd, a
 * FUSE-backed mapping): the bytes go through a bounce buffer, copied to
 * or from user space with the lock released, so remove never waits for a
 * user. @gone was set before, so an
 * operation that takes the lock afterwards fails with ENODEV without
 * touching the device, and so does every sleeper it woke. devres drops the
 * driver's reference to the structure only after it has freed the
 * interrupt, whose handler uses it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include <linux/acme.h>

#include "acme_core.h"

/*
 * Registers, in BAR0. Those below 0x80 take only 32-bit accesses: a
 * narrower read gives 0 on x86 and an external abort on arm64, a 64-bit
 * one all ones. The DMA registers are 64 bits wide, but their upper
 * halves (0x84, 0x8c, ...) are not decoded: a 32-bit write at their offset
 * sets the whole register, upper half zero, which is why the driver
 * writes them with iowrite32() and keeps addresses within 32 bits.
 */
#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major, minor version */
#define EDU_REG_LIVENESS	0x04	/* reads as the inverse of the last write */
#define EDU_REG_FACTORIAL	0x08	/* write n; read n! once done */
#define EDU_REG_STATUS		0x20
#define   EDU_STATUS_COMPUTING	BIT(0)
#define   EDU_STATUS_IRQFACT	BIT(7)	/* interrupt when a factorial ends */
#define EDU_REG_IRQ_STATUS	0x24	/* the causes of the interrupt */
#define EDU_REG_IRQ_ACK		0x64	/* write causes to clear them */
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define   EDU_DMA_RUN		BIT(0)
#define   EDU_DMA_TO_RAM	BIT(1)	/* else from RAM to the device */
#define   EDU_DMA_IRQ		BIT(2)	/* interrupt when the DMA ends */

/* Causes in EDU_REG_IRQ_STATUS */
#define EDU_IRQ_FACTORIAL	BIT(0)
#define EDU_IRQ_DMA		BIT(8)

/* QEMU's vendor ID, which it also gives its other emulated devices */
#define EDU_PCI_VENDOR		0x1234
#define EDU_PCI_DEVICE		0x11e8

#define EDU_ID_MAGIC		0xed
#define EDU_ID_MAJOR(id)	((id) >> 24)

/* The device's DMA buffer, at this address on the device's side. */
#define EDU_BUF_ADDR		0x40000
#define EDU_BUF_SIZE		SZ_4K
/*
 * Erratum: QEMU before 8.2.1 (Debian 12 has 7.2) checks a transfer's end
 * against the buffer with an off-by-one, and a DMA that ends on the
 * buffer's last byte aborts QEMU ("EDU: DMA range 0x40000-0x40fff out of
 * bounds"). The device's last byte is never used, so the file is one byte
 * shorter than the buffer.
 */
#define EDU_XFER_MAX		(EDU_BUF_SIZE - 1)

/* The spec's DMA mask: the device reaches the first 256 MiB. */
#define EDU_DMA_BITS		28

#define ACME_EDU_MAX_DEVS	8

/* Bits of acme_edu.busy: an operation the device has not finished yet. */
enum {
	EDU_BUSY_DMA,
	EDU_BUSY_FACTORIAL,
};

static unsigned int dma_bits = EDU_DMA_BITS;
module_param(dma_bits, uint, 0444);
MODULE_PARM_DESC(dma_bits, "Address bits the device's DMA reaches, as set with QEMU's -device edu,dma_mask= (28-32, default 28)");

static unsigned int timeout_ms = 1000;

static int acme_edu_set_timeout(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 60000);
}

static const struct kernel_param_ops acme_edu_timeout_ops = {
	.set	= acme_edu_set_timeout,
	.get	= param_get_uint,
};

module_param_cb(timeout_ms, &acme_edu_timeout_ops, &timeout_ms, 0644);
MODULE_PARM_DESC(timeout_ms, "Time a DMA or a factorial may take before it fails with ETIMEDOUT (1-60000 ms, default 1000)");

static dev_t acme_edu_first;
static DEFINE_IDA(acme_edu_ida);

/**
 * struct acme_edu - one edu device
 * @dev: class device, /sys/class/acme/acme_edu<N>; its reference count
 *	decides when the structure is freed
 * @cdev: character device; an open file holds it, and through it @dev
 * @pdev: the PCI device, for messages and DMA while it is bound
 * @regs: BAR0, mapped until devres unmaps it after acme_edu_remove()
 * @buf: the RAM side of every DMA, coherent, EDU_BUF_SIZE bytes
 * @buf_dma: the device's address of @buf
 * @lock: one operation on the device at a time (it has one DMA engine and
 *	one factorial unit); held while an operation sleeps for the device,
 *	never across a user copy
 * @wait: where operations sleep until the device ends them
 * @busy: EDU_BUSY_* bits, set before an operation starts and cleared by
 *	the interrupt that ends it
 * @gone: set by acme_edu_remove() before it takes @lock, so that sleepers
 *	holding @lock wake and give it up; under @lock, clear means the
 *	hardware is there
 * @irq: the interrupt
 * @id: N of acme_edu<N>
 */
struct acme_edu {
	struct device dev;
	struct cdev cdev;
	struct pci_dev *pdev;
	void __iomem *regs;
	void *buf;
	dma_addr_t buf_dma;
	struct mutex lock;	/* one operation at a time; vs remove */
	wait_queue_head_t wait;
	unsigned long busy;
	bool gone;
	int irq;
	int id;
};

static struct acme_edu *to_acme_edu(struct device *dev)
{
	return container_of(dev, struct acme_edu, dev);
}

static const char *acme_edu_op_name(int bit)
{
	return bit == EDU_BUSY_DMA ? "DMA" : "factorial";
}

/*
 * Sleep until the device ends the operation of @bit. Interruptible: a
 * signal returns -ERESTARTSYS and leaves the bit set, and the next
 * operation waits for the device first, since the device goes on.
 */
static int acme_edu_wait(struct acme_edu *edu, int bit)
{
	long left;

	lockdep_assert_held(&edu->lock);

	left = wait_event_interruptible_timeout(edu->wait,
						!test_bit(bit, &edu->busy) ||
						READ_ONCE(edu->gone),
						msecs_to_jiffies(READ_ONCE(timeout_ms)));
	if (left < 0)
		return left;
	if (READ_ONCE(edu->gone))
		return -ENODEV;
	if (!left) {
		dev_warn_ratelimited(&edu->dev, "%s did not end within %u ms\n",
				     acme_edu_op_name(bit), READ_ONCE(timeout_ms));
		return -ETIMEDOUT;
	}
	return 0;
}

/*
 * An operation whose interrupt never came (a timeout) but that the device
 * has ended: acknowledge its cause, so that no interrupt for it comes
 * later, let a handler already running finish, and forget it. True if it
 * was so.
 */
static bool acme_edu_lost_irq(struct acme_edu *edu, int bit)
{
	u32 cause;

	lockdep_assert_held(&edu->lock);

	if (bit == EDU_BUSY_DMA) {
		if (ioread32(edu->regs + EDU_REG_DMA_CMD) & EDU_DMA_RUN)
			return false;
		cause = EDU_IRQ_DMA;
	} else {
		if (ioread32(edu->regs + EDU_REG_STATUS) & EDU_STATUS_COMPUTING)
			return false;
		cause = EDU_IRQ_FACTORIAL;
	}
	iowrite32(cause, edu->regs + EDU_REG_IRQ_ACK);
	synchronize_irq(edu->irq);
	clear_bit(bit, &edu->busy);
	return true;
}

/*
 * Wait until the device has ended the previous operation of @bit: an
 * operation that a signal or a timeout abandoned goes on in the device.
 */
static int acme_edu_idle(struct acme_edu *edu, int bit)
{
	lockdep_assert_held(&edu->lock);

	if (READ_ONCE(edu->gone))
		return -ENODEV;
	if (!test_bit(bit, &edu->busy))
		return 0;
	if (acme_edu_lost_irq(edu, bit))
		return 0;
	return acme_edu_wait(edu, bit);
}

/*
 * Move @len bytes at offset @pos between @buf and the device's buffer, and
 * sleep until the device says it is done. The addresses fit in 32 bits:
 * dma_bits is at most 32.
 */
static int acme_edu_dma(struct acme_edu *edu, loff_t pos, size_t len,
			bool to_ram)
{
	u64 ram = edu->buf_dma + pos, devaddr = EDU_BUF_ADDR + pos;
	u32 cmd = EDU_DMA_RUN | EDU_DMA_IRQ;
	int ret;

	ret = acme_edu_idle(edu, EDU_BUSY_DMA);
	if (ret)
		return ret;

	set_bit(EDU_BUSY_DMA, &edu->busy);
	if (to_ram)
		cmd |= EDU_DMA_TO_RAM;
	iowrite32(lower_32_bits(to_ram ? devaddr : ram), edu->regs + EDU_REG_DMA_SRC);
	iowrite32(lower_32_bits(to_ram ? ram : devaddr), edu->regs + EDU_REG_DMA_DST);
	iowrite32(len, edu->regs + EDU_REG_DMA_COUNT);
	iowrite32(cmd, edu->regs + EDU_REG_DMA_CMD);

	return acme_edu_wait(edu, EDU_BUSY_DMA);
}

static irqreturn_t acme_edu_irq(int irq, void *data)
{
	struct acme_edu *edu = data;
	u32 status;

	/* INTx may be shared: nothing pending means the interrupt is not ours. */
	status = ioread32(edu->regs + EDU_REG_IRQ_STATUS);
	if (!status || status == U32_MAX)
		return IRQ_NONE;

	iowrite32(status, edu->regs + EDU_REG_IRQ_ACK);
	if (status & EDU_IRQ_DMA)
		clear_bit(EDU_BUSY_DMA, &edu->busy);
	if (status & EDU_IRQ_FACTORIAL)
		clear_bit(EDU_BUSY_FACTORIAL, &edu->busy);
	wake_up_all(&edu->wait);
	return IRQ_HANDLED;
}

/* Open: no new file once the device is gone. */
static int acme_edu_open(struct inode *inode, struct file *file)
{
	struct acme_edu *edu = container_of(inode->i_cdev, struct acme_edu, cdev);

	if (READ_ONCE(edu->gone))
		return -ENODEV;
	file->private_data = edu;
	return 0;
}

/*
 * A bounce buffer laid out as the device's, for the user copy outside the
 * lock (see the lifetime rule at the top of this file).
 */
static void *acme_edu_bounce(void)
{
	return kmalloc(EDU_XFER_MAX, GFP_KERNEL);
}

/*
 * Read: DMA from the device into @buf, take the bytes into a bounce
 * buffer, and copy them to user space with the lock released.
 */
static ssize_t acme_edu_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct acme_edu *edu = iocb->ki_filp->private_data;
	loff_t pos = iocb->ki_pos;
	ssize_t n = acme_span(pos, iov_iter_count(to), EDU_XFER_MAX);
	u8 *bounce;
	int ret;

	if (n <= 0)
		return n;

	bounce = acme_edu_bounce();
	if (!bounce)
		return -ENOMEM;

	ret = mutex_lock_interruptible(&edu->lock) ? -ERESTARTSYS : 0;
	if (ret)
		goto free_bounce;
	ret = acme_edu_dma(edu, pos, n, true);
	if (!ret)
		memcpy(bounce + pos, edu->buf + pos, n);
	mutex_unlock(&edu->lock);

	if (!ret)
		ret = acme_read_buffer_iter(bounce, EDU_XFER_MAX, &iocb->ki_pos, to);
free_bounce:
	kfree(bounce);
	return ret;
}

/*
 * Write: copy from user space into a bounce buffer, then, under the lock,
 * into @buf, and DMA it to the device.
 */
static ssize_t acme_edu_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct acme_edu *edu = iocb->ki_filp->private_data;
	loff_t pos = iocb->ki_pos;
	u8 *bounce;
	ssize_t n;
	int ret;

	bounce = acme_edu_bounce();
	if (!bounce)
		return -ENOMEM;

	n = acme_write_buffer_iter(bounce, EDU_XFER_MAX, &pos, from);
	if (n <= 0) {
		ret = n;
		goto free_bounce;
	}

	ret = mutex_lock_interruptible(&edu->lock) ? -ERESTARTSYS : 0;
	if (ret)
		goto free_bounce;
	/* A DMA that a signal or a timeout left running may still use @buf. */
	ret = acme_edu_idle(edu, EDU_BUSY_DMA);
	if (!ret) {
		memcpy(edu->buf + iocb->ki_pos, bounce + iocb->ki_pos, n);
		ret = acme_edu_dma(edu, iocb->ki_pos, n, false);
	}
	mutex_unlock(&edu->lock);

	if (!ret) {
		iocb->ki_pos = pos;
		ret = n;
	}
free_bounce:
	kfree(bounce);
	return ret;
}

static long acme_edu_factorial(struct acme_edu *edu, u32 __user *argp)
{
	u32 n;
	int ret;

	if (get_user(n, argp))
		return -EFAULT;

	if (mutex_lock_interruptible(&edu->lock))
		return -ERESTARTSYS;
	ret = acme_edu_idle(edu, EDU_BUSY_FACTORIAL);
	if (ret)
		goto unlock;
	set_bit(EDU_BUSY_FACTORIAL, &edu->busy);
	iowrite32(n, edu->regs + EDU_REG_FACTORIAL);
	ret = acme_edu_wait(edu, EDU_BUSY_FACTORIAL);
	if (!ret)
		n = ioread32(edu->regs + EDU_REG_FACTORIAL);
unlock:
	mutex_unlock(&edu->lock);
	if (ret)
		return ret;

	return put_user(n, argp);
}

static long acme_edu_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct acme_edu *edu = file->private_data;

	switch (cmd) {
	case ACME_EDU_IOC_FACTORIAL:
		return acme_edu_factorial(edu, (u32 __user *)arg);
	default:
		return -ENOTTY;
	}
}

/* lseek: within the bytes that the file can reach. */
static loff_t acme_edu_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, EDU_XFER_MAX);
}

static const struct file_operations acme_edu_fops = {
	.owner		= THIS_MODULE,
	.open		= acme_edu_open,
	.read_iter	= acme_edu_read_iter,
	.write_iter	= acme_edu_write_iter,
	.unlocked_ioctl	= acme_edu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= acme_edu_llseek,
};

/* Called when the last reference to the device is dropped. */
static void acme_edu_release(struct device *dev)
{
	struct acme_edu *edu = to_acme_edu(dev);

	mutex_destroy(&edu->lock);
	kfree(edu);
}

static void acme_edu_put(void *data)
{
	struct acme_edu *edu = data;

	put_device(&edu->dev);
}

static void acme_edu_free_id(void *data)
{
	ida_free(&acme_edu_ida, (unsigned long)data);
}

/* The identification register, and a register that must answer. */
static int acme_edu_check(struct pci_dev *pdev, void __iomem *regs)
{
	u32 id, live;

	id = ioread32(regs + EDU_REG_ID);
	if ((id & 0xff) != EDU_ID_MAGIC || EDU_ID_MAJOR(id) != 1) {
		dev_err(&pdev->dev, "identification register reads %#010x, not an edu 1.x (0x01xx00ed)\n",
			id);
		return -ENODEV;
	}

	iowrite32(0x5a5aa5a5, regs + EDU_REG_LIVENESS);
	live = ioread32(regs + EDU_REG_LIVENESS);
	if (live != ~0x5a5aa5a5U) {
		dev_err(&pdev->dev, "liveness register reads %#010x after %#010x, not its inverse\n",
			live, 0x5a5aa5a5);
		return -ENODEV;
	}
	return 0;
}

static int acme_edu_set_dma_mask(struct pci_dev *pdev)
{
	int ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(dma_bits));
	if (ret)
		dev_err(&pdev->dev, "no usable memory below the device's %u-bit DMA limit (%d); where RAM starts above it, start QEMU with -device edu,dma_mask=0xffffffff and load acme_edu with dma_bits=32\n",
			dma_bits, ret);
	return ret;
}

static int acme_edu_map(struct pci_dev *pdev, void __iomem **regs)
{
	*regs = pcim_iomap_region(pdev, 0, KBUILD_MODNAME);
	return PTR_ERR_OR_ZERO(*regs);
}

/* Allocate the structure; devres drops its reference when the driver goes. */
static struct acme_edu *acme_edu_alloc(struct pci_dev *pdev)
{
	struct acme_edu *edu;
	int id, ret;

	id = ida_alloc_max(&acme_edu_ida, ACME_EDU_MAX_DEVS - 1, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	ret = devm_add_action_or_reset(&pdev->dev, acme_edu_free_id,
				       (void *)(unsigned long)id);
	if (ret)
		return ERR_PTR(ret);

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return ERR_PTR(-ENOMEM);
	edu->pdev = pdev;
	edu->id = id;
	mutex_init(&edu->lock);
	init_waitqueue_head(&edu->wait);

	/* From here on, put_device() frees edu through acme_edu_release(). */
	acme_device_init(&edu->dev, acme_edu_first + id, NULL, acme_edu_release);
	edu->dev.parent = &pdev->dev;
	ret = devm_add_action_or_reset(&pdev->dev, acme_edu_put, edu);
	if (ret)
		return ERR_PTR(ret);
	ret = dev_set_name(&edu->dev, "acme_edu%d", id);
	if (ret)
		return ERR_PTR(ret);

	cdev_init(&edu->cdev, &acme_edu_fops);
	edu->cdev.owner = THIS_MODULE;
	return edu;
}

static int acme_edu_setup_irq(struct acme_edu *edu)
{
	struct pci_dev *pdev = edu->pdev;
	int ret;

	/* MSI if the platform has it, else INTx; edu has no MSI-X. */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return dev_err_probe(&pdev->dev, ret, "no interrupt\n");

	/*
	 * The handler uses edu: devres frees the interrupt before it drops
	 * the reference to edu (acme_edu_put() was registered earlier, so it
	 * runs later).
	 */
	edu->irq = pci_irq_vector(pdev, 0);
	/* Causes left pending by an earlier binding would fire at once. */
	iowrite32(ioread32(edu->regs + EDU_REG_IRQ_STATUS),
		  edu->regs + EDU_REG_IRQ_ACK);
	ret = devm_request_irq(&pdev->dev, edu->irq, acme_edu_irq, IRQF_SHARED,
			       dev_name(&edu->dev), edu);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot request the interrupt\n");

	iowrite32(EDU_STATUS_IRQFACT, edu->regs + EDU_REG_STATUS);
	return 0;
}

static int acme_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct acme_edu *edu;
	void __iomem *regs;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot enable the device\n");

	ret = acme_edu_map(pdev, &regs);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot map BAR0\n");

	ret = acme_edu_check(pdev, regs);
	if (ret)
		return ret;

	ret = acme_edu_set_dma_mask(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);

	edu = acme_edu_alloc(pdev);
	if (IS_ERR(edu))
		return dev_err_probe(&pdev->dev, PTR_ERR(edu), "cannot allocate the device\n");
	edu->regs = regs;

	/*
	 * One coherent buffer, allocated once within the device's reach: a
	 * transfer is at most 4095 bytes, so copying through it costs little,
	 * while a streaming mapping of user pages would need bouncing for any
	 * page above the device's 28 bits, which is most of them.
	 */
	edu->buf = dmam_alloc_coherent(&pdev->dev, EDU_BUF_SIZE, &edu->buf_dma,
				       GFP_KERNEL);
	if (!edu->buf)
		return -ENOMEM;

	ret = acme_edu_setup_irq(edu);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, edu);
	ret = acme_device_add(&edu->cdev, &edu->dev);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot add %s\n",
				     dev_name(&edu->dev));
	return 0;
}

/*
 * Stop the device from interrupting and from writing to memory: a DMA left
 * running by a signal or a timeout still writes to @buf, so wait for the
 * engine to stop, and if it does not, take away its bus mastering. A
 * device that is gone reads as 0 (QEMU) or all ones (a real bus), and is
 * not running.
 */
static void acme_edu_quiesce(struct acme_edu *edu)
{
	struct pci_dev *pdev = edu->pdev;
	u32 cmd;

	lockdep_assert_held(&edu->lock);

	iowrite32(0, edu->regs + EDU_REG_STATUS);
	if (test_bit(EDU_BUSY_DMA, &edu->busy) &&
	    readx_poll_timeout(ioread32, edu->regs + EDU_REG_DMA_CMD, cmd,
			       !(cmd & EDU_DMA_RUN) || cmd == U32_MAX, 1000,
			       USEC_PER_SEC)) {
		dev_warn(&pdev->dev, "DMA still running; bus mastering off\n");
		pci_clear_master(pdev);
	}
}

/*
 * After this returns, devres frees the interrupt, the DMA buffer and the
 * mapping of BAR0. See the lifetime rule at the top of this file.
 */
static void acme_edu_remove(struct pci_dev *pdev)
{
	struct acme_edu *edu = pci_get_drvdata(pdev);

	/* No new open from here on; files already open keep edu alive. */
	acme_device_del(&edu->cdev, &edu->dev);

	WRITE_ONCE(edu->gone, true);
	wake_up_all(&edu->wait);

	mutex_lock(&edu->lock);
	acme_edu_quiesce(edu);
	mutex_unlock(&edu->lock);
}

/* Reboot and kexec: no DMA may land in the next kernel's memory. */
static void acme_edu_shutdown(struct pci_dev *pdev)
{
	struct acme_edu *edu = pci_get_drvdata(pdev);

	WRITE_ONCE(edu->gone, true);
	wake_up_all(&edu->wait);

	mutex_lock(&edu->lock);
	acme_edu_quiesce(edu);
	pci_clear_master(pdev);
	mutex_unlock(&edu->lock);
}

static const struct pci_device_id acme_edu_ids[] = {
	{ PCI_DEVICE(EDU_PCI_VENDOR, EDU_PCI_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, acme_edu_ids);

static struct pci_driver acme_edu_driver = {
	.name		= "acme_edu",
	.id_table	= acme_edu_ids,
	.probe		= acme_edu_probe,
	.remove		= acme_edu_remove,
	.shutdown	= acme_edu_shutdown,
};

static int __init acme_edu_init(void)
{
	int ret;

	if (dma_bits < EDU_DMA_BITS || dma_bits > 32) {
		pr_err("dma_bits=%u is out of range [%u, 32]\n", dma_bits,
		       EDU_DMA_BITS);
		return -EINVAL;
	}

	ret = acme_reserve_minors(ACME_EDU_MAX_DEVS, &acme_edu_first);
	if (ret) {
		pr_err("cannot reserve %u minors: %d\n", ACME_EDU_MAX_DEVS, ret);
		return ret;
	}

	ret = pci_register_driver(&acme_edu_driver);
	if (ret)
		goto release_minors;
	return 0;

release_minors:
	acme_release_minors(acme_edu_first, ACME_EDU_MAX_DEVS);
	return ret;
}

static void __exit acme_edu_exit(void)
{
	pci_unregister_driver(&acme_edu_driver);
	acme_release_minors(acme_edu_first, ACME_EDU_MAX_DEVS);
}

module_init(acme_edu_init);
module_exit(acme_edu_exit);

MODULE_IMPORT_NS(ACME);
MODULE_DESCRIPTION("acme driver for QEMU's edu PCI device");
MODULE_AUTHOR("The acme developers <acme-devel@example.org>");
MODULE_LICENSE("GPL");
