// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_flowcache.c - the flow cache: accounting, the inactive and active
 * timers, end of flow, flush, cache pressure and conservation of counts.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meter/flowcache.h"

#define NS 1000000000ull
#define MS 1000000ull

/* Every record the cache expires, in order. */
struct rec {
	struct flow f;
	enum flow_end_reason reason;
};

struct recorder {
	struct rec *r;
	size_t n, cap;
	uint64_t packets, octets;
	int bad_reason;
};

static void record_cb(void *ctx, const struct flow *f,
		      enum flow_end_reason reason)
{
	struct recorder *rc = ctx;

	if (reason < FLOW_END_IDLE || reason > FLOW_END_RESOURCES)
		rc->bad_reason = 1;
	rc->packets += f->packets;
	rc->octets += f->octets;
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 64;
		rc->r = realloc(rc->r, rc->cap * sizeof(*rc->r));
		ck_assert_ptr_nonnull(rc->r);
	}
	rc->r[rc->n].f = *f;
	rc->r[rc->n].reason = reason;
	rc->n++;
}

/* A counting-only callback for the big runs. */
static void count_cb(void *ctx, const struct flow *f,
		     enum flow_end_reason reason)
{
	struct recorder *rc = ctx;

	if (reason < FLOW_END_IDLE || reason > FLOW_END_RESOURCES)
		rc->bad_reason = 1;
	if (f->packets == 0 || f->first_ns > f->last_ns)
		rc->bad_reason = 1;
	rc->packets += f->packets;
	rc->octets += f->octets;
	rc->n++;
}

static struct flowcache *mk(uint32_t cap, uint64_t active_s,
			    uint64_t inactive_s, struct recorder *rc)
{
	struct flowcache *fc;

	memset(rc, 0, sizeof(*rc));
	fc = flowcache_new(cap, active_s * NS, inactive_s * NS, record_cb, rc);
	ck_assert_ptr_nonnull(fc);
	return fc;
}

static void done(struct flowcache *fc, struct recorder *rc)
{
	flowcache_free(fc);
	free(rc->r);
	rc->r = NULL;
}

/* 10.0.0.n:1000+n -> 192.0.2.1:80, TCP, ifindex 1. */
static struct flow_key key_n(uint32_t n)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.src[0] = 10;
	k.src[1] = (uint8_t)(n >> 16);
	k.src[2] = (uint8_t)(n >> 8);
	k.src[3] = (uint8_t)n;
	k.dst[0] = 192;
	k.dst[2] = 2;
	k.dst[3] = 1;
	k.ifindex = 1;
	k.sport = (uint16_t)(1000 + n);
	k.dport = 80;
	k.ipver = 4;
	k.proto = 6;
	return k;
}

/* A fixed, well-spread base time: 2023-11-14 22:13:20 UTC. */
#define T0 (1700000000ull * NS)

START_TEST(accumulate)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key k = key_n(1);

	flowcache_update(fc, &k, 100, 0x02, 0x10, T0 + 1 * NS);
	flowcache_update(fc, &k, 200, 0x10, 0x20, T0 + 2 * NS);
	flowcache_update(fc, &k, 300, 0x18, 0x30, T0 + 3 * NS + 5 * MS);
	ck_assert_uint_eq(rc.n, 0);
	ck_assert_uint_eq(fc->used, 1);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.r[0].f.packets, 3);
	ck_assert_uint_eq(rc.r[0].f.octets, 600);
	ck_assert_uint_eq(rc.r[0].f.first_ns, T0 + 1 * NS);
	ck_assert_uint_eq(rc.r[0].f.last_ns, T0 + 3 * NS + 5 * MS);
	ck_assert_uint_eq(rc.r[0].f.tcp_flags, 0x1a);
	ck_assert_uint_eq(rc.r[0].f.tos, 0x10);
	ck_assert_mem_eq(&rc.r[0].f.key, &k, sizeof(k));
	ck_assert_uint_eq(fc->used, 0);
	ck_assert_uint_eq(fc->stats.added, 1);
	ck_assert_uint_eq(fc->stats.expired[FLOW_END_FORCED], 1);
	done(fc, &rc);
}
END_TEST

START_TEST(inactive_by_expire)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2);

	flowcache_update(fc, &a, 40, 0, 0, T0);
	flowcache_update(fc, &b, 40, 0, 0, T0 + 5 * NS);
	flowcache_expire(fc, T0 + 14 * NS);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_expire(fc, T0 + 15 * NS - 1);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_expire(fc, T0 + 15 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(rc.r[0].f.key.sport, a.sport);
	flowcache_expire(fc, T0 + 19 * NS);
	ck_assert_uint_eq(rc.n, 1);
	flowcache_expire(fc, T0 + 20 * NS);
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_int_eq(rc.r[1].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(rc.r[1].f.key.sport, b.sport);
	ck_assert_uint_eq(fc->used, 0);
	done(fc, &rc);
}
END_TEST

/*
 * The ager runs about once a second (daemon/main.c ticks on whole
 * seconds). A flow idle since a moment inside a second must leave at the
 * first poll after last + inactive, not an inactive timeout later.
 */
START_TEST(inactive_by_expire_subsecond)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key k = key_n(1);
	uint64_t t;

	flowcache_update(fc, &k, 40, 0, 0, T0);
	flowcache_update(fc, &k, 40, 0, 0, T0 + 900 * MS);
	for (t = T0 + NS; t <= T0 + 60 * NS && rc.n == 0; t += NS)
		flowcache_expire(fc, t);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(rc.r[0].f.packets, 2);
	/* due at T0 + 15.9 s: the poll at T0 + 16 s must export it */
	ck_assert_uint_eq(t - NS, T0 + 16 * NS);
	done(fc, &rc);
}
END_TEST

START_TEST(inactive_by_packet)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key k = key_n(1);

	flowcache_update(fc, &k, 40, 0, 0, T0);
	flowcache_update(fc, &k, 60, 0, 0, T0 + 2 * NS);
	/* 15 s of silence, no ager run: the late packet ends the record */
	flowcache_update(fc, &k, 80, 0, 0, T0 + 17 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(rc.r[0].f.packets, 2);
	ck_assert_uint_eq(rc.r[0].f.octets, 100);
	ck_assert_uint_eq(rc.r[0].f.last_ns, T0 + 2 * NS);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_int_eq(rc.r[1].reason, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.r[1].f.packets, 1);
	ck_assert_uint_eq(rc.r[1].f.octets, 80);
	ck_assert_uint_eq(rc.r[1].f.first_ns, T0 + 17 * NS);
	done(fc, &rc);
}
END_TEST

/* 1 packet a second for 100 s, active timeout 30 s. */
static void active_run(int with_ager)
{
	static const uint64_t want[] = { 30, 30, 30, 10 };
	struct recorder rc;
	struct flowcache *fc = mk(16, 30, 15, &rc);
	struct flow_key k = key_n(7);
	uint64_t i;

	for (i = 0; i < 100; i++) {
		if (with_ager)
			flowcache_expire(fc, T0 + i * NS);
		flowcache_update(fc, &k, 1000, 0x10, 0, T0 + i * NS);
	}
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(rc.r[i].f.packets, want[i]);
		ck_assert_uint_eq(rc.r[i].f.octets, want[i] * 1000);
		ck_assert_uint_eq(rc.r[i].f.first_ns, T0 + i * 30 * NS);
		ck_assert_uint_eq(rc.r[i].f.last_ns,
				  T0 + (i * 30 + want[i] - 1) * NS);
		ck_assert_int_eq(rc.r[i].reason,
				 i < 3 ? FLOW_END_ACTIVE : FLOW_END_FORCED);
	}
	ck_assert_uint_eq(rc.packets, 100);
	done(fc, &rc);
}

START_TEST(active_by_packet)
{
	active_run(0);
}
END_TEST

START_TEST(active_by_expire)
{
	active_run(1);
}
END_TEST

START_TEST(active_timer_alone)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 30, 15, &rc);
	struct flow_key k = key_n(1);

	flowcache_update(fc, &k, 40, 0, 0, T0);
	flowcache_update(fc, &k, 40, 0, 0, T0 + 10 * NS);
	flowcache_update(fc, &k, 40, 0, 0, T0 + 20 * NS);
	flowcache_expire(fc, T0 + 30 * NS - 1);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_expire(fc, T0 + 30 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_ACTIVE);
	ck_assert_uint_eq(rc.r[0].f.packets, 3);
	done(fc, &rc);
}
END_TEST

START_TEST(fin_rst)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key k = key_n(1);

	flowcache_update(fc, &k, 60, 0x02, 0, T0);
	flowcache_update(fc, &k, 52, 0x10, 0, T0 + MS);
	flowcache_update(fc, &k, 52, 0x11, 0, T0 + 2 * MS); /* FIN ACK */
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_OF_FLOW);
	ck_assert_uint_eq(rc.r[0].f.packets, 3);
	ck_assert_uint_eq(rc.r[0].f.octets, 164);
	ck_assert_uint_eq(rc.r[0].f.tcp_flags, 0x13);
	ck_assert_uint_eq(fc->used, 0);

	flowcache_update(fc, &k, 40, 0x04, 0, T0 + 3 * MS); /* RST */
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_int_eq(rc.r[1].reason, FLOW_END_OF_FLOW);
	ck_assert_uint_eq(rc.r[1].f.packets, 1);
	ck_assert_uint_eq(rc.r[1].f.tcp_flags, 0x04);

	flowcache_update(fc, &k, 40, 0x14, 0, T0 + 4 * MS); /* RST ACK */
	ck_assert_uint_eq(rc.n, 3);
	ck_assert_int_eq(rc.r[2].reason, FLOW_END_OF_FLOW);
	/* SYN, PSH, URG, ECE, CWR do not end a flow */
	flowcache_update(fc, &k, 40, 0xea, 0, T0 + 5 * MS);
	ck_assert_uint_eq(rc.n, 3);
	ck_assert_uint_eq(fc->used, 1);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 4);
	ck_assert_uint_eq(rc.packets, 6);
	done(fc, &rc);
}
END_TEST

START_TEST(flush_forced)
{
	struct recorder rc;
	struct flowcache *fc = mk(64, 1800, 15, &rc);
	uint32_t i;

	for (i = 0; i < 50; i++) {
		struct flow_key k = key_n(i);

		flowcache_update(fc, &k, 100 + i, 0, 0, T0 + i * MS);
	}
	ck_assert_uint_eq(fc->used, 50);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 50);
	for (i = 0; i < 50; i++)
		ck_assert_int_eq(rc.r[i].reason, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.packets, 50);
	ck_assert_uint_eq(rc.octets, 50 * 100 + 49 * 50 / 2);
	ck_assert_uint_eq(fc->used, 0);
	/* an empty cache flushes to nothing and is reusable */
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 50);
	for (i = 0; i < 64; i++) {
		struct flow_key k = key_n(i);

		flowcache_update(fc, &k, 1, 0, 0, T0 + NS);
	}
	ck_assert_uint_eq(fc->used, 64);
	ck_assert_uint_eq(rc.n, 50);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 114);
	done(fc, &rc);
}
END_TEST

START_TEST(pressure_lru)
{
	struct recorder rc;
	struct flowcache *fc = mk(4, 1800, 15, &rc);
	struct flow_key k[6];
	uint32_t i;

	for (i = 0; i < 6; i++)
		k[i] = key_n(i);
	/* same second: the first one in is the least recently used */
	for (i = 0; i < 4; i++)
		flowcache_update(fc, &k[i], 100, 0, 0, T0 + i * MS);
	flowcache_update(fc, &k[4], 100, 0, 0, T0 + 10 * MS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_RESOURCES);
	ck_assert_mem_eq(&rc.r[0].f.key, &k[0], sizeof(k[0]));
	ck_assert_uint_eq(fc->used, 4);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.packets, 5);
	ck_assert_uint_eq(rc.octets, 500);
	done(fc, &rc);
}
END_TEST

START_TEST(pressure_lru_touched)
{
	struct recorder rc;
	struct flowcache *fc = mk(4, 1800, 100, &rc);
	struct flow_key k[6];
	uint64_t fed = 0;
	uint32_t i;

	for (i = 0; i < 6; i++)
		k[i] = key_n(i);
	/* A, B, C, D one second apart; A touched again; E evicts B */
	for (i = 0; i < 4; i++, fed++)
		flowcache_update(fc, &k[i], 100, 0, 0, T0 + i * NS);
	flowcache_update(fc, &k[0], 100, 0, 0, T0 + 4 * NS);
	fed++;
	flowcache_update(fc, &k[4], 100, 0, 0, T0 + 5 * NS);
	fed++;
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_RESOURCES);
	ck_assert_mem_eq(&rc.r[0].f.key, &k[1], sizeof(k[1]));
	/* then C goes for F */
	flowcache_update(fc, &k[5], 100, 0, 0, T0 + 6 * NS);
	fed++;
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_mem_eq(&rc.r[1].f.key, &k[2], sizeof(k[2]));
	ck_assert_uint_eq(fc->used, 4);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.packets, fed);
	ck_assert_uint_eq(rc.octets, fed * 100);
	ck_assert_uint_eq(fc->stats.expired[FLOW_END_RESOURCES], 2);
	done(fc, &rc);
}
END_TEST

/* xorshift64*: reproducible, no libc state. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

START_TEST(conservation_random)
{
	struct recorder rc;
	struct flowcache *fc;
	uint64_t seed = 0x9e3779b97f4a7c15ull, t = T0, packets = 0;
	uint64_t octets = 0;
	uint32_t i;

	memset(&rc, 0, sizeof(rc));
	fc = flowcache_new(1000, 60 * NS, 15 * NS, count_cb, &rc);
	ck_assert_ptr_nonnull(fc);
	for (i = 0; i < 100000; i++) {
		uint64_t r = rnd(&seed);
		struct flow_key k = key_n((uint32_t)(r % 5000));
		uint32_t len = 20 + (uint32_t)(r >> 20) % 1481;
		uint8_t flags = (r >> 40) % 97 == 0 ? 0x01 : 0x10;

		if ((r >> 50) % 7 == 0)
			k.ipver = 6;
		t += (r >> 32) % (2 * MS);
		flowcache_update(fc, &k, len, flags, 0, t);
		packets++;
		octets += len;
		ck_assert_uint_le(fc->used, 1000);
		if (i % 1000 == 0) {
			flowcache_expire(fc, t);
			/* the age list and the wheel hold every flow once */
			ck_assert_int_eq(flowcache_check(fc), fc->used);
		}
	}
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_int_eq(flowcache_check(fc), 0);
	ck_assert_int_eq(rc.bad_reason, 0);
	ck_assert_uint_eq(rc.packets, packets);
	ck_assert_uint_eq(rc.octets, octets);
	ck_assert_uint_eq(fc->used, 0);
	ck_assert_uint_gt(fc->stats.expired[FLOW_END_RESOURCES], 0);
	ck_assert_uint_gt(fc->stats.expired[FLOW_END_OF_FLOW], 0);
	ck_assert_uint_eq(fc->stats.added, rc.n);
	flowcache_free(fc);
}
END_TEST

START_TEST(distinct_keys)
{
	struct recorder rc;
	struct flowcache *fc = mk(64, 1800, 15, &rc);
	struct flow_key base = key_n(3), v[10];
	size_t n = 0, i, j;

	v[n++] = base;
	v[n] = base, v[n].ifindex = 2, n++;
	v[n] = base, v[n].dir = 1, n++;
	v[n] = base, v[n].sport ^= 1, n++;
	v[n] = base, v[n].dport = 443, n++;
	v[n] = base, v[n].proto = 17, n++;
	v[n] = base, v[n].ipver = 6, n++;
	v[n] = base, v[n].src[15] = 1, n++;
	v[n] = base, v[n].dst[3] ^= 0x80, n++;
	v[n] = base, v[n].dst[0] = 193, n++;

	for (i = 0; i < n; i++)
		flowcache_update(fc, &v[i], 100, 0, 0, T0 + i * MS);
	ck_assert_uint_eq(fc->used, n);
	/* the same keys again add to the same flows */
	for (i = 0; i < n; i++) {
		struct flow_key copy;

		memset(&copy, 0, sizeof(copy));
		memcpy(&copy, &v[i], sizeof(copy));
		flowcache_update(fc, &copy, 10, 0, 0, T0 + NS + i * MS);
	}
	ck_assert_uint_eq(fc->used, n);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(rc.r[i].f.packets, 2);
		ck_assert_uint_eq(rc.r[i].f.octets, 110);
		for (j = 0; j < i; j++)
			ck_assert_int_ne(memcmp(&rc.r[i].f.key, &rc.r[j].f.key,
						sizeof(base)),
					 0);
	}
	done(fc, &rc);
}
END_TEST

START_TEST(time_backwards)
{
	static const int64_t dt_ms[] = { 10000, 5000, 12000, 3000,  3000,
					 40000, 1000, 41000, 20000, 0 };
	struct recorder rc;
	struct flowcache *fc = mk(2, 30, 15, &rc);
	uint64_t fed = 0;
	size_t i, j;

	for (j = 0; j < 3; j++) {
		for (i = 0; i < sizeof(dt_ms) / sizeof(dt_ms[0]); i++) {
			struct flow_key k = key_n((uint32_t)(i % 3));
			uint64_t t = T0 + (uint64_t)dt_ms[i] * MS;

			flowcache_update(fc, &k, 100, 0, 0, t);
			fed++;
			if (i % 4 == 0)
				flowcache_expire(fc, t - 2 * NS);
		}
	}
	flowcache_expire(fc, T0);
	flowcache_expire(fc, T0 + 45 * NS);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_int_eq(rc.bad_reason, 0);
	ck_assert_uint_eq(rc.packets, fed);
	ck_assert_uint_eq(rc.octets, fed * 100);
	for (i = 0; i < rc.n; i++) {
		ck_assert_uint_ge(rc.r[i].f.packets, 1);
		ck_assert_uint_le(rc.r[i].f.first_ns, rc.r[i].f.last_ns);
	}
	ck_assert_uint_eq(fc->used, 0);
	done(fc, &rc);
}
END_TEST

/* A capture whose first timestamp is 0 (crafted and fuzzed pcaps are). */
START_TEST(time_zero_start)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2);

	flowcache_update(fc, &a, 40, 0, 0, 0);
	flowcache_update(fc, &b, 40, 0, 0, 5 * NS);
	flowcache_expire(fc, 15 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_mem_eq(&rc.r[0].f.key, &a, sizeof(a));
	flowcache_expire(fc, 20 * NS);
	ck_assert_uint_eq(rc.n, 2);
	done(fc, &rc);
}
END_TEST

/* The last seconds of 64-bit nanoseconds (2554): last + inactive and
 * first + active saturate instead of wrapping to the past, where every
 * packet closed the flow before it. */
START_TEST(time_end_of_range)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key k = key_n(1);
	uint64_t t = UINT64_MAX - 10 * NS;
	int i;

	for (i = 0; i < 5; i++)
		flowcache_update(fc, &k, 40, 0, 0, t + (uint64_t)i * 2 * NS);
	flowcache_expire(fc, UINT64_MAX - NS);
	ck_assert_uint_eq(rc.n, 0);
	ck_assert_uint_eq(fc->used, 1);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_uint_eq(rc.r[0].f.packets, 5);
	done(fc, &rc);
}
END_TEST

/* flowcache_next_due: never after the first timer, so a clock jumping
 * months ahead runs each one at its time (ticks at the answers). */
START_TEST(next_due_across_silence)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2);
	uint64_t due, t = T0, later = T0 + 90ull * 86400 * NS;
	int ticks = 0;

	ck_assert_uint_eq(flowcache_next_due(fc), UINT64_MAX);
	flowcache_update(fc, &a, 40, 0, 0, T0 + 300 * MS);
	flowcache_update(fc, &a, 40, 0, 0, T0 + 2300 * MS);
	flowcache_update(fc, &b, 40, 0, 0, T0 + 5 * NS);
	/* as the worker does: tick at the next due time, a second apart */
	while (fc->used) {
		due = flowcache_next_due(fc);
		ck_assert_uint_le(due, rc.n ? T0 + 20 * NS
					    : T0 + 2300 * MS + 15 * NS);
		t = due > t + NS ? due : t + NS;
		ck_assert_uint_lt(t, later);
		flowcache_expire(fc, t);
		ticks++;
	}
	ck_assert_uint_le(ticks, 6);
	ck_assert_uint_eq(rc.n, 2);
	/* each left within a second of its timer */
	ck_assert_uint_le(rc.r[0].f.last_ns + 15 * NS, t);
	ck_assert_mem_eq(&rc.r[0].f.key, &a, sizeof(a));
	ck_assert_mem_eq(&rc.r[1].f.key, &b, sizeof(b));
	ck_assert_uint_le(t, T0 + 5 * NS + 16 * NS);
	ck_assert_uint_eq(flowcache_next_due(fc), UINT64_MAX);
	done(fc, &rc);
}
END_TEST

START_TEST(new_bad_capacity)
{
	struct recorder rc;

	memset(&rc, 0, sizeof(rc));
	ck_assert_ptr_null(flowcache_new(0, NS, NS, record_cb, &rc));
	ck_assert_ptr_null(
		flowcache_new((1u << 30) + 1, NS, NS, record_cb, &rc));
	flowcache_free(NULL);
}
END_TEST

START_TEST(hash_spreads)
{
	/* keys differing in one bit land in different buckets often */
	struct flow_key a = key_n(1);
	uint32_t h = flowcache_hash(&a), same = 0;
	size_t byte;
	int bit;

	for (byte = 0; byte < 40; byte++) {
		for (bit = 0; bit < 8; bit++) {
			struct flow_key b = a;

			((uint8_t *)&b)[byte] ^= (uint8_t)(1u << bit);
			if ((flowcache_hash(&b) & 0xfff) == (h & 0xfff))
				same++;
		}
	}
	ck_assert_uint_le(same, 4);
}
END_TEST

/* The memory budget of issue 18: a five-tuple packet touches one cache
 * line, and a cached flow costs at most 96 octets (128 with the
 * seven-tuple key part); it must not grow again unnoticed. */
START_TEST(entry_size_budget)
{
	struct recorder rc;
	struct flowcache *fc = mk(1u << 20, 1800, 15, &rc);

	ck_assert_uint_le(sizeof(struct flow_hot), 64);
	ck_assert_uint_le(flowcache_entry_bytes(fc), 96);
	flowcache_set_key_len(fc, FLOW_KEY_L2_LEN);
	ck_assert_uint_le(flowcache_entry_bytes(fc), 128);
	/* the tunnel endpoints: 2 x 16 octets more (see README) */
	flowcache_set_key_len(fc, FLOW_KEY_FULL_LEN);
	ck_assert_uint_le(flowcache_entry_bytes(fc), 160);
	done(fc, &rc);
}
END_TEST

/* FNF's measured elements (issue 16): minimum and maximum TTL and length,
 * the OR of the fragment flags, per flow, from its first packet on; kept
 * in a side table only while measuring, the entry unchanged otherwise. */
START_TEST(measured_side_table)
{
	static const struct flow_meas pk[] = {
		{ .len_min = 100,
		  .len_max = 100,
		  .ttl_min = 64,
		  .ttl_max = 64,
		  .frag = 0x40 },
		{ .len_min = 40, .len_max = 40, .ttl_min = 65, .ttl_max = 65 },
		{ .len_min = 1500,
		  .len_max = 1500,
		  .ttl_min = 3,
		  .ttl_max = 3,
		  .frag = 0x20 },
	};
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2);
	size_t plain = flowcache_entry_bytes(fc);
	size_t i;

	ck_assert_ptr_null(fc->meas);
	ck_assert_int_eq(flowcache_set_measure(fc, true), 0);
	ck_assert_uint_eq(flowcache_entry_bytes(fc),
			  plain + sizeof(struct flow_meas));
	for (i = 0; i < 3; i++)
		flowcache_update_measured(fc, &a, flowcache_hash(&a),
					  pk[i].len_min, 0, 0, T0 + i, 0, 0,
					  &pk[i]);
	/* a new flow starts from its own first packet, not from zero */
	flowcache_update_measured(fc, &b, flowcache_hash(&b), 40, 0, 0, T0, 0,
				  0, &pk[1]);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 2);
	for (i = 0; i < 2; i++) {
		const struct flow *f = &rc.r[i].f;

		if (f->packets == 3) {
			ck_assert_uint_eq(f->ttl_min, 3);
			ck_assert_uint_eq(f->ttl_max, 65);
			ck_assert_uint_eq(f->len_min, 40);
			ck_assert_uint_eq(f->len_max, 1500);
			ck_assert_uint_eq(f->frag_flags, 0x60);
		} else {
			ck_assert_uint_eq(f->ttl_min, 65);
			ck_assert_uint_eq(f->ttl_max, 65);
			ck_assert_uint_eq(f->len_min, 40);
			ck_assert_uint_eq(f->frag_flags, 0);
		}
	}
	ck_assert_int_eq(flowcache_set_measure(fc, false), 0);
	ck_assert_ptr_null(fc->meas);
	ck_assert_uint_eq(flowcache_entry_bytes(fc), plain);
	done(fc, &rc);
}
END_TEST

/* Counters past the hot entry's bits carry exactly (65,536 packets,
 * 2^23 octets), in flushes, timers and the listing alike. */
START_TEST(counters_carry)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2);
	struct flow f;
	uint64_t i, n = 200000, oct = 0;

	for (i = 0; i < n; i++) {
		uint32_t o = i % 7 == 0 ? 65535 : (uint32_t)(40 + i % 1460);

		flowcache_update(fc, &a, o, 0x10, 0, T0 + i * 1000);
		oct += o;
	}
	flowcache_update(fc, &b, 0xffffffffu, 0, 0, T0);
	flowcache_update(fc, &b, 0xffffffffu, 0, 0, T0 + 1);
	ck_assert(flowcache_get(fc, 1, &f));
	ck_assert_uint_eq(f.packets, n);
	ck_assert_uint_eq(f.octets, oct);
	ck_assert_uint_eq(f.tcp_flags, 0x10);
	ck_assert_uint_eq(f.first_ns, T0);
	ck_assert_uint_eq(f.last_ns, T0 + (n - 1) * 1000);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_uint_eq(rc.r[0].f.packets, n);
	ck_assert_uint_eq(rc.r[0].f.octets, oct);
	ck_assert_uint_eq(rc.r[1].f.packets, 2);
	ck_assert_uint_eq(rc.r[1].f.octets, 2 * 0xffffffffull);
	/* a reused entry starts from zero */
	flowcache_update(fc, &b, 40, 0, 0, T0 + 2 * NS);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.r[2].f.packets, 1);
	ck_assert_uint_eq(rc.r[2].f.octets, 40);
	done(fc, &rc);
}
END_TEST

/* first_ns stays exact in ns when the flow spans more than 2^32 ns and
 * more than the hint's range (a timeout of days, a packet from the past),
 * and the active timer still cuts at the exact ns. */
START_TEST(first_ns_exact_far)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 40 * 3600, 40 * 3600, &rc);
	struct flow_key a = key_n(1), b = key_n(2);
	uint64_t t0 = T0 + 123456789, h = 3600 * NS;
	struct flow f;

	flowcache_update(fc, &a, 40, 0, 0, t0);
	flowcache_update(fc, &a, 40, 0, 0, t0 + 5 * NS + 7);
	ck_assert(flowcache_get(fc, 1, &f));
	ck_assert_uint_eq(f.first_ns, t0);
	/* past 2^46 ns (19.5 h) between first and last: no hint */
	flowcache_update(fc, &a, 40, 0, 0, t0 + 20 * h);
	flowcache_update(fc, &a, 40, 0, 0, t0 + 39 * h);
	ck_assert(flowcache_get(fc, 1, &f));
	ck_assert_uint_eq(f.first_ns, t0);
	ck_assert_uint_eq(f.last_ns, t0 + 39 * h);
	/* an older packet lowers it, exactly */
	flowcache_update(fc, &a, 40, 0, 0, t0 - 3);
	ck_assert(flowcache_get(fc, 1, &f));
	ck_assert_uint_eq(f.first_ns, t0 - 3);
	/* the active timeout (40 h) to the ns */
	flowcache_update(fc, &a, 40, 0, 0, t0 - 3 + 40 * h - 1);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_update(fc, &a, 40, 0, 0, t0 - 3 + 40 * h);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_uint_eq(rc.r[0].reason, FLOW_END_ACTIVE);
	ck_assert_uint_eq(rc.r[0].f.packets, 6);
	ck_assert_uint_eq(rc.r[0].f.first_ns, t0 - 3);
	ck_assert_uint_eq(rc.r[0].f.last_ns, t0 - 3 + 40 * h - 1);

	/* near the hint: the active timer (30 s) to the ns */
	done(fc, &rc);
	fc = mk(16, 30, 15, &rc);
	flowcache_update(fc, &b, 40, 0, 0, t0 + 999);
	flowcache_update(fc, &b, 40, 0, 0, t0 + 999 + 10 * NS);
	flowcache_update(fc, &b, 40, 0, 0, t0 + 999 + 20 * NS);
	flowcache_update(fc, &b, 40, 0, 0, t0 + 999 + 30 * NS - 1);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_update(fc, &b, 40, 0, 0, t0 + 999 + 30 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_uint_eq(rc.r[0].reason, FLOW_END_ACTIVE);
	ck_assert_uint_eq(rc.r[0].f.packets, 4);
	ck_assert_uint_eq(rc.r[0].f.first_ns, t0 + 999);
	done(fc, &rc);
}
END_TEST

/* The extended key lives in a side table: flows that differ only there
 * stay apart and leave with their whole key. */
START_TEST(extended_key_side_table)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(1), c = key_n(1);

	flowcache_set_key_len(fc, FLOW_KEY_FULL_LEN);
	a.ethertype = 0x0800;
	memcpy(a.smac, "\x02\0\0\0\0\x01", 6);
	b = a;
	b.smac[5] = 2;
	c = a;
	c.tun_ver = 6;
	c.tun_dst[15] = 9;
	flowcache_update(fc, &a, 40, 0, 0, T0);
	flowcache_update(fc, &b, 50, 0, 0, T0);
	flowcache_update(fc, &c, 60, 0, 0, T0);
	flowcache_update(fc, &a, 40, 0, 0, T0 + 1);
	flowcache_update(fc, &c, 60, 0, 0, T0 + 1);
	ck_assert_uint_eq(fc->used, 3);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.n, 3);
	ck_assert_mem_eq(&rc.r[0].f.key, &a, sizeof(a));
	ck_assert_uint_eq(rc.r[0].f.packets, 2);
	ck_assert_mem_eq(&rc.r[1].f.key, &b, sizeof(b));
	ck_assert_uint_eq(rc.r[1].f.packets, 1);
	ck_assert_mem_eq(&rc.r[2].f.key, &c, sizeof(c));
	ck_assert_uint_eq(rc.r[2].f.octets, 120);
	done(fc, &rc);
}
END_TEST

/* The packet path of a cached flow touches only its hot entry: its later
 * packets leave its place in the inactive timer's wheel (and its
 * neighbours') alone; the ager moves it when it comes to its slot. */
START_TEST(packets_leave_wheel)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 15, &rc);
	struct flow_key a = key_n(1), b = key_n(2), c = key_n(3);
	struct flow_cold before[4];
	uint32_t s;

	flowcache_update(fc, &a, 40, 0, 0, T0);
	flowcache_update(fc, &b, 40, 0, 0, T0);
	flowcache_update(fc, &c, 40, 0, 0, T0);
	memcpy(before, fc->cold, sizeof(before));
	for (s = 1; s < 14; s++)
		flowcache_update(fc, &b, 40, 0, 0, T0 + s * NS);
	ck_assert_mem_eq(before, fc->cold, sizeof(before));
	/* at T0 + 15 s: a and c are idle, b is moved, not expired */
	flowcache_expire(fc, T0 + 15 * NS);
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_mem_eq(&rc.r[0].f.key, &a, sizeof(a));
	ck_assert_mem_eq(&rc.r[1].f.key, &c, sizeof(c));
	for (s = 16; s < 28; s++) {
		flowcache_expire(fc, T0 + s * NS - 1);
		ck_assert_uint_eq(rc.n, 2);
	}
	flowcache_expire(fc, T0 + 28 * NS);
	ck_assert_uint_eq(rc.n, 3);
	ck_assert_int_eq(rc.r[2].reason, FLOW_END_IDLE);
	ck_assert_uint_eq(rc.r[2].f.packets, 14);
	done(fc, &rc);
}
END_TEST

/* An idle timeout longer than the wheel's span of one-second ticks
 * (65536 s) still fires within the second it is due, driven as the
 * worker drives it (ticks at next_due, a second apart at least). */
START_TEST(inactive_beyond_span)
{
	struct recorder rc;
	const uint64_t idle = 100000;
	struct flowcache *fc = mk(16, 10 * idle, idle, &rc);
	struct flow_key a = key_n(1);
	uint64_t due, t = T0;
	int ticks = 0;

	flowcache_update(fc, &a, 40, 0, 0, T0);
	flowcache_update(fc, &a, 40, 0, 0, T0 + 5 * NS);
	while (fc->used) {
		due = flowcache_next_due(fc);
		ck_assert_uint_le(due, T0 + 5 * NS + idle * NS);
		t = due > t + NS ? due : t + NS;
		flowcache_expire(fc, t);
		ticks++;
		ck_assert_int_lt(ticks, 10);
	}
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_IDLE);
	ck_assert_uint_ge(t, T0 + 5 * NS + idle * NS);
	ck_assert_uint_lt(t, T0 + 6 * NS + idle * NS);
	done(fc, &rc);
}
END_TEST

/* A silence longer than the wheel's span: one ager call at its end
 * looks at every slot and expires every idle flow. */
START_TEST(silence_beyond_span)
{
	struct recorder rc;
	struct flowcache *fc = mk(4096, 1000000, 30, &rc);
	struct flow_key k;
	uint32_t i;

	for (i = 0; i < 3000; i++) {
		k = key_n(i);
		flowcache_update(fc, &k, 40, 0, 0, T0 + (uint64_t)i * 7 * NS);
	}
	flowcache_expire(fc, T0 + 3000ull * 7 * NS + 200000 * NS);
	ck_assert_uint_eq(rc.n, 3000);
	ck_assert_uint_eq(fc->used, 0);
	for (i = 0; i < 3000; i++)
		ck_assert_int_eq(rc.r[i].reason, FLOW_END_IDLE);
	done(fc, &rc);
}
END_TEST

/* A reload that shortens the idle timeout: cached flows leave at the new
 * one, not at the old slot's second. */
START_TEST(timeouts_shortened)
{
	struct recorder rc;
	struct flowcache *fc = mk(16, 1800, 300, &rc);
	struct flow_key a = key_n(1);

	flowcache_update(fc, &a, 40, 0, 0, T0);
	flowcache_expire(fc, T0 + 5 * NS);
	flowcache_set_timeouts(fc, 1800 * NS, 15 * NS);
	ck_assert_uint_eq(fc->inactive_ns, 15 * NS);
	ck_assert_int_eq(flowcache_check(fc), 1);
	flowcache_expire(fc, T0 + 15 * NS - 1);
	ck_assert_uint_eq(rc.n, 0);
	flowcache_expire(fc, T0 + 15 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_IDLE);
	done(fc, &rc);
}
END_TEST

/* Pressure takes the least recently used flow, past flows that went on
 * since they were slotted (moved on the way), also with an idle timeout
 * past the wheel's span of one-second ticks (ticks of 4 s here). */
START_TEST(pressure_lru_long_idle)
{
	struct recorder rc;
	struct flowcache *fc = mk(3, 1000000, 200000, &rc);
	struct flow_key k[5];
	uint32_t i;

	for (i = 0; i < 5; i++)
		k[i] = key_n(i);
	for (i = 0; i < 3; i++)
		flowcache_update(fc, &k[i], 100, 0, 0, T0 + i * NS);
	/* 0 and 1 go on, 2 is the least recent */
	flowcache_update(fc, &k[0], 100, 0, 0, T0 + 10 * NS);
	flowcache_update(fc, &k[1], 100, 0, 0, T0 + 11 * NS);
	flowcache_update(fc, &k[3], 100, 0, 0, T0 + 12 * NS);
	ck_assert_uint_eq(rc.n, 1);
	ck_assert_int_eq(rc.r[0].reason, FLOW_END_RESOURCES);
	ck_assert_mem_eq(&rc.r[0].f.key, &k[2], sizeof(k[2]));
	flowcache_update(fc, &k[4], 100, 0, 0, T0 + 13 * NS);
	ck_assert_uint_eq(rc.n, 2);
	ck_assert_mem_eq(&rc.r[1].f.key, &k[0], sizeof(k[0]));
	ck_assert_int_eq(flowcache_check(fc), 3);
	flowcache_flush(fc, FLOW_END_FORCED);
	ck_assert_uint_eq(rc.packets, 7);
	done(fc, &rc);
}
END_TEST

static Suite *flowcache_suite(void)
{
	Suite *s = suite_create("flowcache");
	TCase *tc;

	tc = tcase_create("accounting");
	tcase_add_test(tc, accumulate);
	tcase_add_test(tc, distinct_keys);
	tcase_add_test(tc, new_bad_capacity);
	tcase_add_test(tc, hash_spreads);
	tcase_add_test(tc, entry_size_budget);
	tcase_add_test(tc, counters_carry);
	tcase_add_test(tc, measured_side_table);
	tcase_add_test(tc, extended_key_side_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("timers");
	tcase_add_test(tc, inactive_by_expire);
	tcase_add_test(tc, inactive_by_expire_subsecond);
	tcase_add_test(tc, inactive_by_packet);
	tcase_add_test(tc, active_by_packet);
	tcase_add_test(tc, active_by_expire);
	tcase_add_test(tc, active_timer_alone);
	tcase_add_test(tc, time_backwards);
	tcase_add_test(tc, time_zero_start);
	tcase_add_test(tc, time_end_of_range);
	tcase_add_test(tc, next_due_across_silence);
	tcase_add_test(tc, first_ns_exact_far);
	tcase_add_test(tc, packets_leave_wheel);
	tcase_add_test(tc, inactive_beyond_span);
	tcase_add_test(tc, silence_beyond_span);
	tcase_add_test(tc, timeouts_shortened);
	suite_add_tcase(s, tc);

	tc = tcase_create("end");
	tcase_add_test(tc, fin_rst);
	tcase_add_test(tc, flush_forced);
	suite_add_tcase(s, tc);

	tc = tcase_create("pressure");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pressure_lru);
	tcase_add_test(tc, pressure_lru_touched);
	tcase_add_test(tc, pressure_lru_long_idle);
	tcase_add_test(tc, conservation_random);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flowcache_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
