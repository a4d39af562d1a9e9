// SPDX-License-Identifier: BSD-2-Clause
/*
 * flowcache.c - fixed-size flow cache with O(1) packet path.
 *
 * Timers. Moving an entry to the LRU tail on every packet would touch its
 * two neighbours, two cache misses per packet on a large cache. Instead an
 * entry is moved on its first packet in each second of packet time: its
 * 'stamp' is that second, the LRU list is ordered by stamp, and the last
 * packet of a flow lies within its stamp second. The inactive scan stops
 * at the first stamp too recent to hold an idle flow. The packet path also
 * checks both timers, so a record never spans an idle gap or the active
 * timeout even between two scans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "flowcache.h"

#define NS 1000000000ull

/* a + b, or UINT64_MAX: a timer of a packet near the end of 64-bit
 * nanoseconds (year 2554) never wraps to the past */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The second of ns since the base; the last one past 136 years (the
 * stamps only order the LRU list: the scan then checks more entries) */
static uint32_t stamp_of(const struct flowcache *fc, uint64_t ns)
{
	uint64_t s = ns > fc->base_ns ? (ns - fc->base_ns) / NS : 0;

	return s < UINT32_MAX ? (uint32_t)s : UINT32_MAX;
}

uint32_t flowcache_hash_len(const struct flow_key *k, uint32_t len)
{
	/* multiply-rotate mixing over 8-octet words and a 4-octet tail */
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0x2d358dccaa6c78a5ull, w;
	uint32_t t, i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	if (i < len) {
		memcpy(&t, p + i, 4);
		h = (h ^ t) * 0xbf58476d1ce4e5b9ull;
	}
	h ^= h >> 32;
	return (uint32_t)h;
}

uint32_t flowcache_hash(const struct flow_key *k)
{
	return flowcache_hash_len(k, FLOW_KEY_BASE_LEN);
}

void flowcache_set_key_len(struct flowcache *fc, uint32_t len)
{
	fc->key_len = len == FLOW_KEY_FULL_LEN ? len : FLOW_KEY_BASE_LEN;
}

/*
 * Anonymous zero pages: an entry costs memory only when first used, so RSS
 * follows the flows, not the capacity. Huge pages where the kernel allows
 * them: a large cache is touched at random, and 4 KiB pages would add a
 * TLB miss to the cache miss of nearly every packet.
 */
static void *map_zeroed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (len >= (2u << 20))
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

struct flowcache *flowcache_new(uint32_t capacity, uint64_t active_ns,
				uint64_t inactive_ns, flow_expire_fn expire,
				void *ctx)
{
	struct flowcache *fc;
	uint32_t nb = 16;

	if (capacity == 0 || capacity > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	/* about two entries per bucket when full: chains stay short and the
	 * bucket array costs 2 octets per entry */
	while (nb < capacity / 2)
		nb <<= 1;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return NULL;
	fc->pool_bytes = ((size_t)capacity + 1) * sizeof(struct flow);
	fc->bucket_bytes = (size_t)nb * sizeof(uint32_t);
	fc->pool = map_zeroed(fc->pool_bytes);
	fc->buckets = map_zeroed(fc->bucket_bytes);
	if (!fc->pool || !fc->buckets) {
		flowcache_free(fc);
		errno = ENOMEM;
		return NULL;
	}
	fc->capacity = capacity;
	fc->mask = nb - 1;
	fc->next_unused = 1;
	fc->key_len = FLOW_KEY_BASE_LEN;
	fc->active_ns = active_ns;
	fc->inactive_ns = inactive_ns;
	fc->expire = expire;
	fc->expire_ctx = ctx;
	return fc;
}

void flowcache_free(struct flowcache *fc)
{
	if (!fc)
		return;
	if (fc->pool)
		munmap(fc->pool, fc->pool_bytes);
	if (fc->buckets)
		munmap(fc->buckets, fc->bucket_bytes);
	free(fc);
}

static void lru_unlink(struct flow *pool, uint32_t i)
{
	struct flow *f = &pool[i];

	pool[f->lru_prev].lru_next = f->lru_next;
	pool[f->lru_next].lru_prev = f->lru_prev;
}

static void lru_append(struct flow *pool, uint32_t i)
{
	struct flow *s = &pool[0], *f = &pool[i];

	f->lru_prev = s->lru_prev;
	f->lru_next = 0;
	pool[s->lru_prev].lru_next = i;
	s->lru_prev = i;
}

static void age_unlink(struct flow *pool, uint32_t i)
{
	struct flow *f = &pool[i];

	pool[f->age_prev].age_next = f->age_next;
	pool[f->age_next].age_prev = f->age_prev;
}

static void age_append(struct flow *pool, uint32_t i)
{
	struct flow *s = &pool[0], *f = &pool[i];

	f->age_prev = s->age_prev;
	f->age_next = 0;
	pool[s->age_prev].age_next = i;
	s->age_prev = i;
}

/* Hand the flow to the exporter, then unlink and free its entry. */
static void flow_remove(struct flowcache *fc, uint32_t i,
			enum flow_end_reason reason)
{
	struct flow *f = &fc->pool[i];
	uint32_t *pp = &fc->buckets[flowcache_hash_len(&f->key, fc->key_len) &
				    fc->mask];

	fc->expire(fc->expire_ctx, f, reason);
	fc->stats.expired[reason]++;

	while (*pp != i)
		pp = &fc->pool[*pp].hnext;
	*pp = f->hnext;
	lru_unlink(fc->pool, i);
	age_unlink(fc->pool, i);
	f->hnext = fc->free_list;
	f->live = 0;
	fc->free_list = i;
	fc->used--;
}

/*
 * Cache pressure (RFC 5102 flowEndReason 5): export the least recently
 * used entry, the LRU head (exact to the second of the LRU stamps).
 */
static void evict_one(struct flowcache *fc)
{
	flow_remove(fc, fc->pool[0].lru_next, FLOW_END_RESOURCES);
}

static uint32_t flow_alloc(struct flowcache *fc)
{
	uint32_t i;

	if (fc->used == fc->capacity)
		evict_one(fc);
	if (fc->free_list) {
		i = fc->free_list;
		fc->free_list = fc->pool[i].hnext;
	} else {
		i = fc->next_unused++;
	}
	fc->used++;
	return i;
}

void flowcache_update(struct flowcache *fc, const struct flow_key *key,
		      uint32_t octets, uint8_t tcp_flags, uint8_t tos,
		      uint64_t ts_ns)
{
	flowcache_update_hashed(fc, key, flowcache_hash_len(key, fc->key_len),
				octets, tcp_flags, tos, ts_ns, 0, 0);
}

void flowcache_update_hashed(struct flowcache *fc, const struct flow_key *key,
			     uint32_t hash, uint32_t octets, uint8_t tcp_flags,
			     uint8_t tos, uint64_t ts_ns, uint32_t cpu,
			     uint32_t oif)
{
	uint32_t h = hash & fc->mask;
	uint32_t i, now;
	struct flow *f;

	if (!fc->based) {
		fc->base_ns = ts_ns;
		fc->based = true;
	}
	if (ts_ns > fc->clock_ns)
		fc->clock_ns = ts_ns;
	now = stamp_of(fc, fc->clock_ns);

	for (i = fc->buckets[h]; i; i = fc->pool[i].hnext)
		if (memcmp(&fc->pool[i].key, key, fc->key_len) == 0)
			break;

	if (i) {
		f = &fc->pool[i];
		/* a packet after the idle gap or past the active timeout starts
		 * a new record; the old one leaves with its own reason */
		if (ts_ns >= add_sat(f->last_ns, fc->inactive_ns)) {
			flow_remove(fc, i, FLOW_END_IDLE);
			i = 0;
		} else if (ts_ns >= add_sat(f->first_ns, fc->active_ns)) {
			flow_remove(fc, i, FLOW_END_ACTIVE);
			i = 0;
		}
	}

	if (!i) {
		i = flow_alloc(fc);
		f = &fc->pool[i];
		memcpy(&f->key, key, sizeof(*key));
		f->hnext = fc->buckets[h];
		fc->buckets[h] = i;
		f->packets = 0;
		f->octets = 0;
		f->first_ns = ts_ns;
		f->last_ns = ts_ns;
		f->tcp_flags = 0;
		f->tos = tos;
		f->cpu = cpu;
		f->oif = oif;
		f->live = 1;
		f->stamp = now;
		lru_append(fc->pool, i);
		age_append(fc->pool, i);
		fc->stats.added++;
	} else if (f->stamp != now) {
		lru_unlink(fc->pool, i);
		f->stamp = now;
		lru_append(fc->pool, i);
	}

	f->packets++;
	f->octets += octets;
	f->tcp_flags |= tcp_flags;
	if (ts_ns > f->last_ns)
		f->last_ns = ts_ns;
	else if (ts_ns < f->first_ns)
		f->first_ns = ts_ns;

	/* TCP FIN or RST: the end of the flow is detected (flowEndReason 3) */
	if (tcp_flags & 0x05)
		flow_remove(fc, i, FLOW_END_OF_FLOW);
}

void flowcache_expire(struct flowcache *fc, uint64_t now_ns)
{
	struct flow *pool = fc->pool;
	uint32_t i, next;

	if (now_ns > fc->clock_ns)
		fc->clock_ns = now_ns;
	now_ns = fc->clock_ns;
	fc->stats.ager_polls++;

	/*
	 * inactive: from the LRU head while an entry's stamp second could
	 * hold an idle flow. An entry is moved on the first packet of every
	 * second, so its last packet lies within its stamp second: the ones
	 * not idle yet are passed over (not moved) and due within a second.
	 */
	for (i = pool[0].lru_next; i; i = next) {
		struct flow *f = &pool[i];
		uint64_t stamp_ns = fc->base_ns + (uint64_t)f->stamp * NS;

		if (add_sat(stamp_ns, fc->inactive_ns) > now_ns)
			break;
		next = f->lru_next;
		if (add_sat(f->last_ns, fc->inactive_ns) <= now_ns)
			flow_remove(fc, i, FLOW_END_IDLE);
	}

	/* active: the age list is in order of creation, i.e. of first_ns */
	while (pool[0].age_next) {
		i = pool[0].age_next;

		if (add_sat(pool[i].first_ns, fc->active_ns) > now_ns)
			break;
		flow_remove(fc, i, FLOW_END_ACTIVE);
	}
}

uint64_t flowcache_next_due(const struct flowcache *fc)
{
	const struct flow *pool = fc->pool;
	uint64_t due = UINT64_MAX, t;

	/* the LRU head's stamp second bounds its idle timer from below;
	 * the age head's is exact */
	if (pool[0].lru_next) {
		t = fc->base_ns + (uint64_t)pool[pool[0].lru_next].stamp * NS;
		due = add_sat(t, fc->inactive_ns);
	}
	if (pool[0].age_next) {
		t = add_sat(pool[pool[0].age_next].first_ns, fc->active_ns);
		if (t < due)
			due = t;
	}
	return due;
}

void flowcache_flush(struct flowcache *fc, enum flow_end_reason reason)
{
	struct flow *pool = fc->pool;
	uint32_t i;

	/* every flow goes: walk the pool in memory order (a sequential scan,
	 * where the LRU order costs a cache miss a hop), then reset it all */
	for (i = 1; i < fc->next_unused; i++) {
		if (!pool[i].live)
			continue;
		fc->expire(fc->expire_ctx, &pool[i], reason);
		fc->stats.expired[reason]++;
		pool[i].live = 0;
	}
	memset(fc->buckets, 0, fc->bucket_bytes);
	memset(&pool[0], 0, sizeof(pool[0]));
	fc->free_list = 0;
	fc->next_unused = 1;
	fc->used = 0;
}
