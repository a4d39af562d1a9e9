// SPDX-License-Identifier: BSD-2-Clause
/*
 * privdrop.c - switch to an unprivileged user and clear every capability
 * set, with the raw capget/capset system calls (no libcap).
 *
 * Why nothing is kept: after setup every descriptor xflowd needs is open.
 * Reading an AF_PACKET or AF_XDP socket, a mapped BPF ring buffer, a BPF
 * map (lookups by descriptor need no CAP_BPF since Linux 6.5), detaching a
 * bpf_link it holds, receiving and dumping rtnetlink, and opening new
 * UDP/TCP connections to collectors need no capability. What would need
 * them is opening new observation points; a reload that adds interfaces or
 * changes a capture method therefore needs a restart (or --no-drop).
 */
#define _GNU_SOURCE /* setresuid, setresgid, getresuid */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

#define CAP_BIT(c) (1ull << (c))

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	if (syscall(SYS_capget, &h, d))
		return -errno;
	return 0;
}

int privdrop_caps(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_data_struct d[2];
	int r = cap_get(d);

	if (r)
		return r;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Clear the effective, permitted and inheritable sets: always allowed. */
static int cap_clear(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

static bool cap_has(uint64_t set, int cap)
{
	return (set & CAP_BIT(cap)) != 0;
}

int privdrop_init(struct privdrop *p, const char *name, bool given,
		  bool no_drop, char *err, size_t errlen)
{
	uint64_t eff = 0, prm = 0;
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	if (!name)
		name = getpwnam(PRIVDROP_USER) ? PRIVDROP_USER
					       : PRIVDROP_FALLBACK_USER;
	if (no_drop || !name[0]) {
		p->keep = true;
		return 0;
	}
	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		if (errno && errno != ENOENT && errno != ESRCH)
			snprintf(err, errlen,
				 "--user '%s': cannot look up the user: %s",
				 name, strerror(errno));
		else
			snprintf(err, errlen,
				 "--user '%s': no such user; create it "
				 "(useradd --system --no-create-home "
				 "--shell /usr/sbin/nologin %s) or give "
				 "--no-drop to keep running as the "
				 "starting user",
				 name, name);
		return -1;
	}
	p->user = name;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	privdrop_caps(&eff, &prm);
	if (cap_has(eff, CAP_SETUID) && cap_has(eff, CAP_SETGID)) {
		p->switch_id = true;
		return 0;
	}
	/* already that user: only the capabilities to give up */
	if (getuid() == p->uid && geteuid() == p->uid && getgid() == p->gid &&
	    getegid() == p->gid)
		return 0;
	if (given) {
		snprintf(err, errlen,
			 "--user %s: switching to another user needs root "
			 "(CAP_SETUID and CAP_SETGID); start xflowd as root "
			 "or leave out --user",
			 name);
		return -1;
	}
	/* not root and not asked for a user: keep ours, drop capabilities */
	p->user = NULL;
	return 0;
}

const char *privdrop_default_group(void)
{
	return getgrnam(PRIVDROP_USER) ? PRIVDROP_USER : NULL;
}

/* Without CAP_SETPCAP the bounding set stays; no_new_privs covers exec. */
static void bounding_clear(void)
{
	int c;

	for (c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno == EINVAL)
			break;
}

static int become_user(const struct privdrop *p, char *err, size_t errlen)
{
	uid_t r, e, s;

	/* setuid() from root clears the capability sets, as it should */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		goto sys;
	if (setgroups(1, &p->gid))
		goto sys;
	if (setresgid(p->gid, p->gid, p->gid))
		goto sys;
	if (setresuid(p->uid, p->uid, p->uid))
		goto sys;
	if (getresuid(&r, &e, &s) || r != p->uid || e != p->uid ||
	    s != p->uid) {
		errno = EPERM;
		goto sys;
	}
	return 0;
sys:
	snprintf(err, errlen,
		 "cannot switch to user %s (uid %u, gid %u): %s; not going "
		 "on with privileges (give --no-drop to keep them)",
		 p->user, (unsigned)p->uid, (unsigned)p->gid, strerror(errno));
	return -errno;
}

int privdrop_apply(const struct privdrop *p, char *err, size_t errlen)
{
	uint64_t eff, prm;
	int r;

	if (p->keep)
		return 0;
	if (p->switch_id) {
		if (privdrop_caps(&eff, &prm) == 0 && cap_has(eff, CAP_SETPCAP))
			bounding_clear();
		r = become_user(p, err, errlen);
		if (r)
			return r;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	r = cap_clear();
	if (r == 0)
		r = privdrop_caps(&eff, &prm);
	if (r == 0 && (eff || prm))
		r = -EPERM;
	if (r) {
		snprintf(err, errlen,
			 "cannot give up the capabilities: %s; not going on "
			 "with privileges (give --no-drop to keep them)",
			 strerror(-r));
		return r;
	}
	/* no exec can bring anything back */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* and the switch is for good: root cannot be had again */
	if (p->switch_id && p->uid != 0 &&
	    (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen,
			 "user %s could become root again; not going on",
			 p->user);
		return -EPERM;
	}
	return 0;
}
