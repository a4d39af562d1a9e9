// SPDX-License-Identifier: BSD-2-Clause
/*
 * capture_ebpf.c - --capture ebpf: the XDP or TC programs of
 * bpf/xflowd.bpf.c parse packets in the kernel and write one struct
 * xf_record each into BPF ring buffers; here each ring is one capture.
 *
 * The programs submit with BPF_RB_NO_WAKEUP (a wake-up per record halves
 * the throughput on this kind of machine), so a ring is read on a short
 * timer - 2 ms, a few hundred KiB of records at 1 Mpps against a 4 MiB
 * ring - and woken early only when it is half full. A capture's
 * descriptor is an epoll set of the two, and the ring is read with our own
 * consumer (the layout is the kernel's ABI: a consumer page, then the
 * producer page and the data mapped twice), which returns after max
 * records and publishes its position once per batch.
 *
 * Each ring capture touches only its own mapping, timer and counters, so
 * captures can be driven from different threads; the programs are shared
 * (struct xf_bpf, reference counted).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/loader.h"
#include "../common/log.h"
#include "capture.h"

#define TIMER_NS 2000000 /* the ring reader's period */

struct ebpf_ring {
	struct xf_bpf *bpf;
	int idx; /* 0 reports the interface's kernel counters */
	int map_fd;
	int timer_fd;
	int epoll_fd;
	size_t page;
	size_t size; /* data octets, a power of two */
	void *cons_map;
	void *prod_map;
	uint64_t *cons_pos;
	const uint64_t *prod_pos;
	const uint8_t *data;
	struct obs_point op_out; /* egress (TC): flowDirection 1 */
	uint64_t bad;		 /* records of an unexpected size */
};

/* A GSO packet is several packets on the wire: meter each segment. */
static void deliver_gso(struct capture *cap, const struct obs_point *op,
			const struct xf_record *r, uint64_t ts)
{
	struct pkt_info seg = r->pi;
	uint32_t hdr = r->hdr_len, size = r->gso_size, segs = r->gso_segs;
	uint32_t i, left, pay;

	if (hdr == 0 || size == 0 || r->pi.octets <= hdr ||
	    (uint64_t)(segs - 1) * size >= r->pi.octets - hdr) {
		cap->info_cb(cap->cb_ctx, op, &r->pi, r->in_ifindex, ts,
			     r->cpu);
		return;
	}
	left = r->pi.octets - hdr;
	for (i = 0; i < segs && left; i++) {
		pay = i + 1 < segs && left > size ? size : left;
		seg.octets = hdr + pay;
		left -= pay;
		cap->info_cb(cap->cb_ctx, op, &seg, r->in_ifindex, ts, r->cpu);
	}
}

static int ebpf_consume(struct capture *cap, int max)
{
	struct ebpf_ring *rg = cap->priv;
	uint64_t cons = *rg->cons_pos;
	uint64_t prod = __atomic_load_n(rg->prod_pos, __ATOMIC_ACQUIRE);
	int64_t off = xf_mono_to_real();
	int n = 0;

	while (cons < prod && n < max) {
		const uint32_t *hdr =
			(const uint32_t *)(rg->data + (cons & (rg->size - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		const struct xf_record *r = (const void *)(hdr + 2);
		uint32_t sz = len &
			      ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet submitted */
		cons += (sz + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
		if (len & BPF_RINGBUF_DISCARD_BIT)
			continue;
		n++;
		if (sz != sizeof(*r)) {
			rg->bad++;
			continue;
		}
		{
			const struct obs_point *op = r->dir ? &rg->op_out
							    : &cap->op;
			uint64_t ts = (uint64_t)((int64_t)r->ts_ns + off);

			if (r->gso_segs > 1)
				deliver_gso(cap, op, r, ts);
			else
				cap->info_cb(cap->cb_ctx, op, &r->pi,
					     r->in_ifindex, ts, r->cpu);
		}
	}
	/* one release per batch: the producers see the space from here */
	__atomic_store_n(rg->cons_pos, cons, __ATOMIC_RELEASE);
	return n;
}

static int ebpf_fd(struct capture *cap)
{
	return ((struct ebpf_ring *)cap->priv)->epoll_fd;
}

static int ebpf_dispatch(struct capture *cap, int max)
{
	struct ebpf_ring *rg = cap->priv;
	uint64_t expirations;

	/* rearm readiness: the timer's count is of no interest */
	if (read(rg->timer_fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return ebpf_consume(cap, max);
}

static uint64_t ebpf_drops(struct capture *cap)
{
	struct ebpf_ring *rg = cap->priv;
	uint64_t sum[XF_NCNT];

	if (rg->idx != 0 || xf_bpf_counters(rg->bpf, sum, NULL, 0) < 0)
		return 0;
	return sum[XF_CNT_RING_FULL];
}

static void ebpf_kstats(struct capture *cap, struct capture_kstats *ks)
{
	struct ebpf_ring *rg = cap->priv;
	uint64_t sum[XF_NCNT], cpu[CAPTURE_MAX_CPUS] = { 0 };
	int i, n;

	ks->bad_records += rg->bad;
	if (rg->idx != 0)
		return;
	n = xf_bpf_counters(rg->bpf, sum, cpu, CAPTURE_MAX_CPUS);
	if (n < 0)
		return;
	ks->non_ip += sum[XF_CNT_NOT_IP];
	for (i = 1; i <= PARSE_NERR; i++)
		ks->malformed[i] += sum[XF_CNT_MALFORMED + i];
	ks->sampled_out += sum[XF_CNT_SAMPLED_OUT];
	ks->own_export += sum[XF_CNT_OWN_EXPORT];
	ks->ring_full += sum[XF_CNT_RING_FULL];
	ks->gso += sum[XF_CNT_GSO];
	for (i = 0; i < n && i < CAPTURE_MAX_CPUS; i++)
		ks->ring_full_cpu[i] += cpu[i];
	if (n > ks->ncpu)
		ks->ncpu = n > CAPTURE_MAX_CPUS ? CAPTURE_MAX_CPUS : n;
}

static void ebpf_stop(struct capture *cap)
{
	struct ebpf_ring *rg = cap->priv;

	xf_bpf_detach(rg->bpf);
}

static void ebpf_close(struct capture *cap)
{
	struct ebpf_ring *rg = cap->priv;

	if (!rg)
		return;
	if (rg->prod_map)
		munmap(rg->prod_map, rg->page + 2 * rg->size);
	if (rg->cons_map)
		munmap(rg->cons_map, rg->page);
	if (rg->epoll_fd >= 0)
		close(rg->epoll_fd);
	if (rg->timer_fd >= 0)
		close(rg->timer_fd);
	if (rg->map_fd >= 0)
		close(rg->map_fd);
	xf_bpf_put(rg->bpf);
	free(rg);
}

static const struct capture_ops ebpf_ops = {
	.name = "ebpf",
	.fd = ebpf_fd,
	.dispatch = ebpf_dispatch,
	.drops = ebpf_drops,
	.close = ebpf_close,
	.stop = ebpf_stop,
	.kstats = ebpf_kstats,
};

/* Create ring idx, put it in the programs' array, map it, arm its timer. */
static int ring_open(struct ebpf_ring *rg, int idx, char *err, size_t errlen)
{
	struct itimerspec its = {
		.it_interval = { 0, TIMER_NS },
		.it_value = { 0, TIMER_NS },
	};
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t key = (uint32_t)idx;
	int e;

	rg->idx = idx;
	rg->page = (size_t)sysconf(_SC_PAGESIZE);
	rg->size = XF_RING_BYTES;
	rg->map_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xf_ring", 0, 0,
				    XF_RING_BYTES, NULL);
	if (rg->map_fd < 0)
		goto sys;
	if (bpf_map_update_elem(xf_bpf_rings_fd(rg->bpf), &key, &rg->map_fd,
				BPF_ANY))
		goto sys;
	rg->cons_map = mmap(NULL, rg->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			    rg->map_fd, 0);
	if (rg->cons_map == MAP_FAILED) {
		rg->cons_map = NULL;
		goto sys;
	}
	rg->prod_map = mmap(NULL, rg->page + 2 * rg->size, PROT_READ,
			    MAP_SHARED, rg->map_fd, (off_t)rg->page);
	if (rg->prod_map == MAP_FAILED) {
		rg->prod_map = NULL;
		goto sys;
	}
	rg->cons_pos = rg->cons_map;
	rg->prod_pos = rg->prod_map;
	rg->data = (const uint8_t *)rg->prod_map + rg->page;

	rg->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	rg->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rg->timer_fd < 0 || rg->epoll_fd < 0 ||
	    timerfd_settime(rg->timer_fd, 0, &its, NULL))
		goto sys;
	ev.data.fd = rg->timer_fd;
	if (epoll_ctl(rg->epoll_fd, EPOLL_CTL_ADD, rg->timer_fd, &ev))
		goto sys;
	/* readable after a forced wake-up (the ring half full) */
	ev.data.fd = rg->map_fd;
	if (epoll_ctl(rg->epoll_fd, EPOLL_CTL_ADD, rg->map_fd, &ev))
		goto sys;
	return 0;
sys:
	e = errno;
	snprintf(err, errlen, "--capture ebpf: ring buffer %d: %s%s", idx,
		 strerror(e),
		 e == ENOMEM || e == EPERM ? " (each ring takes 4 MiB of "
					     "locked memory)"
					   : "");
	return -e;
}

int capture_ebpf_open(const struct capture_bpf_cfg *cfg, capture_info_cb cb,
		      void *ctx, struct capture **caps, int max, char *err,
		      size_t errlen)
{
	struct xf_own_key own[XF_MAX_OWN];
	struct xf_bpf_params p = {
		.mode = cfg->hook_xdp ? XF_BPF_XDP : XF_BPF_TC,
		.ifname = cfg->ifname,
		.sample_n = cfg->sample_n,
		.decap = cfg->decap,
		.nrings = cfg->nrings,
		.force_generic = cfg->force_generic,
		.promisc = cfg->promisc,
		.wake_bytes = XF_RING_BYTES / 2,
		.own = own,
	};
	struct xf_bpf *b;
	int i, n = 0, rc;

	for (i = 0; i < (int)cfg->nown && i < XF_MAX_OWN; i++) {
		memset(&own[i], 0, sizeof(own[i]));
		own[i].ipver = cfg->own[i].ipver;
		memcpy(own[i].addr, cfg->own[i].addr, 16);
		own[i].port = cfg->own[i].port;
		p.nown++;
	}
	/* bench/live.sh compares ring layouts through these */
	if (getenv("XFLOWD_EBPF_RINGS"))
		p.nrings = (uint32_t)atoi(getenv("XFLOWD_EBPF_RINGS"));
	if (getenv("XFLOWD_EBPF_RING_BY_CPU"))
		p.ring_by_cpu = atoi(getenv("XFLOWD_EBPF_RING_BY_CPU")) != 0;
	if (getenv("XFLOWD_EBPF_WAKE_BYTES"))
		p.wake_bytes = (uint32_t)atoi(getenv("XFLOWD_EBPF_WAKE_BYTES"));
	if (!p.nrings) {
		int ncpu = libbpf_num_possible_cpus();

		p.nrings = ncpu > 0 ? (uint32_t)ncpu : 1;
	}
	if (p.nrings > XF_MAX_RINGS)
		p.nrings = XF_MAX_RINGS;
	if ((int)p.nrings > max) {
		snprintf(err, errlen,
			 "--capture ebpf on %s: %u rings, room for %d",
			 cfg->ifname, p.nrings, max);
		return -ENOSPC;
	}
	b = xf_bpf_open(&p, err, errlen);
	if (!b)
		return -EINVAL;

	for (n = 0; n < (int)p.nrings; n++) {
		struct capture *cap = calloc(1, sizeof(*cap));
		struct ebpf_ring *rg = calloc(1, sizeof(*rg));

		if (!cap || !rg) {
			free(cap);
			free(rg);
			if (n == 0)
				xf_bpf_put(b); /* no capture holds it yet */
			snprintf(err, errlen, "out of memory");
			rc = -ENOMEM;
			goto fail;
		}
		rg->map_fd = rg->timer_fd = rg->epoll_fd = -1;
		rg->bpf = b;
		if (n)
			xf_bpf_get(b);
		cap->ops = &ebpf_ops;
		cap->priv = rg;
		cap->info_cb = cb;
		cap->cb_ctx = ctx;
		cap->op.link = link_lookup(xf_bpf_raw_ip(b) ? 12 : 1);
		cap->op.ifindex = b->ifindex;
		cap->op.dir = 0;
		snprintf(cap->op.name, sizeof(cap->op.name), "%s", b->ifname);
		rg->op_out = cap->op;
		rg->op_out.dir = 1;
		caps[n] = cap;
		rc = ring_open(rg, n, err, errlen);
		if (rc) {
			n++;
			goto fail;
		}
	}
	rc = xf_bpf_attach(b, err, errlen);
	if (rc)
		goto fail;
	pr_info("%s: ebpf: %s, %d ring%s\n", b->ifname,
		p.mode == XF_BPF_TC ? "TC ingress and egress"
		: b->generic	    ? "XDP ingress (generic)"
				    : "XDP ingress (native)",
		n, n == 1 ? "" : "s");
	return n;
fail:
	for (i = 0; i < n; i++)
		capture_close(caps[i]);
	return rc;
}
