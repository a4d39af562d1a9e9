// SPDX-License-Identifier: BSD-2-Clause
/*
 * nlsock.c - the rtnetlink socket, message walk and dump state that the
 * interface and routing tables share (see nlsock.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "nlsock.h"

#define OPEN_TIMEOUT_MS 5000
#define RXBUF 32768 /* the kernel's largest dump datagram */
/* a persistently failing dump is retried on the next nlsock_process */
#define DUMPS_PER_PROCESS 2

void nlsock_init(struct nlsock *s, const struct nlsock_ops *ops, void *ctx,
		 struct nlsock_counters c)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	s->c = c;
}

/* ---- messages ---- */

bool nlsock_from_dump(const struct nlsock *s, const struct nlmsghdr *nlh)
{
	return s->dump_active && nlh->nlmsg_seq == s->dump_seq &&
	       (!s->portid || nlh->nlmsg_pid == s->portid);
}

bool nlsock_seen(struct nlsock *s, const struct nlmsghdr *nlh)
{
	if (nlsock_from_dump(s, nlh))
		s->dump_seen = true;
	return !s->dump_active || s->dump_seen;
}

void nlsock_want_resync(struct nlsock *s)
{
	if (s->dump_active)
		s->dump_intr = true; /* redone when this one ends */
	else
		s->resync = true;
}

bool nlsock_resync_pending(const struct nlsock *s)
{
	return s->resync || (s->dump_active && s->dump_intr);
}

static void dump_end(struct nlsock *s, int error)
{
	s->dump_active = false;
	if (error || s->dump_intr) {
		(*s->c.dump_errors)++;
		s->resync = true;
	} else {
		s->ops->sweep(s->ctx);
	}
}

/* NLMSG_DONE and NLMSG_ERROR: both start with an int (0 or -errno). */
static void msg_status(struct nlsock *s, const struct nlmsghdr *nlh)
{
	int error = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	else if (nlh->nlmsg_type == NLMSG_ERROR)
		error = -EINVAL; /* an error without its number */
	if (!nlsock_from_dump(s, nlh)) {
		(*s->c.ignored)++;
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE)
		dump_end(s, error < 0 ? error : 0);
	else if (error)
		dump_end(s, error); /* else an ACK: the dump goes on */
}

/*
 * A whole message in the rem octets at nlh. Not mnl_nlmsg_ok(): it compares
 * (int)nlmsg_len, so a length of 2^32 - 1 passes, and mnl_nlmsg_next()
 * then aligns it to 0 and never moves on (found by fuzzing). libmnl walks
 * attributes up to the aligned end of a message, so that must be in the
 * datagram too.
 */
static bool msg_ok(const struct nlmsghdr *nlh, size_t rem)
{
	return rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= rem &&
	       MNL_ALIGN((size_t)nlh->nlmsg_len) <= rem;
}

int nlsock_handle(struct nlsock *s, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;
	int n = 0;

	if ((uintptr_t)buf & (MNL_ALIGNTO - 1))
		return -EINVAL;
	while (msg_ok(nlh, rem) && n < INT_MAX) {
		size_t step = MNL_ALIGN((size_t)nlh->nlmsg_len);

		n++;
		(*s->c.messages)++;
		if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) &&
		    nlsock_from_dump(s, nlh))
			s->dump_intr = true;
		if (nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_ERROR)
			msg_status(s, nlh);
		else
			s->ops->msg(s->ctx, nlh);
		rem -= step;
		nlh = (const void *)((const char *)nlh + step);
	}
	if (rem > 0)
		(*s->c.malformed)++; /* octets that are not a whole message */
	return n;
}

void nlsock_dump_begin(struct nlsock *s, uint32_t seq)
{
	s->epoch++;
	s->dump_seq = seq;
	s->dump_active = true;
	s->dump_intr = false;
	s->dump_seen = false;
	s->resync = false;
}

/* ---- the socket ---- */

static int send_dump(struct nlsock *s)
{
	/* uint32_t: the 4-octet alignment of a netlink message */
	uint32_t buf[NLSOCK_REQSZ / sizeof(uint32_t)];
	struct nlmsghdr *nlh;

	if (!s->nl)
		return -ENOTCONN;
	nlh = mnl_nlmsg_put_header(buf);
	s->ops->request(nlh);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++s->seq;
	(*s->c.dumps)++;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0) {
		(*s->c.dump_errors)++;
		s->resync = true;
		return -errno;
	}
	nlsock_dump_begin(s, nlh->nlmsg_seq);
	return 0;
}

int nlsock_resync(struct nlsock *s)
{
	if (!s->nl)
		return -ENOTCONN;
	if (s->dump_active) {
		s->dump_intr = true; /* redone when this one ends */
		return 0;
	}
	return send_dump(s);
}

/* One datagram into s->rx: its length, 0 if none is pending, -errno. */
static ssize_t receive(struct nlsock *s)
{
	struct sockaddr_nl addr;
	struct iovec iov = { s->rx, RXBUF };
	struct msghdr msg = { .msg_name = &addr,
			      .msg_namelen = sizeof(addr),
			      .msg_iov = &iov,
			      .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		n = recvmsg(mnl_socket_get_fd(s->nl), &msg, MSG_DONTWAIT);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOBUFS; /* part of a datagram lost: as good as all */
	if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0)
		return -EAGAIN; /* not from the kernel: skip it */
	return n;
}

int nlsock_process(struct nlsock *s)
{
	int count = 0, dumps = 0;
	ssize_t n;

	if (!s->nl)
		return -ENOTCONN;
	for (;;) {
		n = receive(s);
		if (n == 0)
			break;
		if (n == -ENOBUFS) {
			(*s->c.overruns)++;
			/* a running dump may have missed changes too */
			nlsock_want_resync(s);
		} else if (n == -EAGAIN) {
			continue;
		} else if (n < 0) {
			return (int)n;
		} else {
			count++;
			if (s->tap)
				s->tap(s->tap_ctx, s->rx, (size_t)n);
			nlsock_handle(s, s->rx, (size_t)n);
		}
		if (s->resync && !s->dump_active && dumps < DUMPS_PER_PROCESS) {
			dumps++;
			send_dump(s);
		}
	}
	if (s->resync && !s->dump_active)
		send_dump(s); /* its replies are read by the next call */
	return count;
}

int nlsock_open(struct nlsock *s, unsigned int groups, int rcvbuf, char *err,
		size_t errlen)
{
	const char *what = "out of memory";
	struct timespec t0, now;
	int rc, left = OPEN_TIMEOUT_MS;
	char stage[64];

	s->rx = malloc(RXBUF);
	if (!s->rx) {
		rc = -ENOMEM;
		goto out;
	}
	what = "netlink socket";
	s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!s->nl)
		goto out_errno;
	/* best effort: capped at net.core.rmem_max */
	setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	snprintf(stage, sizeof(stage), "bind to %s", s->ops->groups);
	what = stage;
	if (mnl_socket_bind(s->nl, groups, MNL_SOCKET_AUTOPID) < 0)
		goto out_errno;
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	snprintf(stage, sizeof(stage), "%s dump", s->ops->dump);
	rc = send_dump(s);
	if (rc < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->dump_active || s->resync) {
		struct pollfd p = { mnl_socket_get_fd(s->nl), POLLIN, 0 };

		if (!s->dump_active) {
			rc = send_dump(s); /* the last one failed: again */
			if (rc < 0)
				goto out;
		}
		if (left <= 0 || poll(&p, 1, left) == 0) {
			rc = -ETIMEDOUT;
			goto out;
		}
		rc = nlsock_process(s);
		if (rc < 0)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = OPEN_TIMEOUT_MS -
		       (int)((now.tv_sec - t0.tv_sec) * 1000 +
			     (now.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return 0;
out_errno:
	rc = -errno;
out:
	snprintf(err, errlen, "%s: %s: %s", s->ops->table, what, strerror(-rc));
	return rc;
}

void nlsock_close(struct nlsock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
	free(s->rx);
	s->rx = NULL;
}

int nlsock_fd(const struct nlsock *s)
{
	return s->nl ? mnl_socket_get_fd(s->nl) : -1;
}

/* ---- attributes ---- */

int nlsock_attr_cb(const struct nlattr *attr, void *data)
{
	struct nlsock_attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type < a->n)
		a->tb[type] = attr; /* the last one wins, as in the kernel */
	return MNL_CB_OK;
}
