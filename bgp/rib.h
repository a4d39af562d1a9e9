/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rib.h - one neighbor's routes: per address family, prefix -> interned
 * attributes, with longest-prefix match from an address.
 *
 * A table is one hash of (prefix, length) and a count per length; a
 * lookup probes the lengths that hold prefixes, longest first (at most 25
 * probes for a full IPv4 table, whose prefixes are /8 to /32). Lookups run
 * when a flow is exported, never per packet, so a few hundred nanoseconds
 * is cheap; updates and withdrawals are O(1). Entries come from a pool of
 * fixed-size slabs: a million of them cost 40 MB, not malloc's 56 each.
 *
 * Graceful restart (RFC 4724) without a second table: every entry carries
 * the generation of the session that announced it; a new session bumps
 * the generation, and at End-of-RIB (or when the stale time ends) the
 * entries of older generations are swept.
 */
#ifndef XFLOWD_BGP_RIB_H
#define XFLOWD_BGP_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "msg.h"

struct rib_entry {
	struct rib_entry *next; /* hash chain, or the pool's free list */
	struct bgp_attr *attr;
	uint32_t gen;
	uint8_t len;
	uint8_t addr[16];
};

struct rib_table {
	enum bgp_af af;
	struct rib_entry **bucket;
	size_t mask;
	size_t count;
	uint32_t per_len[129];
	struct rib_entry *free;		   /* the pool: freed entries */
	void **slab;			   /* the pool: every slab allocated */
	size_t nslab, slab_cap, slab_used; /* entries used of the last */
};

struct rib {
	struct rib_table v4, v6;
	struct bgp_attr_table *attrs; /* shared by every neighbor's rib */
	uint32_t gen;
};

/* rib_init() - an empty rib of generation 1; 0 or -ENOMEM. */
int rib_init(struct rib *r, struct bgp_attr_table *attrs);
/* rib_fini() - frees every entry and puts its attributes; NULL-safe. */
void rib_fini(struct rib *r);

/*
 * rib_update() - p now has the attributes a (the rib takes its own
 * reference) in the current generation. 0 or -ENOMEM.
 */
int rib_update(struct rib *r, const struct bgp_prefix *p, struct bgp_attr *a);
/* rib_withdraw() - p is gone (nothing when it was not there). */
void rib_withdraw(struct rib *r, const struct bgp_prefix *p);

/*
 * rib_lookup() - the longest prefix of family af holding addr (4 or 16
 * octets, network order), NULL when none. Valid until the next change.
 */
const struct rib_entry *rib_lookup(const struct rib *r, enum bgp_af af,
				   const uint8_t *addr);

/* rib_sweep() - removes af's entries older than the current generation;
 * how many. BGP_AF_NONE sweeps both families. */
size_t rib_sweep(struct rib *r, enum bgp_af af);

/* The prefixes af holds. */
size_t rib_count(const struct rib *r, enum bgp_af af);
/* Octets the tables and their pools take (not the shared attributes). */
size_t rib_bytes(const struct rib *r);

#endif
