// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_test.c - functional tests of the acme memory and FIFO devices
 *
 * Needs root: the nodes are 0600 and several tests resize the devices. When
 * /dev/acme0 is missing it loads the acme module itself, as
 * tools/testing/selftests/kselftest/module.sh does, and unloads it at the
 * end. Without root, or when acme cannot be loaded, every test is skipped
 * with the reason. It runs against /dev/acme0 and /dev/acme_fifo0, or the
 * nodes named by $ACME_DEV and $ACME_FIFO, and expects the module's default
 * parameters for the sizes it reads back.
 */

#define _GNU_SOURCE
/* A 64-bit off_t in 32-bit builds too: some tests seek near LLONG_MAX. */
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/acme.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include "../../kselftest_harness.h"

#define SYSFS_CLASS	"/sys/class/acme"

/* The documented size limits of ACME_IOC_SET_SIZE. */
#define MEM_SIZE_MAX	(16ULL * 1024 * 1024)
#define FIFO_SIZE_MIN	2ULL
#define FIFO_SIZE_MAX	(1024ULL * 1024)

/*
 * ASSERT_NE(NULL, @p) without the harness casting the pointer to a 64-bit
 * integer, which warns in 32-bit builds.
 */
#define ASSERT_NONNULL(p)	ASSERT_FALSE(!(p))

/* An address with no mapping behind it: user copies there fault. */
static void *unmapped(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		munmap(p, page);
	return p;
}

static const char *dev_path(const char *env, const char *def)
{
	const char *p = getenv(env);

	return p && *p ? p : def;
}

static const char *mem_path(void)
{
	return dev_path("ACME_DEV", "/dev/acme0");
}

static const char *fifo_path(void)
{
	return dev_path("ACME_FIFO", "/dev/acme_fifo0");
}

/* This process loaded acme, and unloads it at exit. */
static pid_t loaded_by;

/* Run "modprobe @args" quietly; its exit status, or -1. */
static int run_modprobe(const char *args)
{
	char cmd[128];
	int status;

	snprintf(cmd, sizeof(cmd), "modprobe %s >/dev/null 2>&1", args);
	status = system(cmd);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Before any test: without root, or without the devices, the whole program
 * is skipped with the reason (KTAP "1..0 # SKIP", exit status KSFT_SKIP),
 * as tty_tstamp_update does; it never gets to fail a case.
 */
__attribute__((constructor)) static void acme_test_setup(void)
{
	int i, rc;

	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("needs root: the nodes are 0600, resizing needs CAP_SYS_ADMIN\n");
	}
	if (!access(mem_path(), F_OK))
		return;
	rc = run_modprobe("acme");
	if (rc) {
		ksft_print_header();
		ksft_exit_skip("%s is missing, 'modprobe acme' exited %d: build CONFIG_ACME\n",
			       mem_path(), rc);
	}
	loaded_by = getpid();
	/* devtmpfs creates the nodes from the uevent: wait for them. */
	for (i = 0; i < 500 && access(mem_path(), F_OK); i++)
		usleep(10000);
	if (access(mem_path(), F_OK)) {
		ksft_print_header();
		ksft_exit_skip("acme is loaded but no %s: is devtmpfs on /dev?\n",
			       mem_path());
	}
}

__attribute__((destructor)) static void acme_test_teardown(void)
{
	if (loaded_by && loaded_by == getpid())
		run_modprobe("-r acme");
}

/* ACME_IOC_CLEAR with the flags of today: none. */
static int acme_clear(int fd)
{
	struct acme_clear args = {};

	return ioctl(fd, ACME_IOC_CLEAR, &args);
}

/* ACME_IOC_GET_STATS, with the input fields zeroed as the uapi asks. */
static int acme_get_stats(int fd, struct acme_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, ACME_IOC_GET_STATS, st);
}

/*
 * Drop CAP_SYS_ADMIN from this process, keeping uid 0: it can still open
 * the 0600 root nodes, but files it opens do not carry the capability.
 */
static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	__u32 bit = 1U << (CAP_SYS_ADMIN % 32);
	int i = CAP_SYS_ADMIN / 32;

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data);
}

/* Read /sys/class/acme/<node name>/<attr> as a number; -1 on error. */
static long long sysfs_num(const char *node, const char *attr)
{
	const char *name = strrchr(node, '/');
	char path[256], buf[64];
	long long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), SYSFS_CLASS "/%s/%s",
		 name ? name + 1 : node, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		val = strtoll(buf, NULL, 10);
	fclose(f);
	return val;
}

static int sysfs_str(const char *node, const char *attr, char *buf, size_t len)
{
	const char *name = strrchr(node, '/');
	char path[256];
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), SYSFS_CLASS "/%s/%s",
		 name ? name + 1 : node, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

/*
 * The size a device gets at load, from /sys/module/acme/parameters/@param;
 * 0 if unknown. The fixtures reset the device to it, so that a resize left
 * behind by a failed test does not fail the tests after it: a failed
 * ASSERT can skip FIXTURE_TEARDOWN (kselftest_harness.h of Linux 6.12
 * built with -O2).
 */
static uint64_t param_size(const char *param)
{
	char path[128], buf[32];
	uint64_t val = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/acme/parameters/%s", param);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		val = strtoull(buf, NULL, 10);
	fclose(f);
	return val;
}

/* Resize @fd back to its load-time size when it differs and we may. */
static int reset_size(int fd, uint64_t *size, const char *param)
{
	uint64_t want = param_size(param);

	if (!want || want == *size || geteuid())
		return 0;
	if (ioctl(fd, ACME_IOC_SET_SIZE, &want))
		return -1;
	return ioctl(fd, ACME_IOC_GET_SIZE, size);
}

/* CLOCK_MONOTONIC in milliseconds. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * The hang detectors: how long a child or peer that can run, or a call
 * that must return, gets before the test calls it stuck. They only bound
 * waits for something that must happen: no test passes or fails by how
 * fast anything is. A loaded 2-vCPU guest under TCG can leave a runnable
 * process unscheduled for seconds, so the base is 10 s, multiplied by
 * $ACME_HANG_SCALE (a whole number, 1 to 100, default 1) for slower
 * machines. It bounds poll(2) in the FIFO tests (POLL_HANG_MS), a child's
 * exit (CHILD_HANG_MS), the stress watchdog's grace after the planned end
 * (STRESS_GRACE_MS), and, at twice it, wait_until_sleeping().
 */
#define HANG_BASE_MS	10000

static int hang_ms(void)
{
	const char *e = getenv("ACME_HANG_SCALE");
	long n = e ? strtol(e, NULL, 10) : 0;

	return HANG_BASE_MS * (n >= 1 && n <= 100 ? n : 1);
}

#define POLL_HANG_MS	hang_ms()
#define CHILD_HANG_MS	hang_ms()
#define STRESS_GRACE_MS	hang_ms()

/* The state of @pid in /proc/<pid>/stat (R, S, D, ...), or 0 if it is gone. */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Whether @pid sleeps (state S in /proc/<pid>/stat): 1 if it does, 0 if
 * not, -1 if it is gone.
 */
static int is_sleeping(pid_t pid)
{
	char state = task_state(pid);

	return state ? state == 'S' : -1;
}

/*
 * Wait until @pid sleeps, so that a test knows its parent really blocked
 * in the call under test. Gives up after 2 * CHILD_HANG_MS polls 1 ms
 * apart (20 s or more by default); the caller's assertion then fails
 * rather than hangs.
 */
static void wait_until_sleeping(pid_t pid)
{
	int i, n = 2 * CHILD_HANG_MS;

	for (i = 0; i < n && !is_sleeping(pid); i++)
		sleep_ms(1);
}

/* Fork a child that runs @fn once this process blocks; returns its pid. */
static pid_t when_blocked(void (*fn)(pid_t parent))
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		wait_until_sleeping(parent);
		fn(parent);
		_exit(0);
	}
	return pid;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void send_sigusr1(pid_t parent)
{
	kill(parent, SIGUSR1);
}

/* Send SIGUSR1, which does not restart calls, once this process blocks. */
static pid_t signal_when_blocked(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	return when_blocked(send_sigusr1);
}

/*
 * The functions that wait for or kill a child by pid skip a pid <= 0: a
 * failed fork(2) returns -1, and kill(-1, SIGKILL) kills every process
 * this one may signal (as root, every process in the guest), while
 * waitpid(-1) or waitpid(0) reaps any child.
 */
static void reap(pid_t pid)
{
	int status;

	if (pid > 0)
		waitpid(pid, &status, 0);
}

/* Kill and reap the @n children in @pids; errno is kept for the caller. */
static void kill_all(const pid_t *pids, int n)
{
	int i, err = errno;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		kill(pids[i], SIGKILL);
		reap(pids[i]);
	}
	errno = err;
}

/*
 * Wait for @pid to exit, for about CHILD_HANG_MS, and kill it after that:
 * its exit status, or -1 if it had to be killed or died of a signal.
 */
static int exit_status(pid_t pid)
{
	int i, status, n = CHILD_HANG_MS;

	if (pid <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		sleep_ms(1);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * Byte @i of the test pattern @seed. It varies with the offset and with
 * the seed, so that a byte read from the wrong offset, or a piece of
 * another record, shows.
 */
static uint8_t pattern_byte(uint32_t seed, size_t i)
{
	uint32_t x = (uint32_t)i * 0x9e3779b1U + seed * 0x85ebca6bU;

	x ^= x >> 15;
	x *= 0x2c1b3c6dU;
	x ^= x >> 12;
	return x;
}

/* Fill @buf with the bytes @from.. of pattern @seed. */
static void pattern_fill(void *buf, size_t len, uint32_t seed, size_t from)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern_byte(seed, from + i);
}

/* The first byte of @buf that is not byte @from.. of pattern @seed, or -1. */
static long pattern_diff(const void *buf, size_t len, uint32_t seed,
			 size_t from)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern_byte(seed, from + i))
			return i;
	return -1;
}

/* Whether the @len bytes at @buf all are @c. */
static bool all_are(const void *buf, int c, size_t len)
{
	const unsigned char *p = buf;

	return !len || (p[0] == c && !memcmp(p, p + 1, len - 1));
}

/* --- memory devices ------------------------------------------------- */

FIXTURE(mem) {
	int fd;
	uint64_t size;
};

FIXTURE_SETUP(mem)
{
	self->fd = -1;
	self->fd = open(mem_path(), O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", mem_path(), strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &self->size));
	ASSERT_EQ(0, reset_size(self->fd, &self->size, "size"));
	ASSERT_EQ(0, acme_clear(self->fd));
}

FIXTURE_TEARDOWN(mem)
{
	if (self->fd >= 0) {
		/* Undo a resize that a failed test left behind. */
		ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size);
		close(self->fd);
	}
}

TEST_F(mem, write_then_read_back)
{
	char buf[16] = {};

	ASSERT_EQ(5, write(self->fd, "hello", 5));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(5, read(self->fd, buf, 5));
	ASSERT_STREQ("hello", buf);
}

TEST_F(mem, data_persists_across_opens)
{
	char buf[8] = {};
	int fd;

	ASSERT_EQ(7, pwrite(self->fd, "persist", 7, 100));
	fd = open(mem_path(), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(100, lseek(fd, 100, SEEK_SET));
	ASSERT_EQ(7, read(fd, buf, 7));
	ASSERT_STREQ("persist", buf);
	close(fd);
}

TEST_F(mem, read_and_write_advance_the_offset)
{
	char buf[4];

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	ASSERT_EQ(3, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(4, read(self->fd, buf, 4));
	ASSERT_EQ(7, lseek(self->fd, 0, SEEK_CUR));
}

TEST_F(mem, read_at_end_returns_0)
{
	char c;

	ASSERT_EQ((off_t)self->size, lseek(self->fd, 0, SEEK_END));
	ASSERT_EQ(0, read(self->fd, &c, 1));
	ASSERT_EQ((off_t)self->size + 10, lseek(self->fd, 10, SEEK_END));
	ASSERT_EQ(0, read(self->fd, &c, 1));
}

TEST_F(mem, write_at_end_fails_enospc)
{
	ASSERT_EQ((off_t)self->size, lseek(self->fd, 0, SEEK_END));
	ASSERT_EQ(-1, write(self->fd, "x", 1));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ(-1, pwrite(self->fd, "x", 1, self->size + 100));
	ASSERT_EQ(ENOSPC, errno);
}

TEST_F(mem, write_across_end_is_partial)
{
	char buf[8] = {};

	ASSERT_EQ((off_t)self->size - 2, lseek(self->fd, -2, SEEK_END));
	ASSERT_EQ(2, write(self->fd, "wxyz", 4));
	ASSERT_EQ(2, pread(self->fd, buf, sizeof(buf), self->size - 2));
	ASSERT_STREQ("wx", buf);
}

TEST_F(mem, last_byte_reads_and_writes)
{
	char buf[8] = {};

	ASSERT_EQ(1, pwrite(self->fd, "z", 1, self->size - 1));
	ASSERT_EQ(1, pread(self->fd, buf, 1, self->size - 1));
	ASSERT_EQ('z', buf[0]);
	ASSERT_EQ(1, pread(self->fd, buf, sizeof(buf), self->size - 1));
	ASSERT_EQ(0, pread(self->fd, buf, 1, self->size));
}

TEST_F(mem, zero_counts_return_0)
{
	char c;

	ASSERT_EQ(0, read(self->fd, &c, 0));
	ASSERT_EQ(0, write(self->fd, &c, 0));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_END) - (off_t)self->size);
	ASSERT_EQ(0, write(self->fd, &c, 0));
}

TEST_F(mem, seek_set_cur_end)
{
	ASSERT_EQ(10, lseek(self->fd, 10, SEEK_SET));
	ASSERT_EQ(15, lseek(self->fd, 5, SEEK_CUR));
	ASSERT_EQ(12, lseek(self->fd, -3, SEEK_CUR));
	ASSERT_EQ((off_t)self->size - 1, lseek(self->fd, -1, SEEK_END));
}

TEST_F(mem, seek_negative_fails_einval)
{
	ASSERT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(4, lseek(self->fd, 4, SEEK_SET));
	ASSERT_EQ(-1, lseek(self->fd, -5, SEEK_CUR));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, lseek(self->fd, -(off_t)self->size - 1, SEEK_END));
	ASSERT_EQ(EINVAL, errno);
	/* A failed seek leaves the position alone. */
	ASSERT_EQ(4, lseek(self->fd, 0, SEEK_CUR));
}

TEST_F(mem, seek_overflow_fails_einval)
{
	ASSERT_EQ(LLONG_MAX, lseek(self->fd, LLONG_MAX, SEEK_SET));
	ASSERT_EQ(-1, lseek(self->fd, 1, SEEK_CUR));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, lseek(self->fd, LLONG_MAX, SEEK_END));
	ASSERT_EQ(EINVAL, errno);
}

/* The whole buffer is data, as in a regular file without holes. */
TEST_F(mem, seek_data_and_hole)
{
	ASSERT_EQ(10, lseek(self->fd, 10, SEEK_DATA));
	ASSERT_EQ((off_t)self->size, lseek(self->fd, 10, SEEK_HOLE));
	ASSERT_EQ(-1, lseek(self->fd, self->size, SEEK_DATA));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, lseek(self->fd, self->size, SEEK_HOLE));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, lseek(self->fd, 0, 42));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(mem, bad_buffer_fails_efault)
{
	ASSERT_EQ(-1, read(self->fd, unmapped(), 16));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, write(self->fd, unmapped(), 16));
	ASSERT_EQ(EFAULT, errno);
	/* Nothing moved, so the offset did not move either. */
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
}

TEST_F(mem, get_size_matches_sysfs)
{
	char kind[16];

	ASSERT_EQ((long long)self->size, sysfs_num(mem_path(), "size"));
	ASSERT_EQ(0, sysfs_str(mem_path(), "kind", kind, sizeof(kind)));
	ASSERT_STREQ("memory", kind);
}

TEST_F(mem, set_size_keeps_data_below_new_size)
{
	uint64_t size = 100, got = 0;
	char buf[8] = {};

	ASSERT_EQ(6, pwrite(self->fd, "keepme", 6, 10));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(100, got);
	ASSERT_EQ(100, sysfs_num(mem_path(), "size"));
	ASSERT_EQ(6, pread(self->fd, buf, 6, 10));
	ASSERT_STREQ("keepme", buf);
	ASSERT_EQ(0, pread(self->fd, buf, 1, 100));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	ASSERT_EQ(6, pread(self->fd, buf, 6, 10));
	ASSERT_STREQ("keepme", buf);
}

/*
 * The bytes a resize grows the buffer by read as zero, whatever the bytes
 * at those offsets were before a shrink.
 */
TEST_F(mem, set_size_grown_bytes_read_zero)
{
	uint64_t small = 100;
	size_t len = self->size;
	uint8_t *buf = malloc(len);

	ASSERT_NONNULL(buf);
	memset(buf, 0xee, len);
	ASSERT_EQ((ssize_t)len, pwrite(self->fd, buf, len, 0));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &small));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	memset(buf, 0x11, len);
	ASSERT_EQ((ssize_t)len, pread(self->fd, buf, len, 0));
	EXPECT_TRUE(all_are(buf, 0xee, small));
	EXPECT_TRUE(all_are(buf + small, 0, len - small))
		TH_LOG("the grown bytes do not read as zero");
	free(buf);
}

/* Accesses through a mapping are no read(2) or write(2): not counted. */
TEST_F(mem, mmap_accesses_do_not_count_in_the_statistics)
{
	long page = sysconf(_SC_PAGESIZE);
	struct acme_stats before, after;
	uint8_t *map;

	ASSERT_LE((uint64_t)page, self->size);
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	pattern_fill(map, page, 37, 0);
	EXPECT_EQ(-1, pattern_diff(map, page, 37, 0));
	ASSERT_EQ(0, munmap(map, page));
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	EXPECT_EQ(before.bytes_read, after.bytes_read);
	EXPECT_EQ(before.bytes_written, after.bytes_written);
	EXPECT_EQ(before.reads, after.reads);
	EXPECT_EQ(before.writes, after.writes);
}

TEST_F(mem, set_size_out_of_range_fails_einval)
{
	uint64_t size = 0;

	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
	size = 1ULL << 40;
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(mem, set_size_accepts_the_limits)
{
	uint64_t size, got = 0;

	size = 1;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(1, got);
	size = MEM_SIZE_MAX;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(MEM_SIZE_MAX, got);
	size = MEM_SIZE_MAX + 1;
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
}

/*
 * SET_SIZE checks CAP_SYS_ADMIN in the credentials of the opener: a file
 * opened without it fails with EPERM, and a file opened with it works in a
 * process that lost it (and root).
 */
static int set_size_child(int fd, uint64_t size)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int mine;

		/* Drop CAP_SYS_ADMIN, then open: this file lacks it. */
		if (drop_cap_sys_admin())
			_exit(10);
		mine = open(mem_path(), O_RDWR);
		if (mine < 0)
			_exit(11);
		if (ioctl(mine, ACME_IOC_SET_SIZE, &size) == 0)
			_exit(12);
		if (errno != EPERM)
			_exit(13);
		/* Lose root too: the inherited file keeps its opener's rights. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(14);
		_exit(ioctl(fd, ACME_IOC_SET_SIZE, &size) ? 15 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(mem, set_size_needs_cap_sys_admin_in_the_opener)
{
	ASSERT_EQ(0, set_size_child(self->fd, 128));
	ASSERT_EQ(128, sysfs_num(mem_path(), "size"));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

TEST_F(mem, set_size_read_only_fails_ebadf)
{
	uint64_t size = 128;
	int fd = open(mem_path(), O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, ioctl(fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EBADF, errno);
	close(fd);
}

TEST_F(mem, clear_zeroes_the_buffer)
{
	char buf[4] = { 1, 1, 1, 1 };

	ASSERT_EQ(4, pwrite(self->fd, "abcd", 4, 0));
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(4, pread(self->fd, buf, 4, 0));
	ASSERT_EQ(0, buf[0] | buf[1] | buf[2] | buf[3]);
}

TEST_F(mem, clear_read_only_fails_ebadf)
{
	int fd = open(mem_path(), O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, acme_clear(fd));
	ASSERT_EQ(EBADF, errno);
	close(fd);
}

TEST_F(mem, stats_count_bytes_and_calls)
{
	struct acme_stats before, after;
	char buf[10];

	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(10, write(self->fd, "0123456789", 10));
	ASSERT_EQ(4, pread(self->fd, buf, 4, 0));
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written + 10, after.bytes_written);
	ASSERT_EQ(before.writes + 1, after.writes);
	ASSERT_EQ(before.bytes_read + 4, after.bytes_read);
	ASSERT_EQ(before.reads + 1, after.reads);
	ASSERT_EQ((long long)after.bytes_written,
		  sysfs_num(mem_path(), "bytes_written"));
	ASSERT_EQ((long long)after.bytes_read,
		  sysfs_num(mem_path(), "bytes_read"));
}

TEST_F(mem, unknown_ioctl_fails_enotty)
{
	ASSERT_EQ(-1, ioctl(self->fd, _IO(ACME_IOC_MAGIC, 0x7f)));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(self->fd, _IOR(ACME_IOC_MAGIC, 0x00, __u32), unmapped()));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(mem, bad_ioctl_pointer_fails_efault)
{
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_GET_SIZE, unmapped()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, unmapped()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_GET_STATS, unmapped()));
	ASSERT_EQ(EFAULT, errno);
}

TEST_F(mem, sysfs_attributes_are_read_only)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS_CLASS "/%s/size",
		 strrchr(mem_path(), '/') + 1);
	ASSERT_EQ(-1, open(path, O_WRONLY));
	ASSERT_EQ(EACCES, errno);
}

/*
 * A node made with mknod(2) reaches the same device. It is made on a tmpfs
 * mounted in a private mount namespace, since /tmp is often mounted nodev,
 * and nothing of it is left behind.
 */
TEST_F(mem, mknod_node_reaches_the_same_device)
{
	char dir[] = "/tmp/acme-mknod-XXXXXX", node[64];
	unsigned int maj = 0;
	char line[128], name[64], buf[6] = {};
	struct stat st;
	FILE *f;
	int fd;

	ASSERT_NONNULL(mkdtemp(dir));
	if (unshare(CLONE_NEWNS)) {
		rmdir(dir);
		SKIP(return, "unshare(CLONE_NEWNS): %s", strerror(errno));
	}
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("acme-test", dir, "tmpfs", 0, "size=64k,mode=0700"))
		TH_LOG("mount tmpfs on %s: %s", dir, strerror(errno));
	snprintf(node, sizeof(node), "%s/acme0", dir);

	f = fopen("/proc/devices", "r");
	ASSERT_NONNULL(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned int m;

		if (sscanf(line, "%u %63s", &m, name) == 2 && !strcmp(name, "acme"))
			maj = m;
	}
	fclose(f);
	ASSERT_NE(0, maj) TH_LOG("no acme line in /proc/devices");
	ASSERT_EQ(0, stat(mem_path(), &st));
	ASSERT_EQ(maj, major(st.st_rdev));

	ASSERT_EQ(0, mknod(node, S_IFCHR | 0600, st.st_rdev));
	ASSERT_EQ(5, pwrite(self->fd, "mknod", 5, 0));
	fd = open(node, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", node, strerror(errno));
	ASSERT_EQ(5, read(fd, buf, 5));
	ASSERT_STREQ("mknod", buf);
	close(fd);
	ASSERT_EQ(0, umount(dir));
	ASSERT_EQ(0, rmdir(dir));
}

/* --- the uapi: flags and reserved fields must be zero ------------------ */

TEST_F(mem, stats_flags_and_reserved_must_be_zero)
{
	struct acme_stats st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.flags = 1;
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_GET_STATS, &st));
	ASSERT_EQ(EINVAL, errno);
	for (i = 0; i < ARRAY_SIZE(st.reserved); i++) {
		memset(&st, 0, sizeof(st));
		st.reserved[i] = 1ULL << 63;
		ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_GET_STATS, &st))
			TH_LOG("reserved[%zu] set", i);
		ASSERT_EQ(EINVAL, errno);
	}
	/* The counters are output only: garbage in them is overwritten. */
	memset(&st, 0, sizeof(st));
	st.bytes_read = ~0ULL;
	st.writes = ~0ULL;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_STATS, &st));
	ASSERT_EQ((long long)st.bytes_read, sysfs_num(mem_path(), "bytes_read"));
	ASSERT_EQ(0, st.flags);
	for (i = 0; i < ARRAY_SIZE(st.reserved); i++)
		ASSERT_EQ(0, st.reserved[i]);
}

TEST_F(mem, clear_flags_and_reserved_must_be_zero)
{
	struct acme_clear args = { .flags = 1 };
	char c = 0;

	ASSERT_EQ(1, pwrite(self->fd, "k", 1, 0));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_CLEAR, &args));
	ASSERT_EQ(EINVAL, errno);
	args = (struct acme_clear){ .reserved = 1 };
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_CLEAR, &args));
	ASSERT_EQ(EINVAL, errno);
	/* A refused CLEAR clears nothing. */
	ASSERT_EQ(1, pread(self->fd, &c, 1, 0));
	ASSERT_EQ('k', c);
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_CLEAR, unmapped()));
	ASSERT_EQ(EFAULT, errno);
}

/* --- memory devices: vectors, splice, sendfile and mmap ---------------- */

TEST_F(mem, readv_writev_move_bytes_at_the_position)
{
	uint8_t src[300], dst[300] = {}, back[300], c = 1;
	struct iovec wr[3] = {
		{ src, 100 }, { src + 100, 0 }, { src + 100, 200 },
	};
	struct iovec rd[3] = {
		{ dst, 50 }, { dst + 50, 0 }, { dst + 50, 250 },
	};
	struct acme_stats before, after;

	pattern_fill(src, sizeof(src), 1, 10);
	ASSERT_EQ(10, lseek(self->fd, 10, SEEK_SET));
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(300, writev(self->fd, wr, ARRAY_SIZE(wr)));
	ASSERT_EQ(310, lseek(self->fd, 0, SEEK_CUR));
	/*
	 * One call of the driver's write_iter, not one ->write per iovec as
	 * the VFS loops for a driver without it: the counters say which.
	 */
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.writes + 1, after.writes);
	ASSERT_EQ(before.bytes_written + 300, after.bytes_written);
	/* The bytes write(2) would have put there, and no others. */
	ASSERT_EQ(300, pread(self->fd, back, sizeof(back), 10));
	ASSERT_EQ(0, memcmp(src, back, sizeof(src)));
	ASSERT_EQ(1, pread(self->fd, &c, 1, 9));
	ASSERT_EQ(0, c);
	ASSERT_EQ(1, pread(self->fd, &c, 1, 310));
	ASSERT_EQ(0, c);

	ASSERT_EQ(10, lseek(self->fd, 10, SEEK_SET));
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(300, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_EQ(310, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(0, memcmp(src, dst, sizeof(src)));
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.reads + 1, after.reads);
	ASSERT_EQ(before.bytes_read + 300, after.bytes_read);
}

TEST_F(mem, preadv_pwritev_at_an_offset)
{
	uint8_t src[200], dst[200] = {};
	struct iovec wr[3] = { { src, 64 }, { src, 0 }, { src + 64, 136 } };
	struct iovec rd[2] = { { dst, 150 }, { dst + 150, 50 } };

	pattern_fill(src, sizeof(src), 2, 1000);
	ASSERT_EQ(200, pwritev(self->fd, wr, ARRAY_SIZE(wr), 1000));
	ASSERT_EQ(200, preadv(self->fd, rd, ARRAY_SIZE(rd), 1000));
	ASSERT_EQ(0, memcmp(src, dst, sizeof(src)));

	/* preadv2() and pwritev2() with no flags: the same. */
	pattern_fill(src, sizeof(src), 3, 2000);
	memset(dst, 0, sizeof(dst));
	ASSERT_EQ(200, pwritev2(self->fd, wr, ARRAY_SIZE(wr), 2000, 0));
	ASSERT_EQ(200, preadv2(self->fd, rd, ARRAY_SIZE(rd), 2000, 0));
	ASSERT_EQ(0, memcmp(src, dst, sizeof(src)));

	/* None moved the file position; read(2) sees the same bytes. */
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
	memset(dst, 0, sizeof(dst));
	ASSERT_EQ(2000, lseek(self->fd, 2000, SEEK_SET));
	ASSERT_EQ(200, read(self->fd, dst, sizeof(dst)));
	ASSERT_EQ(0, memcmp(src, dst, sizeof(src)));
}

TEST_F(mem, readv_writev_at_the_end)
{
	off_t end = self->size;
	uint8_t src[128], dst[128] = {};
	struct iovec wr[2] = { { src, 64 }, { src + 64, 64 } };
	struct iovec rd[3] = { { dst, 64 }, { dst, 0 }, { dst + 64, 64 } };

	pattern_fill(src, sizeof(src), 4, end - 100);
	/* Across the end: the bytes that fit. */
	ASSERT_EQ(end - 100, lseek(self->fd, -100, SEEK_END));
	ASSERT_EQ(100, writev(self->fd, wr, ARRAY_SIZE(wr)));
	ASSERT_EQ(end, lseek(self->fd, 0, SEEK_CUR));
	/* At the end: no room at all. */
	ASSERT_EQ(-1, writev(self->fd, wr, ARRAY_SIZE(wr)));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ(-1, pwritev(self->fd, wr, ARRAY_SIZE(wr), end));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ(end, lseek(self->fd, 0, SEEK_CUR));

	/* A readv() that reaches the end: the short count, then 0. */
	ASSERT_EQ(end - 100, lseek(self->fd, -100, SEEK_END));
	ASSERT_EQ(100, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_EQ(0, memcmp(src, dst, 100));
	ASSERT_EQ(end, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(0, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_EQ(100, preadv(self->fd, rd, ARRAY_SIZE(rd), end - 100));
	ASSERT_EQ(0, preadv(self->fd, rd, ARRAY_SIZE(rd), end));
}

/* A bad iovec ends the transfer: the bytes before it, or EFAULT. */
TEST_F(mem, readv_writev_stop_at_a_bad_iovec)
{
	char data[] = "0123456789abcdef", buf[17] = {};
	struct iovec iov[2] = { { data, 16 }, { unmapped(), 16 } };

	ASSERT_EQ(16, writev(self->fd, iov, 2));
	ASSERT_EQ(16, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(16, pread(self->fd, buf, 16, 0));
	ASSERT_STREQ(data, buf);

	memset(buf, 0, sizeof(buf));
	iov[0].iov_base = buf;
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(16, readv(self->fd, iov, 2));
	ASSERT_EQ(16, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_STREQ(data, buf);

	/* A bad first iovec: nothing moves, the position neither. */
	iov[0].iov_base = unmapped();
	iov[1].iov_base = buf;
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(-1, writev(self->fd, iov, 2));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, readv(self->fd, iov, 2));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
}

/*
 * sendfile(2) from the device into a regular file, made in a fresh
 * directory under /tmp and unlinked at once, so that nothing is left.
 */
TEST_F(mem, sendfile_copies_into_a_regular_file)
{
	char dir[] = "/tmp/acme-sendfile-XXXXXX", path[64];
	const size_t len = 10000;
	uint8_t *src = malloc(self->size), *got = malloc(len);
	off_t off = 1000;
	int out;

	ASSERT_NONNULL(src);
	ASSERT_NONNULL(got);
	ASSERT_LE(off + len, self->size);
	pattern_fill(src, self->size, 5, 0);
	ASSERT_EQ((ssize_t)self->size, pwrite(self->fd, src, self->size, 0));
	ASSERT_NONNULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	out = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	unlink(path);
	rmdir(dir);
	ASSERT_LE(0, out) TH_LOG("open %s: %s", path, strerror(errno));

	/* With an offset: it moves, the file position does not. */
	ASSERT_EQ(len, sendfile(out, self->fd, &off, len));
	ASSERT_EQ(1000 + len, off);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(len, pread(out, got, len, 0));
	ASSERT_EQ(0, memcmp(src + 1000, got, len));

	/* Near the end: the bytes up to it; at the end: none. */
	off = self->size - 100;
	ASSERT_EQ(100, sendfile(out, self->fd, &off, len));
	ASSERT_EQ((off_t)self->size, off);
	ASSERT_EQ(0, sendfile(out, self->fd, &off, len));
	ASSERT_EQ(100, pread(out, got, len, len));
	ASSERT_EQ(0, memcmp(src + self->size - 100, got, 100));

	/* Without an offset: from the file position, which moves. */
	ASSERT_EQ(500, lseek(self->fd, 500, SEEK_SET));
	ASSERT_EQ(300, sendfile(out, self->fd, NULL, 300));
	ASSERT_EQ(800, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(300, pread(out, got, len, len + 100));
	ASSERT_EQ(0, memcmp(src + 500, got, 300));
	close(out);
	free(got);
	free(src);
}

/* A memfd, a file in memory, holding the @len bytes at @buf; -1 on error. */
static int memfd_holding(const void *buf, size_t len)
{
	int fd = memfd_create("acme-test", 0);

	if (fd >= 0 && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * sendfile(2) into the device: the VFS reads the memfd into a pipe and
 * hands it to the device's splice_write, which writes at the device file's
 * position and moves it, with the limits of write(2).
 */
TEST_F(mem, sendfile_from_a_memfd_writes_at_the_position)
{
	uint8_t src[5000], got[5000];
	off_t in_off = 0;
	char c = 1;
	int in;

	ASSERT_LE(1000 + sizeof(src) + 1, self->size);
	pattern_fill(src, sizeof(src), 30, 0);
	in = memfd_holding(src, sizeof(src));
	ASSERT_LE(0, in) TH_LOG("memfd: %s", strerror(errno));

	ASSERT_EQ(1000, lseek(self->fd, 1000, SEEK_SET));
	ASSERT_EQ((ssize_t)sizeof(src), sendfile(self->fd, in, &in_off, sizeof(src)));
	ASSERT_EQ((off_t)sizeof(src), in_off);
	ASSERT_EQ((off_t)sizeof(src) + 1000, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ((ssize_t)sizeof(got), pread(self->fd, got, sizeof(got), 1000));
	ASSERT_EQ(0, memcmp(src, got, sizeof(src)));
	/* Nothing around it: the fixture cleared the buffer. */
	ASSERT_EQ(1, pread(self->fd, &c, 1, 999));
	ASSERT_EQ(0, c);
	ASSERT_EQ(1, pread(self->fd, &c, 1, 1000 + sizeof(src)));
	ASSERT_EQ(0, c);

	/* Across the end: the bytes that fit. */
	in_off = 0;
	ASSERT_EQ((off_t)self->size - 100, lseek(self->fd, -100, SEEK_END));
	ASSERT_EQ(100, sendfile(self->fd, in, &in_off, sizeof(src)));
	ASSERT_EQ(100, in_off);
	ASSERT_EQ((off_t)self->size, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(100, pread(self->fd, got, sizeof(got), self->size - 100));
	ASSERT_EQ(0, memcmp(src, got, 100));

	/* At the end: ENOSPC, and the position stays. */
	ASSERT_EQ(-1, sendfile(self->fd, in, &in_off, sizeof(src)));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ((off_t)self->size, lseek(self->fd, 0, SEEK_CUR));
	close(in);
}

TEST_F(mem, splice_to_and_from_a_pipe)
{
	uint8_t *src = malloc(self->size), got[5000];
	loff_t off = 3000;
	int p[2];

	ASSERT_NONNULL(src);
	ASSERT_LE(25000, self->size);
	pattern_fill(src, self->size, 6, 0);
	ASSERT_EQ((ssize_t)self->size, pwrite(self->fd, src, self->size, 0));
	ASSERT_EQ(0, pipe(p));

	/* Device to pipe, at an offset, which moves; the position does not. */
	ASSERT_EQ(5000, splice(self->fd, &off, p[1], NULL, 5000, 0));
	ASSERT_EQ(8000, off);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
	ASSERT_EQ(5000, read(p[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(src + 3000, got, 5000));

	/* Pipe to device, at another offset. */
	pattern_fill(got, sizeof(got), 7, 20000);
	ASSERT_EQ(5000, write(p[1], got, sizeof(got)));
	off = 20000;
	ASSERT_EQ(5000, splice(p[0], NULL, self->fd, &off, 5000, 0));
	ASSERT_EQ(25000, off);
	ASSERT_EQ(5000, pread(self->fd, src, 5000, 20000));
	ASSERT_EQ(0, memcmp(got, src, 5000));

	/* Without an offset: at the file position, which moves. */
	ASSERT_EQ(20100, lseek(self->fd, 20100, SEEK_SET));
	ASSERT_EQ(50, splice(self->fd, NULL, p[1], NULL, 50, 0));
	ASSERT_EQ(20150, lseek(self->fd, 0, SEEK_CUR));
	memset(src, 0, 50);
	ASSERT_EQ(50, read(p[0], src, 50));
	ASSERT_EQ(0, memcmp(got + 100, src, 50));
	close(p[0]);
	close(p[1]);
	free(src);
}

TEST_F(mem, splice_from_a_pipe_stops_at_the_end)
{
	char buf[16] = {};
	loff_t off = self->size;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(10, write(p[1], "0123456789", 10));
	ASSERT_EQ(-1, splice(p[0], NULL, self->fd, &off, 10, 0));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ((loff_t)self->size, off);

	/* Across the end: the bytes that fit; the rest stays in the pipe. */
	off = self->size - 4;
	ASSERT_EQ(4, splice(p[0], NULL, self->fd, &off, 10, 0));
	ASSERT_EQ((loff_t)self->size, off);
	ASSERT_EQ(4, pread(self->fd, buf, sizeof(buf), self->size - 4));
	ASSERT_STREQ("0123", buf);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(6, read(p[0], buf, sizeof(buf)));
	ASSERT_STREQ("456789", buf);
	close(p[0]);
	close(p[1]);
}

/*
 * mmap(2): the mapping is the buffer itself, so it, read(2) and write(2)
 * see the same bytes at every offset.
 */
TEST_F(mem, mmap_shares_bytes_with_read_and_write)
{
	/* A multiple of the page size: of 4, 16 and 64 KiB pages. */
	uint64_t size = 65536;
	uint8_t *buf = malloc(size), *map;

	ASSERT_NONNULL(buf);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));

	/* write(2), then the mapping. */
	pattern_fill(buf, size, 8, 0);
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	EXPECT_EQ(-1, pattern_diff(map, size, 8, 0));

	/* The mapping, then read(2). */
	pattern_fill(map, size, 9, 0);
	memset(buf, 0, size);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ((ssize_t)size, read(self->fd, buf, size));
	EXPECT_EQ(-1, pattern_diff(buf, size, 9, 0));

	ASSERT_EQ(0, munmap(map, size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/* A size that is no page multiple maps as its last page rounded up. */
TEST_F(mem, mmap_of_a_size_not_page_aligned)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 5000;
	size_t len = (size + page - 1) & ~(page - 1);
	uint8_t *buf = malloc(len), *map;

	ASSERT_NONNULL(buf);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap %zu: %s", len, strerror(errno));

	pattern_fill(buf, size, 10, 0);
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	EXPECT_EQ(-1, pattern_diff(map, size, 10, 0));
	pattern_fill(map, size, 11, 0);
	memset(buf, 0, len);
	ASSERT_EQ((ssize_t)size, pread(self->fd, buf, len, 0));
	EXPECT_EQ(-1, pattern_diff(buf, size, 11, 0));
	ASSERT_EQ(0, munmap(map, len));

	/* One page more is past the end. */
	map = mmap(NULL, len + page, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->fd, 0);
	ASSERT_TRUE(map == MAP_FAILED);
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/* Try to map @len bytes of @fd from @off: 0, or errno if that fails. */
static int try_mmap(int fd, size_t len, off_t off, int flags)
{
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);

	if (map == MAP_FAILED)
		return errno;
	munmap(map, len);
	return 0;
}

TEST_F(mem, mmap_past_the_end_fails_einval)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 4 * page;
	uint8_t *buf = malloc(size), *map;

	ASSERT_NONNULL(buf);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	/* Longer than the buffer, or as long but from a later page. */
	EXPECT_EQ(EINVAL, try_mmap(self->fd, size + page, 0, MAP_SHARED));
	EXPECT_EQ(EINVAL, try_mmap(self->fd, size, page, MAP_SHARED));
	EXPECT_EQ(EINVAL, try_mmap(self->fd, 2 * page, 3 * page, MAP_SHARED));
	/* From the end, or beyond it. */
	EXPECT_EQ(EINVAL, try_mmap(self->fd, page, size, MAP_SHARED));
	EXPECT_EQ(EINVAL, try_mmap(self->fd, page, size + page, MAP_SHARED));

	/* Up to the end from a page-aligned offset: the bytes from there. */
	pattern_fill(buf, size, 12, 0);
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->fd, 2 * page);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(-1, pattern_diff(map, 2 * page, 12, 2 * page));
	ASSERT_EQ(0, munmap(map, 2 * page));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/*
 * Only shared mappings: acme refuses MAP_PRIVATE with EINVAL, a documented
 * choice, rather than give copies that the device's writes may not reach.
 */
TEST_F(mem, mmap_private_fails_einval)
{
	long page = sysconf(_SC_PAGESIZE);

	EXPECT_EQ(EINVAL, try_mmap(self->fd, page, 0, MAP_PRIVATE));
	EXPECT_EQ(EINVAL, try_mmap(self->fd, self->size, 0, MAP_PRIVATE));
	EXPECT_EQ(0, try_mmap(self->fd, page, 0, MAP_SHARED));
}

/* A mapping pins the buffer: resizing waits until the last one is gone. */
TEST_F(mem, set_size_while_mapped_fails_ebusy)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 4 * page, other = 2 * page;
	int go[2], status;
	uint8_t *map;
	char c;
	pid_t pid;

	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* A hole splits the mapping in two, the first page goes: still busy. */
	ASSERT_EQ(0, munmap(map + page, page));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, munmap(map, page));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* A child inherits the rest, then the parent unmaps it: still busy. */
	map[3 * page] = 'm';
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		/* Until the parent closes its end. */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(map[3 * page] == 'm' ? 0 : 1);
	}
	close(go[0]);
	ASSERT_EQ(0, munmap(map + 2 * page, 2 * page));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* The child's mapping was the last one: resizing works again. */
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

/*
 * A file opened read-only maps with PROT_READ and MAP_SHARED: do_mmap()
 * then clears VM_SHARED but keeps VM_MAYSHARE, and the mapping is the
 * buffer all the same, showing what another file writes.
 */
TEST_F(mem, mmap_readable_shared_of_a_read_only_file)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t buf[256];
	uint8_t *map;
	int fd;

	ASSERT_LE(sizeof(buf), self->size);
	fd = open(mem_path(), O_RDONLY);
	ASSERT_LE(0, fd);
	map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	pattern_fill(buf, sizeof(buf), 31, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), pwrite(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, pattern_diff(map, sizeof(buf), 31, 0));
	ASSERT_EQ(0, munmap(map, page));
}

/*
 * A mapping moved by mremap(2), or split by mprotect(2), still pins the
 * buffer: acme counts the VMAs, whatever made them. It cannot grow:
 * remap_vmalloc_range() makes it VM_DONTEXPAND, which mremap(2) refuses
 * with EFAULT (vma_to_resize() in mm/mremap.c), so it never reaches past
 * the buffer.
 */
TEST_F(mem, set_size_while_mapped_after_mremap_and_mprotect_fails_ebusy)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 4 * page, other = 2 * page;
	uint8_t *buf = malloc(size), *map, *to, *moved;

	ASSERT_NONNULL(buf);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	pattern_fill(buf, size, 32, 0);
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));

	/* Moved whole to an address reserved for it: still busy. */
	to = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(to != MAP_FAILED);
	moved = mremap(map, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_TRUE(moved == to) TH_LOG("mremap: %s", strerror(errno));
	EXPECT_EQ(-1, pattern_diff(moved, size, 32, 0));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* Growing fails, in place or moving, and leaves it mapped. */
	ASSERT_TRUE(mremap(moved, size, size + page, 0) == MAP_FAILED);
	ASSERT_EQ(EFAULT, errno);
	ASSERT_TRUE(mremap(moved, size, size + page, MREMAP_MAYMOVE) == MAP_FAILED);
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* PROT_READ on the second page splits it in three: still busy. */
	ASSERT_EQ(0, mprotect(moved + page, page, PROT_READ));
	EXPECT_EQ(-1, pattern_diff(moved, size, 32, 0));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);

	/* Each piece pins it until the last one is gone. */
	ASSERT_EQ(0, munmap(moved + page, page));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, munmap(moved, page));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, munmap(moved + 2 * page, 2 * page));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/*
 * The bytes past the size in the last page belong to the mapping only,
 * and read as zero each time the device is mapped with no mapping left:
 * what an earlier mapping put there is gone. While a mapping exists,
 * another one shares its bytes there. read(2) stops at the size. 5000
 * bytes map as 8192 with 4 KiB pages, as one page with larger ones. A
 * resize gives a zeroed buffer, so the first mapping only dirties the
 * tail, for the checks after it to mean something.
 */
TEST_F(mem, mmap_tail_past_the_size_reads_zero_when_mapped_again)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 5000;
	size_t len = (size + page - 1) & ~(page - 1);
	uint8_t *buf = malloc(size), *map, *other;
	char c;

	ASSERT_NONNULL(buf);
	/* Succeeds only while nothing maps the device. */
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	pattern_fill(buf, size, 33, 0);
	ASSERT_EQ((ssize_t)size, pwrite(self->fd, buf, size, 0));
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap %zu: %s", len, strerror(errno));
	memset(map + size, 0xff, len - size);
	ASSERT_EQ((off_t)size, lseek(self->fd, size, SEEK_SET));
	ASSERT_EQ(0, read(self->fd, &c, 1));
	ASSERT_EQ(0, munmap(map, len));

	/* Mapped again with no mapping left: the tail was zeroed. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap %zu: %s", len, strerror(errno));
	EXPECT_TRUE(all_are(map + size, 0, len - size))
		TH_LOG("the bytes past the size kept what the last mapping wrote");
	EXPECT_EQ(-1, pattern_diff(map, size, 33, 0));

	/* Mapped while that mapping exists: the same bytes, not zeroed. */
	memset(map + size, 0x5a, len - size);
	other = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(other != MAP_FAILED) TH_LOG("mmap %zu: %s", len, strerror(errno));
	EXPECT_TRUE(all_are(other + size, 0x5a, len - size))
		TH_LOG("a second mapping zeroed the bytes the first one shows");
	EXPECT_TRUE(all_are(map + size, 0x5a, len - size));
	ASSERT_EQ(0, munmap(other, len));
	ASSERT_EQ(0, munmap(map, len));

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap %zu: %s", len, strerror(errno));
	EXPECT_TRUE(all_are(map + size, 0, len - size));
	EXPECT_EQ(-1, pattern_diff(map, size, 33, 0));
	ASSERT_EQ(0, munmap(map, len));
	ASSERT_EQ((off_t)size, lseek(self->fd, size, SEEK_SET));
	ASSERT_EQ(0, read(self->fd, &c, 1));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/*
 * madvise(MADV_DONTNEED) drops the page table entries of a mapping but
 * not the VMA; the next access faults, and the driver's ->fault() maps the
 * buffer's page again: the same bytes, and writes that reach read(2), not
 * SIGBUS. A SIGBUS kills the test, which the harness reports as a failure.
 */
TEST_F(mem, mmap_after_madv_dontneed_maps_the_same_bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 4 * page;
	uint8_t *buf = malloc(size), *map;

	ASSERT_NONNULL(buf);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	pattern_fill(map, size, 34, 0);

	ASSERT_EQ(0, madvise(map, size, MADV_DONTNEED)) TH_LOG("madvise: %s", strerror(errno));
	EXPECT_EQ(-1, pattern_diff(map, size, 34, 0));

	/* Zapped again, then written through the mapping: read(2) sees it. */
	ASSERT_EQ(0, madvise(map + page, 2 * page, MADV_DONTNEED));
	pattern_fill(map + page, 2 * page, 35, page);
	ASSERT_EQ((ssize_t)size, pread(self->fd, buf, size, 0));
	EXPECT_EQ(-1, pattern_diff(buf, page, 34, 0));
	EXPECT_EQ(-1, pattern_diff(buf + page, 2 * page, 35, page));
	EXPECT_EQ(-1, pattern_diff(buf + 3 * page, page, 34, 3 * page));
	ASSERT_EQ(0, munmap(map, size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
	free(buf);
}

/*
 * A minimal io_uring, with the raw system calls: the ring file, its
 * submission and completion rings, one request at a time.
 */
struct uring {
	int fd;
	void *sq, *cq;
	size_t sq_len, cq_len, sqes_len;
	struct io_uring_sqe *sqes;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

/*
 * Set up a ring of 4 entries: 0, or the errno of what failed. r->fd < 0
 * then says that io_uring_setup(2) itself failed: a kernel without
 * CONFIG_IO_URING, or with io_uring disabled by sysctl.
 */
static int uring_init(struct uring *r)
{
	struct io_uring_params p;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED | MAP_POPULATE;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return errno;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	r->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sq = mmap(NULL, r->sq_len, prot, flags, r->fd, IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, prot, flags, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->sqes_len, prot, flags, r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return errno;
	r->sq_tail = (unsigned int *)((char *)r->sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)((char *)r->sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)((char *)r->sq + p.sq_off.array);
	r->cq_head = (unsigned int *)((char *)r->cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)((char *)r->cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)((char *)r->cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)r->cq + p.cq_off.cqes);
	return 0;
}

static void uring_exit(struct uring *r)
{
	if (r->sqes && r->sqes != MAP_FAILED)
		munmap(r->sqes, r->sqes_len);
	if (r->cq && r->cq != MAP_FAILED)
		munmap(r->cq, r->cq_len);
	if (r->sq && r->sq != MAP_FAILED)
		munmap(r->sq, r->sq_len);
	if (r->fd >= 0)
		close(r->fd);
}

/* Queue @sqe and submit it: what io_uring_enter(2) returns. */
static int uring_submit(struct uring *r, const struct io_uring_sqe *sqe)
{
	unsigned int tail = *r->sq_tail, i = tail & *r->sq_mask;

	r->sqes[i] = *sqe;
	r->sq_array[i] = i;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0);
}

/*
 * Wait up to @ms for a completion and take it into @cqe: 1, or 0 if none
 * came. io_uring_enter(2) with IORING_ENTER_GETEVENTS and no minimum runs
 * the ring's pending task work, which posts a completion woken by poll.
 */
static int uring_wait(struct uring *r, struct io_uring_cqe *cqe, int ms)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	unsigned int head;
	int waited;

	for (waited = 0; ; waited += 10) {
		syscall(__NR_io_uring_enter, r->fd, 0, 0,
			IORING_ENTER_GETEVENTS, NULL, 0);
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
		if (waited >= ms)
			return 0;
		poll(&pfd, 1, 10);
	}
	*cqe = r->cqes[head & *r->cq_mask];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 1;
}

/*
 * Pages pinned with pin_user_pages() outlive the mapping they were pinned
 * through: io_uring's registered buffers keep them after munmap(2). A
 * resize would leave them with the old buffer, so it fails with EBUSY
 * until they are unpinned. Linux 6.1's io_uring refuses to register memory
 * of a file other than shmem or hugetlbfs (EOPNOTSUPP), as acme.rst says:
 * nothing pins the buffer there, and the resize after munmap(2) works.
 */
TEST_F(mem, set_size_while_pages_are_pinned_fails_ebusy)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size = 4 * page, other = 2 * page;
	struct uring r;
	struct iovec iov;
	uint8_t *map;
	int err;

	err = uring_init(&r);
	if (err && r.fd < 0)
		SKIP(return, "io_uring_setup: %s: no io_uring to pin pages with",
		     strerror(err));
	ASSERT_EQ(0, err) TH_LOG("io_uring setup: %s", strerror(err));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(map != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	iov = (struct iovec){ map, size };
	if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_BUFFERS, &iov, 1)) {
		err = errno;
		uring_exit(&r);
		ASSERT_EQ(EOPNOTSUPP, err)
			TH_LOG("IORING_REGISTER_BUFFERS: %s", strerror(err));
		printf("#   %s (EOPNOTSUPP, as on Linux 6.1): nothing pinned\n",
		       "io_uring refuses to register a device mapping");
		fflush(stdout);
		ASSERT_EQ(0, munmap(map, size));
		EXPECT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
		ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
		return;
	}

	/* Pinned and unmapped: still busy. */
	ASSERT_EQ(0, munmap(map, size));
	EXPECT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &other));
	EXPECT_EQ(EBUSY, errno) TH_LOG("resized under pinned pages");

	/* Unpinned: resizing works again. */
	ASSERT_EQ(0, syscall(__NR_io_uring_register, r.fd,
			     IORING_UNREGISTER_BUFFERS, NULL, 0));
	EXPECT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &other))
		TH_LOG("after unregistering: %s", strerror(errno));
	uring_exit(&r);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

/*
 * O_APPEND writes at the end of the data, as on a regular file. The device
 * is a fixed-size buffer that is all data, so such a write fails with
 * ENOSPC and leaves the bytes and the position alone, however O_APPEND was
 * set (open(2), fcntl(2)) or asked for (RWF_APPEND); pwrite(2) appends too,
 * as on Linux for any O_APPEND file. Reads are not affected.
 */
TEST_F(mem, o_append_writes_at_the_end_and_fail_enospc)
{
	struct iovec iov = { "x", 1 };
	char buf[4] = {};
	int fd;

	ASSERT_EQ(4, pwrite(self->fd, "keep", 4, 0));
	fd = open(mem_path(), O_RDWR | O_APPEND);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "lost", 4));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(-1, pwrite(fd, "lost", 4, 0));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(4, read(fd, buf, 4));
	EXPECT_EQ(0, memcmp(buf, "keep", 4));
	close(fd);

	/* Set by fcntl(2) on an open file, and cleared again. */
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fcntl(self->fd, F_GETFL) | O_APPEND));
	EXPECT_EQ(-1, write(self->fd, "lost", 4));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fcntl(self->fd, F_GETFL) & ~O_APPEND));
	EXPECT_EQ(1, pwrite(self->fd, "K", 1, 0));

	/* For one call: RWF_APPEND. */
	EXPECT_EQ(-1, pwritev2(self->fd, &iov, 1, 0, RWF_APPEND));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(4, pread(self->fd, buf, 4, 0));
	EXPECT_EQ(0, memcmp(buf, "Keep", 4));
}

/*
 * The data lives in memory, as on tmpfs: fsync(2) and fdatasync(2) have
 * nothing to write back and succeed.
 */
TEST_F(mem, fsync_and_fdatasync_succeed)
{
	EXPECT_EQ(0, fsync(self->fd)) TH_LOG("fsync: %s", strerror(errno));
	EXPECT_EQ(0, fdatasync(self->fd)) TH_LOG("fdatasync: %s", strerror(errno));
}

/* --- FIFO devices --------------------------------------------------- */

FIXTURE(fifo) {
	int fd;
	uint64_t size;
};

FIXTURE_SETUP(fifo)
{
	self->fd = -1;
	self->fd = open(fifo_path(), O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", fifo_path(), strerror(errno));
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &self->size));
	ASSERT_EQ(0, reset_size(self->fd, &self->size, "fifo_size"));
}

FIXTURE_TEARDOWN(fifo)
{
	if (self->fd >= 0) {
		acme_clear(self->fd);
		ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size);
		close(self->fd);
	}
}

static void set_blocking(int fd, int blocking)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK);
}

/*
 * Fill the FIFO with non-blocking writes; return the bytes queued. The
 * chunks are larger than PIPE_BUF, so that no write of one is atomic: each
 * takes whatever room is left, and the FIFO ends up full.
 */
static long fill(int fd)
{
	static char chunk[2 * PIPE_BUF];
	long total = 0;
	ssize_t n;

	memset(chunk, 'f', sizeof(chunk));
	while ((n = write(fd, chunk, sizeof(chunk))) > 0)
		total += n;
	return total;
}

TEST_F(fifo, write_then_read_in_order)
{
	char buf[16] = {};

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	ASSERT_EQ(3, write(self->fd, "def", 3));
	ASSERT_EQ(6, read(self->fd, buf, sizeof(buf)));
	ASSERT_STREQ("abcdef", buf);
}

TEST_F(fifo, read_returns_what_is_queued)
{
	char buf[100];

	ASSERT_EQ(3, write(self->fd, "xyz", 3));
	set_blocking(self->fd, 1);
	ASSERT_EQ(3, read(self->fd, buf, sizeof(buf)));
}

/*
 * One large write and one large read move everything, in order, although
 * the driver copies in pieces to let a reader and a writer overlap.
 */
TEST_F(fifo, large_write_and_read_move_all_in_order)
{
	uint64_t size = 65536;
	size_t len = size + 100, i;
	unsigned char *out = malloc(len), *in = calloc(1, len);

	ASSERT_NONNULL(out);
	ASSERT_NONNULL(in);
	/* 64 KiB, four pieces; 100 bytes in and out, so that they wrap. */
	for (i = 0; i < len; i++)
		out[i] = i % 251;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(100, write(self->fd, out, 100));
	ASSERT_EQ(100, read(self->fd, in, 100));
	EXPECT_EQ((ssize_t)size, write(self->fd, out, len));
	EXPECT_EQ((ssize_t)size, read(self->fd, in, len));
	EXPECT_EQ(0, memcmp(out, in, size));
	free(in);
	free(out);
}

TEST_F(fifo, nonblocking_read_when_empty_fails_eagain)
{
	char c;

	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(fifo, nonblocking_write_when_full_fails_eagain)
{
	ASSERT_EQ((long)self->size, fill(self->fd));
	ASSERT_EQ(-1, write(self->fd, "x", 1));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(fifo, nonblocking_write_moves_what_fits)
{
	size_t len = self->size + 100;
	char *big = calloc(1, len);

	ASSERT_NONNULL(big);
	ASSERT_EQ((ssize_t)self->size, write(self->fd, big, len));
	free(big);
}

TEST_F(fifo, zero_counts_return_0)
{
	char c;

	ASSERT_EQ(0, read(self->fd, &c, 0));
	ASSERT_EQ(0, write(self->fd, &c, 0));
}

TEST_F(fifo, poll_reports_readiness)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLOUT };

	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(1, write(self->fd, "p", 1));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLIN | POLLOUT, pfd.revents);
	fill(self->fd);
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLIN, pfd.revents);
}

TEST_F(fifo, select_reports_readiness)
{
	struct timeval tv = { 0, 0 };
	fd_set rd, wr;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(self->fd, &rd);
	FD_SET(self->fd, &wr);
	ASSERT_EQ(1, select(self->fd + 1, &rd, &wr, NULL, &tv));
	ASSERT_FALSE(FD_ISSET(self->fd, &rd));
	ASSERT_TRUE(FD_ISSET(self->fd, &wr));
}

/* poll() reports only the directions the file was opened for. */
TEST_F(fifo, poll_reports_only_the_open_mode)
{
	int rd = open(fifo_path(), O_RDONLY | O_NONBLOCK);
	int wr = open(fifo_path(), O_WRONLY | O_NONBLOCK);
	struct pollfd p[2] = {
		{ .fd = rd, .events = POLLIN | POLLOUT },
		{ .fd = wr, .events = POLLIN | POLLOUT },
	};

	ASSERT_LE(0, rd);
	ASSERT_LE(0, wr);
	/* Empty: the writer may write, the reader has nothing. */
	ASSERT_EQ(1, poll(p, 2, 0));
	EXPECT_EQ(0, p[0].revents) TH_LOG("O_RDONLY, empty: revents %#x", p[0].revents);
	EXPECT_EQ(POLLOUT, p[1].revents);
	/* Some data: each side sees only its own direction. */
	ASSERT_EQ(1, write(wr, "x", 1));
	ASSERT_EQ(2, poll(p, 2, 0));
	EXPECT_EQ(POLLIN, p[0].revents);
	EXPECT_EQ(POLLOUT, p[1].revents) TH_LOG("O_WRONLY, data: revents %#x", p[1].revents);
	/* Full: the reader may read, the writer has no room. */
	fill(wr);
	ASSERT_EQ(1, poll(p, 2, 0));
	EXPECT_EQ(POLLIN, p[0].revents);
	EXPECT_EQ(0, p[1].revents) TH_LOG("O_WRONLY, full: revents %#x", p[1].revents);
	close(rd);
	close(wr);
}

/* --- blocking poll: thousands of real sleeps, no lost wake-up --------- */

/*
 * Each round, the process under test makes the FIFO not ready for itself
 * (a writer fills it, a reader empties it), tells a peer process to go, and
 * sleeps in poll(2) or epoll_wait(2). The peer makes exactly one transfer
 * per round, so that one wake-up, and no later one, must end the poll:
 * three rounds in four it first waits until the poller is asleep, the
 * fourth it races with the poller going to sleep. A timeout is only a hang
 * detector (POLL_HANG_MS): if the FIFO turns out ready after one, the
 * wake-up was lost.
 * For a writer, ready means room for an atomic write, PIPE_BUF bytes: the
 * peer's one read frees at least that much.
 */
enum poll_kind { POLL_WRITER, EPOLL_WRITER, POLL_READER };

static long poll_rounds(void)
{
	const char *e = getenv("ACME_POLL_ROUNDS");
	long n = e ? strtol(e, NULL, 10) : 0;

	return n > 0 ? n : 2000;
}

/* Voluntary context switches of this process: one per real sleep. */
static long nvcsw(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw;
}

/* As wait_until_sleeping(), spinning; gives up after about 2 s. */
static void wait_asleep(pid_t pid)
{
	int i;

	for (i = 0; i < 200000 && !is_sleeping(pid); i++)
		if (i % 16 == 15)
			usleep(10);
}

/*
 * The peer: for each byte on @go, one read (@read_side) or write of the
 * FIFO, of a size that varies by round, blocking in read(2) or write(2)
 * itself; three rounds in four it first waits until @poller is asleep.
 * A write is of 1 to PIPE_BUF bytes. A read is of PIPE_BUF bytes or more:
 * POLLOUT needs room for an atomic write, and a smaller read would leave
 * the writer asleep.
 */
static void poll_peer(pid_t poller, bool read_side, int go)
{
	static char buf[2 * PIPE_BUF];
	unsigned int round;
	int fd = open(fifo_path(), read_side ? O_RDONLY : O_WRONLY);
	char c;

	if (fd < 0)
		_exit(1);
	memset(buf, 'p', sizeof(buf));
	for (round = 1; read(go, &c, 1) == 1; round++) {
		size_t len = 1 + (round * 2654435761U) % PIPE_BUF;

		if (read_side)
			len += PIPE_BUF - 1;

		if (round % 4)
			wait_asleep(poller);
		if ((read_side ? read(fd, buf, len) : write(fd, buf, len)) <= 0)
			_exit(2);
	}
	_exit(0);
}

/* Make the FIFO not ready for @fd's direction; non-blocking. */
static void unready(int fd, bool writer)
{
	static char buf[4096];

	if (writer)
		fill(fd);
	else
		while (read(fd, buf, sizeof(buf)) > 0)
			;
}

static int wait_ready(int fd, int ep, enum poll_kind kind)
{
	struct pollfd pfd = {
		.fd = fd, .events = kind == POLL_READER ? POLLIN : POLLOUT,
	};
	struct epoll_event ev;

	if (kind == EPOLL_WRITER)
		return epoll_wait(ep, &ev, 1, POLL_HANG_MS);
	return poll(&pfd, 1, POLL_HANG_MS);
}

static void poll_blocking_rounds(struct __test_metadata *_metadata,
				 enum poll_kind kind)
{
	bool writer = kind != POLL_READER;
	struct epoll_event ev = { .events = EPOLLOUT };
	long rounds = poll_rounds(), r, slept = 0;
	static char room[PIPE_BUF];
	int fd, ep = -1, n = 1, go[2];
	ssize_t atomic = PIPE_BUF;
	uint64_t size = 0;
	bool ready = false;
	pid_t peer;
	char c = 0;

	fd = open(fifo_path(), (writer ? O_WRONLY : O_RDONLY) | O_NONBLOCK);
	ASSERT_LE(0, fd);
	/* POLLOUT means room for an atomic write: min(PIPE_BUF, capacity). */
	ASSERT_EQ(0, ioctl(fd, ACME_IOC_GET_SIZE, &size));
	if (size < PIPE_BUF)
		atomic = size;
	if (kind == EPOLL_WRITER) {
		ep = epoll_create1(0);
		ASSERT_LE(0, ep);
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	}
	ASSERT_EQ(0, pipe(go));
	peer = fork();
	ASSERT_LE(0, peer);
	if (!peer) {
		close(go[1]);
		poll_peer(getppid(), writer, go[0]);
	}
	close(go[0]);

	for (r = 0; r < rounds; r++) {
		long before;

		unready(fd, writer);
		if (write(go[1], &c, 1) != 1)
			break;
		before = nvcsw();
		n = wait_ready(fd, ep, kind);
		if (n == 1) {
			slept += nvcsw() > before;
			continue;
		}
		/* Timed out (or failed): was the FIFO ready all along? */
		ready = writer ? write(fd, room, atomic) == atomic :
			read(fd, &c, 1) == 1;
		break;
	}
	close(go[1]);
	kill_all(&peer, 1);
	if (ep >= 0)
		close(ep);
	close(fd);
	printf("#   %ld rounds, %ld of them slept in %s\n", r, slept,
	       kind == EPOLL_WRITER ? "epoll_wait" : "poll");
	fflush(stdout);
	ASSERT_EQ(rounds, r) TH_LOG("round %ld: %s returned %d after %d ms: %s",
				    r, kind == EPOLL_WRITER ? "epoll_wait" : "poll",
				    n, POLL_HANG_MS, n < 0 ? strerror(errno) :
				    ready ? "the FIFO was ready, a lost wake-up" :
				    "the FIFO was not ready, the peer stopped");
	/* Most rounds must really sleep, or this tests nothing. */
	ASSERT_LE(rounds / 2, slept);
}

TEST_F_TIMEOUT(fifo, writer_sleeps_in_poll_pollout, 300)
{
	poll_blocking_rounds(_metadata, POLL_WRITER);
}

TEST_F_TIMEOUT(fifo, writer_sleeps_in_epoll_wait_epollout, 300)
{
	poll_blocking_rounds(_metadata, EPOLL_WRITER);
}

TEST_F_TIMEOUT(fifo, reader_sleeps_in_poll_pollin, 300)
{
	poll_blocking_rounds(_metadata, POLL_READER);
}

static void write_wake(pid_t parent)
{
	int fd = open(fifo_path(), O_WRONLY);

	(void)parent;
	if (fd < 0 || write(fd, "wake", 4) != 4)
		_exit(1);
}

static void read_64(pid_t parent)
{
	char buf[64];
	int fd = open(fifo_path(), O_RDONLY);

	(void)parent;
	if (fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf))
		_exit(1);
}

static void clear_fifo(pid_t parent)
{
	int fd = open(fifo_path(), O_WRONLY);

	(void)parent;
	if (fd < 0 || acme_clear(fd))
		_exit(1);
}

/* Read everything a blocked writer sends, in small reads, until killed. */
static void drain(pid_t parent)
{
	char buf[1000];
	int fd = open(fifo_path(), O_RDONLY | O_NONBLOCK);

	while (fd >= 0 && kill(parent, 0) == 0) {
		if (read(fd, buf, sizeof(buf)) <= 0)
			sleep_ms(1);
	}
}

TEST_F(fifo, epoll_wakes_on_write_from_another_process)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0);
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0));
	pid = when_blocked(write_wake);
	ASSERT_LE(0, pid);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 20000));
	ASSERT_TRUE(out.events & EPOLLIN);
	reap(pid);
	close(ep);
}

TEST_F(fifo, blocking_read_waits_for_a_writer)
{
	char buf[8] = {};
	pid_t pid;

	set_blocking(self->fd, 1);
	pid = when_blocked(write_wake);
	ASSERT_LE(0, pid);
	ASSERT_EQ(4, read(self->fd, buf, sizeof(buf)));
	ASSERT_STREQ("wake", buf);
	reap(pid);
}

TEST_F(fifo, blocking_write_waits_for_a_reader)
{
	pid_t pid;

	fill(self->fd);
	set_blocking(self->fd, 1);
	pid = when_blocked(read_64);
	ASSERT_LE(0, pid);
	ASSERT_EQ(10, write(self->fd, "0123456789", 10));
	reap(pid);
}

TEST_F(fifo, clear_wakes_a_blocked_writer)
{
	pid_t pid;

	fill(self->fd);
	set_blocking(self->fd, 1);
	pid = when_blocked(clear_fifo);
	ASSERT_LE(0, pid);
	ASSERT_EQ(3, write(self->fd, "new", 3));
	reap(pid);
}

TEST_F(fifo, blocking_write_larger_than_fifo_completes)
{
	size_t len = 3 * self->size + 123;
	struct acme_stats before, after;
	char *big = calloc(1, len);
	pid_t pid;

	ASSERT_NONNULL(big);
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	set_blocking(self->fd, 1);
	pid = when_blocked(drain);
	ASSERT_LE(0, pid);
	ASSERT_EQ((ssize_t)len, write(self->fd, big, len));
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written + len, after.bytes_written);
	/* One write(2) counts once, however many times it blocked. */
	ASSERT_EQ(before.writes + 1, after.writes);
	kill_all(&pid, 1);
	free(big);
}

TEST_F(fifo, signal_interrupts_blocked_read)
{
	pid_t pid;
	char c;

	set_blocking(self->fd, 1);
	pid = signal_when_blocked();
	ASSERT_LE(0, pid);
	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EINTR, errno);
	reap(pid);
}

TEST_F(fifo, signal_returns_bytes_already_written)
{
	size_t len = self->size + 1000;
	char *big = calloc(1, len);
	pid_t pid;

	ASSERT_NONNULL(big);
	set_blocking(self->fd, 1);
	pid = signal_when_blocked();
	ASSERT_LE(0, pid);
	ASSERT_EQ((ssize_t)self->size, write(self->fd, big, len));
	reap(pid);
	free(big);
}

TEST_F(fifo, lseek_and_pread_fail_espipe)
{
	char c;

	ASSERT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(ESPIPE, errno);
	ASSERT_EQ(-1, pread(self->fd, &c, 1, 0));
	ASSERT_EQ(ESPIPE, errno);
}

TEST_F(fifo, bad_buffer_fails_efault)
{
	ASSERT_EQ(-1, write(self->fd, unmapped(), 4));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(4, write(self->fd, "data", 4));
	ASSERT_EQ(-1, read(self->fd, unmapped(), 4));
	ASSERT_EQ(EFAULT, errno);
}

TEST_F(fifo, size_and_sysfs)
{
	char kind[16];

	ASSERT_EQ((long long)self->size, sysfs_num(fifo_path(), "size"));
	ASSERT_EQ(0, sysfs_str(fifo_path(), "kind", kind, sizeof(kind)));
	ASSERT_STREQ("fifo", kind);
}

TEST_F(fifo, resize_only_when_empty)
{
	uint64_t size = 4096, got = 0;

	ASSERT_EQ(1, write(self->fd, "q", 1));
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(4096, got);
	ASSERT_EQ(4096, fill(self->fd));
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

TEST_F(fifo, resize_rounds_up_and_checks_range)
{
	uint64_t size = 3000, got = 0;

	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(4096, got);
	size = FIFO_SIZE_MIN;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(FIFO_SIZE_MIN, got);
	size = FIFO_SIZE_MIN - 1;
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
	size = FIFO_SIZE_MAX;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_GET_SIZE, &got));
	ASSERT_EQ(FIFO_SIZE_MAX, got);
	size = FIFO_SIZE_MAX + 1;
	ASSERT_EQ(-1, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

TEST_F(fifo, clear_drops_queued_data)
{
	char c;

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(fifo, stats_count_bytes)
{
	struct acme_stats before, after;
	char buf[8];

	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(5, write(self->fd, "stats", 5));
	ASSERT_EQ(5, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written + 5, after.bytes_written);
	ASSERT_EQ(before.bytes_read + 5, after.bytes_read);
	ASSERT_EQ((long long)after.bytes_read,
		  sysfs_num(fifo_path(), "bytes_read"));
}

TEST_F(fifo, unknown_ioctl_fails_enotty)
{
	ASSERT_EQ(-1, ioctl(self->fd, _IO('x', 1)));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(fifo, readv_writev_keep_the_order)
{
	char buf[16] = {};
	struct iovec wr[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec rd[3] = { { buf, 3 }, { buf + 3, 0 }, { buf + 3, 2 } };
	struct acme_stats before, after;

	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(8, writev(self->fd, wr, ARRAY_SIZE(wr)));
	/*
	 * One write_iter call, so one atomic write of 8 bytes: the VFS would
	 * call a ->write per iovec, two writes another writer could split.
	 */
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.writes + 1, after.writes);
	ASSERT_EQ(2, write(self->fd, "ij", 2));
	/* Fewer bytes than queued: the first ones; the rest stays. */
	ASSERT_EQ(5, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_STREQ("abcde", buf);
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(after.reads + 1, before.reads);
	rd[0].iov_base = buf + 5;
	rd[1].iov_base = buf + 8;
	rd[2] = (struct iovec){ buf + 8, 8 };
	ASSERT_EQ(5, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_STREQ("abcdefghij", buf);
	ASSERT_EQ(-1, readv(self->fd, rd, ARRAY_SIZE(rd)));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(fifo, splice_to_and_from_a_pipe)
{
	uint8_t src[5000], got[5008];
	char c;
	int p[2];

	pattern_fill(src, sizeof(src), 20, 0);
	ASSERT_EQ(0, pipe(p));

	/* FIFO to pipe. */
	ASSERT_EQ(5000, write(self->fd, src, sizeof(src)));
	ASSERT_EQ(5000, splice(self->fd, NULL, p[1], NULL, 5000, 0));
	ASSERT_EQ(5000, read(p[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(src, got, sizeof(src)));
	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);

	/* Pipe to FIFO, between two write(2)s: in order. */
	ASSERT_EQ(4, write(self->fd, "head", 4));
	ASSERT_EQ(5000, write(p[1], src, sizeof(src)));
	ASSERT_EQ(5000, splice(p[0], NULL, self->fd, NULL, 5000, 0));
	ASSERT_EQ(4, write(self->fd, "tail", 4));
	ASSERT_EQ(5008, read(self->fd, got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, "head", 4));
	ASSERT_EQ(0, memcmp(got + 4, src, sizeof(src)));
	ASSERT_EQ(0, memcmp(got + 5004, "tail", 4));
	close(p[0]);
	close(p[1]);
}

/*
 * A FIFO has no position. The VFS refuses an offset for a file without
 * pread and pwrite (stream_open() clears FMODE_PREAD and FMODE_PWRITE)
 * with EINVAL, before acme is called: ESPIPE is for an offset given for
 * the pipe.
 */
TEST_F(fifo, splice_with_an_offset_fails_einval)
{
	loff_t off = 0;
	char c = 0;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(1, write(self->fd, "f", 1));
	ASSERT_EQ(1, write(p[1], "p", 1));
	ASSERT_EQ(-1, splice(self->fd, &off, p[1], NULL, 1, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, splice(p[0], NULL, self->fd, &off, 1, 0));
	ASSERT_EQ(EINVAL, errno);
	/* Nothing moved. */
	ASSERT_EQ(1, read(self->fd, &c, 1));
	ASSERT_EQ('f', c);
	ASSERT_EQ(1, read(p[0], &c, 1));
	ASSERT_EQ('p', c);
	close(p[0]);
	close(p[1]);
}

/*
 * splice(2) on a FIFO opened O_NONBLOCK fails with EAGAIN where read(2)
 * or write(2) would: from an empty FIFO, into a full one. Nothing moves,
 * and nothing waits: a splice that waited would hang until the harness's
 * timeout.
 */
TEST_F(fifo, nonblocking_splice_empty_or_full_fails_eagain)
{
	struct acme_stats before, after;
	char buf[16] = {};
	int p[2], queued = -1;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(-1, splice(self->fd, NULL, p[1], NULL, 16, 0));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, ioctl(p[0], FIONREAD, &queued));
	ASSERT_EQ(0, queued);

	ASSERT_EQ((long)self->size, fill(self->fd));
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	ASSERT_EQ(5, write(p[1], "spare", 5));
	ASSERT_EQ(-1, splice(p[0], NULL, self->fd, NULL, 5, 0));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written, after.bytes_written);
	/* The bytes stay in the pipe. */
	ASSERT_EQ(5, read(p[0], buf, sizeof(buf)));
	ASSERT_STREQ("spare", buf);
	close(p[0]);
	close(p[1]);
}

/*
 * SIGALRM, which does not restart calls, in @secs seconds: a call that
 * must return fails with EINTR then rather than hang the test.
 */
static void alarm_in(unsigned int secs)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
}

/* The seconds a call bounded by alarm_in() gets: twice the hang detector. */
#define ALARM_SECS	(2 * hang_ms() / 1000)

/*
 * SPLICE_F_NONBLOCK concerns the pipe side only. On a FIFO opened
 * blocking it still makes a splice fail with EAGAIN where the pipe would
 * make it wait: into a full pipe, and out of an empty one that has a
 * writer. Nothing moves: the FIFO keeps its bytes and queues none.
 */
TEST_F(fifo, splice_f_nonblock_fails_eagain_on_a_full_or_empty_pipe)
{
	static char page[PIPE_BUF];
	char buf[16] = {};
	int p[2], q[2], err;
	ssize_t n;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	/* One page is one slot: a pipe of one page is full with one write. */
	ASSERT_LE(0, fcntl(p[1], F_SETPIPE_SZ, PIPE_BUF));
	ASSERT_EQ(PIPE_BUF, write(p[1], page, sizeof(page)));
	ASSERT_EQ(6, write(self->fd, "queued", 6));
	set_blocking(self->fd, 1);

	alarm_in(ALARM_SECS);
	n = splice(self->fd, NULL, p[1], NULL, 6, SPLICE_F_NONBLOCK);
	err = errno;
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EAGAIN, err) TH_LOG("to a full pipe: %s", strerror(err));
	n = splice(q[0], NULL, self->fd, NULL, 6, SPLICE_F_NONBLOCK);
	err = errno;
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EAGAIN, err) TH_LOG("from an empty pipe: %s", strerror(err));
	alarm(0);

	set_blocking(self->fd, 0);
	ASSERT_EQ(6, read(self->fd, buf, sizeof(buf)));
	ASSERT_STREQ("queued", buf);
	ASSERT_EQ(-1, read(self->fd, buf, 1));
	ASSERT_EQ(EAGAIN, errno);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/*
 * Only O_NONBLOCK on the FIFO's file makes splice(2) fail with EAGAIN
 * rather than wait for the FIFO, not SPLICE_F_NONBLOCK: on a FIFO opened
 * blocking, a splice with it from the empty FIFO to a pipe sleeps, as
 * read(2) would, until a write from another process wakes it. A SIGALRM
 * bounds the wait, should the wake-up never come.
 */
TEST_F_TIMEOUT(fifo, splice_f_nonblock_from_an_empty_fifo_waits_for_a_writer, 60)
{
	char buf[8] = {};
	int p[2], err;
	long slept;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	set_blocking(self->fd, 1);
	pid = when_blocked(write_wake);
	ASSERT_LE(0, pid);
	slept = nvcsw();
	alarm_in(ALARM_SECS);
	n = splice(self->fd, NULL, p[1], NULL, sizeof(buf), SPLICE_F_NONBLOCK);
	err = errno;
	alarm(0);
	slept = nvcsw() - slept;
	EXPECT_EQ(4, n) TH_LOG("splice: %s", n < 0 ? strerror(err) : "short");
	EXPECT_LT(0, slept) TH_LOG("the splice returned without sleeping");
	EXPECT_EQ(0, exit_status(pid));
	if (n == 4) {
		ASSERT_EQ(4, read(p[0], buf, sizeof(buf)));
		ASSERT_STREQ("wake", buf);
	}
	close(p[0]);
	close(p[1]);
}

/*
 * The same the other way: a splice with SPLICE_F_NONBLOCK from a pipe
 * into a full FIFO opened blocking sleeps, as write(2) would, until a
 * reader makes room, and then queues the bytes.
 */
TEST_F_TIMEOUT(fifo, splice_f_nonblock_into_a_full_fifo_waits_for_a_reader, 60)
{
	int p[2], err;
	long slept;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ((long)self->size, fill(self->fd));
	ASSERT_EQ(10, write(p[1], "0123456789", 10));
	set_blocking(self->fd, 1);
	pid = when_blocked(read_64);
	ASSERT_LE(0, pid);
	slept = nvcsw();
	alarm_in(ALARM_SECS);
	n = splice(p[0], NULL, self->fd, NULL, 10, SPLICE_F_NONBLOCK);
	err = errno;
	alarm(0);
	slept = nvcsw() - slept;
	EXPECT_EQ(10, n) TH_LOG("splice: %s", n < 0 ? strerror(err) : "short");
	EXPECT_LT(0, slept) TH_LOG("the splice returned without sleeping");
	EXPECT_EQ(0, exit_status(pid));
	/* What the reader left, then the spliced bytes. */
	if (n == 10) {
		size_t left = self->size - 64 + 10;
		char *all = malloc(self->size);

		ASSERT_NONNULL(all);
		set_blocking(self->fd, 0);
		ASSERT_EQ((ssize_t)left, read(self->fd, all, self->size));
		EXPECT_EQ(0, memcmp(all + left - 10, "0123456789", 10));
		free(all);
	}
	close(p[0]);
	close(p[1]);
}

/* sendfile(2) into a FIFO queues the bytes, after those before them. */
TEST_F(fifo, sendfile_from_a_memfd_queues_the_bytes)
{
	uint8_t src[5000], got[5008];
	off_t off = 0;
	int in;

	ASSERT_LE(sizeof(got), self->size);
	pattern_fill(src, sizeof(src), 34, 0);
	in = memfd_holding(src, sizeof(src));
	ASSERT_LE(0, in) TH_LOG("memfd: %s", strerror(errno));
	ASSERT_EQ(4, write(self->fd, "head", 4));
	ASSERT_EQ((ssize_t)sizeof(src), sendfile(self->fd, in, &off, sizeof(src)));
	ASSERT_EQ((off_t)sizeof(src), off);
	ASSERT_EQ(4, write(self->fd, "tail", 4));
	ASSERT_EQ((ssize_t)sizeof(got), read(self->fd, got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, "head", 4));
	ASSERT_EQ(0, memcmp(got + 4, src, sizeof(src)));
	ASSERT_EQ(0, memcmp(got + 4 + sizeof(src), "tail", 4));
	close(in);
}

/*
 * sendfile(2) from a FIFO: into a pipe it moves what is queued, as
 * splice(2) does, and from the empty FIFO opened O_NONBLOCK fails with
 * EAGAIN; into a regular file the VFS refuses it with EINVAL, since it
 * needs a seekable source (splice_direct_to_actor()), which a stream is not.
 */
TEST_F(fifo, sendfile_to_a_pipe_moves_what_is_queued)
{
	uint8_t src[3000], got[3000];
	int out, p[2];
	char c;

	ASSERT_LE(sizeof(src), self->size);
	pattern_fill(src, sizeof(src), 35, 0);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ((ssize_t)sizeof(src), write(self->fd, src, sizeof(src)));
	ASSERT_EQ((ssize_t)sizeof(src), sendfile(p[1], self->fd, NULL, sizeof(src)));
	ASSERT_EQ((ssize_t)sizeof(got), read(p[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(src, got, sizeof(src)));
	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(-1, sendfile(p[1], self->fd, NULL, sizeof(src)));
	ASSERT_EQ(EAGAIN, errno);

	out = memfd_create("acme-test", 0);
	ASSERT_LE(0, out) TH_LOG("memfd: %s", strerror(errno));
	ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(-1, sendfile(out, self->fd, NULL, 1));
	ASSERT_EQ(EINVAL, errno);
	close(out);
	close(p[0]);
	close(p[1]);
}

TEST_F(fifo, mmap_fails_enodev)
{
	long page = sysconf(_SC_PAGESIZE);
	void *map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);

	ASSERT_TRUE(map == MAP_FAILED);
	ASSERT_EQ(ENODEV, errno);
}

/*
 * --- atomic writes: up to PIPE_BUF bytes go in whole or not at all -------
 *
 * As for a pipe, a write(2) of at most min(PIPE_BUF, capacity) bytes is
 * atomic: it waits, or fails with EAGAIN, until all of it fits, and no
 * other write lands inside it. poll(2) reports POLLOUT only when that much
 * room is free. Larger writes take whatever room there is.
 */

/* Write @len bytes of @c; the count queued. */
static ssize_t write_bytes(int fd, int c, size_t len)
{
	char *buf = malloc(len);
	ssize_t n = -1;

	if (buf) {
		memset(buf, c, len);
		n = write(fd, buf, len);
		free(buf);
	}
	return n;
}

/* Read everything queued, non-blocking, into @buf of @len bytes. */
static ssize_t read_all(int fd, void *buf, size_t len)
{
	ssize_t n, total = 0;

	while ((size_t)total < len &&
	       (n = read(fd, (char *)buf + total, len - total)) > 0)
		total += n;
	return total;
}

TEST_F(fifo, nonblocking_atomic_write_that_does_not_fit_fails_eagain)
{
	size_t len = self->size + 5000;
	struct acme_stats before, after;
	char *buf = malloc(len);

	ASSERT_NONNULL(buf);
	ASSERT_LE(2 * PIPE_BUF, self->size);
	ASSERT_EQ((ssize_t)self->size - 100,
		  write_bytes(self->fd, 'a', self->size - 100));
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));

	/* 100 bytes free: 3000 and PIPE_BUF bytes go in whole or not at all. */
	memset(buf, 'c', len);
	ASSERT_EQ(-1, write(self->fd, buf, 3000));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(-1, write(self->fd, buf, PIPE_BUF));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written, after.bytes_written);
	ASSERT_EQ(before.writes, after.writes);

	/* More than PIPE_BUF: not atomic, it takes the 100 bytes. */
	memset(buf, 'b', len);
	ASSERT_EQ(100, write(self->fd, buf, 5000));
	ASSERT_EQ(-1, write(self->fd, buf, 1));
	ASSERT_EQ(EAGAIN, errno);

	memset(buf, 0, len);
	ASSERT_EQ((ssize_t)self->size, read_all(self->fd, buf, len));
	ASSERT_TRUE(all_are(buf, 'a', self->size - 100));
	ASSERT_TRUE(all_are(buf + self->size - 100, 'b', 100));
	free(buf);
}

TEST_F(fifo, pollout_needs_room_for_an_atomic_write)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLOUT };
	struct epoll_event ev = { .events = EPOLLOUT }, out;
	uint64_t small = 1024;
	char buf[PIPE_BUF];
	int ep = epoll_create1(0);

	ASSERT_LE(0, ep);
	ASSERT_LE(2 * PIPE_BUF, self->size);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	ASSERT_EQ((ssize_t)self->size - 100,
		  write_bytes(self->fd, 'a', self->size - 100));

	/* 100 bytes free, then PIPE_BUF - 1: not writable. */
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(PIPE_BUF - 101, read(self->fd, buf, PIPE_BUF - 101));
	ASSERT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("revents %#x", pfd.revents);
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0));

	/* PIPE_BUF free: writable. */
	ASSERT_EQ(1, read(self->fd, buf, 1));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(EPOLLOUT, out.events);

	/* A capacity below PIPE_BUF: writable only when empty. */
	ASSERT_EQ(0, acme_clear(self->fd));
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &small));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("revents %#x", pfd.revents);
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);
	close(ep);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

/*
 * A blocking atomic write sleeps until all of it fits, and queues nothing
 * before. The writer is forked after the FIFO is filled and the record
 * made, so that it can sleep nowhere but in write(2); from then on only
 * EXPECTs, so that it is always reaped, and cannot write into a later test.
 */
TEST_F(fifo, blocking_atomic_write_waits_for_room_for_all_of_it)
{
	size_t len = self->size - 100;
	struct acme_stats before, now;
	char *buf = malloc(self->size);
	uint8_t rec[3000];
	pid_t pid;
	int wr;

	ASSERT_NONNULL(buf);
	ASSERT_LE(2 * PIPE_BUF, self->size);
	ASSERT_EQ((ssize_t)len, write_bytes(self->fd, 'a', len));
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	pattern_fill(rec, sizeof(rec), 21, 0);
	wr = open(fifo_path(), O_WRONLY);
	ASSERT_LE(0, wr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(write(wr, rec, sizeof(rec)) == (ssize_t)sizeof(rec) ? 0 : 1);
	close(wr);

	/* 100 bytes free: it sleeps, having queued nothing. */
	wait_until_sleeping(pid);
	EXPECT_EQ(1, is_sleeping(pid));
	EXPECT_EQ(0, acme_get_stats(self->fd, &now));
	EXPECT_EQ(before.bytes_written, now.bytes_written);

	/*
	 * 1100 bytes free: still too few. read(2) wakes the writer before it
	 * returns, and a woken task shows as running in /proc until it sleeps
	 * again, so wait_until_sleeping() waits for the writer to look at
	 * the room and go back to sleep, with no fixed delay; it must have
	 * queued nothing. A writer that wrongly went on either queued part
	 * of its record, which the counters show, or returned and never
	 * sleeps again. The short sleep and second look after that are for a
	 * writer woken wrongly and late, not by read(2) itself: it would be
	 * running (or gone) by then, or have queued something.
	 */
	EXPECT_EQ(1000, read(self->fd, buf, 1000));
	wait_until_sleeping(pid);
	EXPECT_EQ(1, is_sleeping(pid));
	sleep_ms(20);
	EXPECT_EQ(1, is_sleeping(pid)) TH_LOG("the writer woke with 1100 bytes free");
	EXPECT_EQ(0, acme_get_stats(self->fd, &now));
	EXPECT_EQ(before.bytes_written, now.bytes_written);

	/* 4100 bytes free: the record goes in, whole, after the rest. */
	EXPECT_EQ(3000, read(self->fd, buf, 3000));
	EXPECT_EQ(0, exit_status(pid)) TH_LOG("the write of 3000 bytes did not complete");
	EXPECT_EQ((ssize_t)len - 4000 + 3000, read_all(self->fd, buf, self->size));
	EXPECT_TRUE(all_are(buf, 'a', len - 4000));
	EXPECT_EQ(0, memcmp(buf + len - 4000, rec, sizeof(rec)));
	free(buf);
}

/*
 * acme FIFO devices block rather than report EOF when no writer has them
 * open: the device outlives its openers, and a writer may come later. A
 * pipe's reader would get 0 there.
 */
TEST_F(fifo, reader_without_writers_blocks_instead_of_eof)
{
	char buf[8] = {};
	int fd, opened[2];
	pid_t pid;

	/* No writer anywhere: not even the fixture's O_RDWR file. */
	close(self->fd);
	self->fd = -1;
	fd = open(fifo_path(), O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(EAGAIN, errno);
	close(fd);

	/* The child tells when it has opened, so that it can only sleep in read. */
	ASSERT_EQ(0, pipe(opened));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ssize_t n;

		close(opened[0]);
		fd = open(fifo_path(), O_RDONLY);
		if (fd < 0 || write(opened[1], "o", 1) != 1)
			_exit(1);
		n = read(fd, buf, sizeof(buf));
		_exit(n == 4 && !memcmp(buf, "wake", 4) ? 0 : n == 0 ? 2 : 3);
	}
	close(opened[1]);
	EXPECT_EQ(1, read(opened[0], buf, 1));
	close(opened[0]);
	wait_until_sleeping(pid);
	EXPECT_EQ(1, is_sleeping(pid)) TH_LOG("the reader did not block");

	fd = open(fifo_path(), O_WRONLY | O_NONBLOCK);
	EXPECT_LE(0, fd);
	EXPECT_EQ(4, write(fd, "wake", 4));
	EXPECT_EQ(0, exit_status(pid)) TH_LOG("2: EOF, 3: other data, -1: still blocked");
	close(fd);
	self->fd = open(fifo_path(), O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd);
}

/* An atomic write from a buffer that faults part way queues nothing. */
TEST_F(fifo, atomic_write_from_a_faulting_buffer_queues_nothing)
{
	long page = sysconf(_SC_PAGESIZE);
	struct acme_stats before, after;
	char *two, c;

	/* A 3000-byte write is atomic only in a capacity of PIPE_BUF or more. */
	ASSERT_LE(PIPE_BUF, self->size) TH_LOG("fifo_size=%llu is too small for this test",
					       (unsigned long long)self->size);
	two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(two != MAP_FAILED);
	ASSERT_EQ(0, munmap(two + page, page));
	memset(two, 'z', page);
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));

	/* 100 bytes, then the unmapped page: 3000 <= PIPE_BUF, all or nothing. */
	ASSERT_EQ(-1, write(self->fd, two + page - 100, 3000));
	ASSERT_EQ(EFAULT, errno);
	set_blocking(self->fd, 1);
	ASSERT_EQ(-1, write(self->fd, two + page - 100, 3000));
	ASSERT_EQ(EFAULT, errno);
	set_blocking(self->fd, 0);

	ASSERT_EQ(0, acme_get_stats(self->fd, &after));
	ASSERT_EQ(before.bytes_written, after.bytes_written);
	ASSERT_EQ(-1, read(self->fd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);
	munmap(two, page);
}

/*
 * RWF_NOWAIT makes one call on a blocking file fail with EAGAIN where it
 * would block, as O_NONBLOCK does for every call, and move bytes where it
 * would not: a read of an empty FIFO, a write to a full one, and an atomic
 * write that does not fit whole fail; the others go through.
 */
TEST_F(fifo, rwf_nowait_fails_eagain_only_where_it_would_block)
{
	static char rec[PIPE_BUF];
	char buf[8] = {};
	struct iovec in = { buf, sizeof(buf) }, out = { "nowait", 6 };

	ASSERT_LE(2 * PIPE_BUF, self->size);
	set_blocking(self->fd, 1);
	EXPECT_EQ(-1, preadv2(self->fd, &in, 1, -1, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("preadv2 of an empty FIFO: %s", strerror(errno));
	EXPECT_EQ(6, pwritev2(self->fd, &out, 1, -1, RWF_NOWAIT))
		TH_LOG("pwritev2: %s", strerror(errno));
	EXPECT_EQ(6, preadv2(self->fd, &in, 1, -1, RWF_NOWAIT))
		TH_LOG("preadv2: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "nowait", 6));

	/* 100 bytes free: no room for a record of PIPE_BUF bytes, for 100 yes. */
	EXPECT_EQ((ssize_t)self->size - 100, write_bytes(self->fd, 'f', self->size - 100));
	out = (struct iovec){ rec, sizeof(rec) };
	EXPECT_EQ(-1, pwritev2(self->fd, &out, 1, -1, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("an atomic write that does not fit: %s",
					strerror(errno));
	out.iov_len = 100;
	EXPECT_EQ(100, pwritev2(self->fd, &out, 1, -1, RWF_NOWAIT));
	out.iov_len = 1;
	EXPECT_EQ(-1, pwritev2(self->fd, &out, 1, -1, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("pwritev2 to a full FIFO: %s", strerror(errno));
	EXPECT_EQ((ssize_t)sizeof(buf), preadv2(self->fd, &in, 1, -1, RWF_NOWAIT));
}

/*
 * io_uring's worker threads of this process: "iou-wrk-<pid>" threads in
 * its thread group, each of which runs a request that could not be tried
 * without blocking.
 */
static int io_uring_workers(void)
{
	char path[PATH_MAX], comm[32];
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	DIR *dir;

	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		comm[len > 0 ? len : 0] = 0;
		if (!strncmp(comm, "iou-wrk-", 8))
			n++;
	}
	closedir(dir);
	return n;
}

/*
 * An io_uring read of an empty FIFO does not hold up the submission and
 * completes when a write queues data. With FMODE_NOWAIT, io_uring tries it
 * without blocking (IOCB_NOWAIT, -EAGAIN), then waits for the FIFO's poll
 * wake-up, EPOLLIN on readq, and reads again, without a worker thread.
 * Without FMODE_NOWAIT, Linux 6.1's io_uring hands that second read to a
 * worker thread (io-wq), which stays a while after it; 6.12's polls the
 * file first and needs none either way.
 */
TEST_F(fifo, io_uring_read_of_an_empty_fifo_completes_when_data_arrives)
{
	struct io_uring_sqe sqe;
	struct io_uring_cqe cqe;
	char buf[16] = {};
	struct uring r;
	int err, fd;

	err = uring_init(&r);
	if (err && r.fd < 0)
		SKIP(return, "io_uring_setup: %s", strerror(err));
	ASSERT_EQ(0, err) TH_LOG("io_uring setup: %s", strerror(err));
	/* Blocking: io_uring cannot count on O_NONBLOCK. */
	fd = open(fifo_path(), O_RDONLY);
	ASSERT_LE(0, fd);
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_READ;
	sqe.fd = fd;
	sqe.addr = (uintptr_t)buf;
	sqe.len = sizeof(buf);
	sqe.off = (__u64)-1;
	sqe.user_data = 42;
	ASSERT_EQ(1, uring_submit(&r, &sqe)) TH_LOG("io_uring_enter: %s", strerror(errno));
	EXPECT_EQ(0, uring_wait(&r, &cqe, 100))
		TH_LOG("the read completed with %d before any data", cqe.res);

	EXPECT_EQ(5, write(self->fd, "ring!", 5));
	ASSERT_EQ(1, uring_wait(&r, &cqe, POLL_HANG_MS))
		TH_LOG("the read did not complete after a write: a lost wake-up?");
	EXPECT_EQ(42, cqe.user_data);
	EXPECT_EQ(5, cqe.res)
		TH_LOG("res %d (%s)", cqe.res, cqe.res < 0 ? strerror(-cqe.res) : "bytes");
	EXPECT_EQ(0, memcmp(buf, "ring!", 5));
	EXPECT_EQ(0, io_uring_workers())
		TH_LOG("an io_uring worker thread did the read: no FMODE_NOWAIT?");
	uring_exit(&r);
	close(fd);
}

static void on_restart_signal(int sig)
{
	(void)sig;
}

/*
 * A blocked read interrupted by a signal whose handler has SA_RESTART is
 * restarted, not failed with EINTR: it returns the data written after the
 * signal.
 */
TEST_F(fifo, sa_restart_restarts_a_blocked_read)
{
	struct sigaction sa = { .sa_handler = on_restart_signal,
				.sa_flags = SA_RESTART };
	pid_t parent = getpid(), pid;
	char buf[8] = {};
	int wr;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	wr = open(fifo_path(), O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, wr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Signal the blocked reader, see it block again, then write. */
		wait_until_sleeping(parent);
		kill(parent, SIGUSR1);
		sleep_ms(50);
		wait_until_sleeping(parent);
		_exit(write(wr, "again", 5) == 5 ? 0 : 1);
	}
	close(wr);
	set_blocking(self->fd, 1);
	EXPECT_EQ(5, read(self->fd, buf, sizeof(buf)))
		TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "again", 5));
	EXPECT_EQ(0, exit_status(pid));
}

/*
 * --- signals while waiting for a lock ------------------------------------
 *
 * A FIFO's readers take turns on its lock, and its writers on write_lock,
 * each held across the user copy of a read or write. A copy that stalls
 * holds the lock: here the copy from or to a page registered with a
 * userfaultfd, which waits in the page fault until the test fills the
 * page. A second reader or writer then sleeps on the lock, and a signal
 * makes it fail with EINTR, or restarts it under SA_RESTART (acme.rst,
 * EINTR: every file operation waits for the device's locks interruptibly).
 */

/* A record: at most PIPE_BUF bytes, so one write queues it whole. */
#define LOCK_REC	512

/*
 * A userfaultfd that handles the faults of the kernel's user copies, or
 * -1 with errno set. Not UFFD_USER_MODE_ONLY: with it, such a fault fails
 * the copy with EFAULT instead of waiting. So it takes CAP_SYS_PTRACE, or
 * vm.unprivileged_userfaultfd=1, and CONFIG_USERFAULTFD.
 */
static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd, err;

	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* The first read or write: it stalls in its user copy, the lock held. */
struct stalled_call {
	int fd;
	void *buf;
	bool reader;
	ssize_t ret;
	int err;
};

static void *stalled_call_run(void *arg)
{
	struct stalled_call *c = arg;

	if (c->reader)
		c->ret = read(c->fd, c->buf, LOCK_REC);
	else
		c->ret = write(c->fd, c->buf, LOCK_REC);
	c->err = errno;
	return NULL;
}

static int lock_signalled;

static void on_lock_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&lock_signalled, 1, __ATOMIC_RELAXED);
}

/* How the second read or write ended, as its exit status. */
enum {
	LOCK_DONE,		/* it moved @rec whole, after the signal */
	LOCK_EINTR,		/* it failed with EINTR */
	LOCK_UNSIGNALLED,	/* it ended before the signal came */
	LOCK_FAILED,		/* anything else */
};

/* The second reader or writer, in a child: read @rec, or write it. */
static void lock_waiter(int fd, bool reader, const uint8_t *rec)
{
	uint8_t buf[LOCK_REC];
	ssize_t n;

	if (reader)
		n = read(fd, buf, sizeof(buf));
	else
		n = write(fd, rec, LOCK_REC);
	if (!__atomic_load_n(&lock_signalled, __ATOMIC_RELAXED))
		_exit(LOCK_UNSIGNALLED);
	if (n < 0)
		_exit(errno == EINTR ? LOCK_EINTR : LOCK_FAILED);
	if (n != LOCK_REC || (reader && memcmp(buf, rec, LOCK_REC)))
		_exit(LOCK_FAILED);
	_exit(LOCK_DONE);
}

/*
 * Whether @pid sleeps (S, or D for an uninterruptible wait) inside system
 * call @nr, as /proc/<pid>/syscall shows it where the kernel has it.
 */
static bool sleeps_in_syscall(pid_t pid, long nr)
{
	char path[64], buf[128] = "";
	char state = task_state(pid);
	ssize_t n;
	int fd;

	if (state != 'S' && state != 'D')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strtol(buf, NULL, 10) == nr;
}

/* Wait up to 2 * CHILD_HANG_MS until @pid sleeps inside call @nr. */
static bool wait_sleeps_in_syscall(pid_t pid, long nr)
{
	long long end = now_ms() + 2 * CHILD_HANG_MS;

	while (!sleeps_in_syscall(pid, nr)) {
		if (now_ms() > end)
			return false;
		sleep_ms(1);
	}
	return true;
}

/* Wait up to @ms for @pid to exit: its exit status, or -1 if it did not. */
static int exited_within(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	int status;

	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now_ms() > end)
			return -1;
		sleep_ms(1);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : LOCK_FAILED;
}

/*
 * A reader (@reader) or writer that waits for the lock held by a stalled
 * copy gets a signal, with SA_RESTART (@restart) or not: it fails with
 * EINTR, or waits on and moves its record once the stalled copy ends.
 * The records come through whole, in order, and nothing else moves.
 */
static void lock_wait_signalled(struct __test_metadata *_metadata, int fifo,
				bool reader, bool restart)
{
	struct sigaction sa = { .sa_handler = on_lock_signal };
	long nr = reader ? SYS_read : SYS_write, page = sysconf(_SC_PAGESIZE);
	struct stalled_call first = { .reader = reader };
	struct uffdio_register reg = {};
	struct uffdio_copy copy = {};
	struct pollfd pfd = {};
	struct uffd_msg msg = {};
	uint8_t rec[2][LOCK_REC], got[2 * LOCK_REC];
	int uffd, fd, err, status = -1;
	uint8_t *stall, *src;
	pthread_t thread;
	pid_t pid;
	ssize_t n;

	uffd = uffd_open();
	err = errno;
	if (uffd < 0)
		SKIP(return, "userfaultfd(2) for kernel faults: %s%s",
		     strerror(err), err == EPERM ? " (needs CAP_SYS_PTRACE)" : "");
	pattern_fill(rec[0], LOCK_REC, 40, 0);
	pattern_fill(rec[1], LOCK_REC, 41, 0);
	stall = mmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(stall != MAP_FAILED);
	ASSERT_TRUE(src != MAP_FAILED);
	reg.range.start = (uintptr_t)stall;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));
	/*
	 * A reader finds both records queued and reads into a blank page; a
	 * writer's page gets the first record when the test fills it.
	 */
	if (reader) {
		ASSERT_EQ(LOCK_REC, write(fifo, rec[0], LOCK_REC));
		ASSERT_EQ(LOCK_REC, write(fifo, rec[1], LOCK_REC));
	} else {
		memcpy(src, rec[0], LOCK_REC);
	}

	first.fd = open(fifo_path(), reader ? O_RDONLY : O_WRONLY);
	fd = open(fifo_path(), reader ? O_RDONLY : O_WRONLY);
	ASSERT_LE(0, first.fd);
	ASSERT_LE(0, fd);
	first.buf = stall;
	ASSERT_EQ(0, pthread_create(&thread, NULL, stalled_call_run, &first));

	/* The first call faults in its copy, the lock held, and waits there. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, POLL_HANG_MS))
		TH_LOG("the first %s did not fault on the registered page",
		       reader ? "read" : "write");
	if (pfd.revents & POLLIN) {
		EXPECT_EQ((ssize_t)sizeof(msg), read(uffd, &msg, sizeof(msg)));
		EXPECT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	}

	__atomic_store_n(&lock_signalled, 0, __ATOMIC_RELAXED);
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		lock_waiter(fd, reader, rec[1]);
	EXPECT_TRUE(wait_sleeps_in_syscall(pid, nr))
		TH_LOG("the second %s does not sleep in its call",
		       reader ? "reader" : "writer");
	kill(pid, SIGUSR1);

	if (restart) {
		/* It handles the signal and waits for the lock again. */
		sleep_ms(50);
		EXPECT_TRUE(wait_sleeps_in_syscall(pid, nr))
			TH_LOG("the second %s did not go back to waiting",
			       reader ? "reader" : "writer");
	} else {
		status = exited_within(pid, CHILD_HANG_MS);
		EXPECT_EQ(LOCK_EINTR, status)
			TH_LOG("the %s waiting for the lock %s",
			       reader ? "reader" : "writer",
			       status < 0 ? "did not return after the signal" :
			       status == LOCK_DONE ? "moved its record after the signal" :
			       "failed otherwise");
	}

	/* Let the stalled copy go on: the lock comes free. */
	copy.dst = (uintptr_t)stall;
	copy.src = (uintptr_t)src;
	copy.len = page;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy))
		TH_LOG("UFFDIO_COPY: %s", strerror(errno));
	pthread_join(thread, NULL);
	EXPECT_EQ(LOCK_REC, first.ret)
		TH_LOG("the stalled call: %s", strerror(first.err));
	if (restart || status < 0) {
		status = exit_status(pid);
		if (restart)
			EXPECT_EQ(LOCK_DONE, status)
				TH_LOG("the restarted %s ended with %d",
				       reader ? "read" : "write", status);
	}

	/*
	 * The stalled call moved the first record; the second moved only if
	 * the call waiting for the lock did, after the first.
	 */
	n = read(fifo, got, sizeof(got));
	if (reader) {
		EXPECT_EQ(0, memcmp(stall, rec[0], LOCK_REC));
		if (status == LOCK_DONE) {
			EXPECT_EQ(-1, n);
		} else {
			EXPECT_EQ(LOCK_REC, n);
			EXPECT_EQ(0, memcmp(got, rec[1], LOCK_REC));
		}
	} else {
		EXPECT_EQ(status == LOCK_DONE ? 2 * LOCK_REC : LOCK_REC, n);
		EXPECT_EQ(0, memcmp(got, rec[0], LOCK_REC));
		if (status == LOCK_DONE)
			EXPECT_EQ(0, memcmp(got + LOCK_REC, rec[1], LOCK_REC));
	}

	signal(SIGUSR1, SIG_DFL);
	close(fd);
	close(first.fd);
	close(uffd);
	munmap(src, page);
	munmap(stall, page);
}

TEST_F_TIMEOUT(fifo, signal_interrupts_a_writer_waiting_for_the_write_lock, 90)
{
	lock_wait_signalled(_metadata, self->fd, false, false);
}

TEST_F_TIMEOUT(fifo, sa_restart_restarts_a_writer_waiting_for_the_write_lock, 90)
{
	lock_wait_signalled(_metadata, self->fd, false, true);
}

TEST_F_TIMEOUT(fifo, signal_interrupts_a_reader_waiting_for_the_read_lock, 90)
{
	lock_wait_signalled(_metadata, self->fd, true, false);
}

TEST_F_TIMEOUT(fifo, sa_restart_restarts_a_reader_waiting_for_the_read_lock, 90)
{
	lock_wait_signalled(_metadata, self->fd, true, true);
}

/*
 * Unlike a pipe, a FIFO takes writes with no reader anywhere, without
 * SIGPIPE or EPIPE: they queue for a reader to come.
 */
TEST_F(fifo, writes_with_no_reader_queue)
{
	char buf[8] = {};
	int wr, rd;

	/* No reader anywhere: not even the fixture's O_RDWR file. */
	close(self->fd);
	self->fd = -1;
	signal(SIGPIPE, SIG_DFL);
	wr = open(fifo_path(), O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, wr);
	EXPECT_EQ(6, write(wr, "queued", 6)) TH_LOG("write: %s", strerror(errno));
	close(wr);
	rd = open(fifo_path(), O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, rd);
	EXPECT_EQ(6, read(rd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "queued", 6));
	close(rd);
	self->fd = open(fifo_path(), O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd);
}

/* A FIFO, like a pipe, has nothing to sync: fsync(2) fails with EINVAL. */
TEST_F(fifo, fsync_and_fdatasync_fail_einval)
{
	EXPECT_EQ(-1, fsync(self->fd));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, fdatasync(self->fd));
	EXPECT_EQ(EINVAL, errno);
}

/* A FIFO has no end to append at: O_APPEND changes nothing, as on a pipe. */
TEST_F(fifo, o_append_queues_as_any_write)
{
	char buf[8] = {};
	int fd;

	fd = open(fifo_path(), O_WRONLY | O_APPEND | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, write(fd, "abc", 3));
	EXPECT_EQ(3, write(self->fd, "def", 3));
	EXPECT_EQ(3, write(fd, "ghi", 3));
	EXPECT_EQ(8, read(self->fd, buf, 8));
	EXPECT_EQ(0, memcmp(buf, "abcdefgh", 8));
	close(fd);
}

/*
 * Write a 3000-byte record, an atomic write, into a FIFO of @fifo_size
 * bytes with 100 bytes free, from a child that sleeps for room; then
 * empty the FIFO and resize it to @size before the child runs again. This
 * process runs SCHED_FIFO on the child's CPU meanwhile, so the child,
 * woken by the clear, gets the CPU only after the resize. Returns the
 * child's exit status: 0 if its write failed with EMSGSIZE, 2 if it queued
 * the record whole, 3 otherwise; -1 if it never ended, -2 if this process
 * cannot run SCHED_FIFO.
 */
static int atomic_write_across_a_resize(struct __test_metadata *_metadata,
					int fd, uint64_t fifo_size,
					uint64_t size, char *rec)
{
	struct sched_param sp = { .sched_priority = 1 };
	int wr, ret, err, rt;
	cpu_set_t cpu;
	pid_t pid;

	ASSERT_EQ(0, ioctl(fd, ACME_IOC_SET_SIZE, &fifo_size));
	EXPECT_EQ((ssize_t)fifo_size - 100, write_bytes(fd, 'a', fifo_size - 100));
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu), &cpu));
	wr = open(fifo_path(), O_WRONLY);
	ASSERT_LE(0, wr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ssize_t n = write(wr, rec, 3000);

		_exit(n == -1 && errno == EMSGSIZE ? 0 : n == 3000 ? 2 : 3);
	}
	close(wr);
	wait_until_sleeping(pid);
	EXPECT_EQ(1, is_sleeping(pid)) TH_LOG("the writer did not wait for room");

	rt = sched_setscheduler(0, SCHED_FIFO, &sp);
	err = errno;
	EXPECT_EQ(0, acme_clear(fd));
	ret = ioctl(fd, ACME_IOC_SET_SIZE, &size);
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	if (rt) {
		kill_all(&pid, 1);
		TH_LOG("SCHED_FIFO: %s", strerror(err));
		return -2;
	}
	EXPECT_EQ(0, ret) TH_LOG("resize to %llu: %s", (unsigned long long)size,
				 strerror(errno));
	return exit_status(pid);
}

/*
 * An atomic write decides that it is atomic when it starts. Resized under
 * it to less than its size, the FIFO can never take it whole: it fails
 * with EMSGSIZE and queues nothing, rather than being split. Resized to a
 * size it still fits in, it is queued whole.
 */
TEST_F_TIMEOUT(fifo, atomic_write_shrunk_under_fails_emsgsize, 90)
{
	struct acme_stats before, after;
	uint8_t rec[3000], buf[4096];
	int st;
	char c;

	ASSERT_LE(PIPE_BUF, self->size);
	pattern_fill(rec, sizeof(rec), 36, 0);
	ASSERT_EQ(0, acme_get_stats(self->fd, &before));
	st = atomic_write_across_a_resize(_metadata, self->fd, self->size,
					  2048, (char *)rec);
	if (st == -2)
		SKIP(return, "cannot run SCHED_FIFO to hold the writer off");
	EXPECT_EQ(0, st) TH_LOG("2: queued whole, 3: other error, -1: still blocked (split?)");
	EXPECT_EQ(-1, read(self->fd, &c, 1)) TH_LOG("the FIFO holds part of the record");
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, acme_get_stats(self->fd, &after));
	EXPECT_EQ(before.bytes_written + self->size - 100, after.bytes_written);
	EXPECT_EQ(0, acme_clear(self->fd));

	/* 4096 bytes still take 3000: the record goes in whole. */
	st = atomic_write_across_a_resize(_metadata, self->fd, self->size,
					  4096, (char *)rec);
	EXPECT_EQ(2, st) TH_LOG("0: EMSGSIZE, 3: other error, -1: still blocked");
	EXPECT_EQ(3000, read_all(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, rec, sizeof(rec)));
}

/* --- concurrency: K writers and K readers, every byte accounted for ----- */

#define STRESS_K	4
#define REC_MAGIC	0xac3e5eedU

/* A FIFO record: 16 bytes, so that whole records always fit whole rooms. */
struct rec {
	uint32_t magic;
	uint32_t writer;
	uint64_t seq;
};

/* What one reader saw of one writer's records. */
struct seen {
	uint64_t count;
	uint64_t sum;		/* of the sequence numbers */
	uint64_t sum_sq;	/* of their squares */
	int64_t last;		/* the last sequence number, -1 for none */
};

struct stress {
	int stop;			/* readers: drain and exit */
	uint64_t written[STRESS_K];	/* records each writer wrote */
	struct seen seen[STRESS_K][STRESS_K];	/* [reader][writer] */
	uint64_t bad_records;		/* torn or foreign records */
	uint64_t disorder;		/* per-writer order broken in a reader */
	uint64_t resizes;		/* resize ioctls that succeeded */
	uint64_t clears;		/* ACME_IOC_CLEARs that succeeded */
	uint64_t snapshots;		/* ACME_IOC_GET_STATS calls checked */
	uint64_t bad_snapshots;		/* of those, inconsistent ones */
	uint64_t duplicates;		/* records read twice, by any readers */
};

/*
 * One bit per record of each writer, shared by the readers, so that a
 * record read twice is seen even when a clear drops others; records past
 * STRESS_SEEN_MAX are counted but not tracked.
 */
#define STRESS_SEEN_MAX	67108864ULL	/* 2^26 */
static uint64_t *stress_seen;

static void stress_mark(struct stress *st, int w, uint64_t seq)
{
	uint64_t bit, old;

	if (seq >= STRESS_SEEN_MAX)
		return;
	bit = (uint64_t)w * STRESS_SEEN_MAX + seq;
	old = __atomic_fetch_or(&stress_seen[bit / 64], 1ULL << (bit % 64),
				__ATOMIC_RELAXED);
	if (old & (1ULL << (bit % 64)))
		__atomic_fetch_add(&st->duplicates, 1, __ATOMIC_RELAXED);
}

static int stopped(struct stress *st)
{
	return __atomic_load_n(&st->stop, __ATOMIC_ACQUIRE);
}

/* How long each stress test runs: $ACME_STRESS_MS, default 1000. */
static long stress_ms(void)
{
	const char *e = getenv("ACME_STRESS_MS");
	long ms = e ? strtol(e, NULL, 10) : 0;

	return ms > 0 ? ms : 1000;
}

static struct stress *stress_map(void)
{
	void *p = mmap(NULL, sizeof(struct stress), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Writer @w: batches of 64 records, blocking writes, for @ms. */
static void fifo_writer(const char *path, struct stress *st, int w, long ms)
{
	struct rec batch[64];
	long long end = now_ms() + ms;
	uint64_t seq = 0;
	int fd = open(path, O_WRONLY);
	size_t i;

	if (fd < 0)
		_exit(1);
	while (now_ms() < end) {
		for (i = 0; i < 64; i++)
			batch[i] = (struct rec){ REC_MAGIC, w, seq + i };
		if (write(fd, batch, sizeof(batch)) != sizeof(batch))
			_exit(2);
		seq += 64;
	}
	st->written[w] = seq;
	close(fd);
	_exit(0);
}

static int reader_stop;

static void on_reader_stop(int sig)
{
	(void)sig;
	__atomic_store_n(&reader_stop, 1, __ATOMIC_RELAXED);
}

/* reader_read() returns this once the reader has been told to stop. */
#define READER_STOPPED	(-2)

/*
 * Make SIGUSR1 tell a stress reader to stop: blocked but inside ppoll(2),
 * so it cannot slip in between the check of reader_stop and the sleep.
 * Fills @during, the mask for ppoll().
 */
static void reader_signals(sigset_t *during)
{
	struct sigaction sa = { .sa_handler = on_reader_stop };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, during);
	sigdelset(during, SIGUSR1);
}

/*
 * read(2) from the non-blocking @fd, sleeping in ppoll(2) without a
 * timeout while it is empty; READER_STOPPED once it is empty and SIGUSR1
 * has come. Otherwise what read(2) returned.
 */
static ssize_t reader_read(int fd, void *buf, size_t len,
			   const sigset_t *during)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		n = read(fd, buf, len);
		if (n >= 0 || errno != EAGAIN)
			return n;
		if (__atomic_load_n(&reader_stop, __ATOMIC_RELAXED))
			return READER_STOPPED;
		if (ppoll(&pfd, 1, NULL, during) < 0 && errno != EINTR)
			_exit(3);
	}
}

/*
 * Reader @r: reads whole records, sleeping in ppoll(2) without a timeout
 * while the FIFO is empty, until SIGUSR1 says the writers are done; then it
 * drains what is left and exits. SIGUSR1 is blocked but inside ppoll(), so
 * it cannot slip in between the check of reader_stop and the sleep.
 */
static void fifo_reader(const char *path, struct stress *st, int r)
{
	struct rec buf[256];
	sigset_t during;
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	ssize_t n;
	size_t i;

	if (fd < 0)
		_exit(1);
	reader_signals(&during);
	for (;;) {
		n = reader_read(fd, buf, sizeof(buf), &during);
		if (n == READER_STOPPED)
			break;
		if (n <= 0 || n % sizeof(struct rec))
			_exit(2);
		for (i = 0; i < n / sizeof(struct rec); i++) {
			struct rec *rc = &buf[i];
			struct seen *sn;

			if (rc->magic != REC_MAGIC || rc->writer >= STRESS_K) {
				__atomic_fetch_add(&st->bad_records, 1, __ATOMIC_RELAXED);
				continue;
			}
			sn = &st->seen[r][rc->writer];
			stress_mark(st, rc->writer, rc->seq);
			if ((int64_t)rc->seq <= sn->last)
				__atomic_fetch_add(&st->disorder, 1, __ATOMIC_RELAXED);
			sn->last = rc->seq;
			sn->count++;
			sn->sum += rc->seq;
			sn->sum_sq += rc->seq * rc->seq;
		}
	}
	close(fd);
	_exit(0);
}

/* Resize the FIFO between two sizes until told to stop; EBUSY is fine. */
static void fifo_resizer(const char *path, struct stress *st)
{
	uint64_t sizes[2] = { 4096, 65536 };
	int fd = open(path, O_RDWR);
	int i = 0;

	if (fd < 0)
		_exit(1);
	while (!stopped(st)) {
		if (!ioctl(fd, ACME_IOC_SET_SIZE, &sizes[i & 1]))
			st->resizes++;
		else if (errno != EBUSY)
			_exit(2);
		i++;
		sleep_ms(1);
	}
	close(fd);
	_exit(0);
}

/*
 * Drop what the FIFO holds every millisecond, while readers take and
 * writers queue: a clear stops both sides, so the readers still see only
 * whole records, in order, each at most once.
 */
static void fifo_clearer(const char *path, struct stress *st)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		_exit(1);
	while (!stopped(st)) {
		if (acme_clear(fd))
			_exit(2);
		st->clears++;
		sleep_ms(1);
	}
	close(fd);
	_exit(0);
}

/*
 * Read the counters as fast as possible while readers and writers run. A
 * snapshot is taken with both sides stopped, so it never counts a byte as
 * read before it counts it as written, and no counter goes back.
 */
static void fifo_stats_checker(const char *path, struct stress *st)
{
	struct acme_stats s, prev = {};
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		_exit(1);
	while (!stopped(st)) {
		memset(&s, 0, sizeof(s));
		if (ioctl(fd, ACME_IOC_GET_STATS, &s))
			_exit(2);
		if (s.bytes_read > s.bytes_written ||
		    s.bytes_read < prev.bytes_read ||
		    s.bytes_written < prev.bytes_written ||
		    s.reads < prev.reads || s.writes < prev.writes)
			st->bad_snapshots++;
		st->snapshots++;
		prev = s;
	}
	close(fd);
	_exit(0);
}

/*
 * Wait for @n children until @deadline (now_ms()); kill the ones still
 * running then. Returns how many failed or had to be killed. A pid <= 0,
 * a failed fork(2) that the caller reports, is skipped (see reap()).
 */
static int wait_all_by(pid_t *pids, int n, long long deadline)
{
	bool done[STRESS_K + 2] = {};
	int i, status, left = n, bad = 0;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0) {
			done[i] = true;
			left--;
		}
	}
	while (left) {
		bool late = now_ms() > deadline;

		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			if (late)
				kill(pids[i], SIGKILL);
			if (waitpid(pids[i], &status, late ? 0 : WNOHANG) == 0)
				continue;
			done[i] = true;
			left--;
			if (late || !WIFEXITED(status) || WEXITSTATUS(status))
				bad++;
		}
		if (left)
			sleep_ms(5);
	}
	return bad;
}

/* Wait for @n children; how many failed. A pid <= 0 is skipped. */
static int wait_all(pid_t *pids, int n)
{
	int i, status, bad = 0;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	return bad;
}

/*
 * Every record of every writer was read once, and in order per reader; with
 * @cleared, at most once, as a clear drops records.
 */
static void stress_verdict(struct __test_metadata *_metadata, struct stress *st,
			   bool cleared)
{
	uint64_t total = 0;
	int w, r;

	EXPECT_EQ(0, st->bad_records);
	EXPECT_EQ(0, st->disorder);
	EXPECT_EQ(0, st->duplicates);
	for (w = 0; w < STRESS_K; w++) {
		uint64_t n = st->written[w], count = 0, sum = 0, sum_sq = 0, i;
		uint64_t want_sum = 0, want_sq = 0;

		for (r = 0; r < STRESS_K; r++) {
			count += st->seen[r][w].count;
			sum += st->seen[r][w].sum;
			sum_sq += st->seen[r][w].sum_sq;
		}
		for (i = 0; i < n; i++) {
			want_sum += i;
			want_sq += i * i;
		}
		EXPECT_LT(0, n);
		total += n;
		if (cleared) {
			EXPECT_GE(n, count) TH_LOG("writer %d: wrote %llu records, read %llu",
						   w, (unsigned long long)n,
						   (unsigned long long)count);
			continue;
		}
		EXPECT_EQ(n, count) TH_LOG("writer %d: wrote %llu records, read %llu",
					   w, (unsigned long long)n,
					   (unsigned long long)count);
		EXPECT_EQ(want_sum, sum);
		EXPECT_EQ(want_sq, sum_sq);
	}
	printf("#   %llu records, %llu bytes checked, %llu resizes, %llu clears, %llu snapshots\n",
	       (unsigned long long)total,
	       (unsigned long long)total * sizeof(struct rec),
	       (unsigned long long)st->resizes, (unsigned long long)st->clears,
	       (unsigned long long)st->snapshots);
	fflush(stdout);	/* the harness may end this process with _exit() */
}

/* What runs next to the readers and writers of a FIFO stress test. */
enum stress_extra {
	STRESS_NONE,
	STRESS_RESIZE,		/* a resizer */
	STRESS_CLEAR,		/* a clearer and a stats checker */
};

static void fifo_extra(struct stress *st, enum stress_extra extra, int i)
{
	switch (extra) {
	case STRESS_RESIZE:
		fifo_resizer(fifo_path(), st);
		break;
	case STRESS_CLEAR:
		if (i == 0)
			fifo_clearer(fifo_path(), st);
		else
			fifo_stats_checker(fifo_path(), st);
		break;
	default:
		break;
	}
	_exit(1);
}

/* Fork writers and readers (and the extras), let them run, check. */
static void fifo_stress(struct __test_metadata *_metadata,
			enum stress_extra extra)
{
	int nextra = extra == STRESS_CLEAR ? 2 : extra == STRESS_RESIZE;
	pid_t writers[STRESS_K], others[STRESS_K + 2];
	struct stress *st = stress_map();
	long ms = stress_ms();
	int i, nothers = 0, fd;

	ASSERT_NONNULL(st);
	stress_seen = mmap(NULL, STRESS_K * STRESS_SEEN_MAX / 8,
			   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS |
			   MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(stress_seen != MAP_FAILED);
	for (i = 0; i < STRESS_K * STRESS_K; i++)
		st->seen[i / STRESS_K][i % STRESS_K].last = -1;
	/* On a failed fork(2), kill the children forked before it. */
	for (i = 0; i < STRESS_K + nextra; i++) {
		others[nothers] = fork();
		if (!others[nothers]) {
			if (i < STRESS_K)
				fifo_reader(fifo_path(), st, i);
			else
				fifo_extra(st, extra, i - STRESS_K);
		}
		if (others[nothers] < 0) {
			kill_all(others, nothers);
			ASSERT_LE(0, others[nothers]) TH_LOG("fork: %s", strerror(errno));
		}
		nothers++;
	}
	for (i = 0; i < STRESS_K; i++) {
		writers[i] = fork();
		if (!writers[i])
			fifo_writer(fifo_path(), st, i, ms);
		if (writers[i] < 0) {
			kill_all(writers, i);
			kill_all(others, nothers);
			ASSERT_LE(0, writers[i]) TH_LOG("fork: %s", strerror(errno));
		}
	}
	/*
	 * The watchdog: a lost wake-up leaves readers asleep on a full FIFO
	 * and writers asleep on it too, until the deadline.
	 */
	EXPECT_EQ(0, wait_all_by(writers, STRESS_K, now_ms() + ms + STRESS_GRACE_MS))
		TH_LOG("writers stuck: a lost wake-up?");
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < STRESS_K; i++)
		if (others[i] > 0)
			kill(others[i], SIGUSR1);
	EXPECT_EQ(0, wait_all_by(others, nothers, now_ms() + STRESS_GRACE_MS))
		TH_LOG("readers stuck: a lost wake-up?");

	/* Nothing may be left behind. */
	fd = open(fifo_path(), O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, &i, sizeof(i)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	stress_verdict(_metadata, st, extra == STRESS_CLEAR);
	munmap(stress_seen, STRESS_K * STRESS_SEEN_MAX / 8);
	if (extra == STRESS_RESIZE)
		EXPECT_LT(0, st->resizes);
	if (extra == STRESS_CLEAR) {
		EXPECT_LT(0, st->clears);
		EXPECT_LT(0, st->snapshots);
		EXPECT_EQ(0, st->bad_snapshots)
			TH_LOG("%llu of %llu stats snapshots inconsistent",
			       (unsigned long long)st->bad_snapshots,
			       (unsigned long long)st->snapshots);
	}
	munmap(st, sizeof(*st));
}

/* Longer than the run and both watchdog deadlines. */
#define STRESS_TIMEOUT_S	120

TEST_F_TIMEOUT(fifo, k_writers_k_readers_lose_nothing, STRESS_TIMEOUT_S)
{
	fifo_stress(_metadata, STRESS_NONE);
}

TEST_F_TIMEOUT(fifo, resize_under_load_loses_nothing, STRESS_TIMEOUT_S)
{
	fifo_stress(_metadata, STRESS_RESIZE);
}

/* The byte at offset @off of the stream test: no period that 2^n divides. */
static unsigned char stream_byte(uint64_t off)
{
	return off % 251;
}

/*
 * The stream writer: non-atomic writes of 65536 + 1000, 300000 and 1 MiB
 * bytes of the stream, for @ms; then it publishes how much it wrote.
 */
static void stream_writer(const char *path, struct stress *st, long ms)
{
	static const size_t lens[] = { 65536 + 1000, 300000, 1 << 20 };
	static unsigned char buf[(1 << 20) + 251];
	long long end = now_ms() + ms;
	uint64_t off = 0;
	int fd = open(path, O_WRONLY), i;
	size_t j;

	if (fd < 0)
		_exit(1);
	for (j = 0; j < sizeof(buf); j++)
		buf[j] = stream_byte(j);
	for (i = 0; now_ms() < end; i++) {
		size_t len = lens[i % 3];

		/* buf + off % 251 holds the stream from off on. */
		if (write(fd, buf + off % 251, len) != (ssize_t)len)
			_exit(2);
		off += len;
	}
	st->written[0] = off;
	close(fd);
	_exit(0);
}

/*
 * The stream reader: reads of 1 MiB, each byte checked against its offset,
 * sleeping in ppoll(2) while the FIFO is empty, until SIGUSR1 says the
 * writer is done (as fifo_reader()); then it drains and exits.
 */
static void stream_reader(const char *path, struct stress *st)
{
	static unsigned char buf[1 << 20];
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	sigset_t during;
	uint64_t off = 0;
	ssize_t n, i;

	if (fd < 0)
		_exit(1);
	reader_signals(&during);
	for (;;) {
		n = reader_read(fd, buf, sizeof(buf), &during);
		if (n == READER_STOPPED)
			break;
		if (n <= 0)
			_exit(2);
		for (i = 0; i < n; i++)
			if (buf[i] != stream_byte(off + i))
				st->bad_records++;
		off += n;
	}
	st->seen[0][0].count = off;
	close(fd);
	_exit(0);
}

/*
 * One writer streams large non-atomic writes, one reader takes 1 MiB at a
 * time: the driver moves them in pieces, the reader copying one while the
 * writer fills the next. Every byte arrives once, in order.
 */
TEST_F_TIMEOUT(fifo, large_writes_stream_to_one_reader_in_order,
	       STRESS_TIMEOUT_S)
{
	struct stress *st = stress_map();
	long ms = stress_ms();
	pid_t pids[2];

	ASSERT_NONNULL(st);
	pids[0] = fork();
	if (!pids[0])
		stream_reader(fifo_path(), st);
	ASSERT_LE(0, pids[0]) TH_LOG("fork: %s", strerror(errno));
	pids[1] = fork();
	if (!pids[1])
		stream_writer(fifo_path(), st, ms);
	if (pids[1] < 0) {
		kill_all(pids, 1);
		ASSERT_LE(0, pids[1]) TH_LOG("fork: %s", strerror(errno));
	}
	EXPECT_EQ(0, wait_all_by(&pids[1], 1, now_ms() + ms + STRESS_GRACE_MS))
		TH_LOG("writer stuck: a lost wake-up?");
	kill(pids[0], SIGUSR1);
	EXPECT_EQ(0, wait_all_by(pids, 1, now_ms() + STRESS_GRACE_MS))
		TH_LOG("reader stuck: a lost wake-up?");
	EXPECT_EQ(0, st->bad_records);
	EXPECT_LT(0, st->written[0]);
	EXPECT_EQ(st->written[0], st->seen[0][0].count)
		TH_LOG("wrote %llu bytes, read %llu",
		       (unsigned long long)st->written[0],
		       (unsigned long long)st->seen[0][0].count);
	printf("#   %llu bytes streamed and checked\n",
	       (unsigned long long)st->seen[0][0].count);
	fflush(stdout);
	munmap(st, sizeof(*st));
}

/* Run on @cpu only; whether that worked. */
static bool run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !sched_setaffinity(0, sizeof(set), &set);
}

/*
 * A writer whose reader keeps pace never waits for room, where a signal
 * would end its write: a fatal signal must end it between pieces all the
 * same, so that a killed process goes at once rather than after moving
 * its gigabyte. For the reader to keep pace whatever the machine, it
 * shares the writer's CPU and runs SCHED_FIFO: each piece the writer
 * queues wakes it, it preempts the writer (at the latest at the writer's
 * cond_resched() after the piece) and takes the piece, and it sleeps again
 * on the empty FIFO. So the FIFO never holds more than a piece or two.
 */
TEST_F_TIMEOUT(fifo, sigkill_ends_a_long_write_that_never_waits, 120)
{
	const size_t chunk = 1 << 20, total = (size_t)IOV_MAX * chunk;
	struct iovec *iov = calloc(IOV_MAX, sizeof(*iov));
	int i, status, cpu = sched_getcpu(), go[2];
	char *buf = malloc(chunk), c = 0;
	uint64_t size = FIFO_SIZE_MAX;
	uint64_t *taken, at_kill, after;
	long long t0, dt;
	pid_t pids[2];

	ASSERT_NONNULL(iov);
	ASSERT_NONNULL(buf);
	ASSERT_LE(0, cpu);
	taken = mmap(NULL, sizeof(*taken), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(taken != MAP_FAILED);
	*taken = 0;
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	memset(buf, 'k', chunk);
	ASSERT_EQ(0, pipe(go));

	/* The reader tells whether it could go SCHED_FIFO, then reads. */
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		struct sched_param sp = { .sched_priority = 1 };
		int fd = open(fifo_path(), O_RDONLY);
		ssize_t n;

		c = fd >= 0 && run_on(cpu) &&
		    !sched_setscheduler(0, SCHED_FIFO, &sp) ? 'y' : 'n';
		if (write(go[1], &c, 1) != 1 || c != 'y')
			_exit(1);
		while ((n = read(fd, buf, chunk)) > 0)
			__atomic_add_fetch(taken, n, __ATOMIC_RELAXED);
		_exit(1);
	}
	close(go[1]);
	if (read(go[0], &c, 1) != 1 || c != 'y') {
		close(go[0]);
		kill_all(pids, 1);
		SKIP(return, "cannot run a reader SCHED_FIFO on CPU %d", cpu);
	}
	close(go[0]);

	for (i = 0; i < IOV_MAX; i++)
		iov[i] = (struct iovec){ buf, chunk };
	pids[1] = fork();
	if (!pids[1]) {
		int fd = open(fifo_path(), O_WRONLY);

		_exit(fd >= 0 && run_on(cpu) &&
		      writev(fd, iov, IOV_MAX) == (ssize_t)total ? 0 : 1);
	}
	if (pids[1] < 0) {
		kill_all(pids, 1);
		ASSERT_LE(0, pids[1]) TH_LOG("fork: %s", strerror(errno));
	}

	/* Under way: 16 MiB through. */
	for (i = 0; i < 2 * CHILD_HANG_MS &&
	     __atomic_load_n(taken, __ATOMIC_RELAXED) < 16 * chunk; i++)
		sleep_ms(1);
	t0 = now_ms();
	at_kill = __atomic_load_n(taken, __ATOMIC_RELAXED);
	kill(pids[1], SIGKILL);
	EXPECT_EQ(pids[1], waitpid(pids[1], &status, 0));
	dt = now_ms() - t0;
	/* Let the reader drain what the writer queued before it went. */
	for (i = 0; i < 2 * CHILD_HANG_MS; i += 100) {
		uint64_t before = __atomic_load_n(taken, __ATOMIC_RELAXED);

		sleep_ms(100);
		if (__atomic_load_n(taken, __ATOMIC_RELAXED) == before)
			break;
	}
	kill_all(pids, 1);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("the writer was not killed: its write ended first");
	/*
	 * Bytes, not time, say whether the kill ended the write: after it,
	 * at most what the FIFO held and the piece under way may still go
	 * through, where a write that ignores the kill moves its gigabyte.
	 */
	after = *taken - at_kill;
	EXPECT_GE(size + 2 * 16384, after)
		TH_LOG("%llu MiB went through after the kill", (unsigned long long)after >> 20);
	printf("#   the writer went %lld ms after the kill, %llu KiB through after it\n",
	       dt, (unsigned long long)after >> 10);
	fflush(stdout);
	munmap(taken, sizeof(*taken));
	free(iov);
	free(buf);
}

/*
 * Readers and writers copy at the same time, under different locks; a
 * clear and a stats snapshot stop both, so the records stay whole and the
 * counters consistent.
 */
TEST_F_TIMEOUT(fifo, clear_and_stats_under_load_stay_consistent,
	       STRESS_TIMEOUT_S)
{
	fifo_stress(_metadata, STRESS_CLEAR);
}

/*
 * --- atomic writes under contention: records never split nor mixed -----
 *
 * Writers each write numbered records of one size, blocking, while the
 * test reads the stream in reads of another size, of which the record size
 * is no divisor, and cuts it into records again: each one must be whole
 * and of one writer, and each writer's must come in order, none missing.
 */
#define ATOMIC_MAGIC	0xa70c1c5eU

/* Records per writer: $ACME_ATOMIC_RECORDS, default 500. */
static long atomic_records(void)
{
	const char *e = getenv("ACME_ATOMIC_RECORDS");
	long n = e ? strtol(e, NULL, 10) : 0;

	return n > 0 ? n : 500;
}

/* A record: magic, writer, sequence number, length, then a pattern of all. */
static void arec_fill(uint8_t *rec, size_t len, uint32_t w, uint32_t seq)
{
	uint32_t hdr[4] = { ATOMIC_MAGIC, w, seq, len };

	memcpy(rec, hdr, sizeof(hdr));
	pattern_fill(rec + sizeof(hdr), len - sizeof(hdr), w << 24 | seq,
		     sizeof(hdr));
}

/* Whether @rec is a whole record; its writer and sequence number. */
static bool arec_whole(const uint8_t *rec, size_t len, uint32_t *w,
		       uint32_t *seq)
{
	uint32_t hdr[4];

	memcpy(hdr, rec, sizeof(hdr));
	*w = hdr[1];
	*seq = hdr[2];
	return hdr[0] == ATOMIC_MAGIC && hdr[3] == len &&
	       pattern_diff(rec + sizeof(hdr), len - sizeof(hdr),
			    *w << 24 | *seq, sizeof(hdr)) < 0;
}

static void atomic_writer(size_t len, uint32_t w, long n)
{
	uint8_t *rec = malloc(len);
	int fd = open(fifo_path(), O_WRONLY);
	long seq;

	if (!rec || fd < 0)
		_exit(1);
	for (seq = 0; seq < n; seq++) {
		arec_fill(rec, len, w, seq);
		if (write(fd, rec, len) != (ssize_t)len)
			_exit(2);
	}
	_exit(0);
}

static void atomic_writers(struct __test_metadata *_metadata, int fd,
			   int writers, size_t len, size_t rsize)
{
	long n = atomic_records(), total = n * writers, records = 0;
	long next[STRESS_K] = {}, torn = 0, disorder = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t *stream = malloc(len + rsize);
	pid_t pids[STRESS_K];
	size_t have = 0, off;
	uint32_t w, seq;
	ssize_t got = 0;
	int i;

	ASSERT_NONNULL(stream);
	ASSERT_GE(STRESS_K, writers);
	ASSERT_NE(0, rsize % len);
	for (i = 0; i < writers; i++) {
		pids[i] = fork();
		if (!pids[i])
			atomic_writer(len, i, n);
		if (pids[i] < 0) {
			kill_all(pids, i);
			ASSERT_LE(0, pids[i]) TH_LOG("fork: %s", strerror(errno));
		}
	}
	while (records < total) {
		got = read(fd, stream + have, rsize);
		if (got < 0 && errno == EAGAIN) {
			/* A timeout is only a hang detector. */
			if (poll(&pfd, 1, POLL_HANG_MS) != 1)
				break;
			continue;
		}
		if (got <= 0)
			break;
		have += got;
		for (off = 0; have - off >= len; off += len) {
			records++;
			if (!arec_whole(stream + off, len, &w, &seq) ||
			    w >= (uint32_t)writers) {
				torn++;
				continue;
			}
			if (seq != next[w])
				disorder++;
			next[w] = seq + 1;
		}
		memmove(stream, stream + off, have - off);
		have -= off;
	}
	EXPECT_EQ(0, wait_all_by(pids, writers, now_ms() + POLL_HANG_MS))
		TH_LOG("writers failed or stuck");
	EXPECT_EQ(total, records) TH_LOG("last read returned %zd: %s", got,
					 got < 0 ? strerror(errno) : "");
	EXPECT_EQ(0, have) TH_LOG("%zu bytes of a record left over", have);
	EXPECT_EQ(0, torn) TH_LOG("%ld torn or mixed records", torn);
	EXPECT_EQ(0, disorder) TH_LOG("%ld records out of order", disorder);
	for (i = 0; i < writers; i++)
		EXPECT_EQ(n, next[i]);
	/* Nothing more. */
	EXPECT_EQ(-1, read(fd, stream, len));
	EXPECT_EQ(EAGAIN, errno);
	printf("#   %ld records of %zu bytes from %d writers, read %zu bytes at a time\n",
	       records, len, writers, rsize);
	fflush(stdout);
	free(stream);
}

TEST_F_TIMEOUT(fifo, atomic_writes_are_never_split, STRESS_TIMEOUT_S)
{
	/* 3000 bytes <= PIPE_BUF, and no divisor of the capacity. */
	ASSERT_LE(PIPE_BUF, self->size);
	ASSERT_NE(0, self->size % 3000);
	atomic_writers(_metadata, self->fd, 4, 3000, 7000);
}

/* Below PIPE_BUF, a write of up to the capacity is atomic. */
TEST_F_TIMEOUT(fifo, atomic_writes_up_to_a_small_capacity, STRESS_TIMEOUT_S)
{
	uint64_t size = 1024;

	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &size));
	atomic_writers(_metadata, self->fd, 3, 1000, 1500);
	ASSERT_EQ(0, ioctl(self->fd, ACME_IOC_SET_SIZE, &self->size));
}

/*
 * Memory device: K workers. Worker w owns block w, which only it writes,
 * and shares blocks K.. with the others. Each write stores a whole block
 * of one value (w * 2^32 + iteration), so a read of a block must find one
 * value throughout, and in an owned block exactly the owner's last one.
 * A resizer, when asked, flips the size between the load-time size and
 * twice it, which must keep every block below the smaller size.
 */
#define MEM_BLOCK	512
#define MEM_SHARED	8

static int block_value(const uint64_t *b, uint64_t *value)
{
	size_t i;

	for (i = 1; i < MEM_BLOCK / sizeof(*b); i++)
		if (b[i] != b[0])
			return -1;
	*value = b[0];
	return 0;
}

static void mem_worker(const char *path, struct stress *st, int w, long ms)
{
	uint64_t buf[MEM_BLOCK / sizeof(uint64_t)], mine = 0, v, it;
	long long end = now_ms() + ms;
	int fd = open(path, O_RDWR);
	off_t off;
	size_t i;

	if (fd < 0)
		_exit(1);
	for (it = 1; now_ms() < end; it++) {
		v = (uint64_t)(w + 1) << 32 | it;
		for (i = 0; i < MEM_BLOCK / sizeof(v); i++)
			buf[i] = v;
		/* alternate the owned block and a shared one */
		off = (it & 1) ? w * MEM_BLOCK :
		      (STRESS_K + it % MEM_SHARED) * MEM_BLOCK;
		if (pwrite(fd, buf, MEM_BLOCK, off) != MEM_BLOCK)
			_exit(2);
		if (it & 1)
			mine = v;
		off = (STRESS_K + (it * 7 + w) % MEM_SHARED) * MEM_BLOCK;
		if (pread(fd, buf, MEM_BLOCK, off) != MEM_BLOCK)
			_exit(3);
		if (block_value(buf, &v))
			__atomic_fetch_add(&st->bad_records, 1, __ATOMIC_RELAXED);
		if (pread(fd, buf, MEM_BLOCK, w * MEM_BLOCK) != MEM_BLOCK ||
		    block_value(buf, &v) || (mine && v != mine))
			__atomic_fetch_add(&st->disorder, 1, __ATOMIC_RELAXED);
		st->written[w]++;
	}
	close(fd);
	_exit(0);
}

static void mem_resizer(const char *path, struct stress *st, uint64_t size)
{
	uint64_t sizes[2] = { size * 2, size };
	int fd = open(path, O_RDWR);
	int i = 0;

	if (fd < 0)
		_exit(1);
	while (!stopped(st)) {
		if (ioctl(fd, ACME_IOC_SET_SIZE, &sizes[i++ & 1]))
			_exit(2);
		st->resizes++;
		sleep_ms(1);
	}
	close(fd);
	_exit(0);
}

static void mem_stress(struct __test_metadata *_metadata, uint64_t size,
		       bool resize)
{
	pid_t workers[STRESS_K], resizer = 0;
	struct stress *st = stress_map();
	uint64_t ops = 0;
	int i;

	ASSERT_NONNULL(st);
	ASSERT_LE((STRESS_K + MEM_SHARED) * MEM_BLOCK, size);
	if (resize) {
		resizer = fork();
		if (!resizer)
			mem_resizer(mem_path(), st, size);
		ASSERT_LE(0, resizer) TH_LOG("fork: %s", strerror(errno));
	}
	for (i = 0; i < STRESS_K; i++) {
		workers[i] = fork();
		if (!workers[i])
			mem_worker(mem_path(), st, i, stress_ms());
		if (workers[i] < 0) {
			kill_all(workers, i);
			kill_all(&resizer, 1);
			ASSERT_LE(0, workers[i]) TH_LOG("fork: %s", strerror(errno));
		}
	}
	EXPECT_EQ(0, wait_all(workers, STRESS_K));
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
	if (resize)
		EXPECT_EQ(0, wait_all(&resizer, 1));
	EXPECT_EQ(0, st->bad_records) TH_LOG("torn blocks read");
	EXPECT_EQ(0, st->disorder) TH_LOG("owned blocks not as last written");
	for (i = 0; i < STRESS_K; i++) {
		EXPECT_LT(0, st->written[i]);
		ops += st->written[i];
	}
	printf("#   %llu iterations, %llu bytes checked, %llu resizes\n",
	       (unsigned long long)ops,
	       (unsigned long long)ops * 3 * MEM_BLOCK,
	       (unsigned long long)st->resizes);
	fflush(stdout);
	if (resize)
		EXPECT_LT(0, st->resizes);
	munmap(st, sizeof(*st));
}

TEST_F(mem, k_workers_disjoint_and_shared_blocks)
{
	mem_stress(_metadata, self->size, false);
}

TEST_F(mem, resize_under_load_keeps_the_blocks)
{
	mem_stress(_metadata, self->size, true);
}

/*
 * --- bad input: one case per row, each with its exact result -----------
 *
 * Rows named vfs_* check what the VFS refuses before the driver is called
 * (access_ok() of the buffer, negative or overflowing pread/pwrite
 * positions, the open mode, ESPIPE on a stream, inode permissions, iovec
 * counts and lengths, splice offsets on a stream, mmap lengths, offsets and
 * protections, a missing mmap operation): they pin down what user space
 * sees from an acme node, not the driver's code. Every other row reaches
 * acme's file operations.
 */

enum bad_op {
	OP_READ,
	OP_WRITE,
	OP_PREAD,
	OP_PWRITE,
	OP_LSEEK,
	OP_IOCTL,
	OP_OPEN,		/* open(2) of the device node itself */
	OP_SYSFS_WRITE,		/* open(2) of its size attribute for writing */
	OP_READV,		/* the buffer as the first of @iovcnt iovecs */
	OP_WRITEV,
	OP_SPLICE_IN,		/* device to pipe */
	OP_SPLICE_OUT,		/* pipe, holding @count bytes, to device */
	OP_MMAP,		/* PROT_READ | PROT_WRITE, MAP_SHARED; see @map_* */
};

enum bad_ptr {
	PTR_BUF,		/* a valid buffer of BAD_BUF_SIZE bytes */
	PTR_NULL,
	PTR_UNMAPPED,
	PTR_KERNEL,		/* a kernel address: access_ok() refuses it */
};

enum bad_prep {
	PREP_NONE,
	PREP_ONE_BYTE,		/* FIFO: one byte queued */
	PREP_FULL,		/* FIFO: filled up */
};

/* Larger than the biggest FIFO, so that a huge count can fill one. */
#define BAD_BUF_SIZE	(2 * 1024 * 1024)
/*
 * A count far above any device size: the driver moves what fits. Not
 * 1 GiB, which would reach past TASK_SIZE from a heap buffer on a 32-bit
 * kernel with a 3G/1G split, where access_ok() in the VFS fails it first.
 */
#define HUGE_COUNT	(64UL * 1024 * 1024)

FIXTURE(bad) {
	int fd;			/* opened as the variant says */
	int setup_fd;		/* O_RDWR, for preparing the device */
	int pipe[2];		/* the other end of OP_SPLICE_IN and _OUT */
	uint64_t size;
	char *buf;
	const char *path;
};

/*
 * One row of the matrix. The call is made on @fifo ? /dev/acme_fifo0 :
 * /dev/acme0, opened O_RDWR unless @rdonly or @wronly, plus O_NONBLOCK if
 * @nonblock. It must fail with @err, or, when @err is 0, return @ret plus
 * the device's size if @plus_size.
 */
FIXTURE_VARIANT(bad) {
	bool fifo;
	bool rdonly;
	bool wronly;
	bool nonblock;
	enum bad_prep prep;
	enum bad_op op;
	enum bad_ptr ptr;
	size_t count;
	long long start;	/* lseek(start, SEEK_SET) before the call */
	long long pos;		/* pread/pwrite position, lseek offset */
	bool pos_plus_size;	/* add the device's size to @pos */
	bool pos_minus_size;	/* subtract it */
	int whence;
	unsigned long cmd;
	bool unprivileged;	/* drop to uid/gid 65534 before the call */
	bool opener_no_cap;	/* open @fd without CAP_SYS_ADMIN */
	int iovcnt;		/* OP_READV, OP_WRITEV: 1 if 0 */
	bool splice_off;	/* OP_SPLICE_*: the device's offset is @pos */
	bool count_plus_size;	/* add the device's size to @count */
	bool map_private;	/* OP_MMAP: MAP_PRIVATE instead */
	bool map_read_only;	/* OP_MMAP: PROT_READ only */
	long long ret;
	bool plus_size;
	int err;
	/*
	 * @count reaches past the user address space, so @err is EFAULT. Not
	 * for a 32-bit program on a 64-bit kernel (compat), whose counts
	 * cannot: there the call returns @compat_ret, plus the device's size
	 * if @compat_plus_size, as for any huge count.
	 */
	bool past_user_space;
	long long compat_ret;
	bool compat_plus_size;
};

/* A 32-bit program on a 64-bit kernel: uname() tells the kernel's machine. */
static bool compat_user(void)
{
	struct utsname u;

	return sizeof(long) == 4 && !uname(&u) && strstr(u.machine, "64");
}

static void *kernel_address(void)
{
	return (void *)(uintptr_t)(sizeof(long) == 8 ? 0xffffffff81000000ULL :
				   0xc1000000UL);
}

FIXTURE_SETUP(bad)
{
	int flags = variant->rdonly ? O_RDONLY :
		    variant->wronly ? O_WRONLY : O_RDWR;

	self->fd = -1;
	self->setup_fd = -1;
	self->pipe[0] = -1;
	self->pipe[1] = -1;
	self->buf = NULL;
	self->path = variant->fifo ? fifo_path() : mem_path();
	self->setup_fd = open(self->path, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->setup_fd) TH_LOG("open %s: %s", self->path,
					    strerror(errno));
	ASSERT_EQ(0, acme_clear(self->setup_fd));
	ASSERT_EQ(0, ioctl(self->setup_fd, ACME_IOC_GET_SIZE, &self->size));
	ASSERT_EQ(0, reset_size(self->setup_fd, &self->size,
				variant->fifo ? "fifo_size" : "size"));
	self->buf = calloc(1, BAD_BUF_SIZE);
	ASSERT_NONNULL(self->buf);

	if (variant->prep == PREP_ONE_BYTE)
		ASSERT_EQ(1, write(self->setup_fd, "x", 1));
	if (variant->prep == PREP_FULL)
		ASSERT_EQ((ssize_t)self->size,
			  write(self->setup_fd, self->buf, self->size));

	if (variant->op == OP_OPEN || variant->op == OP_SYSFS_WRITE)
		return;
	if (variant->opener_no_cap)
		ASSERT_EQ(0, drop_cap_sys_admin());
	self->fd = open(self->path, flags | (variant->nonblock ? O_NONBLOCK : 0));
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->path, strerror(errno));
	if (variant->start)
		ASSERT_EQ(variant->start, lseek(self->fd, variant->start, SEEK_SET));
	if (variant->op == OP_SPLICE_IN || variant->op == OP_SPLICE_OUT)
		ASSERT_EQ(0, pipe(self->pipe));
	if (variant->op == OP_SPLICE_OUT)
		ASSERT_EQ((ssize_t)variant->count,
			  write(self->pipe[1], self->buf, variant->count));
}

FIXTURE_TEARDOWN(bad)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->pipe[0] >= 0)
		close(self->pipe[0]);
	if (self->pipe[1] >= 0)
		close(self->pipe[1]);
	if (self->setup_fd >= 0) {
		acme_clear(self->setup_fd);
		close(self->setup_fd);
	}
	free(self->buf);
}

static void *bad_pointer(char *buf, enum bad_ptr ptr)
{
	switch (ptr) {
	case PTR_NULL:
		return NULL;
	case PTR_UNMAPPED:
		return unmapped();
	case PTR_KERNEL:
		return kernel_address();
	default:
		return buf;
	}
}

TEST_F(bad, call)
{
	void *p = bad_pointer(self->buf, variant->ptr);
	static struct iovec iov[IOV_MAX + 1];
	size_t count = variant->count;
	char sysfs_size_path[256];
	long long pos = variant->pos;
	long long want = variant->ret;
	int err = variant->err;
	long long got = -1;
	loff_t off;
	void *map;

	if (variant->past_user_space && compat_user()) {
		err = 0;
		want = variant->compat_ret;
		if (variant->compat_plus_size)
			want += self->size;
	}
	if (variant->pos_plus_size)
		pos += self->size;
	if (variant->pos_minus_size)
		pos -= self->size;
	if (variant->plus_size)
		want += self->size;
	if (variant->count_plus_size)
		count += self->size;
	if (variant->unprivileged) {
		ASSERT_EQ(0, setresgid(65534, 65534, 65534));
		ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	}

	errno = 0;
	switch (variant->op) {
	case OP_READ:
		got = read(self->fd, p, count);
		break;
	case OP_WRITE:
		got = write(self->fd, p, count);
		break;
	case OP_PREAD:
		got = pread(self->fd, p, count, pos);
		break;
	case OP_PWRITE:
		got = pwrite(self->fd, p, count, pos);
		break;
	case OP_LSEEK:
		got = lseek(self->fd, pos, variant->whence);
		break;
	case OP_IOCTL:
		got = ioctl(self->fd, variant->cmd, p);
		break;
	case OP_OPEN:
		got = open(self->path, O_RDWR);
		break;
	case OP_SYSFS_WRITE:
		snprintf(sysfs_size_path, sizeof(sysfs_size_path),
			 SYSFS_CLASS "/%s/size", strrchr(self->path, '/') + 1);
		got = open(sysfs_size_path, O_WRONLY);
		break;
	case OP_READV:
	case OP_WRITEV:
		iov[0] = (struct iovec){ p, count };
		if (variant->op == OP_READV)
			got = readv(self->fd, iov, variant->iovcnt ?: 1);
		else
			got = writev(self->fd, iov, variant->iovcnt ?: 1);
		break;
	case OP_SPLICE_IN:
		off = pos;
		got = splice(self->fd, variant->splice_off ? &off : NULL,
			     self->pipe[1], NULL, count, 0);
		break;
	case OP_SPLICE_OUT:
		off = pos;
		got = splice(self->pipe[0], NULL, self->fd,
			     variant->splice_off ? &off : NULL, count, 0);
		break;
	case OP_MMAP:
		map = mmap(NULL, count, variant->map_read_only ? PROT_READ :
			   PROT_READ | PROT_WRITE,
			   variant->map_private ? MAP_PRIVATE : MAP_SHARED,
			   self->fd, pos);
		got = map == MAP_FAILED ? -1 : 0;
		if (map != MAP_FAILED)
			munmap(map, count);
		break;
	}

	if (err) {
		EXPECT_EQ(-1, got) TH_LOG("the call succeeded, returning %lld", got);
		EXPECT_EQ(err, errno) TH_LOG("errno %d (%s), want %d (%s)",
					     errno, strerror(errno), err,
					     strerror(err));
	} else {
		EXPECT_EQ(want, got) TH_LOG("errno %d (%s)", errno, strerror(errno));
	}
	if ((variant->op == OP_OPEN || variant->op == OP_SYSFS_WRITE) && got >= 0)
		close(got);
}

/* Memory device: bad user pointers. */
FIXTURE_VARIANT_ADD(bad, mem_read_null_efault) {
	.op = OP_READ, .ptr = PTR_NULL, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_read_unmapped_efault) {
	.op = OP_READ, .ptr = PTR_UNMAPPED, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_read_kernel_address_efault) {
	.op = OP_READ, .ptr = PTR_KERNEL, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_write_null_efault) {
	.op = OP_WRITE, .ptr = PTR_NULL, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_write_unmapped_efault) {
	.op = OP_WRITE, .ptr = PTR_UNMAPPED, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_write_kernel_address_efault) {
	.op = OP_WRITE, .ptr = PTR_KERNEL, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_get_size_null_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_GET_SIZE, .ptr = PTR_NULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_get_size_unmapped_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_GET_SIZE, .ptr = PTR_UNMAPPED,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_get_size_kernel_address_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_GET_SIZE, .ptr = PTR_KERNEL,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_set_size_null_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE, .ptr = PTR_NULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_set_size_kernel_address_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE, .ptr = PTR_KERNEL,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_clear_null_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_CLEAR, .ptr = PTR_NULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_get_stats_unmapped_efault) {
	.op = OP_IOCTL, .cmd = ACME_IOC_GET_STATS, .ptr = PTR_UNMAPPED,
	.err = EFAULT,
};

/* Memory device: zero and huge counts. */
FIXTURE_VARIANT_ADD(bad, mem_read_zero_count_returns_0) {
	.op = OP_READ, .ptr = PTR_NULL, .count = 0, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, mem_write_zero_count_returns_0) {
	.op = OP_WRITE, .ptr = PTR_NULL, .count = 0, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, mem_read_64mib_returns_the_size) {
	.op = OP_READ, .count = HUGE_COUNT, .plus_size = true,
};

FIXTURE_VARIANT_ADD(bad, mem_write_64mib_returns_the_size) {
	.op = OP_WRITE, .count = HUGE_COUNT, .plus_size = true,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_read_size_max_efault) {
	.op = OP_READ, .count = SIZE_MAX, .err = EFAULT,
	.past_user_space = true, .compat_plus_size = true,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_write_size_max_efault) {
	.op = OP_WRITE, .count = SIZE_MAX, .err = EFAULT,
	.past_user_space = true, .compat_plus_size = true,
};

/* Memory device: offsets before 0, at and past the end, overflowing. */
FIXTURE_VARIANT_ADD(bad, vfs_mem_pread_at_minus_1_einval) {
	.op = OP_PREAD, .count = 1, .pos = -1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_pwrite_at_minus_1_einval) {
	.op = OP_PWRITE, .count = 1, .pos = -1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_pread_at_end_returns_0) {
	.op = OP_PREAD, .count = 1, .pos_plus_size = true, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, mem_pread_past_end_returns_0) {
	.op = OP_PREAD, .count = 1, .pos = 1, .pos_plus_size = true, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, mem_pwrite_at_end_enospc) {
	.op = OP_PWRITE, .count = 1, .pos_plus_size = true, .err = ENOSPC,
};

FIXTURE_VARIANT_ADD(bad, mem_pwrite_past_end_enospc) {
	.op = OP_PWRITE, .count = 1, .pos = 1, .pos_plus_size = true,
	.err = ENOSPC,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_pread_overflowing_einval) {
	.op = OP_PREAD, .count = 2, .pos = LLONG_MAX, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_pwrite_overflowing_einval) {
	.op = OP_PWRITE, .count = 2, .pos = LLONG_MAX, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_set_minus_1_einval) {
	.op = OP_LSEEK, .pos = -1, .whence = SEEK_SET, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_cur_before_0_einval) {
	.op = OP_LSEEK, .start = 1, .pos = -2, .whence = SEEK_CUR, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_cur_overflowing_einval) {
	.op = OP_LSEEK, .start = 1, .pos = LLONG_MAX, .whence = SEEK_CUR,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_end_before_0_einval) {
	.op = OP_LSEEK, .pos = -1, .pos_minus_size = true, .whence = SEEK_END,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_end_overflowing_einval) {
	.op = OP_LSEEK, .pos = LLONG_MAX, .whence = SEEK_END, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_end_past_end_allowed) {
	.op = OP_LSEEK, .pos = 1, .whence = SEEK_END, .ret = 1,
	.plus_size = true,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_data_returns_the_offset) {
	.op = OP_LSEEK, .pos = 1, .whence = SEEK_DATA, .ret = 1,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_hole_at_end_enxio) {
	.op = OP_LSEEK, .pos_plus_size = true, .whence = SEEK_HOLE,
	.err = ENXIO,
};

FIXTURE_VARIANT_ADD(bad, mem_seek_whence_42_einval) {
	.op = OP_LSEEK, .whence = 42, .err = EINVAL,
};

/* Memory device: unknown ioctl numbers and wrong argument sizes. */
FIXTURE_VARIANT_ADD(bad, mem_ioctl_next_number_enotty) {
	.op = OP_IOCTL, .cmd = _IO(ACME_IOC_MAGIC, 0x04), .err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, mem_ioctl_other_type_enotty) {
	.op = OP_IOCTL, .cmd = _IOR(ACME_IOC_MAGIC + 1, 0x00, __u64),
	.err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, mem_get_size_u32_enotty) {
	.op = OP_IOCTL, .cmd = _IOR(ACME_IOC_MAGIC, 0x00, __u32), .err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, mem_set_size_u32_enotty) {
	.op = OP_IOCTL, .cmd = _IOW(ACME_IOC_MAGIC, 0x01, __u32), .err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, mem_get_stats_u64_enotty) {
	.op = OP_IOCTL, .cmd = _IOR(ACME_IOC_MAGIC, 0x03, __u64), .err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, mem_get_size_as_iowr_enotty) {
	.op = OP_IOCTL, .cmd = _IOWR(ACME_IOC_MAGIC, 0x00, __u64), .err = ENOTTY,
};

/* Memory device: permissions and open modes. */
FIXTURE_VARIANT_ADD(bad, mem_set_size_opener_without_cap_eperm) {
	.op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE, .opener_no_cap = true,
	.err = EPERM,
};

/* The mode is checked before the privilege: one errno, EBADF. */
FIXTURE_VARIANT_ADD(bad, mem_set_size_read_only_opener_without_cap_ebadf) {
	.op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE, .rdonly = true,
	.opener_no_cap = true, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_open_unprivileged_eacces) {
	.op = OP_OPEN, .unprivileged = true, .err = EACCES,
};

FIXTURE_VARIANT_ADD(bad, mem_set_size_read_only_ebadf) {
	.op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE, .rdonly = true, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, mem_clear_read_only_ebadf) {
	.op = OP_IOCTL, .cmd = ACME_IOC_CLEAR, .rdonly = true, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_write_read_only_ebadf) {
	.op = OP_WRITE, .count = 1, .rdonly = true, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_read_write_only_ebadf) {
	.op = OP_READ, .count = 1, .wronly = true, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_sysfs_size_write_eacces) {
	.op = OP_SYSFS_WRITE, .err = EACCES,
};

/* Memory device: readv(2) and writev(2). */
FIXTURE_VARIANT_ADD(bad, mem_readv_unmapped_efault) {
	.op = OP_READV, .ptr = PTR_UNMAPPED, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, mem_writev_unmapped_efault) {
	.op = OP_WRITEV, .ptr = PTR_UNMAPPED, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_readv_kernel_address_efault) {
	.op = OP_READV, .ptr = PTR_KERNEL, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_readv_iovcnt_minus_1_einval) {
	.op = OP_READV, .count = 16, .iovcnt = -1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_writev_iovcnt_minus_1_einval) {
	.op = OP_WRITEV, .count = 16, .iovcnt = -1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_readv_iovcnt_past_iov_max_einval) {
	.op = OP_READV, .count = 16, .iovcnt = IOV_MAX + 1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_writev_iovcnt_past_iov_max_einval) {
	.op = OP_WRITEV, .count = 16, .iovcnt = IOV_MAX + 1, .err = EINVAL,
};

/* An iov_len of SIZE_MAX is -1 as a ssize_t. */
FIXTURE_VARIANT_ADD(bad, vfs_mem_readv_negative_length_einval) {
	.op = OP_READV, .count = SIZE_MAX, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_writev_negative_length_einval) {
	.op = OP_WRITEV, .count = SIZE_MAX, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_readv_returns_the_count) {
	.op = OP_READV, .count = 16, .iovcnt = 2, .ret = 16,
};

/* Memory device: splice(2) to and from a pipe. */
FIXTURE_VARIANT_ADD(bad, mem_splice_in_returns_the_count) {
	.op = OP_SPLICE_IN, .splice_off = true, .count = 16, .ret = 16,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_splice_in_at_minus_1_einval) {
	.op = OP_SPLICE_IN, .splice_off = true, .pos = -1, .count = 16,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_splice_in_at_end_returns_0) {
	.op = OP_SPLICE_IN, .splice_off = true, .pos_plus_size = true,
	.count = 16, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, mem_splice_in_past_end_returns_0) {
	.op = OP_SPLICE_IN, .splice_off = true, .pos = 1, .pos_plus_size = true,
	.count = 16, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_splice_in_write_only_ebadf) {
	.op = OP_SPLICE_IN, .wronly = true, .count = 16, .err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, mem_splice_out_returns_the_count) {
	.op = OP_SPLICE_OUT, .splice_off = true, .count = 16, .ret = 16,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_splice_out_at_minus_1_einval) {
	.op = OP_SPLICE_OUT, .splice_off = true, .pos = -1, .count = 16,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_splice_out_at_end_enospc) {
	.op = OP_SPLICE_OUT, .splice_off = true, .pos_plus_size = true,
	.count = 16, .err = ENOSPC,
};

FIXTURE_VARIANT_ADD(bad, mem_splice_out_past_end_enospc) {
	.op = OP_SPLICE_OUT, .splice_off = true, .pos = 1,
	.pos_plus_size = true, .count = 16, .err = ENOSPC,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_splice_out_read_only_ebadf) {
	.op = OP_SPLICE_OUT, .rdonly = true, .count = 16, .err = EBADF,
};

/* Memory device: mmap(2). The default size, 64 KiB, is page-aligned. */
FIXTURE_VARIANT_ADD(bad, mem_mmap_whole_buffer_works) {
	.op = OP_MMAP, .count_plus_size = true, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_mmap_length_0_einval) {
	.op = OP_MMAP, .count = 0, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_mmap_unaligned_offset_einval) {
	.op = OP_MMAP, .count = 4096, .pos = 1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_mmap_offset_at_end_einval) {
	.op = OP_MMAP, .count = 4096, .pos_plus_size = true, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_mmap_offset_past_end_einval) {
	.op = OP_MMAP, .count = 4096, .pos = 65536, .pos_plus_size = true,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_mmap_length_past_end_einval) {
	.op = OP_MMAP, .count = 4096, .count_plus_size = true, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, mem_mmap_private_einval) {
	.op = OP_MMAP, .count = 4096, .map_private = true, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_mem_mmap_writable_shared_read_only_eacces) {
	.op = OP_MMAP, .rdonly = true, .count = 4096, .err = EACCES,
};

/* do_mmap() clears VM_SHARED for a read-only file; VM_MAYSHARE stays. */
FIXTURE_VARIANT_ADD(bad, mem_mmap_readable_shared_read_only_works) {
	.op = OP_MMAP, .rdonly = true, .map_read_only = true, .count = 4096,
	.ret = 0,
};

/* FIFO device. */
FIXTURE_VARIANT_ADD(bad, fifo_read_null_efault) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READ, .ptr = PTR_NULL,
	.count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_read_unmapped_efault) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READ, .ptr = PTR_UNMAPPED,
	.count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_read_kernel_address_efault) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READ, .ptr = PTR_KERNEL,
	.count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_write_null_efault) {
	.fifo = true, .op = OP_WRITE, .ptr = PTR_NULL, .count = 16,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_write_unmapped_efault) {
	.fifo = true, .op = OP_WRITE, .ptr = PTR_UNMAPPED, .count = 16,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_write_kernel_address_efault) {
	.fifo = true, .op = OP_WRITE, .ptr = PTR_KERNEL, .count = 16,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_get_stats_null_efault) {
	.fifo = true, .op = OP_IOCTL, .cmd = ACME_IOC_GET_STATS, .ptr = PTR_NULL,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_read_zero_count_returns_0) {
	.fifo = true, .nonblock = true, .op = OP_READ, .ptr = PTR_NULL,
	.count = 0, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad, fifo_read_64mib_returns_what_is_queued) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READ, .count = HUGE_COUNT,
	.ret = 1,
};

FIXTURE_VARIANT_ADD(bad, fifo_write_64mib_nonblocking_fills_it) {
	.fifo = true, .nonblock = true, .op = OP_WRITE, .count = HUGE_COUNT,
	.plus_size = true,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_read_size_max_efault) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READ, .count = SIZE_MAX,
	.err = EFAULT, .past_user_space = true, .compat_ret = 1,
};

FIXTURE_VARIANT_ADD(bad, fifo_nonblocking_read_empty_eagain) {
	.fifo = true, .nonblock = true, .op = OP_READ, .count = 1,
	.err = EAGAIN,
};

FIXTURE_VARIANT_ADD(bad, fifo_nonblocking_write_full_eagain) {
	.fifo = true, .nonblock = true, .prep = PREP_FULL, .op = OP_WRITE,
	.count = 1, .err = EAGAIN,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_pread_espipe) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_PREAD, .count = 1,
	.err = ESPIPE,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_pwrite_espipe) {
	.fifo = true, .op = OP_PWRITE, .count = 1, .err = ESPIPE,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_lseek_espipe) {
	.fifo = true, .op = OP_LSEEK, .whence = SEEK_SET, .err = ESPIPE,
};

FIXTURE_VARIANT_ADD(bad, fifo_ioctl_next_number_enotty) {
	.fifo = true, .op = OP_IOCTL, .cmd = _IO(ACME_IOC_MAGIC, 0x04),
	.err = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad, fifo_set_size_opener_without_cap_eperm) {
	.fifo = true, .op = OP_IOCTL, .cmd = ACME_IOC_SET_SIZE,
	.opener_no_cap = true, .err = EPERM,
};

FIXTURE_VARIANT_ADD(bad, fifo_clear_read_only_ebadf) {
	.fifo = true, .rdonly = true, .op = OP_IOCTL, .cmd = ACME_IOC_CLEAR,
	.err = EBADF,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_sysfs_size_write_eacces) {
	.fifo = true, .op = OP_SYSFS_WRITE, .err = EACCES,
};

FIXTURE_VARIANT_ADD(bad, fifo_readv_unmapped_efault) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READV,
	.ptr = PTR_UNMAPPED, .count = 16, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, fifo_writev_unmapped_efault) {
	.fifo = true, .op = OP_WRITEV, .ptr = PTR_UNMAPPED, .count = 16,
	.err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_writev_iovcnt_minus_1_einval) {
	.fifo = true, .op = OP_WRITEV, .count = 16, .iovcnt = -1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_readv_negative_length_einval) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READV, .count = SIZE_MAX,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, fifo_readv_returns_what_is_queued) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_READV, .count = 16,
	.iovcnt = 2, .ret = 1,
};

FIXTURE_VARIANT_ADD(bad, fifo_splice_in_returns_what_is_queued) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_SPLICE_IN, .count = 16,
	.ret = 1,
};

/* An offset for a stream: EINVAL from the VFS; ESPIPE is for a pipe's. */
FIXTURE_VARIANT_ADD(bad, vfs_fifo_splice_in_offset_einval) {
	.fifo = true, .prep = PREP_ONE_BYTE, .op = OP_SPLICE_IN,
	.splice_off = true, .count = 16, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, fifo_splice_out_returns_the_count) {
	.fifo = true, .op = OP_SPLICE_OUT, .count = 16, .ret = 16,
};

FIXTURE_VARIANT_ADD(bad, vfs_fifo_splice_out_offset_einval) {
	.fifo = true, .op = OP_SPLICE_OUT, .splice_off = true, .count = 16,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad, fifo_nonblocking_splice_in_empty_eagain) {
	.fifo = true, .nonblock = true, .op = OP_SPLICE_IN, .count = 16,
	.err = EAGAIN,
};

FIXTURE_VARIANT_ADD(bad, fifo_nonblocking_splice_out_full_eagain) {
	.fifo = true, .nonblock = true, .prep = PREP_FULL, .op = OP_SPLICE_OUT,
	.count = 16, .err = EAGAIN,
};

/* FIFOs have no mmap file operation. */
FIXTURE_VARIANT_ADD(bad, vfs_fifo_mmap_enodev) {
	.fifo = true, .op = OP_MMAP, .count = 4096, .err = ENODEV,
};

TEST_HARNESS_MAIN
