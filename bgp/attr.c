// SPDX-License-Identifier: BSD-2-Clause
/*
 * attr.c - interned path attributes: a chained hash table of (next hop,
 * AS path), each entry refcounted by the routes that use it. The table
 * doubles when it holds as many entries as buckets.
 */
#include "attr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ATTR_MIN_BUCKETS 1024

static size_t nh_len(uint8_t af)
{
	return af == BGP_AF_IPV4 ? 4 : af == BGP_AF_IPV6 ? 16 : 0;
}

/* FNV-1a over the octets that make an attribute what it is. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t attr_hash(uint8_t nh_af, const uint8_t *nh,
			  const uint32_t *path, uint16_t path_len)
{
	uint32_t h = 2166136261u;

	h = fnv(h, &nh_af, 1);
	h = fnv(h, nh, nh_len(nh_af));
	h = fnv(h, &path_len, sizeof(path_len));
	return fnv(h, path, path_len * sizeof(*path));
}

int bgp_attr_table_init(struct bgp_attr_table *t)
{
	memset(t, 0, sizeof(*t));
	t->bucket = calloc(ATTR_MIN_BUCKETS, sizeof(*t->bucket));
	if (!t->bucket)
		return -ENOMEM;
	t->mask = ATTR_MIN_BUCKETS - 1;
	return 0;
}

void bgp_attr_table_fini(struct bgp_attr_table *t)
{
	size_t i;

	if (!t->bucket)
		return;
	/* what is left was not put: free it rather than leak it */
	for (i = 0; i <= t->mask; i++) {
		struct bgp_attr *a = t->bucket[i], *next;

		for (; a; a = next) {
			next = a->next;
			free(a);
		}
	}
	free(t->bucket);
	t->bucket = NULL;
}

static void grow(struct bgp_attr_table *t)
{
	size_t n = (t->mask + 1) * 2, i;
	struct bgp_attr **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	for (i = 0; i <= t->mask; i++) {
		struct bgp_attr *a = t->bucket[i], *next;

		for (; a; a = next) {
			next = a->next;
			a->next = b[a->hash & (n - 1)];
			b[a->hash & (n - 1)] = a;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->mask = n - 1;
}

struct bgp_attr *bgp_attr_intern(struct bgp_attr_table *t, uint8_t nh_af,
				 const uint8_t *nh, const uint32_t *path,
				 uint16_t path_len)
{
	static const uint8_t none[16];
	struct bgp_attr *a;
	size_t size;
	uint32_t h;

	if (!nh)
		nh = none;
	h = attr_hash(nh_af, nh, path, path_len);
	for (a = t->bucket[h & t->mask]; a; a = a->next)
		if (a->hash == h && a->nh_af == nh_af &&
		    a->path_len == path_len &&
		    !memcmp(a->nexthop, nh, nh_len(nh_af)) &&
		    !memcmp(a->path, path, path_len * sizeof(*path)))
			return bgp_attr_get(a);
	if (t->count > t->mask)
		grow(t);
	size = sizeof(*a) + path_len * sizeof(*path);
	a = calloc(1, size);
	if (!a)
		return NULL;
	a->refs = 1;
	a->hash = h;
	a->nh_af = nh_af;
	memcpy(a->nexthop, nh, nh_len(nh_af));
	a->path_len = path_len;
	memcpy(a->path, path, path_len * sizeof(*path));
	a->next = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = a;
	t->count++;
	t->bytes += size;
	return a;
}

void bgp_attr_put(struct bgp_attr_table *t, struct bgp_attr *a)
{
	struct bgp_attr **pp;

	if (!a || --a->refs)
		return;
	for (pp = &t->bucket[a->hash & t->mask]; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	t->count--;
	t->bytes -= sizeof(*a) + a->path_len * sizeof(*a->path);
	free(a);
}
