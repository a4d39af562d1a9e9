// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_safefile.c - common/safefile.c: what --stats-file writes and what
 * -f reads. Refused for writing: a symbolic link (its target untouched), a
 * FIFO (at once, no reader needed), a device, a file with two links; a new
 * file is created 0640, an old one of ours truncated. Refused for reading:
 * a FIFO and a device; a symbolic link to a regular file is followed.
 * test_files.sh plants them as another user against the real xflowd.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safefile.h"

static char dir[] = "/tmp/test_safefile.XXXXXX";
static char err[512];

/* dir/name in a buffer of the caller's (P() gives each call its own) */
static const char *in_dir(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/%s", dir, name);
	return path;
}

#define P(name) in_dir((char[256]){ 0 }, 256, name)

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static off_t size_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/* the create refused, as a refusal, naming the path and why */
static void create_refused(const char *path, const char *why)
{
	bool refused = false;
	int fd = safefile_create(path, 0640, &refused, err, sizeof(err));

	ck_assert_int_lt(fd, 0);
	ck_assert(refused);
	ck_assert_msg(strstr(err, path) && strstr(err, why), "%s", err);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/test_safefile.XXXXXX");
}

START_TEST(symlink_refused_target_untouched)
{
	const char *target = P("target");
	put(target, "precious");
	ck_assert_int_eq(symlink(target, P("link")), 0);
	create_refused(P("link"), "a symbolic link");
	ck_assert_int_eq(size_of(target), 8);
	/* a dangling one would be created through: refused as well */
	ck_assert_int_eq(symlink(P("nothing"), P("dangling")), 0);
	create_refused(P("dangling"), "a symbolic link");
	ck_assert_int_eq(access(P("nothing"), F_OK), -1);
}
END_TEST

START_TEST(fifo_and_device_refused_at_once)
{
	ck_assert_int_eq(mkfifo(P("fifo"), 0666), 0);
	create_refused(P("fifo"), "a FIFO");
	create_refused("/dev/null", "a character device");
}
END_TEST

START_TEST(hard_link_refused)
{
	const char *target = P("target");
	put(target, "precious");
	ck_assert_int_eq(link(target, P("hard")), 0);
	create_refused(P("hard"), "2 hard links");
	ck_assert_int_eq(size_of(target), 8);
}
END_TEST

START_TEST(new_file_0640_old_one_truncated)
{
	bool refused = true;
	mode_t old = umask(022);
	struct stat st;
	int fd;

	fd = safefile_create(P("stats"), 0640, &refused, err, sizeof(err));
	umask(old);
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(!refused);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	/* blocking again: a regular file is written as usual */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(write(fd, "{}\n", 3), 3);
	close(fd);
	fd = safefile_create(P("stats"), 0640, &refused, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	close(fd);
	ck_assert_int_eq(size_of(P("stats")), 0);
}
END_TEST

START_TEST(missing_directory_is_no_refusal)
{
	bool refused = true;
	int fd = safefile_create(P("no/stats"), 0640, &refused, err,
				 sizeof(err));

	ck_assert_int_eq(fd, -ENOENT);
	ck_assert(!refused);
}
END_TEST

START_TEST(read_regular_only)
{
	const char *conf = P("x.conf");
	int fd;

	put(conf, "monitor m\n");
	ck_assert_int_eq(symlink(conf, P("link.conf")), 0);
	fd = safefile_open_regular(P("link.conf"), err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	ck_assert_int_eq(mkfifo(P("fifo.conf"), 0666), 0);
	ck_assert_int_eq(safefile_open_regular(P("fifo.conf"), err,
					       sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "is a FIFO: refused"), "%s", err);
	ck_assert_int_eq(safefile_open_regular("/dev/zero", err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "is a character device"), "%s", err);
	ck_assert_int_eq(safefile_open_regular(P("none.conf"), err,
					       sizeof(err)),
			 -ENOENT);
}
END_TEST

static Suite *safefile_suite(void)
{
	Suite *s = suite_create("safefile");
	TCase *tc = tcase_create("safefile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, symlink_refused_target_untouched);
	tcase_add_test(tc, fifo_and_device_refused_at_once);
	tcase_add_test(tc, hard_link_refused);
	tcase_add_test(tc, new_file_0640_old_one_truncated);
	tcase_add_test(tc, missing_directory_is_no_refusal);
	tcase_add_test(tc, read_regular_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(safefile_suite());
	int nf;

	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
