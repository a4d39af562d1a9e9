/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capture.h - observation points. Each back end (pcap now; AF_XDP and eBPF
 * later) implements struct capture_ops and feeds meter_packet().
 */
#ifndef XFLOWD_CAPTURE_H
#define XFLOWD_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "meter.h"

struct capture;

/* Called for each packet the back end delivers. */
typedef void (*capture_cb)(void *ctx, const struct obs_point *op,
			   const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen, uint64_t ts_ns);

/*
 * Called instead for back ends that parse in the kernel (--capture ebpf):
 * pi is parse.h's PARSE_IP result; cpu is the CPU that saw the packet.
 */
typedef void (*capture_info_cb)(void *ctx, const struct obs_point *op,
				const struct pkt_info *pi, uint64_t ts_ns,
				uint32_t cpu);

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
 * expression keeping xflowd's own export out; may be NULL). NULL on error
 * with a message for the user in err.
 */
struct capture *capture_pcap_file(const char *path, capture_cb cb, void *ctx,
				  char *err, size_t errlen);
struct capture *capture_pcap_live(const char *ifname, const char *filter,
				  capture_cb cb, void *ctx, char *err,
				  size_t errlen);

/*
 * The BPF back ends open one struct capture per receive queue (AF_XDP) or
 * per ring (eBPF), so that each can be given to its own worker thread with
 * its own flow cache. They fill caps[0..n) and return n, or -errno with a
 * message for the user in err. The program they attach is shared by the
 * captures of one interface and detached when the last one is closed.
 */
/* Close and free; accepts NULL. */
void capture_close(struct capture *cap);

#endif
