// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_edu_io.c - I/O on an acme_edu device while it goes away
 *
 * A helper of acme_edu_lifetime.sh and of the harness's hot-unplug check:
 *
 *   acme_edu_io busy DEV SECS   round trips (pwrite, pread, compare) until
 *                               a call fails with ENODEV; then every other
 *                               call on the open file must fail with
 *                               ENODEV too. Exit 0 then, 1 on wrong data
 *                               or another error, 2 if SECS pass first.
 *   acme_edu_io check DEV       one round trip of 4095 bytes and one
 *                               factorial; exit 0 when both are right.
 *   acme_edu_io stuck DEV ADDR  turn off bus mastering of the PCI device
 *                               ADDR, which drops its MSI, so that the
 *                               interrupt that ends a transfer never comes,
 *                               then read DEV: the call sleeps until the
 *                               driver's timeout, or until the device goes
 *                               away. Exit 0 on ENODEV, 1 otherwise.
 *   acme_edu_io stall DEV SECS  pwrite DEV from a page that userfaultfd
 *                               keeps missing, so that the driver's copy
 *                               from user space waits on this program;
 *                               resolve the fault on SIGUSR1, or after
 *                               SECS. Exit 0 when the pwrite then fails
 *                               with ENODEV, 1 otherwise, 4 (KSFT_SKIP)
 *                               without userfaultfd.
 *
 * "busy" prints "acme_edu_io: in use" once its first round trip is done,
 * "stuck" prints "acme_edu_io: waiting" just before its read, and "stall"
 * prints "acme_edu_io: stalled" once the pwrite waits for the fault, so
 * that a caller knows the file is open and in use.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/acme.h>
#include <linux/userfaultfd.h>

#define EDU_SIZE	4095
#define CHUNK		512

static int fail(const char *what)
{
	fprintf(stderr, "acme_edu_io: %s: %s\n", what, strerror(errno));
	return 1;
}

/* 0 when the call failed with ENODEV, else a message and 1. */
static int expect_enodev(const char *what, ssize_t ret)
{
	if (ret < 0 && errno == ENODEV)
		return 0;
	fprintf(stderr, "acme_edu_io: %s after ENODEV: got %zd (%s), not ENODEV\n",
		what, ret, ret < 0 ? strerror(errno) : "success");
	return 1;
}

/* After the device went away, nothing works on the file any more. */
static int all_enodev(int fd)
{
	char buf[16] = "";
	__u32 n = 5;

	return expect_enodev("pread", pread(fd, buf, sizeof(buf), 0)) |
	       expect_enodev("pwrite", pwrite(fd, buf, sizeof(buf), 0)) |
	       expect_enodev("ioctl", ioctl(fd, ACME_EDU_IOC_FACTORIAL, &n));
}

static int busy(const char *dev, int secs)
{
	unsigned char out[CHUNK], in[CHUNK];
	time_t end = time(NULL) + secs;
	unsigned long trips = 0;
	int fd, i;

	fd = open(dev, O_RDWR);
	if (fd < 0)
		return fail(dev);

	while (time(NULL) < end) {
		off_t off = (trips * CHUNK) % (EDU_SIZE - CHUNK);
		ssize_t ret;

		for (i = 0; i < CHUNK; i++)
			out[i] = trips + i * 7;
		ret = pwrite(fd, out, CHUNK, off);
		if (ret == CHUNK)
			ret = pread(fd, in, CHUNK, off);
		if (ret < 0 && errno == ENODEV) {
			printf("acme_edu_io: ENODEV after %lu round trips\n", trips);
			ret = all_enodev(fd);
			if (close(fd))
				return fail("close");
			return ret;
		}
		if (ret != CHUNK)
			return ret < 0 ? fail("round trip") :
			       (fprintf(stderr, "acme_edu_io: short transfer %zd\n", ret), 1);
		if (memcmp(in, out, CHUNK)) {
			fprintf(stderr, "acme_edu_io: wrong data at offset %lld\n",
				(long long)off);
			return 1;
		}
		if (!trips++) {
			puts("acme_edu_io: in use");
			fflush(stdout);
		}
	}
	fprintf(stderr, "acme_edu_io: no ENODEV within %d s (%lu round trips)\n",
		secs, trips);
	return 2;
}

static int check(const char *dev)
{
	static unsigned char out[EDU_SIZE], in[EDU_SIZE];
	__u32 n = 10;
	int fd, i;

	for (i = 0; i < EDU_SIZE; i++)
		out[i] = rand();
	fd = open(dev, O_RDWR);
	if (fd < 0)
		return fail(dev);
	if (pwrite(fd, out, EDU_SIZE, 0) != EDU_SIZE)
		return fail("pwrite");
	if (pread(fd, in, EDU_SIZE, 0) != EDU_SIZE)
		return fail("pread");
	if (memcmp(in, out, EDU_SIZE)) {
		fprintf(stderr, "acme_edu_io: %s: read back wrong data\n", dev);
		return 1;
	}
	if (ioctl(fd, ACME_EDU_IOC_FACTORIAL, &n))
		return fail("ACME_EDU_IOC_FACTORIAL");
	if (n != 3628800) {
		fprintf(stderr, "acme_edu_io: 10! is %u, not 3628800\n", n);
		return 1;
	}
	close(fd);
	printf("acme_edu_io: %s works\n", dev);
	return 0;
}

static int stuck(const char *dev, const char *addr)
{
	char path[256], buf[16];
	unsigned char cmd[2];
	struct timeval t0, t1;
	int fd, cfg;
	ssize_t ret;

	fd = open(dev, O_RDWR);
	if (fd < 0)
		return fail(dev);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	cfg = open(path, O_RDWR);
	if (cfg < 0)
		return fail(path);
	/* PCI_COMMAND, bit 2: bus master, which QEMU needs to send an MSI */
	if (pread(cfg, cmd, 2, 4) != 2)
		return fail("read PCI_COMMAND");
	cmd[0] &= ~0x04;
	if (pwrite(cfg, cmd, 2, 4) != 2)
		return fail("write PCI_COMMAND");
	close(cfg);

	puts("acme_edu_io: waiting");
	fflush(stdout);
	gettimeofday(&t0, NULL);
	ret = pread(fd, buf, sizeof(buf), 0);
	gettimeofday(&t1, NULL);
	printf("acme_edu_io: the read returned %zd (%s) after %ld ms\n", ret,
	       ret < 0 ? strerror(errno) : "data",
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000);
	if (ret >= 0 || errno != ENODEV)
		return 1;
	return all_enodev(fd) || close(fd);
}

struct stall_write {
	int fd;
	void *page;
	ssize_t ret;
	int err;
};

static void *stall_writer(void *arg)
{
	struct stall_write *w = arg;

	w->ret = pwrite(w->fd, w->page, 64, 0);
	w->err = errno;
	return NULL;
}

/*
 * A userfaultfd, or -1 (errno). Not UFFD_USER_MODE_ONLY: the fault to
 * catch is the kernel's, in the driver's copy from user space, which
 * needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd = 1.
 */
static int stall_uffd(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int uffd;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		return -1;
	if (ioctl(uffd, UFFDIO_API, &api)) {
		close(uffd);
		return -1;
	}
	return uffd;
}

static int stall(const char *dev, int secs)
{
	struct stall_write w = { .ret = 0 };
	long psize = sysconf(_SC_PAGESIZE);
	struct uffdio_register reg = { 0 };
	struct uffdio_copy copy = { 0 };
	struct pollfd pfd;
	struct uffd_msg msg;
	struct timespec ts = { .tv_sec = secs };
	pthread_t thread;
	sigset_t usr1;
	int uffd;
	void *src;

	uffd = stall_uffd();
	if (uffd < 0) {
		printf("acme_edu_io: no userfaultfd: %s\n", strerror(errno));
		return 4;
	}
	w.fd = open(dev, O_RDWR);
	if (w.fd < 0)
		return fail(dev);
	w.page = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w.page == MAP_FAILED || src == MAP_FAILED)
		return fail("mmap");
	memset(src, 0x5a, psize);
	reg.range.start = (unsigned long)w.page;
	reg.range.len = psize;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return fail("UFFDIO_REGISTER");

	/* SIGUSR1 is taken by sigtimedwait() below, in every thread. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	if (pthread_create(&thread, NULL, stall_writer, &w))
		return fail("pthread_create");

	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		fprintf(stderr, "acme_edu_io: the pwrite did not fault on the page\n");
		return 1;
	}
	puts("acme_edu_io: stalled");
	fflush(stdout);

	sigtimedwait(&usr1, NULL, &ts);
	copy.dst = (unsigned long)w.page;
	copy.src = (unsigned long)src;
	copy.len = psize;
	if (ioctl(uffd, UFFDIO_COPY, &copy))
		return fail("UFFDIO_COPY");
	pthread_join(thread, NULL);
	errno = w.err;
	printf("acme_edu_io: the pwrite returned %zd (%s)\n", w.ret,
	       w.ret < 0 ? strerror(errno) : "written");
	if (w.ret >= 0 || w.err != ENODEV)
		return 1;
	return all_enodev(w.fd) || close(w.fd);
}

int main(int argc, char **argv)
{
	srand(getpid());
	if (argc == 4 && !strcmp(argv[1], "busy"))
		return busy(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "check"))
		return check(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "stuck"))
		return stuck(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "stall"))
		return stall(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: acme_edu_io busy DEV SECS | check DEV | stuck DEV ADDR |\n"
			"       stall DEV SECS\n");
	return 1;
}
