/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privdrop.h - least privilege. Once every capture, socket and BPF program
 * is open, xflowd becomes an unprivileged user and gives up every
 * capability: what it still does (read packets from open AF_PACKET and
 * AF_XDP sockets and mapped BPF ring buffers, read BPF maps and detach
 * links through descriptors it holds, receive rtnetlink notifications,
 * send and reconnect UDP/TCP export sockets) needs none.
 */
#ifndef XFLOWD_PRIVDROP_H
#define XFLOWD_PRIVDROP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* the default user: xflowd's own (dist/xflowd.sysusers) when it exists,
 * else nobody, which other daemons share */
#define PRIVDROP_USER "xflowd"
#define PRIVDROP_FALLBACK_USER "nobody"

struct privdrop {
	bool keep;	  /* --no-drop or --user '': change nothing */
	const char *user; /* the user switched to, or NULL */
	bool switch_id;	  /* change uid/gid (else drop capabilities only) */
	uid_t uid;
	gid_t gid;
};

/*
 * Resolve --user NAME into p before anything is opened. NAME NULL means
 * the default user (PRIVDROP_USER, else PRIVDROP_FALLBACK_USER); "" (or no_drop) keeps everything. given says NAME came
 * from the command line: a user that cannot be switched to is then an
 * error, while the default user only drops capabilities. Returns 0, or -1
 * with what to do written to err.
 */
int privdrop_init(struct privdrop *p, const char *name, bool given,
		  bool no_drop, char *err, size_t errlen);

/* The control socket's default group: PRIVDROP_USER when a group of that
 * name exists (its members may use xflowctl), else NULL (the starting
 * user's group). */
const char *privdrop_default_group(void);

/*
 * Become p's user (supplementary groups, gid, uid) and clear every
 * capability set, then check that neither can be taken back. Call before
 * any thread is started: capabilities are per thread. Returns 0 (also when
 * p keeps everything), or a negative errno with err filled: the caller
 * must not go on with privileges it asked to lose.
 */
int privdrop_apply(const struct privdrop *p, char *err, size_t errlen);

/* The calling thread's effective and permitted capability sets (bit n =
 * capability n). Returns 0 or a negative errno. */
int privdrop_caps(uint64_t *eff, uint64_t *prm);

#endif
