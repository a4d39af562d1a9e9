// SPDX-License-Identifier: BSD-2-Clause
/*
 * capture_pcap.c - libpcap observation point: files (pcap and pcapng,
 * nanosecond timestamps) and live interfaces of any supported link type.
 */
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

#define SNAPLEN 256	       /* enough for QinQ + IPv6 + ext headers + L4 */
#define LIVE_BUFFER (32 << 20) /* kernel ring: rides out bursts */

struct pcap_priv {
	pcap_t *p;
	int fd;
	uint32_t ts_mult; /* 1 for ns timestamps, 1000 for us */
	struct capture *cap;
};

static void pcap_handler_cb(u_char *user, const struct pcap_pkthdr *h,
			    const u_char *data)
{
	struct capture *cap = (struct capture *)user;
	struct pcap_priv *pp = cap->priv;
	/* with nanosecond precision tv_usec holds nanoseconds */
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull +
		      (uint64_t)h->ts.tv_usec * pp->ts_mult;

	cap->cb(cap->cb_ctx, &cap->op, data, h->caplen, h->len, ts);
}

static int pcap_fd(struct capture *cap)
{
	return ((struct pcap_priv *)cap->priv)->fd;
}

static int pcap_dispatch_ops(struct capture *cap, int max)
{
	struct pcap_priv *pp = cap->priv;
	int n = pcap_dispatch(pp->p, max, pcap_handler_cb, (u_char *)cap);

	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n < 0)
		return -EIO;
	if (n == 0 && pp->fd < 0)
		return -ENODATA; /* a file is at its end */
	return n;
}

static uint64_t pcap_drops(struct capture *cap)
{
	struct pcap_priv *pp = cap->priv;
	struct pcap_stat st;

	if (pp->fd < 0 || pcap_stats(pp->p, &st) < 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

static void pcap_close_ops(struct capture *cap)
{
	struct pcap_priv *pp = cap->priv;

	if (pp && pp->p)
		pcap_close(pp->p);
	free(pp);
}

static const struct capture_ops pcap_ops = {
	.name = "pcap",
	.fd = pcap_fd,
	.dispatch = pcap_dispatch_ops,
	.drops = pcap_drops,
	.close = pcap_close_ops,
};

/* Bind the link type to its parser, or refuse it by name. */
static int set_link(struct capture *cap, pcap_t *p, const char *what, char *err,
		    size_t errlen)
{
	int dlt = pcap_datalink(p);
	const char *name = pcap_datalink_val_to_name(dlt);

	cap->op.link = link_lookup(dlt);
	if (!cap->op.link) {
		snprintf(err, errlen,
			 "%s: link type %d (%s) is not supported; xflowd "
			 "meters Ethernet, Linux cooked (SLL, SLL2), raw IP, "
			 "BSD loopback and PPP",
			 what, dlt, name ? name : "unknown");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static struct capture *cap_new(capture_cb cb, void *ctx)
{
	struct capture *cap = calloc(1, sizeof(*cap));
	struct pcap_priv *pp = calloc(1, sizeof(*pp));

	if (!cap || !pp) {
		free(cap);
		free(pp);
		return NULL;
	}
	cap->ops = &pcap_ops;
	cap->priv = pp;
	cap->cb = cb;
	cap->cb_ctx = ctx;
	pp->cap = cap;
	pp->fd = -1;
	pp->ts_mult = 1;
	return cap;
}

struct capture *capture_pcap_file(const char *path, capture_cb cb, void *ctx,
				  char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = cap_new(cb, ctx);
	struct pcap_priv *pp;

	if (!cap) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	pp = cap->priv;
	pp->p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pp->p) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		goto fail;
	}
	if (set_link(cap, pp->p, path, err, errlen))
		goto fail;
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

struct capture *capture_pcap_live(const char *ifname, const char *filter,
				  capture_cb cb, void *ctx, char *err,
				  size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = cap_new(cb, ctx);
	struct bpf_program prog;
	struct pcap_priv *pp;
	int rc;

	if (!cap) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return NULL;
	}
	pp = cap->priv;
	pp->p = pcap_create(ifname, ebuf);
	if (!pp->p) {
		snprintf(err, errlen, "interface %s: %s", ifname, ebuf);
		goto fail;
	}
	pcap_set_snaplen(pp->p, SNAPLEN);
	pcap_set_promisc(pp->p, 1);
	pcap_set_timeout(pp->p, 100);
	pcap_set_buffer_size(pp->p, LIVE_BUFFER);
	pcap_set_tstamp_precision(pp->p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(pp->p);
	if (rc < 0) {
		snprintf(err, errlen, "interface %s: %s%s", ifname,
			 pcap_geterr(pp->p),
			 rc == PCAP_ERROR_PERM_DENIED ? " (needs CAP_NET_RAW: "
							"run as root)"
						      : "");
		goto fail;
	}
	if (set_link(cap, pp->p, ifname, err, errlen))
		goto fail;
	if (pcap_get_tstamp_precision(pp->p) != PCAP_TSTAMP_PRECISION_NANO)
		pp->ts_mult = 1000;
	if (filter && *filter) {
		if (pcap_compile(pp->p, &prog, filter, 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "interface %s: filter '%s': %s",
				 ifname, filter, pcap_geterr(pp->p));
			goto fail;
		}
		rc = pcap_setfilter(pp->p, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			snprintf(err, errlen, "interface %s: filter: %s",
				 ifname, pcap_geterr(pp->p));
			goto fail;
		}
	}
	if (pcap_setnonblock(pp->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, ebuf);
		goto fail;
	}
	pp->fd = pcap_get_selectable_fd(pp->p);
	cap->op.ifindex = if_nametoindex(ifname);
	snprintf(cap->op.name, sizeof(cap->op.name), "%s", ifname);
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	cap->ops->close(cap);
	free(cap);
}
