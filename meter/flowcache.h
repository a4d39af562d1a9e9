/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flowcache.h - the flow cache of one metering worker.
 *
 * Fixed capacity, allocated once. A chained hash over a pool of entries,
 * a wheel of one-second slots for the inactive timer and cache pressure,
 * and an age list (by flow start) for the active timer. Every operation
 * on the packet path is O(1): nothing walks the cache, and a packet of a
 * flow already cached touches only its hot entry.
 */
#ifndef XFLOWD_FLOWCACHE_H
#define XFLOWD_FLOWCACHE_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 5102 / IANA flowEndReason (IE 136). */
enum flow_end_reason {
	FLOW_END_IDLE = 1,
	FLOW_END_ACTIVE = 2,
	FLOW_END_OF_FLOW = 3,	/* TCP FIN or RST */
	FLOW_END_FORCED = 4,	/* end of input, shutdown, flush */
	FLOW_END_RESOURCES = 5, /* evicted under cache pressure */
};

/*
 * Hashed and compared over the cache's key_len octets: the five-tuple part
 * (FLOW_KEY_BASE_LEN) always, the rest only when a configured template
 * has such key elements. Fill it only after zeroing it.
 */
struct flow_key {
	uint8_t src[16]; /* IPv4: first 4 octets */
	uint8_t dst[16];
	uint32_t ifindex;
	uint16_t sport;
	uint16_t dport;
	uint8_t ipver;
	uint8_t proto;
	uint8_t dir;  /* flowDirection: 0 ingress, 1 egress */
	uint8_t tmpl; /* the template the flow is exported with */
	/* seven-tuple, tunnel and user-defined key elements */
	uint16_t ethertype;
	uint8_t smac[6];
	uint8_t dmac[6];
	uint8_t tun_ver; /* 0, or the outer IP version of a tunnel */
	uint8_t tos;	 /* ipClassOfService as a key (user templates) */
	uint8_t tun_src[16];
	uint8_t tun_dst[16];
	/* Flexible NetFlow's per-packet keys (issue 16) */
	uint32_t flow_label; /* flowLabelIPv6 */
	uint16_t vlan;	     /* vlanId, dot1qVlanId: the outer tag's */
	uint8_t ttl;	     /* ipTTL */
	uint8_t pcp;	     /* dot1qPriority */
};
#define FLOW_KEY_BASE_LEN 44
#define FLOW_KEY_L2_LEN 60  /* up to tos: seven-tuple, no tunnel */
#define FLOW_KEY_TUN_LEN 92 /* up to tun_dst: what tunnels need */
#define FLOW_KEY_FULL_LEN 96
#define FLOW_KEY_FNF_LEN 100 /* all: the FNF keys too */
_Static_assert(sizeof(struct flow_key) == FLOW_KEY_FNF_LEN, "flow_key has "
							    "hidden padding");
_Static_assert(__builtin_offsetof(struct flow_key, tun_src) == FLOW_KEY_L2_LEN,
	       "FLOW_KEY_L2_LEN does not end at tos");
_Static_assert(__builtin_offsetof(struct flow_key, flow_label) ==
		       FLOW_KEY_TUN_LEN,
	       "FLOW_KEY_TUN_LEN does not end at tun_dst");
_Static_assert(__builtin_offsetof(struct flow_key, ethertype) ==
		       FLOW_KEY_BASE_LEN,
	       "the five-tuple part of flow_key is not its first 44 octets");

/*
 * A flow as it leaves the cache (the expire callback) or is listed
 * (flowcache_get): the cache itself keeps it in the compact entries of
 * flowcache.c and builds this view on demand.
 */
struct flow {
	struct flow_key key;
	/* egressInterface seen: the output interface of a flow metered at
	 * an egress point (of its first packet); 0: metered at ingress,
	 * the output is the routing table's */
	uint32_t oif;
	uint32_t cpu; /* systemCpuId: the CPU of the first packet */
	uint64_t packets;
	uint64_t octets;
	uint64_t first_ns; /* packet clock, ns since the epoch */
	uint64_t last_ns;
	uint8_t tcp_flags; /* OR of all packets */
	uint8_t tos;	   /* of the first packet */
	uint8_t live;	   /* in use (not on the free list) */
	/* measured over the packets, only while the cache measures
	 * (flowcache_set_measure); 0 otherwise */
	uint8_t ttl_min, ttl_max;
	uint8_t frag_flags;	   /* OR of the packets' fragmentFlags */
	uint16_t len_min, len_max; /* IP total length, saturated at 65535 */
};

/* What one packet adds to the measured elements of its flow: its TTL (hop
 * limit), IP total length and fragmentFlags (struct pkt_info's). */
struct flow_meas {
	uint16_t len_min, len_max;
	uint8_t ttl_min, ttl_max;
	uint8_t frag;
	uint8_t pad;
};

/*
 * The entry of the packet path: everything a packet of a five-tuple flow
 * reads or writes, in one cache line (see flowcache.c for the fields).
 */
struct flow_hot {
	uint8_t key[FLOW_KEY_BASE_LEN]; /* struct flow_key's first octets */
	uint32_t hnext;			/* hash chain; free list when unused */
	uint64_t last_ns;
	uint64_t w; /* FH_* bit fields */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct flow_hot) == 64, "the packet path's entry is not "
					      "one cache line");

/* The rest of an entry, read when a flow starts or ends, or when the
 * ager moves it in the wheel (once per inactive timeout at most). */
struct flow_cold {
	uint32_t wprev, wnext; /* the inactive timer's wheel */
	uint32_t age_prev, age_next;
	uint32_t oif;
	uint32_t first_lo; /* the low 32 bits of first_ns */
	uint16_t cpu;
	uint8_t tos;
	uint8_t flags; /* FC_* */
};
_Static_assert(sizeof(struct flow_cold) == 28, "flow_cold has padding");

/* Counters past the hot entry's fields and a first_ns too far from
 * last_ns for its hint: touched by few flows, so the pages of this
 * table stay unbacked. */
struct flow_big {
	uint64_t packets, octets, first_ns;
};

/* A slot of the inactive timer's wheel: its first and last entry */
struct wheel_slot {
	uint32_t head, tail;
};

/* Called for each flow leaving the cache; the entry is freed on return. */
typedef void (*flow_expire_fn)(void *ctx, const struct flow *f,
			       enum flow_end_reason reason);

struct flowcache_stats {
	uint64_t added;	     /* flows created */
	uint64_t expired[6]; /* by flow_end_reason */
	uint64_t ager_polls;
};

struct flowcache {
	struct flow_hot *pool;	/* capacity + 1 entries; [0] is the sentinel */
	struct flow_cold *cold; /* the same indices */
	uint8_t *ext;		/* key octets past FLOW_KEY_BASE_LEN, ext_len
				 * per entry; untouched unless key_len needs */
	struct flow_big *big;	/* see FC_BIG */
	struct flow_meas *meas; /* per entry while measuring, else NULL */
	uint32_t *buckets;	/* nbuckets heads, 0 = empty */
	struct wheel_slot *wheel; /* WHEEL_SLOTS ticks (flowcache.c) */
	uint64_t tick_ns;	  /* a slot's time: 1 s, more for long idle */
	uint64_t wheel_t;	  /* the ager's tick: the wheel's first */
	uint64_t wheel_first;	  /* no slot in use before this tick */
	size_t pool_bytes;	  /* all mapped sizes but the buckets' */
	size_t bucket_bytes;
	uint32_t capacity;
	uint32_t mask; /* nbuckets - 1 */
	uint32_t used;
	uint32_t next_unused; /* pool entries never touched start here */
	uint32_t free_list;
	uint32_t key_len; /* octets of flow_key hashed and compared */
	uint32_t ext_len; /* key_len - FLOW_KEY_BASE_LEN */
	uint64_t active_ns;
	uint64_t inactive_ns;
	uint64_t clock_ns; /* latest packet or timer time seen */
	uint64_t base_ns;  /* origin of the wheel's ticks */
	bool based;	   /* base_ns set (time 0 is a valid time) */
	flow_expire_fn expire;
	void *expire_ctx;
	struct flowcache_stats stats;
};

/* Allocate a cache of capacity entries; NULL on failure (errno set). */
struct flowcache *flowcache_new(uint32_t capacity, uint64_t active_ns,
				uint64_t inactive_ns, flow_expire_fn expire,
				void *ctx);
void flowcache_free(struct flowcache *fc);

/*
 * Account one packet of octets IP-layer octets at time ts_ns to key.
 * Expires what the packet ends (FIN/RST, timers) through the callback.
 */
void flowcache_update(struct flowcache *fc, const struct flow_key *key,
		      uint32_t octets, uint8_t tcp_flags, uint8_t tos,
		      uint64_t ts_ns);

/*
 * The same with hash = flowcache_hash_len(key, fc->key_len) computed by
 * the caller, the CPU that saw the packet and the output interface seen
 * (struct flow.oif).
 */
void flowcache_update_hashed(struct flowcache *fc, const struct flow_key *key,
			     uint32_t hash, uint32_t octets, uint8_t tcp_flags,
			     uint8_t tos, uint64_t ts_ns, uint32_t cpu,
			     uint32_t oif);

/*
 * The same, measuring the packet m too (TTL, length and fragment flags
 * minimum, maximum and OR): for a cache flowcache_set_measure turned on.
 */
void flowcache_update_measured(struct flowcache *fc, const struct flow_key *key,
			       uint32_t hash, uint32_t octets,
			       uint8_t tcp_flags, uint8_t tos, uint64_t ts_ns,
			       uint32_t cpu, uint32_t oif,
			       const struct flow_meas *m);

/* Keep the measured elements of struct flow (a template has one): maps
 * their side table, 8 octets per entry; set before the first packet.
 * 0, or -ENOMEM. */
int flowcache_set_measure(struct flowcache *fc, bool on);

/* Key octets to hash and compare: FLOW_KEY_BASE_LEN (the default),
 * FLOW_KEY_L2_LEN, FLOW_KEY_FULL_LEN (tunnels) or FLOW_KEY_FNF_LEN;
 * set before the first packet. */
void flowcache_set_key_len(struct flowcache *fc, uint32_t len);

/* The flow of pool entry i (1 <= i < fc->next_unused) into out; false if
 * the entry is free. */
bool flowcache_get(const struct flowcache *fc, uint32_t i, struct flow *out);

/* Octets of memory a cached flow costs when every entry is in use: the
 * entry, its key extension and its share of the buckets. */
size_t flowcache_entry_bytes(const struct flowcache *fc);

/*
 * Batching support: a caller that meters packets in batches first touches
 * every bucket, then every chain head, then updates, so that the cache
 * misses of a batch overlap instead of adding up.
 */
static inline void flowcache_prefetch_bucket(const struct flowcache *fc,
					     uint32_t hash)
{
	__builtin_prefetch(&fc->buckets[hash & fc->mask]);
}

static inline void flowcache_prefetch_entry(const struct flowcache *fc,
					    uint32_t hash)
{
	__builtin_prefetch(&fc->pool[fc->buckets[hash & fc->mask]]);
}

/* Run the timers at time now_ns; cheap when nothing is due. */
void flowcache_expire(struct flowcache *fc, uint64_t now_ns);

/* A time no later than the first timer due (UINT64_MAX: none), so that a
 * clock jumping ahead (a file after a silence) runs each timer at its own
 * time: flowcache_expire at it removes a flow or moves flows that went on
 * to later slots, or, in the slot of its tick, the next answer is at most
 * a tick (a second; more past an 18-hour idle timeout) later. */
uint64_t flowcache_next_due(struct flowcache *fc);

/* Change the timers of a cache that may hold flows (a reload). */
void flowcache_set_timeouts(struct flowcache *fc, uint64_t active_ns,
			    uint64_t inactive_ns);

/* Walk the age list and every slot of the wheel: each cached flow on both
 * once, every link consistent. The number of flows, or -1 (for tests and
 * fuzzing; O(capacity + slots)). */
long flowcache_check(const struct flowcache *fc);

/* Expire every flow with reason (end of input, SIGTERM, flush). */
void flowcache_flush(struct flowcache *fc, enum flow_end_reason reason);

/* The hash used for bucket selection over len octets of k (a multiple of
 * 4), and over the five-tuple part (exposed for tests). */
uint32_t flowcache_hash_len(const struct flow_key *k, uint32_t len);
uint32_t flowcache_hash(const struct flow_key *k);

#endif
