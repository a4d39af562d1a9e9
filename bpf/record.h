/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.h - what the BPF programs of bpf/xflowd.bpf.c share with user
 * space (meter/capture_ebpf.c, meter/capture_afxdp.c): the ring-buffer
 * record, the counter slots and the map keys. Fixed-width types only.
 */
#ifndef XFLOWD_BPF_RECORD_H
#define XFLOWD_BPF_RECORD_H

#include "../meter/parse.h"

/*
 * One ring per flow-hash bucket (or a single ring). 4 MiB: measured on
 * this machine, a 4 MiB ring beat 64 MiB by ~15% (cache footprint) and
 * holds ~30k records, 15 ms of 2 Mpps, against a 2 ms consumer timer.
 */
#define XF_RING_BYTES (4u << 20)
#define XF_MAX_RINGS 64
#define XF_MAX_QUEUES 64
#define XF_MAX_OWN 16

/* struct xf_record.flags */
#define XF_REC_EGRESS 0x01

/*
 * --capture ebpf: one packet, parsed in the kernel. The whole pkt_info is
 * embedded, so it follows parse.h as that grows.
 */
struct xf_record {
	uint64_t ts_ns;	  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	uint32_t ifindex; /* where the program ran */
	uint32_t cpu;	  /* bpf_get_smp_processor_id() */
	/* the interface the packet came in on: at egress the input
	 * interface of a forwarded packet, 0 for one the host sent */
	uint32_t in_ifindex;
	uint8_t dir; /* flowDirection: 0 ingress, 1 egress */
	uint8_t pad;
	uint16_t gso_segs; /* TC: packets on the wire in a GSO packet */
	uint16_t gso_size; /* TC: payload octets of each but the last */
	uint16_t hdr_len; /* TC GSO: IP + transport header octets, 0: unknown */
	struct pkt_info pi;
};

/*
 * Per-CPU counters of the exceptional outcomes (the common path counts
 * nothing: records are counted where they are consumed). Malformed
 * results take one slot each, XF_CNT_MALFORMED + (-parse_result).
 */
enum xf_counter {
	XF_CNT_SAMPLED_OUT = 0, /* not selected by 1-in-N sampling */
	XF_CNT_OWN_EXPORT,	/* xflowd's own export traffic, skipped */
	XF_CNT_NOT_IP,		/* PARSE_NOT_IP */
	XF_CNT_RING_FULL,	/* bpf_ringbuf_reserve() failed: record lost */
	XF_CNT_NO_SOCKET,	/* AF_XDP: no socket on the queue: passed */
	XF_CNT_GSO,		/* TC: GSO packets (split in user space) */
	XF_CNT_MALFORMED,	/* + reason, 1..PARSE_NERR */
	XF_NCNT = XF_CNT_MALFORMED + PARSE_NERR + 1,
};

/* slots: a power of two, so an index can be masked for the verifier */
#define XF_NSLOTS 16
_Static_assert(XF_NCNT <= XF_NSLOTS, "XF_NSLOTS too small");

struct xf_counters {
	uint64_t c[XF_NSLOTS];
};

/* A collector of ours: packets to or from it are not metered. */
struct xf_own_key {
	uint8_t addr[16]; /* IPv4: first 4 octets, as in pkt_info */
	uint16_t port;	  /* host order */
	uint8_t ipver;
	uint8_t pad;
};

#endif
