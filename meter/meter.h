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
#include "sampler.h"

/*
 * An observation point: where packets come from and how they are framed.
 * Cisco's semantics: a flow's input interface (ingressInterface, v5
 * input) is where its packets came in, its output interface
 * (egressInterface, v5 output) where they leave. At an ingress point the
 * observed interface is the input and the output is looked up in the
 * routing table when the flow is exported (0 for the host itself); at an
 * egress point the observed interface is the output and the input is the
 * packet's as the kernel knows it (eBPF TC: skb_iif, 0 for the host's own
 * packets), or 0 when the capture cannot know it (libpcap).
 */
struct obs_point {
	const struct linktype *link;
	uint32_t ifindex; /* the interface observed */
	uint8_t dir;	  /* flowDirection: 0 ingress, 1 egress */
	char name[16];	  /* interfaceName */
	char descr[64];	  /* interfaceDescription, NUL-terminated */
	uint8_t pppac;	  /* a PPP session interface (pppac templates) */
	/* a tunnel interface: packets arrive decapsulated, so the tunnel
	 * elements are its configured endpoints, as seen in dir */
	uint8_t tun_ver;
	uint8_t tun_src[16];
	uint8_t tun_dst[16];
};

/* Key elements a template asks for (template_keys()). */
enum meter_key_bits {
	MKEY_IFINDEX = 1u << 0,
	MKEY_DIR = 1u << 1,
	MKEY_SRC = 1u << 2,
	MKEY_DST = 1u << 3,
	MKEY_PROTO = 1u << 4,
	MKEY_SPORT = 1u << 5,
	MKEY_DPORT = 1u << 6,
	MKEY_ETHERTYPE = 1u << 7,
	MKEY_SMAC = 1u << 8,
	MKEY_DMAC = 1u << 9,
	MKEY_TUN_SRC = 1u << 10,
	MKEY_TUN_DST = 1u << 11,
	MKEY_TOS = 1u << 12,
	MKEY_DSCP = 1u << 13, /* the TOS octet less its ECN bits */
	MKEY_PREC = 1u << 14, /* its top three bits */
	/* past the tunnel endpoints in the key (FLOW_KEY_FNF_LEN) */
	MKEY_TTL = 1u << 15,
	MKEY_FLOW_LABEL = 1u << 16,
	MKEY_VLAN = 1u << 17,
	MKEY_PCP = 1u << 18,
	MKEY_FNF = MKEY_TTL | MKEY_FLOW_LABEL | MKEY_VLAN | MKEY_PCP,
	/* ICMP type, code: the destination port of ICMP flows only, so the
	 * flows of other protocols share the value 0 (no key octets of
	 * their own: the base key's dport and proto) */
	MKEY_ICMP_TYPE = 1u << 19,
	MKEY_ICMP_CODE = 1u << 20,
	MKEY_ICMP = MKEY_ICMP_TYPE | MKEY_ICMP_CODE,
	MKEY_FIVE = (1u << 7) - 1, /* the first seven: the base key part */
};

#define METER_MAX_TEMPLATES 32

/*
 * Flow classes: IP version x tunnel (none, outer IPv4, outer IPv6) x
 * pppac. Each class is exported with the first configured template that
 * describes it, or counted as unexportable.
 */
enum meter_nofit {
	NOFIT_IPV4,
	NOFIT_IPV6,
	NOFIT_TUNNEL,
	NOFIT_PPPAC,
	NOFIT_N,
};

struct meter_cfg {
	uint32_t decap;	  /* PARSE_DECAP_BIT()s: tunnels to open */
	uint32_t key_len; /* FLOW_KEY_BASE_LEN, _L2_LEN or _FULL_LEN */
	uint8_t class_tmpl[2][3][2]; /* template index + 1; 0: none fits */
	uint32_t keys[METER_MAX_TEMPLATES]; /* MKEY_* of each template */
	/* a template has a measured FNF element (TTL, length minimum or
	 * maximum, fragment flags): the cache keeps them, per packet */
	bool measure;
};

/*
 * The bins of IOS's packet size distribution: 32-octet steps up to 576
 * (1-32, 33-64, ..., 545-576), then 577-1024, then 512-octet steps up to
 * 4608; larger packets count in the last bin.
 */
#define METER_SIZE_BINS 26
static inline unsigned int meter_size_bin(uint32_t octets)
{
	if (octets <= 576)
		return octets ? (octets - 1) / 32 : 0;
	if (octets <= 1024)
		return 18;
	return octets > 4608 ? 25 : 17 + (octets - 1) / 512;
}

struct meter_stats {
	uint64_t packets;     /* handed to the meter */
	uint64_t sampled_out; /* of those, not selected by the sampler */
	uint64_t metered;     /* accounted in a flow */
	uint64_t octets;      /* IP-layer octets of those */
	uint64_t non_ip;      /* neither IP nor malformed (ARP, LLDP, ...) */
	uint64_t malformed[PARSE_NERR + 1]; /* by -parse_result */
	uint64_t tunnelled;		    /* metered as their inner packet */
	uint64_t nofit[NOFIT_N];	    /* packets no template describes */
	uint64_t nofit_octets[NOFIT_N];
	/* malformed and no-fit packets: frame octets of the malformed ones
	 * (their IP length is not known); packet times of the first and the
	 * last of both (0: none) */
	uint64_t malformed_octets;
	uint64_t ignored_first_ns, ignored_last_ns;
	/* metered packets by IP-layer length (meter_size_bin), for the IOS
	 * "IP packet size distribution"; [ipver == 6] */
	uint64_t sizes[2][METER_SIZE_BINS];
};

/* A parsed packet waiting in the batch for its cache update. */
struct meter_pending {
	struct flow_key key;
	uint32_t hash;
	uint32_t octets;
	uint8_t tcp_flags;
	uint8_t tos;
	uint32_t cpu;
	uint32_t oif; /* egress point: the interface observed; 0 ingress */
	uint64_t ts_ns;
	struct flow_meas meas; /* filled only when cfg->measure */
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
	const struct meter_cfg *cfg;
	/* packet selection before parsing (RFC 5475); NULL: every packet.
	 * The caller's, set with meter_set_sampler() */
	struct sampler *smp;
	uint32_t cpu; /* systemCpuId of the packets being metered */
	struct meter_stats st;
	uint32_t npending;
	struct meter_pending pending[METER_BATCH];
};

/* Name of a malformed reason (-parse_result), for counters and JSON. */
const char *meter_malformed_name(int reason);

/*
 * Select packets with s (sampler_init()) before they are parsed, or every
 * packet with NULL; s stays the caller's and must outlive its use here.
 * Sampled-out packets are counted in packets and sampled_out only.
 */
static inline void meter_set_sampler(struct meter *m, struct sampler *s)
{
	m->smp = s && s->mode != SAMPLER_NONE ? s : NULL;
}

/*
 * Meter one captured packet: caplen octets at data, wirelen on the wire.
 * data is read before return; the cache update may wait in the batch.
 */
void meter_packet(struct meter *m, const struct obs_point *op,
		  const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		  uint64_t ts_ns);

/*
 * Meter a packet already parsed (by the BPF programs of --capture ebpf,
 * which run the same parse.h in the kernel): pi is PARSE_IP's result,
 * in_ifindex the interface it came in on (0: the host's own).
 * meter_packet() counts packets; a caller of this counts its own. The
 * sampler selects here too (when the kernel did not sample).
 */
void meter_info(struct meter *m, const struct obs_point *op,
		const struct pkt_info *pi, uint32_t in_ifindex, uint64_t ts_ns);

struct template_def;

/*
 * A PPP session interface (pppac): the access concentrator's ip-up hook
 * writes what the session is into the interface's alias (or a pcapng
 * interface description), e.g.
 *     ip link set dev "$IFNAME" alias "L2TPv2 $PEERNAME 192.0.2.1 198.51.100.9"
 * as "PROTOCOL USER [REMOTE LOCAL]": the protocol (L2TPv2, PPPoE, PPTP),
 * the authenticated user, and for a tunnelled session the tunnel's far and
 * near endpoints (IPv4 or IPv6). A bare "USER" is accepted too.
 */
struct pppac_info {
	char proto[8];	 /* pppacProtocol, NUL-terminated ("" unknown) */
	char user[73];	 /* pppacUserName */
	uint8_t tun_ver; /* 0: no endpoints given */
	uint8_t remote[16];
	uint8_t local[16];
};

/* Parse an alias as above; 0, or -1 when it is not one (user empty). */
int pppac_parse(const char *alias, struct pppac_info *out);

/* Is an interface of this name and kind a PPP session ("ppp", pppN)? */
int pppac_is_ppp(const char *name, const char *kind);

/* Mark op as a PPP session described by alias (tunnel elements oriented
 * for op->dir: ingress packets come from the remote endpoint). */
void obs_point_pppac(struct obs_point *op, const char *alias);

/* Give op a tunnel's endpoints, oriented for op->dir. */
void obs_point_tunnel(struct obs_point *op, uint8_t ver, const uint8_t *local,
		      const uint8_t *remote);

/* Has template t an element the cache measures (struct flow_meas)? */
bool meter_template_measures(const struct template_def *t);

/* The MKEY_* key elements of a template. */
uint32_t meter_template_keys(const struct template_def *t);

/*
 * Derive what the meter must do for the configured templates, in order:
 * which tunnels to open, the key length, the template of each flow class.
 */
void meter_configure(struct meter_cfg *cfg,
		     const struct template_def *const *tmpl, size_t n);

/* Account every batched packet; call before timers, flushes and stats. */
void meter_flush(struct meter *m);

#endif
