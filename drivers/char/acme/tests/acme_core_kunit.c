// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the helpers of acme_core.
 *
 * The arithmetic of acme_span() (a static inline of acme_core.h) and the
 * copies of acme_read_buffer_iter() and acme_write_buffer_iter() are
 * checked with tables of cases at the edges of a buffer: position 0,
 * size - 1, size, past the end and negative positions. The FIFO's byte
 * queue (acme_ring.h) is checked across the wrap of its buffer and of its
 * 32-bit indexes.
 * The registration helpers are checked against the live acme region and
 * class: reserved ranges, a full region, a device that appears in the class
 * and is released when its last reference goes, and device numbers that do
 * not belong to acme_core.
 *
 * Run with:
 *
 *	tools/testing/kunit/kunit.py run --kunitconfig=drivers/char/acme
 */

#include <kunit/test.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uio.h>

#include "../acme_core.h"
#include "../acme_ring.h"

/* Size of the buffer in the tables; small, so that the edges are visible. */
#define BUF	16

struct span_case {
	const char *name;
	loff_t pos;
	size_t count;
	size_t size;
	ssize_t expected;
};

static const struct span_case span_cases[] = {
	{ "start, nothing asked", 0, 0, BUF, 0 },
	{ "start, one byte", 0, 1, BUF, 1 },
	{ "start, whole buffer", 0, BUF, BUF, BUF },
	{ "start, one past the buffer", 0, BUF + 1, BUF, BUF },
	{ "start, SIZE_MAX", 0, SIZE_MAX, BUF, BUF },
	{ "middle, crossing the end", 8, BUF, BUF, BUF - 8 },
	{ "last byte, one", BUF - 1, 1, BUF, 1 },
	{ "last byte, two", BUF - 1, 2, BUF, 1 },
	{ "last byte, nothing asked", BUF - 1, 0, BUF, 0 },
	{ "at the end", BUF, 1, BUF, 0 },
	{ "past the end", BUF + 1, 1, BUF, 0 },
	{ "LLONG_MAX", LLONG_MAX, SIZE_MAX, BUF, 0 },
	{ "4 GiB, past a 32-bit size_t", 1LL << 32, 1, BUF, 0 },
	{ "empty buffer", 0, 1, 0, 0 },
	{ "minus one", -1, 1, BUF, -EINVAL },
	{ "minus one, nothing asked", -1, 0, BUF, -EINVAL },
	{ "LLONG_MIN", LLONG_MIN, 1, BUF, -EINVAL },
	{ "SSIZE_MAX buffer, start", 0, SIZE_MAX, SSIZE_MAX, SSIZE_MAX },
	{ "SSIZE_MAX buffer, last byte", SSIZE_MAX - 1, SIZE_MAX, SSIZE_MAX,
	  1 },
	{ "SSIZE_MAX buffer, at the end", SSIZE_MAX, 1, SSIZE_MAX, 0 },
};

static void span_case_desc(const struct span_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(acme_span, span_cases, span_case_desc);

static void acme_span_test(struct kunit *test)
{
	const struct span_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, acme_span(c->pos, c->count, c->size),
			c->expected);
}

/*
 * acme_read_buffer_iter() and acme_write_buffer_iter() on kvec iterators:
 * what each returns at the edges of the buffer, and that exactly those
 * bytes move, to or from the position, and nothing else changes.
 */
struct iter_case {
	const char *name;
	loff_t pos;
	size_t count;
	ssize_t read;
	ssize_t write;
};

static const struct iter_case iter_cases[] = {
	{ "start, nothing asked", 0, 0, 0, 0 },
	{ "start, one byte", 0, 1, 1, 1 },
	{ "start, whole buffer", 0, BUF, BUF, BUF },
	{ "start, one past the buffer", 0, BUF + 1, BUF, BUF },
	{ "middle, crossing the end", 8, BUF, BUF - 8, BUF - 8 },
	{ "last byte, two", BUF - 1, 2, 1, 1 },
	{ "last byte, nothing asked", BUF - 1, 0, 0, 0 },
	{ "at the end, nothing asked", BUF, 0, 0, 0 },
	{ "at the end", BUF, 1, 0, -ENOSPC },
	{ "past the end", BUF + 1, 1, 0, -ENOSPC },
	{ "LLONG_MAX", LLONG_MAX, 1, 0, -ENOSPC },
	{ "minus one", -1, 1, -EINVAL, -EINVAL },
	{ "minus one, nothing asked", -1, 0, -EINVAL, -EINVAL },
	{ "LLONG_MIN", LLONG_MIN, 1, -EINVAL, -EINVAL },
};

static void iter_case_desc(const struct iter_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(acme_iter, iter_cases, iter_case_desc);

/* A buffer of @len bytes, each its index plus @seed. */
static u8 *acme_kunit_pattern(struct kunit *test, size_t len, u8 seed)
{
	u8 *p = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < len; i++)
		p[i] = i + seed;
	return p;
}

static void acme_read_buffer_iter_test(struct kunit *test)
{
	const struct iter_case *c = test->param_value;
	u8 *buf = acme_kunit_pattern(test, BUF, 1);
	u8 *dst = kunit_kzalloc(test, 2 * BUF, GFP_KERNEL);
	struct kvec kvec = { .iov_base = dst, .iov_len = c->count };
	struct iov_iter iter;
	loff_t pos = c->pos;
	ssize_t ret;

	KUNIT_ASSERT_NOT_NULL(test, dst);
	iov_iter_kvec(&iter, ITER_DEST, &kvec, 1, c->count);

	ret = acme_read_buffer_iter(buf, BUF, &pos, &iter);
	KUNIT_ASSERT_EQ(test, ret, c->read);
	if (ret <= 0) {
		KUNIT_EXPECT_EQ(test, pos, c->pos);
		KUNIT_EXPECT_NULL(test, memchr_inv(dst, 0, 2 * BUF));
		return;
	}
	KUNIT_EXPECT_EQ(test, pos, c->pos + ret);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), c->count - ret);
	KUNIT_EXPECT_EQ(test, memcmp(dst, buf + c->pos, ret), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(dst + ret, 0, 2 * BUF - ret));
}

static void acme_write_buffer_iter_test(struct kunit *test)
{
	const struct iter_case *c = test->param_value;
	u8 *src = acme_kunit_pattern(test, 2 * BUF, 1);
	u8 *buf = kunit_kzalloc(test, BUF, GFP_KERNEL);
	struct kvec kvec = { .iov_base = src, .iov_len = c->count };
	struct iov_iter iter;
	loff_t pos = c->pos;
	ssize_t ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, c->count);

	ret = acme_write_buffer_iter(buf, BUF, &pos, &iter);
	KUNIT_ASSERT_EQ(test, ret, c->write);
	if (ret <= 0) {
		KUNIT_EXPECT_EQ(test, pos, c->pos);
		KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, BUF));
		return;
	}
	KUNIT_EXPECT_EQ(test, pos, c->pos + ret);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), c->count - ret);
	KUNIT_EXPECT_EQ(test, memcmp(buf + c->pos, src, ret), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, c->pos));
	KUNIT_EXPECT_NULL(test, memchr_inv(buf + c->pos + ret, 0,
					   BUF - c->pos - ret));
}

/*
 * The FIFO's byte queue (acme_ring.h): bytes in and out across the wrap of
 * the buffer and of the 32-bit indexes, a full ring, and a partial copy
 * that the caller drops. Each case starts both indexes at @start.
 */
#define RING	16

struct ring_case {
	const char *name;
	unsigned int start;
};

static const struct ring_case ring_cases[] = {
	{ "indexes at 0", 0 },
	{ "indexes near the end of the buffer", RING - 3 },
	{ "indexes about to wrap 2^32", UINT_MAX - 3 },
	{ "indexes at UINT_MAX", UINT_MAX },
};

static void ring_case_desc(const struct ring_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(acme_ring, ring_cases, ring_case_desc);

static struct acme_ring acme_kunit_ring(struct kunit *test, unsigned int start)
{
	struct acme_ring ring = {
		.data = kunit_kzalloc(test, RING, GFP_KERNEL),
		.mask = RING - 1,
		.head = start,
		.tail = start,
	};

	KUNIT_ASSERT_NOT_NULL(test, ring.data);
	return ring;
}

/* Queue @len bytes of @src and take them back; they must come out as is. */
static void acme_ring_round_trip(struct kunit *test, struct acme_ring *ring,
				 const u8 *src, size_t len)
{
	u8 dst[RING + 1] = {};
	struct kvec in = { .iov_base = (void *)src, .iov_len = len };
	struct kvec out = { .iov_base = dst, .iov_len = sizeof(dst) };
	unsigned int tail = ring->tail;
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &in, 1, len);
	KUNIT_ASSERT_EQ(test, acme_ring_from_iter(ring, len, &iter), len);
	/* Copied but not queued until committed. */
	KUNIT_EXPECT_EQ(test, acme_ring_len(ring), 0);
	acme_ring_commit(ring, len);
	KUNIT_EXPECT_EQ(test, acme_ring_len(ring), len);
	KUNIT_EXPECT_EQ(test, acme_ring_free(ring), RING - len);

	iov_iter_kvec(&iter, ITER_DEST, &out, 1, sizeof(dst));
	KUNIT_ASSERT_EQ(test, acme_ring_to_iter(ring, &iter), len);
	KUNIT_EXPECT_EQ(test, memcmp(dst, src, len), 0);
	KUNIT_EXPECT_EQ(test, acme_ring_len(ring), 0);
	KUNIT_EXPECT_EQ(test, ring->tail, tail + (unsigned int)len);
}

static void acme_ring_round_trip_test(struct kunit *test)
{
	const struct ring_case *c = test->param_value;
	struct acme_ring ring = acme_kunit_ring(test, c->start);
	u8 *src = acme_kunit_pattern(test, RING, 7);

	/* Three rounds: the second and third wrap the buffer. */
	acme_ring_round_trip(test, &ring, src, 10);
	acme_ring_round_trip(test, &ring, src + 1, 12);
	acme_ring_round_trip(test, &ring, src, RING);
}

static void acme_ring_full_test(struct kunit *test)
{
	const struct ring_case *c = test->param_value;
	struct acme_ring ring = acme_kunit_ring(test, c->start);
	u8 *src = acme_kunit_pattern(test, RING, 3);
	u8 dst[4];
	struct kvec in = { .iov_base = src, .iov_len = RING };
	struct kvec out = { .iov_base = dst, .iov_len = sizeof(dst) };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &in, 1, RING);
	KUNIT_ASSERT_EQ(test, acme_ring_from_iter(&ring, RING, &iter), RING);
	acme_ring_commit(&ring, RING);
	KUNIT_EXPECT_EQ(test, acme_ring_len(&ring), RING);
	KUNIT_EXPECT_EQ(test, acme_ring_free(&ring), 0);

	/* Taking 4 frees 4, oldest first. */
	iov_iter_kvec(&iter, ITER_DEST, &out, 1, sizeof(dst));
	KUNIT_ASSERT_EQ(test, acme_ring_to_iter(&ring, &iter), sizeof(dst));
	KUNIT_EXPECT_EQ(test, memcmp(dst, src, sizeof(dst)), 0);
	KUNIT_EXPECT_EQ(test, acme_ring_free(&ring), sizeof(dst));
}

/*
 * A copy that stops short and is dropped, as acme_fifo_write_iter() drops
 * an atomic write that faults part way. Bytes are queued first, so that
 * head and tail differ and each index checked below is one the test knows
 * independently of the code: the copy must land at head, not at tail, and
 * leave both indexes and the queued bytes alone until it is committed.
 * From "indexes about to wrap 2^32", head ends at UINT_MAX and the copy
 * crosses the end of the buffer.
 */
#define RING_QUEUED	3

static void acme_ring_partial_copy_test(struct kunit *test)
{
	const struct ring_case *c = test->param_value;
	struct acme_ring ring = acme_kunit_ring(test, c->start);
	u8 *queued = acme_kunit_pattern(test, RING_QUEUED, 0x10);
	u8 *src = acme_kunit_pattern(test, RING, 0x80);
	unsigned int head = c->start + RING_QUEUED;
	struct kvec in = { .iov_base = queued, .iov_len = RING_QUEUED };
	u8 dst[RING] = {};
	struct kvec out = { .iov_base = dst, .iov_len = sizeof(dst) };
	struct iov_iter iter;
	unsigned int i;

	iov_iter_kvec(&iter, ITER_SOURCE, &in, 1, RING_QUEUED);
	KUNIT_ASSERT_EQ(test, acme_ring_from_iter(&ring, RING_QUEUED, &iter),
			RING_QUEUED);
	acme_ring_commit(&ring, RING_QUEUED);
	KUNIT_ASSERT_EQ(test, ring.head, head);

	/* An iterator with 4 bytes where 8 are asked: the copy stops short. */
	in = (struct kvec){ .iov_base = src, .iov_len = 4 };
	iov_iter_kvec(&iter, ITER_SOURCE, &in, 1, 4);
	KUNIT_EXPECT_EQ(test, acme_ring_from_iter(&ring, 8, &iter), 4);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, ring.data[(head + i) % RING], src[i],
				    "copied byte %u", i);

	/* Not committed: both indexes where they were, RING_QUEUED apart. */
	KUNIT_EXPECT_EQ(test, ring.head, head);
	KUNIT_EXPECT_EQ(test, ring.tail, c->start);
	KUNIT_EXPECT_EQ(test, acme_ring_len(&ring), RING_QUEUED);

	/* Dropped as the driver drops it; the reader gets the queued bytes. */
	acme_ring_commit(&ring, 0);
	iov_iter_kvec(&iter, ITER_DEST, &out, 1, sizeof(dst));
	KUNIT_EXPECT_EQ(test, acme_ring_to_iter(&ring, &iter), RING_QUEUED);
	KUNIT_EXPECT_EQ(test, memcmp(dst, queued, RING_QUEUED), 0);
	KUNIT_EXPECT_EQ(test, ring.tail, head);
	KUNIT_EXPECT_EQ(test, acme_ring_len(&ring), 0);
}

static void acme_reserve_minors_invalid_test(struct kunit *test)
{
	dev_t first = 0;

	KUNIT_EXPECT_EQ(test, acme_reserve_minors(0, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, acme_reserve_minors(ACME_MINORS + 1, &first),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, acme_reserve_minors(UINT_MAX, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, first, 0);
}

static void acme_reserve_minors_test(struct kunit *test)
{
	dev_t a, b, again;

	KUNIT_ASSERT_EQ(test, acme_reserve_minors(1, &a), 0);
	if (acme_reserve_minors(2, &b)) {
		KUNIT_FAIL(test, "cannot reserve a second range");
		goto release_a;
	}

	KUNIT_EXPECT_EQ(test, MAJOR(a), MAJOR(b));
	KUNIT_EXPECT_LT(test, MINOR(a), ACME_MINORS);
	KUNIT_EXPECT_LE(test, MINOR(b) + 2, ACME_MINORS);
	/* The ranges must not overlap. */
	KUNIT_EXPECT_TRUE(test, b + 2 <= a || a + 1 <= b);

	/*
	 * A released range is free again: first fit hands it back, unless an
	 * acme driver is loaded or unloaded while this test runs.
	 */
	acme_release_minors(a, 1);
	if (acme_reserve_minors(1, &again)) {
		KUNIT_FAIL(test, "cannot reserve a released minor again");
	} else {
		KUNIT_EXPECT_EQ(test, again, a);
		acme_release_minors(again, 1);
	}
	acme_release_minors(b, 2);
	return;

release_a:
	acme_release_minors(a, 1);
}

/*
 * Fill the region one minor at a time, whatever the acme drivers already
 * hold, then free one minor: exactly that minor can be reserved again, and
 * nothing more. So the test depends on the minors it holds itself, not on
 * whether acme is loaded or built in.
 */
static void acme_reserve_minors_full_test(struct kunit *test)
{
	unsigned int held = 0, i;
	dev_t *minors, again;
	int ret;

	minors = kunit_kcalloc(test, ACME_MINORS, sizeof(*minors), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, minors);

	while (held < ACME_MINORS && !acme_reserve_minors(1, &minors[held]))
		held++;
	/* The region is full now; the drivers hold the rest of it. */
	KUNIT_EXPECT_EQ(test, acme_reserve_minors(1, &again), -ENOSPC);
	if (!held) {
		KUNIT_FAIL(test, "no free minor in the acme region");
		return;
	}

	acme_release_minors(minors[0], 1);
	KUNIT_EXPECT_EQ(test, acme_reserve_minors(2, &again), -ENOSPC);
	ret = acme_reserve_minors(1, &again);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, again, minors[0]);
		minors[0] = again;
	} else {
		minors[0] = 0;
	}
	KUNIT_EXPECT_EQ(test, acme_reserve_minors(1, &again), -ENOSPC);

	for (i = 0; i < held; i++)
		if (minors[i])
			acme_release_minors(minors[i], 1);
}

/*
 * acme_release_minors() with a range outside the region only WARNs and
 * returns; a WARN cannot be caught by KUnit on Linux 6.1, so those cases are
 * not run here.
 */

struct acme_kunit_dev {
	struct device dev;
	struct cdev cdev;
	struct completion *released;
};

static const struct file_operations acme_kunit_fops = {
	.owner		= THIS_MODULE,
};

static ssize_t kunit_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "1\n");
}
static DEVICE_ATTR_RO(kunit);

static struct attribute *acme_kunit_attrs[] = {
	&dev_attr_kunit.attr,
	NULL
};
ATTRIBUTE_GROUPS(acme_kunit);

static void acme_kunit_release(struct device *dev)
{
	struct acme_kunit_dev *adev = container_of(dev, struct acme_kunit_dev,
						   dev);

	complete(adev->released);
	kfree(adev);
}

/* Long enough for CONFIG_DEBUG_KOBJECT_RELEASE, which delays release(). */
#define RELEASE_TIMEOUT	(10 * HZ)

/* Drop the last reference to @adev and check that it is released. */
static void acme_kunit_put(struct kunit *test, struct acme_kunit_dev *adev,
			   struct completion *released)
{
	put_device(&adev->dev);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(released,
							  RELEASE_TIMEOUT), 0);
}

static void acme_device_add_test(struct kunit *test)
{
	static DECLARE_COMPLETION(released);
	struct acme_kunit_dev *adev;
	struct device *found;
	dev_t devt;
	int ret;

	reinit_completion(&released);
	KUNIT_ASSERT_EQ(test, acme_reserve_minors(1, &devt), 0);

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev) {
		KUNIT_FAIL(test, "out of memory");
		goto release_minor;
	}
	adev->released = &released;
	cdev_init(&adev->cdev, &acme_kunit_fops);
	adev->cdev.owner = THIS_MODULE;
	acme_device_init(&adev->dev, devt, acme_kunit_groups,
			 acme_kunit_release);
	/*
	 * Each field as passed (@adev is zeroed, so a field left unset reads
	 * 0), the acme class, and device_initialize() done: an initialized
	 * kobject holding the caller's one reference.
	 */
	KUNIT_EXPECT_EQ(test, adev->dev.devt, devt);
	KUNIT_EXPECT_PTR_EQ(test, adev->dev.groups, &acme_kunit_groups[0]);
	KUNIT_EXPECT_PTR_EQ(test, adev->dev.release, &acme_kunit_release);
	if (adev->dev.class)
		KUNIT_EXPECT_STREQ(test, adev->dev.class->name, "acme");
	else
		KUNIT_FAIL(test, "acme_device_init() set no class");
	KUNIT_EXPECT_TRUE(test, adev->dev.kobj.state_initialized);
	KUNIT_EXPECT_EQ(test, kref_read(&adev->dev.kobj.kref), 1);

	ret = dev_set_name(&adev->dev, "acme_kunit%u", MINOR(devt));
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		ret = acme_device_add(&adev->cdev, &adev->dev);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto put;

	KUNIT_EXPECT_TRUE(test, device_is_registered(&adev->dev));
	/* The cdev is live and holds the device, its parent. */
	KUNIT_EXPECT_EQ(test, adev->cdev.dev, devt);
	KUNIT_EXPECT_PTR_EQ(test, adev->cdev.kobj.parent, &adev->dev.kobj);
	KUNIT_EXPECT_STREQ(test, adev->dev.class->name, "acme");

	/* The class finds the device by its number. */
	found = class_find_device_by_devt(adev->dev.class, devt);
	KUNIT_EXPECT_PTR_EQ(test, found, &adev->dev);
	put_device(found);

	acme_device_del(&adev->cdev, &adev->dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(&adev->dev));
	KUNIT_EXPECT_FALSE(test, completion_done(&released));
put:
	/* The reference from acme_device_init() is the last one. */
	acme_kunit_put(test, adev, &released);
release_minor:
	acme_release_minors(devt, 1);
}

/* Add @adev with @devt, which acme_core must refuse. */
static void acme_kunit_add_foreign(struct kunit *test,
				   struct acme_kunit_dev *adev, dev_t devt)
{
	int ret;

	adev->dev.devt = devt;
	ret = acme_device_add(&adev->cdev, &adev->dev);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "device number %u:%u",
			    MAJOR(devt), MINOR(devt));
	if (!ret)
		acme_device_del(&adev->cdev, &adev->dev);
	KUNIT_EXPECT_FALSE(test, device_is_registered(&adev->dev));
}

static void acme_device_add_foreign_test(struct kunit *test)
{
	static DECLARE_COMPLETION(released);
	struct acme_kunit_dev *adev;
	dev_t devt;

	reinit_completion(&released);
	KUNIT_ASSERT_EQ(test, acme_reserve_minors(1, &devt), 0);
	acme_release_minors(devt, 1);

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, adev);
	adev->released = &released;
	cdev_init(&adev->cdev, &acme_kunit_fops);
	acme_device_init(&adev->dev, devt, NULL, acme_kunit_release);
	if (dev_set_name(&adev->dev, "acme_kunit_foreign")) {
		KUNIT_FAIL(test, "dev_set_name() failed");
		goto put;
	}

	/* The minor just past the acme region, whose first minor is 0. */
	acme_kunit_add_foreign(test, adev, MKDEV(MAJOR(devt), ACME_MINORS));
	/* A device number of no char region at all. */
	acme_kunit_add_foreign(test, adev, MKDEV(0, 0));
put:
	acme_kunit_put(test, adev, &released);
}

static struct kunit_case acme_core_test_cases[] = {
	KUNIT_CASE_PARAM(acme_span_test, acme_span_gen_params),
	KUNIT_CASE_PARAM(acme_read_buffer_iter_test, acme_iter_gen_params),
	KUNIT_CASE_PARAM(acme_write_buffer_iter_test, acme_iter_gen_params),
	KUNIT_CASE_PARAM(acme_ring_round_trip_test, acme_ring_gen_params),
	KUNIT_CASE_PARAM(acme_ring_full_test, acme_ring_gen_params),
	KUNIT_CASE_PARAM(acme_ring_partial_copy_test, acme_ring_gen_params),
	KUNIT_CASE(acme_reserve_minors_invalid_test),
	KUNIT_CASE(acme_reserve_minors_test),
	KUNIT_CASE(acme_reserve_minors_full_test),
	KUNIT_CASE(acme_device_add_test),
	KUNIT_CASE(acme_device_add_foreign_test),
	{}
};

static struct kunit_suite acme_core_test_suite = {
	.name = "acme_core",
	.test_cases = acme_core_test_cases,
};

kunit_test_suite(acme_core_test_suite);

MODULE_IMPORT_NS(ACME);
MODULE_DESCRIPTION("KUnit tests for acme_core");
MODULE_AUTHOR("The acme developers <acme-devel@example.org>");
MODULE_LICENSE("GPL");
