// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "meter.h"

static const char *const malformed_names[PARSE_NERR + 1] = {
	[-PARSE_ERR_TRUNCATED] = "truncated",
	[-PARSE_ERR_VERSION] = "bad_version",
	[-PARSE_ERR_IHL] = "bad_ihl",
	[-PARSE_ERR_TOTAL_LENGTH] = "bad_total_length",
	[-PARSE_ERR_IPV6_EXT] = "ipv6_ext_chain",
	[-PARSE_ERR_VLAN_DEPTH] = "vlan_depth",
};

const char *meter_malformed_name(int reason)
{
	if (reason < 1 || reason > PARSE_NERR)
		return "unknown";
	return malformed_names[reason];
}

void meter_packet(struct meter *m, const struct obs_point *op,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		  uint64_t ts_ns)
{
	struct parse_cursor c = {
		.pos = data,
		.end = data + caplen,
		.wire_extra = wirelen > caplen ? wirelen - caplen : 0,
	};
	struct pkt_info pi;
	int rc;

	m->st.packets++;
	memset(&pi, 0, sizeof(pi));
	rc = parse_inner(&c, &pi, op->link->parse(&c, &pi));
	if (rc != PARSE_IP) {
		if (rc == PARSE_NOT_IP)
			m->st.non_ip++;
		else
			m->st.malformed[-rc]++;
		return;
	}
	meter_info(m, op, &pi, ts_ns);
}

void meter_info(struct meter *m, const struct obs_point *op,
		const struct pkt_info *pi, uint64_t ts_ns)
{
	struct meter_pending *mp;
	struct flow_key *k;

	m->st.metered++;
	m->st.octets += pi->octets;

	mp = &m->pending[m->npending];
	k = &mp->key;
	memcpy(k->src, pi->src, sizeof(k->src));
	memcpy(k->dst, pi->dst, sizeof(k->dst));
	k->ifindex = op->ifindex;
	k->sport = pi->sport;
	k->dport = pi->dport;
	k->ipver = pi->ipver;
	k->proto = pi->proto;
	k->dir = op->dir;
	k->pad = 0;
	mp->hash = flowcache_hash(k);
	mp->octets = pi->octets;
	mp->tcp_flags = pi->tcp_flags;
	mp->tos = pi->tos;
	mp->ts_ns = ts_ns;
	flowcache_prefetch_bucket(m->fc, mp->hash);
	if (++m->npending == METER_BATCH)
		meter_flush(m);
}

void meter_flush(struct meter *m)
{
	uint32_t i, n = m->npending;

	/* the buckets were prefetched at parse time; now the chain heads */
	for (i = 0; i < n; i++)
		flowcache_prefetch_entry(m->fc, m->pending[i].hash);
	for (i = 0; i < n; i++) {
		const struct meter_pending *mp = &m->pending[i];

		flowcache_update_hashed(m->fc, &mp->key, mp->hash, mp->octets,
					mp->tcp_flags, mp->tos, mp->ts_ns);
	}
	m->npending = 0;
}
