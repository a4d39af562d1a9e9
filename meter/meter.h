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
	uint32_t ifindex;	/* ingressInterface */
	uint8_t dir;		/* flowDirection */
	char name[16];		/* interfaceName */
};

struct meter_stats {
	uint64_t packets;	/* handed to the meter */
	uint64_t metered;	/* accounted in a flow */
	uint64_t octets;	/* IP-layer octets of those */
	uint64_t non_ip;	/* neither IP nor malformed (ARP, LLDP, ...) */
	uint64_t malformed[PARSE_NERR + 1];	/* by -parse_result */
};

struct meter {
	struct flowcache *fc;
	struct meter_stats st;
};

/* Name of a malformed reason (-parse_result), for counters and JSON. */
const char *meter_malformed_name(int reason);

/* Meter one captured packet: caplen octets at data, wirelen on the wire. */
void meter_packet(struct meter *m, const struct obs_point *op,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		  uint64_t ts_ns);

#endif
