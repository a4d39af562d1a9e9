// SPDX-License-Identifier: BSD-2-Clause
/*
 * parse_check.bpf.c - proves meter/parse.h compiles for BPF and passes the
 * verifier: an XDP program that parses every frame with the user-space
 * parser, counts results per parse_result, and passes the packet.
 * The capture programs of the AF_XDP/eBPF issue build on the same header.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../meter/parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} parse_results SEC(".maps");

SEC("xdp")
int xdp_parse_check(struct xdp_md *ctx)
{
	struct parse_cursor c = {
		.pos = (const __u8 *)(long)ctx->data,
		.end = (const __u8 *)(long)ctx->data_end,
		.wire_extra = 0,
	};
	struct pkt_info pi;
	__u32 slot;
	__u64 *cnt;
	int rc;

	parse_zero(&pi, sizeof(pi));
	rc = parse_ether(&c, &pi);
	slot = rc >= 0 ? (__u32)rc : (__u32)(1 - rc);
	cnt = bpf_map_lookup_elem(&parse_results, &slot);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
