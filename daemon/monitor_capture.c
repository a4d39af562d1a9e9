// SPDX-License-Identifier: BSD-2-Clause
/*
 * monitor_capture.c - a monitor's observation points: a file, libpcap
 * with a filter that keeps the export traffic of every monitor out, or
 * the BPF back ends, whose programs skip it; and at the end, what they
 * still hold.
 */
#include <arpa/inet.h>
#include <string.h>

#include "../config/config.h"
#include "../common/log.h"
#include "monitor_int.h"

#define BATCH 256 /* packets per dispatch while draining */

size_t monitors_ncoll(struct monitor *const *all, int nall)
{
	size_t n = 0;
	int i, k;

	for (k = 0; k < nall; k++)
		for (i = 0; i < all[k]->nex; i++)
			n += all[k]->ex[i]->ncoll;
	return n;
}

const struct collector *monitors_coll(struct monitor *const *all, int nall,
				      size_t n)
{
	int i, k;

	for (k = 0; k < nall; k++) {
		for (i = 0; i < all[k]->nex; i++) {
			const struct exporter *ex = all[k]->ex[i];

			if (n < ex->ncoll)
				return ex->coll[n];
			n -= ex->ncoll;
		}
	}
	return NULL;
}

/* A pcap filter that keeps our own export datagrams out of the meter. */
static void own_traffic_filter(struct monitor *const *all, int nall, char *buf,
			       size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < monitors_ncoll(all, nall) && n < len; i++) {
		const struct collector *c = monitors_coll(all, nall, i);
		/* the deepest load: a link header (SLL2's 20 octets at
		 * most), the IPv4 or IPv6 header, the ports */
		int port, guard = 20 + 40 + 4;
		const char *v4 = "";
		char host[64];

		/* a name not resolved yet: filtered from a restart on (the
		 * log says when it resolves) */
		if (!collector_resolved(c))
			continue;
		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&c->addr;

			inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
			port = ntohs(s->sin_port);
			guard = 20 + 20 + 4;
			v4 = "ip and ip[0] & 0xf = 5 and";
		} else {
			const struct sockaddr_in6 *s = (const void *)&c->addr;

			inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
			port = ntohs(s->sin6_port);
		}
		/* A filter's load past the end of a frame rejects it: the
		 * length comes first, so that short (malformed) frames reach
		 * the meter and are counted; our own packets have no IPv4
		 * options, the ports of those that do are not looked for.
		 * TCP: the collector's acknowledgements too */
		if (c->tx.proto == TX_TCP)
			n += (size_t)snprintf(buf + n, len - n,
					      "%s(len >= %d and %s tcp and "
					      "((dst host %s and dst port %d) "
					      "or (src host %s and src port "
					      "%d)))",
					      n ? " or " : "not (", guard, v4,
					      host, port, host, port);
		else
			n += (size_t)snprintf(buf + n, len - n,
					      "%s(len >= %d and %s udp and "
					      "dst host %s and dst port %d)",
					      n ? " or " : "not (", guard, v4,
					      host, port);
	}
	if (n && n < len)
		snprintf(buf + n, len - n, ")");
}

/*
 * --capture afxdp|ebpf: captures per queue/ring of each interface of m;
 * the programs skip packets to or from the collectors of every monitor.
 */
static int setup_bpf(struct monitor *m, struct monitor *const *all, int nall,
		     char *err, size_t errlen)
{
	struct capture_own own[EXPORT_MAX_COLLECTORS];
	struct capture_bpf_cfg cfg = {
		.hook_xdp = m->opt.ebpf_hook == EBPF_HOOK_XDP,
		/* random: the programs draw per packet (deterministic needs
		 * one count across CPUs: the meter's sampler does it) */
		.sample_n = m->opt.export.sampling.mode == SAMPLER_RANDOM
				    ? m->opt.export.sampling.interval
				    : 1,
		.decap = m->mcfg.decap,
		.own = own,
	};
	size_t i;
	int n;

	memset(own, 0, sizeof(own));
	for (i = 0; i < monitors_ncoll(all, nall) && i < EXPORT_MAX_COLLECTORS;
	     i++) {
		const struct collector *c = monitors_coll(all, nall, i);
		struct capture_own *o;

		if (!collector_resolved(c))
			continue;
		o = &own[cfg.nown++];
		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&c->addr;

			o->ipver = 4;
			memcpy(o->addr, &s->sin_addr, 4);
			o->port = ntohs(s->sin_port);
		} else {
			const struct sockaddr_in6 *s = (const void *)&c->addr;

			o->ipver = 6;
			memcpy(o->addr, &s->sin6_addr, 16);
			o->port = ntohs(s->sin6_port);
		}
	}
	for (i = 0; i < (size_t)m->opt.nif; i++) {
		cfg.ifname = m->opt.ifname[i];
		cfg.promisc = options_promisc(&m->opt, (int)i);
		if (m->opt.capture == CAPTURE_AFXDP)
			n = capture_afxdp_open(&cfg, worker_on_packet, NULL,
					       m->cap + m->ncap,
					       MONITOR_MAX_CAPS - m->ncap, err,
					       errlen);
		else
			n = capture_ebpf_open(&cfg, worker_on_info, NULL,
					      m->cap + m->ncap,
					      MONITOR_MAX_CAPS - m->ncap, err,
					      errlen);
		if (n < 0)
			return n;
		m->ncap += n;
	}
	return 0;
}

int monitor_captures_open(struct monitor *m, struct monitor *const *all,
			  int nall, int *exit_code)
{
	char err[512], filter[4096];
	int i;

	if (m->opt.read) {
		m->cap[0] = capture_pcap_file(m->opt.read, worker_on_packet,
					      NULL, err, sizeof(err));
		if (!m->cap[0])
			goto fail;
		m->ncap = 1;
		return 0;
	}
	if (m->opt.capture != CAPTURE_PCAP) {
		if (setup_bpf(m, all, nall, err, sizeof(err)) < 0)
			goto fail;
		return 0;
	}
	own_traffic_filter(all, nall, filter, sizeof(filter));
	for (i = 0; i < m->opt.nif; i++) {
		m->cap[i] = capture_pcap_live(m->opt.ifname[i], m->opt.ifdir[i],
					      options_promisc(&m->opt, i),
					      filter, worker_on_packet, NULL,
					      err, sizeof(err));
		if (!m->cap[i])
			goto fail;
		m->ncap++;
	}
	return 0;
fail:
	if (m->cfg && !m->cfg->cmdline)
		pr_err("monitor %s: %s\n", monitor_name(m), err);
	else
		pr_err("%s\n", err);
	*exit_code = 1;
	return -1;
}

/*
 * BPF back ends: detach the programs, meter what the rings and sockets
 * still hold (before the cache is flushed), collect the kernel's counters.
 */
void monitor_captures_stop(struct monitor *d)
{
	struct capture_kstats *k = &d->kst;
	/* the kernel's counters go to the first worker's */
	struct meter *m = &d->pool.w[0]->meter;
	int i, r;

	for (i = 0; i < d->ncap; i++)
		if (d->cap[i]->ops->stop)
			d->cap[i]->ops->stop(d->cap[i]);
	/* what libpcap's socket holds is metered too: the kernel hands a
	 * TPACKET_V3 block over only when it is full or at the read
	 * timeout, so packets received just before SIGTERM (or a reload
	 * that changes the monitor) wait there up to hold_ms */
	worker_pool_drain(&d->pool);
	for (i = 0; i < d->ncap; i++) {
		if (!d->cap[i]->ops->stop)
			continue;
		while (d->cap[i]->ops->dispatch(d->cap[i], BATCH) > 0)
			;
		if (d->cap[i]->ops->kstats)
			d->cap[i]->ops->kstats(d->cap[i], k);
	}
	/* what the kernel parsed and found not to be a flow */
	m->st.non_ip += k->non_ip;
	m->st.packets += k->non_ip;
	/* what the kernel's sampler passed over */
	m->st.sampled_out += k->sampled_out;
	m->st.packets += k->sampled_out;
	for (r = 1; r <= PARSE_NERR; r++) {
		m->st.malformed[r] += k->malformed[r];
		m->st.packets += k->malformed[r];
	}
	if (k->ring_full)
		pr_warn("%llu packets were not metered: the BPF ring buffer "
			"was full (see ring_full_per_cpu in --stats-file)\n",
			(unsigned long long)k->ring_full);
	if (k->no_socket)
		pr_warn("%llu packets were not metered: no AF_XDP socket on "
			"their queue\n",
			(unsigned long long)k->no_socket);
}
