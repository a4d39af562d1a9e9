/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * meter.h - the metering process of one worker: parse a packet, key it,
 * account it in the worker's flow cache.
 */
#ifndef XFLOWD_METER_H
#define XFLOWD_METER_H

#include <stdint.h>

#include "flowcache.h"
#include "link.h"
#include "parse.h"

/* An observation point: where packets come from and how they are framed. */
struct obs_point {
	const struct linktype *link;
	uint32_t ifindex; /* ingressInterface */
	uint8_t dir;	  /* flowDirection */
	char name[16];	  /* interfaceName */
};

struct meter_stats {
	uint64_t packets; /* handed to the meter */
	uint64_t metered; /* accounted in a flow */
	uint64_t octets;  /* IP-layer octets of those */
	uint64_t non_ip;  /* neither IP nor malformed (ARP, LLDP, ...) */
	uint64_t malformed[PARSE_NERR + 1]; /* by -parse_result */
};

/* A parsed packet waiting in the batch for its cache update. */
struct meter_pending {
	struct flow_key key;
	uint32_t hash;
	uint32_t octets;
	uint8_t tcp_flags;
	uint8_t tos;
	uint64_t ts_ns;
};

/*
 * Packets are parsed one by one but reach the cache in batches of
 * METER_BATCH, so the bucket and entry misses of a batch overlap (see
 * flowcache_prefetch_*). 32 covers the latency of a miss with the parsing
 * of the packets behind it and stays within the CPU's fill buffers.
 */
#define METER_BATCH 32

struct meter {
	struct flowcache *fc;
	struct meter_stats st;
	uint32_t npending;
	struct meter_pending pending[METER_BATCH];
};

/* Name of a malformed reason (-parse_result), for counters and JSON. */
const char *meter_malformed_name(int reason);

/*
 * Meter one captured packet: caplen octets at data, wirelen on the wire.
 * data is read before return; the cache update may wait in the batch.
 */
void meter_packet(struct meter *m, const struct obs_point *op,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		  uint64_t ts_ns);

/*
 * Meter a packet already parsed (by the BPF programs of --capture ebpf,
 * which run the same parse.h in the kernel): pi is PARSE_IP's result.
 * meter_packet() counts packets; a caller of this counts its own.
 */
void meter_info(struct meter *m, const struct obs_point *op,
		const struct pkt_info *pi, uint64_t ts_ns);

/* Account every batched packet; call before timers, flushes and stats. */
void meter_flush(struct meter *m);

#endif
