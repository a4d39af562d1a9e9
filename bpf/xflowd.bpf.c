// SPDX-License-Identifier: BSD-2-Clause
/*
 * xflowd.bpf.c - the in-kernel observation points.
 *
 * --capture ebpf: xf_xdp (ingress) or xf_tc_in/xf_tc_out (TCX ingress and
 * egress) parse each (sampled) packet with meter/parse.h, the parser of
 * user space, and push one struct xf_record into a ring buffer; the packet
 * always goes on (XDP_PASS, TCX_NEXT).
 *
 * --capture afxdp: xf_xsk redirects each sampled frame to the AF_XDP
 * socket of its receive queue; frames not sampled are dropped here.
 *
 * In both modes packets to or from our collectors are left alone: xflowd
 * never meters its own export. Parameters are read-only data set by user
 * space before the load, so the verifier prunes what is switched off.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "record.h"

#ifdef XF_VERIFY_WORST
/* make bpf-check: every option on, the most paths for the verifier */
#define XF_OPT(normal, worst) worst
#else
#define XF_OPT(normal, worst) normal
#endif

const volatile __u32 xf_sample_n = XF_OPT(1, 2); /* 1-in-N; 0, 1: all */
const volatile __u32 xf_nrings = XF_OPT(1, 2);	 /* rings in xf_rings */
const volatile __u32 xf_ring_by_cpu = 0;	 /* ring = CPU, not flow hash */
const volatile __u32 xf_decap = XF_OPT(0, PARSE_DECAP_ALL); /* tunnels */
const volatile __u32 xf_nown = XF_OPT(0, 1); /* entries in xf_own */
/* our collectors: a short list, compared faster than a hash is looked up */
const volatile struct xf_own_key xf_own[XF_MAX_OWN];
const volatile __u32 xf_wake_bytes = XF_OPT(0, 1); /* wake past this fill */
const volatile __u32 xf_raw_ip = 0; /* L3 device: no link header */

/*
 * The rings, created by user space (a ring buffer cannot be per-CPU).
 * The prototype's size is irrelevant: inner ring buffers may differ.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XF_MAX_RINGS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_RINGBUF);
			__uint(max_entries, 4096);
		});
} xf_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xf_counters);
} xf_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XF_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xf_xsks SEC(".maps");

static __always_inline void xf_count(__u32 slot)
{
	__u32 zero = 0;
	struct xf_counters *c = bpf_map_lookup_elem(&xf_counters, &zero);

	/* the mask is for the verifier: keep the compiler from dropping it */
	barrier_var(slot);
	if (c)
		c->c[slot & (XF_NSLOTS - 1)]++;
}

/* 1-in-N random selection (RFC 5475 §5.2.1.3, n-out-of-N with n = 1) */
static __always_inline int xf_sampled_out(void)
{
	if (xf_sample_n > 1 && bpf_get_prandom_u32() % xf_sample_n) {
		xf_count(XF_CNT_SAMPLED_OUT);
		return 1;
	}
	return 0;
}

/*
 * The verifier explores every path through the parser once per state it
 * is entered with; the parser and the record writer are therefore global
 * functions (verified once, on their own) and the programs only call
 * them: sampling, the TC pull and the XDP/TC/AF_XDP variants do not
 * multiply the parser's paths.
 */

/*
 * The inner packet of a tunnel, in a global function of its own: inlined
 * after the outer parse, its paths multiply with the outer ones past the
 * verifier's 1M-instruction budget (as in parse_check.bpf.c). pos and lim
 * are offsets of the inner packet and of the end of the outer one.
 */
static __always_inline int xf_inner(const __u8 *data, const __u8 *end,
				    __u32 wire_extra, __u32 pos, __u32 lim,
				    struct pkt_info *pi)
{
	struct parse_cursor c = {
		.end = end,
		.wire_extra = wire_extra,
	};

	if (!pi)
		return PARSE_ERR_TRUNCATED;
	/* masks the verifier can see: packet offsets stay below 64 KiB,
	 * and an inner packet starts in the first 16 */
	c.pos = data + (pos & 0x3fff);
	c.lim = data + (lim & 0xffff);
	return parse_inner(&c, pi, PARSE_TUNNEL);
}

__noinline int xf_inner_xdp(struct xdp_md *ctx, __u32 pos, __u32 lim,
			    struct pkt_info *pi)
{
	return xf_inner((const __u8 *)(long)ctx->data,
			(const __u8 *)(long)ctx->data_end, 0, pos, lim, pi);
}

__noinline int xf_inner_skb(struct __sk_buff *skb, __u32 wire_extra, __u32 pos,
			    __u32 lim, struct pkt_info *pi)
{
	return xf_inner((const __u8 *)(long)skb->data,
			(const __u8 *)(long)skb->data_end, wire_extra, pos, lim,
			pi);
}

/* The outer parse of a frame (Ethernet or raw IP). */
static __always_inline int xf_parse(const __u8 *data, const __u8 *end,
				    __u32 wire_extra, struct pkt_info *pi,
				    struct parse_cursor *c)
{
	int rc;

	c->pos = data;
	c->end = end;
	c->wire_extra = wire_extra;
	c->decap = xf_decap;
	c->lim = 0;
	parse_zero(pi, sizeof(*pi));
	if (xf_raw_ip) {
		/* tunnel, PPP and other L3 devices: the IP header first */
		rc = parse_ip(c, pi);
		if (rc == PARSE_IP || rc == PARSE_TUNNEL)
			pi->ethertype = pi->ipver == 6 ? ETH_P_IPV6_
						       : ETH_P_IPV4_;
	} else {
		rc = parse_ether(c, pi);
	}
	return rc;
}

/* Count a parse result that is not a flow. */
static __always_inline void xf_count_result(int rc)
{
	if (rc == PARSE_NOT_IP)
		xf_count(XF_CNT_NOT_IP);
	else if (rc < 0 && rc >= -PARSE_NERR)
		xf_count(XF_CNT_MALFORMED + (__u32)-rc);
}

__noinline int xf_parse_xdp(struct xdp_md *ctx, struct xf_record *r)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	struct parse_cursor c;
	struct pkt_info pi;
	int rc;

	if (!r)
		return PARSE_ERR_TRUNCATED;
	rc = xf_parse(data, (const __u8 *)(long)ctx->data_end, 0, &pi, &c);
	if (rc == PARSE_TUNNEL)
		rc = xf_inner_xdp(ctx, (__u32)(c.pos - data),
				  (__u32)(c.lim - data), &pi);
	__builtin_memcpy(&r->pi, &pi, sizeof(pi));
	return rc;
}

/*
 * Octets of the IP and transport headers repeated in every segment of a
 * GSO packet, or 0 when they cannot be told (tunnels, other protocols):
 * then the packet is metered as one.
 */
static __always_inline __u16 xf_gso_hdr_len(const struct parse_cursor *c,
					    const void *data,
					    const struct pkt_info *pi)
{
	const __u8 *l4 = c->pos;
	__u32 l2 = xf_raw_ip ? 0
			     : 14 + 4 * (__u32)(pi->nvlan > 3 ? 3 : pi->nvlan);
	__u32 off = (__u32)(l4 - (const __u8 *)data);

	if (pi->tun_kind || pi->nonfirst_frag || off <= l2 || off > 512)
		return 0;
	if (pi->proto == IPPROTO_TCP_) {
		if (l4 + 13 > c->end)
			return 0;
		return (__u16)(off - l2 + (__u32)(l4[12] >> 4) * 4);
	}
	if (pi->proto == IPPROTO_UDP_)
		return (__u16)(off - l2 + 8);
	return 0;
}

/* The linear part of an skb; the rest of it is on the wire (wire_extra). */
__noinline int xf_parse_skb(struct __sk_buff *skb, struct xf_record *r)
{
	const __u8 *data = (const __u8 *)(long)skb->data;
	const __u8 *end = (const __u8 *)(long)skb->data_end;
	__u32 lin = (__u32)(end - data), len = skb->len;
	struct parse_cursor c;
	struct pkt_info pi;
	int rc;

	if (!r)
		return PARSE_ERR_TRUNCATED;
	rc = xf_parse(data, end, len - lin, &pi, &c);
	if (rc == PARSE_TUNNEL)
		rc = xf_inner_skb(skb, len - lin, (__u32)(c.pos - data),
				  (__u32)(c.lim - data), &pi);
	r->gso_segs = 1;
	r->gso_size = 0;
	r->hdr_len = 0;
	if (rc == PARSE_IP && skb->gso_segs > 1) {
		r->gso_segs = (__u16)skb->gso_segs;
		r->gso_size = (__u16)skb->gso_size;
		r->hdr_len = xf_gso_hdr_len(&c, data, &pi);
	}
	__builtin_memcpy(&r->pi, &pi, sizeof(pi));
	return rc;
}

/* addr (IPv4: 4 octets, else 16), 4-aligned, against entry i */
static __always_inline int xf_own_eq(int i, __u8 ipver, const __u8 *addr,
				     __u16 port)
{
	const __u32 *a = (const __u32 *)addr;
	const volatile __u32 *b = (const volatile __u32 *)xf_own[i].addr;

	if (xf_own[i].port != port || xf_own[i].ipver != ipver || a[0] != b[0])
		return 0;
	return ipver == 4 || (a[1] == b[1] && a[2] == b[2] && a[3] == b[3]);
}

/*
 * Our export, or its return traffic (TCP acknowledgements): a packet of
 * UDP or TCP to or from one of our collectors' address and port.
 */
static __always_inline int xf_own_match(__u8 ipver, __u8 proto, const __u8 *src,
					const __u8 *dst, __u16 sport,
					__u16 dport)
{
	int i;

	if (proto != IPPROTO_UDP_ && proto != IPPROTO_TCP_)
		return 0;
	for (i = 0; i < XF_MAX_OWN; i++) {
		if (i >= (int)xf_nown)
			break;
		if (xf_own_eq(i, ipver, dst, dport) ||
		    xf_own_eq(i, ipver, src, sport))
			return 1;
	}
	return 0;
}

static __always_inline int xf_is_own(const struct pkt_info *pi)
{
	return xf_nown && xf_own_match(pi->ipver, pi->proto, pi->src, pi->dst,
				       pi->sport, pi->dport);
}

/*
 * AF_XDP: the same test on a frame without the full parse (our export is
 * plain IP over Ethernet, maybe VLAN-tagged): the mode's whole kernel cost
 * is in front of a copy, so it stays small.
 */
static __always_inline int xf_own_frame(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u8 src[16] __attribute__((aligned(4))) = { 0 };
	__u8 dst[16] __attribute__((aligned(4))) = { 0 };
	__u16 et;
	__u8 proto, ipver;
	int i;

	if (p + 14 > end)
		return 0;
	et = parse_be16(p + 12);
	p += 14;
	for (i = 0; i < 2; i++) {
		if (et != ETH_P_8021Q_ && et != ETH_P_8021AD_)
			break;
		if (p + 4 > end)
			return 0;
		et = parse_be16(p + 2);
		p += 4;
	}
	if (et == ETH_P_IPV4_) {
		if (p + 20 > end || (parse_be16(p + 6) & 0x1fff))
			return 0;
		ipver = 4;
		proto = p[9];
		__builtin_memcpy(src, p + 12, 4);
		__builtin_memcpy(dst, p + 16, 4);
		p += (p[0] & 0x0f) * 4;
	} else if (et == ETH_P_IPV6_) {
		if (p + 40 > end)
			return 0;
		ipver = 6;
		proto = p[6];
		__builtin_memcpy(src, p + 8, 16);
		__builtin_memcpy(dst, p + 24, 16);
		p += 40;
	} else {
		return 0;
	}
	if (p + 4 > end)
		return 0;
	return xf_own_match(ipver, proto, src, dst, parse_be16(p),
			    parse_be16(p + 2));
}

/* 1 when the parsed packet is ours to skip (counted). */
__noinline int xf_own_check(const struct xf_record *r)
{
	if (!r || !xf_is_own(&r->pi))
		return 0;
	xf_count(XF_CNT_OWN_EXPORT);
	return 1;
}

/*
 * The ring of a flow: all packets of one flow go to one ring, so one
 * reader (one worker, one flow cache) sees the whole flow whatever CPU
 * the packets arrive on.
 */
static __always_inline __u32 xf_ring_of(const struct pkt_info *pi)
{
	const __u32 *s = (const __u32 *)pi->src;
	const __u32 *d = (const __u32 *)pi->dst;
	__u32 h;

	if (xf_nrings <= 1)
		return 0;
	if (xf_ring_by_cpu)
		return bpf_get_smp_processor_id() % xf_nrings;
	h = (s[0] ^ s[1] ^ s[2] ^ s[3]) * 0x9e3779b1u;
	h ^= d[0] ^ d[1] ^ d[2] ^ d[3];
	h *= 0x85ebca6bu;
	h ^= ((__u32)pi->sport << 16 | pi->dport) ^ pi->proto;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h % xf_nrings;
}

/* A record's room in a ring: its 8-octet header, rounded up to 8. */
#define XF_REC_STRIDE ((sizeof(struct xf_record) + 8 + 7) & ~7ull)

/*
 * Push r (pi, GSO fields) with its time, interface, input interface,
 * direction and CPU.
 */
__noinline int xf_emit(const struct xf_record *r, __u32 ifindex,
		       __u32 in_ifindex, __u32 dir)
{
	struct xf_record *w;
	__u64 flags = BPF_RB_NO_WAKEUP;
	__u32 idx;
	void *ring;

	if (!r)
		return 0;
	idx = xf_ring_of(&r->pi);
	ring = bpf_map_lookup_elem(&xf_rings, &idx);
	if (!ring) {
		xf_count(XF_CNT_RING_FULL);
		return 0;
	}
	w = bpf_ringbuf_reserve(ring, sizeof(*w), 0);
	if (!w) {
		xf_count(XF_CNT_RING_FULL);
		return 0;
	}
	__builtin_memcpy(w, r, sizeof(*w));
	w->ts_ns = bpf_ktime_get_ns();
	w->ifindex = ifindex;
	w->in_ifindex = in_ifindex;
	w->cpu = bpf_get_smp_processor_id();
	w->dir = (__u8)dir;
	w->pad = 0;
	/*
	 * No wake-up per record (it halves throughput here): the reader
	 * polls on a short timer and is woken early once, by the record that
	 * takes the ring past xf_wake_bytes. Not by every record past it: a
	 * reader that lags behind a flood would get a wake-up per record,
	 * which on its core starves the reader further (measured: half the
	 * forwarding rate at saturation). A crossing missed between two
	 * CPUs' records is caught by the timer.
	 */
	if (xf_wake_bytes) {
		__u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);

		if (avail > xf_wake_bytes &&
		    avail <= (__u64)xf_wake_bytes + XF_REC_STRIDE)
			flags = BPF_RB_FORCE_WAKEUP;
	}
	bpf_ringbuf_submit(w, flags);
	return 1;
}

SEC("xdp")
int xf_xdp(struct xdp_md *ctx)
{
	struct xf_record r;
	int rc;

	if (xf_sampled_out())
		return XDP_PASS;
	rc = xf_parse_xdp(ctx, &r);
	if (rc != PARSE_IP) {
		xf_count_result(rc);
		return XDP_PASS;
	}
	if (xf_own_check(&r))
		return XDP_PASS;
	r.gso_segs = 1;
	r.gso_size = 0;
	r.hdr_len = 0;
	xf_emit(&r, ctx->ingress_ifindex, ctx->ingress_ifindex, 0);
	return XDP_PASS;
}

/*
 * TCX_NEXT (-1, TC_ACT_UNSPEC; not in this system's headers): the packet
 * goes on to the programs attached after ours, then on its way. TC_ACT_OK
 * would end the chain: a firewall attached after xflowd would not run.
 */
#define XF_TCX_NEXT TC_ACT_UNSPEC

/*
 * Headers a GRO/GSO skb may hold outside its linear part: pull enough for
 * QinQ + IPv6 with extension headers + transport into the linear area.
 */
#define XF_TC_PULL 192

static __always_inline int xf_tc(struct __sk_buff *skb, __u32 dir)
{
	struct xf_record r;
	__u32 len = skb->len, lin;
	int rc;

	if (xf_sampled_out())
		return XF_TCX_NEXT;
	lin = (__u32)(skb->data_end - skb->data);
	if (lin < len && lin < XF_TC_PULL)
		bpf_skb_pull_data(skb, len < XF_TC_PULL ? len : XF_TC_PULL);
	rc = xf_parse_skb(skb, &r);
	if (rc != PARSE_IP) {
		xf_count_result(rc);
		return XF_TCX_NEXT;
	}
	if (xf_own_check(&r))
		return XF_TCX_NEXT;
	if (r.gso_segs > 1)
		xf_count(XF_CNT_GSO);
	/* skb_iif: where a forwarded packet was received (Cisco's input
	 * interface of an egress flow), 0 for a packet of the host's own */
	xf_emit(&r, skb->ifindex, skb->ingress_ifindex, dir);
	return XF_TCX_NEXT;
}

SEC("tc")
int xf_tc_in(struct __sk_buff *skb)
{
	return xf_tc(skb, 0);
}

SEC("tc")
int xf_tc_out(struct __sk_buff *skb)
{
	return xf_tc(skb, 1);
}

SEC("xdp")
int xf_xsk(struct xdp_md *ctx)
{
	long act;

	if (xf_sampled_out())
		return XDP_DROP;
	if (xf_nown && xf_own_frame(ctx)) {
		xf_count(XF_CNT_OWN_EXPORT);
		return XDP_PASS;
	}
	act = bpf_redirect_map(&xf_xsks, ctx->rx_queue_index, 0);
	if (act != XDP_REDIRECT) {
		xf_count(XF_CNT_NO_SOCKET);
		return XDP_PASS;
	}
	return XDP_REDIRECT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
