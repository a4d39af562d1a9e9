// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench.bpf.c - programs of the live benchmark (bench/live.sh), not of
 * xflowd: the raw limits it compares xflowd with, and the alternative to
 * xflowd's per-packet ring records that it measures.
 *
 *  bb_gen:            the traffic generator: BPF_PROG_RUN with live frames
 *                     (xdp-trafficgen's method) sends its frame out of a
 *                     veth, a new UDP source port each time;
 *  bb_drop / bb_pass: count (per CPU) and drop / pass: the XDP ceiling, and
 *                     a cheap counting sink;
 *  bb_xsk:            redirect everything to the AF_XDP socket of the queue:
 *                     the raw AF_XDP receive loop;
 *  bb_agg:            parse with meter/parse.h (as xf_xdp does) and add the
 *                     packet to a per-CPU hash of flow key -> counters that
 *                     user space drains: in-kernel aggregation.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../meter/parse.h"

struct bb_key {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 ipver;
	__u16 pad;
};

struct bb_val {
	__u64 packets;
	__u64 octets;
	__u64 first_ns;
	__u64 last_ns;
	__u8 tcp_flags;
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bb_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} bb_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct bb_key);
	__type(value, struct bb_val);
} bb_agg_map SEC(".maps");

static __always_inline void bb_inc(void)
{
	__u32 zero = 0;
	__u64 *c = bpf_map_lookup_elem(&bb_count, &zero);

	if (c)
		*c += 1;
}

/* bb_gen: the generator's frame, one UDP source port per flow */
const volatile __u32 gen_ifindex = 0;
const volatile __u32 gen_nflows = 4096;

SEC("xdp")
int bb_gen(struct xdp_md *ctx)
{
	__u8 *p = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	__u32 zero = 0, port;
	__u64 *c;

	/* Ethernet + IPv4 (20) + UDP source port */
	if (p + 14 + 20 + 2 > end)
		return XDP_ABORTED;
	c = bpf_map_lookup_elem(&bb_count, &zero);
	if (!c)
		return XDP_ABORTED;
	port = 10000 + (__u32)(*c % gen_nflows);
	*c += 1;
	p[34] = (__u8)(port >> 8);
	p[35] = (__u8)port;
	return bpf_redirect(gen_ifindex, 0);
}

SEC("xdp")
int bb_drop(struct xdp_md *ctx)
{
	bb_inc();
	return XDP_DROP;
}

SEC("xdp")
int bb_pass(struct xdp_md *ctx)
{
	bb_inc();
	return XDP_PASS;
}

SEC("xdp")
int bb_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&bb_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int bb_agg(struct xdp_md *ctx)
{
	struct parse_cursor c = {
		.pos = (const __u8 *)(long)ctx->data,
		.end = (const __u8 *)(long)ctx->data_end,
	};
	struct pkt_info pi;
	struct bb_key k;
	struct bb_val *v, nv;
	__u64 now;

	parse_zero(&pi, sizeof(pi));
	if (parse_ether(&c, &pi) != PARSE_IP)
		return XDP_PASS;
	__builtin_memset(&k, 0, sizeof(k));
	__builtin_memcpy(k.src, pi.src, 16);
	__builtin_memcpy(k.dst, pi.dst, 16);
	k.sport = pi.sport;
	k.dport = pi.dport;
	k.proto = pi.proto;
	k.ipver = pi.ipver;
	now = bpf_ktime_get_ns();
	v = bpf_map_lookup_elem(&bb_agg_map, &k);
	if (v) {
		v->packets++;
		v->octets += pi.octets;
		v->last_ns = now;
		v->tcp_flags |= pi.tcp_flags;
		return XDP_PASS;
	}
	__builtin_memset(&nv, 0, sizeof(nv));
	nv.packets = 1;
	nv.octets = pi.octets;
	nv.first_ns = nv.last_ns = now;
	nv.tcp_flags = pi.tcp_flags;
	if (bpf_map_update_elem(&bb_agg_map, &k, &nv, BPF_NOEXIST))
		bb_inc(); /* table full: counted as lost */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
