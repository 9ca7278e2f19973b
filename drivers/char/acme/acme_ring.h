/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acme_ring.h - the byte queue of the acme FIFO devices
 *
 * As in a kfifo, head - tail is the number of queued bytes, both counting
 * modulo 2^32, and a byte's place in the buffer is its count masked by
 * mask. acme does not use kfifo itself: kfifo has no iov_iter copy on the
 * write side, which ->write_iter() needs, and kfifo_in() commits whatever
 * it copied, while an atomic write that faults part way must be able to
 * drop a partial copy. Linux 6.1 has neither kfifo_out_linear_ptr() nor an
 * "in" counterpart.
 *
 * One reader and one writer may use a ring at the same time without a
 * lock between them, as in a kfifo: only the writer stores head and only
 * the reader stores tail. Each publishes its index with smp_store_release()
 * after touching the bytes, and reads the other's with smp_load_acquire()
 * before touching them, so the reader sees the bytes the writer queued
 * and the writer overwrites only bytes the reader has finished copying
 * (Documentation/core-api/circular-buffers.rst). Several readers, or
 * several writers, must be serialized by the caller; anything else that
 * stores an index, data or mask (emptying or resizing the ring) needs both
 * sides stopped. Static inlines, so that the KUnit suite tests them
 * without an export.
 */
#ifndef _ACME_RING_H
#define _ACME_RING_H

#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <linux/uio.h>

#include <asm/barrier.h>

/**
 * struct acme_ring - a byte queue
 * @data: storage, @mask + 1 bytes, a power of two
 * @mask: capacity - 1
 * @head: bytes ever queued, modulo 2^32
 * @tail: bytes ever taken, modulo 2^32
 */
struct acme_ring {
	u8 *data;
	unsigned int mask;
	unsigned int head;
	unsigned int tail;
};

static inline unsigned int acme_ring_size(const struct acme_ring *ring)
{
	return ring->mask + 1;
}

/*
 * Bytes queued: exact with both sides stopped; for the reader a lower
 * bound (a writer may add), for the writer an upper bound (a reader may
 * take). Each side needs the acquire of the other's index only; both are
 * acquired so that one helper serves either side.
 */
static inline unsigned int acme_ring_len(const struct acme_ring *ring)
{
	/* Acquire: pairs with the release that published each index. */
	return smp_load_acquire(&ring->head) - smp_load_acquire(&ring->tail);
}

/*
 * Bytes free: exact with both sides stopped; for the writer a lower bound,
 * as a reader may take more, which is all a writer needs.
 */
static inline unsigned int acme_ring_free(const struct acme_ring *ring)
{
	return acme_ring_size(ring) - acme_ring_len(ring);
}

/**
 * acme_ring_to_iter() - take queued bytes into an iov_iter
 * @ring: the queue
 * @to: destination
 *
 * Copies as many bytes as @ring holds and @to has room for, in at most two
 * pieces (the buffer wraps), and takes them off the queue. The reader's
 * side: the caller serializes it with other readers.
 *
 * Return: the bytes copied and taken, fewer than asked on a fault.
 */
static inline size_t acme_ring_to_iter(struct acme_ring *ring,
				       struct iov_iter *to)
{
	/* Acquire: the bytes below head are the writer's finished copies. */
	unsigned int len = smp_load_acquire(&ring->head) - ring->tail;
	size_t want = min_t(size_t, len, iov_iter_count(to));
	unsigned int off = ring->tail & ring->mask;
	size_t first = min_t(size_t, want, acme_ring_size(ring) - off);
	size_t copied;

	copied = copy_to_iter(ring->data + off, first, to);
	if (copied == first && want > first)
		copied += copy_to_iter(ring->data, want - first, to);

	/* Release: the copies above are done before the writer reuses them. */
	smp_store_release(&ring->tail, ring->tail + copied);
	return copied;
}

/**
 * acme_ring_from_iter() - copy bytes from an iov_iter into the free space
 * @ring: the queue
 * @count: bytes to copy, at most acme_ring_free()
 * @from: source
 *
 * Copies in at most two pieces but queues nothing: acme_ring_commit()
 * queues what the caller keeps, so that a partial copy can be dropped. The
 * writer's side, as is acme_ring_commit(): the caller serializes it with
 * other writers, and acme_ring_free() read the reader's tail with the
 * acquire that orders these copies after the reader's.
 *
 * Return: the bytes copied, fewer than @count on a fault.
 */
static inline size_t acme_ring_from_iter(struct acme_ring *ring, size_t count,
					 struct iov_iter *from)
{
	unsigned int off = ring->head & ring->mask;
	size_t first = min_t(size_t, count, acme_ring_size(ring) - off);
	size_t copied;

	copied = copy_from_iter(ring->data + off, first, from);
	if (copied == first && count > first)
		copied += copy_from_iter(ring->data, count - first, from);
	return copied;
}

/**
 * acme_ring_commit() - queue bytes that acme_ring_from_iter() copied
 * @ring: the queue
 * @count: bytes to queue, at most what was copied
 *
 * The writer's side: the caller serializes it with other writers. The
 * release pairs with the acquire of head in acme_ring_to_iter().
 */
static inline void acme_ring_commit(struct acme_ring *ring, size_t count)
{
	/* Release: the reader that sees the new head sees the bytes below. */
	smp_store_release(&ring->head, ring->head + count);
}

#endif /* _ACME_RING_H */
