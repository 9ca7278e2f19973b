// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_edu_test.c - functional tests of acme_edu, on QEMU's edu device
 *
 * Needs root and an edu device (QEMU's "-device edu", PCI 1234:11e8): it
 * skips as a whole, with the reason, without either. When no driver is
 * bound to the device it loads one by the device's modalias, as udev
 * would, and that must give acme_edu. It runs on the first edu device.
 *
 * On x86_64 the Makefile also builds it as a 32-bit program,
 * acme_edu_test32, whose ioctls go through compat_ioctl. Pointers are
 * checked as truth values there: ASSERT_NE() and the like print their
 * operands as 64-bit integers, and a cast from a 32-bit pointer warns.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/acme.h>

#include "../../kselftest_harness.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define EDU_SIZE	4095
#define TIMEOUT_PARAM	"/sys/module/acme_edu/parameters/timeout_ms"

/*
 * Each test's time limit, in seconds. The setup of the first loads
 * acme_edu by the device's modalias, and the probe enables the PCI
 * device, which on x86 evaluates ACPI's _PRT: on a slow kernel (a debug
 * build under an emulator) that alone takes over the harness's default of
 * 30 s.
 */
#define EDU_TEST_TIMEOUT	120

/* Whether sysfs attribute @attr of PCI device @dev starts with @want. */
static int pci_attr_is(const char *dev, const char *attr, const char *want)
{
	char path[PATH_MAX], val[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", dev, attr);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(val, sizeof(val), f))
		val[0] = 0;
	fclose(f);
	return !strncmp(val, want, strlen(want));
}

/* The PCI address of the first edu device, or NULL. */
static const char *edu_addr(void)
{
	static char addr[NAME_MAX + 1];
	struct dirent *d;
	DIR *dir;

	dir = opendir(PCI_DEVICES);
	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		if (d->d_name[0] != '.' &&
		    pci_attr_is(d->d_name, "vendor", "0x1234") &&
		    pci_attr_is(d->d_name, "device", "0x11e8")) {
			snprintf(addr, sizeof(addr), "%s", d->d_name);
			closedir(dir);
			return addr;
		}
	}
	closedir(dir);
	return NULL;
}

/* The name of the acme device of the PCI device @addr, or NULL. */
static const char *edu_node(const char *addr)
{
	static char name[NAME_MAX + 1];
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/acme", addr);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		if (!strncmp(d->d_name, "acme_edu", 8)) {
			snprintf(name, sizeof(name), "%s", d->d_name);
			closedir(dir);
			return name;
		}
	}
	closedir(dir);
	return NULL;
}

/* Bind a driver to @addr by its modalias, as udev does. */
static void load_by_modalias(const char *addr)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd),
		 "modprobe \"$(cat " PCI_DEVICES "/%s/modalias)\" 2>&1", addr);
	if (system(cmd))
		ksft_print_msg("modprobe of %s's modalias failed\n", addr);
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (seed + i * 31) ^ (i >> 8);
}

/* Interrupts of the acme device @name so far, on all CPUs, or -1. */
static long irq_count(const char *name)
{
	static char buf[16384];
	long total = 0;
	char *line;

	if (read_file("/proc/interrupts", buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strchr(line, ':');

		if (!p || !strstr(line, name))
			continue;
		for (p++; *p; ) {
			char *end;
			long n = strtol(p, &end, 10);

			if (end == p)
				break;
			total += n;
			p = end;
		}
		return total;
	}
	return -1;
}

/* Voluntary context switches of this process: how often it slept. */
static long voluntary_switches(void)
{
	char buf[4096], *p;

	if (read_file("/proc/self/status", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "voluntary_ctxt_switches:");
	return p ? atol(p + strlen("voluntary_ctxt_switches:")) : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Before any test: without root or without the device, the whole program
 * is skipped with the reason (KTAP "1..0 # SKIP", exit status KSFT_SKIP),
 * as acme_test does. Not in the fixture's setup: with the
 * kselftest_harness.h of Linux 6.1, a test whose setup skips still runs,
 * and fails.
 */
__attribute__((constructor)) static void acme_edu_test_setup(void)
{
	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("needs root: the node is 0600\n");
	}
	if (!edu_addr()) {
		ksft_print_header();
		ksft_exit_skip("no edu device (start QEMU with -device edu)\n");
	}
}

FIXTURE(edu) {
	char addr[NAME_MAX + 1];
	char dev[PATH_MAX];
	int fd;
};

FIXTURE_SETUP(edu)
{
	const char *addr, *node;

	self->fd = -1;
	addr = edu_addr();
	ASSERT_FALSE(!addr) TH_LOG("the edu device went away");
	snprintf(self->addr, sizeof(self->addr), "%s", addr);
	node = edu_node(addr);
	if (!node) {
		load_by_modalias(addr);
		node = edu_node(addr);
	}
	ASSERT_FALSE(!node)
		TH_LOG("no acme device under %s after modprobe of its modalias", addr);
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", node);
	self->fd = open(self->dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->dev, strerror(errno));
}

FIXTURE_TEARDOWN(edu)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The node is a char device of the acme class, bound to the PCI device. */
TEST_F_TIMEOUT(edu, node_and_driver, EDU_TEST_TIMEOUT)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	ASSERT_EQ(0, stat(self->dev, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", self->addr);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = 0;
	EXPECT_FALSE(!strstr(link, "/acme_edu")) TH_LOG("driver is %s", link);
	snprintf(path, sizeof(path), "/sys/class/acme/%s/device", self->dev + 5);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = 0;
	EXPECT_FALSE(!strstr(link, self->addr)) TH_LOG("parent is %s", link);
}

/* All 4095 bytes go to the device and come back. */
TEST_F_TIMEOUT(edu, round_trip_whole_buffer, EDU_TEST_TIMEOUT)
{
	static unsigned char out[EDU_SIZE], in[EDU_SIZE];

	fill(out, EDU_SIZE, 1);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));
	memset(in, 0, EDU_SIZE);
	ASSERT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, out, EDU_SIZE));

	/* Other bytes this time: the first read did not just see stale data. */
	fill(out, EDU_SIZE, 2);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));
	ASSERT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, out, EDU_SIZE));
}

/* A write at an offset changes those bytes only. */
TEST_F_TIMEOUT(edu, offsets, EDU_TEST_TIMEOUT)
{
	static unsigned char base[EDU_SIZE], in[EDU_SIZE], part[100];

	fill(base, EDU_SIZE, 3);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, base, EDU_SIZE, 0));
	fill(part, sizeof(part), 4);
	ASSERT_EQ((ssize_t)sizeof(part), pwrite(self->fd, part, sizeof(part), 1000));
	memcpy(base + 1000, part, sizeof(part));
	ASSERT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, base, EDU_SIZE));
	memset(in, 0, sizeof(part));
	ASSERT_EQ((ssize_t)sizeof(part), pread(self->fd, in, sizeof(part), 1000));
	EXPECT_EQ(0, memcmp(in, part, sizeof(part)));
}

/* read(2) and write(2) use and advance the file position; so do readv/writev. */
TEST_F_TIMEOUT(edu, file_position_and_vectors, EDU_TEST_TIMEOUT)
{
	char a[10] = "0123456789", b[6] = "abcdef", in[16] = "";
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	ASSERT_EQ(2000, lseek(self->fd, 2000, SEEK_SET));
	ASSERT_EQ(16, writev(self->fd, iov, 2));
	EXPECT_EQ(2016, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(2000, lseek(self->fd, -16, SEEK_CUR));
	ASSERT_EQ(16, read(self->fd, in, 16));
	EXPECT_EQ(0, memcmp(in, "0123456789abcdef", 16));
	EXPECT_EQ(2016, lseek(self->fd, 0, SEEK_CUR));
}

/* The file ends at 4095: reads there give 0, writes ENOSPC, seeks stay inside. */
TEST_F_TIMEOUT(edu, end_of_file, EDU_TEST_TIMEOUT)
{
	char buf[200] = "";

	EXPECT_EQ(0, pread(self->fd, buf, 10, EDU_SIZE));
	EXPECT_EQ(-1, pwrite(self->fd, buf, 10, EDU_SIZE));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(95, pwrite(self->fd, buf, sizeof(buf), 4000));
	EXPECT_EQ(5, pread(self->fd, buf, 10, 4090));
	EXPECT_EQ(0, pwrite(self->fd, buf, 0, 0));
	EXPECT_EQ(EDU_SIZE, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(-1, lseek(self->fd, EDU_SIZE + 1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->fd, buf, 10, -1));
	EXPECT_EQ(EINVAL, errno);
}

/* The device computes n! in 32 bits. */
TEST_F_TIMEOUT(edu, factorial, EDU_TEST_TIMEOUT)
{
	static const struct { __u32 n, fact; } cases[] = {
		{ 0, 1 }, { 1, 1 }, { 5, 120 }, { 10, 3628800 },
		{ 12, 479001600 }, { 13, 0x7328cc00 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__u32 n = cases[i].n;

		ASSERT_EQ(0, ioctl(self->fd, ACME_EDU_IOC_FACTORIAL, &n))
			TH_LOG("%u!: %s", cases[i].n, strerror(errno));
		EXPECT_EQ(cases[i].fact, n) TH_LOG("%u! gave %#x", cases[i].n, n);
	}
}

/* Unknown commands, bad pointers, and no mmap. */
TEST_F_TIMEOUT(edu, bad_calls, EDU_TEST_TIMEOUT)
{
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(none != MAP_FAILED);
	EXPECT_EQ(-1, ioctl(self->fd, ACME_EDU_IOC_FACTORIAL, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(ACME_IOC_MAGIC, 0x11, __u32), NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, pwrite(self->fd, none, 16, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pread(self->fd, none, 16, 0));
	EXPECT_EQ(EFAULT, errno);
	munmap(none, 4096);
	none = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_TRUE(none == MAP_FAILED);
	EXPECT_EQ(ENODEV, errno);
}

/* A transfer sleeps until the interrupt: the device takes about 100 ms. */
TEST_F_TIMEOUT(edu, transfer_sleeps, EDU_TEST_TIMEOUT)
{
	char buf[64];
	long before = voluntary_switches();
	long irqs = irq_count(self->dev + 5);
	double t0 = now(), took;

	ASSERT_LE(0, before);
	ASSERT_LE(0, irqs) TH_LOG("no %s in /proc/interrupts", self->dev + 5);
	ASSERT_EQ((ssize_t)sizeof(buf), pread(self->fd, buf, sizeof(buf), 0));
	took = now() - t0;
	EXPECT_LT(before, voluntary_switches());
	EXPECT_LT(irqs, irq_count(self->dev + 5));
	EXPECT_LE(0.05, took) TH_LOG("a DMA took %.3f s", took);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Arm SIGALRM in @ms milliseconds, with SA_RESTART or not. */
static void alarm_in(int ms, int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, ms * 1000 } };

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A signal during the wait: EINTR, or the call restarts with SA_RESTART. */
TEST_F_TIMEOUT(edu, signal_during_transfer, EDU_TEST_TIMEOUT)
{
	static unsigned char out[EDU_SIZE], in[EDU_SIZE];

	fill(out, EDU_SIZE, 5);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));

	alarm_in(20, 0);
	EXPECT_EQ(-1, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(EINTR, errno);
	/* The abandoned read still runs: it must not land in the next write. */
	fill(out, EDU_SIZE, 7);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));
	ASSERT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, out, EDU_SIZE));

	alarm_in(20, 1);
	EXPECT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, out, EDU_SIZE));
	signal(SIGALRM, SIG_DFL);
}

/* A DMA that outlasts timeout_ms fails with ETIMEDOUT; the next one works. */
TEST_F_TIMEOUT(edu, timeout, EDU_TEST_TIMEOUT)
{
	static unsigned char out[EDU_SIZE], in[EDU_SIZE];
	char old[32];

	if (read_file(TIMEOUT_PARAM, old, sizeof(old)))
		SKIP(return, "no " TIMEOUT_PARAM);
	fill(out, EDU_SIZE, 6);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));
	ASSERT_EQ(0, write_file(TIMEOUT_PARAM, "1"));
	errno = 0;
	EXPECT_EQ(-1, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, write_file(TIMEOUT_PARAM, old));
	/* The timed-out read still runs: it must not land in the next write. */
	fill(out, EDU_SIZE, 8);
	ASSERT_EQ(EDU_SIZE, pwrite(self->fd, out, EDU_SIZE, 0));
	EXPECT_EQ(EDU_SIZE, pread(self->fd, in, EDU_SIZE, 0));
	EXPECT_EQ(0, memcmp(in, out, EDU_SIZE));
	EXPECT_EQ(-1, write_file(TIMEOUT_PARAM, "0"));
	EXPECT_EQ(-1, write_file(TIMEOUT_PARAM, "60001"));
}

/* Four processes on four ranges: one transfer at a time, no data mixed. */
TEST_F_TIMEOUT(edu, concurrent_users, EDU_TEST_TIMEOUT)
{
	pid_t pids[4];
	int i, status;

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			unsigned char out[1000], in[1000];
			int fd = open(self->dev, O_RDWR), r;

			for (r = 0; r < 5 && fd >= 0; r++) {
				fill(out, sizeof(out), i * 100 + r);
				if (pwrite(fd, out, sizeof(out), i * 1000) != sizeof(out) ||
				    pread(fd, in, sizeof(in), i * 1000) != sizeof(in) ||
				    memcmp(in, out, sizeof(out)))
					_exit(1);
			}
			_exit(fd < 0);
		}
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

/* Interrupts: MSI unless the kernel runs with pci=nomsi, then INTx. */
TEST_F_TIMEOUT(edu, interrupt_kind, EDU_TEST_TIMEOUT)
{
	char path[PATH_MAX], cmdline[4096] = "";
	struct dirent *d;
	int msi = 0, want;
	DIR *dir;

	ASSERT_EQ(0, read_file("/proc/cmdline", cmdline, sizeof(cmdline)));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/msi_irqs", self->addr);
	dir = opendir(path);
	while (dir && (d = readdir(dir)))
		msi += d->d_name[0] != '.';
	if (dir)
		closedir(dir);
	want = strstr(cmdline, "pci=nomsi") ? 0 : 1;
	EXPECT_EQ(want, msi) TH_LOG("%d MSI vectors, not %d", msi, want);
	ksft_print_msg("%s uses %s\n", self->addr, msi ? "MSI" : "INTx");
}

TEST_HARNESS_MAIN
