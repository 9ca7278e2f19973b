// SPDX-License-Identifier: GPL-2.0
/*
 * acme-bench - throughput of the acme devices next to their peers
 *
 * In one run it measures:
 *  - an acme FIFO against a pipe(2): a writer process and a reader process
 *    moving CHUNK bytes per write(2) and read(2), for chunks of 1 B, 64 B,
 *    4 KiB, 64 KiB and 1 MiB;
 *  - the same with a reader that splice(2)s CHUNK bytes from the FIFO (or
 *    the pipe) into a second pipe, and from that into /dev/null, at 4 KiB
 *    and 64 KiB;
 *  - an acme memory device against a file of the same size on tmpfs:
 *    sequential read(2) and write(2) at 4 KiB and 64 KiB, back to offset 0
 *    at the end;
 *  - the same two for sendfile(2) of CHUNK bytes to /dev/null, at 4 KiB and
 *    64 KiB, back to offset 0 at the end;
 *  - the same two mapped with mmap(MAP_SHARED), every page written once
 *    before the clock starts: memcpy(3) of CHUNK bytes out of the mapping
 *    (or into it), from start to end and again, at 4 KiB and 64 KiB;
 *  - read(2) of /dev/zero (one copy) and write(2) to /dev/null (no copy), the
 *    limits of any character device;
 *  - scaling: two memory devices read (or written) at once by two processes,
 *    one per CPU, against one device, and the same for two tmpfs files and
 *    for /dev/zero, which show what the machine itself scales to.
 *
 * Every figure is the median of RUNS timed runs of MS milliseconds, after
 * one warm-up run that is not counted; min and max give the spread. The runs
 * of an acme device and of its peer alternate, so that a slow phase of the
 * machine hits both. Per-operation time is the time per CHUNK moved.
 *
 * Output is tab-separated, one line per figure, after '#' comment lines:
 *
 *	result	CASE	CHUNK	MiB/s	MIN	MAX	ns/op
 *	ratio	NAME	VALUE	TARGET
 *
 * A ratio line compares an acme figure with its peer measured in the same
 * run; TARGET is ">=1.10", "<=0.90" or "-" when there is none. This is a
 * benchmark, not a test: it exits 0 whatever the figures are, and non-zero
 * only when something could not be measured. When a driver lacks splice or
 * mmap, a line "# CASES: not measured: WHY" takes the place of those
 * figures, the others are measured, and the exit status is 1.
 *
 * The two memory devices are resized to 1 MiB while it runs, and back at
 * the end; what they held is overwritten. That needs CAP_SYS_ADMIN.
 *
 * usage: acme-bench [-r RUNS] [-t MS] [-f FIFO] [-m MEM] [-M MEM2] [-d DIR]
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/acme.h>
#include <linux/magic.h>

#include "../../kselftest.h"

#define KIB		1024UL
#define MIB		(1024UL * 1024)
#define MAX_RUNS	99

static int runs = 5;
static int run_ms = 200;
static const char *fifo_path = "/dev/acme_fifo0";
static const char *mem_path = "/dev/acme0";
static const char *mem2_path = "/dev/acme1";
static const char *tmp_dir = "/tmp";
static size_t mem_size = MIB;
static char *buf;
static int unmeasured;

static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "acme-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

/*
 * Cases that cannot be measured here, with the errno of the call that said
 * so: a comment line in the output, and the exit status will be 1.
 */
static void not_measured(const char *cases, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("# %s: not measured: ", cases);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (err)
		printf(": %s", strerror(err));
	putchar('\n');
	fflush(stdout);
	unmeasured++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d)", cpu);
}

static int xopen(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die("open %s", path);
	return fd;
}

/* Timed calls are cheap for small chunks, so check the clock every n. */
static unsigned int clock_every(size_t chunk)
{
	return chunk >= 4 * KIB ? 1 : 256;
}

/* Where a reader splices a stream: a pipe, then /dev/null. */
struct splicer {
	int pipe[2];
	int null;
};

static void splicer_open(struct splicer *s)
{
	if (pipe(s->pipe))
		die("pipe");
	s->null = xopen("/dev/null", O_WRONLY);
}

static void splicer_close(struct splicer *s)
{
	close(s->null);
	close(s->pipe[1]);
	close(s->pipe[0]);
}

/*
 * Take up to chunk bytes from rfd: read(2) them or, with a splicer,
 * splice(2) them into its pipe and all of that on into /dev/null, so that
 * the pipe never fills. Returns the bytes taken, or -1.
 */
static ssize_t stream_take(int rfd, size_t chunk, const struct splicer *s)
{
	ssize_t n, m, left;

	if (!s)
		return read(rfd, buf + 2 * MIB, chunk);
	n = splice(rfd, NULL, s->pipe[1], NULL, chunk, 0);
	for (left = n; left > 0; left -= m) {
		m = splice(s->pipe[0], NULL, s->null, NULL, left, 0);
		if (m <= 0)
			return -1;
	}
	return n;
}

/*
 * One stream run: a child writes CHUNK-byte writes to wfd until it is
 * killed; this process takes from rfd (stream_take()) for run_ms from the
 * first byte on. Returns MiB/s.
 */
static double stream_run(int rfd, int wfd, size_t chunk,
			 const struct splicer *s)
{
	const char *how = s ? "splice" : "read";
	unsigned int every = clock_every(chunk), i = 0;
	double t0, t = 0;
	uint64_t bytes = 0;
	ssize_t n;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(rfd);
		for (;;)
			if (write(wfd, buf, chunk) < 0 && errno != EINTR)
				_exit(1);
	}

	n = stream_take(rfd, chunk, s);
	if (n <= 0)
		die("first %s of the stream", how);
	t0 = now();
	for (;;) {
		n = stream_take(rfd, chunk, s);
		if (n <= 0)
			die("%s of the stream", how);
		bytes += n;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return bytes / t / MIB;
}

static void fifo_clear(int fd)
{
	struct acme_clear args = {};

	if (ioctl(fd, ACME_IOC_CLEAR, &args))
		die("ACME_IOC_CLEAR on %s", fifo_path);
}

/* A FIFO run; the reader splices when spl is set. */
static double fifo_run(size_t chunk, bool spl)
{
	int rfd = xopen(fifo_path, O_RDONLY);
	int wfd = xopen(fifo_path, O_WRONLY);
	struct splicer s;
	double mibs;

	if (spl)
		splicer_open(&s);
	fifo_clear(wfd);
	mibs = stream_run(rfd, wfd, chunk, spl ? &s : NULL);
	fifo_clear(wfd);
	if (spl)
		splicer_close(&s);
	close(wfd);
	close(rfd);
	return mibs;
}

static double pipe_run(size_t chunk, bool spl)
{
	struct splicer s;
	int p[2];
	double mibs;

	if (pipe(p))
		die("pipe");
	if (spl)
		splicer_open(&s);
	mibs = stream_run(p[0], p[1], chunk, spl ? &s : NULL);
	if (spl)
		splicer_close(&s);
	close(p[0]);
	close(p[1]);
	return mibs;
}

/* Sequential read(2) or write(2) of fd, size bytes long, for run_ms. */
static double seq_loop(int fd, size_t size, size_t chunk, bool wr)
{
	unsigned int every = clock_every(chunk), i = 0;
	double t0 = now(), t;
	uint64_t bytes = 0;
	size_t off = 0;
	ssize_t n;

	for (;;) {
		if (size && off >= size) {
			if (lseek(fd, 0, SEEK_SET))
				die("lseek");
			off = 0;
		}
		n = wr ? write(fd, buf, chunk) : read(fd, buf, chunk);
		if (n <= 0)
			die("%s at offset %zu", wr ? "write" : "read", off);
		off += n;
		bytes += n;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			return bytes / t / MIB;
	}
}

static double seq_run(const char *path, size_t size, size_t chunk, bool wr)
{
	int fd = xopen(path, wr ? O_WRONLY : O_RDONLY);
	double mibs = seq_loop(fd, size, chunk, wr);

	close(fd);
	return mibs;
}

/* sendfile(2) from path, size bytes long, to /dev/null for run_ms. */
static double sendfile_run(const char *path, size_t size, size_t chunk)
{
	unsigned int every = clock_every(chunk), i = 0;
	int in = xopen(path, O_RDONLY);
	int out = xopen("/dev/null", O_WRONLY);
	double t0 = now(), t;
	uint64_t bytes = 0;
	off_t off = 0;
	ssize_t n;

	for (;;) {
		if (off >= (off_t)size)
			off = 0;
		n = sendfile(out, in, &off, chunk);
		if (n <= 0)
			die("sendfile from %s at offset %lld", path,
			    (long long)off);
		bytes += n;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			break;
	}
	close(out);
	close(in);
	return bytes / t / MIB;
}

/*
 * memcpy(3) of chunk bytes out of (or, wr, into) a MAP_SHARED mapping of
 * path, size bytes long, from start to end and again, for run_ms. Every
 * page is written once before the clock starts, so that no timed access
 * faults. A copy is cheap next to a system call: check the clock once per
 * 64 KiB.
 */
static double mmap_run(const char *path, size_t size, size_t chunk, bool wr)
{
	unsigned int every = chunk < 64 * KIB ? 64 * KIB / chunk : 1, i = 0;
	int fd = xopen(path, O_RDWR);
	uint64_t bytes = 0;
	size_t off;
	double t0, t;
	char *map;

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s", path);
	for (off = 0; off < size; off += 4 * KIB)
		map[off] = 0xa5;

	off = 0;
	t0 = now();
	for (;;) {
		if (off + chunk > size)
			off = 0;
		if (wr)
			memcpy(map + off, buf, chunk);
		else
			memcpy(buf + 2 * MIB, map + off, chunk);
		off += chunk;
		bytes += chunk;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			break;
	}
	if (munmap(map, size))
		die("munmap %s", path);
	close(fd);
	return bytes / t / MIB;
}

/*
 * Aggregate MiB/s of nr processes, process i pinned to CPU i and running
 * seq_loop() on paths[i] at the same time as the others.
 */
static double parallel_run(const char *const *paths, int nr, size_t size,
			   size_t chunk, bool wr)
{
	double total = 0, mibs;
	int p[2], i;

	if (pipe(p))
		die("pipe");
	for (i = 0; i < nr; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			pin(i);
			mibs = seq_run(paths[i], size, chunk, wr);
			if (write(p[1], &mibs, sizeof(mibs)) != sizeof(mibs))
				_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < nr; i++) {
		if (read(p[0], &mibs, sizeof(mibs)) != sizeof(mibs))
			die("a worker of the parallel run failed");
		total += mibs;
	}
	while (wait(NULL) > 0)
		;
	close(p[0]);
	close(p[1]);
	return total;
}

struct fig {
	const char *name;
	size_t chunk;
	double mibs[MAX_RUNS];
	double median, min, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void fig_report(struct fig *f)
{
	double s[MAX_RUNS];

	memcpy(s, f->mibs, runs * sizeof(s[0]));
	qsort(s, runs, sizeof(s[0]), cmp_double);
	f->min = s[0];
	f->max = s[runs - 1];
	f->median = runs % 2 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
	printf("result\t%s\t%zu\t%.1f\t%.1f\t%.1f\t%.0f\n", f->name, f->chunk,
	       f->median, f->min, f->max, f->chunk * 1e9 / (f->median * MIB));
	fflush(stdout);
}

/* Paths used at once by the processes of a parallel run. */
struct par {
	const char *const *paths;
	size_t size;
	bool wr;
};

/* The measurement behind a figure, with its arguments. */
struct meas {
	double (*fn)(const struct meas *m);
	size_t chunk;
	const char *path;
	bool wr;
	bool spl;
	const struct par *par;
};

static double meas_fifo(const struct meas *m)
{
	return fifo_run(m->chunk, m->spl);
}

static double meas_pipe(const struct meas *m)
{
	return pipe_run(m->chunk, m->spl);
}

static double meas_seq(const struct meas *m)
{
	return seq_run(m->path, mem_size, m->chunk, m->wr);
}

static double meas_sendfile(const struct meas *m)
{
	return sendfile_run(m->path, mem_size, m->chunk);
}

static double meas_mmap(const struct meas *m)
{
	return mmap_run(m->path, mem_size, m->chunk, m->wr);
}

/* A character device that never ends (/dev/zero, /dev/null). */
static double meas_limit(const struct meas *m)
{
	return seq_run(m->path, 0, m->chunk, m->wr);
}

/* Measure a and b alternately: a warm-up round, then runs timed rounds. */
static void measure_pair(struct fig *a, const struct meas *ma,
			 struct fig *b, const struct meas *mb)
{
	int r;

	for (r = -1; r < runs; r++) {
		double x = ma->fn(ma), y = b ? mb->fn(mb) : 0;

		if (r < 0)
			continue;
		a->mibs[r] = x;
		if (b)
			b->mibs[r] = y;
	}
	fig_report(a);
	if (b)
		fig_report(b);
}

static void print_ratio(const char *name, size_t chunk, double value,
			const char *target)
{
	char label[64];

	if (chunk >= MIB)
		snprintf(label, sizeof(label), "%s %zu MiB", name, chunk / MIB);
	else if (chunk >= KIB)
		snprintf(label, sizeof(label), "%s %zu KiB", name, chunk / KIB);
	else
		snprintf(label, sizeof(label), "%s %zu B", name, chunk);
	printf("ratio\t%s\t%.2f\t%s\n", label, value, target);
	fflush(stdout);
}

static void bench_fifo(void)
{
	static const size_t chunks[] = { 1, 64, 4 * KIB, 64 * KIB, MIB };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct meas ma = { .fn = meas_fifo, .chunk = chunks[i] };
		struct meas mb = { .fn = meas_pipe, .chunk = chunks[i] };
		struct fig a = { .name = "acme-fifo", .chunk = chunks[i] };
		struct fig b = { .name = "pipe", .chunk = chunks[i] };

		measure_pair(&a, &ma, &b, &mb);
		print_ratio("fifo/pipe throughput", chunks[i],
			    a.median / b.median,
			    chunks[i] == 64 * KIB ? ">=1.10" : "-");
		print_ratio("fifo/pipe time per op", chunks[i],
			    b.median / a.median, chunks[i] == 1 ? "<=0.90" : "-");
	}
}

/*
 * Can the reader of a FIFO splice(2)? An older driver has no
 * ->splice_read(): say so, and measure no splice.
 */
static bool fifo_can_splice(void)
{
	int rfd = xopen(fifo_path, O_RDONLY | O_NONBLOCK);
	int wfd = xopen(fifo_path, O_WRONLY);
	int p[2];
	ssize_t n;

	if (pipe(p))
		die("pipe");
	fifo_clear(wfd);
	if (write(wfd, buf, 1) != 1)
		die("write %s", fifo_path);
	errno = 0;
	n = splice(rfd, NULL, p[1], NULL, 1, SPLICE_F_NONBLOCK);
	if (n != 1)
		not_measured("acme-fifo-splice, pipe-splice",
			     "splice(2) of 1 byte from %s into a pipe returned %zd",
			     fifo_path, n);
	fifo_clear(wfd);
	close(p[0]);
	close(p[1]);
	close(wfd);
	close(rfd);
	return n == 1;
}

static void bench_splice(void)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i;

	if (!fifo_can_splice())
		return;
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct meas ma = {
			.fn = meas_fifo, .chunk = chunks[i], .spl = true,
		};
		struct meas mb = {
			.fn = meas_pipe, .chunk = chunks[i], .spl = true,
		};
		struct fig a = { .name = "acme-fifo-splice", .chunk = chunks[i] };
		struct fig b = { .name = "pipe-splice", .chunk = chunks[i] };

		measure_pair(&a, &ma, &b, &mb);
		print_ratio("fifo/pipe splice", chunks[i], a.median / b.median,
			    "-");
	}
}

/* Set the size of a memory device; return the size it had. */
static uint64_t mem_resize(const char *path, uint64_t size)
{
	uint64_t old;
	int fd = xopen(path, O_RDWR);

	if (ioctl(fd, ACME_IOC_GET_SIZE, &old))
		die("ACME_IOC_GET_SIZE on %s", path);
	if (ioctl(fd, ACME_IOC_SET_SIZE, &size))
		die("ACME_IOC_SET_SIZE %llu on %s", (unsigned long long)size,
		    path);
	close(fd);
	return old;
}

/* Make a tmpfs file of mem_size bytes in tmp_dir; return its path. */
static const char *tmp_setup(void)
{
	static char path[256];
	struct statfs sfs;
	int fd;

	if (statfs(tmp_dir, &sfs))
		die("statfs %s", tmp_dir);
	if (sfs.f_type != TMPFS_MAGIC) {
		errno = 0;
		die("%s is not on tmpfs (mount one there, or give -d DIR)",
		    tmp_dir);
	}
	snprintf(path, sizeof(path), "%s/acme-bench.%d", tmp_dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open %s", path);
	if (write(fd, buf, mem_size) != (ssize_t)mem_size)
		die("write %s", path);
	close(fd);
	return path;
}

/*
 * The memory device against the tmpfs file @tmp, with @fn, for reads and
 * then writes at 4 and 64 KiB: figures @acme[wr] and @peer[wr], ratio
 * @ratio[wr]; the read and write ratios at 64 KiB have @target.
 */
static void bench_mem_pairs(double (*fn)(const struct meas *m),
			    const char *tmp, const char *const acme[2],
			    const char *const peer[2],
			    const char *const ratio[2], const char *target)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i, wr;

	for (wr = 0; wr < 2; wr++) {
		for (i = 0; i < ARRAY_SIZE(chunks); i++) {
			struct meas ma = {
				.fn = fn, .chunk = chunks[i],
				.path = mem_path, .wr = wr,
			};
			struct meas mb = {
				.fn = fn, .chunk = chunks[i],
				.path = tmp, .wr = wr,
			};
			struct fig a = { .name = acme[wr], .chunk = chunks[i] };
			struct fig b = { .name = peer[wr], .chunk = chunks[i] };

			measure_pair(&a, &ma, &b, &mb);
			print_ratio(ratio[wr], chunks[i], a.median / b.median,
				    chunks[i] == 64 * KIB ? target : "-");
		}
	}
}

static void bench_mem(const char *tmp)
{
	static const char *const acme[2] = { "acme-mem-read", "acme-mem-write" };
	static const char *const peer[2] = { "tmpfs-read", "tmpfs-write" };
	static const char *const ratio[2] = {
		"mem/tmpfs read", "mem/tmpfs write",
	};

	bench_mem_pairs(meas_seq, tmp, acme, peer, ratio, ">=1.00");
}

/*
 * Does a memory device take sendfile(2) (->splice_read()) and
 * mmap(MAP_SHARED) of its mem_size bytes? An older driver does not: say so,
 * and measure neither that nor its peer.
 */
static bool mem_can_sendfile(void)
{
	int in = xopen(mem_path, O_RDONLY);
	int out = xopen("/dev/null", O_WRONLY);
	off_t off = 0;
	ssize_t n;

	errno = 0;
	n = sendfile(out, in, &off, 4 * KIB);
	if (n <= 0)
		not_measured("acme-mem-sendfile, tmpfs-sendfile",
			     "sendfile(2) of 4096 bytes from %s to /dev/null returned %zd",
			     mem_path, n);
	close(out);
	close(in);
	return n > 0;
}

static bool mem_can_mmap(void)
{
	int fd = xopen(mem_path, O_RDWR);
	void *map;

	map = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		not_measured("acme-mem-mmap-read and -write, tmpfs-mmap-read and -write",
			     "mmap(MAP_SHARED) of %zu bytes of %s", mem_size,
			     mem_path);
	else if (munmap(map, mem_size))
		die("munmap %s", mem_path);
	close(fd);
	return map != MAP_FAILED;
}

static void bench_sendfile(const char *tmp)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i;

	if (!mem_can_sendfile())
		return;
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct meas ma = {
			.fn = meas_sendfile, .chunk = chunks[i],
			.path = mem_path,
		};
		struct meas mb = {
			.fn = meas_sendfile, .chunk = chunks[i], .path = tmp,
		};
		struct fig a = { .name = "acme-mem-sendfile", .chunk = chunks[i] };
		struct fig b = { .name = "tmpfs-sendfile", .chunk = chunks[i] };

		measure_pair(&a, &ma, &b, &mb);
		print_ratio("mem/tmpfs sendfile", chunks[i],
			    a.median / b.median, "-");
	}
}

static void bench_mmap(const char *tmp)
{
	static const char *const acme[2] = {
		"acme-mem-mmap-read", "acme-mem-mmap-write",
	};
	static const char *const peer[2] = {
		"tmpfs-mmap-read", "tmpfs-mmap-write",
	};
	static const char *const ratio[2] = {
		"mem/tmpfs mmap read", "mem/tmpfs mmap write",
	};

	if (mem_can_mmap())
		bench_mem_pairs(meas_mmap, tmp, acme, peer, ratio, "-");
}

static void bench_limits(void)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct meas mz = {
			.fn = meas_limit, .chunk = chunks[i], .path = "/dev/zero",
		};
		struct meas mn = {
			.fn = meas_limit, .chunk = chunks[i], .path = "/dev/null",
			.wr = true,
		};
		struct fig z = { .name = "zero-read", .chunk = chunks[i] };
		struct fig n = { .name = "null-write", .chunk = chunks[i] };

		measure_pair(&z, &mz, &n, &mn);
	}
}

static double meas_par(const struct meas *m, int nr)
{
	const struct par *p = m->par;

	return parallel_run(p->paths, nr, p->size, m->chunk, p->wr);
}

static double meas_par1(const struct meas *m) { return meas_par(m, 1); }
static double meas_par2(const struct meas *m) { return meas_par(m, 2); }

/* One and two at once: aggregate throughput, and its ratio. */
static void bench_scale_one(const char *name, const struct par *p)
{
	struct meas m1 = { .fn = meas_par1, .chunk = 64 * KIB, .par = p };
	struct meas m2 = { .fn = meas_par2, .chunk = 64 * KIB, .par = p };
	char n1[48], n2[48];
	struct fig a = { .name = n1, .chunk = 64 * KIB };
	struct fig b = { .name = n2, .chunk = 64 * KIB };

	snprintf(n1, sizeof(n1), "%s-x1", name);
	snprintf(n2, sizeof(n2), "%s-x2", name);
	measure_pair(&a, &m1, &b, &m2);
	snprintf(n1, sizeof(n1), "%s 2/1 devices", name);
	print_ratio(n1, 64 * KIB, b.median / a.median,
		    strncmp(name, "acme", 4) ? "-" : ">=1.60");
}

static void bench_scale(const char *tmp)
{
	static char tmp2[300];
	const char *const mems[] = { mem_path, mem2_path };
	const char *const tmps[] = { tmp, tmp2 };
	const char *const zeros[] = { "/dev/zero", "/dev/zero" };
	struct par pm = { mems, mem_size, false };
	struct par pmw = { mems, mem_size, true };
	struct par pt = { tmps, mem_size, false };
	struct par pz = { zeros, 0, false };
	int fd;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("# scale: skipped, it needs 2 CPUs and %ld are online\n",
		       sysconf(_SC_NPROCESSORS_ONLN));
		return;
	}
	snprintf(tmp2, sizeof(tmp2), "%s.2", tmp);
	fd = open(tmp2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, mem_size) != (ssize_t)mem_size)
		die("write %s", tmp2);
	close(fd);

	bench_scale_one("acme-mem-read", &pm);
	bench_scale_one("acme-mem-write", &pmw);
	bench_scale_one("tmpfs-read", &pt);
	bench_scale_one("zero-read", &pz);
	unlink(tmp2);
}

static void show_help(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r RUNS] [-t MS] [-f FIFO] [-m MEM] [-M MEM2] [-d DIR]\n"
		"  -r RUNS  timed runs per figure, 1-%d (default %d)\n"
		"  -t MS    length of a run in ms (default %d)\n"
		"  -f FIFO  acme FIFO device (default %s)\n"
		"  -m MEM   acme memory device (default %s)\n"
		"  -M MEM2  second memory device, for scaling (default %s)\n"
		"  -d DIR   directory on tmpfs (default %s)\n"
		"The memory devices are resized to 1 MiB and back (needs\n"
		"CAP_SYS_ADMIN); what they held is overwritten.\n",
		prog, MAX_RUNS, runs, run_ms, fifo_path, mem_path, mem2_path,
		tmp_dir);
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t size1, size2;
	struct utsname u;
	const char *tmp;
	int opt;

	while ((opt = getopt(argc, argv, "r:t:f:m:M:d:h")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			run_ms = atoi(optarg);
			break;
		case 'f':
			fifo_path = optarg;
			break;
		case 'm':
			mem_path = optarg;
			break;
		case 'M':
			mem2_path = optarg;
			break;
		case 'd':
			tmp_dir = optarg;
			break;
		default:
			show_help(argv[0]);
		}
	}
	if (optind != argc || runs < 1 || runs > MAX_RUNS || run_ms < 1)
		show_help(argv[0]);

	/* 2 MiB to write from, 1 MiB to read into, all faulted in. */
	buf = aligned_alloc(4096, 3 * MIB);
	if (!buf)
		die("out of memory");
	memset(buf, 0xa5, 3 * MIB);
	signal(SIGPIPE, SIG_IGN);

	uname(&u);
	printf("# acme-bench: Linux %s %s, %ld CPUs, %d runs of %d ms after a warm-up\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), runs, run_ms);
	printf("# kind\tcase\tchunk\tMiB/s\tmin\tmax\tns/op\n");
	fflush(stdout);

	tmp = tmp_setup();
	size1 = mem_resize(mem_path, mem_size);
	size2 = mem_resize(mem2_path, mem_size);
	bench_fifo();
	bench_splice();
	bench_mem(tmp);
	bench_sendfile(tmp);
	bench_mmap(tmp);
	bench_limits();
	bench_scale(tmp);
	mem_resize(mem2_path, size2);
	mem_resize(mem_path, size1);
	unlink(tmp);
	return unmeasured ? 1 : 0;
}
