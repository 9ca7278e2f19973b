// SPDX-License-Identifier: GPL-2.0-only
/*
 * acme_failnth.c - make the Nth fault-injection point of one system call fail
 *
 * usage: acme_failnth N load MODULE.ko [PARAMS]
 *        acme_failnth N open PATH
 *        acme_failnth N setsize PATH SIZE
 *
 * Writes N to /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION), so that
 * the Nth allocation (or other injectable call) of this thread fails, then
 * makes the one call: finit_module(2) of MODULE.ko (MODULE.ko.gz, .xz or
 * .zst with MODULE_INIT_COMPRESSED_FILE, for the kernel to decompress),
 * open(2) of PATH, or ACME_IOC_SET_SIZE of SIZE on PATH, opened before.
 * Prints "N injected=0|1 result=0|-ERRNO": injected=0 means the call
 * passed fewer than N injection points, so N-1 is how many it has. An
 * opened file is closed again. Exits 0 unless the setup itself failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/acme.h>
#include <linux/module.h>

#include "../../kselftest.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"

/*
 * The file stays open from before the call to after it: opening it then
 * would itself pass injection points while fail-nth is still counting.
 */
static int set_fail_nth(int fd, long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* The finit_module(2) flags for the module file @path. */
static int module_flags(const char *path)
{
	static const char * const compressed[] = { ".gz", ".xz", ".zst" };
	size_t len = strlen(path), i;

	for (i = 0; i < ARRAY_SIZE(compressed); i++) {
		size_t n = strlen(compressed[i]);

		if (len > n && !strcmp(path + len - n, compressed[i]))
			return MODULE_INIT_COMPRESSED_FILE;
	}
	return 0;
}

/* 0 once the fault was injected, else the points still to pass. */
static long get_fail_nth(int fd)
{
	char buf[32] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	long n, left;
	int fd = -1, fnfd, ret;

	if (argc < 4 || (strcmp(argv[2], "load") && strcmp(argv[2], "open") &&
			 (strcmp(argv[2], "setsize") || argc < 5))) {
		fprintf(stderr, "usage: acme_failnth N load MODULE.ko [PARAMS]\n"
			"       acme_failnth N open PATH\n"
			"       acme_failnth N setsize PATH SIZE\n");
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	if (n < 1) {
		fprintf(stderr, "acme_failnth: N must be at least 1\n");
		return 2;
	}
	if (strcmp(argv[2], "open")) {
		fd = open(argv[3], (!strcmp(argv[2], "load") ? O_RDONLY : O_RDWR) |
			  O_CLOEXEC);
		if (fd < 0) {
			perror(argv[3]);
			return 1;
		}
	}

	fnfd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (fnfd < 0 || set_fail_nth(fnfd, n)) {
		perror(FAIL_NTH);
		return 1;
	}
	if (!strcmp(argv[2], "load")) {
		ret = syscall(SYS_finit_module, fd, argc > 4 ? argv[4] : "",
			      module_flags(argv[3]));
	} else if (!strcmp(argv[2], "setsize")) {
		__u64 size = strtoull(argv[4], NULL, 0);

		ret = ioctl(fd, ACME_IOC_SET_SIZE, &size);
	} else {
		ret = open(argv[3], O_RDWR);
	}
	ret = ret < 0 ? -errno : ret;
	left = get_fail_nth(fnfd);
	set_fail_nth(fnfd, 0);

	if (!strcmp(argv[2], "open") && ret >= 0) {
		close(ret);
		ret = 0;
	}
	printf("%ld injected=%d result=%d\n", n, left == 0, ret);
	return 0;
}
