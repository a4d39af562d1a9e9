// SPDX-License-Identifier: BSD-2-Clause
/*
 * safefile.c - files named by the user, opened without trusting the
 * directory they are in.
 *
 * --stats-file is opened as root before the privilege drop, often in a
 * directory others can write (/tmp). A check with lstat() then an open()
 * would race with whoever plants a link in between, so the open itself
 * refuses what the check refused: O_NOFOLLOW fails on a symbolic link,
 * O_NONBLOCK keeps a FIFO without reader from blocking (open fails with
 * ENXIO), and fstat() of the open descriptor decides. The file is
 * truncated only then: O_TRUNC would already have emptied the target of
 * a hard link.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"

static const char *kind_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFDIR:
		return "a directory";
	case S_IFSOCK:
		return "a socket";
	default:
		return "not a regular file";
	}
}

/* Why st may not be written as path; NULL when it may. */
static const char *refusal(const struct stat *st, char *buf, size_t len)
{
	if (!S_ISREG(st->st_mode))
		return kind_of(st->st_mode);
	if (st->st_nlink > 1) {
		snprintf(buf, len, "a file with %lu hard links",
			 (unsigned long)st->st_nlink);
		return buf;
	}
	if (st->st_uid != geteuid()) {
		snprintf(buf, len, "a file owned by another user (uid %u)",
			 (unsigned)st->st_uid);
		return buf;
	}
	return NULL;
}

int safefile_create(const char *path, mode_t mode, bool *refused, char *err,
		    size_t errlen)
{
	char why[64];
	const char *no;
	struct stat st;
	int fd, r;

	*refused = false;
	/* a clear message for what is there already; the open decides */
	if (lstat(path, &st) == 0 && (no = refusal(&st, why, sizeof(why))))
		goto refuse;
	fd = open(path,
		  O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		  mode);
	if (fd < 0) {
		r = -errno;
		/* planted between lstat() and open() */
		if (r == -ELOOP) {
			no = "a symbolic link";
			goto refuse;
		}
		if (r == -ENXIO) {
			no = "a FIFO or device";
			goto refuse;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st))
		goto sys;
	no = refusal(&st, why, sizeof(why));
	if (no) {
		close(fd);
		goto refuse;
	}
	if (ftruncate(fd, 0) || fcntl(fd, F_SETFL, 0))
		goto sys;
	return fd;
sys:
	r = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(-r));
	close(fd);
	return r;
refuse:
	*refused = true;
	snprintf(err, errlen,
		 "%s is %s: refused (another user may have planted it); "
		 "remove it or name a regular file in a directory only "
		 "xflowd's user can write",
		 path, no);
	return -EPERM;
}

int safefile_open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	/* a device is not even opened: opening one can have effects */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		goto refuse;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(-r));
		return r;
	}
	if (fstat(fd, &st))
		goto sys;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		goto refuse;
	}
	/* reads of a regular file never block: the flag is only dropped */
	if (fcntl(fd, F_SETFL, 0))
		goto sys;
	return fd;
sys:
	r = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(-r));
	close(fd);
	return r;
refuse:
	snprintf(err, errlen, "%s is %s: %sgive a regular file", path,
		 kind_of(st.st_mode),
		 S_ISDIR(st.st_mode) ? ""
				     : "refused (reading it could block); ");
	return -EINVAL;
}
