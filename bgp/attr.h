/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attr.h - the path attributes a route keeps (AS path, BGP next hop),
 * interned: every route with the same ones points to one refcounted copy.
 *
 * A full table's million prefixes share a few hundred thousand paths; the
 * path is stored once per distinct (next hop, path), which is what keeps
 * the RIB's memory bounded (README, Performance).
 */
#ifndef XFLOWD_BGP_ATTR_H
#define XFLOWD_BGP_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct bgp_attr {
	struct bgp_attr *next; /* hash chain of the table */
	uint32_t refs;
	uint32_t hash;
	uint8_t nh_af; /* BGP_AF_IPV4, BGP_AF_IPV6 or BGP_AF_NONE */
	uint8_t nexthop[16];
	uint16_t path_len;
	uint32_t path[]; /* first AS the peer's, last the origin */
};

struct bgp_attr_table {
	struct bgp_attr **bucket;
	size_t mask; /* buckets - 1, a power of two minus one */
	size_t count;
	size_t bytes; /* of the attributes, for the memory counters */
};

/* bgp_attr_table_init() - an empty table; 0 or -ENOMEM. */
int bgp_attr_table_init(struct bgp_attr_table *t);
/* bgp_attr_table_fini() - frees it; every attribute must have been put. */
void bgp_attr_table_fini(struct bgp_attr_table *t);

/*
 * bgp_attr_intern() - the one copy of (next hop, path), with a reference
 * for the caller (to give back with bgp_attr_put), NULL on no memory.
 * nh is 4 octets for BGP_AF_IPV4, 16 for BGP_AF_IPV6, ignored for NONE.
 */
struct bgp_attr *bgp_attr_intern(struct bgp_attr_table *t, uint8_t nh_af,
				 const uint8_t *nh, const uint32_t *path,
				 uint16_t path_len);
/* bgp_attr_get() - one more reference to a. */
static inline struct bgp_attr *bgp_attr_get(struct bgp_attr *a)
{
	a->refs++;
	return a;
}
/* bgp_attr_put() - gives one back; the last frees it. NULL is fine. */
void bgp_attr_put(struct bgp_attr_table *t, struct bgp_attr *a);

/* The origin AS (last of the path) and the peer AS (first); 0 if empty. */
static inline uint32_t bgp_attr_origin_as(const struct bgp_attr *a)
{
	return a && a->path_len ? a->path[a->path_len - 1] : 0;
}
static inline uint32_t bgp_attr_peer_as(const struct bgp_attr *a)
{
	return a && a->path_len ? a->path[0] : 0;
}

#endif
