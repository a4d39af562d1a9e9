// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_worker.c - the metering workers (daemon/worker.c) over a capture
 * double that hands out crafted packets: one worker in the caller's
 * thread and several in threads, every flow exported exactly once (the
 * exporter's route callback sees each record; the v5 datagrams a test
 * socket receives carry the packet counts), the expired-flow queue, the
 * drain of what live captures hold, the timers across silences of the
 * packet clock, and nothing lost at stop.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/worker.h"
#include "export/export.h"

#include "frame_build.h"

#define NS 1000000000ull
#define MS 1000000ull
#define T0 (1700000000ull * NS)

static uint64_t realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------- */
/* The capture double                                                     */

/*
 * npkts packets, packet i of flow i % nflows: IPv4 TCP from source port
 * sport0 + flow to 80, at t0 + i * step (live: the real time when it is
 * handed out). Of them, ready can be dispatched now; held more once fd
 * (a timerfd: the kernel handing a block over) has fired.
 */
struct fake {
	struct capture cap;
	uint32_t npkts, nflows, ready, held;
	uint32_t next; /* atomic: a worker thread hands them out */
	uint16_t sport0;
	uint64_t t0, step;
	bool live, eof;
	int fd;
	uint64_t drops;
	uint32_t calls;	  /* dispatch() calls */
	struct pkt frame; /* built once: the builder's checks cost a write
			   * to check's pipe per octet */
};

static void fake_frame(struct pkt *k, uint16_t sport)
{
	size_t ip;

	k->n = 0;
	eth(k, 0x0800);
	ip = ip4_begin(k, 6, 5, 0);
	tcp(k, sport, 80, 0x10);
	pfill(k, 0xcc, 10);
	ip4_end(k, ip);
}

static int fake_fd(struct capture *cap)
{
	return ((struct fake *)cap->priv)->fd;
}

static int fake_dispatch(struct capture *cap, int max)
{
	struct fake *f = cap->priv;
	uint32_t i = __atomic_load_n(&f->next, __ATOMIC_ACQUIRE);
	uint64_t fired;
	int n = 0;

	f->calls++;
	if (f->held && f->fd >= 0 &&
	    read(f->fd, &fired, sizeof(fired)) == sizeof(fired)) {
		f->ready += f->held;
		f->held = 0;
	}
	while (n < max && i < f->ready) {
		uint64_t ts = f->live ? realtime_now() : f->t0 + i * f->step;

		uint16_t sport = (uint16_t)(f->sport0 + i % f->nflows);

		/* the TCP source port, behind Ethernet and IPv4 */
		f->frame.b[14 + 20] = (uint8_t)(sport >> 8);
		f->frame.b[14 + 20 + 1] = (uint8_t)sport;
		cap->cb(cap->cb_ctx, &cap->op, f->frame.b, (uint32_t)f->frame.n,
			(uint32_t)f->frame.n, ts);
		__atomic_store_n(&f->next, ++i, __ATOMIC_RELEASE);
		n++;
	}
	if (n == 0 && i == f->npkts && f->eof)
		return -ENODATA;
	return n;
}

static uint64_t fake_drops(struct capture *cap)
{
	return ((struct fake *)cap->priv)->drops;
}

static void fake_close(struct capture *cap)
{
	(void)cap;
}

static const struct capture_ops fake_file_ops = {
	.name = "fake-file",
	.fd = fake_fd,
	.dispatch = fake_dispatch,
	.drops = fake_drops,
	.close = fake_close,
};

static const struct capture_ops fake_live_ops = {
	.name = "fake-live",
	.fd = fake_fd,
	.dispatch = fake_dispatch,
	.drops = fake_drops,
	.close = fake_close,
	.hold_ms = 300,
};

static struct fake *fake_new(uint32_t npkts, uint32_t nflows, uint16_t sport0)
{
	struct fake *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	f->cap.ops = &fake_file_ops;
	f->cap.op.link = link_lookup(1);
	f->cap.op.ifindex = 3;
	f->cap.cb = worker_on_packet;
	f->cap.priv = f;
	f->npkts = npkts;
	f->ready = npkts;
	f->nflows = nflows;
	f->sport0 = sport0;
	f->t0 = T0;
	f->step = MS;
	f->eof = true;
	f->fd = -1;
	fake_frame(&f->frame, sport0);
	return f;
}

static uint32_t fake_taken(struct fake *f)
{
	return __atomic_load_n(&f->next, __ATOMIC_ACQUIRE);
}

/* ---------------------------------------------------------------------- */
/* A pool, its exporter and what reaches it                               */

struct wt {
	struct worker_pool pool;
	struct exporter *ex[1];
	int nex;
	int rx; /* the v5 collector's socket */
	struct fake *cap[8];
	int ncap;
	/* by source port: records encoded, the export clock at the last */
	uint32_t seen[65536];
	uint64_t seen_now[65536];
	uint32_t pkts[65536]; /* packets of the v5 records received */
	uint64_t nseen;
	unsigned int ticks;
	uint64_t last_tick;
};

/* The exporter asks a v5 record's routes once per record: count it. */
static void route_cb(void *ctx, const struct flow_key *k,
		     struct export_route *out)
{
	struct wt *t = ctx;

	(void)out;
	t->seen[k->sport]++;
	t->seen_now[k->sport] = t->ex[0]->now_ns;
	t->nseen++;
}

/* The pool's sink: the one exporter, as a monitor feeds its exporters. */
static void sink_flow(void *ctx, const struct flow *f,
		      enum flow_end_reason reason, uint64_t now)
{
	struct wt *t = ctx;

	exporter_clock(t->ex[0], now);
	exporter_flow(t->ex[0], f, reason);
}

static void sink_push(void *ctx)
{
	exporter_push(((struct wt *)ctx)->ex[0]);
}

static uint64_t sink_next_due(void *ctx)
{
	return exporter_next_due(((struct wt *)ctx)->ex[0]);
}

static bool sink_base(void *ctx, uint64_t ts_ns)
{
	struct wt *t = ctx;

	if (!t->ex[0]->base_set)
		exporter_set_base(t->ex[0], ts_ns - MS);
	return true;
}

static const struct worker_sink test_sink = {
	.flow = sink_flow,
	.push = sink_push,
	.next_due = sink_next_due,
	.base = sink_base,
};

/* The main thread's exporter timers at a packet-clock tick (one worker). */
static void tick_cb(void *ctx, uint64_t now)
{
	struct wt *t = ctx;

	ck_assert_uint_ge(now, t->last_tick);
	t->last_tick = now;
	t->ticks++;
	exporter_tick(t->ex[0], now);
}

static int rx_open(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), sz = 1 << 22;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* nw workers (threads if threaded), each with its own cache of capacity
 * flows and these timers, exporting v5 to a socket of the test's. */
static struct wt *wt_new(int nw, bool threaded, uint32_t capacity,
			 uint64_t active_s, uint64_t inactive_s)
{
	struct wt *t = calloc(1, sizeof(*t));
	struct export_cfg cfg = { 0 };
	char spec[64], err[256];
	uint16_t port;
	int i;

	ck_assert_ptr_nonnull(t);
	cfg.version = 5;
	cfg.mtu = 1500;
	t->ex[0] = exporter_new(&cfg);
	ck_assert_ptr_nonnull(t->ex[0]);
	t->nex = 1;
	t->rx = rx_open(&port);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
	ck_assert_int_eq(
		exporter_add_collector(t->ex[0], spec, err, sizeof(err)), 0);
	t->ex[0]->route = route_cb;
	t->ex[0]->ifname_ctx = t;
	ck_assert_int_eq(worker_pool_init(&t->pool, nw), 0);
	t->pool.threaded = threaded;
	t->pool.sink = &test_sink;
	t->pool.sink_ctx = t;
	t->pool.tick = tick_cb;
	t->pool.tick_ctx = t;
	for (i = 0; i < nw; i++) {
		struct worker *w = t->pool.w[i];

		w->meter.fc = flowcache_new(capacity, active_s * NS,
					    inactive_s * NS,
					    worker_flow_expired, w);
		ck_assert_ptr_nonnull(w->meter.fc);
	}
	return t;
}

/* Give capture f to worker i. */
static void wt_add(struct wt *t, int i, struct fake *f)
{
	struct worker *w = t->pool.w[i];

	ck_assert_int_lt(t->ncap, 8);
	t->cap[t->ncap++] = f;
	w->cap[w->ncap++] = &f->cap;
	f->cap.cb_ctx = w;
}

/* The end of input or of the process (main.c's order): every batch
 * accounted, every cache flushed, every queue exported, the last
 * messages sent. */
static void wt_finish(struct wt *t)
{
	int i;

	for (i = 0; i < t->pool.nw; i++) {
		struct worker *w = t->pool.w[i];

		meter_flush(&w->meter);
		flowcache_flush(w->meter.fc, FLOW_END_FORCED);
		worker_read_drops(w);
		worker_export(w);
		ck_assert_uint_eq(w->nq, 0);
		ck_assert_uint_eq(w->meter.fc->used, 0);
	}
	exporter_flush(t->ex[0]);
}

static void wt_free(struct wt *t)
{
	int i;

	worker_pool_stop(&t->pool);
	worker_pool_free(&t->pool);
	exporter_free(t->ex[0]);
	close(t->rx);
	for (i = 0; i < t->ncap; i++) {
		if (t->cap[i]->fd >= 0)
			close(t->cap[i]->fd);
		free(t->cap[i]);
	}
	free(t);
}

/* What the collector received: v5 records and the packets they count,
 * each record's packets added up by source port in t->pkts. */
struct rx_sum {
	uint64_t records, packets, octets;
};

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void rx_read(struct wt *t, struct rx_sum *s)
{
	uint8_t b[2048];
	ssize_t n;

	memset(s, 0, sizeof(*s));
	while ((n = recv(t->rx, b, sizeof(b), MSG_DONTWAIT)) > 0) {
		uint16_t count = (uint16_t)(b[2] << 8 | b[3]), i;

		ck_assert_int_ge(n, 24);
		ck_assert_uint_eq(b[0] << 8 | b[1], 5);
		ck_assert_int_eq(n, 24 + 48 * count);
		for (i = 0; i < count; i++) {
			const uint8_t *r = b + 24 + 48 * i;
			uint16_t sport = (uint16_t)(r[32] << 8 | r[33]);

			s->records++;
			s->packets += be32_at(r + 16);
			s->octets += be32_at(r + 20);
			t->pkts[sport] += be32_at(r + 16);
		}
	}
	ck_assert_int_eq(errno, EAGAIN);
}

/* Round after round until the captures of worker 0 end (bounded). */
static void run_to_end(struct wt *t)
{
	int rc = 0, rounds = 0;

	while (worker_round(t->pool.w[0], 64, 0, &rc))
		ck_assert_int_lt(++rounds, 1000);
	ck_assert_int_eq(rc, -ENODATA);
}

/* Every source port in [sport0, sport0 + nflows) encoded exactly once. */
static void assert_once(const struct wt *t, uint16_t sport0, uint32_t nflows)
{
	uint32_t i;

	for (i = 0; i < nflows; i++)
		ck_assert_msg(t->seen[sport0 + i] == 1,
			      "flow of port %u exported %u times", sport0 + i,
			      t->seen[sport0 + i]);
}

/* ---------------------------------------------------------------------- */
/* One worker, the caller's thread                                        */

/* A file of 900 packets over 300 flows: metered round by round to its
 * end, then flushed (more than WORKER_QUEUE flows expire at once). */
START_TEST(one_worker_file)
{
	struct wt *t = wt_new(1, false, 1024, 1800, 900);
	struct fake *f = fake_new(900, 300, 1000);
	struct meter_stats st;
	struct rx_sum s;
	uint64_t added, drops;

	f->drops = 7;
	wt_add(t, 0, f);
	exporter_set_base(t->ex[0], T0 - MS);
	run_to_end(t);
	ck_assert_uint_eq(fake_taken(f), 900);
	/* a round accounts its batch: the cache holds every flow */
	ck_assert_uint_eq(t->pool.w[0]->meter.npending, 0);
	ck_assert_uint_eq(t->pool.w[0]->meter.fc->used, 300);
	ck_assert_uint_eq(t->nseen, 0);
	wt_finish(t);
	ck_assert_uint_eq(t->nseen, 300);
	ck_assert_uint_eq(t->ex[0]->stats.flows, 300);
	assert_once(t, 1000, 300);
	rx_read(t, &s);
	ck_assert_uint_eq(s.records, 300);
	ck_assert_uint_eq(s.packets, 900);
	ck_assert_uint_eq(s.octets, 900 * 50);
	ck_assert_uint_eq(t->pkts[1000], 3);
	ck_assert_uint_eq(t->pkts[1299], 3);
	/* the counters the statistics records read */
	worker_pool_published(&t->pool, &st, &added, &drops);
	ck_assert_uint_eq(st.packets, 900);
	ck_assert_uint_eq(st.metered, 900);
	ck_assert_uint_eq(added, 300);
	ck_assert_uint_eq(drops, 7);
	wt_free(t);
}
END_TEST

/* The packet clock jumps months ahead: the idle flow leaves at its own
 * timer's time (the export clock then), in a handful of ticks. */
START_TEST(clock_across_silence_inactive)
{
	struct wt *t = wt_new(1, false, 64, 1800, 15);
	struct fake *a = fake_new(3, 1, 1000), *b = fake_new(1, 1, 2000);
	unsigned int ticks;

	a->step = NS; /* at T0, T0 + 1 s, T0 + 2 s */
	b->t0 = T0 + 90 * 86400 * NS;
	wt_add(t, 0, a);
	run_to_end(t);
	ck_assert_uint_eq(t->nseen, 0);
	ticks = t->ticks;
	/* the next packet, 90 days later, another flow */
	t->pool.w[0]->cap[0] = &b->cap;
	b->cap.cb_ctx = t->pool.w[0];
	t->cap[t->ncap++] = b;
	run_to_end(t);
	meter_flush(&t->pool.w[0]->meter);
	ck_assert_uint_eq(t->seen[1000], 1);
	ck_assert_uint_eq(t->seen[2000], 0);
	/* idle 15 s after its last packet (T0 + 2 s), to the second */
	ck_assert_uint_ge(t->seen_now[1000], T0 + 17 * NS);
	ck_assert_uint_le(t->seen_now[1000], T0 + 18 * NS);
	ck_assert_uint_le(t->ticks - ticks, 10);
	ck_assert_uint_eq(t->last_tick, b->t0);
	wt_finish(t);
	ck_assert_uint_eq(t->seen[2000], 1);
	ck_assert_uint_eq(t->nseen, 2);
	wt_free(t);
}
END_TEST

/* The same for the active timer: a flow with a packet a second for 20 s
 * and an active timeout of 30 s leaves 30 s after its first packet. */
START_TEST(clock_across_silence_active)
{
	struct wt *t = wt_new(1, false, 64, 30, 60);
	struct fake *a = fake_new(21, 1, 1000), *b = fake_new(1, 1, 2000);
	struct rx_sum s;

	a->step = NS;
	b->t0 = T0 + 86400 * NS;
	wt_add(t, 0, a);
	run_to_end(t);
	t->pool.w[0]->cap[0] = &b->cap;
	b->cap.cb_ctx = t->pool.w[0];
	t->cap[t->ncap++] = b;
	run_to_end(t);
	ck_assert_uint_eq(t->seen[1000], 1);
	ck_assert_uint_ge(t->seen_now[1000], T0 + 30 * NS);
	ck_assert_uint_le(t->seen_now[1000], T0 + 31 * NS);
	wt_finish(t);
	assert_once(t, 1000, 1);
	assert_once(t, 2000, 1);
	rx_read(t, &s);
	ck_assert_uint_eq(s.records, 2);
	ck_assert_uint_eq(s.packets, 22);
	wt_free(t);
}
END_TEST

/* A round's timers run at the time it is given (live: the real time):
 * an idle flow leaves though no packet came. */
START_TEST(round_timer_without_packets)
{
	struct wt *t = wt_new(1, false, 64, 1800, 15);
	struct fake *a = fake_new(1, 1, 1000);
	int rc = 0;

	a->eof = false;
	wt_add(t, 0, a);
	ck_assert(worker_round(t->pool.w[0], 64, T0 + NS, &rc));
	ck_assert_uint_eq(t->nseen, 0);
	ck_assert(worker_round(t->pool.w[0], 64, T0 + 14 * NS, &rc));
	ck_assert_uint_eq(t->nseen, 0);
	ck_assert(worker_round(t->pool.w[0], 64, T0 + 16 * NS, &rc));
	ck_assert_uint_eq(t->seen[1000], 1);
	wt_finish(t);
	ck_assert_uint_eq(t->nseen, 1);
	wt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Several workers in threads                                             */

/* Three workers, each with its own capture (a receive queue) and flows:
 * each flow is in its worker's cache only, and every one is exported
 * once; what the threads metered when they stop is flushed, not lost. */
START_TEST(threads_exactly_once)
{
	struct wt *t = wt_new(3, true, 4096, 3600, 3600);
	struct rx_sum s;
	uint64_t deadline;
	int i;

	for (i = 0; i < 3; i++) {
		struct fake *f =
			fake_new(3000, 100, (uint16_t)(10000 * (i + 1)));

		f->live = true;
		f->eof = false;
		wt_add(t, i, f);
	}
	exporter_set_base(t->ex[0], realtime_now() - MS);
	ck_assert_int_eq(worker_pool_start(&t->pool), 0);
	/* wait, bounded, until the threads have taken every packet */
	deadline = realtime_now() + 20 * NS;
	for (i = 0; i < 3; i++)
		while (fake_taken(t->cap[i]) < 3000) {
			const struct timespec ms = { 0, 1000000 };

			ck_assert_uint_lt(realtime_now(), deadline);
			nanosleep(&ms, NULL);
		}
	worker_pool_stop(&t->pool);
	for (i = 0; i < 3; i++) {
		const struct worker *w = t->pool.w[i];

		ck_assert(!w->running);
		ck_assert_uint_eq(w->nq, 0);
		ck_assert_uint_eq(w->meter.npending, 0);
		ck_assert_uint_eq(w->meter.st.packets, 3000);
		/* nothing expired yet: the timers are an hour */
		ck_assert_uint_eq(w->meter.fc->used, 100);
		ck_assert_uint_eq(w->meter.fc->stats.added, 100);
	}
	ck_assert_uint_eq(t->nseen, 0);
	wt_finish(t);
	ck_assert_uint_eq(t->nseen, 300);
	for (i = 0; i < 3; i++)
		assert_once(t, (uint16_t)(10000 * (i + 1)), 100);
	rx_read(t, &s);
	ck_assert_uint_eq(s.records, 300);
	ck_assert_uint_eq(s.packets, 9000);
	ck_assert_uint_eq(t->pkts[10000], 30);
	ck_assert_uint_eq(t->pkts[30099], 30);
	wt_free(t);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* `xflowctl flush`: the drain of what live captures hold                 */

/* 40 packets ready and 25 the kernel hands over 50 ms later (within the
 * capture's hold time): the drain meters all 65 and accounts them; a
 * file's packets are left alone. */
START_TEST(drain_live_captures)
{
	struct wt *t = wt_new(1, false, 256, 1800, 900);
	struct fake *live = fake_new(65, 13, 1000);
	struct fake *file = fake_new(10, 10, 2000);
	const struct itimerspec in50 = { .it_value = { 0, 50 * 1000000 } };
	struct worker *w = t->pool.w[0];
	uint64_t start, took;
	struct rx_sum s;

	live->cap.ops = &fake_live_ops;
	live->ready = 40;
	live->held = 25;
	live->eof = false;
	live->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ck_assert_int_ge(live->fd, 0);
	ck_assert_int_eq(timerfd_settime(live->fd, 0, &in50, NULL), 0);
	wt_add(t, 0, live);
	wt_add(t, 0, file);
	exporter_set_base(t->ex[0], T0 - MS);
	start = realtime_now();
	worker_pool_lock(&t->pool);
	worker_pool_drain(&t->pool);
	worker_pool_unlock(&t->pool);
	took = realtime_now() - start;
	ck_assert_uint_eq(fake_taken(live), 65);
	ck_assert_uint_eq(fake_taken(file), 0);
	ck_assert_uint_eq(file->calls, 0);
	/* accounted, not waiting in the batch */
	ck_assert_uint_eq(w->meter.npending, 0);
	ck_assert_uint_eq(w->meter.st.metered, 65);
	ck_assert_uint_eq(w->meter.fc->used, 13);
	/* the wait is bounded by the hold time (300 ms), with slack */
	ck_assert_uint_ge(took, 50 * MS);
	ck_assert_uint_lt(took, 5 * NS);
	/* then the flush: every flow once, with all its packets */
	wt_finish(t);
	assert_once(t, 1000, 13);
	ck_assert_uint_eq(t->nseen, 13);
	rx_read(t, &s);
	ck_assert_uint_eq(s.packets, 65);
	wt_free(t);
}
END_TEST

/* A drain with nothing live returns at once and meters nothing. */
START_TEST(drain_files_only)
{
	struct wt *t = wt_new(2, false, 64, 1800, 900);
	struct fake *file = fake_new(10, 10, 2000);
	uint64_t start = realtime_now();

	wt_add(t, 1, file);
	worker_pool_drain(&t->pool);
	ck_assert_uint_lt(realtime_now() - start, NS);
	ck_assert_uint_eq(file->calls, 0);
	ck_assert_uint_eq(t->pool.w[1]->meter.st.packets, 0);
	wt_free(t);
}
END_TEST

/* Packets the kernel hands over while the threads wait for the pool's
 * locks (`xflowctl flush`), or after they stopped (the end of the
 * process): the drain meters them all, with no batch left behind. */
static void held_by_kernel(bool stop_first)
{
	struct wt *t = wt_new(2, true, 256, 3600, 3600);
	const struct itimerspec in50 = { .it_value = { 0, 50 * 1000000 } };
	struct rx_sum s;
	int i;

	for (i = 0; i < 2; i++) {
		struct fake *f = fake_new(20, 5, (uint16_t)(1000 * (i + 1)));

		f->cap.ops = &fake_live_ops;
		f->live = true;
		f->eof = false;
		f->ready = 0;
		f->held = 20;
		f->fd = timerfd_create(CLOCK_MONOTONIC,
				       TFD_NONBLOCK | TFD_CLOEXEC);
		ck_assert_int_ge(f->fd, 0);
		wt_add(t, i, f);
	}
	exporter_set_base(t->ex[0], realtime_now() - MS);
	ck_assert_int_eq(worker_pool_start(&t->pool), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(timerfd_settime(t->cap[i]->fd, 0, &in50, NULL),
				 0);
	if (stop_first)
		worker_pool_stop(&t->pool);
	worker_pool_lock(&t->pool);
	worker_pool_drain(&t->pool);
	for (i = 0; i < 2; i++) {
		const struct worker *w = t->pool.w[i];

		ck_assert_uint_eq(fake_taken(t->cap[i]), 20);
		ck_assert_uint_eq(w->meter.npending, 0);
		ck_assert_uint_eq(w->meter.fc->used, 5);
		ck_assert_uint_eq(w->meter.st.metered, 20);
	}
	worker_pool_unlock(&t->pool);
	worker_pool_stop(&t->pool);
	wt_finish(t);
	ck_assert_uint_eq(t->nseen, 10);
	assert_once(t, 1000, 5);
	assert_once(t, 2000, 5);
	rx_read(t, &s);
	ck_assert_uint_eq(s.packets, 40);
	wt_free(t);
}

START_TEST(drain_threads_locked)
{
	held_by_kernel(false);
}
END_TEST

START_TEST(drain_after_stop)
{
	held_by_kernel(true);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Records parsed in the kernel; the published counters                   */

/* An eBPF ring's records: the CPU that saw each is its flow's, the
 * worker counts them as handed to the meter. */
START_TEST(info_records)
{
	struct wt *t = wt_new(1, false, 64, 1800, 900);
	struct worker *w = t->pool.w[0];
	struct capture cap = { .op = { .ifindex = 5 } };
	struct pkt_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipver = 4;
	pi.proto = 17;
	memcpy(pi.src, SRC4, 4);
	memcpy(pi.dst, DST4, 4);
	pi.sport = 4000;
	pi.dport = 53;
	pi.octets = 80;
	exporter_set_base(t->ex[0], T0 - MS);
	worker_on_info(w, &cap.op, &pi, 0, T0, 2);
	worker_on_info(w, &cap.op, &pi, 0, T0 + MS, 1);
	pi.sport = 4001;
	worker_on_info(w, &cap.op, &pi, 0, T0 + 2 * MS, 1);
	wt_finish(t);
	ck_assert_uint_eq(w->meter.st.packets, 3);
	ck_assert_uint_eq(w->meter.st.metered, 3);
	ck_assert_uint_eq(t->nseen, 2);
	assert_once(t, 4000, 2);
	wt_free(t);
}
END_TEST

/* The statistics records' counters over the workers: sums, and of the
 * packets not metered the earliest first and the latest last time. */
START_TEST(published_counters)
{
	/* two workers (threads not started: each clock its own) */
	struct wt *t = wt_new(2, true, 64, 1800, 900);
	const struct obs_point op = { .link = link_lookup(1) };
	struct meter_stats st;
	uint64_t added, drops;
	struct pkt k;
	int i;

	exporter_set_base(t->ex[0], T0 - MS);
	fake_frame(&k, 1000);
	k.b[14] = 0x65; /* bad version */
	worker_on_packet(t->pool.w[0], &op, k.b, (uint32_t)k.n, (uint32_t)k.n,
			 T0 + 5 * NS);
	worker_on_packet(t->pool.w[1], &op, k.b, (uint32_t)k.n, (uint32_t)k.n,
			 T0 + 2 * NS);
	worker_on_packet(t->pool.w[1], &op, k.b, (uint32_t)k.n, (uint32_t)k.n,
			 T0 + 9 * NS);
	fake_frame(&k, 1000);
	worker_on_packet(t->pool.w[0], &op, k.b, (uint32_t)k.n, (uint32_t)k.n,
			 T0 + 6 * NS);
	for (i = 0; i < 2; i++) {
		meter_flush(&t->pool.w[i]->meter);
		worker_export(t->pool.w[i]);
	}
	worker_pool_published(&t->pool, &st, &added, &drops);
	ck_assert_uint_eq(st.packets, 4);
	ck_assert_uint_eq(st.metered, 1);
	ck_assert_uint_eq(st.malformed[-PARSE_ERR_VERSION], 3);
	ck_assert_uint_eq(st.malformed_octets, 3 * k.n);
	ck_assert_uint_eq(st.ignored_first_ns, T0 + 2 * NS);
	ck_assert_uint_eq(st.ignored_last_ns, T0 + 9 * NS);
	ck_assert_uint_eq(added, 1);
	ck_assert_uint_eq(drops, 0);
	wt_free(t);
}
END_TEST

static Suite *worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("worker");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, one_worker_file);
	tcase_add_test(tc, clock_across_silence_inactive);
	tcase_add_test(tc, clock_across_silence_active);
	tcase_add_test(tc, round_timer_without_packets);
	tcase_add_test(tc, threads_exactly_once);
	tcase_add_test(tc, drain_live_captures);
	tcase_add_test(tc, drain_files_only);
	tcase_add_test(tc, drain_threads_locked);
	tcase_add_test(tc, drain_after_stop);
	tcase_add_test(tc, info_records);
	tcase_add_test(tc, published_counters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(worker_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
