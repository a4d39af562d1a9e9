// SPDX-License-Identifier: BSD-2-Clause
/*
 * worker.c - metering workers (worker.h): the capture callbacks, a round
 * of metering, the expired-flow queue, and the threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "worker.h"

/* batches of a capture per round: the main thread (one worker) or the
 * pool's lock holders (threads) get their turn at least this often */
#define ROUND_BATCHES 16

int worker_pool_init(struct worker_pool *p, int nw)
{
	pthread_mutexattr_t a;
	int i;

	memset(p, 0, sizeof(*p));
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&p->ex_lock, &a);
	pthread_mutexattr_destroy(&a);
	for (i = 0; i < nw; i++) {
		struct worker *w = calloc(1, sizeof(*w));

		if (!w)
			return -1;
		w->pool = p;
		w->id = i;
		w->wake_fd = -1;
		pthread_mutex_init(&w->lock, NULL);
		p->w[p->nw++] = w;
	}
	p->threaded = nw > 1;
	return 0;
}

void worker_pool_free(struct worker_pool *p)
{
	int i;

	for (i = 0; i < p->nw; i++) {
		struct worker *w = p->w[i];

		flowcache_free(w->meter.fc);
		if (w->wake_fd >= 0)
			close(w->wake_fd);
		pthread_mutex_destroy(&w->lock);
		free(w);
	}
	p->nw = 0;
	pthread_mutex_destroy(&p->ex_lock);
}

void worker_flow_expired(void *ctx, const struct flow *f,
			 enum flow_end_reason reason)
{
	struct worker *w = ctx;
	struct expired_flow *e;

	if (w->nq == WORKER_QUEUE)
		worker_export(w);
	e = &w->q[w->nq++];
	e->f = *f;
	e->now = w->meter.fc->clock_ns;
	e->reason = (uint8_t)reason;
}

void worker_export(struct worker *w)
{
	struct worker_pool *p = w->pool;
	unsigned int i;

	pthread_mutex_lock(&p->ex_lock);
	for (i = 0; i < w->nq; i++)
		p->sink->flow(p->sink_ctx, &w->q[i].f,
			      (enum flow_end_reason)w->q[i].reason,
			      w->q[i].now);
	w->nq = 0;
	p->sink->push(p->sink_ctx);
	w->pub_st = w->meter.st;
	w->pub_added = w->meter.fc ? w->meter.fc->stats.added : 0;
	w->pub_drops = w->drops;
	pthread_mutex_unlock(&p->ex_lock);
}

void worker_pool_rebased(struct worker_pool *p)
{
	int i;

	for (i = 0; i < p->nw; i++)
		p->w[i]->based = false;
}

void worker_read_drops(struct worker *w)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < w->ncap; i++)
		n += w->cap[i]->ops->drops(w->cap[i]);
	w->drops = n;
}

/* The cache timers; the exporter's too when the main thread meters. */
static void worker_tick(struct worker *w, uint64_t now)
{
	meter_flush(&w->meter);
	worker_read_drops(w);
	flowcache_expire(w->meter.fc, now);
	worker_export(w);
	if (!w->pool->threaded && w->pool->tick)
		w->pool->tick(w->pool->tick_ctx, now);
	/* the next second; the last one near the end of 64-bit ns */
	now -= now % NS;
	w->next_tick_ns = now < UINT64_MAX - NS ? now + NS : UINT64_MAX;
}

/*
 * The packet clock reaches ts_ns, maybe after a long silence (a file):
 * the timers due on the way fire at their own times, not at ts_ns, so an
 * idle flow leaves in a message stamped when its timer fired, however
 * long the silence. Ticks go to the next due timer (cache, or a message
 * the exporter holds), at least a second apart: a silence of months
 * costs a few ticks per flow, not one per second.
 */
static void worker_clock(struct worker *w, uint64_t ts_ns)
{
	const struct worker_pool *p = w->pool;
	uint64_t t, e;

	while (ts_ns >= w->next_tick_ns) {
		t = flowcache_next_due(w->meter.fc);
		if (!p->threaded) {
			e = p->sink->next_due(p->sink_ctx);
			if (e < t)
				t = e;
		}
		if (t < w->next_tick_ns)
			t = w->next_tick_ns;
		if (t > ts_ns)
			t = ts_ns;
		worker_tick(w, t);
		if (t == UINT64_MAX)
			break;
	}
}

void worker_on_packet(void *ctx, const struct obs_point *op,
		      const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		      uint64_t ts_ns)
{
	struct worker *w = ctx;

	/* a file: the sysUpTime origin comes from the first packet; live,
	 * it was set at start */
	if (!w->based)
		w->based = w->pool->sink->base(w->pool->sink_ctx, ts_ns);
	if (ts_ns >= w->next_tick_ns)
		worker_clock(w, ts_ns);
	meter_packet(&w->meter, op, data, caplen, wirelen, ts_ns);
}

void worker_on_info(void *ctx, const struct obs_point *op,
		    const struct pkt_info *pi, uint32_t in_ifindex,
		    uint64_t ts_ns, uint32_t cpu)
{
	struct worker *w = ctx;

	w->meter.cpu = cpu; /* systemCpuId: the CPU that saw the packet */
	w->meter.st.packets++;
	if (ts_ns >= w->next_tick_ns)
		worker_clock(w, ts_ns);
	meter_info(&w->meter, op, pi, in_ifindex, ts_ns);
}

bool worker_round(struct worker *w, int batch, uint64_t now_ns, int *rc)
{
	bool ok = true;
	int i, k, n;
	int c = sched_getcpu();

	w->meter.cpu = c < 0 ? 0 : (uint32_t)c;
	for (i = 0; i < w->ncap; i++) {
		struct capture *cap = w->cap[i];

		for (k = 0; k < ROUND_BATCHES; k++) {
			n = cap->ops->dispatch(cap, batch);
			if (n < 0) {
				*rc = n;
				ok = false;
				break;
			}
			if (n < batch ||
			    __atomic_load_n(&w->pool->stop, __ATOMIC_RELAXED))
				break;
		}
	}
	/* live packets wait in the batch no longer than a round */
	meter_flush(&w->meter);
	if (now_ns && now_ns >= w->next_tick_ns)
		worker_tick(w, now_ns);
	else
		worker_export(w);
	return ok;
}

/* Dispatch each live capture of the pool until it has nothing ready;
 * its descriptors into pfd (at most max); returns their number. */
static int drain_ready(struct worker_pool *p, struct pollfd *pfd, int max,
		       unsigned int *hold_ms)
{
	int i, j, k, n, nfd = 0;

	for (i = 0; i < p->nw; i++) {
		struct worker *w = p->w[i];
		int c = sched_getcpu();

		w->meter.cpu = c < 0 ? 0 : (uint32_t)c;
		for (j = 0; j < w->ncap; j++) {
			struct capture *cap = w->cap[j];
			int fd = cap->ops->fd(cap);

			if (fd < 0) /* a file: all of it is not "held" */
				continue;
			for (k = 0; k < ROUND_BATCHES; k++) {
				n = cap->ops->dispatch(cap, 256);
				if (n < 256)
					break;
			}
			if (cap->ops->hold_ms > *hold_ms)
				*hold_ms = cap->ops->hold_ms;
			if (nfd < max) {
				pfd[nfd].fd = fd;
				pfd[nfd++].events = POLLIN;
			}
		}
	}
	return nfd;
}

void worker_pool_drain(struct worker_pool *p)
{
	struct pollfd pfd[WORKER_CAPS];
	unsigned int hold_ms = 0;
	uint64_t end, now;
	int nfd, i;

	nfd = drain_ready(p, pfd, WORKER_CAPS, &hold_ms);
	/* a packet received just before the request is handed over within
	 * hold_ms: wait that long (bounded), metering what comes */
	now = realtime_ns();
	end = now + (uint64_t)hold_ms * 1000000;
	while (nfd && now < end) {
		int left = (int)((end - now + 999999) / 1000000);

		if (poll(pfd, (nfds_t)nfd, left) < 0 && errno != EINTR)
			break;
		drain_ready(p, pfd, WORKER_CAPS, &hold_ms);
		now = realtime_ns();
	}
	for (i = 0; i < p->nw; i++)
		meter_flush(&p->w[i]->meter);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd[WORKER_CAPS + 1];
	bool warned = false;
	int i, n, rc;

	for (i = 0; i < w->ncap; i++) {
		pfd[i].fd = w->cap[i]->ops->fd(w->cap[i]);
		pfd[i].events = POLLIN;
	}
	pfd[w->ncap].fd = w->wake_fd;
	pfd[w->ncap].events = POLLIN;
	while (!__atomic_load_n(&w->pool->stop, __ATOMIC_RELAXED)) {
		n = poll(pfd, (nfds_t)w->ncap + 1, 100);
		if (n < 0 && errno != EINTR) {
			pr_err("worker %d: poll: %s\n", w->id, strerror(errno));
			break;
		}
		pthread_mutex_lock(&w->lock);
		if (!worker_round(w, 256, realtime_ns(), &rc) && !warned) {
			pr_warn("worker %d: capture: %s; running on\n", w->id,
				strerror(-rc));
			warned = true;
		}
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

int worker_pool_start(struct worker_pool *p)
{
	sigset_t all, old;
	int i, rc = 0;

	if (!p->threaded)
		return 0;
	/* signals are the main thread's: its poll() returns on SIGTERM */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < p->nw; i++) {
		struct worker *w = p->w[i];

		w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->wake_fd < 0) {
			rc = -errno;
			break;
		}
		rc = -pthread_create(&w->thread, NULL, worker_main, w);
		if (rc)
			break;
		w->running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pr_err("worker threads: %s\n", strerror(-rc));
		worker_pool_stop(p);
	}
	return rc;
}

void worker_pool_stop(struct worker_pool *p)
{
	uint64_t one = 1;
	int i;

	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < p->nw; i++) {
		struct worker *w = p->w[i];

		if (!w->running)
			continue;
		if (write(w->wake_fd, &one, sizeof(one)) < 0)
			pr_debug("worker %d: wake: %s\n", i, strerror(errno));
		pthread_join(w->thread, NULL);
		w->running = false;
	}
}

void worker_pool_lock(struct worker_pool *p)
{
	int i;

	if (p->threaded)
		for (i = 0; i < p->nw; i++)
			pthread_mutex_lock(&p->w[i]->lock);
	pthread_mutex_lock(&p->ex_lock);
}

void worker_pool_unlock(struct worker_pool *p)
{
	int i;

	pthread_mutex_unlock(&p->ex_lock);
	if (p->threaded)
		for (i = p->nw - 1; i >= 0; i--)
			pthread_mutex_unlock(&p->w[i]->lock);
}

void worker_pool_published(const struct worker_pool *p, struct meter_stats *st,
			   uint64_t *added, uint64_t *drops)
{
	uint64_t first = 0, last = 0;
	int i;

	_Static_assert(sizeof(struct meter_stats) % 8 == 0, "meter_stats is "
							    "not all uint64_t");
	memset(st, 0, sizeof(*st));
	*added = 0;
	*drops = 0;
	for (i = 0; i < p->nw; i++) {
		const struct worker *w = p->w[i];
		const uint64_t *s = (const uint64_t *)&w->pub_st;
		uint64_t *d = (uint64_t *)st;
		size_t k;

		for (k = 0; k < sizeof(*st) / 8; k++)
			d[k] += s[k];
		/* of the ignored packets: the earliest first, latest last */
		if (w->pub_st.ignored_first_ns &&
		    (!first || w->pub_st.ignored_first_ns < first))
			first = w->pub_st.ignored_first_ns;
		if (w->pub_st.ignored_last_ns > last)
			last = w->pub_st.ignored_last_ns;
		*added += w->pub_added;
		*drops += w->pub_drops;
	}
	st->ignored_first_ns = first;
	st->ignored_last_ns = last;
}
