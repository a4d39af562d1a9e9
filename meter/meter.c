// SPDX-License-Identifier: BSD-2-Clause
#include <stdbool.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../templates/templates.h"
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

static void meter_parsed(struct meter *m, const struct obs_point *op,
			 const struct pkt_info *pi, uint32_t in_ifindex,
			 uint64_t ts_ns);

/* Not selected by the sampler: counted, never parsed. Without a sampler
 * this is the one test on the packet path. */
static inline bool sampled_out(struct meter *m)
{
	if (__builtin_expect(m->smp == NULL, 1))
		return false;
	if (sampler_take(m->smp))
		return false;
	m->st.sampled_out++;
	return true;
}

/* A packet observed, not accounted: the times of the first and last. */
static void meter_ignored(struct meter *m, uint64_t ts_ns)
{
	if (m->st.ignored_first_ns == 0)
		m->st.ignored_first_ns = ts_ns;
	m->st.ignored_last_ns = ts_ns;
}

void meter_packet(struct meter *m, const struct obs_point *op,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		  uint64_t ts_ns)
{
	struct parse_cursor c = {
		.pos = data,
		.end = data + caplen,
		.wire_extra = wirelen > caplen ? wirelen - caplen : 0,
		.decap = m->cfg ? m->cfg->decap : 0,
	};
	struct pkt_info pi;
	int rc;

	m->st.packets++;
	if (sampled_out(m))
		return;
	memset(&pi, 0, sizeof(pi));
	rc = parse_inner(&c, &pi, op->link->parse(&c, &pi));
	if (rc != PARSE_IP) {
		if (rc == PARSE_NOT_IP) {
			m->st.non_ip++;
		} else {
			m->st.malformed[-rc]++;
			m->st.malformed_octets += wirelen;
			meter_ignored(m, ts_ns);
		}
		return;
	}
	/* libpcap knows no input interface of what it sees leave */
	meter_parsed(m, op, &pi, op->dir ? 0 : op->ifindex, ts_ns);
}

static enum meter_nofit nofit_reason(const struct pkt_info *pi, uint8_t tun_ver,
				     uint8_t pppac)
{
	if (pppac)
		return NOFIT_PPPAC;
	if (tun_ver)
		return NOFIT_TUNNEL;
	return pi->ipver == 6 ? NOFIT_IPV6 : NOFIT_IPV4;
}

void meter_info(struct meter *m, const struct obs_point *op,
		const struct pkt_info *pi, uint32_t in_ifindex, uint64_t ts_ns)
{
	if (sampled_out(m))
		return;
	meter_parsed(m, op, pi, op->dir ? in_ifindex : op->ifindex, ts_ns);
}

static void meter_parsed(struct meter *m, const struct obs_point *op,
			 const struct pkt_info *pi, uint32_t in_ifindex,
			 uint64_t ts_ns)
{
	const struct meter_cfg *cfg = m->cfg;
	const uint8_t *tun_src = pi->tun_src, *tun_dst = pi->tun_dst;
	uint8_t tun_ver = pi->tun_ver;
	uint32_t keys = MKEY_FIVE, t = 0, key_len = m->fc->key_len;
	struct meter_pending *mp;
	struct flow_key *k;

	/* on a tunnel interface the packet arrives without its outer header:
	 * the interface's endpoints are the tunnel */
	if (!tun_ver && op->tun_ver) {
		tun_ver = op->tun_ver;
		tun_src = op->tun_src;
		tun_dst = op->tun_dst;
	}
	if (cfg) {
		t = cfg->class_tmpl[pi->ipver == 6][tun_ver == 6 ? 2
						    : tun_ver	 ? 1
								 : 0]
				   [op->pppac ? 1 : 0];
		if (!t) {
			enum meter_nofit r =
				nofit_reason(pi, tun_ver, op->pppac);

			m->st.nofit[r]++;
			m->st.nofit_octets[r] += pi->octets;
			meter_ignored(m, ts_ns);
			return;
		}
		keys = cfg->keys[--t];
	}
	m->st.metered++;
	m->st.octets += pi->octets;
	m->st.sizes[pi->ipver == 6][meter_size_bin(pi->octets)]++;
	if (pi->tun_ver)
		m->st.tunnelled++;

	mp = &m->pending[m->npending];
	k = &mp->key;
	memset(k, 0, key_len);
	if (keys & MKEY_SRC)
		memcpy(k->src, pi->src, sizeof(k->src));
	if (keys & MKEY_DST)
		memcpy(k->dst, pi->dst, sizeof(k->dst));
	if (keys & MKEY_IFINDEX)
		k->ifindex = in_ifindex;
	if (keys & MKEY_SPORT)
		k->sport = pi->sport;
	if (keys & MKEY_DPORT)
		k->dport = pi->dport;
	if (keys & MKEY_PROTO)
		k->proto = pi->proto;
	if (keys & MKEY_DIR)
		k->dir = op->dir;
	if (keys & MKEY_ICMP && (pi->proto == 1 || pi->proto == 58)) {
		k->proto = pi->proto;
		k->dport |= pi->dport & ((keys & MKEY_ICMP_TYPE ? 0xff00 : 0) |
					 (keys & MKEY_ICMP_CODE ? 0x00ff : 0));
	}
	k->ipver = pi->ipver;
	k->tmpl = (uint8_t)t;
	if (key_len > FLOW_KEY_BASE_LEN) {
		if (keys & MKEY_ETHERTYPE)
			k->ethertype = pi->ethertype;
		if (keys & MKEY_SMAC)
			memcpy(k->smac, pi->smac, 6);
		if (keys & MKEY_DMAC)
			memcpy(k->dmac, pi->dmac, 6);
		if (keys & MKEY_TOS)
			k->tos = pi->tos;
		else if (keys & MKEY_DSCP)
			k->tos = pi->tos & 0xfc;
		else if (keys & MKEY_PREC)
			k->tos = pi->tos & 0xe0;
		k->tun_ver = tun_ver;
		if (keys & MKEY_TUN_SRC)
			memcpy(k->tun_src, tun_src, 16);
		if (keys & MKEY_TUN_DST)
			memcpy(k->tun_dst, tun_dst, 16);
		if (keys & MKEY_FNF) {
			if (keys & MKEY_TTL)
				k->ttl = pi->ttl;
			if (keys & MKEY_FLOW_LABEL)
				k->flow_label = pi->flow_label;
			if (keys & MKEY_VLAN)
				k->vlan = pi->nvlan ? pi->vlan[0] : 0;
			if (keys & MKEY_PCP)
				k->pcp = pi->nvlan ? pi->vlan_pcp : 0;
		}
	}
	mp->hash = flowcache_hash_len(k, key_len);
	mp->octets = pi->octets;
	mp->tcp_flags = pi->tcp_flags;
	mp->tos = pi->tos;
	mp->ts_ns = ts_ns;
	mp->cpu = m->cpu;
	mp->oif = op->dir ? op->ifindex : 0;
	if (cfg && cfg->measure) {
		uint16_t len = pi->octets > 0xffff ? 0xffff
						   : (uint16_t)pi->octets;

		mp->meas.ttl_min = mp->meas.ttl_max = pi->ttl;
		mp->meas.len_min = mp->meas.len_max = len;
		mp->meas.frag = pi->frag_flags;
	}
	flowcache_prefetch_bucket(m->fc, mp->hash);
	if (++m->npending == METER_BATCH)
		meter_flush(m);
}

/* The key element an information element is, 0 if it is not one. */
static uint32_t ie_key_bit(unsigned ie)
{
	switch (ie) {
	case IE_ingressInterface:
		return MKEY_IFINDEX;
	case IE_flowDirection:
		return MKEY_DIR;
	case IE_sourceIPv4Address:
	case IE_sourceIPv6Address:
		return MKEY_SRC;
	case IE_destinationIPv4Address:
	case IE_destinationIPv6Address:
		return MKEY_DST;
	case IE_protocolIdentifier:
		return MKEY_PROTO;
	case IE_sourceTransportPort:
		return MKEY_SPORT;
	case IE_destinationTransportPort:
		return MKEY_DPORT;
	case IE_ethernetType:
		return MKEY_ETHERTYPE;
	case IE_sourceMacAddress:
		return MKEY_SMAC;
	case IE_destinationMacAddress:
		return MKEY_DMAC;
	case IE_tunnelSourceIPv4Address:
	case IE_tunnelSourceIPv6Address:
		return MKEY_TUN_SRC;
	case IE_tunnelDestinationIPv4Address:
	case IE_tunnelDestinationIPv6Address:
		return MKEY_TUN_DST;
	case IE_ipClassOfService:
		return MKEY_TOS;
	case IE_ipDiffServCodePoint:
		return MKEY_DSCP;
	case IE_ipPrecedence:
		return MKEY_PREC;
	case IE_ipTTL:
		return MKEY_TTL;
	case IE_flowLabelIPv6:
		return MKEY_FLOW_LABEL;
	case IE_vlanId:
	case IE_dot1qVlanId:
		return MKEY_VLAN;
	case IE_dot1qPriority:
		return MKEY_PCP;
	case IE_icmpTypeIPv4:
	case IE_icmpTypeIPv6:
		return MKEY_ICMP_TYPE;
	case IE_icmpCodeIPv4:
	case IE_icmpCodeIPv6:
		return MKEY_ICMP_CODE;
	default:
		return 0;
	}
}

bool meter_template_measures(const struct template_def *t)
{
	uint32_t i;

	for (i = 0; i < t->nelem; i++)
		switch (t->elem[i]) {
		case IE_minimumTTL:
		case IE_maximumTTL:
		case IE_minimumIpTotalLength:
		case IE_maximumIpTotalLength:
		case IE_fragmentFlags:
			return true;
		default:
			break;
		}
	return false;
}

uint32_t meter_template_keys(const struct template_def *t)
{
	uint32_t keys = 0, i;

	for (i = 0; i < t->nelem; i++)
		if (!t->keymask || (t->keymask >> i & 1))
			keys |= ie_key_bit(t->elem[i]);
	return keys;
}

/* Does template t describe flows of this class? */
static bool template_fits(const struct template_def *t, uint8_t ipver,
			  uint8_t tun_ver, uint8_t pppac)
{
	if (t->ipver && t->ipver != ipver)
		return false;
	if (t->pppac)
		/* a PPPoE session has no IP tunnel: zero IPv4 endpoints */
		return pppac && (t->tunnel == tun_ver ||
				 (tun_ver == 0 && t->tunnel == 4));
	return t->tunnel == tun_ver;
}

void meter_configure(struct meter_cfg *cfg,
		     const struct template_def *const *tmpl, size_t n)
{
	static const uint8_t tun_of[3] = { 0, 4, 6 };
	size_t i;
	int v, tu, pp;

	memset(cfg, 0, sizeof(*cfg));
	cfg->key_len = FLOW_KEY_BASE_LEN;
	for (i = 0; i < n && i < METER_MAX_TEMPLATES; i++) {
		cfg->keys[i] = meter_template_keys(tmpl[i]);
		cfg->measure |= meter_template_measures(tmpl[i]);
		/* the tunnel endpoints need the whole key; the other
		 * elements its seven-tuple part */
		if (cfg->keys[i] & MKEY_FNF)
			cfg->key_len = FLOW_KEY_FNF_LEN;
		else if (cfg->keys[i] & (MKEY_TUN_SRC | MKEY_TUN_DST) &&
			 cfg->key_len < FLOW_KEY_FULL_LEN)
			cfg->key_len = FLOW_KEY_FULL_LEN;
		else if (cfg->keys[i] & ~(uint32_t)(MKEY_FIVE | MKEY_ICMP) &&
			 cfg->key_len < FLOW_KEY_L2_LEN)
			cfg->key_len = FLOW_KEY_L2_LEN;
		if (tmpl[i]->tunnel && !tmpl[i]->pppac) {
			uint8_t in = tmpl[i]->ipver;

			if (in)
				cfg->decap |=
					PARSE_DECAP_BIT(tmpl[i]->tunnel, in);
			else
				cfg->decap |=
					PARSE_DECAP_BIT(tmpl[i]->tunnel, 4) |
					PARSE_DECAP_BIT(tmpl[i]->tunnel, 6);
		}
	}
	for (v = 0; v < 2; v++)
		for (tu = 0; tu < 3; tu++)
			for (pp = 0; pp < 2; pp++)
				for (i = 0; i < n && i < METER_MAX_TEMPLATES;
				     i++) {
					if (!template_fits(tmpl[i], v ? 6 : 4,
							   tun_of[tu],
							   (uint8_t)pp))
						continue;
					cfg->class_tmpl[v][tu][pp] =
						(uint8_t)(i + 1);
					break;
				}
	/* a tunnel needs the key's tun_ver, even if only the tunnel
	 * version tells two flows apart */
	if (cfg->decap && cfg->key_len < FLOW_KEY_L2_LEN)
		cfg->key_len = FLOW_KEY_L2_LEN;
}

void meter_flush(struct meter *m)
{
	uint32_t i, n = m->npending;

	/* the buckets were prefetched at parse time; now the chain heads */
	for (i = 0; i < n; i++)
		flowcache_prefetch_entry(m->fc, m->pending[i].hash);
	for (i = 0; i < n; i++) {
		const struct meter_pending *mp = &m->pending[i];

		if (m->fc->meas)
			flowcache_update_measured(m->fc, &mp->key, mp->hash,
						  mp->octets, mp->tcp_flags,
						  mp->tos, mp->ts_ns, mp->cpu,
						  mp->oif, &mp->meas);
		else
			flowcache_update_hashed(m->fc, &mp->key, mp->hash,
						mp->octets, mp->tcp_flags,
						mp->tos, mp->ts_ns, mp->cpu,
						mp->oif);
	}
	m->npending = 0;
}

static int parse_addr(const char *s, uint8_t *out, uint8_t *ver)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*ver = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*ver = 6;
		return 0;
	}
	return -1;
}

int pppac_parse(const char *alias, struct pppac_info *out)
{
	static const char *const protos[] = { "L2TPv2", "PPPoE", "PPTP" };
	char buf[256], *tok[4], *save = NULL, *t;
	int n = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!alias || !alias[0])
		return -1;
	snprintf(buf, sizeof(buf), "%s", alias);
	for (t = strtok_r(buf, " \t", &save); t && n < 4;
	     t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n == 0)
		return -1;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(tok[0], protos[i]) == 0)
			break;
	if (i == sizeof(protos) / sizeof(protos[0]) || n == 1) {
		/* a bare user name */
		snprintf(out->user, sizeof(out->user), "%s", tok[0]);
		return 0;
	}
	snprintf(out->proto, sizeof(out->proto), "%s", tok[0]);
	snprintf(out->user, sizeof(out->user), "%s", tok[1]);
	if (n == 4) {
		uint8_t v1 = 0, v2 = 0;

		if (parse_addr(tok[2], out->remote, &v1) == 0 &&
		    parse_addr(tok[3], out->local, &v2) == 0 && v1 == v2)
			out->tun_ver = v1;
		else
			memset(out->remote, 0, 32);
	}
	return 0;
}

int pppac_is_ppp(const char *name, const char *kind)
{
	if (kind && kind[0])
		return strcmp(kind, "ppp") == 0;
	return name && strncmp(name, "ppp", 3) == 0;
}

void obs_point_pppac(struct obs_point *op, const char *alias)
{
	struct pppac_info pa;

	op->pppac = 1;
	if (pppac_parse(alias, &pa) || !pa.tun_ver)
		return;
	obs_point_tunnel(op, pa.tun_ver, pa.local, pa.remote);
}

void obs_point_tunnel(struct obs_point *op, uint8_t ver, const uint8_t *local,
		      const uint8_t *remote)
{
	/* ingress packets come from the remote end to us */
	op->tun_ver = ver;
	memcpy(op->tun_src, op->dir ? local : remote, 16);
	memcpy(op->tun_dst, op->dir ? remote : local, 16);
}
