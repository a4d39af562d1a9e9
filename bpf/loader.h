/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loader.h - the BPF programs of one interface, shared by the captures
 * (rings, queues) of the eBPF and AF_XDP back ends: open the embedded
 * skeleton, set its parameters, load, attach through bpf_links (so a
 * killed xflowd leaves nothing attached), read the counters, detach.
 */
#ifndef XFLOWD_BPF_LOADER_H
#define XFLOWD_BPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct xflowd_bpf;

enum xf_bpf_mode {
	XF_BPF_TC,  /* --capture ebpf on TCX ingress + egress */
	XF_BPF_XDP, /* --capture ebpf on XDP (ingress) */
	XF_BPF_XSK, /* --capture afxdp */
};

struct xf_bpf_params {
	enum xf_bpf_mode mode;
	const char *ifname;
	uint32_t sample_n;   /* 1-in-N; 0 and 1: every packet */
	uint32_t decap;	     /* PARSE_DECAP_BIT()s */
	uint32_t nrings;     /* eBPF: rings (1..XF_MAX_RINGS) */
	bool ring_by_cpu;    /* eBPF: ring = CPU instead of flow hash */
	uint32_t wake_bytes; /* eBPF: force a wake-up past this fill */
	bool force_generic;  /* XDP in generic (SKB) mode */
	bool promisc;	     /* promiscuous while attached */
	const struct xf_own_key *own; /* our collectors */
	uint32_t nown;
};

/* The programs of one interface; each capture of it holds a reference. */
struct xf_bpf {
	struct xflowd_bpf *skel;
	struct xf_bpf_params p;
	char ifname[16];
	uint32_t ifindex;
	int ncpu;     /* possible CPUs (per-CPU map values) */
	int links[2]; /* bpf_link fds, -1 when none */
	int promisc;  /* the socket holding promiscuous mode, or -1 */
	bool generic; /* XDP fell back to generic (SKB) mode */
	int refs;     /* atomic */
	int detached; /* atomic */
};

/*
 * Open, parameterise and load the programs for p->ifname, fill the map of
 * our collectors. Nothing is attached yet. NULL on error, with a message
 * for the user in err (no libbpf dump: that goes to the debug log).
 */
struct xf_bpf *xf_bpf_open(const struct xf_bpf_params *p, char *err,
			   size_t errlen);

/* Attach the mode's programs through bpf_links (and hold the interface
 * in promiscuous mode when asked). 0 or -errno + err. */
int xf_bpf_attach(struct xf_bpf *b, char *err, size_t errlen);

/* Detach (close the links); safe to call more than once, from any thread. */
void xf_bpf_detach(struct xf_bpf *b);

/* References of the captures sharing b; the last put detaches and frees. */
void xf_bpf_get(struct xf_bpf *b);
void xf_bpf_put(struct xf_bpf *b);

/* The interface has no link header: IP first (tunnels, PPP, tun). */
bool xf_bpf_raw_ip(const struct xf_bpf *b);

/* fd of a map of the skeleton by role. */
int xf_bpf_rings_fd(const struct xf_bpf *b);
int xf_bpf_xsks_fd(const struct xf_bpf *b);

/*
 * Sum the per-CPU counters into sum[XF_NCNT]; ring_full per CPU into
 * per_cpu[0..max) when not NULL. Returns the number of CPUs, or -errno.
 */
int xf_bpf_counters(const struct xf_bpf *b, uint64_t *sum, uint64_t *per_cpu,
		    int max);

/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC now, in ns: bpf_ktime_get_ns() + this
 * is the wall clock pcap timestamps use.
 */
int64_t xf_mono_to_real(void);

#endif
