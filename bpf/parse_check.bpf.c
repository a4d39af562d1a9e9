// SPDX-License-Identifier: BSD-2-Clause
/*
 * parse_check.bpf.c - proves meter/parse.h compiles for BPF and passes the
 * verifier: an XDP program that parses every frame with the user-space
 * parser, tunnels included, counts results per parse_result, and passes
 * the packet.
 *
 * The inner packet of a tunnel is parsed in a global function, which the
 * verifier checks once on its own: inlined after the outer parse, its
 * paths multiply with the outer ones past the 1M-instruction budget.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../meter/parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 10);
	__type(key, __u32);
	__type(value, __u64);
} parse_results SEC(".maps");

/* pos and lim: offsets of the inner packet and of the outer packet's end */
__noinline int parse_check_inner(struct xdp_md *ctx, __u32 pos, __u32 lim,
				 struct pkt_info *pi)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	struct parse_cursor c = {
		.end = (const __u8 *)(long)ctx->data_end,
	};

	if (!pi)
		return PARSE_ERR_TRUNCATED;
	/* a mask the verifier can see: it tracks packet offsets below
	 * 64 KiB in all, and an inner packet starts in the first 16 */
	c.pos = data + (pos & 0x3fff);
	c.lim = data + (lim & 0xffff);
	return parse_inner(&c, pi, PARSE_TUNNEL);
}

SEC("xdp")
int xdp_parse_check(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	struct parse_cursor c = {
		.pos = data,
		.end = (const __u8 *)(long)ctx->data_end,
		.wire_extra = 0,
		.decap = PARSE_DECAP_ALL,
	};
	struct pkt_info pi;
	__u32 slot;
	__u64 *cnt;
	int rc;

	parse_zero(&pi, sizeof(pi));
	rc = parse_ether(&c, &pi);
	if (rc == PARSE_TUNNEL)
		rc = parse_check_inner(ctx, (__u32)(c.pos - data),
				       (__u32)(c.lim - data), &pi);
	slot = rc >= 0 ? (__u32)rc : (__u32)(2 - rc);
	cnt = bpf_map_lookup_elem(&parse_results, &slot);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
