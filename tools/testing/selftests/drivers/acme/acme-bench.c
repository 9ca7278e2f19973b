// SPDX-License-Identifier: GPL-2.0
/*
 * acme-bench - throughput of the acme devices next to their peers and next
 * to the limits of the machine
 *
 * In one run it measures, in sections that each print a progress line
 * "# section: NAME (at S s)":
 *  - fifo: an acme FIFO against a pipe(2), a writer process and a reader
 *    process moving CHUNK bytes per write(2) and read(2), for chunks of 1 B,
 *    64 B, 4 KiB, 64 KiB and 1 MiB, next to memcpy-2, the FIFO's floor: two
 *    copies of CHUNK bytes, into a 64 KiB ring and out of it;
 *  - splice: the same with a reader that splice(2)s CHUNK bytes from the
 *    FIFO (or the pipe) into a second pipe, and from that into /dev/null,
 *    at 4 KiB and 64 KiB;
 *  - mem: an acme memory device against a file of the same size on tmpfs:
 *    sequential read(2) and write(2) at 4 KiB and 64 KiB, back to offset 0
 *    at the end, next to memcpy-1: one copy of CHUNK bytes out of (or
 *    into) a 1 MiB buffer walked the same way;
 *  - sendfile: the same two for sendfile(2) of CHUNK bytes to /dev/null, at
 *    4 KiB and 64 KiB;
 *  - mmap: the same two mapped with mmap(MAP_SHARED), every page written
 *    once before the clock starts: a copy of CHUNK bytes out of the
 *    mapping (or into it), from start to end and again, at 4 KiB and 64 KiB,
 *    next to memcpy-1;
 *  - limits: read(2) of /dev/zero (a clear of the user buffer, no source)
 *    and write(2) to /dev/null (no copy), the limits of any character
 *    device;
 *  - scale: two memory devices read (or written) at once by two processes,
 *    one per CPU, against one device; two FIFOs used at once, each by its
 *    own writer and reader, against one FIFO; and the same for two tmpfs
 *    files and for /dev/zero, which show what the machine itself scales to;
 *  - phases: where the time of a 64 KiB FIFO transfer goes, for the FIFO
 *    and for a pipe: copy-in, a write(2) of 64 KiB into an empty FIFO that
 *    no reader waits on; copy-out, a read(2) of 64 KiB from a FIFO that
 *    holds it; wake-up, from just before a 1-byte write(2) on one CPU to
 *    the return of the read(2) that a reader on the other CPU was blocked
 *    in (the clock below, the start kept in shared memory); stream, the time
 *    per 64 KiB operation of the fifo section; and one copy() of 64 KiB.
 *    Each is the median of PHASE_ITERS iterations (of the runs, for stream).
 *
 * The clock is CLOCK_MONOTONIC when it resolves a microsecond. When it does
 * not (a guest under TCG runs on the jiffies clocksource: 4 ms steps), it
 * is the TSC, its rate measured against CLOCK_MONOTONIC over a second; the
 * "# clock:" line says which.
 *
 * Every case has a warm-up run that is not counted, then RUNS timed runs of
 * MS milliseconds. The cases that are compared run interleaved, A B C A B C:
 * run r of each falls in the same phase of the machine. A ratio is computed
 * per interleaved run (run r of A over run r of B), and reported as the
 * median and min-max of those RUNS ratios, never as a ratio of medians.
 *
 * Pinning (CPUs numbered from 0): this process runs on CPU 0, and with it
 * every single-process case and every reader. The writer of a FIFO or pipe
 * runs on CPU 1. The processes of a parallel case run one per CPU: process
 * (or writer and reader pair) i on CPU i; one FIFO in the scale section is
 * therefore a writer and a reader on one CPU, and two FIFOs are two such
 * pairs. With one CPU online everything runs on CPU 0, a comment line says
 * so, and the scale section is skipped.
 *
 * memcpy-2 runs in this one process on CPU 0: the two copies one after the
 * other, through a 64 KiB buffer walked like the FIFO's ring. That is the
 * work a byte costs in a FIFO, without the system calls and the hand-over;
 * the FIFO's writer and reader copy on two CPUs, so a FIFO whose two copies
 * overlap can go above 1.0 of memcpy-2, one whose copies are serialized
 * (one lock over both) cannot. The ratio says how close to that floor the
 * FIFO is. memcpy-1 runs on CPU 0, as the memory device's cases do.
 *
 * Every user-space copy here (memcpy-1, memcpy-2, the mapped cases and the
 * memcpy phase) is copy(), the fastest of the candidates on this machine,
 * timed at the start on 64 KiB copies and named in a "# copy:" line: the C
 * library's memcpy(3) and, on x86_64, rep movsq and rep movsb, the string
 * moves of the kernel's copy_to_user() and copy_from_user() (which one
 * the kernel takes depends on the CPU's ERMS and FSRM). An emulator runs
 * SIMD copies several times slower than string moves, a real CPU about as
 * fast, so the limit is the best that user space can do here, whatever
 * the machine. A device can still beat it: the kernel's copy runs without
 * the system call's user-space loop, and under TCG kernel and user copies
 * do not cost the same.
 *
 * Output is tab-separated, after '#' comment lines (the header, the CPUs,
 * "# load before: LOADAVG" and "# load after: LOADAVG" from /proc/loadavg,
 * the sections):
 *
 *	result	CASE	CHUNK	MiB/s	MIN	MAX	ns/op
 *	ratio	NAME	MEDIAN	MIN	MAX	TARGET
 *	phase	SUBJECT	PHASE	NS	MIN	MAX
 *
 * A result is the median, min and max MiB/s of the timed runs, and the time
 * per CHUNK moved at the median. A ratio compares two cases measured
 * interleaved in this run; TARGET is ">=1.25", "<=0.70" or "-" when there
 * is none. A phase is the median, min and max nanoseconds of one phase;
 * SUBJECT is acme-fifo, pipe or memcpy.
 *
 * This is a benchmark, not a test: it exits 0 whatever the figures are,
 * and non-zero only when something could not be measured. When a driver
 * lacks splice or mmap, a line "# CASES: not measured: WHY" takes the place
 * of those figures, the others are measured, and the exit status is 1.
 *
 * The two memory devices are resized to 1 MiB while it runs, and the two
 * FIFOs emptied and resized to 64 KiB, the size of the pipes it compares
 * them with, and all back at the end; what they held is lost. That needs
 * CAP_SYS_ADMIN.
 *
 * -s SECTIONS runs only the sections named, comma-separated (e.g.
 * -s fifo,phases).
 *
 * usage: acme-bench [-r RUNS] [-t MS] [-f FIFO] [-F FIFO2] [-m MEM]
 *                   [-M MEM2] [-d DIR] [-s SECTIONS]
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

#if __has_include("x86intrin.h")
#include <x86intrin.h>
#define HAVE_TSC	1
#endif

#include "../../kselftest.h"

#define KIB		1024UL
#define MIB		(1024UL * 1024)
#define MAX_RUNS	99
#define RING		(64 * KIB)
#define PHASE_ITERS	201
#define MAX_SET		3

static int runs = 9;
static int run_ms = 300;
static const char *fifo_path = "/dev/acme_fifo0";
static const char *fifo2_path = "/dev/acme_fifo1";
static const char *mem_path = "/dev/acme0";
static const char *mem2_path = "/dev/acme1";
static const char *tmp_dir = "/tmp";
static size_t mem_size = MIB;
static char *buf;
static char *ctl_mem;		/* memcpy-1's 1 MiB, in place of a device */
static char *ctl_ring;		/* memcpy-2's 64 KiB ring */
static long nr_cpus;
static int writer_cpu;		/* 1, or 0 with one CPU online */
static double t_start;
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

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#ifdef HAVE_TSC
static double tsc_sec;		/* seconds per TSC count; 0: no TSC clock */
static uint64_t tsc0;

/* Wait for the next tick of CLOCK_MONOTONIC; the TSC right after it. */
static double mono_edge(uint64_t *tsc)
{
	double t = mono(), u;

	do {
		u = mono();
		*tsc = __rdtsc();
	} while (u == t);
	return u;
}
#endif

/* Seconds, from CLOCK_MONOTONIC or from the TSC (clock_setup()). */
static double now(void)
{
#ifdef HAVE_TSC
	if (tsc_sec)
		return (__rdtsc() - tsc0) * tsc_sec;
#endif
	return mono();
}

/*
 * A guest whose clocksource is jiffies (TCG finds no TSC frequency) has a
 * CLOCK_MONOTONIC that moves in ticks of milliseconds: too coarse for a
 * phase. Then time with the TSC, its rate measured against CLOCK_MONOTONIC
 * from one tick to another a second later.
 */
static void clock_setup(void)
{
	struct timespec res;
	long ns;

	if (clock_getres(CLOCK_MONOTONIC, &res))
		die("clock_getres");
	ns = res.tv_sec * 1000000000L + res.tv_nsec;
	if (ns <= 1000) {
		printf("# clock: CLOCK_MONOTONIC, resolution %ld ns\n", ns);
		return;
	}
#ifdef HAVE_TSC
	{
		uint64_t c0, c1;
		double t0, t1;

		t0 = mono_edge(&c0);
		while (mono() - t0 < 1.0)
			;
		t1 = mono_edge(&c1);
		tsc_sec = (t1 - t0) / (c1 - c0);
		tsc0 = __rdtsc();
		printf("# clock: TSC, %.1f MHz by CLOCK_MONOTONIC (%ld ns steps) over %.3f s\n",
		       1 / tsc_sec / 1e6, ns, t1 - t0);
	}
#else
	printf("# clock: CLOCK_MONOTONIC, resolution %ld ns: the phases are coarse\n",
	       ns);
#endif
}

static const char *const section_names[] = {
	"fifo", "splice", "mem", "sendfile", "mmap", "limits", "scale", "phases",
};

/* The sections of -s, comma-separated; NULL for all. */
static const char *sections;

/* Whether -s asks for section @name. */
static bool wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = sections;

	if (!p)
		return true;
	for (; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

/* Refuse an -s list that names no section or an unknown one. */
static bool sections_valid(void)
{
	const char *p = sections;
	size_t i, len;

	for (; p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
		len = strcspn(p, ",");
		for (i = 0; i < ARRAY_SIZE(section_names); i++)
			if (strlen(section_names[i]) == len &&
			    !strncmp(p, section_names[i], len))
				break;
		if (i == ARRAY_SIZE(section_names)) {
			fprintf(stderr, "acme-bench: unknown section '%.*s' in -s %s\n",
				(int)len, p, sections);
			return false;
		}
	}
	return true;
}

/* A progress line at the start of each section. */
static void progress(const char *name)
{
	printf("# section: %s (at %.0f s)\n", name, now() - t_start);
	fflush(stdout);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d)", cpu);
}

/* "# load WHEN: " and the line of /proc/loadavg. */
static void print_load(const char *when)
{
	char line[128] = "?\n";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			snprintf(line, sizeof(line), "?\n");
		fclose(f);
	}
	printf("# load %s: %s", when, line);
	fflush(stdout);
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

/* A copy is cheap next to a system call: check the clock once per 64 KiB. */
static unsigned int copy_every(size_t chunk)
{
	return chunk < 64 * KIB ? 64 * KIB / chunk : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of v[0..n); sorts v. */
static void stats(double *v, int n, double *med, double *min, double *max)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
 * One stream run: a child on CPU wcpu writes CHUNK-byte writes to wfd until
 * it is killed; this process takes from rfd (stream_take()) for run_ms from
 * the first byte on. Returns MiB/s.
 */
static double stream_run(int rfd, int wfd, size_t chunk,
			 const struct splicer *s, int wcpu)
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
		pin(wcpu);
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

static void fifo_clear(int fd, const char *path)
{
	struct acme_clear args = {};

	if (ioctl(fd, ACME_IOC_CLEAR, &args))
		die("ACME_IOC_CLEAR on %s", path);
}

/* A run on the FIFO at path; the reader splices when spl is set. */
static double fifo_run(const char *path, size_t chunk, bool spl, int wcpu)
{
	int rfd = xopen(path, O_RDONLY);
	int wfd = xopen(path, O_WRONLY);
	struct splicer s;
	double mibs;

	if (spl)
		splicer_open(&s);
	fifo_clear(wfd, path);
	mibs = stream_run(rfd, wfd, chunk, spl ? &s : NULL, wcpu);
	fifo_clear(wfd, path);
	if (spl)
		splicer_close(&s);
	close(wfd);
	close(rfd);
	return mibs;
}

/*
 * A pipe the size of the FIFO, RING bytes (64 KiB, Linux's default), so
 * that the two hold the same; its size is checked, not assumed.
 */
static void peer_pipe(int p[2])
{
	if (pipe(p))
		die("pipe");
	if (fcntl(p[1], F_SETPIPE_SZ, RING) < 0 ||
	    fcntl(p[1], F_GETPIPE_SZ) != RING)
		die("a pipe of %lu bytes (F_SETPIPE_SZ)", RING);
}

static double pipe_run(size_t chunk, bool spl)
{
	struct splicer s;
	int p[2];
	double mibs;

	peer_pipe(p);
	if (spl)
		splicer_open(&s);
	mibs = stream_run(p[0], p[1], chunk, spl ? &s : NULL, writer_cpu);
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
		n = wr ? write(fd, buf, chunk) : read(fd, buf + 2 * MIB, chunk);
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

static void copy_memcpy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

#ifdef __x86_64__
static void copy_movsq(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, tail = n % 8;

	asm volatile("rep movsq"
		     : "+D" (dst), "+S" (src), "+c" (words) : : "memory");
	asm volatile("rep movsb"
		     : "+D" (dst), "+S" (src), "+c" (tail) : : "memory");
}

static void copy_movsb(void *dst, const void *src, size_t n)
{
	asm volatile("rep movsb"
		     : "+D" (dst), "+S" (src), "+c" (n) : : "memory");
}
#endif

static const struct {
	const char *name;
	void (*fn)(void *dst, const void *src, size_t n);
} copies[] = {
	{ "memcpy(3)", copy_memcpy },
#ifdef __x86_64__
	{ "rep movsq", copy_movsq },
	{ "rep movsb", copy_movsb },
#endif
};

/* The user-space copy of every limit and mapped case (see the top). */
static void (*copy)(void *dst, const void *src, size_t n) = copy_memcpy;

/*
 * Time each candidate on 64 KiB copies from a 1 MiB buffer into the
 * reader's (best of 5 rounds of 64) and take the fastest as copy().
 */
static void copy_setup(char *src, char *dst)
{
	double best = 0, ns[ARRAY_SIZE(copies)], t0, t;
	unsigned int c, k = 0, round, i;

	for (c = 0; c < ARRAY_SIZE(copies); c++) {
		ns[c] = 0;
		for (round = 0; round < 5; round++) {
			t0 = now();
			for (i = 0; i < 64; i++)
				copies[c].fn(dst, src + (i % 16) * 64 * KIB,
					     64 * KIB);
			t = (now() - t0) * 1e9 / 64;
			if (!ns[c] || t < ns[c])
				ns[c] = t;
		}
		if (!best || ns[c] < best) {
			best = ns[c];
			copy = copies[c].fn;
			k = c;
		}
	}
	printf("# copy: %s, the fastest for 64 KiB (ns:", copies[k].name);
	for (c = 0; c < ARRAY_SIZE(copies); c++)
		printf(" %s %.0f", copies[c].name, ns[c]);
	printf(")\n");
	fflush(stdout);
}

/*
 * copy() of chunk bytes out of (or, wr, into) mem, size bytes long, from
 * start to end and again, for run_ms: the user buffer is the other side.
 */
static double copy_loop(char *mem, size_t size, size_t chunk, bool wr)
{
	unsigned int every = copy_every(chunk), i = 0;
	uint64_t bytes = 0;
	size_t off = 0;
	double t0, t;

	t0 = now();
	for (;;) {
		if (off + chunk > size)
			off = 0;
		if (wr)
			copy(mem + off, buf, chunk);
		else
			copy(buf + 2 * MIB, mem + off, chunk);
		off += chunk;
		bytes += chunk;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			return bytes / t / MIB;
	}
}

/*
 * copy_loop() through a MAP_SHARED mapping of path, size bytes long. Every
 * page is written once before the clock starts, so that no timed access
 * faults.
 */
static double mmap_run(const char *path, size_t size, size_t chunk, bool wr)
{
	int fd = xopen(path, O_RDWR);
	double mibs;
	size_t off;
	char *map;

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s", path);
	for (off = 0; off < size; off += 4 * KIB)
		map[off] = 0xa5;
	mibs = copy_loop(map, size, chunk, wr);
	if (munmap(map, size))
		die("munmap %s", path);
	close(fd);
	return mibs;
}

/*
 * memcpy-2: chunk bytes from the writer's buffer into a 64 KiB ring and out
 * of it into the reader's, split where the ring wraps, as a FIFO moves them;
 * both copies in this process, one after the other, for run_ms.
 */
static double copy2_run(size_t chunk)
{
	unsigned int every = copy_every(chunk), i = 0;
	uint64_t bytes = 0;
	size_t pos = 0, done, n;
	double t0, t;

	t0 = now();
	for (;;) {
		for (done = 0; done < chunk; done += n) {
			n = chunk - done;
			if (n > RING - pos)
				n = RING - pos;
			copy(ctl_ring + pos, buf + done, n);
			copy(buf + 2 * MIB + done, ctl_ring + pos, n);
			pos = (pos + n) % RING;
		}
		bytes += chunk;
		if (++i % every)
			continue;
		t = now() - t0;
		if (t * 1000 >= run_ms)
			return bytes / t / MIB;
	}
}

/* What a parallel run does in process i: MiB/s. */
typedef double (*par_fn)(int i, const void *arg);

/*
 * Aggregate MiB/s of nr processes, process i pinned to CPU i and running
 * fn(i, arg) at the same time as the others.
 */
static double parallel_run(int nr, par_fn fn, const void *arg)
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
			pin(i % nr_cpus);
			mibs = fn(i, arg);
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

static void fig_report(struct fig *f)
{
	double s[MAX_RUNS];

	memcpy(s, f->mibs, runs * sizeof(s[0]));
	stats(s, runs, &f->median, &f->min, &f->max);
	printf("result\t%s\t%zu\t%.1f\t%.1f\t%.1f\t%.0f\n", f->name, f->chunk,
	       f->median, f->min, f->max, f->chunk * 1e9 / (f->median * MIB));
	fflush(stdout);
}

/* Paths used at once by the processes of a parallel run. */
struct par {
	const char *const *paths;
	size_t size;
	bool wr;
	bool fifo;
	size_t chunk;
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
	return fifo_run(fifo_path, m->chunk, m->spl, writer_cpu);
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

/* memcpy-1 over a 1 MiB buffer, for any of seq, sendfile and mmap. */
static double meas_copy1(const struct meas *m)
{
	return copy_loop(ctl_mem, mem_size, m->chunk, m->wr);
}

static double meas_copy2(const struct meas *m)
{
	return copy2_run(m->chunk);
}

/* A character device that never ends (/dev/zero, /dev/null). */
static double meas_limit(const struct meas *m)
{
	return seq_run(m->path, 0, m->chunk, m->wr);
}

/*
 * Measure the n cases of a set interleaved: a warm-up run of each, then
 * runs rounds of one timed run of each, in turn.
 */
static void measure_set(struct fig *f, const struct meas *m, int n)
{
	int r, i;

	for (i = 0; i < n; i++)
		m[i].fn(&m[i]);
	/* A B C, then C B A: no case always runs first or last. */
	for (r = 0; r < runs; r++)
		for (i = 0; i < n; i++) {
			int k = r % 2 ? n - 1 - i : i;

			f[k].mibs[r] = m[k].fn(&m[k]);
		}
	for (i = 0; i < n; i++)
		fig_report(&f[i]);
}

static void chunk_label(char *s, size_t len, const char *name, size_t chunk)
{
	if (chunk >= MIB)
		snprintf(s, len, "%s %zu MiB", name, chunk / MIB);
	else if (chunk >= KIB)
		snprintf(s, len, "%s %zu KiB", name, chunk / KIB);
	else
		snprintf(s, len, "%s %zu B", name, chunk);
}

/*
 * The ratio of a to b per interleaved run: throughput (a over b) or, with
 * per_op, time per operation (b's MiB/s over a's). Prints its median and
 * min-max over the runs.
 */
static void print_ratio(const char *name, const struct fig *a,
			const struct fig *b, bool per_op, const char *target)
{
	double v[MAX_RUNS], med, min, max;
	char label[80];
	int r;

	for (r = 0; r < runs; r++)
		v[r] = per_op ? b->mibs[r] / a->mibs[r] : a->mibs[r] / b->mibs[r];
	stats(v, runs, &med, &min, &max);
	chunk_label(label, sizeof(label), name, a->chunk);
	printf("ratio\t%s\t%.3f\t%.3f\t%.3f\t%s\n", label, med, min, max,
	       target);
	fflush(stdout);
}

/* The 64 KiB stream figures, for the phase section. */
static struct fig stream64[2];

static void bench_fifo(void)
{
	static const size_t chunks[] = { 1, 64, 4 * KIB, 64 * KIB, MIB };
	unsigned int i;

	progress("fifo");
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		size_t c = chunks[i];
		struct meas m[] = {
			{ .fn = meas_fifo, .chunk = c },
			{ .fn = meas_pipe, .chunk = c },
			{ .fn = meas_copy2, .chunk = c },
		};
		struct fig f[] = {
			{ .name = "acme-fifo", .chunk = c },
			{ .name = "pipe", .chunk = c },
			{ .name = "memcpy-2", .chunk = c },
		};

		measure_set(f, m, ARRAY_SIZE(f));
		print_ratio("fifo/pipe throughput", &f[0], &f[1], false,
			    c == 1 ? "-" : c == 64 * KIB ? ">=1.60" : ">=1.25");
		print_ratio("fifo/pipe time per op", &f[0], &f[1], true,
			    c == 1 ? "<=0.70" : "-");
		print_ratio("fifo/memcpy-2", &f[0], &f[2], false, "-");
		if (c == 64 * KIB) {
			stream64[0] = f[0];
			stream64[1] = f[1];
		}
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
	fifo_clear(wfd, fifo_path);
	if (write(wfd, buf, 1) != 1)
		die("write %s", fifo_path);
	errno = 0;
	n = splice(rfd, NULL, p[1], NULL, 1, SPLICE_F_NONBLOCK);
	if (n != 1)
		not_measured("acme-fifo-splice, pipe-splice",
			     "splice(2) of 1 byte from %s into a pipe returned %zd",
			     fifo_path, n);
	fifo_clear(wfd, fifo_path);
	close(p[0]);
	close(p[1]);
	close(wfd);
	close(rfd);
	return n == 1;
}

/*
 * Case @a against case @b at 4 and 64 KiB, run interleaved: figures @na and
 * @nb and, unless @ratio is NULL, their ratio (no target).
 */
static void bench_pair(const struct meas *a, const char *na,
		       const struct meas *b, const char *nb, const char *ratio)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct meas m[] = { *a, *b };
		struct fig f[] = {
			{ .name = na, .chunk = chunks[i] },
			{ .name = nb, .chunk = chunks[i] },
		};

		m[0].chunk = chunks[i];
		m[1].chunk = chunks[i];
		measure_set(f, m, ARRAY_SIZE(f));
		if (ratio)
			print_ratio(ratio, &f[0], &f[1], false, "-");
	}
}

static void bench_splice(void)
{
	static const struct meas fifo = { .fn = meas_fifo, .spl = true };
	static const struct meas pipe = { .fn = meas_pipe, .spl = true };

	progress("splice");
	if (fifo_can_splice())
		bench_pair(&fifo, "acme-fifo-splice", &pipe, "pipe-splice",
			   "fifo/pipe splice");
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

/*
 * Empty the FIFO at @path and give it RING bytes, as its peer pipe has;
 * return the size it had.
 */
static uint64_t fifo_resize(const char *path, uint64_t size)
{
	int fd = xopen(path, O_WRONLY);

	fifo_clear(fd, path);
	close(fd);
	return mem_resize(path, size);
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

/* The names of a set of the memory device, for reads or writes. */
struct mem_names {
	const char *acme, *peer, *ctl;	/* result cases */
	const char *vs_peer, *vs_ctl;	/* ratios */
};

/*
 * The memory device against the tmpfs file @tmp and, with @ctl, against
 * memcpy-1, with @fn, for reads and then writes at 4 and 64 KiB; the ratio
 * to memcpy-1 at 64 KiB has @target.
 */
static void bench_mem_sets(double (*fn)(const struct meas *m),
			   const char *tmp, const struct mem_names names[2],
			   bool ctl, const char *target)
{
	static const size_t chunks[] = { 4 * KIB, 64 * KIB };
	unsigned int i, wr;

	for (wr = 0; wr < 2; wr++) {
		const struct mem_names *nm = &names[wr];

		for (i = 0; i < ARRAY_SIZE(chunks); i++) {
			size_t c = chunks[i];
			struct meas m[] = {
				{ .fn = fn, .chunk = c, .path = mem_path,
				  .wr = wr },
				{ .fn = fn, .chunk = c, .path = tmp, .wr = wr },
				{ .fn = meas_copy1, .chunk = c, .wr = wr },
			};
			struct fig f[] = {
				{ .name = nm->acme, .chunk = c },
				{ .name = nm->peer, .chunk = c },
				{ .name = nm->ctl, .chunk = c },
			};

			measure_set(f, m, ctl ? 3 : 2);
			print_ratio(nm->vs_peer, &f[0], &f[1], false, "-");
			if (ctl)
				print_ratio(nm->vs_ctl, &f[0], &f[2], false,
					    c == 64 * KIB ? target : "-");
		}
	}
}

static void bench_mem(const char *tmp)
{
	static const struct mem_names names[2] = {
		{ "acme-mem-read", "tmpfs-read", "memcpy-1-mem-read",
		  "mem/tmpfs read", "mem/memcpy-1 read" },
		{ "acme-mem-write", "tmpfs-write", "memcpy-1-mem-write",
		  "mem/tmpfs write", "mem/memcpy-1 write" },
	};

	progress("mem");
	bench_mem_sets(meas_seq, tmp, names, true, ">=0.80");
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
	struct meas mem = { .fn = meas_sendfile, .path = mem_path };
	struct meas file = { .fn = meas_sendfile, .path = tmp };

	progress("sendfile");
	if (mem_can_sendfile())
		bench_pair(&mem, "acme-mem-sendfile", &file, "tmpfs-sendfile",
			   "mem/tmpfs sendfile");
}

static void bench_mmap(const char *tmp)
{
	static const struct mem_names names[2] = {
		{ "acme-mem-mmap-read", "tmpfs-mmap-read",
		  "memcpy-1-mmap-read", "mem/tmpfs mmap read",
		  "mmap/memcpy-1 read" },
		{ "acme-mem-mmap-write", "tmpfs-mmap-write",
		  "memcpy-1-mmap-write", "mem/tmpfs mmap write",
		  "mmap/memcpy-1 write" },
	};

	progress("mmap");
	if (mem_can_mmap())
		bench_mem_sets(meas_mmap, tmp, names, true, ">=0.95");
}

static void bench_limits(void)
{
	static const struct meas zero = { .fn = meas_limit, .path = "/dev/zero" };
	static const struct meas null = {
		.fn = meas_limit, .path = "/dev/null", .wr = true,
	};

	progress("limits");
	bench_pair(&zero, "zero-read", &null, "null-write", NULL);
}

/* Process i of a parallel run: its file or device, or its FIFO. */
static double par_worker(int i, const void *arg)
{
	const struct par *p = arg;

	if (p->fifo)
		return fifo_run(p->paths[i], p->chunk, false, i % nr_cpus);
	return seq_run(p->paths[i], p->size, p->chunk, p->wr);
}

static double meas_par(const struct meas *m, int nr)
{
	struct par p = *m->par;

	p.chunk = m->chunk;
	return parallel_run(nr, par_worker, &p);
}

static double meas_par1(const struct meas *m) { return meas_par(m, 1); }
static double meas_par2(const struct meas *m) { return meas_par(m, 2); }

/* One and two at once: aggregate throughput, and its ratio. */
static void bench_scale_one(const char *name, const char *what,
			    const struct par *p, const char *target)
{
	struct meas m[] = {
		{ .fn = meas_par1, .chunk = 64 * KIB, .par = p },
		{ .fn = meas_par2, .chunk = 64 * KIB, .par = p },
	};
	char n1[48], n2[48], label[64];
	struct fig f[] = {
		{ .name = n1, .chunk = 64 * KIB },
		{ .name = n2, .chunk = 64 * KIB },
	};

	snprintf(n1, sizeof(n1), "%s-x1", name);
	snprintf(n2, sizeof(n2), "%s-x2", name);
	measure_set(f, m, ARRAY_SIZE(f));
	snprintf(label, sizeof(label), "%s 2/1 %s", name, what);
	print_ratio(label, &f[1], &f[0], false, target);
}

static void bench_scale(const char *tmp)
{
	static char tmp2[300];
	const char *const mems[] = { mem_path, mem2_path };
	const char *const fifos[] = { fifo_path, fifo2_path };
	const char *const tmps[] = { tmp, tmp2 };
	const char *const zeros[] = { "/dev/zero", "/dev/zero" };
	struct par pm = { .paths = mems, .size = mem_size };
	struct par pmw = { .paths = mems, .size = mem_size, .wr = true };
	struct par pf = { .paths = fifos, .fifo = true };
	struct par pt = { .paths = tmps, .size = mem_size };
	struct par pz = { .paths = zeros };
	int fd;

	progress("scale");
	if (nr_cpus < 2) {
		printf("# scale: skipped, it needs 2 CPUs and %ld are online\n",
		       nr_cpus);
		return;
	}
	snprintf(tmp2, sizeof(tmp2), "%s.2", tmp);
	fd = open(tmp2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, mem_size) != (ssize_t)mem_size)
		die("write %s", tmp2);
	close(fd);

	bench_scale_one("acme-mem-read", "devices", &pm, ">=1.60");
	bench_scale_one("acme-mem-write", "devices", &pmw, ">=1.60");
	bench_scale_one("acme-fifo", "FIFOs", &pf, ">=1.60");
	bench_scale_one("tmpfs-read", "files", &pt, "-");
	bench_scale_one("zero-read", "readers", &pz, "-");
	unlink(tmp2);
}

static void print_phase(const char *subject, const char *phase, double *ns,
			int n)
{
	double med, min, max;

	stats(ns, n, &med, &min, &max);
	printf("phase\t%s\t%s\t%.0f\t%.0f\t%.0f\n", subject, phase, med, min,
	       max);
	fflush(stdout);
}

/*
 * copy-in and copy-out: a write(2) of 64 KiB into the empty stream (no
 * reader waits), then a read(2) of the 64 KiB it holds, each timed.
 */
static void phase_copies(const char *subject, int rfd, int wfd)
{
	double in[PHASE_ITERS], out[PHASE_ITERS], t0;
	int i;

	for (i = -1; i < PHASE_ITERS; i++) {
		t0 = now();
		if (write(wfd, buf, RING) != RING)
			die("%s: write of 64 KiB into the empty stream", subject);
		if (i >= 0)
			in[i] = (now() - t0) * 1e9;
		t0 = now();
		if (read(rfd, buf + 2 * MIB, RING) != RING)
			die("%s: read of the 64 KiB it holds", subject);
		if (i >= 0)
			out[i] = (now() - t0) * 1e9;
	}
	print_phase(subject, "copy-in", in, PHASE_ITERS);
	print_phase(subject, "copy-out", out, PHASE_ITERS);
}

/* Wait until process pid sleeps (state S in /proc/PID/stat). */
static void wait_asleep(pid_t pid)
{
	char path[64], line[256], *p;
	int tries;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (tries = 0; tries < 20000; tries++) {
		FILE *f = fopen(path, "r");

		if (!f)
			die("open %s", path);
		p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		fclose(f);
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		usleep(100);
	}
	errno = 0;
	die("the reader of the wake-up phase never went to sleep");
}

/* Shared between the waker and the reader of the wake-up phase. */
struct wake {
	double t0;
	double ns[PHASE_ITERS];
};

/*
 * wake-up: a reader on CPU 0 blocks in read(2) on the empty stream; this
 * process, on the writer's CPU, notes the time in shared memory and writes
 * one byte; the reader notes how long until its read(2) returned.
 */
static void phase_wake(const char *subject, int rfd, int wfd)
{
	struct wake *w;
	int ack[2], i;
	pid_t pid;
	char c = 0;

	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		die("mmap of the shared page");
	if (pipe(ack))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		pin(0);
		for (i = 0; i < PHASE_ITERS; i++) {
			if (read(rfd, &c, 1) != 1)
				_exit(1);
			w->ns[i] = (now() - w->t0) * 1e9;
			if (write(ack[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	pin(writer_cpu);
	for (i = 0; i < PHASE_ITERS; i++) {
		wait_asleep(pid);
		w->t0 = now();
		if (write(wfd, &c, 1) != 1)
			die("%s: write of the wake-up byte", subject);
		if (read(ack[0], &c, 1) != 1)
			die("%s: the reader of the wake-up phase failed", subject);
	}
	pin(0);
	waitpid(pid, NULL, 0);
	print_phase(subject, "wake-up", w->ns, PHASE_ITERS);
	close(ack[0]);
	close(ack[1]);
	munmap(w, sizeof(*w));
}

/* stream: the time per 64 KiB operation of each run of the fifo section. */
static void phase_stream(const char *subject, const struct fig *f)
{
	double ns[MAX_RUNS];
	int r;

	if (!f->chunk) {
		printf("# phases: no stream phase for %s: the fifo section did not run\n",
		       subject);
		return;
	}
	for (r = 0; r < runs; r++)
		ns[r] = f->chunk * 1e9 / (f->mibs[r] * MIB);
	print_phase(subject, "stream", ns, runs);
}

/*
 * One copy() of 64 KiB from the memcpy-2 ring into the reader's buffer, as
 * a FIFO's copy-out. Not from buf to buf + 2 MiB: an emulator's TLB may be
 * direct-mapped, and two addresses 2 MiB apart evict each other there, which
 * makes such a copy ten times slower under TCG than on any CPU.
 */
static void phase_memcpy(void)
{
	double ns[PHASE_ITERS], t0;
	int i;

	for (i = -1; i < PHASE_ITERS; i++) {
		t0 = now();
		copy(buf + 2 * MIB, ctl_ring, RING);
		if (i >= 0)
			ns[i] = (now() - t0) * 1e9;
	}
	print_phase("memcpy", "copy", ns, PHASE_ITERS);
}

static void bench_phases(void)
{
	int rfd, wfd, p[2];

	progress("phases");
	rfd = xopen(fifo_path, O_RDONLY);
	wfd = xopen(fifo_path, O_WRONLY);
	fifo_clear(wfd, fifo_path);
	phase_copies("acme-fifo", rfd, wfd);
	phase_wake("acme-fifo", rfd, wfd);
	phase_stream("acme-fifo", &stream64[0]);
	close(wfd);
	close(rfd);

	peer_pipe(p);
	phase_copies("pipe", p[0], p[1]);
	phase_wake("pipe", p[0], p[1]);
	phase_stream("pipe", &stream64[1]);
	close(p[0]);
	close(p[1]);
	phase_memcpy();
}

static void show_help(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r RUNS] [-t MS] [-f FIFO] [-F FIFO2] [-m MEM] [-M MEM2] [-d DIR]\n"
		"       [-s SECTIONS]\n"
		"  -r RUNS  timed runs per case, after a warm-up, 1-%d (default %d)\n"
		"  -t MS    length of a run in ms (default %d)\n"
		"  -f FIFO  acme FIFO device (default %s)\n"
		"  -F FIFO2 second FIFO device, for scaling (default %s)\n"
		"  -m MEM   acme memory device (default %s)\n"
		"  -M MEM2  second memory device, for scaling (default %s)\n"
		"  -d DIR   directory on tmpfs (default %s)\n"
		"  -s LIST  only these sections, comma-separated: fifo, splice, mem,\n"
		"           sendfile, mmap, limits, scale, phases (default all)\n"
		"The memory devices are resized to 1 MiB and the FIFOs emptied and\n"
		"resized to 64 KiB, and back (needs CAP_SYS_ADMIN); what they held\n"
		"is lost.\n",
		prog, MAX_RUNS, runs, run_ms, fifo_path, fifo2_path, mem_path,
		mem2_path, tmp_dir);
	exit(2);
}

/* Say how many CPUs are online, and pin this process to CPU 0. */
static void cpus_setup(void)
{
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus < 1)
		nr_cpus = 1;
	writer_cpu = nr_cpus >= 2 ? 1 : 0;
	printf("# cpus: %ld online\n", nr_cpus);
	if (nr_cpus < 2)
		printf("# only 1 CPU online: writers, readers and parallel cases all on CPU 0\n");
	pin(0);
}

int main(int argc, char **argv)
{
	uint64_t size1, size2, fsize1, fsize2;
	struct utsname u;
	const char *tmp;
	int opt;

	while ((opt = getopt(argc, argv, "r:t:f:F:m:M:d:s:h")) != -1) {
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
		case 'F':
			fifo2_path = optarg;
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
		case 's':
			sections = optarg;
			break;
		default:
			show_help(argv[0]);
		}
	}
	if (optind != argc || runs < 1 || runs > MAX_RUNS || run_ms < 1 ||
	    !sections_valid())
		show_help(argv[0]);

	/* 2 MiB to write from, 1 MiB to read into, all faulted in. */
	buf = aligned_alloc(4096, 3 * MIB);
	ctl_mem = aligned_alloc(4096, mem_size);
	ctl_ring = aligned_alloc(4096, RING);
	if (!buf || !ctl_mem || !ctl_ring)
		die("out of memory");
	memset(buf, 0xa5, 3 * MIB);
	memset(ctl_mem, 0xa5, mem_size);
	memset(ctl_ring, 0xa5, RING);
	signal(SIGPIPE, SIG_IGN);

	uname(&u);
	printf("# acme-bench: Linux %s %s, %ld CPUs, %d runs of %d ms after a warm-up\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), runs, run_ms);
	clock_setup();
	t_start = now();
	cpus_setup();
	print_load("before");
	copy_setup(ctl_mem, buf + 2 * MIB);
	printf("# kind\tcase\tchunk\tMiB/s\tmin\tmax\tns/op\n");
	fflush(stdout);

	tmp = tmp_setup();
	fsize1 = fifo_resize(fifo_path, RING);
	fsize2 = fifo_resize(fifo2_path, RING);
	size1 = mem_resize(mem_path, mem_size);
	size2 = mem_resize(mem2_path, mem_size);
	if (wanted("fifo"))
		bench_fifo();
	if (wanted("splice"))
		bench_splice();
	if (wanted("mem"))
		bench_mem(tmp);
	if (wanted("sendfile"))
		bench_sendfile(tmp);
	if (wanted("mmap"))
		bench_mmap(tmp);
	if (wanted("limits"))
		bench_limits();
	if (wanted("scale"))
		bench_scale(tmp);
	if (wanted("phases"))
		bench_phases();
	mem_resize(mem2_path, size2);
	mem_resize(mem_path, size1);
	fifo_resize(fifo2_path, fsize2);
	fifo_resize(fifo_path, fsize1);
	unlink(tmp);
	print_load("after");
	printf("# acme-bench: done in %.0f s\n", now() - t_start);
	return unmeasured ? 1 : 0;
}
