// SPDX-License-Identifier: BSD-2-Clause
/*
 * loader.c - load and attach the programs of bpf/xflowd.bpf.c, embedded in
 * the binary as a bpftool skeleton.
 *
 * Everything is attached through bpf_links (XDP and TCX), which the kernel
 * removes when the last descriptor goes: a killed xflowd leaves nothing
 * attached. libbpf's messages go to the debug log (-v) only; the user gets
 * one line saying what is wrong and what to do.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../common/log.h"
#include "loader.h"
#include "xflowd.skel.h"

/* TCX (Linux 6.6) attach types, newer than the installed UAPI headers. */
#define XF_BPF_TCX_INGRESS 46
#define XF_BPF_TCX_EGRESS 47

static int libbpf_to_log(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	(void)level;
	if (log_level < LOG_LVL_DEBUG)
		return 0;
	fputs("xflowd: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static const char *mode_name(enum xf_bpf_mode m)
{
	return m == XF_BPF_TC	 ? "ebpf (tc)"
	       : m == XF_BPF_XDP ? "ebpf (xdp)"
				 : "afxdp";
}

/* Devices without a link header in front of IP (tunnels, PPP, tun). */
static int link_is_raw_ip(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int raw = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		switch (ifr.ifr_hwaddr.sa_family) {
		case ARPHRD_NONE:
		case ARPHRD_PPP:
		case ARPHRD_TUNNEL:
		case ARPHRD_TUNNEL6:
		case ARPHRD_SIT:
		case ARPHRD_IPGRE:
		case 823: /* ARPHRD_IP6GRE */
		case 519: /* ARPHRD_RAWIP */
			raw = 1;
			break;
		default:
			break;
		}
	}
	close(fd);
	return raw;
}

/* The message for a failed load, by errno. */
static void load_error(const struct xf_bpf_params *p, int e, char *err,
		       size_t errlen)
{
	if (e == EPERM)
		snprintf(err, errlen,
			 "--capture %s on %s: the kernel refused to load "
			 "BPF programs (EPERM): xflowd needs CAP_BPF and "
			 "CAP_NET_ADMIN (or CAP_SYS_ADMIN); run it as root",
			 mode_name(p->mode), p->ifname);
	else
		snprintf(err, errlen,
			 "--capture %s on %s: cannot load the BPF programs: "
			 "%s (run with -v for the verifier's log)",
			 mode_name(p->mode), p->ifname, strerror(e));
}

struct xf_bpf *xf_bpf_open(const struct xf_bpf_params *p, char *err,
			   size_t errlen)
{
	struct xf_bpf *b;
	struct xflowd_bpf *s;
	uint32_t i;
	int e;

	libbpf_set_print(libbpf_to_log);
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->p = *p;
	b->links[0] = b->links[1] = -1;
	b->promisc = -1;
	b->refs = 1;
	snprintf(b->ifname, sizeof(b->ifname), "%s", p->ifname);
	b->p.ifname = b->ifname;
	b->p.own = NULL;
	b->ifindex = if_nametoindex(p->ifname);
	if (!b->ifindex) {
		snprintf(err, errlen, "--interface %s: no such interface%s",
			 p->ifname,
			 strlen(p->ifname) >= IF_NAMESIZE ? " (names have at "
							    "most 15 "
							    "characters)"
							  : " (see 'ip link')");
		free(b);
		return NULL;
	}
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu <= 0) {
		snprintf(err, errlen, "cannot count the CPUs: %s",
			 strerror(-b->ncpu));
		free(b);
		return NULL;
	}

	s = xflowd_bpf__open();
	if (!s) {
		e = errno;
		snprintf(err, errlen, "cannot open the BPF programs: %s",
			 strerror(e));
		free(b);
		return NULL;
	}
	b->skel = s;
	s->rodata->xf_sample_n = p->sample_n;
	s->rodata->xf_nrings = p->nrings ? p->nrings : 1;
	s->rodata->xf_ring_by_cpu = p->ring_by_cpu;
	s->rodata->xf_decap = p->decap;
	s->rodata->xf_nown = p->nown < XF_MAX_OWN ? p->nown : XF_MAX_OWN;
	for (i = 0; i < s->rodata->xf_nown; i++)
		s->rodata->xf_own[i] = p->own[i];
	s->rodata->xf_wake_bytes = p->wake_bytes;
	s->rodata->xf_raw_ip = (uint32_t)link_is_raw_ip(p->ifname);
	bpf_program__set_autoload(s->progs.xf_xdp, p->mode == XF_BPF_XDP);
	bpf_program__set_autoload(s->progs.xf_tc_in, p->mode == XF_BPF_TC);
	bpf_program__set_autoload(s->progs.xf_tc_out, p->mode == XF_BPF_TC);
	bpf_program__set_autoload(s->progs.xf_xsk, p->mode == XF_BPF_XSK);
	if (log_level >= LOG_LVL_DEBUG) {
		/* -v: the verifier's statistics of each program */
		bpf_program__set_log_level(s->progs.xf_xdp, 4);
		bpf_program__set_log_level(s->progs.xf_tc_in, 4);
		bpf_program__set_log_level(s->progs.xf_tc_out, 4);
		bpf_program__set_log_level(s->progs.xf_xsk, 4);
	}
	e = xflowd_bpf__load(s);
	if (e) {
		load_error(p, -e, err, errlen);
		goto fail;
	}
	return b;
fail:
	xflowd_bpf__destroy(s);
	free(b);
	return NULL;
}

bool xf_bpf_raw_ip(const struct xf_bpf *b)
{
	return b->skel->rodata->xf_raw_ip != 0;
}

static int link_xdp(int prog_fd, uint32_t ifindex, uint32_t flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = flags);
	int fd = bpf_link_create(prog_fd, (int)ifindex, BPF_XDP, &o);

	return fd < 0 ? -errno : fd;
}

static void xdp_error(const struct xf_bpf *b, int e, char *err, size_t errlen)
{
	if (e == EPERM || e == EACCES)
		snprintf(err, errlen,
			 "--capture %s on %s: the kernel refused to attach "
			 "XDP (EPERM): xflowd needs CAP_NET_ADMIN and CAP_BPF; "
			 "run it as root",
			 mode_name(b->p.mode), b->ifname);
	else if (e == EBUSY || e == EEXIST)
		snprintf(err, errlen,
			 "--capture %s on %s: the interface already has an "
			 "XDP program; xflowd does not replace it (see 'ip "
			 "link show %s'%s)",
			 mode_name(b->p.mode), b->ifname, b->ifname,
			 b->p.mode == XF_BPF_XDP ? "; --ebpf-hook tc needs no "
						   "XDP"
						 : "");
	else
		snprintf(err, errlen,
			 "--capture %s on %s: the interface cannot take an "
			 "XDP program: %s%s",
			 mode_name(b->p.mode), b->ifname, strerror(e),
			 b->p.mode == XF_BPF_XDP ? "; try --ebpf-hook tc" : "");
}

static int attach_xdp(struct xf_bpf *b, int prog_fd, char *err, size_t errlen)
{
	int fd = -EOPNOTSUPP;

	if (!b->p.force_generic)
		fd = link_xdp(prog_fd, b->ifindex, XDP_FLAGS_DRV_MODE);
	if (fd == -EPERM || fd == -EBUSY || fd == -EEXIST) {
		xdp_error(b, -fd, err, errlen);
		return fd;
	}
	if (fd < 0) {
		/* no native XDP in this driver (or not at this MTU) */
		int native = fd;

		fd = link_xdp(prog_fd, b->ifindex, XDP_FLAGS_SKB_MODE);
		if (fd < 0) {
			xdp_error(b, -fd, err, errlen);
			return fd;
		}
		b->generic = true;
		if (!b->p.force_generic)
			pr_warn("%s: no native XDP (%s): using generic XDP, "
				"which is slower\n",
				b->ifname, strerror(-native));
	}
	b->links[0] = fd;
	return 0;
}

static int attach_tcx(struct xf_bpf *b, char *err, size_t errlen)
{
	int at[2] = { XF_BPF_TCX_INGRESS, XF_BPF_TCX_EGRESS };
	int prog[2] = { bpf_program__fd(b->skel->progs.xf_tc_in),
			bpf_program__fd(b->skel->progs.xf_tc_out) };
	int i, fd, e;

	for (i = 0; i < 2; i++) {
		fd = bpf_link_create(prog[i], (int)b->ifindex,
				     (enum bpf_attach_type)at[i], NULL);
		if (fd < 0) {
			e = errno;
			if (e == EPERM || e == EACCES)
				snprintf(err, errlen,
					 "--capture ebpf on %s: the kernel "
					 "refused to attach TC programs "
					 "(EPERM): xflowd needs CAP_NET_ADMIN "
					 "and CAP_BPF; run it as root",
					 b->ifname);
			else if (e == EINVAL)
				snprintf(err, errlen,
					 "--capture ebpf on %s: this kernel "
					 "has no TCX links (Linux 6.6 or "
					 "later); use --ebpf-hook xdp",
					 b->ifname);
			else
				snprintf(err, errlen,
					 "--capture ebpf on %s: cannot attach "
					 "to TC: %s",
					 b->ifname, strerror(e));
			xf_bpf_detach(b);
			return -e;
		}
		b->links[i] = fd;
	}
	return 0;
}

/*
 * Promiscuous mode for as long as the descriptor is open: the kernel
 * counts the holders of PACKET_MR_PROMISC, so the interface goes back
 * when xflowd ends, however it ends, and a mode set by someone else
 * stays. The socket has no protocol: it receives nothing.
 */
static int promisc_hold(struct xf_bpf *b, char *err, size_t errlen)
{
	struct packet_mreq mr = {
		.mr_ifindex = (int)b->ifindex,
		.mr_type = PACKET_MR_PROMISC,
	};
	int fd, e;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd >= 0 && setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				  sizeof(mr)) == 0) {
		b->promisc = fd;
		return 0;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	snprintf(err, errlen, "%s: promiscuous mode: %s%s", b->ifname,
		 strerror(e), e == EPERM ? " (needs CAP_NET_RAW)" : "");
	return -e;
}

int xf_bpf_attach(struct xf_bpf *b, char *err, size_t errlen)
{
	int rc = -EINVAL;

	switch (b->p.mode) {
	case XF_BPF_TC:
		rc = attach_tcx(b, err, errlen);
		break;
	case XF_BPF_XDP:
		rc = attach_xdp(b, bpf_program__fd(b->skel->progs.xf_xdp), err,
				errlen);
		break;
	case XF_BPF_XSK:
		rc = attach_xdp(b, bpf_program__fd(b->skel->progs.xf_xsk), err,
				errlen);
		break;
	}
	if (rc == 0 && b->p.promisc)
		rc = promisc_hold(b, err, errlen);
	return rc;
}

void xf_bpf_detach(struct xf_bpf *b)
{
	int i, fd;

	if (!b || __atomic_exchange_n(&b->detached, 1, __ATOMIC_ACQ_REL))
		return;
	for (i = 0; i < 2; i++) {
		fd = __atomic_exchange_n(&b->links[i], -1, __ATOMIC_ACQ_REL);
		if (fd >= 0) {
			/* synchronous detach, then the descriptor */
			bpf_link_detach(fd);
			close(fd);
		}
	}
	fd = __atomic_exchange_n(&b->promisc, -1, __ATOMIC_ACQ_REL);
	if (fd >= 0)
		close(fd);
}

void xf_bpf_get(struct xf_bpf *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void xf_bpf_put(struct xf_bpf *b)
{
	if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	xf_bpf_detach(b);
	xflowd_bpf__destroy(b->skel);
	free(b);
}

int xf_bpf_rings_fd(const struct xf_bpf *b)
{
	return bpf_map__fd(b->skel->maps.xf_rings);
}

int xf_bpf_xsks_fd(const struct xf_bpf *b)
{
	return bpf_map__fd(b->skel->maps.xf_xsks);
}

int xf_bpf_counters(const struct xf_bpf *b, uint64_t *sum, uint64_t *per_cpu,
		    int max)
{
	struct xf_counters *v = calloc((size_t)b->ncpu, sizeof(*v));
	uint32_t zero = 0;
	int cpu, i;

	if (!v)
		return -ENOMEM;
	memset(sum, 0, sizeof(uint64_t) * XF_NCNT);
	if (bpf_map__lookup_elem(b->skel->maps.xf_counters, &zero, sizeof(zero),
				 v, sizeof(*v) * (size_t)b->ncpu, 0)) {
		i = -errno;
		free(v);
		return i;
	}
	for (cpu = 0; cpu < b->ncpu; cpu++) {
		for (i = 0; i < XF_NCNT; i++)
			sum[i] += v[cpu].c[i];
		if (per_cpu && cpu < max)
			per_cpu[cpu] = v[cpu].c[XF_CNT_RING_FULL];
	}
	free(v);
	return b->ncpu;
}

int64_t xf_mono_to_real(void)
{
	struct timespec m0, r, m1;
	int64_t best = 0, gap, bestgap = INT64_MAX;
	int i;

	/* the pair read closest together, of a few */
	for (i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m0);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m1);
		gap = (m1.tv_sec - m0.tv_sec) * 1000000000ll +
		      (m1.tv_nsec - m0.tv_nsec);
		if (gap < bestgap) {
			int64_t mid = (m0.tv_sec * 1000000000ll + m0.tv_nsec) +
				      gap / 2;

			bestgap = gap;
			best = r.tv_sec * 1000000000ll + r.tv_nsec - mid;
		}
	}
	return best;
}
