/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * worker.h - metering workers: each owns a meter, its flow cache and
 * sampler, and a share of the captures (the BPF back ends open one per
 * receive queue or ring). With one worker everything runs in the main
 * thread as before; with more, each runs in a thread of its own and the
 * packet path takes no lock.
 *
 * Locking, for threads:
 *   - w->lock is held by the worker while it meters a round (the packets
 *     one poll finds, up to WORKER_ROUND per capture) and released
 *     between rounds; the main thread takes it to read or change the
 *     worker's cache, counters and observation points.
 *   - pool->ex_lock (recursive) guards the sink (the exporter, the
 *     activity summary), the routing and interface tables the exporter's
 *     callbacks read, and each worker's published counters. It is always
 *     taken last: worker locks first (in index order), then ex_lock.
 *   - flows expire into the worker's queue and reach the exporter a round
 *     at a time (or when the queue fills), so a flow ending on the packet
 *     path costs a copy, not a lock.
 * The exporter's sequence numbers stay exact: one exporter, one lock.
 */
#ifndef XFLOWD_WORKER_H
#define XFLOWD_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../meter/capture.h"
#include "../meter/meter.h"

#define WORKER_MAX 64
#define WORKER_QUEUE 128 /* expired flows held before the exporter */
#define WORKER_CAPS 256

struct worker_pool;

/*
 * Where the pool's expired flows go: the monitor's consumers (its
 * exporting processes, the activity summary). Called under ex_lock.
 */
struct worker_sink {
	/* a flow left a cache whose clock read now */
	void (*flow)(void *ctx, const struct flow *f,
		     enum flow_end_reason reason, uint64_t now);
	/* the end of a round: the messages it filled go out together */
	void (*push)(void *ctx);
	/* the earliest timer of the consumers (main thread only) */
	uint64_t (*next_due)(void *ctx);
	/* a packet at ts_ns: the sysUpTime origin, if not set yet, is set
	 * from it; returns whether it is set (then not asked again until
	 * worker_pool_rebased()) */
	bool (*base)(void *ctx, uint64_t ts_ns);
};

struct expired_flow {
	struct flow f;
	uint64_t now; /* the worker cache's clock when it expired */
	uint8_t reason;
};

struct worker {
	struct worker_pool *pool;
	int id;
	struct meter meter;
	struct sampler smp;
	struct capture *cap[WORKER_CAPS]; /* the pool's, shared out */
	int ncap;
	uint64_t next_tick_ns;
	pthread_mutex_t lock;
	pthread_t thread;
	bool running;
	int wake_fd; /* eventfd: stop */
	bool based;  /* the sink's time origin is set */
	/* counters for the exporter's statistics records, copied under
	 * ex_lock at the end of each round */
	struct meter_stats pub_st;
	uint64_t pub_added;
	uint64_t drops, pub_drops; /* the captures' losses, at the tick */
	unsigned int nq;
	struct expired_flow q[WORKER_QUEUE];
};

struct worker_pool {
	struct worker *w[WORKER_MAX];
	int nw;
	bool threaded; /* workers run in threads (nw > 1, or monitors > 1) */
	pthread_mutex_t ex_lock;
	/* expired flows go to the sink (with sink_ctx) */
	const struct worker_sink *sink;
	void *sink_ctx;
	/* main thread only, single worker: the exporter's timers at a
	 * packet-clock tick (--read) */
	void (*tick)(void *ctx, uint64_t now_ns);
	void *tick_ctx;
	int stop; /* set by worker_pool_stop(); read atomically */
};

/* The pool's lock (recursive) and nw workers with no cache yet; -1 on
 * ENOMEM. */
int worker_pool_init(struct worker_pool *p, int nw);
void worker_pool_free(struct worker_pool *p);

/* The flow cache's expiry callback (ctx: the worker): queue the flow. */
void worker_flow_expired(void *ctx, const struct flow *f,
			 enum flow_end_reason reason);

/* Hand the queued flows to the sink (takes ex_lock). */
void worker_export(struct worker *w);

/* The capture callbacks (ctx: the worker). */
void worker_on_packet(void *ctx, const struct obs_point *op,
		      const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		      uint64_t ts_ns);
void worker_on_info(void *ctx, const struct obs_point *op,
		    const struct pkt_info *pi, uint32_t in_ifindex,
		    uint64_t ts_ns, uint32_t cpu);

/*
 * One round: drain each capture of w in batches of batch, account what is
 * batched, run the cache timers at now_ns (0: not now), export the
 * expired flows. Returns false when a capture reported end of input or
 * an error (*rc: its code). The caller holds w->lock when threaded.
 */
bool worker_round(struct worker *w, int batch, uint64_t now_ns, int *rc);

/*
 * `xflowctl flush`: meter what the pool's live captures already hold,
 * packets the kernel has not handed over yet included (it may keep them up
 * to a capture's hold_ms), so a flow is not split by the flush that follows.
 * Files are left alone. The caller holds every lock (worker_pool_lock).
 */
void worker_pool_drain(struct worker_pool *p);

/* Threads: start one per worker (nw > 1); stop and join them. */
int worker_pool_start(struct worker_pool *p);
void worker_pool_stop(struct worker_pool *p);

/* The main thread stops every worker between rounds (all worker locks,
 * then ex_lock), and lets them go. No-ops without threads... except
 * ex_lock, which is always taken. */
void worker_pool_lock(struct worker_pool *p);
void worker_pool_unlock(struct worker_pool *p);

/* Sum the published counters (under ex_lock: exporter callbacks). */
void worker_pool_published(const struct worker_pool *p, struct meter_stats *st,
			   uint64_t *added, uint64_t *drops);

/* The sink's consumers were replaced (the caller holds every lock):
 * their time origin is asked for again. */
void worker_pool_rebased(struct worker_pool *p);

/* Read the captures' losses into w->drops (published by worker_export). */
void worker_read_drops(struct worker *w);

#endif
