// SPDX-License-Identifier: BSD-2-Clause
/*
 * rib.c - a neighbor's routes: a hash of (prefix, length) per family with
 * a count per length for longest-prefix match, entries from slabs. See
 * rib.h for the design.
 */
#include "rib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RIB_MIN_BUCKETS 1024
/*
 * Entries per slab: 2 MB of them, so that a slab can be one huge page.
 * A lookup touches a bucket and an entry per probe at random; with 4 kB
 * pages each is also a TLB miss, which under a hypervisor's nested paging
 * costs more than the cache miss (huge pages halved lookup time).
 */
#define HUGE_PAGE (2u << 20)
#define RIB_SLAB (HUGE_PAGE / sizeof(struct rib_entry))

/* n octets zeroed, in huge pages when that large; free() frees them. */
static void *big_alloc(size_t n)
{
	void *p;

	if (n < HUGE_PAGE)
		return calloc(1, n);
	n = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	p = aligned_alloc(HUGE_PAGE, n);
	if (!p)
		return NULL;
	madvise(p, n, MADV_HUGEPAGE); /* advice: fine if refused */
	memset(p, 0, n);
	return p;
}

static unsigned addr_len(enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? 16 : 4;
}

static unsigned max_len(enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? 128 : 32;
}

/* addr with the bits past len cleared, into out (16 octets). */
static void mask(const uint8_t *addr, unsigned alen, unsigned len, uint8_t *out)
{
	unsigned full = len / 8;

	memset(out, 0, 16);
	memcpy(out, addr, full < alen ? full : alen);
	if (len % 8 && full < alen)
		out[full] = (uint8_t)(addr[full] & (0xff00 >> (len % 8)));
}

/* A 64-bit mix (splitmix64's finalizer) of the prefix and its length. */
static size_t hash(const uint8_t *a, unsigned alen, unsigned len)
{
	uint64_t x = len, w;
	unsigned i;

	for (i = 0; i < alen; i += 8) {
		w = 0;
		memcpy(&w, a + i, alen - i < 8 ? alen - i : 8);
		x ^= w;
		x ^= x >> 30;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 27;
		x *= 0x94d049bb133111ebull;
		x ^= x >> 31;
	}
	return (size_t)x;
}

static void lens_set(struct rib_lens *l, unsigned len)
{
	l->w[len / 64] |= 1ull << (len % 64);
}

static bool lens_has(const struct rib_lens *l, unsigned len)
{
	return l->w[len / 64] >> (len % 64) & 1;
}

/* The region of the hi bitmaps an address (or a long prefix) is in. */
static size_t region(const struct rib_table *t, const uint8_t *a)
{
	uint32_t w;

	if (t->af == BGP_AF_IPV4)
		return (size_t)a[0] << 8 | a[1];
	/* the first 32 bits, hashed (Fibonacci hashing) to 16 */
	w = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 |
	    a[3];
	return (size_t)((w * 2654435769u) >> 16);
}

/* Records that a prefix of len starting with key is in the table. */
static void lens_add(struct rib_table *t, const uint8_t *key, unsigned len)
{
	if (len >= t->region_bits)
		lens_set(&t->hi[region(t, key)], len);
	else if (len >= 8)
		lens_set(&t->lo[key[0]], len);
	t->per_len[len]++;
}

/* The bitmaps again from the entries, without the withdrawn lengths. */
static void lens_rebuild(struct rib_table *t)
{
	size_t i;

	memset(t->hi, 0, RIB_REGIONS * sizeof(*t->hi));
	memset(t->lo, 0, sizeof(t->lo));
	memset(t->per_len, 0, sizeof(t->per_len));
	for (i = 0; i <= t->mask; i++) {
		struct rib_entry *e;

		for (e = t->bucket[i]; e; e = e->next)
			lens_add(t, e->addr, e->len);
	}
	t->stale = 0;
}

static int table_init(struct rib_table *t, enum bgp_af af)
{
	memset(t, 0, sizeof(*t));
	t->af = af;
	t->region_bits = af == BGP_AF_IPV6 ? 32 : 16;
	t->bucket = calloc(RIB_MIN_BUCKETS, sizeof(*t->bucket));
	t->hi = calloc(RIB_REGIONS, sizeof(*t->hi));
	if (!t->bucket || !t->hi)
		return -ENOMEM;
	t->mask = RIB_MIN_BUCKETS - 1;
	return 0;
}

static void table_fini(struct rib_table *t, struct bgp_attr_table *attrs)
{
	size_t i;

	if (t->bucket)
		for (i = 0; i <= t->mask; i++) {
			struct rib_entry *e;

			for (e = t->bucket[i]; e; e = e->next)
				bgp_attr_put(attrs, e->attr);
		}
	for (i = 0; i < t->nslab; i++)
		free(t->slab[i]);
	free(t->slab);
	free(t->bucket);
	free(t->hi);
	memset(t, 0, sizeof(*t));
}

int rib_init(struct rib *r, struct bgp_attr_table *attrs)
{
	memset(r, 0, sizeof(*r));
	r->attrs = attrs;
	r->gen = 1;
	if (table_init(&r->v4, BGP_AF_IPV4) ||
	    table_init(&r->v6, BGP_AF_IPV6)) {
		rib_fini(r);
		return -ENOMEM;
	}
	return 0;
}

void rib_fini(struct rib *r)
{
	if (!r)
		return;
	table_fini(&r->v4, r->attrs);
	table_fini(&r->v6, r->attrs);
}

static struct rib_entry *entry_alloc(struct rib_table *t)
{
	struct rib_entry *e = t->free;

	if (e) {
		t->free = e->next;
		return e;
	}
	if (t->nslab == 0 || t->slab_used == RIB_SLAB) {
		if (t->nslab == t->slab_cap) {
			size_t cap = t->slab_cap ? t->slab_cap * 2 : 16;
			void **s = realloc(t->slab, cap * sizeof(*s));

			if (!s)
				return NULL;
			t->slab = s;
			t->slab_cap = cap;
		}
		t->slab[t->nslab] = big_alloc(RIB_SLAB * sizeof(*e));
		if (!t->slab[t->nslab])
			return NULL;
		t->nslab++;
		t->slab_used = 0;
	}
	return (struct rib_entry *)t->slab[t->nslab - 1] + t->slab_used++;
}

static void entry_free(struct rib_table *t, struct rib_entry *e)
{
	e->next = t->free;
	t->free = e;
}

static void grow(struct rib_table *t)
{
	size_t n = (t->mask + 1) * 2, i;
	unsigned alen = addr_len(t->af);
	struct rib_entry **b = big_alloc(n * sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	for (i = 0; i <= t->mask; i++) {
		struct rib_entry *e = t->bucket[i], *next;

		for (; e; e = next) {
			size_t h = hash(e->addr, alen, e->len) & (n - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->mask = n - 1;
}

static struct rib_table *table_of(struct rib *r, enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? &r->v6 : &r->v4;
}

/* The link that points to (key, len) in its chain, or to the chain end. */
static struct rib_entry **find(const struct rib_table *t, const uint8_t *key,
			       unsigned len)
{
	unsigned alen = addr_len(t->af);
	struct rib_entry **pp = &t->bucket[hash(key, alen, len) & t->mask];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->len == len && !memcmp((*pp)->addr, key, alen))
			break;
	return pp;
}

int rib_update(struct rib *r, const struct bgp_prefix *p, struct bgp_attr *a)
{
	struct rib_table *t = table_of(r, p->af);
	uint8_t key[16];
	struct rib_entry **pp, *e;

	if (p->len > max_len(t->af))
		return -EINVAL;
	mask(p->addr, addr_len(t->af), p->len, key);
	pp = find(t, key, p->len);
	if (*pp) {
		e = *pp;
		bgp_attr_put(r->attrs, e->attr);
		e->attr = bgp_attr_get(a);
		e->gen = r->gen;
		return 0;
	}
	if (t->count > t->mask)
		grow(t);
	e = entry_alloc(t);
	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	memcpy(e->addr, key, 16);
	e->len = p->len;
	e->gen = r->gen;
	e->attr = bgp_attr_get(a);
	pp = &t->bucket[hash(key, addr_len(t->af), p->len) & t->mask];
	e->next = *pp;
	*pp = e;
	t->count++;
	lens_add(t, key, p->len);
	return 0;
}

static void unlink_entry(struct rib *r, struct rib_table *t,
			 struct rib_entry **pp)
{
	struct rib_entry *e = *pp;

	*pp = e->next;
	bgp_attr_put(r->attrs, e->attr);
	t->count--;
	t->per_len[e->len]--;
	t->stale++;
	entry_free(t, e);
	if (t->stale > t->count / 2 + 4096)
		lens_rebuild(t);
}

void rib_withdraw(struct rib *r, const struct bgp_prefix *p)
{
	struct rib_table *t = table_of(r, p->af);
	uint8_t key[16];
	struct rib_entry **pp;

	if (p->len > max_len(t->af))
		return;
	mask(p->addr, addr_len(t->af), p->len, key);
	pp = find(t, key, p->len);
	if (*pp)
		unlink_entry(r, t, pp);
}

/*
 * The lengths that may hold addr, longest first, into lens; how many.
 * The region bitmaps say which of the long ones do; the short ones are
 * few in any table.
 */
static int candidates(const struct rib_table *t, const uint8_t *addr,
		      uint8_t *lens)
{
	const struct rib_lens *hi = &t->hi[region(t, addr)];
	const struct rib_lens *lo = &t->lo[addr[0]];
	int len, n = 0;

	for (len = (int)max_len(t->af); len >= 0; len--) {
		bool may;

		if ((unsigned)len >= t->region_bits)
			may = lens_has(hi, (unsigned)len);
		else if (len >= 8)
			may = lens_has(lo, (unsigned)len);
		else
			may = t->per_len[len] > 0;
		if (may)
			lens[n++] = (uint8_t)len;
	}
	return n;
}

/*
 * Each probe is a cache miss or two, and they do not depend on each
 * other: the buckets of every candidate length are prefetched first, so
 * that their misses overlap instead of adding up.
 */
const struct rib_entry *rib_lookup(const struct rib *r, enum bgp_af af,
				   const uint8_t *addr)
{
	const struct rib_table *t = af == BGP_AF_IPV6 ? &r->v6 : &r->v4;
	unsigned alen = addr_len(t->af);
	uint8_t key[129][16], lens[129];
	size_t h[129];
	int i, n;

	if ((af != BGP_AF_IPV4 && af != BGP_AF_IPV6) || !t->count)
		return NULL;
	n = candidates(t, addr, lens);
	for (i = 0; i < n; i++) {
		mask(addr, alen, lens[i], key[i]);
		h[i] = hash(key[i], alen, lens[i]) & t->mask;
		__builtin_prefetch(&t->bucket[h[i]]);
	}
	for (i = 0; i < n; i++) {
		const struct rib_entry *e = t->bucket[h[i]];

		for (; e; e = e->next)
			if (e->len == lens[i] && !memcmp(e->addr, key[i], alen))
				return e;
	}
	return NULL;
}

static size_t table_sweep(struct rib *r, struct rib_table *t)
{
	size_t i, n = 0;

	for (i = 0; i <= t->mask; i++) {
		struct rib_entry **pp = &t->bucket[i];

		while (*pp) {
			if ((*pp)->gen != r->gen) {
				unlink_entry(r, t, pp);
				n++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	return n;
}

size_t rib_sweep(struct rib *r, enum bgp_af af)
{
	size_t n = 0;

	if (af != BGP_AF_IPV6)
		n += table_sweep(r, &r->v4);
	if (af != BGP_AF_IPV4)
		n += table_sweep(r, &r->v6);
	return n;
}

size_t rib_count(const struct rib *r, enum bgp_af af)
{
	return af == BGP_AF_IPV6 ? r->v6.count : r->v4.count;
}

static size_t table_bytes(const struct rib_table *t)
{
	return (t->mask + 1) * sizeof(*t->bucket) +
	       RIB_REGIONS * sizeof(*t->hi) +
	       t->nslab * RIB_SLAB * sizeof(struct rib_entry) +
	       t->slab_cap * sizeof(*t->slab);
}

size_t rib_bytes(const struct rib *r)
{
	return table_bytes(&r->v4) + table_bytes(&r->v6);
}
