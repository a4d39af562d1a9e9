// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_privdrop.c - daemon/privdrop.c: --user resolution and its errors,
 * and (as root, in a child process) the drop itself: uid and gid nobody,
 * one group, every capability set empty, no_new_privs, and no way back to
 * root. The integration test test_privdrop.sh checks it on a live xflowd.
 */
#define _GNU_SOURCE
#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/privdrop.h"

/* A field of /proc/self/status, e.g. "CapEff", into buf ("" if none). */
static void status_field(const char *name, char *buf, size_t len)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "r");

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = 0;
			snprintf(buf, len, "%s", v);
			break;
		}
	}
	fclose(f);
}

/* Run fn in a child; its exit status (0 = every check held). */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(unknown_user_refused)
{
	struct privdrop p;
	char err[512];

	ck_assert_int_eq(privdrop_init(&p, "no-such-user-xf", true, false, err,
				       sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, "--user 'no-such-user-xf': no such user; "
				  "create it (useradd ") != NULL,
		      "%s", err);
	ck_assert_msg(strstr(err, "--no-drop") != NULL, "%s", err);
}
END_TEST

START_TEST(empty_or_no_drop_keeps)
{
	struct privdrop p;
	char err[512] = "";

	ck_assert_int_eq(privdrop_init(&p, "", true, false, err, sizeof(err)),
			 0);
	ck_assert(p.keep);
	ck_assert_int_eq(privdrop_init(&p, "no-such-user-xf", true, true, err,
				       sizeof(err)),
			 0);
	ck_assert(p.keep);
	/* keeping changes nothing */
	ck_assert_int_eq(privdrop_apply(&p, err, sizeof(err)), 0);
}
END_TEST

/* xflowd's own user when it exists, else nobody */
START_TEST(default_user)
{
	const char *want = getpwnam("xflowd") ? "xflowd" : "nobody";
	struct passwd *pw = getpwnam(want);
	struct privdrop p;
	char err[512] = "";

	if (!pw)
		return; /* a system without nobody: nothing to compare */
	ck_assert_int_eq(
		privdrop_init(&p, NULL, false, false, err, sizeof(err)), 0);
	ck_assert(!p.keep);
	if (geteuid() == 0) {
		ck_assert(p.switch_id);
		ck_assert_str_eq(p.user, want);
		ck_assert_uint_eq(p.uid, pw->pw_uid);
		ck_assert_uint_eq(p.gid, pw->pw_gid);
	}
}
END_TEST

/* in a child, as root: drop to nobody; nonzero names the failed check */
static int drop_to_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");
	struct privdrop p;
	char err[512], buf[128], want[64];
	uid_t r, e, s;
	gid_t g[4];
	uint64_t eff, prm;

	if (!pw || privdrop_init(&p, "nobody", true, false, err, sizeof(err)))
		return 10;
	if (privdrop_apply(&p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 11;
	}
	if (getresuid(&r, &e, &s) || r != pw->pw_uid || e != pw->pw_uid ||
	    s != pw->pw_uid)
		return 12;
	if (getgid() != pw->pw_gid || getegid() != pw->pw_gid)
		return 13;
	if (getgroups(4, g) != 1 || g[0] != pw->pw_gid)
		return 14;
	if (privdrop_caps(&eff, &prm) || eff || prm)
		return 15;
	status_field("CapEff", buf, sizeof(buf));
	if (strcmp(buf, "0000000000000000"))
		return 16;
	status_field("CapPrm", buf, sizeof(buf));
	if (strcmp(buf, "0000000000000000"))
		return 17;
	status_field("CapInh", buf, sizeof(buf));
	if (strcmp(buf, "0000000000000000"))
		return 18;
	status_field("CapAmb", buf, sizeof(buf));
	if (strcmp(buf, "0000000000000000"))
		return 19;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 20;
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
		return 21;
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_uid);
	status_field("Uid", buf, sizeof(buf));
	if (strcmp(buf, want))
		return 22;
	return 0;
}

START_TEST(root_drops_to_nobody)
{
	int rc;

	if (geteuid() != 0 || !getpwnam("nobody"))
		return; /* the non-root path is checked below */
	rc = in_child(drop_to_nobody);
	ck_assert_msg(rc == 0, "check %d failed in the child", rc);
}
END_TEST

/* in a child, not root: the default user drops capabilities only */
static int nonroot_default(void)
{
	struct privdrop p;
	char err[512];
	uid_t uid = getuid();
	uint64_t eff, prm;

	if (privdrop_init(&p, NULL, false, false, err, sizeof(err)))
		return 10;
	if (privdrop_apply(&p, err, sizeof(err)))
		return 11;
	if (getuid() != uid)
		return 12;
	if (privdrop_caps(&eff, &prm) || eff || prm)
		return 13;
	/* asking for another user cannot work */
	if (privdrop_init(&p, "root", true, false, err, sizeof(err)) != -1 ||
	    !strstr(err, "switching to another user needs root"))
		return 14;
	return 0;
}

static int become_nobody_then(void)
{
	struct passwd *pw = getpwnam("nobody");
	gid_t gid;

	if (!pw)
		return 0;
	gid = pw->pw_gid;
	if (setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid))
		return 30;
	return nonroot_default();
}

START_TEST(nonroot_drops_capabilities_only)
{
	int rc =
		in_child(geteuid() == 0 ? become_nobody_then : nonroot_default);

	ck_assert_msg(rc == 0, "check %d failed in the child", rc);
}
END_TEST

static Suite *privdrop_suite(void)
{
	Suite *s = suite_create("privdrop");
	TCase *tc = tcase_create("privdrop");

	tcase_add_test(tc, unknown_user_refused);
	tcase_add_test(tc, empty_or_no_drop_keeps);
	tcase_add_test(tc, default_user);
	tcase_add_test(tc, root_drops_to_nobody);
	tcase_add_test(tc, nonroot_drops_capabilities_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(privdrop_suite());
	int nf;

	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
