// SPDX-License-Identifier: BSD-2-Clause
/*
 * control.c - the control socket: listening, and up to CONTROL_MAX_CLIENTS
 * clients at once, each through a small state machine (read the request,
 * copy the flows, render, write). What a request does (the commands, and
 * the flows copied and the views rendered for it) is control_cmd.c's; the
 * snapshot the views show is control_snapshot.c's.
 *
 *
 * Work per control_serve() call is bounded (WALK_SLICE cache entries,
 * RENDER_SLICE flow lines, for at most SLICES_PER_SERVE clients; one
 * non-blocking read or write for each of the others), so a client listing
 * a cache of millions of flows delays the packet path by a slice, never by
 * the whole listing. Memory is bounded too: a fixed number of clients,
 * each with a request of at most REQ_MAX octets. A client that sends
 * nothing or stops reading is dropped after CLIENT_TIMEOUT_NS without
 * progress, and never holds up another: when every slot is taken, the
 * client that has been reading its request longest makes room.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "control_int.h"

static void conn_close(struct conn *k);

struct control *control_new(const struct options *opt)
{
	struct control *c = calloc(1, sizeof(*c));
	int i;

	if (!c)
		return NULL;
	c->opt = opt;
	c->lfd = -1;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->conn[i].fd = -1;
	return c;
}

int control_add(struct control *c, const struct control_src *src)
{
	if (c->nsrc == CONTROL_MAX_SRC)
		return -1;
	c->src[c->nsrc] = *src;
	c->on[c->nsrc] = true;
	return c->nsrc++;
}

void control_set(struct control *c, int i, const struct control_src *src)
{
	int j;

	/* a listing of the monitor's cache half done ends: its caches and
	 * templates are about to change */
	for (j = 0; j < CONTROL_MAX_CLIENTS; j++) {
		struct conn *k = &c->conn[j];

		if ((k->st == CS_WALK || k->st == CS_RENDER) && k->mon == i)
			conn_close(k);
	}
	if (src)
		c->src[i] = *src;
	else
		c->on[i] = false;
}

/* Is a live xflowd answering at path? */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return true; /* cannot tell: leave it alone */
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
		errno != ECONNREFUSED;
	close(fd);
	return alive;
}

/* The directory of the default path (/run/xflowd) may not exist yet. */
static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		pr_debug("control: mkdir %s: %s\n", dir, strerror(errno));
}

static int bind_socket(struct control *c, const struct sockaddr_un *sa,
		       char *err, size_t errlen, bool *in_use)
{
	struct stat st;
	mode_t old;
	int rc;

	*in_use = false;
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->lfd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* mode 0660 from the start: no window where others may connect */
	old = umask(0117);
	rc = bind(c->lfd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc < 0 && errno == EADDRINUSE && lstat(sa->sun_path, &st) == 0 &&
	    S_ISSOCK(st.st_mode)) {
		if (socket_alive(sa)) {
			*in_use = true;
			errno = EADDRINUSE;
		} else {
			/* left by an xflowd that was killed */
			unlink(sa->sun_path);
			rc = bind(c->lfd, (const struct sockaddr *)sa,
				  sizeof(*sa));
		}
	}
	umask(old);
	if (rc < 0) {
		if (*in_use)
			snprintf(err, errlen,
				 "%s is in use by another xflowd: give this "
				 "one --control PATH",
				 sa->sun_path);
		else
			snprintf(err, errlen, "%s: %s", sa->sun_path,
				 strerror(errno));
		return -1;
	}
	if (lstat(sa->sun_path, &st) == 0) {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	snprintf(c->path, sizeof(c->path), "%s", sa->sun_path);
	if (listen(c->lfd, CONTROL_MAX_CLIENTS) < 0) {
		snprintf(err, errlen, "%s: listen: %s", sa->sun_path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int control_listen(struct control *c, int *exit_code)
{
	const struct options *o = c->opt;
	const char *path = o->control_path;
	bool required = path != NULL, in_use;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char err[256];
	struct group *g = NULL;
	bool as_group;
	struct stat st;
	gid_t egid;
	int rc;

	if (!path && o->read)
		return 0; /* a file: no socket unless asked for */
	if (!path)
		path = CONTROL_DEFAULT_PATH;
	if (strcmp(path, "none") == 0)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		pr_err("--control %s: longer than %zu characters\n", path,
		       sizeof(sa.sun_path) - 1);
		*exit_code = 1;
		return -1;
	}
	if (o->control_group) {
		g = getgrnam(o->control_group);
		if (!g) {
			pr_err("--control-group %s: no such group\n",
			       o->control_group);
			*exit_code = 1;
			return -1;
		}
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (!required)
		make_parent(path);
	/* the socket is created in the control group (setegid, which the
	 * unit's capabilities allow), as chown to a group we are not in
	 * needs CAP_CHOWN, which the unit does not give */
	egid = getegid();
	as_group = g && g->gr_gid != egid && setegid(g->gr_gid) == 0;
	rc = bind_socket(c, &sa, err, sizeof(err), &in_use);
	if (as_group && setegid(egid) < 0) {
		pr_err("--control-group %s: back to group %u: %s\n",
		       o->control_group, (unsigned int)egid, strerror(errno));
		*exit_code = 1;
		return -1;
	}
	if (rc < 0) {
		if (c->lfd >= 0)
			close(c->lfd);
		c->lfd = -1;
		c->path[0] = 0;
		if (required) {
			pr_err("--control %s\n", err);
			*exit_code = 1;
			return -1;
		}
		pr_warn("control socket %s; xflowctl will not reach this "
			"xflowd\n",
			err);
		return 0;
	}
	if (g && !(stat(c->path, &st) == 0 && st.st_gid == g->gr_gid) &&
	    chown(c->path, (uid_t)-1, g->gr_gid) < 0) {
		pr_err("--control-group %s: %s: %s\n", o->control_group,
		       c->path, strerror(errno));
		*exit_code = 1;
		return -1;
	}
	return 0;
}

static void conn_close(struct conn *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->st = CS_NONE;
	k->nflows = 0;
	vb_reset(&k->out);
	k->off = 0;
	/* the copy of a large cache is not kept between requests */
	if (k->cap > 65536) {
		free(k->flows);
		free(k->recs);
		k->flows = NULL;
		k->recs = NULL;
		k->cap = 0;
		k->rec_cap = 0;
	}
}

void control_free(struct control *c)
{
	struct stat st;
	int i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		conn_close(&c->conn[i]);
		free(c->conn[i].flows);
		free(c->conn[i].recs);
		vb_free(&c->conn[i].out);
	}
	if (c->lfd >= 0) {
		close(c->lfd);
		/* remove the socket only if it is still the one we made */
		if (c->path[0] && lstat(c->path, &st) == 0 &&
		    st.st_dev == c->dev && st.st_ino == c->ino)
			unlink(c->path);
	}
	free(c);
}

int control_fds(const struct control *c, struct pollfd *pfd)
{
	int i, n = 0;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		const struct conn *k = &c->conn[i];

		if (k->st == CS_NONE || k->st == CS_WALK)
			continue;
		pfd[n].fd = k->fd;
		pfd[n].events = k->st == CS_READ ? POLLIN : POLLOUT;
		pfd[n++].revents = 0;
	}
	if (c->lfd >= 0) {
		pfd[n].fd = c->lfd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

bool control_busy(const struct control *c)
{
	int i;

	/* reading and writing wait for the descriptor; copying and
	 * rendering are ours to do */
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		const struct conn *k = &c->conn[i];

		if (k->st == CS_WALK ||
		    (k->st == CS_RENDER && k->off >= k->out.len))
			return true;
	}
	return false;
}

bool control_reload_requested(struct control *c)
{
	bool r = c->reload;

	c->reload = false;
	return r;
}

static void read_request(struct control *c, struct conn *k)
{
	ssize_t n;
	char *nl, *nul;

	n = recv(k->fd, k->req + k->reqlen, sizeof(k->req) - 1 - k->reqlen,
		 MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(k);
		return;
	}
	if (n > 0)
		k->deadline_ns = monotonic_ns() + CLIENT_TIMEOUT_NS;
	k->reqlen += (size_t)n;
	k->req[k->reqlen] = 0;
	nl = memchr(k->req, '\n', k->reqlen);
	/* a NUL would end the line early for every string function after
	 * this: no request has one, so say so now rather than wait */
	nul = memchr(k->req, 0, nl ? (size_t)(nl - k->req) : k->reqlen);
	if (nul) {
		reply(k, false, "% Invalid input: NUL byte in the request",
		      true);
		k->st = CS_LAST;
		return;
	}
	if (!nl && n > 0 && k->reqlen < sizeof(k->req) - 1)
		return; /* more to come */
	if (!nl && k->reqlen == sizeof(k->req) - 1) {
		reply(k, false, "% Request too long", true);
		k->st = CS_LAST;
		return;
	}
	if (nl)
		*nl = 0;
	/* a line, or the client's end of writing: the request */
	execute(c, k);
}

/* Write what is pending; false if the client is gone. */
static bool flush_out(struct conn *k)
{
	ssize_t n;

	while (k->off < k->out.len) {
		n = send(k->fd, k->out.p + k->off, k->out.len - k->off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		k->off += (size_t)n;
		k->deadline_ns = monotonic_ns() + CLIENT_TIMEOUT_NS;
	}
	vb_reset(&k->out);
	k->off = 0;
	return true;
}

/*
 * A free slot, or the one whose client has been reading its request the
 * longest (an idle client must not lock out the next: it is dropped as it
 * would be at its timeout), or NULL when every client has a request in
 * progress.
 */
static struct conn *free_slot(struct control *c)
{
	struct conn *old = NULL;
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct conn *k = &c->conn[i];

		if (k->st == CS_NONE)
			return k;
		if (k->st == CS_READ && (!old || k->since_ns < old->since_ns))
			old = k;
	}
	if (old)
		conn_close(old);
	return old;
}

/* Accept every client waiting. */
static void accept_clients(struct control *c)
{
	static const char busy[] = "% Too many clients; try again\n";
	struct conn *k;
	int fd;

	if (c->lfd < 0)
		return;
	while ((fd = accept4(c->lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		k = free_slot(c);
		if (!k) {
			/* every slot serves a request: say so, not hang */
			if (send(fd, busy, sizeof(busy) - 1,
				 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				pr_debug("control: %s\n", strerror(errno));
			close(fd);
			continue;
		}
		k->fd = fd;
		k->st = CS_READ;
		k->reqlen = 0;
		k->req[0] = 0;
		k->since_ns = monotonic_ns();
		k->deadline_ns = k->since_ns + CLIENT_TIMEOUT_NS;
	}
}

/*
 * A few steps of one client's request, of which at most one copies or
 * renders a slice, and only if slice is true. True if it did one.
 */
static bool serve_one(struct control *c, struct conn *k, bool slice)
{
	int steps;

	for (steps = 0; steps < 4 && k->st != CS_NONE; steps++) {
		switch (k->st) {
		case CS_READ:
			read_request(c, k);
			if (k->st == CS_READ)
				goto wait;
			break;
		case CS_WALK:
			if (!slice)
				return false;
			if (walk(c, k)) {
				k->snap.flows = k->flows;
				k->snap.nflows = k->nflows;
				k->snap.recs = k->recs;
				view_head(&k->out, &k->snap, k->rq.view,
					  k->rq.json);
				k->st = CS_RENDER;
				k->tail_done = false;
			}
			return true;
		case CS_RENDER:
			if (!flush_out(k)) {
				conn_close(k);
				return false;
			}
			if (k->out.len)
				goto wait; /* the client is slow */
			if (k->rendered < k->nflows) {
				size_t to = k->rendered + RENDER_SLICE;

				if (!slice)
					return false;
				if (to > k->nflows)
					to = k->nflows;
				view_flows(&k->out, &k->snap, k->rq.view,
					   k->rq.json, k->rendered, to);
				k->rendered = to;
				if (!flush_out(k))
					conn_close(k);
				return true;
			} else if (!k->tail_done) {
				view_tail(&k->out, &k->snap, k->rq.view,
					  k->rq.json);
				k->tail_done = true;
			} else {
				next_monitor(c, k);
			}
			break;
		case CS_LAST:
			if (k->out.oom) {
				vb_reset(&k->out);
				k->out.oom = false;
				vb_puts(&k->out, "% Out of memory\n");
			}
			if (!flush_out(k) || !k->out.len) {
				conn_close(k);
				return false;
			}
			goto wait;
		case CS_NONE:
			return false;
		}
	}
	return false;
wait:
	if (monotonic_ns() > k->deadline_ns)
		conn_close(k);
	return false;
}

void control_serve(struct control *c)
{
	int i, slices = 0;

	accept_clients(c);
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct conn *k = &c->conn[(c->next + i) % CONTROL_MAX_CLIENTS];

		if (k->st == CS_NONE)
			continue;
		if (serve_one(c, k, slices < SLICES_PER_SERVE) &&
		    ++slices == SLICES_PER_SERVE)
			c->next = (c->next + i + 1) % CONTROL_MAX_CLIENTS;
	}
}

void control_set_bgp(struct control *c, control_bgp_fn fn, void *ctx)
{
	c->bgp_fn = fn;
	c->bgp_ctx = ctx;
}
