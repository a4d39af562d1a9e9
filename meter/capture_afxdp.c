// SPDX-License-Identifier: BSD-2-Clause
/*
 * capture_afxdp.c - --capture afxdp: bpf/xflowd.bpf.c's xf_xsk redirects
 * each sampled frame to the AF_XDP socket of its receive queue; here each
 * queue is one capture with its own UMEM, so queues can be driven from
 * different threads. For mirror/SPAN/TAP ports only: redirected frames
 * are consumed and never reach the kernel's stack.
 *
 * The XDP program is ours, attached through a bpf_link (native mode, or
 * generic with a warning), and libxdp only makes the sockets
 * (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD) that we put in our XSKMAP. Rings
 * are handled in batches; the fill ring is refilled with the frames of a
 * batch once it is metered; need_wakeup saves the kernel a wake-up per
 * packet. Zero-copy where the driver has it, else copy mode.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "../common/clock.h"
#include "../bpf/loader.h"
#include "../common/log.h"
#include "capture.h"

/*
 * 4096 frames of 4 KiB (16 MiB) per queue: any standard MTU fits a frame,
 * and a full fill ring covers ~2 ms of 2 Mpps, the scheduling hiccups of
 * a shared core.
 */
#define XSK_FRAMES 4096
#define XSK_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define XSK_RING 4096
#define XSK_BATCH 64

struct xsk_queue {
	struct xf_bpf *bpf;
	uint32_t queue;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	int fd;
	int zerocopy;
};

static int afxdp_fd(struct capture *cap)
{
	return ((struct xsk_queue *)cap->priv)->fd;
}

static int afxdp_dispatch(struct capture *cap, int max)
{
	struct xsk_queue *q = cap->priv;
	uint32_t idx_rx = 0, idx_fq = 0, n, i, got = 0;
	uint64_t now = 0;

	if (max > XSK_RING)
		max = XSK_RING;
	while (got < (uint32_t)max) {
		uint32_t want = (uint32_t)max - got;

		n = xsk_ring_cons__peek(
			&q->rx, want < XSK_BATCH ? want : XSK_BATCH, &idx_rx);
		if (!n)
			break;
		/* the time of the batch: AF_XDP carries none, a clock
		 * read per frame in the XDP program cost ~6% of the
		 * mode's kernel time here, and frames wait < 1 ms */
		if (!got)
			now = realtime_ns();
		/* every frame of the UMEM is either ours or in a ring */
		while (xsk_ring_prod__reserve(&q->fq, n, &idx_fq) != n)
			if (xsk_ring_prod__needs_wakeup(&q->fq))
				recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL,
					 NULL);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d =
				xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
			uint8_t *data = xsk_umem__get_data(q->area, d->addr);

			cap->cb(cap->cb_ctx, &cap->op, data, d->len, d->len,
				now);
			*xsk_ring_prod__fill_addr(&q->fq, idx_fq + i) =
				xsk_umem__extract_addr(d->addr);
		}
		xsk_ring_prod__submit(&q->fq, n);
		xsk_ring_cons__release(&q->rx, n);
		got += n;
	}
	if (xsk_ring_prod__needs_wakeup(&q->fq))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return (int)got;
}

static uint64_t afxdp_drops(struct capture *cap)
{
	struct xsk_queue *q = cap->priv;
	struct xdp_statistics st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, &st, &len))
		return 0;
	/* no fill frame, full rx ring, bad descriptors */
	return st.rx_dropped + st.rx_ring_full + st.rx_invalid_descs;
}

static void afxdp_kstats(struct capture *cap, struct capture_kstats *ks)
{
	struct xsk_queue *q = cap->priv;
	uint64_t sum[XF_NCNT];
	int n;

	if (q->queue != 0)
		return;
	n = xf_bpf_counters(q->bpf, sum, NULL, 0);
	if (n < 0)
		return;
	ks->sampled_out += sum[XF_CNT_SAMPLED_OUT];
	ks->own_export += sum[XF_CNT_OWN_EXPORT];
	ks->no_socket += sum[XF_CNT_NO_SOCKET];
	if (n > ks->ncpu)
		ks->ncpu = n > CAPTURE_MAX_CPUS ? CAPTURE_MAX_CPUS : n;
}

static void afxdp_stop(struct capture *cap)
{
	xf_bpf_detach(((struct xsk_queue *)cap->priv)->bpf);
}

static void afxdp_close(struct capture *cap)
{
	struct xsk_queue *q = cap->priv;

	if (!q)
		return;
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
	xf_bpf_put(q->bpf);
	free(q);
}

static const struct capture_ops afxdp_ops = {
	.name = "afxdp",
	.fd = afxdp_fd,
	.dispatch = afxdp_dispatch,
	.drops = afxdp_drops,
	.close = afxdp_close,
	.stop = afxdp_stop,
	.kstats = afxdp_kstats,
};

/* Receive queues of the interface (ethtool channels, else sysfs, else 1). */
static int rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	char path[96];
	int fd, n = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		ifr.ifr_data = (void *)&ch;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
			n = (int)(ch.rx_count + ch.combined_count);
		close(fd);
	}
	if (n > 0)
		return n;
	for (n = 0; n < XF_MAX_QUEUES; n++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%d",
			 ifname, n);
		if (access(path, F_OK))
			break;
	}
	return n > 0 ? n : 1;
}

static int queue_open(struct xsk_queue *q, const char *ifname, char *err,
		      size_t errlen)
{
	struct xsk_umem_config ucfg = {
		.fill_size = XSK_RING,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = XSK_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = XSK_RING,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP,
	};
	size_t len = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
	uint32_t idx, i;
	int rc;

	q->area = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		rc = -errno;
		goto fail;
	}
	rc = xsk_umem__create(&q->umem, q->area, len, &q->fq, &q->cq, &ucfg);
	if (rc)
		goto fail;
	rc = xsk_socket__create(&q->xsk, ifname, q->queue, q->umem, &q->rx,
				NULL, &scfg);
	if (rc) {
		/* no zero-copy in this driver (veth, generic XDP) */
		scfg.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
		rc = xsk_socket__create(&q->xsk, ifname, q->queue, q->umem,
					&q->rx, NULL, &scfg);
	} else {
		q->zerocopy = 1;
	}
	if (rc)
		goto fail;
	q->fd = xsk_socket__fd(q->xsk);
	if (xsk_ring_prod__reserve(&q->fq, XSK_FRAMES, &idx) != XSK_FRAMES) {
		rc = -ENOSPC;
		goto fail;
	}
	for (i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) =
			(uint64_t)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&q->fq, XSK_FRAMES);
	if (bpf_map_update_elem(xf_bpf_xsks_fd(q->bpf), &q->queue, &q->fd,
				BPF_ANY)) {
		rc = -errno;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "--capture afxdp on %s: queue %u: %s%s", ifname,
		 q->queue, strerror(-rc),
		 rc == -EPERM ? " (needs CAP_NET_RAW, CAP_NET_ADMIN and "
				"CAP_IPC_LOCK: run xflowd as root)"
		 : rc == -ENOMEM || rc == -ENOBUFS ? " (each queue locks 16 "
						     "MiB of frames)"
						   : "");
	return rc;
}

int capture_afxdp_open(const struct capture_bpf_cfg *cfg, capture_cb cb,
		       void *ctx, struct capture **caps, int max, char *err,
		       size_t errlen)
{
	struct xf_own_key own[XF_MAX_OWN];
	struct xf_bpf_params p = {
		.mode = XF_BPF_XSK,
		.ifname = cfg->ifname,
		.sample_n = cfg->sample_n,
		.force_generic = cfg->force_generic,
		.promisc = cfg->promisc,
		.own = own,
	};
	struct xf_bpf *b;
	int i, n = 0, nq, rc;

	for (i = 0; i < (int)cfg->nown && i < XF_MAX_OWN; i++) {
		memset(&own[i], 0, sizeof(own[i]));
		own[i].ipver = cfg->own[i].ipver;
		memcpy(own[i].addr, cfg->own[i].addr, 16);
		own[i].port = cfg->own[i].port;
		p.nown++;
	}
	b = xf_bpf_open(&p, err, errlen);
	if (!b)
		return -EINVAL;
	nq = rx_queues(b->ifname);
	if (nq > XF_MAX_QUEUES || nq > max) {
		snprintf(err, errlen,
			 "--capture afxdp on %s: %d receive queues, at most "
			 "%d",
			 b->ifname, nq,
			 max < XF_MAX_QUEUES ? max : XF_MAX_QUEUES);
		xf_bpf_put(b);
		return -ENOSPC;
	}
	/* the program first: the sockets bind to an interface in XDP mode */
	rc = xf_bpf_attach(b, err, errlen);
	if (rc) {
		xf_bpf_put(b);
		return rc;
	}
	for (n = 0; n < nq; n++) {
		struct capture *cap = calloc(1, sizeof(*cap));
		struct xsk_queue *q = calloc(1, sizeof(*q));

		if (!cap || !q) {
			free(cap);
			free(q);
			if (n == 0)
				xf_bpf_put(b);
			snprintf(err, errlen, "out of memory");
			rc = -ENOMEM;
			goto fail;
		}
		q->bpf = b;
		if (n)
			xf_bpf_get(b);
		q->queue = (uint32_t)n;
		q->fd = -1;
		cap->ops = &afxdp_ops;
		cap->priv = q;
		cap->cb = cb;
		cap->cb_ctx = ctx;
		cap->op.link = link_lookup(xf_bpf_raw_ip(b) ? 12 : 1);
		cap->op.ifindex = b->ifindex;
		snprintf(cap->op.name, sizeof(cap->op.name), "%s", b->ifname);
		caps[n] = cap;
		rc = queue_open(q, b->ifname, err, errlen);
		if (rc) {
			n++;
			goto fail;
		}
	}
	pr_info("%s: afxdp: %d queue%s, %s XDP, %s\n", b->ifname, nq,
		nq == 1 ? "" : "s", b->generic ? "generic" : "native",
		((struct xsk_queue *)caps[0]->priv)->zerocopy ? "zero-copy"
							      : "copy mode");
	return n;
fail:
	for (i = 0; i < n; i++)
		capture_close(caps[i]);
	return rc;
}
