/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capture.h - observation points. Each back end (pcap now; AF_XDP and eBPF
 * later) implements struct capture_ops and feeds meter_packet().
 */
#ifndef XFLOWD_CAPTURE_H
#define XFLOWD_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meter.h"

struct capture;

#define CAPTURE_MAX_CPUS 64

/*
 * Counters of the BPF programs of one interface (its first capture
 * reports them, so summing over captures counts each once). The eBPF
 * back end parses in the kernel: its non-IP and malformed packets are
 * counted here and never reach the meter.
 */
struct capture_kstats {
	uint64_t non_ip;
	uint64_t malformed[PARSE_NERR + 1]; /* by -parse_result */
	uint64_t sampled_out; /* not selected by in-kernel 1-in-N */
	uint64_t own_export;  /* xflowd's export, not metered */
	uint64_t ring_full;   /* records lost: ring buffer full */
	uint64_t ring_full_cpu[CAPTURE_MAX_CPUS]; /* the same, per CPU */
	uint64_t no_socket;   /* AF_XDP: queue without socket (passed) */
	uint64_t gso;	      /* TC: GSO packets split into segments */
	uint64_t bad_records; /* ring records of an unexpected size */
	int ncpu;
};

/* Called for each packet the back end delivers. */
typedef void (*capture_cb)(void *ctx, const struct obs_point *op,
			   const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen, uint64_t ts_ns);

/*
 * Called instead for back ends that parse in the kernel (--capture ebpf):
 * pi is parse.h's PARSE_IP result; in_ifindex the interface the packet
 * came in on (0: the host's own); cpu is the CPU that saw the packet.
 */
typedef void (*capture_info_cb)(void *ctx, const struct obs_point *op,
				const struct pkt_info *pi, uint32_t in_ifindex,
				uint64_t ts_ns, uint32_t cpu);

/* What a file held that was not metered as it said (files only). */
struct capture_fstats {
	uint64_t caplen_over_wire;  /* captured length above the wire
				     * length: metered cut to the wire's */
	uint64_t unknown_interface; /* pcapng: no interface description
				     * block describes theirs; not metered */
	uint64_t unsupported_link;  /* pcapng: their interface's link type
				     * is not one xflowd meters */
};

struct capture_ops {
	const char *name;
	/* a descriptor to poll, or -1 when the source never blocks (files) */
	int (*fd)(struct capture *cap);
	/* deliver up to max packets: > 0 delivered, 0 none ready, < 0 end
	 * of input (-ENODATA) or error (-errno) */
	int (*dispatch)(struct capture *cap, int max);
	/* packets the kernel dropped before we saw them, if known */
	uint64_t (*drops)(struct capture *cap);
	void (*close)(struct capture *cap);
	/* optional: the observation point of ifindex, NULL if unknown
	 * (a pcapng file has one per interface); valid until close */
	const struct obs_point *(*point)(struct capture *cap, uint32_t ifindex);
	/* optional (BPF back ends): stop the source - detach the programs -
	 * leaving what is queued to dispatch(); safe to call twice */
	void (*stop)(struct capture *cap);
	/* optional (BPF back ends): add the in-kernel counters to *ks */
	void (*kstats)(struct capture *cap, struct capture_kstats *ks);
	/* optional (files): add the file's counters to *fs */
	void (*fstats)(struct capture *cap, struct capture_fstats *fs);
	/* live: how long a received packet may wait in the kernel before
	 * dispatch() can see it (libpcap's TPACKET_V3 blocks are handed over
	 * when full or at the read timeout); 0: at once */
	unsigned int hold_ms;
};

struct capture {
	const struct capture_ops *ops;
	struct obs_point op;
	capture_cb cb;
	capture_info_cb info_cb; /* eBPF records; NULL for frame back ends */
	void *cb_ctx;
	void *priv; /* the back end's */
};

/*
 * Open a pcap/pcapng file, or a live interface with filter (a BPF
 * expression keeping xflowd's own export out; may be NULL) in direction
 * dir (0: received packets, ingress; 1: sent packets, egress), in
 * promiscuous mode or not. NULL on error with a message for the user in
 * err.
 */
struct capture *capture_pcap_file(const char *path, capture_cb cb, void *ctx,
				  char *err, size_t errlen);
struct capture *capture_pcap_live(const char *ifname, uint8_t dir, bool promisc,
				  const char *filter, capture_cb cb, void *ctx,
				  char *err, size_t errlen);

/*
 * The BPF back ends open one struct capture per receive queue (AF_XDP) or
 * per ring (eBPF), so that each can be given to its own worker thread with
 * its own flow cache. They fill caps[0..n) and return n, or -errno with a
 * message for the user in err. The program they attach is shared by the
 * captures of one interface and detached when the last one is closed.
 */
struct capture_own {
	uint8_t ipver;	  /* 4 or 6 */
	uint8_t addr[16]; /* IPv4: first 4 octets */
	uint16_t port;	  /* host order; UDP and TCP */
};

struct capture_bpf_cfg {
	const char *ifname;
	int hook_xdp;	   /* --capture ebpf: XDP ingress instead of TC */
	uint32_t sample_n; /* in-kernel random 1-in-N; 0 and 1: all */
	uint32_t decap;	   /* PARSE_DECAP_BIT()s of tunnels to open */
	uint32_t nrings;   /* eBPF rings; 0: one per possible CPU */
	int force_generic; /* XDP in generic (SKB) mode */
	bool promisc;	   /* hold the interface in promiscuous mode */
	const struct capture_own *own; /* collectors: never metered */
	uint32_t nown;
};

/*
 * --capture ebpf: XDP or TC programs parse in the kernel and fill ring
 * buffers (one capture per ring); records go to info_cb. Packets pass.
 */
int capture_ebpf_open(const struct capture_bpf_cfg *cfg, capture_info_cb cb,
		      void *ctx, struct capture **caps, int max, char *err,
		      size_t errlen);

/*
 * --capture afxdp: an XDP program redirects (sampled) frames to one AF_XDP
 * socket per receive queue (one capture each); frames go to cb. The
 * redirected packets are consumed: never use it on a forwarding interface.
 */
int capture_afxdp_open(const struct capture_bpf_cfg *cfg, capture_cb cb,
		       void *ctx, struct capture **caps, int max, char *err,
		       size_t errlen);

/* Close and free; accepts NULL. */
void capture_close(struct capture *cap);

#endif
