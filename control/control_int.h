/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * control_int.h - what the parts of the control socket share: the state
 * of the socket and of each client (control.c accepts, reads and writes;
 * control_cmd.c runs the request, copying and rendering its views).
 */
#ifndef XFLOWD_CONTROL_INT_H
#define XFLOWD_CONTROL_INT_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "control.h"

/* a slice is well under a millisecond here: 200,000 flows listed in
 * about 220 calls of 0.4-0.8 ms median, 2-6 ms worst on a loaded host */
#define WALK_SLICE 8192			 /* cache entries copied per call */
#define RENDER_SLICE 1024		 /* flow lines rendered per call */
#define CLIENT_TIMEOUT_NS 10000000000ull /* 10 s without progress */
#define REQ_MAX 256
/* clients that copy or render a slice in one control_serve() call (the
 * others wait their turn: the one after the last served goes first) */
#define SLICES_PER_SERVE 2

enum conn_state {
	CS_NONE,   /* no client */
	CS_READ,   /* reading the request line */
	CS_WALK,   /* copying the flows out of the caches */
	CS_RENDER, /* rendering flow lines, writing as we go */
	CS_LAST,   /* writing what is left, then closing */
};

struct conn {
	int fd;
	enum conn_state st;
	char req[REQ_MAX];
	size_t reqlen;
	struct view_req rq;
	struct view_snapshot snap;
	struct view_flow *flows;
	size_t nflows, cap;
	/* show flow monitor NAME cache format ...: each flow's record as
	 * exported, rec_stride octets each (rec_cap flows fit) */
	uint8_t *recs;
	size_t rec_stride, rec_cap;
	int mon;	  /* the monitor (source) being shown */
	int shown;	  /* monitors shown so far */
	int walk_w;	  /* worker whose cache is being copied */
	uint32_t walk_i;  /* next pool entry */
	uint32_t if_last; /* ifindex of the last name looked up */
	char if_name[16];
	size_t rendered; /* flows rendered */
	bool tail_done;	 /* of this monitor's view */
	struct vbuf out;
	size_t off; /* octets of out written */
	uint64_t deadline_ns;
	uint64_t since_ns; /* accepted at */
};

struct control {
	const struct options *opt; /* the process's: socket, group */
	/* one per monitor; on[i] false once removed */
	struct control_src src[CONTROL_MAX_SRC];
	bool on[CONTROL_MAX_SRC];
	int nsrc;
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* of the socket file we created */
	ino_t ino;
	bool reload;
	struct conn conn[CONTROL_MAX_CLIENTS];
	int next;	       /* client to serve first: slices go round */
	control_bgp_fn bgp_fn; /* show bgp summary, show ip bgp ADDRESS */
	void *bgp_ctx;
};

/* control_cmd.c */
void reply(struct conn *k, bool json, const char *msg, bool error);
void next_monitor(struct control *c, struct conn *k);
void execute(struct control *c, struct conn *k);
bool walk(struct control *c, struct conn *k);

#endif
