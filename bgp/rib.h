/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rib.h - one neighbor's routes: per address family, prefix -> interned
 * attributes, with longest-prefix match from an address.
 *
 * A table is one hash of (prefix, length). A lookup probes it once per
 * prefix length that may hold the address, longest first; which lengths
 * may is read from a bitmap of lengths per region of the address space:
 * per /16 for IPv4 (per /32, hashed to 64k regions, for IPv6) for the
 * longer prefixes, per /8 for those of 8 bits up to that, and a count per
 * length for the few shorter ones. Each probe costs a cache (and, on a
 * virtual machine, TLB) miss or two, so probing only the lengths present
 * where the address is, not the 25 of a whole table, and prefetching
 * their buckets together is what makes a lookup cheap. A withdrawal leaves its bit set (a probe for nothing);
 * the bitmaps are rebuilt when withdrawals reach half the table.
 * Lookups run when a flow is exported, never per packet; updates and
 * withdrawals are O(1) amortized. Entries come from a pool of fixed-size
 * slabs: a million of them cost 40 MB, not malloc's 56 each.
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

/* A bitmap of prefix lengths 0-128. */
struct rib_lens {
	uint64_t w[3];
};

#define RIB_REGIONS 65536

struct rib_table {
	enum bgp_af af;
	unsigned region_bits;	 /* prefixes this long or longer are in hi */
	struct rib_lens *hi;	 /* RIB_REGIONS: by the first region_bits */
	struct rib_lens lo[256]; /* by the first octet, lengths 8 up */
	size_t stale;		 /* withdrawals since the bitmaps were built */
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
