// SPDX-License-Identifier: BSD-2-Clause
/*
 * flowcache.c - fixed-size flow cache with O(1) packet path.
 *
 * Entries. A flow is split over arrays of the same index: the hot entry
 * (struct flow_hot, one 64-octet cache line) holds all a packet of a
 * five-tuple flow reads or writes: the five-tuple part of the key, the
 * hash chain link, last_ns, and in one 64-bit word the low bits of the
 * counters, the TCP flags and a hint of first_ns. The cold entry holds
 * the list links and what only the start and the end of a flow need. The
 * key octets past the five-tuple part live in a side table of the
 * configured key length's stride (nothing when templates ask for none),
 * and a flow whose counters carry out of the hot word or whose first_ns
 * is too far behind its last_ns for the hint also has a struct flow_big.
 * All are anonymous mappings touched only as they fill.
 *
 * Times. last_ns is exact in the hot entry. first_ns is its low 32 bits
 * (cold) and bits 32..47 (the hint, hot): its upper bits follow from
 * last_ns as long as last_ns - first_ns < 2^46 ns (19 hours); a flow
 * beyond that keeps first_ns in its flow_big (FH_FAR). The hint alone is
 * a lower bound of first_ns that answers the active timer of nearly every
 * packet without the cold entry.
 *
 * Timers. The inactive timer is a wheel of slots, a tick of time each (a
 * second; more for an idle timeout longer than the wheel's span of
 * WHEEL_SLOTS seconds, 18 hours): an entry sits in the slot of the tick
 * its idle timer would fire in, as of when it was slotted (its creation,
 * or the last time the ager looked at it).
 * A packet only moves last_ns forward, which can only make the timer
 * later, so the packet path never touches the wheel: a list move per
 * packet would cost two or three cache misses on a large cache. The ager
 * visits the slots of the ticks that have passed, and the current one at
 * each call (exact to the call); an entry whose flow went on since it was
 * slotted is moved to the slot of its new tick, once per inactive timeout
 * at most. The active timer
 * is the age list, in order of creation (first_ns). The packet path also
 * checks both timers, so a record never spans an idle gap or the active
 * timeout even between two scans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../common/clock.h"
#include "flowcache.h"

/* struct flow_hot.w */
#define FH_PKTS_BITS 16
#define FH_OCTS_SHIFT 16
#define FH_OCTS_BITS 23
#define FH_FAR (1ull << 39) /* first_ns is in the flow_big */
#define FH_FLAGS_SHIFT 40
#define FH_HINT_SHIFT 48
#define FH_PKTS_MASK ((1ull << FH_PKTS_BITS) - 1)
#define FH_OCTS_MASK ((1ull << FH_OCTS_BITS) - 1)
/* last_ns - first_ns below this: the hint gives first_ns's upper bits */
#define FAR_NS (1ull << 46)

/* The inactive timer's wheel: WHEEL_SLOTS ticks, a power of two */
#define WHEEL_SLOTS (1u << 16)
#define WHEEL_MASK (WHEEL_SLOTS - 1)
/* a wheel link naming a slot, not an entry (capacity < 2^30) */
#define WHEEL_SLOT (1u << 31)
#define WHEEL_BYTES (WHEEL_SLOTS * sizeof(struct wheel_slot))

/* struct flow_cold.flags */
#define FC_LIVE 1 /* in use (not on the free list) */
#define FC_BIG 2  /* big[i] holds counters (and first_ns if FH_FAR) */

/* a + b, or UINT64_MAX: a timer of a packet near the end of 64-bit
 * nanoseconds (year 2554) never wraps to the past */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The tick of ns since the base (0 before it) */
static uint64_t tick_of(const struct flowcache *fc, uint64_t ns)
{
	return ns > fc->base_ns ? (ns - fc->base_ns) / fc->tick_ns : 0;
}

/* The start of tick t; UINT64_MAX past the range */
static uint64_t tick_start(const struct flowcache *fc, uint64_t t)
{
	if (t > (UINT64_MAX - fc->base_ns) / fc->tick_ns)
		return UINT64_MAX;
	return fc->base_ns + t * fc->tick_ns;
}

/* A second, or the whole seconds that make the wheel span the idle
 * timeout and two ticks more: a timer never waits a turn of the wheel */
static uint64_t tick_for(uint64_t inactive_ns)
{
	uint64_t s = inactive_ns / NS + 2;

	return (s + WHEEL_SLOTS - 1) / WHEEL_SLOTS * NS;
}

/* first_ns's bits 32 and up, from the hint and last_ns (not FH_FAR) */
static uint64_t first_hi(const struct flow_hot *h)
{
	uint64_t l = h->last_ns >> 32;

	return l - ((l - (h->w >> FH_HINT_SHIFT)) & 0xffff);
}

/* A lower bound of first_ns from the hot entry alone; 0 if FH_FAR */
static uint64_t first_floor(const struct flow_hot *h)
{
	return h->w & FH_FAR ? 0 : first_hi(h) << 32;
}

static uint64_t first_of(const struct flowcache *fc, uint32_t i)
{
	const struct flow_hot *h = &fc->pool[i];

	if (h->w & FH_FAR)
		return fc->big[i].first_ns;
	return first_hi(h) << 32 | fc->cold[i].first_lo;
}

/* The flow_big of entry i, zeroed when it is first needed */
static struct flow_big *big_of(struct flowcache *fc, uint32_t i)
{
	if (!(fc->cold[i].flags & FC_BIG)) {
		memset(&fc->big[i], 0, sizeof(fc->big[i]));
		fc->cold[i].flags |= FC_BIG;
	}
	return &fc->big[i];
}

/* Set first_ns of entry i (its last_ns already set, t <= last_ns) */
static void set_first(struct flowcache *fc, uint32_t i, uint64_t t)
{
	struct flow_hot *h = &fc->pool[i];

	if (!(h->w & FH_FAR) && h->last_ns - t >= FAR_NS)
		h->w |= FH_FAR;
	if (h->w & FH_FAR) {
		big_of(fc, i)->first_ns = t;
		return;
	}
	h->w = (h->w & ~(0xffffull << FH_HINT_SHIFT)) |
	       ((t >> 32) & 0xffff) << FH_HINT_SHIFT;
	fc->cold[i].first_lo = (uint32_t)t;
}

/* Set last_ns of entry i to t >= last_ns, keeping first_ns */
static void set_last(struct flowcache *fc, uint32_t i, uint64_t t)
{
	struct flow_hot *h = &fc->pool[i];
	uint64_t first;

	/* the hint is bits 32..47 of first_ns: it stays exact while
	 * last_ns - first_ns < FAR_NS, which first_floor() bounds */
	if (!(h->w & FH_FAR) && t - first_floor(h) >= FAR_NS) {
		first = first_of(fc, i);
		h->w |= FH_FAR;
		big_of(fc, i)->first_ns = first;
	}
	h->last_ns = t;
}

/* Count a packet of octets in entry i */
static void count(struct flowcache *fc, uint32_t i, uint32_t octets,
		  uint8_t tcp_flags)
{
	struct flow_hot *h = &fc->pool[i];
	uint64_t w = h->w, p = (w & FH_PKTS_MASK) + 1,
		 o = (w >> FH_OCTS_SHIFT & FH_OCTS_MASK) + octets;

	if (__builtin_expect(p > FH_PKTS_MASK || o > FH_OCTS_MASK, 0)) {
		struct flow_big *b = big_of(fc, i);

		b->packets += p & ~FH_PKTS_MASK;
		b->octets += o & ~FH_OCTS_MASK;
		p &= FH_PKTS_MASK;
		o &= FH_OCTS_MASK;
	}
	w &= ~(FH_PKTS_MASK | FH_OCTS_MASK << FH_OCTS_SHIFT);
	h->w = w | p | o << FH_OCTS_SHIFT |
	       (uint64_t)tcp_flags << FH_FLAGS_SHIFT;
}

bool flowcache_get(const struct flowcache *fc, uint32_t i, struct flow *out)
{
	const struct flow_hot *h = &fc->pool[i];
	const struct flow_cold *c = &fc->cold[i];

	if (!(c->flags & FC_LIVE))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(&out->key, h->key, FLOW_KEY_BASE_LEN);
	if (fc->ext_len)
		memcpy((uint8_t *)&out->key + FLOW_KEY_BASE_LEN,
		       fc->ext + (size_t)i * fc->ext_len, fc->ext_len);
	out->oif = c->oif;
	out->cpu = c->cpu;
	out->packets = h->w & FH_PKTS_MASK;
	out->octets = h->w >> FH_OCTS_SHIFT & FH_OCTS_MASK;
	if (c->flags & FC_BIG) {
		out->packets += fc->big[i].packets;
		out->octets += fc->big[i].octets;
	}
	out->first_ns = first_of(fc, i);
	out->last_ns = h->last_ns;
	out->tcp_flags = (uint8_t)(h->w >> FH_FLAGS_SHIFT);
	out->tos = c->tos;
	out->live = 1;
	if (fc->meas) {
		const struct flow_meas *m = &fc->meas[i];

		out->ttl_min = m->ttl_min;
		out->ttl_max = m->ttl_max;
		out->frag_flags = m->frag;
		out->len_min = m->len_min;
		out->len_max = m->len_max;
	}
	return true;
}

size_t flowcache_entry_bytes(const struct flowcache *fc)
{
	return sizeof(struct flow_hot) + sizeof(struct flow_cold) +
	       fc->ext_len + (fc->meas ? sizeof(struct flow_meas) : 0) +
	       fc->bucket_bytes / fc->capacity;
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
	/* a tunnel's key stops at tun_dst: the FNF keys after it are
	 * compared only when a template has one */
	if (len >= FLOW_KEY_FNF_LEN)
		fc->key_len = FLOW_KEY_FNF_LEN;
	else if (len >= FLOW_KEY_TUN_LEN)
		fc->key_len = FLOW_KEY_TUN_LEN;
	else if (len >= FLOW_KEY_L2_LEN)
		fc->key_len = FLOW_KEY_L2_LEN;
	else
		fc->key_len = FLOW_KEY_BASE_LEN;
	fc->ext_len = fc->key_len - FLOW_KEY_BASE_LEN;
}

/*
 * Anonymous zero pages: an entry costs memory only when first used, so RSS
 * follows the flows, not the capacity. Huge pages where the kernel allows
 * them for the tables touched at random by every flow: 4 KiB pages would
 * add a TLB miss to the cache miss of nearly every packet.
 */
static void *map_zeroed(size_t len, bool huge)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (huge && len >= (2u << 20))
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

static void unmap(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* The mapped sizes of the tables of n entries, in pool_bytes' order */
static size_t hot_bytes(size_t n)
{
	return n * sizeof(struct flow_hot);
}

static size_t cold_bytes(size_t n)
{
	return n * sizeof(struct flow_cold);
}

static size_t ext_bytes(size_t n)
{
	return n * (FLOW_KEY_FNF_LEN - FLOW_KEY_BASE_LEN);
}

static size_t big_bytes(size_t n)
{
	return n * sizeof(struct flow_big);
}

struct flowcache *flowcache_new(uint32_t capacity, uint64_t active_ns,
				uint64_t inactive_ns, flow_expire_fn expire,
				void *ctx)
{
	struct flowcache *fc;
	uint32_t nb = 16;
	size_t n;

	if (capacity == 0 || capacity > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	/* a bucket per entry (4 octets): each hop past a chain's head is a
	 * cache miss the batch's prefetch does not cover. The bench's 1M
	 * flows in a 4M cache: 0.024 such hops a packet, 0.10 with a
	 * bucket per two entries */
	while (nb < capacity)
		nb <<= 1;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return NULL;
	n = (size_t)capacity + 1;
	fc->capacity = capacity;
	fc->pool_bytes =
		hot_bytes(n) + cold_bytes(n) + ext_bytes(n) + big_bytes(n);
	fc->bucket_bytes = (size_t)nb * sizeof(uint32_t);
	fc->pool = map_zeroed(hot_bytes(n), true);
	fc->cold = map_zeroed(cold_bytes(n), true);
	/* the side tables: untouched (no memory) unless a template needs
	 * the extended key, or flows grow big */
	fc->ext = map_zeroed(ext_bytes(n), true);
	fc->big = map_zeroed(big_bytes(n), false);
	fc->buckets = map_zeroed(fc->bucket_bytes, true);
	fc->wheel = map_zeroed(WHEEL_BYTES, false);
	if (!fc->pool || !fc->cold || !fc->ext || !fc->big || !fc->buckets ||
	    !fc->wheel) {
		flowcache_free(fc);
		errno = ENOMEM;
		return NULL;
	}
	fc->mask = nb - 1;
	fc->next_unused = 1;
	fc->key_len = FLOW_KEY_BASE_LEN;
	fc->active_ns = active_ns;
	fc->inactive_ns = inactive_ns;
	fc->tick_ns = tick_for(inactive_ns);
	fc->expire = expire;
	fc->expire_ctx = ctx;
	fc->wheel_first = UINT64_MAX;
	return fc;
}

void flowcache_free(struct flowcache *fc)
{
	size_t n;

	if (!fc)
		return;
	n = (size_t)fc->capacity + 1;
	unmap(fc->pool, hot_bytes(n));
	unmap(fc->cold, cold_bytes(n));
	unmap(fc->ext, ext_bytes(n));
	unmap(fc->big, big_bytes(n));
	unmap(fc->meas, n * sizeof(struct flow_meas));
	unmap(fc->buckets, fc->bucket_bytes);
	unmap(fc->wheel, WHEEL_BYTES);
	free(fc);
}

/*
 * The wheel's lists. A slot holds its first and last entry (0: empty);
 * an entry's links name its neighbours or, at an end, WHEEL_SLOT | slot.
 * In a slot, entries are in the order they were slotted.
 */
static void wheel_unlink(struct flowcache *fc, uint32_t i)
{
	struct flow_cold *f = &fc->cold[i];
	uint32_t p = f->wprev, n = f->wnext;

	if (p & WHEEL_SLOT)
		fc->wheel[p & WHEEL_MASK].head = n & WHEEL_SLOT ? 0 : n;
	else
		fc->cold[p].wnext = n;
	if (n & WHEEL_SLOT)
		fc->wheel[n & WHEEL_MASK].tail = p & WHEEL_SLOT ? 0 : p;
	else
		fc->cold[n].wprev = p;
}

static void wheel_append(struct flowcache *fc, uint32_t i, uint64_t sec)
{
	uint32_t k = (uint32_t)(sec & WHEEL_MASK);
	struct wheel_slot *w = &fc->wheel[k];
	struct flow_cold *f = &fc->cold[i];

	f->wnext = WHEEL_SLOT | k;
	if (w->head) {
		f->wprev = w->tail;
		fc->cold[w->tail].wnext = i;
	} else {
		f->wprev = WHEEL_SLOT | k;
		w->head = i;
	}
	w->tail = i;
	if (sec < fc->wheel_first)
		fc->wheel_first = sec;
}

/* The tick entry i's idle timer fires in, as of its last_ns */
static uint64_t idle_tick(const struct flowcache *fc, uint32_t i)
{
	return tick_of(fc, add_sat(fc->pool[i].last_ns, fc->inactive_ns));
}

/* The slot entry i belongs in: its idle tick, within the wheel's span
 * from the ager's tick (past it only when the ager was not called for
 * longer than the span) */
static uint64_t slot_tick(const struct flowcache *fc, uint32_t i)
{
	uint64_t s = idle_tick(fc, i);

	if (s < fc->wheel_t)
		return fc->wheel_t;
	if (s - fc->wheel_t >= WHEEL_SLOTS)
		return fc->wheel_t + WHEEL_SLOTS - 1;
	return s;
}

static void age_unlink(struct flow_cold *cold, uint32_t i)
{
	struct flow_cold *f = &cold[i];

	cold[f->age_prev].age_next = f->age_next;
	cold[f->age_next].age_prev = f->age_prev;
}

static void age_append(struct flow_cold *cold, uint32_t i)
{
	struct flow_cold *s = &cold[0], *f = &cold[i];

	f->age_prev = s->age_prev;
	f->age_next = 0;
	cold[s->age_prev].age_next = i;
	s->age_prev = i;
}

/* Hand the flow in bucket b to the exporter, then unlink and free its
 * entry. */
static void flow_remove_in(struct flowcache *fc, uint32_t i, uint32_t b,
			   enum flow_end_reason reason)
{
	struct flow f;
	uint32_t *pp;

	flowcache_get(fc, i, &f);
	pp = &fc->buckets[b];
	fc->expire(fc->expire_ctx, &f, reason);
	fc->stats.expired[reason]++;

	while (*pp != i)
		pp = &fc->pool[*pp].hnext;
	*pp = fc->pool[i].hnext;
	wheel_unlink(fc, i);
	age_unlink(fc->cold, i);
	fc->pool[i].hnext = fc->free_list;
	fc->cold[i].flags = 0;
	fc->free_list = i;
	fc->used--;
}

/* The bucket of entry i, from its key */
static uint32_t bucket_of(const struct flowcache *fc, uint32_t i)
{
	struct flow_key k; /* only its first key_len octets are hashed */

	memcpy(&k, fc->pool[i].key, FLOW_KEY_BASE_LEN);
	if (fc->ext_len)
		memcpy((uint8_t *)&k + FLOW_KEY_BASE_LEN,
		       fc->ext + (size_t)i * fc->ext_len, fc->ext_len);
	return flowcache_hash_len(&k, fc->key_len) & fc->mask;
}

static void flow_remove(struct flowcache *fc, uint32_t i,
			enum flow_end_reason reason)
{
	flow_remove_in(fc, i, bucket_of(fc, i), reason);
}

/*
 * The timers' removals in a pipeline: the scan hashes an entry's key and
 * prefetches its bucket head EXPIRE_AHEAD removals before it unlinks the
 * entry from the chain, so that a scan removing thousands of flows does
 * not wait for one bucket miss after another. An entry waiting here is
 * still linked everywhere; the scan only reads past it.
 */
#define EXPIRE_AHEAD 8

struct expire_pipe {
	uint32_t i[EXPIRE_AHEAD], b[EXPIRE_AHEAD];
	enum flow_end_reason reason[EXPIRE_AHEAD];
	unsigned int n;
};

static void pipe_push(struct flowcache *fc, struct expire_pipe *p, uint32_t i,
		      enum flow_end_reason reason)
{
	unsigned int k = p->n % EXPIRE_AHEAD;
	uint32_t b = bucket_of(fc, i);

	__builtin_prefetch(&fc->buckets[b], 1);
	if (p->n >= EXPIRE_AHEAD)
		flow_remove_in(fc, p->i[k], p->b[k], p->reason[k]);
	p->i[k] = i;
	p->b[k] = b;
	p->reason[k] = reason;
	p->n++;
}

static void pipe_drain(struct flowcache *fc, struct expire_pipe *p)
{
	unsigned int k = p->n > EXPIRE_AHEAD ? p->n - EXPIRE_AHEAD : 0;

	for (; k < p->n; k++)
		flow_remove_in(fc, p->i[k % EXPIRE_AHEAD],
			       p->b[k % EXPIRE_AHEAD],
			       p->reason[k % EXPIRE_AHEAD]);
	p->n = 0;
}

/*
 * Cache pressure (RFC 5102 flowEndReason 5): export the least recently
 * used flow, exact to the tick: the first of the earliest slot whose
 * flow did not go on since it was slotted. Those that did move to their
 * own slot on the way, which is later: the search ends within the span.
 */
static void evict_one(struct flowcache *fc)
{
	uint64_t s = fc->wheel_first > fc->wheel_t ? fc->wheel_first
						   : fc->wheel_t;
	uint32_t i, n;

	for (;; s++) {
		for (i = fc->wheel[s & WHEEL_MASK].head; i; i = n) {
			n = fc->cold[i].wnext & WHEEL_SLOT ? 0
							   : fc->cold[i].wnext;
			if (slot_tick(fc, i) <= s) {
				fc->wheel_first = s;
				flow_remove(fc, i, FLOW_END_RESOURCES);
				return;
			}
			wheel_unlink(fc, i);
			wheel_append(fc, i, slot_tick(fc, i));
		}
		fc->wheel_first = s + 1;
	}
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

/* Does entry i hold key? */
static bool key_eq(const struct flowcache *fc, uint32_t i,
		   const struct flow_key *key)
{
	if (memcmp(fc->pool[i].key, key, FLOW_KEY_BASE_LEN) != 0)
		return false;
	return !fc->ext_len || memcmp(fc->ext + (size_t)i * fc->ext_len,
				      (const uint8_t *)key + FLOW_KEY_BASE_LEN,
				      fc->ext_len) == 0;
}

int flowcache_set_measure(struct flowcache *fc, bool on)
{
	size_t bytes = ((size_t)fc->capacity + 1) * sizeof(struct flow_meas);

	if (on && !fc->meas) {
		fc->meas = map_zeroed(bytes, true);
		if (!fc->meas)
			return -ENOMEM;
	} else if (!on && fc->meas) {
		unmap(fc->meas, bytes);
		fc->meas = NULL;
	}
	return 0;
}

/* Packet m into the measured elements of entry i, a new flow's first. */
static void measure(struct flowcache *fc, uint32_t i, bool first,
		    const struct flow_meas *m)
{
	struct flow_meas *e = &fc->meas[i];

	if (first) {
		*e = *m;
		return;
	}
	if (m->ttl_min < e->ttl_min)
		e->ttl_min = m->ttl_min;
	if (m->ttl_max > e->ttl_max)
		e->ttl_max = m->ttl_max;
	if (m->len_min < e->len_min)
		e->len_min = m->len_min;
	if (m->len_max > e->len_max)
		e->len_max = m->len_max;
	e->frag |= m->frag;
}

static void update(struct flowcache *fc, const struct flow_key *key,
		   uint32_t hash, uint32_t octets, uint8_t tcp_flags,
		   uint8_t tos, uint64_t ts_ns, uint32_t cpu, uint32_t oif,
		   const struct flow_meas *m);

void flowcache_update_hashed(struct flowcache *fc, const struct flow_key *key,
			     uint32_t hash, uint32_t octets, uint8_t tcp_flags,
			     uint8_t tos, uint64_t ts_ns, uint32_t cpu,
			     uint32_t oif)
{
	update(fc, key, hash, octets, tcp_flags, tos, ts_ns, cpu, oif, NULL);
}

void flowcache_update_measured(struct flowcache *fc, const struct flow_key *key,
			       uint32_t hash, uint32_t octets,
			       uint8_t tcp_flags, uint8_t tos, uint64_t ts_ns,
			       uint32_t cpu, uint32_t oif,
			       const struct flow_meas *m)
{
	update(fc, key, hash, octets, tcp_flags, tos, ts_ns, cpu, oif,
	       fc->meas ? m : NULL);
}

static void update(struct flowcache *fc, const struct flow_key *key,
		   uint32_t hash, uint32_t octets, uint8_t tcp_flags,
		   uint8_t tos, uint64_t ts_ns, uint32_t cpu, uint32_t oif,
		   const struct flow_meas *m)
{
	bool first = false;
	uint32_t b = hash & fc->mask;
	struct flow_cold *c;
	struct flow_hot *h;
	uint32_t i;

	if (!fc->based) {
		fc->base_ns = ts_ns;
		fc->based = true;
	}
	if (ts_ns > fc->clock_ns)
		fc->clock_ns = ts_ns;

	for (i = fc->buckets[b]; i; i = fc->pool[i].hnext)
		if (key_eq(fc, i, key))
			break;

	if (i) {
		h = &fc->pool[i];
		/* a packet after the idle gap or past the active timeout starts
		 * a new record; the old one leaves with its own reason (the
		 * hint of first_ns answers the active timer until near it) */
		if (ts_ns >= add_sat(h->last_ns, fc->inactive_ns)) {
			flow_remove(fc, i, FLOW_END_IDLE);
			i = 0;
		} else if (ts_ns >= add_sat(first_floor(h), fc->active_ns) &&
			   ts_ns >= add_sat(first_of(fc, i), fc->active_ns)) {
			flow_remove(fc, i, FLOW_END_ACTIVE);
			i = 0;
		}
	}

	if (!i) {
		i = flow_alloc(fc);
		h = &fc->pool[i];
		c = &fc->cold[i];
		memcpy(h->key, key, FLOW_KEY_BASE_LEN);
		if (fc->ext_len)
			memcpy(fc->ext + (size_t)i * fc->ext_len,
			       (const uint8_t *)key + FLOW_KEY_BASE_LEN,
			       fc->ext_len);
		h->hnext = fc->buckets[b];
		fc->buckets[b] = i;
		h->last_ns = ts_ns;
		h->w = 0;
		c->flags = FC_LIVE;
		c->tos = tos;
		c->cpu = (uint16_t)cpu;
		c->oif = oif;
		set_first(fc, i, ts_ns);
		wheel_append(fc, i, slot_tick(fc, i));
		age_append(fc->cold, i);
		fc->stats.added++;
		first = true;
	} else if (ts_ns > h->last_ns) {
		/* a later idle timer: the ager moves the entry when it comes
		 * to its slot */
		set_last(fc, i, ts_ns);
	} else if (ts_ns < h->last_ns && ts_ns < first_of(fc, i)) {
		set_first(fc, i, ts_ns);
	}

	count(fc, i, octets, tcp_flags);
	if (m)
		measure(fc, i, first, m);

	/* TCP FIN or RST: the end of the flow is detected (flowEndReason 3) */
	if (tcp_flags & 0x05)
		flow_remove(fc, i, FLOW_END_OF_FLOW);
}

/* The idle timers due by now_ns, in the slots of the ticks passed
 * since the last call (all slots once after a longer silence) */
static void expire_idle(struct flowcache *fc, uint64_t now_ns,
			struct expire_pipe *p)
{
	uint64_t now_t = tick_of(fc, now_ns), s, t;
	uint32_t i, n;

	s = fc->wheel_first > fc->wheel_t ? fc->wheel_first : fc->wheel_t;
	if (now_t >= WHEEL_SLOTS && s < now_t - WHEEL_SLOTS + 1)
		s = now_t - WHEEL_SLOTS + 1;
	/* from now on the span starts at now_t: what is not due by now_ns
	 * is due in now_t or later */
	fc->wheel_t = now_t;
	for (; s <= now_t; s++) {
		for (i = fc->wheel[s & WHEEL_MASK].head; i; i = n) {
			n = fc->cold[i].wnext & WHEEL_SLOT ? 0
							   : fc->cold[i].wnext;
			__builtin_prefetch(&fc->pool[n]);
			if (add_sat(fc->pool[i].last_ns, fc->inactive_ns) <=
			    now_ns) {
				pipe_push(fc, p, i, FLOW_END_IDLE);
				continue;
			}
			/* the flow went on: to its slot, unless that is this
			 * one (this tick, or one span later) */
			t = slot_tick(fc, i);
			if ((t & WHEEL_MASK) != (s & WHEEL_MASK)) {
				wheel_unlink(fc, i);
				wheel_append(fc, i, t);
			}
		}
	}
	if (fc->wheel_first < now_t)
		fc->wheel_first = now_t;
}

void flowcache_expire(struct flowcache *fc, uint64_t now_ns)
{
	struct flow_cold *cold = fc->cold;
	struct expire_pipe p = { .n = 0 };
	uint32_t i, next;

	if (now_ns > fc->clock_ns)
		fc->clock_ns = now_ns;
	now_ns = fc->clock_ns;
	fc->stats.ager_polls++;
	if (!fc->used)
		return;

	expire_idle(fc, now_ns, &p);
	pipe_drain(fc, &p);

	/* active: the age list is in order of creation, i.e. of first_ns */
	for (i = cold[0].age_next; i; i = next) {
		if (add_sat(first_of(fc, i), fc->active_ns) > now_ns)
			break;
		next = cold[i].age_next;
		__builtin_prefetch(&fc->pool[next]);
		pipe_push(fc, &p, i, FLOW_END_ACTIVE);
	}
	pipe_drain(fc, &p);
}

uint64_t flowcache_next_due(struct flowcache *fc)
{
	const struct flow_cold *cold = fc->cold;
	uint64_t due = UINT64_MAX, t, s;
	uint32_t n;

	if (!fc->used)
		return UINT64_MAX;
	/* the first slot in use bounds the idle timers from below; the
	 * age head's active timer is exact */
	s = fc->wheel_first > fc->wheel_t ? fc->wheel_first : fc->wheel_t;
	for (n = 0; n < WHEEL_SLOTS && !fc->wheel[s & WHEEL_MASK].head; n++)
		s++;
	fc->wheel_first = s;
	due = tick_start(fc, s);
	if (cold[0].age_next) {
		t = add_sat(first_of(fc, cold[0].age_next), fc->active_ns);
		if (t < due)
			due = t;
	}
	return due;
}

void flowcache_set_timeouts(struct flowcache *fc, uint64_t active_ns,
			    uint64_t inactive_ns)
{
	uint32_t i;

	fc->active_ns = active_ns;
	if (inactive_ns == fc->inactive_ns)
		return;
	fc->inactive_ns = inactive_ns;
	fc->tick_ns = tick_for(inactive_ns);
	fc->wheel_t = tick_of(fc, fc->clock_ns);
	fc->wheel_first = UINT64_MAX;
	/* a shorter timer fires in an earlier slot: slot every flow again */
	for (i = 1; i < fc->next_unused; i++) {
		if (!(fc->cold[i].flags & FC_LIVE))
			continue;
		wheel_unlink(fc, i);
		wheel_append(fc, i, slot_tick(fc, i));
	}
}

void flowcache_flush(struct flowcache *fc, enum flow_end_reason reason)
{
	struct flow f;
	uint32_t i;

	/* every flow goes: walk the pool in memory order (a sequential scan,
	 * where the wheel's order costs a cache miss a hop), then reset it
	 * all */
	for (i = 1; i < fc->next_unused; i++) {
		if (!flowcache_get(fc, i, &f))
			continue;
		fc->expire(fc->expire_ctx, &f, reason);
		fc->stats.expired[reason]++;
		fc->cold[i].flags = 0;
	}
	memset(fc->buckets, 0, fc->bucket_bytes);
	memset(&fc->cold[0], 0, sizeof(fc->cold[0]));
	/* the slots in use only: the rest of the wheel stays unbacked */
	for (i = 0; i < WHEEL_SLOTS; i++)
		if (fc->wheel[i].head)
			fc->wheel[i].head = fc->wheel[i].tail = 0;
	fc->wheel_first = UINT64_MAX;
	fc->free_list = 0;
	fc->next_unused = 1;
	fc->used = 0;
}

/* The wheel slot k's entries, checked link by link; -1 if broken */
static long check_slot(const struct flowcache *fc, uint32_t k, uint32_t max)
{
	uint32_t i = fc->wheel[k].head, p = WHEEL_SLOT | k, n = 0, next;

	while (i) {
		if (i >= fc->next_unused || !(fc->cold[i].flags & FC_LIVE) ||
		    fc->cold[i].wprev != p || ++n > max)
			return -1;
		next = fc->cold[i].wnext;
		if (next & WHEEL_SLOT)
			return next == (WHEEL_SLOT | k) &&
					       fc->wheel[k].tail == i
				       ? (long)n
				       : -1;
		p = i;
		i = next;
	}
	return fc->wheel[k].tail == 0 ? 0 : -1;
}

long flowcache_check(const struct flowcache *fc)
{
	uint32_t i, p = 0, n = 0, k;
	long w = 0, in;

	for (i = fc->cold[0].age_next; i; p = i, i = fc->cold[i].age_next)
		if (i >= fc->next_unused || !(fc->cold[i].flags & FC_LIVE) ||
		    fc->cold[i].age_prev != p || ++n > fc->used)
			return -1;
	if (n != fc->used)
		return -1;
	for (k = 0; k < WHEEL_SLOTS; k++) {
		in = check_slot(fc, k, n);
		if (in < 0 || (w += in) > n)
			return -1;
	}
	return w == n ? (long)n : -1;
}
