/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * control.h - the control socket xflowctl(8) talks to: a unix stream
 * socket (default /run/xflowd/xflowd.sock, mode 0660, --control-group),
 * one request line per connection ("show ip cache flow", "... | json",
 * "flush", "reload"), a text or JSON reply, then close.
 *
 * Served from the main loop between packet batches, never blocking and
 * with bounded work per call: up to CONTROL_MAX_CLIENTS clients at once,
 * each dropped after a while without progress; a large cache is copied,
 * rendered and written a slice per call.
 */
#ifndef XFLOWD_CONTROL_H
#define XFLOWD_CONTROL_H

#include <poll.h>
#include <stdbool.h>

#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/meter.h"
#include "../config/options.h"
#include "views.h"

#define CONTROL_DEFAULT_PATH "/run/xflowd/xflowd.sock"
#define CONTROL_MAX_WORKERS 64
#define CONTROL_MAX_SRC 16     /* monitors */
#define CONTROL_MAX_CLIENTS 16 /* served at once */
/* control_fds() adds at most this many: the clients and the socket */
#define CONTROL_NFDS (CONTROL_MAX_CLIENTS + 1)

/*
 * What the views are built from: the caller's, read when a request is
 * served (so they may be filled in after control_new()).
 */
struct control_src {
	struct meter *meter[CONTROL_MAX_WORKERS]; /* one per worker */
	int nmeter;
	/* the monitor's exporting process i (with ctx; NULL past the last),
	 * asked when used: a reload replaces them */
	struct exporter *(*exporter)(void *ctx, int i);
	/* the activity summary of the flows that left the caches (the
	 * monitor's, filled as they are exported) */
	const struct view_protos *protos;
	struct capture *const *cap; /* the observation points */
	const int *ncap;
	const struct options *opt;
	const char *monitor; /* monitor name; NULL: "default" */
	const char *sampler; /* sampler name; NULL: described by its mode */
	/* `flush`: the caches' expired flows wait in queues; this hands them
	 * to the exporter (NULL: they need not) */
	void (*flushed)(void *ctx);
	/* `flush`, first: meter what the captures hold (NULL: nothing) */
	void (*drain)(void *ctx);
	/* the kernel's name and alias of any interface, for the views'
	 * output interfaces (NULL, or false: unknown) */
	bool (*ifnames)(void *ctx, uint32_t ifindex, const char **name,
			const char **alias);
	void *ctx; /* of exporter(), flushed(), drain() and ifnames() */
	/* the captures are stopped (exit): the BPF programs' non-IP,
	 * malformed and sampled-out packets are in the meters already */
	bool stopped;
};

/*
 * What a monitor a reload removed had counted, kept when it stopped (its
 * exporters, and so its collectors, are gone).
 */
struct control_removed {
	const char *name;
	const struct meter_stats *st;	  /* its meters' */
	const struct flowcache_stats *fs; /* its caches' */
	const struct exporter_stats *xs;  /* its first exporting process's */
	uint64_t capture_drops;
	const struct capture_kstats *kst; /* BPF captures; else NULL */
	const struct capture_fstats *fst; /* --read: the file's; else NULL */
};

struct control;
struct view_req;
struct vbuf;

/* BGP's views (issue 17): renders rq (VA_BGP_*) into b. */
typedef void (*control_bgp_fn)(void *ctx, const struct view_req *rq,
			       struct vbuf *b);

/* A control with no socket and no monitor yet (opt: the process's
 * options, kept). NULL on ENOMEM. */
struct control *control_new(const struct options *opt);

/*
 * A monitor to show, in the order added: src is copied. Its index (for
 * control_set()), or -1 when there are CONTROL_MAX_SRC already.
 */
int control_add(struct control *c, const struct control_src *src);

/* The BGP views' renderer (without one they say BGP is not running). */
void control_set_bgp(struct control *c, control_bgp_fn fn, void *ctx);

/* Monitor i reloaded (src: its new sources) or removed (src NULL; the
 * views leave it out). A listing of it half done is cut short. */
void control_set(struct control *c, int i, const struct control_src *src);

/*
 * Open the socket of opt->control_path (default CONTROL_DEFAULT_PATH when
 * observing live interfaces; none when reading a file unless asked for;
 * "none": none). A path given explicitly must work; the default one is
 * skipped with a warning when another xflowd holds it. Call before the
 * privilege drop. Returns 0, or -1 after saying why (*exit_code = 1).
 */
int control_listen(struct control *c, int *exit_code);

/* Close the socket (removing it if it is still ours) and free; accepts
 * NULL. */
void control_free(struct control *c);

/* Descriptors to poll (at most CONTROL_NFDS at pfd); their number. */
int control_fds(const struct control *c, struct pollfd *pfd);

/* A request is half done: poll with a zero timeout. */
bool control_busy(const struct control *c);

/* Accept, read, execute, write: a bounded slice of work; never blocks. */
void control_serve(struct control *c);

/* Did a client ask for a reload since the last call? (Clears it.) */
bool control_reload_requested(struct control *c);

/* Fill s from src: the counters now (s->flows stays NULL: the server
 * copies flows a slice at a time). */
void control_snapshot(const struct control_src *src, struct view_snapshot *s);

/* Fill s with what r kept (s->removed). */
void control_snapshot_removed(const struct control_removed *r,
			      struct view_snapshot *s);

#endif
