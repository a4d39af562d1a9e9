// SPDX-License-Identifier: BSD-2-Clause
/*
 * capture_pcap.c - libpcap observation point: files (pcap and pcapng,
 * nanosecond timestamps) and live interfaces of any supported link type.
 * pcapng files go through our own reader (pcapng.h) instead, which knows
 * each packet's interface and accepts interfaces of different link types.
 */
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "capture.h"
#include "pcapng.h"

#define SNAPLEN 256	       /* enough for QinQ + IPv6 + ext headers + L4 */
#define LIVE_BUFFER (32 << 20) /* kernel ring: rides out bursts */
#define LIVE_TIMEOUT_MS 100    /* read timeout: a block waits this long */

struct pcap_priv {
	pcap_t *p;
	struct pcapng *ng; /* a pcapng file: our reader, not p */
	FILE *f;	   /* ng's */
	char *path;	   /* ng's, for messages */
	bool ng_done;	   /* ng's end (or error) reported */
	uint64_t packets;  /* read (classic pcap: for messages) */
	uint64_t caplen_over_wire;
	int fd;
	uint32_t ts_mult; /* 1 for ns timestamps, 1000 for us */
	struct capture *cap;
};

static void pcap_handler_cb(u_char *user, const struct pcap_pkthdr *h,
			    const u_char *data)
{
	struct capture *cap = (struct capture *)user;
	struct pcap_priv *pp = cap->priv;
	/* a file's seconds are 32 bits unsigned (to 2106), which libpcap
	 * hands over sign-extended: 2040 would read as 1904, and cast as
	 * 2^64 - 30 years; live, time_t holds them whole. With nanosecond
	 * precision tv_usec holds nanoseconds */
	uint64_t sec = pp->fd < 0 ? (uint32_t)h->ts.tv_sec
				  : (uint64_t)h->ts.tv_sec;
	uint64_t ts = sec * 1000000000ull +
		      (uint64_t)(uint32_t)h->ts.tv_usec * pp->ts_mult;
	uint32_t caplen = h->caplen;

	pp->packets++;
	/* a record that captured more than was on the wire (a writer's
	 * bug): what lies past the wire length was never traffic */
	if (caplen > h->len) {
		pp->caplen_over_wire++;
		caplen = h->len;
	}
	cap->cb(cap->cb_ctx, &cap->op, data, caplen, h->len, ts);
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
	if (n < 0) {
		/* libpcap's reason: "truncated dump file; tried to read ..." */
		if (pp->path)
			pr_err("%s: %s; %llu packets read before it\n",
			       pp->path, pcap_geterr(pp->p),
			       (unsigned long long)pp->packets);
		return -EIO;
	}
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
	if (pp) {
		pcapng_close(pp->ng);
		if (pp->f)
			fclose(pp->f);
		free(pp->path);
	}
	free(pp);
}

/* libpcap: one observation point, the capture's own */
static const struct obs_point *pcap_point(struct capture *cap, uint32_t ifindex)
{
	return ifindex == cap->op.ifindex ? &cap->op : NULL;
}

static void pcap_fstats(struct capture *cap, struct capture_fstats *fs)
{
	struct pcap_priv *pp = cap->priv;
	const struct pcapng_stats *st = pp->ng ? pcapng_stats(pp->ng) : NULL;

	fs->caplen_over_wire += pp->caplen_over_wire;
	if (st) {
		fs->unknown_interface += st->bad_iface;
		fs->unsupported_link += st->unsupported;
	}
}

static const struct capture_ops pcap_ops = {
	.name = "pcap",
	.fd = pcap_fd,
	.dispatch = pcap_dispatch_ops,
	.drops = pcap_drops,
	.close = pcap_close_ops,
	.point = pcap_point,
	.fstats = pcap_fstats,
	.hold_ms = LIVE_TIMEOUT_MS,
};

/* The end of a pcapng file: what was not metered, and why. */
static void ng_report(struct pcap_priv *pp)
{
	const struct pcapng_stats *st = pcapng_stats(pp->ng);
	const struct pcapng_if *ifc;
	unsigned int i, named = 0;

	if (pp->ng_done)
		return;
	pp->ng_done = true;
	if (st->unsupported) {
		/* a few are enough to say what the file holds */
		for (i = 0; i < pcapng_nif(pp->ng) && named < 8; i++) {
			ifc = pcapng_if_at(pp->ng, i);
			if (ifc->op.link)
				continue;
			named++;
			pr_warn("%s: interface %u of section %u: link type "
				"%u (%s) is not supported; its packets are "
				"not metered\n",
				pp->path, ifc->op.ifindex - 1, ifc->section,
				ifc->linktype,
				pcap_datalink_val_to_name(ifc->linktype)
					?: "unknown");
		}
		pr_warn("%s: %llu packets of unsupported link types\n",
			pp->path, (unsigned long long)st->unsupported);
	}
	if (st->bad_iface)
		pr_warn("%s: %llu packets name an interface no interface "
			"description block describes; not metered\n",
			pp->path, (unsigned long long)st->bad_iface);
	if (st->ts_clamped)
		pr_warn("%s: %llu timestamps outside 1970..2554, clamped\n",
			pp->path, (unsigned long long)st->ts_clamped);
}

static int ng_dispatch(struct capture *cap, int max)
{
	struct pcap_priv *pp = cap->priv;
	struct pcapng_pkt pkt;
	int n = 0, rc = 0;

	while (n < max) {
		rc = pcapng_next(pp->ng, &pkt);
		if (rc <= 0)
			break;
		if (pkt.caplen > pkt.wirelen) {
			pp->caplen_over_wire++;
			pkt.caplen = pkt.wirelen;
		}
		cap->cb(cap->cb_ctx, pkt.op, pkt.data, pkt.caplen, pkt.wirelen,
			pkt.ts_ns);
		n++;
	}
	if (n > 0)
		return n;
	if (!pp->ng_done && rc < 0)
		pr_err("%s: %s; %llu packets read before it\n", pp->path,
		       pcapng_error(pp->ng),
		       (unsigned long long)pcapng_stats(pp->ng)->packets);
	ng_report(pp);
	return rc < 0 ? -EIO : -ENODATA;
}

static uint64_t ng_drops(struct capture *cap)
{
	(void)cap;
	return 0;
}

static const struct obs_point *ng_point(struct capture *cap, uint32_t ifindex)
{
	return pcapng_point(((struct pcap_priv *)cap->priv)->ng, ifindex);
}

static const struct capture_ops pcapng_ops = {
	.name = "pcap",
	.fd = pcap_fd,
	.dispatch = ng_dispatch,
	.drops = ng_drops,
	.close = pcap_close_ops,
	.point = ng_point,
	.fstats = pcap_fstats,
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

/* No interface can be metered: refuse the file, naming the link type of
 * the first (as libpcap's path does), or why no interface is known. */
static void ng_refuse(struct pcap_priv *pp, char *err, size_t errlen)
{
	const struct pcapng_if *ifc = pcapng_if_at(pp->ng, 0);
	const char *name;

	if (!ifc) {
		snprintf(err, errlen, "%s: %s", pp->path,
			 *pcapng_error(pp->ng) ? pcapng_error(pp->ng)
					       : "no interface description "
						 "block before "
						 "the first packet");
		return;
	}
	name = pcap_datalink_val_to_name(ifc->linktype);
	snprintf(err, errlen,
		 "%s: link type %u (%s) is not supported; xflowd meters "
		 "Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback "
		 "and PPP",
		 pp->path, ifc->linktype, name ? name : "unknown");
}

/*
 * A file that starts with a section header block is pcapng: read it with
 * our reader. 1 when it did (cap is ready), 0 when the file is for
 * libpcap, -1 on an error with a message in err. pp->f is open at its
 * first octet.
 */
static int open_pcapng(struct capture *cap, const char *path, char *err,
		       size_t errlen)
{
	struct pcap_priv *pp = cap->priv;
	uint8_t magic[4];
	char ebuf[256];
	int i;

	if (fread(magic, 1, 4, pp->f) != 4) {
		snprintf(err, errlen,
			 "%s: %s before a pcap or pcapng file header", path,
			 ferror(pp->f) ? strerror(errno) : "end of input");
		return -1;
	}
	/* put the magic back: a pipe cannot seek (glibc's stdio takes
	 * several octets back) */
	for (i = 3; i >= 0; i--) {
		if (ungetc(magic[i], pp->f) == EOF) {
			snprintf(err, errlen, "%s: cannot reread its header",
				 path);
			return -1;
		}
	}
	if ((uint32_t)(magic[0] | magic[1] << 8 | magic[2] << 16 |
		       (uint32_t)magic[3] << 24) != PCAPNG_SHB)
		return 0;
	pp->ng = pcapng_open_file(pp->f, ebuf, sizeof(ebuf));
	if (!pp->ng) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		return -1;
	}
	if (!pcapng_usable(pp->ng)) {
		ng_refuse(pp, err, errlen);
		return -1;
	}
	/* the capture's own point: the first interface xflowd meters */
	for (i = 0; !cap->op.link; i++)
		cap->op = pcapng_if_at(pp->ng, (unsigned int)i)->op;
	cap->ops = &pcapng_ops;
	return 1;
}

struct capture *capture_pcap_file(const char *path, capture_cb cb, void *ctx,
				  char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = cap_new(cb, ctx);
	struct pcap_priv *pp;
	int rc;

	if (!cap) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	pp = cap->priv;
	pp->path = strdup(path);
	if (!pp->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	/* one stream for the format check and the reader: "-" and
	 * /dev/stdin may be pipes, read once */
	pp->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!pp->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rc = open_pcapng(cap, path, err, errlen);
	if (rc > 0)
		return cap;
	if (rc < 0)
		goto fail;
	pp->p = pcap_fopen_offline_with_tstamp_precision(
		pp->f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pp->p) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		goto fail;
	}
	pp->f = NULL; /* libpcap's now: pcap_close() closes it */
	if (set_link(cap, pp->p, path, err, errlen))
		goto fail;
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

struct capture *capture_pcap_live(const char *ifname, uint8_t dir, bool promisc,
				  const char *filter, capture_cb cb, void *ctx,
				  char *err, size_t errlen)
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
	/* off on a router: frames for other hosts, and on a bridge the
	 * frames it only forwards, are not the router's traffic */
	pcap_set_promisc(pp->p, promisc);
	pcap_set_timeout(pp->p, LIVE_TIMEOUT_MS);
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
	/* an observation point sees one direction: received packets are
	 * ingress flows; sent ones egress (flowDirection 1) */
	if (pcap_setdirection(pp->p, dir ? PCAP_D_OUT : PCAP_D_IN) < 0) {
		snprintf(err, errlen, "interface %s: direction: %s", ifname,
			 pcap_geterr(pp->p));
		goto fail;
	}
	if (pcap_setnonblock(pp->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, ebuf);
		goto fail;
	}
	pp->fd = pcap_get_selectable_fd(pp->p);
	cap->op.dir = dir;
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
